/*
 * phs_ruleset_coverage: what the embedded examples exercise (tiers, flags,
 * conditions, the sides of every threshold); phs_ruleset_check_strict: what
 * a regulator refuses before sign-off (non-production specs, provisional
 * rules, citations that do not resolve).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"

/* ------------------------------------------------------------------ */
/* Coverage                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    double t, f, u;
} tfu;

typedef struct {
    double below, at, above, absent;
} sides;

static void tfu_add(tfu *x, int v)
{
    if (v == 1)
        x->t++;
    else if (v == 0)
        x->f++;
    else
        x->u++;
}

/* Where visit-relative thresholds are placed: as_of, else the first
 * example's visit date, else the version's effective-from date. */
static phs_date threshold_day(const phs__program *pr, const phs__example *exs,
                              size_t nex, phs_date as_of)
{
    if (as_of != PHS_DATE_NONE)
        return as_of;
    for (size_t e = 0; e < nex; e++) {
        const phs__ynode *in = phs__ymap_get(exs[e].node, "input");
        const phs__ynode *vd = in ? phs__ymap_get(in, "visit_date") : NULL;
        phs_date d;
        if (vd && vd->kind == PHS__Y_SCALAR &&
            phs_date_parse(&d, vd->str, vd->len) == PHS_OK)
            return d;
    }
    return pr->eff_from;
}

static int coverage_version(phs_report *r, const phs_ruleset *rs,
                            const phs__examples *ex, size_t p, size_t v,
                            phs_date as_of)
{
    const phs__program *pr = rs->programs[p].vers[v];
    const phs__example *exs = ex->of[pr - rs->allvers];
    size_t nex = ex->n[pr - rs->allvers];
    size_t nrules = 1 + pr->ntiers + pr->nflags;
    double *tier = phs__calloc(pr->ntiers + 1, sizeof *tier);
    double *flag = phs__calloc(pr->nflags + 1, sizeof *flag);
    tfu *cond = phs__calloc(nrules, sizeof *cond);
    double notenr = 0, insuf = 0, uncl = 0, refused = 0, failed = 0;
    an_space sp;
    int rc = an_space_init(&sp, rs, NULL, threshold_day(pr, exs, nex, as_of),
                           ex);
    phs__report_section(r, pr, NULL);
    if (!tier || !flag || !cond)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc == PHS_OK) {
        an_space_walk(&sp, 0, pr->elig.when.root, "eligibility", 1);
        for (size_t t = 0; t < pr->ntiers; t++)
            an_space_walk(&sp, 0, pr->tiers[t].r.when.root, pr->tiers[t].r.id, 0);
        for (size_t f = 0; f < pr->nflags; f++)
            an_space_walk(&sp, 0, pr->flags[f].r.when.root, pr->flags[f].r.id, 0);
        if (sp.oom)
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
    }
    /* thresholds of number and date variables */
    size_t nthr = 0;
    for (size_t i = 0; i < sp.nvars; i++)
        if (sp.vars[i].vtype == PHS__T_NUM || sp.vars[i].vtype == PHS__T_DATE)
            nthr += sp.vars[i].nthr;
    sides *sd = phs__calloc(nthr + 1, sizeof *sd);
    if (rc == PHS_OK && !sd)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t e = 0; e < nex && rc == PHS_OK; e++) {
        phs__exrun x;
        phs__buf msg = {0};
        rc = phs__example_run(rs, p, v, &exs[e], &x, &msg);
        phs__buf_free(&msg);
        if (rc < 0)
            break;
        if (x.refused) {
            refused++;
            phs__example_done(&x);
            continue;
        }
        failed += x.failed;
        const phs__pout *o = &x.res->prog[p];
        const phs__program *xp = x.rs->programs[p].vers[v];
        if (o->outcome == PHS_TIERED)
            tier[o->tier]++;
        else if (o->outcome == PHS_NOT_ENROLLED)
            notenr++;
        else if (o->outcome == PHS_INSUFFICIENT_DATA)
            insuf++;
        else
            uncl++;
        for (size_t f = 0; f < pr->nflags; f++)
            flag[f] += (double)(o->flags >> f & 1);
        tfu_add(&cond[0], an_rule_truth(x.res, x.rec, &xp->elig.when));
        for (size_t t = 0; t < pr->ntiers; t++)
            tfu_add(&cond[1 + t], an_rule_truth(x.res, x.rec, &xp->tiers[t].r.when));
        for (size_t f = 0; f < pr->nflags; f++)
            tfu_add(&cond[1 + pr->ntiers + f],
                    an_rule_truth(x.res, x.rec, &xp->flags[f].r.when));
        /* sides of each threshold, on the base rule set's values */
        an_copy_record(sp.rec[0], x.rec);
        size_t k = 0;
        for (size_t i = 0; i < sp.nvars; i++) {
            an_var *var = &sp.vars[i];
            if (var->vtype != PHS__T_NUM && var->vtype != PHS__T_DATE)
                continue;
            double val = 0;
            int known;
            if (var->kind == AV_TERM) {
                known = an_term_value(&sp, var, &val);
            } else {
                known = phs__record_has(sp.rec[0], var->field);
                if (known)
                    val = var->vtype == PHS__T_DATE
                              ? sp.rec[0]->vals[var->field].u.i
                              : sp.rec[0]->vals[var->field].u.n;
            }
            for (size_t j = 0; j < var->nthr; j++, k++) {
                if (!known)
                    sd[k].absent++;
                else if (val < var->thr[j])
                    sd[k].below++;
                else if (val == var->thr[j])
                    sd[k].at++;
                else
                    sd[k].above++;
            }
        }
        phs__example_done(&x);
    }
    if (rc < 0)
        goto done;
    phs__report_tally(r, PHS_TOTAL_EXAMPLES, (double)nex);
    phs__report_tally(r, PHS_TOTAL_FAILED, failed);
    phs__report_tally(r, PHS_TOTAL_REFUSED, refused);
    phs__report_tally(r, PHS_TOTAL_NOT_ENROLLED, notenr);
    phs__report_tally(r, PHS_TOTAL_INSUFFICIENT, insuf);
    phs__report_tally(r, PHS_TOTAL_UNCLASSIFIED, uncl);
    for (int fl = 0; fl < 2; fl++) /* tiers, then flags */
        for (size_t k = 0; k < (fl ? pr->nflags : pr->ntiers); k++) {
            const char *name = fl ? pr->flags[k].name : pr->tiers[k].name;
            double n = fl ? flag[k] : tier[k];
            phs__report_row(r, fl ? PHS_TABLE_FLAGS : PHS_TABLE_TIERS, name,
                            NULL, n, 0, 0, 0);
            if (n == 0)
                phs__report_add(r, fl ? PHS_FINDING_UNCOVERED_FLAG
                                      : PHS_FINDING_UNCOVERED_TIER,
                                AN_ERROR, pr->id,
                                fl ? pr->flags[k].r.id : pr->tiers[k].r.id,
                                NULL, NULL, "%s %s: no example %s %s", pr->id,
                                pr->version,
                                fl ? "raises flag" : "reaches tier", name);
        }
    for (size_t i = 0; i < nrules; i++) {
        const phs__rule *ru = i == 0 ? &pr->elig
                              : i <= pr->ntiers ? &pr->tiers[i - 1].r
                                                : &pr->flags[i - 1 - pr->ntiers].r;
        phs__report_row(r, PHS_TABLE_CONDITIONS, ru->id, NULL, cond[i].t,
                        cond[i].f, cond[i].u, 0);
        if (i > 0 && (cond[i].t == 0 || cond[i].f == 0))
            phs__report_add(r, PHS_FINDING_UNCOVERED_CONDITION, AN_WARNING, pr->id,
                            ru->id, NULL, NULL, "%s %s: no example where %s's "
                                          "condition is %s",
                            pr->id, pr->version, ru->id,
                            cond[i].t == 0 ? "true" : "false");
    }
    size_t k = 0;
    for (size_t i = 0; i < sp.nvars; i++) {
        an_var *var = &sp.vars[i];
        if (var->vtype != PHS__T_NUM && var->vtype != PHS__T_DATE)
            continue;
        for (size_t q = 0; q < var->nthr; q++, k++) {
            char t[40];
            if (var->vtype == PHS__T_DATE)
                phs_date_format((phs_date)var->thr[q], t);
            else
                phs_number_format(var->thr[q], t);
            phs__report_row(r, PHS_TABLE_THRESHOLDS, var->name, t,
                            sd[k].below, sd[k].at, sd[k].above, sd[k].absent);
            const char *miss = sd[k].below == 0   ? "below"
                               : sd[k].at == 0    ? "at"
                               : sd[k].above == 0 ? "above"
                                                  : NULL;
            if (miss)
                phs__report_add(r, PHS_FINDING_UNCOVERED_CONDITION, AN_WARNING,
                                pr->id, NULL, NULL, NULL,
                                "%s %s: no example %s %s %s", pr->id, pr->version,
                                !strcmp(miss, "at") ? "exactly at" : miss,
                                var->name, t);
        }
    }
done:
    phs__free(sd);
    phs__free(tier);
    phs__free(flag);
    phs__free(cond);
    an_space_free(&sp);
    return rc;
}

int phs_ruleset_coverage(const phs_ruleset *rs, const phs_analysis_options *in,
                         phs_report **out)
{
    phs_report *r = NULL;
    phs_analysis_options o;
    phs__examples ex;
    int rc = phs__report_begin(rs, out, "coverage", in, 0,
                               PHS_ANALYSIS_COVERAGE, &o, &ex, &r);
    if (rc < 0)
        return rc;
    phs__report_about(r, rs->fingerprint, NULL, NULL);
    for (size_t p = 0; p < rs->nprograms && rc == PHS_OK; p++) {
        if (o.program && strcmp(o.program, rs->programs[p].id))
            continue;
        for (size_t v = 0; v < rs->programs[p].nvers && rc == PHS_OK; v++) {
            rc = coverage_version(r, rs, &ex, p, v, o.as_of);
        }
    }
    phs__examples_free(&ex);
    return phs__report_finish(r, rc, out);
}

/* ------------------------------------------------------------------ */
/* Strict check                                                        */
/* ------------------------------------------------------------------ */

static const phs__clause *clause_by_id(const phs__program *p, const char *id)
{
    for (size_t i = 0; i < p->nclauses; i++)
        if (!strcmp(p->clauses[i].id, id))
            return &p->clauses[i];
    return NULL;
}

/* Mark the clauses a list of cites uses. */
static void use_cites(const phs__program *p, const phs__clause *const *c,
                      size_t n, uint8_t *used)
{
    for (size_t i = 0; i < n; i++)
        used[c[i] - p->clauses] = 1;
}

static void strict_rule(phs_report *r, const phs__program *p, const phs__rule *ru,
                        uint8_t *used)
{
    use_cites(p, ru->cites, ru->ncites, used);
    if (!ru->provisional)
        return;
    phs__buf why = {0};
    for (size_t i = 0; i < ru->ncites; i++)
        if (ru->cites[i]->provisional)
            phs__buf_printf(&why, "%s%s (%s, %s)", why.len ? ", " : "",
                            ru->cites[i]->id, ru->cites[i]->tag,
                            ru->cites[i]->confidence);
    phs__report_add(r, PHS_FINDING_PROVISIONAL, AN_ERROR, p->id, ru->id, NULL, NULL,
                    "%s %s: rule %s is provisional%s%s", p->id, p->version,
                    ru->id, why.len ? "; it cites " : " (declared provisional)",
                    why.len ? why.p : "");
    phs__report_detail(r, why.len ? why.p : NULL, NULL, NULL, 0);
    phs__buf_free(&why);
}

/* Citations under a YAML list of mappings with `cite` (derived values). */
static void strict_yaml_cites(phs_report *r, const phs__program *p,
                              const char *key, uint8_t *used)
{
    const phs__ynode *list = phs__ymap_get(p->root, key);
    if (!list || list->kind != PHS__Y_SEQ)
        return;
    for (size_t i = 0; i < list->n; i++) {
        const phs__ynode *m = list->kids[i];
        const phs__ynode *name = phs__ymap_get(m, "name");
        const phs__ynode *c = phs__ymap_get(m, "cite");
        const char *nm = name && name->str ? name->str : "?";
        if (!c) {
            phs__report_add(r, PHS_FINDING_CITATION, AN_WARNING, p->id, nm, NULL, NULL,
                            "%s:%d: %s %s cites no clause", p->file, m->line,
                            key, nm);
            continue;
        }
        for (size_t k = 0; c->kind == PHS__Y_SEQ && k < c->n; k++) {
            const char *id = c->kids[k]->str ? c->kids[k]->str : "";
            const phs__clause *cl = clause_by_id(p, id);
            if (!cl) {
                phs__report_add(r, PHS_FINDING_CITATION, AN_ERROR, p->id, nm, NULL, NULL,
                                "%s:%d:%d: %s %s cites '%s', which is not a "
                                "declared clause",
                                p->file, c->kids[k]->line, c->kids[k]->col, key,
                                nm, id);
                phs__report_detail(r, id, NULL, NULL, 0);
            } else {
                used[cl - p->clauses] = 1;
            }
        }
    }
}

static void strict_version(phs_report *r, const phs__program *p)
{
    phs__report_section(r, p, NULL);
    uint8_t *used = phs__calloc(p->nclauses + 1, 1);
    if (!used) {
        r->oom = 1;
        return;
    }
    if (strcmp(p->status, "production"))
        phs__report_add(r, PHS_FINDING_STATUS, AN_ERROR, p->id, NULL, NULL, NULL,
                        "%s %s: spec status is %s, not production", p->id,
                        p->version, p->status);
    strict_rule(r, p, &p->elig, used);
    for (size_t t = 0; t < p->ntiers; t++)
        strict_rule(r, p, &p->tiers[t].r, used);
    for (size_t f = 0; f < p->nflags; f++)
        strict_rule(r, p, &p->flags[f].r, used);
    for (size_t y = 0; y < p->nyearly; y++)
        use_cites(p, p->yearly[y].cites, p->yearly[y].ncites, used);
    strict_yaml_cites(r, p, "parameters", used);
    strict_yaml_cites(r, p, "derived", used);
    /* sources: declared once, each clause's source declared */
    const phs__ynode *src = phs__ymap_get(p->root, "sources");
    size_t nsrc = src && src->kind == PHS__Y_SEQ ? src->n : 0;
    uint8_t *src_used = phs__calloc(nsrc + 1, 1);
    for (size_t i = 0; i < nsrc; i++) {
        const phs__ynode *id = phs__ymap_get(src->kids[i], "id");
        for (size_t k = 0; id && k < i; k++) {
            const phs__ynode *o = phs__ymap_get(src->kids[k], "id");
            if (o && o->str && id->str && !strcmp(o->str, id->str))
                phs__report_add(r, PHS_FINDING_CITATION, AN_ERROR, p->id, NULL,
                                NULL, NULL, "%s:%d: source '%s' is declared twice",
                                p->file, src->kids[i]->line, id->str);
        }
    }
    for (size_t c = 0; c < p->nclauses; c++) {
        const phs__clause *cl = &p->clauses[c];
        size_t k;
        for (k = 0; k < nsrc; k++) {
            const phs__ynode *id = phs__ymap_get(src->kids[k], "id");
            if (id && id->str && !strcmp(id->str, cl->source))
                break;
        }
        if (k == nsrc)
            phs__report_add(r, PHS_FINDING_CITATION, AN_ERROR, p->id, cl->id, NULL, NULL,
                            "%s %s: clause %s names source '%s', which is not "
                            "declared", p->id, p->version, cl->id, cl->source);
        else if (src_used && used[c])
            src_used[k] = 1;
        if (!used[c])
            phs__report_add(r, PHS_FINDING_UNCITED, AN_WARNING, p->id, cl->id, NULL, NULL,
                            "%s %s: clause %s is declared but nothing cites it",
                            p->id, p->version, cl->id);
    }
    for (size_t k = 0; src_used && k < nsrc; k++)
        if (!src_used[k]) {
            const phs__ynode *id = phs__ymap_get(src->kids[k], "id");
            phs__report_add(r, PHS_FINDING_UNCITED, AN_WARNING, p->id, NULL, NULL, NULL,
                            "%s %s: source %s is declared but no cited clause "
                            "uses it", p->id, p->version,
                            id && id->str ? id->str : "?");
        }
    phs__free(src_used);
    phs__free(used);
}

int phs_ruleset_check_strict(const phs_ruleset *rs, phs_report **out)
{
    phs_report *r = NULL;
    if (!rs || !out)
        return phs__error_set(PHS_EINVAL, "check_strict: NULL argument");
    *out = NULL;
    int rc = phs__report_new(&r, PHS_ANALYSIS_STRICT);
    if (rc < 0)
        return rc;
    phs__report_about(r, rs->fingerprint, NULL, NULL);
    for (size_t p = 0; p < rs->nprograms; p++)
        for (size_t v = 0; v < rs->programs[p].nvers; v++)
            strict_version(r, rs->programs[p].vers[v]);
    return phs__report_finish(r, PHS_OK, out);
}
