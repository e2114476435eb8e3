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
 *              Operations no output reads are dropped; registers are reused
 *              once their last reader has run.
 *   decode.c   validate a block of the caller's columns and decode its
 *              enum and code-list texts (once per distinct string).
 *   exec.c     the operations and the block loop: run the operations (each
 *              over a whole block), select the program version per resident
 *              and write the outputs.
 *   scratch.c  a call's working memory, over the private scratch.h.
 *   cache.c    compiled programs cached in the rule set per layout, with
 *              their scratch memory; the lock, the public entry point.
 *
 * Every register holds a block of residents: a column of doubles (numbers,
 * dates, enum indexes; a number column given by the caller is read where it
 * is, not copied) and, for three-valued logic, two bit masks of the block:
 * "true" and "known" (a "true" bit means something only where "known" is
 * set).  And, or and not are then a few word operations per block, and a
 * comparison packs its lanes into mask words.  First-match tiers work on
 * masks too (the residents still open, those a tier decides); a resident's
 * tier and due date are written once, when its tier decides it.  The tree
 * evaluator (expr/eval.c) is the reference; operations the engine has no
 * kernel for (regexes, string comparisons, general quantifiers) are
 * evaluated by it per resident.
 */
#ifndef PHS__VM_H
#define PHS__VM_H

#include "../expr/expr.h"

/* Residents per block, and the 64-bit words of a block's masks. */
#define PHS__VM_LANES 256
#define PHS__VM_WORDS (PHS__VM_LANES / 64)

/* Operations.  d: destination register; a, b, c: source registers unless
 * said otherwise. */
typedef enum {
    V_LOAD,      /* field a's column (number, bool, date, enum index) */
    V_DEFAULT,   /* a, absent = known 0 (fields "not observed" when absent);
                    sub: 1 for booleans */
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
    V_TIER,      /* unit a, tier c (first match), condition b; sub 1: its due
                    date too, from the visit date */
    V_DUE,       /* unit a, tier c: due date from b */
    V_FLAG,      /* unit a, flag c, condition b; sub: enrolled + 1 */
    V_FLAGDUE,   /* unit a, flag c raised: due = the earlier of the due so
                    far and the flag's follow-up from b (-1: the visit date) */
    V_NOPS
} phs__vopcode;

/* Which of an operation's a, b, c are registers (b of a sink may be -1:
 * none), and whether it folds when they are all constants. */
enum { PHS__VRA = 1, PHS__VRB = 2, PHS__VRC = 4, PHS__VFOLD = 8 };
extern const uint8_t phs__vshape[V_NOPS];

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
    uint32_t hit;  /* its first tier's mask among the scratch's tier masks */
} phs__vunit;

/* A constant register's value. */
typedef struct phs__vconst {
    int32_t reg;
    double v;
    uint8_t b, k;
} phs__vconst;

/* A compiled program for one layout: the struct and one block of arrays,
 * immutable once built (but for the scratch pool, which the cache's lock
 * guards). */
typedef struct phs__vm {
    const phs_ruleset *rs;
    void *mem;                 /* the block the arrays below are in */
    uint64_t *layout;          /* fields with a column (rs->nwords words) */
    int32_t *cols;             /* the same fields, in field order */
    size_t ncols;
    phs__vop *ops;
    size_t nops;
    phs__vconst *consts;
    size_t nconsts;
    size_t nregs;              /* physical registers */
    phs__vunit *units;
    size_t nunits;
    size_t nhits;              /* tier masks: the units' tiers */
    int32_t *unit_of;          /* [p * PHS__MAX_VERSIONS + v] -> unit */
    phs__vcodetest *tests;     /* code tests, field by field */
    uint32_t *test_of;         /* per field: its first test */
    uint32_t *ntests;          /* per field */
    size_t ndecoded;           /* enum and codes fields with a column */
    int32_t *dec_of;           /* per field: decoded slot, -1 */
    struct phs__vscratch *free_scratch; /* pool, under the cache lock */
} phs__vm;

/* compile.c: compile rs for the fields in `layout` (a bitset). */
int phs__vm_compile(const phs_ruleset *rs, const uint64_t *layout,
                    phs__vm **out);
void phs__vm_free(phs__vm *vm);

/* scratch.c: per-call working memory (registers, decoded columns, memo). */
typedef struct phs__vscratch phs__vscratch;
int phs__vscratch_new(const phs__vm *vm, phs__vscratch **out);
void phs__vscratch_free(phs__vscratch *s);
/* Set every lane of register r; read lane 0 of register r (compile.c folds
 * constants on one lane). */
void phs__vscratch_set(phs__vscratch *s, int32_t r, double v, uint8_t b,
                       uint8_t k);
void phs__vscratch_get(const phs__vscratch *s, int32_t r, double *v,
                       uint8_t *b, uint8_t *k);
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

/* One allocation carved into parts (compile.c and exec.c): each part's
 * pointer is stored at `at`, its bytes rounded up to 64 (cache lines). */
typedef struct phs__vpart {
    void *at;      /* address of the pointer to set */
    size_t bytes;
} phs__vpart;
/* Allocate (zeroed) and set every part; returns the block, NULL when out of
 * memory. */
void *phs__vparts_alloc(const phs__vpart *parts, size_t nparts);

#endif
