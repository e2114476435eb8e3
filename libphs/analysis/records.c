/* Records for cells, the record checks, and describing values and regions
 * (see analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

int an_space_fill(an_space *sp, const size_t *val, const uint8_t *alt)
{
    an_begin_record(sp);
    for (size_t d = 0; d < sp->ndims; d++) {
        const an_dim *dm = &sp->dims[d];
        if (!dm->nvals)
            continue;
        const an_val *v = &dm->vals[val[d]];
        size_t a = alt && alt[d] < v->nalt ? alt[d] : 0;
        for (uint32_t k = 0; k < v->n[a]; k++)
            an_apply_set(sp, &sp->sets[v->first[a] + k]);
    }
    return PHS_OK;
}

static int checks_fail(an_space *sp, uint64_t *fields)
{
    int bad = -1;
    for (size_t r = 0; r < sp->nrs; r++) {
        int c = phs__record_checks(sp->res[r], sp->rec[r]);
        if (c >= 0) {
            const uint64_t *refs = sp->rs[r]->checks[c].when.refs;
            for (size_t f = 0; f < sp->rs[r]->nfields; f++)
                if (refs[f / 64] >> (f % 64) & 1) {
                    int b = an_base_field(sp, (int)r, (int)f);
                    if (b >= 0)
                        fields[b / 64] |= (uint64_t)1 << (b % 64);
                }
            if (bad < 0)
                bad = (int)r * 10000 + c;
        }
    }
    return bad;
}

int an_space_fill_checked(an_space *sp, const size_t *val)
{
    uint64_t fields[AN_W];
    memset(fields, 0, sizeof fields);
    an_space_fill(sp, val, NULL);
    int bad = checks_fail(sp, fields);
    if (bad < 0)
        return -1;
    /* the dimensions the refusing checks read: try their alternatives */
    size_t inv[16], ninv = 0;
    for (size_t d = 0; d < sp->ndims && ninv < 16; d++) {
        int hit = 0;
        for (size_t w = 0; w < AN_W; w++)
            hit |= (sp->dims[d].fields[w] & fields[w]) != 0;
        if (hit && sp->dims[d].nvals && sp->dims[d].vals[val[d]].nalt > 1)
            inv[ninv++] = d;
    }
    uint8_t alt[256];
    memset(alt, 0, sizeof alt);
    for (int tries = 0; tries < 243 && ninv; tries++) {
        size_t k;
        for (k = 0; k < ninv; k++) { /* odometer over the alternatives */
            size_t d = inv[k];
            if (++alt[d] < sp->dims[d].vals[val[d]].nalt)
                break;
            alt[d] = 0;
        }
        if (k == ninv)
            break;
        an_space_fill(sp, val, alt);
        uint64_t more[AN_W];
        memset(more, 0, sizeof more);
        if (checks_fail(sp, more) < 0)
            return -1;
    }
    an_space_fill(sp, val, NULL);
    return bad;
}

void an_field_value(phs__buf *b, const phs_record *rec, int f, int json)
{
    phs__val v;
    char t[40];
    phs__record_field(rec, f, &v);
    switch (rec->rs->fields[f].type) {
    case PHS_TYPE_NUMBER:
        phs_number_format(v.u.n, t);
        phs__buf_puts(b, t);
        break;
    case PHS_TYPE_BOOL: phs__buf_puts(b, v.u.i ? "true" : "false"); break;
    case PHS_TYPE_DATE:
        phs_date_format(v.u.i, t);
        if (json)
            phs__json_cstr(b, t);
        else
            phs__buf_puts(b, t);
        break;
    case PHS_TYPE_CODES:
        if (json)
            phs__buf_putc(b, '[');
        for (uint32_t k = 0; k < v.u.l.n; k++) {
            if (k)
                phs__buf_putc(b, json ? ',' : ';');
            if (json)
                phs__json_str(b, v.u.l.items[k].p, v.u.l.items[k].n);
            else
                phs__buf_putn(b, v.u.l.items[k].p, v.u.l.items[k].n);
        }
        if (json)
            phs__buf_putc(b, ']');
        break;
    default:
        if (json)
            phs__json_str(b, v.u.s.p, v.u.s.n);
        else
            phs__buf_putn(b, v.u.s.p, v.u.s.n);
    }
}

void an_record_json(phs__buf *b, const phs_record *rec, const char *id)
{
    const phs_ruleset *rs = rec->rs;
    int first = 1;
    phs__buf_putc(b, '{');
    if (id && rs->f_id >= 0) {
        phs__buf_puts(b, "\"id\":");
        phs__json_cstr(b, id);
        first = 0;
    }
    for (size_t f = 0; f < rs->nfields; f++) {
        const phs__field *fd = &rs->fields[f];
        if ((int)f == rs->f_id || !phs__record_has(rec, (int)f))
            continue;
        if (!first)
            phs__buf_putc(b, ',');
        first = 0;
        phs__json_cstr(b, fd->name);
        phs__buf_putc(b, ':');
        an_field_value(b, rec, (int)f, 1);
    }
    phs__buf_putc(b, '}');
}

/* ------------------------------------------------------------------ */
/* Describing values and regions                                       */
/* ------------------------------------------------------------------ */

void an_describe(phs__buf *b, const an_space *sp, size_t d,
                 const uint8_t *mask)
{
    const an_dim *dm = &sp->dims[d];
    int first = 1;
    if (dm->var < 0) {
        for (size_t k = 0; k < dm->nvals; k++)
            if (!mask || mask[k]) {
                phs__buf_printf(b, "%s%s", first ? "" : " or ", dm->vals[k].label);
                first = 0;
            }
        return;
    }
    const an_var *v = &sp->vars[dm->var];
    int m = (int)v->nthr, date = an_is_date_var(v);
    size_t k = 0;
    while (k < dm->nvals) {
        if ((mask && !mask[k]) || dm->vals[k].cell == 2 * m + 1) {
            k++;
            continue;
        }
        size_t j = k;
        while (j + 1 < dm->nvals && (!mask || mask[j + 1]) &&
               dm->vals[j + 1].cell != 2 * m + 1)
            j++;
        int ci = dm->vals[k].cell, cj = dm->vals[j].cell;
        int has_lo = !(ci % 2 == 0 && ci / 2 == 0);
        int has_hi = !(cj % 2 == 0 && cj / 2 == m);
        double lo = ci % 2 ? v->thr[ci / 2] : has_lo ? v->thr[ci / 2 - 1] : 0;
        int lo_in = ci % 2;
        double hi = cj % 2 ? v->thr[cj / 2] : has_hi ? v->thr[cj / 2] : 0;
        int hi_in = cj % 2;
        if (!first)
            phs__buf_puts(b, " or ");
        first = 0;
        if (has_lo && has_hi && lo_in && hi_in && lo == hi) {
            phs__buf_printf(b, "%s = ", v->name);
            an_num_or_date(b, lo, date);
        } else if (has_lo && has_hi) {
            an_num_or_date(b, lo, date);
            phs__buf_printf(b, " %s %s %s ", lo_in ? "≤" : "<", v->name,
                            hi_in ? "≤" : "<");
            an_num_or_date(b, hi, date);
        } else if (has_lo) {
            phs__buf_printf(b, "%s %s ", v->name, lo_in ? "≥" : ">");
            an_num_or_date(b, lo, date);
        } else if (has_hi) {
            phs__buf_printf(b, "%s %s ", v->name, hi_in ? "≤" : "<");
            an_num_or_date(b, hi, date);
        } else {
            phs__buf_printf(b, "%s %s", v->name, v->kind == AV_TERM ? "known" : "present");
        }
        k = j + 1;
    }
    for (k = 0; k < dm->nvals; k++)
        if ((!mask || mask[k]) && dm->vals[k].cell == 2 * m + 1) {
            phs__buf_printf(b, "%s%s %s", first ? "" : " or ", v->name,
                            v->kind == AV_TERM ? "unknown" : "absent");
            first = 0;
        }
}

int an_regions_init(an_regions *rg, const an_space *sp)
{
    memset(rg, 0, sizeof *rg);
    rg->ndims = sp->ndims;
    rg->off = phs__calloc(sp->ndims + 1, sizeof *rg->off);
    if (!rg->off)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t d = 0; d < sp->ndims; d++) {
        rg->off[d] = rg->width;
        rg->width += sp->dims[d].nvals;
    }
    rg->off[sp->ndims] = rg->width;
    return PHS_OK;
}

void an_regions_add(an_regions *rg, int label, const size_t *val)
{
    if (rg->oom)
        return;
    if (phs__grow(&rg->r, &rg->cap, rg->n, sizeof *rg->r, 64) < 0) {
        rg->oom = 1;
        return;
    }
    an_region *r = &rg->r[rg->n];
    r->mask = phs__calloc(rg->width ? rg->width : 1, 1);
    if (!r->mask) {
        rg->oom = 1;
        return;
    }
    r->label = label;
    r->cells = 1;
    for (size_t d = 0; d < rg->ndims; d++)
        r->mask[rg->off[d] + val[d]] = 1;
    rg->n++;
    if (rg->n % 20000 == 0)
        an_regions_merge(rg);
}

typedef struct {
    uint64_t h;
    size_t i;
} hidx;

static int cmp_hidx(const void *a, const void *b)
{
    const hidx *x = a, *y = b;
    return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->i > y->i) - (x->i < y->i);
}

static int same_except(const an_regions *rg, const an_region *a,
                       const an_region *b, size_t d)
{
    return a->label == b->label &&
           !memcmp(a->mask, b->mask, rg->off[d]) &&
           !memcmp(a->mask + rg->off[d + 1], b->mask + rg->off[d + 1],
                   rg->width - rg->off[d + 1]);
}

void an_regions_merge(an_regions *rg)
{
    if (rg->oom || rg->n < 2)
        return;
    hidx *h = phs__malloc(rg->n * sizeof *h);
    if (!h) {
        rg->oom = 1;
        return;
    }
    int changed = 1;
    for (int pass = 0; changed && pass < 20; pass++) {
        changed = 0;
        for (size_t d = 0; d < rg->ndims; d++) {
            for (size_t i = 0; i < rg->n; i++) {
                const an_region *r = &rg->r[i];
                uint64_t x = 0xcbf29ce484222325ull ^ (uint64_t)r->label;
                x = an_h_mix(x, r->mask, rg->off[d]);
                x = an_h_mix(x, r->mask + rg->off[d + 1], rg->width - rg->off[d + 1]);
                h[i] = (hidx){x, i};
            }
            qsort(h, rg->n, sizeof *h, cmp_hidx);
            for (size_t a = 0; a < rg->n;) {
                size_t b = a + 1;
                an_region *ra = &rg->r[h[a].i];
                while (b < rg->n && h[b].h == h[a].h) {
                    an_region *rb = &rg->r[h[b].i];
                    if (rb->mask && ra->mask && same_except(rg, ra, rb, d)) {
                        for (size_t k = rg->off[d]; k < rg->off[d + 1]; k++)
                            ra->mask[k] |= rb->mask[k];
                        ra->cells += rb->cells;
                        phs__free(rb->mask);
                        rb->mask = NULL;
                        changed = 1;
                    }
                    b++;
                }
                a = b;
            }
            size_t k = 0;
            for (size_t i = 0; i < rg->n; i++)
                if (rg->r[i].mask)
                    rg->r[k++] = rg->r[i];
            rg->n = k;
        }
    }
    phs__free(h);
}

void an_regions_free(an_regions *rg)
{
    for (size_t i = 0; i < rg->n; i++)
        phs__free(rg->r[i].mask);
    phs__free(rg->r);
    phs__free(rg->off);
    memset(rg, 0, sizeof *rg);
}

void an_region_text(phs__buf *b, const an_space *sp, const an_regions *rg,
                    size_t i)
{
    const an_region *r = &rg->r[i];
    int first = 1;
    for (size_t d = 0; d < rg->ndims; d++) {
        const uint8_t *m = r->mask + rg->off[d];
        size_t n = sp->dims[d].nvals, on = 0;
        for (size_t k = 0; k < n; k++)
            on += m[k];
        if (on == n)
            continue;
        if (!first)
            phs__buf_puts(b, ", ");
        first = 0;
        if (on > 1 && sp->dims[d].var < 0)
            phs__buf_putc(b, '(');
        an_describe(b, sp, d, m);
        if (on > 1 && sp->dims[d].var < 0)
            phs__buf_putc(b, ')');
    }
    if (first)
        phs__buf_puts(b, "any input");
}

void an_region_cell(const an_space *sp, const an_regions *rg, size_t i,
                    size_t *val)
{
    for (size_t d = 0; d < sp->ndims; d++) {
        const uint8_t *m = rg->r[i].mask + rg->off[d];
        size_t n = 0, pick = 0;
        for (size_t k = 0; k < sp->dims[d].nvals; k++)
            n += m[k];
        /* ordered: a middle value of the range; else the first */
        size_t want = sp->dims[d].var >= 0 ? n / 2 : 0;
        val[d] = 0;
        for (size_t k = 0; k < sp->dims[d].nvals; k++)
            if (m[k] && pick++ == want) {
                val[d] = k;
                break;
            }
    }
}
