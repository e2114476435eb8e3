/*
 * Issue 11 engine features: the follow-up classification code per cause
 * (tier `codes:`), flags that refer and schedule (`referral`, `follow_up`
 * on an enrolled flag), yearly requirements with `when:`, and the overdue
 * days of a result.  Each test would fail on an engine that ignored the
 * feature (a tier-wide code, a flag without effect on referral or due date,
 * a yearly requirement by tier only, no overdue count).
 */
#include "helpers.h"

static char d[11];

/* One program: emergency (code per cause), referral flag, yearly when. */
static const char BODY[] =
    "eligibility: {when: \"'I10' in diagnoses\", cite: [c1]}\n"
    "tiers:\n"
    "  - id: emergency\n"
    "    level: 5\n"
    "    code: \"4\"\n"
    "    codes:\n"
    "      - {code: \"4\", when: \"'complication' in signs\"}\n"
    "      - {code: \"2\", when: \"sbp >= 180\"}\n"
    "      - {code: \"3\", when: \"'adr' in signs\"}\n"
    "    when: \"sbp >= 180 or len(signs) > 0\"\n"
    "    referral: true\n"
    "    follow_up: {interval: 14 days}\n"
    "    cite: [c1]\n"
    "  - {id: ok, level: 1, code: \"1\", when: \"true\", follow_up: "
    "{interval: 3 months, from: \"last_visit ?? visit_date\"}, cite: [c1]}\n"
    "flags:\n"
    "  - id: refer_low\n"
    "    when: \"dbp < 50\"\n"
    "    enrolled: true\n"
    "    referral: true\n"
    "    follow_up: {interval: 7 days}\n"
    "    cite: [c1]\n"
    "  - id: sooner\n"
    "    when: \"smoker\"\n"
    "    enrolled: true\n"
    "    follow_up: {interval: 2 months}\n"
    "    cite: [c1]\n"
    "  - {id: plain, when: \"dbp < 60\", cite: [c1]}\n"
    "yearly:\n"
    "  - {id: base, min: 4, what: w, cite: [c1]}\n"
    "  - {id: extra, min: 2, what: w, tiers: [emergency], when: \"smoker\", "
    "cite: [c1]}\n";

#define PAT "visit_date=2024-06-01|diagnoses=I10|dbp=80"

static phs_ruleset *rs_new(void) { return t_must_load_body(BODY); }

static void expect_code(const char *rec, const char *tier, const char *code)
{
    phs_ruleset *rs = rs_new();
    phs_result *res = t_classify(rs, rec);
    const char *t = phs_result_tier(res, 0), *c = phs_result_code(res, 0);
    cr_expect_str_eq(t ? t : "(none)", tier, "{%s}", rec);
    cr_expect_str_eq(c ? c : "(null)", code, "{%s}: code", rec);
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    char want[32];
    snprintf(want, sizeof want, "\"code\":\"%s\"", code);
    cr_expect(strstr(json, want), "{%s}: %s", rec, json);
    phs_free(json);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(code_per_cause, first_cause_that_holds)
{
    expect_code(PAT "|sbp=185", "emergency", "2");
    expect_code(PAT "|sbp=185|signs=complication", "emergency", "4");
    expect_code(PAT "|sbp=185|signs=adr", "emergency", "2");
    expect_code(PAT "|sbp=130|signs=adr", "emergency", "3");
    /* no case holds: the tier's code */
    expect_code(PAT "|sbp=130|signs=other", "emergency", "4");
    expect_code(PAT "|sbp=130", "ok", "1");
}

Test(code_per_cause, unknown_cause_is_not_taken)
{
    /* sbp absent: the emergency is decided by a sign; "sbp >= 180" is
     * unknown, so it is skipped and the adverse reaction gives 3 */
    expect_code(PAT "|signs=adr", "emergency", "3");
}

/* Bodies the loader refuses: one tier `t` (every day) ending in `tail`. */
Test(followup, refused_bodies)
{
    static const struct {
        const char *tail, *why;
    } bad[] = {
        {", codes: [{code: \"2\", when: \"sbp\"}]}\n",
         "a non-boolean case condition"},
        {", codes: [{when: \"true\"}]}\n", "a case without a code"},
        {"}\nflags:\n  - {id: f, when: \"true\", referral: true, cite: [c1]}\n",
         "a referring flag without enrolled: true"},
    };
    for (size_t i = 0; i < T_COUNT(bad); i++) {
        char *b = t_fmt(T_ELIG_TRUE
                        "tiers:\n  - {id: t, level: 1, when: \"true\", "
                        "cite: [c1], follow_up: {interval: 1 days}%s",
                        bad[i].tail);
        phs_ruleset *rs = NULL;
        cr_expect_neq(t_load_body(&rs, "draft", b), PHS_OK,
                      "case %s: must be refused", bad[i].why);
        cr_expect_null(rs, "case %s", bad[i].why);
        phs_ruleset_free(rs);
        free(b);
    }
}

Test(flag_follow_up, referral_and_earlier_due_date)
{
    phs_ruleset *rs = rs_new();
    /* controlled tier (3 months), the referral flag: referred, due 7 days */
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|diagnoses=I10|"
                                     "sbp=130|dbp=45");
    cr_expect_str_eq(phs_result_tier(res, 0), "ok");
    cr_expect_eq(phs_result_referral(res, 0), 1);
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-06-08");
    T_EXPECT_JSON(res, "\"referral\":true", "\"next_due\":\"2024-06-08\"");
    phs_result_free(res);
    /* the flag's later date does not delay an earlier tier date */
    res = t_classify(rs, PAT "|sbp=185|smoker=true");
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-06-15");
    phs_result_free(res);
    /* a flag with a follow-up but no referral: earlier date, no referral */
    res = t_classify(rs, PAT "|sbp=130|smoker=true");
    cr_expect_eq(phs_result_referral(res, 0), 0);
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-08-01");
    phs_result_free(res);
    /* neither flag: the tier's own 3 months, no referral */
    res = t_classify(rs, PAT "|sbp=130");
    cr_expect_eq(phs_result_referral(res, 0), 0);
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-09-01");
    phs_result_free(res);
    phs_ruleset_free(rs);
}

Test(flag_follow_up, due_date_when_tier_undecided)
{
    /* the tier needs sbp; the flag still refers and schedules */
    char *b = t_fmt(
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers:\n  - {id: t, level: 1, when: \"sbp >= 140\", cite: [c1], "
        "follow_up: {interval: 14 days}}\n"
        "  - {id: u, level: 1, when: \"sbp < 140\", cite: [c1], "
        "follow_up: {interval: 14 days}}\n"
        "flags:\n  - {id: check, when: \"true\", enrolled: true, cite: [c1], "
        "follow_up: {interval: 1 years, from: \"last_visit ?? visit_date\"}}\n");
    phs_ruleset *rs = t_must_load_body(b);
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|"
                                     "last_visit=2024-02-29");
    cr_expect_eq(phs_result_outcome(res, 0), PHS_INSUFFICIENT_DATA);
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2025-02-28");
    cr_assert_eq(phs_result_plan_count(res), 1);
    cr_expect_str_eq(t_datestr(phs_result_plan_date(res, 0), d), "2025-02-28");
    phs_result_free(res);
    phs_ruleset_free(rs);
    free(b);
}

Test(flag_follow_up, not_enrolled_no_effect)
{
    phs_ruleset *rs = rs_new();
    phs_result *res = t_classify(rs, "visit_date=2024-06-01|sbp=130|dbp=45");
    cr_expect_eq(phs_result_enrolled(res, 0), 0);
    cr_expect_eq(phs_result_referral(res, 0), 0);
    cr_expect_eq(phs_result_next_due(res, 0), PHS_DATE_NONE);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

static int json_has_yearly(const phs_ruleset *rs, const char *rec,
                           const char *id)
{
    phs_result *res = t_classify(rs, rec);
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK);
    char want[64];
    snprintf(want, sizeof want, "{\"id\":\"%s\",\"min\"", id);
    int has = strstr(json, want) != NULL;
    phs_free(json);
    phs_result_free(res);
    return has;
}

Test(yearly_when, tier_or_condition)
{
    phs_ruleset *rs = rs_new();
    /* by the tier */
    cr_expect(json_has_yearly(rs, PAT "|sbp=185", "extra"));
    /* by the condition, in a tier not listed */
    cr_expect(json_has_yearly(rs, PAT "|sbp=130|smoker=true", "extra"));
    /* neither */
    cr_expect(!json_has_yearly(rs, PAT "|sbp=130", "extra"));
    /* the unrestricted requirement always */
    cr_expect(json_has_yearly(rs, PAT "|sbp=130", "base"));
    phs_ruleset_free(rs);
}

Test(overdue, days_and_plan_at_visit)
{
    phs_ruleset *rs = rs_new();
    /* last visit 2024-01-10 + 3 months = 2024-04-10: 52 days before the
     * 2024-06-01 visit; the plan puts the contact at the visit */
    phs_result *res = t_classify(rs, PAT "|sbp=130|last_visit=2024-01-10");
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-04-10");
    cr_expect_eq(phs_result_overdue_days(res, 0), 52);
    cr_assert_eq(phs_result_plan_count(res), 1);
    cr_expect_str_eq(t_datestr(phs_result_plan_date(res, 0), d), "2024-06-01");
    T_EXPECT_JSON(res, "\"overdue_days\":52", "\"next_due\":\"2024-04-10\"");
    phs_result_free(res);
    /* due on the visit day itself is not overdue */
    res = t_classify(rs, PAT "|sbp=130|last_visit=2024-03-01");
    cr_expect_str_eq(t_datestr(phs_result_next_due(res, 0), d), "2024-06-01");
    cr_expect_eq(phs_result_overdue_days(res, 0), 0);
    phs_result_free(res);
    /* due in the future, and a program without a due date: 0 */
    res = t_classify(rs, PAT "|sbp=130");
    cr_expect_eq(phs_result_overdue_days(res, 0), 0);
    phs_result_free(res);
    res = t_classify(rs, "visit_date=2024-06-01|sbp=130");
    cr_expect_eq(phs_result_overdue_days(res, 0), 0);
    cr_expect_eq(phs_result_overdue_days(NULL, 0), 0);
    cr_expect_eq(phs_result_overdue_days(res, 99), 0);
    phs_result_free(res);
    phs_ruleset_free(rs);
}
