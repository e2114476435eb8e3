/*
 * The population stage (after run/): visit histories collected per
 * resident, indicators computed per reporting period.  collect.c keeps one
 * compact row per visit; indicators.c computes; render.c writes the JSON
 * and CSV renderings.  Indicator definitions are the ruleset's
 * (phs__indicator, loaded by spec/).
 */
#ifndef PHS__POPULATION_H
#define PHS__POPULATION_H

#include "phs/population.h"
#include "../run/run.h"

/* A visit's row (phs_population.rows, rowsize bytes each): the visit,
 * then one phs__vprog per program, then one phs__vind per indicator. */
typedef struct phs__visit {
    uint32_t res;             /* resident */
    phs_date date;
} phs__visit;

typedef struct phs__vprog {
    int8_t enrolled;          /* 1/0/-1 */
    int16_t tier;             /* latest-version tier; ntiers: undecided */
    phs_date due, earliest;
} phs__vprog;

typedef struct phs__vind {
    int8_t where, visit, latest; /* the indicator's conditions, 1/0/-1 */
    phs_date date;            /* date_in_period field value or NONE */
} phs__vind;

struct phs_population {
    const phs_ruleset *rs;
    phs_result *res;          /* classification scratch */
    size_t np, ni;            /* programs, indicators */
    /* residents: ids in one buffer, an open-addressing index over them */
    char *idtext;
    size_t idlen, idcap;
    size_t *idoff;            /* resident -> offset in idtext */
    size_t nres, rescap;
    uint32_t *hash;           /* slots: resident + 1, 0 empty */
    size_t hcap;
    /* visits: one row each, in one block */
    size_t nv, vcap, rowsize;
    unsigned char *rows;
};

static inline phs__visit *phs__pop_visit(const phs_population *pop, size_t v)
{
    return (phs__visit *)(pop->rows + v * pop->rowsize);
}

static inline phs__vprog *phs__pop_prog(const phs_population *pop, size_t v,
                                        size_t p)
{
    return (phs__vprog *)(phs__pop_visit(pop, v) + 1) + p;
}

static inline phs__vind *phs__pop_ind(const phs_population *pop, size_t v,
                                      size_t i)
{
    return (phs__vind *)phs__pop_prog(pop, v, pop->np) + i;
}

/* The residents counted by one indicator: ids in id order, per part. */
typedef struct phs__counted {
    uint32_t *res[4];         /* phs_counted -> resident indexes */
    size_t n[4], cap[4];
} phs__counted;

typedef struct phs__overdue {
    uint32_t res, rank;       /* resident, and its place in id order */
    int program, tier;
    phs_date due;
    int days;
} phs__overdue;

struct phs_indicators {
    const phs_ruleset *rs;
    size_t *idoff;            /* copy of the population's ids: offsets, */
    char *idtext;             /* then the text, in the same block */
    phs_date from, to;
    size_t ni, np;
    phs__counted *counted;    /* ni */
    /* one block, at tier_base: tier_base[np], trans_base[np], tiers, trans */
    size_t *tier_base, *trans_base;
    size_t *tiers;            /* program p: tier_base[p] .. + ntiers + 1 */
    size_t *trans;            /* program p: trans_base[p], (nt+1)^2 */
    phs__overdue *overdue;
    size_t noverdue, overdue_cap;
};

#endif
