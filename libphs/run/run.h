/*
 * Classification: a record through a program's eligibility, tiers, flags
 * and schedules into a result; the merged plan.
 */
#ifndef PHS__RUN_H
#define PHS__RUN_H

#include "../expr/expr.h"

typedef struct phs__pout {
    uint8_t outcome;      /* phs_outcome */
    int8_t enrolled;      /* 1, 0, -1 undecided */
    uint8_t ver;          /* index of the version used (program->vers) */
    uint8_t in_force;     /* the visit date is inside its effective range */
    int16_t tier;         /* index, -1 none */
    int8_t code_case;     /* tier->cases index that gave the code, -1 none */
    uint8_t referral;     /* the tier's or a fired flag's */
    phs_date due, earliest;
    uint64_t flags, undecided;
    uint64_t yearly;      /* mask of the version's yearly requirements that apply */
} phs__pout;

struct phs_result {
    const phs_ruleset *rs;
    char *id;
    size_t id_cap;
    phs_date visit;
    phs__pout *prog;
    uint64_t *missing;      /* nprograms * nwords */
    phs_date *plan_date;
    uint32_t *plan_mask;
    size_t nplan;
    int force_prog, force_ver; /* examples, verify: use this version of
                                  this program (-1: by visit date) */
    phs__eval ev;
};

/* ---- effective dates (classify.c) ---- */
/* The version a result used for program p. */
const phs__program *phs__result_version(const phs_result *res, size_t p);
/* Classify one program (version v) only: eligibility, tier, flags and due
 * date into res->prog[p] and its missing set.  The record checks are not
 * run (phs__record_checks does that).  For the analyses of verify.c. */
void phs__classify_program(phs_result *res, const phs_record *rec, size_t p,
                           size_t v);
/* Run the dictionary's record checks: the index of the first check that
 * refuses the record, or -1. */
int phs__record_checks(phs_result *res, const phs_record *rec);

#endif
