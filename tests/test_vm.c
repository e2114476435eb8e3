/*
 * The columnar engine (libphs/vm/) against the tree evaluator, on the real
 * rules/ under every parameter profile: generated residents, as columns to
 * phs_classify_columns and as records to phs_classify, must get the same
 * status, tier, due date and flags.  The generator draws each number from
 * the constants the rules compare it with (and either side of them), from
 * its range and just outside it, or leaves it absent; dates around the
 * effective-date switch of elderly; code lists from the codes the rules
 * test; enum texts padded, invalid or absent.  Two layouts per profile: all
 * fields as columns, and a subset (fields without a column fold away).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "col_tier.h"
#include "run/run.h"

#define N 4000

static uint64_t rng = 88172645463325252u;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* ---- the boundaries the rules compare against ---- */
typedef struct {
    double v[256];
    size_t n;
} numset;

static void add(numset *s, double v)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == v)
            return;
    if (s->n < 256)
        s->v[s->n++] = v;
}

typedef struct {
    numset *nums;       /* per field */
    numset derived;     /* constants compared with derived values */
    const char *codes[128];
    size_t ncodes;
} pools;

static void add_code(pools *p, const char *c)
{
    for (size_t i = 0; i < p->ncodes; i++)
        if (!strcmp(p->codes[i], c))
            return;
    if (p->ncodes < 128)
        p->codes[p->ncodes++] = c;
}

static void collect(const phs_ruleset *rs, pools *p)
{
    p->nums = calloc(rs->nfields, sizeof *p->nums);
    for (size_t i = 0; i < rs->nnodes; i++) {
        const phs__node *n = &rs->nodes[i];
        if (n->op == OP_CMPF)
            add(&p->nums[n->a], n->k.u.n);
        else if (n->op == OP_CMPD)
            add(&p->derived, n->k.u.n);
        else if (n->op == OP_CONST && n->type == PHS__T_NUM)
            add(&p->derived, n->k.u.n);
        else if (n->op == OP_HAS_CODE ||
                 (n->op == OP_IN_CONST && n->sub != PHS__T_NUM))
            for (uint32_t j = 0; j < n->k.u.l.n; j++)
                add_code(p, n->k.u.l.items[j].p);
    }
}

/* ---- the population, as columns ---- */
typedef struct {
    phs_column *cols;
    size_t ncols;
    void **mem;
    char **strs;  /* every generated string, freed at the end */
    size_t nstrs;
} population;

static char *keep(population *pop, const char *s)
{
    char *c = strdup(s);
    pop->strs[pop->nstrs++] = c;
    return c;
}

static double gen_number(const phs__field *fd, const numset *s, const numset *d)
{
    uint32_t r = rnd(1000);
    static const double delta[] = {0, 0, 0.1, -0.1, 1, -1, 0.01, -0.01};
    if (r < 60)
        return NAN;
    if (r < 63 && fd->has_range)
        return rnd(2) ? fd->lo - 0.5 : fd->hi + 0.5; /* refused */
    if (r < 64)
        return rnd(2) ? INFINITY : -INFINITY;         /* refused */
    double v = NAN;
    if (r < 600 && s->n)
        v = s->v[rnd((uint32_t)s->n)] + delta[rnd(8)];
    else if (r < 700 && d->n)
        v = d->v[rnd((uint32_t)d->n)] + delta[rnd(8)];
    if (!isnan(v) && (!fd->has_range || (v >= fd->lo && v <= fd->hi)))
        return v;
    if (r < 730 && fd->has_range)
        return rnd(2) ? fd->lo : fd->hi;
    double lo = fd->has_range ? fd->lo : 0, hi = fd->has_range ? fd->hi : 200;
    return lo + (hi - lo) * rnd(10001) / 10000.0;
}

static phs_date ymd(int y, int m, int d)
{
    phs_date x;
    cr_assert_eq(phs_date_make(&x, y, m, d), PHS_OK);
    return x;
}

static void generate(const phs_ruleset *rs, const pools *pl, int subset,
                     population *pop)
{
    size_t nf = rs->nfields;
    pop->cols = calloc(nf, sizeof *pop->cols);
    pop->mem = calloc(nf, sizeof *pop->mem);
    pop->strs = calloc((size_t)N * nf, sizeof *pop->strs);
    int f_visit = phs_ruleset_field_id(rs, "visit_date");
    int f_height = phs_ruleset_field_id(rs, "height_cm");
    static const int visits[][3] = {{2024, 6, 1}, {2026, 1, 31}, {2026, 2, 1},
                                    {2026, 3, 15}, {2017, 2, 27}, {2024, 2, 29}};
    phs_date *visit = NULL;
    double *height = NULL;
    for (size_t f = 0; f < nf; f++) {
        const phs__field *fd = &rs->fields[f];
        if (subset && (int)f != f_visit && f % 3 == 1)
            continue;
        phs_column *c = &pop->cols[pop->ncols++];
        c->field = (int)f;
        switch (fd->type) {
        case PHS_TYPE_NUMBER: {
            double *x = calloc(N, sizeof *x);
            for (size_t i = 0; i < N; i++) {
                x[i] = gen_number(fd, &pl->nums[f], &pl->derived);
                /* weights on BMI boundaries for the heights drawn */
                if (height && strcmp(fd->name, "weight_kg") == 0 &&
                    !isnan(height[i]) && rnd(3) == 0 && pl->derived.n) {
                    double b = pl->derived.v[rnd((uint32_t)pl->derived.n)];
                    x[i] = b * height[i] * height[i] / 10000 +
                           (rnd(3) - 1) * 0.01;
                }
            }
            if ((int)f == f_height)
                height = x;
            if (strcmp(fd->name, "dbp") == 0) { /* mostly below sbp */
                int fs = phs_ruleset_field_id(rs, "sbp");
                const double *sbp = fs >= 0 ? pop->mem[fs] : NULL;
                for (size_t i = 0; sbp && i < N; i++)
                    if (sbp[i] < x[i] && rnd(20)) {
                        double t = x[i];
                        x[i] = sbp[i];
                        ((double *)pop->mem[fs])[i] = t;
                    }
            }
            c->values = pop->mem[f] = x;
            break;
        }
        case PHS_TYPE_BOOL: {
            int8_t *x = calloc(N, 1);
            for (size_t i = 0; i < N; i++)
                x[i] = (int8_t)(rnd(10) == 0 ? -1 : rnd(8) == 0);
            c->values = pop->mem[f] = x;
            break;
        }
        case PHS_TYPE_DATE: {
            phs_date *x = calloc(N, sizeof *x);
            for (size_t i = 0; i < N; i++) {
                if ((int)f == f_visit) {
                    const int *v = visits[rnd(6)];
                    x[i] = rnd(20) == 0 ? PHS_DATE_NONE : ymd(v[0], v[1], v[2]);
                } else if (rnd(7) == 0 || !visit || visit[i] == PHS_DATE_NONE) {
                    x[i] = rnd(2) ? PHS_DATE_NONE : ymd(1950, 1, 1);
                } else if (strcmp(fd->name, "birth_date") == 0) {
                    int y, m, d;
                    phs_date_split(visit[i], &y, &m, &d);
                    int age = (int)(pl->nums[f].n && rnd(2) ? 0 : rnd(100));
                    static const int ages[] = {18, 35, 55, 60, 65, 80, 40};
                    if (rnd(2))
                        age = ages[rnd(7)];
                    x[i] = ymd(y - age, m, m == 2 && d == 29 ? 28 : d) +
                           (int)rnd(3) - 1;
                    if (rnd(300) == 0)
                        x[i] = visit[i] + 5; /* born after the visit */
                } else {
                    x[i] = visit[i] - (int)rnd(900) + 100;
                }
                if (rnd(1000) == 0)
                    x[i] = ymd(1, 1, 1) - 1; /* out of range: refused */
            }
            if ((int)f == f_visit)
                visit = x;
            c->values = pop->mem[f] = x;
            break;
        }
        default: {
            const char **x = calloc(N, sizeof *x);
            char buf[256];
            for (size_t i = 0; i < N; i++) {
                uint32_t r = rnd(100);
                if (r < 5)
                    continue; /* absent */
                if (fd->type == PHS_TYPE_STRING) {
                    snprintf(buf, sizeof buf, "r%zu", i);
                    x[i] = keep(pop, r < 12 ? "" : buf);
                } else if (fd->type == PHS_TYPE_ENUM) {
                    const char *v = fd->values[rnd((uint32_t)fd->nvalues)];
                    snprintf(buf, sizeof buf, r < 15 ? " %s\t" : "%s", v);
                    x[i] = keep(pop, r < 16 ? (rnd(10) ? buf : "X") : r < 17 ? " " : buf);
                } else { /* codes */
                    size_t k = r < 8 ? 0 : 2 + rnd(5), len = 0;
                    buf[0] = '\0';
                    for (size_t j = 0; j < k; j++) {
                        const char *code = pl->codes[rnd((uint32_t)pl->ncodes)];
                        static const char *const ext[] = {"", "", ".9", ".x00", "9"};
                        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s%s",
                                                j ? (rnd(2) ? "; " : ",") : "", code,
                                                ext[rnd(5)]);
                    }
                    if (r == 99 && rnd(4) == 0)
                        snprintf(buf, sizeof buf, "I10;\xff\xfe"); /* bad UTF-8 */
                    x[i] = keep(pop, buf);
                }
            }
            c->values = pop->mem[f] = x;
        }
        }
    }
}

static void release(population *pop, size_t nf)
{
    for (size_t f = 0; f < nf; f++)
        free(pop->mem[f]);
    for (size_t i = 0; i < pop->nstrs; i++)
        free(pop->strs[i]);
    free(pop->mem);
    free(pop->strs);
    free(pop->cols);
}

/* The reference: one record per resident, cells set as text is. */
static int fill(phs_record *rec, const phs_ruleset *rs, const population *pop,
                size_t i)
{
    phs_record_clear(rec);
    for (size_t c = 0; c < pop->ncols; c++) {
        int f = pop->cols[c].field, r = PHS_OK;
        const void *col = pop->cols[c].values;
        switch (rs->fields[f].type) {
        case PHS_TYPE_NUMBER: {
            double v = ((const double *)col)[i];
            r = isnan(v) ? PHS_OK : phs_record_set_number(rec, f, v);
            break;
        }
        case PHS_TYPE_BOOL: {
            int8_t v = ((const int8_t *)col)[i];
            r = v < 0 ? PHS_OK : phs_record_set_bool(rec, f, v);
            break;
        }
        case PHS_TYPE_DATE: {
            phs_date v = ((const phs_date *)col)[i];
            r = v == PHS_DATE_NONE ? PHS_OK : phs_record_set_date(rec, f, v);
            break;
        }
        default: {
            const char *v = ((const char *const *)col)[i];
            r = v ? phs_record_set_text(rec, f, v, strlen(v)) : PHS_OK;
        }
        }
        if (r != PHS_OK)
            return r;
    }
    return PHS_OK;
}

static size_t compare(const phs_ruleset *rs, const population *pop,
                      const char *label, size_t *tiered)
{
    size_t np = rs->nprograms, bad = 0;
    int16_t *tier = calloc(N * np, sizeof *tier);
    phs_date *due = calloc(N * np, sizeof *due);
    uint64_t *flags = calloc(N * np, sizeof *flags);
    int *status = calloc(N, sizeof *status);
    phs_record *rec;
    phs_result *res;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    cr_assert_eq(phs_result_new(&res, rs), PHS_OK);
    int rc = phs_classify_columns(rs, N, pop->cols, pop->ncols, tier, due,
                                  flags, status);
    cr_assert(rc == PHS_OK || rc == PHS_ERECORD, "%s: rc %d", label, rc);
    for (size_t i = 0; i < N; i++) {
        int r = fill(rec, rs, pop, i);
        if (r == PHS_OK)
            r = phs_classify(rs, rec, res);
        if (status[i] != r) {
            if (bad++ < 5)
                cr_log_error("%s: resident %zu: status %d, tree %d (%s)", label,
                             i, status[i], r, phs_error_message(phs_error_last()));
            continue;
        }
        for (size_t p = 0; p < np && r == PHS_OK; p++) {
            size_t k = i * np + p;
            int want = t_col_tier(res, p);
            tiered[p] += phs_result_outcome(res, p) == PHS_TIERED;
            if (tier[k] != want || due[k] != phs_result_next_due(res, p) ||
                flags[k] != phs_result_flag_mask(res, p)) {
                if (bad++ < 5)
                    cr_log_error("%s: resident %zu, %s: tier %d due %d flags %llx;"
                                 " tree %d %d %llx", label, i,
                                 phs_ruleset_program_id(rs, p), tier[k], due[k],
                                 (unsigned long long)flags[k], want,
                                 phs_result_next_due(res, p),
                                 (unsigned long long)phs_result_flag_mask(res, p));
            }
        }
    }
    /* tiers alone (written through the scratch, not in place) are the same */
    int16_t *alone = calloc(N * np, sizeof *alone);
    cr_assert_eq(phs_classify_columns(rs, N, pop->cols, pop->ncols, alone, NULL,
                                      NULL, NULL), rc, "%s", label);
    for (size_t k = 0; k < N * np; k++)
        if (alone[k] != tier[k] && bad++ < 5)
            cr_log_error("%s: output %zu: tier alone %d, with the others %d",
                         label, k, alone[k], tier[k]);
    phs_record_free(rec);
    phs_result_free(res);
    free(tier), free(due), free(flags), free(status), free(alone);
    return bad;
}

/* Every parameter that changes which rules apply (enum and bool ones):
 * the test runs every combination of these values. */
static const char *const PROFILE[][3] = {
    {"hypertension.bp_target_profile", "spec_2017", "guideline_2025"},
    {"copd.symptom_rule", "either", "cat_first"},
    {"elderly.count_htn_dm_as_underlying", "false", "true"},
};
#define NPROFILE (sizeof PROFILE / sizeof PROFILE[0])

Test(vm, agrees_with_tree_on_every_profile, .timeout = 120)
{
    for (unsigned combo = 0; combo < 1u << NPROFILE; combo++) {
        phs_ruleset_options *o;
        phs_ruleset *rs;
        char label[256] = "";
        cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
        for (size_t i = 0; i < NPROFILE; i++) {
            const char *v = PROFILE[i][1 + ((combo >> i) & 1)];
            cr_assert_eq(phs_ruleset_options_set_param(o, PROFILE[i][0], v), PHS_OK);
            snprintf(label + strlen(label), sizeof label - strlen(label), "%s=%s ",
                     PROFILE[i][0], v);
        }
        cr_assert_eq(phs_ruleset_load_dir(&rs, PHS_SOURCE_ROOT "/rules", o), PHS_OK,
                     "%s", phs_error_message(phs_error_last()));
        phs_ruleset_options_free(o);
        if (combo == 0) /* the list above is complete */
            for (size_t p = 0; p < rs->nallvers; p++)
                for (size_t i = 0; i < rs->allvers[p].nparams; i++) {
                    const phs__param *pa = &rs->allvers[p].params[i];
                    char name[128];
                    int listed = pa->type == PHS__T_NUM;
                    snprintf(name, sizeof name, "%s.%s", rs->allvers[p].id, pa->name);
                    for (size_t k = 0; k < NPROFILE; k++)
                        listed |= !strcmp(PROFILE[k][0], name);
                    cr_expect(listed, "parameter %s has no profile here", name);
                }
        pools pl = {0};
        collect(rs, &pl);
        size_t tiered[PHS__MAX_PROGRAMS] = {0};
        for (int subset = 0; subset < 2; subset++) {
            population pop = {0};
            generate(rs, &pl, subset, &pop);
            size_t bad = compare(rs, &pop, label, tiered);
            cr_expect_eq(bad, 0, "%s%s: %zu residents differ", label,
                         subset ? "(subset of fields)" : "", bad);
            release(&pop, rs->nfields);
        }
        /* the population reaches tiers in every program */
        for (size_t p = 0; p < rs->nprograms; p++)
            cr_expect_gt(tiered[p], 100, "%s: %s tiered %zu times", label,
                         phs_ruleset_program_id(rs, p), tiered[p]);
        free(pl.nums);
        phs_ruleset_free(rs);
    }
}
