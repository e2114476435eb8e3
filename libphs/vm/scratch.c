/* The scratch memory of one running call (scratch.h): one block of arrays
 * per scratch, reused through the rule set's pool; and the registers a
 * caller sets or reads around a run (constants, the tree's tests). */
#include "scratch.h"

phs__vscratch *phs__vscratch_next(phs__vscratch *s) { return s->next; }
void phs__vscratch_set_next(phs__vscratch *s, phs__vscratch *next) { s->next = next; }

void *phs__vparts_alloc(const phs__vpart *parts, size_t nparts)
{
    size_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += (parts[i].bytes + 63) & ~(size_t)63;
    char *mem = phs__calloc(1, total ? total : 1);
    if (!mem)
        return NULL;
    for (size_t i = 0, off = 0; i < nparts; i++) {
        char *p = mem + off;
        memcpy(parts[i].at, &p, sizeof p); /* every part is a T * */
        off += (parts[i].bytes + 63) & ~(size_t)63;
    }
    return mem;
}

int phs__vscratch_new(const phs__vm *vm, phs__vscratch **out)
{
    const phs_ruleset *rs = vm->rs;
    size_t nr = vm->nregs, nu = vm->nunits, nd = vm->ndecoded;
    size_t np = rs->nprograms, nw = rs->nwords;
    phs__vscratch *s = phs__calloc(1, sizeof *s);
    if (!s)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    const phs__vpart parts[] = {
        {&s->own, nr * L * sizeof *s->own},
        {&s->vp, nr * sizeof *s->vp},
        {&s->B, nr * W * sizeof *s->B},
        {&s->K, nr * W * sizeof *s->K},
        {&s->u_tier, nu * L * sizeof *s->u_tier},
        {&s->u_due, nu * L * sizeof *s->u_due},
        {&s->u_flags, nu * L * sizeof *s->u_flags},
        {&s->uo, nu * sizeof *s->uo},
        {&s->u_open, nu * W * sizeof *s->u_open},
        {&s->u_ek, nu * W * sizeof *s->u_ek},
        {&s->u_eb, nu * W * sizeof *s->u_eb},
        {&s->u_hit, vm->nhits * W * sizeof *s->u_hit},
        {&s->d_val, nd * L * sizeof *s->d_val},
        {&s->d_bits, nd * L * sizeof *s->d_bits},
        {&s->d_valid, nd * W * sizeof *s->d_valid},
        {&s->d_absent, nd * W * sizeof *s->d_absent},
        {&s->memo, nd * MEMO * sizeof *s->memo},
        {&s->unit_lane, np * L},
        {&s->rec.vals, rs->nfields * sizeof *s->rec.vals},
        {&s->rec.present, nw * sizeof *s->rec.present},
        {&s->ev.dval, rs->nderived * sizeof *s->ev.dval},
        {&s->ev.dstate, rs->nderived},
        {&s->ev.miss, nw * sizeof *s->ev.miss},
    };
    s->mem = phs__vparts_alloc(parts, sizeof parts / sizeof parts[0]);
    s->rec.rs = rs;
    s->ev.rs = rs;
    s->ev.rec = &s->rec;
    s->ev.mctx = rs->mctx;
    if (rs->nregex)
        s->ev.md = pcre2_match_data_create(rs->max_ovector, rs->gctx);
    if (s->mem && (!rs->nregex || s->ev.md)) {
        for (size_t i = 0; i < MONTHS; i++) /* a pure function: kept */
            s->mm[i].date = INT32_MIN;
        for (size_t c = 0; c < vm->nconsts; c++) /* never overwritten */
            phs__vscratch_set(s, vm->consts[c].reg, vm->consts[c].v,
                              vm->consts[c].b, vm->consts[c].k);
        *out = s;
        return PHS_OK;
    }
    phs__vscratch_free(s);
    return phs__error_set(PHS_ENOMEM, "out of memory");
}

void phs__vscratch_free(phs__vscratch *s)
{
    if (s) {
        pcre2_match_data_free(s->ev.md);
        phs__free(s->codes);
        phs__free(s->mem);
    }
    phs__free(s);
}

void phs__vscratch_set(phs__vscratch *s, int32_t r, double v, uint8_t b,
                       uint8_t k)
{
    double *x = s->own + (size_t)r * L;
    for (size_t j = 0; j < L; j++)
        x[j] = v;
    s->vp[r] = x;
    for (size_t w = 0; w < W; w++) {
        s->B[(size_t)r * W + w] = b ? ~(uint64_t)0 : 0;
        s->K[(size_t)r * W + w] = k ? ~(uint64_t)0 : 0;
    }
}

void phs__vscratch_get(const phs__vscratch *s, int32_t r, double *v,
                       uint8_t *b, uint8_t *k)
{
    *v = s->vp[r][0];
    *b = (uint8_t)(s->B[(size_t)r * W] & 1);
    *k = (uint8_t)(s->K[(size_t)r * W] & 1);
}
