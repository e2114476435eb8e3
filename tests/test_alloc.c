/* The allocator hook: every allocation goes through it and is freed
 * through it; a failing allocation at any point of a load (or of any other
 * call) gives PHS_ENOMEM without a crash, a leak or a half-made object;
 * classification does not allocate once warmed up.
 *
 * Criterion runs each test in its own process, so the global allocator set
 * here does not leak into other tests. */
#include <stdint.h>

#include "helpers.h"
#include "phs/analysis.h"

#define MAGIC 0x5048534dU /* "PHSM" */

typedef struct {
    uint32_t magic;
    uint32_t pad;
    size_t size;
} hdr;

static struct {
    long mallocs, reallocs, frees, live;
    long calls;      /* allocation calls (malloc + realloc) */
    long fail_at;    /* fail this allocation call (1-based), 0: never */
    int fail_after;  /* also fail every later call */
    long fail_every; /* fail every fail_every-th call, 0: never */
    long failed;
    int bad_free;
} st;

/* Whether this allocation call (st.calls, already counted) fails. */
static int failing(void)
{
    if (st.fail_every)
        return st.calls % st.fail_every == 0;
    return st.fail_at && (st.calls == st.fail_at ||
                          (st.fail_after && st.calls > st.fail_at));
}

static void *t_malloc(void *ud, size_t n)
{
    (void)ud;
    st.calls++;
    if (failing()) {
        st.failed++;
        return NULL;
    }
    hdr *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->magic = MAGIC;
    h->size = n;
    st.mallocs++;
    st.live++;
    return h + 1;
}

static void *t_realloc(void *ud, void *p, size_t n)
{
    if (!p)
        return t_malloc(ud, n);
    hdr *h = (hdr *)p - 1;
    if (h->magic != MAGIC) {
        st.bad_free++;
        return NULL;
    }
    st.calls++;
    if (failing()) {
        st.failed++;
        return NULL;
    }
    hdr *nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->size = n;
    st.reallocs++;
    return nh + 1;
}

static void t_free(void *ud, void *p)
{
    (void)ud;
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    if (h->magic != MAGIC) {
        st.bad_free++;
        return;
    }
    h->magic = 0;
    st.frees++;
    st.live--;
    free(h);
}

static void install(void)
{
    phs_allocator a = {t_malloc, t_realloc, t_free, NULL};
    cr_assert_eq(phs_allocator_set(&a), PHS_OK);
}

static void reset(long fail_at, int after)
{
    long live = st.live;
    memset(&st, 0, sizeof st);
    st.live = live;
    st.fail_at = fail_at;
    st.fail_after = after;
}

/* A spec exercising every part of the loader and the compiler. */
static const char RICH_BODY[] =
    "parameters:\n"
    "  - {name: threshold, type: number, default: 140, cite: [c1]}\n"
    "  - {name: profile, type: enum, values: [a, b], default: a, cite: [c1]}\n"
    "derived:\n"
    "  - name: target\n"
    "    expr: \"if profile == 'a' then threshold else threshold + 10\"\n"
    "  - {name: bmi, expr: \"weight / (height / 100 * height / 100)\"}\n"
    "eligibility:\n"
    "  when: \"age_years >= 35 and (has_code(diagnoses, ['I10', 'I11']) or "
    "any(d in diagnoses: d matches '^I1[2-5]'))\"\n"
    "  cite: [c1]\n"
    "tiers:\n"
    "  - id: emergency\n"
    "    level: 5\n"
    "    code: \"4\"\n"
    "    when: \"sbp >= 180 or dbp >= 110 or count(s in signs: s in ['S1', "
    "'S2', 'S3']) > 0\"\n"
    "    follow_up: {interval: 14 days}\n"
    "    referral: true\n"
    "    actions: [urgent_referral, call]\n"
    "    cite: [c1, c2]\n"
    "  - id: uncontrolled\n"
    "    level: 3\n"
    "    when: \"sbp >= target or (dbp ?? 0) >= 90\"\n"
    "    follow_up: {interval: 2 weeks, from: \"last_visit ?? visit_date\"}\n"
    "    cite: [c2]\n"
    "  - id: controlled\n"
    "    level: 1\n"
    "    when: \"true\"\n"
    "    follow_up: {interval: 3 months, window: 14 days}\n"
    "    cite: [c1]\n"
    "flags:\n"
    "  - {id: obese, when: \"bmi >= 28\", actions: [diet], cite: [c1]}\n"
    "  - {id: smoker, when: \"smoker\", enrolled: true, cite: [c2]}\n"
    "  - {id: named, when: \"note matches '^[A-Z]{3}'\", cite: [c1]}\n"
    "yearly:\n"
    "  - {id: visits, min: 4, what: visits, cite: [c1]}\n"
    "  - {id: extra, min: 2, what: extra, tiers: [emergency], cite: [c1]}\n"
    "examples:\n"
    "  - id: E1\n"
    "    input: {visit_date: 2024-06-01, age: 60, diagnoses: [I10], sbp: 190}\n"
    "    expect: {tier: emergency, next_due: 2024-06-15}\n"
    "  - id: E2\n"
    "    params: {threshold: 150}\n"
    "    input: {visit_date: 2024-06-01, age: 60, diagnoses: [I13.1], sbp: "
    "145, dbp: 80}\n"
    "    expect: {tier: controlled}\n";

static int load_rich(phs_ruleset **out, size_t pad, int with_override)
{
    *out = NULL;
    /* the padding shifts where the arena's blocks fill up, so that the
     * failing allocation lands in different places of the compiler */
    char *padding = malloc(pad + 1);
    memset(padding, 'x', pad);
    padding[pad] = '\0';
    char *body = t_fmt("note: \"%s\"\n%s", padding, RICH_BODY);
    char *p = t_prog("htn", "draft", body);
    const char *progs[] = {p};
    phs_ruleset_options *o = NULL;
    int rc = phs_ruleset_options_new(&o);
    if (rc == PHS_OK && with_override)
        rc = phs_ruleset_options_set_param(o, "htn.profile", "b");
    if (rc == PHS_OK)
        rc = t_load(out, T_DICT, progs, NULL, 1, o);
    phs_ruleset_options_free(o);
    free(p);
    free(body);
    free(padding);
    return rc;
}

/* Count allocations from here on (the hook installed, the counters zeroed)
 * and load the rich program. */
static phs_ruleset *counted_load_rich(int with_override)
{
    install();
    reset(0, 0);
    phs_ruleset *rs = NULL;
    cr_assert_eq(load_rich(&rs, 0, with_override), PHS_OK, "%s", t_errmsg());
    return rs;
}

Test(alloc, hook_sees_every_allocation_and_free)
{
    phs_ruleset *rs = counted_load_rich(1);
    cr_expect_gt(st.mallocs, 0, "the hook was not used");
    phs_result *res = t_classify(rs, "id=x|visit_date=2024-06-01|age=60|"
                                     "diagnoses=I10|sbp=190");
    cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    phs_free(json);
    size_t failed = 9;
    cr_assert_eq(phs_ruleset_test(rs, NULL, NULL, &failed, NULL), PHS_OK);
    cr_expect_eq(failed, 0);
    phs_reader *rd = NULL;
    const char *csv = "id,sbp\na,150\n";
    cr_assert_eq(phs_reader_open_buffer(&rd, rs, csv, strlen(csv),
                                        PHS_FORMAT_AUTO),
                 PHS_OK);
    phs_record *rec = t_record_new(rs);
    cr_expect_eq(phs_reader_next(rd, rec), PHS_OK);
    phs_reader_free(rd);
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
    cr_expect_eq(st.bad_free, 0, "a pointer not from the hook was freed "
                                 "through it");
    cr_expect_eq(st.live, 0, "%ld allocations leaked", st.live);
}

Test(alloc, allocator_set_checks_and_restore)
{
    phs_allocator a = {t_malloc, NULL, t_free, NULL};
    cr_expect_eq(phs_allocator_set(&a), PHS_EINVAL);
    a = (phs_allocator){NULL, t_realloc, t_free, NULL};
    cr_expect_eq(phs_allocator_set(&a), PHS_EINVAL);
    a = (phs_allocator){t_malloc, t_realloc, NULL, NULL};
    cr_expect_eq(phs_allocator_set(&a), PHS_EINVAL);
    install();
    reset(0, 0);
    phs_ruleset *rs = t_must_load_body(RICH_BODY);
    phs_ruleset_free(rs);
    long used = st.mallocs;
    cr_expect_gt(used, 0);
    cr_expect_eq(phs_allocator_set(NULL), PHS_OK);
    rs = t_must_load_body(RICH_BODY);
    phs_ruleset_free(rs);
    cr_expect_eq(st.mallocs, used, "the C allocator was not restored");
}

/* Fail the k-th allocation call of a load, for every k: PHS_ENOMEM each
 * time, no ruleset, nothing leaked. */
static void oom_loop_load(size_t pad, int after)
{
    install();
    reset(0, 0);
    phs_ruleset *rs = NULL;
    cr_assert_eq(load_rich(&rs, pad, 1), PHS_OK, "%s", t_errmsg());
    phs_ruleset_free(rs);
    long n = st.calls;
    cr_assert_gt(n, 10);
    cr_assert_eq(st.live, 0);
    for (long k = 1; k <= n; k++) {
        reset(k, after);
        rs = (phs_ruleset *)1;
        int rc = load_rich(&rs, pad, 1);
        cr_expect(st.failed > 0, "pad %zu, k %ld: no allocation failed", pad,
                  k);
        cr_expect_eq(rc, PHS_ENOMEM,
                     "pad %zu: failing allocation %ld of %ld gave %d (%s)",
                     pad, k, n, rc, t_errmsg());
        if (rc == PHS_OK) {
            phs_ruleset_free(rs);
            rs = NULL;
        }
        cr_expect_null(rs, "pad %zu, k %ld: a ruleset with an error", pad, k);
        cr_expect_eq(st.live, 0, "pad %zu, k %ld: %ld allocations leaked", pad,
                     k, st.live);
        cr_expect_eq(st.bad_free, 0);
        if ((rc != PHS_ENOMEM || st.live != 0) && !getenv("PHS_TEST_OOM_ALL"))
            break; /* one report per configuration is enough */
    }
    reset(0, 0);
}

Test(alloc, oom_loop_during_load_single_failure, .timeout = 600)
{
    oom_loop_load(0, 0);
}

Test(alloc, oom_loop_during_load_all_later_fail, .timeout = 600)
{
    oom_loop_load(0, 1);
}

Test(alloc, oom_loop_during_load_shifted_arena, .timeout = 600)
{
    /* move the arena's block boundaries through the spec (a few sizes:
     * this loop is slow under valgrind) */
    static const size_t pads[] = {700, 3100, 7300, 12500};
    for (size_t i = 0; i < sizeof pads / sizeof pads[0]; i++)
        oom_loop_load(pads[i], 0);
}

/* OOM in the per-call objects: records, results, JSON, examples and the
 * reader. */
Test(alloc, oom_loop_objects, .timeout = 600)
{
    phs_ruleset *rs = counted_load_rich(0);
    long live_rs = st.live;
    const char *spec = "id=someone-with-a-rather-long-identifier-0123456789-"
                       "abcdefghijklmnopqrstuvwxyz|visit_date=2024-06-01|"
                       "age=60|diagnoses=I10;E11;J44|signs=S1|sbp=190|"
                       "note=ABC";
    for (long k = 1; k < 100000; k++) {
        reset(k, 0);
        phs_record *rec = NULL;
        phs_result *res = NULL;
        char *json = NULL;
        int rc = phs_record_new(&rec, rs);
        if (rc == PHS_OK)
            rc = phs_result_new(&res, rs);
        if (rc == PHS_OK)
            rc = t_fill(rec, rs, spec);
        if (rc == PHS_OK)
            rc = phs_classify(rs, rec, res);
        if (rc == PHS_OK)
            rc = phs_result_to_json(res, &json, NULL);
        if (rc == PHS_OK) {
            cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
            cr_expect(strstr(json, "someone-with"));
        }
        int done = st.failed == 0;
        if (!done)
            cr_expect_eq(rc, PHS_ENOMEM, "k %ld: rc %d (%s)", k, rc,
                         t_errmsg());
        if (rc != PHS_OK)
            cr_expect_null(json);
        phs_free(json);
        phs_record_free(rec);
        phs_result_free(res);
        cr_expect_eq(st.live, live_rs, "k %ld: leak", k);
        if (done)
            break;
    }
    /* examples (each builds variant rulesets) */
    for (long k = 1; k < 100000; k++) {
        reset(k, 0);
        size_t failed = 0, total = 0;
        int rc = phs_ruleset_test(rs, NULL, NULL, &failed, &total);
        int done = st.failed == 0;
        if (done) {
            cr_expect_eq(rc, PHS_OK);
            cr_expect_eq(failed, 0);
            cr_expect_eq(total, 2);
            break;
        }
        cr_expect(rc == PHS_ENOMEM,
                  "examples: failing allocation %ld gave %d (%s)", k, rc,
                  t_errmsg());
        cr_expect_eq(st.live, live_rs, "k %ld: leak", k);
        if (rc != PHS_ENOMEM && !getenv("PHS_TEST_OOM_ALL"))
            break;
    }
    /* the reader */
    const char *nd = "{\"id\":\"r1\",\"sbp\":150,\"diagnoses\":[\"I10\"]}\n"
                     "{\"id\":\"r2\",\"sbp\":120}\n";
    for (long k = 1; k < 100000; k++) {
        reset(k, 0);
        phs_record *rec = NULL;
        phs_reader *rd = NULL;
        int rc = phs_record_new(&rec, rs), n = 0;
        if (rc == PHS_OK)
            rc = phs_reader_open_buffer(&rd, rs, nd, strlen(nd),
                                        PHS_FORMAT_AUTO);
        while (rc == PHS_OK && (rc = phs_reader_next(rd, rec)) == PHS_OK)
            n++;
        int done = st.failed == 0;
        if (done)
            cr_expect_eq(n, 2);
        else
            cr_expect(rc == PHS_ENOMEM || rc == PHS_EOF, "k %ld: rc %d", k,
                      rc);
        phs_reader_free(rd);
        phs_record_free(rec);
        cr_expect_eq(st.live, live_rs, "k %ld: leak", k);
        if (done)
            break;
    }
    reset(0, 0);
    phs_ruleset_free(rs);
    cr_expect_eq(st.live, 0);
}

/* The whole pipeline in one run: load the rule set, read residents (CSV),
 * classify each and render its result as JSON, going on with the next
 * resident after a failed classification or rendering (as the phs command
 * does).  Returns the number of calls that failed with anything other
 * than PHS_ENOMEM; each result rendered is compared with ref[i] (when ref
 * is given) or stored there. */
enum { PIPE_N = 4 };
static const char PIPE_CSV[] =
    "id,visit_date,age,diagnoses,signs,sbp,dbp,weight,height,smoker,note\n"
    "r-000001-with-a-long-identifier,2024-06-01,60,I10;E11,S2,150,95,90,170,"
    "true,ABCD\n"
    "r-000002,2024-01-31,70,I13.9,,130,80,,,,\n"
    "r-000003,2024-06-01,40,J44,,120,,,,,xyz\n"
    "r-000004,2024-06-01,66,I11,S1,185,100,60,160,false,\n";

static int pipeline(char *ref[PIPE_N], int store, long *steps)
{
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    phs_record *rec = NULL;
    phs_result *res = NULL;
    int bad = 0, rc, i = 0;

    *steps = 0;
    rc = load_rich(&rs, 0, 1);
    if (rc != PHS_OK) {
        bad += rc != PHS_ENOMEM || rs != NULL;
        return bad;
    }
    if ((rc = phs_record_new(&rec, rs)) == PHS_OK &&
        (rc = phs_result_new(&res, rs)) == PHS_OK)
        rc = phs_reader_open_buffer(&rd, rs, PIPE_CSV, strlen(PIPE_CSV),
                                    PHS_FORMAT_CSV);
    bad += rc != PHS_OK && rc != PHS_ENOMEM;
    /* a reader that failed to allocate is not read further */
    while (rc == PHS_OK && (rc = phs_reader_next(rd, rec)) == PHS_OK) {
        char *json = NULL;
        int crc = phs_classify(rs, rec, res);
        if (crc == PHS_OK)
            crc = phs_result_to_json(res, &json, NULL);
        if (crc == PHS_OK) {
            if (store)
                ref[i] = strdup(json);
            else if (strcmp(json, ref[i]) != 0) {
                bad++;
                cr_expect_str_eq(json, ref[i], "resident %d rendered "
                                 "differently after a failed allocation", i);
            }
            (*steps)++;
        } else {
            bad += crc != PHS_ENOMEM || json != NULL;
        }
        phs_free(json);
        i++;
    }
    bad += rc != PHS_EOF && rc != PHS_ENOMEM && rc != PHS_OK;
    if (store)
        cr_assert_eq(i, PIPE_N);
    phs_reader_free(rd);
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
    return bad;
}

/* Fail the k-th allocation call (k = 1.. every call of the pipeline), then
 * every N-th call (N = 1.. the same): each run either succeeds or says
 * PHS_ENOMEM, renders exactly what a run without failures renders, and
 * leaks nothing. */
Test(alloc, oom_over_load_classify_render, .timeout = 600)
{
    char *ref[PIPE_N] = {0};
    long steps, runs = 0, tried = 0, completed = 0;

    install();
    reset(0, 0);
    cr_assert_eq(pipeline(ref, 1, &steps), 0, "%s", t_errmsg());
    cr_assert_eq(steps, PIPE_N);
    cr_assert_eq(st.live, 0);
    const long n = st.calls;
    cr_assert_gt(n, 100);
    for (int every = 0; every <= 1; every++)
        for (long k = 1; k <= n; k++) {
            reset(every ? 0 : k, 0);
            st.fail_every = every ? k : 0;
            int bad = pipeline(ref, 0, &steps);
            runs++;
            tried += st.failed;
            completed += steps == PIPE_N;
            cr_expect_eq(bad, 0, "%s %ld: %d calls failed with a status "
                         "other than PHS_ENOMEM (%s)",
                         every ? "every" : "call", k, bad, t_errmsg());
            cr_expect(st.failed > 0 || steps == PIPE_N,
                      "%ld: nothing failed and yet the run stopped", k);
            cr_expect_eq(st.live, 0, "%s %ld: %ld allocations leaked",
                         every ? "every" : "call", k, st.live);
            cr_expect_eq(st.bad_free, 0);
            if ((bad || st.live) && !getenv("PHS_TEST_OOM_ALL"))
                goto out;
        }
out:
    reset(0, 0);
    for (int i = 0; i < PIPE_N; i++)
        free(ref[i]);
    fprintf(stderr, "oom_over_load_classify_render: %ld allocation calls "
            "per run, %ld runs, %ld allocations failed on purpose, %ld runs "
            "rendered every resident\n", n, runs, tried, completed);
}

Test(alloc, no_allocation_during_classify_after_warm_up)
{
    phs_ruleset *rs = counted_load_rich(0);
    phs_record *rec = t_record_new(rs);
    phs_result *res = t_result_new(rs);
    static const char *specs[] = {
        "id=r-000001|visit_date=2024-06-01|age=60|diagnoses=I10;E11|"
        "signs=S2|sbp=150|dbp=95|weight=90|height=170|smoker=true|note=ABCD",
        "id=r-000002|visit_date=2024-01-31|birth_date=1950-02-28|"
        "diagnoses=I13.9|sbp=130|dbp=80|last_visit=2024-01-15",
        "id=r-000003|visit_date=2024-06-01|age=40|diagnoses=J44|sbp=120",
        "id=r-000004|visit_date=2024-06-01|age=70|diagnoses=I11|note=xyz",
    };
    enum { NS = sizeof specs / sizeof specs[0] };
    /* warm up: fill and classify each shape a few times */
    for (int w = 0; w < 3; w++)
        for (int i = 0; i < NS; i++)
            cr_assert_eq(t_reclassify(rs, rec, res, specs[i]), PHS_OK);
    /* classification alone: no allocation at all */
    reset(0, 0);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(phs_classify(rs, rec, res), PHS_OK);
    cr_expect_eq(st.calls, 0, "%ld allocations in 1000 classifications",
                 st.calls);
    /* refilling the same record with records of the same shapes does not
     * allocate either */
    phs_record *recs[NS];
    phs_result *results[NS];
    int status[NS];
    for (int i = 0; i < NS; i++) {
        cr_assert_eq(phs_record_new(&recs[i], rs), PHS_OK);
        cr_assert_eq(phs_result_new(&results[i], rs), PHS_OK);
        cr_assert_eq(t_fill(recs[i], rs, specs[i]), PHS_OK);
    }
    cr_assert_eq(phs_classify_batch(rs, (const phs_record *const *)recs,
                                    (phs_result *const *)results, status, NS),
                 PHS_OK);
    reset(0, 0);
    for (int i = 0; i < 250; i++)
        cr_assert_eq(phs_classify_batch(rs, (const phs_record *const *)recs,
                                        (phs_result *const *)results, status,
                                        NS),
                     PHS_OK);
    cr_expect_eq(st.calls, 0, "%ld allocations in 1000 batch classifications",
                 st.calls);
    for (int i = 0; i < NS; i++) {
        phs_record_free(recs[i]);
        phs_result_free(results[i]);
    }
    /* a refused record does not allocate either */
    cr_assert_eq(t_fill(rec, rs, "visit_date=2024-06-01|sbp=80|dbp=90"),
                 PHS_OK);
    reset(0, 0);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(phs_classify(rs, rec, res), PHS_ERECORD);
    cr_expect_eq(st.calls, 0);
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
    cr_expect_eq(st.live, 0);
}

Test(alloc, record_refill_stops_allocating)
{
    phs_ruleset *rs = counted_load_rich(0);
    phs_record *rec = t_record_new(rs);
    const char *spec = "id=r-000001|visit_date=2024-06-01|age=60|"
                       "diagnoses=I10;E11;J44.1;K21|signs=S2;S3|sbp=150|"
                       "note=ABCDEFGHIJKLMNOP";
    for (int w = 0; w < 3; w++)
        cr_assert_eq(t_fill(rec, rs, spec), PHS_OK);
    reset(0, 0);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(t_fill(rec, rs, spec), PHS_OK);
    cr_expect_eq(st.calls, 0, "%ld allocations in 1000 refills", st.calls);
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

/* ---- the regulator analyses (include/phs/analysis.h) ---- */

/* Run analysis a (0 verify, 1 diff, 2 coverage, 3 test, 4 strict). */
static int analysis(int a, const phs_ruleset *rs, const phs_ruleset *rs2,
                    phs_report **out)
{
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    phs_date_make(&o.as_of, 2024, 6, 1);
    o.max_cells = 60;
    switch (a) {
    case 0: return phs_ruleset_verify(rs, &o, out);
    case 1: return phs_ruleset_diff(rs, rs2, NULL, &o, out);
    case 2: return phs_ruleset_coverage(rs, &o, out);
    case 3: return phs_ruleset_test_report(rs, &o, out);
    default: return phs_ruleset_check_strict(rs, out);
    }
}

/* What a report says, to compare a run under failures with a clean one. */
static void summary(const phs_report *r, double *s)
{
    s[0] = (double)phs_report_count(r);
    s[1] = (double)phs_report_errors(r);
    s[2] = (double)phs_report_section_count(r);
    for (int w = 0; w < PHS_TOTAL_COUNT; w++)
        s[3 + w] = phs_report_total(r, w);
    double pairs = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        pairs += (double)phs_report_example_count(r, i);
    s[3 + PHS_TOTAL_COUNT] = pairs;
}

/* Each analysis with the k-th allocation call failing (k over every call,
 * by a stride that keeps the runs under ~80 per analysis): PHS_OK with
 * the same report as without failures, or PHS_ENOMEM with no report;
 * nothing leaks. */
Test(alloc, oom_over_the_analyses, .timeout = 600)
{
    enum { NS = 4 + PHS_TOTAL_COUNT };
    install();
    reset(0, 0);
    phs_ruleset *rs = NULL, *rs2 = NULL;
    cr_assert_eq(load_rich(&rs, 0, 0), PHS_OK, "%s", t_errmsg());
    cr_assert_eq(load_rich(&rs2, 0, 1), PHS_OK, "%s", t_errmsg());
    long base = st.live, tried = 0, runs = 0;
    for (int a = 0; a < 5; a++) {
        phs_report *r = NULL;
        double want[NS], got[NS];
        reset(0, 0);
        cr_assert_eq(analysis(a, rs, rs2, &r), PHS_OK, "%d: %s", a, t_errmsg());
        long n = st.calls;
        summary(r, want);
        phs_report_free(r);
        cr_assert_eq(st.live, base);
        long stride = n / 80 + 1;
        for (long k = 1; k <= n; k += stride) {
            reset(k, 0);
            r = NULL;
            int rc = analysis(a, rs, rs2, &r);
            runs++;
            tried += st.failed;
            if (rc == PHS_OK) {
                cr_assert_not_null(r);
                summary(r, got);
                for (int i = 0; i < NS; i++)
                    cr_expect_eq(got[i], want[i], "analysis %d, call %ld: "
                                 "value %d differs", a, k, i);
            } else {
                cr_expect_eq(rc, PHS_ENOMEM, "analysis %d, call %ld: %d (%s)",
                             a, k, rc, t_errmsg());
                cr_expect_null(r);
            }
            phs_report_free(r);
            cr_expect_eq(st.live, base, "analysis %d, call %ld: %ld leaked",
                         a, k, st.live - base);
            if (st.live != base)
                st.live = base; /* report one leak per run */
        }
    }
    reset(0, 0);
    phs_ruleset_free(rs);
    phs_ruleset_free(rs2);
    fprintf(stderr, "oom_over_the_analyses: %ld runs, %ld allocations failed "
            "on purpose\n", runs, tried);
}

/* PCRE2 allocates through the hook (issue 9, defect 8): a result for rules
 * with a regular expression makes one more hooked allocation (its match
 * data) than one for the same rules without, and nothing PCRE2 allocated
 * is freed outside the hook. */
Test(alloc, pcre2_allocates_through_the_hook)
{
    install();
    reset(0, 0);
    phs_ruleset *plain = t_probe_rs("note == 'a'");
    phs_ruleset *re = t_probe_rs("note matches '^a+$'");
    phs_result *r1 = NULL, *r2 = NULL;
    reset(0, 0);
    cr_assert_eq(phs_result_new(&r1, plain), PHS_OK);
    long n_plain = st.calls;
    reset(0, 0);
    cr_assert_eq(phs_result_new(&r2, re), PHS_OK);
    long n_re = st.calls;
    cr_expect_eq(n_re, n_plain + 1, "match data not through the hook: %ld vs %ld",
                 n_re, n_plain);
    phs_result_free(r1);
    phs_result_free(r2);
    phs_ruleset_free(plain);
    phs_ruleset_free(re);
    cr_expect_eq(st.bad_free, 0);
    cr_expect_eq(st.live, 0, "%ld blocks still live", st.live);
    cr_expect_eq(phs_allocator_set(NULL), PHS_OK);
}
