/*
 * phs_ruleset_diff: what changes between two rule sets, program by
 * program.  This file: the entry point and what changed in the specs
 * themselves; diffrecord.c: the tally's cells and causes, and putting a
 * tally into the report; difftally.c fills the tally over a population (transition matrix,
 * due-date shifts, example ids, the rules and clauses that caused each
 * change) or, without one, over the cell decomposition of the input space.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* The rules of a program version: eligibility, tiers, flags. */
static size_t rule_count(const phs__program *p)
{
    return 1 + p->ntiers + p->nflags;
}

static const phs__rule *rule_at(const phs__program *p, size_t i)
{
    return i == 0 ? &p->elig
           : i <= p->ntiers ? &p->tiers[i - 1].r
                            : &p->flags[i - 1 - p->ntiers].r;
}

static const phs__tier *tier_at(const phs__program *p, size_t i)
{
    return i && i <= p->ntiers ? &p->tiers[i - 1] : NULL;
}

static void spec_changes(phs_report *r, const phs_ruleset *ro,
                         const phs__program *po, const phs_ruleset *rn,
                         const phs__program *pn)
{
    for (size_t i = 0; i < po->nparams; i++)
        for (size_t k = 0; k < pn->nparams; k++)
            if (!strcmp(po->params[i].name, pn->params[k].name) &&
                strcmp(po->params[i].text, pn->params[k].text)) {
                phs__report_add(r, PHS_FINDING_PARAM_CHANGED, AN_INFO, po->id,
                                po->params[i].name, NULL, NULL, "%s -> %s",
                                po->params[i].text, pn->params[k].text);
                phs__report_detail(r, NULL, po->params[i].text,
                                   pn->params[k].text, 0);
            }
    size_t nb = rule_count(pn);
    for (size_t i = 0; i < rule_count(po); i++) {
        const phs__rule *a = rule_at(po, i), *b = NULL;
        const phs__tier *ta = tier_at(po, i), *tb = NULL;
        size_t pos_b = 0;
        for (size_t k = 0; k < nb; k++)
            if (!strcmp(rule_at(pn, k)->id, a->id)) {
                b = rule_at(pn, k);
                tb = tier_at(pn, k);
                pos_b = k;
            }
        const char *what = NULL;
        if (!b)
            what = "removed";
        else if (an_expr_hash(ro, a->when.root) != an_expr_hash(rn, b->when.root))
            what = "condition changed";
        else if (ta && tb && strcmp(ta->ivl_text, tb->ivl_text))
            what = "follow-up interval changed";
        else if (ta && tb && (ta->window_days != tb->window_days ||
                              an_expr_hash(ro, ta->from.root) !=
                                  an_expr_hash(rn, tb->from.root)))
            what = "follow-up window or start changed";
        else if (ta && tb && pos_b != i)
            what = "moved in the tier order";
        if (!what)
            continue;
        phs__report_add(r, PHS_FINDING_RULE_CHANGED, AN_INFO, po->id, a->id,
                        NULL, NULL, "%s", what);
        phs__report_detail(r, what, NULL, NULL, 0);
    }
    for (size_t k = 1; k < nb; k++) {
        const phs__rule *x = rule_at(pn, k);
        int found = 0;
        for (size_t i = 1; i < rule_count(po) && !found; i++)
            found = !strcmp(rule_at(po, i)->id, x->id);
        if (found)
            continue;
        phs__report_add(r, PHS_FINDING_RULE_CHANGED, AN_INFO, pn->id, x->id,
                        NULL, NULL, "added");
        phs__report_detail(r, "added", NULL, NULL, 0);
    }
}

/* ---- a program's diff into the report ---- */

int phs_ruleset_diff(const phs_ruleset *ro, const phs_ruleset *rn,
                     const char *population, const phs_analysis_options *in,
                     phs_report **out)
{
    phs_analysis_options o;
    phs_report *r = NULL;
    if (!ro || !rn || !out)
        return phs__error_set(PHS_EINVAL, "diff: NULL argument");
    *out = NULL;
    int rc = phs__options("diff", in, &o);
    if (rc < 0)
        return rc;
    if (!population && o.as_of == PHS_DATE_NONE)
        return phs__error_set(PHS_EINVAL, "diff: no as_of date: give the "
                                          "visit date of the compared cells "
                                          "(phs diff --as-of YYYY-MM-DD)");
    rc = phs__report_new(&r, PHS_ANALYSIS_DIFF);
    if (rc < 0)
        return rc;
    progdiff pd[PHS__MAX_PROGRAMS];
    size_t npd = 0;
    phs__report_about(r, ro->fingerprint, rn->fingerprint, population);
    r->max_cells = o.max_cells;
    r->seed = o.seed;
    for (size_t p = 0; p < ro->nprograms && rc == PHS_OK; p++) {
        if (o.program && strcmp(o.program, ro->programs[p].id))
            continue;
        int q = -1;
        for (size_t k = 0; k < rn->nprograms; k++)
            if (!strcmp(rn->programs[k].id, ro->programs[p].id))
                q = (int)k;
        if (q < 0) {
            phs__report_add(r, PHS_FINDING_NOTE, AN_WARNING, ro->programs[p].id,
                            NULL, NULL, NULL, "program %s is only in the old rules",
                            ro->programs[p].id);
            continue;
        }
        rc = df_init(&pd[npd], p, (size_t)q);
        npd++;
    }
    for (size_t k = 0; k < rn->nprograms; k++)
        if (phs_ruleset_program_index(ro, rn->programs[k].id) < 0 &&
            (!o.program || !strcmp(o.program, rn->programs[k].id)))
            phs__report_add(r, PHS_FINDING_NOTE, AN_WARNING, rn->programs[k].id,
                            NULL, NULL, NULL, "program %s is only in the new rules",
                            rn->programs[k].id);
    phs_error_clear();
    phs_date day = o.as_of; /* the versions compared are in force on it */
    if (rc == PHS_OK && population)
        rc = df_population(r, ro, rn, population, &o, pd, npd, &day);
    phs__examples ex; /* the old rules' examples, for the input space */
    memset(&ex, 0, sizeof ex);
    if (rc == PHS_OK && !population)
        rc = phs__examples_parse(ro, &ex);
    for (size_t i = 0; i < npd && rc == PHS_OK; i++) {
        progdiff *d = &pd[i];
        size_t vo = (size_t)phs__version_at(&ro->programs[d->po], day, NULL);
        size_t vn = (size_t)phs__version_at(&rn->programs[d->pn], day, NULL);
        const phs__program *po = ro->programs[d->po].vers[vo];
        const phs__program *pn = rn->programs[d->pn].vers[vn];
        phs__report_section(r, po, pn);
        if (population)
            phs__report_section_add(r, PHS_TOTAL_RESIDENTS, d->total);
        spec_changes(r, ro, po, rn, pn);
        if (population)
            df_record(r, d, po, pn, 1);
        else
            rc = df_space(r, ro, rn, &ex, &o, d);
        phs__report_tally(r, PHS_TOTAL_CHANGED, d->changed);
        if (d->changed > 0)
            phs__report_add(r, PHS_FINDING_TRANSITION, AN_INFO, po->id, NULL,
                            NULL, NULL,
                            "%.0f of %.0f %s change outcome", d->changed,
                            d->total, population ? "residents" : "cells");
    }
    for (size_t i = 0; i < npd; i++)
        df_free(&pd[i]);
    phs__examples_free(&ex);
    return phs__report_finish(r, rc, out);
}
