/* Visit histories: each added record is classified once and reduced to one
 * row (resident, date, per program the outcome and schedule, per indicator
 * its per-visit conditions), so that any number of reporting periods can be
 * computed later without keeping records. */
#include <string.h>

#include "population.h"

int phs_population_new(phs_population **out, const phs_ruleset *rs)
{
    if (!out || !rs)
        return phs__error_set(PHS_EINVAL, "population: NULL argument");
    *out = NULL;
    phs_population *pop = phs__calloc(1, sizeof *pop);
    if (!pop)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    pop->rs = rs;
    pop->np = rs->nprograms;
    pop->ni = rs->nindicators;
    int rc = phs_result_new(&pop->res, rs);
    if (rc < 0) {
        phs__free(pop);
        return rc;
    }
    *out = pop;
    return PHS_OK;
}

void phs_population_free(phs_population *pop)
{
    if (!pop)
        return;
    phs_result_free(pop->res);
    phs__free(pop->idtext);
    phs__free(pop->idoff);
    phs__free(pop->hash);
    phs__free(pop->vres);
    phs__free(pop->vdate);
    phs__free(pop->penr);
    phs__free(pop->ptier);
    phs__free(pop->pdue);
    phs__free(pop->pearly);
    phs__free(pop->iwhere);
    phs__free(pop->ivisit);
    phs__free(pop->ilatest);
    phs__free(pop->idate);
    phs__free(pop);
}

size_t phs_population_visit_count(const phs_population *pop)
{
    return pop ? pop->nv : 0;
}

size_t phs_population_resident_count(const phs_population *pop)
{
    return pop ? pop->nres : 0;
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Grow an array to `cap` elements of `size` bytes; 0 on failure (the old
 * block is kept).  For the visit rows, whose parallel arrays share one
 * capacity (phs__grow keeps one capacity per array), and the id text. */
static int grow(void *pp, size_t cap, size_t size)
{
    void *q = phs__realloc(*(void **)pp, cap * size);
    if (!q)
        return 0;
    *(void **)pp = q;
    return 1;
}

static int rehash(phs_population *pop, size_t cap)
{
    uint32_t *h = phs__calloc(cap, sizeof *h);
    if (!h)
        return 0;
    for (size_t r = 0; r < pop->nres; r++) {
        size_t s = hash_str(pop->idtext + pop->idoff[r]) & (cap - 1);
        while (h[s])
            s = (s + 1) & (cap - 1);
        h[s] = (uint32_t)r + 1;
    }
    phs__free(pop->hash);
    pop->hash = h;
    pop->hcap = cap;
    return 1;
}

/* The resident index of an id, added when new; -1 when out of memory. */
static long resident(phs_population *pop, const char *id)
{
    if (2 * (pop->nres + 1) > pop->hcap &&
        !rehash(pop, pop->hcap ? 2 * pop->hcap : 1024))
        return -1;
    size_t s = hash_str(id) & (pop->hcap - 1);
    for (; pop->hash[s]; s = (s + 1) & (pop->hcap - 1)) {
        uint32_t r = pop->hash[s] - 1;
        if (!strcmp(pop->idtext + pop->idoff[r], id))
            return r;
    }
    if (pop->nres >= UINT32_MAX - 1)
        return -1;
    size_t n = strlen(id) + 1;
    if (pop->idlen + n > pop->idcap) {
        size_t cap = pop->idcap ? pop->idcap : 4096;
        while (cap < pop->idlen + n)
            cap *= 2;
        if (!grow(&pop->idtext, cap, 1))
            return -1;
        pop->idcap = cap;
    }
    if (phs__grow(&pop->idoff, &pop->rescap, pop->nres, sizeof *pop->idoff,
                  256) < 0)
        return -1;
    memcpy(pop->idtext + pop->idlen, id, n);
    pop->idoff[pop->nres] = pop->idlen;
    pop->idlen += n;
    pop->hash[s] = (uint32_t)pop->nres + 1;
    return (long)pop->nres++;
}

static int reserve_visit(phs_population *pop)
{
    if (pop->nv < pop->vcap)
        return 1;
    size_t cap = pop->vcap ? 2 * pop->vcap : 1024;
    size_t np = pop->np ? pop->np : 1, ni = pop->ni ? pop->ni : 1;
    /* each array grows on its own; a failure leaves vcap as it was and
     * every array at least that large */
    if (!grow(&pop->vres, cap, sizeof *pop->vres) ||
        !grow(&pop->vdate, cap, sizeof *pop->vdate) ||
        !grow(&pop->penr, cap * np, sizeof *pop->penr) ||
        !grow(&pop->ptier, cap * np, sizeof *pop->ptier) ||
        !grow(&pop->pdue, cap * np, sizeof *pop->pdue) ||
        !grow(&pop->pearly, cap * np, sizeof *pop->pearly) ||
        !grow(&pop->iwhere, cap * ni, sizeof *pop->iwhere) ||
        !grow(&pop->ivisit, cap * ni, sizeof *pop->ivisit) ||
        !grow(&pop->ilatest, cap * ni, sizeof *pop->ilatest) ||
        !grow(&pop->idate, cap * ni, sizeof *pop->idate))
        return 0;
    pop->vcap = cap;
    return 1;
}

/* The latest version's index of the tier a result decided for program p
 * (versions may order or name tiers differently); ntiers when no tier. */
static int16_t latest_tier(const phs_population *pop, size_t p)
{
    const phs__program *latest = &pop->rs->programs[p];
    int t = phs_result_tier_index(pop->res, p);
    if (t >= 0) {
        const char *name = phs__result_version(pop->res, p)->tiers[t].name;
        for (size_t k = 0; k < latest->ntiers; k++)
            if (!strcmp(latest->tiers[k].name, name))
                return (int16_t)k;
    }
    return (int16_t)latest->ntiers;
}

static int8_t test(phs__eval *ev, const phs__expr *e)
{
    return (int8_t)phs__expr_test(ev, e);
}

int phs_population_add(phs_population *pop, const phs_record *rec)
{
    if (!pop || !rec || rec->rs != pop->rs)
        return phs__error_set(PHS_EINVAL, "population: NULL argument, or a "
                                          "record of another rule set");
    const phs_ruleset *rs = pop->rs;
    if (rs->f_id < 0 || !phs__record_has(rec, rs->f_id) ||
        !*phs_record_id(rec))
        return phs__error_record(PHS_ERECORD, "id", 0,
                                 "id: a visit needs the resident's id");
    if (rs->f_visit_date < 0 || !phs__record_has(rec, rs->f_visit_date))
        return phs__error_record(PHS_ERECORD, "visit_date", 0,
                                 "visit_date: a visit needs its date");
    int rc = phs_classify(rs, rec, pop->res);
    if (rc < 0)
        return rc;
    if (!reserve_visit(pop))
        return phs__error_set(PHS_ENOMEM, "out of memory");
    long r = resident(pop, phs_record_id(rec));
    if (r < 0)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    size_t v = pop->nv;
    pop->vres[v] = (uint32_t)r;
    pop->vdate[v] = rec->vals[rs->f_visit_date].u.i;
    for (size_t p = 0; p < pop->np; p++) {
        size_t k = v * pop->np + p;
        pop->penr[k] = (int8_t)phs_result_enrolled(pop->res, p);
        pop->ptier[k] = latest_tier(pop, p);
        pop->pdue[k] = phs_result_next_due(pop->res, p);
        pop->pearly[k] = phs_result_earliest(pop->res, p);
    }
    phs__eval *ev = &pop->res->ev;
    for (size_t i = 0; i < pop->ni; i++) {
        const phs__indicator *ind = &rs->indicators[i];
        size_t k = v * pop->ni + i;
        pop->iwhere[k] = test(ev, &ind->where);
        pop->ivisit[k] = test(ev, &ind->visit_where);
        pop->ilatest[k] = test(ev, &ind->latest);
        pop->idate[k] = ind->date_field >= 0 &&
                                phs__record_has(rec, ind->date_field)
                            ? rec->vals[ind->date_field].u.i
                            : PHS_DATE_NONE;
    }
    pop->nv++;
    return PHS_OK;
}

int phs_population_add_reader(phs_population *pop, phs_reader *rd,
                              size_t *skipped)
{
    if (skipped)
        *skipped = 0;
    if (!pop || !rd)
        return phs__error_set(PHS_EINVAL, "population: NULL argument");
    phs_record *rec;
    int rc = phs_record_new(&rec, pop->rs);
    if (rc < 0)
        return rc;
    for (;;) {
        rc = phs_reader_next(rd, rec);
        if (rc == PHS_EOF) {
            rc = PHS_OK;
            break;
        }
        if (rc == PHS_OK)
            rc = phs_population_add(pop, rec);
        if (rc == PHS_ERECORD) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        if (rc < 0)
            break;
    }
    phs_record_free(rec);
    return rc;
}
