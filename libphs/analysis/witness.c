/* The witness search for derived values (bundles of fields whose derived
 * terms need joint values), and building the dimensions (see analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* ---- witness search for derived values (bundles) ---- */

typedef struct {
    int field;
    an_set *cand;
    size_t n;
    double *cost;
} cands;

/* Room for cap candidate values of field f, starting with "absent" when
 * the field may be absent (*k: how many are written); NULL (oom set) out
 * of memory. */
static an_set *grid_start(an_space *sp, const phs__field *fd, int f,
                          size_t cap, size_t *k)
{
    an_set *c = phs__malloc(cap * sizeof *c);
    *k = 0;
    if (!c)
        sp->oom = 1;
    else if (!fd->absent_default)
        c[(*k)++] = an_set_absent(f);
    return c;
}

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
    size_t k;
    an_set *c = grid_start(sp, fd, f, cap, &k);
    if (!c)
        return;
    for (double x = ceil(lo / step) * step; x <= hi + 1e-9 && k + 4 < cap; x += step) {
        double r = round(x / step) * step;
        if (step < 1)
            r = round(x * 1e6) / 1e6;
        if (r >= lo && r <= hi)
            c[k++] = an_set_num(f, r, 0);
    }
    for (size_t j = 0; fv && j < fv->nthr && k + 3 <= cap; j++) {
        double t = fv->thr[j];
        c[k++] = an_set_num(f, t, 0);
        if (t - step / 2 >= lo)
            c[k++] = an_set_num(f, t - step / 2, 0);
        if (t + step / 2 <= hi)
            c[k++] = an_set_num(f, t + step / 2, 0);
    }
    *out = c;
    *n = k;
}

static void grid_date(an_space *sp, const phs__field *fd, const an_var *fv,
                      int f, an_set **out, size_t *n)
{
    size_t cap = 3 * 131 + 16 + (fv ? 3 * fv->nthr : 0);
    size_t k;
    an_set *c = grid_start(sp, fd, f, cap, &k);
    if (!c)
        return;
    for (int y = 0; y <= 130; y++) {
        phs_date d = phs_date_add_months(sp->visit, -12 * y);
        c[k++] = an_set_num(f, d, 1);
        c[k++] = an_set_num(f, d - 1, 1);
        if (y > 0)
            c[k++] = an_set_num(f, d + 1, 1);
    }
    for (size_t j = 0; fv && j < fv->nthr && k + 3 <= cap; j++) {
        for (int dd = -1; dd <= 1; dd++)
            c[k++] = an_set_num(f, fv->thr[j] + dd, 1);
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

void an_apply_set(an_space *sp, const an_set *s)
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

void an_begin_record(an_space *sp)
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
    int date = an_nd(sp, v->rsi, v->node)->type == PHS__T_DATE;
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
        d->name = an_label_dup(sp, &nb);
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
            an_plain_dim(sp, fv, &tmp);
            c->cand = phs__malloc((tmp.nvals ? tmp.nvals : 1) * sizeof *c->cand);
            if (c->cand)
                for (size_t k = 0; k < tmp.nvals; k++)
                    c->cand[c->n++] = sp->sets[tmp.vals[k].first[0]];
            phs__free(tmp.vals);
        } else {
            c->cand = phs__malloc(4 * sizeof *c->cand);
            if (c->cand) {
                if (!fd->absent_default)
                    c->cand[c->n++] = an_set_absent((int)f);
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
        an_begin_record(sp);
        double cost = 0;
        for (size_t i = 0; i < ncs; i++) {
            if (!cs[i].n)
                continue;
            cur[i] = cs[i].cand[idx[i]];
            cost += cs[i].cost[idx[i]];
            an_apply_set(sp, &cur[i]);
        }
        int key[MAXKEY];
        double tv[MAXKEY];
        for (int k = 0; k < nmem; k++) {
            an_var *v = &sp->vars[mem[k]];
            double x = 0;
            if (v->kind == AV_TERM) {
                int known = term_value(sp, v, &x);
                key[k] = an_cell_of(v, x, known);
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
                    key[k] = an_cell_of(v, fd->type == PHS_TYPE_DATE ? s->i : s->num,
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
            uint32_t first = an_push_sets(sp, cur, ncs);
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
        an_val *val = an_add_val(sp, d, &cap);
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
                an_cell_label(&lb, v, ws[a].key[k]);
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
        val->label = an_label_dup(sp, &lb);
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
                an_plain_dim(sp, v, d);
            else
                bundle_dim(sp, (int)i, d);
        }
    if (sp->oom || sp->notes.oom) /* a note lost is a finding lost */
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
