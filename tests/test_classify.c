/* Classification: eligibility, the first-match hit policy, three-valued
 * tiers and missing fields, flags, reasons, follow-up schedules and the
 * merged plan across programs.  One file past ~800 lines on purpose: every
 * case classifies against the programs below (BP_BODY and its kin) through
 * one fixture; split by topic, each part would repeat them. */
#include "helpers.h"

static char buf[512];

/* A blood-pressure program in the shape of the hypertension spec. */
static const char BP_BODY[] =
    "eligibility:\n"
    "  when: \"age_years >= 35 and has_code(diagnoses, ['I10', 'I11'])\"\n"
    "  cite: [c1]\n"
    "tiers:\n"
    "  - id: emergency\n"
    "    level: 5\n"
    "    code: \"4\"\n"
    "    when: \"sbp >= 180 or dbp >= 110 or 'S01' in signs\"\n"
    "    follow_up: {interval: 14 days}\n"
    "    referral: true\n"
    "    actions: [urgent_referral, follow_up_within_2_weeks]\n"
    "    cite: [c1, c2]\n"
    "  - id: uncontrolled\n"
    "    level: 3\n"
    "    code: \"2\"\n"
    "    when: \"sbp >= 140 or dbp >= 90\"\n"
    "    follow_up: {interval: 2 weeks}\n"
    "    actions: [adjust_medication]\n"
    "    cite: [c2]\n"
    "  - id: controlled\n"
    "    level: 1\n"
    "    code: \"1\"\n"
    "    when: \"true\"\n"
    "    follow_up: {interval: 3 months, window: 14 days}\n"
    "    cite: [c1]\n"
    "flags:\n"
    "  - id: smoker\n"
    "    when: \"smoker\"\n"
    "    actions: [quit_smoking_advice]\n"
    "    cite: [c1]\n"
    "  - id: obese\n"
    "    when: \"weight / (height / 100 * height / 100) >= 28\"\n"
    "    enrolled: true\n"
    "    cite: [c2]\n"
    "  - id: high_normal_bp\n"
    "    when: \"sbp >= 130 and sbp < 140\"\n"
    "    enrolled: false\n"
    "    actions: [bp_every_6_months]\n"
    "    cite: [c1]\n"
    "yearly:\n"
    "  - {id: face_to_face, min: 4, what: face-to-face follow-ups, cite: [c1]}\n"
    "  - id: extra_unstable\n"
    "    min: 2\n"
    "    what: extra follow-ups\n"
    "    tiers: [emergency, uncontrolled]\n"
    "    cite: [c2]\n";

static phs_ruleset *bp_rs(void) { return t_must_load_body(BP_BODY); }

/* The fixture of the tests on the blood-pressure program: its rule set, a
 * record and a result. */
static t_fixture fx;
static void bp_up(void) { t_fixture_open(&fx, bp_rs()); }
static void bp_down(void) { t_fixture_close(&fx); }

#define PAT "visit_date=2024-06-01|age=60|diagnoses=I10"

static void expect_tier(const phs_ruleset *rs, const char *rec,
                        const char *tier)
{
    phs_result *res = t_classify(rs, rec);
    const char *got = phs_result_tier(res, 0);
    if (tier)
        cr_expect(got && strcmp(got, tier) == 0, "{%s}: tier %s, expected %s",
                  rec, got ? got : "(null)", tier);
    else
        cr_expect_null(got, "{%s}: tier %s, expected none", rec, got);
    phs_result_free(res);
}

/* ---- eligibility ---- */

Test(classify, eligibility, .init = bp_up, .fini = bp_down)
{
    phs_result *res = t_classify(fx.rs, "visit_date=2024-06-01|age=60");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_NOT_ENROLLED);
    cr_expect_eq(phs_result_enrolled(res, 0), 0);
    cr_expect_null(phs_result_tier(res, 0));
    cr_expect_eq(phs_result_level(res, 0), 0);
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_result_plan_count(res), 0);
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);

    /* age_years 34 is not enrolled; 35 is */
    expect_tier(fx.rs, "visit_date=2024-06-01|age=34|diagnoses=I10", NULL);
    expect_tier(fx.rs,
                "visit_date=2024-06-01|age=35|diagnoses=I10.x01|sbp=120|dbp=80",
                "controlled");
    /* 35th birthday the day after / on the visit date */
    expect_tier(fx.rs, "visit_date=2024-06-14|birth_date=1989-06-15|"
                    "diagnoses=I10|sbp=120", NULL);
    expect_tier(fx.rs, "visit_date=2024-06-15|birth_date=1989-06-15|"
                    "diagnoses=I10|sbp=120|dbp=80", "controlled");
}

Test(classify, eligibility_undecided_names_missing, .init = bp_up,
     .fini = bp_down)
{
    /* no age, no birth date: eligibility cannot be decided */
    phs_result *res = t_classify(fx.rs, "visit_date=2024-06-01|diagnoses=I10|"
                                     "sbp=190");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_INSUFFICIENT_DATA);
    cr_expect_eq(phs_result_enrolled(res, 0), -1);
    cr_expect_str_eq(phs_result_tier(res, 0), "insufficient_data");
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "birth_date,age");
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    phs_result_free(res);
    /* but a resident without the diagnosis is decided: not enrolled, even
     * without an age (false and unknown) */
    res = t_classify(fx.rs, "visit_date=2024-06-01|diagnoses=E11");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_NOT_ENROLLED);
    cr_expect_eq(phs_result_enrolled(res, 0), 0);
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);
}

/* ---- hit policy ---- */

Test(hit_policy, first_match_wins, .init = bp_up, .fini = bp_down)
{
    /* 190/120 satisfies all three tiers: the first listed wins */
    phs_result *res = t_classify(fx.rs, PAT "|sbp=190|dbp=120");
    cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_TIERED);
    cr_expect_eq(phs_result_level(res, 0), 5);
    cr_expect_str_eq(phs_result_code(res, 0), "4");
    cr_expect_eq(phs_result_referral(res, 0), 1);
    cr_expect_str_eq(phs_result_interval(res, 0), "14 days");
    phs_result_free(res);
    expect_tier(fx.rs, PAT "|sbp=150|dbp=80", "uncontrolled");
    expect_tier(fx.rs, PAT "|sbp=120|dbp=95", "uncontrolled");
    expect_tier(fx.rs, PAT "|sbp=120|dbp=80", "controlled");
    res = t_classify(fx.rs, PAT "|sbp=120|dbp=80");
    cr_expect_eq(phs_result_level(res, 0), 1);
    cr_expect_eq(phs_result_referral(res, 0), 0);
    cr_expect_str_eq(phs_result_code(res, 0), "1");
    phs_result_free(res);
}

Test(hit_policy, order_matters)
{
    /* the same two tiers in either order: the first listed wins */
    static const char high[] =
        "  - {id: high, level: 3, when: \"sbp >= 140\", follow_up: {interval: "
        "1 months}, cite: [c1]}\n";
    static const char very_high[] =
        "  - {id: very_high, level: 5, when: \"sbp >= 180\", follow_up: "
        "{interval: 14 days}, cite: [c1]}\n";
    const struct {
        const char *first, *second, *want;
    } orders[] = {{high, very_high, "high"}, {very_high, high, "very_high"}};
    for (size_t i = 0; i < T_COUNT(orders); i++) {
        char *body = t_fmt(T_ELIG_TRUE "tiers:\n%s%s", orders[i].first,
                           orders[i].second);
        phs_ruleset *rs = t_must_load_body(body);
        expect_tier(rs, "visit_date=2024-06-01|sbp=190", orders[i].want);
        phs_ruleset_free(rs);
        free(body);
    }
}

Test(hit_policy, no_tier_is_unclassified)
{
    phs_ruleset *rs = t_must_load_body(
        T_ELIG_TRUE "tiers:\n"
        "  - {id: high, level: 3, when: \"sbp >= 140\", follow_up: {interval: "
        "1 months}, cite: [c1]}\n");
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|sbp=120");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_UNCLASSIFIED);
    cr_expect_str_eq(phs_result_tier(res, 0), "unclassified");
    cr_expect_eq(phs_result_enrolled(res, 0), 1);
    cr_expect_eq(phs_result_level(res, 0), 0);
    cr_expect_null(phs_result_code(res, 0));
    cr_expect_null(phs_result_interval(res, 0));
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    cr_expect_eq(phs_result_plan_count(res), 0);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(hit_policy, boundaries_both_sides, .init = bp_up, .fini = bp_down)
{
    expect_tier(fx.rs, PAT "|sbp=179|dbp=80", "uncontrolled");
    expect_tier(fx.rs, PAT "|sbp=180|dbp=80", "emergency");
    expect_tier(fx.rs, PAT "|sbp=150|dbp=109", "uncontrolled");
    expect_tier(fx.rs, PAT "|sbp=150|dbp=110", "emergency");
    expect_tier(fx.rs, PAT "|sbp=139|dbp=89", "controlled");
    expect_tier(fx.rs, PAT "|sbp=140|dbp=89", "uncontrolled");
    expect_tier(fx.rs, PAT "|sbp=139|dbp=90", "uncontrolled");
}

/* ---- three-valued tiers ---- */

Test(three_valued, earlier_unknown_tier_gives_insufficient_data, .init = bp_up,
     .fini = bp_down)
{
    /* sbp 150 would satisfy `uncontrolled`, but `emergency` (dbp >= 110)
     * cannot be decided without dbp: not silently skipped */
    phs_result *res = t_classify(fx.rs, PAT "|sbp=150");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_INSUFFICIENT_DATA);
    cr_expect_str_eq(phs_result_tier(res, 0), "insufficient_data");
    cr_expect_eq(phs_result_enrolled(res, 0), 1);
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "dbp");
    cr_expect_eq(phs_result_level(res, 0), 0);
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_result_referral(res, 0), 0);
    phs_result_free(res);
    /* both missing: both named, in dictionary order */
    res = t_classify(fx.rs, PAT);
    cr_expect_eq(phs_result_outcome(res, 0), PHS_INSUFFICIENT_DATA);
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "sbp,dbp");
    phs_result_free(res);
}

Test(three_valued, earlier_tier_decided_despite_missing_field, .init = bp_up,
     .fini = bp_down)
{
    /* sbp and dbp missing, but the emergency sign decides the tier */
    phs_result *res = t_classify(fx.rs, PAT "|signs=S01");
    cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);
    /* sbp alone decides the emergency tier without dbp */
    res = t_classify(fx.rs, PAT "|sbp=185");
    cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);
    /* dbp alone decides it too */
    res = t_classify(fx.rs, PAT "|dbp=115");
    cr_expect_str_eq(phs_result_tier(res, 0), "emergency");
    phs_result_free(res);
}

Test(three_valued, spec_example_sbp_or_sign)
{
    phs_ruleset *rs = t_must_load_body(
        T_ELIG_TRUE "tiers:\n"
        "  - {id: urgent, level: 5, when: \"sbp >= 180 or 'x' in signs\", "
        "follow_up: {interval: 14 days}, cite: [c1]}\n"
        "  - {id: routine, level: 1, when: \"true\", follow_up: {interval: 3 "
        "months}, cite: [c1]}\n");
    expect_tier(rs, "visit_date=2024-06-01|signs=x", "urgent");
    expect_tier(rs, "visit_date=2024-06-01|signs=y", "insufficient_data");
    expect_tier(rs, "visit_date=2024-06-01", "insufficient_data");
    expect_tier(rs, "visit_date=2024-06-01|sbp=120", "routine");
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|signs=y");
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "sbp");
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(three_valued, missing_through_derived_values)
{
    /* a tier reading a derived value names the fields behind it */
    phs_ruleset *rs = t_must_load_body(
        "derived:\n"
        "  - {name: bmi, expr: \"weight / (height / 100 * height / 100)\"}\n"
        T_ELIG_TRUE "tiers:\n"
        "  - {id: obese, level: 2, when: \"bmi >= 28\", follow_up: {interval: "
        "1 years}, cite: [c1]}\n" T_TIER_OTHER);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|weight=90");
    cr_expect_str_eq(phs_result_tier(res, 0), "insufficient_data");
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "height");
    phs_result_free(res);
    expect_tier(rs, "visit_date=2024-06-01|weight=90|height=170", "obese");
    expect_tier(rs, "visit_date=2024-06-01|weight=60|height=170", "other");
    phs_ruleset_free(rs);
}

Test(three_valued, known_and_coalesce_avoid_missing)
{
    phs_ruleset *rs = t_must_load_body(
        T_ELIG_TRUE "tiers:\n"
        "  - {id: tachy, level: 2, when: \"known(dbp) and dbp > 100\", "
        "follow_up: {interval: 7 days}, cite: [c1]}\n"
        "  - {id: high, level: 2, when: \"(sbp ?? 0) >= 140\", follow_up: "
        "{interval: 7 days}, cite: [c1]}\n" T_TIER_OTHER);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01");
    cr_expect_str_eq(phs_result_tier(res, 0), "other");
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);
    expect_tier(rs, "visit_date=2024-06-01|sbp=150", "high");
    expect_tier(rs, "visit_date=2024-06-01|dbp=105", "tachy");
    phs_ruleset_free(rs);
}

/* ---- flags ---- */

static int has_flag(const phs_result *res, const char *id)
{
    for (size_t i = 0; i < phs_result_flag_count(res, 0); i++)
        if (!strcmp(phs_result_flag(res, 0, i), id))
            return 1;
    return 0;
}

Test(flags, all_matching_flags_collected, .init = bp_up, .fini = bp_down)
{
    phs_result *res = t_classify(fx.rs, PAT "|sbp=120|dbp=80|smoker=true|"
                                          "weight=100|height=170");
    /* every flag raised (not high_normal_bp), in spec order */
    T_EXPECT_LIST(res, 0, flag, "smoker", "obese");
    cr_expect(has_flag(res, "smoker"));
    cr_expect(has_flag(res, "obese"));
    cr_expect(!has_flag(res, "high_normal_bp"));
    /* actions: the tier's, then each raised flag's */
    T_EXPECT_LIST(res, 0, action, "quit_smoking_advice");
    phs_result_free(res);

    res = t_classify(fx.rs, PAT "|sbp=190|dbp=80|smoker=true");
    T_EXPECT_LIST(res, 0, action, "urgent_referral", "follow_up_within_2_weeks",
                  "quit_smoking_advice");
    phs_result_free(res);
}

Test(flags, enrolled_restrictions, .init = bp_up, .fini = bp_down)
{
    /* high_normal_bp is a screening flag: only for the non-enrolled */
    phs_result *res = t_classify(fx.rs, "visit_date=2024-06-01|age=60|sbp=135|"
                                     "dbp=80|weight=100|height=170");
    cr_expect_eq(phs_result_enrolled(res, 0), 0);
    cr_expect(has_flag(res, "high_normal_bp"));
    cr_expect(!has_flag(res, "obese"), "obese is for the enrolled only");
    T_EXPECT_LIST(res, 0, action, "bp_every_6_months");
    phs_result_free(res);
    res = t_classify(fx.rs, PAT "|sbp=135|dbp=80");
    cr_expect(!has_flag(res, "high_normal_bp"));
    phs_result_free(res);
}

Test(flags, undecided_flags_reported_separately, .init = bp_up, .fini = bp_down)
{
    phs_result *res = t_classify(fx.rs, PAT "|sbp=120|dbp=80|weight=100");
    cr_expect(!has_flag(res, "obese"));
    T_EXPECT_LIST(res, 0, undecided_flag, "obese");
    /* an undecided flag does not make the tier undecided */
    cr_expect_str_eq(phs_result_tier(res, 0), "controlled");
    cr_expect_eq(phs_result_missing_count(res, 0), 0);
    phs_result_free(res);
}

/* ---- reasons and citations ---- */

Test(reasons, eligibility_tier_and_flags_with_citations, .init = bp_up,
     .fini = bp_down)
{
    phs_result *res = t_classify(fx.rs, PAT "|sbp=190|dbp=80|smoker=true");
    T_EXPECT_LIST(res, 0, reason, "eligibility", "tier.emergency",
                  "flag.smoker");
    cr_expect_eq(phs_result_reason_cite_count(res, 0, 1), 2);
    cr_expect_str_eq(phs_result_reason_cite(res, 0, 1, 0), "c1");
    cr_expect_str_eq(phs_result_reason_cite(res, 0, 1, 1), "c2");
    cr_expect_null(phs_result_reason_cite(res, 0, 1, 2));
    cr_expect_eq(phs_result_reason_cite_count(res, 0, 0), 1);
    phs_result_free(res);
    /* not enrolled: no eligibility reason, no tier reason */
    res = t_classify(fx.rs, "visit_date=2024-06-01|age=20|sbp=120|smoker=true");
    T_EXPECT_LIST(res, 0, reason, "flag.smoker");
    phs_result_free(res);
}

/* ---- schedules ---- */

static phs_ruleset *sched_rs(const char *follow_up)
{
    char *body = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                       "tiers:\n"
                       "  - id: t\n"
                       "    level: 1\n"
                       "    when: \"true\"\n"
                       "    follow_up: %s\n"
                       "    cite: [c1]\n",
                       follow_up);
    phs_ruleset *rs = t_must_load_body(body);
    free(body);
    return rs;
}

static void expect_due(const char *follow_up, const char *rec,
                       const char *due, const char *earliest)
{
    char b1[11], b2[11];
    phs_ruleset *rs = sched_rs(follow_up);
    phs_result *res = t_classify(rs, rec);
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), b1), due,
                     "case %s from {%s}", follow_up, rec);
    if (earliest)
        cr_expect_str_eq(t_datestr(phs_result_earliest(res, 0), b2), earliest,
                         "case %s from {%s}: earliest", follow_up, rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

/* One follow-up: from the record, the next due date and (or NULL) the
 * earliest date. */
struct due_case {
    const char *follow_up, *rec, *due, *earliest;
};

static const struct due_case DUE_CASES[] = {
    /* interval units */
    {"{interval: 14 days}",
     "visit_date=2024-06-01", "2024-06-15", "2024-06-01"},
    {"{interval: 1 day}",
     "visit_date=2024-06-01", "2024-06-02", "2024-06-01"},
    {"{interval: 0 days}",
     "visit_date=2024-06-01", "2024-06-01", "2024-06-01"},
    {"{interval: 2 weeks}",
     "visit_date=2024-06-01", "2024-06-15", "2024-06-01"},
    {"{interval: 1 week}",
     "visit_date=2024-06-01", "2024-06-08", NULL},
    {"{interval: 3 months}",
     "visit_date=2024-06-01", "2024-09-01", "2024-06-01"},
    {"{interval: 1 month}",
     "visit_date=2024-06-01", "2024-07-01", NULL},
    {"{interval: 1 year}",
     "visit_date=2024-06-01", "2025-06-01", NULL},
    {"{interval: 2 years}",
     "visit_date=2024-06-01", "2026-06-01", NULL},
    {"{interval: 30 days}",
     "visit_date=2024-02-15", "2024-03-16", NULL},
    {"{interval: 30 days}",
     "visit_date=2023-02-15", "2023-03-17", NULL},
    /* month end due dates */
    {"{interval: 1 months}",
     "visit_date=2024-01-31", "2024-02-29", NULL},
    {"{interval: 1 months}",
     "visit_date=2023-01-31", "2023-02-28", NULL},
    {"{interval: 3 months}",
     "visit_date=2024-11-30", "2025-02-28", NULL},
    {"{interval: 3 months}",
     "visit_date=2023-11-30", "2024-02-29", NULL},
    {"{interval: 1 year}",
     "visit_date=2024-02-29", "2025-02-28", NULL},
    {"{interval: 4 years}",
     "visit_date=2024-02-29", "2028-02-29", NULL},
    {"{interval: 6 months}",
     "visit_date=2024-08-31", "2025-02-28", NULL},
    /* window sets earliest */
    {"{interval: 3 months, window: 14 days}",
     "visit_date=2024-06-01", "2024-09-01", "2024-08-18"},
    {"{interval: 3 months, window: 2 weeks}",
     "visit_date=2024-06-01", "2024-09-01", "2024-08-18"},
    {"{interval: 1 months, window: 0 days}",
     "visit_date=2024-01-31", "2024-02-29", "2024-02-29"},
    /* from expression */
    {"{interval: 3 months, from: \"last_visit\"}",
     "visit_date=2024-06-01|last_visit=2024-05-31", "2024-08-31",
     "2024-05-31"},
    {"{interval: 14 days, from: \"add_days(visit_date, 7)\"}",
     "visit_date=2024-06-01", "2024-06-22", "2024-06-08"},
    {"{interval: 1 months, from: \"last_visit ?? visit_date\"}",
     "visit_date=2024-01-31", "2024-02-29", NULL},
    {"{interval: 1 months, from: \"last_visit ?? visit_date\"}",
     "visit_date=2024-01-31|last_visit=2023-12-31", "2024-01-31", NULL},
    {"{interval: 1 months, from: \"add_months(visit_date, 1)\"}",
     "visit_date=2024-01-31", "2024-03-29", NULL},
};

Test(schedule, every_due_case)
{
    for (size_t i = 0; i < T_COUNT(DUE_CASES); i++)
        expect_due(DUE_CASES[i].follow_up, DUE_CASES[i].rec, DUE_CASES[i].due,
                   DUE_CASES[i].earliest);
}

Test(schedule, from_unknown_leaves_no_due_date_and_names_field)
{
    phs_ruleset *rs =
        sched_rs("{interval: 3 months, from: \"last_visit\"}");
    phs_result *res = t_classify(rs, "visit_date=2024-06-01");
    cr_expect_str_eq(phs_result_tier(res, 0), "t");
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    cr_expect_str_eq(t_missing(res, 0, buf, sizeof buf), "last_visit");
    cr_expect_eq(phs_result_plan_count(res), 0);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(schedule, no_visit_date_no_due_date)
{
    phs_ruleset *rs = sched_rs("{interval: 3 months}");
    phs_result *res = t_classify(rs, "sbp=120");
    cr_expect_str_eq(phs_result_tier(res, 0), "t");
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_result_plan_count(res), 0);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(schedule, bad_intervals_refused)
{
    static const char *bad[] = {
        "{interval: 3 fortnights}", "{interval: months}",
        "{interval: -1 days}",      "{interval: 3 months, window: 1 months}",
        "{interval: 3}",            "{interval: 1 days, from: \"sbp\"}",
        "{window: 3 days}",         "{interval: 1 days, every: 2}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *body = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                           "tiers:\n"
                           "  - {id: t, level: 1, when: \"true\", cite: [c1], "
                           "follow_up: %s}\n",
                           bad[i]);
        phs_ruleset *rs = NULL;
        cr_expect_eq(t_load_body(&rs, "draft", body), PHS_ESPEC, "%s", bad[i]);
        cr_expect_null(rs);
        cr_expect(strstr(t_errmsg(), "p.yaml:"), "%s", t_errmsg());
        free(body);
    }
}

/* ---- the merged plan across two programs ---- */

static phs_ruleset *two_programs(const char *fu_a, const char *fu_b)
{
    char *ba = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n  - {id: t, level: 1, when: \"true\", cite: [c1], "
                     "follow_up: %s}\n",
                     fu_a);
    char *bb = t_fmt("eligibility: {when: \"not smoker\", cite: [c1]}\n"
                     "tiers:\n  - {id: t, level: 1, when: \"true\", cite: [c1], "
                     "follow_up: %s}\n",
                     fu_b);
    char *pa = t_prog("alpha", "draft", ba);
    char *pb = t_prog("beta", "draft", bb);
    const char *progs[] = {pa, pb};
    const char *names[] = {"alpha.yaml", "beta.yaml"};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, T_DICT, progs, names, 2, NULL);
    cr_assert_eq(rc, PHS_OK, "%s", t_errmsg());
    free(ba);
    free(bb);
    free(pa);
    free(pb);
    return rs;
}

/* The merged plan of alpha (always enrolled) and beta (enrolled unless a
 * smoker) for one record: the visits in date order and whom each serves. */
struct plan_case {
    const char *name, *fu_alpha, *fu_beta, *rec;
    const char *alpha_due; /* alpha's next_due */
    int beta_outcome;
    size_t visits;
    const char *date[2];
    int serves_alpha[2], serves_beta[2];
};

static const struct plan_case PLAN_CASES[] = {
    /* alpha due 06-15; beta due 07-01 with a 20-day window (from 06-11) */
    {"one visit serves both when the window is open", "{interval: 14 days}",
     "{interval: 1 months, window: 20 days}", "visit_date=2024-06-01",
     "2024-06-15", PHS_TIERED, 1, {"2024-06-15"}, {1}, {1}},
    /* beta's window opens 06-21, after alpha's visit */
    {"separate visits when the window is closed", "{interval: 14 days}",
     "{interval: 1 months, window: 10 days}", "visit_date=2024-06-01",
     "2024-06-15", PHS_TIERED, 2, {"2024-06-15", "2024-07-01"}, {1, 0},
     {0, 1}},
    /* the first program (alpha) is due last */
    {"earliest due first whatever the program order",
     "{interval: 1 years, window: 30 days}", "{interval: 14 days}",
     "visit_date=2024-06-01", "2025-06-01", PHS_TIERED, 2,
     {"2024-06-15", "2025-06-01"}, {0, 1}, {1, 0}},
    {"a program not enrolled is not in the plan", "{interval: 14 days}",
     "{interval: 1 months, window: 20 days}",
     "visit_date=2024-06-01|smoker=true", "2024-06-15", PHS_NOT_ENROLLED, 1,
     {"2024-06-15"}, {1}, {0}},
    {"the same due date is one visit", "{interval: 1 months, window: 3 days}",
     "{interval: 1 months, window: 3 days}", "visit_date=2024-01-31",
     "2024-02-29", PHS_TIERED, 1, {"2024-02-29"}, {1}, {1}},
    /* alpha was due 2024-02-01 (overdue at the 06-01 visit): its contact is
     * planned at the visit, not in the past, and serves beta too, whose
     * window (30 days before 06-15) is open then; next_due keeps the
     * overdue date */
    {"an overdue contact is planned at the visit",
     "{interval: 1 months, from: \"date('2024-01-01')\"}",
     "{interval: 14 days, window: 30 days}", "visit_date=2024-06-01",
     "2024-02-01", PHS_TIERED, 1, {"2024-06-01"}, {1}, {1}},
};

Test(plan, every_case)
{
    char d[11];
    for (size_t i = 0; i < T_COUNT(PLAN_CASES); i++) {
        const struct plan_case *c = &PLAN_CASES[i];
        phs_ruleset *rs = two_programs(c->fu_alpha, c->fu_beta);
        int a = phs_ruleset_program_index(rs, "alpha");
        int b = phs_ruleset_program_index(rs, "beta");
        cr_assert(a >= 0 && b >= 0 && a != b, "case %s", c->name);
        phs_result *res = t_classify(rs, c->rec);
        cr_expect_str_eq(t_datestr(phs_result_next_due(res, (size_t)a), d),
                         c->alpha_due, "case %s: alpha due", c->name);
        cr_expect_eq(phs_result_outcome(res, (size_t)b), c->beta_outcome,
                     "case %s: beta's outcome", c->name);
        cr_assert_eq(phs_result_plan_count(res), c->visits,
                     "case %s: %zu visits", c->name,
                     phs_result_plan_count(res));
        for (size_t v = 0; v < c->visits; v++) {
            cr_expect_str_eq(t_datestr(phs_result_plan_date(res, v), d),
                             c->date[v], "case %s: visit %zu", c->name, v);
            cr_expect_eq(phs_result_plan_serves(res, v, (size_t)a),
                         c->serves_alpha[v], "case %s: visit %zu, alpha",
                         c->name, v);
            cr_expect_eq(phs_result_plan_serves(res, v, (size_t)b),
                         c->serves_beta[v], "case %s: visit %zu, beta",
                         c->name, v);
        }
        /* out of range */
        cr_expect_eq(phs_result_plan_date(res, c->visits), PHS_DATE_NONE,
                     "case %s", c->name);
        cr_expect_eq(phs_result_plan_serves(res, c->visits, 0), 0,
                     "case %s", c->name);
        cr_expect_eq(phs_result_plan_serves(res, 0, 99), 0, "case %s",
                     c->name);
        phs_result_free(res);
        phs_ruleset_free(rs);
    }
}

/* ---- a result is reused without leaking state between records ---- */

Test(classify, result_reuse_overwrites_everything, .init = bp_up,
     .fini = bp_down)
{
    cr_assert_eq(t_reclassify(fx.rs, fx.rec, fx.res,
                              "id=first|" PAT "|sbp=190|dbp=80|smoker=true"),
                 PHS_OK);
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "emergency");
    cr_expect_eq(phs_result_flag_count(fx.res, 0), 1);
    cr_assert_eq(t_reclassify(fx.rs, fx.rec, fx.res, PAT "|sbp=150"), PHS_OK);
    cr_expect_str_eq(phs_result_id(fx.res), "");
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "insufficient_data");
    cr_expect_eq(phs_result_flag_count(fx.res, 0), 0);
    cr_expect_eq(phs_result_next_due(fx.res, 0), PHS_DATE_NONE);
    cr_expect_eq(phs_result_plan_count(fx.res), 0);
    cr_expect_str_eq(t_missing(fx.res, 0, buf, sizeof buf), "dbp");
    cr_assert_eq(t_reclassify(fx.rs, fx.rec, fx.res,
                              "id=third|" PAT "|sbp=120|dbp=70"),
                 PHS_OK);
    cr_expect_str_eq(phs_result_id(fx.res), "third");
    cr_expect_str_eq(phs_result_tier(fx.res, 0), "controlled");
    cr_expect_eq(phs_result_missing_count(fx.res, 0), 0);
    cr_expect_eq(phs_result_plan_count(fx.res), 1);
}

Test(classify, failed_check_leaves_no_stale_result, .init = bp_up,
     .fini = bp_down)
{
    /* a record refused by a dictionary check must not show the previous
     * record's tier, due date, flags or reasons */
    cr_assert_eq(t_reclassify(fx.rs, fx.rec, fx.res,
                              PAT "|sbp=190|dbp=80|smoker=true"),
                 PHS_OK);
    cr_expect_eq(t_reclassify(fx.rs, fx.rec, fx.res,
                              PAT "|sbp=90|dbp=100|smoker=true"),
                 PHS_ERECORD);
    cr_expect_null(phs_result_tier(fx.res, 0));
    cr_expect_eq(phs_result_next_due(fx.res, 0), PHS_DATE_NONE,
                 "stale due date after a refused record");
    cr_expect_eq(phs_result_flag_count(fx.res, 0), 0,
                 "stale flags after a refused record");
    cr_expect_eq(phs_result_reason_count(fx.res, 0), 0,
                 "stale reasons after a refused record");
    cr_expect_eq(phs_result_plan_count(fx.res), 0);
}

Test(classify, yearly_requirements_in_json, .init = bp_up, .fini = bp_down)
{
    phs_result *res = t_classify(fx.rs, PAT "|sbp=190|dbp=80");
    T_EXPECT_JSON(res, "\"face_to_face\"", "\"extra_unstable\"");
    phs_result_free(res);
    /* the tier-restricted requirement is absent for controlled patients */
    res = t_classify(fx.rs, PAT "|sbp=120|dbp=80");
    t_expect_json(res, (const char *const[]){"\"face_to_face\"", NULL},
                  (const char *const[]){"\"extra_unstable\"", NULL});
    phs_result_free(res);
}

/* ---- missing: exactly the fields an undecided decision lacked ---- */

static void expect_missing(const char *body, const char *rec,
                           const char *tier, const char *missing)
{
    phs_ruleset *rs = t_must_load_body(body);
    phs_result *res = t_classify(rs, rec);
    const char *t = phs_result_tier(res, 0);
    cr_expect_str_eq(t ? t : "(none)", tier, "{%s}", rec);
    t_missing(res, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, missing, "{%s}: missing [%s], expected [%s]", rec,
                     buf, missing);
    /* classifying again gives the same, nothing accumulates */
    phs_record *r2;
    cr_assert_eq(phs_record_new(&r2, rs), PHS_OK);
    cr_assert_eq(t_reclassify(rs, r2, res, rec), PHS_OK);
    cr_assert_eq(phs_classify(rs, r2, res), PHS_OK);
    t_missing(res, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, missing, "{%s}, second time: [%s]", rec, buf);
    phs_record_free(r2);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

static char *one_tier(const char *when)
{
    char *q = t_yq(when);
    char *b = t_fmt("derived:\n"
                    "  - {name: bmi, expr: \"weight / (height / 100 * height "
                    "/ 100)\"}\n"
                    T_ELIG_TRUE "tiers:\n"
                    "  - {id: t1, level: 2, when: %s, follow_up: {interval: "
                    "1 days}, cite: [c1]}\n"
                    "  - {id: rest, level: 1, when: \"true\", follow_up: "
                    "{interval: 1 days}, cite: [c1]}\n",
                    q);
    free(q);
    return b;
}

Test(missing, names_only_what_was_lacking)
{
    static const struct {
        const char *when, *rec, *tier, *missing;
    } cases[] = {
        {"sbp >= 180 or dbp >= 110", "visit_date=2024-06-01",
         "insufficient_data", "sbp,dbp"},
        {"sbp >= 180 or dbp >= 110", "visit_date=2024-06-01|sbp=150",
         "insufficient_data", "dbp"},
        {"sbp >= 180 or dbp >= 110", "visit_date=2024-06-01|dbp=80",
         "insufficient_data", "sbp"},
        /* a guarded read is not missing; the other operand is */
        {"(known(dbp) and dbp > 100) or sbp > 140", "visit_date=2024-06-01",
         "insufficient_data", "sbp"},
        /* the branch not taken is not missing */
        {"if smoker then dbp > 90 else sbp > 100",
         "visit_date=2024-06-01|smoker=true", "insufficient_data", "dbp"},
        {"if smoker then dbp > 90 else sbp > 100", "visit_date=2024-06-01",
         "insufficient_data", "sbp"},
        /* an unknown condition: its own fields */
        {"if pregnant then sbp > 1 else dbp > 1",
         "visit_date=2024-06-01|sbp=120|dbp=80", "insufficient_data",
         "pregnant"},
        {"(dbp ?? sbp) >= 140", "visit_date=2024-06-01", "insufficient_data",
         "sbp,dbp"},
        {"not (dbp > 80)", "visit_date=2024-06-01|sbp=120",
         "insufficient_data", "dbp"},
        {"any(m in meds: m == 'x')", "visit_date=2024-06-01",
         "insufficient_data", "meds"},
        {"any(d in diagnoses: d == 'Z' or sbp > 1)",
         "visit_date=2024-06-01|diagnoses=A", "insufficient_data", "sbp"},
        {"bmi >= 28", "visit_date=2024-06-01|weight=90", "insufficient_data",
         "height"},
        /* every absent operand of a strict operator is needed: naming
         * only the first would make the user come back for the next */
        {"bmi >= 28", "visit_date=2024-06-01", "insufficient_data",
         "weight,height"},
        {"sbp - dbp > 50", "visit_date=2024-06-01", "insufficient_data",
         "sbp,dbp"},
        {"sbp > dbp", "visit_date=2024-06-01", "insufficient_data",
         "sbp,dbp"},
        {"max(sbp, dbp) > 100", "visit_date=2024-06-01", "insufficient_data",
         "sbp,dbp"},
        {"days_between(birth_date, last_visit) > 1", "visit_date=2024-06-01",
         "insufficient_data", "birth_date,last_visit"},
        {"note == sex", "visit_date=2024-06-01", "insufficient_data",
         "sex,note"},
        /* unknown for a reason other than absence: nothing to name */
        {"sbp / (dbp - dbp) > 0", "visit_date=2024-06-01|sbp=120|dbp=80",
         "insufficient_data", ""},
        /* decided despite absent fields: no missing list */
        {"sbp >= 180 or dbp >= 110", "visit_date=2024-06-01|sbp=190", "t1",
         ""},
        {"sbp >= 180 and dbp >= 110", "visit_date=2024-06-01|sbp=150",
         "rest", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_log_info("case %zu: %s", i, cases[i].when);
        char *b = one_tier(cases[i].when);
        expect_missing(b, cases[i].rec, cases[i].tier, cases[i].missing);
        free(b);
    }
}

Test(missing, derived_value_reused_after_a_decided_use)
{
    /* bmi is first read where its unknown value does not matter (t1 is
     * false whatever bmi is), then where it decides (t2): the cached
     * derived value must still name height */
    const char *body =
        "derived:\n"
        "  - {name: bmi, expr: \"weight / (height / 100 * height / 100)\"}\n"
        T_ELIG_TRUE "tiers:\n"
        "  - {id: t1, level: 3, when: \"bmi > 50 and smoker\", follow_up: "
        "{interval: 1 days}, cite: [c1]}\n"
        "  - {id: t2, level: 2, when: \"bmi >= 28\", follow_up: {interval: 1 "
        "days}, cite: [c1]}\n"
        "  - {id: t3, level: 1, when: \"true\", follow_up: {interval: 1 "
        "days}, cite: [c1]}\n";
    expect_missing(body, "visit_date=2024-06-01|weight=90",
                   "insufficient_data", "height");
    /* and an earlier tier's absent field that did not matter is not named */
    const char *body2 =
        T_ELIG_TRUE "tiers:\n"
        "  - {id: t1, level: 3, when: \"dbp > 100 and sbp > 200\", follow_up: "
        "{interval: 1 days}, cite: [c1]}\n"
        "  - {id: t2, level: 2, when: \"weight > 100\", follow_up: {interval: "
        "1 days}, cite: [c1]}\n"
        "  - {id: t3, level: 1, when: \"true\", follow_up: {interval: 1 "
        "days}, cite: [c1]}\n";
    expect_missing(body2, "visit_date=2024-06-01|sbp=150",
                   "insufficient_data", "weight");
    /* a derived value first computed inside a check or the eligibility */
    const char *body3 =
        "eligibility: {when: \"age_years >= 35 or smoker\", cite: [c1]}\n"
        "tiers:\n"
        "  - {id: old, level: 2, when: \"age_years >= 65\", follow_up: "
        "{interval: 1 days}, cite: [c1]}\n"
        "  - {id: other, level: 1, when: \"true\", follow_up: {interval: 1 "
        "days}, cite: [c1]}\n";
    expect_missing(body3, "visit_date=2024-06-01|smoker=true",
                   "insufficient_data", "birth_date,age");
}

Test(missing, per_program)
{
    char *ba = one_tier("sbp > 140");
    char *bb = one_tier("dbp > 90");
    char *pa = t_prog("a", "draft", ba);
    char *pb = t_prog("b", "draft", bb);
    const char *progs[] = {pa, pb};
    phs_ruleset *rs = t_must_load(progs, 2, NULL);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01");
    int a = phs_ruleset_program_index(rs, "a");
    int b = phs_ruleset_program_index(rs, "b");
    cr_expect_str_eq(t_missing(res, (size_t)a, buf, sizeof buf), "sbp");
    cr_expect_str_eq(t_missing(res, (size_t)b, buf, sizeof buf), "dbp");
    phs_result_free(res);
    phs_ruleset_free(rs);
    free(ba);
    free(bb);
    free(pa);
    free(pb);
}

Test(classify, repeated_actions_listed_once)
{
    /* the tier and a raised flag both name 'recheck': listed once, in
     * first-named order */
    char *body = t_fmt(
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n  - {id: t, level: 1, when: \"true\", cite: [c1], "
        "follow_up: {interval: 14 days}, actions: [advise, recheck]}\n"
        "flags:\n  - {id: f, when: \"true\", cite: [c1], "
        "actions: [recheck, refer]}\n");
    char *prog = t_prog("alpha", "draft", body);
    const char *progs[] = {prog};
    const char *names[] = {"alpha.yaml"};
    phs_ruleset *rs = NULL;
    cr_assert_eq(t_load(&rs, T_DICT, progs, names, 1, NULL), PHS_OK, "%s",
                 t_errmsg());
    phs_result *res = t_classify(rs, "visit_date=2024-06-01");
    T_EXPECT_LIST(res, 0, action, "advise", "recheck", "refer");
    phs_result_free(res);
    phs_ruleset_free(rs);
    free(body);
    free(prog);
}
