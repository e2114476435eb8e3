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
    pop->rowsize = sizeof(phs__visit) + pop->np * sizeof(phs__vprog) +
                   pop->ni * sizeof(phs__vind);
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
    phs__free(pop->rows);
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
    if (phs__grow(&pop->idtext, &pop->idcap, pop->idlen + n - 1, 1, 4096) < 0)
        return -1;
    if (phs__grow(&pop->idoff, &pop->rescap, pop->nres, sizeof *pop->idoff,
                  256) < 0)
        return -1;
    memcpy(pop->idtext + pop->idlen, id, n);
    pop->idoff[pop->nres] = pop->idlen;
    pop->idlen += n;
    pop->hash[s] = (uint32_t)pop->nres + 1;
    return (long)pop->nres++;
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
    if (phs__grow(&pop->rows, &pop->vcap, pop->nv, pop->rowsize, 1024) < 0)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    long r = resident(pop, phs_record_id(rec));
    if (r < 0)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    size_t v = pop->nv;
    *phs__pop_visit(pop, v) =
        (phs__visit){(uint32_t)r, rec->vals[rs->f_visit_date].u.i};
    for (size_t p = 0; p < pop->np; p++)
        *phs__pop_prog(pop, v, p) = (phs__vprog){
            (int8_t)phs_result_enrolled(pop->res, p), latest_tier(pop, p),
            phs_result_next_due(pop->res, p), phs_result_earliest(pop->res, p)};
    phs__eval *ev = &pop->res->ev;
    for (size_t i = 0; i < pop->ni; i++) {
        const phs__indicator *ind = &rs->indicators[i];
        *phs__pop_ind(pop, v, i) = (phs__vind){
            test(ev, &ind->where), test(ev, &ind->visit_where),
            test(ev, &ind->latest),
            ind->date_field >= 0 && phs__record_has(rec, ind->date_field)
                ? rec->vals[ind->date_field].u.i
                : PHS_DATE_NONE};
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
