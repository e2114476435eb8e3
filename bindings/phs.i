/*
 * phs.i — the language-neutral SWIG interface of libphs.
 *
 * Shared by python/phs_python.i and java/phs_java.i (the libsolv/GDAL split:
 * one object model here, one overlay per language).  This file is never run
 * through SWIG on its own: a language file defines, then %includes it:
 *
 *   PHS_THROW_LAST   a SWIG macro (brace body) that turns phs_error_last()
 *                    into a pending exception and leaves the wrapper;
 *   class names      %rename of PhsRuleset, PhsRecord, ... to the names the
 *                    language wants;
 *   typemaps         for phs_rc / phs_idx (below), size_t, uint64_t;
 *   %exception       for constructors and factories that return NULL (and
 *                    date_make / date_parse, PHS_DATE_NONE) on failure.
 *
 * The object model is the C API's, method for method:
 *
 *   PhsOptions     phs_ruleset_options  load-time parameter overrides, limits
 *   PhsRuleset     phs_ruleset          load_dir, introspection, classify
 *   PhsRecord      phs_record           one resident (keeps its ruleset alive)
 *   PhsResult      phs_result           one outcome (keeps its ruleset alive)
 *   PhsReader      phs_reader           CSV / NDJSON / array input
 *   PhsReport      phs_report           verify, diff, coverage, test and
 *                                       strict-check reports (analysis.h)
 *   PhsPopulation  phs_population       visit histories (population.h)
 *   PhsIndicators  phs_indicators       one period's indicators, tiers,
 *                                       transitions and overdue list
 *
 * (The classes SWIG sees are named apart from the C API: SWIG names the C
 * helper of `%extend phs_result { to_json() }` phs_result_to_json, which is
 * the library's own function.)
 *
 * Error handling.  Every C call that returns a status is wrapped as
 * returning phs_rc (nothing, in the target language) or phs_idx (an index,
 * count or flag >= 0); a negative value becomes an exception built from
 * phs_error_last() (code, message, file, line, column, field) by the
 * language's typemap.  Nothing here keeps global state: the error is the
 * calling thread's, read right after the failing call.
 *
 * Ownership.  Every object is owned by the proxy that created it and freed
 * by its destructor (phs_*_free).  Strings the C API lends (tier ids,
 * messages) are copied into the target language before the wrapper
 * returns; strings it gives (phs_result_to_json) are freed with phs_free
 * (%newobject + the languages' newfree typemap).  Child objects (records,
 * results, readers) hold a reference to their ruleset's proxy, set by each
 * language file, so a ruleset is never freed before them.
 */

%{
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "phs/phs.h"
#include "phs/analysis.h"
#include "phs/population.h"

typedef struct phs_ruleset_options PhsOptions;
typedef struct phs_ruleset PhsRuleset;
typedef struct phs_record PhsRecord;
typedef struct phs_result PhsResult;
typedef struct phs_reader PhsReader;
typedef struct phs_report PhsReport;
typedef struct phs_population PhsPopulation;
typedef struct phs_indicators PhsIndicators;

/* Analysis options from the wrapper's arguments (as_of: PHS_DATE_NONE when
 * not given; 0 for the library's defaults of the sizes). */
static phs_analysis_options phs__aopts(const char *program, phs_date as_of,
                                       size_t max_cells, uint64_t seed,
                                       size_t max_examples)
{
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    o.program = program;
    o.as_of = as_of;
    o.max_cells = max_cells;
    o.seed = seed;
    o.max_examples = max_examples;
    return o;
}

/* Status for the binding layer: < 0 raises (see the language typemaps). */
typedef int phs_rc;
/* An index, count or boolean >= 0, or a negative status that raises. */
typedef int phs_idx;

%}

%include <stdint.i>
%include <typemaps.i>

typedef int phs_rc;
typedef int phs_idx;

/* ------------------------------------------------------------------ */
/* Constants and enums, straight from the public header                */
/* ------------------------------------------------------------------ */

/* The header's functions are wrapped as methods below, or not at all
 * (phs_allocator_set: function pointers mean nothing in Python or Java;
 * phs_classify_batch: arrays of handles — each language has a columnar
 * call instead).  Keep its enums and #defines; leave out its structs. */
%rename("$ignore", regextarget=1, %$isfunction, %$not %$ismember) "^phs_";
%rename("$ignore", regextarget=1, %$isclass) "^phs_";
%ignore PHS_EXTERN;
%ignore PHS_PHS_H;

/* Opaque handles become classes with no public C fields. */
%nodefaultctor;
%nodefaultdtor;
typedef struct {} PhsOptions;
typedef struct {} PhsRuleset;
typedef struct {} PhsRecord;
typedef struct {} PhsResult;
typedef struct {} PhsReader;
typedef struct {} PhsReport;
typedef struct {} PhsPopulation;
typedef struct {} PhsIndicators;
%clearnodefaultctor;
%clearnodefaultdtor;

/* For SWIG's evaluation of `#define PHS_DATE_NONE INT32_MIN` only. */
#define INT32_MIN (-2147483647 - 1)
%ignore PHS_VERSION_H;
%include "phs/version.h"
%include "phs/phs.h"
%ignore PHS_ANALYSIS_OPTIONS_INIT;
%include "phs/analysis.h"
%ignore PHS_POPULATION_H;
%include "phs/population.h"

/* ------------------------------------------------------------------ */
/* Module functions                                                    */
/* ------------------------------------------------------------------ */

%apply int *OUTPUT { int *year, int *month, int *day };

%inline %{
/* The linked library's version, "X.Y.Z". */
const char *version(void) { return phs_version(); }
/* The linked library's PHS_VERSION_NUMBER. */
int version_number(void) { return phs_version_number(); }
/* The bundled rules' directory (PHS_RULES_DIR overrides it). */
const char *rules_dir_default(void) { return phs_rules_dir_default(); }

/* Dates are days since 1970-01-01 (proleptic Gregorian); PHS_DATE_NONE
 * (returned on failure, which the language files turn into an exception)
 * is never a valid date. */
phs_date date_make(int year, int month, int day)
{
    phs_date d;
    return phs_date_make(&d, year, month, day) < 0 ? PHS_DATE_NONE : d;
}
phs_date date_parse(const char *text)
{
    phs_date d;
    return phs_date_parse(&d, text ? text : "", text ? strlen(text) : 0) < 0
               ? PHS_DATE_NONE : d;
}
/* A date's year, month and day. */
void date_split(phs_date date, int *year, int *month, int *day)
{
    phs_date_split(date, year, month, day);
}
%}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

%extend PhsOptions {
    PhsOptions()
    {
        phs_ruleset_options *o = NULL;
        return phs_ruleset_options_new(&o) < 0 ? NULL : o;
    }
    ~PhsOptions() { phs_ruleset_options_free($self); }
    /* "program.name" = value as written in YAML. */
    phs_rc set_param(const char *name, const char *value)
    {
        return phs_ruleset_options_set_param($self, name, value);
    }
    phs_rc set_limit(int limit, long value)
    {
        return phs_ruleset_options_set_limit($self, (phs_limit)limit, value);
    }
}

/* ------------------------------------------------------------------ */
/* Ruleset                                                             */
/* ------------------------------------------------------------------ */

%extend PhsRuleset {
    /* Load every *.yaml of a directory (NULL: phs_rules_dir_default());
     * opts may be None/null. */
    PhsRuleset(const char *dir, const PhsOptions *opts = NULL)
    {
        phs_ruleset *rs = NULL;
        if (!dir)
            dir = phs_rules_dir_default();
        return phs_ruleset_load_dir(&rs, dir, opts) < 0 ? NULL : rs;
    }
    ~PhsRuleset() { phs_ruleset_free($self); }

    const char *fingerprint() { return phs_ruleset_fingerprint($self); }
    size_t program_count() { return phs_ruleset_program_count($self); }
    const char *program_id(size_t p) { return phs_ruleset_program_id($self, p); }
    const char *program_version(size_t p)
    {
        return phs_ruleset_program_version($self, p);
    }
    const char *program_status(size_t p)
    {
        return phs_ruleset_program_status($self, p);
    }
    const char *program_title(size_t p, const char *lang)
    {
        return phs_ruleset_program_title($self, p, lang);
    }
    phs_idx program_index(const char *id)
    {
        return phs_ruleset_program_index($self, id);
    }
    size_t tier_count(size_t p) { return phs_ruleset_tier_count($self, p); }
    const char *tier_id(size_t p, size_t t)
    {
        return phs_ruleset_tier_id($self, p, t);
    }
    size_t flag_count(size_t p) { return phs_ruleset_flag_count($self, p); }
    const char *flag_id(size_t p, size_t f)
    {
        return phs_ruleset_flag_id($self, p, f);
    }
    size_t field_count() { return phs_ruleset_field_count($self); }
    phs_idx field_id(const char *name)
    {
        return phs_ruleset_field_id($self, name);
    }
    const char *field_name(int id) { return phs_ruleset_field_name($self, id); }
    int field_type(int id) { return phs_ruleset_field_type($self, id); }

    /* Classify rec into res (both made from this ruleset). */
    phs_rc classify(const PhsRecord *rec, PhsResult *res)
    {
        return phs_classify($self, rec, res);
    }
}

/* ------------------------------------------------------------------ */
/* Record                                                              */
/* ------------------------------------------------------------------ */

%extend PhsRecord {
    PhsRecord(const PhsRuleset *rs)
    {
        phs_record *r = NULL;
        return phs_record_new(&r, rs) < 0 ? NULL : r;
    }
    ~PhsRecord() { phs_record_free($self); }
    void clear() { phs_record_clear($self); }
    phs_rc set_number(int field, double v)
    {
        return phs_record_set_number($self, field, v);
    }
    phs_rc set_bool(int field, bool v)
    {
        return phs_record_set_bool($self, field, v ? 1 : 0);
    }
    phs_rc set_date(int field, phs_date v)
    {
        return phs_record_set_date($self, field, v);
    }
    phs_rc set_string(int field, const char *s)
    {
        return phs_record_set_string($self, field, s ? s : "",
                                     s ? strlen(s) : 0);
    }
    phs_rc add_code(int field, const char *s)
    {
        return phs_record_add_code($self, field, s ? s : "",
                                   s ? strlen(s) : 0);
    }
    phs_rc set_text(int field, const char *s)
    {
        return phs_record_set_text($self, field, s ? s : "",
                                   s ? strlen(s) : 0);
    }
    phs_idx has(int field) { return phs_record_has($self, field); }
    phs_rc unset(int field) { return phs_record_unset($self, field); }
    const char *id() { return phs_record_id($self); }
}

/* ------------------------------------------------------------------ */
/* Result                                                              */
/* ------------------------------------------------------------------ */

%newobject PhsResult::to_json;

%extend PhsResult {
    PhsResult(const PhsRuleset *rs)
    {
        phs_result *r = NULL;
        return phs_result_new(&r, rs) < 0 ? NULL : r;
    }
    ~PhsResult() { phs_result_free($self); }
    const char *id() { return phs_result_id($self); }
    int outcome(size_t p) { return phs_result_outcome($self, p); }
    const char *tier(size_t p) { return phs_result_tier($self, p); }
    int tier_index(size_t p) { return phs_result_tier_index($self, p); }
    uint64_t flag_mask(size_t p) { return phs_result_flag_mask($self, p); }
    int level(size_t p) { return phs_result_level($self, p); }
    const char *code(size_t p) { return phs_result_code($self, p); }
    int enrolled(size_t p) { return phs_result_enrolled($self, p); }
    bool referral(size_t p) { return phs_result_referral($self, p) != 0; }
    phs_date next_due(size_t p) { return phs_result_next_due($self, p); }
    phs_date earliest(size_t p) { return phs_result_earliest($self, p); }
    const char *interval(size_t p) { return phs_result_interval($self, p); }
    size_t action_count(size_t p) { return phs_result_action_count($self, p); }
    const char *action(size_t p, size_t i)
    {
        return phs_result_action($self, p, i);
    }
    size_t flag_count(size_t p) { return phs_result_flag_count($self, p); }
    const char *flag(size_t p, size_t i) { return phs_result_flag($self, p, i); }
    size_t reason_count(size_t p) { return phs_result_reason_count($self, p); }
    const char *reason(size_t p, size_t i)
    {
        return phs_result_reason($self, p, i);
    }
    size_t reason_cite_count(size_t p, size_t i)
    {
        return phs_result_reason_cite_count($self, p, i);
    }
    const char *reason_cite(size_t p, size_t i, size_t c)
    {
        return phs_result_reason_cite($self, p, i, c);
    }
    size_t undecided_flag_count(size_t p)
    {
        return phs_result_undecided_flag_count($self, p);
    }
    const char *undecided_flag(size_t p, size_t i)
    {
        return phs_result_undecided_flag($self, p, i);
    }
    size_t missing_count(size_t p) { return phs_result_missing_count($self, p); }
    const char *missing(size_t p, size_t i)
    {
        return phs_result_missing($self, p, i);
    }
    size_t plan_count() { return phs_result_plan_count($self); }
    phs_date plan_date(size_t i) { return phs_result_plan_date($self, i); }
    bool plan_serves(size_t i, size_t p)
    {
        return phs_result_plan_serves($self, i, p) == 1;
    }
    /* The `phs classify` NDJSON line for this result. */
    char *to_json()
    {
        char *out = NULL;
        return phs_result_to_json($self, &out, NULL) < 0 ? NULL : out;
    }
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

%extend PhsReader {
    /* Open a file ("-" = standard input) in one of the PHS_FORMAT_*. */
    PhsReader(const PhsRuleset *rs, const char *path, int format = 0)
    {
        phs_reader *rd = NULL;
        return phs_reader_open(&rd, rs, path, (phs_format)format) < 0 ? NULL
                                                                      : rd;
    }
    ~PhsReader() { phs_reader_free($self); }
    /* Read the next record into rec: 1, or 0 at the end.  A record that
     * cannot be read raises; the reader has moved past it. */
    phs_idx next(PhsRecord *rec)
    {
        int rc = phs_reader_next($self, rec);
        return rc == PHS_EOF ? 0 : rc < 0 ? rc : 1;
    }
    size_t record_number() { return phs_reader_record_number($self); }
    const char *record_id() { return phs_reader_record_id($self); }
    size_t bytes_done()
    {
        size_t done = 0;
        phs_reader_progress($self, &done, NULL);
        return done;
    }
    size_t bytes_total()
    {
        size_t total = 0;
        phs_reader_progress($self, NULL, &total);
        return total;
    }
}

/* ------------------------------------------------------------------ */
/* Regulator analyses (analysis.h): reports as data                    */
/* ------------------------------------------------------------------ */

%newobject PhsRuleset::verify;
%newobject PhsRuleset::diff;
%newobject PhsRuleset::coverage;
%newobject PhsRuleset::test_report;
%newobject PhsRuleset::check_strict;

%extend PhsRuleset {
    /* phs_ruleset_verify; as_of is required (PHS_DATE_NONE raises). */
    PhsReport *verify(const char *program, phs_date as_of, size_t max_cells,
                      uint64_t seed)
    {
        phs_report *r = NULL;
        phs_analysis_options o = phs__aopts(program, as_of, max_cells, seed, 0);
        return phs_ruleset_verify($self, &o, &r) < 0 ? NULL : r;
    }
    /* phs_ruleset_diff of this (old) against new_rs; population may be
     * NULL (compare the input spaces: as_of required). */
    PhsReport *diff(const PhsRuleset *new_rs, const char *population,
                    const char *program, phs_date as_of, size_t max_cells,
                    uint64_t seed, size_t max_examples)
    {
        phs_report *r = NULL;
        phs_analysis_options o =
            phs__aopts(program, as_of, max_cells, seed, max_examples);
        return phs_ruleset_diff($self, new_rs, population, &o, &r) < 0 ? NULL
                                                                      : r;
    }
    PhsReport *coverage(const char *program, phs_date as_of)
    {
        phs_report *r = NULL;
        phs_analysis_options o = phs__aopts(program, as_of, 0, 0, 0);
        return phs_ruleset_coverage($self, &o, &r) < 0 ? NULL : r;
    }
    /* phs_ruleset_test_report: every embedded example. */
    PhsReport *test_report(const char *program)
    {
        phs_report *r = NULL;
        phs_analysis_options o = phs__aopts(program, PHS_DATE_NONE, 0, 0, 0);
        return phs_ruleset_test_report($self, &o, &r) < 0 ? NULL : r;
    }
    PhsReport *check_strict()
    {
        phs_report *r = NULL;
        return phs_ruleset_check_strict($self, &r) < 0 ? NULL : r;
    }
}

/* A report, accessor for accessor (see analysis.h). */
%extend PhsReport {
    ~PhsReport() { phs_report_free($self); }
    int analysis() { return phs_report_analysis($self); }
    double total(int which) { return phs_report_total($self, which); }
    size_t errors() { return phs_report_errors($self); }
    size_t warnings() { return phs_report_warnings($self); }
    size_t count() { return phs_report_count($self); }
    int kind(size_t i) { return phs_report_kind($self, i); }
    int severity(size_t i) { return phs_report_severity($self, i); }
    const char *program(size_t i) { return phs_report_program($self, i); }
    const char *version(size_t i) { return phs_report_version($self, i); }
    const char *rule(size_t i) { return phs_report_rule($self, i); }
    const char *message(size_t i) { return phs_report_message($self, i); }
    int finding_section(size_t i)
    {
        return phs_report_finding_section($self, i);
    }
    const char *example(size_t i) { return phs_report_example($self, i); }
    const char *example_id(size_t i) { return phs_report_example_id($self, i); }
    size_t example_count(size_t i)
    {
        return phs_report_example_count($self, i);
    }
    const char *example_field(size_t i, size_t k)
    {
        return phs_report_example_field($self, i, k);
    }
    const char *example_value(size_t i, size_t k)
    {
        return phs_report_example_value($self, i, k);
    }
    int example_type(size_t i, size_t k)
    {
        return phs_report_example_type($self, i, k);
    }
    size_t section_count() { return phs_report_section_count($self); }
    const char *section_program(size_t s)
    {
        return phs_report_section_program($self, s);
    }
    const char *section_version(size_t s)
    {
        return phs_report_section_version($self, s);
    }
    const char *section_new_version(size_t s)
    {
        return phs_report_section_new_version($self, s);
    }
    double section_total(size_t s, int which)
    {
        return phs_report_section_total($self, s, which);
    }
    size_t matrix_rows(size_t s) { return phs_report_matrix_rows($self, s); }
    size_t matrix_cols(size_t s) { return phs_report_matrix_cols($self, s); }
    const char *matrix_row(size_t s, size_t i)
    {
        return phs_report_matrix_row($self, s, i);
    }
    const char *matrix_col(size_t s, size_t j)
    {
        return phs_report_matrix_col($self, s, j);
    }
    double matrix_cell(size_t s, size_t i, size_t j)
    {
        return phs_report_matrix_cell($self, s, i, j);
    }
    size_t matrix_example_count(size_t s, size_t i, size_t j)
    {
        return phs_report_matrix_example_count($self, s, i, j);
    }
    const char *matrix_example_id(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_matrix_example_id($self, s, i, j, k);
    }
    size_t shift_count(size_t s) { return phs_report_shift_count($self, s); }
    long shift_days(size_t s, size_t k)
    {
        return phs_report_shift_days($self, s, k);
    }
    double shift_residents(size_t s, size_t k)
    {
        return phs_report_shift_residents($self, s, k);
    }
    /* What the report is about, and the options it ran with. */
    const char *fingerprint() { return phs_report_fingerprint($self); }
    const char *new_fingerprint() { return phs_report_new_fingerprint($self); }
    const char *population() { return phs_report_population($self); }
    size_t max_cells() { return phs_report_max_cells($self); }
    uint64_t seed() { return phs_report_seed($self); }
    /* Finding i in detail: region or why, old and new outcome, cells. */
    const char *detail(size_t i) { return phs_report_detail($self, i); }
    const char *before(size_t i) { return phs_report_before($self, i); }
    const char *after(size_t i) { return phs_report_after($self, i); }
    double cells(size_t i) { return phs_report_cells($self, i); }
    /* Section s's version: status, fingerprints, effective dates, the
     * visit date its cells were checked on. */
    const char *section_status(size_t s)
    {
        return phs_report_section_status($self, s);
    }
    const char *section_fingerprint(size_t s)
    {
        return phs_report_section_fingerprint($self, s);
    }
    const char *section_new_fingerprint(size_t s)
    {
        return phs_report_section_new_fingerprint($self, s);
    }
    phs_date section_from(size_t s) { return phs_report_section_from($self, s); }
    phs_date section_to(size_t s) { return phs_report_section_to($self, s); }
    phs_date section_date(size_t s) { return phs_report_section_date($self, s); }
    /* The dimensions of section s's input space. */
    size_t dimension_count(size_t s)
    {
        return phs_report_dimension_count($self, s);
    }
    const char *dimension_name(size_t s, size_t d)
    {
        return phs_report_dimension_name($self, s, d);
    }
    int dimension_derived(size_t s, size_t d)
    {
        return phs_report_dimension_derived($self, s, d);
    }
    size_t dimension_value_count(size_t s, size_t d)
    {
        return phs_report_dimension_value_count($self, s, d);
    }
    const char *dimension_value(size_t s, size_t d, size_t k)
    {
        return phs_report_dimension_value($self, s, d, k);
    }
    /* Tables of counts (PHS_TABLE_*) of section s. */
    size_t table_rows(size_t s, int t) { return phs_report_table_rows($self, s, t); }
    const char *table_name(size_t s, int t, size_t row)
    {
        return phs_report_table_name($self, s, t, row);
    }
    const char *table_label(size_t s, int t, size_t row)
    {
        return phs_report_table_label($self, s, t, row);
    }
    double table_value(size_t s, int t, size_t row, size_t col)
    {
        return phs_report_table_value($self, s, t, row, col);
    }
    /* Why a changed cell of a diff's matrix changes: rules and clauses. */
    size_t cause_count(size_t s, size_t i, size_t j)
    {
        return phs_report_cause_count($self, s, i, j);
    }
    const char *cause_rule(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_cause_rule($self, s, i, j, k);
    }
    const char *cause_old(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_cause_old($self, s, i, j, k);
    }
    const char *cause_new(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_cause_new($self, s, i, j, k);
    }
    double cause_residents(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_cause_residents($self, s, i, j, k);
    }
    size_t clause_count(size_t s, size_t i, size_t j)
    {
        return phs_report_clause_count($self, s, i, j);
    }
    const char *clause(size_t s, size_t i, size_t j, size_t k)
    {
        return phs_report_clause($self, s, i, j, k);
    }
    /* The library's renderings. */
    const char *text() { return phs_report_text($self); }
    const char *json() { return phs_report_json($self); }
}

%inline %{
/* Names of finding kinds, severities and totals (static strings). */
const char *finding_kind_name(int kind) { return phs_finding_kind_name(kind); }
const char *severity_name(int severity) { return phs_severity_name(severity); }
const char *total_name(int which) { return phs_total_name(which); }
%}

/* ------------------------------------------------------------------ */
/* Program versions (effective dates)                                  */
/* ------------------------------------------------------------------ */

%extend PhsRuleset {
    size_t version_count(size_t p) { return phs_ruleset_version_count($self, p); }
    const char *version_name(size_t p, size_t v)
    {
        return phs_ruleset_version_name($self, p, v);
    }
    /* The version of program p used for a visit on `date` (PHS_DATE_NONE:
     * the latest). */
    phs_idx version_at(size_t p, phs_date date)
    {
        return phs_ruleset_version_at($self, p, date);
    }
    size_t version_tier_count(size_t p, size_t v)
    {
        return phs_ruleset_version_tier_count($self, p, v);
    }
    const char *version_tier_id(size_t p, size_t v, size_t t)
    {
        return phs_ruleset_version_tier_id($self, p, v, t);
    }
    size_t version_flag_count(size_t p, size_t v)
    {
        return phs_ruleset_version_flag_count($self, p, v);
    }
    const char *version_flag_id(size_t p, size_t v, size_t f)
    {
        return phs_ruleset_version_flag_id($self, p, v, f);
    }
}
%extend PhsResult {
    int version(size_t p) { return phs_result_version($self, p); }
    const char *version_name(size_t p) { return phs_result_version_name($self, p); }
}

/* ------------------------------------------------------------------ */
/* Population view (population.h): visit histories, indicators         */
/* ------------------------------------------------------------------ */

%newobject PhsPopulation::indicators;
%newobject PhsIndicators::to_json;
%newobject PhsIndicators::to_csv;

/* Visit histories over a ruleset (which the language files keep alive). */
%extend PhsPopulation {
    PhsPopulation(const PhsRuleset *rs)
    {
        phs_population *pop = NULL;
        return phs_population_new(&pop, rs) < 0 ? NULL : pop;
    }
    ~PhsPopulation() { phs_population_free($self); }
    /* Add one visit (the record may be reused at once). */
    phs_rc add(const PhsRecord *rec) { return phs_population_add($self, rec); }
    size_t visit_count() { return phs_population_visit_count($self); }
    size_t resident_count() { return phs_population_resident_count($self); }
    /* The indicators of the visits dated from..to (both included). */
    PhsIndicators *indicators(phs_date from, phs_date to)
    {
        phs_indicators *ind = NULL;
        return phs_population_indicators($self, from, to, &ind) < 0 ? NULL
                                                                     : ind;
    }
}

/* One period's numbers, accessor for accessor (see population.h). */
%extend PhsIndicators {
    ~PhsIndicators() { phs_indicators_free($self); }
    phs_date period_from() { return phs_indicators_from($self); }
    phs_date period_to() { return phs_indicators_to($self); }
    size_t count() { return phs_indicators_count($self); }
    const char *id(size_t i) { return phs_indicators_id($self, i); }
    const char *program(size_t i) { return phs_indicators_program($self, i); }
    const char *title(size_t i, const char *lang)
    {
        return phs_indicators_title($self, i, lang);
    }
    size_t numerator(size_t i) { return phs_indicators_numerator($self, i); }
    size_t denominator(size_t i)
    {
        return phs_indicators_denominator($self, i);
    }
    size_t undecided(size_t i) { return phs_indicators_undecided($self, i); }
    size_t excluded(size_t i) { return phs_indicators_excluded($self, i); }
    double rate(size_t i) { return phs_indicators_rate($self, i); }
    double target(size_t i) { return phs_indicators_target($self, i); }
    size_t cite_count(size_t i) { return phs_indicators_cite_count($self, i); }
    const char *cite(size_t i, size_t c)
    {
        return phs_indicators_cite($self, i, c);
    }
    size_t resident_count(size_t i, int which)
    {
        return phs_indicators_resident_count($self, i, which);
    }
    const char *resident(size_t i, int which, size_t k)
    {
        return phs_indicators_resident($self, i, which, k);
    }
    size_t tier_residents(size_t p, size_t t)
    {
        return phs_indicators_tier_residents($self, p, t);
    }
    size_t transitions(size_t p, size_t from, size_t to)
    {
        return phs_indicators_transitions($self, p, from, to);
    }
    size_t overdue_count() { return phs_indicators_overdue_count($self); }
    const char *overdue_id(size_t k)
    {
        return phs_indicators_overdue_id($self, k);
    }
    int overdue_program(size_t k)
    {
        return phs_indicators_overdue_program($self, k);
    }
    int overdue_tier(size_t k) { return phs_indicators_overdue_tier($self, k); }
    phs_date overdue_due(size_t k)
    {
        return phs_indicators_overdue_due($self, k);
    }
    int overdue_days(size_t k) { return phs_indicators_overdue_days($self, k); }
    /* The `phs report --format json` / `--format csv` renderings. */
    char *to_json()
    {
        char *out = NULL;
        return phs_indicators_to_json($self, &out, NULL) < 0 ? NULL : out;
    }
    char *to_csv()
    {
        char *out = NULL;
        return phs_indicators_to_csv($self, &out, NULL) < 0 ? NULL : out;
    }
}
