/*
 * phs_ruleset_diff: what changes between two rule sets, program by
 * program.  This file: the tally's cells, the causes of a change, what
 * changed in the specs themselves, the rendering, and the entry point;
 * difftally.c fills the tally over a population (transition matrix,
 * due-date shifts, example ids, the rules and clauses that caused each
 * change) or, without one, over the cell decomposition of the input space.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

int df_lab(const char **set, size_t *n, const char *l)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(set[i], l))
            return (int)i;
    if (*n >= MAXLAB)
        return -1;
    set[*n] = l;
    return (int)(*n)++;
}

static void progdiff_free(progdiff *d)
{
    if (d->info)
        for (size_t i = 0; i < MAXLAB * MAXLAB; i++)
            if (d->info[i]) {
                for (size_t k = 0; k < d->info[i]->nids; k++)
                    phs__free(d->info[i]->ids[k]);
                phs__free(d->info[i]->ids);
                phs__free(d->info[i]->example);
                phs__free(d->info[i]);
            }
    phs__free(d->info);
    phs__free(d->m);
    phs__free(d->flags);
    phs__free(d->shifts);
}

static int progdiff_init(progdiff *d, size_t po, size_t pn)
{
    memset(d, 0, sizeof *d);
    d->po = po;
    d->pn = pn;
    d->m = phs__calloc(MAXLAB * MAXLAB, sizeof *d->m);
    d->info = phs__calloc(MAXLAB * MAXLAB, sizeof *d->info);
    if (!d->m || !d->info)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    /* fixed order: not enrolled first */
    df_lab(d->rows, &d->nrows, "not_enrolled");
    df_lab(d->cols, &d->ncols, "not_enrolled");
    return PHS_OK;
}

cellinfo *df_info_of(progdiff *d, int r, int c)
{
    cellinfo **slot = &d->info[(size_t)r * MAXLAB + (size_t)c];
    if (!*slot)
        *slot = phs__calloc(1, sizeof **slot);
    return *slot;
}

/* The truth of a rule condition on a record: 1, 0, -1 unknown. */
static int truth(phs_result *res, const phs_record *rec, const phs__expr *e)
{
    phs__eval *ev = &res->ev;
    ev->rec = rec;
    ev->regex_error = 0;
    memset(ev->dstate, 0, res->rs->nderived);
    return phs__expr_test(ev, e);
}

static const phs__rule *find_rule(const phs__program *p, const char *id,
                                  int *index)
{
    *index = -1;
    if (!strcmp(id, "eligibility"))
        return &p->elig;
    for (size_t t = 0; t < p->ntiers; t++)
        if (!strcmp(p->tiers[t].r.id, id)) {
            *index = (int)t;
            return &p->tiers[t].r;
        }
    return NULL;
}

/* Rules whose value changed for this resident on the decision path of
 * either version. */
void df_causes(cellinfo *ci, phs_result *ro, const phs_record *rec_o,
               const phs__program *po, phs_result *rn,
               const phs_record *rec_n, const phs__program *pn)
{
    int lim_o = -1, lim_n = -1; /* last tier index evaluated */
    for (size_t pass = 0; pass < 2; pass++) {
        const phs__program *a = pass ? pn : po;
        phs_result *res = pass ? rn : ro;
        const phs_record *rec = pass ? rec_n : rec_o;
        int lim = (int)a->ntiers - 1;
        if (truth(res, rec, &a->elig.when) != 1)
            lim = -1;
        for (size_t t = 0; lim >= 0 && t < a->ntiers; t++)
            if (truth(res, rec, &a->tiers[t].r.when) != 0) {
                lim = (int)t;
                break;
            }
        if (pass)
            lim_n = lim;
        else
            lim_o = lim;
    }
    const char *ids[130];
    size_t nids = 0;
    ids[nids++] = "eligibility";
    for (int t = 0; t <= lim_o && nids < 128; t++)
        ids[nids++] = po->tiers[t].r.id;
    for (int t = 0; t <= lim_n && nids < 128; t++) {
        size_t k;
        for (k = 0; k < nids && strcmp(ids[k], pn->tiers[t].r.id); k++)
            ;
        if (k == nids)
            ids[nids++] = pn->tiers[t].r.id;
    }
    for (size_t k = 0; k < nids; k++) {
        int io, in;
        const phs__rule *a = find_rule(po, ids[k], &io);
        const phs__rule *b = find_rule(pn, ids[k], &in);
        int to = a ? truth(ro, rec_o, &a->when) : -2;
        int tn = b ? truth(rn, rec_n, &b->when) : -2;
        if (to == tn)
            continue;
        size_t c;
        for (c = 0; c < ci->ncauses; c++)
            if (!strcmp(ci->causes[c].rule, ids[k]) && ci->causes[c].from == to &&
                ci->causes[c].to == tn)
                break;
        if (c == ci->ncauses) {
            if (c == MAXCAUSE)
                continue;
            ci->causes[c] = (cause){b ? b->id : a->id, to, tn, 0};
            ci->ncauses++;
        }
        ci->causes[c].count++;
    }
}

static const char *truth_name(int t)
{
    return t == 1 ? "true" : t == 0 ? "false" : t == -1 ? "unknown" : "absent";
}

/* Clauses cited by the causes (new version's rule, else the old one's). */
static void cause_clauses(phs__buf *b, const cellinfo *ci, const phs__program *po,
                          const phs__program *pn, int json)
{
    const char *seen[256];
    size_t ns = 0;
    int first = 1;
    for (size_t c = 0; c < ci->ncauses; c++) {
        int idx;
        const phs__rule *r = find_rule(pn, ci->causes[c].rule, &idx);
        if (!r)
            r = find_rule(po, ci->causes[c].rule, &idx);
        for (size_t k = 0; r && k < r->ncites; k++) {
            const char *id = r->cites[k]->id;
            size_t j;
            for (j = 0; j < ns && strcmp(seen[j], id); j++)
                ;
            if (j < ns || ns >= 256)
                continue;
            seen[ns++] = id;
            if (json) {
                if (!first)
                    phs__buf_putc(b, ',');
                phs__json_cstr(b, id);
            } else {
                phs__buf_printf(b, "%s%s", first ? "" : ", ", id);
            }
            first = 0;
        }
    }
}

/* ---- what changed in the specs themselves ---- */

static void spec_changes(phs_report *r, phs__buf *j, const phs_ruleset *ro,
                         const phs__program *po, const phs_ruleset *rn,
                         const phs__program *pn)
{
    int first = 1;
    phs__buf_puts(j, "\"parameters_changed\":[");
    for (size_t i = 0; i < po->nparams; i++)
        for (size_t k = 0; k < pn->nparams; k++)
            if (!strcmp(po->params[i].name, pn->params[k].name) &&
                strcmp(po->params[i].text, pn->params[k].text)) {
                phs__report_text(r, "  parameter %s: %s -> %s\n",
                                 po->params[i].name, po->params[i].text,
                                 pn->params[k].text);
                phs__report_add(r, PHS_FINDING_PARAM_CHANGED, AN_INFO, po->id,
                                po->params[i].name, NULL, NULL, "%s -> %s",
                                po->params[i].text, pn->params[k].text);
                if (!first)
                    phs__buf_putc(j, ',');
                first = 0;
                phs__buf_puts(j, "{\"name\":");
                phs__json_cstr(j, po->params[i].name);
                phs__buf_puts(j, ",\"old\":");
                phs__json_cstr(j, po->params[i].text);
                phs__buf_puts(j, ",\"new\":");
                phs__json_cstr(j, pn->params[k].text);
                phs__buf_putc(j, '}');
            }
    phs__buf_puts(j, "],\"rules_changed\":[");
    first = 1;
    phs__buf line = {0};
    /* eligibility, tiers (condition or follow-up), flags */
    size_t nrules_o = 1 + po->ntiers + po->nflags;
    for (size_t i = 0; i < nrules_o; i++) {
        const phs__rule *a = i == 0 ? &po->elig
                             : i <= po->ntiers ? &po->tiers[i - 1].r
                                               : &po->flags[i - 1 - po->ntiers].r;
        const phs__rule *b = NULL;
        const phs__tier *ta = i && i <= po->ntiers ? &po->tiers[i - 1] : NULL;
        const phs__tier *tb = NULL;
        size_t nb = 1 + pn->ntiers + pn->nflags;
        int pos_b = -1;
        for (size_t k = 0; k < nb; k++) {
            const phs__rule *x = k == 0 ? &pn->elig
                                 : k <= pn->ntiers ? &pn->tiers[k - 1].r
                                                   : &pn->flags[k - 1 - pn->ntiers].r;
            if (!strcmp(x->id, a->id)) {
                b = x;
                pos_b = (int)k;
                tb = k && k <= pn->ntiers ? &pn->tiers[k - 1] : NULL;
            }
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
        else if (ta && tb && pos_b != (int)i)
            what = "moved in the tier order";
        if (!what)
            continue;
        phs__buf_printf(&line, "%s%s (%s)", first ? "" : ", ", a->id, what);
        phs__report_add(r, PHS_FINDING_RULE_CHANGED, AN_INFO, po->id, a->id,
                        NULL, NULL, "%s", what);
        if (!first)
            phs__buf_putc(j, ',');
        first = 0;
        phs__buf_puts(j, "{\"rule\":");
        phs__json_cstr(j, a->id);
        phs__buf_puts(j, ",\"change\":");
        phs__json_cstr(j, what);
        phs__buf_putc(j, '}');
    }
    size_t nb = 1 + pn->ntiers + pn->nflags;
    for (size_t k = 1; k < nb; k++) {
        const phs__rule *x = k <= pn->ntiers ? &pn->tiers[k - 1].r
                                             : &pn->flags[k - 1 - pn->ntiers].r;
        int found = 0;
        for (size_t i = 1; i < nrules_o && !found; i++) {
            const phs__rule *a = i <= po->ntiers ? &po->tiers[i - 1].r
                                                 : &po->flags[i - 1 - po->ntiers].r;
            found = !strcmp(a->id, x->id);
        }
        if (found)
            continue;
        phs__buf_printf(&line, "%s%s (added)", first ? "" : ", ", x->id);
        phs__report_add(r, PHS_FINDING_RULE_CHANGED, AN_INFO, pn->id, x->id,
                        NULL, NULL, "added");
        if (!first)
            phs__buf_putc(j, ',');
        first = 0;
        phs__buf_puts(j, "{\"rule\":");
        phs__json_cstr(j, x->id);
        phs__buf_puts(j, ",\"change\":\"added\"}");
    }
    phs__buf_puts(j, "],");
    phs__report_text(r, "  rules changed: %s\n", line.len ? line.p : "none");
    phs__buf_free(&line);
}

/* ---- rendering a program's diff ---- */

static int cmp_shift(const void *a, const void *b)
{
    const shift *x = a, *y = b;
    return (x->days > y->days) - (x->days < y->days);
}

static void order_labels(const char **set, size_t n, const phs__program *a,
                         const phs__program *b, size_t *order)
{
    /* not_enrolled, tiers of old then new in their order, insufficient,
     * unclassified */
    size_t k = 0;
    uint8_t used[MAXLAB] = {0};
    const char *seq[MAXLAB * 3];
    size_t ns = 0;
    seq[ns++] = "not_enrolled";
    for (size_t t = 0; t < a->ntiers && ns < MAXLAB * 2; t++)
        seq[ns++] = a->tiers[t].name;
    for (size_t t = 0; t < b->ntiers && ns < MAXLAB * 3 - 2; t++)
        seq[ns++] = b->tiers[t].name;
    seq[ns++] = "insufficient_data";
    seq[ns++] = "unclassified";
    for (size_t s = 0; s < ns; s++)
        for (size_t i = 0; i < n; i++)
            if (!used[i] && !strcmp(set[i], seq[s])) {
                used[i] = 1;
                order[k++] = i;
            }
    for (size_t i = 0; i < n; i++)
        if (!used[i])
            order[k++] = i;
}

/* The matrix of the current section: non-empty rows and columns in order. */
static void record_matrix(phs_report *r, const progdiff *d, const size_t *ro,
                          const size_t *co, const double *rs, const double *cs)
{
    const char *rows[MAXLAB], *cols[MAXLAB];
    size_t ri[MAXLAB], ci[MAXLAB], nr = 0, nc = 0;
    for (size_t y = 0; y < d->nrows; y++)
        if (rs[ro[y]] > 0) {
            ri[nr] = ro[y];
            rows[nr++] = d->rows[ro[y]];
        }
    for (size_t x = 0; x < d->ncols; x++)
        if (cs[co[x]] > 0) {
            ci[nc] = co[x];
            cols[nc++] = d->cols[co[x]];
        }
    phs__report_matrix(r, nr, rows, nc, cols);
    for (size_t y = 0; y < nr; y++)
        for (size_t x = 0; x < nc; x++) {
            size_t c = ri[y] * MAXLAB + ci[x];
            const cellinfo *info = d->info[c];
            phs__report_matrix_set(r, y, x, d->m[c], info ? info->ids : NULL,
                                   info ? info->nids : 0);
        }
}

void df_render(phs_report *r, phs__buf *j, progdiff *d,
               const phs__program *po, const phs__program *pn,
               int population)
{
    size_t ro[MAXLAB], co[MAXLAB];
    order_labels(d->rows, d->nrows, po, pn, ro);
    order_labels(d->cols, d->ncols, po, pn, co);
    const char *unit = population ? "residents" : "cells";
    /* drop empty rows and columns */
    double rs[MAXLAB] = {0}, cs[MAXLAB] = {0};
    for (size_t a = 0; a < d->nrows; a++)
        for (size_t b = 0; b < d->ncols; b++) {
            rs[a] += d->m[a * MAXLAB + b];
            cs[b] += d->m[a * MAXLAB + b];
        }
    size_t w = 8;
    for (size_t b = 0; b < d->ncols; b++)
        if (cs[b] > 0 && strlen(d->cols[b]) + 1 > w)
            w = strlen(d->cols[b]) + 1;
    size_t wr = 8;
    for (size_t a = 0; a < d->nrows; a++)
        if (rs[a] > 0 && strlen(d->rows[a]) + 1 > wr)
            wr = strlen(d->rows[a]) + 1;
    int quiet = d->changed == 0 && d->due_earlier == 0 && d->due_later == 0 &&
                d->due_appeared == 0 && d->due_gone == 0;
    for (size_t k = 0; k < d->nflags; k++)
        quiet &= d->flags[k].gained == 0 && d->flags[k].lost == 0;
    if (quiet)
        phs__report_text(r, "  unchanged: all %.0f %s keep their outcome%s\n",
                         d->total, unit, population ? ", due date and flags" : "");
    else
        phs__report_text(r, "  transition matrix (%s; rows: old, columns: new):\n",
                         unit);
    phs__buf save = r->text; /* quiet: the matrix goes to the JSON only */
    if (quiet)
        memset(&r->text, 0, sizeof r->text);
    phs__report_text(r, "    %-*s", (int)wr, "");
    for (size_t x = 0; x < d->ncols; x++)
        if (cs[co[x]] > 0)
            phs__report_text(r, " %*s", (int)w, d->cols[co[x]]);
    phs__report_text(r, "\n");
    for (size_t y = 0; y < d->nrows; y++) {
        size_t a = ro[y];
        if (rs[a] <= 0)
            continue;
        phs__report_text(r, "    %-*s", (int)wr, d->rows[a]);
        for (size_t x = 0; x < d->ncols; x++)
            if (cs[co[x]] > 0)
                phs__report_text(r, " %*.0f", (int)w, d->m[a * MAXLAB + co[x]]);
        phs__report_text(r, "\n");
    }
    if (quiet) {
        phs__buf_free(&r->text);
        r->text = save;
    }
    record_matrix(r, d, ro, co, rs, cs);
    phs__buf_puts(j, "\"matrix\":{\"rows\":[");
    int first = 1;
    for (size_t y = 0; y < d->nrows; y++)
        if (rs[ro[y]] > 0) {
            if (!first)
                phs__buf_putc(j, ',');
            first = 0;
            phs__json_cstr(j, d->rows[ro[y]]);
        }
    phs__buf_puts(j, "],\"columns\":[");
    first = 1;
    for (size_t x = 0; x < d->ncols; x++)
        if (cs[co[x]] > 0) {
            if (!first)
                phs__buf_putc(j, ',');
            first = 0;
            phs__json_cstr(j, d->cols[co[x]]);
        }
    phs__buf_puts(j, "],\"counts\":[");
    first = 1;
    for (size_t y = 0; y < d->nrows; y++) {
        if (rs[ro[y]] <= 0)
            continue;
        phs__buf_puts(j, first ? "[" : ",[");
        first = 0;
        int f2 = 1;
        for (size_t x = 0; x < d->ncols; x++)
            if (cs[co[x]] > 0) {
                phs__buf_printf(j, "%s%.0f", f2 ? "" : ",",
                                d->m[ro[y] * MAXLAB + co[x]]);
                f2 = 0;
            }
        phs__buf_putc(j, ']');
    }
    phs__buf_printf(j, "]},\"total\":%.0f,\"changed\":%.0f,\"changes\":[",
                    d->total, d->changed);
    if (!quiet)
        phs__report_text(r, "  changed: %.0f of %.0f %s (%.2f%%)\n", d->changed,
                         d->total, unit,
                         d->total > 0 ? 100.0 * d->changed / d->total : 0);
    first = 1;
    for (size_t y = 0; y < d->nrows; y++)
        for (size_t x = 0; x < d->ncols; x++) {
            size_t a = ro[y], b = co[x];
            double n = d->m[a * MAXLAB + b];
            if (n <= 0 || !strcmp(d->rows[a], d->cols[b]))
                continue;
            cellinfo *ci = d->info[a * MAXLAB + b];
            phs__report_text(r, "    %s -> %s: %.0f", d->rows[a], d->cols[b], n);
            if (!first)
                phs__buf_putc(j, ',');
            first = 0;
            phs__buf_puts(j, "{\"from\":");
            phs__json_cstr(j, d->rows[a]);
            phs__buf_puts(j, ",\"to\":");
            phs__json_cstr(j, d->cols[b]);
            phs__buf_printf(j, ",\"count\":%.0f,\"examples\":[", n);
            if (ci && ci->nids) {
                phs__report_text(r, " (e.g. ");
                for (size_t k = 0; k < ci->nids; k++) {
                    phs__report_text(r, "%s%s", k ? ", " : "", ci->ids[k]);
                    if (k)
                        phs__buf_putc(j, ',');
                    phs__json_cstr(j, ci->ids[k]);
                }
                phs__report_text(r, ")");
            }
            phs__report_text(r, "\n");
            phs__buf_puts(j, "],\"causes\":[");
            if (ci && ci->ncauses) {
                phs__report_text(r, "      because: ");
                for (size_t c = 0; c < ci->ncauses; c++) {
                    phs__report_text(r, "%s%s %s -> %s", c ? "; " : "",
                                     ci->causes[c].rule,
                                     truth_name(ci->causes[c].from),
                                     truth_name(ci->causes[c].to));
                    if (c)
                        phs__buf_putc(j, ',');
                    phs__buf_puts(j, "{\"rule\":");
                    phs__json_cstr(j, ci->causes[c].rule);
                    phs__buf_printf(j, ",\"old\":\"%s\",\"new\":\"%s\","
                                       "\"count\":%.0f}",
                                    truth_name(ci->causes[c].from),
                                    truth_name(ci->causes[c].to),
                                    ci->causes[c].count);
                }
                phs__buf clauses = {0};
                cause_clauses(&clauses, ci, po, pn, 0);
                phs__report_text(r, "\n      clauses: %s\n",
                                 clauses.p ? clauses.p : "-");
                phs__buf_free(&clauses);
            }
            phs__buf_puts(j, "],\"clauses\":[");
            if (ci)
                cause_clauses(j, ci, po, pn, 1);
            phs__buf_puts(j, "]}");
        }
    phs__buf_puts(j, "],");
    if (population) {
        if (d->nshifts)
            qsort(d->shifts, d->nshifts, sizeof *d->shifts, cmp_shift);
        for (size_t k = 0; k < d->nshifts; k++)
            phs__report_shift(r, d->shifts[k].days, d->shifts[k].count);
        phs__report_tally(r, PHS_TOTAL_DUE_SAME, d->due_same);
        phs__report_tally(r, PHS_TOTAL_DUE_EARLIER, d->due_earlier);
        phs__report_tally(r, PHS_TOTAL_DUE_LATER, d->due_later);
        phs__report_tally(r, PHS_TOTAL_DUE_APPEARED, d->due_appeared);
        phs__report_tally(r, PHS_TOTAL_DUE_GONE, d->due_gone);
        if (!quiet)
            phs__report_text(r, "  next due date: %.0f unchanged, %.0f earlier, "
                                "%.0f later, %.0f newly due, %.0f no longer "
                                "due\n",
                             d->due_same, d->due_earlier, d->due_later,
                             d->due_appeared, d->due_gone);
        phs__buf_printf(j, "\"next_due\":{\"unchanged\":%.0f,\"earlier\":%.0f,"
                           "\"later\":%.0f,\"appeared\":%.0f,\"disappeared\":%.0f,"
                           "\"shifts\":[",
                        d->due_same, d->due_earlier, d->due_later,
                        d->due_appeared, d->due_gone);
        for (size_t k = 0; k < d->nshifts; k++) {
            long days = d->shifts[k].days;
            phs__report_text(r, "    %s by %ld day%s: %.0f\n",
                             days < 0 ? "earlier" : "later", labs(days),
                             labs(days) == 1 ? "" : "s", d->shifts[k].count);
            phs__buf_printf(j, "%s{\"days\":%ld,\"count\":%.0f}", k ? "," : "",
                            days, d->shifts[k].count);
        }
        phs__buf_puts(j, "]},\"flags\":[");
        first = 1;
        for (size_t k = 0; k < d->nflags; k++) {
            if (d->flags[k].gained == 0 && d->flags[k].lost == 0)
                continue;
            phs__report_text(r, "  flag %s: %.0f raised, %.0f no longer raised\n",
                             d->flags[k].name, d->flags[k].gained,
                             d->flags[k].lost);
            if (!first)
                phs__buf_putc(j, ',');
            first = 0;
            phs__buf_puts(j, "{\"flag\":");
            phs__json_cstr(j, d->flags[k].name);
            phs__buf_printf(j, ",\"raised\":%.0f,\"no_longer_raised\":%.0f}",
                            d->flags[k].gained, d->flags[k].lost);
        }
        phs__buf_puts(j, "],");
    }
}

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
    phs__report_text(r, "phs diff: old %s\n          new %s\n", ro->fingerprint,
                     rn->fingerprint);
    phs__buf_puts(&r->json, "{\"command\":\"diff\",\"mode\":");
    phs__json_cstr(&r->json, population ? "population" : "input_space");
    phs__buf_puts(&r->json, ",\"old\":");
    phs__json_cstr(&r->json, ro->fingerprint);
    phs__buf_puts(&r->json, ",\"new\":");
    phs__json_cstr(&r->json, rn->fingerprint);
    phs__buf_putc(&r->json, ',');
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
        rc = progdiff_init(&pd[npd], p, (size_t)q);
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
    phs__buf_puts(&r->json, "\"programs\":[");
    for (size_t i = 0; i < npd && rc == PHS_OK; i++) {
        progdiff *d = &pd[i];
        size_t vo = (size_t)phs__version_at(&ro->programs[d->po], day, NULL);
        size_t vn = (size_t)phs__version_at(&rn->programs[d->pn], day, NULL);
        const phs__program *po = ro->programs[d->po].vers[vo];
        const phs__program *pn = rn->programs[d->pn].vers[vn];
        phs__buf *j = &r->json;
        phs__report_section(r, po->id, po->version, pn->version);
        if (population)
            phs__report_section_add(r, PHS_TOTAL_RESIDENTS, d->total);
        phs__report_text(r, "\n%s: %s %s -> %s %s\n", po->id, po->version,
                         po->fingerprint, pn->version, pn->fingerprint);
        if (i)
            phs__buf_putc(j, ',');
        phs__buf_puts(j, "{\"program\":");
        phs__json_cstr(j, po->id);
        phs__buf_puts(j, ",\"old_version\":");
        phs__json_cstr(j, po->version);
        phs__buf_puts(j, ",\"old_fingerprint\":");
        phs__json_cstr(j, po->fingerprint);
        phs__buf_puts(j, ",\"new_version\":");
        phs__json_cstr(j, pn->version);
        phs__buf_puts(j, ",\"new_fingerprint\":");
        phs__json_cstr(j, pn->fingerprint);
        phs__buf_putc(j, ',');
        spec_changes(r, j, ro, po, rn, pn);
        if (population)
            df_render(r, j, d, po, pn, 1);
        else
            rc = df_space(r, ro, rn, &ex, &o, d, j);
        phs__report_tally(r, PHS_TOTAL_CHANGED, d->changed);
        if (d->changed > 0)
            phs__report_add(r, PHS_FINDING_TRANSITION, AN_INFO, po->id, NULL,
                            NULL, NULL,
                            "%.0f of %.0f %s change outcome", d->changed,
                            d->total, population ? "residents" : "cells");
        phs__buf_printf(j, "\"changed_total\":%.0f}", d->changed);
    }
    double changed = 0;
    for (size_t i = 0; i < npd; i++) {
        changed += pd[i].changed;
        progdiff_free(&pd[i]);
    }
    phs__report_text(r, "\n%s\n", changed > 0 ? "outcomes differ" : "no outcome differs");
    phs__buf_printf(&r->json, "],\"changed\":%.0f,\"differ\":%s}", changed,
                    changed > 0 ? "true" : "false");
    phs__examples_free(&ex);
    return phs__report_finish(r, rc, out);
}
