/* The columnar executor's private interface (vm/exec.c, decode.c,
 * scratch.c): the block's constants, the scratch memory of one running
 * call, and the mask helpers the decoding and the operations share. */
#ifndef PHS__VM_SCRATCH_H
#define PHS__VM_SCRATCH_H

#include <float.h>
#include <math.h>
#include <string.h>

#include "vm.h"

#define L PHS__VM_LANES
#define W PHS__VM_WORDS
#define MEMO 256          /* decoded strings remembered per column */
#define MONTHS 1024       /* month additions remembered per call */
#define DATE_MIN (-719162) /* 0001-01-01, the first date a record takes */
#define DATE_MAX 2932896   /* 9999-12-31, the last */

/* The block loops are built twice where the compiler can (GCC's function
 * multi-versioning): for AVX2, where comparisons of doubles packed into
 * mask words vectorise, and for the baseline; the loader picks what the CPU
 * runs.  Not under ThreadSanitizer: the loader runs the instrumented ifunc
 * resolver before the TSan runtime is up, and the program crashes at
 * start. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&      \
    defined(__linux__) && !defined(__SANITIZE_THREAD__)
#define VM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VM_CLONES
#endif
/* Inlined into its (cloned) caller, so built for the caller's target. */
#if defined(__GNUC__)
#define VM_INLINE __attribute__((always_inline)) inline
#else
#define VM_INLINE inline
#endif

typedef struct dmemo {    /* a decoded enum or codes cell */
    const char *p;
    uint64_t bits;
    int32_t val;          /* codes: number of codes; enum: value index */
    int8_t state;         /* -1 absent, 0 valid, 1 invalid */
} dmemo;

struct phs__vscratch {
    struct phs__vscratch *next;       /* the cache's pool */
    double *own;                      /* per register: its value column */
    const double **vp;                /* per register: its values this block
                                         (own, or the caller's column) */
    uint64_t *B, *K;                  /* per register: true, known masks */
    int16_t *u_tier;                  /* per unit, per lane */
    int32_t *u_due;
    uint64_t *u_flags;
    struct uout {                     /* per unit: where its outputs go, the
                                         caller's arrays (stride: programs)
                                         or u_tier... (stride 1) */
        int16_t *t;
        int32_t *due;
        uint64_t *fl;
        size_t st;
        int inplace;                  /* the caller's */
    } *uo;
    uint64_t *u_open, *u_ek, *u_eb;   /* per unit: masks still open, with a
                                         known eligibility, eligible */
    uint64_t *u_hit;                  /* per unit tier: residents it decided */
    int32_t *d_val;                   /* per decoded column: enum index (-1
                                         when not valid) or code count */
    uint64_t *d_bits;                 /* codes: the tests' bits */
    uint64_t *d_valid, *d_absent;     /* masks */
    dmemo *memo;                      /* per decoded column, MEMO entries */
    uint8_t *unit_lane;               /* per program, per lane: its unit */
    struct { int32_t date, months, out; } mm[MONTHS];
    int32_t visit[L];
    int32_t why[L];                   /* refusal: field + 1, or -(check + 1) */
    uint64_t bad[W];                  /* refused lanes */
    uint64_t live[W];                 /* lanes of the block */
    /* the tree evaluator's record for V_SCALAR */
    phs_record rec;
    phs__str *codes;
    size_t codes_cap;
    int oom;                          /* a code list could not be held */
    phs__eval ev;
    const void *const *col;
    size_t base;
    void *mem;                        /* the one block of the arrays */
};

/* ---- masks ---- */

static inline int lane(const uint64_t *m, size_t j)
{
    return (int)((m[j / 64] >> (j % 64)) & 1);
}

/* out[w] = the bits of PRED (an expression of lane j) for lanes [0, n),
 * zero beyond; whole words are packed by loops that vectorise. */
#define PACK(out, n, PRED)                                                     \
    do {                                                                       \
        for (size_t w_ = 0; w_ < W; w_++) {                                    \
            uint64_t m_ = 0;                                                   \
            size_t j0_ = w_ * 64;                                              \
            if (j0_ + 64 <= (n)) {                                             \
                for (size_t i_ = 0; i_ < 64; i_++) {                           \
                    size_t j = j0_ + i_;                                       \
                    m_ |= (uint64_t)(PRED) << i_;                              \
                }                                                              \
            } else {                                                           \
                for (size_t j = j0_; j < (n); j++)                             \
                    m_ |= (uint64_t)(PRED) << (j - j0_);                       \
            }                                                                  \
            (out)[w_] = m_;                                                    \
        }                                                                      \
    } while (0)

/* Run BODY with j = each set lane of the mask words m[0..W). */
#define EACH_LANE(m, BODY)                                                     \
    do {                                                                       \
        for (size_t w_ = 0; w_ < W; w_++)                                      \
            for (uint64_t x_ = (m)[w_]; x_; x_ &= x_ - 1) {                    \
                size_t j = w_ * 64 + (size_t)__builtin_ctzll(x_);              \
                BODY;                                                          \
            }                                                                  \
    } while (0)

/* Refuse the lanes of mask m (not refused yet) for reason `why`. */
static inline void refuse(phs__vscratch *s, const uint64_t *m, int32_t why)
{
    for (size_t w = 0; w < W; w++) {
        uint64_t x = m[w] & ~s->bad[w];
        s->bad[w] |= x;
        for (; x; x &= x - 1)
            s->why[w * 64 + (size_t)__builtin_ctzll(x)] = why;
    }
}

/* Validate and decode the block's columns (rows [s->base, s->base + n)):
 * refused lanes into s->bad and s->why, enum and code cells into d_val and
 * d_bits, visit dates into s->visit. */
void phs__vm_decode(const phs__vm *vm, phs__vscratch *s, size_t n);

#endif
