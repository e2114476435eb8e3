/* Evaluation of compiled expressions, with three-valued logic: every
 * operator returns 1 (known, value in *out) or 0 (unknown).
 *
 * Speed: leaves (constants, fields, field/derived comparisons) are handled
 * inline by their parent through eval(); only interior nodes recurse into
 * phs__expr_eval, whose frame stays small because the less common
 * operators live in eval_other(). */
#include <math.h>
#include <string.h>

#include "expr.h"

static inline int cmp_result(int sub, int c)
{
    switch (sub) {
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

static inline int num_cmp(double a, double b) { return (a > b) - (a < b); }

/* Mark field f as missing from the current evaluation. */
static inline int miss(phs__eval *ev, int32_t f)
{
    ev->miss[f / 64] |= (uint64_t)1 << (f % 64);
    return 0;
}

/* Leaves (constants, fields, field and derived comparisons) are evaluated
 * inline by their parent; only interior nodes call phs__expr_eval. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int eval_leaf(phs__eval *ev, int32_t i, phs__val *out)
{
    const phs__node *n = &ev->rs->nodes[i];
    const phs_record *rec = ev->rec;
    switch ((phs__op)n->op) {
    case OP_CONST:
        *out = n->k;
        return 1;
    case OP_CMPF:
        if (!phs__record_has(rec, n->a))
            return miss(ev, n->a);
        out->u.i = cmp_result(n->sub, num_cmp(rec->vals[n->a].u.n, n->k.u.n));
        return 1;
    case OP_CMPE:
        if (!phs__record_has(rec, n->a))
            return miss(ev, n->a);
        out->u.i = (rec->vals[n->a].u.i == n->k.u.i) == (n->sub == CMP_EQ);
        return 1;
    case OP_CMPD:
        if (ev->dstate[n->a] == 1) {
            out->u.i = cmp_result(n->sub, num_cmp(ev->dval[n->a].u.n, n->k.u.n));
            return 1;
        }
        return phs__expr_eval(ev, i, out);
    case OP_DERIVED:
        if (ev->dstate[n->a] == 1) {
            *out = ev->dval[n->a];
            return 1;
        }
        return phs__expr_eval(ev, i, out);
    case OP_FIELD:
        if (phs__record_has(rec, n->a)) {
            if (n->type == PHS__T_NUM || n->type == PHS__T_BOOL ||
                n->type == PHS__T_DATE) {
                *out = rec->vals[n->a];
                return 1;
            }
        } else if (n->type == PHS__T_BOOL &&
                   ev->rs->fields[n->a].absent_default) { /* not observed */
            out->u.i = 0;
            return 1;
        }
        return phs__expr_eval(ev, i, out);
    default:
        return phs__expr_eval(ev, i, out);
    }
}

int phs__expr_test(phs__eval *ev, const phs__expr *e)
{
    phs__val v;
    if (e->root < 0)
        return 1;
    if (!eval_leaf(ev, e->root, &v))
        return -1;
    return v.u.i != 0;
}

#define eval eval_leaf

static int str_cmp(phs__str a, phs__str b)
{
    uint32_t n = a.n < b.n ? a.n : b.n;
    int c = memcmp(a.p, b.p, n);
    return c ? c : (a.n > b.n) - (a.n < b.n);
}

static int has_prefix(phs__str code, const phs__val *prefixes)
{
    for (uint32_t j = 0; j < prefixes->u.l.n; j++) {
        phs__str p = prefixes->u.l.items[j];
        if (code.n >= p.n &&
            (p.n == 0 || (code.p[0] == p.p[0] &&
                          memcmp(code.p + 1, p.p + 1, p.n - 1) == 0)))
            return 1;
    }
    return 0;
}

/* Saving and restoring the missing-field marks around an operator. */
typedef struct {
    uint64_t w[PHS__MAX_FIELDS / 64];
} marks;

static inline void save(const phs__eval *ev, marks *m)
{
    m->w[0] = ev->miss[0]; /* the common case: at most 64 fields */
    for (size_t w = 1; w < ev->rs->nwords; w++)
        m->w[w] = ev->miss[w];
}

static inline void restore(phs__eval *ev, const marks *m)
{
    ev->miss[0] = m->w[0];
    for (size_t w = 1; w < ev->rs->nwords; w++)
        ev->miss[w] = m->w[w];
}

/* Derived values are computed once per classification.  When tracking,
 * an unknown one is evaluated again so that it marks what it lacked. */
static int derived(phs__eval *ev, int32_t d, phs__val *out)
{
    uint8_t st = ev->dstate[d];
    if (st == 0) {
        st = eval(ev, ev->rs->derived[d].expr.root, &ev->dval[d]) ? 1 : 2;
        ev->dstate[d] = st;
    } else if (st == 2 && ev->track) {
        phs__val v;
        eval(ev, ev->rs->derived[d].expr.root, &v);
    }
    *out = ev->dval[d];
    return st == 1;
}

static int eval_other(phs__eval *ev, const phs__node *n, phs__val *out);

/* Both operands, both evaluated even when the first is unknown, so that
 * every field the result lacked gets marked. */
static inline int both(phs__eval *ev, const phs__node *n, phs__val *a,
                       phs__val *b)
{
    int ka = eval(ev, n->a, a);
    int kb = eval(ev, n->b, b);
    return ka && kb;
}

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline)) inline
#define NOINLINE __attribute__((noinline))
#else
#define ALWAYS_INLINE inline
#define NOINLINE
#endif

static ALWAYS_INLINE int eval_node(phs__eval *ev, const phs__node *n,
                                   int32_t i, phs__val *out);

/* An operator whose result is known despite absent fields below it (a
 * decisive side of and/or, the other branch of if, ??) takes the marks of
 * those fields back: only what a decision lacked stays marked.  known()
 * keeps them, so the absence that chose a branch is named with it. */
static NOINLINE int eval_tracked(phs__eval *ev, const phs__node *n, int32_t i,
                                 phs__val *out)
{
    marks m;
    save(ev, &m);
    int known = eval_node(ev, n, i, out);
    if (known && n->op != OP_KNOWN)
        restore(ev, &m);
    return known;
}

int phs__expr_eval(phs__eval *ev, int32_t i, phs__val *out)
{
    const phs__node *n = &ev->rs->nodes[i];
    if (ev->track)
        return eval_tracked(ev, n, i, out);
    return eval_node(ev, n, i, out);
}

static ALWAYS_INLINE int eval_node(phs__eval *ev, const phs__node *n,
                                   int32_t i, phs__val *out)
{
    phs__val a, b;
    int ka, kb;

    switch ((phs__op)n->op) {
    case OP_CONST:
    case OP_CMPF:
    case OP_CMPE:
        return eval(ev, i, out);
    case OP_FIELD:
        if (!phs__record_has(ev->rec, n->a) &&
            !ev->rs->fields[n->a].absent_default)
            return miss(ev, n->a);
        phs__record_field(ev->rec, n->a, out);
        return 1;
    case OP_DERIVED:
        return derived(ev, n->a, out);
    case OP_CMPD:
        if (!derived(ev, n->a, &a))
            return 0;
        out->u.i = cmp_result(n->sub, num_cmp(a.u.n, n->k.u.n));
        return 1;
    case OP_NOT:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.i = !a.u.i;
        return 1;
    case OP_AND:
    case OP_OR: {
        /* Kleene: a known `false and _` / `true or _` decides alone */
        int decisive = n->op == OP_OR;
        ka = eval(ev, n->a, &a);
        if (ka && a.u.i == decisive) {
            out->u.i = decisive;
            return 1;
        }
        kb = eval(ev, n->b, &b);
        if (kb && b.u.i == decisive) {
            out->u.i = decisive;
            return 1;
        }
        out->u.i = !decisive;
        return ka && kb;
    }
    case OP_ARITH:
        if (!both(ev, n, &a, &b))
            return 0;
        switch (n->sub) {
        case '+': out->u.n = a.u.n + b.u.n; break;
        case '-': out->u.n = a.u.n - b.u.n; break;
        case '*': out->u.n = a.u.n * b.u.n; break;
        default:
            if (b.u.n == 0) /* x/0 is unknown, not inf */
                return 0;
            out->u.n = a.u.n / b.u.n;
        }
        return isfinite(out->u.n);
    case OP_CMP: {
        if (!both(ev, n, &a, &b))
            return 0;
        int c;
        switch (n->c) {
        case PHS__T_NUM: c = num_cmp(a.u.n, b.u.n); break;
        case PHS__T_STR: c = str_cmp(a.u.s, b.u.s); break;
        default: c = (a.u.i > b.u.i) - (a.u.i < b.u.i); break;
        }
        out->u.i = cmp_result(n->sub, c);
        return 1;
    }
    case OP_CMPFF:
        if (!phs__record_has(ev->rec, n->a) || !phs__record_has(ev->rec, n->b)) {
            if (!phs__record_has(ev->rec, n->a))
                miss(ev, n->a);
            if (!phs__record_has(ev->rec, n->b))
                miss(ev, n->b);
            return 0;
        }
        out->u.i = cmp_result(n->sub, num_cmp(ev->rec->vals[n->a].u.n,
                                              ev->rec->vals[n->b].u.n));
        return 1;
    case OP_INE:
        if (!phs__record_has(ev->rec, n->a))
            return miss(ev, n->a);
        out->u.i = (n->c >> ev->rec->vals[n->a].u.i) & 1;
        return 1;
    case OP_IF:
        if (!eval(ev, n->a, &a))
            return 0;
        return eval(ev, a.u.i ? n->b : n->c, out);
    case OP_KNOWN: /* its marks stay: they tell which absence chose a branch */
        out->u.i = eval(ev, n->a, &a);
        return 1;
    default:
        return eval_other(ev, n, out);
    }
}

static NOINLINE int eval_other(phs__eval *ev, const phs__node *n, phs__val *out)
{
    phs__val a, b;
    switch ((phs__op)n->op) {
    case OP_LOCAL:
        *out = ev->loc[n->a];
        return 1;
    case OP_NEG:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.n = -a.u.n;
        return 1;
    case OP_DATE_ADD: {
        if (!both(ev, n, &a, &b))
            return 0;
        double d = n->sub == '-' ? -b.u.n : b.u.n;
        if (!(fabs(d) < 3e6))
            return 0;
        out->u.i = a.u.i + (int32_t)floor(d);
        return 1;
    }
    case OP_DATE_DIFF:
        if (!both(ev, n, &a, &b))
            return 0;
        out->u.n = (double)a.u.i - (double)b.u.i;
        return 1;
    case OP_IN_CONST:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.i = 0;
        if (n->sub == PHS__T_NUM) {
            for (uint32_t j = 0; j < n->k.u.nl.n; j++)
                if (n->k.u.nl.items[j] == a.u.n)
                    out->u.i = 1;
        } else {
            for (uint32_t j = 0; j < n->k.u.l.n; j++)
                if (str_cmp(a.u.s, n->k.u.l.items[j]) == 0)
                    out->u.i = 1;
        }
        return 1;
    case OP_IN_LIST:
        if (!both(ev, n, &a, &b))
            return 0;
        out->u.i = 0;
        for (uint32_t j = 0; j < b.u.l.n; j++)
            if (str_cmp(a.u.s, b.u.l.items[j]) == 0)
                out->u.i = 1;
        return 1;
    case OP_MATCH: {
        if (!eval(ev, n->a, &a))
            return 0;
        const pcre2_code *re = ev->rs->regex[n->c];
        int rc = pcre2_match(re, (PCRE2_SPTR)a.u.s.p, a.u.s.n, 0, 0, ev->md,
                             ev->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) {
            out->u.i = 0;
            return 1;
        }
        if (rc < 0) { /* a limit or bad UTF-8: say unknown, never guess */
            ev->regex_error = rc;
            return 0;
        }
        out->u.i = 1;
        return 1;
    }
    case OP_COALESCE:
        return eval(ev, n->a, out) || eval(ev, n->b, out);
    case OP_AGE_AT:
        if (!both(ev, n, &a, &b))
            return 0;
        out->u.n = phs_date_age(a.u.i, b.u.i);
        return 1;
    case OP_ADD_MONTHS:
        if (!both(ev, n, &a, &b))
            return 0;
        if (!(fabs(b.u.n) < 100000))
            return 0;
        out->u.i = phs_date_add_months(a.u.i, (int)floor(b.u.n));
        return 1;
    case OP_LEN:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.n = a.u.l.n;
        return 1;
    case OP_MINMAX:
        if (!both(ev, n, &a, &b))
            return 0;
        out->u.n = (n->sub == 'm') == (a.u.n < b.u.n) ? a.u.n : b.u.n;
        return 1;
    case OP_ABS:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.n = fabs(a.u.n);
        return 1;
    case OP_HAS_CODE:
        if (!eval(ev, n->a, &a))
            return 0;
        out->u.i = 0;
        for (uint32_t j = 0; j < a.u.l.n && !out->u.i; j++)
            out->u.i = has_prefix(a.u.l.items[j], &n->k);
        return 1;
    case OP_QUANT: {
        if (!eval(ev, n->a, &a))
            return 0;
        int unknown = 0;
        double count = 0;
        for (uint32_t j = 0; j < a.u.l.n; j++) {
            ev->loc[n->c].u.s = a.u.l.items[j];
            if (!eval(ev, n->b, &b)) {
                unknown = 1;
                continue;
            }
            if (b.u.i) {
                count++;
                if (n->sub == 'a') {
                    out->u.i = 1;
                    return 1;
                }
            } else if (n->sub == 'l') {
                out->u.i = 0;
                return 1;
            }
        }
        if (unknown)
            return 0;
        if (n->sub == 'c')
            out->u.n = count;
        else
            out->u.i = n->sub == 'l';
        return 1;
    }
    default:
        return 0;
    }
}
