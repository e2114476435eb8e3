/*
 * The cell decomposition of a program's input space (see analysis.h):
 * set-up, and the variables read off the conditions.  cells.c decides
 * their cells, witness.c searches values for derived terms, records.c
 * fills records for cells and describes regions; exprtext.c prints and
 * hashes expressions.
 *
 * About 850 lines on purpose: most of it is walk(), one recursion over the
 * expression instruction set that turns every operator into variables and
 * thresholds; its cases share the helpers above them and read best
 * together, as eval.c's switch does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* Make room for one more element; 0 (and sp->oom) when out of memory, the
 * array left as it was. */
int an_grow(an_space *sp, void *pp, size_t *cap, size_t n, size_t size)
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

char *an_sdup(an_space *sp, const char *s)
{
    char *c = phs__arena_strndup(&sp->arena, s, strlen(s));
    if (!c)
        sp->oom = 1;
    return c;
}

void an_num_or_date(phs__buf *b, double v, int date)
{
    char t[40];
    if (date) {
        phs_date_format((phs_date)v, t);
    } else {
        phs_number_format(v, t);
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
            for (size_t e = 0; e < sp->ex->n[v] && n < 4096; e++) {
                const phs__ynode *in = phs__ymap_get(sp->ex->of[v][e].node,
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
                  const phs_ruleset *other, phs_date visit,
                  const phs__examples *ex)
{
    memset(sp, 0, sizeof *sp);
    sp->ex = ex;
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

int an_base_field(const an_space *sp, int rsi, int f)
{
    return rsi == 0 ? f : sp->tobase[f];
}

const phs__node *an_nd(const an_space *sp, int rsi, int32_t i)
{
    return &sp->rs[rsi]->nodes[i];
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

/* A comparison outside the exact fragment, noted with the expression as
 * text between `before` and `after`. */
static void outside_expr(an_space *sp, int rsi, int32_t node,
                         const char *before, const char *after)
{
    phs__buf t = {0};
    an_expr_text(&t, sp->rs[rsi], node);
    note(sp, "%s%s%s", before, t.p ? t.p : "?", after);
    phs__buf_free(&t);
    sp->outside = 1;
}

static an_var *new_var(an_space *sp)
{
    if (!an_grow(sp, &sp->vars, &sp->capvars, sp->nvars, sizeof *sp->vars))
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
    if (!an_grow(sp, &v->thr, &v->capthr, v->nthr, sizeof *v->thr))
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
    if (!c || !an_grow(sp, &v->strs, &v->capstrs, v->nstrs, sizeof *v->strs)) {
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
    if (!an_grow(sp, &v->atoms, &v->capatoms, v->natoms, sizeof *v->atoms))
        return;
    v->atoms[v->natoms++] = (an_atom){rsi, node};
}

/* Base fields read under a node (derived values expanded, known() too). */
static void fields_of(const an_space *sp, int rsi, int32_t i, uint64_t *set,
                      int depth)
{
    if (i < 0 || depth > 200)
        return;
    const phs__node *n = an_nd(sp, rsi, i);
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
        int b = an_base_field(sp, rsi, x);
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
    v->vtype = node2 >= 0 ? PHS__T_NUM : an_nd(sp, rsi, node)->type;
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
        v->name = b.p ? an_sdup(sp, b.p) : "?";
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

/* Add v to the out[0..*n) values unless it is one: 0 when there are
 * MAXFIN already. */
static int add_value(double *out, int *n, double v)
{
    for (int j = 0; j < *n; j++)
        if (out[j] == v)
            return 1;
    if (*n >= MAXFIN)
        return 0;
    out[(*n)++] = v;
    return 1;
}

/* The values of a piecewise-constant numeric (or date) expression, or 0
 * when it is not one. */
static int finite(const an_space *sp, int rsi, int32_t i, double *out,
                  int *n, int depth)
{
    if (i < 0 || depth > 100)
        return 0;
    const phs__node *x = an_nd(sp, rsi, i);
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
        if (an_base_field(sp, rsi, x->a) != sp->rs[0]->f_visit_date ||
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
        for (int k = 0; k < na + nb; k++)
            if (!add_value(out, n, k < na ? a[k] : b[k - na]))
                return 0;
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
                if (isfinite(v) && !add_value(out, n, v))
                    return 0;
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
    const phs__node *x = an_nd(sp, rsi, i);
    double tmp[MAXFIN];
    int n = 0;
    if (x->op == OP_FIELD && (x->type == PHS__T_NUM || x->type == PHS__T_DATE)) {
        int f = an_base_field(sp, rsi, x->a);
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
    const phs__node *x = an_nd(sp, rsi, i);
    return x->op == OP_FIELD && x->type == PHS__T_LIST &&
           an_base_field(sp, rsi, x->a) >= 0;
}

/* The variable of the code-list field node i reads. */
static an_var *codes_var(an_space *sp, int rsi, int32_t i)
{
    return field_var(sp, an_base_field(sp, rsi, an_nd(sp, rsi, i)->a));
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
        const phs__node *xn = an_nd(sp, rsi, x);
        if (xn->op == OP_LEN && is_codes_field(sp, rsi, xn->a)) {
            an_var *v = field_var(sp, an_base_field(sp, rsi, an_nd(sp, rsi, xn->a)->a));
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
            if (v && v->multi)
                outside_expr(sp, rsi, x, "arithmetic on several fields (",
                             "): its cells are found by a grid search, not "
                             "proved");
        }
        for (int k = 0; k < nf; k++)
            add_thr(sp, v, f[k]);
        return;
    }
    /* neither side is piecewise constant: the sign of their difference
     * decides, found by the witness search over the fields both read */
    outside_expr(sp, rsi, node, "compares two computed values (",
                 "): decided on their difference, whose cells a grid "
                 "search finds; not proved");
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
    const phs__node *x = an_nd(sp, rsi, i);
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

/* A condition outside the exact fragment: say why, and walk its operand
 * (and its second one, with walk_b) for the variables it reads. */
static void outside(an_space *sp, int rsi, const phs__node *x, int depth,
                    int walk_b, const char *why)
{
    note(sp, "%s", why);
    sp->outside = 1;
    walk(sp, rsi, x->a, depth + 1);
    if (walk_b)
        walk(sp, rsi, x->b, depth + 1);
}

static void walk(an_space *sp, int rsi, int32_t i, int depth)
{
    if (i < 0 || depth > 200 || sp->oom)
        return;
    const phs__node *x = an_nd(sp, rsi, i);
    const phs_ruleset *rs = sp->rs[rsi];
    switch ((phs__op)x->op) {
    case OP_CONST:
    case OP_LOCAL:
        return;
    case OP_FIELD: {
        int f = an_base_field(sp, rsi, x->a);
        if (f >= 0 && f != sp->rs[0]->f_visit_date)
            field_var(sp, f);
        return;
    }
    case OP_DERIVED:
        walk(sp, rsi, rs->derived[x->a].expr.root, depth + 1);
        return;
    case OP_CMPF: {
        int f = an_base_field(sp, rsi, x->a);
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
        int f = an_base_field(sp, rsi, x->a);
        if (f >= 0)
            field_var(sp, f);
        return;
    }
    case OP_CMPFF: {
        int f = an_base_field(sp, rsi, x->a), g = an_base_field(sp, rsi, x->b);
        if (f >= 0)
            field_var(sp, f);
        if (g >= 0)
            field_var(sp, g);
        note(sp, "compares two fields (%s %s %s): sampled at the ends of "
                 "their cells, not proved",
             rs->fields[x->a].name, an_cmp_op(x->sub), rs->fields[x->b].name);
        sp->outside = 1;
        return;
    }
    case OP_CMP:
        if (x->c == PHS__T_NUM || x->c == PHS__T_DATE) {
            handle_cmp(sp, rsi, i, x->a, x->b, NULL, 0, depth);
            return;
        }
        if (x->c == PHS__T_STR) {
            const phs__node *a = an_nd(sp, rsi, x->a), *b = an_nd(sp, rsi, x->b);
            const phs__node *f = a->op == OP_FIELD ? a : b->op == OP_FIELD ? b : NULL;
            const phs__node *k = a->op == OP_CONST ? a : b->op == OP_CONST ? b : NULL;
            if (f && k && an_base_field(sp, rsi, f->a) >= 0) {
                add_str(sp, field_var(sp, an_base_field(sp, rsi, f->a)), k->k.u.s.p,
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
        if (an_nd(sp, rsi, x->a)->op == OP_FIELD &&
            an_base_field(sp, rsi, an_nd(sp, rsi, x->a)->a) >= 0) {
            an_var *v = codes_var(sp, rsi, x->a);
            for (uint32_t j = 0; j < x->k.u.l.n; j++)
                add_str(sp, v, x->k.u.l.items[j].p, x->k.u.l.items[j].n);
            return;
        }
        walk(sp, rsi, x->a, depth + 1);
        return;
    case OP_IN_LIST: { /* 'code' in a code-list field */
        const phs__node *code = an_nd(sp, rsi, x->a);
        if (code->op == OP_CONST && is_codes_field(sp, rsi, x->b)) {
            an_var *v = codes_var(sp, rsi, x->b);
            add_str(sp, v, code->k.u.s.p, code->k.u.s.n);
            add_atom(sp, v, rsi, i);
        } else {
            outside(sp, rsi, x, depth, 1,
                    "membership in a computed list: sampled, not proved");
        }
        return;
    }
    case OP_MATCH:
        outside(sp, rsi, x, depth, 0,
                "regular expression: sampled (the constants it is compared "
                "with and one other value), not proved");
        return;
    case OP_HAS_CODE:
        if (is_codes_field(sp, rsi, x->a)) {
            an_var *v = codes_var(sp, rsi, x->a);
            for (uint32_t j = 0; j < x->k.u.l.n; j++)
                add_str(sp, v, x->k.u.l.items[j].p, x->k.u.l.items[j].n);
            if (v)
                v->prefix = 1;
            add_atom(sp, v, rsi, i);
            return;
        }
        outside(sp, rsi, x, depth, 0,
                "has_code() on a computed list: sampled, not proved");
        return;
    case OP_QUANT:
        if (is_codes_field(sp, rsi, x->a)) {
            an_var *v = codes_var(sp, rsi, x->a);
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
        outside(sp, rsi, x, depth, 1,
                "quantifier over a computed list: sampled, not proved");
        return;
    case OP_KNOWN: {
        const phs__node *a = an_nd(sp, rsi, x->a);
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
            an_var *v = codes_var(sp, rsi, x->a);
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
