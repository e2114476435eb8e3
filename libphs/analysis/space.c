/*
 * The cell decomposition of a program's input space (see analysis.h):
 * variables from the conditions, their cells, the witness search for
 * derived values, records for cells, regions for reading.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

#define MAXFIN 48          /* values of a piecewise-constant expression */
#define SEARCH_CAP 1000000 /* candidate assignments per witness search */
#define MAXKEY 12          /* components of a bundle's key */

/* Make room for one more element; 0 (and sp->oom) when out of memory, the
 * array left as it was. */
static int grow(an_space *sp, void *pp, size_t *cap, size_t n, size_t size)
{
    void **p = pp;
    if (n < *cap)
        return 1;
    size_t c = *cap ? *cap * 2 : 16;
    void *q = phs__realloc(*p, c * size);
    if (!q) {
        sp->oom = 1;
        return 0;
    }
    *p = q;
    *cap = c;
    return 1;
}

static char *sdup(an_space *sp, const char *s)
{
    char *c = phs__arena_strndup(&sp->arena, s, strlen(s));
    if (!c)
        sp->oom = 1;
    return c;
}

void an_num_text(char *buf, size_t n, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void num_or_date(phs__buf *b, double v, int date)
{
    char t[40];
    if (date) {
        phs_date_format((phs_date)v, t);
    } else {
        an_num_text(t, sizeof t, v);
    }
    phs__buf_puts(b, t);
}

const char *an_outcome_label(const phs_result *res, size_t p)
{
    switch (phs_result_outcome(res, p)) {
    case PHS_TIERED: return phs_result_tier(res, p);
    case PHS_INSUFFICIENT_DATA: return "insufficient_data";
    case PHS_UNCLASSIFIED: return "unclassified";
    default: return "not_enrolled";
    }
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */
/* ------------------------------------------------------------------ */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Typical values of number and date fields: the median over the embedded
 * examples (to choose realistic inputs for derived values). */
static void centers(an_space *sp)
{
    const phs_ruleset *rs = sp->rs[0];
    sp->center = phs__calloc(rs->nfields ? rs->nfields : 1, sizeof *sp->center);
    double *vals = phs__malloc(4096 * sizeof *vals);
    if (!sp->center || !vals) {
        phs__free(vals);
        sp->oom = 1;
        return;
    }
    for (size_t f = 0; f < rs->nfields; f++) {
        const phs__field *fd = &rs->fields[f];
        size_t n = 0;
        sp->center[f] = NAN;
        if (fd->type != PHS_TYPE_NUMBER && fd->type != PHS_TYPE_DATE)
            continue;
        for (size_t v = 0; v < rs->nallvers; v++) {
            const phs__program *pr = &rs->allvers[v];
            for (size_t e = 0; e < pr->nexamples && n < 4096; e++) {
                const phs__ynode *in = phs__ymap_get(pr->examples[e].node,
                                                     "input");
                const phs__ynode *x = in ? phs__ymap_get(in, fd->name) : NULL;
                double d;
                phs_date dt;
                if (!x || x->kind != PHS__Y_SCALAR)
                    continue;
                if (fd->type == PHS_TYPE_NUMBER &&
                    phs__parse_decimal(x->str, x->len, &d))
                    vals[n++] = d;
                else if (fd->type == PHS_TYPE_DATE &&
                         phs_date_parse(&dt, x->str, x->len) == PHS_OK)
                    vals[n++] = dt;
            }
        }
        if (n) {
            qsort(vals, n, sizeof *vals, cmp_dbl);
            sp->center[f] = vals[n / 2];
        } else if (fd->type == PHS_TYPE_NUMBER && fd->has_range) {
            sp->center[f] = (fd->lo + fd->hi) / 2;
        } else if (fd->type == PHS_TYPE_DATE) {
            sp->center[f] = sp->visit - 365;
        } else {
            sp->center[f] = 0;
        }
    }
    phs__free(vals);
}

int an_space_init(an_space *sp, const phs_ruleset *base,
                  const phs_ruleset *other, phs_date visit)
{
    memset(sp, 0, sizeof *sp);
    sp->rs[0] = base;
    sp->nrs = 1;
    sp->visit = visit;
    if (other) { /* may be base itself: two records, two results */
        sp->rs[1] = other;
        sp->nrs = 2;
        sp->tobase = phs__malloc((other->nfields + 1) * sizeof(int));
        sp->frombase = phs__malloc((base->nfields + 1) * sizeof(int));
        if (!sp->tobase || !sp->frombase)
            return phs__error_set(PHS_ENOMEM, "out of memory");
        for (size_t f = 0; f < base->nfields; f++)
            sp->frombase[f] = -1;
        for (size_t g = 0; g < other->nfields; g++) {
            sp->tobase[g] = -1;
            for (size_t f = 0; f < base->nfields; f++)
                if (!strcmp(base->fields[f].name, other->fields[g].name) &&
                    base->fields[f].type == other->fields[g].type) {
                    sp->tobase[g] = (int)f;
                    sp->frombase[f] = (int)g;
                }
        }
    }
    for (size_t r = 0; r < sp->nrs; r++) {
        int rc = phs_record_new(&sp->rec[r], sp->rs[r]);
        if (rc == PHS_OK)
            rc = phs_result_new(&sp->res[r], sp->rs[r]);
        if (rc < 0)
            return rc;
    }
    centers(sp);
    return sp->oom ? phs__error_set(PHS_ENOMEM, "out of memory") : PHS_OK;
}

void an_space_free(an_space *sp)
{
    for (size_t i = 0; i < sp->nvars; i++) {
        phs__free(sp->vars[i].thr);
        phs__free(sp->vars[i].strs);
        phs__free(sp->vars[i].atoms);
    }
    phs__free(sp->vars);
    for (size_t d = 0; d < sp->ndims; d++)
        phs__free(sp->dims[d].vals);
    phs__free(sp->dims);
    phs__free(sp->sets);
    phs__free(sp->tobase);
    phs__free(sp->frombase);
    phs__free(sp->center);
    phs__buf_free(&sp->notes);
    for (size_t r = 0; r < 2; r++) {
        phs_result_free(sp->res[r]);
        phs_record_free(sp->rec[r]);
    }
    phs__arena_free(&sp->arena);
    memset(sp, 0, sizeof *sp);
}

static int base_field(const an_space *sp, int rsi, int f)
{
    return rsi == 0 ? f : sp->tobase[f];
}

static const phs__node *nd(const an_space *sp, int rsi, int32_t i)
{
    return &sp->rs[rsi]->nodes[i];
}

/* ------------------------------------------------------------------ */
/* Expressions as text, and their hash                                 */
/* ------------------------------------------------------------------ */

static const char *cmp_op(int sub)
{
    static const char *ops[] = {"==", "!=", "<", "<=", ">", ">="};
    return sub <= CMP_GE ? ops[sub] : "?";
}

static void text_val(phs__buf *b, const phs__val *v, int type)
{
    char t[40];
    switch (type) {
    case PHS__T_NUM: an_num_text(t, sizeof t, v->u.n); phs__buf_puts(b, t); break;
    case PHS__T_BOOL: phs__buf_puts(b, v->u.i ? "true" : "false"); break;
    case PHS__T_DATE:
        phs_date_format(v->u.i, t);
        phs__buf_printf(b, "date('%s')", t);
        break;
    case PHS__T_STR: phs__buf_printf(b, "'%.*s'", (int)v->u.s.n, v->u.s.p); break;
    case PHS__T_LIST:
        phs__buf_putc(b, '[');
        for (uint32_t j = 0; j < v->u.l.n; j++)
            phs__buf_printf(b, "%s'%.*s'", j ? ", " : "", (int)v->u.l.items[j].n,
                            v->u.l.items[j].p);
        phs__buf_putc(b, ']');
        break;
    default:
        phs__buf_putc(b, '[');
        for (uint32_t j = 0; j < v->u.nl.n; j++) {
            an_num_text(t, sizeof t, v->u.nl.items[j]);
            phs__buf_printf(b, "%s%s", j ? ", " : "", t);
        }
        phs__buf_putc(b, ']');
    }
}

static int prec_of(const phs__node *n)
{
    switch (n->op) {
    case OP_IF: return 1;
    case OP_COALESCE: return 2;
    case OP_OR: return 3;
    case OP_AND: return 4;
    case OP_NOT: return 5;
    case OP_CMP: case OP_CMPF: case OP_CMPD: case OP_CMPE: case OP_INE:
    case OP_CMPFF: case OP_IN_CONST: case OP_IN_LIST: case OP_MATCH:
        return 6;
    case OP_ARITH: return n->sub == '+' || n->sub == '-' ? 7 : 8;
    case OP_DATE_ADD: case OP_DATE_DIFF: return 7;
    case OP_NEG: return 9;
    default: return 10;
    }
}

static void text_node(phs__buf *b, const phs_ruleset *rs, int32_t i,
                      int parent)
{
    const phs__node *n = &rs->nodes[i];
    int p = prec_of(n);
    if (b->len > 600)
        return;
    if (p < parent)
        phs__buf_putc(b, '(');
    switch ((phs__op)n->op) {
    case OP_CONST: text_val(b, &n->k, n->type); break;
    case OP_FIELD: phs__buf_puts(b, rs->fields[n->a].name); break;
    case OP_DERIVED: phs__buf_puts(b, rs->derived[n->a].name); break;
    case OP_LOCAL: phs__buf_printf(b, "x%d", n->a); break;
    case OP_NOT: phs__buf_puts(b, "not "); text_node(b, rs, n->a, 5); break;
    case OP_AND:
    case OP_OR:
        text_node(b, rs, n->a, p);
        phs__buf_puts(b, n->op == OP_AND ? " and " : " or ");
        text_node(b, rs, n->b, p + 1);
        break;
    case OP_NEG: phs__buf_putc(b, '-'); text_node(b, rs, n->a, 9); break;
    case OP_ARITH:
    case OP_DATE_ADD:
        text_node(b, rs, n->a, p);
        phs__buf_printf(b, " %c ", n->sub);
        text_node(b, rs, n->b, p + 1);
        break;
    case OP_DATE_DIFF:
        text_node(b, rs, n->a, p);
        phs__buf_puts(b, " - ");
        text_node(b, rs, n->b, p + 1);
        break;
    case OP_CMP:
        text_node(b, rs, n->a, 7);
        phs__buf_printf(b, " %s ", cmp_op(n->sub));
        text_node(b, rs, n->b, 7);
        break;
    case OP_CMPF:
    case OP_CMPD: {
        char t[40];
        an_num_text(t, sizeof t, n->k.u.n);
        phs__buf_printf(b, "%s %s %s",
                        n->op == OP_CMPF ? rs->fields[n->a].name
                                         : rs->derived[n->a].name,
                        cmp_op(n->sub), t);
        break;
    }
    case OP_CMPE: {
        const phs__field *f = &rs->fields[n->a];
        phs__buf_printf(b, "%s %s '%s'", f->name, cmp_op(n->sub),
                        n->k.u.i >= 0 && (size_t)n->k.u.i < f->nvalues
                            ? f->values[n->k.u.i]
                            : "?");
        break;
    }
    case OP_INE: {
        const phs__field *f = &rs->fields[n->a];
        int first = 1;
        phs__buf_printf(b, "%s in [", f->name);
        for (size_t j = 0; j < f->nvalues; j++)
            if (n->c >> j & 1) {
                phs__buf_printf(b, "%s'%s'", first ? "" : ", ", f->values[j]);
                first = 0;
            }
        phs__buf_putc(b, ']');
        break;
    }
    case OP_CMPFF:
        phs__buf_printf(b, "%s %s %s", rs->fields[n->a].name, cmp_op(n->sub),
                        rs->fields[n->b].name);
        break;
    case OP_IN_CONST:
        text_node(b, rs, n->a, 7);
        phs__buf_puts(b, " in ");
        text_val(b, &n->k, n->sub == PHS__T_NUM ? PHS__T_NUMLIST : PHS__T_LIST);
        break;
    case OP_IN_LIST:
        text_node(b, rs, n->a, 7);
        phs__buf_puts(b, " in ");
        text_node(b, rs, n->b, 7);
        break;
    case OP_MATCH:
        text_node(b, rs, n->a, 7);
        phs__buf_printf(b, " matches <pattern %d>", n->c);
        break;
    case OP_IF:
        phs__buf_puts(b, "if ");
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, " then ");
        text_node(b, rs, n->b, 1);
        phs__buf_puts(b, " else ");
        text_node(b, rs, n->c, 1);
        break;
    case OP_COALESCE:
        text_node(b, rs, n->a, 3);
        phs__buf_puts(b, " ?? ");
        text_node(b, rs, n->b, 3);
        break;
    case OP_QUANT:
        phs__buf_printf(b, "%s(x%d in ",
                        n->sub == 'a' ? "any" : n->sub == 'l' ? "all" : "count",
                        n->c);
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, ": ");
        text_node(b, rs, n->b, 1);
        phs__buf_putc(b, ')');
        break;
    case OP_HAS_CODE:
        phs__buf_puts(b, "has_code(");
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, ", ");
        text_val(b, &n->k, PHS__T_LIST);
        phs__buf_putc(b, ')');
        break;
    default: {
        static const char *const fn[] = {
            [OP_KNOWN] = "known", [OP_AGE_AT] = "age_at",
            [OP_ADD_MONTHS] = "add_months", [OP_LEN] = "len",
            [OP_ABS] = "abs"};
        const char *name = n->op == OP_MINMAX ? (n->sub == 'm' ? "min" : "max")
                           : n->op < sizeof fn / sizeof fn[0] && fn[n->op]
                               ? fn[n->op]
                               : "f";
        phs__buf_printf(b, "%s(", name);
        if (n->a >= 0)
            text_node(b, rs, n->a, 1);
        if (n->b >= 0) {
            phs__buf_puts(b, ", ");
            text_node(b, rs, n->b, 1);
        }
        phs__buf_putc(b, ')');
    }
    }
    if (p < parent)
        phs__buf_putc(b, ')');
}

void an_expr_text(phs__buf *b, const phs_ruleset *rs, int32_t node)
{
    size_t start = b->len;
    if (node < 0) {
        phs__buf_puts(b, "true");
        return;
    }
    text_node(b, rs, node, 0);
    if (b->len - start > 600 && !b->oom) {
        b->len = start + 600;
        phs__buf_puts(b, "...");
    }
}

static uint64_t h_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t h_val(uint64_t h, const phs__val *v, int type)
{
    switch (type) {
    case PHS__T_NUM: return h_mix(h, &v->u.n, sizeof v->u.n);
    case PHS__T_BOOL:
    case PHS__T_DATE: return h_mix(h, &v->u.i, sizeof v->u.i);
    case PHS__T_STR: return h_mix(h, v->u.s.p, v->u.s.n);
    case PHS__T_LIST:
        for (uint32_t j = 0; j < v->u.l.n; j++)
            h = h_mix(h_mix(h, v->u.l.items[j].p, v->u.l.items[j].n), "\0", 1);
        return h;
    default:
        return h_mix(h, v->u.nl.items, v->u.nl.n * sizeof(double));
    }
}

static uint64_t hash_node(const phs_ruleset *rs, int32_t i, int depth)
{
    uint64_t h = 0xcbf29ce484222325ull;
    if (i < 0 || depth > 200)
        return h_mix(h, "-", 1);
    const phs__node *n = &rs->nodes[i];
    h = h_mix(h, &n->op, 1);
    h = h_mix(h, &n->type, 1);
    h = h_mix(h, &n->sub, 1);
    switch ((phs__op)n->op) {
    case OP_CONST: return h_val(h, &n->k, n->type);
    case OP_FIELD:
        return h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
    case OP_DERIVED: {
        uint64_t r = hash_node(rs, rs->derived[n->a].expr.root, depth + 1);
        return h_mix(h, &r, sizeof r);
    }
    case OP_CMPF:
        h = h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        return h_val(h, &n->k, PHS__T_NUM);
    case OP_CMPD: {
        uint64_t r = hash_node(rs, rs->derived[n->a].expr.root, depth + 1);
        h = h_mix(h, &r, sizeof r);
        return h_val(h, &n->k, PHS__T_NUM);
    }
    case OP_CMPE:
    case OP_INE:
        h = h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        if (n->op == OP_INE)
            return h_mix(h, &n->c, sizeof n->c);
        return h_mix(h, &n->k.u.i, sizeof n->k.u.i);
    case OP_CMPFF:
        h = h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        return h_mix(h, rs->fields[n->b].name, strlen(rs->fields[n->b].name));
    case OP_LOCAL: return h_mix(h, &n->a, sizeof n->a);
    case OP_IN_CONST:
        h = h_val(h, &n->k, n->sub == PHS__T_NUM ? PHS__T_NUMLIST : PHS__T_LIST);
        break;
    case OP_HAS_CODE: h = h_val(h, &n->k, PHS__T_LIST); break;
    case OP_MATCH: h = h_mix(h, &n->c, sizeof n->c); break;
    case OP_QUANT: h = h_mix(h, &n->c, sizeof n->c); break;
    default: break;
    }
    uint64_t a = hash_node(rs, n->a, depth + 1), b = 0, c = 0;
    if (n->op != OP_MATCH && n->op != OP_QUANT && n->op != OP_IN_CONST &&
        n->op != OP_HAS_CODE && n->op != OP_KNOWN && n->op != OP_LEN &&
        n->op != OP_NOT && n->op != OP_NEG && n->op != OP_ABS)
        b = hash_node(rs, n->b, depth + 1);
    if (n->op == OP_QUANT)
        b = hash_node(rs, n->b, depth + 1);
    if (n->op == OP_IF)
        c = hash_node(rs, n->c, depth + 1);
    h = h_mix(h, &a, sizeof a);
    h = h_mix(h, &b, sizeof b);
    return h_mix(h, &c, sizeof c);
}

uint64_t an_expr_hash(const phs_ruleset *rs, int32_t node)
{
    return hash_node(rs, node, 0);
}

/* ------------------------------------------------------------------ */
/* Variables                                                           */
/* ------------------------------------------------------------------ */

static void note(an_space *sp, const char *fmt, ...) PHS_PRINTF(2, 3);
static void note(an_space *sp, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* once per rule and message */
    char line[900];
    snprintf(line, sizeof line, "%s: %s\n", sp->cur_rule ? sp->cur_rule : "?",
             msg);
    if (sp->notes.p && strstr(sp->notes.p, line))
        return;
    phs__buf_puts(&sp->notes, line);
    sp->nnotes++;
}

static an_var *new_var(an_space *sp)
{
    if (!grow(sp, &sp->vars, &sp->capvars, sp->nvars, sizeof *sp->vars))
        return NULL;
    an_var *v = &sp->vars[sp->nvars++];
    memset(v, 0, sizeof *v);
    v->field = -1;
    v->node = v->node2 = -1;
    v->group = (int)(sp->nvars - 1);
    return v;
}

static an_var *field_var(an_space *sp, int f)
{
    for (size_t i = 0; i < sp->nvars; i++)
        if (sp->vars[i].kind == AV_FIELD && sp->vars[i].field == f) {
            sp->vars[i].elig |= sp->in_elig;
            return &sp->vars[i];
        }
    an_var *v = new_var(sp);
    if (!v)
        return NULL;
    static const uint8_t map[] = {PHS__T_NUM, PHS__T_BOOL, PHS__T_STR,
                                  PHS__T_DATE, PHS__T_STR, PHS__T_LIST};
    v->kind = AV_FIELD;
    v->field = f;
    v->vtype = map[sp->rs[0]->fields[f].type];
    v->name = sp->rs[0]->fields[f].name;
    v->direct = 1;
    v->elig = sp->in_elig;
    v->maxlen = 1;
    return v;
}

static void add_thr(an_space *sp, an_var *v, double t)
{
    if (!v || !isfinite(t))
        return;
    for (size_t i = 0; i < v->nthr; i++)
        if (v->thr[i] == t)
            return;
    if (!grow(sp, &v->thr, &v->capthr, v->nthr, sizeof *v->thr))
        return;
    v->thr[v->nthr++] = t;
    qsort(v->thr, v->nthr, sizeof *v->thr, cmp_dbl);
}

static void add_str(an_space *sp, an_var *v, const char *s, size_t len)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nstrs; i++)
        if (strlen(v->strs[i]) == len && !memcmp(v->strs[i], s, len))
            return;
    char *c = phs__arena_strndup(&sp->arena, s, len);
    if (!c || !grow(sp, &v->strs, &v->capstrs, v->nstrs, sizeof *v->strs)) {
        sp->oom = 1;
        return;
    }
    v->strs[v->nstrs++] = c;
}

static void add_atom(an_space *sp, an_var *v, int rsi, int32_t node)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->natoms; i++)
        if (v->atoms[i].rsi == rsi && v->atoms[i].node == node)
            return;
    if (!grow(sp, &v->atoms, &v->capatoms, v->natoms, sizeof *v->atoms))
        return;
    v->atoms[v->natoms++] = (an_atom){rsi, node};
}

/* Base fields read under a node (derived values expanded, known() too). */
static void fields_of(const an_space *sp, int rsi, int32_t i, uint64_t *set,
                      int depth)
{
    if (i < 0 || depth > 200)
        return;
    const phs__node *n = nd(sp, rsi, i);
    int f = -1, g = -1;
    switch ((phs__op)n->op) {
    case OP_CONST:
    case OP_LOCAL:
        return;
    case OP_FIELD: case OP_CMPF: case OP_CMPE: case OP_INE:
        f = n->a;
        break;
    case OP_CMPFF:
        f = n->a;
        g = n->b;
        break;
    case OP_DERIVED:
    case OP_CMPD:
        fields_of(sp, rsi, sp->rs[rsi]->derived[n->a].expr.root, set,
                  depth + 1);
        return;
    default:
        fields_of(sp, rsi, n->a, set, depth + 1);
        if (n->op != OP_HAS_CODE && n->op != OP_IN_CONST && n->op != OP_MATCH)
            fields_of(sp, rsi, n->b, set, depth + 1);
        if (n->op == OP_IF)
            fields_of(sp, rsi, n->c, set, depth + 1);
        return;
    }
    for (int k = 0; k < 2; k++) {
        int x = k ? g : f;
        if (x < 0)
            continue;
        int b = base_field(sp, rsi, x);
        if (b >= 0 && b != sp->rs[0]->f_visit_date)
            set[b / 64] |= (uint64_t)1 << (b % 64);
    }
}

static int popcount_set(const uint64_t *s)
{
    int n = 0;
    for (size_t w = 0; w < AN_W; w++)
        n += __builtin_popcountll(s[w]);
    return n;
}

static uint64_t term_hash(const an_space *sp, int rsi, int32_t node,
                          int32_t node2)
{
    uint64_t h = an_expr_hash(sp->rs[rsi], node);
    if (node2 >= 0)
        h = h * 31 + an_expr_hash(sp->rs[rsi], node2) + 0x9e37;
    return h;
}

static an_var *term_var2(an_space *sp, int rsi, int32_t node, int32_t node2,
                         const char *name)
{
    uint64_t h = term_hash(sp, rsi, node, node2);
    for (size_t i = 0; i < sp->nvars; i++) {
        an_var *v = &sp->vars[i];
        if (v->kind != AV_TERM)
            continue;
        if ((v->rsi == rsi && v->node == node && v->node2 == node2) ||
            term_hash(sp, v->rsi, v->node, v->node2) == h) {
            v->elig |= sp->in_elig;
            return v;
        }
    }
    an_var *v = new_var(sp);
    if (!v)
        return NULL;
    v->kind = AV_TERM;
    v->rsi = rsi;
    v->node = node;
    v->node2 = node2;
    v->vtype = node2 >= 0 ? PHS__T_NUM : nd(sp, rsi, node)->type;
    v->elig = sp->in_elig;
    if (name) {
        v->name = name;
    } else {
        phs__buf b = {0};
        if (node2 >= 0)
            phs__buf_putc(&b, '(');
        an_expr_text(&b, sp->rs[rsi], node);
        if (node2 >= 0) {
            phs__buf_puts(&b, ") - (");
            an_expr_text(&b, sp->rs[rsi], node2);
            phs__buf_putc(&b, ')');
        }
        v->name = b.p ? sdup(sp, b.p) : "?";
        phs__buf_free(&b);
    }
    fields_of(sp, rsi, node, v->inputs, 0);
    if (node2 >= 0)
        fields_of(sp, rsi, node2, v->inputs, 0);
    v->multi = popcount_set(v->inputs) > 1;
    return v;
}

static an_var *term_var(an_space *sp, int rsi, int32_t node, const char *name)
{
    return term_var2(sp, rsi, node, -1, name);
}

/* The values of a piecewise-constant numeric (or date) expression, or 0
 * when it is not one. */
static int finite(const an_space *sp, int rsi, int32_t i, double *out,
                  int *n, int depth)
{
    if (i < 0 || depth > 100)
        return 0;
    const phs__node *x = nd(sp, rsi, i);
    double a[MAXFIN], b[MAXFIN];
    int na = 0, nb = 0;
    switch ((phs__op)x->op) {
    case OP_CONST:
        if (x->type == PHS__T_NUM)
            out[(*n)++] = x->k.u.n;
        else if (x->type == PHS__T_DATE)
            out[(*n)++] = x->k.u.i;
        else
            return 0;
        break;
    case OP_FIELD:
        if (base_field(sp, rsi, x->a) != sp->rs[0]->f_visit_date ||
            sp->rs[0]->f_visit_date < 0)
            return 0;
        out[(*n)++] = sp->visit;
        break;
    case OP_DERIVED:
        return finite(sp, rsi, sp->rs[rsi]->derived[x->a].expr.root, out, n,
                      depth + 1);
    case OP_IF:
        if (!finite(sp, rsi, x->b, a, &na, depth + 1) ||
            !finite(sp, rsi, x->c, b, &nb, depth + 1))
            return 0;
        goto join;
    case OP_COALESCE:
        if (!finite(sp, rsi, x->a, a, &na, depth + 1) ||
            !finite(sp, rsi, x->b, b, &nb, depth + 1))
            return 0;
    join:
        for (int k = 0; k < na + nb; k++) {
            double v = k < na ? a[k] : b[k - na];
            int j;
            for (j = 0; j < *n && out[j] != v; j++)
                ;
            if (j == *n) {
                if (*n >= MAXFIN)
                    return 0;
                out[(*n)++] = v;
            }
        }
        break;
    case OP_NEG:
    case OP_ABS:
        if (!finite(sp, rsi, x->a, a, &na, depth + 1))
            return 0;
        for (int k = 0; k < na; k++)
            out[(*n)++] = x->op == OP_NEG ? -a[k] : fabs(a[k]);
        break;
    case OP_ARITH:
    case OP_MINMAX:
    case OP_DATE_ADD:
    case OP_ADD_MONTHS:
        if (!finite(sp, rsi, x->a, a, &na, depth + 1) ||
            !finite(sp, rsi, x->b, b, &nb, depth + 1))
            return 0;
        for (int k = 0; k < na; k++)
            for (int j = 0; j < nb; j++) {
                double v;
                if (x->op == OP_ARITH)
                    v = x->sub == '+' ? a[k] + b[j]
                        : x->sub == '-' ? a[k] - b[j]
                        : x->sub == '*' ? a[k] * b[j]
                        : b[j] != 0 ? a[k] / b[j] : NAN;
                else if (x->op == OP_MINMAX)
                    v = (x->sub == 'm') == (a[k] < b[j]) ? a[k] : b[j];
                else if (x->op == OP_DATE_ADD)
                    v = a[k] + (x->sub == '-' ? -floor(b[j]) : floor(b[j]));
                else
                    v = phs_date_add_months((phs_date)a[k], (int)floor(b[j]));
                if (!isfinite(v))
                    continue;
                int m;
                for (m = 0; m < *n && out[m] != v; m++)
                    ;
                if (m == *n) {
                    if (*n >= MAXFIN)
                        return 0;
                    out[(*n)++] = v;
                }
            }
        break;
    default:
        return 0;
    }
    return 1;
}

static void walk(an_space *sp, int rsi, int32_t i, int depth);

/* A numeric operand that is a variable of its own: a number or date
 * field, or a derived value that is not piecewise constant. */
static an_var *simple(an_space *sp, int rsi, int32_t i)
{
    const phs__node *x = nd(sp, rsi, i);
    double tmp[MAXFIN];
    int n = 0;
    if (x->op == OP_FIELD && (x->type == PHS__T_NUM || x->type == PHS__T_DATE)) {
        int f = base_field(sp, rsi, x->a);
        return f >= 0 ? field_var(sp, f) : NULL;
    }
    if (x->op == OP_DERIVED &&
        (x->type == PHS__T_NUM || x->type == PHS__T_DATE) &&
        !finite(sp, rsi, sp->rs[rsi]->derived[x->a].expr.root, tmp, &n, 0)) {
        sp->approx = 1;
        return term_var(sp, rsi, sp->rs[rsi]->derived[x->a].expr.root,
                        sp->rs[rsi]->derived[x->a].name);
    }
    return NULL;
}

static int is_codes_field(const an_space *sp, int rsi, int32_t i)
{
    const phs__node *x = nd(sp, rsi, i);
    return x->op == OP_FIELD && x->type == PHS__T_LIST &&
           base_field(sp, rsi, x->a) >= 0;
}

/* numeric comparison a <op> b (or a in [list] when fb is given) */
static void handle_cmp(an_space *sp, int rsi, int32_t node, int32_t a,
                       int32_t b, const double *list, int nlist, int depth)
{
    double fa[MAXFIN], fb[MAXFIN];
    int na = 0, nb = 0;
    int ka = finite(sp, rsi, a, fa, &na, 0);
    int kb = list ? 1 : b >= 0 && finite(sp, rsi, b, fb, &nb, 0);
    if (list) {
        memcpy(fb, list, (size_t)nlist * sizeof *fb);
        nb = nlist;
    }
    if (ka && kb) {
        walk(sp, rsi, a, depth + 1);
        if (b >= 0)
            walk(sp, rsi, b, depth + 1);
        return;
    }
    for (int side = 0; side < 2; side++) {
        int32_t x = side ? b : a, other = side ? a : b;
        double *f = side ? fa : fb;
        int nf = side ? na : nb, kf = side ? ka : kb;
        if (x < 0 || !kf)
            continue;
        if (other >= 0)
            walk(sp, rsi, other, depth + 1); /* conditions inside the constant */
        const phs__node *xn = nd(sp, rsi, x);
        if (xn->op == OP_LEN && is_codes_field(sp, rsi, xn->a)) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, xn->a)->a));
            double mx = 0;
            for (int k = 0; k < nf; k++)
                mx = f[k] > mx ? f[k] : mx;
            if (v) {
                int want = (int)mx + 1;
                v->maxlen = want > v->maxlen ? (want > 6 ? 6 : want) : v->maxlen;
                add_atom(sp, v, rsi, node);
            }
            return;
        }
        an_var *v = simple(sp, rsi, x);
        if (!v) {
            /* a computed value compared with constants: a term */
            sp->approx = 1;
            v = term_var(sp, rsi, x, NULL);
            if (v && v->multi) {
                phs__buf t = {0};
                an_expr_text(&t, sp->rs[rsi], x);
                note(sp, "arithmetic on several fields (%s): its cells are "
                         "found by a grid search, not proved",
                     t.p ? t.p : "?");
                phs__buf_free(&t);
                sp->outside = 1;
            }
        }
        for (int k = 0; k < nf; k++)
            add_thr(sp, v, f[k]);
        return;
    }
    /* neither side is piecewise constant: the sign of their difference
     * decides, found by the witness search over the fields both read */
    phs__buf t = {0};
    an_expr_text(&t, sp->rs[rsi], node);
    note(sp, "compares two computed values (%s): decided on their "
             "difference, whose cells a grid search finds; not proved",
         t.p ? t.p : "?");
    phs__buf_free(&t);
    sp->outside = 1;
    walk(sp, rsi, a, depth + 1);
    if (b >= 0) {
        walk(sp, rsi, b, depth + 1);
        sp->approx = 1;
        add_thr(sp, term_var2(sp, rsi, a, b, NULL), 0);
    }
}

/* Constants compared with a quantifier's loop variable; returns 0 when the
 * predicate reads anything but the loop variable and constants, or uses a
 * regular expression. */
static int scan_pred(an_space *sp, int rsi, int32_t i, an_var *v, int *regex)
{
    if (i < 0)
        return 1;
    const phs__node *x = nd(sp, rsi, i);
    switch ((phs__op)x->op) {
    case OP_CONST:
        if (x->type == PHS__T_STR)
            add_str(sp, v, x->k.u.s.p, x->k.u.s.n);
        return 1;
    case OP_LOCAL:
        return 1;
    case OP_IN_CONST:
        if (x->sub == PHS__T_STR)
            for (uint32_t j = 0; j < x->k.u.l.n; j++)
                add_str(sp, v, x->k.u.l.items[j].p, x->k.u.l.items[j].n);
        return scan_pred(sp, rsi, x->a, v, regex);
    case OP_MATCH:
        *regex = 1;
        return scan_pred(sp, rsi, x->a, v, regex);
    case OP_NOT:
        return scan_pred(sp, rsi, x->a, v, regex);
    case OP_AND: case OP_OR: case OP_CMP: case OP_COALESCE:
        return scan_pred(sp, rsi, x->a, v, regex) &
               scan_pred(sp, rsi, x->b, v, regex);
    case OP_IF:
        return scan_pred(sp, rsi, x->a, v, regex) &
               scan_pred(sp, rsi, x->b, v, regex) &
               scan_pred(sp, rsi, x->c, v, regex);
    default:
        return 0;
    }
}

static void walk(an_space *sp, int rsi, int32_t i, int depth)
{
    if (i < 0 || depth > 200 || sp->oom)
        return;
    const phs__node *x = nd(sp, rsi, i);
    const phs_ruleset *rs = sp->rs[rsi];
    switch ((phs__op)x->op) {
    case OP_CONST:
    case OP_LOCAL:
        return;
    case OP_FIELD: {
        int f = base_field(sp, rsi, x->a);
        if (f >= 0 && f != sp->rs[0]->f_visit_date)
            field_var(sp, f);
        return;
    }
    case OP_DERIVED:
        walk(sp, rsi, rs->derived[x->a].expr.root, depth + 1);
        return;
    case OP_CMPF: {
        int f = base_field(sp, rsi, x->a);
        if (f == sp->rs[0]->f_visit_date) {
            note(sp, "visit_date is compared with a constant: verified on "
                     "one visit date only");
            sp->outside = 1;
            return;
        }
        if (f >= 0)
            add_thr(sp, field_var(sp, f), x->k.u.n);
        return;
    }
    case OP_CMPD: {
        double tmp[MAXFIN];
        int n = 0;
        int32_t root = rs->derived[x->a].expr.root;
        if (finite(sp, rsi, root, tmp, &n, 0)) {
            walk(sp, rsi, root, depth + 1);
            return;
        }
        sp->approx = 1;
        add_thr(sp, term_var(sp, rsi, root, rs->derived[x->a].name), x->k.u.n);
        return;
    }
    case OP_CMPE:
    case OP_INE: {
        int f = base_field(sp, rsi, x->a);
        if (f >= 0)
            field_var(sp, f);
        return;
    }
    case OP_CMPFF: {
        int f = base_field(sp, rsi, x->a), g = base_field(sp, rsi, x->b);
        if (f >= 0)
            field_var(sp, f);
        if (g >= 0)
            field_var(sp, g);
        note(sp, "compares two fields (%s %s %s): sampled at the ends of "
                 "their cells, not proved",
             rs->fields[x->a].name, cmp_op(x->sub), rs->fields[x->b].name);
        sp->outside = 1;
        return;
    }
    case OP_CMP:
        if (x->c == PHS__T_NUM || x->c == PHS__T_DATE) {
            handle_cmp(sp, rsi, i, x->a, x->b, NULL, 0, depth);
            return;
        }
        if (x->c == PHS__T_STR) {
            const phs__node *a = nd(sp, rsi, x->a), *b = nd(sp, rsi, x->b);
            const phs__node *f = a->op == OP_FIELD ? a : b->op == OP_FIELD ? b : NULL;
            const phs__node *k = a->op == OP_CONST ? a : b->op == OP_CONST ? b : NULL;
            if (f && k && base_field(sp, rsi, f->a) >= 0) {
                add_str(sp, field_var(sp, base_field(sp, rsi, f->a)), k->k.u.s.p,
                        k->k.u.s.n);
                return;
            }
            phs__buf t = {0};
            an_expr_text(&t, rs, i);
            note(sp, "compares two computed strings (%s): sampled, not proved",
                 t.p ? t.p : "?");
            phs__buf_free(&t);
            sp->outside = 1;
        }
        walk(sp, rsi, x->a, depth + 1);
        walk(sp, rsi, x->b, depth + 1);
        return;
    case OP_IN_CONST:
        if (x->sub == PHS__T_NUM) {
            handle_cmp(sp, rsi, i, x->a, -1, x->k.u.nl.items,
                       (int)(x->k.u.nl.n > MAXFIN ? MAXFIN : x->k.u.nl.n),
                       depth);
            return;
        }
        if (nd(sp, rsi, x->a)->op == OP_FIELD &&
            base_field(sp, rsi, nd(sp, rsi, x->a)->a) >= 0) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, x->a)->a));
            for (uint32_t j = 0; j < x->k.u.l.n; j++)
                add_str(sp, v, x->k.u.l.items[j].p, x->k.u.l.items[j].n);
            return;
        }
        walk(sp, rsi, x->a, depth + 1);
        return;
    case OP_IN_LIST:
        if (is_codes_field(sp, rsi, x->b) && nd(sp, rsi, x->a)->op == OP_CONST) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, x->b)->a));
            add_str(sp, v, nd(sp, rsi, x->a)->k.u.s.p, nd(sp, rsi, x->a)->k.u.s.n);
            add_atom(sp, v, rsi, i);
            return;
        }
        note(sp, "membership in a computed list: sampled, not proved");
        sp->outside = 1;
        walk(sp, rsi, x->a, depth + 1);
        walk(sp, rsi, x->b, depth + 1);
        return;
    case OP_MATCH: {
        note(sp, "regular expression: sampled (the constants it is compared "
                 "with and one other value), not proved");
        sp->outside = 1;
        walk(sp, rsi, x->a, depth + 1);
        return;
    }
    case OP_HAS_CODE:
        if (is_codes_field(sp, rsi, x->a)) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, x->a)->a));
            for (uint32_t j = 0; j < x->k.u.l.n; j++)
                add_str(sp, v, x->k.u.l.items[j].p, x->k.u.l.items[j].n);
            if (v)
                v->prefix = 1;
            add_atom(sp, v, rsi, i);
            return;
        }
        note(sp, "has_code() on a computed list: sampled, not proved");
        sp->outside = 1;
        walk(sp, rsi, x->a, depth + 1);
        return;
    case OP_QUANT:
        if (is_codes_field(sp, rsi, x->a)) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, x->a)->a));
            int regex = 0;
            int pure = scan_pred(sp, rsi, x->b, v, &regex);
            if (pure && !regex) {
                add_atom(sp, v, rsi, i);
                if (x->sub == 'c' && v)
                    v->maxlen = v->maxlen < 3 ? 3 : v->maxlen;
                return;
            }
            if (pure)
                add_atom(sp, v, rsi, i);
            note(sp, "quantifier with %s: sampled, not proved",
                 regex ? "a regular expression" : "a condition on other values");
            sp->outside = 1;
            if (!pure)
                walk(sp, rsi, x->b, depth + 1);
            return;
        }
        note(sp, "quantifier over a computed list: sampled, not proved");
        sp->outside = 1;
        walk(sp, rsi, x->a, depth + 1);
        walk(sp, rsi, x->b, depth + 1);
        return;
    case OP_KNOWN: {
        const phs__node *a = nd(sp, rsi, x->a);
        double tmp[MAXFIN];
        int n = 0;
        if (a->op == OP_DERIVED &&
            (a->type == PHS__T_NUM || a->type == PHS__T_DATE) &&
            !finite(sp, rsi, rs->derived[a->a].expr.root, tmp, &n, 0)) {
            sp->approx = 1;
            term_var(sp, rsi, rs->derived[a->a].expr.root, rs->derived[a->a].name);
            return;
        }
        walk(sp, rsi, x->a, depth + 1);
        return;
    }
    case OP_LEN:
        if (is_codes_field(sp, rsi, x->a)) {
            an_var *v = field_var(sp, base_field(sp, rsi, nd(sp, rsi, x->a)->a));
            if (v && v->maxlen < 3)
                v->maxlen = 3;
        }
        note(sp, "len() of a list outside a comparison with constants: "
                 "sampled, not proved");
        sp->outside = 1;
        walk(sp, rsi, x->a, depth + 1);
        return;
    case OP_NOT: case OP_AND: case OP_OR: case OP_IF: case OP_COALESCE:
        walk(sp, rsi, x->a, depth + 1);
        if (x->op != OP_NOT)
            walk(sp, rsi, x->b, depth + 1);
        if (x->op == OP_IF)
            walk(sp, rsi, x->c, depth + 1);
        return;
    default:
        /* arithmetic reached outside a comparison with constants */
        walk(sp, rsi, x->a, depth + 1);
        walk(sp, rsi, x->b, depth + 1);
        return;
    }
}

void an_space_walk(an_space *sp, int rsi, int32_t root, const char *rule,
                   int elig)
{
    sp->cur_rule = rule;
    sp->cur_rsi = rsi;
    sp->in_elig = elig;
    walk(sp, rsi, root, 0);
    sp->in_elig = 0;
}

/* ------------------------------------------------------------------ */
/* Cells of a variable                                                 */
/* ------------------------------------------------------------------ */

static int cell_of(const an_var *v, double x, int known)
{
    size_t m = v->nthr;
    if (!known)
        return (int)(2 * m + 1);
    size_t lo = 0, hi = m;
    while (lo < hi) { /* first threshold >= x */
        size_t mid = (lo + hi) / 2;
        if (v->thr[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m && v->thr[lo] == x)
        return (int)(2 * lo + 1);
    return (int)(2 * lo);
}

static int is_date_var(const an_var *v) { return v->vtype == PHS__T_DATE; }

static void cell_label(phs__buf *b, const an_var *v, int cell)
{
    int m = (int)v->nthr, date = is_date_var(v);
    if (cell == 2 * m + 1) {
        phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "unknown" : "absent");
        return;
    }
    if (cell % 2 == 1) {
        phs__buf_printf(b, "%s = ", v->name);
        num_or_date(b, v->thr[cell / 2], date);
        return;
    }
    int k = cell / 2;
    if (m == 0) {
        phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "known" : "present");
        return;
    }
    if (k > 0 && k < m) {
        num_or_date(b, v->thr[k - 1], date);
        phs__buf_printf(b, " < %s < ", v->name);
        num_or_date(b, v->thr[k], date);
    } else if (k == 0) {
        phs__buf_printf(b, "%s < ", v->name);
        num_or_date(b, v->thr[0], date);
    } else {
        phs__buf_printf(b, "%s > ", v->name);
        num_or_date(b, v->thr[m - 1], date);
    }
}

static uint32_t push_sets(an_space *sp, const an_set *s, size_t n)
{
    uint32_t first = (uint32_t)sp->nsets;
    for (size_t i = 0; i < n; i++) {
        if (!grow(sp, &sp->sets, &sp->capsets, sp->nsets, sizeof *sp->sets))
            return 0;
        sp->sets[sp->nsets++] = s[i];
    }
    return first;
}

static an_val *add_val(an_space *sp, an_dim *d, size_t *cap)
{
    if (d->nvals == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        an_val *v = phs__realloc(d->vals, c * sizeof *v);
        if (!v) {
            sp->oom = 1;
            return NULL;
        }
        d->vals = v;
        *cap = c;
    }
    an_val *v = &d->vals[d->nvals++];
    memset(v, 0, sizeof *v);
    v->cell = -1;
    return v;
}

static void val_alt(an_space *sp, an_val *v, const an_set *s, size_t n)
{
    if (v->nalt >= 3)
        return;
    v->first[v->nalt] = push_sets(sp, s, n);
    v->n[v->nalt] = (uint32_t)n;
    v->nalt++;
}

static char *label_dup(an_space *sp, phs__buf *b)
{
    char *c = sdup(sp, b->p ? b->p : "");
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
    return c;
}

/* The domain of a number or date field. */
static void domain(const an_space *sp, const an_var *v, double *lo, double *hi)
{
    const phs__field *fd = &sp->rs[0]->fields[v->field];
    double tmin = v->nthr ? v->thr[0] : 0, tmax = v->nthr ? v->thr[v->nthr - 1] : 0;
    if (fd->type == PHS_TYPE_DATE) {
        double a = v->nthr ? fmin(tmin, sp->visit) : sp->visit;
        double b = v->nthr ? fmax(tmax, sp->visit) : sp->visit;
        *lo = a - 3650;
        *hi = b + 3650;
    } else if (fd->has_range) {
        *lo = fd->lo;
        *hi = fd->hi;
    } else {
        *lo = tmin - fmax(10, fabs(tmin));
        *hi = tmax + fmax(10, fabs(tmax));
    }
}

/* A nice value inside the interval between a and b (each end included
 * when its flag says so). */
static int pick(double a, int ain, double b, int bin, int integer, int which,
                double *out)
{
    if (integer) {
        double lo = ain ? ceil(a) : floor(a) + 1, hi = bin ? floor(b) : ceil(b) - 1;
        if (lo > hi)
            return 0;
        *out = which == 1 ? lo : which == 2 ? hi : floor((lo + hi) / 2);
        return 1;
    }
    if (a > b || (a == b && !(ain && bin)))
        return 0;
    double x;
    if (which == 1)
        x = ain ? a : (a + 1 < b ? a + 1 : a + (b - a) / 4);
    else if (which == 2)
        x = bin ? b : (b - 1 > a ? b - 1 : b - (b - a) / 4);
    else {
        double m = (a + b) / 2;
        x = floor(m) > a && floor(m) < b ? floor(m) : m;
        if (b - a < 2 && !(floor(m) > a && floor(m) < b))
            x = m;
    }
    if (x < a || x > b || (x == a && !ain) || (x == b && !bin))
        return 0;
    *out = x;
    return 1;
}

static an_set set_num(int f, double x, int date)
{
    an_set s;
    memset(&s, 0, sizeof s);
    s.field = f;
    if (date)
        s.i = (int32_t)x;
    else
        s.num = x;
    return s;
}

static an_set set_absent(int f)
{
    an_set s;
    memset(&s, 0, sizeof s);
    s.field = f;
    s.absent = 1;
    return s;
}

static int absent_unknown(const an_space *sp, int f)
{
    return !sp->rs[0]->fields[f].absent_default;
}

/* ---- the values of a code list: distinct truth vectors of its tests ---- */

typedef struct {
    const char *codes[8];
    uint32_t n;
    int absent;
} clist;

static void fill_codes(an_space *sp, int f, const clist *c)
{
    for (size_t r = 0; r < sp->nrs; r++) {
        int g = r == 0 ? f : sp->frombase[f];
        phs_record_clear(sp->rec[r]);
        if (g < 0 || c->absent)
            continue;
        phs_record_set_text(sp->rec[r], g, "", 0);
        for (uint32_t k = 0; k < c->n; k++)
            phs_record_add_code(sp->rec[r], g, c->codes[k], strlen(c->codes[k]));
    }
}

static void codes_vector(an_space *sp, const an_var *v, char *vec)
{
    for (size_t a = 0; a < v->natoms; a++) {
        const an_atom *at = &v->atoms[a];
        phs__eval *ev = &sp->res[at->rsi]->ev;
        phs__val out;
        ev->rec = sp->rec[at->rsi];
        memset(ev->dstate, 0, sp->rs[at->rsi]->nderived);
        int k = phs__expr_eval(ev, at->node, &out);
        const phs__node *x = nd(sp, at->rsi, at->node);
        if (!k)
            vec[a] = 'u';
        else if (x->type == PHS__T_NUM)
            vec[a] = (char)('0' + (int)fmin(9, out.u.n));
        else
            vec[a] = out.u.i ? '1' : '0';
    }
    vec[v->natoms] = '\0';
}

static void codes_label(phs__buf *b, const an_var *v, const clist *c)
{
    if (c->absent) {
        phs__buf_printf(b, "%s absent", v->name);
        return;
    }
    phs__buf_printf(b, "%s = [", v->name);
    for (uint32_t k = 0; k < c->n; k++)
        phs__buf_printf(b, "%s%s", k ? ", " : "", c->codes[k]);
    phs__buf_putc(b, ']');
}

static void codes_values(an_space *sp, an_var *v, an_dim *d, size_t *cap)
{
    const char *cand[160];
    size_t nc = 0;
    for (size_t i = 0; i < v->nstrs && nc < 150; i++) {
        cand[nc++] = v->strs[i];
        if (v->prefix) {
            size_t len = strlen(v->strs[i]);
            char *ext = phs__arena_alloc(&sp->arena, len + 3);
            if (!ext) {
                sp->oom = 1;
                return;
            }
            memcpy(ext, v->strs[i], len);
            strcpy(ext + len, strchr(v->strs[i], '.') ? "9" : ".9");
            cand[nc++] = ext;
        }
    }
    /* the codes the embedded examples give this field (tests the rules'
     * constants cannot reach, such as regular expressions) */
    const phs_ruleset *rs0 = sp->rs[0];
    for (size_t pv = 0; pv < rs0->nallvers && nc < 150; pv++)
        for (size_t e = 0; e < rs0->allvers[pv].nexamples && nc < 150; e++) {
            const phs__ynode *in = phs__ymap_get(rs0->allvers[pv].examples[e].node,
                                                 "input");
            const phs__ynode *x = in ? phs__ymap_get(in, v->name) : NULL;
            for (size_t k = 0; x && x->kind == PHS__Y_SEQ && k < x->n && nc < 150;
                 k++) {
                const char *c = x->kids[k]->str;
                size_t j;
                if (!c)
                    continue;
                for (j = 0; j < nc && strcmp(cand[j], c); j++)
                    ;
                if (j == nc)
                    cand[nc++] = c;
            }
        }
    cand[nc++] = "ZZ99"; /* matches no test */
    size_t na = v->natoms;
    size_t qcap = 4096, qn = 0;
    clist *q = phs__malloc(qcap * sizeof *q);
    char *vecs = phs__malloc(qcap * (na + 1));
    phs__buf lb = {0};
    if (!q || !vecs) {
        phs__free(q);
        phs__free(vecs);
        sp->oom = 1;
        return;
    }
    clist c0;
    memset(&c0, 0, sizeof c0);
    if (absent_unknown(sp, v->field)) {
        c0.absent = 1;
        q[qn++] = c0;
        c0.absent = 0;
    }
    q[qn++] = c0;
    for (size_t i = 0; i < qn; i++) {
        fill_codes(sp, v->field, &q[i]);
        codes_vector(sp, v, vecs + i * (na + 1));
    }
    /* breadth first: extend each list by one code while new truth vectors
     * appear */
    char *vec = phs__malloc(na + 1);
    for (size_t i = 0; vec && i < qn && qn < qcap; i++) {
        if (q[i].absent || q[i].n >= (uint32_t)v->maxlen + (uint32_t)na ||
            q[i].n >= 8)
            continue;
        for (size_t k = 0; k < nc && qn < qcap; k++) {
            clist c = q[i];
            c.codes[c.n++] = cand[k];
            fill_codes(sp, v->field, &c);
            codes_vector(sp, v, vec);
            size_t j;
            for (j = 0; j < qn; j++)
                if (!memcmp(vecs + j * (na + 1), vec, na + 1))
                    break;
            if (j < qn)
                continue;
            q[qn] = c;
            memcpy(vecs + qn * (na + 1), vec, na + 1);
            qn++;
        }
    }
    phs__free(vec);
    for (size_t i = 0; i < qn; i++) {
        an_val *x = add_val(sp, d, cap);
        an_set s;
        if (!x)
            break;
        memset(&s, 0, sizeof s);
        s.field = v->field;
        s.absent = (uint8_t)q[i].absent;
        if (!q[i].absent) {
            const char **arr = phs__arena_alloc(&sp->arena,
                                                (q[i].n ? q[i].n : 1) * sizeof *arr);
            if (!arr) {
                sp->oom = 1;
                break;
            }
            memcpy(arr, q[i].codes, q[i].n * sizeof *arr);
            s.codes = arr;
            s.ncodes = q[i].n;
        }
        val_alt(sp, x, &s, 1);
        codes_label(&lb, v, &q[i]);
        x->label = label_dup(sp, &lb);
    }
    phs__buf_free(&lb);
    phs__free(q);
    phs__free(vecs);
}

/* A plain dimension: one field. */
static void plain_dim(an_space *sp, an_var *v, an_dim *d)
{
    size_t cap = 0;
    phs__buf lb = {0};
    const phs__field *fd = &sp->rs[0]->fields[v->field];
    d->kind = AD_PLAIN;
    d->name = (char *)v->name;
    d->fields[v->field / 64] |= (uint64_t)1 << (v->field % 64);
    switch (fd->type) {
    case PHS_TYPE_NUMBER:
    case PHS_TYPE_DATE: {
        int date = fd->type == PHS_TYPE_DATE;
        double lo, hi;
        domain(sp, v, &lo, &hi);
        d->var = (int)(v - sp->vars);
        size_t m = v->nthr;
        for (size_t c = 0; c <= 2 * m; c++) {
            double a, b, x;
            int ain, bin;
            an_set s[3];
            int ns = 0;
            if (c % 2 == 1) {
                double t = v->thr[c / 2];
                if (t < lo || t > hi || (date && t != floor(t)))
                    continue;
                s[ns++] = set_num(v->field, t, date);
            } else {
                size_t k = c / 2;
                a = k > 0 ? v->thr[k - 1] : lo;
                ain = k == 0;
                b = k < m ? v->thr[k] : hi;
                bin = k == m;
                if (a < lo) {
                    a = lo;
                    ain = 1;
                }
                if (b > hi) {
                    b = hi;
                    bin = 1;
                }
                for (int w = 0; w < 3; w++)
                    if (pick(a, ain, b, bin, date, w, &x)) {
                        int dup = 0;
                        for (int j = 0; j < ns; j++)
                            dup |= (date ? s[j].i == (int32_t)x : s[j].num == x);
                        if (!dup)
                            s[ns++] = set_num(v->field, x, date);
                    }
                if (!ns)
                    continue;
            }
            an_val *val = add_val(sp, d, &cap);
            if (!val)
                break;
            for (int j = 0; j < ns; j++)
                val_alt(sp, val, &s[j], 1);
            val->cell = (int)c;
            cell_label(&lb, v, (int)c);
            val->label = label_dup(sp, &lb);
        }
        if (absent_unknown(sp, v->field)) {
            an_val *val = add_val(sp, d, &cap);
            if (val) {
                an_set s = set_absent(v->field);
                val_alt(sp, val, &s, 1);
                val->cell = (int)(2 * m + 1);
                cell_label(&lb, v, val->cell);
                val->label = label_dup(sp, &lb);
            }
        }
        break;
    }
    case PHS_TYPE_BOOL:
    case PHS_TYPE_ENUM:
    case PHS_TYPE_STRING: {
        size_t n = fd->type == PHS_TYPE_BOOL   ? 2
                   : fd->type == PHS_TYPE_ENUM ? fd->nvalues
                                               : v->nstrs + 1;
        d->var = -1;
        for (size_t k = 0; k <= n; k++) {
            an_set s;
            memset(&s, 0, sizeof s);
            s.field = v->field;
            if (k == n) {
                if (!absent_unknown(sp, v->field))
                    continue;
                s.absent = 1;
                phs__buf_printf(&lb, "%s absent", v->name);
            } else if (fd->type == PHS_TYPE_BOOL) {
                s.i = (int32_t)k;
                phs__buf_printf(&lb, "%s = %s", v->name, k ? "true" : "false");
            } else if (fd->type == PHS_TYPE_ENUM) {
                s.s = fd->values[k];
                phs__buf_printf(&lb, "%s = %s", v->name, s.s);
            } else {
                s.s = k < v->nstrs ? v->strs[k] : "zz-other";
                phs__buf_printf(&lb, "%s = '%s'", v->name, s.s);
            }
            an_val *val = add_val(sp, d, &cap);
            if (!val)
                break;
            val_alt(sp, val, &s, 1);
            val->label = label_dup(sp, &lb);
        }
        break;
    }
    default:
        d->var = -1;
        codes_values(sp, v, d, &cap);
    }
    phs__buf_free(&lb);
}

/* ---- witness search for derived values (bundles) ---- */

typedef struct {
    int field;
    an_set *cand;
    size_t n;
    double *cost;
} cands;

static void grid_number(an_space *sp, const phs__field *fd, const an_var *fv,
                        int f, double target, an_set **out, size_t *n)
{
    double lo = fd->has_range ? fd->lo : -1000, hi = fd->has_range ? fd->hi : 1000;
    double span = hi - lo, step = 1;
    if (fv)
        for (size_t k = 0; k < fv->nthr; k++) {
            lo = fmin(lo, fv->thr[k]);
            hi = fmax(hi, fv->thr[k]);
        }
    /* a round step (1, 2 or 5 times a power of ten) giving at most
     * `target` points, and whole numbers when the span allows */
    static const double mant[] = {1, 2, 5};
    step = 1e-6;
    for (int k = 0; k < 60 && span / step > target; k++)
        step = mant[(k + 1) % 3] * pow(10, floor((k + 1) / 3.0) - 6);
    if (span / step > target)
        step = span / target;
    size_t cap = (size_t)(span / step) + 16 + (fv ? 3 * fv->nthr : 0);
    an_set *c = phs__malloc(cap * sizeof *c);
    size_t k = 0;
    if (!c) {
        sp->oom = 1;
        return;
    }
    if (!fd->absent_default)
        c[k++] = set_absent(f);
    for (double x = ceil(lo / step) * step; x <= hi + 1e-9 && k + 4 < cap; x += step) {
        double r = round(x / step) * step;
        if (step < 1)
            r = round(x * 1e6) / 1e6;
        if (r >= lo && r <= hi)
            c[k++] = set_num(f, r, 0);
    }
    for (size_t j = 0; fv && j < fv->nthr && k + 3 <= cap; j++) {
        double t = fv->thr[j];
        c[k++] = set_num(f, t, 0);
        if (t - step / 2 >= lo)
            c[k++] = set_num(f, t - step / 2, 0);
        if (t + step / 2 <= hi)
            c[k++] = set_num(f, t + step / 2, 0);
    }
    *out = c;
    *n = k;
}

static void grid_date(an_space *sp, const phs__field *fd, const an_var *fv,
                      int f, an_set **out, size_t *n)
{
    size_t cap = 3 * 131 + 16 + (fv ? 3 * fv->nthr : 0);
    an_set *c = phs__malloc(cap * sizeof *c);
    size_t k = 0;
    if (!c) {
        sp->oom = 1;
        return;
    }
    if (!fd->absent_default)
        c[k++] = set_absent(f);
    for (int y = 0; y <= 130; y++) {
        phs_date d = phs_date_add_months(sp->visit, -12 * y);
        c[k++] = set_num(f, d, 1);
        c[k++] = set_num(f, d - 1, 1);
        if (y > 0)
            c[k++] = set_num(f, d + 1, 1);
    }
    for (size_t j = 0; fv && j < fv->nthr && k + 3 <= cap; j++) {
        for (int dd = -1; dd <= 1; dd++)
            c[k++] = set_num(f, fv->thr[j] + dd, 1);
    }
    *out = c;
    *n = k;
}

static double set_cost(const an_space *sp, const an_set *s)
{
    const phs__field *fd = &sp->rs[0]->fields[s->field];
    if (s->absent)
        return 0;
    switch (fd->type) {
    case PHS_TYPE_NUMBER: {
        /* a present value costs more than an absent one, a date more than
         * a number: witnesses use as few (and as plain) inputs as they can */
        double span = fd->has_range ? fd->hi - fd->lo : 100;
        return 0.3 + (s->num != floor(s->num) ? 0.05 : 0) +
               fabs(s->num - sp->center[s->field]) / (span > 0 ? span : 1);
    }
    case PHS_TYPE_DATE:
        return 0.5 + fabs(s->i - sp->center[s->field]) / 47500.0;
    case PHS_TYPE_BOOL: return s->i ? 0.01 : 0.001;
    case PHS_TYPE_CODES: return 0.01 * s->ncodes;
    default: return 0.001;
    }
}

static void apply_set(an_space *sp, const an_set *s)
{
    for (size_t r = 0; r < sp->nrs; r++) {
        int f = r == 0 ? s->field : sp->frombase[s->field];
        phs_record *rec = sp->rec[r];
        if (f < 0 || s->absent)
            continue;
        switch (sp->rs[r]->fields[f].type) {
        case PHS_TYPE_NUMBER: phs_record_set_number(rec, f, s->num); break;
        case PHS_TYPE_DATE: phs_record_set_date(rec, f, s->i); break;
        case PHS_TYPE_BOOL: phs_record_set_bool(rec, f, s->i); break;
        case PHS_TYPE_CODES:
            phs_record_set_text(rec, f, "", 0);
            for (uint32_t k = 0; k < s->ncodes; k++)
                phs_record_add_code(rec, f, s->codes[k], strlen(s->codes[k]));
            break;
        default: phs_record_set_string(rec, f, s->s, strlen(s->s)); break;
        }
    }
}

static void begin_record(an_space *sp)
{
    for (size_t r = 0; r < sp->nrs; r++) {
        phs_record_clear(sp->rec[r]);
        if (sp->rs[r]->f_visit_date >= 0)
            phs_record_set_date(sp->rec[r], sp->rs[r]->f_visit_date, sp->visit);
    }
}

static int term_value(an_space *sp, const an_var *v, double *out);

int an_copy_record(phs_record *dst, const phs_record *src)
{
    const phs_ruleset *a = src->rs, *b = dst->rs;
    phs_record_clear(dst);
    for (size_t f = 0; f < a->nfields; f++) {
        if (!phs__record_has(src, (int)f))
            continue;
        int g = a == b ? (int)f : phs_ruleset_field_id(b, a->fields[f].name);
        if (g < 0 || b->fields[g].type != a->fields[f].type)
            continue;
        phs__val v;
        int rc;
        phs__record_field(src, (int)f, &v);
        switch (a->fields[f].type) {
        case PHS_TYPE_NUMBER: rc = phs_record_set_number(dst, g, v.u.n); break;
        case PHS_TYPE_BOOL: rc = phs_record_set_bool(dst, g, v.u.i); break;
        case PHS_TYPE_DATE: rc = phs_record_set_date(dst, g, v.u.i); break;
        case PHS_TYPE_CODES:
            rc = phs_record_set_text(dst, g, "", 0);
            for (uint32_t k = 0; k < v.u.l.n && rc == PHS_OK; k++)
                rc = phs_record_add_code(dst, g, v.u.l.items[k].p,
                                         v.u.l.items[k].n);
            break;
        default: rc = phs_record_set_string(dst, g, v.u.s.p, v.u.s.n); break;
        }
        if (rc < 0)
            return rc;
    }
    phs_error_clear();
    return PHS_OK;
}

int an_term_value(an_space *sp, const an_var *v, double *out)
{
    return term_value(sp, v, out);
}

static int term_value(an_space *sp, const an_var *v, double *out)
{
    phs__eval *ev = &sp->res[v->rsi]->ev;
    phs__val x, y;
    ev->rec = sp->rec[v->rsi];
    ev->regex_error = 0;
    memset(ev->dstate, 0, sp->rs[v->rsi]->nderived);
    if (!phs__expr_eval(ev, v->node, &x))
        return 0;
    int date = nd(sp, v->rsi, v->node)->type == PHS__T_DATE;
    *out = date ? (double)x.u.i : x.u.n;
    if (v->node2 >= 0) {
        if (!phs__expr_eval(ev, v->node2, &y))
            return 0;
        *out -= date ? (double)y.u.i : y.u.n;
    }
    return isfinite(*out);
}

typedef struct {
    int key[MAXKEY];
    double cost;
    uint32_t first[3];
    uint8_t nalt;
    double tval[MAXKEY]; /* term values of the best witness */
} wit;

static void bundle_dim(an_space *sp, int group, an_dim *d)
{
    int mem[MAXKEY], nmem = 0, nterms = 0;
    uint64_t inputs[AN_W];
    memset(inputs, 0, sizeof inputs);
    /* members: terms first, then direct fields */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sp->nvars; i++) {
            an_var *v = &sp->vars[i];
            if (v->group != group || (pass == 0) != (v->kind == AV_TERM))
                continue;
            if (nmem < MAXKEY)
                mem[nmem++] = (int)i;
            if (v->kind == AV_TERM) {
                nterms++;
                for (size_t w = 0; w < AN_W; w++)
                    inputs[w] |= v->inputs[w];
            } else {
                inputs[v->field / 64] |= (uint64_t)1 << (v->field % 64);
            }
        }
    memcpy(d->fields, inputs, sizeof inputs);
    d->kind = AD_BUNDLE;
    d->var = nterms == 1 && nmem == 1 ? mem[0] : -1;
    {
        phs__buf nb = {0};
        for (int k = 0; k < nmem; k++)
            phs__buf_printf(&nb, "%s%s", k ? ", " : "", sp->vars[mem[k]].name);
        d->name = label_dup(sp, &nb);
        phs__buf_free(&nb);
    }
    /* candidate values per input field; the grid of each number is as fine
     * as the search's budget allows */
    cands cs[64];
    size_t ncs = 0;
    int nnum = 0;
    for (size_t f = 0; f < sp->rs[0]->nfields; f++)
        if ((inputs[f / 64] >> (f % 64) & 1) &&
            sp->rs[0]->fields[f].type == PHS_TYPE_NUMBER)
            nnum++;
    double target = nnum ? pow(SEARCH_CAP / 2.0, 1.0 / nnum) : 1000;
    if (target > 1000)
        target = 1000;
    if (target < 20)
        target = 20;
    for (size_t f = 0; f < sp->rs[0]->nfields && ncs < 64; f++) {
        if (!(inputs[f / 64] >> (f % 64) & 1))
            continue;
        const phs__field *fd = &sp->rs[0]->fields[f];
        an_var *fv = NULL;
        for (int k = 0; k < nmem; k++)
            if (sp->vars[mem[k]].kind == AV_FIELD && sp->vars[mem[k]].field == (int)f)
                fv = &sp->vars[mem[k]];
        cands *c = &cs[ncs];
        memset(c, 0, sizeof *c);
        c->field = (int)f;
        if (fd->type == PHS_TYPE_NUMBER)
            grid_number(sp, fd, fv, (int)f, target, &c->cand, &c->n);
        else if (fd->type == PHS_TYPE_DATE)
            grid_date(sp, fd, fv, (int)f, &c->cand, &c->n);
        else if (fv) {
            an_dim tmp;
            memset(&tmp, 0, sizeof tmp);
            plain_dim(sp, fv, &tmp);
            c->cand = phs__malloc((tmp.nvals ? tmp.nvals : 1) * sizeof *c->cand);
            if (c->cand)
                for (size_t k = 0; k < tmp.nvals; k++)
                    c->cand[c->n++] = sp->sets[tmp.vals[k].first[0]];
            phs__free(tmp.vals);
        } else {
            c->cand = phs__malloc(4 * sizeof *c->cand);
            if (c->cand) {
                if (!fd->absent_default)
                    c->cand[c->n++] = set_absent((int)f);
                an_set s;
                memset(&s, 0, sizeof s);
                s.field = (int)f;
                if (fd->type == PHS_TYPE_BOOL) {
                    c->cand[c->n++] = s;
                    s.i = 1;
                    c->cand[c->n++] = s;
                } else if (fd->type == PHS_TYPE_ENUM) {
                    s.s = fd->values[0];
                    c->cand[c->n++] = s;
                } else if (fd->type == PHS_TYPE_STRING) {
                    s.s = "x";
                    c->cand[c->n++] = s;
                } else {
                    c->cand[c->n++] = s; /* empty list */
                }
            }
        }
        c->cost = c->cand ? phs__malloc((c->n ? c->n : 1) * sizeof *c->cost)
                          : NULL;
        if (!c->cand || !c->cost) {
            phs__free(c->cand);
            phs__free(c->cost);
            sp->oom = 1;
            break;
        }
        for (size_t k = 0; k < c->n; k++)
            c->cost[k] = set_cost(sp, &c->cand[k]);
        ncs++;
    }
    for (int k = 0; k < nmem; k++) {
        sp->vars[mem[k]].obs_lo = INFINITY;
        sp->vars[mem[k]].obs_hi = -INFINITY;
    }
    /* enumerate (or sample) the product */
    double total = 1;
    for (size_t i = 0; i < ncs; i++)
        total *= (double)(cs[i].n ? cs[i].n : 1);
    int sampled = total > SEARCH_CAP;
    size_t nsteps = sampled ? SEARCH_CAP : (size_t)total;
    if (sampled)
        sp->search_sampled = 1;
    size_t idx[64] = {0};
    uint64_t seed = 0x5eed0001ull + (uint64_t)group;
    size_t wcap = 64, nw = 0;
    wit *ws = phs__malloc(wcap * sizeof *ws);
    an_set cur[64];
    if (!ws)
        sp->oom = 1;
    for (size_t step = 0; ws && !sp->oom && step < nsteps; step++) {
        if (sampled)
            for (size_t i = 0; i < ncs; i++)
                idx[i] = cs[i].n ? (size_t)(an_rand(&seed) % cs[i].n) : 0;
        begin_record(sp);
        double cost = 0;
        for (size_t i = 0; i < ncs; i++) {
            if (!cs[i].n)
                continue;
            cur[i] = cs[i].cand[idx[i]];
            cost += cs[i].cost[idx[i]];
            apply_set(sp, &cur[i]);
        }
        int key[MAXKEY];
        double tv[MAXKEY];
        for (int k = 0; k < nmem; k++) {
            an_var *v = &sp->vars[mem[k]];
            double x = 0;
            if (v->kind == AV_TERM) {
                int known = term_value(sp, v, &x);
                key[k] = cell_of(v, x, known);
                tv[k] = known ? x : NAN;
                if (known) {
                    v->obs_lo = fmin(v->obs_lo, x);
                    v->obs_hi = fmax(v->obs_hi, x);
                }
            } else {
                const an_set *s = NULL;
                for (size_t i = 0; i < ncs; i++)
                    if (cs[i].field == v->field && cs[i].n)
                        s = &cur[i];
                const phs__field *fd = &sp->rs[0]->fields[v->field];
                if (!s)
                    key[k] = -1;
                else if (fd->type == PHS_TYPE_NUMBER || fd->type == PHS_TYPE_DATE)
                    key[k] = cell_of(v, fd->type == PHS_TYPE_DATE ? s->i : s->num,
                                     !s->absent);
                else {
                    size_t ci;
                    for (ci = 0; ci < ncs && cs[ci].field != v->field; ci++)
                        ;
                    key[k] = (int)idx[ci];
                }
                tv[k] = NAN;
            }
        }
        size_t j;
        for (j = 0; j < nw; j++)
            if (!memcmp(ws[j].key, key, (size_t)nmem * sizeof *key))
                break;
        if (j == nw) {
            if (nw == wcap) {
                wit *nws = phs__realloc(ws, 2 * wcap * sizeof *ws);
                if (!nws) {
                    sp->oom = 1;
                    break;
                }
                ws = nws;
                wcap *= 2;
            }
            memset(&ws[nw], 0, sizeof ws[nw]);
            memcpy(ws[nw].key, key, sizeof key);
            ws[nw].cost = INFINITY;
            nw++;
        }
        wit *w = &ws[j];
        if (cost < w->cost || w->nalt < 3) {
            uint32_t first = push_sets(sp, cur, ncs);
            if (cost < w->cost) {
                /* the best first; the previous best becomes an alternative */
                if (w->nalt == 3)
                    w->nalt = 2;
                memmove(&w->first[1], &w->first[0], w->nalt * sizeof w->first[0]);
                w->first[0] = first;
                w->nalt++;
                w->cost = cost;
                memcpy(w->tval, tv, sizeof tv);
            } else {
                w->first[w->nalt++] = first;
            }
        }
        if (!sampled) /* odometer */
            for (size_t i = 0; i < ncs; i++) {
                if (++idx[i] < cs[i].n)
                    break;
                idx[i] = 0;
            }
    }
    /* values, ordered by key */
    size_t cap = 0;
    phs__buf lb = {0};
    for (size_t a = 0; a < nw; a++)
        for (size_t b = a + 1; b < nw; b++)
            if (memcmp(ws[b].key, ws[a].key, (size_t)nmem * sizeof(int)) < 0) {
                int lt = 0;
                for (int k = 0; k < nmem; k++)
                    if (ws[b].key[k] != ws[a].key[k]) {
                        lt = ws[b].key[k] < ws[a].key[k];
                        break;
                    }
                if (lt) {
                    wit t = ws[a];
                    ws[a] = ws[b];
                    ws[b] = t;
                }
            }
    for (size_t a = 0; ws && a < nw; a++) {
        an_val *val = add_val(sp, d, &cap);
        if (!val)
            break;
        for (uint8_t k = 0; k < ws[a].nalt; k++) {
            val->first[k] = ws[a].first[k];
            val->n[k] = (uint32_t)ncs;
        }
        val->nalt = ws[a].nalt;
        val->cell = ws[a].key[0];
        for (int k = 0; k < nmem; k++) {
            an_var *v = &sp->vars[mem[k]];
            if (k)
                phs__buf_puts(&lb, ", ");
            if (v->kind == AV_TERM || sp->rs[0]->fields[v->field].type == PHS_TYPE_NUMBER ||
                sp->rs[0]->fields[v->field].type == PHS_TYPE_DATE)
                cell_label(&lb, v, ws[a].key[k]);
            else {
                size_t ci;
                for (ci = 0; ci < ncs && cs[ci].field != v->field; ci++)
                    ;
                const an_set *s = ci < ncs && ws[a].key[k] >= 0
                                      ? &cs[ci].cand[ws[a].key[k]]
                                      : NULL;
                if (!s || s->absent)
                    phs__buf_printf(&lb, "%s absent", v->name);
                else if (sp->rs[0]->fields[v->field].type == PHS_TYPE_BOOL)
                    phs__buf_printf(&lb, "%s = %s", v->name, s->i ? "true" : "false");
                else
                    phs__buf_printf(&lb, "%s = %s", v->name, s->s ? s->s : "[...]");
            }
        }
        val->label = label_dup(sp, &lb);
    }
    phs__buf_free(&lb);
    phs__free(ws);
    for (size_t i = 0; i < ncs; i++) {
        phs__free(cs[i].cand);
        phs__free(cs[i].cost);
    }
}

static int find_root(an_space *sp, int i)
{
    while (sp->vars[i].group != i)
        i = sp->vars[i].group = sp->vars[sp->vars[i].group].group;
    return i;
}

static void unite(an_space *sp, int a, int b)
{
    a = find_root(sp, a);
    b = find_root(sp, b);
    if (a != b)
        sp->vars[b > a ? b : a].group = a < b ? a : b;
}

int an_space_build(an_space *sp)
{
    if (sp->oom)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    /* group terms with the fields they read */
    for (size_t i = 0; i < sp->nvars; i++) {
        an_var *v = &sp->vars[i];
        if (v->kind != AV_TERM)
            continue;
        for (size_t j = 0; j < sp->nvars; j++) {
            an_var *u = &sp->vars[j];
            if (j == i)
                continue;
            if (u->kind == AV_FIELD &&
                (v->inputs[u->field / 64] >> (u->field % 64) & 1))
                unite(sp, (int)i, (int)j);
            if (u->kind == AV_TERM)
                for (size_t w = 0; w < AN_W; w++)
                    if (v->inputs[w] & u->inputs[w])
                        unite(sp, (int)i, (int)j);
        }
    }
    for (size_t i = 0; i < sp->nvars; i++)
        find_root(sp, (int)i);
    size_t ngroups = 0;
    for (size_t i = 0; i < sp->nvars; i++)
        ngroups += sp->vars[i].group == (int)i;
    sp->dims = phs__calloc(ngroups ? ngroups : 1, sizeof *sp->dims);
    if (!sp->dims)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    /* eligibility dimensions first (verify enumerates them outermost) */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sp->nvars && !sp->oom; i++) {
            an_var *v = &sp->vars[i];
            if (v->group != (int)i)
                continue;
            int elig = 0, members = 0, terms = 0;
            for (size_t j = 0; j < sp->nvars; j++)
                if (sp->vars[j].group == (int)i) {
                    elig |= sp->vars[j].elig;
                    members++;
                    terms += sp->vars[j].kind == AV_TERM;
                }
            if ((pass == 0) != (elig != 0))
                continue;
            an_dim *d = &sp->dims[sp->ndims++];
            d->elig = elig;
            if (members == 1 && !terms)
                plain_dim(sp, v, d);
            else
                bundle_dim(sp, (int)i, d);
        }
    if (sp->oom)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    return PHS_OK;
}

double an_space_cells(const an_space *sp)
{
    double n = 1;
    for (size_t d = 0; d < sp->ndims; d++)
        n *= (double)(sp->dims[d].nvals ? sp->dims[d].nvals : 1);
    return n;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

int an_space_fill(an_space *sp, const size_t *val, const uint8_t *alt)
{
    begin_record(sp);
    for (size_t d = 0; d < sp->ndims; d++) {
        const an_dim *dm = &sp->dims[d];
        if (!dm->nvals)
            continue;
        const an_val *v = &dm->vals[val[d]];
        size_t a = alt && alt[d] < v->nalt ? alt[d] : 0;
        for (uint32_t k = 0; k < v->n[a]; k++)
            apply_set(sp, &sp->sets[v->first[a] + k]);
    }
    return PHS_OK;
}

static int checks_fail(an_space *sp, uint64_t *fields)
{
    int bad = -1;
    for (size_t r = 0; r < sp->nrs; r++) {
        int c = phs__record_checks(sp->res[r], sp->rec[r]);
        if (c >= 0) {
            const uint64_t *refs = sp->rs[r]->checks[c].when.refs;
            for (size_t f = 0; f < sp->rs[r]->nfields; f++)
                if (refs[f / 64] >> (f % 64) & 1) {
                    int b = base_field(sp, (int)r, (int)f);
                    if (b >= 0)
                        fields[b / 64] |= (uint64_t)1 << (b % 64);
                }
            if (bad < 0)
                bad = (int)r * 10000 + c;
        }
    }
    return bad;
}

int an_space_fill_checked(an_space *sp, const size_t *val)
{
    uint64_t fields[AN_W];
    memset(fields, 0, sizeof fields);
    an_space_fill(sp, val, NULL);
    int bad = checks_fail(sp, fields);
    if (bad < 0)
        return -1;
    /* the dimensions the refusing checks read: try their alternatives */
    size_t inv[16], ninv = 0;
    for (size_t d = 0; d < sp->ndims && ninv < 16; d++) {
        int hit = 0;
        for (size_t w = 0; w < AN_W; w++)
            hit |= (sp->dims[d].fields[w] & fields[w]) != 0;
        if (hit && sp->dims[d].nvals && sp->dims[d].vals[val[d]].nalt > 1)
            inv[ninv++] = d;
    }
    uint8_t alt[256];
    memset(alt, 0, sizeof alt);
    for (int tries = 0; tries < 243 && ninv; tries++) {
        size_t k;
        for (k = 0; k < ninv; k++) { /* odometer over the alternatives */
            size_t d = inv[k];
            if (++alt[d] < sp->dims[d].vals[val[d]].nalt)
                break;
            alt[d] = 0;
        }
        if (k == ninv)
            break;
        an_space_fill(sp, val, alt);
        uint64_t more[AN_W];
        memset(more, 0, sizeof more);
        if (checks_fail(sp, more) < 0)
            return -1;
    }
    an_space_fill(sp, val, NULL);
    return bad;
}

void an_record_json(phs__buf *b, const phs_record *rec, const char *id)
{
    const phs_ruleset *rs = rec->rs;
    int first = 1;
    phs__buf_putc(b, '{');
    if (id && rs->f_id >= 0) {
        phs__buf_puts(b, "\"id\":");
        an_jstr(b, id);
        first = 0;
    }
    for (size_t f = 0; f < rs->nfields; f++) {
        const phs__field *fd = &rs->fields[f];
        if ((int)f == rs->f_id || !phs__record_has(rec, (int)f))
            continue;
        phs__val v;
        char t[40];
        phs__record_field(rec, (int)f, &v);
        if (!first)
            phs__buf_putc(b, ',');
        first = 0;
        an_jstr(b, fd->name);
        phs__buf_putc(b, ':');
        switch (fd->type) {
        case PHS_TYPE_NUMBER:
            an_num_text(t, sizeof t, v.u.n);
            phs__buf_puts(b, t);
            break;
        case PHS_TYPE_BOOL: phs__buf_puts(b, v.u.i ? "true" : "false"); break;
        case PHS_TYPE_DATE:
            phs_date_format(v.u.i, t);
            an_jstr(b, t);
            break;
        case PHS_TYPE_CODES:
            phs__buf_putc(b, '[');
            for (uint32_t k = 0; k < v.u.l.n; k++) {
                if (k)
                    phs__buf_putc(b, ',');
                phs__buf_json_str(b, v.u.l.items[k].p, v.u.l.items[k].n);
            }
            phs__buf_putc(b, ']');
            break;
        default:
            phs__buf_json_str(b, v.u.s.p, v.u.s.n);
        }
    }
    phs__buf_putc(b, '}');
}

/* ------------------------------------------------------------------ */
/* Describing values and regions                                       */
/* ------------------------------------------------------------------ */

void an_describe(phs__buf *b, const an_space *sp, size_t d,
                 const uint8_t *mask)
{
    const an_dim *dm = &sp->dims[d];
    int first = 1;
    if (dm->var < 0) {
        for (size_t k = 0; k < dm->nvals; k++)
            if (!mask || mask[k]) {
                phs__buf_printf(b, "%s%s", first ? "" : " or ", dm->vals[k].label);
                first = 0;
            }
        return;
    }
    const an_var *v = &sp->vars[dm->var];
    int m = (int)v->nthr, date = is_date_var(v);
    size_t k = 0;
    while (k < dm->nvals) {
        if ((mask && !mask[k]) || dm->vals[k].cell == 2 * m + 1) {
            k++;
            continue;
        }
        size_t j = k;
        while (j + 1 < dm->nvals && (!mask || mask[j + 1]) &&
               dm->vals[j + 1].cell != 2 * m + 1)
            j++;
        int ci = dm->vals[k].cell, cj = dm->vals[j].cell;
        int has_lo = !(ci % 2 == 0 && ci / 2 == 0);
        int has_hi = !(cj % 2 == 0 && cj / 2 == m);
        double lo = ci % 2 ? v->thr[ci / 2] : has_lo ? v->thr[ci / 2 - 1] : 0;
        int lo_in = ci % 2;
        double hi = cj % 2 ? v->thr[cj / 2] : has_hi ? v->thr[cj / 2] : 0;
        int hi_in = cj % 2;
        if (!first)
            phs__buf_puts(b, " or ");
        first = 0;
        if (has_lo && has_hi && lo_in && hi_in && lo == hi) {
            phs__buf_printf(b, "%s = ", v->name);
            num_or_date(b, lo, date);
        } else if (has_lo && has_hi) {
            num_or_date(b, lo, date);
            phs__buf_printf(b, " %s %s %s ", lo_in ? "≤" : "<", v->name,
                            hi_in ? "≤" : "<");
            num_or_date(b, hi, date);
        } else if (has_lo) {
            phs__buf_printf(b, "%s %s ", v->name, lo_in ? "≥" : ">");
            num_or_date(b, lo, date);
        } else if (has_hi) {
            phs__buf_printf(b, "%s %s ", v->name, hi_in ? "≤" : "<");
            num_or_date(b, hi, date);
        } else {
            phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "known" : "present");
        }
        k = j + 1;
    }
    for (k = 0; k < dm->nvals; k++)
        if ((!mask || mask[k]) && dm->vals[k].cell == 2 * m + 1) {
            phs__buf_printf(b, "%s%s %s", first ? "" : " or ", v->name,
                            v->kind == AV_TERM ? "unknown" : "absent");
            first = 0;
        }
}

int an_regions_init(an_regions *rg, const an_space *sp)
{
    memset(rg, 0, sizeof *rg);
    rg->ndims = sp->ndims;
    rg->off = phs__calloc(sp->ndims + 1, sizeof *rg->off);
    if (!rg->off)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t d = 0; d < sp->ndims; d++) {
        rg->off[d] = rg->width;
        rg->width += sp->dims[d].nvals;
    }
    rg->off[sp->ndims] = rg->width;
    return PHS_OK;
}

void an_regions_add(an_regions *rg, int label, const size_t *val)
{
    if (rg->oom)
        return;
    if (rg->n == rg->cap) {
        size_t c = rg->cap ? rg->cap * 2 : 64;
        an_region *r = phs__realloc(rg->r, c * sizeof *r);
        if (!r) {
            rg->oom = 1;
            return;
        }
        rg->r = r;
        rg->cap = c;
    }
    an_region *r = &rg->r[rg->n];
    r->mask = phs__calloc(rg->width ? rg->width : 1, 1);
    if (!r->mask) {
        rg->oom = 1;
        return;
    }
    r->label = label;
    r->cells = 1;
    for (size_t d = 0; d < rg->ndims; d++)
        r->mask[rg->off[d] + val[d]] = 1;
    rg->n++;
    if (rg->n % 20000 == 0)
        an_regions_merge(rg);
}

typedef struct {
    uint64_t h;
    size_t i;
} hidx;

static int cmp_hidx(const void *a, const void *b)
{
    const hidx *x = a, *y = b;
    return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->i > y->i) - (x->i < y->i);
}

static int same_except(const an_regions *rg, const an_region *a,
                       const an_region *b, size_t d)
{
    return a->label == b->label &&
           !memcmp(a->mask, b->mask, rg->off[d]) &&
           !memcmp(a->mask + rg->off[d + 1], b->mask + rg->off[d + 1],
                   rg->width - rg->off[d + 1]);
}

void an_regions_merge(an_regions *rg)
{
    if (rg->oom || rg->n < 2)
        return;
    hidx *h = phs__malloc(rg->n * sizeof *h);
    if (!h) {
        rg->oom = 1;
        return;
    }
    int changed = 1;
    for (int pass = 0; changed && pass < 20; pass++) {
        changed = 0;
        for (size_t d = 0; d < rg->ndims; d++) {
            for (size_t i = 0; i < rg->n; i++) {
                const an_region *r = &rg->r[i];
                uint64_t x = 0xcbf29ce484222325ull ^ (uint64_t)r->label;
                x = h_mix(x, r->mask, rg->off[d]);
                x = h_mix(x, r->mask + rg->off[d + 1], rg->width - rg->off[d + 1]);
                h[i] = (hidx){x, i};
            }
            qsort(h, rg->n, sizeof *h, cmp_hidx);
            for (size_t a = 0; a < rg->n;) {
                size_t b = a + 1;
                an_region *ra = &rg->r[h[a].i];
                while (b < rg->n && h[b].h == h[a].h) {
                    an_region *rb = &rg->r[h[b].i];
                    if (rb->mask && ra->mask && same_except(rg, ra, rb, d)) {
                        for (size_t k = rg->off[d]; k < rg->off[d + 1]; k++)
                            ra->mask[k] |= rb->mask[k];
                        ra->cells += rb->cells;
                        phs__free(rb->mask);
                        rb->mask = NULL;
                        changed = 1;
                    }
                    b++;
                }
                a = b;
            }
            size_t k = 0;
            for (size_t i = 0; i < rg->n; i++)
                if (rg->r[i].mask)
                    rg->r[k++] = rg->r[i];
            rg->n = k;
        }
    }
    phs__free(h);
}

void an_regions_free(an_regions *rg)
{
    for (size_t i = 0; i < rg->n; i++)
        phs__free(rg->r[i].mask);
    phs__free(rg->r);
    phs__free(rg->off);
    memset(rg, 0, sizeof *rg);
}

void an_region_text(phs__buf *b, const an_space *sp, const an_regions *rg,
                    size_t i)
{
    const an_region *r = &rg->r[i];
    int first = 1;
    for (size_t d = 0; d < rg->ndims; d++) {
        const uint8_t *m = r->mask + rg->off[d];
        size_t n = sp->dims[d].nvals, on = 0;
        for (size_t k = 0; k < n; k++)
            on += m[k];
        if (on == n)
            continue;
        if (!first)
            phs__buf_puts(b, ", ");
        first = 0;
        if (on > 1 && sp->dims[d].var < 0)
            phs__buf_putc(b, '(');
        an_describe(b, sp, d, m);
        if (on > 1 && sp->dims[d].var < 0)
            phs__buf_putc(b, ')');
    }
    if (first)
        phs__buf_puts(b, "any input");
}

void an_region_cell(const an_space *sp, const an_regions *rg, size_t i,
                    size_t *val)
{
    for (size_t d = 0; d < sp->ndims; d++) {
        const uint8_t *m = rg->r[i].mask + rg->off[d];
        size_t n = 0, pick = 0;
        for (size_t k = 0; k < sp->dims[d].nvals; k++)
            n += m[k];
        /* ordered: a middle value of the range; else the first */
        size_t want = sp->dims[d].var >= 0 ? n / 2 : 0;
        val[d] = 0;
        for (size_t k = 0; k < sp->dims[d].nvals; k++)
            if (m[k] && pick++ == want) {
                val[d] = k;
                break;
            }
    }
}
