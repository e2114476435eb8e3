/*
 * One rule set shared by several threads that classify at once.
 *
 * The bundled rules (every program, regular expressions included) and the
 * sample population: each thread reads the residents with its own reader,
 * record and result, classifies them and renders each result as JSON, many
 * times over; every thread's output must equal a single-threaded run's.
 * Each thread also provokes a record error and checks that the thread's
 * error object names its own record, and runs the embedded examples once
 * (each run parses them into memory of its own: the rule set is shared).
 *
 * Plain C with pthreads and no test framework, so that it also runs under
 * ThreadSanitizer (Criterion's process arena does not start under TSan);
 * .ci/run runs it in a -fsanitize=thread build.  Exit status 0 on success.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "col_tier.h"
#include "phs/phs.h"

enum { NTHREADS = 4, ROUNDS = 20, NCOL = 512, MAXP = 16 };

/* The batch given as columns: generated, deterministic. */
static struct {
    double age[NCOL], sbp[NCOL], dbp[NCOL];
    phs_date visit[NCOL];
    const char *dx[NCOL];
    phs_column cols[5];
    size_t np;
} batch;

typedef struct {
    int16_t tier[NCOL * MAXP];
    phs_date due[NCOL * MAXP];
    uint64_t flags[NCOL * MAXP];
    int status[NCOL];
} col_out;

static int make_batch(const phs_ruleset *rs)
{
    static const char *codes[] = {"I10", "E11", "I10;E11", "J44", "", NULL};
    phs_date d0;
    if (phs_date_parse(&d0, "2024-06-01", 10) != PHS_OK)
        return -1;
    for (int i = 0; i < NCOL; i++) {
        batch.age[i] = 30 + i % 60;
        batch.sbp[i] = 100 + (i * 7) % 100;
        batch.dbp[i] = i % 11 == 0 ? (double)NAN : 60 + (i * 3) % 50;
        batch.visit[i] = d0 + i % 400;
        batch.dx[i] = codes[i % 6];
    }
    const char *names[] = {"age", "sbp", "dbp", "visit_date", "diagnoses"};
    const void *values[] = {batch.age, batch.sbp, batch.dbp, batch.visit,
                            batch.dx};
    for (int c = 0; c < 5; c++) {
        batch.cols[c].field = phs_ruleset_field_id(rs, names[c]);
        batch.cols[c].values = values[c];
        if (batch.cols[c].field < 0)
            return -1;
    }
    batch.np = phs_ruleset_program_count(rs);
    return batch.np <= MAXP ? 0 : -1;
}

static int classify_columns(const phs_ruleset *rs, col_out *o)
{
    int rc = phs_classify_columns(rs, NCOL, batch.cols, 5, o->tier, o->due,
                                  o->flags, o->status);
    return rc == PHS_OK || rc == PHS_ERECORD ? PHS_OK : rc;
}

static int same_columns(const col_out *a, const col_out *b)
{
    size_t k = NCOL * batch.np;
    return memcmp(a->tier, b->tier, k * sizeof a->tier[0]) == 0 &&
           memcmp(a->due, b->due, k * sizeof a->due[0]) == 0 &&
           memcmp(a->flags, b->flags, k * sizeof a->flags[0]) == 0 &&
           memcmp(a->status, b->status, sizeof a->status) == 0;
}

/* The columnar outputs agree with phs_classify on the same values. */
static int columns_match_classify(const phs_ruleset *rs, const col_out *o)
{
    phs_record *rec = NULL;
    phs_result *res = NULL;
    int bad = 0, tiered = 0;
    if (phs_record_new(&rec, rs) != PHS_OK ||
        phs_result_new(&res, rs) != PHS_OK)
        return -1;
    for (int i = 0; i < NCOL && !bad; i++) {
        phs_record_clear(rec);
        phs_record_set_number(rec, batch.cols[0].field, batch.age[i]);
        phs_record_set_number(rec, batch.cols[1].field, batch.sbp[i]);
        if (batch.dbp[i] == batch.dbp[i])
            phs_record_set_number(rec, batch.cols[2].field, batch.dbp[i]);
        phs_record_set_date(rec, batch.cols[3].field, batch.visit[i]);
        if (batch.dx[i]) /* NULL: absent */
            phs_record_set_text(rec, batch.cols[4].field, batch.dx[i],
                                strlen(batch.dx[i]));
        int rc = phs_classify(rs, rec, res);
        if ((rc == PHS_OK) != (o->status[i] == PHS_OK)) {
            bad = 1;
            break;
        }
        for (size_t p = 0; rc == PHS_OK && p < batch.np; p++) {
            size_t k = (size_t)i * batch.np + p;
            tiered += phs_result_outcome(res, p) == PHS_TIERED;
            bad |= o->tier[k] != t_col_tier(res, p);
            bad |= o->due[k] != phs_result_next_due(res, p);
            bad |= o->flags[k] != phs_result_flag_mask(res, p);
            if (bad)
                fprintf(stderr, "resident %d, program %zu: columns and "
                                "phs_classify disagree\n", i, p);
        }
    }
    phs_record_free(rec);
    phs_result_free(res);
    return bad || tiered == 0 ? -1 : 0;
}

typedef struct {
    const phs_ruleset *rs;
    const char *csv;
    size_t csv_len;
    int index;    /* thread number, for the record-error check */
    char *out;    /* every result's JSON, one per line */
    size_t len, cap;
    int failures; /* checks that failed in this thread */
    size_t examples; /* embedded examples run (all must pass) */
    col_out cols;    /* this thread's columnar outputs */
} worker;

static int append(worker *w, const char *s, size_t n)
{
    if (w->len + n + 2 > w->cap) {
        size_t cap = w->cap ? w->cap : 1 << 16;
        while (w->len + n + 2 > cap)
            cap *= 2;
        char *p = realloc(w->out, cap);
        if (!p)
            return -1;
        w->out = p;
        w->cap = cap;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len++] = '\n';
    w->out[w->len] = '\0';
    return 0;
}

static void fail(worker *w, const char *what, int rc)
{
    fprintf(stderr, "thread %d: %s: %d (%s)\n", w->index, what, rc,
            phs_error_message(phs_error_last()));
    w->failures++;
}

/* Classify the sample population `rounds` times. */
static void run(worker *w, int rounds)
{
    phs_record *rec = NULL;
    phs_result *res = NULL;
    int rc = phs_record_new(&rec, w->rs);
    if (rc == PHS_OK)
        rc = phs_result_new(&res, w->rs);
    if (rc != PHS_OK) {
        fail(w, "record/result", rc);
        goto out;
    }
    size_t failed = 0;
    rc = phs_ruleset_test(w->rs, NULL, NULL, &failed, &w->examples);
    if (rc != PHS_OK || failed != 0)
        fail(w, "examples", rc);
    for (int r = 0; r < rounds; r++) {
        phs_reader *rd = NULL;
        rc = phs_reader_open_buffer(&rd, w->rs, w->csv, w->csv_len,
                                    PHS_FORMAT_CSV);
        if (rc != PHS_OK) {
            fail(w, "reader", rc);
            goto out;
        }
        while ((rc = phs_reader_next(rd, rec)) != PHS_EOF) {
            char *json = NULL;
            size_t n = 0;
            if (rc == PHS_OK)
                rc = phs_classify(w->rs, rec, res);
            if (rc == PHS_OK)
                rc = phs_result_to_json(res, &json, &n);
            if (rc == PHS_OK && r == 0 && append(w, json, n) != 0)
                rc = PHS_ENOMEM;
            phs_free(json);
            if (rc != PHS_OK) {
                fail(w, "classify", rc);
                break;
            }
        }
        phs_reader_free(rd);
        /* a record error of this thread's own: its number, in its own
         * error object, while the other threads succeed or fail theirs */
        char bad[64];
        int k = snprintf(bad, sizeof bad, "id,sbp\nt%d,not-a-number\n",
                         w->index);
        rc = phs_reader_open_buffer(&rd, w->rs, bad, (size_t)k,
                                    PHS_FORMAT_CSV);
        if (rc == PHS_OK)
            rc = phs_reader_next(rd, rec);
        char want[16];
        snprintf(want, sizeof want, "t%d", w->index);
        if (rc != PHS_ERECORD ||
            strcmp(phs_reader_record_id(rd), want) != 0 ||
            strcmp(phs_error_field(phs_error_last()) ? phs_error_field(
                       phs_error_last())
                                                     : "",
                   "sbp") != 0)
            fail(w, "record error of this thread", rc);
        phs_reader_free(rd);
    }
out:
    phs_record_free(rec);
    phs_result_free(res);
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    int rc = classify_columns(w->rs, &w->cols);
    if (rc != PHS_OK)
        fail(w, "phs_classify_columns", rc);
    run(w, ROUNDS);
    return NULL;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
        *len = fread(p, 1, (size_t)n, f);
        p[*len] = '\0';
    }
    fclose(f);
    return p;
}

int main(void)
{
    const char *root = PHS_SOURCE_ROOT;
    char path[4096];
    phs_ruleset *rs = NULL;
    size_t csv_len = 0;
    int failures = 0;

    snprintf(path, sizeof path, "%s/rules", root);
    if (phs_ruleset_load_dir(&rs, path, NULL) != PHS_OK) {
        fprintf(stderr, "loading %s: %s\n", path,
                phs_error_message(phs_error_last()));
        return 1;
    }
    snprintf(path, sizeof path, "%s/examples/residents.csv", root);
    char *csv = slurp(path, &csv_len);
    if (!csv) {
        fprintf(stderr, "cannot read %s\n", path);
        phs_ruleset_free(rs);
        return 1;
    }

    if (make_batch(rs) != 0) {
        fprintf(stderr, "the rules lack a field of the columnar batch\n");
        return 1;
    }
    static worker ref, w[NTHREADS]; /* static: the outputs are large */
    ref = (worker){.rs = rs, .csv = csv, .csv_len = csv_len,
                   .index = NTHREADS};
    run(&ref, 1);
    failures += ref.failures;

    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (worker){.rs = rs, .csv = csv, .csv_len = csv_len, .index = i};
        if (pthread_create(&t[i], NULL, thread_main, &w[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NTHREADS; i++) {
        failures += w[i].failures;
        if (!w[i].out || !ref.out || strcmp(w[i].out, ref.out) != 0 ||
            w[i].examples != ref.examples) {
            fprintf(stderr, "thread %d disagrees with the single-threaded "
                            "run\n", i);
            failures++;
        }
        free(w[i].out);
        if (!same_columns(&w[i].cols, &w[0].cols)) {
            fprintf(stderr, "thread %d's columnar outputs differ from thread "
                            "0's\n", i);
            failures++;
        }
    }
    /* one thread, after the race: the same outputs, and phs_classify's */
    if (classify_columns(rs, &ref.cols) != PHS_OK ||
        !same_columns(&ref.cols, &w[0].cols) ||
        columns_match_classify(rs, &ref.cols) != 0) {
        fprintf(stderr, "columnar outputs: threads, one thread and "
                        "phs_classify disagree\n");
        failures++;
    }
    if (!ref.out || strstr(ref.out, "\"tier\"") == NULL || !ref.examples) {
        fprintf(stderr, "the single-threaded run classified nobody\n");
        failures++;
    }
    size_t lines = 0;
    for (const char *c = ref.out; c && *c; c++)
        lines += *c == '\n';
    printf("%d threads x %d rounds of %zu residents, and %d residents as "
           "columns: %s\n", NTHREADS, ROUNDS, lines, NCOL,
           failures ? "FAILED" : "identical to one thread");
    free(ref.out);
    free(csv);
    phs_ruleset_free(rs);
    return failures ? 1 : 0;
}
