/*
 * libphs population view: visit histories in, performance indicators out.
 *
 * A phs_population collects many visit records per resident (the same
 * records phs_classify reads, keyed by the `id` and `visit_date` fields),
 * classifies each visit once and keeps only what the indicators need.
 * phs_population_indicators then computes, for a reporting period, every
 * indicator the rule set declares (indicator files, docs/spec-format.md
 * "Indicators"), the tier distribution and tier transitions per program and
 * the list of overdue follow-ups.  Nothing about an indicator is written in
 * C: who is counted, what a visit must show and the targets come from the
 * rule files, so a province adds its own indicators by adding a file.
 *
 * The conventions stated at the top of phs.h (status codes, the thread's
 * error object, ownership of strings) hold here.  Threads: a phs_population
 * and a phs_indicators belong to one thread at a time; several may be used
 * at once on different threads over one shared phs_ruleset.  Both must be
 * freed before the ruleset they were made from.
 */
#ifndef PHS_POPULATION_H
#define PHS_POPULATION_H

#include "phs/phs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Visit histories being collected.  Free with phs_population_free. */
typedef struct phs_population phs_population;

/** Create an empty population over a rule set (borrowed: it must outlive
 *  the population).  @return PHS_OK, PHS_EINVAL or PHS_ENOMEM. */
PHS_EXTERN(int) phs_population_new(phs_population **out,
                                   const phs_ruleset *rs);
/** Free a population.  NULL is a no-op. */
PHS_EXTERN(void) phs_population_free(phs_population *pop);

/** Add one visit: the record is classified (as phs_classify) and what the
 *  indicators need is kept; the record itself is not retained and may be
 *  reused at once.  Visits may come in any order.
 *  @return PHS_OK; PHS_ERECORD when the record has no `id` or no
 *  `visit_date` (the error names the field) or fails a record check (then
 *  nothing is added); PHS_EINVAL (NULL, or a record of another rule set);
 *  PHS_ENOMEM. */
PHS_EXTERN(int) phs_population_add(phs_population *pop,
                                   const phs_record *rec);
/** Read every record of a reader and add it.  A record that cannot be read
 *  or added is skipped and counted in *skipped (may be NULL); to report
 *  each one, loop over phs_reader_next and phs_population_add instead.
 *  @return PHS_OK when the input was read to its end (even with skipped
 *  records); PHS_ESPEC or PHS_EIO when it could not be read further;
 *  PHS_ENOMEM. */
PHS_EXTERN(int) phs_population_add_reader(phs_population *pop,
                                          phs_reader *rd, size_t *skipped);
/** Number of visits kept, and of distinct residents. */
PHS_EXTERN(size_t) phs_population_visit_count(const phs_population *pop);
PHS_EXTERN(size_t) phs_population_resident_count(const phs_population *pop);

/** The indicators of one reporting period.  Free with
 *  phs_indicators_free.  Strings it returns are its own or the rule set's,
 *  valid until it is freed. */
typedef struct phs_indicators phs_indicators;

/** Compute every declared indicator over the visits dated from `from` to
 *  `to` (both inclusive).  Overdue follow-ups are counted as of `to`.
 *  @return PHS_OK, PHS_EINVAL (NULL, or `to` before `from`), PHS_ENOMEM. */
PHS_EXTERN(int) phs_population_indicators(const phs_population *pop,
                                          phs_date from, phs_date to,
                                          phs_indicators **out);
/** Free the indicators.  NULL is a no-op. */
PHS_EXTERN(void) phs_indicators_free(phs_indicators *ind);
/** The reporting period, as given. */
PHS_EXTERN(phs_date) phs_indicators_from(const phs_indicators *ind);
PHS_EXTERN(phs_date) phs_indicators_to(const phs_indicators *ind);

/** Number of indicators (declaration order: indicator files by name, then
 *  file order), and indicator i's id, program id (NULL when it counts every
 *  resident) and title in "zh" or "en" (other languages: NULL). */
PHS_EXTERN(size_t) phs_indicators_count(const phs_indicators *ind);
PHS_EXTERN(const char *) phs_indicators_id(const phs_indicators *ind,
                                           size_t i);
PHS_EXTERN(const char *) phs_indicators_program(const phs_indicators *ind,
                                                size_t i);
PHS_EXTERN(const char *) phs_indicators_title(const phs_indicators *ind,
                                              size_t i, const char *lang);
/** Numerator and denominator (residents).  0 for a bad index. */
PHS_EXTERN(size_t) phs_indicators_numerator(const phs_indicators *ind,
                                            size_t i);
PHS_EXTERN(size_t) phs_indicators_denominator(const phs_indicators *ind,
                                              size_t i);
/** Residents of the denominator for whom the numerator's condition could
 *  not be decided (a needed value was absent); they are not in the
 *  numerator.  0 for a bad index. */
PHS_EXTERN(size_t) phs_indicators_undecided(const phs_indicators *ind,
                                            size_t i);
/** Residents left out of the denominator because belonging to it could not
 *  be decided: its `where` condition is unknown (e.g. no age for an age
 *  condition), or, for an indicator over enrolled residents, the resident
 *  was never enrolled in the period and the enrolment of a visit of the
 *  period was undecided.  Counted in no other part; reported here so that
 *  nobody disappears silently.  0 for a bad index. */
PHS_EXTERN(size_t) phs_indicators_excluded(const phs_indicators *ind,
                                           size_t i);
/** numerator / denominator, or NaN when the denominator is 0. */
PHS_EXTERN(double) phs_indicators_rate(const phs_indicators *ind, size_t i);
/** The declared target rate (0..1), or NaN when the indicator has none. */
PHS_EXTERN(double) phs_indicators_target(const phs_indicators *ind,
                                         size_t i);
/** The clause ids the indicator cites: count, and clause c's id. */
PHS_EXTERN(size_t) phs_indicators_cite_count(const phs_indicators *ind,
                                             size_t i);
PHS_EXTERN(const char *) phs_indicators_cite(const phs_indicators *ind,
                                             size_t i, size_t c);

/** Which residents an indicator counted (phs_indicators_residents). */
typedef enum phs_counted {
    PHS_COUNTED_DENOMINATOR = 0, /**< in the denominator */
    PHS_COUNTED_NUMERATOR = 1,   /**< in the numerator */
    PHS_COUNTED_UNDECIDED = 2,   /**< in the denominator, numerator unknown */
    PHS_COUNTED_EXCLUDED = 3     /**< denominator condition unknown */
} phs_counted;
/** The ids of the residents counted in one part of indicator i, in id
 *  (byte) order: the count, and resident k's id. */
PHS_EXTERN(size_t) phs_indicators_resident_count(const phs_indicators *ind,
                                                 size_t i, int which);
PHS_EXTERN(const char *) phs_indicators_resident(const phs_indicators *ind,
                                                 size_t i, int which,
                                                 size_t k);

/** Tier distribution of program p (index as in phs_ruleset_program_id):
 *  enrolled residents by the tier of their latest visit in the period.
 *  Tier t indexes phs_ruleset_tier_id (the latest version's tiers; a visit
 *  classified by an older version is counted under the tier of the same
 *  id); t == phs_ruleset_tier_count(rs, p) counts insufficient_data and
 *  unclassified outcomes.  0 for bad indexes. */
PHS_EXTERN(size_t) phs_indicators_tier_residents(const phs_indicators *ind,
                                                 size_t p, size_t t);
/** Transitions between consecutive visits of one resident in the period,
 *  both enrolled in program p: the number of pairs going from tier `from`
 *  to tier `to` (indexes as above, tier_count = no tier decided). */
PHS_EXTERN(size_t) phs_indicators_transitions(const phs_indicators *ind,
                                              size_t p, size_t from,
                                              size_t to);

/** Overdue follow-ups as of the period's end: for each resident and
 *  program, the latest visit on or before `to` enrolled the resident and
 *  set a next due date before `to`, and no later visit came.  Ordered by
 *  days overdue (most first), then id.  Count, and entry k's resident id,
 *  program index, tier index (as in phs_indicators_tier_residents), due
 *  date and days overdue (to - due). */
PHS_EXTERN(size_t) phs_indicators_overdue_count(const phs_indicators *ind);
PHS_EXTERN(const char *) phs_indicators_overdue_id(const phs_indicators *ind,
                                                   size_t k);
PHS_EXTERN(int) phs_indicators_overdue_program(const phs_indicators *ind,
                                               size_t k);
PHS_EXTERN(int) phs_indicators_overdue_tier(const phs_indicators *ind,
                                            size_t k);
PHS_EXTERN(phs_date) phs_indicators_overdue_due(const phs_indicators *ind,
                                                size_t k);
PHS_EXTERN(int) phs_indicators_overdue_days(const phs_indicators *ind,
                                            size_t k);

/** Render every number above as one JSON object (the `phs report --format
 *  json` shape, docs/population.md) or as CSV rows (`--format csv`).
 *  @param[out] out  NUL-terminated text; free with phs_free.
 *  @param[out] len  its length, or NULL.
 *  @return PHS_OK, PHS_EINVAL or PHS_ENOMEM. */
PHS_EXTERN(int) phs_indicators_to_json(const phs_indicators *ind, char **out,
                                       size_t *len);
PHS_EXTERN(int) phs_indicators_to_csv(const phs_indicators *ind, char **out,
                                      size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* PHS_POPULATION_H */
