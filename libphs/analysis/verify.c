/*
 * phs_ruleset_verify: completeness, dead tiers and dead flags of every
 * program version, over the cell decomposition of space.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"

#define MAX_REGIONS 12

typedef struct {
    phs_report *r;
    const phs_ruleset *rs;
    size_t p, v;
    const phs__program *pr;
    const phs__examples *ex; /* of rs */
    phs_date visit;
    size_t cap;
    uint64_t seed;
    char label[200];   /* "hypertension 2017.1" */
} vctx;

/* The visit date of a version's cells: as_of moved into its range. */
static phs_date version_date(const phs__program *x, phs_date as_of)
{
    if (as_of < x->eff_from)
        return x->eff_from;
    if (x->eff_to != PHS_DATE_NONE && as_of > x->eff_to)
        return x->eff_to;
    return as_of;
}

/* Iterate the product of dimensions [from, to) of val: odometer; returns 0
 * at the end. */
static int next_combo(const an_space *sp, size_t *val, size_t from, size_t to)
{
    for (size_t d = from; d < to; d++) {
        if (++val[d] < sp->dims[d].nvals)
            return 1;
        val[d] = 0;
    }
    return 0;
}

static void random_combo(const an_space *sp, size_t *val, size_t from,
                         size_t to, uint64_t *seed)
{
    for (size_t d = from; d < to; d++)
        val[d] = sp->dims[d].nvals ? (size_t)(an_rand(seed) % sp->dims[d].nvals)
                                   : 0;
}

static double product(const an_space *sp, size_t from, size_t to)
{
    double n = 1;
    for (size_t d = from; d < to; d++)
        n *= (double)(sp->dims[d].nvals ? sp->dims[d].nvals : 1);
    return n;
}

/* ---- tiers ---- */

typedef struct {
    double notenrolled, insufficient, elig_unknown, unclassified, refused;
    double *tier;          /* per tier */
    double checked;
    size_t *first_tier;    /* per tier: first cell (ndims each), or none */
    uint8_t *has_first;
    size_t *first_refused;
    int has_refused;
    int refused_check;
} tally;

static void tier_cell(vctx *c, an_space *sp, tally *t, an_regions *gaps,
                      an_regions *insuf, const size_t *val)
{
    int bad = an_space_fill_checked(sp, val);
    t->checked++;
    if (bad >= 0) {
        t->refused++;
        if (!t->has_refused) {
            t->has_refused = 1;
            t->refused_check = bad;
            memcpy(t->first_refused, val, sp->ndims * sizeof *val);
        }
        return;
    }
    phs__classify_program(sp->res[0], sp->rec[0], c->p, c->v);
    const phs__pout *o = &sp->res[0]->prog[c->p];
    switch (o->outcome) {
    case PHS_TIERED:
        t->tier[o->tier]++;
        if (!t->has_first[o->tier]) {
            t->has_first[o->tier] = 1;
            memcpy(t->first_tier + (size_t)o->tier * sp->ndims, val,
                   sp->ndims * sizeof *val);
        }
        break;
    case PHS_INSUFFICIENT_DATA:
        if (o->enrolled < 0)
            t->elig_unknown++;
        else
            t->insufficient++;
        an_regions_add(insuf, o->enrolled < 0 ? 1 : 0, val);
        break;
    case PHS_UNCLASSIFIED:
        t->unclassified++;
        an_regions_add(gaps, 0, val);
        break;
    default:
        t->notenrolled++;
    }
}

static int cmp_region_size(const void *a, const void *b)
{
    const an_region *x = a, *y = b;
    return (x->cells < y->cells) - (x->cells > y->cells);
}

static void report_regions(vctx *c, an_space *sp, an_regions *rg, int kind,
                           int severity, const char *what, size_t *val)
{
    qsort(rg->r, rg->n, sizeof *rg->r, cmp_region_size);
    phs__report_tally(c->r, kind == PHS_FINDING_GAP ? PHS_TOTAL_GAP_REGIONS
                                                    : PHS_TOTAL_INSUFFICIENT_REGIONS,
                      (double)rg->n);
    for (size_t i = 0; i < rg->n && i < MAX_REGIONS; i++) {
        phs__buf b = {0};
        char id[96];
        an_region_text(&b, sp, rg, i);
        an_region_cell(sp, rg, i, val);
        an_space_fill_checked(sp, val);
        phs__classify_program(sp->res[0], sp->rec[0], c->p, c->v);
        snprintf(id, sizeof id, "verify-%s-%s-%zu", c->pr->id,
                 kind == PHS_FINDING_GAP ? "gap" : "insufficient", i + 1);
        const char *lab = an_outcome_label(sp->res[0], c->p);
        const char *region = b.p ? b.p : "";
        if (kind == PHS_FINDING_GAP)
            phs__report_add(c->r, kind, severity, c->pr->id, "tiers",
                            sp->rec[0], id,
                            "%s %s: %s (%.0f cells); no tier's condition holds",
                            c->label, what, region, rg->r[i].cells);
        else
            phs__report_add(c->r, kind, severity, c->pr->id,
                            rg->r[i].label ? "eligibility" : "tiers",
                            sp->rec[0], id,
                            "%s %s: %s (%.0f cells) -> %s%s", c->label, what,
                            region, rg->r[i].cells, lab,
                            rg->r[i].label ? " (eligibility undecided)" : "");
        phs__report_detail(c->r, region, NULL, lab, rg->r[i].cells);
        phs__buf_free(&b);
    }
}

/* Dead tier t: the cell in the records satisfies its condition (an earlier
 * tier takes it), or, with found == 0, no eligible cell does. */
static void dead_tier(vctx *c, an_space *sp, size_t t, int found)
{
    const phs__tier *tier = &c->pr->tiers[t];
    if (found) {
        phs__classify_program(sp->res[0], sp->rec[0], c->p, c->v);
        char id[96];
        snprintf(id, sizeof id, "verify-%s-dead-%s", c->pr->id, tier->name);
        const char *by = an_outcome_label(sp->res[0], c->p);
        phs__report_add(c->r, PHS_FINDING_DEAD_TIER, AN_ERROR, c->pr->id,
                        tier->r.id, sp->rec[0], id,
                        "%s tier %s is never reached: every resident whose "
                        "condition holds is taken first by %s (e.g. this "
                        "resident, classified %s)",
                        c->label, tier->name, by, by);
        phs__report_detail(c->r, NULL, NULL, by, 0);
        return;
    }
    phs__report_add(c->r, PHS_FINDING_DEAD_TIER, AN_ERROR, c->pr->id,
                    tier->r.id, NULL, NULL,
                    "%s tier %s is never reached: its condition holds for no "
                    "eligible resident", c->label, tier->name);
}

static int verify_tiers(vctx *c)
{
    an_space sp;
    const phs__program *pr = c->pr;
    int rc = an_space_init(&sp, c->rs, NULL, c->visit, c->ex);
    if (rc < 0) {
        an_space_free(&sp);
        return rc;
    }
    an_space_walk(&sp, 0, pr->elig.when.root, "eligibility", 1);
    for (size_t t = 0; t < pr->ntiers; t++)
        an_space_walk(&sp, 0, pr->tiers[t].r.when.root, pr->tiers[t].r.id, 0);
    rc = an_space_build(&sp);
    if (rc < 0) {
        an_space_free(&sp);
        return rc;
    }
    size_t nd = sp.ndims, ne = 0;
    while (ne < nd && sp.dims[ne].elig)
        ne++;
    tally t;
    memset(&t, 0, sizeof t);
    an_regions gaps, insuf;
    size_t *val = phs__calloc(nd + 1, sizeof *val);
    t.tier = phs__calloc(pr->ntiers + 1, sizeof *t.tier);
    t.first_tier = phs__calloc((pr->ntiers + 1) * (nd + 1), sizeof *t.first_tier);
    t.has_first = phs__calloc(pr->ntiers + 1, 1);
    t.first_refused = phs__calloc(nd + 1, sizeof *t.first_refused);
    size_t **eligible = NULL, nelig = 0, capelig = 0;
    memset(&gaps, 0, sizeof gaps);
    memset(&insuf, 0, sizeof insuf);
    rc = an_regions_init(&gaps, &sp);
    if (rc == PHS_OK)
        rc = an_regions_init(&insuf, &sp);
    if (!val || !t.tier || !t.first_tier || !t.has_first || !t.first_refused ||
        rc < 0) {
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
        goto done;
    }
    double ecells = product(&sp, 0, ne), tcells = product(&sp, ne, nd);
    double total = ecells * tcells;
    uint64_t seed = c->seed;
    int sampled = 0;
    /* eligibility dimensions outermost: a combination that is not enrolled
     * is not enrolled whatever the rest */
    size_t esteps = ecells > (double)c->cap ? c->cap : (size_t)ecells;
    if (ecells > (double)c->cap)
        sampled = 1;
    for (size_t s = 0; s < esteps; s++) {
        if (ecells > (double)c->cap)
            random_combo(&sp, val, 0, ne, &seed);
        for (size_t d = ne; d < nd; d++)
            val[d] = 0;
        an_space_fill(&sp, val, NULL);
        phs__classify_program(sp.res[0], sp.rec[0], c->p, c->v);
        if (sp.res[0]->prog[c->p].enrolled == 0) {
            t.notenrolled += tcells;
            t.checked += tcells;
        } else {
            if (nelig == capelig) {
                size_t cp = capelig ? capelig * 2 : 64;
                size_t **ne2 = phs__realloc(eligible, cp * sizeof *ne2);
                if (!ne2) {
                    rc = phs__error_set(PHS_ENOMEM, "out of memory");
                    goto done;
                }
                eligible = ne2;
                capelig = cp;
            }
            eligible[nelig] = phs__malloc((nd + 1) * sizeof **eligible);
            if (!eligible[nelig]) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                goto done;
            }
            memcpy(eligible[nelig++], val, (nd + 1) * sizeof *val);
        }
        if (ecells <= (double)c->cap && !next_combo(&sp, val, 0, ne))
            break;
    }
    /* the rest, per eligible combination */
    double per = nelig ? floor((double)c->cap / (double)nelig) : 0;
    if (per < 1)
        per = 1;
    if (tcells > per)
        sampled = 1;
    for (size_t e = 0; e < nelig; e++) {
        memcpy(val, eligible[e], ne * sizeof *val);
        for (size_t d = ne; d < nd; d++)
            val[d] = 0;
        if (tcells <= per) {
            do
                tier_cell(c, &sp, &t, &gaps, &insuf, val);
            while (next_combo(&sp, val, ne, nd));
        } else {
            for (size_t s = 0; s < (size_t)per; s++) {
                random_combo(&sp, val, ne, nd, &seed);
                tier_cell(c, &sp, &t, &gaps, &insuf, val);
            }
        }
    }
    /* merged before the check: merging allocates, and a failure there
     * must be this call's ENOMEM, not unmerged region counts */
    an_regions_merge(&gaps);
    an_regions_merge(&insuf);
    if (gaps.oom || insuf.oom) {
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
        goto done;
    }
    an_report_dimensions(c->r, &sp);
    for (size_t k = 0; k < pr->ntiers; k++)
        phs__report_row(c->r, PHS_TABLE_TIERS, pr->tiers[k].name, NULL,
                        t.tier[k], 0, 0, 0);
    phs__report_tally(c->r, PHS_TOTAL_CELLS, total);
    phs__report_tally(c->r, PHS_TOTAL_CHECKED, t.checked);
    phs__report_tally(c->r, PHS_TOTAL_SAMPLED, sampled);
    phs__report_tally(c->r, PHS_TOTAL_NOT_ENROLLED, t.notenrolled);
    phs__report_tally(c->r, PHS_TOTAL_UNCLASSIFIED, t.unclassified);
    phs__report_tally(c->r, PHS_TOTAL_INSUFFICIENT,
                      t.insufficient + t.elig_unknown);
    phs__report_tally(c->r, PHS_TOTAL_REFUSED, t.refused);
    phs__report_tally(c->r, PHS_TOTAL_ELIGIBILITY_UNDECIDED, t.elig_unknown);
    phs__report_tally(c->r, PHS_TOTAL_OUTSIDE, sp.outside != 0);
    phs__report_tally(c->r, PHS_TOTAL_APPROXIMATED, sp.approx != 0);
    /* completeness */
    if (t.unclassified != 0)
        report_regions(c, &sp, &gaps, PHS_FINDING_GAP, AN_ERROR,
                       "unclassified", val);
    /* dead tiers */
    int dead = 0;
    for (size_t k = 0; k < pr->ntiers; k++)
        dead += t.tier[k] == 0;
    if (dead) {
        /* enumerate the eligible cells again for each dead tier */
        for (size_t k = 0; k < pr->ntiers; k++) {
            if (t.tier[k] != 0)
                continue;
            int found = 0;
            uint64_t s2 = c->seed;
            for (size_t e = 0; e < nelig && !found; e++) {
                memcpy(val, eligible[e], ne * sizeof *val);
                for (size_t d = ne; d < nd; d++)
                    val[d] = 0;
                size_t steps = 0;
                for (;;) {
                    if (tcells > per)
                        random_combo(&sp, val, ne, nd, &s2);
                    if (an_space_fill_checked(&sp, val) < 0) {
                        phs__eval *ev = &sp.res[0]->ev;
                        ev->rec = sp.rec[0];
                        memset(ev->dstate, 0, c->rs->nderived);
                        if (phs__expr_test(ev, &pr->elig.when) == 1 &&
                            phs__expr_test(ev, &pr->tiers[k].r.when) == 1) {
                            found = 1;
                            break;
                        }
                    }
                    steps++;
                    if (tcells > per ? steps >= (size_t)per
                                     : !next_combo(&sp, val, ne, nd))
                        break;
                }
            }
            dead_tier(c, &sp, k, found);
        }
    }
    if (t.insufficient + t.elig_unknown > 0)
        report_regions(c, &sp, &insuf, PHS_FINDING_INSUFFICIENT, AN_INFO,
                       "insufficient_data", val);
    if (t.refused > 0) {
        memcpy(val, t.first_refused, nd * sizeof *val);
        an_space_fill(&sp, val, NULL);
        char id[96];
        snprintf(id, sizeof id, "verify-%s-refused", pr->id);
        int ci = t.refused_check % 10000;
        phs__report_add(c->r, PHS_FINDING_REFUSED, AN_INFO, pr->id, NULL,
                        sp.rec[0], id,
                        "%s %.0f cells are refused by record checks (first: "
                        "%s) and are no gap", c->label, t.refused,
                        c->rs->checks[ci].id);
    }
    if (sampled) {
        phs__report_add(c->r, PHS_FINDING_SAMPLED, AN_WARNING, pr->id, "tiers",
                        NULL, NULL, "%s tiers: %.0f cells exceed the limit of %zu: "
                              "%.0f sampled with seed %llu; not a proof",
                        c->label, total, c->cap, t.checked,
                        (unsigned long long)c->seed);
    }
    an_report_notes(c->r, pr->id, &sp);
    if (sp.search_sampled)
        phs__report_add(c->r, PHS_FINDING_NOTE, AN_INFO, pr->id, "tiers", NULL,
                        NULL, "a derived value's witness search was sampled");
done:
    for (size_t e = 0; e < nelig; e++)
        phs__free(eligible[e]);
    phs__free(eligible);
    an_regions_free(&gaps);
    an_regions_free(&insuf);
    phs__free(val);
    phs__free(t.tier);
    phs__free(t.first_tier);
    phs__free(t.has_first);
    phs__free(t.first_refused);
    an_space_free(&sp);
    return rc;
}

/* ---- flags ---- */

/* The conjuncts of a top-level `and` chain. */
static size_t conjuncts(const phs_ruleset *rs, int32_t i, int32_t *out,
                        size_t n, size_t max)
{
    if (i < 0)
        return n;
    const phs__node *x = &rs->nodes[i];
    if (x->op == OP_AND) {
        n = conjuncts(rs, x->a, out, n, max);
        return conjuncts(rs, x->b, out, n, max);
    }
    if (n < max)
        out[n++] = i;
    return n;
}

static int test_node(an_space *sp, int32_t node)
{
    phs__eval *ev = &sp->res[0]->ev;
    phs__expr e = {node, PHS__T_BOOL, NULL};
    ev->rec = sp->rec[0];
    memset(ev->dstate, 0, sp->rs[0]->nderived);
    return phs__expr_test(ev, &e);
}

static int verify_flag(vctx *c, size_t f, int *sampled_any)
{
    const phs__program *pr = c->pr;
    const phs__flag *fl = &pr->flags[f];
    an_space sp;
    int rc = an_space_init(&sp, c->rs, NULL, c->visit, c->ex);
    if (rc < 0) {
        an_space_free(&sp);
        return rc;
    }
    if (fl->enrolled >= 0)
        an_space_walk(&sp, 0, pr->elig.when.root, "eligibility", 1);
    an_space_walk(&sp, 0, fl->r.when.root, fl->r.id, 0);
    rc = an_space_build(&sp);
    size_t nd = sp.ndims;
    size_t *val = phs__calloc(nd + 1, sizeof *val);
    if (rc == PHS_OK && !val)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0) {
        phs__free(val);
        an_space_free(&sp);
        return rc;
    }
    double total = an_space_cells(&sp);
    int sampled = total > (double)c->cap;
    size_t steps = sampled ? c->cap : (size_t)total;
    uint64_t seed = c->seed;
    int fired = 0, cond_holds = 0;
    size_t *cond_val = phs__calloc(nd + 1, sizeof *cond_val);
    int32_t cj[16];
    size_t ncj = conjuncts(c->rs, fl->r.when.root, cj, 0, 16);
    int single[16] = {0}, pair[16][16];
    size_t *cj_val = phs__calloc((nd + 1) * 16, sizeof *cj_val);
    memset(pair, 0, sizeof pair);
    if (!cond_val || !cj_val) {
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < steps; s++) {
        if (sampled)
            random_combo(&sp, val, 0, nd, &seed);
        if (an_space_fill_checked(&sp, val) < 0) {
            phs__classify_program(sp.res[0], sp.rec[0], c->p, c->v);
            if (sp.res[0]->prog[c->p].flags >> f & 1) {
                fired = 1;
                break;
            }
            /* why not: the condition alone, and its conjuncts */
            int bits = 0;
            for (size_t k = 0; k < ncj; k++)
                if (test_node(&sp, cj[k]) == 1) {
                    bits |= 1 << k;
                    if (!single[k]) {
                        single[k] = 1;
                        memcpy(cj_val + k * (nd + 1), val, nd * sizeof *val);
                    }
                }
            for (size_t a = 0; a < ncj; a++)
                for (size_t b = a + 1; b < ncj; b++)
                    if ((bits >> a & 1) && (bits >> b & 1))
                        pair[a][b] = 1;
            if (!cond_holds && test_node(&sp, fl->r.when.root) == 1) {
                cond_holds = 1;
                memcpy(cond_val, val, nd * sizeof *val);
            }
        }
        if (!sampled && !next_combo(&sp, val, 0, nd))
            break;
    }
    if (sampled)
        *sampled_any = 1;
    if (!fired) {
        phs__buf why = {0};
        int ex = 0; /* the records hold an example */
        char id[128];
        snprintf(id, sizeof id, "verify-%s-flag-%s", pr->id, fl->name);
        if (cond_holds) {
            memcpy(val, cond_val, nd * sizeof *val);
            an_space_fill_checked(&sp, val);
            ex = 1;
            phs__buf_printf(&why, "its condition holds only for residents "
                                  "the restriction 'enrolled: %s' excludes "
                                  "(e.g. this resident)",
                            fl->enrolled ? "true" : "false");
        } else {
            size_t a = 0, b = 0;
            int found = 0;
            for (size_t k = 0; k < ncj && !found; k++)
                if (!single[k]) {
                    phs__buf_puts(&why, "its condition part `");
                    an_expr_text(&why, c->rs, cj[k]);
                    phs__buf_puts(&why, "` holds for no resident");
                    found = 1;
                }
            for (a = 0; a < ncj && !found; a++)
                for (b = a + 1; b < ncj && !found; b++)
                    if (!pair[a][b]) {
                        phs__buf_puts(&why, "`");
                        an_expr_text(&why, c->rs, cj[a]);
                        phs__buf_puts(&why, "` and `");
                        an_expr_text(&why, c->rs, cj[b]);
                        phs__buf_puts(&why, "` never hold together (this "
                                            "resident satisfies the first)");
                        memcpy(val, cj_val + a * (nd + 1), nd * sizeof *val);
                        an_space_fill_checked(&sp, val);
                        ex = 1;
                        found = 1;
                    }
            if (!found)
                phs__buf_puts(&why, "its condition holds for no resident");
        }
        phs__report_add(c->r, PHS_FINDING_DEAD_FLAG, AN_ERROR, pr->id,
                        fl->r.id, ex ? sp.rec[0] : NULL, ex ? id : NULL,
                        "%s flag %s never fires%s: %s", c->label,
                        fl->name, sampled ? " in the sampled cells" : "",
                        why.p ? why.p : "");
        phs__report_detail(c->r, why.p ? why.p : "", NULL, NULL, 0);
        phs__buf_free(&why);
    }
    phs__report_row(c->r, PHS_TABLE_FLAGS, fl->name, NULL, fired, sampled, 0,
                    0);
    /* outside-fragment notes of the flag's condition */
    an_report_notes(c->r, pr->id, &sp);
done:
    phs__free(cj_val);
    phs__free(cond_val);
    phs__free(val);
    an_space_free(&sp);
    return rc < 0 ? rc : fired;
}

static int verify_version(vctx *c)
{
    const phs__program *pr = c->pr;
    snprintf(c->label, sizeof c->label, "%s %s", pr->id, pr->version);
    phs__report_section(c->r, pr, NULL);
    phs__report_section_date(c->r, c->visit);
    int rc = verify_tiers(c);
    int sampled = 0;
    for (size_t f = 0; f < pr->nflags && rc >= 0; f++)
        rc = verify_flag(c, f, &sampled);
    phs__report_tally(c->r, PHS_TOTAL_SAMPLED, sampled);
    return rc < 0 ? rc : PHS_OK;
}

int phs_ruleset_verify(const phs_ruleset *rs, const phs_analysis_options *in,
                       phs_report **out)
{
    phs_analysis_options o;
    phs_report *r = NULL;
    phs__examples ex;
    int rc = phs__report_begin(rs, out, "verify", in, 1, PHS_ANALYSIS_VERIFY,
                               &o, &ex, &r);
    if (rc < 0)
        return rc;
    phs__report_about(r, rs->fingerprint, NULL, NULL);
    r->max_cells = o.max_cells;
    r->seed = o.seed;
    for (size_t p = 0; p < rs->nprograms && rc == PHS_OK; p++) {
        if (o.program && strcmp(o.program, rs->programs[p].id))
            continue;
        for (size_t v = 0; v < rs->programs[p].nvers && rc == PHS_OK; v++) {
            vctx c;
            memset(&c, 0, sizeof c);
            c.r = r;
            c.rs = rs;
            c.p = p;
            c.v = v;
            c.pr = rs->programs[p].vers[v];
            c.ex = &ex;
            c.visit = version_date(c.pr, o.as_of);
            c.cap = o.max_cells;
            c.seed = o.seed;
            rc = verify_version(&c);
        }
    }
    phs__examples_free(&ex);
    return phs__report_finish(r, rc, out);
}
