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

/* Each analysis returns a report: data, not text.  A report holds
 *  - what it is about (rule-set fingerprints, a diff's population file,
 *    the cell limit and seed) and totals (phs_report_total): cells,
 *    residents, examples passed ...;
 *  - sections (one per program version analysed; for diffs one per
 *    program): the version's status, fingerprint and dates, its own
 *    totals, the dimensions of its input space (verify, diff), tables of
 *    counts (per tier, flag, condition, threshold) and, for diffs, the
 *    transition matrix (old outcome x new outcome counts, example resident
 *    ids, and the rules and clauses behind each changed cell) and the
 *    histogram of next-due-date shifts;
 *  - findings: kind, severity, program, version, rule ("tier.controlled",
 *    "flag.x"), message, details (a region and its cells, old and new
 *    outcome or value, why) and, where there is one, an example resident:
 *    its id and its field/value pairs (a counterexample for verify and
 *    diff, the embedded example's input for test).
 * phs_report_text and phs_report_json are the renderings `phs` prints,
 * made from that data only.  docs/regulator.md describes the data and the
 * renderings.
 *
 * Thread safety: a report is immutable once returned; any number of
 * threads may read one report.  Strings returned by the accessors are
 * borrowed from the report and live until phs_report_free. */

/** A report of findings.  Free with phs_report_free. */
typedef struct phs_report phs_report;

/** The analysis a report comes from (phs_report_analysis). */
typedef enum phs_analysis {
    PHS_ANALYSIS_VERIFY = 1,   /**< phs_ruleset_verify */
    PHS_ANALYSIS_DIFF = 2,     /**< phs_ruleset_diff */
    PHS_ANALYSIS_COVERAGE = 3, /**< phs_ruleset_coverage */
    PHS_ANALYSIS_TEST = 4,     /**< phs_ruleset_test_report */
    PHS_ANALYSIS_STRICT = 5    /**< phs_ruleset_check_strict */
} phs_analysis;

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
    PHS_FINDING_NOTE = 16,      /**< anything else worth saying (verify:
                                     a witness search was sampled) */
    PHS_FINDING_UNCOVERED_CONDITION = 17, /**< a threshold side no example
                                               exercises */
    PHS_FINDING_EXAMPLE_FAILED = 18, /**< an embedded example fails */
    PHS_FINDING_EXAMPLE_PASSED = 19, /**< an embedded example passes */
    PHS_FINDING_RULE_CHANGED = 20,   /**< diff: a rule added, removed or
                                          changed (message: what changed) */
    PHS_FINDING_PARAM_CHANGED = 21   /**< diff: a parameter whose value
                                          differs (message: "old -> new") */
} phs_finding_kind;

/** Severities: info (0), warning (1), error (2).  A report with errors
 *  fails the command that produced it. */
typedef enum phs_severity {
    PHS_SEVERITY_INFO = 0,
    PHS_SEVERITY_WARNING = 1,
    PHS_SEVERITY_ERROR = 2
} phs_severity;

/** Totals of a report or of one section (phs_report_total,
 *  phs_report_section_total).  A total an analysis does not count is 0. */
typedef enum phs_total {
    PHS_TOTAL_CELLS = 0,        /**< verify, diff: cells of the input spaces */
    PHS_TOTAL_CHECKED = 1,      /**< verify, diff: cells classified (fewer
                                     than CELLS when sampled) */
    PHS_TOTAL_SAMPLED = 2,      /**< verify, diff: analyses decided on a
                                     sample (0: every cell checked) */
    PHS_TOTAL_NOT_ENROLLED = 3, /**< verify: cells not enrolled */
    PHS_TOTAL_UNCLASSIFIED = 4, /**< verify: eligible cells no tier decides */
    PHS_TOTAL_INSUFFICIENT = 5, /**< verify: cells decided insufficient_data */
    PHS_TOTAL_REFUSED = 6,      /**< cells, residents or examples a record
                                     check refuses */
    PHS_TOTAL_RESIDENTS = 7,    /**< diff with a population: residents read
                                     (per section: residents compared) */
    PHS_TOTAL_UNREADABLE = 8,   /**< diff: population records not readable */
    PHS_TOTAL_CHANGED = 9,      /**< diff: residents (or cells) whose
                                     outcome changes */
    PHS_TOTAL_DUE_SAME = 10,    /**< diff: next due date unchanged */
    PHS_TOTAL_DUE_EARLIER = 11, /**< diff: next due date earlier */
    PHS_TOTAL_DUE_LATER = 12,   /**< diff: next due date later */
    PHS_TOTAL_DUE_APPEARED = 13, /**< diff: a next due date only in new */
    PHS_TOTAL_DUE_GONE = 14,    /**< diff: a next due date only in old */
    PHS_TOTAL_EXAMPLES = 15,    /**< test, coverage: embedded examples run */
    PHS_TOTAL_PASSED = 16,      /**< test: examples that pass */
    PHS_TOTAL_FAILED = 17,      /**< test, coverage: examples that fail */
    PHS_TOTAL_ELIGIBILITY_UNDECIDED = 18, /**< verify: cells of INSUFFICIENT
                                     whose eligibility is undecided */
    PHS_TOTAL_GAP_REGIONS = 19, /**< verify: regions of unclassified cells
                                     (at most 12 per version are findings) */
    PHS_TOTAL_INSUFFICIENT_REGIONS = 20, /**< verify: regions of
                                     insufficient_data cells (at most 12 per
                                     version are findings) */
    PHS_TOTAL_OUTSIDE = 21,     /**< verify: versions whose tier conditions
                                     leave the exact fragment (per section:
                                     1 or 0) */
    PHS_TOTAL_APPROXIMATED = 22, /**< verify: versions decided with the
                                     derived-value approximation (per
                                     section: 1 or 0) */
    PHS_TOTAL_COUNT = 23        /**< number of totals (not a total) */
} phs_total;

/** Free a report.  NULL is a no-op. */
PHS_EXTERN(void) phs_report_free(phs_report *r);
/** The analysis the report comes from (phs_analysis), or PHS_EINVAL for
 *  NULL. */
PHS_EXTERN(int) phs_report_analysis(const phs_report *r);
/** A total of the whole report (phs_total); 0 for an unknown `which`.
 *  Counts are whole numbers; cell counts above 2^53 are approximate. */
PHS_EXTERN(double) phs_report_total(const phs_report *r, int which);

/** Number of findings, and finding i's kind, severity, program id, program
 *  version (NULL when the finding is not about one version), rule
 *  ("tier.controlled", "flag.x", or NULL) and message.  Out of range:
 *  PHS_EINVAL or NULL. */
PHS_EXTERN(size_t) phs_report_count(const phs_report *r);
PHS_EXTERN(int) phs_report_kind(const phs_report *r, size_t i);
PHS_EXTERN(int) phs_report_severity(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_program(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_version(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_rule(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_message(const phs_report *r, size_t i);
/** Finding i's example resident as one JSON object (an NDJSON line that
 *  `phs explain` reads), or NULL when it has none. */
PHS_EXTERN(const char *) phs_report_example(const phs_report *r, size_t i);
/** Finding i's example resident: its id (NULL when it has none), and its
 *  field/value pairs in field-dictionary order (fields the resident does
 *  not have are left out): count, field name, value as text (numbers in
 *  the shortest form that reads back the same, in every locale; dates
 *  YYYY-MM-DD; booleans true/false; code lists joined by ';' as in a CSV
 *  cell) and field type (phs_type, or PHS_EINVAL out of range). */
PHS_EXTERN(const char *) phs_report_example_id(const phs_report *r, size_t i);
PHS_EXTERN(size_t) phs_report_example_count(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_example_field(const phs_report *r,
                                                  size_t i, size_t k);
PHS_EXTERN(const char *) phs_report_example_value(const phs_report *r,
                                                  size_t i, size_t k);
PHS_EXTERN(int) phs_report_example_type(const phs_report *r, size_t i,
                                        size_t k);
/** Number of findings of severity error, and of severity warning. */
PHS_EXTERN(size_t) phs_report_errors(const phs_report *r);
PHS_EXTERN(size_t) phs_report_warnings(const phs_report *r);

/** Sections: one per program version analysed (verify, coverage, test)
 *  or per program compared (diff).  Count; program id; version (diff: the
 *  old version); new version (diff only, else NULL); a total of the
 *  section (phs_total). */
PHS_EXTERN(size_t) phs_report_section_count(const phs_report *r);
PHS_EXTERN(const char *) phs_report_section_program(const phs_report *r,
                                                    size_t s);
PHS_EXTERN(const char *) phs_report_section_version(const phs_report *r,
                                                    size_t s);
PHS_EXTERN(const char *) phs_report_section_new_version(const phs_report *r,
                                                        size_t s);
PHS_EXTERN(double) phs_report_section_total(const phs_report *r, size_t s,
                                            int which);
/** Finding i's section, or -1 when it belongs to none (PHS_EINVAL out of
 *  range). */
PHS_EXTERN(int) phs_report_finding_section(const phs_report *r, size_t i);

/** The transition matrix of diff section s: rows are old outcomes,
 *  columns new outcomes (tier ids, not_enrolled, insufficient_data,
 *  unclassified; outcomes nobody has are left out), in tier order.
 *  Number of rows and columns (0 outside diffs); row and column labels;
 *  the residents (or cells) in a cell; how many example resident ids a
 *  changed cell keeps (at most max_examples; population diffs only) and
 *  the k-th of them. */
PHS_EXTERN(size_t) phs_report_matrix_rows(const phs_report *r, size_t s);
PHS_EXTERN(size_t) phs_report_matrix_cols(const phs_report *r, size_t s);
PHS_EXTERN(const char *) phs_report_matrix_row(const phs_report *r, size_t s,
                                               size_t row);
PHS_EXTERN(const char *) phs_report_matrix_col(const phs_report *r, size_t s,
                                               size_t col);
PHS_EXTERN(double) phs_report_matrix_cell(const phs_report *r, size_t s,
                                          size_t row, size_t col);
PHS_EXTERN(size_t) phs_report_matrix_example_count(const phs_report *r,
                                                   size_t s, size_t row,
                                                   size_t col);
PHS_EXTERN(const char *) phs_report_matrix_example_id(const phs_report *r,
                                                      size_t s, size_t row,
                                                      size_t col, size_t k);
/** The shift of next due dates in diff section s (population diffs):
 *  number of distinct non-zero shifts, and the k-th (ascending days, new
 *  minus old) with how many residents shift by it. */
PHS_EXTERN(size_t) phs_report_shift_count(const phs_report *r, size_t s);
PHS_EXTERN(long) phs_report_shift_days(const phs_report *r, size_t s,
                                       size_t k);
PHS_EXTERN(double) phs_report_shift_residents(const phs_report *r, size_t s,
                                              size_t k);

/** What the report is about: the rule set's fingerprint (diff: the old
 *  rule set's), the new rule set's fingerprint (diff only, else NULL) and
 *  the population file a diff read (NULL without one). */
PHS_EXTERN(const char *) phs_report_fingerprint(const phs_report *r);
PHS_EXTERN(const char *) phs_report_new_fingerprint(const phs_report *r);
PHS_EXTERN(const char *) phs_report_population(const phs_report *r);
/** The options an input-space analysis (verify, diff) ran with, defaults
 *  filled in: cells checked exhaustively before sampling, and the seed of
 *  the sample (0 for the other analyses). */
PHS_EXTERN(size_t) phs_report_max_cells(const phs_report *r);
PHS_EXTERN(uint64_t) phs_report_seed(const phs_report *r);

/** Finding i in detail (NULL, or 0, where the finding has none):
 *  - detail: the region of the input space (gap, insufficient_data, diff
 *    transition: "age_years ≥ 65, 140 ≤ sbp < 150"), why a flag is dead,
 *    what changed in a rule ("condition changed", "added" ...), why a
 *    condition is outside the exact fragment, the undeclared clause a
 *    citation names, or a provisional rule's provisional citations
 *    ("c_r (INF, R)"; NULL when it is declared provisional);
 *  - before, after: a diff transition's old and new outcome; a changed
 *    parameter's old and new value; for a dead tier (after) the outcome
 *    that takes its example resident, and for an insufficient_data region
 *    (after) the outcome of its example resident;
 *  - cells: the cells of a region. */
PHS_EXTERN(const char *) phs_report_detail(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_before(const phs_report *r, size_t i);
PHS_EXTERN(const char *) phs_report_after(const phs_report *r, size_t i);
PHS_EXTERN(double) phs_report_cells(const phs_report *r, size_t i);

/** Section s's program version (verify, coverage, strict; diff: the old
 *  one): its status ("production", "provisional" ...), fingerprint, first
 *  and last effective day (last: PHS_DATE_NONE when open); the new
 *  version's fingerprint (diff only, else NULL); the visit date the
 *  section's cells were checked on (verify only, else PHS_DATE_NONE).
 *  Out of range: NULL or PHS_DATE_NONE. */
PHS_EXTERN(const char *) phs_report_section_status(const phs_report *r,
                                                   size_t s);
PHS_EXTERN(const char *) phs_report_section_fingerprint(const phs_report *r,
                                                        size_t s);
PHS_EXTERN(const char *)
phs_report_section_new_fingerprint(const phs_report *r, size_t s);
PHS_EXTERN(phs_date) phs_report_section_from(const phs_report *r, size_t s);
PHS_EXTERN(phs_date) phs_report_section_to(const phs_report *r, size_t s);
PHS_EXTERN(phs_date) phs_report_section_date(const phs_report *r, size_t s);

/** The dimensions of section s's input space (verify: of its tiers; diff
 *  without a population: of both versions): count, name, whether it is a
 *  derived value found by a witness search (1) or fields (0), and its
 *  values (labels: "140 ≤ sbp < 150", "absent" ...).  Out of range: 0,
 *  NULL or PHS_EINVAL. */
PHS_EXTERN(size_t) phs_report_dimension_count(const phs_report *r, size_t s);
PHS_EXTERN(const char *) phs_report_dimension_name(const phs_report *r,
                                                   size_t s, size_t d);
PHS_EXTERN(int) phs_report_dimension_derived(const phs_report *r, size_t s,
                                             size_t d);
PHS_EXTERN(size_t) phs_report_dimension_value_count(const phs_report *r,
                                                    size_t s, size_t d);
PHS_EXTERN(const char *) phs_report_dimension_value(const phs_report *r,
                                                    size_t s, size_t d,
                                                    size_t k);

/** Tables of counts of a section (phs_report_table_rows ...).  Each row
 *  has a name, a label (or NULL) and up to four values. */
typedef enum phs_table {
    PHS_TABLE_TIERS = 0,      /**< verify: cells per tier; coverage:
                                   examples per tier (name: tier id) */
    PHS_TABLE_FLAGS = 1,      /**< verify: per flag, 1 if it can fire and 1
                                   if it was checked on a sample; coverage:
                                   examples raising it; diff with a
                                   population: residents who gain it, and
                                   who lose it (flags that change only) */
    PHS_TABLE_CONDITIONS = 2, /**< coverage: per rule, examples where its
                                   condition is true, false, unknown */
    PHS_TABLE_THRESHOLDS = 3, /**< coverage: per threshold (name: the
                                   variable, label: the threshold as
                                   text), examples below, at, above it and
                                   without a value */
    PHS_TABLE_COUNT = 4       /**< number of tables (not a table) */
} phs_table;

/** Rows of table t (phs_table) of section s; a row's name, label and value
 *  `col` (0 to 3).  Out of range: 0 or NULL. */
PHS_EXTERN(size_t) phs_report_table_rows(const phs_report *r, size_t s,
                                         int t);
PHS_EXTERN(const char *) phs_report_table_name(const phs_report *r, size_t s,
                                               int t, size_t row);
PHS_EXTERN(const char *) phs_report_table_label(const phs_report *r,
                                                size_t s, int t, size_t row);
PHS_EXTERN(double) phs_report_table_value(const phs_report *r, size_t s,
                                          int t, size_t row, size_t col);

/** Why the residents (or cells) of a changed cell of diff section s's
 *  transition matrix change: the rules whose condition changed value for
 *  them on the decision path of either version (count; rule; old and new
 *  truth: "true", "false", "unknown", or "absent" for a rule one version
 *  lacks; residents or cells), and the clauses those rules cite (the new
 *  version's rule, else the old one's; count; clause id).  Out of range: 0
 *  or NULL. */
PHS_EXTERN(size_t) phs_report_cause_count(const phs_report *r, size_t s,
                                          size_t row, size_t col);
PHS_EXTERN(const char *) phs_report_cause_rule(const phs_report *r, size_t s,
                                               size_t row, size_t col,
                                               size_t k);
PHS_EXTERN(const char *) phs_report_cause_old(const phs_report *r, size_t s,
                                              size_t row, size_t col,
                                              size_t k);
PHS_EXTERN(const char *) phs_report_cause_new(const phs_report *r, size_t s,
                                              size_t row, size_t col,
                                              size_t k);
PHS_EXTERN(double) phs_report_cause_residents(const phs_report *r, size_t s,
                                              size_t row, size_t col,
                                              size_t k);
PHS_EXTERN(size_t) phs_report_clause_count(const phs_report *r, size_t s,
                                           size_t row, size_t col);
PHS_EXTERN(const char *) phs_report_clause(const phs_report *r, size_t s,
                                           size_t row, size_t col, size_t k);

/** The human-readable rendering (lines ending in '\n'), and the JSON
 *  rendering (one object); borrowed from the report.  Both are made from
 *  the data the accessors above give, and nothing else, when the report is
 *  made (libphs/analysis/render.c; phs_report_text is "" and
 *  phs_report_json "{}" for a test report, which `phs test` renders
 *  itself). */
PHS_EXTERN(const char *) phs_report_text(const phs_report *r);
PHS_EXTERN(const char *) phs_report_json(const phs_report *r);
/** The name of a finding kind ("gap", "dead_tier", ...); static string. */
PHS_EXTERN(const char *) phs_finding_kind_name(int kind);
/** The name of a severity ("info", "warning", "error"); static string. */
PHS_EXTERN(const char *) phs_severity_name(int severity);
/** The name of a total ("cells", "residents", "passed", ...), the key the
 *  JSON renderings use; static string ("unknown" out of range). */
PHS_EXTERN(const char *) phs_total_name(int which);

/** The version of phs_analysis_options this header describes.  A program
 *  built against a later header passes a later version; the library
 *  refuses versions it does not know (PHS_EINVAL). */
#define PHS_ANALYSIS_OPTIONS_VERSION 1

/** Analysis options (libgit2-style versioned struct).  Initialise with
 *  PHS_ANALYSIS_OPTIONS_INIT or phs_analysis_options_init, then set what
 *  differs.  The caller owns the struct and its strings; the analyses only
 *  read them during the call. */
typedef struct phs_analysis_options {
    unsigned int version; /**< PHS_ANALYSIS_OPTIONS_VERSION */
    const char *program;  /**< only this program (NULL: every program) */
    phs_date as_of;       /**< PHS_DATE_NONE: not given.  verify and diff
                               without a population need it (the visit date
                               of the checked cells, moved into each
                               version's effective range) and fail with
                               PHS_EINVAL without it; diff with a population
                               gives it to residents without a visit date
                               (without it, such a resident is an error);
                               coverage places visit-relative thresholds at
                               it (else at the first example's visit date,
                               else at the version's effective-from date);
                               test ignores it. */
    size_t max_cells;     /**< cells checked exhaustively per analysis
                               before sampling (0: 2,000,000) */
    uint64_t seed;        /**< seed of the sample (0: 1) */
    size_t max_examples;  /**< example ids per changed cell (0: 5) */
} phs_analysis_options;

/** Static initialiser: version set, as_of not given, the rest defaults. */
#define PHS_ANALYSIS_OPTIONS_INIT \
    { PHS_ANALYSIS_OPTIONS_VERSION, NULL, PHS_DATE_NONE, 0, 0, 0 }

/** Initialise `opts` as PHS_ANALYSIS_OPTIONS_INIT does, for the struct
 *  version the caller was built with.
 *  @return PHS_OK, or PHS_EINVAL (NULL opts, or a version this library
 *  does not know). */
PHS_EXTERN(int) phs_analysis_options_init(phs_analysis_options *opts,
                                          unsigned int version);

/** Verify every program (version) of a rule set over the typed input space
 *  of the fields its conditions read: completeness (every eligible
 *  resident reaches a tier under first-match; else a "gap" finding with a
 *  counterexample), dead tiers (shadowed by earlier ones), flags that never
 *  fire, and the regions decided insufficient_data.  Exact for conditions
 *  comparing fields and derived values with constants (see
 *  docs/regulator.md for the fragment and the derived-value approximation);
 *  other conditions are named in "outside_fragment" findings.
 *  @param opts  options (as_of is required).
 *  @return PHS_OK (the report may hold errors), PHS_ENOTFOUND (unknown
 *  program), PHS_EINVAL (NULL argument, unknown options version, as_of
 *  not given), PHS_ESPEC (a malformed embedded example: the examples
 *  choose typical values), PHS_ENOMEM. */
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
 *  outcome changes, from the cell decomposition of phs_ruleset_verify
 *  (as_of required).  The versions compared are those in force on as_of,
 *  or (population, no as_of) on the latest visit date of the population.
 *  @return PHS_OK, PHS_EIO (population unreadable), PHS_EINVAL (NULL
 *  argument, unknown options version, as_of missing where a date is
 *  needed), PHS_ESPEC (without a population: a malformed embedded example
 *  of `old`), PHS_ENOMEM. */
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
 *  warning.
 *  @return PHS_OK (the report may hold errors), PHS_ENOTFOUND (unknown
 *  program), PHS_ESPEC (a malformed example), PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_coverage(const phs_ruleset *rs,
                                     const phs_analysis_options *opts,
                                     phs_report **out);

/** Run every embedded example of every program version (of
 *  opts->program only, when set) into a report: one finding per example
 *  (PHS_FINDING_EXAMPLE_PASSED, info, or PHS_FINDING_EXAMPLE_FAILED,
 *  error, with what differed as the message), the example's id and input
 *  as its example resident, one section per program version, totals
 *  EXAMPLES, PASSED, FAILED and REFUSED (examples a record check refuses;
 *  they fail).  phs_ruleset_test is the callback form of the same run.
 *  @return PHS_OK (the report may hold failures), PHS_ENOTFOUND (unknown
 *  program), PHS_EINVAL (bad options), PHS_ESPEC (an example that cannot
 *  be read), PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_test_report(const phs_ruleset *rs,
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
