/*
 * phs_bench — classification throughput of libphs on a generated population.
 *
 *   phs_bench [--rules DIR] [--n N] [--seed S] [--chunk C] [--reps R] [--loads L]
 *             [--threads T]
 *   phs_bench --emit-csv FILE [--n N] [--seed S]
 *
 * With --emit-csv it only writes the generated population as CSV (the `phs classify` input
 * format; lists joined by ';') and exits: a fixed, reproducible population for `phs diff
 * --population` (docs/regulator.md).
 *
 * Generates N residents (default 1,000,000) with a fixed-seed PRNG (splitmix64) over the
 * contract's input fields — ages 18–95, blood pressure, glucose, anthropometrics, diagnosis
 * codes (I10, E11, J44, …), emergency signs, COPD, elderly and pregnancy observations, some
 * values missing —
 * loads the rule directory (default: the source tree's rules/) L times, and classifies the
 * population R times through phs_classify_batch in chunks of C reusable records.
 *
 * Prints the rule-set load time (median of the L loads, default 20; wall clock and CPU time),
 * residents/second and ns/resident (median of the R passes; filling records + classification +
 * reading results, and each part alone), and one summary line with the tier counts per
 * program, so a run can be checked against another (same seed, same rules → same counts).
 *
 * Then the same population as columns through phs_classify_columns (the columnar engine; no
 * records), in chunks of 4096, with 1 thread and with T threads (default 2), each thread
 * given a contiguous range of rows: ns/resident (median of R passes) and the speed-up.
 *
 * Run by `meson test --benchmark` (never by the normal test suite).  One file past ~800 lines
 * on purpose: the generator, the record path, the columnar path and the thread split all
 * work on the one generated population; bench.h holds what peers_runner shares with it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#include <phs/phs.h>

#define BENCH_NAME "phs_bench"
#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64                                                    */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double unif(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi]. */
static int uint_in(int lo, int hi)
{
    return lo + (int)(unif() * (double)(hi - lo + 1));
}

static int bern(double p)
{
    return unif() < p;
}

/* Approximately standard normal (Irwin–Hall, 12 uniforms): no libm, bounded tails. */
static double gauss(void)
{
    double s = 0;
    for (int k = 0; k < 12; k++)
        s += unif();
    return s - 6.0;
}

static double absd(double x)
{
    return x < 0 ? -x : x;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Round a positive value to `d` decimals (d = 0 or 1 or 2). */
static double round_to(double x, int d)
{
    double scale = d == 0 ? 1 : d == 1 ? 10 : 100;
    return (double)(long)(x * scale + 0.5) / scale;
}

/* ------------------------------------------------------------------ */
/* The population, as columns over the contract fields                 */
/* ------------------------------------------------------------------ */

enum {
    N_AGE, N_SBP, N_DBP, N_HEART_RATE, N_TEMPERATURE, N_FPG, N_HBA1C, N_WEIGHT, N_HEIGHT,
    N_WAIST, N_FEV1_FVC, N_FEV1_PCT, N_CAT, N_MMRC, N_EXAC, N_HOSP_EXAC, N_COPD_SQ,
    N_SELF_CARE, N_PRE_BMI, N_GEST_WEEK, N_GWG, N_NUM
};
static const char *const NUM_FIELD[N_NUM] = {
    "age", "sbp", "dbp", "heart_rate", "temperature", "fpg", "hba1c", "weight_kg", "height_cm",
    "waist_cm", "fev1_fvc", "fev1_pct_pred", "cat_score", "mmrc", "exacerbations_12m",
    "hospitalized_exacerbations_12m", "copd_sq_score", "self_care_score", "pre_pregnancy_bmi",
    "gestational_week", "gestational_weight_gain_kg"};

enum { D_BIRTH, D_VISIT, D_LAST_CHECK, D_NUM };
static const char *const DATE_FIELD[D_NUM] = {"birth_date", "visit_date", "last_health_check"};

enum {
    B_PREGNANT, B_LACTATING, B_ADR, B_ADR_UNCONTROLLED, B_NEW_COMP, B_HTN_PREV, B_DM_PREV, B_NUM
};
static const char *const BOOL_FIELD[B_NUM] = {
    "pregnant", "lactating", "adverse_drug_reaction", "adr_uncontrolled", "new_complication",
    "htn_prev_uncontrolled", "dm_prev_uncontrolled"};

/* Emergency sign codes (rules/fields.yaml), one bit each in Population.signs. */
static const char *const SIGN_CODE[] = {"severe_headache", "palpitations", "chest_tightness",
                                        "blurred_vision", "sweating", "nausea_vomiting"};
enum { SIGN_COUNT = sizeof SIGN_CODE / sizeof SIGN_CODE[0] };

/* Diagnosis codes, one bit each in Population.dx. */
static const char *const DX_CODE[] = {"I10", "E11", "E11.9", "J44.1", "J44.9", "E78.5",
                                      "I25.1", "N18.3", "E66", "I63.9", "J45.9", "K21.0"};
enum { DX_COUNT = sizeof DX_CODE / sizeof DX_CODE[0] };
enum { DX_I10 = 1 << 0, DX_E11 = 1 << 1, DX_E11_9 = 1 << 2, DX_J44_1 = 1 << 3,
       DX_J44_9 = 1 << 4 };

typedef struct {
    size_t n;
    char (*id)[12];
    uint8_t *id_len;
    uint8_t *sex; /* 0 F, 1 M */
    double *num[N_NUM];      /* NaN = absent */
    phs_date *date[D_NUM];   /* PHS_DATE_NONE = absent */
    int8_t *flag[B_NUM];     /* -1 absent, 0, 1 */
    uint16_t *dx;            /* bit k = DX_CODE[k] */
    uint8_t *signs;          /* bit k = SIGN_CODE[k] */
} Population;

static void generate(Population *p, size_t n, uint64_t seed)
{
    rng_state = seed;
    p->n = n;
    p->id = xcalloc(n, sizeof *p->id);
    p->id_len = xcalloc(n, 1);
    p->sex = xcalloc(n, 1);
    for (int k = 0; k < N_NUM; k++)
        p->num[k] = xcalloc(n, sizeof(double));
    for (int k = 0; k < D_NUM; k++)
        p->date[k] = xcalloc(n, sizeof(phs_date));
    for (int k = 0; k < B_NUM; k++)
        p->flag[k] = xcalloc(n, 1);
    p->dx = xcalloc(n, sizeof *p->dx);
    p->signs = xcalloc(n, 1);

    phs_date jan2;
    if (phs_date_make(&jan2, 2024, 1, 2) < 0)
        die("date");

    for (size_t i = 0; i < n; i++) {
        double *num[N_NUM];
        for (int k = 0; k < N_NUM; k++) {
            num[k] = &p->num[k][i];
            *num[k] = NAN;
        }
        for (int k = 0; k < D_NUM; k++)
            p->date[k][i] = PHS_DATE_NONE;
        for (int k = 0; k < B_NUM; k++)
            p->flag[k][i] = -1;

        int len = snprintf(p->id[i], sizeof p->id[i], "R%07zu", i + 1);
        p->id_len[i] = (uint8_t)len;

        const int age = (int)clamp(55 + 16 * gauss() + 0.5, 18, 95);
        const double agef = (age - 18) / 77.0;
        const int male = bern(0.49);
        p->sex[i] = (uint8_t)male;

        /* Visit during 2024; birth date for most, plain age for the rest. */
        const phs_date visit = jan2 + uint_in(0, 363);
        p->date[D_VISIT][i] = visit;
        if (bern(0.75)) {
            /* Born `age` years and 0..364 days before the visit. */
            int vy, vm, vd;
            phs_date_split(visit, &vy, &vm, &vd);
            phs_date bd;
            if (vm == 2 && vd == 29)
                vd = 28;
            if (phs_date_make(&bd, vy - age, vm, vd) < 0)
                die("date");
            p->date[D_BIRTH][i] = bd - uint_in(0, 364);
        } else {
            *num[N_AGE] = age;
        }

        /* Diagnoses. */
        uint16_t dx = 0;
        const int htn = bern(0.10 + 0.50 * agef);
        const int dm = bern(0.04 + 0.22 * agef);
        const int copd = age >= 40 && bern(0.02 + 0.10 * agef);
        if (htn)
            dx |= DX_I10;
        if (dm)
            dx |= bern(0.7) ? DX_E11 : DX_E11_9;
        if (copd)
            dx |= bern(0.5) ? DX_J44_1 : DX_J44_9;
        for (int k = 5; k < DX_COUNT; k++)
            if (bern(k == 5 ? 0.12 : 0.03))
                dx |= (uint16_t)(1u << k);
        p->dx[i] = dx;

        /* Emergency signs: rare, mostly among the chronically ill. */
        if (bern((htn || dm) ? 0.01 : 0.002)) {
            uint8_t sg = 0;
            do
                sg |= (uint8_t)(1u << uint_in(0, SIGN_COUNT - 1));
            while (bern(0.3));
            p->signs[i] = sg;
        }

        /* Blood pressure (3% not measured), heart rate, temperature. */
        if (bern(0.97)) {
            double sbp, dbp;
            if (htn && bern(0.03)) {
                sbp = 170 + 20 * unif() + 12 * absd(gauss());
                dbp = 95 + 12 * unif() + 8 * absd(gauss());
            } else {
                const double mean = 122 + 0.35 * (age - 50) + (htn ? 16 : 0);
                sbp = mean + (htn ? 17 : 13) * gauss();
                dbp = 76 + (htn ? 7 : 0) + 0.35 * (sbp - mean) + 8 * gauss();
            }
            sbp = round_to(clamp(sbp, 85, 240), 0);
            dbp = round_to(clamp(dbp, 45, 140), 0);
            if (dbp > sbp - 15)
                dbp = sbp - 15;
            *num[N_SBP] = sbp;
            *num[N_DBP] = dbp;
        }
        if (bern(0.6))
            *num[N_HEART_RATE] = round_to(clamp(74 + 11 * gauss(), 45, 150), 0);
        if (bern(0.2))
            *num[N_TEMPERATURE] = round_to(clamp(36.6 + 0.35 * gauss(), 35.5, 40.5), 1);

        /* Glucose. */
        if (dm ? bern(0.95) : bern(0.6)) {
            double fpg;
            if (dm) {
                const double u = unif();
                fpg = u < 0.025 ? 3.0 + 0.9 * unif()
                      : u < 0.065 ? 16.7 + 3.3 * unif()
                                  : clamp(7.6 + 2.2 * gauss(), 4.0, 16.6);
            } else {
                fpg = clamp(5.3 + 0.6 * gauss(), 3.0, 12.0);
            }
            *num[N_FPG] = round_to(fpg, 1);
        }
        if (dm ? bern(0.4) : bern(0.1))
            *num[N_HBA1C] = round_to(dm ? clamp(7.2 + 1.2 * gauss(), 4.5, 14)
                                        : clamp(5.5 + 0.4 * gauss(), 4.0, 7.5),
                                     1);

        /* Anthropometrics. */
        const double h = clamp(male ? 172 + 7 * gauss() : 160 + 6.5 * gauss(), 140, 205);
        const double bmi = clamp(24.3 + 4.0 * gauss() + (dm ? 1.8 : 0) + (htn ? 0.9 : 0), 15, 48);
        const double w = clamp(bmi * h * h / 10000.0, 35, 220);
        if (bern(0.97))
            *num[N_HEIGHT] = round_to(h, 1);
        if (bern(0.97))
            *num[N_WEIGHT] = round_to(w, 1);
        if (bern(0.92))
            *num[N_WAIST] = round_to(clamp((male ? 86 : 79) + 2.3 * (bmi - 24) + 6.5 * gauss(),
                                           55, 160), 1);

        /* Visit observations: recorded explicitly by most systems, left out by some. */
        if (bern(0.9)) {
            const int adr = bern(0.015);
            p->flag[B_ADR][i] = (int8_t)adr;
            p->flag[B_ADR_UNCONTROLLED][i] = (int8_t)(adr && bern(0.2));
            p->flag[B_NEW_COMP][i] = (int8_t)bern(0.01);
            p->flag[B_HTN_PREV][i] = (int8_t)(htn && bern(0.25));
            p->flag[B_DM_PREV][i] = (int8_t)(dm && bern(0.30));
        }

        /* COPD assessment for the diagnosed; screening questionnaire for some others. */
        if (copd) {
            if (bern(0.9))
                *num[N_FEV1_FVC] = round_to(clamp(0.55 + 0.08 * gauss(), 0.25, 0.69), 2);
            if (bern(0.9))
                *num[N_FEV1_PCT] = round_to(clamp(60 + 15 * gauss(), 20, 100), 0);
            if (bern(0.9))
                *num[N_CAT] = round_to(clamp(12 + 7 * gauss(), 0, 40), 0);
            if (bern(0.9))
                *num[N_MMRC] = uint_in(0, 4);
            if (bern(0.9)) {
                int ex = 0;
                while (ex < 6 && bern(0.35))
                    ex++;
                int hosp = 0;
                for (int k = 0; k < ex; k++)
                    hosp += bern(0.25);
                *num[N_EXAC] = ex;
                *num[N_HOSP_EXAC] = hosp;
            }
        } else if (age >= 35 && bern(0.2)) {
            *num[N_COPD_SQ] = round_to(clamp(10 + 6 * gauss(), 0, 35), 0);
        }

        /* Elderly: self-care assessment and last health check. */
        if (age >= 65) {
            if (bern(0.8))
                *num[N_SELF_CARE] = bern(0.7) ? 0 : uint_in(1, age >= 80 ? 37 : 12);
            if (bern(0.7))
                p->date[D_LAST_CHECK][i] = visit - uint_in(30, 700);
        }

        /* Pregnancy and lactation. */
        if (!male && age <= 45) {
            if (bern(0.04)) {
                const int week = uint_in(4, 40);
                p->flag[B_PREGNANT][i] = 1;
                *num[N_GEST_WEEK] = week;
                *num[N_PRE_BMI] = round_to(clamp(21.5 + 3 * gauss(), 16, 40), 1);
                *num[N_GWG] = round_to(clamp(week * 0.35 + 2 * gauss(), 0, 30), 1);
            } else if (bern(0.03)) {
                p->flag[B_LACTATING][i] = 1;
            }
        }
    }
}

static void free_population(Population *p)
{
    free(p->id);
    free(p->id_len);
    free(p->sex);
    for (int k = 0; k < N_NUM; k++)
        free(p->num[k]);
    for (int k = 0; k < D_NUM; k++)
        free(p->date[k]);
    for (int k = 0; k < B_NUM; k++)
        free(p->flag[k]);
    free(p->dx);
    free(p->signs);
}

/* ------------------------------------------------------------------ */
/* Field ids, resolved once                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    int id, sex, dx, signs;
    int num[N_NUM], date[D_NUM], flag[B_NUM];
} FieldIds;

/* The field's id when the dictionary declares it with the expected type, else -1 (the field
 * is then left out of every record, and said so once). */
static int resolve(const phs_ruleset *rs, const char *name, int type1, int type2)
{
    int id = phs_ruleset_field_id(rs, name);
    if (id < 0) {
        fprintf(stderr, "phs_bench: note: field %s is not in the dictionary; not filled\n", name);
        return -1;
    }
    int t = phs_ruleset_field_type(rs, id);
    if (t != type1 && t != type2) {
        fprintf(stderr, "phs_bench: note: field %s has type %d, not %d; not filled\n", name, t,
                type1);
        return -1;
    }
    return id;
}

static void resolve_all(const phs_ruleset *rs, FieldIds *f)
{
    f->id = resolve(rs, "id", PHS_TYPE_STRING, PHS_TYPE_STRING);
    f->sex = resolve(rs, "sex", PHS_TYPE_ENUM, PHS_TYPE_STRING);
    f->dx = resolve(rs, "diagnoses", PHS_TYPE_CODES, PHS_TYPE_CODES);
    f->signs = resolve(rs, "emergency_signs", PHS_TYPE_CODES, PHS_TYPE_CODES);
    for (int k = 0; k < N_NUM; k++)
        f->num[k] = resolve(rs, NUM_FIELD[k], PHS_TYPE_NUMBER, PHS_TYPE_NUMBER);
    for (int k = 0; k < D_NUM; k++)
        f->date[k] = resolve(rs, DATE_FIELD[k], PHS_TYPE_DATE, PHS_TYPE_DATE);
    for (int k = 0; k < B_NUM; k++)
        f->flag[k] = resolve(rs, BOOL_FIELD[k], PHS_TYPE_BOOL, PHS_TYPE_BOOL);
}

/* Fill one record from resident i; returns 0 or the first failing setter's status. */
static int fill(phs_record *r, const Population *p, const FieldIds *f, size_t i)
{
    static const char *const sex_text[2] = {"F", "M"};
    int rc = 0;
    phs_record_clear(r);
    if (f->id >= 0)
        rc |= phs_record_set_string(r, f->id, p->id[i], p->id_len[i]);
    if (f->sex >= 0)
        rc |= phs_record_set_string(r, f->sex, sex_text[p->sex[i]], 1);
    for (int k = 0; k < D_NUM; k++)
        if (f->date[k] >= 0 && p->date[k][i] != PHS_DATE_NONE)
            rc |= phs_record_set_date(r, f->date[k], p->date[k][i]);
    for (int k = 0; k < N_NUM; k++) {
        const double v = p->num[k][i];
        if (f->num[k] >= 0 && !isnan(v))
            rc |= phs_record_set_number(r, f->num[k], v);
    }
    for (int k = 0; k < B_NUM; k++)
        if (f->flag[k] >= 0 && p->flag[k][i] >= 0)
            rc |= phs_record_set_bool(r, f->flag[k], p->flag[k][i]);
    if (f->dx >= 0)
        for (unsigned dx = p->dx[i], k = 0; dx; dx >>= 1, k++)
            if (dx & 1)
                rc |= phs_record_add_code(r, f->dx, DX_CODE[k], strlen(DX_CODE[k]));
    if (f->signs >= 0)
        for (unsigned sg = p->signs[i], k = 0; sg; sg >>= 1, k++)
            if (sg & 1)
                rc |= phs_record_add_code(r, f->signs, SIGN_CODE[k], strlen(SIGN_CODE[k]));
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tallies: per program, count per outcome/tier name                   */
/* ------------------------------------------------------------------ */

#define MAX_PROGRAMS 16
#define MAX_TIERS 24

typedef struct {
    char name[MAX_TIERS][64]; /* copied: a result's strings live until its next classification */
    uint64_t count[MAX_TIERS];
    int n;
    uint64_t flags;
} Tally;

static void tally_add(Tally *t, const char *name)
{
    if (!name)
        name = "(null)";
    for (int k = 0; k < t->n; k++)
        if (t->name[k][0] == name[0] && strcmp(t->name[k], name) == 0) {
            t->count[k]++;
            return;
        }
    if (t->n == MAX_TIERS)
        die("too many tiers in one program");
    snprintf(t->name[t->n], sizeof t->name[t->n], "%s", name);
    t->count[t->n++] = 1;
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The columnar path: phs_classify_columns, split over threads          */
/* ------------------------------------------------------------------ */

typedef struct {
    const phs_ruleset *rs;
    const phs_column *cols;
    const size_t *csize;    /* bytes per value of each column */
    size_t ncols, from, to, chunk, np;
    int16_t *tier;
    phs_date *due;
    uint64_t *flags;
    int *status;
    uint64_t errors, not_enrolled;
    int rc;
} ColumnJob;

/* Rows [from, to) in chunks: every column pointer advanced to the chunk (the documented way
 * to split a batch over threads); outputs into per-job buffers of one chunk. */
static void *column_job(void *arg)
{
    ColumnJob *j = arg;
    phs_column cc[64];
    j->rc = PHS_OK;
    for (size_t base = j->from; base < j->to; base += j->chunk) {
        const size_t m = j->to - base < j->chunk ? j->to - base : j->chunk;
        for (size_t k = 0; k < j->ncols; k++) {
            cc[k].field = j->cols[k].field;
            cc[k].values = (const char *)j->cols[k].values + base * j->csize[k];
        }
        int rc = phs_classify_columns(j->rs, m, cc, j->ncols, j->tier, j->due, j->flags,
                                      j->status);
        if (rc < 0 && rc != PHS_ERECORD)
            j->rc = rc;
        for (size_t i = 0; i < m; i++) {
            j->errors += j->status[i] != PHS_OK;
            for (size_t p = 0; p < j->np; p++)
                j->not_enrolled += j->tier[i * j->np + p] == PHS_COL_NOT_ENROLLED;
        }
    }
    return NULL;
}

/* Classify the population once as columns with `threads` threads; returns seconds. */
static double run_columns(const phs_ruleset *rs, const phs_column *cols, const size_t *csize,
                          size_t ncols, size_t n, int threads, uint64_t *errors,
                          uint64_t *not_enrolled)
{
    enum { CHUNK = 4096, MAX_THREADS = 64 };
    ColumnJob job[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    const size_t np = phs_ruleset_program_count(rs);
    for (int t = 0; t < threads; t++) {
        job[t] = (ColumnJob){.rs = rs, .cols = cols, .csize = csize, .ncols = ncols,
                             .from = n * (size_t)t / (size_t)threads,
                             .to = n * (size_t)(t + 1) / (size_t)threads, .chunk = CHUNK,
                             .np = np};
        job[t].tier = xcalloc(CHUNK * np, sizeof *job[t].tier);
        job[t].due = xcalloc(CHUNK * np, sizeof *job[t].due);
        job[t].flags = xcalloc(CHUNK * np, sizeof *job[t].flags);
        job[t].status = xcalloc(CHUNK, sizeof *job[t].status);
    }
    const double t0 = now_s();
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tid[t], NULL, column_job, &job[t]) != 0)
            die("pthread_create");
    column_job(&job[0]);
    for (int t = 1; t < threads; t++)
        pthread_join(tid[t], NULL);
    const double dt = now_s() - t0;
    *errors = *not_enrolled = 0;
    for (int t = 0; t < threads; t++) {
        if (job[t].rc < 0)
            die("phs_classify_columns failed");
        *errors += job[t].errors;
        *not_enrolled += job[t].not_enrolled;
        free(job[t].tier);
        free(job[t].due);
        free(job[t].flags);
        free(job[t].status);
    }
    return dt;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: phs_bench [--rules DIR] [--n N] [--seed S] [--chunk C] [--reps R] "
            "[--loads L] [--threads T]\n"
            "       phs_bench --emit-csv FILE [--n N] [--seed S]\n");
    exit(2);
}

/* Write the population as CSV: one column per generated field. */
static void write_csv(const Population *p, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f)
        die("cannot open the --emit-csv file");
    fputs("id,sex", f);
    for (int k = 0; k < D_NUM; k++)
        fprintf(f, ",%s", DATE_FIELD[k]);
    for (int k = 0; k < N_NUM; k++)
        fprintf(f, ",%s", NUM_FIELD[k]);
    for (int k = 0; k < B_NUM; k++)
        fprintf(f, ",%s", BOOL_FIELD[k]);
    fputs(",diagnoses,emergency_signs\n", f);
    for (size_t i = 0; i < p->n; i++) {
        char d[11];
        fprintf(f, "%s,%s", p->id[i], p->sex[i] ? "M" : "F");
        for (int k = 0; k < D_NUM; k++) {
            phs_date v = p->date[k][i];
            if (v == PHS_DATE_NONE)
                d[0] = '\0';
            else
                phs_date_format(v, d);
            fprintf(f, ",%s", d);
        }
        for (int k = 0; k < N_NUM; k++) {
            double v = p->num[k][i];
            if (isnan(v))
                fputc(',', f);
            else
                fprintf(f, ",%.10g", v);
        }
        for (int k = 0; k < B_NUM; k++) {
            int8_t v = p->flag[k][i];
            fprintf(f, ",%s", v < 0 ? "" : v ? "true" : "false");
        }
        fputc(',', f);
        int first = 1;
        for (unsigned dx = p->dx[i], k = 0; dx; dx >>= 1, k++)
            if (dx & 1) {
                fprintf(f, "%s%s", first ? "" : ";", DX_CODE[k]);
                first = 0;
            }
        fputc(',', f);
        first = 1;
        for (unsigned sg = p->signs[i], k = 0; sg; sg >>= 1, k++)
            if (sg & 1) {
                fprintf(f, "%s%s", first ? "" : ";", SIGN_CODE[k]);
                first = 0;
            }
        fputc('\n', f);
    }
    if (fflush(f) != 0 || ferror(f))
        die("writing the --emit-csv file");
    if (f != stdout)
        fclose(f);
}

static long arg_long(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (*end || v < lo || v > hi)
        usage();
    return v;
}

int main(int argc, char **argv)
{
#ifdef PHS_SOURCE_ROOT
    const char *rules = PHS_SOURCE_ROOT "/rules";
#else
    const char *rules = phs_rules_dir_default();
#endif
    size_t n = 1000000, chunk = 256; /* 256 keeps a chunk's records and results in cache */
    uint64_t seed = 20240601;
    int reps = 3, loads = 20, threads = 2;
    const char *emit = NULL;
    for (int a = 1; a < argc; a++) {
        if (a + 1 >= argc)
            usage();
        if (strcmp(argv[a], "--emit-csv") == 0)
            emit = argv[++a];
        else if (strcmp(argv[a], "--rules") == 0)
            rules = argv[++a];
        else if (strcmp(argv[a], "--n") == 0)
            n = (size_t)arg_long(argv[++a], 1, 100000000);
        else if (strcmp(argv[a], "--seed") == 0)
            seed = (uint64_t)arg_long(argv[++a], 0, 0x7fffffffL);
        else if (strcmp(argv[a], "--chunk") == 0)
            chunk = (size_t)arg_long(argv[++a], 1, 1 << 20);
        else if (strcmp(argv[a], "--reps") == 0)
            reps = (int)arg_long(argv[++a], 1, 100);
        else if (strcmp(argv[a], "--loads") == 0)
            loads = (int)arg_long(argv[++a], 1, 1000);
        else if (strcmp(argv[a], "--threads") == 0)
            threads = (int)arg_long(argv[++a], 1, 64);
        else
            usage();
    }
    if (chunk > n)
        chunk = n;
    if (emit) {
        Population pop;
        generate(&pop, n, seed);
        write_csv(&pop, emit);
        fprintf(stderr, "phs_bench: wrote %zu residents (seed %llu) to %s\n", n,
                (unsigned long long)seed, emit);
        free_population(&pop);
        return 0;
    }

    /* Rule-set load time: median of several loads of the whole directory,
     * wall clock and the thread's CPU time (on a shared machine the CPU time
     * is the steadier of the two). */
    phs_ruleset *rs = NULL;
    double *load_ms = xcalloc((size_t)loads, sizeof *load_ms);
    double *load_cpu_ms = xcalloc((size_t)loads, sizeof *load_cpu_ms);
    for (int l = 0; l < loads; l++) {
        phs_ruleset *tmp = NULL;
        double t0 = now_s(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        if (phs_ruleset_load_dir(&tmp, rules, NULL) < 0)
            die_phs(rules);
        load_ms[l] = (now_s() - t0) * 1e3;
        load_cpu_ms[l] = (clock_s(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e3;
        if (rs)
            phs_ruleset_free(rs);
        rs = tmp;
    }
    const size_t nprog = phs_ruleset_program_count(rs);
    if (nprog > MAX_PROGRAMS)
        die("too many programs");
    printf("phs_bench: libphs %s, rules %s: %zu programs, %zu fields, %s\n", phs_version(), rules,
           nprog, phs_ruleset_field_count(rs), phs_ruleset_fingerprint(rs));
    double lmin = load_ms[0], lmax = load_ms[0];
    for (int l = 1; l < loads; l++) {
        lmin = load_ms[l] < lmin ? load_ms[l] : lmin;
        lmax = load_ms[l] > lmax ? load_ms[l] : lmax;
    }
    printf("phs_bench: rule set load: median %.3f ms over %d loads (min %.3f, max %.3f); "
           "CPU time median %.3f ms\n",
           median(load_ms, (size_t)loads), loads, lmin, lmax,
           median(load_cpu_ms, (size_t)loads));
    free(load_ms);
    free(load_cpu_ms);

    /* The population. */
    double tg = now_s();
    Population pop;
    generate(&pop, n, seed);
    printf("phs_bench: generated %zu residents (seed %llu) in %.2f s\n", n,
           (unsigned long long)seed, now_s() - tg);

    FieldIds f;
    resolve_all(rs, &f);

    phs_record **rec = xcalloc(chunk, sizeof *rec);
    const phs_record **crec = xcalloc(chunk, sizeof *crec);
    phs_result **res = xcalloc(chunk, sizeof *res);
    int *status = xcalloc(chunk, sizeof *status);
    for (size_t j = 0; j < chunk; j++) {
        if (phs_record_new(&rec[j], rs) < 0 || phs_result_new(&res[j], rs) < 0)
            die_phs("creating records");
        crec[j] = rec[j];
    }

    double *total = xcalloc((size_t)reps, sizeof(double));
    double *fill_t = xcalloc((size_t)reps, sizeof(double));
    double *classify_t = xcalloc((size_t)reps, sizeof(double));
    double *tally_t = xcalloc((size_t)reps, sizeof(double));
    Tally first[MAX_PROGRAMS];
    uint64_t first_fill_errors = 0, first_record_errors = 0;
    int consistent = 1;

    for (int rep = 0; rep < reps; rep++) {
        Tally tally[MAX_PROGRAMS];
        memset(tally, 0, sizeof tally);
        uint64_t fill_errors = 0, record_errors = 0;
        double t_fill = 0, t_classify = 0, t_tally = 0;
        const double t0 = now_s();
        for (size_t base = 0; base < n; base += chunk) {
            const size_t m = n - base < chunk ? n - base : chunk;
            const double ta = now_s();
            for (size_t j = 0; j < m; j++)
                if (fill(rec[j], &pop, &f, base + j) != 0) {
                    if (fill_errors++ == 0 && rep == 0)
                        fprintf(stderr, "phs_bench: resident %s: %s\n", pop.id[base + j],
                                phs_error_message(phs_error_last()));
                }
            const double tb = now_s();
            const int brc = phs_classify_batch(rs, crec, res, status, m);
            if (brc < 0 && brc != PHS_ERECORD)
                die_phs("phs_classify_batch");
            const double tc = now_s();
            for (size_t j = 0; j < m; j++) {
                if (status[j] != PHS_OK) {
                    record_errors++;
                    continue;
                }
                const phs_result *r = res[j];
                for (size_t p = 0; p < nprog; p++) {
                    const int oc = phs_result_outcome(r, p);
                    tally_add(&tally[p], oc == PHS_NOT_ENROLLED ? "not_enrolled"
                                          : oc == PHS_TIERED  ? phs_result_tier(r, p)
                                                              : "insufficient_data");
                    tally[p].flags += phs_result_flag_count(r, p);
                }
            }
            const double td = now_s();
            t_fill += tb - ta;
            t_classify += tc - tb;
            t_tally += td - tc;
        }
        total[rep] = now_s() - t0;
        fill_t[rep] = t_fill;
        classify_t[rep] = t_classify;
        tally_t[rep] = t_tally;
        printf("phs_bench: pass %d: %.3f s, %.1f ns/resident (fill %.1f, classify_batch %.1f, "
               "results %.1f)\n",
               rep + 1, total[rep], total[rep] / (double)n * 1e9, t_fill / (double)n * 1e9,
               t_classify / (double)n * 1e9, t_tally / (double)n * 1e9);
        if (rep == 0) {
            memcpy(first, tally, sizeof first);
            first_fill_errors = fill_errors;
            first_record_errors = record_errors;
        } else {
            for (size_t p = 0; p < nprog; p++)
                for (int k = 0; k < first[p].n; k++)
                    if (k >= tally[p].n || first[p].count[k] != tally[p].count[k] ||
                        strcmp(first[p].name[k], tally[p].name[k]) != 0)
                        consistent = 0;
            if (fill_errors != first_fill_errors || record_errors != first_record_errors)
                consistent = 0;
        }
    }

    const double med = median(total, (size_t)reps);
    printf("phs_bench: %zu residents, chunk %zu, median of %d passes: %.3f s, %.0f residents/s, "
           "%.1f ns/resident\n",
           n, chunk, reps, med, (double)n / med, med / (double)n * 1e9);
    printf("phs_bench:   of which fill %.1f, classify_batch %.1f (%.0f residents/s), "
           "reading results %.1f ns/resident\n",
           median(fill_t, (size_t)reps) / (double)n * 1e9,
           median(classify_t, (size_t)reps) / (double)n * 1e9,
           (double)n / median(classify_t, (size_t)reps),
           median(tally_t, (size_t)reps) / (double)n * 1e9);

    /* One summary line: tier counts per program (same seed + same rules = same line). */
    printf("phs_bench: summary:");
    for (size_t p = 0; p < nprog; p++) {
        printf(" %s{", phs_ruleset_program_id(rs, p));
        for (int k = 0; k < first[p].n; k++)
            printf("%s%s=%llu", k ? "," : "", first[p].name[k],
                   (unsigned long long)first[p].count[k]);
        printf(";flags=%llu}", (unsigned long long)first[p].flags);
    }
    printf(" fill_errors=%llu record_errors=%llu\n", (unsigned long long)first_fill_errors,
           (unsigned long long)first_record_errors);
    if (!consistent)
        printf("phs_bench: WARNING: passes disagree on the counts\n");

    /* The columnar path: the population's columns as phs_classify_columns takes them. */
    {
        static const char *const sex_text[2] = {"F", "M"};
        char **dx_text = xcalloc((size_t)1 << DX_COUNT, sizeof *dx_text);
        char **sg_text = xcalloc((size_t)1 << SIGN_COUNT, sizeof *sg_text);
        const char **c_sex = xcalloc(n, sizeof *c_sex), **c_id = xcalloc(n, sizeof *c_id);
        const char **c_dx = xcalloc(n, sizeof *c_dx), **c_sg = xcalloc(n, sizeof *c_sg);
        for (size_t i = 0; i < n; i++) { /* one string per distinct list */
            char **slot[2] = {&dx_text[pop.dx[i]], &sg_text[pop.signs[i]]};
            unsigned bits[2] = {pop.dx[i], pop.signs[i]};
            const char *const *names[2] = {DX_CODE, SIGN_CODE};
            for (int w = 0; w < 2; w++)
                if (!*slot[w]) {
                    char buf[512] = "";
                    for (unsigned b = bits[w], k = 0; b; b >>= 1, k++)
                        if (b & 1)
                            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
                                     buf[0] ? ";" : "", names[w][k]);
                    *slot[w] = strdup(buf);
                }
            c_dx[i] = *slot[0];
            c_sg[i] = *slot[1];
            c_sex[i] = sex_text[pop.sex[i]];
            c_id[i] = pop.id[i];
        }
        phs_column cols[64];
        size_t csize[64], nc = 0;
#define COL(fid, vals, size)                                                                  \
    do {                                                                                      \
        if ((fid) >= 0) {                                                                     \
            cols[nc] = (phs_column){(fid), (vals)};                                           \
            csize[nc++] = (size);                                                             \
        }                                                                                     \
    } while (0)
        COL(f.id, c_id, sizeof(char *));
        COL(f.sex, c_sex, sizeof(char *));
        COL(f.dx, c_dx, sizeof(char *));
        COL(f.signs, c_sg, sizeof(char *));
        for (int k = 0; k < N_NUM; k++)
            COL(f.num[k], pop.num[k], sizeof(double));
        for (int k = 0; k < D_NUM; k++)
            COL(f.date[k], pop.date[k], sizeof(phs_date));
        for (int k = 0; k < B_NUM; k++)
            COL(f.flag[k], pop.flag[k], 1);
#undef COL
        uint64_t err1 = 0, ne1 = 0, errt = 0, net = 0;
        run_columns(rs, cols, csize, nc, 1, 1, &err1, &ne1); /* compiles for the layout */
        double *t1 = xcalloc((size_t)reps, sizeof *t1), *tt = xcalloc((size_t)reps, sizeof *tt);
        for (int rep = 0; rep < reps; rep++) {
            t1[rep] = run_columns(rs, cols, csize, nc, n, 1, &err1, &ne1);
            tt[rep] = run_columns(rs, cols, csize, nc, n, threads, &errt, &net);
        }
        const double m1 = median(t1, (size_t)reps), mt = median(tt, (size_t)reps);
        printf("phs_bench: columns (phs_classify_columns, chunks of 4096): 1 thread %.1f "
               "ns/resident (%.0f residents/s); %d threads %.1f ns/resident, %.2fx one thread "
               "(median of %d passes)\n",
               m1 / (double)n * 1e9, (double)n / m1, threads, mt / (double)n * 1e9, m1 / mt,
               reps);
        uint64_t ne_records = 0;
        for (size_t p = 0; p < nprog; p++)
            for (int k = 0; k < first[p].n; k++)
                if (strcmp(first[p].name[k], "not_enrolled") == 0)
                    ne_records += first[p].count[k];
        printf("phs_bench: columns: record_errors=%llu not_enrolled=%llu (%s the record "
               "path)\n", (unsigned long long)err1, (unsigned long long)ne1,
               err1 == first_fill_errors + first_record_errors && ne1 == ne_records &&
                       errt == err1 && net == ne1
                   ? "as"
                   : "DIFFERENT FROM");
        if (err1 != first_fill_errors + first_record_errors || ne1 != ne_records ||
            errt != err1 || net != ne1)
            consistent = 0;
        for (size_t i = 0; i < ((size_t)1 << DX_COUNT); i++)
            free(dx_text[i]);
        for (size_t i = 0; i < ((size_t)1 << SIGN_COUNT); i++)
            free(sg_text[i]);
        free(dx_text), free(sg_text), free(c_sex), free(c_id), free(c_dx), free(c_sg);
        free(t1), free(tt);
    }

    for (size_t j = 0; j < chunk; j++) {
        phs_result_free(res[j]);
        phs_record_free(rec[j]);
    }
    free(rec);
    free(crec);
    free(res);
    free(status);
    free(total);
    free(fill_t);
    free(classify_t);
    free(tally_t);
    free_population(&pop);
    phs_ruleset_free(rs);
    return consistent ? 0 : 1;
}
