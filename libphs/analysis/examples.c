/* `phs test`: run the conformance examples embedded in each spec. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

static int is_null(const phs__ynode *n)
{
    return n->kind == PHS__Y_SCALAR && n->plain &&
           (n->len == 0 || !strcmp(n->str, "null") || !strcmp(n->str, "~"));
}

static int fill(const phs_ruleset *rs, phs_record *rec, const phs__ynode *in)
{
    phs_record_clear(rec);
    for (size_t i = 0; i + 1 < in->n; i += 2) {
        int f = phs_ruleset_field_id(rs, in->kids[i]->str);
        const phs__ynode *v = in->kids[i + 1];
        int rc;
        if (f < 0)
            return f;
        if (v->kind == PHS__Y_SEQ) {
            rc = phs_record_set_text(rec, f, "", 0);
            for (size_t j = 0; j < v->n && rc == PHS_OK; j++)
                rc = v->kids[j]->kind == PHS__Y_SCALAR
                         ? phs_record_add_code(rec, f, v->kids[j]->str,
                                               v->kids[j]->len)
                         : PHS_ERECORD;
        } else if (v->kind == PHS__Y_MAP) {
            rc = phs__error_record(PHS_ERECORD, in->kids[i]->str, 0,
                                   "a field value cannot be a mapping");
        } else if (is_null(v)) {
            rc = phs_record_unset(rec, f);
        } else {
            rc = phs_record_set_text(rec, f, v->str, v->len);
        }
        if (rc < 0)
            return rc;
    }
    return PHS_OK;
}

/* Compare a list of names in the example with the result's set. */
static void cmp_set(phs__buf *msg, const char *what, const phs__ynode *want,
                    size_t n, const char *(*get)(const phs_result *, size_t,
                                                 size_t),
                    const phs_result *res, size_t p)
{
    int ok = want->kind == PHS__Y_SEQ && want->n == n;
    for (size_t i = 0; ok && i < want->n; i++) {
        size_t j;
        for (j = 0; j < n; j++)
            if (!strcmp(get(res, p, j), want->kids[i]->str))
                break;
        ok = j < n;
    }
    if (ok)
        return;
    phs__buf_printf(msg, "%s%s: got [", msg->len ? "; " : "", what);
    for (size_t j = 0; j < n; j++)
        phs__buf_printf(msg, "%s%s", j ? ", " : "", get(res, p, j));
    phs__buf_puts(msg, "], expected [");
    for (size_t i = 0; want->kind == PHS__Y_SEQ && i < want->n; i++)
        phs__buf_printf(msg, "%s%s", i ? ", " : "", want->kids[i]->str);
    phs__buf_puts(msg, "]");
}

static void cmp_date(phs__buf *msg, const char *what, const phs__ynode *want,
                     phs_date got)
{
    char g[11];
    phs_date w = PHS_DATE_NONE;
    if (!is_null(want) && phs_date_parse(&w, want->str, want->len) < 0) {
        phs__buf_printf(msg, "%s%s: expected value '%s' is not a date",
                        msg->len ? "; " : "", what, want->str);
        return;
    }
    if (w == got)
        return;
    phs_date_format(got, g);
    phs__buf_printf(msg, "%s%s: got %s, expected %s", msg->len ? "; " : "",
                    what, got == PHS_DATE_NONE ? "null" : g,
                    is_null(want) ? "null" : want->str);
}

static void check(phs__buf *msg, const phs_result *res, size_t p,
                  const phs__ynode *exp)
{
    const phs__ynode *n;
    const char *tier = phs_result_tier(res, p);
    n = phs__ymap_get(exp, "tier");
    if (is_null(n) ? tier != NULL : (!tier || strcmp(tier, n->str) != 0))
        phs__buf_printf(msg, "tier: got %s, expected %s",
                        tier ? tier : "null", is_null(n) ? "null" : n->str);
    if ((n = phs__ymap_get(exp, "next_due")) != NULL)
        cmp_date(msg, "next_due", n, phs_result_next_due(res, p));
    if ((n = phs__ymap_get(exp, "earliest")) != NULL)
        cmp_date(msg, "earliest", n, phs_result_earliest(res, p));
    if ((n = phs__ymap_get(exp, "referral")) != NULL) {
        int want = !strcmp(n->str ? n->str : "", "true");
        if (want != phs_result_referral(res, p))
            phs__buf_printf(msg, "%sreferral: got %s, expected %s",
                            msg->len ? "; " : "",
                            phs_result_referral(res, p) ? "true" : "false",
                            n->str ? n->str : "?");
    }
    if ((n = phs__ymap_get(exp, "level")) != NULL) {
        int want = atoi(n->str ? n->str : "");
        if (want != phs_result_level(res, p))
            phs__buf_printf(msg, "%slevel: got %d, expected %d",
                            msg->len ? "; " : "", phs_result_level(res, p),
                            want);
    }
    if ((n = phs__ymap_get(exp, "code")) != NULL) {
        const char *got = phs_result_code(res, p);
        if (is_null(n) ? got != NULL : (!got || strcmp(got, n->str)))
            phs__buf_printf(msg, "%scode: got %s, expected %s",
                            msg->len ? "; " : "", got ? got : "null",
                            is_null(n) ? "null" : n->str);
    }
    if ((n = phs__ymap_get(exp, "flags")) != NULL)
        cmp_set(msg, "flags", n, phs_result_flag_count(res, p),
                phs_result_flag, res, p);
    if ((n = phs__ymap_get(exp, "missing")) != NULL)
        cmp_set(msg, "missing", n, phs_result_missing_count(res, p),
                phs_result_missing, res, p);
}

/* A ruleset compiled with the example's parameter overrides on top of the
 * original ones. */
static int variant(const phs_ruleset *rs, const phs__program *pr,
                   const phs__ynode *params, phs_ruleset **out)
{
    size_t n = rs->noverrides + params->n / 2;
    char **ov = phs__calloc(n ? n : 1, sizeof *ov);
    int rc = ov ? PHS_OK : phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t i = 0; i < rs->noverrides; i++)
        ov[i] = rs->overrides[i];
    for (size_t i = 0; rc == PHS_OK && i + 1 < params->n; i += 2) {
        phs__buf b = {0};
        phs__buf_printf(&b, "%s.%s=%s", pr->id, params->kids[i]->str,
                        params->kids[i + 1]->str);
        if (b.oom)
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
        ov[rs->noverrides + i / 2] = b.p;
    }
    if (rc == PHS_OK)
        rc = phs__ruleset_build(out, (const char *const *)rs->src_names,
                                (const char *const *)rs->src_texts,
                                rs->src_lens, rs->nsrc, &rs->lim, ov, n);
    for (size_t i = rs->noverrides; ov && i < n; i++)
        phs__free(ov[i]);
    phs__free(ov);
    return rc;
}

/* ---- run one example and keep its record and result ---- */

int phs__example_run(const phs_ruleset *base, size_t p, size_t v,
                     const phs__example *ex, phs__exrun *out, phs__buf *msg)
{
    const phs__ynode *params = phs__ymap_get(ex->node, "params");
    int rc = PHS_OK;
    memset(out, 0, sizeof *out);
    out->rs = base;
    if (params && params->n) {
        rc = variant(base, &base->programs[p], params, &out->var);
        out->rs = out->var;
    }
    if (rc == PHS_OK)
        rc = phs_record_new(&out->rec, out->rs);
    if (rc == PHS_OK)
        rc = phs_result_new(&out->res, out->rs);
    if (rc == PHS_OK) {
        rc = fill(out->rs, out->rec, phs__ymap_get(ex->node, "input"));
        /* an example belongs to its version, whatever its visit date */
        out->res->force_prog = (int)p;
        out->res->force_ver = (int)v;
        if (rc == PHS_OK)
            rc = phs_classify(out->rs, out->rec, out->res);
        if (rc == PHS_ERECORD) { /* the record itself is refused */
            out->refused = 1;
            phs__buf_printf(msg, "input refused: %s",
                            phs_error_message(phs_error_last()));
            rc = PHS_OK;
        } else if (rc == PHS_OK) {
            size_t len0 = msg->len;
            check(msg, out->res, p, phs__ymap_get(ex->node, "expect"));
            out->failed = msg->len > len0;
        }
    }
    if (rc == PHS_OK && msg->oom)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0)
        phs__example_done(out);
    return rc;
}

void phs__example_done(phs__exrun *r)
{
    phs_result_free(r->res);
    phs_record_free(r->rec);
    phs_ruleset_free(r->var);
    memset(r, 0, sizeof *r);
}

static int test_version(phs_report *r, const phs_ruleset *rs,
                        const phs__examples *exs, size_t p, size_t v)
{
    const phs__program *pr = rs->programs[p].vers[v];
    size_t pv = (size_t)(pr - rs->allvers);
    phs__buf msg = {0};
    int rc = PHS_OK;
    phs__report_section(r, pr, NULL);
    for (size_t e = 0; e < exs->n[pv] && rc == PHS_OK; e++) {
        const phs__example *ex = &exs->of[pv][e];
        phs__exrun x;
        msg.len = 0;
        rc = phs__example_run(rs, p, v, ex, &x, &msg);
        if (rc < 0)
            break;
        int failed = x.refused || x.failed;
        phs__report_tally(r, PHS_TOTAL_EXAMPLES, 1);
        phs__report_tally(r, failed ? PHS_TOTAL_FAILED : PHS_TOTAL_PASSED, 1);
        phs__report_tally(r, PHS_TOTAL_REFUSED, x.refused);
        phs__report_add(r, failed ? PHS_FINDING_EXAMPLE_FAILED
                                  : PHS_FINDING_EXAMPLE_PASSED,
                        failed ? AN_ERROR : AN_INFO, pr->id, NULL, x.rec,
                        ex->id, "%s", failed ? msg.p : "passed");
        phs__example_done(&x);
    }
    phs__buf_free(&msg);
    return rc;
}

int phs_ruleset_test_report(const phs_ruleset *rs,
                            const phs_analysis_options *in, phs_report **out)
{
    phs_analysis_options o;
    phs_report *r = NULL;
    phs__examples ex;
    int rc = phs__report_begin(rs, out, "test", in, 0, PHS_ANALYSIS_TEST, &o,
                               &ex, &r);
    if (rc < 0)
        return rc;
    for (size_t p = 0; p < rs->nprograms && rc == PHS_OK; p++) {
        if (o.program && strcmp(o.program, rs->programs[p].id))
            continue;
        for (size_t v = 0; v < rs->programs[p].nvers && rc == PHS_OK; v++)
            rc = test_version(r, rs, &ex, p, v);
    }
    phs__examples_free(&ex);
    return phs__report_finish(r, rc, out);
}

int phs_ruleset_test(const phs_ruleset *rs, phs_example_fn fn, void *payload,
                     size_t *failed, size_t *total)
{
    phs_report *r = NULL;
    int rc = phs_ruleset_test_report(rs, NULL, &r);
    if (rc < 0)
        return rc;
    for (size_t i = 0; fn && i < r->nf; i++) {
        const phs__finding *f = &r->f[i];
        fn(payload, f->program, f->example_id,
           f->kind == PHS_FINDING_EXAMPLE_FAILED ? f->message : NULL);
    }
    if (failed)
        *failed = (size_t)r->total[PHS_TOTAL_FAILED];
    if (total)
        *total = (size_t)r->total[PHS_TOTAL_EXAMPLES];
    phs_report_free(r);
    return PHS_OK;
}

int an_rule_truth(phs_result *res, const phs_record *rec, const phs__expr *e)
{
    phs__eval *ev = &res->ev;
    ev->rec = rec;
    ev->regex_error = 0;
    memset(ev->dstate, 0, res->rs->nderived);
    return phs__expr_test(ev, e);
}
