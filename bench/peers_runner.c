/*
 * peers_runner — libphs in the peer benchmark harness (shared/bench/peers).
 *
 *   peers_runner POP.csv [--dump FILE] [--rules-root DIR] [--chunk N]
 *
 * Runs the harness's simplified rule set (the YAML files in bench/peers, loaded together with
 * the real field dictionary rules/fields.yaml) over the harness's population CSV and prints,
 * like every other runner of the harness,
 *
 *   RESULT {"engine":"libphs","n":N,"load_ms":…,"eval_s":…,"counts":{…}}
 *
 * with the same `counts` keys as the harness's hand-written C, and with --dump FILE writes
 * `id,htn_tier,htn_days,dm_tier,dm_days,bmi_class,central` per resident.
 *
 * load_ms: reading the CSV into columns + reading, loading and compiling the rules, mapping
 *          the harness's column encoding to libphs columns (once, as the harness's C maps CSV
 *          text to columns) and the first phs_classify_columns call, which compiles the rule
 *          set for this column layout.
 * eval_s:  for chunks of 4096 residents, phs_classify_columns on the columns (no records are
 *          filled), and reading its compact outputs (tier index, due date, flag mask) into
 *          the harness's output columns and counts.
 *
 * The harness's columns are mapped to libphs fields: has_htn=1 → diagnosis code I10,
 * has_t2dm=1 → E11, adverse_reaction → adverse_drug_reaction, prev_uncontrolled_htn →
 * htn_prev_uncontrolled, prev_uncontrolled_dm → dm_prev_uncontrolled; every resident is
 * assessed on one fixed visit_date (2024-06-01).  Tier ids are mapped back to the harness's
 * names (emergency_referral → urgent_referral; not enrolled → none); days = next_due −
 * visit_date.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <phs/phs.h>

#define BENCH_NAME "peers_runner"
#include "bench.h"

#ifndef PHS_SOURCE_ROOT
#define PHS_SOURCE_ROOT "."
#endif

/* Residents per phs_classify_columns call: its outputs stay in the CPU caches until they are
 * tallied. */
#define DEFAULT_CHUNK 4096

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "peers_runner: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                die("out of memory");
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "peers_runner: %s: read error\n", path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ------------------------------------------------------------------ */
/* The population: the harness CSV read into columns                   */
/* ------------------------------------------------------------------ */

enum {
    C_ID, C_AGE, C_SEX, C_SBP, C_DBP, C_FPG, C_WEIGHT, C_HEIGHT, C_WAIST, C_HAS_HTN, C_HAS_DM,
    C_ADVERSE, C_NEW_COMP, C_PREV_HTN, C_PREV_DM, C_NCOLS
};
static const char *const CSV_COLUMN[C_NCOLS] = {
    "id", "age", "sex", "sbp", "dbp", "fpg", "weight_kg", "height_cm", "waist_cm", "has_htn",
    "has_t2dm", "adverse_reaction", "new_complication", "prev_uncontrolled_htn",
    "prev_uncontrolled_dm"};

enum { SEX_F = 0, SEX_M = 1, SEX_NONE = 2 };
enum { B_FALSE = 0, B_TRUE = 1, B_NONE = 2 };

/* Number columns are doubles (NaN = empty cell); the others bytes (SEX_*, B_*). */
static int is_number(int col)
{
    return col == C_AGE || col == C_SBP || col == C_DBP || col == C_FPG || col == C_WEIGHT ||
           col == C_HEIGHT || col == C_WAIST;
}

typedef struct {
    size_t n;
    char *text;                 /* the CSV text; ids point into it (NUL-terminated there) */
    const char **id;
    uint32_t *id_len;
    double *num[C_NCOLS];       /* number columns, by C_* (else NULL) */
    uint8_t *byte[C_NCOLS];     /* the other columns but the id, by C_* (else NULL) */
} Population;

static double cell_number(const char *s, size_t len, size_t row, const char *col)
{
    if (len == 0)
        return NAN;
    char tmp[64];
    if (len >= sizeof tmp)
        goto bad;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    double v = strtod(tmp, &end);
    if (end != tmp + len)
        goto bad;
    return v;
bad:
    fprintf(stderr, "peers_runner: row %zu: bad number in column %s\n", row, col);
    exit(1);
}

static uint8_t cell_bool(const char *s, size_t len, size_t row, const char *col)
{
    if (len == 0)
        return B_NONE;
    if (len == 1 && s[0] == '1')
        return B_TRUE;
    if (len == 1 && s[0] == '0')
        return B_FALSE;
    if ((len == 4 && memcmp(s, "true", 4) == 0))
        return B_TRUE;
    if ((len == 5 && memcmp(s, "false", 5) == 0))
        return B_FALSE;
    fprintf(stderr, "peers_runner: row %zu: bad boolean in column %s\n", row, col);
    exit(1);
}

/* Reads the harness CSV: a header row naming the columns (any order), then one resident per
 * line, no quoting (the harness writes none). */
static void load_population(const char *path, Population *p)
{
    size_t len;
    char *buf = slurp(path, &len);
    p->text = buf;

    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    size_t cap = lines + 1;
    p->id = xmalloc(cap * sizeof *p->id);
    p->id_len = xmalloc(cap * sizeof *p->id_len);
    for (int k = 0; k < C_NCOLS; k++) {
        p->num[k] = is_number(k) ? xmalloc(cap * sizeof *p->num[k]) : NULL;
        p->byte[k] = !is_number(k) && k != C_ID ? xmalloc(cap) : NULL;
    }

    /* Header: map each position to one of our columns (or -1: ignored). */
    int pos_col[64];
    int npos = 0;
    int seen[C_NCOLS] = {0};
    char *s = buf, *eol = strchr(s, '\n');
    if (!eol)
        die("empty CSV (no header line)");
    for (char *c = s; c <= eol; ) {
        char *e = c;
        while (e < eol && *e != ',' && *e != '\r')
            e++;
        if (npos == 64)
            die("CSV header has too many columns");
        int col = -1;
        for (int k = 0; k < C_NCOLS; k++)
            if (strlen(CSV_COLUMN[k]) == (size_t)(e - c) &&
                memcmp(CSV_COLUMN[k], c, (size_t)(e - c)) == 0)
                col = k;
        if (col >= 0) {
            if (seen[col])
                die("CSV header names a column twice");
            seen[col] = 1;
        }
        pos_col[npos++] = col;
        if (*e != ',')
            break;
        c = e + 1;
    }
    for (int k = 0; k < C_NCOLS; k++)
        if (!seen[k]) {
            fprintf(stderr, "peers_runner: CSV header lacks column %s\n", CSV_COLUMN[k]);
            exit(1);
        }

    size_t n = 0;
    s = eol + 1;
    while (*s) {
        if (*s == '\n' || *s == '\r') { /* blank line */
            s++;
            continue;
        }
        size_t row = n + 2; /* 1-based line number, header = 1 */
        int pos = 0;
        for (;;) {
            char *e = s;
            while (*e && *e != ',' && *e != '\n' && *e != '\r')
                e++;
            char term = *e;
            size_t l = (size_t)(e - s);
            int col = pos < npos ? pos_col[pos] : -1;
            switch (col) {
            case C_ID:
                *e = '\0';
                p->id[n] = s;
                p->id_len[n] = (uint32_t)l;
                break;
            case C_SEX:
                if (l == 1 && (s[0] == 'M' || s[0] == 'F'))
                    p->byte[C_SEX][n] = s[0] == 'M' ? SEX_M : SEX_F;
                else if (l == 0)
                    p->byte[C_SEX][n] = SEX_NONE;
                else {
                    fprintf(stderr, "peers_runner: row %zu: bad sex\n", row);
                    exit(1);
                }
                break;
            default:
                if (col >= 0 && p->num[col])
                    p->num[col][n] = cell_number(s, l, row, CSV_COLUMN[col]);
                else if (col >= 0)
                    p->byte[col][n] = cell_bool(s, l, row, CSV_COLUMN[col]);
            }
            pos++;
            s = e + (term != '\0');
            if (term != ',')
                break;
        }
        if (pos != npos) {
            fprintf(stderr, "peers_runner: row %zu has %d cells, header has %d\n", row, pos, npos);
            exit(1);
        }
        while (*s == '\r' || *s == '\n')
            s++;
        n++;
    }
    p->n = n;
}

/* ------------------------------------------------------------------ */
/* Rules: rules/fields.yaml + the YAML files in bench/peers          */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    size_t count;
    char *name[32];
    char *text[32];
    size_t len[32];
} SpecTexts;

static void read_specs(const char *root, SpecTexts *st)
{
    char path[4096];
    memset(st, 0, sizeof *st);

    if (snprintf(path, sizeof path, "%s/rules/fields.yaml", root) >= (int)sizeof path)
        die("path too long");
    st->name[0] = strdup(path);
    st->text[0] = slurp(path, &st->len[0]);
    st->count = 1;

    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/bench/peers", root) >= (int)sizeof dir)
        die("path too long");
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "peers_runner: %s: %s\n", dir, strerror(errno));
        exit(1);
    }
    char *names[32];
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0 && de->d_name[0] != '.') {
            if (nn == 31)
                die("too many spec files in bench/peers");
            names[nn++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            die("path too long");
        st->name[st->count] = strdup(path);
        st->text[st->count] = slurp(path, &st->len[st->count]);
        st->count++;
        free(names[i]);
    }
}

static void free_specs(SpecTexts *st)
{
    for (size_t i = 0; i < st->count; i++) {
        free(st->name[i]);
        free(st->text[i]);
    }
}

static int field_id(const phs_ruleset *rs, const char *name)
{
    int id = phs_ruleset_field_id(rs, name);
    if (id < 0) {
        fprintf(stderr, "peers_runner: field %s is not in the dictionary\n", name);
        exit(1);
    }
    return id;
}

static size_t program_index(const phs_ruleset *rs, const char *name)
{
    int p = phs_ruleset_program_index(rs, name);
    if (p < 0) {
        fprintf(stderr, "peers_runner: program %s is not loaded\n", name);
        exit(1);
    }
    return (size_t)p;
}

/* ------------------------------------------------------------------ */
/* Output names (as the harness prints them)                           */
/* ------------------------------------------------------------------ */

enum { T_NONE = 0, T_URGENT, T_REFERRAL, T_ADVERSE, T_UNCONTROLLED, T_CONTROLLED, T_COUNT,
       T_ERROR = T_COUNT };
static const char *const HARNESS_TIER[T_COUNT + 1] = {
    "none", "urgent_referral", "referral", "adverse_reaction", "uncontrolled", "controlled",
    "error"};
/* libphs tier ids, index-aligned with HARNESS_TIER (T_NONE has none). */
static const char *const PHS_TIER[T_COUNT] = {
    NULL, "emergency_referral", "referral", "adverse_reaction", "uncontrolled", "controlled"};

enum { B_UNDER = 0, B_NORMAL, B_OVER, B_OBESE, B_COUNT, B_ERROR = B_COUNT };
static const char *const BMI_CLASS[B_COUNT + 1] = {"underweight", "normal", "overweight",
                                                   "obese", "error"};

/* Index of `tier` in `names[0..n)`, or `fail`. */
static int tier_index(const char *tier, const char *const *names, int n, int fail)
{
    for (int k = 0; tier && k < n; k++)
        if (names[k] && strcmp(names[k], tier) == 0)
            return k;
    return fail;
}

/* phs_classify_columns' tier output (PHS_COL_ERROR = -4 up to tier index 63) -> harness
 * code, offset by 4. */
#define CODES (4 + 64)

/* Program p's code table: PHS_COL_NOT_ENROLLED -> `none`, the other PHS_COL_* -> `fail`,
 * tier t -> its index in names[0..n) (`fail` if it is not there). */
static void code_table(const phs_ruleset *rs, size_t p, const char *const *names, int n,
                       int none, int fail, uint8_t *code)
{
    for (int t = 0; t < CODES; t++)
        code[t] = (uint8_t)(t - 4 == PHS_COL_NOT_ENROLLED ? none
                            : t < 4 || (size_t)(t - 4) >= phs_ruleset_tier_count(rs, p)
                                ? fail
                                : tier_index(phs_ruleset_tier_id(rs, p, (size_t)(t - 4)), names,
                                             n, fail));
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

typedef struct { /* the last slot of each array counts errors */
    uint64_t htn[T_COUNT + 1], dm[T_COUNT + 1], bmi[B_COUNT + 1], central, htn_days, dm_days;
} Counts;

static void print_tiers(const uint64_t *t)
{
    printf("{");
    for (int k = 1; k < T_COUNT; k++)
        printf("\"%s\":%llu,", HARNESS_TIER[k], (unsigned long long)t[k]);
    printf("\"none\":%llu}", (unsigned long long)t[T_NONE]);
}

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s POP.csv [--dump FILE] [--rules-root DIR] [--chunk N]\n"
            "  --rules-root DIR  tree holding rules/fields.yaml and bench/peers/*.yaml\n"
            "                    (default %s)\n",
            argv0, PHS_SOURCE_ROOT);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *csv = NULL, *dump = NULL, *root = PHS_SOURCE_ROOT;
    size_t chunk = DEFAULT_CHUNK;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc)
            dump = argv[++a];
        else if (strcmp(argv[a], "--rules-root") == 0 && a + 1 < argc)
            root = argv[++a];
        else if (strcmp(argv[a], "--chunk") == 0 && a + 1 < argc) {
            long c = strtol(argv[++a], NULL, 10);
            if (c < 1 || c > 1 << 20)
                usage(argv[0]);
            chunk = (size_t)c;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0')
            usage(argv[0]);
        else if (!csv)
            csv = argv[a];
        else
            usage(argv[0]);
    }
    if (!csv)
        usage(argv[0]);

    /* ---------------- load (timed as load_ms) ---------------- */
    double t0 = now_s();
    Population pop;
    load_population(csv, &pop);
    const size_t n = pop.n;
    double t_csv = now_s();

    SpecTexts st;
    read_specs(root, &st);
    double t_read = now_s();
    phs_ruleset *rs = NULL;
    if (phs_ruleset_load_texts(&rs, (const char *const *)st.name, (const char *const *)st.text,
                               st.len, st.count, NULL) < 0)
        die_phs("loading the peer rule set");
    double t_rules = now_s();
    free_specs(&st);

    /* Field ids and program indexes, resolved once. */
    const int f_id = field_id(rs, "id");
    const int f_visit = field_id(rs, "visit_date");
    const int f_age = field_id(rs, "age");
    const int f_sex = field_id(rs, "sex");
    const int f_sbp = field_id(rs, "sbp");
    const int f_dbp = field_id(rs, "dbp");
    const int f_fpg = field_id(rs, "fpg");
    const int f_weight = field_id(rs, "weight_kg");
    const int f_height = field_id(rs, "height_cm");
    const int f_waist = field_id(rs, "waist_cm");
    const int f_dx = field_id(rs, "diagnoses");
    const int f_adverse = field_id(rs, "adverse_drug_reaction");
    const int f_new_comp = field_id(rs, "new_complication");
    const int f_prev_htn = field_id(rs, "htn_prev_uncontrolled");
    const int f_prev_dm = field_id(rs, "dm_prev_uncontrolled");
    const size_t p_htn = program_index(rs, "hypertension");
    const size_t p_dm = program_index(rs, "diabetes");
    const size_t p_wt = program_index(rs, "weight");

    phs_date visit;
    if (phs_date_make(&visit, 2024, 6, 1) < 0)
        die_phs("visit date");

    /* Reusable records and results, one per slot of a chunk. */
    if (chunk > n && n > 0)
        chunk = n;
    /* The population as libphs columns (the harness's encoding mapped once, as its C maps
     * CSV text to columns): numbers as they are (NaN = absent), booleans as int8 (-1
     * absent), sex as text, the two diagnosis flags as one codes column, one visit date. */
    const size_t np = phs_ruleset_program_count(rs);
    static const char *const sex_text[3] = {"F", "M", NULL};
    static const char *const dx_text[2][2] = {{"", "E11"}, {"I10", "I10;E11"}};
    const char **c_sex = xmalloc(n * sizeof *c_sex), **c_dx = xmalloc(n * sizeof *c_dx);
    int8_t *c_bool[4];
    const uint8_t *b_src[4] = {pop.byte[C_ADVERSE], pop.byte[C_NEW_COMP], pop.byte[C_PREV_HTN],
                               pop.byte[C_PREV_DM]};
    phs_date *c_visit = xmalloc(n * sizeof *c_visit);
    for (int k = 0; k < 4; k++) {
        c_bool[k] = xmalloc(n);
        for (size_t i = 0; i < n; i++)
            c_bool[k][i] = (int8_t)(b_src[k][i] == B_NONE ? -1 : b_src[k][i]);
    }
    for (size_t i = 0; i < n; i++) {
        c_sex[i] = sex_text[pop.byte[C_SEX][i]];
        c_dx[i] = dx_text[pop.byte[C_HAS_HTN][i] == B_TRUE][pop.byte[C_HAS_DM][i] == B_TRUE];
        c_visit[i] = visit;
    }
    const phs_column cols[] = {
        {f_visit, c_visit},      {f_age, pop.num[C_AGE]},         {f_sex, c_sex},
        {f_sbp, pop.num[C_SBP]},        {f_dbp, pop.num[C_DBP]},         {f_fpg, pop.num[C_FPG]},
        {f_weight, pop.num[C_WEIGHT]},  {f_height, pop.num[C_HEIGHT]},   {f_waist, pop.num[C_WAIST]},
        {f_dx, c_dx},            {f_adverse, c_bool[0]},   {f_new_comp, c_bool[1]},
        {f_prev_htn, c_bool[2]}, {f_prev_dm, c_bool[3]}};
    const size_t csize[] = {sizeof(phs_date), sizeof(double), sizeof(char *),
                            sizeof(double), sizeof(double), sizeof(double),
                            sizeof(double), sizeof(double), sizeof(double),
                            sizeof(char *), 1, 1, 1, 1}; /* bytes per value */
    const size_t ncols = sizeof cols / sizeof cols[0];
    (void)f_id; /* the id is the runner's own: never read by the rules */

    /* Tier output -> harness code, per program; the central obesity flag's bit. */
    uint8_t htn_code[CODES], dm_code[CODES], bmi_code[CODES];
    code_table(rs, p_htn, PHS_TIER, T_COUNT, T_NONE, T_ERROR, htn_code);
    code_table(rs, p_dm, PHS_TIER, T_COUNT, T_NONE, T_ERROR, dm_code);
    code_table(rs, p_wt, BMI_CLASS, B_COUNT, B_ERROR, B_ERROR, bmi_code);
    uint64_t central_bit = 0;
    for (size_t f = 0; f < phs_ruleset_flag_count(rs, p_wt); f++)
        if (strcmp(phs_ruleset_flag_id(rs, p_wt, f), "central_obesity") == 0)
            central_bit = (uint64_t)1 << f;
    if (!central_bit)
        die("weight has no central_obesity flag");

    int16_t *tier = xcalloc(chunk * np, sizeof *tier);
    phs_date *due = xcalloc(chunk * np, sizeof *due);
    uint64_t *flags = xcalloc(chunk * np, sizeof *flags);
    phs_column *ccols = xcalloc(ncols, sizeof *ccols);

    /* Per-resident output columns, touched now so that page faults are billed to load (as
     * the harness's C does), and one read pass over the input columns. */
    uint8_t *o_htn = xmalloc(n), *o_dm = xmalloc(n), *o_bmi = xmalloc(n), *o_central = xmalloc(n);
    int32_t *o_htn_days = xmalloc(n * sizeof *o_htn_days);
    int32_t *o_dm_days = xmalloc(n * sizeof *o_dm_days);
    memset(o_htn, 0xff, n);
    memset(o_dm, 0xff, n);
    memset(o_bmi, 0xff, n);
    memset(o_central, 0xff, n);
    memset(o_htn_days, 0xff, n * sizeof *o_htn_days);
    memset(o_dm_days, 0xff, n * sizeof *o_dm_days);
    {
        double acc = 0;
        for (size_t i = 0; i < n; i++)
            acc += (double)pop.id_len[i];
        for (int k = 0; k < C_NCOLS; k++)
            for (size_t i = 0; i < n; i++)
                acc += pop.num[k] ? pop.num[k][i] : pop.byte[k] ? pop.byte[k][i] : 0;
        volatile double sink = acc;
        (void)sink;
    }
    /* The first call compiles the rule set for this column layout (cached in the rule set):
     * part of loading, like compiling the rules. */
    if (phs_classify_columns(rs, 0, cols, ncols, NULL, NULL, NULL, NULL) < 0)
        die_phs("compiling for the columns");
    double t1 = now_s();

    /* ---------------- eval (timed as eval_s) ---------------- */
    Counts c;
    memset(&c, 0, sizeof c);
    double classify_s = 0, tally_s = 0;
    char *first_error = NULL;

    for (size_t base = 0; base < n; base += chunk) {
        const size_t m = n - base < chunk ? n - base : chunk;
        double ta = now_s();

        /* Classify rows [base, base + m): the same columns, advanced. */
        for (size_t k = 0; k < ncols; k++) {
            ccols[k].field = cols[k].field;
            ccols[k].values = (const char *)cols[k].values + base * csize[k];
        }
        int brc = phs_classify_columns(rs, m, ccols, ncols, tier, due, flags, NULL);
        if (brc < 0 && brc != PHS_ERECORD)
            die_phs("phs_classify_columns");
        double tc = now_s();

        /* Tally (a refused resident's outputs are PHS_COL_ERROR: its codes are the error
         * slots; the first error's message is kept). */
        if (brc == PHS_ERECORD && !first_error)
            first_error = strdup(phs_error_message(phs_error_last()));
        for (size_t j = 0; j < m; j++) {
            const size_t i = base + j;
            const int16_t *tj = tier + j * np;
            const phs_date *dj = due + j * np;
            const uint8_t ht = htn_code[tj[p_htn] + 4], dt = dm_code[tj[p_dm] + 4];
            const uint8_t bc = bmi_code[tj[p_wt] + 4];
            const int32_t hd = ht != T_NONE && dj[p_htn] != PHS_DATE_NONE ? dj[p_htn] - visit : 0;
            const int32_t dd = dt != T_NONE && dj[p_dm] != PHS_DATE_NONE ? dj[p_dm] - visit : 0;
            const uint8_t central = (flags[j * np + p_wt] & central_bit) != 0;
            o_htn[i] = ht;
            o_htn_days[i] = hd;
            o_dm[i] = dt;
            o_dm_days[i] = dd;
            o_bmi[i] = bc;
            o_central[i] = central;
            c.htn[ht]++;
            c.dm[dt]++;
            c.bmi[bc]++;
            c.central += central;
            c.htn_days += (uint64_t)hd;
            c.dm_days += (uint64_t)dd;
        }
        double td = now_s();
        classify_s += tc - ta;
        tally_s += td - tc;
    }
    double t2 = now_s();

    /* ---------------- report ---------------- */
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (!f) {
            fprintf(stderr, "peers_runner: %s: %s\n", dump, strerror(errno));
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s,%s,%d,%s,%d,%s,%d\n", pop.id[i], HARNESS_TIER[o_htn[i]],
                    (int)o_htn_days[i], HARNESS_TIER[o_dm[i]], (int)o_dm_days[i],
                    BMI_CLASS[o_bmi[i]], o_central[i]);
        if (fclose(f) != 0) {
            fprintf(stderr, "peers_runner: %s: write error\n", dump);
            return 1;
        }
    }

    const double eval_s = t2 - t1;
    fprintf(stderr,
            "peers_runner: %zu residents; load %.1f ms (CSV %.1f ms, rules read %.2f ms, "
            "rules load+compile %.2f ms, setup %.1f ms)\n",
            n, (t1 - t0) * 1e3, (t_csv - t0) * 1e3, (t_read - t_csv) * 1e3,
            (t_rules - t_read) * 1e3, (t1 - t_rules) * 1e3);
    if (n > 0)
        fprintf(stderr,
                "peers_runner: eval %.4f s = %.1f ns/resident (classify_columns %.1f, "
                "tally %.1f ns/resident; chunk %zu)\n",
                eval_s, eval_s / (double)n * 1e9, classify_s / (double)n * 1e9,
                tally_s / (double)n * 1e9, chunk);
    /* Residents refused or with an outcome the harness has no name for. */
    size_t errors = 0;
    for (size_t i = 0; i < n; i++)
        if (o_htn[i] == T_ERROR || o_dm[i] == T_ERROR || o_bmi[i] == B_ERROR) {
            if (errors++ == 0)
                fprintf(stderr, "peers_runner: resident %s: refused or an outcome the harness "
                        "has no name for\n", pop.id[i]);
        }
    if (errors)
        fprintf(stderr, "peers_runner: %zu classification errors (first refusal: %s)\n", errors,
                first_error ? first_error : "none");
    free(first_error);

    printf("RESULT {\"engine\":\"libphs\",\"n\":%zu,\"load_ms\":%.3f,\"eval_s\":%.9f,"
           "\"counts\":{\"htn\":",
           n, (t1 - t0) * 1e3, eval_s);
    print_tiers(c.htn);
    printf(",\"htn_days_sum\":%llu,\"dm\":", (unsigned long long)c.htn_days);
    print_tiers(c.dm);
    printf(",\"dm_days_sum\":%llu,\"bmi\":{", (unsigned long long)c.dm_days);
    for (int k = 0; k < B_COUNT; k++)
        printf("%s\"%s\":%llu", k ? "," : "", BMI_CLASS[k], (unsigned long long)c.bmi[k]);
    printf("},\"central_obesity\":%llu}}\n", (unsigned long long)c.central);

    free(tier);
    free(due);
    free(flags);
    free(ccols);
    free(c_sex);
    free(c_dx);
    free(c_visit);
    for (int k = 0; k < 4; k++)
        free(c_bool[k]);
    free(o_htn);
    free(o_dm);
    free(o_bmi);
    free(o_central);
    free(o_htn_days);
    free(o_dm_days);
    free(pop.id);
    free(pop.id_len);
    for (int k = 0; k < C_NCOLS; k++) {
        free(pop.num[k]);
        free(pop.byte[k]);
    }
    free(pop.text);
    phs_ruleset_free(rs);
    return errors ? 1 : 0;
}
