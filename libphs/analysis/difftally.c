/* Filling a diff's tally (diff.h): over a population, resident by
 * resident, or over the cell decomposition of the input space. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* ---- population mode ---- */

static void tally_flags(progdiff *d, const phs_result *ro, const phs_result *rn)
{
    size_t no = phs_result_flag_count(ro, d->po), nn = phs_result_flag_count(rn, d->pn);
    for (int pass = 0; pass < 2; pass++) {
        const phs_result *x = pass ? rn : ro, *y = pass ? ro : rn;
        size_t nx = pass ? nn : no, ny = pass ? no : nn;
        size_t px = pass ? d->pn : d->po, py = pass ? d->po : d->pn;
        for (size_t i = 0; i < nx; i++) {
            const char *name = phs_result_flag(x, px, i);
            int found = 0;
            for (size_t k = 0; k < ny && !found; k++)
                found = !strcmp(phs_result_flag(y, py, k), name);
            if (found)
                continue;
            size_t k;
            for (k = 0; k < d->nflags && strcmp(d->flags[k].name, name); k++)
                ;
            if (k == d->nflags) {
                if (phs__grow(&d->flags, &d->capflags, d->nflags,
                              sizeof *d->flags, 16) < 0)
                    return;
                d->flags[k] = (flagdiff){name, 0, 0};
                d->nflags++;
            }
            if (pass)
                d->flags[k].gained++;
            else
                d->flags[k].lost++;
        }
    }
}

static void tally_due(progdiff *d, phs_date a, phs_date b)
{
    if (a == PHS_DATE_NONE && b == PHS_DATE_NONE)
        return;
    if (a == PHS_DATE_NONE) {
        d->due_appeared++;
        return;
    }
    if (b == PHS_DATE_NONE) {
        d->due_gone++;
        return;
    }
    long days = (long)b - (long)a;
    if (!days) {
        d->due_same++;
        return;
    }
    if (days < 0)
        d->due_earlier++;
    else
        d->due_later++;
    size_t k;
    for (k = 0; k < d->nshifts && d->shifts[k].days != days; k++)
        ;
    if (k == d->nshifts) {
        if (phs__grow(&d->shifts, &d->capshifts, d->nshifts,
                      sizeof *d->shifts, 16) < 0)
            return;
        d->shifts[k] = (shift){days, 0};
        d->nshifts++;
    }
    d->shifts[k].count++;
}

/* Classify the population under both; *latest is the latest visit date
 * seen (PHS_DATE_NONE when none). */
int df_population(phs_report *r, const phs_ruleset *ro,
                  const phs_ruleset *rn, const char *path,
                  const phs_analysis_options *o, progdiff *pd,
                  size_t npd, phs_date *latest)
{
    phs_reader *rd = NULL;
    phs_record *reco = NULL, *recn = NULL;
    phs_result *reso = NULL, *resn = NULL;
    double nrec = 0, unreadable = 0, refused = 0;
    int rc = phs_reader_open(&rd, ro, path, PHS_FORMAT_AUTO);
    if (rc == PHS_OK)
        rc = phs_record_new(&reco, ro);
    if (rc == PHS_OK)
        rc = phs_record_new(&recn, rn);
    if (rc == PHS_OK)
        rc = phs_result_new(&reso, ro);
    if (rc == PHS_OK)
        rc = phs_result_new(&resn, rn);
    while (rc == PHS_OK) {
        int k = phs_reader_next(rd, reco);
        if (k == PHS_EOF)
            break;
        if (k == PHS_ERECORD || k == PHS_ELIMIT) {
            unreadable++;
            continue;
        }
        if (k < 0) {
            rc = k;
            break;
        }
        nrec++;
        if (ro->f_visit_date >= 0 && !phs__record_has(reco, ro->f_visit_date)) {
            if (o->as_of == PHS_DATE_NONE) {
                rc = phs__error_set(PHS_EINVAL, "diff: %s record %zu (%s) has "
                                                "no visit_date and no as_of "
                                                "was given (phs diff --as-of "
                                                "YYYY-MM-DD)",
                                    path, phs_reader_record_number(rd),
                                    *phs_record_id(reco) ? phs_record_id(reco)
                                                         : "no id");
                break;
            }
            phs_record_set_date(reco, ro->f_visit_date, o->as_of);
        }
        if (ro->f_visit_date >= 0) {
            phs__val vd;
            phs__record_field(reco, ro->f_visit_date, &vd);
            if (*latest == PHS_DATE_NONE || vd.u.i > *latest)
                *latest = vd.u.i;
        }
        if (an_copy_record(recn, reco) < 0 || phs_classify(ro, reco, reso) < 0 ||
            phs_classify(rn, recn, resn) < 0) {
            refused++;
            continue;
        }
        const char *id = phs_record_id(reco);
        for (size_t i = 0; i < npd; i++) {
            progdiff *d = &pd[i];
            const char *lo = an_outcome_label(reso, d->po);
            const char *ln = an_outcome_label(resn, d->pn);
            int a = df_lab(d->rows, &d->nrows, lo), b = df_lab(d->cols, &d->ncols, ln);
            d->total++;
            if (a < 0 || b < 0)
                continue;
            d->m[(size_t)a * MAXLAB + (size_t)b]++;
            tally_due(d, phs_result_next_due(reso, d->po),
                      phs_result_next_due(resn, d->pn));
            tally_flags(d, reso, resn);
            if (!strcmp(lo, ln))
                continue;
            d->changed++;
            cellinfo *ci = df_info_of(d, a, b);
            if (!ci) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                break;
            }
            if (ci->nids < o->max_examples) {
                char **ids = phs__realloc(ci->ids, (ci->nids + 1) * sizeof *ids);
                if (ids) {
                    ci->ids = ids;
                    ids[ci->nids] = phs__strdup(*id ? id : "(no id)");
                    if (ids[ci->nids])
                        ci->nids++;
                }
            }
            /* the program's causes, with one-program results */
            const phs__program *vo = phs__result_version(reso, d->po);
            const phs__program *vn = phs__result_version(resn, d->pn);
            df_causes(ci, reso, reco, vo, resn, recn, vn);
        }
    }
    phs__report_total_add(r, PHS_TOTAL_RESIDENTS, nrec);
    phs__report_total_add(r, PHS_TOTAL_UNREADABLE, unreadable);
    phs__report_total_add(r, PHS_TOTAL_REFUSED, refused);
    if (rc < 0 && rc != PHS_ENOMEM && !rd)
        rc = PHS_EIO;
    phs_result_free(reso);
    phs_result_free(resn);
    phs_record_free(reco);
    phs_record_free(recn);
    phs_reader_free(rd);
    return rc;
}

/* ---- space mode ---- */

int df_space(phs_report *r, const phs_ruleset *ro,
             const phs_ruleset *rn, const phs__examples *examples,
             const phs_analysis_options *o, progdiff *d)
{
    an_space sp;
    size_t vo = (size_t)phs__version_at(&ro->programs[d->po], o->as_of, NULL);
    size_t vn = (size_t)phs__version_at(&rn->programs[d->pn], o->as_of, NULL);
    const phs__program *po = ro->programs[d->po].vers[vo];
    const phs__program *pn = rn->programs[d->pn].vers[vn];
    int rc = an_space_init(&sp, ro, rn, o->as_of, examples);
    if (rc < 0) {
        an_space_free(&sp);
        return rc;
    }
    an_space_walk(&sp, 0, po->elig.when.root, "eligibility", 1);
    an_space_walk(&sp, 1, pn->elig.when.root, "eligibility", 1);
    for (size_t t = 0; t < po->ntiers; t++)
        an_space_walk(&sp, 0, po->tiers[t].r.when.root, po->tiers[t].r.id, 0);
    for (size_t t = 0; t < pn->ntiers; t++)
        an_space_walk(&sp, 1, pn->tiers[t].r.when.root, pn->tiers[t].r.id, 0);
    rc = an_space_build(&sp);
    an_regions rg;
    memset(&rg, 0, sizeof rg);
    size_t *val = phs__calloc(sp.ndims + 1, sizeof *val);
    if (rc == PHS_OK)
        rc = an_regions_init(&rg, &sp);
    if (rc == PHS_OK && !val)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    double total = an_space_cells(&sp);
    int sampled = total > (double)o->max_cells;
    size_t steps = sampled ? o->max_cells : (size_t)total;
    uint64_t seed = o->seed;
    for (size_t s = 0; rc == PHS_OK && s < steps; s++) {
        if (sampled)
            for (size_t k = 0; k < sp.ndims; k++)
                val[k] = sp.dims[k].nvals ? (size_t)(an_rand(&seed) % sp.dims[k].nvals) : 0;
        if (an_space_fill_checked(&sp, val) < 0) {
            phs__classify_program(sp.res[0], sp.rec[0], d->po, vo);
            phs__classify_program(sp.res[1], sp.rec[1], d->pn, vn);
            const char *lo = an_outcome_label(sp.res[0], d->po);
            const char *ln = an_outcome_label(sp.res[1], d->pn);
            int a = df_lab(d->rows, &d->nrows, lo), b = df_lab(d->cols, &d->ncols, ln);
            d->total++;
            if (a >= 0 && b >= 0) {
                d->m[(size_t)a * MAXLAB + (size_t)b]++;
                if (strcmp(lo, ln)) {
                    d->changed++;
                    cellinfo *ci = df_info_of(d, a, b);
                    if (!ci) {
                        rc = phs__error_set(PHS_ENOMEM, "out of memory");
                        break;
                    }
                    df_causes(ci, sp.res[0], sp.rec[0], po, sp.res[1],
                              sp.rec[1], pn);
                    an_regions_add(&rg, a * MAXLAB + b, val);
                }
            }
        }
        if (!sampled) {
            size_t k;
            for (k = 0; k < sp.ndims; k++) {
                if (++val[k] < sp.dims[k].nvals)
                    break;
                val[k] = 0;
            }
            if (k == sp.ndims)
                break;
        }
    }
    an_regions_merge(&rg); /* allocates: before the out-of-memory check */
    if (rc == PHS_OK && rg.oom)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc == PHS_OK) {
        an_report_dimensions(r, &sp);
        phs__report_tally(r, PHS_TOTAL_CELLS, total);
        phs__report_tally(r, PHS_TOTAL_CHECKED, d->total);
        phs__report_tally(r, PHS_TOTAL_SAMPLED, sampled);
        df_record(r, d, po, pn, 0);
        for (size_t i = 0; i < rg.n; i++) {
            int a = rg.r[i].label / MAXLAB, b = rg.r[i].label % MAXLAB;
            phs__buf t = {0};
            an_region_text(&t, &sp, &rg, i);
            an_region_cell(&sp, &rg, i, val);
            an_space_fill_checked(&sp, val);
            char id[64];
            snprintf(id, sizeof id, "diff-%s-%zu", po->id, i + 1);
            phs__report_add(r, PHS_FINDING_TRANSITION, AN_INFO, po->id, NULL,
                            sp.rec[0], id, "%s: %s -> %s", t.p ? t.p : "",
                            d->rows[a], d->cols[b]);
            phs__report_detail(r, t.p ? t.p : "", d->rows[a], d->cols[b],
                               rg.r[i].cells);
            phs__buf_free(&t);
        }
        an_report_notes(r, po->id, &sp);
    }
    an_regions_free(&rg);
    phs__free(val);
    an_space_free(&sp);
    return rc;
}
