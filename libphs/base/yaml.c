/* libyaml's event stream -> a small tree, with the limits libyaml lacks:
 * input size, nesting depth, node count; anchors, aliases and tags refused
 * (no alias expansion means no "billion laughs"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml.h"

typedef struct {
    phs__ynode *node;
    phs__ynode **kids;
    size_t n, cap;
} frame;

static int push_kid(frame *f, phs__ynode *kid)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        phs__ynode **k = phs__realloc(f->kids, cap * sizeof *k);
        if (!k)
            return 0;
        f->kids = k;
        f->cap = cap;
    }
    f->kids[f->n++] = kid;
    return 1;
}

static int cmp_slot(const void *x, const void *y);

/* A repeated key would silently override a rule: refuse it.  Keys must be
 * scalars.  Returns PHS_OK or an error. */
static int check_keys(const char *file, const phs__ynode *n)
{
    size_t pairs = n->n / 2;
    int rc = PHS_OK;
    if (pairs < 2)
        return PHS_OK;
    phs__ynode ***keys = phs__malloc(pairs * sizeof *keys);
    if (!keys)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t i = 0; i < pairs; i++)
        keys[i] = &n->kids[2 * i];
    qsort(keys, pairs, sizeof *keys, cmp_slot);
    for (size_t i = 1; i < pairs && rc == PHS_OK; i++) {
        const phs__ynode *k = keys[i][0];
        if (k->kind == PHS__Y_SCALAR && keys[i - 1][0]->kind == PHS__Y_SCALAR &&
            strcmp(k->str, keys[i - 1][0]->str) == 0)
            rc = phs__error_at(PHS_ESPEC, file, k->line, k->col,
                               "duplicate key '%s' (first at line %d)", k->str,
                               keys[i - 1][0]->line);
    }
    phs__free(keys);
    return rc;
}

static int close_frame(phs__arena *a, frame *f)
{
    phs__ynode *n = f->node;
    n->n = f->n;
    if (f->n) {
        n->kids = phs__arena_alloc(a, f->n * sizeof *n->kids);
        if (!n->kids)
            return 0;
        memcpy(n->kids, f->kids, f->n * sizeof *n->kids);
    }
    phs__free(f->kids);
    f->kids = NULL;
    return 1;
}

/* Line and column (in characters) of byte offset off of text. */
static void offset_position(const char *text, size_t len, size_t off,
                            int *line, int *col)
{
    *line = *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* Parse text whose first line is line `line0 + 1` of the file, into *out
 * (*block: the root is a block mapping). */
const char *phs__yaml_decoration(const yaml_event_t *ev)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        break;
    case YAML_ALIAS_EVENT:
        return "aliases";
    default:
        break;
    }
    return anchor ? "anchors" : tag ? "tags" : NULL;
}

static int parse(phs__ynode **out, int *block, phs__arena *a, const char *file,
                 const char *text, size_t len, int line0,
                 const phs__limits *lim)
{
    yaml_parser_t p;
    yaml_event_t ev;
    frame *stack = NULL;
    size_t depth = 0, nodes = 0;
    phs__ynode *root = NULL;
    int rc = PHS_OK, done = 0, docs = 0;

    *out = NULL;
    *block = 0;
    stack = phs__calloc((size_t)lim->yaml_depth + 1, sizeof *stack);
    if (!stack || !yaml_parser_initialize(&p)) {
        phs__free(stack);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            int eline = (int)p.problem_mark.line + 1;
            int ecol = (int)p.problem_mark.column + 1;
            if (p.error == YAML_READER_ERROR) /* a byte offset, no mark */
                offset_position(text, len, p.problem_offset, &eline, &ecol);
            rc = phs__error_at(PHS_ESPEC, file, line0 + eline, ecol,
                               "YAML: %s%s%s",
                               p.problem ? p.problem : "syntax error",
                               p.context ? " " : "",
                               p.context ? p.context : "");
            break;
        }
        int line = line0 + (int)ev.start_mark.line + 1;
        int col = (int)ev.start_mark.column + 1;
        phs__ynode *node = NULL;
        const char *decor = phs__yaml_decoration(&ev);
        if (decor) {
            rc = phs__error_at(PHS_ESPEC, file, line, col,
                               "YAML %s are not allowed in rule files", decor);
            yaml_event_delete(&ev);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = phs__error_at(PHS_ESPEC, file, line, col,
                                   "only one YAML document per file");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if ((long)++nodes > lim->yaml_nodes) {
                rc = phs__error_at(PHS_ELIMIT, file, line, col,
                                   "more than %ld YAML nodes",
                                   lim->yaml_nodes);
                break;
            }
            node = phs__arena_alloc(a, sizeof *node);
            if (!node) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                break;
            }
            node->line = line;
            node->col = col;
            if (ev.type == YAML_SCALAR_EVENT) {
                node->kind = PHS__Y_SCALAR;
                node->len = ev.data.scalar.length;
                node->str = phs__arena_strndup(
                    a, (const char *)ev.data.scalar.value, node->len);
                node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!node->str) {
                    rc = phs__error_set(PHS_ENOMEM, "out of memory");
                    break;
                }
            } else {
                node->kind = ev.type == YAML_SEQUENCE_START_EVENT
                                 ? PHS__Y_SEQ
                                 : PHS__Y_MAP;
            }
            if (depth > 0 && !push_kid(&stack[depth - 1], node)) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                break;
            }
            if (depth == 0) {
                root = node;
                *block = ev.type == YAML_MAPPING_START_EVENT &&
                          ev.data.mapping_start.style ==
                              YAML_BLOCK_MAPPING_STYLE;
            }
            if (node->kind != PHS__Y_SCALAR) {
                if ((long)depth >= lim->yaml_depth) {
                    rc = phs__error_at(PHS_ELIMIT, file, line, col,
                                       "YAML nested deeper than %ld levels",
                                       lim->yaml_depth);
                    break;
                }
                stack[depth] = (frame){node, NULL, 0, 0};
                depth++;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (!close_frame(a, &stack[depth - 1])) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                break;
            }
            depth--;
            if (ev.type == YAML_MAPPING_END_EVENT)
                rc = check_keys(file, stack[depth].node);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (rc != PHS_OK)
            break;
    }
    for (size_t i = 0; i < depth; i++)
        phs__free(stack[i].kids);
    phs__free(stack);
    yaml_parser_delete(&p);
    if (rc != PHS_OK)
        return rc;
    if (!root)
        return phs__error_at(PHS_ESPEC, file, line0 + 1, 1,
                             "the file is empty");
    *out = root;
    return PHS_OK;
}

static int over_limit(const char *file, size_t len, const phs__limits *lim)
{
    return phs__error_at(PHS_ELIMIT, file, 0, 0,
                         "file is %zu bytes, over the limit of %ld", len,
                         lim->file_bytes);
}

int phs__yaml_parse(phs__ynode **out, phs__arena *a, const char *file,
                    const char *text, size_t len, const phs__limits *lim)
{
    int block;
    if ((long)len > lim->file_bytes)
        return over_limit(file, len, lim);
    return parse(out, &block, a, file, text, len, 0, lim);
}

/* ---- a top-level key split off, parsed on demand ---- */

/* Where the last top-level entry `key:` (block value, at column 0) starts,
 * and its line; 0 when the text has no such entry.  The entry is the last
 * one when every line after it is blank, a comment, indented, or a "- "
 * item at column 0.  Lines end with "\n" or "\r\n"; a lone "\r" (a line
 * break to YAML) before the entry gives 0, so that lines are counted as
 * libyaml counts them. */
static int find_last_key(const char *t, size_t len, const char *key,
                         size_t *at, int *line)
{
    size_t klen = strlen(key), pos = 0;
    int found = 0, ln = 1;
    while (pos < len) {
        const char *nl = memchr(t + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - t) : len;
        const char *cr = found ? NULL : memchr(t + pos, '\r', end - pos);
        if (cr && (size_t)(cr - t) + 1 != end)
            return 0;
        char c = t[pos];
        if (found) {
            char d = pos + 1 < len ? t[pos + 1] : '\n';
            if (!(c == ' ' || c == '\r' || c == '\n' || c == '#' ||
                  (c == '-' && (d == ' ' || d == '\r' || d == '\n'))))
                return 0; /* another top-level entry follows */
        } else if (end - pos > klen && !memcmp(t + pos, key, klen) &&
                   t[pos + klen] == ':') {
            size_t i = pos + klen + 1;
            while (i < end && (t[i] == ' ' || t[i] == '\t'))
                i++;
            if (i == end || t[i] == '\r' || t[i] == '#') {
                found = 1;
                *at = pos;
                *line = ln;
            }
        }
        pos = end + 1;
        ln++;
    }
    return found;
}

int phs__yaml_parse_split(phs__ynode **out, phs__ypart *part,
                          phs__arena *a, const char *file, const char *text,
                          size_t len, const phs__limits *lim, const char *key)
{
    size_t at = 0;
    int line = 0, block, rc;
    memset(part, 0, sizeof *part);
    if ((long)len > lim->file_bytes)
        return over_limit(file, len, lim);
    /* The fast path: the text before the entry is a complete block mapping
     * at column 0 without the key, so the entry is a key of it and the
     * whole file means the same as the two parts. */
    if (find_last_key(text, len, key, &at, &line)) {
        /* when it does not apply, its nodes stay unused in the arena */
        rc = parse(out, &block, a, file, text, at, 0, lim);
        if (rc == PHS_OK && block && (*out)->col == 1 &&
            !phs__ymap_get(*out, key)) {
            part->text = text;
            part->off = at;
            part->len = len - at;
            part->line = line;
            return PHS_OK;
        }
        if (rc == PHS_ENOMEM)
            return rc;
        phs_error_clear();
    }
    /* Otherwise parse the whole text and detach the entry's value. */
    rc = parse(out, &block, a, file, text, len, 0, lim);
    if (rc < 0)
        return rc;
    phs__ynode *root = *out;
    for (size_t i = 0; root->kind == PHS__Y_MAP && i + 1 < root->n; i += 2) {
        const phs__ynode *k = root->kids[i];
        if (k->kind == PHS__Y_SCALAR && !strcmp(k->str, key)) {
            part->node = root->kids[i + 1];
            part->line = k->line;
            memmove(&root->kids[i], &root->kids[i + 2],
                    (root->n - i - 2) * sizeof *root->kids);
            root->n -= 2;
            break;
        }
    }
    return PHS_OK;
}

int phs__yaml_parse_part(const phs__ynode **out, phs__arena *a,
                         const char *file, const phs__ypart *part,
                         const phs__limits *lim)
{
    phs__ynode *root;
    int block;
    *out = part->node;
    if (part->node || !part->text)
        return PHS_OK;
    int rc = parse(&root, &block, a, file, part->text + part->off, part->len,
                   part->line - 1, lim);
    if (rc < 0)
        return rc;
    /* the text is "key:" and its value: one entry */
    if (root->kind != PHS__Y_MAP || root->n != 2)
        return phs__error_at(PHS_ESPEC, file, part->line, 1,
                             "expected one top-level entry here");
    *out = root->kids[1];
    return PHS_OK;
}

const phs__ynode *phs__ymap_get(const phs__ynode *map, const char *key)
{
    if (!map || map->kind != PHS__Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const phs__ynode *k = map->kids[i];
        if (k->kind == PHS__Y_SCALAR && strcmp(k->str, key) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

/* ---- canonical form ---- */

/* Sorts pointers to map slots (key at [0], value at [1]) by key text. */
static int cmp_slot(const void *x, const void *y)
{
    phs__ynode **const *a = x, **const *b = y;
    const phs__ynode *ka = (*a)[0], *kb = (*b)[0];
    const char *sa = ka->kind == PHS__Y_SCALAR ? ka->str : "";
    const char *sb = kb->kind == PHS__Y_SCALAR ? kb->str : "";
    int c = strcmp(sa, sb);
    if (c == 0) /* equal keys: order by position, later last */
        c = ka->line != kb->line ? ka->line - kb->line : ka->col - kb->col;
    return c;
}

/* A plain decimal without exponent, normalised as text: no '+', no leading
 * zeros, no trailing fractional zeros ("140.0" and "0140" read "140").
 * Returns 0 when the scalar is not such a number. */
static int canon_decimal(phs__buf *b, const char *s, size_t n)
{
    size_t i = 0, int_start, int_end, frac_end;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    int_start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    int_end = i;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    frac_end = i;
    if (i != n || (int_end == int_start && frac_end <= int_end + 1))
        return 0;
    while (int_start < int_end && s[int_start] == '0')
        int_start++;
    while (frac_end > int_end + 1 && s[frac_end - 1] == '0')
        frac_end--;
    int zero = int_start == int_end && frac_end <= int_end + 1;
    phs__buf_putc(b, 'n');
    if (neg && !zero)
        phs__buf_putc(b, '-');
    if (int_start == int_end)
        phs__buf_putc(b, '0');
    phs__buf_putn(b, s + int_start, int_end - int_start);
    if (frac_end > int_end + 1)
        phs__buf_putn(b, s + int_end, frac_end - int_end);
    return 1;
}

static void canon_scalar(phs__buf *b, const phs__ynode *n)
{
    if (n->plain && n->len > 0) {
        double v;
        if (canon_decimal(b, n->str, n->len))
            return;
        if (phs__parse_decimal(n->str, n->len, &v) && isfinite(v)) {
            phs__buf_putc(b, 'n'); /* with an exponent: shortest form */
            phs__json_num(b, v == 0 ? 0.0 : v);
            return;
        }
    }
    phs__buf_putc(b, 's');
    phs__json_str(b, n->str, n->len);
}

void phs__yaml_canon(phs__buf *b, const phs__ynode *n)
{
    if (n->kind == PHS__Y_SCALAR) {
        canon_scalar(b, n);
    } else if (n->kind == PHS__Y_SEQ) {
        phs__buf_putc(b, '[');
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                phs__buf_putc(b, ',');
            phs__yaml_canon(b, n->kids[i]);
        }
        phs__buf_putc(b, ']');
    } else {
        size_t pairs = n->n / 2;
        phs__ynode **slots[1];
        phs__ynode ***keys = pairs ? phs__malloc(pairs * sizeof *keys) : slots;
        if (!keys) {
            b->oom = 1;
            return;
        }
        for (size_t i = 0; i < pairs; i++)
            keys[i] = &n->kids[2 * i];
        qsort(keys, pairs, sizeof *keys, cmp_slot);
        phs__buf_putc(b, '{');
        for (size_t i = 0; i < pairs; i++) {
            if (i)
                phs__buf_putc(b, ',');
            phs__yaml_canon(b, keys[i][0]);
            phs__buf_putc(b, ':');
            phs__yaml_canon(b, keys[i][1]);
        }
        phs__buf_putc(b, '}');
        if (pairs)
            phs__free(keys);
    }
}
