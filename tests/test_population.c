/*
 * The population view (phs/population.h): a hand-computed population of 12
 * residents over 2024, every indicator's numerator, denominator and
 * undecided count and the residents in each; the tier distribution, the
 * transitions, the overdue list; the JSON and CSV renderings; the loader's
 * errors for indicator files; add() refusals.  The expected numbers are
 * worked out in the comments next to the data, not by the engine.
 */
#include "helpers.h"
#include "phs/population.h"

#include <math.h>

static const char DICT[] =
    "dictionary: libphs-fields\n"
    "version: \"p1\"\n"
    "fields:\n"
    "  - {name: id, type: string, label: 标识}\n"
    "  - {name: visit_date, type: date, label: 随访日期}\n"
    "  - {name: age, type: number, range: [0, 150], label: 年龄}\n"
    "  - {name: sbp, type: number, range: [40, 300], label: 收缩压}\n"
    "  - {name: diagnoses, type: codes, label: 诊断}\n"
    "  - {name: mode, type: enum, values: [clinic, home, phone], label: 方式}\n"
    "  - {name: open, type: bool, label: 开放}\n"
    "  - {name: last_check, type: date, label: 体检}\n";

/* Program bp: urgent (>= 180, 14 days), raised (>= 140, 14 days), ok (3
 * months); yearly: 2 face-to-face, 1 extra for urgent. */
static const char BP[] =
    "eligibility: {when: \"has_code(diagnoses, ['I10']) and age >= 18\", cite: [c1]}\n"
    "derived:\n"
    "  - {name: high, expr: \"sbp >= 140\", cite: [c1]}\n"
    "tiers:\n"
    "  - {id: urgent, level: 3, when: \"sbp >= 180\", follow_up: {interval: 14 days}, cite: [c1]}\n"
    "  - {id: raised, level: 2, when: \"high\", follow_up: {interval: 14 days}, cite: [c1]}\n"
    "  - {id: ok, level: 1, when: \"true\", follow_up: {interval: 3 months}, cite: [c1]}\n"
    "yearly:\n"
    "  - {id: f2f, min: 2, what: face-to-face, cite: [c1]}\n"
    "  - {id: extra, min: 1, what: extra, tiers: [urgent], cite: [c1]}\n";

#define IND_HEAD                                                               \
    "indicator_set: test\n"                                                    \
    "version: \"1\"\n"                                                         \
    "sources:\n"                                                               \
    "  - {id: s1, title: 规范, kind: NAT, issuer: x, year: 2024}\n"             \
    "clauses:\n"                                                               \
    "  - {id: k1, source: s1, text: t, tag: NAT, confidence: C2}\n"            \
    "indicators:\n"

static const char IND[] =
    IND_HEAD
    "  - id: std\n"
    "    program: bp\n"
    "    title: {zh: 规范管理率, en: standard}\n"
    "    denominator: {residents: enrolled}\n"
    "    numerator:\n"
    "      visits: {where: \"mode in ['clinic', 'home']\", min: [f2f]}\n"
    "      due_dates_met: true\n"
    "    target: 0.6\n"
    "    cite: [k1]\n"
    "  - id: ctl\n"
    "    program: bp\n"
    "    title: {zh: 控制率, en: control}\n"
    "    denominator: {residents: enrolled}\n"
    "    numerator: {latest: \"not high\"}\n"
    "    cite: [k1]\n"
    "  - id: unstable\n"
    "    program: bp\n"
    "    title: {zh: 不稳定, en: unstable}\n"
    "    denominator: {residents: enrolled, reached: extra}\n"
    "    numerator:\n"
    "      visits: {where: \"mode in ['clinic', 'home']\", min: [f2f, extra]}\n"
    "    cite: [k1]\n"
    "  - id: old\n"
    "    program: bp\n"
    "    title: {zh: 老年人, en: old}\n"
    "    denominator: {residents: all, where: \"age >= 65\"}\n"
    "    numerator: {date_in_period: last_check}\n"
    "    cite: [k1]\n"
    "  - id: open\n"
    "    title: {zh: 开放, en: open}\n"
    "    denominator: {residents: all}\n"
    "    numerator: {latest: \"open\"}\n"
    "    target: 0.4\n"
    "    cite: [k1]\n";

/* Period 2024-01-01 .. 2024-12-31.  Per resident, what each indicator
 * sees (f2f = clinic or home; "due" = the next due date and whether the next
 * visit met it):
 *  a 64 I10: 01-10 ok(due 04-10) 04-01 raised(04-15) 04-12 ok(07-12)
 *    07-01 phone ok(10-01): f2f 3; 10-01 never met -> std no; ctl yes;
 *    overdue 10-01 -> 91 days; open on the latest record only -> yes.
 *  b 70 I10: 2023-12-01 (before the period) then 02-20 urgent(03-05)
 *    03-01 raised(03-15) 03-14 ok(06-14) 06-10 ok(09-10) 09-01 ok(12-01)
 *    11-25 ok(2025-02-25): f2f 6, every due met -> std yes; unstable yes
 *    (6 >= 3); last_check 2024-01-01 (the first day) -> old yes.
 *  c 50 I10: 05-01 urgent(05-15) 05-20 no sbp (insufficient data): due
 *    05-15 met on 05-20? no (5 days late) -> std no; ctl undecided;
 *    unstable denominator, 2 f2f < 3 -> no.
 *  d 65 (no I10): old denominator (65 on the boundary), last_check
 *    2023-12-31 (the day before) -> no; open yes.
 *  e 40: one record in 2023, open -> open denominator and numerator.
 *  f 80 I10: only a 2025 record -> in no denominator.
 *  g 55 I10: clinic, (no mode), phone, phone; dues all met: f2f 1 known +
 *    1 unknown for a minimum of 2 -> std undecided; ctl yes.
 *  h 45 I10: clinic, phone, phone, dues met, f2f 1 < 2 -> std no; open on
 *    the first record, false on the latest -> no.
 *  i 45 I10: 09-01 clinic(12-01), 12-01 clinic sbp 139 -> due met on the
 *    due date, f2f 2 = min -> std yes; ctl yes (139).
 *  k 45 I10: 09-01(12-01), 12-02 sbp 140 raised(12-16): one day late ->
 *    std no; ctl no (140); overdue 12-16 -> 15 days.
 *  m 45 I10: 09-30 ok(12-30) -> overdue 1 day; std no.
 *  n 45 I10: 10-01 ok(12-31) -> due on the last day: not overdue.
 *  p (no age, no I10): old's condition cannot be decided -> excluded, in no
 *    other part of old; open denominator, not open.
 *  q (no age, I10): the bp enrolment (I10 and age >= 18) is undecided ->
 *    excluded from std, ctl and unstable; excluded from old; open: no. */
static const char VISITS[] =
    "id,visit_date,age,sbp,diagnoses,mode,open,last_check\n"
    "n,2024-10-01,45,130,I10,clinic,,\n"
    "a,2024-04-12,64,130,I10,clinic,,\n"
    "a,2024-01-10,64,130,I10,clinic,,\n"
    "a,2024-04-01,64,150,I10,home,,\n"
    "a,2024-07-01,64,130,I10,phone,true,\n"
    "b,2023-12-01,70,130,I10,clinic,,\n"
    "b,2024-02-20,70,185,I10,clinic,,2024-01-01\n"
    "b,2024-03-01,70,150,I10,clinic,,\n"
    "b,2024-03-14,70,135,I10,clinic,,\n"
    "b,2024-06-10,70,120,I10,home,,\n"
    "b,2024-09-01,70,125,I10,clinic,,\n"
    "b,2024-11-25,70,130,I10,clinic,,\n"
    "c,2024-05-01,50,182,I10,clinic,,\n"
    "c,2024-05-20,50,,I10,clinic,,\n"
    "d,2024-03-01,65,120,,clinic,true,2023-12-31\n"
    "e,2023-05-01,40,120,,clinic,true,\n"
    "f,2025-02-01,80,130,I10,clinic,true,2025-02-01\n"
    "g,2024-02-01,55,130,I10,clinic,,\n"
    "g,2024-04-20,55,130,I10,,,\n"
    "g,2024-07-15,55,130,I10,phone,,\n"
    "g,2024-10-10,55,130,I10,phone,,\n"
    "h,2024-06-01,45,130,I10,clinic,true,\n"
    "h,2024-08-30,45,130,I10,phone,,\n"
    "h,2024-11-29,45,130,I10,phone,false,\n"
    "i,2024-09-01,45,130,I10,clinic,,\n"
    "i,2024-12-01,45,139,I10,clinic,,\n"
    "k,2024-09-01,45,130,I10,clinic,,\n"
    "k,2024-12-02,45,140,I10,clinic,,\n"
    "m,2024-09-30,45,130,I10,clinic,,\n"
    "p,2024-06-01,,120,,clinic,,\n"
    "q,2024-06-01,,130,I10,clinic,,\n";

static int load(phs_ruleset **rs, const char *ind)
{
    char *bp = t_prog("bp", "draft", BP);
    const char *names[] = {"fields.yaml", "bp.yaml", "indicators.yaml"};
    const char *texts[] = {DICT, bp, ind};
    size_t lens[] = {strlen(DICT), strlen(bp), strlen(ind)};
    int rc = phs_ruleset_load_texts(rs, names, texts, lens, 3, NULL);
    free(bp);
    return rc;
}

static phs_date D(const char *s)
{
    phs_date d;
    cr_assert_eq(phs_date_parse(&d, s, strlen(s)), PHS_OK);
    return d;
}

typedef struct {
    phs_ruleset *rs;
    phs_population *pop;
    phs_indicators *ind;
} fixture;

static fixture compute(void)
{
    fixture f = {0};
    int rc = load(&f.rs, IND);
    cr_assert_eq(rc, PHS_OK, "%s", phs_error_message(phs_error_last()));
    cr_assert_eq(phs_population_new(&f.pop, f.rs), PHS_OK);
    phs_reader *rd;
    cr_assert_eq(phs_reader_open_buffer(&rd, f.rs, VISITS, strlen(VISITS),
                                        PHS_FORMAT_CSV), PHS_OK);
    size_t skipped = 99;
    cr_assert_eq(phs_population_add_reader(f.pop, rd, &skipped), PHS_OK,
                 "%s", phs_error_message(phs_error_last()));
    phs_reader_free(rd);
    cr_assert_eq(skipped, 0);
    cr_assert_eq(phs_population_visit_count(f.pop), 31);
    cr_assert_eq(phs_population_resident_count(f.pop), 14);
    cr_assert_eq(phs_population_indicators(f.pop, D("2024-01-01"),
                                           D("2024-12-31"), &f.ind), PHS_OK);
    return f;
}

static void release(fixture *f)
{
    phs_indicators_free(f->ind);
    phs_population_free(f->pop);
    phs_ruleset_free(f->rs);
}

static size_t find(const phs_indicators *ind, const char *id)
{
    for (size_t i = 0; i < phs_indicators_count(ind); i++)
        if (!strcmp(phs_indicators_id(ind, i), id))
            return i;
    cr_assert_fail("no indicator %s", id);
    return 0;
}

/* The residents of one part, joined by spaces. */
static void expect_ids(const phs_indicators *ind, size_t i, int which,
                       const char *want)
{
    char got[256] = "";
    for (size_t k = 0; k < phs_indicators_resident_count(ind, i, which); k++) {
        if (k)
            strcat(got, " ");
        strcat(got, phs_indicators_resident(ind, i, which, k));
    }
    cr_expect_str_eq(got, want, "%s part %d", phs_indicators_id(ind, i),
                     which);
}

static void expect_ind(const phs_indicators *ind, const char *id,
                       const char *den, const char *num, const char *und)
{
    size_t i = find(ind, id);
    expect_ids(ind, i, PHS_COUNTED_DENOMINATOR, den);
    expect_ids(ind, i, PHS_COUNTED_NUMERATOR, num);
    expect_ids(ind, i, PHS_COUNTED_UNDECIDED, und);
}

Test(population, standard_management)
{
    fixture f = compute();
    expect_ind(f.ind, "std", "a b c g h i k m n", "b i", "g");
    expect_ids(f.ind, find(f.ind, "std"), PHS_COUNTED_EXCLUDED, "q");
    size_t i = find(f.ind, "std");
    cr_expect_eq(phs_indicators_numerator(f.ind, i), 2);
    cr_expect_eq(phs_indicators_denominator(f.ind, i), 9);
    cr_expect_eq(phs_indicators_undecided(f.ind, i), 1);
    cr_expect_float_eq(phs_indicators_rate(f.ind, i), 2.0 / 9.0, 1e-12);
    cr_expect_float_eq(phs_indicators_target(f.ind, i), 0.6, 1e-12);
    cr_expect_str_eq(phs_indicators_program(f.ind, i), "bp");
    cr_expect_str_eq(phs_indicators_title(f.ind, i, "zh"), "规范管理率");
    cr_expect_eq(phs_indicators_cite_count(f.ind, i), 1);
    cr_expect_str_eq(phs_indicators_cite(f.ind, i, 0), "k1");
    release(&f);
}

Test(population, control_latest_visit)
{
    fixture f = compute();
    expect_ind(f.ind, "ctl", "a b c g h i k m n", "a b g h i m n", "c");
    expect_ids(f.ind, find(f.ind, "ctl"), PHS_COUNTED_EXCLUDED, "q");
    cr_expect(isnan(phs_indicators_target(f.ind, find(f.ind, "ctl"))));
    release(&f);
}

Test(population, unstable_extra_followups)
{
    fixture f = compute();
    expect_ind(f.ind, "unstable", "b c", "b", "");
    expect_ids(f.ind, find(f.ind, "unstable"), PHS_COUNTED_EXCLUDED, "q");
    release(&f);
}

Test(population, elderly_check_and_ehr_open)
{
    fixture f = compute();
    expect_ind(f.ind, "old", "b d", "b", "");
    expect_ids(f.ind, find(f.ind, "old"), PHS_COUNTED_EXCLUDED, "p q");
    cr_expect_eq(phs_indicators_excluded(f.ind, find(f.ind, "old")), 2);
    expect_ind(f.ind, "open", "a b c d e g h i k m n p q", "a d e", "");
    size_t i = find(f.ind, "open");
    cr_expect_eq(phs_indicators_excluded(f.ind, i), 0);
    cr_expect_null(phs_indicators_program(f.ind, i));
    cr_expect_float_eq(phs_indicators_rate(f.ind, i), 3.0 / 13.0, 1e-12);
    release(&f);
}

Test(population, tiers_transitions_overdue)
{
    fixture f = compute();
    /* tiers: urgent 0, raised 1, ok 2, no tier 3 */
    size_t want[4] = {0, 1, 7, 1};
    for (size_t t = 0; t < 4; t++)
        cr_expect_eq(phs_indicators_tier_residents(f.ind, 0, t), want[t],
                     "tier %zu", t);
    size_t tr[4][4] = {{0, 1, 0, 1}, {0, 0, 2, 0}, {0, 2, 10, 0}, {0}};
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++)
            cr_expect_eq(phs_indicators_transitions(f.ind, 0, a, b), tr[a][b],
                         "%zu -> %zu", a, b);
    cr_expect_eq(phs_indicators_tier_residents(f.ind, 0, 4), 0);
    cr_assert_eq(phs_indicators_overdue_count(f.ind), 3);
    const char *ids[] = {"a", "k", "m"};
    int days[] = {91, 15, 1}, tiers[] = {2, 1, 2};
    const char *due[] = {"2024-10-01", "2024-12-16", "2024-12-30"};
    for (size_t k = 0; k < 3; k++) {
        char buf[11];
        cr_expect_str_eq(phs_indicators_overdue_id(f.ind, k), ids[k]);
        cr_expect_eq(phs_indicators_overdue_days(f.ind, k), days[k]);
        cr_expect_eq(phs_indicators_overdue_tier(f.ind, k), tiers[k]);
        cr_expect_eq(phs_indicators_overdue_program(f.ind, k), 0);
        phs_date_format(phs_indicators_overdue_due(f.ind, k), buf);
        cr_expect_str_eq(buf, due[k]);
    }
    cr_expect_null(phs_indicators_overdue_id(f.ind, 3));
    cr_expect_eq(phs_indicators_overdue_program(f.ind, 3), PHS_EINVAL);
    cr_expect_eq(phs_indicators_overdue_due(f.ind, 3), PHS_DATE_NONE);
    /* bad indexes answer "nothing", never read out of bounds */
    size_t n = phs_indicators_count(f.ind);
    cr_expect_eq(n, 5);
    cr_expect_null(phs_indicators_id(f.ind, n));
    cr_expect_null(phs_indicators_title(f.ind, 0, "fr"));
    cr_expect_eq(phs_indicators_denominator(f.ind, n), 0);
    cr_expect(isnan(phs_indicators_rate(f.ind, n)));
    cr_expect_null(phs_indicators_resident(f.ind, 0, 4, 0));
    cr_expect_null(phs_indicators_resident(f.ind, 0, -1, 0));
    cr_expect_null(phs_indicators_resident(f.ind, 0, 0, 99));
    cr_expect_null(phs_indicators_cite(f.ind, 0, 1));
    cr_expect_eq(phs_indicators_tier_residents(f.ind, 1, 0), 0);
    cr_expect_eq(phs_indicators_transitions(f.ind, 0, 4, 0), 0);
    cr_expect_eq(phs_indicators_count(NULL), 0);
    release(&f);
}

Test(population, another_period)
{
    /* the first half of 2024: a has 01-10 ok, 04-01 raised, 04-12 ok (f2f
     * 3; the 07-12 due is after the period, so every due counted was met);
     * as of 06-30, a's latest visit (04-12) is due 07-12: not overdue. */
    fixture f = compute();
    phs_indicators *h;
    cr_assert_eq(phs_population_indicators(f.pop, D("2024-01-01"),
                                           D("2024-06-30"), &h), PHS_OK);
    size_t i = find(h, "std");
    expect_ids(h, i, PHS_COUNTED_NUMERATOR, "a b");
    expect_ids(h, i, PHS_COUNTED_DENOMINATOR, "a b c g h");
    for (size_t k = 0; k < phs_indicators_overdue_count(h); k++)
        cr_expect_str_neq(phs_indicators_overdue_id(h, k), "a");
    phs_indicators_free(h);
    cr_expect_eq(phs_population_indicators(f.pop, D("2024-02-01"),
                                           D("2024-01-31"), &h), PHS_EINVAL);
    cr_expect_null(h);
    release(&f);
}

Test(population, json_and_csv_agree)
{
    fixture f = compute();
    char *json, *csv;
    cr_assert_eq(phs_indicators_to_json(f.ind, &json, NULL), PHS_OK);
    cr_assert_eq(phs_indicators_to_csv(f.ind, &csv, NULL), PHS_OK);
    cr_expect(strstr(json, "{\"id\":\"std\",\"program\":\"bp\",\"title\":"
                           "{\"zh\":\"规范管理率\",\"en\":\"standard\"},"
                           "\"numerator\":2,\"denominator\":9,"
                           "\"undecided\":1,\"excluded\":1,\"rate\":0.2222,"
                           "\"target\":0.6000,\"cite\":[\"k1\"]}"),
              "%s", json);
    cr_expect(strstr(json, "\"tiers\":{\"urgent\":0,\"raised\":1,\"ok\":7,"
                           "\"no_tier\":1}"), "%s", json);
    cr_expect(strstr(json, "{\"from\":\"ok\",\"to\":\"ok\",\"count\":10}"));
    cr_expect(strstr(json, "{\"id\":\"a\",\"program\":\"bp\",\"tier\":\"ok\","
                           "\"due\":\"2024-10-01\",\"days\":91}"));
    cr_expect(strstr(json, "\"rate\":0.2308,\"target\":0.4000"), "%s", json);
    cr_expect(strstr(json, "\"id\":\"old\""), "%s", json);
    cr_expect(strstr(csv, "indicator,bp,old,excluded,2\n"), "%s", csv);
    cr_expect(strstr(csv, "kind,program,name,detail,value\n"));
    cr_expect(strstr(csv, "indicator,bp,std,numerator,2\n"));
    cr_expect(strstr(csv, "indicator,bp,std,denominator,9\n"));
    cr_expect(strstr(csv, "indicator,bp,std,rate,0.2222\n"));
    cr_expect(strstr(csv, "indicator,,open,rate,0.2308\n"));
    cr_expect(strstr(csv, "indicator,bp,ctl,target,\n"));
    cr_expect(strstr(csv, "tier,bp,ok,,7\n"));
    cr_expect(strstr(csv, "transition,bp,urgent,no_tier,1\n"));
    cr_expect(strstr(csv, "overdue,bp,k,2024-12-16,15\n"));
    phs_free(json);
    phs_free(csv);
    release(&f);
}

Test(population, add_refuses_records_without_id_or_date)
{
    fixture f = compute();
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, f.rs), PHS_OK);
    int fv = phs_ruleset_field_id(f.rs, "visit_date");
    int fi = phs_ruleset_field_id(f.rs, "id");
    cr_assert_eq(phs_record_set_date(rec, fv, D("2024-03-01")), PHS_OK);
    cr_expect_eq(phs_population_add(f.pop, rec), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(phs_error_last()), "id");
    phs_record_clear(rec);
    cr_assert_eq(phs_record_set_string(rec, fi, "z", 1), PHS_OK);
    cr_expect_eq(phs_population_add(f.pop, rec), PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(phs_error_last()), "visit_date");
    cr_expect_eq(phs_population_visit_count(f.pop), 31);
    cr_expect_eq(phs_population_resident_count(f.pop), 14);
    phs_record_free(rec);
    /* a record of another rule set (a larger dictionary) is refused */
    phs_ruleset *other = t_must_load_body(
        "eligibility: {when: \"true\", cite: [c1]}\n"
        "tiers: [{id: t, level: 1, when: \"true\", "
        "follow_up: {interval: 1 days}, cite: [c1]}]\n");
    cr_assert_eq(phs_record_new(&rec, other), PHS_OK);
    cr_expect_eq(phs_population_add(f.pop, rec), PHS_EINVAL);
    cr_expect_eq(phs_population_add(NULL, rec), PHS_EINVAL);
    cr_expect_eq(phs_population_visit_count(f.pop), 31);
    phs_record_free(rec);
    phs_ruleset_free(other);
    release(&f);
}

static void expect_load_error(const char *body, const char *msg)
{
    char *ind = t_fmt(IND_HEAD "%s", body);
    phs_ruleset *rs = NULL;
    cr_expect_eq(load(&rs, ind), PHS_ESPEC, "%s", body);
    cr_expect_null(rs);
    const char *m = phs_error_message(phs_error_last());
    cr_expect(strstr(m, "indicators.yaml:") == m, "%s", m);
    cr_expect(strstr(m, msg), "%s does not say %s", m, msg);
    free(ind);
}

#define ONE(extra)                                                             \
    "  - id: x\n    title: {zh: x, en: x}\n    cite: [k1]\n" extra

Test(population, indicator_file_errors)
{
    expect_load_error(ONE("    program: nope\n    denominator: {residents: all}\n"
                          "    numerator: {latest: \"true\"}\n"),
                      "unknown program 'nope'");
    expect_load_error(ONE("    denominator: {residents: enrolled}\n"
                          "    numerator: {latest: \"true\"}\n"),
                      "needs the indicator's program");
    expect_load_error(ONE("    program: bp\n    denominator: {residents: some}\n"
                          "    numerator: {latest: \"true\"}\n"),
                      "enrolled or all");
    expect_load_error(ONE("    program: bp\n    denominator: {residents: all}\n"
                          "    numerator: {visits: {min: [f3f]}}\n"),
                      "'f3f' is not a yearly requirement of bp");
    expect_load_error(ONE("    program: bp\n    denominator: {residents: all, "
                          "reached: f2f}\n    numerator: {latest: \"true\"}\n"),
                      "names no tiers");
    expect_load_error(ONE("    denominator: {residents: all}\n"
                          "    numerator: {latest: \"true\"}\n    target: 40\n"),
                      "target is a rate from 0 to 1");
    expect_load_error(ONE("    denominator: {residents: all}\n"
                          "    numerator: {date_in_period: age}\n"),
                      "must name a date field");
    expect_load_error(ONE("    denominator: {residents: all}\n"
                          "    numerator: {latest: \"sbp\"}\n"),
                      "must be a bool expression");
    expect_load_error(ONE("    denominator: {residents: all}\n"
                          "    numerator: {}\n"),
                      "at least one condition");
    /* a target on the boundaries loads */
    phs_ruleset *rs;
    const char *ok = IND_HEAD ONE("    denominator: {residents: all}\n"
                                  "    numerator: {latest: \"true\"}\n"
                                  "    target: 1\n");
    cr_expect_eq(load(&rs, ok), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    phs_ruleset_free(rs);
}

Test(population, empty_population)
{
    phs_ruleset *rs;
    phs_population *pop;
    phs_indicators *ind;
    cr_assert_eq(load(&rs, IND), PHS_OK);
    cr_assert_eq(phs_population_new(&pop, rs), PHS_OK);
    cr_assert_eq(phs_population_indicators(pop, D("2024-01-01"),
                                           D("2024-12-31"), &ind), PHS_OK);
    for (size_t i = 0; i < phs_indicators_count(ind); i++) {
        cr_expect_eq(phs_indicators_denominator(ind, i), 0);
        cr_expect(isnan(phs_indicators_rate(ind, i)));
    }
    cr_expect_eq(phs_indicators_overdue_count(ind), 0);
    char *csv;
    cr_assert_eq(phs_indicators_to_csv(ind, &csv, NULL), PHS_OK);
    cr_expect(strstr(csv, "indicator,bp,std,rate,\n"), "%s", csv);
    phs_free(csv);
    phs_indicators_free(ind);
    phs_population_free(pop);
    phs_ruleset_free(rs);
}

/* ---- out of memory at every allocation of collect + compute + render ---- */

static struct {
    long calls, fail_at, live;
} oom;

typedef struct {
    size_t size;
    size_t pad;
} oom_hdr;

static void *oom_malloc(void *ud, size_t n)
{
    (void)ud;
    if (++oom.calls == oom.fail_at)
        return NULL;
    oom_hdr *h = malloc(sizeof *h + n);
    if (h)
        oom.live++;
    return h ? h + 1 : NULL;
}

static void *oom_realloc(void *ud, void *p, size_t n)
{
    if (!p)
        return oom_malloc(ud, n);
    if (++oom.calls == oom.fail_at)
        return NULL;
    oom_hdr *h = realloc((oom_hdr *)p - 1, sizeof *h + n);
    return h ? h + 1 : NULL;
}

static void oom_free(void *ud, void *p)
{
    (void)ud;
    if (p) {
        oom.live--;
        free((oom_hdr *)p - 1);
    }
}

/* Collect, compute and render; PHS_OK with the JSON in *json, or the first
 * failing status.  Everything made here is freed here. */
static int pipeline(const phs_ruleset *rs, char **json)
{
    phs_population *pop = NULL;
    phs_reader *rd = NULL;
    phs_indicators *ind = NULL;
    *json = NULL;
    int rc = phs_population_new(&pop, rs);
    if (rc == PHS_OK)
        rc = phs_reader_open_buffer(&rd, rs, VISITS, strlen(VISITS),
                                    PHS_FORMAT_CSV);
    if (rc == PHS_OK)
        rc = phs_population_add_reader(pop, rd, NULL);
    if (rc == PHS_OK)
        rc = phs_population_indicators(pop, D("2024-01-01"), D("2024-12-31"),
                                       &ind);
    if (rc == PHS_OK)
        rc = phs_indicators_to_json(ind, json, NULL);
    phs_indicators_free(ind);
    phs_reader_free(rd);
    phs_population_free(pop);
    return rc;
}

Test(population, out_of_memory_anywhere, .timeout = 300)
{
    phs_allocator a = {oom_malloc, oom_realloc, oom_free, NULL};
    cr_assert_eq(phs_allocator_set(&a), PHS_OK);
    phs_ruleset *rs;
    cr_assert_eq(load(&rs, IND), PHS_OK);
    char *ref;
    oom.calls = 0;
    cr_assert_eq(pipeline(rs, &ref), PHS_OK);
    long n = oom.calls, base = oom.live; /* the ruleset and ref */
    cr_assert_gt(n, 20);
    long failed = 0;
    for (long k = 1; k <= n; k++) {
        char *json;
        oom.calls = 0;
        oom.fail_at = k;
        int rc = pipeline(rs, &json);
        oom.fail_at = 0;
        if (rc == PHS_OK) {
            cr_expect_str_eq(json, ref, "allocation %ld", k);
        } else {
            failed++;
            cr_expect_eq(rc, PHS_ENOMEM, "allocation %ld: status %d (%s)", k,
                         rc, phs_error_message(phs_error_last()));
        }
        phs_free(json);
        cr_expect_eq(oom.live, base, "allocation %ld: %ld leaked", k,
                     oom.live - base);
    }
    cr_expect_gt(failed, 0);
    phs_free(ref);
    phs_ruleset_free(rs);
}
