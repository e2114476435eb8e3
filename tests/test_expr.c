/* The expression language through the public API: parsing, precedence,
 * type checking with positions, and evaluation (three-valued logic, lists,
 * regexes, dates, arithmetic). */
#include "helpers.h"

#define T 1
#define F 0
#define U (-1)

#define EXPECT_EVAL(expr, rec, want)                                           \
    do {                                                                       \
        int got_ = t_eval((expr), (rec));                                      \
        cr_expect_eq(got_, (want), "%s  with  {%s}: got %d, expected %d",     \
                     (expr), (rec), got_, (want));                             \
    } while (0)

static const char *BASE = "visit_date=2024-06-01";

/* ---- precedence and operators ---- */

Test(expr_parse, arithmetic_precedence)
{
    EXPECT_EVAL("1 + 2 * 3 == 7", BASE, T);
    EXPECT_EVAL("(1 + 2) * 3 == 9", BASE, T);
    EXPECT_EVAL("10 - 4 - 3 == 3", BASE, T);  /* left associative */
    EXPECT_EVAL("12 / 2 / 3 == 2", BASE, T);
    EXPECT_EVAL("2 * 3 + 4 * 5 == 26", BASE, T);
    EXPECT_EVAL("-2 * 3 == -6", BASE, T);
    EXPECT_EVAL("- -2 == 2", BASE, T);
    EXPECT_EVAL("7 - -2 == 9", BASE, T);
    EXPECT_EVAL("1 + 2 * 3 == 9", BASE, F);
}

Test(expr_parse, arithmetic_on_fields_at_run_time)
{
    const char *r = "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175";
    EXPECT_EVAL("sbp - dbp * 2 == -30", r, T);
    EXPECT_EVAL("(sbp - dbp) * 2 == 120", r, T);
    EXPECT_EVAL("sbp / dbp > 1.66 and sbp / dbp < 1.67", r, T);
    EXPECT_EVAL("-sbp == -150", r, T);
    EXPECT_EVAL("weight / (height / 100 * height / 100) > 22.8", r, T);
    EXPECT_EVAL("weight / (height / 100 * height / 100) > 22.9", r, F);
    EXPECT_EVAL("min(sbp, dbp) == 90 and max(sbp, dbp) == 150", r, T);
    EXPECT_EVAL("abs(dbp - sbp) == 60", r, T);
}

Test(expr_parse, comparison_operators)
{
    const char *r = "visit_date=2024-06-01|sbp=140";
    EXPECT_EVAL("sbp == 140", r, T);
    EXPECT_EVAL("sbp != 140", r, F);
    EXPECT_EVAL("sbp < 140", r, F);
    EXPECT_EVAL("sbp <= 140", r, T);
    EXPECT_EVAL("sbp > 140", r, F);
    EXPECT_EVAL("sbp >= 140", r, T);
    /* the same with the constant on the left (not the field fast path) */
    EXPECT_EVAL("140 == sbp", r, T);
    EXPECT_EVAL("139 < sbp", r, T);
    EXPECT_EVAL("140 < sbp", r, F);
    EXPECT_EVAL("141 > sbp", r, T);
    EXPECT_EVAL("sbp + 0 >= 140", r, T);
    EXPECT_EVAL("sbp + 0 > 140", r, F);
}

Test(expr_parse, string_enum_and_date_comparisons)
{
    const char *r = "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01";
    EXPECT_EVAL("sex == 'F'", r, T);
    EXPECT_EVAL("sex != 'M'", r, T);
    EXPECT_EVAL("'F' == sex", r, T);
    EXPECT_EVAL("note == \"abc\"", r, T);
    EXPECT_EVAL("note < 'abd'", r, T);
    EXPECT_EVAL("note < 'abc'", r, F);
    EXPECT_EVAL("note > 'ab'", r, T);
    EXPECT_EVAL("birth_date < visit_date", r, T);
    EXPECT_EVAL("visit_date == date('2024-06-01')", r, T);
    EXPECT_EVAL("visit_date > date('2024-05-31')", r, T);
    EXPECT_EVAL("visit_date >= date('2024-06-02')", r, F);
}

Test(expr_parse, logic_precedence)
{
    /* not binds tighter than and: (not a) and b */
    EXPECT_EVAL("not smoker and pregnant",
                "visit_date=2024-06-01|smoker=false|pregnant=false", F);
    EXPECT_EVAL("not (smoker and pregnant)",
                "visit_date=2024-06-01|smoker=false|pregnant=false", T);
    /* and binds tighter than or: a or (b and c) */
    EXPECT_EVAL("smoker or pregnant and sbp > 200",
                "visit_date=2024-06-01|smoker=true|pregnant=false|sbp=120", T);
    EXPECT_EVAL("(smoker or pregnant) and sbp > 200",
                "visit_date=2024-06-01|smoker=true|pregnant=false|sbp=120", F);
    /* not binds looser than comparisons: not (sbp > 100) */
    EXPECT_EVAL("not sbp > 100", "visit_date=2024-06-01|sbp=120", F);
    EXPECT_EVAL("not not smoker", "visit_date=2024-06-01|smoker=true", T);
    /* ?? binds looser than or: a ?? (b or c) */
    EXPECT_EVAL("pregnant ?? smoker or sbp > 100",
                "visit_date=2024-06-01|pregnant=false|smoker=false|sbp=120", F);
    EXPECT_EVAL("(pregnant ?? smoker) or sbp > 100",
                "visit_date=2024-06-01|pregnant=false|smoker=false|sbp=120", T);
}

Test(expr_parse, conditional)
{
    EXPECT_EVAL("(if sbp > 140 then 1 else 2) == 1",
                "visit_date=2024-06-01|sbp=150", T);
    EXPECT_EVAL("(if sbp > 140 then 1 else 2) == 2",
                "visit_date=2024-06-01|sbp=130", T);
    /* else takes the whole rest: if c then 1 else (2 + 10) */
    EXPECT_EVAL("(if sbp > 140 then 1 else 2 + 10) == 12",
                "visit_date=2024-06-01|sbp=130", T);
    /* nested conditionals */
    EXPECT_EVAL("(if sbp >= 180 then 3 else if sbp >= 140 then 2 else 1) == 2",
                "visit_date=2024-06-01|sbp=150", T);
    /* a condition-only-needed branch: the other branch's field is not
     * needed */
    EXPECT_EVAL("if smoker then dbp > 90 else sbp > 100",
                "visit_date=2024-06-01|smoker=false|sbp=120", T);
    EXPECT_EVAL("if smoker then dbp > 90 else sbp > 100",
                "visit_date=2024-06-01|smoker=true|sbp=120", U);
    /* an unknown condition makes the whole unknown */
    EXPECT_EVAL("if pregnant then true else true", "visit_date=2024-06-01", U);
    /* constant conditions fold at load */
    EXPECT_EVAL("if 1 < 2 then sbp > 100 else dbp > 100",
                "visit_date=2024-06-01|sbp=120", T);
}

Test(expr_parse, coalesce)
{
    EXPECT_EVAL("(sbp ?? 0) >= 140", "visit_date=2024-06-01", F);
    EXPECT_EVAL("(sbp ?? 200) >= 140", "visit_date=2024-06-01", T);
    EXPECT_EVAL("(dbp ?? sbp) >= 140", "visit_date=2024-06-01|sbp=150", T);
    EXPECT_EVAL("(dbp ?? sbp) >= 140", "visit_date=2024-06-01|sbp=150|dbp=80",
                F);
    EXPECT_EVAL("(dbp ?? sbp) >= 140", "visit_date=2024-06-01", U);
    EXPECT_EVAL("(dbp ?? sbp ?? 150) >= 140", "visit_date=2024-06-01", T);
    EXPECT_EVAL("pregnant ?? false", "visit_date=2024-06-01", F);
    EXPECT_EVAL("pregnant ?? false", "visit_date=2024-06-01|pregnant=true", T);
}

Test(expr_parse, known)
{
    EXPECT_EVAL("known(sbp)", "visit_date=2024-06-01|sbp=120", T);
    EXPECT_EVAL("known(sbp)", "visit_date=2024-06-01", F);
    EXPECT_EVAL("not known(sbp)", "visit_date=2024-06-01", T);
    EXPECT_EVAL("known(sbp / dbp)", "visit_date=2024-06-01|sbp=120", F);
    EXPECT_EVAL("known(sbp) and sbp > 100", "visit_date=2024-06-01", F);
    EXPECT_EVAL("known(age_years)", "visit_date=2024-06-01|age=50", T);
    EXPECT_EVAL("known(age_years)", "visit_date=2024-06-01", F);
    /* codes with not_observed are always known; unknown-absent ones not */
    EXPECT_EVAL("known(diagnoses)", "visit_date=2024-06-01", T);
    EXPECT_EVAL("known(meds)", "visit_date=2024-06-01", F);
    EXPECT_EVAL("known(meds)", "visit_date=2024-06-01|meds=", T);
}

/* Enum values compare as text (the specialised index comparisons must
 * agree with that), with the constant on either side. */
Test(expr_parse, enum_comparisons_both_sides)
{
    const char *f = "visit_date=2024-06-01|sex=F|note=F";
    const char *m = "visit_date=2024-06-01|sex=M|note=F";
    const char *none = "visit_date=2024-06-01";
    EXPECT_EVAL("sex == 'F'", f, T);
    EXPECT_EVAL("sex == 'F'", m, F);
    EXPECT_EVAL("'F' == sex", m, F);
    EXPECT_EVAL("'F' != sex", m, T);
    EXPECT_EVAL("sex != 'M'", none, U);
    EXPECT_EVAL("'M' != sex", none, U);
    /* ordered: 'F' < 'M' as text */
    EXPECT_EVAL("sex < 'M'", f, T);
    EXPECT_EVAL("sex > 'M'", f, F);
    EXPECT_EVAL("'M' < sex", f, F);
    EXPECT_EVAL("'M' > sex", f, T);
    EXPECT_EVAL("'M' <= sex", m, T);
    EXPECT_EVAL("'F' >= sex", m, F);
    EXPECT_EVAL("'F' < sex", m, T);
    EXPECT_EVAL("'F' < sex", f, F);
    /* against a string field */
    EXPECT_EVAL("sex == note", f, T);
    EXPECT_EVAL("note == sex", m, F);
    EXPECT_EVAL("sex in ['F']", none, U);
    EXPECT_EVAL("not (sex in ['M'])", f, T);
    /* the same with a constant on the left of number and date comparisons */
    EXPECT_EVAL("150 > sbp", "visit_date=2024-06-01|sbp=140", T);
    EXPECT_EVAL("150 < sbp", "visit_date=2024-06-01|sbp=140", F);
    EXPECT_EVAL("date('2024-01-01') < visit_date", f, T);
    EXPECT_EVAL("date('2024-01-01') > visit_date", f, F);
    EXPECT_EVAL("65 <= age_years", "visit_date=2024-06-01|age=64", F);
    EXPECT_EVAL("65 > age_years", "visit_date=2024-06-01|age=64", T);
}

Test(expr_parse, field_field_and_derived_comparisons)
{
    EXPECT_EVAL("sbp > dbp", "visit_date=2024-06-01|sbp=140|dbp=90", T);
    EXPECT_EVAL("sbp < dbp + 60", "visit_date=2024-06-01|sbp=140|dbp=90", T);
    EXPECT_EVAL("sbp == dbp", "visit_date=2024-06-01|sbp=90|dbp=90", T);
    EXPECT_EVAL("sbp != dbp", "visit_date=2024-06-01|sbp=90|dbp=90", F);
    EXPECT_EVAL("sbp >= dbp", "visit_date=2024-06-01|sbp=90", U);
    EXPECT_EVAL("sbp >= dbp", "visit_date=2024-06-01|dbp=90", U);
    EXPECT_EVAL("weight > height", "visit_date=2024-06-01|weight=200|"
                                   "height=199.5", T);
    EXPECT_EVAL("age_years > 64.5", "visit_date=2024-06-01|age=65", T);
    EXPECT_EVAL("age_years != 65", "visit_date=2024-06-01|age=65", F);
    EXPECT_EVAL("age_years < sbp", "visit_date=2024-06-01|age=65|sbp=120", T);
}

/* ---- three-valued logic ---- */

Test(expr_eval, kleene_and_or_not)
{
    const char *r = "visit_date=2024-06-01|sbp=120"; /* dbp unknown */
    EXPECT_EVAL("sbp > 200 and dbp > 80", r, F); /* false and unknown */
    EXPECT_EVAL("dbp > 80 and sbp > 200", r, F); /* unknown and false */
    EXPECT_EVAL("sbp > 100 or dbp > 80", r, T);  /* true or unknown */
    EXPECT_EVAL("dbp > 80 or sbp > 100", r, T);  /* unknown or true */
    EXPECT_EVAL("dbp > 80 and sbp > 100", r, U); /* unknown and true */
    EXPECT_EVAL("sbp > 100 and dbp > 80", r, U); /* true and unknown */
    EXPECT_EVAL("dbp > 80 or sbp > 200", r, U);  /* unknown or false */
    EXPECT_EVAL("not (dbp > 80)", r, U);
    EXPECT_EVAL("dbp > 80 and dbp < 70", r, U);  /* no algebraic shortcut */
    /* the literal forms fold at load time and must agree */
    EXPECT_EVAL("false and dbp > 80", r, F);
    EXPECT_EVAL("true or dbp > 80", r, T);
    EXPECT_EVAL("true and dbp > 80", r, U);
    EXPECT_EVAL("false or dbp > 80", r, U);
}

Test(expr_eval, unknown_propagates_through_operators)
{
    const char *r = "visit_date=2024-06-01|sbp=120";
    EXPECT_EVAL("dbp + 1 > 0", r, U);
    EXPECT_EVAL("-dbp < 0", r, U);
    EXPECT_EVAL("abs(dbp) > 0", r, U);
    EXPECT_EVAL("min(sbp, dbp) > 0", r, U);
    EXPECT_EVAL("note == 'x'", r, U);
    EXPECT_EVAL("note matches 'x'", r, U);
    EXPECT_EVAL("note in ['x', 'y']", r, U);
    EXPECT_EVAL("sex == 'M'", r, U);
    EXPECT_EVAL("last_visit < visit_date", r, U);
    EXPECT_EVAL("add_days(last_visit, 3) < visit_date", r, U);
    EXPECT_EVAL("days_between(last_visit, visit_date) > 0", r, U);
    EXPECT_EVAL("age_years >= 0", r, U); /* derived: no birth_date, no age */
}

Test(expr_eval, division_by_zero_is_unknown_not_infinity)
{
    const char *r = "visit_date=2024-06-01|sbp=120|dbp=80";
    EXPECT_EVAL("sbp / (dbp - dbp) > 0", r, U);
    EXPECT_EVAL("sbp / (dbp - dbp) < 0", r, U);
    EXPECT_EVAL("known(sbp / (dbp - dbp))", r, F);
    EXPECT_EVAL("(sbp / (dbp - dbp) ?? -1) == -1", r, T);
    EXPECT_EVAL("1 / 0 > 0", r, U);
    EXPECT_EVAL("0 / 0 == 0", r, U);
    EXPECT_EVAL("sbp / 2 == 60", r, T);
}

/* ---- lists, membership, regexes ---- */

Test(expr_eval, in_constant_lists)
{
    const char *r = "visit_date=2024-06-01|sex=M|note=I10|age=65";
    EXPECT_EVAL("sex in ['M']", r, T);
    EXPECT_EVAL("sex in ['F']", r, F);
    EXPECT_EVAL("note in ['I10', 'I11']", r, T);
    EXPECT_EVAL("note in ['I1', 'I10.x00']", r, F); /* exact, not prefix */
    EXPECT_EVAL("note in []", r, F);
    EXPECT_EVAL("age in [60, 65, 70]", r, T);
    EXPECT_EVAL("age in [60, 70]", r, F);
    EXPECT_EVAL("age + 1 in [66]", r, T);
    EXPECT_EVAL("age in [-65, 1]", r, F);
}

Test(expr_eval, string_in_codes_field)
{
    const char *r = "visit_date=2024-06-01|diagnoses=I10.x00;E11";
    EXPECT_EVAL("'E11' in diagnoses", r, T);
    EXPECT_EVAL("'I10' in diagnoses", r, F); /* membership is exact */
    EXPECT_EVAL("'I10.x00' in diagnoses", r, T);
    EXPECT_EVAL("'E11' in signs", r, F);      /* absent not_observed: [] */
    EXPECT_EVAL("'E11' in meds", r, U);       /* absent unknown */
    EXPECT_EVAL("note in diagnoses", "visit_date=2024-06-01|note=E11|"
                                     "diagnoses=I10;E11", T);
}

Test(expr_eval, has_code_prefix_semantics)
{
    EXPECT_EVAL("has_code(diagnoses, ['I10'])",
                "visit_date=2024-06-01|diagnoses=I10.x00", T);
    EXPECT_EVAL("has_code(diagnoses, ['I10'])",
                "visit_date=2024-06-01|diagnoses=I10", T);
    /* a short list entry covers its whole block */
    EXPECT_EVAL("has_code(diagnoses, ['I1'])",
                "visit_date=2024-06-01|diagnoses=I15.0", T);
    /* but a code shorter than the entry does not match it */
    EXPECT_EVAL("has_code(diagnoses, ['I10'])",
                "visit_date=2024-06-01|diagnoses=I1", F);
    /* a prefix, not a substring */
    EXPECT_EVAL("has_code(diagnoses, ['I10'])",
                "visit_date=2024-06-01|diagnoses=XI10", F);
    EXPECT_EVAL("has_code(diagnoses, ['E11', 'I10'])",
                "visit_date=2024-06-01|diagnoses=J44;E11.9", T);
    EXPECT_EVAL("has_code(diagnoses, ['E11', 'I10'])",
                "visit_date=2024-06-01|diagnoses=J44;E10", F);
    EXPECT_EVAL("has_code(diagnoses, ['I10'])", "visit_date=2024-06-01", F);
    EXPECT_EVAL("has_code(diagnoses, ['I10'])",
                "visit_date=2024-06-01|diagnoses=", F);
    EXPECT_EVAL("has_code(meds, ['A'])", "visit_date=2024-06-01", U);
    EXPECT_EVAL("has_code(meds, ['A'])", "visit_date=2024-06-01|meds=A1", T);
}

Test(expr_eval, quantifiers)
{
    const char *r = "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1";
    EXPECT_EVAL("any(d in diagnoses: d matches '^J4[1-4]')", r, T);
    EXPECT_EVAL("any(d in diagnoses: d matches '^K')", r, F);
    EXPECT_EVAL("all(d in diagnoses: d matches '^[A-Z][0-9]')", r, T);
    EXPECT_EVAL("all(d in diagnoses: d matches '^[IE]')", r, F);
    EXPECT_EVAL("count(d in diagnoses: d matches '^[IE]') == 2", r, T);
    EXPECT_EVAL("count(d in diagnoses: true) == 3", r, T);
    EXPECT_EVAL("count(d in diagnoses: d == 'I10') == 1", r, T);
    EXPECT_EVAL("any(d in diagnoses: d in ['E11.9', 'X'])", r, T);
    /* nested quantifiers with two loop variables */
    EXPECT_EVAL("any(d in diagnoses: any(s in signs: s == d))",
                "visit_date=2024-06-01|diagnoses=A;B|signs=C;B", T);
    EXPECT_EVAL("any(d in diagnoses: any(s in signs: s == d))",
                "visit_date=2024-06-01|diagnoses=A;B|signs=C;D", F);
    /* the predicate may read fields */
    EXPECT_EVAL("any(d in diagnoses: d == note)",
                "visit_date=2024-06-01|diagnoses=A;B|note=B", T);
}

Test(expr_eval, quantifiers_over_empty_and_absent_lists)
{
    const char *empty = "visit_date=2024-06-01|diagnoses=";
    const char *absent = "visit_date=2024-06-01";
    for (int k = 0; k < 2; k++) {
        const char *r = k ? absent : empty;
        EXPECT_EVAL("any(d in diagnoses: true)", r, F);
        EXPECT_EVAL("all(d in diagnoses: false)", r, T);
        EXPECT_EVAL("count(d in diagnoses: true) == 0", r, T);
        EXPECT_EVAL("len(diagnoses) == 0", r, T);
    }
    /* an absent list whose absence is unknown */
    EXPECT_EVAL("any(m in meds: true)", absent, U);
    EXPECT_EVAL("all(m in meds: true)", absent, U);
    EXPECT_EVAL("count(m in meds: true) == 0", absent, U);
    EXPECT_EVAL("len(meds) == 0", absent, U);
    EXPECT_EVAL("len(meds) == 0", "visit_date=2024-06-01|meds=", T);
}

Test(expr_eval, quantifier_with_unknown_predicate)
{
    /* any: a true item decides despite unknown ones; all: a false item
     * decides; otherwise unknown */
    const char *r = "visit_date=2024-06-01|diagnoses=A;B";
    EXPECT_EVAL("any(d in diagnoses: d == 'A' or sbp > 1)", r, T);
    EXPECT_EVAL("any(d in diagnoses: d == 'Z' and sbp > 1)", r, F);
    EXPECT_EVAL("any(d in diagnoses: d == 'Z' or sbp > 1)", r, U);
    EXPECT_EVAL("all(d in diagnoses: d == 'B' and sbp > 1)", r, F);
    EXPECT_EVAL("all(d in diagnoses: d != 'Z' or sbp > 1)", r, T);
    EXPECT_EVAL("all(d in diagnoses: d == 'A' or sbp > 1)", r, U);
    EXPECT_EVAL("count(d in diagnoses: d == 'A' or sbp > 1) >= 1", r, U);
}

Test(expr_eval, len_of_lists)
{
    EXPECT_EVAL("len(diagnoses) == 3",
                "visit_date=2024-06-01|diagnoses=a;b,c", T);
    EXPECT_EVAL("len(['x', 'y']) == 2", BASE, T);
    EXPECT_EVAL("len(signs) == 1", "visit_date=2024-06-01|signs=x", T);
}

Test(expr_eval, regex_matching)
{
    const char *r = "visit_date=2024-06-01|note=J44.101";
    EXPECT_EVAL("note matches '^J4[1-4]'", r, T);
    EXPECT_EVAL("note matches '^J4[5-9]'", r, F);
    EXPECT_EVAL("note matches '44'", r, T);             /* unanchored */
    /* a backslash is written doubled inside an expression string */
    EXPECT_EVAL("note matches '^J44\\\\.1(0[0-9])?$'", r, T);
    EXPECT_EVAL("note matches '^J44\\\\.2'", r, F);
    EXPECT_EVAL("note matches '^j44'", r, F);           /* case matters */
    EXPECT_EVAL("note matches '(?i)^j44'", r, T);
    EXPECT_EVAL("not (note matches '^I')", r, T);
    EXPECT_EVAL("note matches '^高'", "visit_date=2024-06-01|note=高血压", T);
}

Test(expr_eval, regex_match_limit_gives_unknown)
{
    /* catastrophic backtracking hits the match limit: unknown, not a guess
     * and not a hang */
    char note[64];
    memset(note, 'a', 40);
    strcpy(note + 40, "!");
    char *rec = t_fmt("visit_date=2024-06-01|note=%s", note);
    EXPECT_EVAL("note matches '^(a+)+$'", rec, U);
    free(rec);
}

/* ---- dates inside expressions ---- */

Test(expr_eval, date_functions)
{
    const char *r = "visit_date=2024-02-29|birth_date=2000-02-29|"
                    "last_visit=2023-11-30";
    EXPECT_EVAL("age_at(birth_date, visit_date) == 24", r, T);
    EXPECT_EVAL("age_at(birth_date, date('2025-02-28')) == 24", r, T);
    EXPECT_EVAL("age_at(birth_date, date('2025-03-01')) == 25", r, T);
    EXPECT_EVAL("days_between(last_visit, visit_date) == 91", r, T);
    EXPECT_EVAL("days_between(visit_date, last_visit) == -91", r, T);
    EXPECT_EVAL("visit_date - last_visit == 91", r, T);
    EXPECT_EVAL("add_days(visit_date, 1) == date('2024-03-01')", r, T);
    EXPECT_EVAL("add_days(visit_date, -29) == date('2024-01-31')", r, T);
    EXPECT_EVAL("visit_date + 366 == date('2025-03-01')", r, T);
    EXPECT_EVAL("visit_date - 1 == date('2024-02-28')", r, T);
    EXPECT_EVAL("add_months(last_visit, 3) == date('2024-02-29')", r, T);
    EXPECT_EVAL("add_months(visit_date, 12) == date('2025-02-28')", r, T);
    EXPECT_EVAL("add_months(visit_date, -1) == date('2024-01-29')", r, T);
    EXPECT_EVAL("add_months(date('2024-01-31'), 1) == date('2024-02-29')", r,
                T);
    EXPECT_EVAL("add_months(date('2023-01-31'), 1) == date('2023-02-28')", r,
                T);
    EXPECT_EVAL("days_between(date('2024-02-28'), date('2024-03-01')) == 2", r,
                T);
    EXPECT_EVAL("days_between(date('2023-02-28'), date('2023-03-01')) == 1", r,
                T);
}

Test(expr_eval, derived_age_years_both_sides_of_birthday)
{
    EXPECT_EVAL("age_years >= 65",
                "visit_date=2024-06-14|birth_date=1959-06-15", F);
    EXPECT_EVAL("age_years >= 65",
                "visit_date=2024-06-15|birth_date=1959-06-15", T);
    EXPECT_EVAL("age_years == 64",
                "visit_date=2024-06-14|birth_date=1959-06-15", T);
    /* falls back to `age` without a birth date */
    EXPECT_EVAL("age_years >= 65", "visit_date=2024-06-14|age=65", T);
    EXPECT_EVAL("age_years >= 65", "visit_date=2024-06-14|age=64", F);
    /* birth_date wins over a contradicting age */
    EXPECT_EVAL("age_years >= 65",
                "visit_date=2024-06-14|birth_date=1959-06-15|age=80", F);
    /* a leap-day birthday */
    EXPECT_EVAL("age_years == 0", "visit_date=2001-02-28|birth_date=2000-02-29",
                T);
    EXPECT_EVAL("age_years == 1", "visit_date=2001-03-01|birth_date=2000-02-29",
                T);
    EXPECT_EVAL("age_years == 4", "visit_date=2004-02-29|birth_date=2000-02-29",
                T);
}

Test(expr_eval, numeric_boundaries)
{
    EXPECT_EVAL("sbp >= 180", "visit_date=2024-06-01|sbp=179", F);
    EXPECT_EVAL("sbp >= 180", "visit_date=2024-06-01|sbp=180", T);
    EXPECT_EVAL("sbp >= 180", "visit_date=2024-06-01|sbp=179.9", F);
    EXPECT_EVAL("sbp > 180", "visit_date=2024-06-01|sbp=180", F);
    EXPECT_EVAL("sbp > 180", "visit_date=2024-06-01|sbp=180.1", T);
    EXPECT_EVAL("sbp < 140", "visit_date=2024-06-01|sbp=139", T);
    EXPECT_EVAL("sbp < 140", "visit_date=2024-06-01|sbp=140", F);
    EXPECT_EVAL("sbp <= 140", "visit_date=2024-06-01|sbp=140", T);
    EXPECT_EVAL("sbp <= 140", "visit_date=2024-06-01|sbp=140.01", F);
}

Test(expr_eval, string_escapes_in_yaml_and_expression)
{
    EXPECT_EVAL("note == 'it\\'s'", "visit_date=2024-06-01|note=it's", T);
    EXPECT_EVAL("note == \"say \\\"hi\\\"\"",
                "visit_date=2024-06-01|note=say \"hi\"", T);
}

/* ---- compile errors: code, message and exact position ---- */

/* Load a program whose tier condition is `expr`, on a known line; check the
 * error is PHS_ESPEC at p.yaml:LINE:COL where COL is the 1-based column of
 * `at` (an offset in expr) inside the quoted scalar. */
static void expect_compile_error(const char *expr, size_t at,
                                 const char *needle)
{
    phs_ruleset *rs = NULL;
    char *b = t_probe_body(expr);
    char *p = t_prog("p", "draft", b);
    /* find the tier's `when:` line and the column of its opening quote */
    int line = 1;
    const char *w = strstr(p, "    when: \"");
    cr_assert(w != NULL);
    for (const char *c = p; c < w; c++)
        line += *c == '\n';
    int col = (int)strlen("    when: \"") + 1 + (int)at;
    const char *progs[] = {p};
    const char *names[] = {"p.yaml"};
    int rc = t_load(&rs, T_DICT, progs, names, 1, NULL);
    cr_expect_eq(rc, PHS_ESPEC, "'%s' loaded with %d", expr, rc);
    cr_expect_null(rs);
    const phs_error *e = phs_error_last();
    char want[64];
    snprintf(want, sizeof want, "p.yaml:%d:%d: ", line, col);
    cr_expect(strncmp(phs_error_message(e), want, strlen(want)) == 0,
              "'%s': message '%s' does not start with '%s'", expr,
              phs_error_message(e), want);
    cr_expect_eq(phs_error_line(e), line);
    cr_expect_eq(phs_error_column(e), col, "'%s': column %d, expected %d",
                 expr, phs_error_column(e), col);
    cr_expect_str_eq(phs_error_file(e) ? phs_error_file(e) : "", "p.yaml");
    if (needle)
        cr_expect(strstr(phs_error_message(e), needle) != NULL,
                  "'%s': message '%s' lacks '%s'", expr, phs_error_message(e),
                  needle);
    phs_ruleset_free(rs);
    free(p);
    free(b);
}

Test(expr_errors, type_error_column)
{
    /* the '+' is at offset 4 */
    expect_compile_error("sbp + true", 4, "'+'");
    expect_compile_error("sbp > 1 and sbp + 'x' > 2", 16, "'+'");
    expect_compile_error("sbp == 'x'", 4, "compare");
    expect_compile_error("smoker < true", 7, "compare"); /* bools unordered */
    expect_compile_error("diagnoses == diagnoses", 10, "compare");
}

Test(expr_errors, unknown_names_and_functions)
{
    expect_compile_error("sbpx > 140", 0, "sbpx");
    expect_compile_error("sbp > 140 and dbq > 90", 14, "dbq");
    expect_compile_error("foo(sbp) > 1", 0, "foo");
    expect_compile_error("sbp > 1 and frobnicate(sbp)", 12, "frobnicate");
}

Test(expr_errors, wrong_argument_counts)
{
    expect_compile_error("abs(sbp, dbp) > 1", 0, "abs");
    expect_compile_error("min(sbp) > 1", 0, "min");
    expect_compile_error("known() ", 0, "known");
    expect_compile_error("age_at(birth_date) > 1", 0, "age_at");
}

Test(expr_errors, wrong_argument_types)
{
    expect_compile_error("abs(note) > 1", 4, "first argument");
    expect_compile_error("age_at(birth_date, 5) > 1", 19, "second argument");
    expect_compile_error("has_code(note, ['I10'])", 9, "first argument");
    expect_compile_error("len(sbp) > 1", 4, NULL);
    expect_compile_error("has_code(diagnoses, signs)", 20, "constant");
    expect_compile_error("has_code(diagnoses, [1, 2])", 20, "second argument");
}

Test(expr_errors, enum_literals_are_checked)
{
    expect_compile_error("sex == 'X'", 4, "'X'");
    expect_compile_error("'X' == sex", 4, "'X'");
    expect_compile_error("sex in ['M', 'Q']", 7, "'Q'");
}

Test(expr_errors, bad_regex)
{
    /* PCRE2 reports the missing ')' at the end of the pattern */
    expect_compile_error("note matches 'a('", 16, "regular expression");
    expect_compile_error("note matches '[a'", 16, "regular expression");
    expect_compile_error("note matches note", 13, "pattern");
    expect_compile_error("sbp matches 'a'", 4, "matches");
}

Test(expr_errors, lexical_errors)
{
    expect_compile_error("note == 'abc", 8, "unterminated");
    expect_compile_error("sbp = 140", 4, "==");
    expect_compile_error("sbp > 140 && dbp > 90", 10, NULL);
}

Test(expr_errors, syntax_errors)
{
    expect_compile_error("sbp > ", 6, NULL);
    expect_compile_error("(sbp > 1", 8, "')'");
    expect_compile_error("sbp > 1)", 7, NULL);
    expect_compile_error("if sbp > 1 then true", 20, "else");
    expect_compile_error("sbp > 1 sbp", 8, NULL);
    expect_compile_error("1 < 2 < 3", 6, NULL);
    expect_compile_error("['a', 1] == ['a']", 6, "list");
}

Test(expr_errors, condition_types)
{
    /* a tier condition must be boolean */
    phs_ruleset *rs = NULL;
    cr_expect_eq(t_probe_load(&rs, "sbp + 1"), PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "bool"), "%s", t_errmsg());
    expect_compile_error("if sbp then true else false", 0, "condition");
    expect_compile_error("(if sbp > 1 then 1 else 'a') == 1", 17, "different");
    expect_compile_error("not sbp", 0, "not");
    expect_compile_error("sbp and true", 4, NULL);
    expect_compile_error("(sbp ?? 'x') == 1", 5, "??");
}

Test(expr_errors, date_arithmetic_types)
{
    expect_compile_error("visit_date + visit_date > visit_date", 11, NULL);
    expect_compile_error("visit_date * 2 > visit_date", 11, NULL);
    expect_compile_error("date('2023-02-29') < visit_date", 5, "date");
    expect_compile_error("date(visit_date) < visit_date", 5, NULL);
}

Test(expr_errors, quantifier_syntax)
{
    expect_compile_error("any(diagnoses)", 13, NULL);
    expect_compile_error("any(d in sbp: true)", 9, NULL);
    expect_compile_error("any(d in diagnoses: d)", 20, "condition");
    /* the loop variable is not visible outside */
    expect_compile_error("any(d in diagnoses: true) and d == 'x'", 30, "'d'");
}

Test(expr_errors, depth_limit_no_crash)
{
    /* 100 nested parentheses: over the default depth of 64 */
    size_t n = 100;
    char *e = malloc(2 * n + 16);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        e[k++] = '(';
    memcpy(e + k, "true", 4);
    k += 4;
    for (size_t i = 0; i < n; i++)
        e[k++] = ')';
    e[k] = '\0';
    phs_ruleset *rs = NULL;
    int rc = t_probe_load(&rs, e);
    cr_expect(rc == PHS_ESPEC || rc == PHS_ELIMIT, "rc %d", rc);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "p.yaml:"), "%s", t_errmsg());
    free(e);

    /* 50 levels are fine */
    n = 50;
    e = malloc(2 * n + 16);
    k = 0;
    for (size_t i = 0; i < n; i++)
        e[k++] = '(';
    memcpy(e + k, "sbp > 1", 7);
    k += 7;
    for (size_t i = 0; i < n; i++)
        e[k++] = ')';
    e[k] = '\0';
    EXPECT_EVAL(e, "visit_date=2024-06-01|sbp=100", T);
    free(e);
}

Test(expr_errors, deep_not_and_minus_chains)
{
    static const char *unit[] = {"not ", "- "};
    static const char *tail[] = {"true", "1 == 1"};
    for (int u = 0; u < 2; u++) {
        size_t n = 100000;
        size_t ul = strlen(unit[u]);
        char *e = malloc(n * ul + 16);
        for (size_t i = 0; i < n; i++)
            memcpy(e + i * ul, unit[u], ul);
        strcpy(e + n * ul, tail[u]);
        phs_ruleset *rs = NULL;
        int rc = t_probe_load(&rs, e);
        cr_expect(rc == PHS_ESPEC || rc == PHS_ELIMIT, "rc %d", rc);
        cr_expect_null(rs);
        free(e);
    }
}

Test(expr_errors, deep_parentheses_100000)
{
    size_t n = 100000;
    char *e = malloc(n + 8);
    memset(e, '(', n);
    strcpy(e + n, "true");
    phs_ruleset *rs = NULL;
    int rc = t_probe_load(&rs, e);
    cr_expect(rc == PHS_ESPEC || rc == PHS_ELIMIT, "rc %d", rc);
    cr_expect_null(rs);
    free(e);
}

Test(expr_errors, expr_depth_limit_option)
{
    phs_ruleset_options *o = NULL;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    cr_assert_eq(phs_ruleset_options_set_limit(o, PHS_LIMIT_EXPR_DEPTH, 3),
                 PHS_OK);
    char *b = t_probe_body("((((sbp > 1))))");
    char *p = t_prog("p", "draft", b);
    const char *progs[] = {p};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, T_DICT, progs, NULL, 1, o);
    cr_expect(rc == PHS_ESPEC || rc == PHS_ELIMIT, "rc %d", rc);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "deeper"), "%s", t_errmsg());
    phs_ruleset_options_free(o);
    free(p);
    free(b);
}

/* Long flat chains are not nested in the source (no parser depth), but a
 * left-leaning chain of 100000 operators must still load and evaluate
 * without exhausting the stack. */
static void long_chain(const char *unit, const char *last, const char *rec,
                       int want)
{
    size_t n = 100000, ul = strlen(unit);
    char *e = malloc(n * ul + strlen(last) + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(e + i * ul, unit, ul);
    strcpy(e + n * ul, last);
    phs_ruleset *rs = NULL;
    int rc = t_probe_load(&rs, e);
    cr_expect(rc == PHS_OK || rc == PHS_ESPEC || rc == PHS_ELIMIT, "rc %d",
              rc);
    if (rc == PHS_OK) {
        phs_result *res = t_classify(rs, rec);
        cr_expect_eq(t_verdict(res), want);
        phs_result_free(res);
    } else {
        cr_expect_null(rs);
    }
    phs_ruleset_free(rs);
    free(e);
}

Test(expr_errors, long_flat_arith_chain)
{
    long_chain("sbp + ", "sbp > 0", "visit_date=2024-06-01|sbp=100", T);
}

Test(expr_errors, long_flat_and_chain)
{
    long_chain("sbp > 0 and ", "sbp > 0", "visit_date=2024-06-01|sbp=100", T);
}
