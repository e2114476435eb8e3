/* Running a compiled program over blocks of residents.
 *
 * Per block: the caller's columns are validated into a refusal mask and
 * their code lists and enum texts decoded (decode.c); the versions in
 * force are picked per resident, and only operations some picked version
 * needs run, each over the whole block; last, each resident's outputs are
 * copied from the units of its versions. */
#include "scratch.h"

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

/* The record of lane j: every field with a column. */
static void fill_record(const phs__vm *vm, phs__vscratch *s, size_t j)
{
    const phs_ruleset *rs = vm->rs;
    phs_record *r = &s->rec;
    size_t i = s->base + j;
    memset(r->present, 0, rs->nwords * sizeof *r->present);
    r->ncodes = 0;
    for (size_t k = 0; k < vm->ncols; k++) {
        int f = vm->cols[k];
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
            has = lane(s->d_valid + (size_t)vm->dec_of[f] * W, j);
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
                if (phs__grow(&s->codes, &s->codes_cap, r->ncodes,
                              sizeof *s->codes, 16) < 0) {
                    s->oom = 1; /* the call fails with PHS_ENOMEM */
                    has = 0;
                    break;
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

static void scalar(const phs__vm *vm, phs__vscratch *s, const phs__vop *o,
                   double *dv, uint64_t *db, uint64_t *dk, size_t n)
{
    const phs__node *nd = &vm->rs->nodes[o->a];
    memset(db, 0, W * sizeof *db);
    memset(dk, 0, W * sizeof *dk);
    for (size_t j = 0; j < n; j++) {
        phs__val v;
        if (lane(s->bad, j))
            continue;
        fill_record(vm, s, j);
        memset(s->ev.dstate, 0, vm->rs->nderived);
        if (!phs__expr_eval(&s->ev, o->a, &v))
            continue;
        dk[j / 64] |= (uint64_t)1 << (j % 64);
        if (nd->type == PHS__T_BOOL)
            db[j / 64] |= (uint64_t)(v.u.i != 0) << (j % 64);
        else
            dv[j] = nd->type == PHS__T_DATE ? (double)v.u.i : v.u.n;
    }
}

/* ---- the operations ---- */

/* d = a ? b, or a ? k when b is NULL, packed.  Known values are finite, so
 * these comparisons agree with the tree's num_cmp. */
#define CMP_PACK(OP)                                                           \
    do {                                                                       \
        if (b)                                                                 \
            PACK(d, n, a[j] OP b[j]);                                          \
        else                                                                   \
            PACK(d, n, a[j] OP k);                                             \
    } while (0)

static VM_INLINE void cmp_pack(int sub, const double *a, const double *b,
                            double k, uint64_t *d, size_t n)
{
    switch (sub) {
    case CMP_EQ: CMP_PACK(==); break;
    case CMP_NE: CMP_PACK(!=); break;
    case CMP_LT: CMP_PACK(<); break;
    case CMP_LE: CMP_PACK(<=); break;
    case CMP_GT: CMP_PACK(>); break;
    default: CMP_PACK(>=); break;
    }
}

/* A bool column's masks: true (> 0) and known (>= 0), eight cells at a time
 * (the sign bits, and whether a byte is non-zero, gathered by a multiply). */
static VM_INLINE void bool_masks(const int8_t *x, size_t n, uint64_t *b,
                                 uint64_t *k)
{
    const uint64_t HI = 0x8080808080808080u, LO = 0x7f7f7f7f7f7f7f7fu;
    const uint64_t GATHER = 0x0002040810204081u; /* byte i's bit 7 -> bit 56 + i */
    size_t full = n / 8 * 8;
    for (size_t w = 0; w < W; w++)
        b[w] = k[w] = 0;
    for (size_t j = 0; j < full; j += 8) {
        uint64_t v;
        memcpy(&v, x + j, sizeof v);
        uint64_t nonneg = ~v & HI, nonzero = (((v & LO) + LO) | v) & HI;
        k[j / 64] |= ((nonneg * GATHER) >> 56) << (j % 64);
        b[j / 64] |= (((nonzero & nonneg) * GATHER) >> 56) << (j % 64);
    }
    for (size_t j = full; j < n; j++) {
        k[j / 64] |= (uint64_t)(x[j] >= 0) << (j % 64);
        b[j / 64] |= (uint64_t)(x[j] > 0) << (j % 64);
    }
}

/* Tier, due date and flags of a unit (sinks). */
static void sink(const phs__vm *vm, phs__vscratch *s, const phs__vop *o,
                 const double *bv, const uint64_t *bb, const uint64_t *bk,
                 size_t n)
{
    const size_t u = (size_t)o->a, st = s->uo[u].st;
    const phs__vunit *un = &vm->units[u];
    int16_t *t = s->uo[u].t;
    int32_t *due = s->uo[u].due;
    uint64_t *fl = s->uo[u].fl;
    uint64_t *open = s->u_open + u * W, *ek = s->u_ek + u * W, *eb = s->u_eb + u * W;
    switch ((phs__vopcode)o->op) {
    case V_ELIG: { /* open: known and true; the others are decided here */
        uint64_t unknown[W];
        for (size_t w = 0; w < W; w++) {
            ek[w] = bk[w] & s->live[w];
            eb[w] = ek[w] & bb[w];
            open[w] = eb[w];
            unknown[w] = s->live[w] & ~bk[w];
        }
        if (!s->uo[u].inplace) /* (in place: place_outputs filled them) */
            for (size_t j = 0; j < n; j++) {
                t[j] = PHS_COL_NOT_ENROLLED;
                due[j] = PHS_DATE_NONE;
                fl[j] = 0;
            }
        memset(s->u_hit + (size_t)un->hit * W, 0,
               un->prog->ntiers * W * sizeof *s->u_hit);
        EACH_LANE(unknown, t[j * st] = PHS_COL_INSUFFICIENT_DATA);
        return;
    }
    case V_TIER: { /* first match: an open resident known true is decided,
                      one unknown is insufficient data */
        uint64_t *hit = s->u_hit + ((size_t)un->hit + (size_t)o->c) * W;
        uint64_t unknown[W];
        for (size_t w = 0; w < W; w++) {
            hit[w] = open[w] & bk[w] & bb[w];
            unknown[w] = open[w] & ~bk[w];
            open[w] &= bk[w] & ~bb[w];
        }
        const int16_t tc = (int16_t)o->c;
        const phs__tier *ti = &un->prog->tiers[o->c];
        const int32_t *visit = s->visit, ivl = ti->ivl_n;
        int32_t last = PHS_DATE_NONE, out = PHS_DATE_NONE;
        if (!o->sub)
            EACH_LANE(hit, t[j * st] = tc);
        else if (ti->ivl_unit != 'm') /* due: the visit + days */
            EACH_LANE(hit, {
                t[j * st] = tc;
                due[j * st] = visit[j] == PHS_DATE_NONE ? PHS_DATE_NONE : visit[j] + ivl;
            });
        else /* the visit + months: visits repeat */
            EACH_LANE(hit, {
                t[j * st] = tc;
                if (visit[j] != last) {
                    last = visit[j];
                    out = last == PHS_DATE_NONE ? PHS_DATE_NONE
                                                : add_months(s, last, ivl);
                }
                due[j * st] = out;
            });
        EACH_LANE(unknown, t[j * st] = PHS_COL_INSUFFICIENT_DATA);
        return;
    }
    case V_DUE: { /* the residents tier c decided, from register b */
        const phs__tier *ti = &un->prog->tiers[o->c];
        const uint64_t *hit = s->u_hit + ((size_t)un->hit + (size_t)o->c) * W;
        int32_t last = PHS_DATE_NONE, out = PHS_DATE_NONE;
        EACH_LANE(hit, {
            int32_t from = bk && lane(bk, j) ? (int32_t)bv[j] : PHS_DATE_NONE;
            if (from != last) { /* dates repeat: the last one remembered */
                last = from;
                out = from == PHS_DATE_NONE ? PHS_DATE_NONE
                      : ti->ivl_unit == 'm' ? add_months(s, from, ti->ivl_n)
                                            : from + ti->ivl_n;
            }
            due[j * st] = out;
        });
        return;
    }
    case V_FLAG: {
        int en = o->sub - 1;
        uint64_t m[W];
        for (size_t w = 0; w < W; w++)
            m[w] = bk[w] & bb[w] &
                   (en < 0 ? s->live[w] : en ? eb[w] : ek[w] & ~eb[w]);
        const uint64_t bit = (uint64_t)1 << o->c;
        EACH_LANE(m, fl[j * st] |= bit);
        return;
    }
    case V_FLAGDUE: {
        const phs__flag *fg = &un->prog->flags[o->c];
        for (size_t j = 0; j < n; j++) {
            if (!(fl[j * st] >> o->c & 1))
                continue;
            int32_t from = o->b < 0 ? s->visit[j]
                           : lane(bk, j) ? (int32_t)bv[j]
                                         : PHS_DATE_NONE;
            if (from == PHS_DATE_NONE)
                continue;
            int32_t d = fg->ivl_unit == 'm' ? add_months(s, from, fg->ivl_n)
                                            : from + fg->ivl_n;
            if (due[j * st] == PHS_DATE_NONE || d < due[j * st])
                due[j * st] = d;
        }
        return;
    }
    default:
        return;
    }
}

VM_CLONES
void phs__vm_exec_op(const phs__vm *vm, phs__vscratch *s, const phs__vop *o,
                     size_t n)
{
    /* The destination never shares a register with a source (compile.c
     * allocates it before freeing them): restrict lets loops vectorise. */
    const int sinkop = o->op >= V_CHECK;
    double *restrict dv = sinkop ? NULL : s->own + (size_t)o->d * L;
    uint64_t *restrict db = sinkop ? NULL : s->B + (size_t)o->d * W;
    uint64_t *restrict dk = sinkop ? NULL : s->K + (size_t)o->d * W;
    const int ra = phs__vshape[o->op] & PHS__VRA;
    const int rb = (phs__vshape[o->op] & PHS__VRB) && o->b >= 0;
    const double *av = ra ? s->vp[o->a] : NULL, *bv = rb ? s->vp[o->b] : NULL;
    const uint64_t *ab = ra ? s->B + (size_t)o->a * W : NULL;
    const uint64_t *ak = ra ? s->K + (size_t)o->a * W : NULL;
    const uint64_t *bb = rb ? s->B + (size_t)o->b * W : NULL;
    const uint64_t *bk = rb ? s->K + (size_t)o->b * W : NULL;
    if (!sinkop)
        s->vp[o->d] = dv;
    switch ((phs__vopcode)o->op) {
    case V_LOAD: {
        const phs__field *fd = &vm->rs->fields[o->a];
        const void *col = s->col[o->a];
        if (fd->type == PHS_TYPE_NUMBER) { /* read where it is */
            const double *x = (const double *)col + s->base;
            s->vp[o->d] = x;
            PACK(dk, n, x[j] == x[j]); /* not NaN (else refused) */
        } else if (fd->type == PHS_TYPE_BOOL) {
            const int8_t *x = (const int8_t *)col + s->base;
            bool_masks(x, n, db, dk);
        } else if (fd->type == PHS_TYPE_DATE) {
            const phs_date *x = (const phs_date *)col + s->base;
            for (size_t j = 0; j < n; j++)
                dv[j] = x[j];
            PACK(dk, n, (x[j] >= DATE_MIN) & (x[j] <= DATE_MAX));
        } else { /* enum: its decoded value index */
            const int32_t *x = s->d_val + (size_t)vm->dec_of[o->a] * L;
            for (size_t j = 0; j < n; j++)
                dv[j] = x[j];
            memcpy(dk, s->d_valid + (size_t)vm->dec_of[o->a] * W, W * sizeof *dk);
        }
        return;
    }
    case V_DEFAULT:
        if (o->sub)
            for (size_t w = 0; w < W; w++)
                db[w] = ak[w] & ab[w];
        else
            for (size_t j = 0; j < n; j++)
                dv[j] = lane(ak, j) ? av[j] : 0;
        memset(dk, 0xff, W * sizeof *dk);
        return;
    case V_CODEBIT:
    case V_CODECOUNT: {
        size_t d = (size_t)vm->dec_of[o->a];
        const uint64_t *valid = s->d_valid + d * W, *absent = s->d_absent + d * W;
        for (size_t w = 0; w < W; w++)
            dk[w] = valid[w] | (o->c ? absent[w] : 0);
        if (o->op == V_CODEBIT) {
            const uint64_t *bits = s->d_bits + d * L;
            PACK(db, n, (bits[j] >> o->b) & 1);
            for (size_t w = 0; w < W; w++)
                db[w] &= valid[w];
        } else {
            const int32_t *cnt = s->d_val + d * L;
            for (size_t j = 0; j < n; j++)
                dv[j] = cnt[j];
        }
        return;
    }
    case V_SCALAR:
        scalar(vm, s, o, dv, db, dk, n);
        return;
    case V_PRESENT:
        if (vm->rs->fields[o->a].type == PHS_TYPE_STRING) {
            const char *const *x = (const char *const *)s->col[o->a] + s->base;
            PACK(db, n, x[j] && *x[j]);
        } else
            memcpy(db, s->d_valid + (size_t)vm->dec_of[o->a] * W, W * sizeof *db);
        for (size_t w = 0; w < W; w++)
            db[w] |= o->c ? ~(uint64_t)0 : 0;
        memset(dk, 0xff, W * sizeof *dk);
        return;
    case V_NOT:
        for (size_t w = 0; w < W; w++) {
            db[w] = ~ab[w];
            dk[w] = ak[w];
        }
        return;
    case V_AND: /* Kleene: a known false decides alone */
        for (size_t w = 0; w < W; w++) {
            dk[w] = (ak[w] & bk[w]) | (ak[w] & ~ab[w]) | (bk[w] & ~bb[w]);
            db[w] = ak[w] & bk[w] & ab[w] & bb[w];
        }
        return;
    case V_OR: /* a known true decides alone */
        for (size_t w = 0; w < W; w++) {
            dk[w] = (ak[w] & bk[w]) | (ak[w] & ab[w]) | (bk[w] & bb[w]);
            db[w] = (ak[w] & ab[w]) | (bk[w] & bb[w]);
        }
        return;
    case V_NEG:
    case V_ABS:
        for (size_t j = 0; j < n; j++)
            dv[j] = o->op == V_NEG ? -av[j] : fabs(av[j]);
        memcpy(dk, ak, W * sizeof *dk);
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
        if (o->sub == '/') /* |x| <= DBL_MAX: finite, not NaN */
            PACK(dk, n, (fabs(dv[j]) <= DBL_MAX) & (bv[j] != 0));
        else
            PACK(dk, n, fabs(dv[j]) <= DBL_MAX);
        for (size_t w = 0; w < W; w++)
            dk[w] &= ak[w] & bk[w];
        return;
    case V_CMP:
        cmp_pack(o->sub, av, bv, 0, db, n);
        for (size_t w = 0; w < W; w++)
            dk[w] = ak[w] & bk[w];
        return;
    case V_CMPK:
        cmp_pack(o->sub, av, NULL, o->k, db, n);
        memcpy(dk, ak, W * sizeof *dk);
        return;
    case V_CMPB:
        for (size_t w = 0; w < W; w++) {
            uint64_t x = ab[w], y = bb[w];
            db[w] = o->sub == CMP_EQ ? ~(x ^ y) : o->sub == CMP_NE ? x ^ y
                    : o->sub == CMP_LT ? ~x & y : o->sub == CMP_LE ? ~x | y
                    : o->sub == CMP_GT ? x & ~y : x | ~y;
            dk[w] = ak[w] & bk[w];
        }
        return;
    case V_INNUM: {
        const phs__val *l = &vm->rs->nodes[o->c].k;
        for (size_t w = 0; w < W; w++)
            db[w] = 0;
        for (uint32_t t = 0; t < l->u.nl.n; t++) {
            uint64_t m[W];
            const double x = l->u.nl.items[t];
            PACK(m, n, av[j] == x);
            for (size_t w = 0; w < W; w++)
                db[w] |= m[w];
        }
        memcpy(dk, ak, W * sizeof *dk);
        return;
    }
    case V_INMASK: {
        uint32_t mask = (uint32_t)o->k;
        PACK(db, n, (mask >> (av[j] >= 0 && av[j] < 32 ? (int)av[j] : 0)) & 1);
        memcpy(dk, ak, W * sizeof *dk);
        return;
    }
    case V_DATE_ADD: {
        const double sg = o->sub == '-' ? -1 : 1;
        for (size_t j = 0; j < n; j++)
            dv[j] = fabs(bv[j]) < 3e6 ? av[j] + floor(sg * bv[j]) : 0;
        PACK(dk, n, fabs(bv[j]) < 3e6);
        for (size_t w = 0; w < W; w++)
            dk[w] &= ak[w] & bk[w];
        return;
    }
    case V_DATE_DIFF:
        for (size_t j = 0; j < n; j++)
            dv[j] = av[j] - bv[j];
        for (size_t w = 0; w < W; w++)
            dk[w] = ak[w] & bk[w];
        return;
    case V_AGE_AT:
        for (size_t w = 0; w < W; w++)
            dk[w] = ak[w] & bk[w];
        for (size_t j = 0; j < n; j++)
            dv[j] = lane(dk, j) ? phs_date_age((phs_date)av[j], (phs_date)bv[j]) : 0;
        return;
    case V_ADD_MONTHS:
        PACK(dk, n, fabs(bv[j]) < 100000);
        for (size_t w = 0; w < W; w++)
            dk[w] &= ak[w] & bk[w];
        for (size_t j = 0; j < n; j++)
            dv[j] = lane(dk, j) ? add_months(s, (int32_t)av[j], (int32_t)floor(bv[j])) : 0;
        return;
    case V_MINMAX:
        for (size_t j = 0; j < n; j++)
            dv[j] = (o->sub == 'm') == (av[j] < bv[j]) ? av[j] : bv[j];
        for (size_t w = 0; w < W; w++)
            dk[w] = ak[w] & bk[w];
        return;
    case V_IF: {
        const double *cv = s->vp[o->c];
        const uint64_t *cb = s->B + (size_t)o->c * W, *ck = s->K + (size_t)o->c * W;
        for (size_t w = 0; w < W; w++) {
            dk[w] = ak[w] & ((ab[w] & bk[w]) | (~ab[w] & ck[w]));
            db[w] = (ab[w] & bb[w]) | (~ab[w] & cb[w]);
        }
        if (!o->sub)
            for (size_t j = 0; j < n; j++)
                dv[j] = lane(ab, j) ? bv[j] : cv[j];
        return;
    }
    case V_COALESCE:
        for (size_t w = 0; w < W; w++) {
            db[w] = (ak[w] & ab[w]) | (~ak[w] & bb[w]);
            dk[w] = ak[w] | bk[w];
        }
        if (!o->sub)
            for (size_t j = 0; j < n; j++)
                dv[j] = lane(ak, j) ? av[j] : bv[j];
        return;
    case V_KNOWN:
        memcpy(db, ak, W * sizeof *db);
        memset(dk, 0xff, W * sizeof *dk);
        return;
    case V_CHECK: {
        uint64_t m[W];
        for (size_t w = 0; w < W; w++)
            m[w] = bk[w] & bb[w] & s->live[w];
        refuse(s, m, -(o->c + 1));
        return;
    }
    default:
        sink(vm, s, o, bv, bb, bk, n);
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

static uint64_t unit_bit(size_t u)
{
    return u < 63 ? (uint64_t)1 << u : (uint64_t)1 << 63;
}

/* The version of each resident, per program; returns the units used. */
static uint64_t pick_versions(const phs__vm *vm, phs__vscratch *s, size_t n)
{
    const phs_ruleset *rs = vm->rs;
    uint64_t used = 0;
    for (size_t p = 0; p < rs->nprograms; p++) {
        const phs__program *pr = &rs->programs[p];
        uint8_t *ul = s->unit_lane + p * L;
        if (pr->nvers <= 1) {
            used |= unit_bit((size_t)vm->unit_of[p * PHS__MAX_VERSIONS]);
            continue;
        }
        phs_date last = INT32_MIN + 1;
        int u = 0;
        for (size_t j = 0; j < n; j++) {
            if (s->visit[j] != last) {
                last = s->visit[j];
                u = vm->unit_of[p * PHS__MAX_VERSIONS +
                                phs__version_at(pr, last, NULL)];
                used |= unit_bit((size_t)u);
            }
            ul[j] = (uint8_t)u;
        }
    }
    return used;
}

/* Where each unit writes its outputs in this block: a program with one
 * version straight into the caller's arrays when it wants all three (those
 * start as "not enrolled", filled here at once for every program), else
 * (and the versions of a program with several) the scratch's. */
static void place_outputs(const phs__vm *vm, phs__vscratch *s, size_t n,
                          int16_t *tier, phs_date *next_due, uint64_t *flags)
{
    const size_t np = vm->rs->nprograms, base = s->base;
    const int direct = tier && next_due && flags;
    for (size_t u = 0; u < vm->nunits; u++)
        s->uo[u] = (struct uout){s->u_tier + u * L, s->u_due + u * L,
                                 s->u_flags + u * L, 1, 0};
    for (size_t k = base * np; direct && k < (base + n) * np; k++) {
        tier[k] = PHS_COL_NOT_ENROLLED;
        next_due[k] = PHS_DATE_NONE;
        flags[k] = 0;
    }
    for (size_t p = 0; direct && p < np; p++)
        if (vm->rs->programs[p].nvers <= 1)
            s->uo[vm->unit_of[p * PHS__MAX_VERSIONS]] = (struct uout){
                tier + base * np + p, next_due + base * np + p,
                flags + base * np + p, np, 1};
}

/* Copy the block's outputs the units did not write in place to the
 * caller's arrays; refused residents get the error outputs, and *rc becomes
 * PHS_ERECORD (the first one's message is set when *rc is still PHS_OK). */
static void write_outputs(const phs__vm *vm, phs__vscratch *s, size_t n,
                          uint64_t used, int16_t *tier, phs_date *next_due,
                          uint64_t *flags, int *status, int *rc)
{
    const phs_ruleset *rs = vm->rs;
    const size_t np = rs->nprograms, base = s->base;
    for (size_t u = 0; u < vm->nunits; u++) /* still open: no tier matched */
        if (used & unit_bit(u)) {
            int16_t *t = s->uo[u].t;
            const size_t st = s->uo[u].st;
            EACH_LANE(s->u_open + u * W, t[j * st] = PHS_COL_UNCLASSIFIED);
        }
    for (size_t p = 0; p < np; p++) {
        const phs__program *pr = &rs->programs[p];
        int16_t *to = tier ? tier + base * np + p : NULL;
        phs_date *dto = next_due ? next_due + base * np + p : NULL;
        uint64_t *fo = flags ? flags + base * np + p : NULL;
        const uint8_t *ul = s->unit_lane + p * L;
        const size_t u1 = (size_t)vm->unit_of[p * PHS__MAX_VERSIONS];
        if (pr->nvers <= 1 && s->uo[u1].inplace)
            continue;
        for (size_t j = 0; j < n; j++) {
            size_t u = pr->nvers <= 1 ? u1 : ul[j];
            if (to)
                to[j * np] = s->u_tier[u * L + j];
            if (dto)
                dto[j * np] = s->u_due[u * L + j];
            if (fo)
                fo[j * np] = s->u_flags[u * L + j];
        }
    }
    if (status)
        for (size_t j = 0; j < n; j++)
            status[base + j] = PHS_OK;
    EACH_LANE(s->bad, {
        if (*rc == PHS_OK)
            refuse_message(vm, s, j);
        *rc = PHS_ERECORD;
        if (status)
            status[base + j] = PHS_ERECORD;
        for (size_t p = 0; p < np; p++) {
            size_t k = (base + j) * np + p;
            if (tier)
                tier[k] = PHS_COL_ERROR;
            if (next_due)
                next_due[k] = PHS_DATE_NONE;
            if (flags)
                flags[k] = 0;
        }
    });
}

VM_CLONES
int phs__vm_run(const phs__vm *vm, phs__vscratch *s, const void *const *col,
                size_t n, int16_t *tier, phs_date *next_due, uint64_t *flags,
                int *status)
{
    int rc = PHS_OK;
    s->col = col;
    s->oom = 0;
    for (size_t d = 0; d < vm->ndecoded * MEMO; d++)
        s->memo[d].p = NULL; /* the strings of the last call are gone */
    for (s->base = 0; s->base < n; s->base += L) {
        size_t m = n - s->base < L ? n - s->base : L;
        phs__vm_decode(vm, s, m);
        uint64_t used = pick_versions(vm, s, m);
        place_outputs(vm, s, m, tier, next_due, flags);
        for (size_t i = 0; i < vm->nops; i++)
            if (vm->ops[i].need & used)
                phs__vm_exec_op(vm, s, &vm->ops[i], m);
        write_outputs(vm, s, m, used, tier, next_due, flags, status, &rc);
    }
    /* outputs decided on a code list that could not be held are not
     * answers: the whole call fails */
    return s->oom ? phs__error_set(PHS_ENOMEM, "out of memory") : rc;
}
