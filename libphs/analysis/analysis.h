/*
 * The regulator tooling's private interface (space.c, report.c, verify.c,
 * diff.c, coverage.c): a finite decomposition of a program's typed input
 * space into cells, and a report object.
 *
 * A *space* is built from a set of conditions (compiled expressions of one
 * or two rule sets).  Every input the conditions read becomes a variable:
 *  - a number or date field compared with constants is split at every
 *    constant it is compared with (each threshold is a cell of its own, and
 *    each open interval between two thresholds another); absence is a cell
 *    when the field is `absent: unknown`;
 *  - a bool, enum or string field is enumerated (strings: the constants
 *    they are compared with, plus one other value);
 *  - a code list is enumerated by the distinct truth values its tests
 *    (has_code, membership quantifiers, `'x' in list`) can take;
 *  - a numeric derived value (or another numeric expression) compared with
 *    constants is a variable of its own ("term"), split at its thresholds;
 *    concrete inputs realising each of its cells are found by a search over
 *    a grid of its input fields (the derived-variable approximation).
 * Variables that share input fields form one dimension; the cells of the
 * space are the product of the dimensions' values.  Each cell is realised
 * as a concrete record, so the real classifier decides it and every
 * counterexample is a resident that `phs explain` reproduces.
 */
#ifndef PHS__ANALYSIS_H
#define PHS__ANALYSIS_H

#include "../run/run.h"
#include "../spec/spec.h"
#include "phs/analysis.h"

/* ---- examples.c: one embedded example, classified (coverage.c) ---- */
typedef struct phs__exrun {
    phs_ruleset *var;        /* rule set with the example's parameters */
    const phs_ruleset *rs;   /* var or the base */
    phs_record *rec;
    phs_result *res;
    int refused;             /* a record check refused the input */
    int failed;              /* the result differs from the expectation */
} phs__exrun;
/* Run one example; what differs from its expectation (or why its input is
 * refused) is appended to msg. */
int phs__example_run(const phs_ruleset *base, size_t p, size_t v,
                     const phs__example *ex, phs__exrun *out, phs__buf *msg);
void phs__example_done(phs__exrun *r);
/* The truth of a rule condition on a record: 1, 0, -1 unknown. */
int an_rule_truth(phs_result *res, const phs_record *rec, const phs__expr *e);


#define AN_W (PHS__MAX_FIELDS / 64)

/* ---- report.c: the report's data (render.c renders it) ---- */

enum { AN_INFO = 0, AN_WARNING = 1, AN_ERROR = 2 };

/* Every string and fixed-size array of a report lives in its arena; the
 * growable arrays (findings, sections, rows, shifts, causes) are freed
 * one by one. */

typedef struct phs__pair {  /* a field of an example resident */
    char *field, *value;
    int type;
} phs__pair;

typedef struct phs__finding {
    int kind, severity;
    int section;            /* index, or -1 */
    char *program, *rule, *message;
    char *detail, *before, *after; /* or NULL */
    double cells;
    char *example, *example_id; /* JSON resident and its id, or NULL */
    phs__pair *pairs;
    size_t npairs;
} phs__finding;

typedef struct phs__row {   /* a row of a table (phs_table) */
    char *name, *label;
    double v[4];
} phs__row;

typedef struct phs__dimension {
    char *name;
    int derived;
    char **vals;
    size_t nvals;
} phs__dimension;

typedef struct phs__cause {
    char *rule;
    const char *old_truth, *new_truth; /* static names */
    double n;
} phs__cause;

typedef struct phs__mcell { /* a cell of a transition matrix */
    double n;
    char **ids;
    size_t nids;
    phs__cause *causes;
    size_t ncauses, capcauses;
    char **clauses;
    size_t nclauses, capclauses;
} phs__mcell;

typedef struct phs__table {
    phs__row *r;
    size_t n, cap;
} phs__table;

typedef struct phs__section {
    char *program, *version, *new_version;
    char *status, *fingerprint, *new_fingerprint;
    phs_date from, to, date;
    double total[PHS_TOTAL_COUNT];
    phs__dimension *dims;
    size_t ndims;
    phs__table table[PHS_TABLE_COUNT];
    size_t nrows, ncols;    /* diff: transition matrix */
    char **rows, **cols;
    phs__mcell *m;          /* nrows x ncols */
    struct phs__shift {     /* diff: due-date shift histogram */
        long days;
        double n;
    } *shifts;
    size_t nshift, capshift;
} phs__section;

struct phs_report {
    int analysis;    /* phs_analysis */
    phs__arena arena;
    char *fingerprint, *new_fingerprint, *population;
    size_t max_cells;
    uint64_t seed;
    double total[PHS_TOTAL_COUNT];
    phs__section *s;
    size_t ns, caps;
    int cur;         /* current section (-1 none) */
    phs__finding *f;
    size_t nf, cap;
    int errors, warnings;
    phs__buf text;   /* renderings (render.c), made by phs__report_finish */
    phs__buf json;
    int oom;
};

int phs__report_new(phs_report **out, int analysis);
/* The start verify, coverage and test share: rs and out must not be NULL,
 * *out is cleared, the caller's options are copied into *o with the
 * defaults (PHS_EINVAL: unknown version; with need_as_of, no as_of), the
 * program they name (if any) must exist (PHS_ENOTFOUND), the examples are
 * parsed into *ex and an empty report is made.  On failure nothing is
 * left to free. */
int phs__report_begin(const phs_ruleset *rs, phs_report **out,
                      const char *cmd, const phs_analysis_options *in,
                      int need_as_of, int analysis, phs_analysis_options *o,
                      phs__examples *ex, phs_report **r);
/* What the report is about (strings copied; NULL allowed). */
void phs__report_about(phs_report *r, const char *fingerprint,
                       const char *new_fingerprint, const char *population);
/* Record a finding (strings copied) in the current section; `ex` (may be
 * NULL) is its example resident, recorded with id ex_id as JSON and as
 * field/value pairs. */
void phs__report_add(phs_report *r, int kind, int severity,
                     const char *program, const char *rule,
                     const phs_record *ex, const char *ex_id,
                     const char *fmt, ...) PHS_PRINTF(8, 9);
/* The details of the last finding (phs_report_detail ...; strings copied,
 * NULL allowed). */
void phs__report_detail(phs_report *r, const char *detail, const char *before,
                        const char *after, double cells);
/* Start a section for program version po (diff: pn is the new one, else
 * NULL); it becomes the current one. */
void phs__report_section(phs_report *r, const phs__program *po,
                         const phs__program *pn);
/* The current section's visit date (verify). */
void phs__report_section_date(phs_report *r, phs_date d);
/* Add v to a total of the report and of the current section. */
void phs__report_tally(phs_report *r, int which, double v);
/* Add v to a total of the current section only. */
void phs__report_section_add(phs_report *r, int which, double v);
/* Add v to a total of the report only. */
void phs__report_total_add(phs_report *r, int which, double v);
/* A row of table t of the current section (label may be NULL). */
void phs__report_row(phs_report *r, int t, const char *name,
                     const char *label, double v0, double v1, double v2,
                     double v3);
/* The current section's transition matrix: labels (copied), then cells,
 * their causes and the clauses they cite. */
void phs__report_matrix(phs_report *r, size_t nrows, const char *const *rows,
                        size_t ncols, const char *const *cols);
void phs__report_matrix_set(phs_report *r, size_t row, size_t col, double n,
                            char *const *ids, size_t nids);
void phs__report_cause(phs_report *r, size_t row, size_t col,
                       const char *rule, const char *old_truth,
                       const char *new_truth, double n);
void phs__report_clause(phs_report *r, size_t row, size_t col,
                        const char *id);
/* One bar of the current section's due-date shift histogram. */
void phs__report_shift(phs_report *r, long days, double n);
/* Hand a finished report out (*out) with its renderings made, or free it
 * and return the error: rc, or PHS_ENOMEM when it ran out of memory. */
int phs__report_finish(phs_report *r, int rc, phs_report **out);
/* Copy the caller's options (NULL: defaults) into *o with the defaults
 * filled in; PHS_EINVAL for an unknown version. */
int phs__options(const char *what, const phs_analysis_options *in,
                 phs_analysis_options *o);

/* ---- render.c: the text and JSON renderings, from the accessors ---- */
void phs__render_text(phs__buf *b, const phs_report *r);
void phs__render_json(phs__buf *b, const phs_report *r);

/* ---- shared by the files of the input-space analysis ---- */
#define MAXFIN 48          /* values of a piecewise-constant expression */
#define SEARCH_CAP 1000000 /* candidate assignments per witness search */
#define MAXKEY 12          /* components of a bundle's key */

/* ---- space.c ---- */

typedef struct an_set {
    int field;           /* field id in the space's base rule set */
    uint8_t absent;
    double num;          /* number */
    int32_t i;           /* bool, date */
    const char *s;       /* string, enum */
    const char **codes;  /* codes */
    uint32_t ncodes;
} an_set;

typedef struct an_val {
    uint32_t first[3], n[3]; /* alternative assignments (first is preferred) */
    uint8_t nalt;
    int cell;            /* ordered dimensions: cell index (see an_var) */
    char *label;
} an_val;

enum { AD_PLAIN, AD_BUNDLE };

typedef struct an_dim {
    char *name;
    int kind;
    int var;             /* ordered dimensions: the variable, else -1 */
    an_val *vals;
    size_t nvals;
    uint64_t fields[AN_W]; /* fields the dimension assigns */
    int elig;            /* read by an eligibility condition */
} an_dim;

enum { AV_FIELD, AV_TERM };

typedef struct an_atom { /* a test on a code list: has_code, quantifier... */
    int rsi;
    int32_t node;
} an_atom;

typedef struct an_var {
    int kind;            /* AV_FIELD, AV_TERM */
    int field;           /* AV_FIELD: base field id */
    int rsi;             /* AV_TERM: rule set of the node */
    int32_t node;        /* AV_TERM: the numeric expression */
    int32_t node2;       /* AV_TERM: when >= 0, the value is node - node2 */
    int vtype;           /* PHS__T_* of the value */
    const char *name;
    double *thr;         /* sorted, unique thresholds */
    size_t nthr, capthr;
    const char **strs;   /* string constants (strings, codes) */
    size_t nstrs, capstrs;
    int prefix;          /* codes: prefix tests (has_code) seen */
    int maxlen;          /* codes: longest list tried */
    an_atom *atoms;      /* codes: the tests */
    size_t natoms, capatoms;
    uint64_t inputs[AN_W]; /* AV_TERM: base fields read */
    int direct;          /* AV_FIELD: read outside every term */
    int elig;            /* read by an eligibility condition */
    int group;
    int multi;           /* AV_TERM: reads several fields (outside) */
    double obs_lo, obs_hi; /* AV_TERM: values seen in the search */
} an_var;

/* Cell indexes of a variable with thresholds t0 < ... < t(m-1):
 * 2k = the open interval below t(k) (above t(k-1)), 2k+1 = t(k) itself,
 * 2m = above t(m-1), 2m+1 = absent (unknown). */

typedef struct an_space {
    const phs_ruleset *rs[2];
    size_t nrs;
    int *tobase;         /* field of rs[1] -> base field (-1 none) */
    int *frombase;       /* base field -> field of rs[1] (-1 none) */
    phs_date visit;      /* visit_date of every cell */
    an_var *vars;
    size_t nvars, capvars;
    an_dim *dims;
    size_t ndims;
    an_set *sets;
    size_t nsets, capsets;
    phs__arena arena;
    phs__buf notes;      /* "rule: reason\n" lines */
    size_t nnotes;
    int outside;         /* a condition outside the exact fragment */
    int approx;          /* a derived-variable approximation was used */
    int search_sampled;  /* a witness search was sampled */
    const char *cur_rule;
    int cur_rsi;
    int in_elig;
    phs_record *rec[2];
    phs_result *res[2];
    const phs__examples *ex; /* the examples of rs[0] (caller's) */
    double *center;      /* per base field: typical value (examples) */
    int oom;
    int err;             /* a library error (status) */
} an_space;

/* Internal helpers of space.c, exprtext.c, cells.c and witness.c. */
char *an_sdup(an_space *sp, const char *s);
const phs__node *an_nd(const an_space *sp, int rsi, int32_t i);
int an_base_field(const an_space *sp, int rsi, int f);
void an_num_or_date(phs__buf *b, double v, int date);
int an_grow(an_space *sp, void *pp, size_t *cap, size_t n, size_t size);
const char *an_cmp_op(int sub);
uint64_t an_h_mix(uint64_t h, const void *p, size_t n);
void an_plain_dim(an_space *sp, an_var *v, an_dim *d);
int an_cell_of(const an_var *v, double x, int known);
uint32_t an_push_sets(an_space *sp, const an_set *s, size_t n);
int an_pick(double a, int ain, double b, int bin, int integer, int which,
            double *out);
an_val *an_add_val(an_space *sp, an_dim *d, size_t *cap);
char *an_label_dup(an_space *sp, phs__buf *b);
void an_cell_label(phs__buf *b, const an_var *v, int cell);
int an_is_date_var(const an_var *v);
an_set an_set_absent(int f);
an_set an_set_num(int f, double x, int date);
void an_begin_record(an_space *sp);
void an_apply_set(an_space *sp, const an_set *s);

/* ex: base's examples (phs__examples_parse), kept by the caller. */
int an_space_init(an_space *sp, const phs_ruleset *base,
                  const phs_ruleset *other, phs_date visit,
                  const phs__examples *ex);
void an_space_free(an_space *sp);
/* Add the variables a condition reads (rule: name for notes). */
void an_space_walk(an_space *sp, int rsi, int32_t root, const char *rule,
                   int elig);
/* Decide the cells of every variable and build the dimensions. */
int an_space_build(an_space *sp);
/* The number of cells (saturating). */
double an_space_cells(const an_space *sp);
/* Fill the records of every rule set with one cell (val[d] = value index of
 * dimension d, alternative alt[d] or 0 when alt is NULL).  visit_date is
 * set. */
int an_space_fill(an_space *sp, const size_t *val, const uint8_t *alt);
/* Fill, then run the record checks of rule set 0 (and 1); when a check
 * refuses the record, try the alternative assignments of the dimensions
 * it reads.  Returns -1 when the cell passes (records filled), else the
 * index of the refusing check. */
int an_space_fill_checked(an_space *sp, const size_t *val);
/* Copy a record into a record of another rule set (fields by name). */
int an_copy_record(phs_record *dst, const phs_record *src);
/* The value of a term on the records (1 known, 0 unknown). */
int an_term_value(an_space *sp, const an_var *v, double *out);
/* Field f of a record (which has it): as JSON (json), or as text (numbers
 * and booleans as in JSON, dates YYYY-MM-DD, codes joined by ';'). */
void an_field_value(phs__buf *b, const phs_record *rec, int f, int json);
/* The record of rule set rsi as one JSON object (NDJSON line shape). */
void an_record_json(phs__buf *b, const phs_record *rec, const char *id);
/* Text describing a set of values of dimension d (mask over its values;
 * NULL when every value is in it). */
void an_describe(phs__buf *b, const an_space *sp, size_t d,
                 const uint8_t *mask);
/* A compiled expression as text (parameters folded; derived by name). */
void an_expr_text(phs__buf *b, const phs_ruleset *rs, int32_t node);
/* A hash of an expression with derived values expanded (changes of a
 * parameter or a derived value change it). */
uint64_t an_expr_hash(const phs_ruleset *rs, int32_t node);

/* Record the dimensions of a space in the current section of a report, and
 * its notes (conditions outside the exact fragment) as warnings. */
void an_report_dimensions(phs_report *r, const an_space *sp);
void an_report_notes(phs_report *r, const char *program, const an_space *sp);

/* Regions: cells grouped by a label, merged into boxes for reading. */
typedef struct an_region {
    int label;           /* caller's class (e.g. a transition) */
    uint8_t *mask;       /* per dimension: values included (concatenated) */
    double cells;
} an_region;

typedef struct an_regions {
    size_t ndims, width; /* total values across dimensions */
    size_t *off;         /* per dimension: offset in mask */
    an_region *r;
    size_t n, cap;
    int oom;
} an_regions;

int an_regions_init(an_regions *rg, const an_space *sp);
void an_regions_add(an_regions *rg, int label, const size_t *val);
/* Merge boxes that differ in one dimension, to a fixed point. */
void an_regions_merge(an_regions *rg);
void an_regions_free(an_regions *rg);
/* A cell inside region i (every cell of a region box is one of its
 * class). */
void an_region_cell(const an_space *sp, const an_regions *rg, size_t i,
                    size_t *val);
/* Describe region i ("age_years ≥ 65, 140 ≤ sbp < 150"). */
void an_region_text(phs__buf *b, const an_space *sp, const an_regions *rg,
                    size_t i);

/* splitmix64 */
static inline uint64_t an_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Outcome label of a program result: tier id, not_enrolled,
 * insufficient_data or unclassified. */
const char *an_outcome_label(const phs_result *res, size_t p);

#endif
