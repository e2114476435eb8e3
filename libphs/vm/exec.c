/* Running a compiled program over blocks of residents.
 *
 * Per block: the caller's columns are validated lane by lane into a refusal
 * mask (a bad value refuses its resident only) and code lists and enum
 * texts are decoded once (memoised on the string pointer: a batch from one
 * source repeats its strings); the versions in force are picked per
 * resident, and only operations some picked version needs run, each over
 * the whole block; last, each resident's outputs are read from the units of
 * its versions. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "vm.h"

#define L PHS__VM_LANES
#define MEMO 256          /* decoded strings remembered per column */
#define MONTHS 1024       /* month additions remembered per call */
#define OPEN (-5)         /* tier: enrolled, no tier decided yet */
#define DATE_MIN (-719162) /* 0001-01-01, the first date a record takes */
#define DATE_MAX 2932896   /* 9999-12-31, the last */

/* The block loops are built twice where the compiler can (GCC's function
 * multi-versioning): for AVX2, where comparisons of doubles into byte masks
 * vectorise, and for the baseline; the loader picks what the CPU runs.  Not
 * under ThreadSanitizer: the loader runs the instrumented ifunc resolver
 * before the TSan runtime is up, and the program crashes at start. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&      \
    defined(__linux__) && !defined(__SANITIZE_THREAD__)
#define VM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VM_CLONES
#endif

typedef struct dmemo {    /* a decoded enum or codes cell */
    const char *p;
    uint64_t bits;
    int32_t count;        /* codes: number of codes; enum: value index */
    int8_t state;         /* -1 absent, 0 valid, 1 invalid */
} dmemo;

struct phs__vscratch {
    struct phs__vscratch *next;       /* the cache's pool */
    double *V;
    uint8_t *B, *K;
    int16_t *u_tier;                  /* per unit, per lane */
    int32_t *u_due;
    uint64_t *u_flags;
    int8_t *u_elig;
    int32_t *d_val;                   /* per decoded column: enum index or
                                         code count */
    uint64_t *d_bits;
    int8_t *d_state;
    dmemo *memo;                      /* per decoded column, MEMO entries */
    struct { int32_t date, months, out; } mm[MONTHS];
    int32_t visit[L];
    int32_t why[L];                   /* refusal: field + 1, or -(check + 1) */
    uint8_t *unit_lane;               /* per program, per lane: its unit */
    /* the tree evaluator's record for V_SCALAR */
    phs_record rec;
    phs__str *codes;
    size_t codes_cap;
    phs__eval ev;
    const void *const *col;
    size_t base;
};

phs__vscratch *phs__vscratch_next(phs__vscratch *s) { return s->next; }
void phs__vscratch_set_next(phs__vscratch *s, phs__vscratch *next) { s->next = next; }
double *phs__vscratch_v(phs__vscratch *s) { return s->V; }
uint8_t *phs__vscratch_b(phs__vscratch *s) { return s->B; }
uint8_t *phs__vscratch_k(phs__vscratch *s) { return s->K; }

int phs__vscratch_new(const phs__vm *vm, phs__vscratch **out)
{
    const phs_ruleset *rs = vm->rs;
    size_t nr = vm->nregs ? vm->nregs : 1, nu = vm->nunits ? vm->nunits : 1;
    size_t nd = vm->ndecoded ? vm->ndecoded : 1;
    size_t np = rs->nprograms ? rs->nprograms : 1;
    size_t nf = rs->nfields ? rs->nfields : 1, nw = rs->nwords ? rs->nwords : 1;
    size_t nder = rs->nderived ? rs->nderived : 1;
    phs__vscratch *s = phs__calloc(1, sizeof *s);
    if (!s)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    s->V = phs__calloc(nr * L, sizeof *s->V);
    s->B = phs__calloc(nr * L, 1);
    s->K = phs__calloc(nr * L, 1);
    s->u_tier = phs__calloc(nu * L, sizeof *s->u_tier);
    s->u_due = phs__calloc(nu * L, sizeof *s->u_due);
    s->u_flags = phs__calloc(nu * L, sizeof *s->u_flags);
    s->u_elig = phs__calloc(nu * L, sizeof *s->u_elig);
    s->d_val = phs__calloc(nd * L, sizeof *s->d_val);
    s->d_bits = phs__calloc(nd * L, sizeof *s->d_bits);
    s->d_state = phs__calloc(nd * L, sizeof *s->d_state);
    s->memo = phs__calloc(nd * MEMO, sizeof *s->memo);
    s->unit_lane = phs__calloc(np * L, 1);
    s->rec.rs = rs;
    s->rec.vals = phs__calloc(nf, sizeof *s->rec.vals);
    s->rec.present = phs__calloc(nw, sizeof *s->rec.present);
    s->ev.rs = rs;
    s->ev.rec = &s->rec;
    s->ev.dval = phs__calloc(nder, sizeof *s->ev.dval);
    s->ev.dstate = phs__calloc(nder, 1);
    s->ev.miss = phs__calloc(nw, sizeof *s->ev.miss);
    s->ev.mctx = rs->mctx;
    if (rs->nregex)
        s->ev.md = pcre2_match_data_create(rs->max_ovector, rs->gctx);
    if (!s->V || !s->B || !s->K || !s->u_tier || !s->u_due || !s->u_flags ||
        !s->u_elig || !s->d_val || !s->d_bits || !s->d_state || !s->memo ||
        !s->unit_lane || !s->rec.vals || !s->rec.present || !s->ev.dval ||
        !s->ev.dstate || !s->ev.miss || (rs->nregex && !s->ev.md)) {
        phs__vscratch_free(s);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    *out = s;
    return PHS_OK;
}

void phs__vscratch_free(phs__vscratch *s)
{
    if (!s)
        return;
    phs__free(s->V), phs__free(s->B), phs__free(s->K);
    phs__free(s->u_tier), phs__free(s->u_due), phs__free(s->u_flags);
    phs__free(s->u_elig), phs__free(s->d_val), phs__free(s->d_bits);
    phs__free(s->d_state), phs__free(s->memo), phs__free(s->unit_lane);
    phs__free(s->rec.vals), phs__free(s->rec.present), phs__free(s->codes);
    phs__free(s->ev.dval), phs__free(s->ev.dstate), phs__free(s->ev.miss);
    pcre2_match_data_free(s->ev.md);
    phs__free(s);
}

/* ---- decoding the caller's cells ---- */

static int prefix_of(const char *code, size_t n, const phs__str *p)
{
    return n >= p->n && memcmp(code, p->p, p->n) == 0;
}

/* A codes cell: its test bits and count, or invalid (bad UTF-8). */
static void decode_codes(const phs__vm *vm, int f, const char *s, dmemo *m)
{
    size_t len = strlen(s), pos = 0, a, b;
    m->bits = 0;
    m->count = 0;
    m->state = 0;
    phs__text_trim(&s, &len);
    while (phs__codes_next(s, len, &pos, &a, &b)) {
        if (!phs__utf8_valid((const unsigned char *)s + a, b - a)) {
            m->state = 1;
            return;
        }
        m->count++;
        for (size_t t = 0; t < vm->ntests[f]; t++) {
            const phs__vcodetest *ct = &vm->tests[f][t];
            for (uint32_t j = 0; j < ct->list->u.l.n; j++) {
                const phs__str *it = &ct->list->u.l.items[j];
                if (ct->prefix ? prefix_of(s + a, b - a, it)
                               : (b - a == it->n && !memcmp(s + a, it->p, it->n))) {
                    m->bits |= (uint64_t)1 << t;
                    break;
                }
            }
        }
    }
}

static void decode_enum(const phs__field *fd, const char *s, dmemo *m)
{
    size_t len = strlen(s);
    phs__text_trim(&s, &len);
    m->state = len ? 1 : -1;
    for (size_t i = 0; i < fd->nvalues && len; i++)
        if (strlen(fd->values[i]) == len && !memcmp(fd->values[i], s, len)) {
            m->state = 0;
            m->count = (int32_t)i;
        }
}

/* Validate and decode the block's columns; refused lanes get why[] != 0. */
VM_CLONES static void decode(const phs__vm *vm, phs__vscratch *s, size_t n)
{
    const phs_ruleset *rs = vm->rs;
    memset(s->why, 0, n * sizeof *s->why);
    for (size_t f = 0; f < rs->nfields; f++) {
        const void *col = s->col[f];
        const phs__field *fd = &rs->fields[f];
        int32_t bad = (int32_t)f + 1;
        if (!col)
            continue;
        switch (fd->type) {
        case PHS_TYPE_NUMBER: {
            const double *x = (const double *)col + s->base;
            double lo = fd->has_range ? fd->lo : -HUGE_VAL;
            double hi = fd->has_range ? fd->hi : HUGE_VAL;
            uint8_t refused[L];
            for (size_t j = 0; j < n; j++) /* NaN = absent; else in range */
                refused[j] = !((x[j] != x[j]) | ((x[j] >= lo) & (x[j] <= hi) &
                                                 (fabs(x[j]) <= DBL_MAX)));
            for (size_t j = 0; j < n; j++)
                s->why[j] = s->why[j] ? s->why[j] : refused[j] * bad;
            break;
        }
        case PHS_TYPE_DATE: {
            const phs_date *x = (const phs_date *)col + s->base;
            for (size_t j = 0; j < n; j++)
                if (x[j] != PHS_DATE_NONE && (x[j] < DATE_MIN || x[j] > DATE_MAX) && !s->why[j])
                    s->why[j] = bad;
            break;
        }
        case PHS_TYPE_STRING: {
            const char *const *x = (const char *const *)col + s->base;
            for (size_t j = 0; j < n; j++)
                if (x[j] && !phs__utf8_valid((const unsigned char *)x[j], strlen(x[j])) &&
                    !s->why[j])
                    s->why[j] = bad;
            break;
        }
        case PHS_TYPE_ENUM:
        case PHS_TYPE_CODES: {
            const char *const *x = (const char *const *)col + s->base;
            int32_t d = vm->dec_of[f];
            dmemo *memo = s->memo + (size_t)d * MEMO;
            for (size_t j = 0; j < n; j++) {
                dmemo m = {.state = -1};
                if (x[j]) {
                    dmemo *e = &memo[((uint64_t)(uintptr_t)x[j] * 0x9E3779B97F4A7C15u) >> 56];
                    if (e->p != x[j]) {
                        e->p = x[j];
                        if (fd->type == PHS_TYPE_ENUM)
                            decode_enum(fd, x[j], e);
                        else
                            decode_codes(vm, (int)f, x[j], e);
                    }
                    m = *e;
                }
                s->d_state[d * L + j] = m.state;
                s->d_val[d * L + j] = m.count;
                s->d_bits[d * L + j] = m.bits;
                if (m.state > 0 && !s->why[j])
                    s->why[j] = bad;
            }
            break;
        }
        default:
            break;
        }
    }
    const phs_date *vd = rs->f_visit_date >= 0 ? s->col[rs->f_visit_date] : NULL;
    for (size_t j = 0; j < n; j++)
        s->visit[j] = vd && vd[s->base + j] >= DATE_MIN && vd[s->base + j] <= DATE_MAX
                          ? vd[s->base + j]
                          : PHS_DATE_NONE;
}

/* add_months, remembered: visit and check dates repeat within a batch. */
static int32_t add_months(phs__vscratch *s, int32_t date, int32_t months)
{
    uint32_t h = ((uint32_t)date * 2654435761u ^ (uint32_t)months * 40503u) % MONTHS;
    if (s->mm[h].date != date || s->mm[h].months != months) {
        s->mm[h].date = date;
        s->mm[h].months = months;
        s->mm[h].out = phs_date_add_months(date, months);
    }
    return s->mm[h].out;
}

/* ---- the tree evaluator for one resident ---- */

static void fill_record(const phs__vm *vm, phs__vscratch *s, const uint64_t *refs,
                        size_t j)
{
    const phs_ruleset *rs = vm->rs;
    phs_record *r = &s->rec;
    size_t i = s->base + j;
    memset(r->present, 0, rs->nwords * sizeof *r->present);
    r->ncodes = 0;
    for (size_t f = 0; f < rs->nfields; f++) {
        if (!((refs[f / 64] >> (f % 64)) & 1) || !s->col[f])
            continue;
        const void *col = s->col[f];
        phs__val *v = &r->vals[f];
        int has = 1;
        switch (rs->fields[f].type) {
        case PHS_TYPE_NUMBER:
            v->u.n = ((const double *)col)[i];
            has = !isnan(v->u.n);
            break;
        case PHS_TYPE_BOOL:
            v->u.i = ((const int8_t *)col)[i] > 0;
            has = ((const int8_t *)col)[i] >= 0;
            break;
        case PHS_TYPE_DATE:
            v->u.i = ((const phs_date *)col)[i];
            has = v->u.i != PHS_DATE_NONE;
            break;
        case PHS_TYPE_ENUM:
            v->u.i = s->d_val[vm->dec_of[f] * L + j];
            has = s->d_state[vm->dec_of[f] * L + j] == 0;
            break;
        case PHS_TYPE_STRING: {
            const char *t = ((const char *const *)col)[i];
            has = t && *t;
            if (has)
                v->u.s = (phs__str){t, (uint32_t)strlen(t)};
            break;
        }
        default: { /* codes: pieces point into the caller's text */
            const char *t = ((const char *const *)col)[i];
            has = t != NULL;
            if (!has)
                break;
            size_t len = strlen(t), pos = 0, a, b;
            phs__text_trim(&t, &len);
            v->u.rl.first = (uint32_t)r->ncodes;
            while (phs__codes_next(t, len, &pos, &a, &b)) {
                if (r->ncodes == s->codes_cap) {
                    size_t cap = s->codes_cap ? s->codes_cap * 2 : 16;
                    phs__str *c = phs__realloc(s->codes, cap * sizeof *c);
                    if (!c) { /* out of memory: the list reads as absent */
                        has = 0;
                        break;
                    }
                    s->codes = c;
                    s->codes_cap = cap;
                }
                s->codes[r->ncodes++] = (phs__str){t + a, (uint32_t)(b - a)};
            }
            v->u.rl.count = (uint32_t)(r->ncodes - v->u.rl.first);
        }
        }
        if (has)
            r->present[f / 64] |= (uint64_t)1 << (f % 64);
    }
    r->codes = s->codes;
}

static void scalar(const phs__vm *vm, phs__vscratch *s, const phs__vop *o, size_t n)
{
    const phs__node *nd = &vm->rs->nodes[o->a];
    double *dv = s->V + (size_t)o->d * L;
    uint8_t *db = s->B + (size_t)o->d * L, *dk = s->K + (size_t)o->d * L;
    for (size_t j = 0; j < n; j++) {
        phs__val v;
        dk[j] = 0;
        if (s->why[j])
            continue;
        fill_record(vm, s, vm->scalar_refs[o - vm->ops], j);
        memset(s->ev.dstate, 0, vm->rs->nderived);
        if (!phs__expr_eval(&s->ev, o->a, &v))
            continue;
        dk[j] = 1;
        if (nd->type == PHS__T_BOOL)
            db[j] = v.u.i != 0;
        else
            dv[j] = nd->type == PHS__T_DATE ? (double)v.u.i : v.u.n;
    }
}

/* ---- the operations ---- */

/* An operand an operation does not use is -1: its register is NULL, never
 * an address computed before the array (undefined, and clang's UBSan says so). */
#define REG(X, r) ((r) < 0 ? NULL : s->X + (size_t)(r) * L)

/* d = a ? b, or a ? k when b is NULL.  Known values are finite, so these
 * comparisons agree with the tree's num_cmp. */
#define CMP_LOOPS(OP)                                                          \
    do {                                                                       \
        if (b)                                                                 \
            for (size_t j = 0; j < n; j++)                                     \
                d[j] = a[j] OP b[j];                                           \
        else                                                                   \
            for (size_t j = 0; j < n; j++)                                     \
                d[j] = a[j] OP k;                                              \
    } while (0)

static void cmp_loop(int sub, const double *a, const double *b, double k,
                     uint8_t *restrict d, size_t n)
{
    switch (sub) {
    case CMP_EQ: CMP_LOOPS(==); break;
    case CMP_NE: CMP_LOOPS(!=); break;
    case CMP_LT: CMP_LOOPS(<); break;
    case CMP_LE: CMP_LOOPS(<=); break;
    case CMP_GT: CMP_LOOPS(>); break;
    default: CMP_LOOPS(>=); break;
    }
}

VM_CLONES
void phs__vm_exec_op(const phs__vm *vm, phs__vscratch *s, const phs__vop *o,
                     size_t n)
{
    /* The destination never shares a register with a source (compile.c
     * allocates it before freeing them): restrict lets loops vectorise. */
    double *restrict dv = REG(V, o->d);
    uint8_t *restrict db = REG(B, o->d), *restrict dk = REG(K, o->d);
    const double *av = REG(V, o->a), *bv = REG(V, o->b);
    const uint8_t *ab = REG(B, o->a), *bb = REG(B, o->b);
    const uint8_t *ak = REG(K, o->a), *bk = REG(K, o->b);
    switch ((phs__vopcode)o->op) {
    case V_LOAD: {
        const phs__field *fd = &vm->rs->fields[o->a];
        const void *col = s->col[o->a];
        if (fd->type == PHS_TYPE_NUMBER) {
            const double *x = (const double *)col + s->base;
            double lo = fd->has_range ? fd->lo : -HUGE_VAL;
            double hi = fd->has_range ? fd->hi : HUGE_VAL;
            memcpy(dv, x, n * sizeof *dv);
            for (size_t j = 0; j < n; j++) /* NaN fails both, inf the range */
                dk[j] = (x[j] >= lo) & (x[j] <= hi) & (fabs(x[j]) <= DBL_MAX);
        } else if (fd->type == PHS_TYPE_BOOL) {
            const int8_t *x = (const int8_t *)col + s->base;
            for (size_t j = 0; j < n; j++) {
                db[j] = x[j] > 0;
                dk[j] = x[j] >= 0;
            }
        } else if (fd->type == PHS_TYPE_DATE) {
            const phs_date *x = (const phs_date *)col + s->base;
            for (size_t j = 0; j < n; j++) {
                dk[j] = x[j] >= DATE_MIN && x[j] <= DATE_MAX;
                dv[j] = x[j];
            }
        } else { /* enum: its decoded value index */
            const int32_t *x = s->d_val + (size_t)vm->dec_of[o->a] * L;
            const int8_t *st = s->d_state + (size_t)vm->dec_of[o->a] * L;
            for (size_t j = 0; j < n; j++) {
                dk[j] = st[j] == 0;
                dv[j] = st[j] == 0 ? x[j] : -1;
            }
        }
        return;
    }
    case V_DEFAULT:
        for (size_t j = 0; j < n; j++) {
            dv[j] = ak[j] ? av[j] : 0;
            db[j] = ak[j] & ab[j];
            dk[j] = 1;
        }
        return;
    case V_CODEBIT:
    case V_CODECOUNT: {
        int32_t d = vm->dec_of[o->a];
        const int8_t *st = s->d_state + (size_t)d * L;
        const uint64_t *bits = s->d_bits + (size_t)d * L;
        const int32_t *cnt = s->d_val + (size_t)d * L;
        for (size_t j = 0; j < n; j++) {
            dk[j] = st[j] == 0 || (st[j] < 0 && o->c);
            db[j] = st[j] == 0 && ((bits[j] >> o->b) & 1);
            dv[j] = st[j] == 0 ? cnt[j] : 0;
        }
        return;
    }
    case V_SCALAR:
        scalar(vm, s, o, n);
        return;
    case V_PRESENT:
        if (vm->rs->fields[o->a].type == PHS_TYPE_STRING) {
            const char *const *x = (const char *const *)s->col[o->a] + s->base;
            for (size_t j = 0; j < n; j++)
                db[j] = (x[j] && *x[j]) || o->c;
        } else {
            const int8_t *st = s->d_state + (size_t)vm->dec_of[o->a] * L;
            for (size_t j = 0; j < n; j++)
                db[j] = st[j] == 0 || o->c;
        }
        memset(dk, 1, n);
        return;
    case V_NOT:
        for (size_t j = 0; j < n; j++) {
            db[j] = !ab[j];
            dk[j] = ak[j];
        }
        return;
    case V_AND:
        for (size_t j = 0; j < n; j++) {
            dk[j] = (ak[j] & bk[j]) | (ak[j] & !ab[j]) | (bk[j] & !bb[j]);
            db[j] = ak[j] & bk[j] & ab[j] & bb[j];
        }
        return;
    case V_OR:
        for (size_t j = 0; j < n; j++) {
            dk[j] = (ak[j] & bk[j]) | (ak[j] & ab[j]) | (bk[j] & bb[j]);
            db[j] = (ak[j] & ab[j]) | (bk[j] & bb[j]);
        }
        return;
    case V_NEG:
    case V_ABS:
        for (size_t j = 0; j < n; j++) {
            dv[j] = o->op == V_NEG ? -av[j] : fabs(av[j]);
            dk[j] = ak[j];
        }
        return;
    case V_ARITH:
        switch (o->sub) {
        case '+': for (size_t j = 0; j < n; j++) dv[j] = av[j] + bv[j]; break;
        case '-': for (size_t j = 0; j < n; j++) dv[j] = av[j] - bv[j]; break;
        case '*': for (size_t j = 0; j < n; j++) dv[j] = av[j] * bv[j]; break;
        default: /* x/0 is unknown, not inf */
            for (size_t j = 0; j < n; j++)
                dv[j] = av[j] / (bv[j] != 0 ? bv[j] : 1);
        }
        for (size_t j = 0; j < n; j++) /* |x| <= DBL_MAX: finite, not NaN */
            dk[j] = ak[j] & bk[j] & (fabs(dv[j]) <= DBL_MAX) &
                    (o->sub != '/' || bv[j] != 0);
        return;
    case V_CMP:
        cmp_loop(o->sub, av, bv, 0, db, n);
        for (size_t j = 0; j < n; j++)
            dk[j] = ak[j] & bk[j];
        return;
    case V_CMPK:
        cmp_loop(o->sub, av, NULL, o->k, db, n);
        memcpy(dk, ak, n);
        return;
    case V_CMPB:
        for (size_t j = 0; j < n; j++) {
            int x = ab[j], y = bb[j];
            db[j] = o->sub == CMP_EQ ? x == y : o->sub == CMP_NE ? x != y
                    : o->sub == CMP_LT ? x < y : o->sub == CMP_LE ? x <= y
                    : o->sub == CMP_GT ? x > y : x >= y;
            dk[j] = ak[j] & bk[j];
        }
        return;
    case V_INNUM: {
        const phs__val *l = &vm->rs->nodes[o->c].k;
        for (size_t j = 0; j < n; j++) {
            uint8_t in = 0;
            for (uint32_t t = 0; t < l->u.nl.n; t++)
                in |= l->u.nl.items[t] == av[j];
            db[j] = in;
            dk[j] = ak[j];
        }
        return;
    }
    case V_INMASK: {
        uint32_t mask = (uint32_t)o->k;
        for (size_t j = 0; j < n; j++) {
            int i = ak[j] && av[j] >= 0 && av[j] < 32 ? (int)av[j] : 0;
            db[j] = (uint8_t)((mask >> i) & 1);
            dk[j] = ak[j];
        }
        return;
    }
    case V_DATE_ADD:
        for (size_t j = 0; j < n; j++) {
            double d = o->sub == '-' ? -bv[j] : bv[j];
            dk[j] = ak[j] & bk[j] & (fabs(d) < 3e6);
            dv[j] = dk[j] ? av[j] + floor(d) : 0;
        }
        return;
    case V_DATE_DIFF:
        for (size_t j = 0; j < n; j++) {
            dv[j] = av[j] - bv[j];
            dk[j] = ak[j] & bk[j];
        }
        return;
    case V_AGE_AT:
        for (size_t j = 0; j < n; j++) {
            dk[j] = ak[j] & bk[j];
            dv[j] = dk[j] ? phs_date_age((phs_date)av[j], (phs_date)bv[j]) : 0;
        }
        return;
    case V_ADD_MONTHS:
        for (size_t j = 0; j < n; j++) {
            dk[j] = ak[j] & bk[j] & (fabs(bv[j]) < 100000);
            dv[j] = dk[j] ? add_months(s, (int32_t)av[j], (int32_t)floor(bv[j])) : 0;
        }
        return;
    case V_MINMAX:
        for (size_t j = 0; j < n; j++) {
            dv[j] = (o->sub == 'm') == (av[j] < bv[j]) ? av[j] : bv[j];
            dk[j] = ak[j] & bk[j];
        }
        return;
    case V_IF: {
        double *cv = REG(V, o->c);
        uint8_t *cb = REG(B, o->c), *ck = REG(K, o->c);
        for (size_t j = 0; j < n; j++) {
            dk[j] = ak[j] & (ab[j] ? bk[j] : ck[j]);
            dv[j] = ab[j] ? bv[j] : cv[j];
            db[j] = ab[j] ? bb[j] : cb[j];
        }
        return;
    }
    case V_COALESCE:
        for (size_t j = 0; j < n; j++) {
            dv[j] = ak[j] ? av[j] : bv[j];
            db[j] = ak[j] ? ab[j] : bb[j];
            dk[j] = ak[j] | bk[j];
        }
        return;
    case V_KNOWN:
        for (size_t j = 0; j < n; j++) {
            db[j] = ak[j];
            dk[j] = 1;
        }
        return;
    case V_CHECK:
        for (size_t j = 0; j < n; j++)
            if (bk[j] & bb[j] && !s->why[j])
                s->why[j] = -(o->c + 1);
        return;
    case V_ELIG: {
        int16_t *t = s->u_tier + (size_t)o->a * L;
        int32_t *due = s->u_due + (size_t)o->a * L;
        uint64_t *fl = s->u_flags + (size_t)o->a * L;
        int8_t *e = s->u_elig + (size_t)o->a * L;
        for (size_t j = 0; j < n; j++) {
            e[j] = bk[j] ? (int8_t)bb[j] : -1;
            t[j] = bk[j] ? (bb[j] ? OPEN : PHS_COL_NOT_ENROLLED)
                         : PHS_COL_INSUFFICIENT_DATA;
            due[j] = PHS_DATE_NONE;
            fl[j] = 0;
        }
        return;
    }
    case V_TIER: {
        int16_t *t = s->u_tier + (size_t)o->a * L;
        const int16_t hit = (int16_t)o->c, unknown = PHS_COL_INSUFFICIENT_DATA;
        for (size_t j = 0; j < n; j++) { /* branch-free: it vectorises */
            int16_t cur = t[j];
            int open = cur == OPEN;
            cur = (open & bk[j] & bb[j]) ? hit : cur;
            t[j] = (open & !bk[j]) ? unknown : cur;
        }
        return;
    }
    case V_DUE: {
        const phs__tier *ti = &vm->units[o->a].prog->tiers[o->c];
        const int16_t *t = s->u_tier + (size_t)o->a * L;
        int32_t *due = s->u_due + (size_t)o->a * L;
        if (o->b < 0 && ti->ivl_unit != 'm') { /* the visit + days: branch-free */
            const int32_t *v = s->visit;
            const int32_t c = o->c, days = ti->ivl_n;
            for (size_t j = 0; j < n; j++) {
                int32_t d = v[j] == PHS_DATE_NONE ? PHS_DATE_NONE : v[j] + days;
                due[j] = t[j] == c ? d : due[j];
            }
            return;
        }
        for (size_t j = 0; j < n; j++) {
            if (t[j] != o->c)
                continue;
            int32_t from = o->b < 0 ? s->visit[j]
                           : bk[j]  ? (int32_t)bv[j]
                                    : PHS_DATE_NONE;
            due[j] = from == PHS_DATE_NONE ? PHS_DATE_NONE
                     : ti->ivl_unit == 'm' ? add_months(s, from, ti->ivl_n)
                                           : from + ti->ivl_n;
        }
        return;
    }
    case V_FLAGDUE: {
        const phs__flag *fl = &vm->units[o->a].prog->flags[o->c];
        const uint64_t *f = s->u_flags + (size_t)o->a * L;
        int32_t *due = s->u_due + (size_t)o->a * L;
        for (size_t j = 0; j < n; j++) {
            if (!(f[j] >> o->c & 1))
                continue;
            int32_t from = o->b < 0 ? s->visit[j]
                           : bk[j]  ? (int32_t)bv[j]
                                    : PHS_DATE_NONE;
            if (from == PHS_DATE_NONE)
                continue;
            int32_t d = fl->ivl_unit == 'm' ? add_months(s, from, fl->ivl_n)
                                            : from + fl->ivl_n;
            if (due[j] == PHS_DATE_NONE || d < due[j])
                due[j] = d;
        }
        return;
    }
    case V_FLAG: {
        const int8_t *e = s->u_elig + (size_t)o->a * L;
        uint64_t *fl = s->u_flags + (size_t)o->a * L;
        int en = o->sub - 1;
        for (size_t j = 0; j < n; j++)
            fl[j] |= (uint64_t)((en < 0 || e[j] == en) & bk[j] & bb[j]) << o->c;
        return;
    }
    default:
        return;
    }
}

/* ---- the block loop ---- */

static void refuse_message(const phs__vm *vm, const phs__vscratch *s,
                           size_t j)
{
    const phs_ruleset *rs = vm->rs;
    size_t rec = s->base + j + 1;
    if (s->why[j] < 0) {
        const phs__check *k = &rs->checks[-s->why[j] - 1];
        const char *f = rs->fields[k->field].name;
        phs__error_record(PHS_ERECORD, f, rec, "resident %zu: %s: %s (check %s)",
                          rec, f, k->message, k->id);
        return;
    }
    const phs__field *fd = &rs->fields[s->why[j] - 1];
    if (fd->type == PHS_TYPE_NUMBER && fd->has_range) {
        double v = ((const double *)s->col[s->why[j] - 1])[s->base + j];
        char tv[PHS_NUMBER_BUFSIZE], tlo[PHS_NUMBER_BUFSIZE], thi[PHS_NUMBER_BUFSIZE];
        phs_number_format(v, tv); /* the same text under every locale */
        phs_number_format(fd->lo, tlo);
        phs_number_format(fd->hi, thi);
        phs__error_record(PHS_ERECORD, fd->name, rec,
                          "resident %zu: %s: %s is not a finite number in the "
                          "valid range %s to %s", rec, fd->name,
                          isnan(v) ? "NaN" : isinf(v) ? (v > 0 ? "Infinity" : "-Infinity") : tv,
                          tlo, thi);
    } else
        phs__error_record(PHS_ERECORD, fd->name, rec,
                          "resident %zu: %s: invalid value (%s)", rec, fd->name,
                          fd->type == PHS_TYPE_ENUM ? "not one of its values"
                          : fd->type == PHS_TYPE_DATE ? "date out of range"
                          : fd->type == PHS_TYPE_NUMBER ? "not a finite number"
                                                        : "not valid UTF-8");
}

VM_CLONES
int phs__vm_run(const phs__vm *vm, phs__vscratch *s, const void *const *col,
                size_t n, int16_t *tier, phs_date *next_due, uint64_t *flags,
                int *status)
{
    const phs_ruleset *rs = vm->rs;
    size_t np = rs->nprograms;
    int rc = PHS_OK;
    s->col = col;
    for (size_t d = 0; d < vm->ndecoded * MEMO; d++)
        s->memo[d].p = NULL; /* the strings of the last call are gone */
    for (size_t i = 0; i < MONTHS; i++)
        s->mm[i].date = INT32_MIN;
    for (size_t c = 0; c < vm->nconsts; c++) { /* constants: once per call */
        const phs__vconst *k = &vm->consts[c];
        for (size_t j = 0; j < L; j++) {
            s->V[(size_t)k->reg * L + j] = k->v;
            s->B[(size_t)k->reg * L + j] = k->b;
            s->K[(size_t)k->reg * L + j] = k->k;
        }
    }
    for (s->base = 0; s->base < n; s->base += L) {
        size_t m = n - s->base < L ? n - s->base : L;
        decode(vm, s, m);
        uint64_t used = 0;
        for (size_t p = 0; p < np; p++) { /* the version of each resident */
            const phs__program *pr = &rs->programs[p];
            uint8_t *ul = s->unit_lane + p * L;
            if (pr->nvers <= 1) {
                memset(ul, vm->unit_of[p * PHS__MAX_VERSIONS], m);
                used |= ul[0] < 63 ? (uint64_t)1 << ul[0] : (uint64_t)1 << 63;
                continue;
            }
            phs_date last = INT32_MIN + 1;
            int u = 0;
            for (size_t j = 0; j < m; j++) {
                if (s->visit[j] != last) {
                    last = s->visit[j];
                    u = vm->unit_of[p * PHS__MAX_VERSIONS +
                                    phs__version_at(pr, last, NULL)];
                    used |= u < 63 ? (uint64_t)1 << u : (uint64_t)1 << 63;
                }
                ul[j] = (uint8_t)u;
            }
        }
        for (size_t i = 0; i < vm->nops; i++)
            if (vm->ops[i].need & used)
                phs__vm_exec_op(vm, s, &vm->ops[i], m);
        for (size_t j = 0; j < m; j++) {
            size_t i = s->base + j;
            if (s->why[j]) {
                if (rc == PHS_OK)
                    refuse_message(vm, s, j);
                rc = PHS_ERECORD;
            }
            if (status)
                status[i] = s->why[j] ? PHS_ERECORD : PHS_OK;
            for (size_t p = 0; p < np; p++) {
                size_t u = s->unit_lane[p * L + j], k = i * np + p;
                int16_t t = s->u_tier[u * L + j];
                if (tier)
                    tier[k] = s->why[j] ? PHS_COL_ERROR
                              : t == OPEN ? PHS_COL_UNCLASSIFIED : t;
                if (next_due)
                    next_due[k] = s->why[j] ? PHS_DATE_NONE : s->u_due[u * L + j];
                if (flags)
                    flags[k] = s->why[j] ? 0 : s->u_flags[u * L + j];
            }
        }
    }
    return rc;
}
