/*
 * Private declarations shared by the files of libphs.  Nothing here is
 * exported; internal cross-file functions are named phs__<noun>_<verb>.
 */
#ifndef PHS_PRIVATE_H
#define PHS_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "phs/phs.h"

#if defined(__GNUC__)
#define PHS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PHS_PRINTF(f, a)
#endif

/* ---- alloc.c: every allocation goes through the allocator hook ---- */
void *phs__malloc(size_t n);
void *phs__calloc(size_t n, size_t size);
void *phs__realloc(void *p, size_t n);
void phs__free(void *p);
char *phs__strndup(const char *s, size_t n);
char *phs__strdup(const char *s);

/* An arena: many small allocations freed together.  Used for everything a
 * ruleset owns and for the YAML tree of a load. */
typedef struct phs__arena {
    struct phs__arena_block *head;
} phs__arena;
void *phs__arena_alloc(phs__arena *a, size_t n); /* zeroed, 8-aligned */
char *phs__arena_strndup(phs__arena *a, const char *s, size_t n);
void phs__arena_free(phs__arena *a);

/* ---- error.c: the thread's last error ---- */
int phs__error_set(int code, const char *fmt, ...) PHS_PRINTF(2, 3);
/* A specification error at file:line:column (message prefixed with it). */
int phs__error_at(int code, const char *file, int line, int col,
                  const char *fmt, ...) PHS_PRINTF(5, 6);
/* A record error naming the field and (when > 0) the record number. */
int phs__error_record(int code, const char *field, size_t record,
                      const char *fmt, ...) PHS_PRINTF(4, 5);
int phs__error_vset(int code, const char *file, int line, int col,
                    const char *field, const char *fmt, va_list ap);

/* ---- strbuf.c: growable text buffer; oom is sticky ---- */
typedef struct phs__buf {
    char *p;
    size_t len, cap;
    int oom;
} phs__buf;
void phs__buf_putn(phs__buf *b, const char *s, size_t n);
void phs__buf_puts(phs__buf *b, const char *s);
void phs__buf_putc(phs__buf *b, char c);
void phs__buf_printf(phs__buf *b, const char *fmt, ...) PHS_PRINTF(2, 3);
void phs__buf_json_str(phs__buf *b, const char *s, size_t n); /* quoted */
void phs__buf_free(phs__buf *b);

/* ---- sha256.c ---- */
typedef struct phs__sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char blk[64];
    size_t nblk;
} phs__sha256;
void phs__sha256_init(phs__sha256 *s);
void phs__sha256_update(phs__sha256 *s, const void *data, size_t n);
void phs__sha256_final(phs__sha256 *s, unsigned char out[32]);

/* ---- record.c: locale-independent decimal numbers ---- */
int phs__parse_decimal(const char *s, size_t len, double *out);


/* ---- yaml_tree.c: libyaml events -> a bounded tree ---- */
typedef enum { PHS__Y_SCALAR, PHS__Y_MAP, PHS__Y_SEQ } phs__ykind;
typedef struct phs__ynode {
    phs__ykind kind;
    int line, col;      /* 1-based */
    int plain;          /* scalar written without quotes */
    const char *str;    /* scalar text (NUL-terminated), else NULL */
    size_t len;
    struct phs__ynode **kids; /* seq: items; map: key0, val0, key1, ... */
    size_t n;                 /* number of entries in kids */
} phs__ynode;
typedef struct phs__limits {
    long file_bytes, yaml_depth, yaml_nodes, expr_depth, regex_match;
} phs__limits;
int phs__yaml_parse(phs__ynode **out, phs__arena *arena, const char *file,
                    const char *text, size_t len, const phs__limits *lim);
/* Canonical form for the fingerprint: keys sorted, numbers normalised. */
void phs__yaml_canon(phs__buf *b, const phs__ynode *n);
/* Map lookup by key; NULL if absent. */
const phs__ynode *phs__ymap_get(const phs__ynode *map, const char *key);

/* ---- values and expressions ---- */
typedef enum {
    PHS__T_NUM = 0,
    PHS__T_BOOL,
    PHS__T_STR,  /* strings and enum values (compared as text) */
    PHS__T_DATE,
    PHS__T_LIST, /* list of strings (codes field or constant list) */
    PHS__T_NUMLIST
} phs__vtype;

typedef struct phs__str {
    const char *p;
    uint32_t n;
} phs__str;

typedef struct phs__val {
    union {
        double n;
        int32_t i; /* bool, date */
        phs__str s;
        struct {
            const phs__str *items;
            uint32_t n;
        } l;
        struct {
            const double *items;
            uint32_t n;
        } nl;
        struct { /* a codes field inside a record: items in rec->codes */
            uint32_t first, count;
        } rl;
    } u;
} phs__val;

typedef struct phs__node phs__node;

/* A compiled expression: a root in the ruleset's node array, its type and
 * the set of input fields it reads (through derived values too). */
typedef struct phs__expr {
    int32_t root;   /* -1: no expression */
    uint8_t type;   /* phs__vtype */
    const uint64_t *refs; /* bitset over field ids, ruleset->nwords words */
} phs__expr;

/* The evaluation scratch of one classification (owned by phs_result). */
typedef struct phs__eval {
    const phs_ruleset *rs;
    const phs_record *rec;
    phs__val *dval;     /* derived values */
    uint8_t *dstate;    /* 0 not computed, 1 known, 2 unknown */
    /* Fields whose absence made an evaluation unknown.  Only an undecided
     * condition needs them, so it is evaluated again with track set: every
     * read of an absent "unknown" field marks it, and an operator whose
     * result is known anyway (and, or, if, ??) takes its marks back, so what
     * remains is what the decision actually lacked. */
    uint64_t *miss;     /* nwords */
    int track;
    phs__val loc[16];   /* quantifier loop variables */
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* match limit; owned by the ruleset */
    int regex_error;    /* a match hit a limit (result: unknown) */
} phs__eval;

/* Evaluate; returns 1 known (value in *out), 0 unknown. */
int phs__expr_eval(phs__eval *ev, int32_t node, phs__val *out);
/* phs__expr_test (expr.h): evaluate a boolean: 1 true, 0 false, -1 unknown. */

/* Compilation scope: resolves names while compiling one expression:
 * loop variables, then the program's parameters and derived values, then
 * shared derived values, then fields. */
typedef struct phs__scope {
    int program;              /* -1: the dictionary (shared derived, checks) */
    const struct phs__param *params;
    size_t nparams;
} phs__scope;
int phs__expr_compile(phs_ruleset *rs, const phs__scope *scope,
                      const char *file, const phs__ynode *src,
                      phs__expr *out);

/* ---- ruleset internals ---- */
typedef struct phs__field {
    const char *name;
    int type;             /* phs_type */
    int absent_default;   /* 1: absent = not observed (default value) */
    int has_range;
    double lo, hi;
    const char **values;  /* enum values */
    size_t nvalues;
    const char *label, *label_en, *unit, *element;
} phs__field;

typedef struct phs__check {
    const char *id, *message;
    int field;
    phs__expr when;
} phs__check;

typedef struct phs__derived {
    const char *name;
    int program;      /* -1 shared */
    phs__expr expr;
} phs__derived;

typedef struct phs__clause {
    const char *id, *source, *section, *text, *tag, *confidence, *reference;
    int provisional;
} phs__clause;

typedef struct phs__rule {
    const char *id;           /* "tier.controlled", "flag.x", "eligibility" */
    phs__expr when;
    const phs__clause **cites;
    size_t ncites;
    int provisional;
    const char **actions;
    size_t nactions;
} phs__rule;

typedef struct phs__tier {
    phs__rule r;
    const char *name;
    int level;
    const char *code;
    int referral;
    int ivl_n;           /* interval amount */
    char ivl_unit;       /* 'd' days, 'm' months */
    const char *ivl_text;
    phs__expr from;      /* root -1: visit_date */
    int window_days;     /* earliest = due - window; -1: earliest = from */
} phs__tier;

typedef struct phs__flag {
    phs__rule r;
    const char *name;
    int enrolled;        /* -1 any, 0 only non-enrolled, 1 only enrolled */
} phs__flag;

typedef struct phs__yearly {
    const char *id, *what;
    int min;
    uint64_t tiers;      /* 0: all tiers, else mask of tier indexes */
    const phs__clause **cites;
    size_t ncites;
} phs__yearly;

struct phs__param {
    const char *name;
    uint8_t type;
    phs__val value;
    const char *text;    /* value as written (after override) */
};
typedef struct phs__param phs__param;

typedef struct phs__example {
    const char *id, *file;
    const phs__ynode *node;   /* the whole example mapping */
} phs__example;

typedef struct phs__program {
    const char *id, *version, *status, *title_zh, *title_en, *file;
    phs_date eff_from, eff_to;
    phs__clause *clauses;
    size_t nclauses;
    phs__param *params;
    size_t nparams;
    phs__rule elig;
    phs__tier *tiers;
    size_t ntiers;
    phs__flag *flags;
    size_t nflags;
    phs__yearly *yearly;
    size_t nyearly;
    phs__example *examples;
    size_t nexamples;
    /* Effective dates: a program id may be loaded in several versions with
     * non-overlapping effective ranges ([eff_from, eff_to], eff_to
     * inclusive, PHS_DATE_NONE = open).  Every loaded version is one
     * phs__program in ruleset->allvers; ruleset->programs[p] (the public
     * index) is a copy of the latest version whose vers[] lists all of
     * them by eff_from. */
    struct phs__program **vers;
    size_t nvers;
    const phs__ynode *root;     /* the spec file's YAML tree */
    char fingerprint[72];       /* dictionary + this file + its overrides */
} phs__program;

struct phs_ruleset {
    phs__arena arena;
    phs__limits lim;
    char fingerprint[72];
    phs__field *fields;
    size_t nfields, nwords;
    int f_id, f_visit_date;  /* well-known field ids (-1 if absent) */
    phs__check *checks;
    size_t nchecks;
    phs__derived *derived;
    size_t nderived, derived_cap;
    phs__program *programs;     /* one per program id (public index) */
    size_t nprograms;
    phs__program *allvers;      /* every loaded version, in file order */
    size_t nallvers;
    phs__node *nodes;
    size_t nnodes, nodes_cap;
    pcre2_code **regex;
    size_t nregex, regex_cap;
    uint32_t max_ovector;
    pcre2_match_context *mctx;
    /* sources kept to recompile with other parameters (examples) */
    char **src_names, **src_texts;
    size_t *src_lens, nsrc;
    char **overrides;      /* "program.name=value" strings, as given */
    size_t noverrides;
};

struct phs_ruleset_options {
    phs__limits lim;
    char **overrides;
    size_t noverrides;
};

/* Record slots are indexed by field id. */
struct phs_record {
    const phs_ruleset *rs;
    phs__val *vals;
    uint64_t *present;      /* bitset: field set */
    char *text;             /* string storage (offsets in vals) */
    size_t text_len, text_cap;
    phs__str *codes;        /* list items (offsets into text) */
    size_t ncodes, codes_cap;
    uint32_t *list_off;     /* per field: first item in codes */
};

static inline int phs__record_has(const phs_record *rec, int field)
{
    return (int)((rec->present[field / 64] >> (field % 64)) & 1);
}

/* A field's value for evaluation (strings, enums and lists resolved; the
 * "not observed" value when absent). */
void phs__record_field(const phs_record *rec, int field, phs__val *out);


typedef struct phs__pout {
    uint8_t outcome;      /* phs_outcome */
    int8_t enrolled;      /* 1, 0, -1 undecided */
    uint8_t ver;          /* index of the version used (program->vers) */
    uint8_t in_force;     /* the visit date is inside its effective range */
    int16_t tier;         /* index, -1 none */
    phs_date due, earliest;
    uint64_t flags, undecided;
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

/* Fields per dictionary (missing-field marks are saved on the C stack). */
#define PHS__MAX_FIELDS 512

/* Programs per ruleset (the plan keeps a 32-bit mask of programs). */
#define PHS__MAX_PROGRAMS 32

/* Program versions (spec files) per ruleset. */
#define PHS__MAX_VERSIONS 255

/* spec.c: compile one program spec / the dictionary into the ruleset. */
int phs__spec_load_fields(phs_ruleset *rs, const char *file,
                          const phs__ynode *root);
int phs__spec_load_program(phs_ruleset *rs, const char *file,
                           const phs__ynode *root, char **overrides,
                           size_t noverrides, uint8_t *override_used);

/* Build a ruleset from texts with explicit overrides (used by examples). */
int phs__ruleset_build(phs_ruleset **out, const char *const *names,
                       const char *const *texts, const size_t *lens,
                       size_t count, const phs__limits *lim,
                       char *const *overrides, size_t noverrides);


/* ---- examples.c: one embedded example, classified (coverage.c) ---- */
typedef struct phs__exrun {
    phs_ruleset *var;        /* rule set with the example's parameters */
    const phs_ruleset *rs;   /* var or the base */
    phs_record *rec;
    phs_result *res;
    int refused;             /* a record check refused the input */
    int failed;              /* the result differs from the expectation */
} phs__exrun;
int phs__example_run(const phs_ruleset *base, size_t p, size_t v,
                     const phs__example *ex, phs__exrun *out);
void phs__example_done(phs__exrun *r);

/* ---- effective dates (classify.c) ---- */
/* The version of program p in force on `date` (index into vers); when none
 * is, the latest that started before the date, else the first.  *in_force
 * (may be NULL) says whether the date is inside the version's range. */
int phs__version_at(const phs__program *p, phs_date date, int *in_force);
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
