/* Validating and decoding a block of the caller's columns (scratch.h): a
 * bad value refuses its resident only; a number column is checked in one
 * vectorised pass and looked at lane by lane only when something is out of
 * range; code lists and enum texts are decoded once per distinct string
 * (memoised on the string pointer: a batch from one source repeats its
 * strings). */
#include "scratch.h"

/* ---- decoding the caller's cells ---- */

static int prefix_of(const char *code, size_t n, const phs__str *p)
{
    return n >= p->n && memcmp(code, p->p, p->n) == 0;
}

/* A codes cell: its test bits and count, or invalid (bad UTF-8). */
static void decode_codes(const phs__vm *vm, int f, const char *s, dmemo *m)
{
    size_t len = strlen(s), pos = 0, a, b;
    const phs__vcodetest *tests = vm->tests + vm->test_of[f];
    m->bits = 0;
    m->val = 0;
    m->state = 0;
    phs__text_trim(&s, &len);
    while (phs__codes_next(s, len, &pos, &a, &b)) {
        if (!phs__utf8_valid((const unsigned char *)s + a, b - a)) {
            m->state = 1;
            m->val = 0;
            return;
        }
        m->val++;
        for (size_t t = 0; t < vm->ntests[f]; t++) {
            const phs__vcodetest *ct = &tests[t];
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
    m->val = len ? phs__field_enum_index(fd, s, len) : -1;
    m->state = !len ? -1 : m->val >= 0 ? 0 : 1;
    m->bits = 0;
}

/* An enum or codes column: value, bits and masks per lane. */
static VM_INLINE void decode_text(const phs__vm *vm, phs__vscratch *s, int f,
                                  size_t n)
{
    const phs__field *fd = &vm->rs->fields[f];
    const char *const *x = (const char *const *)s->col[f] + s->base;
    int32_t d = vm->dec_of[f];
    dmemo *memo = s->memo + (size_t)d * MEMO;
    int32_t *val = s->d_val + (size_t)d * L;
    uint64_t *bits = s->d_bits + (size_t)d * L;
    const dmemo none = {.state = -1, .val = fd->type == PHS_TYPE_ENUM ? -1 : 0};
    int8_t st[L];
    int inv = 0;
    for (size_t j = 0; j < n; j++) {
        const dmemo *m = &none;
        if (x[j]) {
            dmemo *e = &memo[((uint64_t)(uintptr_t)x[j] * 0x9E3779B97F4A7C15u) >> 56];
            if (e->p != x[j]) {
                e->p = x[j];
                if (fd->type == PHS_TYPE_ENUM)
                    decode_enum(fd, x[j], e);
                else
                    decode_codes(vm, f, x[j], e);
            }
            m = e;
        }
        val[j] = m->val;
        bits[j] = m->bits;
        st[j] = m->state;
        inv |= m->state > 0;
    }
    PACK(s->d_valid + (size_t)d * W, n, st[j] == 0);
    PACK(s->d_absent + (size_t)d * W, n, st[j] < 0);
    if (inv) {
        uint64_t invalid[W];
        PACK(invalid, n, st[j] > 0);
        refuse(s, invalid, f + 1);
    }
}

/* Validate and decode the block's columns (in field order: a resident's
 * first bad field is its reason). */
VM_CLONES void phs__vm_decode(const phs__vm *vm, phs__vscratch *s, size_t n)
{
    const phs_ruleset *rs = vm->rs;
    uint64_t m[W];
    memset(s->bad, 0, sizeof s->bad);
    for (size_t w = 0; w < W; w++)
        s->live[w] = n >= w * 64 + 64 ? ~(uint64_t)0
                     : n > w * 64     ? ((uint64_t)1 << (n - w * 64)) - 1
                                      : 0;
    for (size_t c = 0; c < vm->ncols; c++) {
        int f = vm->cols[c];
        const phs__field *fd = &rs->fields[f];
        switch (fd->type) {
        case PHS_TYPE_NUMBER: { /* NaN = absent; else finite and in range */
            const double *x = (const double *)s->col[f] + s->base;
            double lo = fd->has_range && fd->lo > -DBL_MAX ? fd->lo : -DBL_MAX;
            double hi = fd->has_range && fd->hi < DBL_MAX ? fd->hi : DBL_MAX;
            uint64_t any = 0;
            for (size_t j = 0; j < n; j++) /* NaN fails both */
                any |= (uint64_t)((x[j] < lo) | (x[j] > hi));
            if (any) {
                PACK(m, n, (x[j] < lo) | (x[j] > hi));
                refuse(s, m, f + 1);
            }
            break;
        }
        case PHS_TYPE_DATE: {
            const phs_date *x = (const phs_date *)s->col[f] + s->base;
            PACK(m, n, (x[j] != PHS_DATE_NONE) & ((x[j] < DATE_MIN) | (x[j] > DATE_MAX)));
            refuse(s, m, f + 1);
            break;
        }
        case PHS_TYPE_STRING: {
            const char *const *x = (const char *const *)s->col[f] + s->base;
            PACK(m, n, x[j] && !phs__utf8_valid((const unsigned char *)x[j], strlen(x[j])));
            refuse(s, m, f + 1);
            break;
        }
        case PHS_TYPE_ENUM:
        case PHS_TYPE_CODES:
            decode_text(vm, s, f, n);
            break;
        default:
            break;
        }
    }
    const phs_date *vd = rs->f_visit_date >= 0 ? s->col[rs->f_visit_date] : NULL;
    if (!vd)
        for (size_t j = 0; j < n; j++)
            s->visit[j] = PHS_DATE_NONE;
    else
        for (size_t j = 0; j < n; j++)
            s->visit[j] = vd[s->base + j] >= DATE_MIN && vd[s->base + j] <= DATE_MAX
                              ? vd[s->base + j]
                              : PHS_DATE_NONE;
}
