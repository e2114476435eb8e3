/* Spec loading: metadata and field accessors, parameters and overrides,
 * the fingerprint, provisional rules and embedded examples.  One file past
 * ~800 lines on purpose: its cases share the inline specs below (PARAM_BODY
 * and the loader helpers); split by topic, each part would repeat them. */
#include "helpers.h"
#include "phs/analysis.h"

static const char PARAM_BODY[] =
    "parameters:\n"
    "  - name: threshold\n"
    "    type: number\n"
    "    default: 140\n"
    "    cite: [c1]\n"
    "  - name: profile\n"
    "    type: enum\n"
    "    values: [strict, lenient]\n"
    "    default: strict\n"
    "    cite: [c2]\n"
    "  - name: screen_all\n"
    "    type: bool\n"
    "    default: false\n"
    "    cite: [c1]\n"
    "derived:\n"
    "  - name: target\n"
    "    expr: \"if profile == 'strict' then threshold else threshold + 10\"\n"
    "eligibility: {when: \"screen_all or has_code(diagnoses, ['I10'])\", "
    "cite: [c1]}\n"
    "tiers:\n"
    "  - {id: above, level: 3, when: \"sbp >= target\", follow_up: {interval: "
    "14 days}, cite: [c1]}\n"
    "  - {id: below, level: 1, when: \"true\", follow_up: {interval: 3 "
    "months}, cite: [c1]}\n";

static int load_params(phs_ruleset **rs, const char *const *kv, size_t n)
{
    phs_ruleset_options *o = NULL;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(phs_ruleset_options_set_param(o, kv[2 * i], kv[2 * i + 1]),
                     PHS_OK);
    char *p = t_prog("htn", "draft", PARAM_BODY);
    const char *progs[] = {p};
    const char *names[] = {"htn.yaml"};
    *rs = NULL;
    int rc = t_load(rs, T_DICT, progs, names, 1, o);
    free(p);
    phs_ruleset_options_free(o);
    return rc;
}

static const char *tier_of(const phs_ruleset *rs, const char *rec,
                           char *out, size_t size)
{
    phs_result *res = t_classify(rs, rec);
    const char *t = phs_result_tier(res, 0);
    snprintf(out, size, "%s", t ? t : "(none)");
    phs_result_free(res);
    return out;
}

#define P145 "visit_date=2024-06-01|diagnoses=I10|sbp=145"

Test(spec, metadata_accessors)
{
    char *p = t_prog("alpha", "provisional", PARAM_BODY);
    char *q = t_prog("beta", "draft", PARAM_BODY);
    const char *progs[] = {q, p}; /* loaded in file-name order */
    const char *names[] = {"b.yaml", "a.yaml"};
    phs_ruleset *rs = NULL;
    cr_assert_eq(t_load(&rs, T_DICT, progs, names, 2, NULL), PHS_OK, "%s",
                 t_errmsg());
    cr_expect_eq(phs_ruleset_program_count(rs), 2);
    cr_expect_str_eq(phs_ruleset_program_id(rs, 0), "alpha");
    cr_expect_str_eq(phs_ruleset_program_id(rs, 1), "beta");
    cr_expect_null(phs_ruleset_program_id(rs, 2));
    cr_expect_str_eq(phs_ruleset_program_version(rs, 0), "1.0");
    cr_expect_str_eq(phs_ruleset_program_status(rs, 0), "provisional");
    cr_expect_str_eq(phs_ruleset_program_status(rs, 1), "draft");
    cr_expect_str_eq(phs_ruleset_program_title(rs, 0, "zh"), "测试项目");
    cr_expect_str_eq(phs_ruleset_program_title(rs, 0, "en"), "test program");
    cr_expect_null(phs_ruleset_program_title(rs, 0, "fr"));
    cr_expect_null(phs_ruleset_program_title(rs, 5, "en"));
    cr_expect_null(phs_ruleset_program_version(rs, 9));
    cr_expect_null(phs_ruleset_program_status(rs, 9));
    cr_expect_eq(phs_ruleset_program_index(rs, "beta"), 1);
    cr_expect_eq(phs_ruleset_program_index(rs, "gamma"), PHS_ENOTFOUND);
    cr_expect_eq(phs_error_code(phs_error_last()), PHS_ENOTFOUND);
    cr_expect_eq(phs_ruleset_program_index(rs, NULL), PHS_ENOTFOUND);
    phs_ruleset_free(rs);
    free(p);
    free(q);
}

Test(spec, field_accessors)
{
    const char *progs[] = {NULL};
    char *p = t_prog("p", "draft", PARAM_BODY);
    progs[0] = p;
    phs_ruleset *rs = t_must_load(progs, 1, NULL);
    cr_expect_eq(phs_ruleset_field_count(rs), 16);
    int sbp = phs_ruleset_field_id(rs, "sbp");
    cr_assert(sbp >= 0);
    cr_expect_str_eq(phs_ruleset_field_name(rs, sbp), "sbp");
    cr_expect_eq(phs_ruleset_field_type(rs, sbp), PHS_TYPE_NUMBER);
    cr_expect_eq(phs_ruleset_field_type(rs, phs_ruleset_field_id(rs, "sex")),
                 PHS_TYPE_ENUM);
    cr_expect_eq(
        phs_ruleset_field_type(rs, phs_ruleset_field_id(rs, "diagnoses")),
        PHS_TYPE_CODES);
    cr_expect_eq(
        phs_ruleset_field_type(rs, phs_ruleset_field_id(rs, "visit_date")),
        PHS_TYPE_DATE);
    cr_expect_eq(phs_ruleset_field_type(rs, phs_ruleset_field_id(rs, "smoker")),
                 PHS_TYPE_BOOL);
    cr_expect_eq(phs_ruleset_field_type(rs, phs_ruleset_field_id(rs, "note")),
                 PHS_TYPE_STRING);
    cr_expect_eq(phs_ruleset_field_id(rs, "nope"), PHS_ENOTFOUND);
    cr_expect_eq(phs_ruleset_field_id(rs, "age_years"), PHS_ENOTFOUND,
                 "derived values are not input fields");
    cr_expect_eq(phs_ruleset_field_id(rs, NULL), PHS_ENOTFOUND);
    cr_expect_null(phs_ruleset_field_name(rs, -1));
    cr_expect_null(phs_ruleset_field_name(rs, 16));
    cr_expect_eq(phs_ruleset_field_type(rs, 16), PHS_ERROR);
    cr_expect_eq(phs_ruleset_field_type(rs, -1), PHS_ERROR);
    for (size_t i = 0; i < phs_ruleset_field_count(rs); i++)
        cr_expect_eq(phs_ruleset_field_id(rs, phs_ruleset_field_name(rs, (int)i)),
                     (int)i);
    phs_ruleset_free(rs);
    free(p);
}

/* ---- parameters ---- */

/* Parameter overrides (name, value pairs) and the tier two records get. */
struct param_case {
    const char *name;
    const char *kv[4];
    size_t n;
    const char *rec[2], *tier[2];
};

static const struct param_case PARAM_CASES[] = {
    {"defaults", {NULL}, 0,
     {P145, "visit_date=2024-06-01|sbp=145"}, {"above", "(none)"}},
    {"number override", {"htn.threshold", "150"}, 1,
     {P145, "visit_date=2024-06-01|diagnoses=I10|sbp=150"}, {"below", "above"}},
    /* the lenient threshold is 150; screen_all enrols without the diagnosis */
    {"enum and bool overrides",
     {"htn.profile", "lenient", "htn.screen_all", "true"}, 2,
     {P145, "visit_date=2024-06-01|sbp=155"}, {"below", "above"}},
    {"the last override wins", {"htn.threshold", "100", "htn.threshold", "150"},
     2, {P145, NULL}, {"below", NULL}},
};

Test(params, every_case)
{
    char t[64];
    for (size_t i = 0; i < T_COUNT(PARAM_CASES); i++) {
        const struct param_case *c = &PARAM_CASES[i];
        phs_ruleset *rs;
        cr_assert_eq(load_params(&rs, c->n ? c->kv : NULL, c->n), PHS_OK,
                     "case %s: %s", c->name, t_errmsg());
        for (size_t r = 0; r < 2 && c->rec[r]; r++)
            cr_expect_str_eq(tier_of(rs, c->rec[r], t, sizeof t), c->tier[r],
                             "case %s: {%s}", c->name, c->rec[r]);
        phs_ruleset_free(rs);
    }
}

Test(params, unknown_parameter_is_enotfound)
{
    phs_ruleset *rs = (phs_ruleset *)1;
    const char *kv[] = {"htn.nope", "1"};
    cr_expect_eq(load_params(&rs, kv, 1), PHS_ENOTFOUND);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "htn.nope"), "%s", t_errmsg());
    const char *kv2[] = {"other.threshold", "1"};
    cr_expect_eq(load_params(&rs, kv2, 1), PHS_ENOTFOUND);
    cr_expect_null(rs);
    /* a prefix of a real name is not that name */
    const char *kv3[] = {"htn.thresh", "1"};
    cr_expect_eq(load_params(&rs, kv3, 1), PHS_ENOTFOUND);
    const char *kv4[] = {"ht.threshold", "1"};
    cr_expect_eq(load_params(&rs, kv4, 1), PHS_ENOTFOUND);
}

Test(params, bad_values_are_espec)
{
    static const char *bad[][2] = {
        {"htn.threshold", "abc"}, {"htn.threshold", ""},
        {"htn.threshold", "1e999"}, {"htn.threshold", "nan"},
        {"htn.profile", "medium"}, {"htn.screen_all", "maybe"},
        {"htn.screen_all", "1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phs_ruleset *rs = (phs_ruleset *)1;
        const char *kv[] = {bad[i][0], bad[i][1]};
        cr_expect_eq(load_params(&rs, kv, 1), PHS_ESPEC, "%s=%s", bad[i][0],
                     bad[i][1]);
        cr_expect_null(rs);
    }
}

Test(params, set_param_argument_checks)
{
    phs_ruleset_options *o = NULL;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    cr_expect_eq(phs_ruleset_options_set_param(o, "nodot", "1"), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_param(o, NULL, "1"), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_param(o, "a.b", NULL), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_param(NULL, "a.b", "1"), PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_limit(o, (phs_limit)99, 5),
                 PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_limit(o, PHS_LIMIT_YAML_DEPTH, 0),
                 PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_limit(o, PHS_LIMIT_YAML_DEPTH, -3),
                 PHS_EINVAL);
    cr_expect_eq(phs_ruleset_options_set_limit(o, PHS_LIMIT_FILE_BYTES,
                                               1L << 40),
                 PHS_OK, "values above the cap are clamped");
    cr_expect_eq(phs_ruleset_options_new(NULL), PHS_EINVAL);
    /* the strings are copied */
    char name[] = "htn.threshold", value[] = "150";
    cr_assert_eq(phs_ruleset_options_set_param(o, name, value), PHS_OK);
    memset(name, 'x', sizeof name - 1);
    memset(value, '9', sizeof value - 1);
    char *p = t_prog("htn", "draft", PARAM_BODY);
    const char *progs[] = {p};
    phs_ruleset *rs = NULL;
    cr_expect_eq(t_load(&rs, T_DICT, progs, NULL, 1, o), PHS_OK, "%s",
                 t_errmsg());
    char t[64];
    if (rs)
        cr_expect_str_eq(tier_of(rs, P145, t, sizeof t), "below");
    phs_ruleset_free(rs);
    phs_ruleset_options_free(o);
    phs_ruleset_options_free(NULL);
    free(p);
}

Test(params, options_reusable_and_not_retained)
{
    phs_ruleset_options *o = NULL;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    cr_assert_eq(phs_ruleset_options_set_param(o, "htn.threshold", "150"),
                 PHS_OK);
    char *p = t_prog("htn", "draft", PARAM_BODY);
    const char *progs[] = {p};
    phs_ruleset *a = NULL, *b = NULL;
    cr_assert_eq(t_load(&a, T_DICT, progs, NULL, 1, o), PHS_OK);
    phs_ruleset_options_free(o); /* the ruleset must not need it */
    char t[64];
    cr_expect_str_eq(tier_of(a, P145, t, sizeof t), "below");
    cr_assert_eq(t_load(&b, T_DICT, progs, NULL, 1, NULL), PHS_OK);
    cr_expect_str_eq(tier_of(b, P145, t, sizeof t), "above");
    phs_ruleset_free(a);
    phs_ruleset_free(b);
    free(p);
}

/* ---- fingerprint ---- */

static char *fp_of(const char *dict, const char *prog,
                   const phs_ruleset_options *o)
{
    const char *progs[] = {prog};
    const char *names[] = {"p.yaml"};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, dict, progs, names, 1, o);
    cr_assert_eq(rc, PHS_OK, "%s", t_errmsg());
    const char *f = phs_ruleset_fingerprint(rs);
    cr_assert(f != NULL);
    cr_assert_eq(strlen(f), 7 + 64, "%s", f);
    cr_assert(strncmp(f, "sha256:", 7) == 0);
    for (size_t i = 7; i < 71; i++)
        cr_assert(strchr("0123456789abcdef", f[i]), "%s", f);
    char *copy = strdup(f);
    phs_ruleset_free(rs);
    return copy;
}

static const char FP_A[] =
    "program: p\n"
    "version: \"1.0\"\n"
    "title: {zh: 测试, en: test}\n"
    "status: draft\n"
    "effective: {from: 2017-02-28, to: null}\n"
    "sources: [{id: s1, title: T}]\n"
    "clauses:\n"
    "  - {id: c1, source: s1, text: t1, tag: NAT, confidence: C2}\n"
    "eligibility: {when: \"true\", cite: [c1]}\n"
    "tiers:\n"
    "  - id: high\n"
    "    level: 3\n"
    "    when: \"sbp >= 140\"\n"
    "    follow_up: {interval: 14 days}\n"
    "    cite: [c1]\n"
    "  - {id: low, level: 1, when: \"true\", follow_up: {interval: 3 months}, "
    "cite: [c1]}\n";

/* The same spec: keys reordered, comments, block vs flow style, quoting of
 * plain strings, 3 vs 3.0. */
static const char FP_B[] =
    "# a comment at the top\n"
    "status: draft   # trailing comment\n"
    "program: p\n"
    "title:\n"
    "  en: test\n"
    "  zh: 测试\n"
    "effective:\n"
    "  to: null\n"
    "  from: 2017-02-28\n"
    "version: \"1.0\"\n"
    "clauses:\n"
    "  - id: c1\n"
    "    confidence: C2\n"
    "    tag: NAT\n"
    "    text: t1\n"
    "    source: s1\n"
    "sources:\n"
    "  - title: T\n"
    "    id: s1\n"
    "tiers:\n"
    "  - follow_up:\n"
    "      interval: 14 days\n"
    "    cite:\n"
    "      - c1\n"
    "    when: \"sbp >= 140\"\n"
    "    level: 3.0\n"
    "    id: high\n"
    "\n"
    "  - {cite: [c1], follow_up: {interval: 3 months}, when: 'true', level: 1,"
    " id: low}\n"
    "eligibility:\n"
    "  cite: [c1]\n"
    "  when: \"true\"\n";

Test(fingerprint, stable_across_order_comments_and_formatting)
{
    char *a = fp_of(T_DICT, FP_A, NULL);
    char *a2 = fp_of(T_DICT, FP_A, NULL);
    char *b = fp_of(T_DICT, FP_B, NULL);
    cr_expect_str_eq(a, a2, "not deterministic");
    cr_expect_str_eq(a, b);
    free(a);
    free(a2);
    free(b);
}

Test(fingerprint, changes_with_any_value)
{
    char *a = fp_of(T_DICT, FP_A, NULL);
    static const char *const edits[][2] = {
        {"level: 3\n", "level: 4\n"},
        {"sbp >= 140", "sbp >= 141"},
        {"interval: 14 days", "interval: 15 days"},
        {"text: t1", "text: t2"},
        {"version: \"1.0\"", "version: \"1.1\""},
        {"zh: 测试,", "zh: 测验,"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        const char *at = strstr(FP_A, edits[i][0]);
        cr_assert(at != NULL, "%s", edits[i][0]);
        char *mod = t_fmt("%.*s%s%s", (int)(at - FP_A), FP_A, edits[i][1],
                          at + strlen(edits[i][0]));
        char *m = fp_of(T_DICT, mod, NULL);
        cr_expect_str_neq(a, m, "edit %s -> %s kept the fingerprint",
                          edits[i][0], edits[i][1]);
        free(m);
        free(mod);
    }
    /* a change in the dictionary too */
    char *dict = t_fmt("%s", T_DICT);
    char *r = strstr(dict, "range: [40, 300]");
    cr_assert(r != NULL);
    memcpy(r, "range: [40, 299]", 16);
    char *d = fp_of(dict, FP_A, NULL);
    cr_expect_str_neq(a, d);
    free(d);
    free(dict);
    free(a);
}

Test(fingerprint, changes_with_overrides_not_their_order)
{
    char *prog = t_prog("htn", "draft", PARAM_BODY);
    phs_ruleset_options *o1, *o2, *o3;
    cr_assert_eq(phs_ruleset_options_new(&o1), PHS_OK);
    cr_assert_eq(phs_ruleset_options_new(&o2), PHS_OK);
    cr_assert_eq(phs_ruleset_options_new(&o3), PHS_OK);
    phs_ruleset_options_set_param(o1, "htn.threshold", "150");
    phs_ruleset_options_set_param(o1, "htn.profile", "lenient");
    phs_ruleset_options_set_param(o2, "htn.profile", "lenient");
    phs_ruleset_options_set_param(o2, "htn.threshold", "150");
    phs_ruleset_options_set_param(o3, "htn.threshold", "160");
    phs_ruleset_options_set_param(o3, "htn.profile", "lenient");
    char *base = fp_of(T_DICT, prog, NULL);
    char *f1 = fp_of(T_DICT, prog, o1);
    char *f2 = fp_of(T_DICT, prog, o2);
    char *f3 = fp_of(T_DICT, prog, o3);
    cr_expect_str_neq(base, f1, "an override must change the fingerprint");
    cr_expect_str_eq(f1, f2, "the order of overrides must not matter");
    cr_expect_str_neq(f1, f3, "the override's value must matter");
    free(base);
    free(f1);
    free(f2);
    free(f3);
    phs_ruleset_options_free(o1);
    phs_ruleset_options_free(o2);
    phs_ruleset_options_free(o3);
    free(prog);
}

Test(fingerprint, in_every_result)
{
    const char *progs[] = {FP_A};
    phs_ruleset *rs = t_must_load(progs, 1, NULL);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|sbp=150");
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    char *want = t_fmt("\"rules_fingerprint\":\"%s\"",
                       phs_ruleset_fingerprint(rs));
    cr_expect(strstr(json, want), "%s", json);
    free(want);
    phs_free(json);
    phs_result_free(res);
    phs_ruleset_free(rs);
    cr_expect_null(phs_ruleset_fingerprint(NULL));
}

/* ---- provisional rules ---- */

Test(provisional, production_spec_citing_r_clause_needs_the_mark)
{
    char *body = t_one_tier_body("guess", "", "c1, c_r");
    phs_ruleset *rs = (phs_ruleset *)1;
    cr_expect_eq(t_load_body(&rs, "production", body), PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "p.yaml:"), "%s", t_errmsg());
    cr_expect(strstr(t_errmsg(), "provisional"), "%s", t_errmsg());
    /* the error points at the tier (line of `- id: guess`) */
    cr_expect_eq(phs_error_line(phs_error_last()), 14, "%s", t_errmsg());
    /* fine in a provisional or draft spec */
    cr_expect_eq(t_load_body(&rs, "provisional", body), PHS_OK, "%s",
                 t_errmsg());
    phs_ruleset_free(rs);
    cr_expect_eq(t_load_body(&rs, "draft", body), PHS_OK, "%s", t_errmsg());
    phs_ruleset_free(rs);
    free(body);
}

Test(provisional, marked_rule_allowed_and_reported)
{
    char *body = t_one_tier_body("guess", "    provisional: true\n", "c_r");
    phs_ruleset *rs = NULL;
    cr_assert_eq(t_load_body(&rs, "production", body), PHS_OK, "%s",
                 t_errmsg());
    phs_result *res = t_classify(rs, "visit_date=2024-06-01");
    T_EXPECT_JSON(res, "\"rule\":\"tier.guess\",\"provisional\":true",
                  "\"rule\":\"eligibility\",\"provisional\":false");
    phs_result_free(res);
    phs_ruleset_free(rs);
    free(body);
}

Test(provisional, unconfirmed_flag_and_eligibility_too)
{
    const char *flag_body =
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: t, level: 1, when: \"true\", follow_up: {interval: 3 months},"
        " cite: [c1]}\n"
        "flags:\n"
        "  - {id: f, when: \"smoker\", cite: [c_r]}\n";
    phs_ruleset *rs = (phs_ruleset *)1;
    cr_expect_eq(t_load_body(&rs, "production", flag_body), PHS_ESPEC);
    cr_expect_null(rs);
    const char *elig_body =
        "eligibility: {when: \"true\", cite: [c_r]}\n"
        "tiers:\n"
        "  - {id: t, level: 1, when: \"true\", follow_up: {interval: 3 months},"
        " cite: [c1]}\n";
    rs = (phs_ruleset *)1;
    cr_expect_eq(t_load_body(&rs, "production", elig_body), PHS_ESPEC);
    cr_expect_null(rs);
}

/* ---- embedded examples ---- */

/* Run the examples of `rs`, logged into `l`; returns how many failed and
 * sets *total. */
static size_t run_examples(const phs_ruleset *rs, t_example_log *l,
                           size_t *total)
{
    size_t failed = 99;
    memset(l, 0, sizeof *l);
    cr_assert_eq(phs_ruleset_test(rs, t_on_example, l, &failed, total),
                 PHS_OK, "%s", t_errmsg());
    return failed;
}

static const char EX_BODY[] =
    "parameters:\n"
    "  - {name: threshold, type: number, default: 140, cite: [c1]}\n"
    "eligibility: {when: \"has_code(diagnoses, ['I10'])\", cite: [c1]}\n"
    "tiers:\n"
    "  - {id: high, level: 3, when: \"sbp >= threshold\", referral: true, "
    "follow_up: {interval: 14 days}, cite: [c1]}\n"
    "  - {id: low, level: 1, when: \"true\", follow_up: {interval: 3 months, "
    "window: 14 days}, cite: [c1]}\n"
    "flags:\n"
    "  - {id: smokes, when: \"smoker\", cite: [c1]}\n"
    "examples:\n"
    "  - id: E1\n"
    "    input: {id: r1, visit_date: 2024-06-01, diagnoses: [I10], sbp: 150}\n"
    "    expect: {tier: high, next_due: 2024-06-15, referral: true, level: 3,"
    " flags: []}\n"
    "  - id: E2\n"
    "    params: {threshold: 160}\n"
    "    input: {visit_date: 2024-06-01, diagnoses: [I10], sbp: 150, smoker: "
    "true}\n"
    "    expect: {tier: low, next_due: 2024-09-01, earliest: 2024-08-18, "
    "flags: [smokes]}\n"
    "  - id: E3\n"
    "    input: {visit_date: 2024-06-01, diagnoses: [I10]}\n"
    "    expect: {tier: insufficient_data, missing: [sbp]}\n"
    "  - id: E4\n"
    "    input: {visit_date: 2024-06-01, diagnoses: [E11], sbp: 150}\n"
    "    expect: {tier: null}\n";

Test(examples, passing_examples)
{
    phs_ruleset *rs = t_must_load_body(EX_BODY);
    t_example_log l;
    size_t total = 0, failed = run_examples(rs, &l, &total);
    cr_expect_eq(total, 4);
    cr_expect_eq(failed, 0, "%s", l.last_fail);
    cr_expect_eq(l.calls, 4);
    cr_expect_str_eq(l.ids, "p/E1,p/E2,p/E3,p/E4");
    /* a NULL callback is allowed */
    cr_expect_eq(phs_ruleset_test(rs, NULL, NULL, &failed, NULL), PHS_OK);
    cr_expect_eq(failed, 0);
    cr_expect_eq(phs_ruleset_test(NULL, NULL, NULL, NULL, NULL), PHS_EINVAL);
    phs_ruleset_free(rs);
}

Test(examples, failing_examples_are_reported)
{
    const char *body =
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: high, level: 3, when: \"sbp >= 140\", follow_up: {interval: "
        "14 days}, cite: [c1]}\n"
        "  - {id: low, level: 1, when: \"true\", follow_up: {interval: 3 "
        "months}, cite: [c1]}\n"
        "examples:\n"
        "  - id: wrong_tier\n"
        "    input: {visit_date: 2024-06-01, sbp: 150}\n"
        "    expect: {tier: low}\n"
        "  - id: wrong_due\n"
        "    input: {visit_date: 2024-06-01, sbp: 150}\n"
        "    expect: {tier: high, next_due: 2024-06-14}\n"
        "  - id: refused\n"
        "    input: {visit_date: 2024-06-01, sbp: 80, dbp: 90}\n"
        "    expect: {tier: low}\n"
        "  - id: good\n"
        "    input: {visit_date: 2024-06-01, sbp: 120}\n"
        "    expect: {tier: low, missing: []}\n";
    phs_ruleset *rs = t_must_load_body(body);
    t_example_log l;
    size_t total = 0, failed = run_examples(rs, &l, &total);
    cr_expect_eq(total, 4);
    cr_expect_eq(failed, 3);
    cr_expect_eq(l.failures, 3);
    phs_ruleset_free(rs);
}

/* Examples are parsed and checked when something reads them (phs test,
 * coverage, verify, diff), not by the load: a malformed example loads, and
 * every reader refuses it with its file, line and column. */
Test(examples, example_errors_are_spec_errors_when_read)
{
    static const char *bad[] = {
        /* unknown field in input */
        "  - {id: x, input: {sbpp: 1}, expect: {tier: t}}\n",
        /* unknown tier */
        "  - {id: x, input: {sbp: 1}, expect: {tier: nosuch}}\n",
        /* unknown flag */
        "  - {id: x, input: {sbp: 100}, expect: {tier: t, flags: [nosuch]}}\n",
        /* unknown expect key */
        "  - {id: x, input: {sbp: 100}, expect: {tier: t, colour: red}}\n",
        /* unknown parameter */
        "  - {id: x, params: {nope: 1}, input: {sbp: 100}, expect: {tier: t}}\n",
        /* missing expect */
        "  - {id: x, input: {sbp: 100}}\n",
        /* not YAML */
        "  - {id: x, input: {sbp: 100}, expect: {tier: t}\n",
    };
    for (size_t i = 0; i < 2 * sizeof bad / sizeof bad[0]; i++) {
        /* the head is 11 lines: the example is on line 16; examples last
         * (left unparsed by the load) or followed by a note (parsed) */
        char *body = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                           "tiers:\n"
                           "  - {id: t, level: 1, when: \"true\", follow_up: "
                           "{interval: 3 months}, cite: [c1]}\n"
                           "examples:\n%s%s",
                           bad[i / 2], i % 2 ? "note: after\n" : "");
        phs_ruleset *rs = NULL;
        phs_report *r = NULL;
        size_t failed = 0;
        if (i == 13) { /* not YAML, and parsed by the load */
            cr_expect_eq(t_load_body(&rs, "draft", body), PHS_ESPEC);
            cr_expect(strstr(t_errmsg(), "p.yaml:17:"), "%s", t_errmsg());
            free(body);
            continue;
        }
        cr_assert_eq(t_load_body(&rs, "draft", body), PHS_OK, "%s: %s", body,
                     t_errmsg());
        /* libyaml finds the unclosed mapping on the next line */
        const char *at = i == 12 ? "p.yaml:17:1:" : "p.yaml:16:";
        cr_expect_eq(phs_ruleset_test(rs, NULL, NULL, &failed, NULL),
                     PHS_ESPEC, "%s", body);
        cr_expect(strstr(t_errmsg(), at), "%s", t_errmsg());
        cr_expect_eq(phs_ruleset_coverage(rs, NULL, &r), PHS_ESPEC, "%s",
                     body);
        cr_expect_null(r);
        cr_expect(strstr(t_errmsg(), at), "%s", t_errmsg());
        phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
        phs_date_make(&o.as_of, 2024, 6, 1);
        cr_expect_eq(phs_ruleset_verify(rs, &o, &r), PHS_ESPEC, "%s", body);
        cr_expect_null(r);
        phs_ruleset_free(rs);
        free(body);
    }
}

/* The load parses what comes before a trailing `examples:` and leaves the
 * examples as text; anywhere else, or in another style, the file is parsed
 * whole.  Both read the same, with the same positions. */
Test(examples, same_wherever_they_are_written)
{
    const char *rules =
        "eligibility: {when: \"has_code(diagnoses, ['I10'])\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: high, level: 3, when: \"sbp >= threshold\", referral: true, "
        "follow_up: {interval: 14 days}, cite: [c1]}\n"
        "  - {id: low, level: 1, when: \"true\", follow_up: {interval: 3 months, "
        "window: 14 days}, cite: [c1]}\n";
    const char *params =
        "parameters:\n"
        "  - {name: threshold, type: number, default: 140, cite: [c1]}\n";
    const char *ex =
        "examples:\n"
        "  - id: E1\n"
        "    input: {id: r1, visit_date: 2024-06-01, diagnoses: [I10], sbp: 150}\n"
        "    expect: {tier: high, next_due: 2024-06-15}\n"
        "  - id: E2\n"
        "    input: {visit_date: 2024-06-01, diagnoses: [I10], sbp: 120}\n"
        "    expect: {tier: high}\n";
    /* last (not parsed by the load), first, in the middle, flow style, with
     * a comment and items at column 0 */
    char *bodies[] = {
        t_fmt("%s%s%s", params, rules, ex),
        t_fmt("%s%s%s", ex, params, rules),
        t_fmt("%s%s%s", params, ex, rules),
        t_fmt("%s%sexamples: [{id: E1, input: {id: r1, visit_date: 2024-06-01,"
              " diagnoses: [I10], sbp: 150}, expect: {tier: high, next_due: "
              "2024-06-15}}, {id: E2, input: {visit_date: 2024-06-01, "
              "diagnoses: [I10], sbp: 120}, expect: {tier: high}}]\n",
              params, rules),
        t_fmt("%s%sexamples:  # the vectors\n- id: E1\n  input: {id: r1, "
              "visit_date: 2024-06-01, diagnoses: [I10], sbp: 150}\n\n# two\n"
              "- id: E2\n  input: {visit_date: 2024-06-01, diagnoses: [I10], "
              "sbp: 120}\n  expect: {tier: high}\n  # end\n"
              "  \n",
              params, rules),
    };
    /* the last variant lacks E1's expect on purpose: a spec error */
    char *fp0 = NULL;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        phs_ruleset *rs = NULL;
        cr_assert_eq(t_load_body(&rs, "draft", bodies[i]), PHS_OK, "%zu: %s",
                     i, t_errmsg());
        if (!fp0)
            fp0 = strdup(phs_ruleset_fingerprint(rs));
        /* examples are not part of the fingerprint */
        cr_expect_str_eq(phs_ruleset_fingerprint(rs), fp0, "%zu", i);
        t_example_log l;
        memset(&l, 0, sizeof l);
        size_t failed = 0, total = 0;
        int rc = phs_ruleset_test(rs, t_on_example, &l, &failed, &total);
        if (i == 4) {
            cr_expect_eq(rc, PHS_ESPEC);
            /* head 11 lines, parameters 2 and rules 4: E1 is on line 19 */
            cr_expect(strstr(t_errmsg(), "p.yaml:19:3:"), "%s", t_errmsg());
        } else {
            cr_expect_eq(rc, PHS_OK, "%zu: %s", i, t_errmsg());
            cr_expect_eq(total, 2, "%zu", i);
            cr_expect_eq(failed, 1, "%zu", i);
            cr_expect_str_eq(l.ids, "p/E1,p/E2", "%zu", i);
            cr_expect(strstr(l.last_fail, "tier: got low, expected high"),
                      "%zu: %s", i, l.last_fail);
        }
        phs_ruleset_free(rs);
        free(bodies[i]);
    }
    free(fp0);
}

Test(examples, twice_or_outside_a_program_is_an_error)
{
    const char *rules =
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: t, level: 1, when: \"true\", follow_up: {interval: 3 months},"
        " cite: [c1]}\n";
    const char *ex = "examples:\n  - {id: x, input: {sbp: 1}, expect: {tier: t}}\n";
    char *body = t_fmt("%s%s%s", ex, rules, ex);
    phs_ruleset *rs = NULL;
    cr_expect_eq(t_load_body(&rs, "draft", body), PHS_ESPEC);
    cr_expect(strstr(t_errmsg(), "duplicate key 'examples'"), "%s", t_errmsg());
    cr_expect_null(rs);
    free(body);

    char *prog = t_prog("p", "draft", rules);
    char *dict = t_fmt("%s%s", T_DICT, ex);
    const char *progs[] = {prog};
    cr_expect_eq(t_load(&rs, dict, progs, NULL, 1, NULL), PHS_ESPEC);
    cr_expect(strstr(t_errmsg(), "fields.yaml:"), "%s", t_errmsg());
    cr_expect(strstr(t_errmsg(), "'examples'"), "%s", t_errmsg());
    cr_expect_null(rs);
    free(dict);
    free(prog);
}

/* ---- loading limits through the options ---- */

static int load_with_limit(phs_limit which, long value, const char *body,
                           phs_ruleset **rs)
{
    phs_ruleset_options *o = NULL;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    cr_assert_eq(phs_ruleset_options_set_limit(o, which, value), PHS_OK);
    char *p = t_prog("p", "draft", body);
    const char *progs[] = {p};
    *rs = NULL;
    int rc = t_load(rs, T_DICT, progs, NULL, 1, o);
    free(p);
    phs_ruleset_options_free(o);
    return rc;
}

Test(limits, yaml_depth_and_nodes)
{
    phs_ruleset *rs;
    const char *body = "eligibility: {when: \"true\", cite: [c1]}\n"
                       "tiers:\n"
                       "  - {id: t, level: 1, when: \"true\", follow_up: "
                       "{interval: 1 days}, cite: [c1]}\n";
    /* the dictionary nests 4 deep (root, fields, a field, its range) */
    cr_expect_eq(load_with_limit(PHS_LIMIT_YAML_DEPTH, 3, body, &rs),
                 PHS_ELIMIT);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "fields.yaml:"), "%s", t_errmsg());
    cr_expect_eq(load_with_limit(PHS_LIMIT_YAML_DEPTH, 4, body, &rs), PHS_OK,
                 "%s", t_errmsg());
    phs_ruleset_free(rs);
    cr_expect_eq(load_with_limit(PHS_LIMIT_YAML_NODES, 50, body, &rs),
                 PHS_ELIMIT);
    cr_expect_null(rs);
    cr_expect_eq(load_with_limit(PHS_LIMIT_YAML_NODES, 100000, body, &rs),
                 PHS_OK);
    phs_ruleset_free(rs);
}

Test(limits, regex_match_limit)
{
    /* a pattern that backtracks on a subject that contains its required
     * character: known with the default limit, unknown with a tiny one */
    char *b = t_probe_body("note matches '^(a|b|ab)*c$'");
    phs_ruleset *rs;
    char subject[128];
    memset(subject, 0, sizeof subject);
    for (int i = 0; i < 24; i++)
        strcat(subject, "ab");
    strcat(subject, "cx");
    char *rec = t_fmt("visit_date=2024-06-01|note=%s", subject);
    cr_assert_eq(load_with_limit(PHS_LIMIT_REGEX_MATCH, 100000000, b, &rs),
                 PHS_OK, "%s", t_errmsg());
    phs_result *res = t_classify(rs, rec);
    cr_expect_eq(t_verdict(res), 0, "no match, and known");
    phs_result_free(res);
    phs_ruleset_free(rs);
    cr_assert_eq(load_with_limit(PHS_LIMIT_REGEX_MATCH, 5, b, &rs), PHS_OK);
    res = t_classify(rs, rec);
    cr_expect_eq(t_verdict(res), -1, "the match limit gives unknown");
    phs_result_free(res);
    phs_ruleset_free(rs);
    free(rec);
    free(b);
}

/* A tier may not take an outcome's name: results could not tell them
 * apart.  The error points at the id. */
Test(spec, outcome_names_are_not_tier_ids)
{
    static const char *const names[] = {"unclassified", "not_enrolled",
                                        "insufficient_data"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *body = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                           "tiers:\n"
                           "  - id: ok\n"
                           "    level: 1\n"
                           "    when: \"sbp >= 140\"\n"
                           "    follow_up: {interval: 1 days}\n"
                           "    cite: [c1]\n"
                           "  - level: 2\n"
                           "    id: %s\n"
                           "    when: \"sbp < 140\"\n"
                           "    follow_up: {interval: 1 days}\n"
                           "    cite: [c1]\n",
                           names[i]);
        char *text = t_prog("p", "draft", body);
        /* where the id's value is in the whole file */
        const char *at = strstr(text, "    id: ");
        cr_assert(at);
        int line = 1;
        for (const char *c = text; c < at; c++)
            line += *c == '\n';
        phs_ruleset *rs = NULL;
        int rc = t_load_body(&rs, "draft", body);
        cr_expect_eq(rc, PHS_ESPEC, "%s accepted as a tier id", names[i]);
        cr_expect_null(rs);
        const phs_error *e = phs_error_last();
        cr_expect_eq(phs_error_line(e), line, "%s", phs_error_message(e));
        cr_expect_eq(phs_error_column(e), 9, "%s", phs_error_message(e));
        cr_expect(strstr(phs_error_message(e), "reserved"), "%s",
                  phs_error_message(e));
        cr_expect(strstr(phs_error_message(e), names[i]), "%s",
                  phs_error_message(e));
        free(text);
        free(body);
    }
    /* a name that merely contains one is a tier like any other */
    phs_ruleset *rs = t_must_load_body("eligibility: {when: \"true\", cite: [c1]}\n"
                                       "tiers:\n"
                                       "  - id: unclassified_bp\n"
                                       "    level: 1\n"
                                       "    when: \"sbp >= 140\"\n"
                                       "    follow_up: {interval: 1 days}\n"
                                       "    cite: [c1]\n");
    cr_expect_str_eq(phs_ruleset_tier_id(rs, 0, 0), "unclassified_bp");
    phs_ruleset_free(rs);
}
