/* Result accessors and the JSON rendering. */
#include <string.h>

#include "run.h"

static const phs__pout *pout(const phs_result *r, size_t p)
{
    return r && p < r->rs->nprograms ? &r->prog[p] : NULL;
}

static const phs__tier *tier(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o && o->tier >= 0 ? &phs__result_version(r, p)->tiers[o->tier]
                             : NULL;
}

const char *phs_result_id(const phs_result *r) { return r ? r->id : NULL; }

int phs_result_outcome(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o ? o->outcome : PHS_EINVAL;
}

int phs_result_enrolled(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o ? o->enrolled : 0;
}

const char *phs_result_tier(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    if (!o)
        return NULL;
    switch (o->outcome) {
    case PHS_TIERED: return phs__result_version(r, p)->tiers[o->tier].name;
    case PHS_INSUFFICIENT_DATA: return "insufficient_data";
    case PHS_UNCLASSIFIED: return "unclassified";
    default: return NULL;
    }
}

int phs_result_tier_index(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o && o->outcome == PHS_TIERED ? o->tier : -1;
}

uint64_t phs_result_flag_mask(const phs_result *r, size_t p)
{
    return pout(r, p) ? pout(r, p)->flags : 0;
}

int phs_result_level(const phs_result *r, size_t p)
{
    return tier(r, p) ? tier(r, p)->level : 0;
}

const char *phs_result_code(const phs_result *r, size_t p)
{
    const phs__tier *t = tier(r, p);
    if (!t)
        return NULL;
    int c = r->prog[p].code_case;
    return c >= 0 && (size_t)c < t->ncases ? t->cases[c].code : t->code;
}

int phs_result_referral(const phs_result *r, size_t p)
{
    return pout(r, p) ? pout(r, p)->referral : 0;
}

int phs_result_overdue_days(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    if (!o || o->due == PHS_DATE_NONE || r->visit == PHS_DATE_NONE ||
        o->due >= r->visit)
        return 0;
    return (int)(r->visit - o->due);
}

phs_date phs_result_next_due(const phs_result *r, size_t p)
{
    return pout(r, p) ? pout(r, p)->due : PHS_DATE_NONE;
}

phs_date phs_result_earliest(const phs_result *r, size_t p)
{
    return pout(r, p) ? pout(r, p)->earliest : PHS_DATE_NONE;
}

const char *phs_result_interval(const phs_result *r, size_t p)
{
    return tier(r, p) ? tier(r, p)->ivl_text : NULL;
}

/* The i-th set bit of a mask, or -1. */
static int nth_bit(uint64_t m, size_t i)
{
    for (; m; m &= m - 1)
        if (i-- == 0)
            return __builtin_ctzll(m);
    return -1;
}

/* Actions: the tier's, then those of each raised flag. */
/* The actions, with repeats: the tier's, then those of each raised flag. */
static size_t raw_action_count(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    if (!o)
        return 0;
    size_t n = tier(r, p) ? tier(r, p)->r.nactions : 0;
    for (uint64_t m = o->flags; m; m &= m - 1)
        n += phs__result_version(r, p)->flags[__builtin_ctzll(m)].r.nactions;
    return n;
}

static const char *raw_action(const phs_result *r, size_t p, size_t i)
{
    const phs__pout *o = pout(r, p);
    const phs__tier *t = tier(r, p);
    if (!o)
        return NULL;
    if (t) {
        if (i < t->r.nactions)
            return t->r.actions[i];
        i -= t->r.nactions;
    }
    for (uint64_t m = o->flags; m; m &= m - 1) {
        const phs__flag *f = &phs__result_version(r, p)->flags[__builtin_ctzll(m)];
        if (i < f->r.nactions)
            return f->r.actions[i];
        i -= f->r.nactions;
    }
    return NULL;
}

/* An action named by the tier and a flag (or two flags) is listed once. */
static int repeated(const phs_result *r, size_t p, size_t i)
{
    const char *a = raw_action(r, p, i);
    for (size_t j = 0; j < i; j++)
        if (strcmp(raw_action(r, p, j), a) == 0)
            return 1;
    return 0;
}

size_t phs_result_action_count(const phs_result *r, size_t p)
{
    size_t n = 0, raw = raw_action_count(r, p);
    for (size_t i = 0; i < raw; i++)
        n += !repeated(r, p, i);
    return n;
}

const char *phs_result_action(const phs_result *r, size_t p, size_t i)
{
    size_t raw = raw_action_count(r, p);
    for (size_t k = 0; k < raw; k++)
        if (!repeated(r, p, k) && i-- == 0)
            return raw_action(r, p, k);
    return NULL;
}

size_t phs_result_flag_count(const phs_result *r, size_t p)
{
    return pout(r, p) ? (size_t)__builtin_popcountll(pout(r, p)->flags) : 0;
}

const char *phs_result_flag(const phs_result *r, size_t p, size_t i)
{
    int b = pout(r, p) ? nth_bit(pout(r, p)->flags, i) : -1;
    return b < 0 ? NULL : phs__result_version(r, p)->flags[b].name;
}

size_t phs_result_undecided_flag_count(const phs_result *r, size_t p)
{
    return pout(r, p) ? (size_t)__builtin_popcountll(pout(r, p)->undecided)
                      : 0;
}

const char *phs_result_undecided_flag(const phs_result *r, size_t p, size_t i)
{
    int b = pout(r, p) ? nth_bit(pout(r, p)->undecided, i) : -1;
    return b < 0 ? NULL : phs__result_version(r, p)->flags[b].name;
}

/* Reasons: eligibility (when enrolled), the tier, each raised flag. */
static const phs__rule *reason(const phs_result *r, size_t p, size_t i)
{
    const phs__pout *o = pout(r, p);
    if (!o)
        return NULL;
    const phs__program *pr = phs__result_version(r, p);
    if (o->enrolled == 1) {
        if (i == 0)
            return &pr->elig;
        i--;
    }
    if (o->tier >= 0) {
        if (i == 0)
            return &pr->tiers[o->tier].r;
        i--;
    }
    int b = nth_bit(o->flags, i);
    return b < 0 ? NULL : &pr->flags[b].r;
}

size_t phs_result_reason_count(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    if (!o)
        return 0;
    return (size_t)(o->enrolled == 1) + (size_t)(o->tier >= 0) +
           (size_t)__builtin_popcountll(o->flags);
}

const char *phs_result_reason(const phs_result *r, size_t p, size_t i)
{
    const phs__rule *ru = reason(r, p, i);
    return ru ? ru->id : NULL;
}

size_t phs_result_reason_cite_count(const phs_result *r, size_t p, size_t i)
{
    const phs__rule *ru = reason(r, p, i);
    return ru ? ru->ncites : 0;
}

const char *phs_result_reason_cite(const phs_result *r, size_t p, size_t i,
                                   size_t c)
{
    const phs__rule *ru = reason(r, p, i);
    return ru && c < ru->ncites ? ru->cites[c]->id : NULL;
}

size_t phs_result_missing_count(const phs_result *r, size_t p)
{
    size_t n = 0;
    if (!pout(r, p))
        return 0;
    const uint64_t *m = r->missing + p * r->rs->nwords;
    for (size_t w = 0; w < r->rs->nwords; w++)
        n += (size_t)__builtin_popcountll(m[w]);
    return n;
}

const char *phs_result_missing(const phs_result *r, size_t p, size_t i)
{
    if (!pout(r, p))
        return NULL;
    const uint64_t *m = r->missing + p * r->rs->nwords;
    for (size_t w = 0; w < r->rs->nwords; w++) {
        size_t c = (size_t)__builtin_popcountll(m[w]);
        if (i < c)
            return r->rs->fields[w * 64 + (size_t)nth_bit(m[w], i)].name;
        i -= c;
    }
    return NULL;
}

size_t phs_result_plan_count(const phs_result *r) { return r ? r->nplan : 0; }

phs_date phs_result_plan_date(const phs_result *r, size_t i)
{
    return r && i < r->nplan ? r->plan_date[i] : PHS_DATE_NONE;
}

int phs_result_plan_serves(const phs_result *r, size_t i, size_t p)
{
    return r && i < r->nplan && p < r->rs->nprograms
               ? (int)(r->plan_mask[i] >> p & 1)
               : 0;
}

/* ---- JSON ---- */

static void jrule(phs__buf *b, const phs__rule *ru)
{
    phs__json_member(b, "{\"rule\":", ru->id);
    phs__buf_puts(b, ",\"provisional\":");
    phs__buf_puts(b, ru->provisional ? "true" : "false");
    phs__buf_puts(b, ",\"cites\":[");
    for (size_t c = 0; c < ru->ncites; c++) {
        const phs__clause *cl = ru->cites[c];
        phs__json_member(b, c ? ",{\"clause\":" : "{\"clause\":", cl->id);
        phs__json_member(b, ",\"source\":", cl->source);
        phs__json_member(b, ",\"section\":", cl->section);
        phs__json_member(b, ",\"tag\":", cl->tag);
        phs__json_member(b, ",\"confidence\":", cl->confidence);
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "]}");
}

/* `head` (the end of the previous member, the key, '[') and one of the
 * result's lists of names, comma-separated. */
static void jnames(phs__buf *b, const char *head, const phs_result *r,
                   size_t p, size_t (*count)(const phs_result *, size_t),
                   const char *(*name)(const phs_result *, size_t, size_t))
{
    phs__buf_puts(b, head);
    for (size_t i = 0, n = count(r, p); i < n; i++) {
        if (i)
            phs__buf_putc(b, ',');
        phs__json_cstr(b, name(r, p, i));
    }
}

static void jprogram(phs__buf *b, const phs_result *r, size_t p)
{
    const phs__program *pr = phs__result_version(r, p);
    const phs__pout *o = &r->prog[p];
    const phs__tier *t = tier(r, p);
    phs__buf_puts(b, "{\"enrolled\":");
    phs__buf_puts(b, o->enrolled < 0 ? "null" : o->enrolled ? "true" : "false");
    phs__json_member(b, ",\"tier\":", phs_result_tier(r, p));
    phs__buf_printf(b, ",\"level\":%d,\"code\":", t ? t->level : 0);
    phs__json_cstr(b, phs_result_code(r, p));
    phs__json_date(b, ",\"next_due\":", o->due);
    phs__json_date(b, ",\"earliest\":", o->earliest);
    phs__buf_printf(b, ",\"overdue_days\":%d", phs_result_overdue_days(r, p));
    phs__json_member(b, ",\"interval\":", t ? t->ivl_text : NULL);
    phs__buf_puts(b, ",\"referral\":");
    phs__buf_puts(b, o->referral ? "true" : "false");
    jnames(b, ",\"actions\":[", r, p, phs_result_action_count,
           phs_result_action);
    jnames(b, "],\"flags\":[", r, p, phs_result_flag_count, phs_result_flag);
    jnames(b, "],\"undecided_flags\":[", r, p,
           phs_result_undecided_flag_count, phs_result_undecided_flag);
    phs__buf_puts(b, "],\"reasons\":[");
    for (size_t i = 0, n = phs_result_reason_count(r, p); i < n; i++) {
        if (i)
            phs__buf_putc(b, ',');
        jrule(b, reason(r, p, i));
    }
    jnames(b, "],\"missing\":[", r, p, phs_result_missing_count,
           phs_result_missing);
    phs__buf_puts(b, "],\"yearly\":[");
    int first = 1;
    for (size_t y = 0; t && y < pr->nyearly; y++) {
        const phs__yearly *yr = &pr->yearly[y];
        if (!(o->yearly >> y & 1))
            continue;
        phs__buf_puts(b, first ? "{\"id\":" : ",{\"id\":");
        first = 0;
        phs__json_cstr(b, yr->id);
        phs__buf_printf(b, ",\"min\":%d,\"what\":", yr->min);
        phs__json_cstr(b, yr->what);
        phs__buf_putc(b, '}');
    }
    phs__json_member(b, "],\"spec_version\":", pr->version);
    phs__json_member(b, ",\"spec_status\":", pr->status);
    phs__json_member(b, ",\"spec_fingerprint\":", pr->fingerprint);
    phs__json_date(b, ",\"spec_effective\":{\"from\":", pr->eff_from);
    phs__json_date(b, ",\"to\":", pr->eff_to);
    phs__buf_puts(b, "},\"spec_in_force\":");
    phs__buf_puts(b, o->in_force ? "true" : "false");
    phs__buf_putc(b, '}');
}

int phs_result_to_json(const phs_result *r, char **out, size_t *len)
{
    phs__buf b = {0};
    if (!r || !out)
        return phs__error_set(PHS_EINVAL, "to_json: NULL argument");
    phs__json_member(&b, "{\"id\":", r->id);
    phs__json_member(&b, ",\"rules_fingerprint\":", r->rs->fingerprint);
    phs__json_date(&b, ",\"visit_date\":", r->visit);
    phs__buf_puts(&b, ",\"programs\":{");
    for (size_t p = 0; p < r->rs->nprograms; p++) {
        if (p)
            phs__buf_putc(&b, ',');
        phs__json_cstr(&b, r->rs->programs[p].id);
        phs__buf_putc(&b, ':');
        jprogram(&b, r, p);
    }
    phs__buf_puts(&b, "},\"plan\":[");
    for (size_t i = 0; i < r->nplan; i++) {
        phs__json_date(&b, i ? ",{\"date\":" : "{\"date\":", r->plan_date[i]);
        phs__buf_puts(&b, ",\"programs\":[");
        int first = 1;
        for (size_t p = 0; p < r->rs->nprograms; p++)
            if (r->plan_mask[i] >> p & 1) {
                if (!first)
                    phs__buf_putc(&b, ',');
                first = 0;
                phs__json_cstr(&b, r->rs->programs[p].id);
            }
        phs__buf_puts(&b, "]}");
    }
    phs__buf_puts(&b, "]}");
    if (b.oom) {
        phs__buf_free(&b);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    *out = b.p;
    if (len)
        *len = b.len;
    return PHS_OK;
}

/* ---- effective dates ---- */

int phs_result_version(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o ? o->ver : PHS_EINVAL;
}

const char *phs_result_version_name(const phs_result *r, size_t p)
{
    return pout(r, p) ? phs__result_version(r, p)->version : NULL;
}

const char *phs_result_version_fingerprint(const phs_result *r, size_t p)
{
    return pout(r, p) ? phs__result_version(r, p)->fingerprint : NULL;
}

int phs_result_version_in_force(const phs_result *r, size_t p)
{
    const phs__pout *o = pout(r, p);
    return o ? o->in_force : 0;
}
