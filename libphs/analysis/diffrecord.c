/*
 * The diff's tally (diff.h): its cells, the causes of a changed cell and
 * putting a program's tally into the report (matrix, causes, flags and
 * due-date shifts).  difftally.c fills a tally; diff.c, the entry point,
 * makes one per program and reports it.
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

void df_free(progdiff *d)
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

int df_init(progdiff *d, size_t po, size_t pn)
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
        if (an_rule_truth(res, rec, &a->elig.when) != 1)
            lim = -1;
        for (size_t t = 0; lim >= 0 && t < a->ntiers; t++)
            if (an_rule_truth(res, rec, &a->tiers[t].r.when) != 0) {
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
        int to = a ? an_rule_truth(ro, rec_o, &a->when) : -2;
        int tn = b ? an_rule_truth(rn, rec_n, &b->when) : -2;
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

/* Cell (y, x) of the current section's matrix: its causes, and the clauses
 * they cite (new version's rule, else the old one's), each once. */
static void record_causes(phs_report *r, size_t y, size_t x,
                          const cellinfo *ci, const phs__program *po,
                          const phs__program *pn)
{
    const char *seen[256];
    size_t ns = 0;
    for (size_t c = 0; c < ci->ncauses; c++)
        phs__report_cause(r, y, x, ci->causes[c].rule,
                          truth_name(ci->causes[c].from),
                          truth_name(ci->causes[c].to), ci->causes[c].count);
    for (size_t c = 0; c < ci->ncauses; c++) {
        int idx;
        const phs__rule *ru = find_rule(pn, ci->causes[c].rule, &idx);
        if (!ru)
            ru = find_rule(po, ci->causes[c].rule, &idx);
        for (size_t k = 0; ru && k < ru->ncites; k++) {
            const char *id = ru->cites[k]->id;
            size_t j;
            for (j = 0; j < ns && strcmp(seen[j], id); j++)
                ;
            if (j < ns || ns >= 256)
                continue;
            seen[ns++] = id;
            phs__report_clause(r, y, x, id);
        }
    }
}

/* ---- what changed in the specs themselves ---- */

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
                          const size_t *co, const double *rs, const double *cs,
                          const phs__program *po, const phs__program *pn)
{
    const char *rows[MAXLAB] = {0}, *cols[MAXLAB] = {0};
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
            if (info)
                record_causes(r, y, x, info, po, pn);
        }
}

void df_record(phs_report *r, progdiff *d, const phs__program *po,
               const phs__program *pn, int population)
{
    size_t ro[MAXLAB], co[MAXLAB];
    order_labels(d->rows, d->nrows, po, pn, ro);
    order_labels(d->cols, d->ncols, po, pn, co);
    /* rows and columns that are all zero are left out */
    double rs[MAXLAB] = {0}, cs[MAXLAB] = {0};
    for (size_t a = 0; a < d->nrows; a++)
        for (size_t b = 0; b < d->ncols; b++) {
            rs[a] += d->m[a * MAXLAB + b];
            cs[b] += d->m[a * MAXLAB + b];
        }
    record_matrix(r, d, ro, co, rs, cs, po, pn);
    if (!population)
        return;
    if (d->nshifts)
        qsort(d->shifts, d->nshifts, sizeof *d->shifts, cmp_shift);
    for (size_t k = 0; k < d->nshifts; k++)
        phs__report_shift(r, d->shifts[k].days, d->shifts[k].count);
    phs__report_tally(r, PHS_TOTAL_DUE_SAME, d->due_same);
    phs__report_tally(r, PHS_TOTAL_DUE_EARLIER, d->due_earlier);
    phs__report_tally(r, PHS_TOTAL_DUE_LATER, d->due_later);
    phs__report_tally(r, PHS_TOTAL_DUE_APPEARED, d->due_appeared);
    phs__report_tally(r, PHS_TOTAL_DUE_GONE, d->due_gone);
    for (size_t k = 0; k < d->nflags; k++)
        if (d->flags[k].gained != 0 || d->flags[k].lost != 0)
            phs__report_row(r, PHS_TABLE_FLAGS, d->flags[k].name, NULL,
                            d->flags[k].gained, d->flags[k].lost, 0, 0);
}
