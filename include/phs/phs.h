/*
 * libphs — China's national basic public health service rules as a library.
 *
 * This is the runtime API: load rules, fill records, classify, read results.
 * The regulator analyses (verify, diff, coverage, strict checks) are in
 * <phs/analysis.h>, which includes this header.  Conventions, stated once
 * here and relied on by every declaration in both headers:
 *
 *  - Every object is an opaque handle (phs_ruleset, phs_record, phs_result,
 *    phs_reader, phs_error) created and freed by the library.  Each free
 *    function accepts NULL and does nothing then.
 *  - Every fallible function returns an int: PHS_OK (0) on success, a
 *    negative phs_status on failure.  On failure, phs_error_last() returns the
 *    calling thread's error object with a message and, where it applies, the
 *    file, line, column, field and record it concerns.
 *  - Strings returned as `const char *` are borrowed.  Names (program, tier,
 *    flag, action, reason, clause, field and version ids, titles, spec
 *    versions, fingerprints) read from a ruleset, a record or a result are
 *    the ruleset's strings, valid for the ruleset's lifetime whichever of
 *    them returned them; a report's strings, names included, are the
 *    report's (<phs/analysis.h>: until phs_report_free); other strings stay
 *    valid as long as the object they were read from (a result's id until its
 *    next classification).  Strings returned through `char **out` are owned
 *    by the caller and are released with phs_free().
 *  - Threads: a phs_ruleset is immutable after loading and may be shared by
 *    any number of threads (its one mutable part, the columnar programs
 *    phs_classify_columns caches in it, is behind a lock).  A phs_record, phs_result and phs_reader belong to
 *    one thread at a time.  There is no mutable global state except the
 *    allocator, which is set (if at all) before any other call.
 *  - Indexes have one type, size_t: every program, tier, flag, version,
 *    item or example index passed in runs 0..count-1 (a count is a size_t
 *    too), and a bad one gives NULL, 0 or PHS_EINVAL, never undefined
 *    behaviour.  A lookup that can fail (phs_ruleset_program_index,
 *    phs_ruleset_field_id, phs_result_tier_index, phs_ruleset_version_at)
 *    returns int under the status convention: the index, or a negative
 *    phs_status; cast it to size_t once checked.  The exception, kept for
 *    the 0.1 ABI: a field id is passed as the int phs_ruleset_field_id
 *    returned (phs_record_set_*, phs_column.field).  The bindings map the
 *    int lookups to an index or an exception.
 *  - Dates are phs_date: days since 1970-01-01 in the proleptic Gregorian
 *    calendar.
 */
#ifndef PHS_PHS_H
#define PHS_PHS_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(PHS_BUILDING)
#define PHS_EXTERN(type) __declspec(dllexport) type
#elif defined(__GNUC__)
#define PHS_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define PHS_EXTERN(type) type
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Version                                                             */
/* ------------------------------------------------------------------ */

/* PHS_VERSION, PHS_VERSION_MAJOR/_MINOR/_PATCH and PHS_VERSION_NUMBER:
 * the version of the headers this program was compiled against, generated
 * from the project version. */
#include "phs/version.h"

/** The version of the library actually linked, as "X.Y.Z"; static string. */
PHS_EXTERN(const char *) phs_version(void);
/** The linked library's PHS_VERSION_NUMBER; compare with the macro to detect
 *  a header/library mismatch. */
PHS_EXTERN(int) phs_version_number(void);

/* ------------------------------------------------------------------ */
/* Status codes and errors                                             */
/* ------------------------------------------------------------------ */

/** Status codes returned by fallible calls.  0 is success; all errors are
 *  negative so that `if (phs_x(...) < 0)` is the idiom. */
typedef enum phs_status {
    PHS_OK = 0,
    PHS_ERROR = -1,     /**< generic failure (see the message) */
    PHS_ENOMEM = -2,    /**< an allocation failed; nothing was changed */
    PHS_EINVAL = -3,    /**< a bad argument (NULL handle, bad index, ...) */
    PHS_EIO = -4,       /**< a file could not be opened or read */
    PHS_ESPEC = -5,     /**< a rule specification is invalid (has position) */
    PHS_ERECORD = -6,   /**< a resident record value is invalid (names field) */
    PHS_ENOTFOUND = -7, /**< a name (field, program, parameter) is unknown */
    PHS_ELIMIT = -8,    /**< a resource limit was exceeded (size, depth, ...) */
    PHS_EOF = -9        /**< phs_reader_next: no more records */
} phs_status;

/** An error: code, message and, where known, where it happened. */
typedef struct phs_error phs_error;

/** The calling thread's most recent error.  Never NULL: when no error has
 *  happened on this thread, an error with code PHS_OK and an empty message.
 *  Borrowed; valid until the next libphs call on the same thread. */
PHS_EXTERN(const phs_error *) phs_error_last(void);
/** Reset the calling thread's error to PHS_OK. */
PHS_EXTERN(void) phs_error_clear(void);
/** The error's status code. */
PHS_EXTERN(int) phs_error_code(const phs_error *err);
/** The human-readable message; never NULL.  For specification errors it is
 *  already prefixed "file:line:column: ". */
PHS_EXTERN(const char *) phs_error_message(const phs_error *err);
/** The file (or source name) the error is in, or NULL. */
PHS_EXTERN(const char *) phs_error_file(const phs_error *err);
/** 1-based line, or 0 when there is no position. */
PHS_EXTERN(int) phs_error_line(const phs_error *err);
/** 1-based column (in characters), or 0 when there is no position. */
PHS_EXTERN(int) phs_error_column(const phs_error *err);
/** The input field the error is about (record errors), or NULL. */
PHS_EXTERN(const char *) phs_error_field(const phs_error *err);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

/** Allocator hooks.  All three functions must be given.  `ud` is passed
 *  back unchanged.  realloc_fn(ud, NULL, n) must behave as malloc. */
typedef struct phs_allocator {
    void *(*malloc_fn)(void *ud, size_t size);
    void *(*realloc_fn)(void *ud, void *ptr, size_t size);
    void (*free_fn)(void *ud, void *ptr);
    void *ud;
} phs_allocator;

/** Replace the allocator used for libphs's own allocations and PCRE2's (a
 *  rule set gives PCRE2 a general context that calls it, for compiling,
 *  JIT-compiling and matching), or restore the C library's with NULL.  Not
 *  covered: libyaml, which has no allocator hook, allocates with malloc
 *  while rule files are parsed (during phs_ruleset_load_*; loading the
 *  bundled rules/ makes about 24,500 such allocations, ~91% of that load's
 *  heap allocations) and while a phs_reader reads a JSON/YAML array input;
 *  and the C library's own (fopen, opendir).  Call before any
 *  other libphs call (or when no libphs object is alive); it is not
 *  thread-safe.  The struct is copied.
 *  @return PHS_OK, or PHS_EINVAL if a function pointer is missing. */
PHS_EXTERN(int) phs_allocator_set(const phs_allocator *alloc);

/** Release a string or buffer that libphs returned as owned by the caller
 *  (e.g. from phs_result_to_json).  NULL is a no-op. */
PHS_EXTERN(void) phs_free(void *ptr);

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

/** A calendar date as days since 1970-01-01 (negative before). */
typedef int32_t phs_date;

/** Marks "no date" in results (e.g. a program with no due date). */
#define PHS_DATE_NONE INT32_MIN

/** Make a date from year, month (1-12) and day (1-31).
 *  @return PHS_OK, or PHS_EINVAL for an impossible date (2023-02-29) or a
 *  year outside 1..9999. */
PHS_EXTERN(int) phs_date_make(phs_date *out, int year, int month, int day);
/** Split a date into year, month and day.  Any output may be NULL. */
PHS_EXTERN(void) phs_date_split(phs_date date, int *year, int *month,
                                int *day);
/** Parse exactly "YYYY-MM-DD".
 *  @return PHS_OK or PHS_EINVAL (malformed or impossible date). */
PHS_EXTERN(int) phs_date_parse(phs_date *out, const char *text, size_t len);
/** Format as "YYYY-MM-DD" into buf (at least 11 bytes, NUL-terminated).
 *  PHS_DATE_NONE formats as the empty string. */
PHS_EXTERN(void) phs_date_format(phs_date date, char buf[11]);
/** Add n calendar months; the day is clamped to the end of the target month
 *  (2024-01-31 + 1 month = 2024-02-29). */
PHS_EXTERN(phs_date) phs_date_add_months(phs_date date, int months);
/** Whole years of age on `at` for someone born on `birth` (a birthday of
 *  29 February falls on 1 March in common years).  Negative if at < birth. */
PHS_EXTERN(int) phs_date_age(phs_date birth, phs_date at);

/* ------------------------------------------------------------------ */
/* JSON text                                                           */
/* ------------------------------------------------------------------ */

/** Room phs_number_format needs, NUL included. */
#define PHS_NUMBER_BUFSIZE 32

/** Format a number as JSON: the shortest decimal that reads back as exactly
 *  `value` (e.g. 0.85, 140, 1e-7, 1.5e+300), with a '.' and no grouping
 *  under every locale (the digits are generated by libphs, not printf);
 *  -0 formats as "-0", NaN and infinities as "null".  Writes at most
 *  PHS_NUMBER_BUFSIZE bytes, NUL-terminated.  Thread-safe; no allocation.
 *  @return the length written, NUL excluded. */
PHS_EXTERN(size_t) phs_number_format(double value, char buf[PHS_NUMBER_BUFSIZE]);
/** Quote `len` bytes of `text` as a JSON string, like snprintf: writes at
 *  most `size` bytes (NUL-terminated when size > 0) into buf and returns
 *  the length the whole quoted string needs, NUL excluded, so a return
 *  value >= size means the output was cut.  The result is always valid
 *  UTF-8: '"', '\\' and control characters are escaped, and each invalid
 *  UTF-8 sequence is replaced by U+FFFD, in which case *replaced (when not
 *  NULL) is set to 1, else 0.  text may be NULL when len is 0.
 *  Thread-safe; no allocation. */
PHS_EXTERN(size_t) phs_json_quote(char *buf, size_t size, const char *text,
                                  size_t len, int *replaced);

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */
/* ------------------------------------------------------------------ */

/** A loaded, compiled, immutable set of program specifications with their
 *  field dictionary.  Thread-safe to share once loaded. */
typedef struct phs_ruleset phs_ruleset;

/** Loading options (parameter overrides, limits).  Opaque; build with
 *  phs_ruleset_options_new and the setters below. */
typedef struct phs_ruleset_options phs_ruleset_options;

/** Resource limits applied while loading specifications. */
typedef enum phs_limit {
    PHS_LIMIT_FILE_BYTES = 0,  /**< largest spec file (default 1 MiB) */
    PHS_LIMIT_YAML_DEPTH = 1,  /**< deepest YAML nesting (default 64) */
    PHS_LIMIT_YAML_NODES = 2,  /**< YAML nodes per file (default 100000) */
    PHS_LIMIT_EXPR_DEPTH = 3,  /**< deepest expression nesting (default 64) */
    PHS_LIMIT_REGEX_MATCH = 4  /**< PCRE2 match limit (default 100000) */
} phs_limit;

/** Create an options object with defaults.  Free with
 *  phs_ruleset_options_free.  @return PHS_OK or PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_options_new(phs_ruleset_options **out);
/** Free an options object.  NULL is a no-op. */
PHS_EXTERN(void) phs_ruleset_options_free(phs_ruleset_options *opts);
/** Override a policy parameter declared by a spec, by "program.name"
 *  (e.g. "hypertension.bp_target_profile") and its value written as in YAML
 *  ("guideline_2025", "16", "true").  The value is checked when the spec is
 *  loaded: an unknown parameter or a value of the wrong type fails the load
 *  with PHS_ENOTFOUND or PHS_ESPEC.  Strings are copied.
 *  @return PHS_OK, PHS_EINVAL or PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_options_set_param(phs_ruleset_options *opts,
                                              const char *name,
                                              const char *value);
/** Set a loading limit; a value above the built-in hard cap is clamped.
 *  @return PHS_OK or PHS_EINVAL (unknown limit, value < 1). */
PHS_EXTERN(int) phs_ruleset_options_set_limit(phs_ruleset_options *opts,
                                              phs_limit limit, long value);

/** Load every `*.yaml` in a directory: `fields.yaml` (the field dictionary,
 *  required) and one file per program.  Files are read in name order.
 *  Loading is all or nothing: on any error no ruleset is returned.
 *  @param[out] out  the new ruleset; free with phs_ruleset_free.
 *  @param opts      options, or NULL for defaults; not retained.
 *  @return PHS_OK, PHS_EIO, PHS_ESPEC (position in the error), PHS_ELIMIT,
 *  PHS_ENOTFOUND (unknown parameter override) or PHS_ENOMEM. */
PHS_EXTERN(int) phs_ruleset_load_dir(phs_ruleset **out, const char *dir,
                                     const phs_ruleset_options *opts);
/** Load from in-memory texts.  names[i] labels texts[i] in error messages;
 *  the one named "fields.yaml" (by its last path component) is the field
 *  dictionary.  Texts are copied.  Same return codes as phs_ruleset_load_dir.
 */
PHS_EXTERN(int) phs_ruleset_load_texts(phs_ruleset **out,
                                       const char *const *names,
                                       const char *const *texts,
                                       const size_t *lens, size_t count,
                                       const phs_ruleset_options *opts);
/** Free a ruleset.  Every record and result made from it must be freed
 *  first.  NULL is a no-op. */
PHS_EXTERN(void) phs_ruleset_free(phs_ruleset *rs);

/** The directory the bundled rules were installed to (compiled in);
 *  the environment variable PHS_RULES_DIR overrides it.  Static string. */
PHS_EXTERN(const char *) phs_rules_dir_default(void);

/** The rule set's fingerprint: "sha256:" and 64 hex digits over a canonical
 *  form of every loaded file (key order, comments and formatting do not
 *  change it; any value does).  Parameter overrides are part of it; the
 *  embedded `examples:` are not (they test the rules, they do not decide:
 *  phs_ruleset_test reads them). */
PHS_EXTERN(const char *) phs_ruleset_fingerprint(const phs_ruleset *rs);

/** Number of programs loaded. */
PHS_EXTERN(size_t) phs_ruleset_program_count(const phs_ruleset *rs);
/** Program id ("hypertension") of program `p`, or NULL if out of range. */
PHS_EXTERN(const char *) phs_ruleset_program_id(const phs_ruleset *rs,
                                                size_t p);
/** Spec version string of program `p`, or NULL. */
PHS_EXTERN(const char *) phs_ruleset_program_version(const phs_ruleset *rs,
                                                     size_t p);
/** Status of program `p`'s spec: "draft", "provisional" or "production". */
PHS_EXTERN(const char *) phs_ruleset_program_status(const phs_ruleset *rs,
                                                    size_t p);
/** Program title in "zh" or "en" (other languages: NULL). */
PHS_EXTERN(const char *) phs_ruleset_program_title(const phs_ruleset *rs,
                                                   size_t p, const char *lang);
/** Index of a program by id, or PHS_ENOTFOUND. */
PHS_EXTERN(int) phs_ruleset_program_index(const phs_ruleset *rs,
                                          const char *id);

/** Number of tiers of program `p` (first-match order), and tier t's id. */
PHS_EXTERN(size_t) phs_ruleset_tier_count(const phs_ruleset *rs, size_t p);
PHS_EXTERN(const char *) phs_ruleset_tier_id(const phs_ruleset *rs, size_t p,
                                             size_t t);
/** Number of flags of program `p`, and flag f's id. */
PHS_EXTERN(size_t) phs_ruleset_flag_count(const phs_ruleset *rs, size_t p);
PHS_EXTERN(const char *) phs_ruleset_flag_id(const phs_ruleset *rs, size_t p,
                                             size_t f);

/** Value types of input fields. */
typedef enum phs_type {
    PHS_TYPE_NUMBER = 0,
    PHS_TYPE_BOOL = 1,
    PHS_TYPE_STRING = 2,
    PHS_TYPE_DATE = 3,
    PHS_TYPE_ENUM = 4,  /**< one of a declared set of strings */
    PHS_TYPE_CODES = 5  /**< a list of code strings (ICD-10, sign codes) */
} phs_type;

/** Number of input fields in the dictionary.  Field ids are 0..count-1. */
PHS_EXTERN(size_t) phs_ruleset_field_count(const phs_ruleset *rs);
/** Resolve a field name to its id, once, before filling records.
 *  @return the id (>= 0), or PHS_ENOTFOUND. */
PHS_EXTERN(int) phs_ruleset_field_id(const phs_ruleset *rs, const char *name);
/** Name of field `id`, or NULL if out of range. */
PHS_EXTERN(const char *) phs_ruleset_field_name(const phs_ruleset *rs,
                                                int id);
/** Type of field `id`, or -1 (PHS_ERROR) if out of range. */
PHS_EXTERN(int) phs_ruleset_field_type(const phs_ruleset *rs, int id);

/* ------------------------------------------------------------------ */
/* Records: one resident, one assessment                               */
/* ------------------------------------------------------------------ */

/** The input of one classification.  Reuse one record per thread: clear,
 *  fill, classify; after its first few uses it no longer allocates. */
typedef struct phs_record phs_record;

/** Create an empty record for a ruleset (which must outlive it).
 *  @return PHS_OK or PHS_ENOMEM. */
PHS_EXTERN(int) phs_record_new(phs_record **out, const phs_ruleset *rs);
/** Free a record.  NULL is a no-op. */
PHS_EXTERN(void) phs_record_free(phs_record *rec);
/** Unset every field. */
PHS_EXTERN(void) phs_record_clear(phs_record *rec);

/* Setters.  Each checks the value against the field's type and valid range
 * from the dictionary.  On PHS_ERECORD the field keeps its previous value and
 * the error names the field.  PHS_EINVAL: unknown field id or wrong type of
 * setter for the field. */

/** Set a number field.  NaN, infinities and out-of-range values are
 *  PHS_ERECORD. */
PHS_EXTERN(int) phs_record_set_number(phs_record *rec, int field, double v);
/** Set a bool field (0 false, anything else true). */
PHS_EXTERN(int) phs_record_set_bool(phs_record *rec, int field, int v);
/** Set a date field. */
PHS_EXTERN(int) phs_record_set_date(phs_record *rec, int field, phs_date v);
/** Set a string or enum field (copied).  An enum value outside the declared
 *  set is PHS_ERECORD. */
PHS_EXTERN(int) phs_record_set_string(phs_record *rec, int field,
                                      const char *s, size_t len);
/** Append a code to a code-list field (copied).  The field becomes present
 *  (an empty list is set with phs_record_set_text(rec, f, "", 0)). */
PHS_EXTERN(int) phs_record_add_code(phs_record *rec, int field, const char *s,
                                    size_t len);
/** Set any field from its text form: numbers as decimal, bools as
 *  true/false/1/0/yes/no, dates as YYYY-MM-DD, code lists separated by ';'
 *  or ','.  Empty text unsets a scalar field and sets an empty list. */
PHS_EXTERN(int) phs_record_set_text(phs_record *rec, int field,
                                    const char *text, size_t len);
/** Whether field `field` is set (1) or absent (0); -1 (PHS_ERROR) for a
 *  bad field id. */
PHS_EXTERN(int) phs_record_has(const phs_record *rec, int field);
/** Mark a field absent. */
PHS_EXTERN(int) phs_record_unset(phs_record *rec, int field);
/** The record's "id" field value, or "" when unset.  Borrowed until the
 *  record is changed. */
PHS_EXTERN(const char *) phs_record_id(const phs_record *rec);

/* ------------------------------------------------------------------ */
/* Classification and results                                          */
/* ------------------------------------------------------------------ */

/** The outcome of one classification: per program, enrolment, tier, due
 *  date, flags, reasons and missing fields; across programs, the merged
 *  follow-up plan.  Reused across classifications without allocating. */
typedef struct phs_result phs_result;

/** Per-program outcome kinds. */
typedef enum phs_outcome {
    PHS_NOT_ENROLLED = 0,     /**< the program does not cover the resident */
    PHS_TIERED = 1,           /**< a tier was decided */
    PHS_INSUFFICIENT_DATA = 2, /**< a needed field is missing (see missing) */
    PHS_UNCLASSIFIED = 3       /**< enrolled, but no tier's condition held:
                                    a gap in the rules, never hidden */
} phs_outcome;

/** Create a result for a ruleset (which must outlive it).
 *  @return PHS_OK or PHS_ENOMEM. */
PHS_EXTERN(int) phs_result_new(phs_result **out, const phs_ruleset *rs);
/** Free a result.  NULL is a no-op. */
PHS_EXTERN(void) phs_result_free(phs_result *res);

/** Classify one record into `res` (overwritten).  Does not allocate.
 *  @return PHS_OK; PHS_ERECORD when a record-level check of the dictionary
 *  fails (e.g. sbp below dbp; the error names the field); PHS_EINVAL when the
 *  handles come from different rulesets. */
PHS_EXTERN(int) phs_classify(const phs_ruleset *rs, const phs_record *rec,
                             phs_result *res);
/** Classify n records in one call.  status[i] (if status is not NULL)
 *  receives each record's return code as phs_classify would give it; a
 *  failing record does not stop the batch.
 *  @return PHS_OK when every record succeeded, PHS_ERECORD when any failed,
 *  PHS_EINVAL for bad arguments. */
PHS_EXTERN(int) phs_classify_batch(const phs_ruleset *rs,
                                   const phs_record *const *recs,
                                   phs_result *const *results, int *status,
                                   size_t n);

/** A column of input values for phs_classify_columns.  `values` points to
 *  n values of the field's natural type; absence is marked in the value:
 *  - number: const double *, NaN = absent;
 *  - bool:   const int8_t *, 0 false, 1 true, -1 absent;
 *  - date:   const phs_date *, PHS_DATE_NONE = absent;
 *  - string, enum: const char *const *, NULL = absent;
 *  - codes:  const char *const *, codes separated by ';' or ',', NULL =
 *    absent ("" = the empty list). */
typedef struct phs_column {
    int field;          /**< field id (phs_ruleset_field_id) */
    const void *values; /**< n values, borrowed for the call */
} phs_column;

/** Classify n residents given as columns, writing compact outputs; for
 *  analysts' data frames and bulk jobs.  For resident i and program p
 *  (k = i * phs_ruleset_program_count(rs) + p), any output may be NULL:
 *  - tier[k]: the tier index (phs_ruleset_tier_id), or PHS_COL_* below;
 *  - next_due[k]: the due date or PHS_DATE_NONE;
 *  - flags[k]: the flag mask (phs_result_flag_mask);
 *  - status[i]: the resident's phs_classify status (PHS_ERECORD for a value
 *    out of range or a failed record check; its outputs are PHS_COL_ERROR).
 *  Cells are read as phs_record_set_text reads text (enum and code texts
 *  trimmed, codes split at ';' and ','); the outputs equal phs_classify's
 *  on the same values.  Several columns of one field: the last one counts.
 *
 *  Speed and threads: the rule set is compiled, at the first call with a
 *  given set of column fields, into a columnar program that classifies
 *  blocks of residents at a time; the program and its working memory are
 *  cached inside the rule set (under a lock, so concurrent calls on one
 *  rule set are safe), and later calls with the same fields allocate
 *  nothing.  To use several threads on one big batch, give each thread a
 *  range of rows [a, b): the same columns with every values pointer
 *  advanced by a elements, n = b - a, and the outputs advanced by a
 *  (status) or a * phs_ruleset_program_count(rs) (tier, next_due, flags).
 *  @return PHS_OK when every resident succeeded, PHS_ERECORD when any
 *  failed (the error names the first such resident), PHS_EINVAL for bad
 *  arguments (a column of an unknown field), PHS_ENOMEM. */
PHS_EXTERN(int) phs_classify_columns(const phs_ruleset *rs, size_t n,
                                     const phs_column *cols, size_t ncols,
                                     int16_t *tier, phs_date *next_due,
                                     uint64_t *flags, int *status);

/** Negative values of phs_classify_columns' tier output. */
#define PHS_COL_NOT_ENROLLED (-1)
#define PHS_COL_INSUFFICIENT_DATA (-2)
#define PHS_COL_UNCLASSIFIED (-3)
#define PHS_COL_ERROR (-4)

/** The id of the classified record (echo of its "id" field, or ""). */
PHS_EXTERN(const char *) phs_result_id(const phs_result *res);
/** Outcome kind for program `p` (index as in phs_ruleset_program_id). */
PHS_EXTERN(int) phs_result_outcome(const phs_result *res, size_t p);
/** Tier id for program `p`; "insufficient_data" or "unclassified" for those
 *  outcomes; NULL when not enrolled. */
PHS_EXTERN(const char *) phs_result_tier(const phs_result *res, size_t p);
/** Index of the tier decided for program `p` (see phs_ruleset_tier_id), or
 *  -1 when the outcome is not PHS_TIERED.  For tallies without strcmp. */
PHS_EXTERN(int) phs_result_tier_index(const phs_result *res, size_t p);
/** Raised flags of program `p` as a bit mask over flag indexes
 *  (bit f = phs_ruleset_flag_id(rs, p, f)). */
PHS_EXTERN(uint64_t) phs_result_flag_mask(const phs_result *res, size_t p);
/** Tier severity level (higher = more urgent), 0 when no tier. */
PHS_EXTERN(int) phs_result_level(const phs_result *res, size_t p);
/** The national follow-up classification code (CV05.10.012) of the
 *  result: the code of the tier's first cause (`codes:`) that holds, else
 *  the tier's `code`; NULL when the tier declares none. */
PHS_EXTERN(const char *) phs_result_code(const phs_result *res, size_t p);
/** Enrolment: 1 enrolled, 0 not, -1 undecided (eligibility needs a missing
 *  field). */
PHS_EXTERN(int) phs_result_enrolled(const phs_result *res, size_t p);
/** Referral required (1) or not (0): by the tier, or by a flag that fired
 *  and declares `referral: true`. */
PHS_EXTERN(int) phs_result_referral(const phs_result *res, size_t p);
/** Next follow-up due date, or PHS_DATE_NONE: the tier's, or the earlier
 *  due date of a flag that fired and declares a `follow_up`. */
PHS_EXTERN(phs_date) phs_result_next_due(const phs_result *res, size_t p);
/** Days by which the next follow-up is overdue: visit date - next due date
 *  when the due date is before the visit, else 0.  The merged plan then
 *  schedules that contact at the visit date. */
PHS_EXTERN(int) phs_result_overdue_days(const phs_result *res, size_t p);
/** Earliest date the next follow-up counts for, or PHS_DATE_NONE. */
PHS_EXTERN(phs_date) phs_result_earliest(const phs_result *res, size_t p);
/** The tier's follow-up interval as text ("14 days", "3 months"), or NULL. */
PHS_EXTERN(const char *) phs_result_interval(const phs_result *res, size_t p);
/** Number of the tier's actions, and action i (e.g. "urgent_referral"). */
PHS_EXTERN(size_t) phs_result_action_count(const phs_result *res, size_t p);
PHS_EXTERN(const char *) phs_result_action(const phs_result *res, size_t p,
                                           size_t i);
/** Number of flags raised for program p, and flag i's id. */
PHS_EXTERN(size_t) phs_result_flag_count(const phs_result *res, size_t p);
PHS_EXTERN(const char *) phs_result_flag(const phs_result *res, size_t p,
                                         size_t i);
/** Reasons: the rules that decided (eligibility, tier, each flag), in
 *  order.  reason i's rule id (e.g. "tier.uncontrolled"), and its citations
 *  as "clause-id" strings. */
PHS_EXTERN(size_t) phs_result_reason_count(const phs_result *res, size_t p);
PHS_EXTERN(const char *) phs_result_reason(const phs_result *res, size_t p,
                                           size_t i);
PHS_EXTERN(size_t) phs_result_reason_cite_count(const phs_result *res,
                                                size_t p, size_t i);
PHS_EXTERN(const char *) phs_result_reason_cite(const phs_result *res,
                                                size_t p, size_t i, size_t c);
/** Flags whose condition could not be decided for lack of data: count, and
 *  flag i's id.  (They are not in the flags above.) */
PHS_EXTERN(size_t) phs_result_undecided_flag_count(const phs_result *res,
                                                   size_t p);
PHS_EXTERN(const char *) phs_result_undecided_flag(const phs_result *res,
                                                   size_t p, size_t i);
/** Missing fields that kept program p's enrolment or tier from being
 *  decided: count, and field i's name (dictionary order). */
PHS_EXTERN(size_t) phs_result_missing_count(const phs_result *res, size_t p);
PHS_EXTERN(const char *) phs_result_missing(const phs_result *res, size_t p,
                                            size_t i);

/** The merged follow-up plan: visits in date order; each serves the
 *  programs due within its window.  Count of visits, visit i's date, and
 *  whether it serves program p (1/0). */
PHS_EXTERN(size_t) phs_result_plan_count(const phs_result *res);
PHS_EXTERN(phs_date) phs_result_plan_date(const phs_result *res, size_t i);
PHS_EXTERN(int) phs_result_plan_serves(const phs_result *res, size_t i,
                                       size_t p);

/** Render the result as one line of JSON (the `phs classify` NDJSON shape,
 *  no trailing newline).
 *  @param[out] out  NUL-terminated text; free with phs_free.
 *  @param[out] len  its length, or NULL.
 *  @return PHS_OK or PHS_ENOMEM. */
PHS_EXTERN(int) phs_result_to_json(const phs_result *res, char **out,
                                   size_t *len);

/* ------------------------------------------------------------------ */
/* Conformance examples embedded in specs                              */
/* ------------------------------------------------------------------ */

/** Called once per embedded example by phs_ruleset_test.  `failure` is NULL
 *  when the example passed, else a message saying what differed. */
typedef void (*phs_example_fn)(void *payload, const char *program,
                               const char *example_id, const char *failure);

/** Run every embedded example of every program and report each through
 *  `fn` (may be NULL).  A load keeps the examples as text: they are parsed
 *  and checked here (into memory of this call: the rule set is not
 *  modified, so concurrent calls on one rule set are safe).  Examples that override parameters are run against a
 *  ruleset recompiled with those parameters.
 *  @param[out] failed  number of failing examples (may be NULL).
 *  @return PHS_OK when the examples could be run (even if some failed), or
 *  an error (PHS_ENOMEM, PHS_ESPEC for an example that cannot be read). */
PHS_EXTERN(int) phs_ruleset_test(const phs_ruleset *rs, phs_example_fn fn,
                                 void *payload, size_t *failed,
                                 size_t *total);

/* ------------------------------------------------------------------ */
/* Reading residents from text                                         */
/* ------------------------------------------------------------------ */

/** Input formats understood by phs_reader. */
typedef enum phs_format {
    PHS_FORMAT_AUTO = 0,   /**< guess from the first non-blank byte */
    PHS_FORMAT_NDJSON = 1, /**< one JSON object per line */
    PHS_FORMAT_ARRAY = 2,  /**< one JSON or YAML sequence of mappings */
    PHS_FORMAT_CSV = 3     /**< header row of field names; lists split by ';' */
} phs_format;

/** A streaming reader of resident records. */
typedef struct phs_reader phs_reader;

/** Open a reader over a file path ("-" is standard input).
 *  @return PHS_OK, PHS_EIO or PHS_ENOMEM. */
PHS_EXTERN(int) phs_reader_open(phs_reader **out, const phs_ruleset *rs,
                                const char *path, phs_format fmt);
/** Open a reader over a buffer (copied). */
PHS_EXTERN(int) phs_reader_open_buffer(phs_reader **out,
                                       const phs_ruleset *rs,
                                       const char *data, size_t len,
                                       phs_format fmt);
/** Free a reader.  NULL is a no-op. */
PHS_EXTERN(void) phs_reader_free(phs_reader *rd);
/** Read the next record into rec (cleared first).
 *  @return PHS_OK; PHS_EOF at the end; PHS_ERECORD for a record that could
 *  not be read (the error names the field and position; the reader has moved
 *  past it, so the caller may continue); PHS_ELIMIT for a record over a
 *  reader limit (1 MiB, nesting deeper than 64), also moved past;
 *  PHS_ENOMEM (CSV and NDJSON: moved past the record); PHS_ESPEC for input
 *  that cannot be read further (e.g. broken CSV header); PHS_EIO. */
PHS_EXTERN(int) phs_reader_next(phs_reader *rd, phs_record *rec);
/** 1-based number of the record last returned (or failed). */
PHS_EXTERN(size_t) phs_reader_record_number(const phs_reader *rd);
/** The id of the record last returned or failed, when it could be read,
 *  else "". */
PHS_EXTERN(const char *) phs_reader_record_id(const phs_reader *rd);
/** Bytes consumed so far and total bytes (0 if unknown), for progress. */
PHS_EXTERN(void) phs_reader_progress(const phs_reader *rd, size_t *done,
                                     size_t *total);

/* ------------------------------------------------------------------ */
/* Effective dates: several versions of one program                    */
/* ------------------------------------------------------------------ */

/* A rule directory may hold several spec files of one program (same
 * `program:` id) whose `effective: {from, to}` ranges do not overlap
 * (`to` is the last day in force; overlapping ranges fail the load with
 * PHS_ESPEC).  Each classification uses, per program, the version in force
 * on the record's visit_date; when no version is in force on that date,
 * the latest version that started before it (or, before every version, the
 * first) is used and the result says it was not in force.  The program
 * accessors above (phs_ruleset_program_version, _tier_count, _tier_id,
 * _flag_count, _flag_id) describe the latest version; a result's tier
 * index and flag mask (phs_result_tier_index, phs_result_flag_mask) index
 * the version it used (phs_result_version). */

/** Number of loaded versions of program p (>= 1), ordered by effective
 *  start date; 0 for a bad index. */
PHS_EXTERN(size_t) phs_ruleset_version_count(const phs_ruleset *rs, size_t p);
/** The spec version string ("2017.1") of version v of program p, or NULL. */
PHS_EXTERN(const char *) phs_ruleset_version_name(const phs_ruleset *rs,
                                                  size_t p, size_t v);
/** Effective range of version v: first and last day in force (to is
 *  PHS_DATE_NONE when open).  Either output may be NULL.
 *  @return PHS_OK or PHS_EINVAL. */
PHS_EXTERN(int) phs_ruleset_version_effective(const phs_ruleset *rs,
                                              size_t p, size_t v,
                                              phs_date *from, phs_date *to);
/** Fingerprint of one program version: "sha256:" and 64 hex digits over
 *  the canonical form of the field dictionary, of the version's spec file
 *  (without its examples) and of the parameter overrides addressed to the
 *  program.  Results name
 *  it, so that a decision can be replayed with exactly that version. */
PHS_EXTERN(const char *) phs_ruleset_version_fingerprint(
    const phs_ruleset *rs, size_t p, size_t v);
/** Index of the version of program p used for a visit on `date` (see
 *  above), or PHS_EINVAL. */
PHS_EXTERN(int) phs_ruleset_version_at(const phs_ruleset *rs, size_t p,
                                       phs_date date);
/** Tiers and flags of one version (first-match order). */
PHS_EXTERN(size_t) phs_ruleset_version_tier_count(const phs_ruleset *rs,
                                                  size_t p, size_t v);
PHS_EXTERN(const char *) phs_ruleset_version_tier_id(const phs_ruleset *rs,
                                                     size_t p, size_t v,
                                                     size_t t);
PHS_EXTERN(size_t) phs_ruleset_version_flag_count(const phs_ruleset *rs,
                                                  size_t p, size_t v);
PHS_EXTERN(const char *) phs_ruleset_version_flag_id(const phs_ruleset *rs,
                                                     size_t p, size_t v,
                                                     size_t f);

/** The version of program p the last classification used (index for the
 *  accessors above), or PHS_EINVAL. */
PHS_EXTERN(int) phs_result_version(const phs_result *res, size_t p);
/** Its spec version string and fingerprint, or NULL.
 *  The JSON rendering carries them per program as "spec_version" and
 *  "spec_fingerprint", with "spec_effective" and "spec_in_force". */
PHS_EXTERN(const char *) phs_result_version_name(const phs_result *res,
                                                 size_t p);
PHS_EXTERN(const char *) phs_result_version_fingerprint(const phs_result *res,
                                                        size_t p);
/** 1 when the visit date lies inside the used version's effective range,
 *  0 when it does not (or there was no visit date). */
PHS_EXTERN(int) phs_result_version_in_force(const phs_result *res, size_t p);

#ifdef __cplusplus
}
#endif

#endif /* PHS_PHS_H */
