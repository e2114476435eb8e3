/*
 * libphs regulator analyses: verification of completeness, diffs between
 * rule versions, coverage of the embedded examples, strict sign-off checks.
 * The runtime (<phs/phs.h>) never needs this header; the conventions stated
 * at the top of phs.h (status codes, error objects, ownership) hold here.
 */
#ifndef PHS_ANALYSIS_H
#define PHS_ANALYSIS_H

#include "phs/phs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Regulator tooling: verification, diffs, coverage, strict checks     */
/* ------------------------------------------------------------------ */

/* Each analysis returns a report: a list of findings (kind, severity,
 * program, rule, message and, where there is one, a counterexample
 * resident as a JSON object that `phs explain` reads), a human-readable
 * rendering and a JSON rendering.  docs/regulator.md describes them. */

/** A report of findings.  Free with phs_report_free. */
typedef struct phs_report phs_report;

/** Kinds of findings. */
typedef enum phs_finding_kind {
    PHS_FINDING_GAP = 1,        /**< eligible residents no tier decides */
    PHS_FINDING_DEAD_TIER = 2,  /**< a tier no resident reaches */
    PHS_FINDING_DEAD_FLAG = 3,  /**< a flag no resident raises */
    PHS_FINDING_INSUFFICIENT = 4, /**< inputs decided insufficient_data */
    PHS_FINDING_OUTSIDE = 5,    /**< a condition outside the exact fragment */
    PHS_FINDING_SAMPLED = 6,    /**< too many cells: a sample was checked */
    PHS_FINDING_REFUSED = 7,    /**< cells every record check refuses */
    PHS_FINDING_TRANSITION = 8, /**< residents (or inputs) whose tier changes */
    PHS_FINDING_DUE_SHIFT = 9,  /**< next due dates that move */
    PHS_FINDING_UNCOVERED_TIER = 10, /**< a tier no example reaches */
    PHS_FINDING_UNCOVERED_FLAG = 11, /**< a flag no example raises */
    PHS_FINDING_PROVISIONAL = 12,    /**< a provisional rule (strict check) */
    PHS_FINDING_CITATION = 13,  /**< a citation that does not resolve */
    PHS_FINDING_STATUS = 14,    /**< a spec whose status is not production */
    PHS_FINDING_UNCITED = 15,   /**< a declared clause or source nothing cites */
    PHS_FINDING_NOTE = 16,      /**< anything else worth saying */
    PHS_FINDING_UNCOVERED_CONDITION = 17, /**< a threshold side no example
                                               exercises */
    PHS_FINDING_EXAMPLE_FAILED = 18 /**< an embedded example fails */
} phs_finding_kind;

/** Severities: info (0), warning (1), error (2).  A report with errors
 *  fails the command that produced it. */
typedef enum phs_severity {
    PHS_SEVERITY_INFO = 0,
    PHS_SEVERITY_WARNING = 1,
    PHS_SEVERITY_ERROR = 2
} phs_severity;

/** Free a report.  NULL is a no-op. */
PHS_EXTERN(void) phs_report_free(phs_report *r);
/** Number of findings, and finding i's kind, severity, program id, rule
 *  ("tier.controlled", "flag.x", or NULL), message, and counterexample
 *  resident (one JSON object, or NULL).  Strings are the report's. */
PHS_EXTERN(size_t) phs_report_count(const phs_report *r);
PHS_EXTERN(int) phs_report_kind(const phs_report *r, size_t i);
PHS_EXTERN(int) phs_report_severity(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_program(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_rule(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_message(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_example(const phs_report *r, size_t i);
/** Number of findings of severity error, and of severity warning. */
PHS_EXTERN(size_t) phs_report_errors(const phs_report *r);
PHS_EXTERN(size_t) phs_report_warnings(const phs_report *r);
/** The human-readable rendering (lines ending in '\n'), and the JSON
 *  rendering (one object); borrowed from the report. */
PHS_EXTERN(const char *) phs_report_text(const phs_report *r);
PHS_EXTERN(const char *) phs_report_json(const phs_report *r);
/** The name of a finding kind ("gap", "dead_tier", ...); static string. */
PHS_EXTERN(const char *) phs_finding_kind_name(int kind);

/** Analysis options.  Zero-initialise, then set what differs from the
 *  defaults. */
typedef struct phs_analysis_options {
    const char *program;  /**< only this program (NULL: every program) */
    phs_date as_of;       /**< the visit date of the checked cells, moved
                               into each version's effective range (0 or
                               PHS_DATE_NONE: 2024-06-01); for diffs, the
                               visit date of residents without one */
    size_t max_cells;     /**< cells checked exhaustively per analysis
                               before sampling (0: 2,000,000) */
    uint64_t seed;        /**< seed of the sample (0: 1) */
    size_t max_examples;  /**< example ids per changed cell (0: 5) */
} phs_analysis_options;

/** Verify every program (version) of a rule set over the typed input space
 *  of the fields its conditions read: completeness (every eligible
 *  resident reaches a tier under first-match; else a "gap" finding with a
 *  counterexample), dead tiers (shadowed by earlier ones), flags that never
 *  fire, and the regions decided insufficient_data.  Exact for conditions
 *  comparing fields and derived values with constants (see
 *  docs/regulator.md for the fragment and the derived-value approximation);
 *  other conditions are named in "outside_fragment" findings.
 *  @param opts  options, or NULL for the defaults.
 *  @return PHS_OK (the report may hold errors), PHS_ENOTFOUND (unknown
 *  program), PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_verify(const phs_ruleset *rs,
                                   const phs_analysis_options *opts,
                                   phs_report **out);

/** Compare two rule sets (two versions, or one directory under two
 *  parameter settings) program by program.  With `population` (a path
 *  read as by phs_reader_open with `old`'s dictionary): per program the
 *  transition matrix old tier x new tier with counts, example resident ids
 *  per changed cell, the rules whose condition changed value for those
 *  residents with the clauses they cite, and the shift of next due dates.
 *  Without a population (NULL): the regions of the input space whose
 *  outcome changes, from the cell decomposition of phs_ruleset_verify.
 *  @return PHS_OK, PHS_EIO (population unreadable), PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_diff(const phs_ruleset *old_rs,
                                 const phs_ruleset *new_rs,
                                 const char *population,
                                 const phs_analysis_options *opts,
                                 phs_report **out);

/** Coverage of the embedded examples: per program version, how many
 *  examples reach each tier and raise each flag, how often each rule's
 *  condition was true, false or unknown, and on which side of each
 *  threshold (below, at, above, absent) the examples' values fall.  A tier
 *  or flag without an example is an error; a threshold side without one a
 *  warning. */
PHS_EXTERN(int) phs_ruleset_coverage(const phs_ruleset *rs,
                                     const phs_analysis_options *opts,
                                     phs_report **out);

/** The checks a regulator runs before sign-off: every spec's status is
 *  production, no rule is provisional, every citation (of rules,
 *  parameters, derived values and yearly requirements) resolves to a
 *  declared clause whose source is declared; clauses and sources nothing
 *  cites are warnings. */
PHS_EXTERN(int) phs_ruleset_check_strict(const phs_ruleset *rs,
                                         phs_report **out);

#ifdef __cplusplus
}
#endif

#endif /* PHS_ANALYSIS_H */
