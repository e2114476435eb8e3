/* The cells of a variable: thresholds, code lists (distinct truth vectors
 * of their tests) and plain dimensions (see analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* ------------------------------------------------------------------ */
/* Cells of a variable                                                 */
/* ------------------------------------------------------------------ */

int an_cell_of(const an_var *v, double x, int known)
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

int an_is_date_var(const an_var *v) { return v->vtype == PHS__T_DATE; }

void an_cell_label(phs__buf *b, const an_var *v, int cell)
{
    int m = (int)v->nthr, date = an_is_date_var(v);
    if (cell == 2 * m + 1) {
        phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "unknown" : "absent");
        return;
    }
    if (cell % 2 == 1) {
        phs__buf_printf(b, "%s = ", v->name);
        an_num_or_date(b, v->thr[cell / 2], date);
        return;
    }
    int k = cell / 2;
    if (m == 0) {
        phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "known" : "present");
        return;
    }
    if (k > 0 && k < m) {
        an_num_or_date(b, v->thr[k - 1], date);
        phs__buf_printf(b, " < %s < ", v->name);
        an_num_or_date(b, v->thr[k], date);
    } else if (k == 0) {
        phs__buf_printf(b, "%s < ", v->name);
        an_num_or_date(b, v->thr[0], date);
    } else {
        phs__buf_printf(b, "%s > ", v->name);
        an_num_or_date(b, v->thr[m - 1], date);
    }
}

uint32_t an_push_sets(an_space *sp, const an_set *s, size_t n)
{
    uint32_t first = (uint32_t)sp->nsets;
    for (size_t i = 0; i < n; i++) {
        if (!an_grow(sp, &sp->sets, &sp->capsets, sp->nsets, sizeof *sp->sets))
            return 0;
        sp->sets[sp->nsets++] = s[i];
    }
    return first;
}

an_val *an_add_val(an_space *sp, an_dim *d, size_t *cap)
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
    v->first[v->nalt] = an_push_sets(sp, s, n);
    v->n[v->nalt] = (uint32_t)n;
    v->nalt++;
}

char *an_label_dup(an_space *sp, phs__buf *b)
{
    if (b->oom) /* a label cut short would describe other cells */
        sp->oom = 1;
    char *c = an_sdup(sp, b->p ? b->p : "");
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
int an_pick(double a, int ain, double b, int bin, int integer, int which,
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

an_set an_set_num(int f, double x, int date)
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

an_set an_set_absent(int f)
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
        int rc = phs_record_set_text(sp->rec[r], g, "", 0);
        for (uint32_t k = 0; k < c->n && rc == PHS_OK; k++)
            rc = phs_record_add_code(sp->rec[r], g, c->codes[k],
                                     strlen(c->codes[k]));
        if (rc == PHS_ENOMEM) /* a list cut short is another cell */
            sp->oom = 1;
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
        const phs__node *x = an_nd(sp, at->rsi, at->node);
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
        for (size_t e = 0; e < sp->ex->n[pv] && nc < 150; e++) {
            const phs__ynode *in = phs__ymap_get(sp->ex->of[pv][e].node,
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
    if (!vec)
        sp->oom = 1; /* fewer code lists would be fewer cells: no silent loss */
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
        an_val *x = an_add_val(sp, d, cap);
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
        x->label = an_label_dup(sp, &lb);
    }
    phs__buf_free(&lb);
    phs__free(q);
    phs__free(vecs);
}

/* A plain dimension: one field. */
void an_plain_dim(an_space *sp, an_var *v, an_dim *d)
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
                s[ns++] = an_set_num(v->field, t, date);
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
                    if (an_pick(a, ain, b, bin, date, w, &x)) {
                        int dup = 0;
                        for (int j = 0; j < ns; j++)
                            dup |= (date ? s[j].i == (int32_t)x : s[j].num == x);
                        if (!dup)
                            s[ns++] = an_set_num(v->field, x, date);
                    }
                if (!ns)
                    continue;
            }
            an_val *val = an_add_val(sp, d, &cap);
            if (!val)
                break;
            for (int j = 0; j < ns; j++)
                val_alt(sp, val, &s[j], 1);
            val->cell = (int)c;
            an_cell_label(&lb, v, (int)c);
            val->label = an_label_dup(sp, &lb);
        }
        if (absent_unknown(sp, v->field)) {
            an_val *val = an_add_val(sp, d, &cap);
            if (val) {
                an_set s = an_set_absent(v->field);
                val_alt(sp, val, &s, 1);
                val->cell = (int)(2 * m + 1);
                an_cell_label(&lb, v, val->cell);
                val->label = an_label_dup(sp, &lb);
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
            an_val *val = an_add_val(sp, d, &cap);
            if (!val)
                break;
            val_alt(sp, val, &s, 1);
            val->label = an_label_dup(sp, &lb);
        }
        break;
    }
    default:
        d->var = -1;
        codes_values(sp, v, d, &cap);
    }
    phs__buf_free(&lb);
}
