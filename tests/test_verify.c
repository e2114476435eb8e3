/*
 * The regulator tooling (phs_ruleset_verify, _diff, _coverage,
 * _check_strict) and effective dates, on deliberately broken specs in
 * tests/data/broken/: a gap between two BP bands, an overlap that shadows
 * a tier, flags that can never fire, a version change that moves one band.
 * Each must be found with the right counterexample, and every
 * counterexample must reproduce when it is read back and classified (what
 * `phs explain` does).  One file past ~800 lines on purpose: the analyses
 * share the broken specs and the read-back check; a file per analysis
 * would repeat both.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
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

/* fields.yaml and one spec given as text. */
static phs_ruleset *load_inline(const char *name, const char *spec)
{
    size_t len;
    char *dict = slurp(BROKEN "fields.yaml", &len);
    const char *names[] = {"fields.yaml", name};
    const char *texts[] = {dict, spec};
    size_t lens[] = {len, strlen(spec)};
    phs_ruleset *rs = NULL;
    int rc = phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL);
    free(dict);
    cr_assert_eq(rc, PHS_OK, "%s", phs_error_message(phs_error_last()));
    return rs;
}

/* Options with the visit date every test here checks on. */
static phs_analysis_options opts(void)
{
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(phs_date_parse(&o.as_of, "2024-06-01", 10), PHS_OK);
    return o;
}

/* The value of a field of finding i's example resident (the pairs), or
 * NULL when the example lacks it. */
static const char *example_value(const phs_report *r, size_t i,
                                 const char *field)
{
    for (size_t k = 0; k < phs_report_example_count(r, i); k++)
        if (!strcmp(phs_report_example_field(r, i, k), field))
            return phs_report_example_value(r, i, k);
    return NULL;
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

/* The outcome `rs` gives the resident of a JSON line: the result. */
static phs_result *classify_text(const phs_ruleset *rs, const char *json)
{
    phs_record *rec;
    phs_result *res;
    replay(rs, json, &rec, &res);
    phs_record_free(rec);
    return res;
}

/* Load one spec of tests/data/broken/ into *rs and verify it with `o`
 * (NULL: on 2024-06-01, the default limits). */
static phs_report *verify_file(const char *file, phs_ruleset **rs,
                               const phs_analysis_options *o)
{
    phs_report *r = NULL;
    phs_analysis_options d = opts();
    *rs = must_load1(file);
    cr_assert_eq(phs_ruleset_verify(*rs, o ? o : &d, &r), PHS_OK);
    return r;
}

/* The resident of a JSON line gets `outcome` (a tier id, unclassified ...)
 * from the first program of rs. */
static void expect_outcome(const phs_ruleset *rs, const char *json,
                           const char *outcome)
{
    phs_result *res = classify_text(rs, json);
    cr_expect_str_eq(phs_result_tier(res, 0), outcome, "%s", json);
    phs_result_free(res);
}

/* Row `name` of table t of section s, or -1. */
static int table_row(const phs_report *r, size_t s, int t, const char *name)
{
    for (size_t k = 0; k < phs_report_table_rows(r, s, t); k++)
        if (!strcmp(phs_report_table_name(r, s, t, k), name))
            return (int)k;
    return -1;
}

/* Index of a matrix label, or -1. */
static int label(const phs_report *r, size_t s, int row, const char *name)
{
    size_t n = row ? phs_report_matrix_rows(r, s) : phs_report_matrix_cols(r, s);
    for (size_t k = 0; k < n; k++)
        if (!strcmp(row ? phs_report_matrix_row(r, s, k)
                        : phs_report_matrix_col(r, s, k),
                    name))
            return (int)k;
    return -1;
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
    phs_ruleset *rs = NULL;
    phs_report *r = verify_file("gap.yaml", &rs, NULL);
    cr_expect_eq(phs_report_analysis(r), PHS_ANALYSIS_VERIFY);
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    int i = find(r, PHS_FINDING_GAP, NULL);
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_severity(r, i), PHS_SEVERITY_ERROR);
    cr_expect_str_eq(phs_report_program(r, i), "bp_gap");
    cr_expect_str_eq(phs_report_version(r, i), "1");
    cr_expect_str_eq(phs_report_rule(r, i), "tiers");
    /* the region, as data: the box of cells no tier decides */
    cr_expect_str_eq(phs_report_detail(r, i),
                     "age_years ≥ 35, diagnoses = [I10], 150 ≤ sbp < 160");
    cr_expect_eq(phs_report_cells(r, i), 4);
    cr_expect_eq(phs_report_section_total(r, 0, PHS_TOTAL_GAP_REGIONS), 1);
    cr_expect_str_eq(phs_report_after(r, i), "unclassified");
    /* no other band is reported as a gap */
    cr_expect_eq(find(r, PHS_FINDING_DEAD_TIER, NULL), -1);
    /* the counterexample as field/value pairs: sbp in the gap, eligible */
    const char *sbp_text = example_value(r, (size_t)i, "sbp");
    cr_assert(sbp_text, "%s", phs_report_example(r, i));
    double sbp = strtod(sbp_text, NULL);
    cr_expect(sbp >= 150 && sbp < 160, "%s", sbp_text);
    cr_expect_str_eq(example_value(r, (size_t)i, "diagnoses"), "I10");
    cr_expect_str_eq(example_value(r, (size_t)i, "visit_date"), "2024-06-01");
    cr_expect_str_eq(phs_report_example_id(r, i), "verify-bp_gap-gap-1");
    for (size_t k = 0; k < phs_report_example_count(r, i); k++)
        if (!strcmp(phs_report_example_field(r, i, k), "sbp"))
            cr_expect_eq(phs_report_example_type(r, i, k), PHS_TYPE_NUMBER);
    cr_expect_null(phs_report_example_field(r, i, 99));
    cr_expect_eq(phs_report_example_type(r, i, 99), PHS_EINVAL);
    /* the JSON example holds the same value */
    const char *ex = phs_report_example(r, i);
    cr_expect_eq(number(rs, ex, "sbp"), sbp, "%s", ex);
    /* totals: one section, cells that no tier decides, none sampled */
    cr_expect_eq(phs_report_section_count(r), 1);
    cr_expect_str_eq(phs_report_section_program(r, 0), "bp_gap");
    cr_expect_eq(phs_report_finding_section(r, (size_t)i), 0);
    cr_expect_gt(phs_report_total(r, PHS_TOTAL_UNCLASSIFIED), 0);
    cr_expect_gt(phs_report_total(r, PHS_TOTAL_NOT_ENROLLED), 0);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_SAMPLED), 0);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_CELLS),
                 phs_report_total(r, PHS_TOTAL_CHECKED));
    cr_expect_eq(phs_report_section_total(r, 0, PHS_TOTAL_UNCLASSIFIED),
                 phs_report_total(r, PHS_TOTAL_UNCLASSIFIED));
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_COUNT), 0);
    /* what the text shows, as data: the version, the dimensions of its
     * tiers' input space and the cells per outcome */
    cr_expect_str_eq(phs_report_fingerprint(r), phs_ruleset_fingerprint(rs));
    cr_expect_str_eq(phs_report_section_status(r, 0), "draft");
    cr_expect_str_eq(phs_report_section_fingerprint(r, 0),
                     phs_ruleset_version_fingerprint(rs, 0, 0));
    cr_expect_eq(phs_report_section_from(r, 0), t_date("2017-01-01"));
    cr_expect_eq(phs_report_section_to(r, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_report_section_date(r, 0), t_date("2024-06-01"));
    cr_expect_eq(phs_report_max_cells(r), 2000000);
    cr_expect_eq(phs_report_seed(r), 1);
    cr_assert_eq(phs_report_dimension_count(r, 0), 3);
    static const char *const dims[] = {"age_years", "diagnoses", "sbp"};
    static const size_t nvals[] = {4, 2, 8};
    for (size_t d = 0; d < 3; d++) {
        cr_expect_str_eq(phs_report_dimension_name(r, 0, d), dims[d]);
        cr_expect_eq(phs_report_dimension_value_count(r, 0, d), nvals[d]);
        cr_expect_eq(phs_report_dimension_derived(r, 0, d), d == 0);
    }
    cr_expect_str_eq(phs_report_dimension_value(r, 0, 2, 7), "sbp absent");
    cr_expect_null(phs_report_dimension_value(r, 0, 2, 8));
    cr_expect_eq(phs_report_dimension_derived(r, 0, 3), PHS_EINVAL);
    static const char *const tiers[] = {"severe", "raised", "normal"};
    static const double cells[] = {4, 4, 2};
    cr_assert_eq(phs_report_table_rows(r, 0, PHS_TABLE_TIERS), 3);
    for (size_t t = 0; t < 3; t++) {
        cr_expect_str_eq(phs_report_table_name(r, 0, PHS_TABLE_TIERS, t),
                         tiers[t]);
        cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_TIERS, t, 0),
                     cells[t]);
    }
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_CELLS), 64);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_NOT_ENROLLED), 40);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_INSUFFICIENT), 10);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_ELIGIBILITY_UNDECIDED), 8);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_UNCLASSIFIED), 4);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_OUTSIDE), 0);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_APPROXIMATED), 1);
    cr_expect_eq(phs_report_table_rows(r, 0, PHS_TABLE_FLAGS), 0);
    expect_outcome(rs, ex, "unclassified"); /* the counterexample reproduces */
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, overlap_shadows_a_tier)
{
    phs_ruleset *rs = NULL;
    phs_report *r = verify_file("overlap.yaml", &rs, NULL);
    int i = find(r, PHS_FINDING_DEAD_TIER, "tier.stage3");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    cr_expect_str_eq(phs_report_after(r, i), "stage2"); /* takes it */
    cr_expect_eq(find(r, PHS_FINDING_GAP, NULL), -1);
    /* the counterexample satisfies stage3's condition, and gets stage2 */
    const char *ex = phs_report_example(r, i);
    cr_expect(strtod(example_value(r, (size_t)i, "sbp"), NULL) >= 160, "%s",
              ex);
    expect_outcome(rs, ex, "stage2");
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, flags_that_never_fire)
{
    phs_ruleset *rs = NULL;
    phs_report *r = verify_file("never.yaml", &rs, NULL);
    cr_expect_eq(phs_report_errors(r), 2, "%s", phs_report_text(r));
    int i = find(r, PHS_FINDING_DEAD_FLAG, "flag.impossible_band");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    /* names the two parts that exclude each other */
    cr_expect_str_eq(phs_report_detail(r, i),
                     "`sbp >= 180` and `sbp < 140` never hold together (this "
                     "resident satisfies the first)");
    int j = find(r, PHS_FINDING_DEAD_FLAG, "flag.wrong_population");
    cr_assert(j >= 0, "%s", phs_report_text(r));
    cr_expect_str_eq(phs_report_detail(r, j),
                     "its condition holds only for residents the restriction "
                     "'enrolled: false' excludes (e.g. this resident)");
    /* per flag: can it fire, was it sampled */
    int hi = table_row(r, 0, PHS_TABLE_FLAGS, "high");
    int ib = table_row(r, 0, PHS_TABLE_FLAGS, "impossible_band");
    cr_assert(hi >= 0 && ib >= 0);
    cr_expect_eq(phs_report_table_rows(r, 0, PHS_TABLE_FLAGS), 3);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_FLAGS, (size_t)hi, 0),
                 1);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_FLAGS, (size_t)ib, 0),
                 0);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_FLAGS, (size_t)ib, 1),
                 0);
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
    phs_analysis_options o = opts();
    cr_assert_eq(phs_ruleset_verify(rs, &o, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 0, "%s", phs_report_text(r));
    /* an absent sbp is insufficient_data, reported apart from gaps */
    int i = find(r, PHS_FINDING_INSUFFICIENT, NULL);
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_severity(r, i), PHS_SEVERITY_INFO);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_UNCLASSIFIED), 0);
    cr_expect_gt(phs_report_total(r, PHS_TOTAL_INSUFFICIENT), 0);
    phs_report_free(r);
    phs_ruleset_free(rs);
}

Test(verify, sampling_beyond_the_cap_is_said)
{
    phs_ruleset *rs = NULL;
    phs_analysis_options o = opts();
    o.max_cells = 3;
    o.seed = 7;
    phs_report *r = verify_file("gap.yaml", &rs, &o);
    cr_expect(find(r, PHS_FINDING_SAMPLED, NULL) >= 0, "%s",
              phs_report_text(r));
    cr_expect_eq(phs_report_seed(r), 7);
    cr_expect_eq(phs_report_max_cells(r), 3);
    cr_expect_geq(phs_report_total(r, PHS_TOTAL_SAMPLED), 1);
    cr_expect_lt(phs_report_total(r, PHS_TOTAL_CHECKED),
                 phs_report_total(r, PHS_TOTAL_CELLS));
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
    phs_ruleset *rs = load_inline("rx.yaml", prog);
    phs_report *r = NULL;
    phs_analysis_options o = opts();
    cr_assert_eq(phs_ruleset_verify(rs, &o, &r), PHS_OK);
    int regex = 0, arith = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (phs_report_kind(r, i) == PHS_FINDING_OUTSIDE) {
            /* the reason, apart from the rule it is about */
            regex |= strstr(phs_report_detail(r, i), "regular expression") != 0;
            arith |= strstr(phs_report_detail(r, i), "sbp - dbp") != 0;
        }
    cr_expect(regex, "%s", phs_report_text(r));
    cr_expect(arith, "%s", phs_report_text(r));
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_OUTSIDE), 1);
    /* no false alarm: both tiers are reached */
    cr_expect_eq(phs_report_errors(r), 0, "%s", phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

/* ---- effective dates ---- */

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
    phs_analysis_options o = opts();
    cr_assert_eq(phs_ruleset_diff(v1, v2, NULL, &o, &r), PHS_OK);
    cr_expect_eq(phs_report_analysis(r), PHS_ANALYSIS_DIFF);
    int found = 0;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (phs_report_kind(r, i) != PHS_FINDING_TRANSITION ||
            !phs_report_example(r, i))
            continue;
        found++;
        cr_expect_str_eq(phs_report_detail(r, i),
                         "age_years ≥ 35, diagnoses = [I10], 130 ≤ sbp < 140");
        cr_expect_str_eq(phs_report_before(r, i), "controlled");
        cr_expect_str_eq(phs_report_after(r, i), "uncontrolled");
        cr_expect_eq(phs_report_cells(r, i), 4);
        /* the counterexample moves: controlled under v1, uncontrolled
         * under v2 */
        double sbp = strtod(example_value(r, i, "sbp"), NULL);
        cr_expect(sbp >= 130 && sbp < 140, "%s", example_value(r, i, "sbp"));
        const char *ex = phs_report_example(r, i);
        phs_result *a = classify_text(v1, ex), *b = classify_text(v2, ex);
        cr_expect_str_eq(phs_result_tier(a, 0), "controlled");
        cr_expect_str_eq(phs_result_tier(b, 0), "uncontrolled");
        phs_result_free(a);
        phs_result_free(b);
    }
    cr_expect_eq(found, 1, "one region changes: %s", phs_report_text(r));
    int i = find(r, PHS_FINDING_RULE_CHANGED, "tier.uncontrolled");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_str_eq(phs_report_detail(r, i), "condition changed");
    cr_expect_eq(find(r, PHS_FINDING_RULE_CHANGED, "eligibility"), -1);
    /* the transition matrix over cells, and why its changed cell changes:
     * two rules flip, both citing clause c1 */
    cr_expect_str_eq(phs_report_new_fingerprint(r), phs_ruleset_fingerprint(v2));
    cr_expect_null(phs_report_population(r));
    cr_expect_eq(phs_report_dimension_count(r, 0), 3);
    cr_expect_eq(phs_report_section_total(r, 0, PHS_TOTAL_CELLS), 48);
    cr_expect_str_eq(phs_report_section_new_fingerprint(r, 0),
                     phs_ruleset_version_fingerprint(v2, 0, 0));
    int y = label(r, 0, 1, "controlled"), x = label(r, 0, 0, "uncontrolled");
    cr_assert(y >= 0 && x >= 0);
    cr_expect_eq(phs_report_matrix_cell(r, 0, (size_t)y, (size_t)x), 4);
    cr_assert_eq(phs_report_cause_count(r, 0, (size_t)y, (size_t)x), 2);
    cr_expect_str_eq(phs_report_cause_rule(r, 0, (size_t)y, (size_t)x, 0),
                     "tier.uncontrolled");
    cr_expect_str_eq(phs_report_cause_old(r, 0, (size_t)y, (size_t)x, 0),
                     "false");
    cr_expect_str_eq(phs_report_cause_new(r, 0, (size_t)y, (size_t)x, 0),
                     "true");
    cr_expect_eq(phs_report_cause_residents(r, 0, (size_t)y, (size_t)x, 0), 4);
    cr_expect_str_eq(phs_report_cause_rule(r, 0, (size_t)y, (size_t)x, 1),
                     "tier.controlled");
    cr_expect_null(phs_report_cause_rule(r, 0, (size_t)y, (size_t)x, 2));
    cr_assert_eq(phs_report_clause_count(r, 0, (size_t)y, (size_t)x), 1);
    cr_expect_str_eq(phs_report_clause(r, 0, (size_t)y, (size_t)x, 0), "c1");
    cr_expect_eq(phs_report_cause_count(r, 0, (size_t)y, (size_t)y), 0);
    /* the cells: one section, the cells that change counted */
    cr_expect_eq(phs_report_section_count(r), 1);
    cr_expect_gt(phs_report_total(r, PHS_TOTAL_CHANGED), 0);
    cr_expect_lt(phs_report_total(r, PHS_TOTAL_CHANGED),
                 phs_report_total(r, PHS_TOTAL_CHECKED));
    phs_report_free(r);

    /* no difference with itself */
    cr_assert_eq(phs_ruleset_diff(v1, v1, NULL, &o, &r), PHS_OK);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_CHANGED), 0, "%s",
                 phs_report_text(r));
    cr_expect_gt(phs_report_total(r, PHS_TOTAL_CHECKED), 0);
    phs_report_free(r);
    /* the cells need a visit date: no hidden default */
    o.as_of = PHS_DATE_NONE;
    cr_expect_eq(phs_ruleset_diff(v1, v2, NULL, &o, &r), PHS_EINVAL);
    cr_expect_null(r);
    cr_expect(strstr(phs_error_message(phs_error_last()), "as_of"));
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}

/* Write a population to a temporary file (path is the mkstemp template). */
static void write_pop(char *path, const char *text)
{
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

Test(diff, over_a_population)
{
    phs_ruleset *v1 = must_load1("band_v1.yaml"), *v2 = must_load1("band_v2.yaml");
    char path[] = "/tmp/phs_test_popXXXXXX";
    write_pop(path,
              "{\"id\":\"p1\",\"age\":60,\"visit_date\":\"2024-06-01\","
              "\"diagnoses\":[\"I10\"],\"sbp\":135}\n"
              "{\"id\":\"p2\",\"age\":60,\"visit_date\":\"2024-06-01\","
              "\"diagnoses\":[\"I10\"],\"sbp\":120}\n"
              "{\"id\":\"p3\",\"age\":60,\"visit_date\":\"2024-06-01\","
              "\"diagnoses\":[\"I10\"],\"sbp\":150}\n"
              "{\"id\":\"p4\",\"age\":30,\"visit_date\":\"2024-06-01\"}\n");
    phs_report *r = NULL;
    /* every resident has a visit date: no as_of needed */
    cr_assert_eq(phs_ruleset_diff(v1, v2, path, NULL, &r), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_RESIDENTS), 4);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_CHANGED), 1);
    cr_assert_eq(phs_report_section_count(r), 1);
    cr_expect_str_eq(phs_report_section_program(r, 0), "bp_band");
    cr_expect_str_eq(phs_report_section_version(r, 0), "1");
    cr_expect_str_eq(phs_report_section_new_version(r, 0), "2");
    cr_expect_eq(phs_report_section_total(r, 0, PHS_TOTAL_RESIDENTS), 4);
    /* the matrix: rows not_enrolled, uncontrolled, controlled (tier order),
     * [[1,0,0],[0,1,0],[0,1,1]] */
    cr_assert_eq(phs_report_matrix_rows(r, 0), 3);
    cr_assert_eq(phs_report_matrix_cols(r, 0), 3);
    cr_expect_str_eq(phs_report_matrix_row(r, 0, 0), "not_enrolled");
    cr_expect_str_eq(phs_report_matrix_row(r, 0, 1), "uncontrolled");
    cr_expect_str_eq(phs_report_matrix_row(r, 0, 2), "controlled");
    static const double want[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 1, 1}};
    for (size_t y = 0; y < 3; y++)
        for (size_t x = 0; x < 3; x++)
            cr_expect_eq(phs_report_matrix_cell(r, 0, y, x), want[y][x],
                         "cell %zu,%zu", y, x);
    int from = label(r, 0, 1, "controlled"), to = label(r, 0, 0, "uncontrolled");
    cr_assert(from >= 0 && to >= 0);
    cr_expect_eq(phs_report_matrix_example_count(r, 0, (size_t)from,
                                                 (size_t)to),
                 1);
    cr_expect_str_eq(phs_report_matrix_example_id(r, 0, (size_t)from,
                                                  (size_t)to, 0),
                     "p1");
    cr_expect_null(phs_report_matrix_example_id(r, 0, (size_t)from,
                                                (size_t)to, 1));
    cr_expect_eq(phs_report_matrix_cell(r, 0, 3, 0), 0); /* out of range */
    cr_expect_null(phs_report_matrix_row(r, 0, 3));
    /* p1: 3 months -> 14 days, due 2024-09-01 -> 2024-06-15 (78 days
     * earlier); p2 and p3 keep theirs */
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_DUE_EARLIER), 1);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_DUE_SAME), 2);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_DUE_LATER), 0);
    cr_assert_eq(phs_report_shift_count(r, 0), 1);
    cr_expect_eq(phs_report_shift_days(r, 0, 0), -78);
    cr_expect_eq(phs_report_shift_residents(r, 0, 0), 1);
    cr_expect_eq(phs_report_shift_days(r, 0, 1), 0); /* out of range */
    phs_report_free(r);
    cr_expect_eq(phs_ruleset_diff(v1, v2, "/nonexistent/pop.csv", NULL, &r),
                 PHS_EIO);
    unlink(path);
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}

Test(diff, a_resident_without_visit_date_needs_as_of)
{
    phs_ruleset *v1 = must_load1("band_v1.yaml"), *v2 = must_load1("band_v2.yaml");
    char path[] = "/tmp/phs_test_popXXXXXX";
    write_pop(path, "{\"id\":\"p1\",\"age\":60,\"diagnoses\":[\"I10\"],"
                    "\"sbp\":135}\n");
    phs_report *r = NULL;
    cr_expect_eq(phs_ruleset_diff(v1, v2, path, NULL, &r), PHS_EINVAL);
    cr_expect_null(r);
    const char *m = phs_error_message(phs_error_last());
    cr_expect(strstr(m, "no visit_date") && strstr(m, "p1"), "%s", m);
    phs_analysis_options o = opts();
    cr_assert_eq(phs_ruleset_diff(v1, v2, path, &o, &r), PHS_OK);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_CHANGED), 1);
    phs_report_free(r);
    unlink(path);
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}

/* ---- options ---- */

Test(options, versioned_and_without_hidden_defaults)
{
    phs_analysis_options o;
    memset(&o, 0xff, sizeof o);
    cr_assert_eq(phs_analysis_options_init(&o, PHS_ANALYSIS_OPTIONS_VERSION),
                 PHS_OK);
    cr_expect_eq(o.version, PHS_ANALYSIS_OPTIONS_VERSION);
    cr_expect_eq(o.as_of, PHS_DATE_NONE);
    cr_expect_null(o.program);
    cr_expect_eq(o.max_cells, 0);
    cr_expect_eq(phs_analysis_options_init(&o, PHS_ANALYSIS_OPTIONS_VERSION + 1),
                 PHS_EINVAL);
    cr_expect_eq(phs_analysis_options_init(&o, 0), PHS_EINVAL);
    cr_expect_eq(phs_analysis_options_init(NULL, PHS_ANALYSIS_OPTIONS_VERSION),
                 PHS_EINVAL);

    phs_ruleset *rs = must_load1("gap.yaml");
    phs_report *r = NULL;
    /* a zeroed struct has version 0: refused, not read */
    memset(&o, 0, sizeof o);
    cr_expect_eq(phs_ruleset_verify(rs, &o, &r), PHS_EINVAL);
    cr_expect(strstr(phs_error_message(phs_error_last()), "version"));
    cr_expect_eq(phs_ruleset_coverage(rs, &o, &r), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_test_report(rs, &o, &r), PHS_EINVAL);
    /* verify needs the visit date of its cells */
    phs_analysis_options d = PHS_ANALYSIS_OPTIONS_INIT;
    cr_expect_eq(phs_ruleset_verify(rs, &d, &r), PHS_EINVAL);
    cr_expect(strstr(phs_error_message(phs_error_last()), "as_of"));
    cr_expect_eq(phs_ruleset_verify(rs, NULL, &r), PHS_EINVAL);
    cr_expect_null(r);
    /* 1970-01-01 (day 0) is a date like any other, not "unset" */
    d.as_of = 0;
    cr_assert_eq(phs_ruleset_verify(rs, &d, &r), PHS_OK);
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

/* ---- the embedded examples ---- */

Test(examples, a_report_of_passing_and_failing_examples)
{
    static const char prog[] =
        "program: ex\nversion: \"1\"\ntitle: {zh: 测试, en: test}\n"
        "status: draft\neffective: {from: 2017-01-01}\n"
        "sources: [{id: s1, title: t, kind: NAT}]\n"
        "clauses: [{id: c1, source: s1, text: t, tag: NAT, confidence: C2}]\n"
        "eligibility: {when: \"age_years >= 35\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: high, level: 2, when: \"sbp >= 140\", "
        "follow_up: {interval: 1 months}, cite: [c1]}\n"
        "  - {id: low, level: 1, when: \"sbp < 140\", "
        "follow_up: {interval: 3 months}, cite: [c1]}\n"
        "examples:\n"
        "  - id: ok-150\n"
        "    input: {age: 50, visit_date: 2024-06-01, sbp: 150}\n"
        "    expect: {tier: high}\n"
        "  - id: wrong-139\n"
        "    input: {age: 50, visit_date: 2024-06-01, sbp: 139}\n"
        "    expect: {tier: high}\n"
        "  - id: ok-140\n"
        "    input: {age: 50, visit_date: 2024-06-01, sbp: 140}\n"
        "    expect: {tier: high}\n";
    phs_ruleset *rs = load_inline("ex.yaml", prog);
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_test_report(rs, NULL, &r), PHS_OK);
    cr_expect_eq(phs_report_analysis(r), PHS_ANALYSIS_TEST);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_EXAMPLES), 3);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_PASSED), 2);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_FAILED), 1);
    cr_expect_eq(phs_report_errors(r), 1);
    cr_assert_eq(phs_report_count(r), 3);
    cr_expect_eq(phs_report_kind(r, 0), PHS_FINDING_EXAMPLE_PASSED);
    cr_expect_eq(phs_report_kind(r, 1), PHS_FINDING_EXAMPLE_FAILED);
    cr_expect_eq(phs_report_kind(r, 2), PHS_FINDING_EXAMPLE_PASSED);
    cr_expect_str_eq(phs_report_example_id(r, 1), "wrong-139");
    cr_expect_str_eq(phs_report_message(r, 1), "tier: got low, expected high");
    cr_expect_str_eq(example_value(r, 1, "sbp"), "139");
    cr_expect_str_eq(example_value(r, 1, "visit_date"), "2024-06-01");
    cr_expect_str_eq(phs_report_version(r, 1), "1");
    phs_report_free(r);
    /* the callback form reports the same */
    size_t failed = 9, total = 9;
    cr_assert_eq(phs_ruleset_test(rs, NULL, NULL, &failed, &total), PHS_OK);
    cr_expect_eq(failed, 1);
    cr_expect_eq(total, 3);
    /* a program filter that names no program */
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    o.program = "nope";
    cr_expect_eq(phs_ruleset_test_report(rs, &o, &r), PHS_ENOTFOUND);
    phs_ruleset_free(rs);
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
    cr_expect_eq(phs_report_analysis(r), PHS_ANALYSIS_COVERAGE);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_EXAMPLES), 1);
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_FAILED), 0);
    /* which side of each threshold: the one example is below 140 and 180,
     * so the first side missing is "at" each of them */
    int at = 0;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        const char *m = phs_report_message(r, i);
        if (phs_report_kind(r, i) != PHS_FINDING_UNCOVERED_CONDITION)
            continue;
        cr_expect_eq(phs_report_severity(r, i), PHS_SEVERITY_WARNING);
        at += strstr(m, "exactly at sbp 140") != NULL ||
              strstr(m, "exactly at sbp 180") != NULL;
        cr_expect_null(strstr(m, "below sbp"), "%s", m);
    }
    cr_expect_eq(at, 2, "%s", phs_report_text(r));
    /* the same as data: per threshold, examples below / at / above /
     * absent; per tier and flag, examples reaching it */
    cr_assert_eq(phs_report_table_rows(r, 0, PHS_TABLE_THRESHOLDS), 3);
    static const char *const var[] = {"age_years", "sbp", "sbp"};
    static const char *const thr[] = {"35", "140", "180"};
    static const double sides[][4] = {{0, 0, 1, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}};
    for (size_t k = 0; k < 3; k++) {
        cr_expect_str_eq(phs_report_table_name(r, 0, PHS_TABLE_THRESHOLDS, k),
                         var[k]);
        cr_expect_str_eq(phs_report_table_label(r, 0, PHS_TABLE_THRESHOLDS, k),
                         thr[k]);
        for (size_t c = 0; c < 4; c++)
            cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_THRESHOLDS, k,
                                                c),
                         sides[k][c], "threshold %zu side %zu", k, c);
    }
    int low = table_row(r, 0, PHS_TABLE_TIERS, "low");
    int high = table_row(r, 0, PHS_TABLE_TIERS, "high");
    cr_assert(low >= 0 && high >= 0);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_TIERS, (size_t)low, 0),
                 1);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_TIERS, (size_t)high, 0),
                 0);
    int vh = table_row(r, 0, PHS_TABLE_FLAGS, "very_high");
    cr_assert(vh >= 0);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_FLAGS, (size_t)vh, 0),
                 0);
    /* conditions: eligibility, tiers, flags; true / false / unknown */
    int el = table_row(r, 0, PHS_TABLE_CONDITIONS, "eligibility");
    cr_assert(el == 0);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_CONDITIONS, 0, 0), 1);
    cr_expect_eq(phs_report_table_value(r, 0, PHS_TABLE_CONDITIONS, 0, 1), 0);
    cr_expect_null(phs_report_table_name(r, 0, PHS_TABLE_COUNT, 0));
    cr_expect_eq(phs_report_total(r, PHS_TOTAL_NOT_ENROLLED), 0);
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
    cr_expect_str_eq(phs_report_detail(r, i), "no_such_clause");
    cr_expect_eq(find(r, PHS_FINDING_STATUS, NULL), -1); /* production */
    phs_report_free(r);
    phs_ruleset_free(rs);

    rs = must_load1("gap.yaml"); /* a draft */
    cr_assert_eq(phs_ruleset_check_strict(rs, &r), PHS_OK);
    cr_expect(find(r, PHS_FINDING_STATUS, NULL) >= 0, "%s", phs_report_text(r));
    cr_expect_str_eq(phs_report_section_status(r, 0), "draft");
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
    phs_ruleset *rs = load_inline("pv.yaml", prog);
    phs_report *r = NULL;
    cr_assert_eq(phs_ruleset_check_strict(rs, &r), PHS_OK);
    int i = find(r, PHS_FINDING_PROVISIONAL, "tier.a");
    cr_assert(i >= 0, "%s", phs_report_text(r));
    cr_expect_str_eq(phs_report_detail(r, i), "c_r (INF, R)");
    cr_expect(find(r, PHS_FINDING_UNCITED, "c_unused") >= 0, "%s",
              phs_report_text(r));
    cr_expect_eq(phs_report_errors(r), 1, "%s", phs_report_text(r));
    phs_report_free(r);
    phs_ruleset_free(rs);
}

/* The shipped rules: every program decides every eligible resident. */
Test(verify, shipped_rules, .timeout = 120)
{
    phs_ruleset *rs = NULL;
    cr_assert_eq(phs_ruleset_load_dir(&rs, PHS_SOURCE_ROOT "/rules", NULL),
                 PHS_OK, "%s", phs_error_message(phs_error_last()));
    phs_report *r = NULL;
    phs_analysis_options o = opts();
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

/* The renderings are made from the data the same way in every locale: a
 * host program under a decimal-comma locale gets the text and JSON of the
 * C locale (the diff's share of changed cells, "8.33%", was "8,33%"). */
Test(diff, renderings_the_same_in_every_locale)
{
    phs_ruleset *v1 = must_load1("band_v1.yaml"), *v2 = must_load1("band_v2.yaml");
    phs_report *c = NULL, *de = NULL;
    phs_analysis_options o = opts();
    cr_assert_eq(phs_ruleset_diff(v1, v2, NULL, &o, &c), PHS_OK);
    /* 4 of 48 cells change */
    cr_expect_eq(phs_report_section_total(c, 0, PHS_TOTAL_CHANGED), 4);
    cr_expect_eq(phs_report_section_total(c, 0, PHS_TOTAL_CHECKED), 48);
    if (t_decimal_comma_locale()) {
        int rc = phs_ruleset_diff(v1, v2, NULL, &o, &de);
        t_locale_restore();
        cr_assert_eq(rc, PHS_OK);
        cr_expect_str_eq(phs_report_text(de), phs_report_text(c));
        cr_expect_str_eq(phs_report_json(de), phs_report_json(c));
    }
    phs_report_free(de);
    phs_report_free(c);
    phs_ruleset_free(v1);
    phs_ruleset_free(v2);
}
