/*
 * The columnar engine: a rule set compiled, for one column layout, into a
 * flat register program that classifies blocks of residents at a time.
 *
 *   compile.c  expression nodes -> register operations: fields absent from
 *              the layout become constants, constants are folded (a record
 *              check or rule that cannot fire disappears), equal operations
 *              are shared across programs and versions, code-list tests
 *              become bits of one mask per resident, and first-match tiers,
 *              due dates and flags become operations on per-program outputs.
 *              Registers are reused once their last reader has run.
 *   exec.c     the block loop: decode and validate the caller's columns,
 *              run the operations (each over a whole block), select the
 *              program version per resident and write the outputs.
 *   cache.c    compiled programs cached in the rule set per layout, with
 *              their scratch memory; the lock, the public entry point.
 *
 * Every register holds a block of residents: a double value column (numbers,
 * dates, enum indexes), a byte value column (booleans) and a byte "known"
 * column (three-valued logic).  The tree evaluator (expr/eval.c) is the
 * reference; operations the engine has no kernel for (regexes, string
 * comparisons, general quantifiers) are evaluated by it per resident.
 */
#ifndef PHS__VM_H
#define PHS__VM_H

#include "../expr/expr.h"

/* Residents per block. */
#define PHS__VM_LANES 256

/* Operations.  d: destination register; a, b, c: source registers unless
 * said otherwise. */
typedef enum {
    V_LOAD,      /* field a's column (number, bool, date, enum index) */
    V_DEFAULT,   /* a, absent = known 0 (fields "not observed" when absent) */
    V_CODEBIT,   /* codes field a: bit b of its test mask; c: absent default */
    V_CODECOUNT, /* codes field a: number of codes; c: absent default */
    V_SCALAR,    /* node a by the tree evaluator, per resident */
    V_PRESENT,   /* known(f) of a text field a (enum, string, codes); c: absent
                    default */
    V_NOT, V_AND, V_OR, V_NEG, V_ABS,
    V_ARITH,     /* sub '+', '-', '*', '/' */
    V_CMP,       /* a ? b on doubles, sub CMP_* */
    V_CMPB,      /* a ? b on booleans, sub CMP_* */
    V_CMPK,      /* a ? k, sub CMP_* */
    V_INNUM,     /* a in the numbers of node c's constant list */
    V_INMASK,    /* enum index a in the bit mask k */
    V_DATE_ADD,  /* date a + floor(b) days (sub '-': minus) */
    V_DATE_DIFF, /* a - b */
    V_AGE_AT, V_ADD_MONTHS, V_MINMAX, /* sub 'm' min, 'M' max */
    V_IF,        /* a ? b : c (sub: 1 for booleans) */
    V_COALESCE,  /* a ?? b (sub: 1 for booleans) */
    V_KNOWN,
    /* sinks: write a program version's outputs (a: unit) */
    V_CHECK,     /* record check b (register) fires: resident refused; c: check */
    V_ELIG,      /* unit a, eligibility b */
    V_TIER,      /* unit a, tier c (first match), condition b */
    V_DUE,       /* unit a, tier c: due date from b (-1: the visit date) */
    V_FLAG,      /* unit a, flag c, condition b; sub: enrolled + 1 */
    V_FLAGDUE,   /* unit a, flag c raised: due = the earlier of the due so
                    far and the flag's follow-up from b (-1: the visit date) */
    V_NOPS
} phs__vopcode;

typedef struct phs__vop {
    uint8_t op, sub;
    int32_t d, a, b, c;
    double k;
    uint64_t need; /* units whose outputs need it (bit 63: every unit >= 63) */
} phs__vop;

/* A code-list test of a codes field: has_code (prefixes) or an exact
 * membership any(x in f: x in [...]). */
typedef struct phs__vcodetest {
    const phs__val *list; /* constant list of strings */
    int prefix;
} phs__vcodetest;

/* A program version's outputs. */
typedef struct phs__vunit {
    const phs__program *prog;
    int p, v;
} phs__vunit;

/* A constant register's value. */
typedef struct phs__vconst {
    int32_t reg;
    double v;
    uint8_t b, k;
} phs__vconst;

/* A compiled program for one layout.  Immutable once built. */
typedef struct phs__vm {
    const phs_ruleset *rs;
    uint64_t *layout;          /* fields with a column (rs->nwords words) */
    phs__vop *ops;
    size_t nops;
    phs__vconst *consts;
    size_t nconsts;
    size_t nregs;              /* physical registers */
    phs__vunit *units;
    size_t nunits;
    int32_t *unit_of;          /* [p * PHS__MAX_VERSIONS + v] -> unit */
    phs__vcodetest **tests;    /* per field: its code tests */
    size_t *ntests;            /* per field */
    uint64_t **scalar_refs;    /* per op: fields a V_SCALAR reads, or NULL */
    size_t nscalar;            /* entries of scalar_refs */
    size_t ndecoded;           /* enum and codes fields with a column */
    int32_t *dec_of;           /* per field: decoded slot, -1 */
    struct phs__vscratch *free_scratch; /* pool, under the cache lock */
} phs__vm;

/* compile.c: compile rs for the fields in `layout` (a bitset). */
int phs__vm_compile(const phs_ruleset *rs, const uint64_t *layout,
                    phs__vm **out);
void phs__vm_free(phs__vm *vm);

/* exec.c: per-call working memory (registers, decoded columns, memo). */
typedef struct phs__vscratch phs__vscratch;
int phs__vscratch_new(const phs__vm *vm, phs__vscratch **out);
void phs__vscratch_free(phs__vscratch *s);
/* Its register columns: register r, lane j at [r * PHS__VM_LANES + j]. */
double *phs__vscratch_v(phs__vscratch *s);
uint8_t *phs__vscratch_b(phs__vscratch *s);
uint8_t *phs__vscratch_k(phs__vscratch *s);
/* Classify residents [0, n) with columns by field (NULL: no column);
 * outputs as phs_classify_columns.  Returns PHS_OK, PHS_ERECORD or
 * PHS_ENOMEM. */
int phs__vm_run(const phs__vm *vm, phs__vscratch *s,
                const void *const *col, size_t n, int16_t *tier,
                phs_date *next_due, uint64_t *flags, int *status);
/* Run one operation over lanes [0, n) (compile.c folds constants with it). */
void phs__vm_exec_op(const phs__vm *vm, phs__vscratch *s, const phs__vop *o,
                     size_t n);

/* The scratch pool's links. */
phs__vscratch *phs__vscratch_next(phs__vscratch *s);
void phs__vscratch_set_next(phs__vscratch *s, phs__vscratch *next);

/* cache.c: phs_classify_columns on the program compiled for the columns'
 * layout (compiled at the first call with that layout, then cached in the
 * rule set under a lock).  Arguments are checked by the caller. */
int phs__vm_classify(const phs_ruleset *rs, size_t n, const phs_column *cols,
                     size_t ncols, int16_t *tier, phs_date *next_due,
                     uint64_t *flags, int *status);
/* Free the compiled programs a rule set keeps (phs_ruleset_free). */
void phs__vm_cache_free(phs_ruleset *rs);

#endif
