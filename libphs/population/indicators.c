/* Indicators of one reporting period over the collected visits: per
 * resident (in id order), its visits in date order decide the denominator
 * and numerator of every indicator (docs/spec-format.md "Indicators"),
 * then per program the tier of the latest visit, the tier transitions and
 * the overdue follow-ups. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "population.h"

typedef struct {
    uint32_t rank, v; /* resident rank in id order, visit row */
    phs_date date;
} vkey;

static int cmp_vkey(const void *a, const void *b)
{
    const vkey *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v); /* input order among same-day */
}

typedef struct {
    const char *id;
    uint32_t r;
} rkey;

static int cmp_rkey(const void *a, const void *b)
{
    return strcmp(((const rkey *)a)->id, ((const rkey *)b)->id);
}

static int cmp_overdue(const void *a, const void *b)
{
    const phs__overdue *x = a, *y = b;
    if (x->days != y->days)
        return x->days > y->days ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->program - y->program;
}

static int and3(int a, int b)
{
    if (a == 0 || b == 0)
        return 0;
    return a < 0 || b < 0 ? -1 : 1;
}

void phs_indicators_free(phs_indicators *ind)
{
    if (!ind)
        return;
    for (size_t i = 0; ind->counted && i < ind->ni; i++)
        for (int w = 0; w < 4; w++)
            phs__free(ind->counted[i].res[w]);
    phs__free(ind->counted);
    phs__free(ind->idoff);     /* and idtext */
    phs__free(ind->tier_base); /* and trans_base, tiers, trans */
    phs__free(ind->overdue);
    phs__free(ind);
}

/* The state of one resident while its visits are walked. */
typedef struct {
    const phs_population *pop;
    const vkey *k;   /* its visits, date order */
    size_t n;
    phs_date from, to;
} walk;

static int in_period(const walk *w, size_t j)
{
    return w->k[j].date >= w->from && w->k[j].date <= w->to;
}

static int enrolled(const walk *w, size_t j, int p)
{
    return phs__pop_prog(w->pop, w->k[j].v, (size_t)p)->enrolled == 1;
}

/* Is visit j one the indicator looks at: in the period and, for an
 * indicator over enrolled residents, enrolling the resident. */
static int counts(const walk *w, const phs__indicator *ind, size_t j)
{
    return in_period(w, j) &&
           (ind->all_residents || enrolled(w, j, ind->program));
}

/* NOT_COUNTED: not in the denominator; EXCLUDED: whether it is could not
 * be decided (its `where`, or the enrolment, is unknown); else the
 * numerator 1/0/-1. */
enum { NOT_COUNTED = -2, EXCLUDED = -3 };

static int decide(const walk *w, const phs__indicator *ind, size_t i)
{
    const phs_population *pop = w->pop;
    long latest = -1;
    for (size_t j = 0; j < w->n; j++)
        if (ind->all_residents ? w->k[j].date <= w->to : counts(w, ind, j))
            latest = (long)j;
    if (latest < 0) {
        /* never enrolled in the period: excluded when some visit of the
         * period could not decide the enrolment */
        for (size_t j = 0; !ind->all_residents && j < w->n; j++)
            if (in_period(w, j) &&
                phs__pop_prog(pop, w->k[j].v, (size_t)ind->program)->enrolled < 0)
                return EXCLUDED;
        return NOT_COUNTED;
    }
    int where = phs__pop_ind(pop, w->k[latest].v, i)->where;
    if (where != 1)
        return where < 0 ? EXCLUDED : NOT_COUNTED;
    if (ind->reached) {
        int hit = 0;
        for (size_t j = 0; j < w->n && !hit; j++) {
            if (!counts(w, ind, j))
                continue;
            int t = phs__pop_prog(pop, w->k[j].v, (size_t)ind->program)->tier;
            hit = t < 64 && ((ind->reached >> t) & 1);
        }
        if (!hit)
            return NOT_COUNTED;
    }
    int num = 1;
    if (ind->visit_min >= 0) {
        int yes = 0, unk = 0;
        for (size_t j = 0; j < w->n; j++) {
            if (!counts(w, ind, j))
                continue;
            int t = phs__pop_ind(pop, w->k[j].v, i)->visit;
            yes += t == 1;
            unk += t < 0;
        }
        num = and3(num, yes >= ind->visit_min         ? 1
                        : yes + unk >= ind->visit_min ? -1
                                                      : 0);
    }
    if (ind->due_dates_met) {
        /* every due date set at an enrolled visit of the period and falling
         * in it was met: the next visit came inside [earliest, due] */
        for (size_t j = 0; j < w->n && num != 0; j++) {
            if (!in_period(w, j) || !enrolled(w, j, ind->program))
                continue;
            const phs__vprog *vp =
                phs__pop_prog(pop, w->k[j].v, (size_t)ind->program);
            phs_date due = vp->due;
            if (due == PHS_DATE_NONE || due > w->to)
                continue;
            size_t nx = j + 1;
            while (nx < w->n && w->k[nx].date == w->k[j].date)
                nx++;
            if (nx == w->n || w->k[nx].date > due ||
                w->k[nx].date < vp->earliest)
                num = 0;
        }
    }
    if (ind->latest.root >= 0)
        num = and3(num, phs__pop_ind(pop, w->k[latest].v, i)->latest);
    if (ind->date_field >= 0) {
        int in = 0;
        for (size_t j = 0; j < w->n && !in; j++) {
            phs_date d = phs__pop_ind(pop, w->k[j].v, i)->date;
            in = w->k[j].date <= w->to && d != PHS_DATE_NONE &&
                 d >= w->from && d <= w->to;
        }
        num = and3(num, in);
    }
    return num;
}

static int push(phs__counted *c, int which, uint32_t r)
{
    if (phs__grow(&c->res[which], &c->cap[which], c->n[which],
                  sizeof(uint32_t), 64) < 0)
        return 0;
    c->res[which][c->n[which]++] = r;
    return 1;
}

static int program_views(phs_indicators *out, const walk *w, uint32_t r)
{
    const phs_population *pop = w->pop;
    for (size_t p = 0; p < pop->np; p++) {
        size_t nt = out->rs->programs[p].ntiers + 1;
        long prev = -1, last = -1, lastle = -1;
        for (size_t j = 0; j < w->n; j++) {
            if (w->k[j].date <= w->to)
                lastle = (long)j;
            if (!in_period(w, j) || !enrolled(w, j, (int)p))
                continue;
            size_t t = (size_t)phs__pop_prog(pop, w->k[j].v, p)->tier;
            if (prev >= 0) {
                size_t f = (size_t)phs__pop_prog(pop, w->k[prev].v, p)->tier;
                out->trans[out->trans_base[p] + f * nt + t]++;
            }
            prev = last = (long)j;
        }
        if (last >= 0)
            out->tiers[out->tier_base[p] +
                       (size_t)phs__pop_prog(pop, w->k[last].v, p)->tier]++;
        if (lastle >= 0 && enrolled(w, (size_t)lastle, (int)p)) {
            const phs__vprog *vp = phs__pop_prog(pop, w->k[lastle].v, p);
            if (vp->due != PHS_DATE_NONE && vp->due < w->to) {
                if (phs__grow(&out->overdue, &out->overdue_cap,
                              out->noverdue, sizeof *out->overdue, 64) < 0)
                    return 0;
                phs__overdue *o = &out->overdue[out->noverdue++];
                o->res = r;
                o->rank = w->k[0].rank;
                o->program = (int)p;
                o->tier = vp->tier;
                o->due = vp->due;
                o->days = (int)(w->to - vp->due);
            }
        }
    }
    return 1;
}

int phs_population_indicators(const phs_population *pop, phs_date from,
                              phs_date to, phs_indicators **out)
{
    if (out)
        *out = NULL;
    if (!pop || !out || from == PHS_DATE_NONE || to == PHS_DATE_NONE)
        return phs__error_set(PHS_EINVAL, "indicators: NULL argument");
    if (to < from)
        return phs__error_set(PHS_EINVAL, "indicators: the period ends "
                                          "before it starts");
    const phs_ruleset *rs = pop->rs;
    size_t nres = pop->nres, nv = pop->nv, np = pop->np, ni = pop->ni;
    phs_indicators *ind = phs__calloc(1, sizeof *ind);
    rkey *order = phs__malloc((nres ? nres : 1) * sizeof *order);
    uint32_t *rank = phs__malloc((nres ? nres : 1) * sizeof *rank);
    vkey *keys = phs__malloc((nv ? nv : 1) * sizeof *keys);
    int rc = PHS_OK;
    if (!ind || !order || !rank || !keys)
        goto oom;
    ind->rs = rs;
    ind->from = from;
    ind->to = to;
    ind->ni = ni;
    ind->np = np;
    /* a copy of the ids: offsets, then the text, in one block */
    ind->idoff = phs__malloc(nres * sizeof *ind->idoff + pop->idlen + 1);
    ind->counted = phs__calloc(ni ? ni : 1, sizeof *ind->counted);
    /* the counts per program: where each program's tiers and transitions
     * start, then the tiers, then the transitions, in one block */
    size_t ntier = 0, ntrans = 0;
    for (size_t p = 0; p < np; p++) {
        size_t nt = rs->programs[p].ntiers + 1;
        ntier += nt;
        ntrans += nt * nt;
    }
    ind->tier_base = phs__calloc(2 * np + ntier + ntrans + 1, sizeof(size_t));
    if (!ind->idoff || !ind->counted || !ind->tier_base)
        goto oom;
    ind->idtext = (char *)(ind->idoff + nres);
    if (nres) {
        memcpy(ind->idtext, pop->idtext, pop->idlen);
        memcpy(ind->idoff, pop->idoff, nres * sizeof *ind->idoff);
    }
    ind->trans_base = ind->tier_base + np;
    ind->tiers = ind->trans_base + np;
    ind->trans = ind->tiers + ntier;
    ntier = ntrans = 0;
    for (size_t p = 0; p < np; p++) {
        size_t nt = rs->programs[p].ntiers + 1;
        ind->tier_base[p] = ntier;
        ind->trans_base[p] = ntrans;
        ntier += nt;
        ntrans += nt * nt;
    }

    /* residents in id order; visits grouped by resident, in date order */
    for (uint32_t r = 0; r < nres; r++)
        order[r] = (rkey){pop->idtext + pop->idoff[r], r};
    qsort(order, nres, sizeof *order, cmp_rkey);
    for (uint32_t k = 0; k < nres; k++)
        rank[order[k].r] = k;
    for (size_t v = 0; v < nv; v++)
        keys[v] = (vkey){rank[phs__pop_visit(pop, v)->res], (uint32_t)v,
                         phs__pop_visit(pop, v)->date};
    qsort(keys, nv, sizeof *keys, cmp_vkey);

    for (size_t a = 0, b; a < nv; a = b) {
        for (b = a + 1; b < nv && keys[b].rank == keys[a].rank; b++)
            ;
        walk w = {pop, keys + a, b - a, from, to};
        uint32_t r = phs__pop_visit(pop, keys[a].v)->res;
        for (size_t i = 0; i < ni; i++) {
            int num = decide(&w, &rs->indicators[i], i);
            phs__counted *c = &ind->counted[i];
            if (num == NOT_COUNTED)
                continue;
            if (num == EXCLUDED) {
                if (!push(c, PHS_COUNTED_EXCLUDED, r))
                    goto oom;
                continue;
            }
            if (!push(c, PHS_COUNTED_DENOMINATOR, r) ||
                (num == 1 && !push(c, PHS_COUNTED_NUMERATOR, r)) ||
                (num < 0 && !push(c, PHS_COUNTED_UNDECIDED, r)))
                goto oom;
        }
        if (!program_views(ind, &w, r))
            goto oom;
    }
    if (ind->noverdue)
        qsort(ind->overdue, ind->noverdue, sizeof *ind->overdue, cmp_overdue);
    *out = ind;
    ind = NULL;
    goto done;
oom:
    rc = phs__error_set(PHS_ENOMEM, "out of memory");
done:
    phs_indicators_free(ind);
    phs__free(order);
    phs__free(rank);
    phs__free(keys);
    return rc;
}

/* ---- accessors ---- */

phs_date phs_indicators_from(const phs_indicators *ind)
{
    return ind ? ind->from : PHS_DATE_NONE;
}

phs_date phs_indicators_to(const phs_indicators *ind)
{
    return ind ? ind->to : PHS_DATE_NONE;
}

size_t phs_indicators_count(const phs_indicators *ind)
{
    return ind ? ind->ni : 0;
}

static const phs__indicator *def(const phs_indicators *ind, size_t i)
{
    return ind && i < ind->ni ? &ind->rs->indicators[i] : NULL;
}

/* An indicator definition's member, or `none` for a bad index. */
#define DEFINITION(type, name, m, none)                                \
    type name(const phs_indicators *ind, size_t i)                     \
    {                                                                  \
        const phs__indicator *d = def(ind, i);                         \
        return d ? d->m : none;                                        \
    }
DEFINITION(const char *, phs_indicators_id, id, NULL)
DEFINITION(double, phs_indicators_target, target, NAN)
DEFINITION(size_t, phs_indicators_cite_count, ncites, 0)

const char *phs_indicators_program(const phs_indicators *ind, size_t i)
{
    const phs__indicator *d = def(ind, i);
    return d && d->program >= 0 ? ind->rs->programs[d->program].id : NULL;
}

const char *phs_indicators_title(const phs_indicators *ind, size_t i,
                                 const char *lang)
{
    const phs__indicator *d = def(ind, i);
    return d ? phs__title_in(d->title_zh, d->title_en, lang) : NULL;
}

size_t phs_indicators_resident_count(const phs_indicators *ind, size_t i,
                                     int which)
{
    if (!def(ind, i) || which < 0 || which > PHS_COUNTED_EXCLUDED)
        return 0;
    return ind->counted[i].n[which];
}

const char *phs_indicators_resident(const phs_indicators *ind, size_t i,
                                    int which, size_t k)
{
    if (k >= phs_indicators_resident_count(ind, i, which))
        return NULL;
    return ind->idtext + ind->idoff[ind->counted[i].res[which][k]];
}

size_t phs_indicators_numerator(const phs_indicators *ind, size_t i)
{
    return phs_indicators_resident_count(ind, i, PHS_COUNTED_NUMERATOR);
}

size_t phs_indicators_denominator(const phs_indicators *ind, size_t i)
{
    return phs_indicators_resident_count(ind, i, PHS_COUNTED_DENOMINATOR);
}

size_t phs_indicators_undecided(const phs_indicators *ind, size_t i)
{
    return phs_indicators_resident_count(ind, i, PHS_COUNTED_UNDECIDED);
}

size_t phs_indicators_excluded(const phs_indicators *ind, size_t i)
{
    return phs_indicators_resident_count(ind, i, PHS_COUNTED_EXCLUDED);
}

double phs_indicators_rate(const phs_indicators *ind, size_t i)
{
    size_t d = phs_indicators_denominator(ind, i);
    return d ? (double)phs_indicators_numerator(ind, i) / (double)d : NAN;
}

const char *phs_indicators_cite(const phs_indicators *ind, size_t i,
                                size_t c)
{
    const phs__indicator *d = def(ind, i);
    return d && c < d->ncites ? d->cites[c]->id : NULL;
}

size_t phs_indicators_tier_residents(const phs_indicators *ind, size_t p,
                                     size_t t)
{
    if (!ind || p >= ind->np || t > ind->rs->programs[p].ntiers)
        return 0;
    return ind->tiers[ind->tier_base[p] + t];
}

size_t phs_indicators_transitions(const phs_indicators *ind, size_t p,
                                  size_t from, size_t to)
{
    if (!ind || p >= ind->np)
        return 0;
    size_t nt = ind->rs->programs[p].ntiers + 1;
    if (from >= nt || to >= nt)
        return 0;
    return ind->trans[ind->trans_base[p] + from * nt + to];
}

size_t phs_indicators_overdue_count(const phs_indicators *ind)
{
    return ind ? ind->noverdue : 0;
}

static const phs__overdue *overdue(const phs_indicators *ind, size_t k)
{
    return ind && k < ind->noverdue ? &ind->overdue[k] : NULL;
}

const char *phs_indicators_overdue_id(const phs_indicators *ind, size_t k)
{
    const phs__overdue *o = overdue(ind, k);
    return o ? ind->idtext + ind->idoff[o->res] : NULL;
}

/* An overdue entry's member, or `none` for a bad index. */
#define OVERDUE(type, name, m, none)                                   \
    type name(const phs_indicators *ind, size_t k)                     \
    {                                                                  \
        const phs__overdue *o = overdue(ind, k);                       \
        return o ? o->m : none;                                        \
    }
OVERDUE(int, phs_indicators_overdue_program, program, PHS_EINVAL)
OVERDUE(int, phs_indicators_overdue_tier, tier, PHS_EINVAL)
OVERDUE(phs_date, phs_indicators_overdue_due, due, PHS_DATE_NONE)
OVERDUE(int, phs_indicators_overdue_days, days, PHS_EINVAL)
