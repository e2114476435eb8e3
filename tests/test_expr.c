/* The expression language through the public API: parsing, precedence,
 * type checking with positions, and evaluation (three-valued logic, lists,
 * regexes, dates, arithmetic).  Past ~800 lines because it is mostly two
 * tables (246 evaluation and 50 compile-error cases, one line or two each),
 * walked by one loop each. */
#include "helpers.h"

#define T 1
#define F 0
#define U (-1)

/* One evaluation case: `expr` against the record `rec` gives `want`. */
struct eval_case {
    const char *expr, *rec;
    int want;
};

static void expect_eval(const char *expr, const char *rec, int want)
{
    int got = t_eval(expr, rec);
    cr_expect_eq(got, want, "case %s  with  {%s}: got %d, expected %d", expr,
                 rec, got, want);
}

/* Every evaluation case (a failure names the expression and the record). */
static const struct eval_case EVAL_CASES[] = {
    /* ---- precedence and operators ---- */

    /* arithmetic precedence */
    {"1 + 2 * 3 == 7",
     "visit_date=2024-06-01", T},
    {"(1 + 2) * 3 == 9",
     "visit_date=2024-06-01", T},
    /* left associative */
    {"10 - 4 - 3 == 3",
     "visit_date=2024-06-01", T},
    {"12 / 2 / 3 == 2",
     "visit_date=2024-06-01", T},
    {"2 * 3 + 4 * 5 == 26",
     "visit_date=2024-06-01", T},
    {"-2 * 3 == -6",
     "visit_date=2024-06-01", T},
    {"- -2 == 2",
     "visit_date=2024-06-01", T},
    {"7 - -2 == 9",
     "visit_date=2024-06-01", T},
    {"1 + 2 * 3 == 9",
     "visit_date=2024-06-01", F},

    /* arithmetic on fields at run time */
    {"sbp - dbp * 2 == -30",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"(sbp - dbp) * 2 == 120",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"sbp / dbp > 1.66 and sbp / dbp < 1.67",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"-sbp == -150",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"weight / (height / 100 * height / 100) > 22.8",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"weight / (height / 100 * height / 100) > 22.9",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", F},
    {"min(sbp, dbp) == 90 and max(sbp, dbp) == 150",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},
    {"abs(dbp - sbp) == 60",
     "visit_date=2024-06-01|sbp=150|dbp=90|weight=70|height=175", T},

    /* comparison operators */
    {"sbp == 140",
     "visit_date=2024-06-01|sbp=140", T},
    {"sbp != 140",
     "visit_date=2024-06-01|sbp=140", F},
    {"sbp < 140",
     "visit_date=2024-06-01|sbp=140", F},
    {"sbp <= 140",
     "visit_date=2024-06-01|sbp=140", T},
    {"sbp > 140",
     "visit_date=2024-06-01|sbp=140", F},
    {"sbp >= 140",
     "visit_date=2024-06-01|sbp=140", T},
    /* the same with the constant on the left (not the field fast path) */
    {"140 == sbp",
     "visit_date=2024-06-01|sbp=140", T},
    {"139 < sbp",
     "visit_date=2024-06-01|sbp=140", T},
    {"140 < sbp",
     "visit_date=2024-06-01|sbp=140", F},
    {"141 > sbp",
     "visit_date=2024-06-01|sbp=140", T},
    {"sbp + 0 >= 140",
     "visit_date=2024-06-01|sbp=140", T},
    {"sbp + 0 > 140",
     "visit_date=2024-06-01|sbp=140", F},

    /* string enum and date comparisons */
    {"sex == 'F'",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"sex != 'M'",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"'F' == sex",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"note == \"abc\"",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"note < 'abd'",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"note < 'abc'",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", F},
    {"note > 'ab'",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"birth_date < visit_date",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"visit_date == date('2024-06-01')",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"visit_date > date('2024-05-31')",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", T},
    {"visit_date >= date('2024-06-02')",
     "visit_date=2024-06-01|sex=F|note=abc|birth_date=1960-01-01", F},

    /* logic precedence */
    /* not binds tighter than and: (not a) and b */
    {"not smoker and pregnant",
     "visit_date=2024-06-01|smoker=false|pregnant=false", F},
    {"not (smoker and pregnant)",
     "visit_date=2024-06-01|smoker=false|pregnant=false", T},
    /* and binds tighter than or: a or (b and c) */
    {"smoker or pregnant and sbp > 200",
     "visit_date=2024-06-01|smoker=true|pregnant=false|sbp=120", T},
    {"(smoker or pregnant) and sbp > 200",
     "visit_date=2024-06-01|smoker=true|pregnant=false|sbp=120", F},
    /* not binds looser than comparisons: not (sbp > 100) */
    {"not sbp > 100",
     "visit_date=2024-06-01|sbp=120", F},
    {"not not smoker",
     "visit_date=2024-06-01|smoker=true", T},
    /* ?? binds looser than or: a ?? (b or c) */
    {"pregnant ?? smoker or sbp > 100",
     "visit_date=2024-06-01|pregnant=false|smoker=false|sbp=120", F},
    {"(pregnant ?? smoker) or sbp > 100",
     "visit_date=2024-06-01|pregnant=false|smoker=false|sbp=120", T},

    /* conditional */
    {"(if sbp > 140 then 1 else 2) == 1",
     "visit_date=2024-06-01|sbp=150", T},
    {"(if sbp > 140 then 1 else 2) == 2",
     "visit_date=2024-06-01|sbp=130", T},
    /* else takes the whole rest: if c then 1 else (2 + 10) */
    {"(if sbp > 140 then 1 else 2 + 10) == 12",
     "visit_date=2024-06-01|sbp=130", T},
    /* nested conditionals */
    {"(if sbp >= 180 then 3 else if sbp >= 140 then 2 else 1) == 2",
     "visit_date=2024-06-01|sbp=150", T},
    /* a condition-only-needed branch: the other branch's field is not
     * needed */
    {"if smoker then dbp > 90 else sbp > 100",
     "visit_date=2024-06-01|smoker=false|sbp=120", T},
    {"if smoker then dbp > 90 else sbp > 100",
     "visit_date=2024-06-01|smoker=true|sbp=120", U},
    /* an unknown condition makes the whole unknown */
    {"if pregnant then true else true",
     "visit_date=2024-06-01", U},
    /* constant conditions fold at load */
    {"if 1 < 2 then sbp > 100 else dbp > 100",
     "visit_date=2024-06-01|sbp=120", T},

    /* coalesce */
    {"(sbp ?? 0) >= 140",
     "visit_date=2024-06-01", F},
    {"(sbp ?? 200) >= 140",
     "visit_date=2024-06-01", T},
    {"(dbp ?? sbp) >= 140",
     "visit_date=2024-06-01|sbp=150", T},
    {"(dbp ?? sbp) >= 140",
     "visit_date=2024-06-01|sbp=150|dbp=80", F},
    {"(dbp ?? sbp) >= 140",
     "visit_date=2024-06-01", U},
    {"(dbp ?? sbp ?? 150) >= 140",
     "visit_date=2024-06-01", T},
    {"pregnant ?? false",
     "visit_date=2024-06-01", F},
    {"pregnant ?? false",
     "visit_date=2024-06-01|pregnant=true", T},

    /* known */
    {"known(sbp)",
     "visit_date=2024-06-01|sbp=120", T},
    {"known(sbp)",
     "visit_date=2024-06-01", F},
    {"not known(sbp)",
     "visit_date=2024-06-01", T},
    {"known(sbp / dbp)",
     "visit_date=2024-06-01|sbp=120", F},
    {"known(sbp) and sbp > 100",
     "visit_date=2024-06-01", F},
    {"known(age_years)",
     "visit_date=2024-06-01|age=50", T},
    {"known(age_years)",
     "visit_date=2024-06-01", F},
    /* codes with not_observed are always known; unknown-absent ones not */
    {"known(diagnoses)",
     "visit_date=2024-06-01", T},
    {"known(meds)",
     "visit_date=2024-06-01", F},
    {"known(meds)",
     "visit_date=2024-06-01|meds=", T},

    /* enum comparisons, both sides: enum values compare as text (the
     * specialised index comparisons must agree with that), with the
     * constant on either side */
    {"sex == 'F'",
     "visit_date=2024-06-01|sex=F|note=F", T},
    {"sex == 'F'",
     "visit_date=2024-06-01|sex=M|note=F", F},
    {"'F' == sex",
     "visit_date=2024-06-01|sex=M|note=F", F},
    {"'F' != sex",
     "visit_date=2024-06-01|sex=M|note=F", T},
    {"sex != 'M'",
     "visit_date=2024-06-01", U},
    {"'M' != sex",
     "visit_date=2024-06-01", U},
    /* ordered: 'F' < 'M' as text */
    {"sex < 'M'",
     "visit_date=2024-06-01|sex=F|note=F", T},
    {"sex > 'M'",
     "visit_date=2024-06-01|sex=F|note=F", F},
    {"'M' < sex",
     "visit_date=2024-06-01|sex=F|note=F", F},
    {"'M' > sex",
     "visit_date=2024-06-01|sex=F|note=F", T},
    {"'M' <= sex",
     "visit_date=2024-06-01|sex=M|note=F", T},
    {"'F' >= sex",
     "visit_date=2024-06-01|sex=M|note=F", F},
    {"'F' < sex",
     "visit_date=2024-06-01|sex=M|note=F", T},
    {"'F' < sex",
     "visit_date=2024-06-01|sex=F|note=F", F},
    /* against a string field */
    {"sex == note",
     "visit_date=2024-06-01|sex=F|note=F", T},
    {"note == sex",
     "visit_date=2024-06-01|sex=M|note=F", F},
    {"sex in ['F']",
     "visit_date=2024-06-01", U},
    {"not (sex in ['M'])",
     "visit_date=2024-06-01|sex=F|note=F", T},
    /* the same with a constant on the left of number and date comparisons */
    {"150 > sbp",
     "visit_date=2024-06-01|sbp=140", T},
    {"150 < sbp",
     "visit_date=2024-06-01|sbp=140", F},
    {"date('2024-01-01') < visit_date",
     "visit_date=2024-06-01|sex=F|note=F", T},
    {"date('2024-01-01') > visit_date",
     "visit_date=2024-06-01|sex=F|note=F", F},
    {"65 <= age_years",
     "visit_date=2024-06-01|age=64", F},
    {"65 > age_years",
     "visit_date=2024-06-01|age=64", T},

    /* field field and derived comparisons */
    {"sbp > dbp",
     "visit_date=2024-06-01|sbp=140|dbp=90", T},
    {"sbp < dbp + 60",
     "visit_date=2024-06-01|sbp=140|dbp=90", T},
    {"sbp == dbp",
     "visit_date=2024-06-01|sbp=90|dbp=90", T},
    {"sbp != dbp",
     "visit_date=2024-06-01|sbp=90|dbp=90", F},
    {"sbp >= dbp",
     "visit_date=2024-06-01|sbp=90", U},
    {"sbp >= dbp",
     "visit_date=2024-06-01|dbp=90", U},
    {"weight > height",
     "visit_date=2024-06-01|weight=200|height=199.5", T},
    {"age_years > 64.5",
     "visit_date=2024-06-01|age=65", T},
    {"age_years != 65",
     "visit_date=2024-06-01|age=65", F},
    {"age_years < sbp",
     "visit_date=2024-06-01|age=65|sbp=120", T},

    /* ---- three-valued logic ---- */

    /* kleene and or not */
    /* R_SBP120: dbp unknown */
    /* false and unknown */
    {"sbp > 200 and dbp > 80",
     "visit_date=2024-06-01|sbp=120", F},
    /* unknown and false */
    {"dbp > 80 and sbp > 200",
     "visit_date=2024-06-01|sbp=120", F},
    /* true or unknown */
    {"sbp > 100 or dbp > 80",
     "visit_date=2024-06-01|sbp=120", T},
    /* unknown or true */
    {"dbp > 80 or sbp > 100",
     "visit_date=2024-06-01|sbp=120", T},
    /* unknown and true */
    {"dbp > 80 and sbp > 100",
     "visit_date=2024-06-01|sbp=120", U},
    /* true and unknown */
    {"sbp > 100 and dbp > 80",
     "visit_date=2024-06-01|sbp=120", U},
    /* unknown or false */
    {"dbp > 80 or sbp > 200",
     "visit_date=2024-06-01|sbp=120", U},
    {"not (dbp > 80)",
     "visit_date=2024-06-01|sbp=120", U},
    /* no algebraic shortcut */
    {"dbp > 80 and dbp < 70",
     "visit_date=2024-06-01|sbp=120", U},
    /* the literal forms fold at load time and must agree */
    {"false and dbp > 80",
     "visit_date=2024-06-01|sbp=120", F},
    {"true or dbp > 80",
     "visit_date=2024-06-01|sbp=120", T},
    {"true and dbp > 80",
     "visit_date=2024-06-01|sbp=120", U},
    {"false or dbp > 80",
     "visit_date=2024-06-01|sbp=120", U},

    /* unknown propagates through operators */
    {"dbp + 1 > 0",
     "visit_date=2024-06-01|sbp=120", U},
    {"-dbp < 0",
     "visit_date=2024-06-01|sbp=120", U},
    {"abs(dbp) > 0",
     "visit_date=2024-06-01|sbp=120", U},
    {"min(sbp, dbp) > 0",
     "visit_date=2024-06-01|sbp=120", U},
    {"note == 'x'",
     "visit_date=2024-06-01|sbp=120", U},
    {"note matches 'x'",
     "visit_date=2024-06-01|sbp=120", U},
    {"note in ['x', 'y']",
     "visit_date=2024-06-01|sbp=120", U},
    {"sex == 'M'",
     "visit_date=2024-06-01|sbp=120", U},
    {"last_visit < visit_date",
     "visit_date=2024-06-01|sbp=120", U},
    {"add_days(last_visit, 3) < visit_date",
     "visit_date=2024-06-01|sbp=120", U},
    {"days_between(last_visit, visit_date) > 0",
     "visit_date=2024-06-01|sbp=120", U},
    /* derived: no birth_date, no age */
    {"age_years >= 0",
     "visit_date=2024-06-01|sbp=120", U},

    /* division by zero is unknown not infinity */
    {"sbp / (dbp - dbp) > 0",
     "visit_date=2024-06-01|sbp=120|dbp=80", U},
    {"sbp / (dbp - dbp) < 0",
     "visit_date=2024-06-01|sbp=120|dbp=80", U},
    {"known(sbp / (dbp - dbp))",
     "visit_date=2024-06-01|sbp=120|dbp=80", F},
    {"(sbp / (dbp - dbp) ?? -1) == -1",
     "visit_date=2024-06-01|sbp=120|dbp=80", T},
    {"1 / 0 > 0",
     "visit_date=2024-06-01|sbp=120|dbp=80", U},
    {"0 / 0 == 0",
     "visit_date=2024-06-01|sbp=120|dbp=80", U},
    {"sbp / 2 == 60",
     "visit_date=2024-06-01|sbp=120|dbp=80", T},

    /* ---- lists, membership, regexes ---- */

    /* in constant lists */
    {"sex in ['M']",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", T},
    {"sex in ['F']",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", F},
    {"note in ['I10', 'I11']",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", T},
    /* exact, not prefix */
    {"note in ['I1', 'I10.x00']",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", F},
    {"note in []",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", F},
    {"age in [60, 65, 70]",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", T},
    {"age in [60, 70]",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", F},
    {"age + 1 in [66]",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", T},
    {"age in [-65, 1]",
     "visit_date=2024-06-01|sex=M|note=I10|age=65", F},

    /* string in codes field */
    {"'E11' in diagnoses",
     "visit_date=2024-06-01|diagnoses=I10.x00;E11", T},
    /* membership is exact */
    {"'I10' in diagnoses",
     "visit_date=2024-06-01|diagnoses=I10.x00;E11", F},
    {"'I10.x00' in diagnoses",
     "visit_date=2024-06-01|diagnoses=I10.x00;E11", T},
    /* absent not_observed: [] */
    {"'E11' in signs",
     "visit_date=2024-06-01|diagnoses=I10.x00;E11", F},
    /* absent unknown */
    {"'E11' in meds",
     "visit_date=2024-06-01|diagnoses=I10.x00;E11", U},
    {"note in diagnoses",
     "visit_date=2024-06-01|note=E11|diagnoses=I10;E11", T},

    /* has code prefix semantics */
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01|diagnoses=I10.x00", T},
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01|diagnoses=I10", T},
    /* a short list entry covers its whole block */
    {"has_code(diagnoses, ['I1'])",
     "visit_date=2024-06-01|diagnoses=I15.0", T},
    /* but a code shorter than the entry does not match it */
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01|diagnoses=I1", F},
    /* a prefix, not a substring */
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01|diagnoses=XI10", F},
    {"has_code(diagnoses, ['E11', 'I10'])",
     "visit_date=2024-06-01|diagnoses=J44;E11.9", T},
    {"has_code(diagnoses, ['E11', 'I10'])",
     "visit_date=2024-06-01|diagnoses=J44;E10", F},
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01", F},
    {"has_code(diagnoses, ['I10'])",
     "visit_date=2024-06-01|diagnoses=", F},
    {"has_code(meds, ['A'])",
     "visit_date=2024-06-01", U},
    {"has_code(meds, ['A'])",
     "visit_date=2024-06-01|meds=A1", T},

    /* quantifiers */
    {"any(d in diagnoses: d matches '^J4[1-4]')",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    {"any(d in diagnoses: d matches '^K')",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", F},
    {"all(d in diagnoses: d matches '^[A-Z][0-9]')",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    {"all(d in diagnoses: d matches '^[IE]')",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", F},
    {"count(d in diagnoses: d matches '^[IE]') == 2",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    {"count(d in diagnoses: true) == 3",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    {"count(d in diagnoses: d == 'I10') == 1",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    {"any(d in diagnoses: d in ['E11.9', 'X'])",
     "visit_date=2024-06-01|diagnoses=I10;E11.9;J44.1", T},
    /* nested quantifiers with two loop variables */
    {"any(d in diagnoses: any(s in signs: s == d))",
     "visit_date=2024-06-01|diagnoses=A;B|signs=C;B", T},
    {"any(d in diagnoses: any(s in signs: s == d))",
     "visit_date=2024-06-01|diagnoses=A;B|signs=C;D", F},
    /* the predicate may read fields */
    {"any(d in diagnoses: d == note)",
     "visit_date=2024-06-01|diagnoses=A;B|note=B", T},

    /* quantifiers over empty and absent (V: not_observed, so empty) lists */
    {"any(d in diagnoses: true)",
     "visit_date=2024-06-01|diagnoses=", F},
    {"all(d in diagnoses: false)",
     "visit_date=2024-06-01|diagnoses=", T},
    {"count(d in diagnoses: true) == 0",
     "visit_date=2024-06-01|diagnoses=", T},
    {"len(diagnoses) == 0",
     "visit_date=2024-06-01|diagnoses=", T},
    {"any(d in diagnoses: true)",
     "visit_date=2024-06-01", F},
    {"all(d in diagnoses: false)",
     "visit_date=2024-06-01", T},
    {"count(d in diagnoses: true) == 0",
     "visit_date=2024-06-01", T},
    {"len(diagnoses) == 0",
     "visit_date=2024-06-01", T},
    /* an absent list whose absence is unknown */
    {"any(m in meds: true)",
     "visit_date=2024-06-01", U},
    {"all(m in meds: true)",
     "visit_date=2024-06-01", U},
    {"count(m in meds: true) == 0",
     "visit_date=2024-06-01", U},
    {"len(meds) == 0",
     "visit_date=2024-06-01", U},
    {"len(meds) == 0",
     "visit_date=2024-06-01|meds=", T},

    /* quantifier with unknown predicate */
    /* any: a true item decides despite unknown ones; all: a false item
     * decides; otherwise unknown */
    {"any(d in diagnoses: d == 'A' or sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", T},
    {"any(d in diagnoses: d == 'Z' and sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", F},
    {"any(d in diagnoses: d == 'Z' or sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", U},
    {"all(d in diagnoses: d == 'B' and sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", F},
    {"all(d in diagnoses: d != 'Z' or sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", T},
    {"all(d in diagnoses: d == 'A' or sbp > 1)",
     "visit_date=2024-06-01|diagnoses=A;B", U},
    {"count(d in diagnoses: d == 'A' or sbp > 1) >= 1",
     "visit_date=2024-06-01|diagnoses=A;B", U},

    /* len of lists */
    {"len(diagnoses) == 3",
     "visit_date=2024-06-01|diagnoses=a;b,c", T},
    {"len(['x', 'y']) == 2",
     "visit_date=2024-06-01", T},
    {"len(signs) == 1",
     "visit_date=2024-06-01|signs=x", T},

    /* regex matching */
    {"note matches '^J4[1-4]'",
     "visit_date=2024-06-01|note=J44.101", T},
    {"note matches '^J4[5-9]'",
     "visit_date=2024-06-01|note=J44.101", F},
    /* unanchored */
    {"note matches '44'",
     "visit_date=2024-06-01|note=J44.101", T},
    /* a backslash is written doubled inside an expression string */
    {"note matches '^J44\\\\.1(0[0-9])?$'",
     "visit_date=2024-06-01|note=J44.101", T},
    {"note matches '^J44\\\\.2'",
     "visit_date=2024-06-01|note=J44.101", F},
    /* case matters */
    {"note matches '^j44'",
     "visit_date=2024-06-01|note=J44.101", F},
    {"note matches '(?i)^j44'",
     "visit_date=2024-06-01|note=J44.101", T},
    {"not (note matches '^I')",
     "visit_date=2024-06-01|note=J44.101", T},
    {"note matches '^高'",
     "visit_date=2024-06-01|note=高血压", T},

    /* ---- dates inside expressions ---- */

    /* date functions */
    {"age_at(birth_date, visit_date) == 24",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"age_at(birth_date, date('2025-02-28')) == 24",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"age_at(birth_date, date('2025-03-01')) == 25",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"days_between(last_visit, visit_date) == 91",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"days_between(visit_date, last_visit) == -91",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"visit_date - last_visit == 91",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_days(visit_date, 1) == date('2024-03-01')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_days(visit_date, -29) == date('2024-01-31')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"visit_date + 366 == date('2025-03-01')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"visit_date - 1 == date('2024-02-28')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_months(last_visit, 3) == date('2024-02-29')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_months(visit_date, 12) == date('2025-02-28')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_months(visit_date, -1) == date('2024-01-29')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_months(date('2024-01-31'), 1) == date('2024-02-29')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"add_months(date('2023-01-31'), 1) == date('2023-02-28')",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"days_between(date('2024-02-28'), date('2024-03-01')) == 2",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},
    {"days_between(date('2023-02-28'), date('2023-03-01')) == 1",
     "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30", T},

    /* derived age years both sides of birthday */
    {"age_years >= 65",
     "visit_date=2024-06-14|birth_date=1959-06-15", F},
    {"age_years >= 65",
     "visit_date=2024-06-15|birth_date=1959-06-15", T},
    {"age_years == 64",
     "visit_date=2024-06-14|birth_date=1959-06-15", T},
    /* falls back to `age` without a birth date */
    {"age_years >= 65",
     "visit_date=2024-06-14|age=65", T},
    {"age_years >= 65",
     "visit_date=2024-06-14|age=64", F},
    /* birth_date wins over a contradicting age */
    {"age_years >= 65",
     "visit_date=2024-06-14|birth_date=1959-06-15|age=80", F},
    /* a leap-day birthday */
    {"age_years == 0",
     "visit_date=2001-02-28|birth_date=2000-02-29", T},
    {"age_years == 1",
     "visit_date=2001-03-01|birth_date=2000-02-29", T},
    {"age_years == 4",
     "visit_date=2004-02-29|birth_date=2000-02-29", T},

    /* numeric boundaries */
    {"sbp >= 180",
     "visit_date=2024-06-01|sbp=179", F},
    {"sbp >= 180",
     "visit_date=2024-06-01|sbp=180", T},
    {"sbp >= 180",
     "visit_date=2024-06-01|sbp=179.9", F},
    {"sbp > 180",
     "visit_date=2024-06-01|sbp=180", F},
    {"sbp > 180",
     "visit_date=2024-06-01|sbp=180.1", T},
    {"sbp < 140",
     "visit_date=2024-06-01|sbp=139", T},
    {"sbp < 140",
     "visit_date=2024-06-01|sbp=140", F},
    {"sbp <= 140",
     "visit_date=2024-06-01|sbp=140", T},
    {"sbp <= 140",
     "visit_date=2024-06-01|sbp=140.01", F},

    /* string escapes in yaml and expression */
    {"note == 'it\\'s'",
     "visit_date=2024-06-01|note=it's", T},
    {"note == \"say \\\"hi\\\"\"",
     "visit_date=2024-06-01|note=say \"hi\"", T},
};

Test(expr_eval, every_case)
{
    for (size_t i = 0; i < T_COUNT(EVAL_CASES); i++)
        expect_eval(EVAL_CASES[i].expr, EVAL_CASES[i].rec, EVAL_CASES[i].want);
}

Test(expr_eval, regex_match_limit_gives_unknown)
{
    /* catastrophic backtracking hits the match limit: unknown, not a guess
     * and not a hang */
    char note[64];
    memset(note, 'a', 40);
    strcpy(note + 40, "!");
    char *rec = t_fmt("visit_date=2024-06-01|note=%s", note);
    expect_eval("note matches '^(a+)+$'", rec, U);
    free(rec);
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
    cr_expect_eq(rc, PHS_ESPEC, "case '%s' loaded with %d", expr, rc);
    cr_expect_null(rs, "case '%s': a rule set despite the error", expr);
    const phs_error *e = phs_error_last();
    char want[64];
    snprintf(want, sizeof want, "p.yaml:%d:%d: ", line, col);
    cr_expect(strncmp(phs_error_message(e), want, strlen(want)) == 0,
              "case '%s': message '%s' does not start with '%s'", expr,
              phs_error_message(e), want);
    cr_expect_eq(phs_error_line(e), line, "case '%s': line %d, expected %d",
                 expr, phs_error_line(e), line);
    cr_expect_eq(phs_error_column(e), col, "case '%s': column %d, expected %d",
                 expr, phs_error_column(e), col);
    cr_expect_str_eq(phs_error_file(e) ? phs_error_file(e) : "", "p.yaml",
                     "case '%s': file", expr);
    if (*needle)
        cr_expect(strstr(phs_error_message(e), needle) != NULL,
                  "case '%s': message '%s' lacks '%s'", expr,
                  phs_error_message(e), needle);
    phs_ruleset_free(rs);
    free(p);
    free(b);
}

/* One compile error: `expr` fails at offset `at` with `needle` (unless "")
 * in the message. */
struct compile_error_case {
    const char *expr;
    size_t at;
    const char *needle;
};

/* Every compile-error case. */
static const struct compile_error_case COMPILE_ERROR_CASES[] = {
    /* type error column (the '+' of the first is at offset 4) */
    {"sbp + true", 4, "'+'"},
    {"sbp > 1 and sbp + 'x' > 2", 16, "'+'"},
    {"sbp == 'x'", 4, "compare"},
    {"smoker < true", 7, "compare"}, /* bools unordered */
    {"diagnoses == diagnoses", 10, "compare"},

    /* unknown names and functions */
    {"sbpx > 140", 0, "sbpx"},
    {"sbp > 140 and dbq > 90", 14, "dbq"},
    {"foo(sbp) > 1", 0, "foo"},
    {"sbp > 1 and frobnicate(sbp)", 12, "frobnicate"},

    /* wrong argument counts */
    {"abs(sbp, dbp) > 1", 0, "abs"},
    {"min(sbp) > 1", 0, "min"},
    {"known() ", 0, "known"},
    {"age_at(birth_date) > 1", 0, "age_at"},

    /* wrong argument types */
    {"abs(note) > 1", 4, "first argument"},
    {"age_at(birth_date, 5) > 1", 19, "second argument"},
    {"has_code(note, ['I10'])", 9, "first argument"},
    {"len(sbp) > 1", 4, ""},
    {"has_code(diagnoses, signs)", 20, "constant"},
    {"has_code(diagnoses, [1, 2])", 20, "second argument"},

    /* enum literals are checked */
    {"sex == 'X'", 4, "'X'"},
    {"'X' == sex", 4, "'X'"},
    {"sex in ['M', 'Q']", 7, "'Q'"},

    /* bad regex: PCRE2 reports the missing ')' at the end of the pattern */
    {"note matches 'a('", 16, "regular expression"},
    {"note matches '[a'", 16, "regular expression"},
    {"note matches note", 13, "pattern"},
    {"sbp matches 'a'", 4, "matches"},

    /* lexical errors */
    {"note == 'abc", 8, "unterminated"},
    {"sbp = 140", 4, "=="},
    {"sbp > 140 && dbp > 90", 10, ""},

    /* syntax errors */
    {"sbp > ", 6, ""},
    {"(sbp > 1", 8, "')'"},
    {"sbp > 1)", 7, ""},
    {"if sbp > 1 then true", 20, "else"},
    {"sbp > 1 sbp", 8, ""},
    {"1 < 2 < 3", 6, ""},
    {"['a', 1] == ['a']", 6, "list"},

    /* condition types (a tier condition must be boolean: below) */
    {"if sbp then true else false", 0, "condition"},
    {"(if sbp > 1 then 1 else 'a') == 1", 17, "different"},
    {"not sbp", 0, "not"},
    {"sbp and true", 4, ""},
    {"(sbp ?? 'x') == 1", 5, "??"},

    /* date arithmetic types */
    {"visit_date + visit_date > visit_date", 11, ""},
    {"visit_date * 2 > visit_date", 11, ""},
    {"date('2023-02-29') < visit_date", 5, "date"},
    /* a bad date after the first error leaves that error (was PHS_EINVAL) */
    {"if sbp > 1 fk date('2024-13-01')", 11, "'then'"},
    {"date(visit_date) < visit_date", 5, ""},

    /* quantifier syntax */
    {"any(diagnoses)", 13, ""},
    {"any(d in sbp: true)", 9, ""},
    {"any(d in diagnoses: d)", 20, "condition"},
    /* the loop variable is not visible outside */
    {"any(d in diagnoses: true) and d == 'x'", 30, "'d'"},
};

Test(expr_errors, every_case)
{
    for (size_t i = 0; i < T_COUNT(COMPILE_ERROR_CASES); i++)
        expect_compile_error(COMPILE_ERROR_CASES[i].expr,
                             COMPILE_ERROR_CASES[i].at,
                             COMPILE_ERROR_CASES[i].needle);
}

Test(expr_errors, condition_must_be_bool)
{
    phs_ruleset *rs = NULL;
    cr_expect_eq(t_probe_load(&rs, "sbp + 1"), PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "bool"), "%s", t_errmsg());
}

/* `open` n times, `inner`, `close` n times (caller frees). */
static char *nest(const char *open, size_t n, const char *inner,
                  const char *close)
{
    size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
    char *e = malloc(n * (lo + lc) + li + 1), *d = e;
    cr_assert(e != NULL);
    for (size_t i = 0; i < n; i++, d += lo)
        memcpy(d, open, lo);
    memcpy(d, inner, li);
    d += li;
    for (size_t i = 0; i < n; i++, d += lc)
        memcpy(d, close, lc);
    *d = '\0';
    return e;
}

/* Conditions nested deeper than the default limit of 64: refused with an
 * error, never a crash (the message is checked where given). */
Test(expr_errors, too_deep_is_refused)
{
    static const struct {
        const char *open;
        size_t n;
        const char *inner, *close, *words;
    } deep[] = {
        {"(", 100, "true", ")", "p.yaml:"},
        {"(", 100000, "true", "", NULL},
        {"not ", 100000, "true", "", NULL},
        {"- ", 100000, "1 == 1", "", NULL},
    };
    for (size_t i = 0; i < T_COUNT(deep); i++) {
        char *e = nest(deep[i].open, deep[i].n, deep[i].inner, deep[i].close);
        phs_ruleset *rs = NULL;
        int rc = t_probe_load(&rs, e);
        cr_expect(rc == PHS_ESPEC || rc == PHS_ELIMIT, "case %zu x '%s': rc %d",
                  deep[i].n, deep[i].open, rc);
        cr_expect_null(rs, "case %zu x '%s'", deep[i].n, deep[i].open);
        if (deep[i].words)
            cr_expect(strstr(t_errmsg(), deep[i].words), "case %zu x '%s': %s",
                      deep[i].n, deep[i].open, t_errmsg());
        free(e);
    }
}

Test(expr_errors, fifty_levels_are_fine)
{
    char *e = nest("(", 50, "sbp > 1", ")");
    expect_eval(e, "visit_date=2024-06-01|sbp=100", T);
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
    char *e = nest(unit, 100000, last, "");
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
