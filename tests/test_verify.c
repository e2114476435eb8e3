/*
 * The regulator tooling (phs_ruleset_verify, _diff, _coverage,
 * _check_strict) and effective dates, on deliberately broken specs in
 * tests/data/broken/: a gap between two BP bands, an overlap that shadows
 * a tier, flags that can never fire, a version change that moves one band.
 * Each must be found with the right counterexample, and every
 * counterexample must reproduce when it is read back and classified (what
 * `phs explain` does).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phs/analysis.h"

/* Under valgrind everything runs tens of times slower: check the shipped
 * rules on a sample there. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define T_SLOW RUNNING_ON_VALGRIND
#endif
#endif
#ifndef T_SLOW
#define T_SLOW 0
#endif

#define BROKEN PHS_SOURCE_ROOT "/tests/data/broken/"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert(s);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

/* Load fields.yaml and the given spec files of tests/data/broken/. */
static int load(phs_ruleset **out, const char *const *files, size_t n,
                const char *param)
{
    const char *names[8];
    char *texts[8];
    size_t lens[8];
    char path[512];
    names[0] = "fields.yaml";
    texts[0] = slurp(BROKEN "fields.yaml", &lens[0]);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, BROKEN "%s", files[i]);
        names[i + 1] = files[i];
        texts[i + 1] = slurp(path, &lens[i + 1]);
    }
    phs_ruleset_options *o = NULL;
    if (param) {
        cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
        char name[128];
        const char *eq = strchr(param, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - param), param);
        cr_assert_eq(phs_ruleset_options_set_param(o, name, eq + 1), PHS_OK);
    }
    int rc = phs_ruleset_load_texts(out, names, (const char *const *)texts,
                                    lens, n + 1, o);
    phs_ruleset_options_free(o);
    for (size_t i = 0; i <= n; i++)
        free(texts[i]);
    return rc;
}

static phs_ruleset *must_load1(const char *file)
{
    phs_ruleset *rs = NULL;
    const char *files[] = {file};
    int rc = load(&rs, files, 1, NULL);
    cr_assert_eq(rc, PHS_OK, "%s: %s", file,
                 phs_error_message(phs_error_last()));
    return rs;
}

/* Index of the first finding of a kind (and rule, when given), or -1. */
static int find(const phs_report *r, int kind, const char *rule)
{
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (phs_report_kind(r, i) == kind &&
            (!rule || (phs_report_rule(r, i) &&
                       !strcmp(rule, phs_report_rule(r, i)))))
            return (int)i;
    return -1;
}

/* Read a counterexample resident back and classify it (as phs explain
 * does); the result is left in *res (caller frees *rec and *res). */
static void replay(const phs_ruleset *rs, const char *json, phs_record **rec,
                   phs_result **res)
{
    phs_reader *rd = NULL;
    cr_assert(json, "a finding without a counterexample");
    cr_assert_eq(phs_reader_open_buffer(&rd, rs, json, strlen(json),
                                        PHS_FORMAT_NDJSON),
                 PHS_OK);
    cr_assert_eq(phs_record_new(rec, rs), PHS_OK);
    cr_assert_eq(phs_result_new(res, rs), PHS_OK);
    cr_assert_eq(phs_reader_next(rd, *rec), PHS_OK, "%s: %s", json,
                 phs_error_message(phs_error_last()));
    cr_assert_eq(phs_classify(rs, *rec, *res), PHS_OK);
    phs_reader_free(rd);
}

static double number(const phs_ruleset *rs, const char *json, const char *key)
{
    char pat[64];
    (void)rs;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    cr_assert(p, "no %s in %s", key, json);
    return strtod(p + strlen(pat), NULL);
}

Test(verify, gap_between_two_bp_bands)
{
    phs_ruleset *rs = must_load1("gap.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_verify(rs, NULL, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    int i = find(r, PHS_FINDING_GAP, NULL);
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, i), "150 ≤ sbp < 160"), "%s",
              phs_report_message(r, i));
    /* no other band is reported as a gap */
    cr_expect_eq(find(r, PHS_FINDING_DEAD_TIER, NULL), -1);
    const char *ex = phs_report_example(r, i);
    double sbp = number(rs, ex, "sbp");
    cr_expect(sbp >= 150 && sbp < 160, "%s", ex);
    phs_record *rec;
    phs_result *res;
    replay(rs, ex, &rec, &res);
    cr_expect_eq(phs_result_outcome(res, 0), PHS_UNCLASSIFIED);
    cr_expect_str_eq(phs_result_tier(res, 0), "unclassified");
    /* the text and the JSON renderings name it too */
    cr_expect(strstr(phs_report_text(r), "GAP"));
    cr_expect(strstr(phs_report_json(r), "\"kind\":\"gap\""));
    cr_expect(strstr(phs_report_json(r), "\"ok\":false"));
    phs_result_free(res);
    phs_record_free(rec);
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, overlap_shadows_a_tier)
{
    phs_ruleset *rs = must_load1("overlap.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_verify(rs, NULL, &r), PHS_OK);
    int i = find(r, PHS_FINDING_DEAD_TIER, "tier.stage3");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, i), "stage2"), "%s",
              phs_report_message(r, i));
    cr_expect_eq(find(r, PHS_FINDING_GAP, NULL), -1);
    /* the counterexample satisfies stage3's condition, and gets stage2 */
    const char *ex = phs_report_example(r, i);
    cr_expect(number(rs, ex, "sbp") >= 160, "%s", ex);
    phs_record *rec;
    phs_result *res;
    replay(rs, ex, &rec, &res);
    cr_expect_str_eq(phs_result_tier(res, 0), "stage2");
    phs_result_free(res);
    phs_record_free(rec);
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, flags_that_never_fire)
{
    phs_ruleset *rs = must_load1("never.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_verify(rs, NULL, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 2, "%s", phs_report_text(r));
    int i = find(r, PHS_FINDING_DEAD_FLAG, "flag.impossible_band");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, i), "sbp >= 180") &&
                  strstr(phs_report_message(r, i), "sbp < 140"),
              "names the two parts that exclude each other: %s",
              phs_report_message(r, i));
    int j = find(r, PHS_FINDING_DEAD_FLAG, "flag.wrong_population");
    cr_assert(j >= 0, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, j), "enrolled: false"), "%s",
              phs_report_message(r, j));
    /* its counterexample is enrolled: the restriction excludes it */
    phs_record *rec;
    phs_result *res;
    replay(rs, phs_report_example(r, j), &rec, &res);
    cr_expect_eq(phs_result_enrolled(res, 0), 1);
    cr_expect_eq(phs_result_flag_count(res, 0), 1); /* only "high" */
    cr_expect_str_eq(phs_result_flag(res, 0, 0), "high");
    cr_expect_eq(find(r, PHS_FINDING_DEAD_FLAG, "flag.high"), -1);
    phs_result_free(res);
    phs_record_free(rec);
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, complete_spec_passes_and_names_insufficient_data)
{
    phs_ruleset *rs = NULL;
    const char *files[] = {"band_v1.yaml"};
    cr_assert_eq(load(&rs, files, 1, NULL), PHS_OK);
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_verify(rs, NULL, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 0, "%s", phs_report_text(r));
    /* an absent sbp is insufficient_data, reported apart from gaps */
    int i = find(r, PHS_FINDING_INSUFFICIENT, NULL);
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_severity(r, i), PHS_SEVERITY_INFO);
    cr_expect(strstr(phs_report_json(r), "\"ok\":true"));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, sampling_beyond_the_cap_is_said)
{
    phs_ruleset *rs = must_load1("gap.yaml");
    phs_report *r = NULL;
    phs_analysis_options o;
    memset(&o, 0, sizeof o);
    o.max_cells = 3;
    o.seed = 7;
    cr_assert_eq(phs_ruleset_verify(rs, &o, &r), PHS_OK);
    cr_expect(find(r, PHS_FINDING_SAMPLED, NULL) >= 0, "%s",
              phs_report_text(r));
    cr_expect(strstr(phs_report_text(r), "sampled"));
    cr_expect(strstr(phs_report_json(r), "\"sampled\":true"));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, outside_the_fragment_is_named)
{
    static const char prog[] =
        "program: rx\nversion: \"1\"\ntitle: {zh: 测试, en: test}\n"
        "status: draft\neffective: {from: 2017-01-01}\n"
        "sources: [{id: s1, title: t, kind: NAT}]\n"
        "clauses: [{id: c1, source: s1, text: t, tag: NAT, confidence: C2}]\n"
        "eligibility: {when: \"any(d in diagnoses: d matches '^I1')\", "
        "cite: [c1]}\n"
        "tiers:\n"
        "  - {id: a, level: 1, when: \"sbp - dbp >= 60\", "
        "follow_up: {interval: 1 months}, cite: [c1]}\n"
        "  - {id: b, level: 1, when: \"true\", "
        "follow_up: {interval: 3 months}, cite: [c1]}\n"
        /* a regular expression is sampled with the rules' constants and
         * the codes of the examples */
        "examples:\n"
        "  - id: e\n"
        "    input: {age: 50, visit_date: 2024-06-01, diagnoses: [I11.9], "
        "sbp: 190, dbp: 80}\n"
        "    expect: {tier: a}\n";
    size_t len;
    char *dict = slurp(BROKEN "fields.yaml", &len);
    const char *names[] = {"fields.yaml", "rx.yaml"};
    const char *texts[] = {dict, prog};
    size_t lens[] = {len, strlen(prog)};
    phs_ruleset *rs = NULL;
    cr_assert_eq(phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL),
                 PHS_OK, "%s", phs_error_message(phs_error_last()));
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_verify(rs, NULL, &r), PHS_OK);
    int regex = 0, arith = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (phs_report_kind(r, i) == PHS_FINDING_OUTSIDE) {
            regex |= strstr(phs_report_message(r, i), "regular expression") != 0;
            arith |= strstr(phs_report_message(r, i), "sbp - dbp") != 0;
        }
    cr_expect(regex, "%s", phs_report_text(r));
    cr_expect(arith, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_json(r), "\"exact\":false"));
    /* no false alarm: both tiers are reached */
    cr_expect_eq(phs_report_errors(r), 0, "%s", phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
    free(dict);
}

/* ---- effective dates ---- */

static phs_result *classify_text(const phs_ruleset *rs, const char *json)
{
    phs_record *rec;
    phs_result *res;
    replay(rs, json, &rec, &res);
    phs_record_free(rec);
    return res;
}

Test(versions, the_version_in_force_on_the_visit_date_decides)
{
    phs_ruleset *rs = NULL;
    const char *files[] = {"band_v2.yaml", "band_v1.yaml"};
    cr_assert_eq(load(&rs, files, 2, NULL), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    cr_assert_eq(phs_ruleset_program_count(rs), 1);
    cr_assert_eq(phs_ruleset_version_count(rs, 0), 2);
    cr_expect_str_eq(phs_ruleset_version_name(rs, 0, 0), "1");
    cr_expect_str_eq(phs_ruleset_version_name(rs, 0, 1), "2");
    cr_expect_str_eq(phs_ruleset_program_version(rs, 0), "2"); /* latest */
    const char *f1 = phs_ruleset_version_fingerprint(rs, 0, 0);
    const char *f2 = phs_ruleset_version_fingerprint(rs, 0, 1);
    cr_expect(strncmp(f1, "sha256:", 7) == 0 && strlen(f1) == 71);
    cr_expect(strcmp(f1, f2) != 0);
    phs_date from, to, d;
    cr_assert_eq(phs_ruleset_version_effective(rs, 0, 0, &from, &to), PHS_OK);
    phs_date_make(&d, 2024, 12, 31);
    cr_expect_eq(to, d);
    cr_expect_eq(phs_ruleset_version_at(rs, 0, d), 0);
    cr_expect_eq(phs_ruleset_version_at(rs, 0, d + 1), 1);

    phs_result *res = classify_text(
        rs, "{\"id\":\"a\",\"age\":60,\"visit_date\":\"2024-12-31\","
            "\"diagnoses\":[\"I10\"],\"sbp\":135}");
    cr_expect_str_eq(phs_result_tier(res, 0), "controlled");
    cr_expect_eq(phs_result_version(res, 0), 0);
    cr_expect_str_eq(phs_result_version_name(res, 0), "1");
    cr_expect_str_eq(phs_result_version_fingerprint(res, 0), f1);
    cr_expect_eq(phs_result_version_in_force(res, 0), 1);
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    cr_expect(strstr(json, "\"spec_version\":\"1\""), "%s", json);
    cr_expect(strstr(json, f1), "%s", json);
    cr_expect(strstr(json, "\"spec_in_force\":true"), "%s", json);
    phs_free(json);
    phs_result_free(res);

    /* one day later, version 2: the moved band */
    res = classify_text(rs, "{\"id\":\"b\",\"age\":60,\"visit_date\":"
                            "\"2025-01-01\",\"diagnoses\":[\"I10\"],\"sbp\":135}");
    cr_expect_str_eq(phs_result_tier(res, 0), "uncontrolled");
    cr_expect_str_eq(phs_result_version_name(res, 0), "2");
    cr_expect_str_eq(phs_result_version_fingerprint(res, 0), f2);
    phs_result_free(res);

    /* before every version: the first one, said not in force */
    res = classify_text(rs, "{\"id\":\"c\",\"age\":60,\"visit_date\":"
                            "\"2010-01-01\",\"diagnoses\":[\"I10\"],\"sbp\":135}");
    cr_expect_str_eq(phs_result_version_name(res, 0), "1");
    cr_expect_eq(phs_result_version_in_force(res, 0), 0);
    phs_result_free(res);

    /* each version's examples run against their own version */
    size_t failed = 9, total = 0;
    cr_assert_eq(phs_ruleset_test(rs, NULL, NULL, &failed, &total), PHS_OK);
    cr_expect_eq(total, 2);
    cr_expect_eq(failed, 0);
    phs_ruleset_free(rs);
}

Test(versions, overlapping_effective_ranges_are_a_spec_error)
{
    phs_ruleset *rs = NULL;
    const char *files[] = {"band_v1.yaml", "band_v2.yaml",
                           "band_overlapping.yaml"};
    cr_expect_eq(load(&rs, files, 3, NULL), PHS_ESPEC);
    cr_expect_null(rs);
    const char *m = phs_error_message(phs_error_last());
    /* files load in name order: band_overlapping.yaml first */
    cr_expect(strstr(m, "band_v1.yaml:1:"), "%s", m);
    cr_expect(strstr(m, "overlapping"), "%s", m);
    cr_expect(strstr(m, "band_overlapping.yaml"), "%s", m);
}

/* ---- diff ---- */

Test(diff, a_version_change_moving_one_band)
{
    phs_ruleset *v1 = must_load1("band_v1.yaml"), *v2 = must_load1("band_v2.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_diff(v1, v2, NULL, NULL, &r), PHS_OK);
    int found = 0;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (phs_report_kind(r, i) != PHS_FINDING_TRANSITION ||
            !phs_report_example(r, i))
            continue;
        found++;
        const char *m = phs_report_message(r, i);
        cr_expect(strstr(m, "130 ≤ sbp < 140"), "%s", m);
        cr_expect(strstr(m, "controlled -> uncontrolled"), "%s", m);
        /* the counterexample moves: controlled under v1, uncontrolled
         * under v2 */
        const char *ex = phs_report_example(r, i);
        double sbp = number(v1, ex, "sbp");
        cr_expect(sbp >= 130 && sbp < 140, "%s", ex);
        phs_result *a = classify_text(v1, ex), *b = classify_text(v2, ex);
        cr_expect_str_eq(phs_result_tier(a, 0), "controlled");
        cr_expect_str_eq(phs_result_tier(b, 0), "uncontrolled");
        phs_result_free(a);
        phs_result_free(b);
    }
    cr_expect_eq(found, 1, "one region changes: %s", phs_report_text(r));
    const char *j = phs_report_json(r);
    cr_expect(strstr(j, "\"rules_changed\":[{\"rule\":\"tier.uncontrolled\""),
              "%s", j);
    cr_expect(strstr(j, "\"differ\":true"));
    phs_report_free(r);

    /* no difference with itself */
    cr_assert_eq(phs_ruleset_diff(v1, v1, NULL, NULL, &r), PHS_OK);
    cr_expect(strstr(phs_report_json(r), "\"differ\":false"), "%s",
              phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}

Test(diff, over_a_population)
{
    phs_ruleset *v1 = must_load1("band_v1.yaml"), *v2 = must_load1("band_v2.yaml");
    char path[] = "/tmp/phs_test_popXXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"id\":\"p1\",\"age\":60,\"visit_date\":\"2024-06-01\","
          "\"diagnoses\":[\"I10\"],\"sbp\":135}\n"
          "{\"id\":\"p2\",\"age\":60,\"visit_date\":\"2024-06-01\","
          "\"diagnoses\":[\"I10\"],\"sbp\":120}\n"
          "{\"id\":\"p3\",\"age\":60,\"visit_date\":\"2024-06-01\","
          "\"diagnoses\":[\"I10\"],\"sbp\":150}\n"
          "{\"id\":\"p4\",\"age\":30,\"visit_date\":\"2024-06-01\"}\n",
          f);
    fclose(f);
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_diff(v1, v2, path, NULL, &r), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    const char *j = phs_report_json(r);
    cr_expect(strstr(j, "\"residents\":4"), "%s", j);
    cr_expect(strstr(j, "\"rows\":[\"not_enrolled\",\"uncontrolled\","
                        "\"controlled\"]"),
              "%s", j);
    cr_expect(strstr(j, "\"counts\":[[1,0,0],[0,1,0],[0,1,1]]"), "%s", j);
    cr_expect(strstr(j, "{\"from\":\"controlled\",\"to\":\"uncontrolled\","
                        "\"count\":1,\"examples\":[\"p1\"]"),
              "%s", j);
    cr_expect(strstr(j, "\"clauses\":[\"c1\"]"), "%s", j);
    /* 3 months -> 14 days: earlier */
    cr_expect(strstr(j, "\"earlier\":1"), "%s", j);
    cr_expect(strstr(phs_report_text(r), "controlled -> uncontrolled: 1 (e.g. p1)"),
              "%s", phs_report_text(r));
    phs_report_free(r);
    cr_expect_eq(phs_ruleset_diff(v1, v2, "/nonexistent/pop.csv", NULL, &r),
                 PHS_EIO);
    unlink(path);
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}

/* ---- coverage and the strict check ---- */

Test(coverage, a_tier_and_a_flag_without_an_example)
{
    phs_ruleset *rs = must_load1("uncovered.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_coverage(rs, NULL, &r), PHS_OK);
    cr_expect(find(r, PHS_FINDING_UNCOVERED_TIER, "tier.high") >= 0, "%s",
              phs_report_text(r));
    cr_expect_eq(find(r, PHS_FINDING_UNCOVERED_TIER, "tier.low"), -1);
    cr_expect(find(r, PHS_FINDING_UNCOVERED_FLAG, "flag.very_high") >= 0);
    cr_expect_eq(phs_report_errors(r), 2, "%s", phs_report_text(r));
    /* which side of each threshold: only below 140 and 180 */
    cr_expect(strstr(phs_report_json(r), "{\"variable\":\"sbp\",\"threshold\":"
                                         "\"140\",\"below\":1,\"at\":0,"
                                         "\"above\":0,\"absent\":0}"),
              "%s", phs_report_json(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(strict, citations_and_provisional_rules)
{
    phs_ruleset *rs = must_load1("uncovered.yaml");
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_check_strict(rs, &r), PHS_OK);
    int i = find(r, PHS_FINDING_CITATION, "high");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, i), "no_such_clause"), "%s",
              phs_report_message(r, i));
    cr_expect_eq(find(r, PHS_FINDING_STATUS, NULL), -1); /* production */
    phs_report_free(r);
    phs_ruleset_free(rs);

    rs = must_load1("gap.yaml"); /* a draft */
    cr_assert_eq(phs_ruleset_check_strict(rs, &r), PHS_OK);
    cr_expect(find(r, PHS_FINDING_STATUS, NULL) >= 0, "%s", phs_report_text(r));
    cr_expect(phs_report_errors(r) >= 1);
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(strict, provisional_rule_is_refused)
{
    static const char prog[] =
        "program: pv\nversion: \"1\"\ntitle: {zh: 测试, en: test}\n"
        "status: production\neffective: {from: 2017-01-01}\n"
        "sources: [{id: s1, title: t, kind: NAT}]\n"
        "clauses:\n"
        "  - {id: c1, source: s1, text: t, tag: NAT, confidence: C2}\n"
        "  - {id: c_r, source: s1, text: t, tag: INF, confidence: R}\n"
        "  - {id: c_unused, source: s1, text: t, tag: NAT, confidence: C2}\n"
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: a, level: 1, when: \"true\", provisional: true, "
        "follow_up: {interval: 3 months}, cite: [c1, c_r]}\n";
    size_t len;
    char *dict = slurp(BROKEN "fields.yaml", &len);
    const char *names[] = {"fields.yaml", "pv.yaml"};
    const char *texts[] = {dict, prog};
    size_t lens[] = {len, strlen(prog)};
    phs_ruleset *rs = NULL;
    cr_assert_eq(phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL),
                 PHS_OK, "%s", phs_error_message(phs_error_last()));
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_check_strict(rs, &r), PHS_OK);
    int i = find(r, PHS_FINDING_PROVISIONAL, "tier.a");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect(strstr(phs_report_message(r, i), "c_r (INF, R)"), "%s",
              phs_report_message(r, i));
    cr_expect(find(r, PHS_FINDING_UNCITED, "c_unused") >= 0, "%s",
              phs_report_text(r));
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
    free(dict);
}

/* The shipped rules: every program decides every eligible resident. */
Test(verify, shipped_rules, .timeout = 120)
{
    phs_ruleset *rs = NULL;
    cr_assert_eq(phs_ruleset_load_dir(&rs, PHS_SOURCE_ROOT "/rules", NULL),
                 PHS_OK, "%s", phs_error_message(phs_error_last()));
    phs_report *r = NULL;
    phs_analysis_options o;
    memset(&o, 0, sizeof o);
    if (T_SLOW)
        o.max_cells = 5000;
    cr_assert_eq(phs_ruleset_verify(rs, &o, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 0, "%s", phs_report_text(r));
    for (size_t i = 0; i < phs_report_count(r); i++) {
        const char *ex = phs_report_example(r, i);
        if (!ex || phs_report_kind(r, i) != PHS_FINDING_INSUFFICIENT)
            continue;
        /* every insufficient-data counterexample reproduces */
        phs_result *res = classify_text(rs, ex);
        int p = phs_ruleset_program_index(rs, phs_report_program(r, i));
        cr_expect_eq(phs_result_outcome(res, (size_t)p), PHS_INSUFFICIENT_DATA,
                     "%s", ex);
        phs_result_free(res);
    }
    phs_report_free(r);
    phs_ruleset_free(rs);
}
