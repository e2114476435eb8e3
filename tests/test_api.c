/* The C ABI: versions, lifetimes, errors, record setters, batches, handles
 * from different rulesets, the JSON rendering and the columnar call.  One
 * file past ~800 lines on purpose: every part runs against the one spec
 * BODY below and its fixture, so that a change to the ABI meets all its
 * checks in one place. */
#include <math.h>

#include "col_tier.h"
#include "helpers.h"

static const char BODY[] =
    "eligibility: {when: \"has_code(diagnoses, ['I10']) or 'I10' in signs\","
    " cite: [c1]}\n"
    "tiers:\n"
    "  - {id: emergency, level: 5, code: \"4\", when: \"sbp >= 180\", "
    "referral: true, actions: [urgent_referral], follow_up: {interval: 14 "
    "days}, cite: [c1, c2]}\n"
    "  - {id: named, level: 2, when: \"(note ?? '') == 'ABCDEFGHIJ'\", follow_up: "
    "{interval: 1 months}, cite: [c1]}\n"
    "  - {id: routine, level: 1, when: \"true\", follow_up: {interval: 3 "
    "months}, cite: [c1]}\n"
    "flags:\n"
    "  - {id: smoker, when: \"smoker\", cite: [c1]}\n"
    "  - {id: female, when: \"sex == 'F'\", cite: [c2]}\n";

static phs_ruleset *rs_api(void) { return t_must_load_body(BODY); }

static int fid(const phs_ruleset *rs, const char *name)
{
    int f = phs_ruleset_field_id(rs, name);
    cr_assert(f >= 0, "no field %s", name);
    return f;
}

/* ---- versions ---- */

Test(api, version_macros_match_runtime)
{
    cr_expect_str_eq(phs_version(), PHS_VERSION);
    cr_expect_eq(phs_version_number(), PHS_VERSION_NUMBER);
    cr_expect_eq(PHS_VERSION_NUMBER, PHS_VERSION_MAJOR * 1000000 +
                                         PHS_VERSION_MINOR * 1000 +
                                         PHS_VERSION_PATCH);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", PHS_VERSION_MAJOR,
             PHS_VERSION_MINOR, PHS_VERSION_PATCH);
    cr_expect_str_eq(PHS_VERSION, want);
    cr_expect_str_eq(PHS_VERSION, PHS_MESON_VERSION,
                     "header and meson project version differ");
}

/* ---- lifetimes ---- */

Test(api, free_null_is_a_no_op)
{
    phs_ruleset_free(NULL);
    phs_record_free(NULL);
    phs_result_free(NULL);
    phs_reader_free(NULL);
    phs_ruleset_options_free(NULL);
    phs_free(NULL);
    phs_record_clear(NULL);
}

Test(api, objects_freed_in_any_order_before_ruleset)
{
    phs_ruleset *rs = rs_api();
    phs_record *r1, *r2;
    phs_result *s1, *s2;
    cr_assert_eq(phs_record_new(&r1, rs), PHS_OK);
    cr_assert_eq(phs_result_new(&s1, rs), PHS_OK);
    cr_assert_eq(phs_record_new(&r2, rs), PHS_OK);
    cr_assert_eq(phs_result_new(&s2, rs), PHS_OK);
    cr_assert_eq(
        t_reclassify(rs, r1, s2, "visit_date=2024-06-01|diagnoses=I10|sbp=190"),
        PHS_OK);
    phs_record_free(r1); /* the result outlives its record */
    cr_expect_str_eq(phs_result_tier(s2, 0), "emergency");
    char *json = NULL;
    cr_expect_eq(phs_result_to_json(s2, &json, NULL), PHS_OK);
    phs_free(json);
    phs_result_free(s2);
    cr_assert_eq(
        t_reclassify(rs, r2, s1, "visit_date=2024-06-01|diagnoses=I10|sbp=120"),
        PHS_OK);
    phs_result_free(s1);
    phs_record_free(r2);
    phs_ruleset_free(rs);
}

Test(api, two_rulesets_independent)
{
    phs_ruleset *a = rs_api(), *b = rs_api();
    cr_expect_str_eq(phs_ruleset_fingerprint(a), phs_ruleset_fingerprint(b));
    phs_result *res = t_classify(b, "visit_date=2024-06-01|diagnoses=I10|"
                                    "sbp=120");
    phs_ruleset_free(a);
    cr_expect_str_eq(phs_result_tier(res, 0), "routine");
    phs_result_free(res);
    phs_ruleset_free(b);
}

Test(api, null_arguments)
{
    phs_ruleset *rs = rs_api();
    phs_record *rec;
    phs_result *res;
    cr_expect_eq(phs_record_new(NULL, rs), PHS_EINVAL);
    cr_expect_eq(phs_record_new(&rec, NULL), PHS_EINVAL);
    cr_expect_eq(phs_result_new(NULL, rs), PHS_EINVAL);
    cr_expect_eq(phs_result_new(&res, NULL), PHS_EINVAL);
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    cr_assert_eq(phs_result_new(&res, rs), PHS_OK);
    cr_expect_eq(phs_classify(NULL, rec, res), PHS_EINVAL);
    cr_expect_eq(phs_classify(rs, NULL, res), PHS_EINVAL);
    cr_expect_eq(phs_classify(rs, rec, NULL), PHS_EINVAL);
    cr_expect_eq(phs_result_to_json(NULL, NULL, NULL), PHS_EINVAL);
    char *out = NULL;
    cr_expect_eq(phs_result_to_json(res, NULL, NULL), PHS_EINVAL);
    cr_expect_eq(phs_result_to_json(NULL, &out, NULL), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_load_texts(NULL, NULL, NULL, NULL, 0, NULL),
                 PHS_EINVAL);
    phs_ruleset *o = NULL;
    cr_expect_eq(phs_ruleset_load_texts(&o, NULL, NULL, NULL, 1, NULL),
                 PHS_EINVAL);
    cr_expect_null(o);
    cr_expect_eq(phs_ruleset_load_dir(&o, NULL, NULL), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_load_dir(NULL, "/tmp", NULL), PHS_EINVAL);
    cr_expect_eq(phs_record_set_number(NULL, 0, 1), PHS_EINVAL);
    cr_expect_eq(phs_record_unset(NULL, 0), PHS_EINVAL);
    cr_expect_eq(phs_record_set_text(rec, fid(rs, "note"), NULL, 3),
                 PHS_EINVAL);
    cr_expect_eq(phs_record_set_string(rec, fid(rs, "note"), NULL, 3),
                 PHS_EINVAL);
    cr_expect_eq(phs_record_add_code(rec, fid(rs, "signs"), NULL, 3),
                 PHS_EINVAL);
    /* accessors tolerate NULL and out-of-range */
    cr_expect_eq(phs_ruleset_program_count(NULL), 0);
    cr_expect_eq(phs_ruleset_field_count(NULL), 0);
    cr_expect_eq(phs_result_outcome(res, 7), PHS_EINVAL);
    cr_expect_null(phs_result_tier(res, 7));
    cr_expect_eq(phs_result_next_due(res, 7), PHS_DATE_NONE);
    cr_expect_eq(phs_result_flag_count(res, 7), 0);
    cr_expect_eq(phs_result_missing_count(res, 7), 0);
    cr_expect_eq(phs_result_reason_count(res, 7), 0);
    cr_expect_eq(phs_result_plan_count(NULL), 0);
    cr_expect_str_eq(phs_record_id(rec), "");
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(api, handles_from_different_rulesets)
{
    phs_ruleset *a = rs_api(), *b = rs_api();
    phs_record *ra;
    phs_result *sa, *sb;
    cr_assert_eq(phs_record_new(&ra, a), PHS_OK);
    cr_assert_eq(phs_result_new(&sa, a), PHS_OK);
    cr_assert_eq(phs_result_new(&sb, b), PHS_OK);
    cr_assert_eq(t_fill(ra, a, "visit_date=2024-06-01|diagnoses=I10"), PHS_OK);
    cr_expect_eq(phs_classify(a, ra, sb), PHS_EINVAL);
    cr_expect_eq(phs_error_code(phs_error_last()), PHS_EINVAL);
    cr_expect_eq(phs_classify(b, ra, sb), PHS_EINVAL);
    cr_expect_eq(phs_classify(b, ra, sa), PHS_EINVAL);
    cr_expect_eq(phs_classify(a, ra, sa), PHS_OK);
    const phs_record *recs[] = {ra};
    phs_result *const results[] = {sb};
    int st = 0;
    cr_expect_eq(phs_classify_batch(a, recs, results, &st, 1), PHS_EINVAL);
    cr_expect_eq(st, PHS_EINVAL);
    phs_record_free(ra);
    phs_result_free(sa);
    phs_result_free(sb);
    phs_ruleset_free(a);
    phs_ruleset_free(b);
}

/* ---- errors ---- */

Test(api, error_object)
{
    phs_error_clear();
    const phs_error *e = phs_error_last();
    cr_assert(e != NULL);
    cr_expect_eq(phs_error_code(e), PHS_OK);
    cr_expect_str_eq(phs_error_message(e), "");
    cr_expect_null(phs_error_file(e));
    cr_expect_null(phs_error_field(e));
    cr_expect_eq(phs_error_line(e), 0);
    cr_expect_eq(phs_error_column(e), 0);
    /* a spec error carries file, line and column */
    phs_ruleset *rs = NULL;
    const char *body =
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: t, level: 1, when: \"sbp >= 1\", follow_up: {interval: 3 "
        "months}, cite: [c9]}\n";
    cr_assert_eq(t_load_body(&rs, "draft", body), PHS_ESPEC);
    e = phs_error_last();
    cr_expect_eq(phs_error_code(e), PHS_ESPEC);
    cr_expect_str_eq(phs_error_file(e), "p.yaml");
    cr_expect_eq(phs_error_line(e), 14);
    cr_expect_gt(phs_error_column(e), 0);
    char pre[64];
    snprintf(pre, sizeof pre, "p.yaml:14:%d: ", phs_error_column(e));
    cr_expect(strncmp(phs_error_message(e), pre, strlen(pre)) == 0, "%s",
              phs_error_message(e));
    cr_expect(strstr(phs_error_message(e), "c9"), "%s", phs_error_message(e));
    /* a record error names the field */
    rs = rs_api();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    cr_expect_eq(phs_record_set_number(rec, fid(rs, "sbp"), 400), PHS_ERECORD);
    e = phs_error_last();
    cr_expect_eq(phs_error_code(e), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(e), "sbp");
    cr_expect(strstr(phs_error_message(e), "sbp"), "%s", phs_error_message(e));
    cr_expect_eq(phs_error_line(e), 0);
    phs_error_clear();
    cr_expect_eq(phs_error_code(phs_error_last()), PHS_OK);
    cr_expect_null(phs_error_field(phs_error_last()));
    cr_expect_eq(phs_error_code(NULL), PHS_EINVAL);
    cr_expect_str_eq(phs_error_message(NULL), "");
    cr_expect_null(phs_error_file(NULL));
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

static void *thread_err(void *arg)
{
    (void)arg;
    phs_date d;
    phs_date_make(&d, 2023, 2, 29);
    return (void *)(intptr_t)phs_error_code(phs_error_last());
}

#include <pthread.h>
Test(api, errors_are_per_thread)
{
    phs_error_clear();
    pthread_t t;
    void *ret;
    cr_assert_eq(pthread_create(&t, NULL, thread_err, NULL), 0);
    pthread_join(t, &ret);
    cr_expect_eq((int)(intptr_t)ret, PHS_EINVAL);
    cr_expect_eq(phs_error_code(phs_error_last()), PHS_OK,
                 "another thread's error leaked into this one");
}

/* The fixture of most record and result tests: the API rule set, a record
 * and a result. */
static t_fixture fx;
static void fixture_up(void) { t_fixture_open(&fx, rs_api()); }
static void fixture_down(void) { t_fixture_close(&fx); }

/* ---- record setters ---- */

Test(record, setter_type_mismatch_is_einval)
{
    phs_ruleset *rs = rs_api();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    cr_expect_eq(phs_record_set_number(rec, fid(rs, "note"), 1), PHS_EINVAL);
    cr_expect_eq(phs_record_set_number(rec, fid(rs, "smoker"), 1), PHS_EINVAL);
    cr_expect_eq(phs_record_set_bool(rec, fid(rs, "sbp"), 1), PHS_EINVAL);
    cr_expect_eq(phs_record_set_date(rec, fid(rs, "sbp"), 0), PHS_EINVAL);
    cr_expect_eq(phs_record_set_string(rec, fid(rs, "sbp"), "1", 1),
                 PHS_EINVAL);
    cr_expect_eq(phs_record_set_string(rec, fid(rs, "diagnoses"), "I10", 3),
                 PHS_EINVAL);
    cr_expect_eq(phs_record_add_code(rec, fid(rs, "note"), "I10", 3),
                 PHS_EINVAL);
    cr_expect_eq(phs_record_set_date(rec, fid(rs, "birth_date"), 0), PHS_OK);
    /* unknown ids */
    cr_expect_eq(phs_record_set_number(rec, -1, 1), PHS_EINVAL);
    cr_expect_eq(phs_record_set_number(rec, 999, 1), PHS_EINVAL);
    cr_expect_eq(phs_record_set_text(rec, 999, "1", 1), PHS_EINVAL);
    cr_expect_eq(phs_record_unset(rec, 999), PHS_EINVAL);
    cr_expect_eq(phs_record_add_code(rec, -2, "x", 1), PHS_EINVAL);
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

/* A value set on a field and the status the setter returns; a refused
 * value (PHS_ERECORD) must name the field in the error. */
struct text_set {
    const char *field, *text;
    int rc;
};

struct number_set {
    const char *field;
    double value;
    int rc;
};

static void expect_text_sets(const phs_ruleset *rs, phs_record *rec,
                             const struct text_set *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = phs_record_set_text(rec, fid(rs, c[i].field), c[i].text,
                                     strlen(c[i].text));
        cr_expect_eq(rc, c[i].rc, "case %s = '%s': %d", c[i].field,
                     c[i].text, rc);
        if (c[i].rc == PHS_ERECORD)
            cr_expect_str_eq(phs_error_field(phs_error_last()), c[i].field,
                             "case %s = '%s': the field named", c[i].field,
                             c[i].text);
    }
}

static void expect_number_sets(const phs_ruleset *rs, phs_record *rec,
                               const struct number_set *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = phs_record_set_number(rec, fid(rs, c[i].field), c[i].value);
        cr_expect_eq(rc, c[i].rc, "case %s = %g: %d", c[i].field, c[i].value,
                     rc);
        if (c[i].rc == PHS_ERECORD)
            cr_expect_str_eq(phs_error_field(phs_error_last()), c[i].field,
                             "case %s = %g: the field named", c[i].field,
                             c[i].value);
    }
}

/* The field keeps its previous value after a refused set: checked through
 * classification (sbp 190 -> emergency).  sbp's range is [40, 300], age's
 * [0, 150]: both ends are inclusive. */
Test(record, out_of_range_keeps_previous_value, .init = fixture_up,
     .fini = fixture_down)
{
    cr_assert_eq(
        t_fill(fx.rec, fx.rs, "visit_date=2024-06-01|diagnoses=I10|sbp=190"),
        PHS_OK);
    const struct number_set refused[] = {
        {"sbp", -5, PHS_ERECORD},        {"sbp", 0, PHS_ERECORD},
        {"sbp", 39.999, PHS_ERECORD},    {"sbp", 300.001, PHS_ERECORD},
        {"sbp", 1e9, PHS_ERECORD},       {"sbp", -INFINITY, PHS_ERECORD},
        {"sbp", NAN, PHS_ERECORD},       {"sbp", INFINITY, PHS_ERECORD},
    };
    expect_number_sets(fx.rs, fx.rec, refused, T_COUNT(refused));
    const struct text_set refused_text[] = {
        {"sbp", "abc", PHS_ERECORD}, {"sbp", "nan", PHS_ERECORD},
        {"sbp", "inf", PHS_ERECORD}, {"sbp", "-10", PHS_ERECORD},
        {"sbp", "12x", PHS_ERECORD},
    };
    expect_text_sets(fx.rs, fx.rec, refused_text, T_COUNT(refused_text));
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "emergency",
                     "a refused value replaced the previous one");
    const struct number_set ends[] = {
        {"sbp", 40, PHS_OK},
        {"sbp", 300, PHS_OK},
        {"age", 300, PHS_ERECORD},
        {"age", 150, PHS_OK},
        {"age", 0, PHS_OK},
        {"age", -0.001, PHS_ERECORD},
        {"age", 150.001, PHS_ERECORD},
    };
    expect_number_sets(fx.rs, fx.rec, ends, T_COUNT(ends));
}

Test(record, enum_validation, .init = fixture_up, .fini = fixture_down)
{
    cr_assert_eq(t_fill(fx.rec, fx.rs, "visit_date=2024-06-01|diagnoses=I10"),
                 PHS_OK);
    int sex = fid(fx.rs, "sex");
    cr_expect_eq(phs_record_set_string(fx.rec, sex, "F", 1), PHS_OK);
    static const char *const bad[] = {"X", "f", "FF", ""};
    for (size_t i = 0; i < T_COUNT(bad); i++) {
        cr_expect_eq(phs_record_set_string(fx.rec, sex, bad[i], strlen(bad[i])),
                     PHS_ERECORD, "case '%s'", bad[i]);
        cr_expect_str_eq(phs_error_field(phs_error_last()), "sex",
                         "case '%s'", bad[i]);
    }
    const struct text_set q[] = {{"sex", "Q", PHS_ERECORD}};
    expect_text_sets(fx.rs, fx.rec, q, 1);
    /* the length is honoured: "Fx" with len 1 is "F" */
    cr_expect_eq(phs_record_set_string(fx.rec, sex, "Mx", 1), PHS_OK);
    cr_expect_eq(phs_record_set_string(fx.rec, sex, "F", 1), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    T_EXPECT_LIST(fx.res, 0, flag, "female");
}

Test(record, set_text_for_every_type, .init = fixture_up, .fini = fixture_down)
{
    const struct text_set sets[] = {
        {"visit_date", "2024-06-01", PHS_OK},
        {"visit_date", "2024-6-1", PHS_ERECORD},
        {"visit_date", "2023-02-29", PHS_ERECORD},
        {"sbp", " 185 ", PHS_OK}, /* surrounding blanks trimmed */
        {"sbp", "185.5", PHS_OK},
        {"dbp", "1e2", PHS_OK},
        {"sex", "F", PHS_OK},
        {"note", "  free text  ", PHS_OK},
        {"smoker", "true", PHS_OK},
        {"smoker", "false", PHS_OK},
        {"smoker", "1", PHS_OK},
        {"smoker", "0", PHS_OK},
        {"smoker", "yes", PHS_OK},
        {"smoker", "no", PHS_OK},
        {"smoker", "TRUE", PHS_OK},
        {"smoker", "FALSE", PHS_OK},
        {"smoker", "True", PHS_OK},
        {"smoker", "False", PHS_OK},
        {"smoker", "maybe", PHS_ERECORD},
        {"smoker", "2", PHS_ERECORD},
        {"smoker", "true", PHS_OK},
        {"diagnoses", "E11; I10.x00 ,J44", PHS_OK},
    };
    expect_text_sets(fx.rs, fx.rec, sets, T_COUNT(sets));
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "emergency");
    cr_expect_eq(phs_result_flag_count(fx.res, 0), 2); /* smoker, female */
    /* empty text: unsets a scalar, sets an empty list */
    const struct text_set empties[] = {{"sbp", "", PHS_OK},
                                       {"diagnoses", "", PHS_OK},
                                       {"signs", "I10", PHS_OK}};
    expect_text_sets(fx.rs, fx.rec, empties, T_COUNT(empties));
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    /* enrolled through signs; sbp now unknown -> insufficient data */
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "insufficient_data");
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "signs"), "", 0),
                 PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_eq(phs_result_outcome(fx.res, 0), PHS_NOT_ENROLLED,
                 "an empty diagnoses list is present and empty");
}

Test(record, unset_and_clear, .init = fixture_up, .fini = fixture_down)
{
    cr_assert_eq(t_fill(fx.rec, fx.rs,
                        "id=a1|visit_date=2024-06-01|diagnoses=I10|sbp=190"),
                 PHS_OK);
    cr_expect_str_eq(phs_record_id(fx.rec), "a1");
    cr_assert_eq(phs_record_unset(fx.rec, fid(fx.rs, "sbp")), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "insufficient_data");
    cr_expect_str_eq(phs_result_id(fx.res), "a1");
    phs_record_clear(fx.rec);
    cr_expect_str_eq(phs_record_id(fx.rec), "");
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_eq(phs_result_outcome(fx.res, 0), PHS_NOT_ENROLLED);
    cr_expect_str_eq(phs_result_id(fx.res), "");
}

Test(record, codes_interleaved_across_two_fields)
{
    const char *body =
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: t, level: 1, when: \"true\", follow_up: {interval: 1 days},"
        " cite: [c1]}\n"
        "flags:\n"
        "  - {id: d_ok, when: \"len(diagnoses) == 4 and 'd1' in diagnoses and "
        "'d2' in diagnoses and 'd3' in diagnoses and 'd4' in diagnoses\", "
        "cite: [c1]}\n"
        "  - {id: s_ok, when: \"len(signs) == 3 and 's1' in signs and 's2' in "
        "signs and 's3' in signs\", cite: [c1]}\n"
        "  - {id: no_s_in_d, when: \"not any(x in diagnoses: x matches "
        "'^s')\", cite: [c1]}\n"
        "  - {id: no_d_in_s, when: \"not any(x in signs: x matches '^d')\", "
        "cite: [c1]}\n"
        "  - {id: d_order, when: \"count(x in diagnoses: x == 'd1') == 1\", "
        "cite: [c1]}\n";
    phs_ruleset *rs = t_must_load_body(body);
    phs_record *rec = t_record_new(rs);
    phs_result *res = t_result_new(rs);
    int d = fid(rs, "diagnoses"), s = fid(rs, "signs");
    for (int round = 0; round < 3; round++) {
        phs_record_clear(rec);
        cr_assert_eq(t_fill(rec, rs, "visit_date=2024-06-01"), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, d, "d1", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, s, "s1", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, d, "d2", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, s, "s2", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, d, "d3", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, d, "d4xx", 2), PHS_OK);
        cr_assert_eq(phs_record_add_code(rec, s, "s3", 2), PHS_OK);
        cr_assert_eq(phs_classify(rs, rec, res), PHS_OK);
        cr_expect_eq(phs_result_flag_count(res, 0), 5, "round %d: %zu flags",
                     round, phs_result_flag_count(res, 0));
    }
    /* empty and invalid codes */
    cr_expect_eq(phs_record_add_code(rec, d, "", 0), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(phs_error_last()), "diagnoses");
    cr_expect_eq(phs_record_add_code(rec, d, "a\0b", 3), PHS_ERECORD);
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(record, strings_survive_buffer_growth, .init = fixture_up,
     .fini = fixture_down)
{
    int id = fid(fx.rs, "id"), note = fid(fx.rs, "note"),
        sig = fid(fx.rs, "signs");
    cr_assert_eq(t_fill(fx.rec, fx.rs, "visit_date=2024-06-01|sbp=120"),
                 PHS_OK);
    cr_assert_eq(phs_record_set_string(fx.rec, id, "resident-0001", 13),
                 PHS_OK);
    cr_assert_eq(phs_record_set_string(fx.rec, note, "ABCDEFGHIJ", 10), PHS_OK);
    cr_assert_eq(phs_record_add_code(fx.rec, sig, "I10", 3), PHS_OK);
    /* grow the record's text storage many times over */
    char big[5000];
    for (int i = 0; i < 200; i++) {
        memset(big, 'a' + i % 26, sizeof big);
        cr_assert_eq(
            phs_record_add_code(fx.rec, sig, big, 100 + (size_t)i * 20),
            PHS_OK);
    }
    cr_expect_str_eq(phs_record_id(fx.rec), "resident-0001");
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_id(fx.res), "resident-0001");
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "named",
                     "the note comparison failed after growth");
    /* set long strings repeatedly (the old ones stay in the buffer) */
    for (int i = 0; i < 100; i++) {
        memset(big, 'x', sizeof big);
        cr_assert_eq(phs_record_set_string(fx.rec, note, big, 4000), PHS_OK);
        char idb[32];
        int n = snprintf(idb, sizeof idb, "resident-%04d", i);
        cr_assert_eq(phs_record_set_string(fx.rec, id, idb, (size_t)n), PHS_OK);
    }
    cr_assert_eq(phs_record_set_string(fx.rec, note, "ABCDEFGHIJ", 10), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_id(fx.res), "resident-0099");
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "named");
    /* a long id is echoed whole */
    memset(big, 'z', sizeof big);
    cr_assert_eq(phs_record_set_string(fx.rec, id, big, 3000), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_eq(strlen(phs_result_id(fx.res)), 3000);
    cr_expect(strspn(phs_result_id(fx.res), "z") == 3000);
    /* NUL inside a string is refused */
    cr_expect_eq(phs_record_set_string(fx.rec, note, "a\0b", 3), PHS_ERECORD);
}

Test(record, dates_out_of_range)
{
    phs_ruleset *rs = rs_api();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    int v = fid(rs, "visit_date");
    phs_date d;
    phs_date_make(&d, 1, 1, 1);
    cr_expect_eq(phs_record_set_date(rec, v, d), PHS_OK);
    cr_expect_eq(phs_record_set_date(rec, v, d - 1), PHS_ERECORD);
    phs_date_make(&d, 9999, 12, 31);
    cr_expect_eq(phs_record_set_date(rec, v, d), PHS_OK);
    cr_expect_eq(phs_record_set_date(rec, v, d + 1), PHS_ERECORD);
    cr_expect_eq(phs_record_set_date(rec, v, PHS_DATE_NONE), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(phs_error_last()), "visit_date");
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

/* ---- record-level checks and batches ---- */

Test(classify_api, record_check_sbp_below_dbp, .init = fixture_up,
     .fini = fixture_down)
{
    cr_expect_eq(
        t_reclassify(fx.rs, fx.rec, fx.res,
                     "visit_date=2024-06-01|diagnoses=I10|sbp=80|dbp=90"),
        PHS_ERECORD);
    const phs_error *e = phs_error_last();
    cr_expect_eq(phs_error_code(e), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(e), "sbp");
    cr_expect(strstr(phs_error_message(e), "sbp_below_dbp"), "%s",
              phs_error_message(e));
    /* equal values pass the check; unknown dbp does not trigger it */
    cr_expect_eq(
        t_reclassify(fx.rs, fx.rec, fx.res,
                     "visit_date=2024-06-01|diagnoses=I10|sbp=90|dbp=90"),
        PHS_OK);
    cr_expect_eq(
        t_reclassify(fx.rs, fx.rec, fx.res,
                     "visit_date=2024-06-01|diagnoses=I10|sbp=90"),
        PHS_OK);
}

Test(classify_api, batch_with_one_bad_record)
{
    phs_ruleset *rs = rs_api();
    enum { N = 5 };
    phs_record *recs[N];
    phs_result *res[N];
    int status[N];
    static const char *specs[N] = {
        "id=r0|visit_date=2024-06-01|diagnoses=I10|sbp=190|dbp=100",
        "id=r1|visit_date=2024-06-01|diagnoses=I10|sbp=120|dbp=80",
        "id=r2|visit_date=2024-06-01|diagnoses=I10|sbp=80|dbp=95",
        "id=r3|visit_date=2024-06-01|diagnoses=E11|sbp=120|dbp=80",
        "id=r4|visit_date=2024-06-01|diagnoses=I10|sbp=185|dbp=80",
    };
    static const char *tiers[N] = {"emergency", "routine", NULL, NULL,
                                   "emergency"};
    for (int i = 0; i < N; i++) {
        cr_assert_eq(phs_record_new(&recs[i], rs), PHS_OK);
        cr_assert_eq(phs_result_new(&res[i], rs), PHS_OK);
        cr_assert_eq(t_fill(recs[i], rs, specs[i]), PHS_OK);
        status[i] = 12345;
    }
    int rc = phs_classify_batch(rs, (const phs_record *const *)recs,
                                (phs_result *const *)res, status, N);
    cr_expect_eq(rc, PHS_ERECORD);
    for (int i = 0; i < N; i++) {
        cr_expect_eq(status[i], i == 2 ? PHS_ERECORD : PHS_OK, "record %d", i);
        if (i != 2) {
            char want[8];
            snprintf(want, sizeof want, "r%d", i);
            cr_expect_str_eq(phs_result_id(res[i]), want);
            if (tiers[i])
                cr_expect_str_eq(phs_result_tier(res[i], 0), tiers[i]);
            else
                cr_expect_null(phs_result_tier(res[i], 0));
        }
    }
    /* without the bad record everything succeeds; status may be NULL */
    cr_assert_eq(t_fill(recs[2], rs, specs[1]), PHS_OK);
    cr_expect_eq(phs_classify_batch(rs, (const phs_record *const *)recs,
                                    (phs_result *const *)res, NULL, N),
                 PHS_OK);
    cr_expect_eq(phs_classify_batch(rs, NULL, NULL, NULL, 0), PHS_OK);
    cr_expect_eq(phs_classify_batch(rs, NULL, (phs_result *const *)res, NULL,
                                    1),
                 PHS_EINVAL);
    cr_expect_eq(phs_classify_batch(NULL, (const phs_record *const *)recs,
                                    (phs_result *const *)res, NULL, 1),
                 PHS_EINVAL);
    for (int i = 0; i < N; i++) {
        phs_record_free(recs[i]);
        phs_result_free(res[i]);
    }
    phs_ruleset_free(rs);
}

Test(classify_api, batch_matches_single_calls)
{
    phs_ruleset *rs = rs_api();
    enum { N = 64 };
    phs_record *recs[N];
    phs_result *res[N], *one;
    cr_assert_eq(phs_result_new(&one, rs), PHS_OK);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(phs_record_new(&recs[i], rs), PHS_OK);
        cr_assert_eq(phs_result_new(&res[i], rs), PHS_OK);
        char *s = t_fmt("id=x%d|visit_date=2024-06-01|diagnoses=%s|sbp=%d|"
                        "smoker=%s",
                        i, i % 3 ? "I10" : "E11", 100 + i * 2,
                        i % 2 ? "true" : "false");
        cr_assert_eq(t_fill(recs[i], rs, s), PHS_OK);
        free(s);
    }
    cr_assert_eq(phs_classify_batch(rs, (const phs_record *const *)recs,
                                    (phs_result *const *)res, NULL, N),
                 PHS_OK);
    for (int i = 0; i < N; i++) {
        char *a = NULL, *b = NULL;
        cr_assert_eq(phs_classify(rs, recs[i], one), PHS_OK);
        cr_assert_eq(phs_result_to_json(one, &a, NULL), PHS_OK);
        cr_assert_eq(phs_result_to_json(res[i], &b, NULL), PHS_OK);
        cr_expect_str_eq(a, b, "record %d", i);
        phs_free(a);
        phs_free(b);
        phs_record_free(recs[i]);
        phs_result_free(res[i]);
    }
    phs_result_free(one);
    phs_ruleset_free(rs);
}

/* ---- JSON ---- */

/* A small strict JSON checker: returns the end of one value or NULL. */
static const char *js_value(const char *p, int depth);
static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}
static const char *js_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}
static const char *js_value(const char *p, int depth)
{
    if (depth > 100)
        return NULL;
    p = js_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        p = js_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (obj) {
                p = js_string(js_ws(p));
                if (!p)
                    return NULL;
                p = js_ws(p);
                if (*p++ != ':')
                    return NULL;
            }
            p = js_value(p, depth + 1);
            if (!p)
                return NULL;
            p = js_ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (*p == '"')
        return js_string(p);
    if (!strncmp(p, "true", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (!strncmp(p, "null", 4))
        return p + 4;
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;
        strtod(p, &end);
        return end > p ? end : NULL;
    }
    return NULL;
}
static int json_valid(const char *s)
{
    const char *e = js_value(s, 0);
    return e && *js_ws(e) == '\0';
}

/* Render `res` as JSON: valid and holding each of `keys` (NULL-ended). */
static void expect_json_keys(const phs_result *res, const char *const *keys)
{
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    cr_expect(json_valid(json), "invalid JSON: %s", json);
    phs_free(json);
    t_expect_json(res, keys, NULL);
}

Test(json, checker_self_test)
{
    cr_expect(json_valid("{\"a\":[1,2,{\"b\":null}],\"c\":\"x\\\"y\"}"));
    cr_expect(!json_valid("{\"a\":[1,2}"));
    cr_expect(!json_valid("{\"a\":1,}"));
    cr_expect(!json_valid("{\"a\":\"\n\"}"));
    cr_expect(!json_valid("{\"a\":1} x"));
}

Test(json, result_rendering)
{
    phs_ruleset *rs = rs_api();
    phs_result *res = t_classify(
        rs, "id=he said \"hi\"\\ \t|visit_date=2024-06-01|diagnoses=I10|"
            "sbp=190|smoker=true|sex=F");
    char *json = NULL;
    size_t len = 0;
    cr_assert_eq(phs_result_to_json(res, &json, &len), PHS_OK);
    cr_assert(json != NULL);
    cr_expect_eq(strlen(json), len);
    cr_expect(json_valid(json), "invalid JSON: %s", json);
    cr_expect(!strchr(json, '\n'), "one line");
    static const char *keys[] = {
        "\"id\":\"he said \\\"hi\\\"\\\\ \\t\"", /* spaces kept */
        "\"rules_fingerprint\":\"sha256:",
        "\"programs\":{\"p\":{",
        "\"enrolled\":true",
        "\"tier\":\"emergency\"",
        "\"level\":5",
        "\"code\":\"4\"",
        "\"next_due\":\"2024-06-15\"",
        "\"referral\":true",
        "\"actions\":[\"urgent_referral\"]",
        "\"flags\":[\"smoker\",\"female\"]",
        "\"reasons\":[{\"rule\":\"eligibility\"",
        "\"rule\":\"tier.emergency\"",
        "\"clause\":\"c1\"",
        "\"missing\":[]",
        "\"plan\":[{\"date\":\"2024-06-15\",\"programs\":[\"p\"]}]",
        "\"visit_date\":\"2024-06-01\"",
        "\"interval\":\"14 days\"",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_expect(strstr(json, keys[i]), "missing %s in %s", keys[i], json);
    phs_free(json);
    phs_result_free(res);

    /* not enrolled and insufficient data render nulls and missing lists */
    res = t_classify(rs, "visit_date=2024-06-01|diagnoses=I10");
    expect_json_keys(res, (const char *const[]){
                              "\"tier\":\"insufficient_data\"",
                              "\"missing\":[\"sbp\"]", "\"next_due\":null",
                              "\"plan\":[]", "\"id\":\"\"", NULL});
    phs_result_free(res);
    res = t_classify(rs, "sbp=120");
    expect_json_keys(res, (const char *const[]){"\"enrolled\":false",
                                                "\"tier\":null",
                                                "\"visit_date\":null", NULL});
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(json, control_characters_and_utf8_in_id, .init = fixture_up,
     .fini = fixture_down)
{
    const char id[] = "居民\x01\x1f\n\r\t/end";
    cr_assert_eq(
        phs_record_set_string(fx.rec, fid(fx.rs, "id"), id, strlen(id)),
        PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(fx.res, &json, NULL), PHS_OK);
    cr_expect(json_valid(json), "invalid JSON: %s", json);
    cr_expect(strstr(json, "\"id\":\"居民\\u0001\\u001f\\n\\r\\t/end\""), "%s",
              json);
    phs_free(json);
}

Test(api, rules_dir_default)
{
    setenv("PHS_RULES_DIR", "/some/where", 1);
    cr_expect_str_eq(phs_rules_dir_default(), "/some/where");
    setenv("PHS_RULES_DIR", "", 1); /* empty: as if unset */
    const char *d = phs_rules_dir_default();
    unsetenv("PHS_RULES_DIR");
    cr_expect_str_eq(phs_rules_dir_default(), d);
    /* the installed rules, never the build's source tree (no baked path) */
    const char *tail = "/libphs/rules";
    cr_assert(d != NULL && strlen(d) > strlen(tail));
    cr_expect_str_eq(d + strlen(d) - strlen(tail), tail);
    cr_expect(strncmp(d, PHS_SOURCE_ROOT "/rules", strlen(PHS_SOURCE_ROOT "/rules")) != 0,
              "%s", d);
}

Test(record, record_has)
{
    phs_ruleset *rs = rs_api();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    int sbp = fid(rs, "sbp"), dx = fid(rs, "diagnoses"), sex = fid(rs, "sex");
    cr_expect_eq(phs_record_has(rec, sbp), 0);
    cr_expect_eq(phs_record_has(rec, dx), 0);
    cr_assert_eq(phs_record_set_number(rec, sbp, 120), PHS_OK);
    cr_expect_eq(phs_record_has(rec, sbp), 1);
    /* a refused value leaves an absent field absent */
    cr_expect_eq(phs_record_set_string(rec, sex, "X", 1), PHS_ERECORD);
    cr_expect_eq(phs_record_has(rec, sex), 0);
    cr_assert_eq(phs_record_set_text(rec, dx, "", 0), PHS_OK);
    cr_expect_eq(phs_record_has(rec, dx), 1, "an empty list is present");
    cr_assert_eq(phs_record_unset(rec, sbp), PHS_OK);
    cr_expect_eq(phs_record_has(rec, sbp), 0);
    cr_assert_eq(phs_record_set_text(rec, sbp, "130", 3), PHS_OK);
    cr_expect_eq(phs_record_has(rec, sbp), 1);
    cr_assert_eq(phs_record_set_text(rec, sbp, "", 0), PHS_OK);
    cr_expect_eq(phs_record_has(rec, sbp), 0, "empty text unsets a scalar");
    phs_record_clear(rec);
    cr_expect_eq(phs_record_has(rec, dx), 0);
    cr_expect_eq(phs_record_has(rec, -1), PHS_ERROR);
    cr_expect_eq(phs_record_has(rec, 999), PHS_ERROR);
    cr_expect_eq(phs_record_has(NULL, 0), PHS_ERROR);
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

/* One ruleset shared by threads: tests/test_threads.c (also run under
 * ThreadSanitizer, where Criterion does not start). */

/* JSON text is UTF-8: an id holding bytes that are not UTF-8 (a GBK file
 * read as text, say) is either refused when set or escaped/replaced in the
 * JSON, never copied through as invalid UTF-8. */
static int utf8_valid(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s >> 5) == 6 ? 1 : (*s >> 4) == 14 ? 2
              : (*s >> 3) == 30 ? 3 : -1;
        if (n < 0)
            return 0;
        s++;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

Test(json, invalid_utf8_never_reaches_the_json, .init = fixture_up,
     .fini = fixture_down)
{
    const char gbk[] = "\xd5\xc5\xc8\xfd-01"; /* 张三 in GBK */
    int rc = phs_record_set_string(fx.rec, fid(fx.rs, "id"), gbk, strlen(gbk));
    cr_expect(rc == PHS_OK || rc == PHS_ERECORD, "rc %d", rc);
    if (rc == PHS_OK) {
        cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
        char *json = NULL;
        cr_assert_eq(phs_result_to_json(fx.res, &json, NULL), PHS_OK);
        cr_expect(utf8_valid((const unsigned char *)json),
                  "the JSON carries the id's invalid UTF-8 bytes as they are");
        phs_free(json);
    }
}

Test(record, text_must_be_valid_utf8)
{
    phs_ruleset *rs = rs_api();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    int note = fid(rs, "note"), dx = fid(rs, "diagnoses"), id = fid(rs, "id");
    static const char *bad[] = {
        "\xd5\xc5\xc8\xfd",    /* GBK */
        "\xc0\xaf",            /* overlong '/' */
        "\xe0\x80\xaf",        /* overlong, 3 bytes */
        "\xed\xa0\x80",        /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80",    /* above U+10FFFF */
        "\xe4\xb8",            /* truncated */
        "a\x80",               /* a stray continuation byte */
        "\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i]);
        cr_expect_eq(phs_record_set_string(rec, note, bad[i], n), PHS_ERECORD,
                     "string %zu", i);
        cr_expect_str_eq(phs_error_field(phs_error_last()), "note");
        cr_expect_eq(phs_record_set_text(rec, id, bad[i], n), PHS_ERECORD,
                     "text %zu", i);
        cr_expect_eq(phs_record_add_code(rec, dx, bad[i], n), PHS_ERECORD,
                     "code %zu", i);
    }
    cr_expect_eq(phs_record_has(rec, note), 0);
    cr_expect_eq(phs_record_has(rec, id), 0);
    cr_expect_eq(phs_record_has(rec, dx), 0);
    static const char *good[] = {"张三", "I10.x00", "😀", "é", "\xef\xbf\xbd",
                                 "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t n = strlen(good[i]);
        cr_expect_eq(phs_record_set_string(rec, note, good[i], n), PHS_OK,
                     "%s", good[i]);
        cr_expect_eq(phs_record_add_code(rec, dx, good[i], n), PHS_OK, "%s",
                     good[i]);
    }
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

Test(record, string_text_keeps_its_spaces, .init = fixture_up,
     .fini = fixture_down)
{
    cr_assert_eq(
        t_fill(fx.rec, fx.rs, "visit_date=2024-06-01|diagnoses=I10|sbp=120"),
        PHS_OK);
    int note = fid(fx.rs, "note");
    cr_assert_eq(phs_record_set_text(fx.rec, note, " ABCDEFGHIJ ", 12), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "routine");
    cr_assert_eq(phs_record_set_text(fx.rec, note, "ABCDEFGHIJ", 10), PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "named");
    /* numbers, dates, bools and codes are still trimmed */
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "sbp"), " 185\t", 5),
                 PHS_OK);
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "smoker"), " yes ", 5),
                 PHS_OK);
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "visit_date"),
                                     " 2024-06-01 ", 12),
                 PHS_OK);
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "sex"), "F", 1),
                 PHS_OK);
    /* a tab around a code is a blank too: "\tI10" would not enrol */
    cr_expect_eq(phs_record_set_text(fx.rec, fid(fx.rs, "diagnoses"),
                                     "J44;\tI10\t", 9),
                 PHS_OK);
    cr_assert_eq(phs_classify(fx.rs, fx.rec, fx.res), PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "emergency");
}

/* ---- integer accessors and the columnar batch ---- */

Test(api, tier_and_flag_indexes)
{
    phs_ruleset *rs = rs_api();
    cr_expect_eq(phs_ruleset_tier_count(rs, 0), 3);
    cr_expect_str_eq(phs_ruleset_tier_id(rs, 0, 0), "emergency");
    cr_expect_str_eq(phs_ruleset_tier_id(rs, 0, 1), "named");
    cr_expect_str_eq(phs_ruleset_tier_id(rs, 0, 2), "routine");
    cr_expect_null(phs_ruleset_tier_id(rs, 0, 3));
    cr_expect_null(phs_ruleset_tier_id(rs, 1, 0));
    cr_expect_eq(phs_ruleset_tier_count(rs, 1), 0);
    cr_expect_eq(phs_ruleset_flag_count(rs, 0), 2);
    cr_expect_str_eq(phs_ruleset_flag_id(rs, 0, 0), "smoker");
    cr_expect_str_eq(phs_ruleset_flag_id(rs, 0, 1), "female");
    cr_expect_null(phs_ruleset_flag_id(rs, 0, 2));
    cr_expect_eq(phs_ruleset_flag_count(NULL, 0), 0);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|diagnoses=I10|"
                                     "sbp=190|sex=F");
    cr_expect_eq(phs_result_tier_index(res, 0), 0);
    cr_expect_eq(phs_result_flag_mask(res, 0), (uint64_t)2);
    cr_expect_eq(phs_result_tier_index(res, 5), -1);
    cr_expect_eq(phs_result_flag_mask(res, 5), 0);
    phs_result_free(res);
    res = t_classify(rs, "visit_date=2024-06-01|diagnoses=I10|smoker=true");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_INSUFFICIENT_DATA);
    cr_expect_eq(phs_result_tier_index(res, 0), -1);
    cr_expect_eq(phs_result_flag_mask(res, 0), (uint64_t)1);
    phs_result_free(res);
    res = t_classify(rs, "visit_date=2024-06-01|diagnoses=E11|sbp=120");
    cr_expect_eq(phs_result_tier_index(res, 0), -1);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(columns, agree_with_record_by_record_classification)
{
    phs_ruleset *rs = rs_api();
    enum { N = 8 };
    static const double sbp[N] = {190, 120, NAN, 125, 400, 80, 150, 120};
    static const double dbp[N] = {90, 80, 80, NAN, 80, 90, 95, 70};
    static const int8_t smoker[N] = {1, 0, -1, 1, 0, 0, -1, 2};
    phs_date june, jan;
    phs_date_make(&june, 2024, 6, 1);
    phs_date_make(&jan, 2024, 1, 31);
    const phs_date visit[N] = {june, jan, june, PHS_DATE_NONE, june, june,
                               june, june};
    static const char *const sex[N] = {"F", NULL, "M", "F", "F", "M", NULL,
                                       "F"};
    static const char *const dx[N] = {"I10", "E11;I10.x", NULL, "I10",
                                      "I10", "I10", "", "I10"};
    static const char *const signs[N] = {NULL, NULL, "I10", NULL, NULL, NULL,
                                         NULL, NULL};
    static const char *const note[N] = {NULL, "ABCDEFGHIJ", NULL, NULL, NULL,
                                        NULL, NULL, "ABCDEFGHIJ"};
    static const char *const id[N] = {"c0", "c1", "c2", "c3",
                                      "c4", "c5", "c6", "c7"};
    const phs_column cols[] = {
        {fid(rs, "sbp"), sbp},          {fid(rs, "dbp"), dbp},
        {fid(rs, "smoker"), smoker},    {fid(rs, "visit_date"), visit},
        {fid(rs, "sex"), sex},          {fid(rs, "diagnoses"), dx},
        {fid(rs, "signs"), signs},      {fid(rs, "note"), note},
        {fid(rs, "id"), id},
    };
    size_t ncols = sizeof cols / sizeof cols[0];
    int16_t tier[N];
    phs_date due[N];
    uint64_t flags[N];
    int status[N];
    int rc = phs_classify_columns(rs, N, cols, ncols, tier, due, flags, status);
    cr_expect_eq(rc, PHS_ERECORD, "rows 4 (sbp 400) and 5 (sbp < dbp) fail");
    /* the same residents record by record */
    phs_record *rec = t_record_new(rs);
    phs_result *res = t_result_new(rs);
    for (int i = 0; i < N; i++) {
        phs_record_clear(rec);
        int r = PHS_OK;
        if (!isnan(sbp[i]))
            r = phs_record_set_number(rec, fid(rs, "sbp"), sbp[i]);
        if (r == PHS_OK && !isnan(dbp[i]))
            r = phs_record_set_number(rec, fid(rs, "dbp"), dbp[i]);
        if (r == PHS_OK && smoker[i] >= 0)
            r = phs_record_set_bool(rec, fid(rs, "smoker"), smoker[i]);
        if (r == PHS_OK && visit[i] != PHS_DATE_NONE)
            r = phs_record_set_date(rec, fid(rs, "visit_date"), visit[i]);
        const char *const *texts[] = {sex, dx, signs, note, id};
        const char *names[] = {"sex", "diagnoses", "signs", "note", "id"};
        for (int c = 0; c < 5 && r == PHS_OK; c++)
            if (texts[c][i])
                r = phs_record_set_text(rec, fid(rs, names[c]), texts[c][i],
                                        strlen(texts[c][i]));
        if (r == PHS_OK)
            r = phs_classify(rs, rec, res);
        cr_expect_eq(status[i], r, "row %d: status %d, expected %d", i,
                     status[i], r);
        if (r != PHS_OK) {
            cr_expect_eq(tier[i], PHS_COL_ERROR, "row %d", i);
            cr_expect_eq(due[i], PHS_DATE_NONE, "row %d", i);
            cr_expect_eq(flags[i], 0, "row %d", i);
            continue;
        }
        int want = t_col_tier(res, 0);
        cr_expect_eq(tier[i], want, "row %d: tier %d, expected %d", i, tier[i],
                     want);
        cr_expect_eq(due[i], phs_result_next_due(res, 0), "row %d", i);
        cr_expect_eq(flags[i], phs_result_flag_mask(res, 0), "row %d", i);
    }
    /* spot checks against the rules themselves */
    cr_expect_eq(tier[0], 0);                  /* emergency */
    cr_expect_eq(flags[0], (uint64_t)3);       /* smoker, female */
    cr_expect_eq(tier[1], 1);                  /* named */
    cr_expect_eq(tier[2], PHS_COL_INSUFFICIENT_DATA); /* via signs, no sbp */
    cr_expect_eq(tier[6], PHS_COL_NOT_ENROLLED);      /* empty list */
    cr_expect_eq(tier[7], 1);
    char d[11];
    cr_expect_str_eq(t_datestr(due[1], d), "2024-02-29");
    cr_expect_eq(status[4], PHS_ERECORD);
    cr_expect_eq(status[5], PHS_ERECORD);
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(columns, arguments_and_optional_outputs)
{
    phs_ruleset *rs = rs_api();
    static const double sbp[2] = {190, 120};
    static const char *const dx[2] = {"I10", "I10"};
    phs_column cols[] = {{fid(rs, "sbp"), sbp}, {fid(rs, "diagnoses"), dx}};
    /* all outputs optional */
    cr_expect_eq(phs_classify_columns(rs, 2, cols, 2, NULL, NULL, NULL, NULL),
                 PHS_OK);
    int16_t tier[2];
    cr_expect_eq(phs_classify_columns(rs, 2, cols, 2, tier, NULL, NULL, NULL),
                 PHS_OK);
    cr_expect_eq(tier[0], 0);
    cr_expect_eq(tier[1], 2);
    /* no rows, no columns */
    cr_expect_eq(phs_classify_columns(rs, 0, cols, 2, NULL, NULL, NULL, NULL),
                 PHS_OK);
    cr_expect_eq(phs_classify_columns(rs, 2, NULL, 0, tier, NULL, NULL, NULL),
                 PHS_OK);
    cr_expect_eq(tier[0], PHS_COL_NOT_ENROLLED);
    /* bad arguments */
    phs_column bad[] = {{999, sbp}};
    cr_expect_eq(phs_classify_columns(rs, 2, bad, 1, tier, NULL, NULL, NULL),
                 PHS_EINVAL);
    phs_column nullv[] = {{fid(rs, "sbp"), NULL}};
    cr_expect_eq(phs_classify_columns(rs, 2, nullv, 1, tier, NULL, NULL, NULL),
                 PHS_EINVAL);
    cr_expect_eq(phs_classify_columns(NULL, 2, cols, 2, tier, NULL, NULL, NULL),
                 PHS_EINVAL);
    cr_expect_eq(phs_classify_columns(rs, 2, NULL, 2, tier, NULL, NULL, NULL),
                 PHS_EINVAL);
    /* an invalid enum value is a record error for that row only */
    static const char *const sex[2] = {"X", "F"};
    phs_column c3[] = {{fid(rs, "sbp"), sbp}, {fid(rs, "diagnoses"), dx},
                       {fid(rs, "sex"), sex}};
    int status[2];
    cr_expect_eq(phs_classify_columns(rs, 2, c3, 3, tier, NULL, NULL, status),
                 PHS_ERECORD);
    cr_expect_eq(status[0], PHS_ERECORD);
    cr_expect_eq(status[1], PHS_OK);
    cr_expect_eq(tier[0], PHS_COL_ERROR);
    cr_expect_eq(tier[1], 2);
    phs_ruleset_free(rs);
}
