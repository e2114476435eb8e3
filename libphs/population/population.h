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
    /* visits (one row each) */
    size_t nv, vcap;
    uint32_t *vres;
    phs_date *vdate;
    int8_t *penr;             /* [v * np + p] enrolled 1/0/-1 */
    int16_t *ptier;           /* latest-version tier; ntiers: undecided */
    phs_date *pdue, *pearly;
    int8_t *iwhere, *ivisit, *ilatest; /* [v * ni + i] 1/0/-1 */
    phs_date *idate;          /* date_in_period field value or NONE */
};

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
    char *idtext;             /* copy of the population's ids */
    size_t *idoff;
    phs_date from, to;
    size_t ni, np;
    phs__counted *counted;    /* ni */
    size_t *tiers;            /* program p: tier_base[p] .. + ntiers + 1 */
    size_t *trans;            /* program p: trans_base[p], (nt+1)^2 */
    size_t *tier_base, *trans_base;
    phs__overdue *overdue;
    size_t noverdue, overdue_cap;
};

#endif
