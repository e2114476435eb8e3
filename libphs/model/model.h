/*
 * The compiled rule set: the one data structure every stage after loading
 * reads.  Values, the expression instruction set (nodes in one array owned
 * by the rule set, children before parents, indexes not pointers), the
 * field dictionary, programs with their tiers, flags and clauses, and the
 * record layout (slots indexed by field id).  Types only: spec/ builds it,
 * expr/ compiles into it and evaluates it, run/ classifies with it.
 */
#ifndef PHS__MODEL_H
#define PHS__MODEL_H

#include <stdint.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../base/yaml.h"

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


/* A compiled expression: a root in the ruleset's node array, its type and
 * the set of input fields it reads (through derived values too). */
typedef struct phs__expr {
    int32_t root;   /* -1: no expression */
    uint8_t type;   /* phs__vtype */
    const uint64_t *refs; /* bitset over field ids, ruleset->nwords words */
} phs__expr;

/* ORDER OP: keep expr/eval.c's switch in the same order. */
typedef enum {
    OP_CONST,     /* k */
    OP_FIELD,     /* a = field id */
    OP_DERIVED,   /* a = derived index */
    OP_LOCAL,     /* a = loop slot */
    OP_NOT,       /* a */
    OP_AND,       /* a, b (Kleene) */
    OP_OR,        /* a, b (Kleene) */
    OP_NEG,       /* a */
    OP_ARITH,     /* a, b; sub = '+', '-', '*', '/'; on numbers */
    OP_DATE_ADD,  /* a date, b days (sub '+' or '-') */
    OP_DATE_DIFF, /* a - b in days */
    OP_CMP,       /* a, b; sub = CMP_*; type of operands in c */
    OP_CMPF,      /* field a (number) against constant k.n; sub = CMP_* */
    OP_IN_CONST,  /* a in constant list k */
    OP_IN_LIST,   /* string a in list b */
    OP_MATCH,     /* a matches regex c */
    OP_IF,        /* a ? b : c */
    OP_COALESCE,  /* a ?? b */
    OP_KNOWN,     /* known(a) */
    OP_AGE_AT,    /* age_at(a, b) */
    OP_ADD_MONTHS,/* add_months(a, b) */
    OP_LEN,       /* len(a) */
    OP_MINMAX,    /* sub 'm' min, 'M' max */
    OP_ABS,       /* abs(a) */
    OP_HAS_CODE,  /* has_code(list a, constant prefixes k) */
    OP_QUANT,     /* any/all/count: list a, predicate b, slot c; sub 'a','l','c' */
    OP_CMPE,      /* enum field a ==/!= value index k.u.i; sub = CMP_EQ/NE */
    OP_INE,       /* enum field a in the value set k.u.i (bit mask) */
    OP_CMPFF,     /* number fields a, b compared; sub = CMP_* */
    OP_CMPD       /* number derived value a against constant k.n; sub = CMP_* */
} phs__op;

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

typedef struct phs__node {
    uint8_t op, type, sub, pad;
    int32_t a, b, c;
    phs__val k;
} phs__node;


/* ---- the rule set ---- */
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

/* A tier's national follow-up classification code per cause (`codes:`):
 * the first case whose condition holds gives the code, else tier->code. */
typedef struct phs__code_case {
    const char *code;
    phs__expr when;
} phs__code_case;

typedef struct phs__tier {
    phs__rule r;
    const char *name;
    int level;
    const char *code;
    phs__code_case *cases;
    size_t ncases;
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
    /* For an enrolled resident the flag may refer and schedule a contact:
     * the program's referral and due date then take it into account
     * (referral: or; due, earliest: the earlier). has_follow_up 0: none. */
    int referral;
    int has_follow_up;
    int ivl_n;
    char ivl_unit;
    phs__expr from;      /* root -1: visit_date */
    int window_days;
} phs__flag;

typedef struct phs__yearly {
    const char *id, *what;
    int min;
    uint64_t tiers;      /* 0: all tiers, else mask of tier indexes */
    phs__expr when;      /* root -1: none.  With tiers and/or when, the
                            requirement applies when the tier is listed or
                            when holds */
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
    phs__ypart examples;        /* parsed on demand: phs__examples_parse */
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

/* A performance indicator (an indicator file's `indicators:` entry, see
 * docs/spec-format.md "Indicators"); population/ computes it. */
typedef struct phs__indicator {
    const char *id, *title_zh, *title_en, *file;
    int program;          /* public program index, -1: not per program */
    int all_residents;    /* denominator: 1 every resident, 0 enrolled */
    phs__expr where;      /* on the resident's latest record (root -1: none) */
    uint64_t reached;     /* tiers (latest version) one visit must reach; 0 */
    phs__expr visit_where;/* numerator: visits counted (root -1: every one) */
    int visit_min;        /* -1: no visit count */
    int due_dates_met;    /* numerator: every due date in the period met */
    phs__expr latest;     /* numerator: on the latest record (root -1) */
    int date_field;       /* numerator: a date field inside the period, -1 */
    double target;        /* NaN: none */
    const phs__clause **cites;
    size_t ncites;
} phs__indicator;

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
    pcre2_general_context *gctx; /* PCRE2's allocations through the hook */
    /* sources kept to recompile with other parameters (examples) */
    char **src_names, **src_texts;
    size_t *src_lens, nsrc;
    char **overrides;      /* "program.name=value" strings, as given */
    size_t noverrides;
    phs__indicator *indicators; /* from the indicator files, in load order */
    size_t nindicators;
    /* vm/cache.c: programs compiled for column layouts, built at first use
     * under that file's lock (the only part of a loaded rule set that
     * changes) */
    struct phs__vmcache *vm;
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
};

static inline int phs__record_has(const phs_record *rec, int field)
{
    return (int)((rec->present[field / 64] >> (field % 64)) & 1);
}

/* Fields per dictionary (missing-field marks are saved on the C stack). */
#define PHS__MAX_FIELDS 512

/* Programs per ruleset (the plan keeps a 32-bit mask of programs). */
#define PHS__MAX_PROGRAMS 32

/* Program versions (spec files) per ruleset. */
#define PHS__MAX_VERSIONS 255

/* ---- model.c: queries on the model ---- */
/* A PCRE2 general context whose allocations go through the allocator hook
 * (phs__malloc/phs__free): every compile, match and JIT context and match
 * data of a rule set is made from it.  NULL when out of memory. */
pcre2_general_context *phs__pcre2_context_new(void);
/* A field's value for evaluation (strings, enums and lists resolved; the
 * "not observed" value when absent). */
void phs__record_field(const phs_record *rec, int field, phs__val *out);
/* The index of enum field fd's value spelt s[0..len), or -1. */
int phs__field_enum_index(const phs__field *fd, const char *s, size_t len);
/* The version of program p in force on `date` (index into vers); when none
 * is, the latest that started before the date, else the first.  *in_force
 * (may be NULL) says whether the date is inside the version's range. */
int phs__version_at(const phs__program *p, phs_date date, int *in_force);

#endif
