/* Classification: eligibility, first-match tiers with three-valued logic,
 * flags, the follow-up schedule and the merged plan.  No allocation once
 * the result has grown to the longest id it has seen. */
#include <string.h>

#include "run.h"

/* One block holds every per-program array and the evaluation scratch, so a
 * result is contiguous in memory. */
int phs_result_new(phs_result **out, const phs_ruleset *rs)
{
    if (!out || !rs)
        return phs__error_set(PHS_EINVAL, "result: NULL argument");
    size_t np = rs->nprograms ? rs->nprograms : 1;
    size_t nd = rs->nderived ? rs->nderived : 1;
    size_t nw = rs->nwords ? rs->nwords : 1;
    size_t size = sizeof(phs_result) + np * sizeof(phs__pout) +
                  (np * nw + nw) * sizeof(uint64_t) +
                  nd * sizeof(phs__val) + np * sizeof(phs_date) +
                  np * sizeof(uint32_t) + nd;
    phs_result *r = phs__calloc(1, size);
    if (!r)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    /* carve, largest alignment first */
    r->prog = (phs__pout *)(r + 1);
    r->missing = (uint64_t *)(r->prog + np);
    r->ev.miss = r->missing + np * nw;
    r->ev.dval = (phs__val *)(r->ev.miss + nw);
    r->plan_date = (phs_date *)(r->ev.dval + nd);
    r->plan_mask = (uint32_t *)(r->plan_date + np);
    r->ev.dstate = (uint8_t *)(r->plan_mask + np);
    r->rs = rs;
    r->ev.rs = rs;
    r->ev.mctx = rs->mctx;
    if (rs->nregex)
        r->ev.md = pcre2_match_data_create(rs->max_ovector, rs->gctx);
    r->id = phs__calloc(1, 64);
    r->id_cap = 64;
    if ((rs->nregex && !r->ev.md) || !r->id) {
        phs_result_free(r);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < rs->nprograms; p++)
        r->prog[p].tier = -1;
    r->force_prog = r->force_ver = -1;
    *out = r;
    return PHS_OK;
}

void phs_result_free(phs_result *r)
{
    if (!r)
        return;
    pcre2_match_data_free(r->ev.md);
    phs__free(r->id);
    phs__free(r);
}

/* missing |= the fields an undecided condition lacked (evaluated again,
 * tracking them: rare, so the common path pays nothing for it) */
static void add_missing(phs__eval *ev, int32_t root, uint64_t *missing)
{
    phs__val v;
    memset(ev->miss, 0, ev->rs->nwords * sizeof *ev->miss);
    ev->track = 1;
    phs__expr_eval(ev, root, &v);
    ev->track = 0;
    for (size_t w = 0; w < ev->rs->nwords; w++)
        missing[w] |= ev->miss[w];
}

/* due = from + interval, earliest = due - window (or from); NONE when the
 * start date is unknown (its fields added to missing when track_missing) */
static void follow_up(phs__eval *ev, const phs__expr *fromx, int ivl_n,
                      char ivl_unit, int window_days, phs_date visit,
                      phs_date *due, phs_date *earliest, uint64_t *missing)
{
    phs_date from = visit;
    *due = *earliest = PHS_DATE_NONE;
    if (fromx->root >= 0) {
        phs__val v;
        if (!phs__expr_eval(ev, fromx->root, &v)) {
            if (missing)
                add_missing(ev, fromx->root, missing);
            return;
        }
        from = v.u.i;
    }
    if (from == PHS_DATE_NONE)
        return;
    *due = ivl_unit == 'm' ? phs_date_add_months(from, ivl_n) : from + ivl_n;
    *earliest = window_days >= 0 ? *due - window_days : from;
    if (*earliest > *due)
        *earliest = *due;
}

static void schedule(phs__eval *ev, const phs__tier *t, phs_date visit,
                     phs__pout *o, uint64_t *missing)
{
    follow_up(ev, &t->from, t->ivl_n, t->ivl_unit, t->window_days, visit,
              &o->due, &o->earliest, missing);
}

static void classify_version(phs__eval *ev, const phs__program *p,
                             phs_date visit, phs__pout *o, uint64_t *missing)
{
    int e = phs__expr_test(ev, &p->elig.when);
    o->flags = o->undecided = o->yearly = 0;
    o->tier = -1;
    o->code_case = -1;
    o->referral = 0;
    o->due = o->earliest = PHS_DATE_NONE;
    o->enrolled = (int8_t)e;
    if (e < 0) {
        o->outcome = PHS_INSUFFICIENT_DATA;
        add_missing(ev, p->elig.when.root, missing);
    } else if (e == 0) {
        o->outcome = PHS_NOT_ENROLLED;
    } else {
        o->outcome = PHS_UNCLASSIFIED;
        for (size_t t = 0; t < p->ntiers; t++) {
            int v = phs__expr_test(ev, &p->tiers[t].r.when);
            if (v == 1) {
                const phs__tier *ti = &p->tiers[t];
                o->outcome = PHS_TIERED;
                o->tier = (int16_t)t;
                o->referral = (uint8_t)(ti->referral != 0);
                schedule(ev, ti, visit, o, missing);
                /* the code of the first cause that holds (an unknown
                 * cause is not taken) */
                for (size_t c = 0; c < ti->ncases; c++)
                    if (phs__expr_test(ev, &ti->cases[c].when) == 1) {
                        o->code_case = (int8_t)c;
                        break;
                    }
                break;
            }
            if (v < 0) { /* cannot know whether this tier applies */
                o->outcome = PHS_INSUFFICIENT_DATA;
                add_missing(ev, p->tiers[t].r.when.root, missing);
                break;
            }
        }
    }
    for (size_t f = 0; f < p->nflags; f++) {
        const phs__flag *fl = &p->flags[f];
        if (fl->enrolled >= 0 && fl->enrolled != e)
            continue;
        int v = phs__expr_test(ev, &fl->r.when);
        if (v == 1) {
            o->flags |= (uint64_t)1 << f;
            /* only enrolled flags (the loader's rule) refer or schedule */
            if (fl->referral)
                o->referral = 1;
            if (fl->has_follow_up) {
                phs_date due, earliest;
                follow_up(ev, &fl->from, fl->ivl_n, fl->ivl_unit,
                          fl->window_days, visit, &due, &earliest, NULL);
                if (due != PHS_DATE_NONE &&
                    (o->due == PHS_DATE_NONE || due < o->due))
                    o->due = due;
                if (earliest != PHS_DATE_NONE &&
                    (o->earliest == PHS_DATE_NONE || earliest < o->earliest))
                    o->earliest = earliest;
            }
        } else if (v < 0)
            o->undecided |= (uint64_t)1 << f;
    }
    /* yearly requirements: all of them when neither tiers nor when is
     * given; otherwise when the tier is listed or when holds */
    if (o->outcome == PHS_TIERED)
        for (size_t y = 0; y < p->nyearly; y++) {
            const phs__yearly *yr = &p->yearly[y];
            int on = !yr->tiers && yr->when.root < 0;
            if (yr->tiers >> o->tier & 1)
                on = 1;
            if (!on && yr->when.root >= 0 &&
                phs__expr_test(ev, &yr->when) == 1)
                on = 1;
            if (on)
                o->yearly |= (uint64_t)1 << y;
        }
}

static void classify_program(phs_result *res, size_t pi, phs_date visit,
                             phs__pout *o, uint64_t *missing)
{
    const phs__program *p = &res->rs->programs[pi];
    int in_force = 0, v;
    if (res->force_prog == (int)pi && res->force_ver >= 0 &&
        (size_t)res->force_ver < p->nvers) {
        v = res->force_ver;
        const phs__program *x = p->vers[v];
        in_force = visit != PHS_DATE_NONE && x->eff_from <= visit &&
                   (x->eff_to == PHS_DATE_NONE || visit <= x->eff_to);
    } else {
        v = phs__version_at(p, visit, &in_force);
    }
    o->ver = (uint8_t)v;
    o->in_force = (uint8_t)in_force;
    classify_version(&res->ev, p->nvers ? p->vers[v] : p, visit, o, missing);
}

const phs__program *phs__result_version(const phs_result *res, size_t p)
{
    const phs__program *pr = &res->rs->programs[p];
    return pr->nvers ? pr->vers[res->prog[p].ver] : pr;
}

/* One visit serves every program whose window has opened by the earliest
 * remaining due date (or by the visit date, when that due date has
 * passed); repeat for the programs left. */
static void plan(phs_result *res)
{
    const phs_ruleset *rs = res->rs;
    uint32_t left = 0;
    res->nplan = 0;
    for (size_t p = 0; p < rs->nprograms; p++)
        if (res->prog[p].due != PHS_DATE_NONE)
            left |= (uint32_t)1 << p;
    while (left) {
        phs_date d = PHS_DATE_NONE;
        for (size_t p = 0; p < rs->nprograms; p++)
            if ((left >> p & 1) && (d == PHS_DATE_NONE || res->prog[p].due < d))
                d = res->prog[p].due;
        /* an overdue contact is planned for the visit itself, not in the
         * past, and serves whatever else is open by then */
        if (res->visit != PHS_DATE_NONE && d < res->visit)
            d = res->visit;
        uint32_t serve = 0;
        for (size_t p = 0; p < rs->nprograms; p++)
            if ((left >> p & 1) && res->prog[p].earliest <= d)
                serve |= (uint32_t)1 << p;
        res->plan_date[res->nplan] = d;
        res->plan_mask[res->nplan++] = serve;
        left &= ~serve;
    }
}

static int copy_id(phs_result *res, const phs_record *rec)
{
    const char *id = phs_record_id(rec);
    size_t n = strlen(id);
    if (n + 1 > res->id_cap) {
        char *p = phs__realloc(res->id, n + 1);
        if (!p)
            return phs__error_set(PHS_ENOMEM, "out of memory");
        res->id = p;
        res->id_cap = n + 1;
    }
    memcpy(res->id, id, n + 1);
    return PHS_OK;
}

int phs_classify(const phs_ruleset *rs, const phs_record *rec,
                 phs_result *res)
{
    if (!rs || !rec || !res || rec->rs != rs || res->rs != rs)
        return phs__error_set(PHS_EINVAL, "classify: NULL handle or handles "
                                          "from different rulesets");
    phs__eval *ev = &res->ev;
    ev->rec = rec;
    ev->regex_error = 0;
    memset(ev->dstate, 0, rs->nderived);
    int rc = copy_id(res, rec);
    if (rc < 0)
        return rc;
    res->visit = phs__record_has(rec, rs->f_visit_date)
                     ? rec->vals[rs->f_visit_date].u.i
                     : PHS_DATE_NONE;
    res->nplan = 0;
    memset(res->missing, 0, rs->nprograms * rs->nwords * sizeof *res->missing);
    for (size_t c = 0; c < rs->nchecks; c++) {
        const phs__check *k = &rs->checks[c];
        if (phs__expr_test(ev, &k->when) == 1) {
            /* a refused record leaves no trace of the previous one */
            for (size_t p = 0; p < rs->nprograms; p++)
                res->prog[p] = (phs__pout){.outcome = PHS_NOT_ENROLLED,
                                           .tier = -1,
                                           .code_case = -1,
                                           .due = PHS_DATE_NONE,
                                           .earliest = PHS_DATE_NONE};
            return phs__error_record(PHS_ERECORD, rs->fields[k->field].name,
                                     0, "%s: %s (check %s)",
                                     rs->fields[k->field].name, k->message,
                                     k->id);
        }
    }
    for (size_t p = 0; p < rs->nprograms; p++)
        classify_program(res, p, res->visit, &res->prog[p],
                         res->missing + p * rs->nwords);
    plan(res);
    return PHS_OK;
}

int phs_classify_batch(const phs_ruleset *rs, const phs_record *const *recs,
                       phs_result *const *results, int *status, size_t n)
{
    int rc = PHS_OK;
    if (!rs || (n && (!recs || !results)))
        return phs__error_set(PHS_EINVAL, "classify_batch: NULL argument");
    for (size_t i = 0; i < n; i++) {
        int r = phs_classify(rs, recs[i], results[i]);
        if (status)
            status[i] = r;
        if (r < 0)
            rc = r == PHS_EINVAL ? PHS_EINVAL : PHS_ERECORD;
    }
    return rc;
}

int phs__record_checks(phs_result *res, const phs_record *rec)
{
    const phs_ruleset *rs = res->rs;
    phs__eval *ev = &res->ev;
    ev->rec = rec;
    ev->regex_error = 0;
    memset(ev->dstate, 0, rs->nderived);
    for (size_t c = 0; c < rs->nchecks; c++)
        if (phs__expr_test(ev, &rs->checks[c].when) == 1)
            return (int)c;
    return -1;
}

void phs__classify_program(phs_result *res, const phs_record *rec, size_t p,
                           size_t v)
{
    const phs_ruleset *rs = res->rs;
    phs__eval *ev = &res->ev;
    const phs__program *pr = &rs->programs[p];
    ev->rec = rec;
    ev->regex_error = 0;
    memset(ev->dstate, 0, rs->nderived);
    res->visit = phs__record_has(rec, rs->f_visit_date)
                     ? rec->vals[rs->f_visit_date].u.i
                     : PHS_DATE_NONE;
    uint64_t *missing = res->missing + p * rs->nwords;
    memset(missing, 0, rs->nwords * sizeof *missing);
    phs__pout *o = &res->prog[p];
    if (v >= pr->nvers)
        v = pr->nvers ? pr->nvers - 1 : 0;
    const phs__program *x = pr->nvers ? pr->vers[v] : pr;
    o->ver = (uint8_t)v;
    o->in_force = res->visit != PHS_DATE_NONE && x->eff_from <= res->visit &&
                  (x->eff_to == PHS_DATE_NONE || res->visit <= x->eff_to);
    classify_version(ev, x, res->visit, o, missing);
}
