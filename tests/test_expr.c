/* The expression language through the public API: parsing, precedence,
 * type checking with positions, and evaluation (three-valued logic, lists,
 * regexes, dates, arithmetic). */
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

/* Records several cases share (V: the visit date alone). */
#define V "visit_date=2024-06-01"
#define R_VITALS V "|sbp=150|dbp=90|weight=70|height=175"
#define R_SBP140 V "|sbp=140"
#define R_TEXTS V "|sex=F|note=abc|birth_date=1960-01-01"
#define R_SEX_F V "|sex=F|note=F"
#define R_SEX_M V "|sex=M|note=F"
#define R_SBP120 V "|sbp=120"
#define R_SBP120_DBP80 V "|sbp=120|dbp=80"
#define R_LISTS V "|sex=M|note=I10|age=65"
#define R_CODES V "|diagnoses=I10.x00;E11"
#define R_DIAGNOSES V "|diagnoses=I10;E11.9;J44.1"
#define R_EMPTY V "|diagnoses="
#define R_AB V "|diagnoses=A;B"
#define R_J44 V "|note=J44.101"
#define R_LEAP                                                                 \
    "visit_date=2024-02-29|birth_date=2000-02-29|last_visit=2023-11-30"

/* Every evaluation case (a failure names the expression and the record). */
static const struct eval_case EVAL_CASES[] = {
    /* ---- precedence and operators ---- */

    /* arithmetic precedence */
    {"1 + 2 * 3 == 7", V, T},
    {"(1 + 2) * 3 == 9", V, T},
    {"10 - 4 - 3 == 3", V, T}, /* left associative */
    {"12 / 2 / 3 == 2", V, T},
    {"2 * 3 + 4 * 5 == 26", V, T},
    {"-2 * 3 == -6", V, T},
    {"- -2 == 2", V, T},
    {"7 - -2 == 9", V, T},
    {"1 + 2 * 3 == 9", V, F},

    /* arithmetic on fields at run time */
    {"sbp - dbp * 2 == -30", R_VITALS, T},
    {"(sbp - dbp) * 2 == 120", R_VITALS, T},
    {"sbp / dbp > 1.66 and sbp / dbp < 1.67", R_VITALS, T},
    {"-sbp == -150", R_VITALS, T},
    {"weight / (height / 100 * height / 100) > 22.8", R_VITALS, T},
    {"weight / (height / 100 * height / 100) > 22.9", R_VITALS, F},
    {"min(sbp, dbp) == 90 and max(sbp, dbp) == 150", R_VITALS, T},
    {"abs(dbp - sbp) == 60", R_VITALS, T},

    /* comparison operators */
    {"sbp == 140", R_SBP140, T},
    {"sbp != 140", R_SBP140, F},
    {"sbp < 140", R_SBP140, F},
    {"sbp <= 140", R_SBP140, T},
    {"sbp > 140", R_SBP140, F},
    {"sbp >= 140", R_SBP140, T},
    /* the same with the constant on the left (not the field fast path) */
    {"140 == sbp", R_SBP140, T},
    {"139 < sbp", R_SBP140, T},
    {"140 < sbp", R_SBP140, F},
    {"141 > sbp", R_SBP140, T},
    {"sbp + 0 >= 140", R_SBP140, T},
    {"sbp + 0 > 140", R_SBP140, F},

    /* string enum and date comparisons */
    {"sex == 'F'", R_TEXTS, T},
    {"sex != 'M'", R_TEXTS, T},
    {"'F' == sex", R_TEXTS, T},
    {"note == \"abc\"", R_TEXTS, T},
    {"note < 'abd'", R_TEXTS, T},
    {"note < 'abc'", R_TEXTS, F},
    {"note > 'ab'", R_TEXTS, T},
    {"birth_date < visit_date", R_TEXTS, T},
    {"visit_date == date('2024-06-01')", R_TEXTS, T},
    {"visit_date > date('2024-05-31')", R_TEXTS, T},
    {"visit_date >= date('2024-06-02')", R_TEXTS, F},

    /* logic precedence */
    /* not binds tighter than and: (not a) and b */
    {"not smoker and pregnant", V "|smoker=false|pregnant=false", F},
    {"not (smoker and pregnant)", V "|smoker=false|pregnant=false", T},
    /* and binds tighter than or: a or (b and c) */
    {"smoker or pregnant and sbp > 200",
     V "|smoker=true|pregnant=false|sbp=120", T},
    {"(smoker or pregnant) and sbp > 200",
     V "|smoker=true|pregnant=false|sbp=120", F},
    /* not binds looser than comparisons: not (sbp > 100) */
    {"not sbp > 100", V "|sbp=120", F},
    {"not not smoker", V "|smoker=true", T},
    /* ?? binds looser than or: a ?? (b or c) */
    {"pregnant ?? smoker or sbp > 100",
     V "|pregnant=false|smoker=false|sbp=120", F},
    {"(pregnant ?? smoker) or sbp > 100",
     V "|pregnant=false|smoker=false|sbp=120", T},

    /* conditional */
    {"(if sbp > 140 then 1 else 2) == 1", V "|sbp=150", T},
    {"(if sbp > 140 then 1 else 2) == 2", V "|sbp=130", T},
    /* else takes the whole rest: if c then 1 else (2 + 10) */
    {"(if sbp > 140 then 1 else 2 + 10) == 12", V "|sbp=130", T},
    /* nested conditionals */
    {"(if sbp >= 180 then 3 else if sbp >= 140 then 2 else 1) == 2",
     V "|sbp=150", T},
    /* a condition-only-needed branch: the other branch's field is not
     * needed */
    {"if smoker then dbp > 90 else sbp > 100", V "|smoker=false|sbp=120", T},
    {"if smoker then dbp > 90 else sbp > 100", V "|smoker=true|sbp=120", U},
    /* an unknown condition makes the whole unknown */
    {"if pregnant then true else true", V, U},
    /* constant conditions fold at load */
    {"if 1 < 2 then sbp > 100 else dbp > 100", V "|sbp=120", T},

    /* coalesce */
    {"(sbp ?? 0) >= 140", V, F},
    {"(sbp ?? 200) >= 140", V, T},
    {"(dbp ?? sbp) >= 140", V "|sbp=150", T},
    {"(dbp ?? sbp) >= 140", V "|sbp=150|dbp=80", F},
    {"(dbp ?? sbp) >= 140", V, U},
    {"(dbp ?? sbp ?? 150) >= 140", V, T},
    {"pregnant ?? false", V, F},
    {"pregnant ?? false", V "|pregnant=true", T},

    /* known */
    {"known(sbp)", V "|sbp=120", T},
    {"known(sbp)", V, F},
    {"not known(sbp)", V, T},
    {"known(sbp / dbp)", V "|sbp=120", F},
    {"known(sbp) and sbp > 100", V, F},
    {"known(age_years)", V "|age=50", T},
    {"known(age_years)", V, F},
    /* codes with not_observed are always known; unknown-absent ones not */
    {"known(diagnoses)", V, T},
    {"known(meds)", V, F},
    {"known(meds)", V "|meds=", T},

    /* enum comparisons, both sides: enum values compare as text (the
     * specialised index comparisons must agree with that), with the
     * constant on either side */
    {"sex == 'F'", R_SEX_F, T},
    {"sex == 'F'", R_SEX_M, F},
    {"'F' == sex", R_SEX_M, F},
    {"'F' != sex", R_SEX_M, T},
    {"sex != 'M'", V, U},
    {"'M' != sex", V, U},
    /* ordered: 'F' < 'M' as text */
    {"sex < 'M'", R_SEX_F, T},
    {"sex > 'M'", R_SEX_F, F},
    {"'M' < sex", R_SEX_F, F},
    {"'M' > sex", R_SEX_F, T},
    {"'M' <= sex", R_SEX_M, T},
    {"'F' >= sex", R_SEX_M, F},
    {"'F' < sex", R_SEX_M, T},
    {"'F' < sex", R_SEX_F, F},
    /* against a string field */
    {"sex == note", R_SEX_F, T},
    {"note == sex", R_SEX_M, F},
    {"sex in ['F']", V, U},
    {"not (sex in ['M'])", R_SEX_F, T},
    /* the same with a constant on the left of number and date comparisons */
    {"150 > sbp", V "|sbp=140", T},
    {"150 < sbp", V "|sbp=140", F},
    {"date('2024-01-01') < visit_date", R_SEX_F, T},
    {"date('2024-01-01') > visit_date", R_SEX_F, F},
    {"65 <= age_years", V "|age=64", F},
    {"65 > age_years", V "|age=64", T},

    /* field field and derived comparisons */
    {"sbp > dbp", V "|sbp=140|dbp=90", T},
    {"sbp < dbp + 60", V "|sbp=140|dbp=90", T},
    {"sbp == dbp", V "|sbp=90|dbp=90", T},
    {"sbp != dbp", V "|sbp=90|dbp=90", F},
    {"sbp >= dbp", V "|sbp=90", U},
    {"sbp >= dbp", V "|dbp=90", U},
    {"weight > height", V "|weight=200|height=199.5", T},
    {"age_years > 64.5", V "|age=65", T},
    {"age_years != 65", V "|age=65", F},
    {"age_years < sbp", V "|age=65|sbp=120", T},

    /* ---- three-valued logic ---- */

    /* kleene and or not */
    /* R_SBP120: dbp unknown */
    {"sbp > 200 and dbp > 80", R_SBP120, F}, /* false and unknown */
    {"dbp > 80 and sbp > 200", R_SBP120, F}, /* unknown and false */
    {"sbp > 100 or dbp > 80", R_SBP120, T}, /* true or unknown */
    {"dbp > 80 or sbp > 100", R_SBP120, T}, /* unknown or true */
    {"dbp > 80 and sbp > 100", R_SBP120, U}, /* unknown and true */
    {"sbp > 100 and dbp > 80", R_SBP120, U}, /* true and unknown */
    {"dbp > 80 or sbp > 200", R_SBP120, U}, /* unknown or false */
    {"not (dbp > 80)", R_SBP120, U},
    {"dbp > 80 and dbp < 70", R_SBP120, U}, /* no algebraic shortcut */
    /* the literal forms fold at load time and must agree */
    {"false and dbp > 80", R_SBP120, F},
    {"true or dbp > 80", R_SBP120, T},
    {"true and dbp > 80", R_SBP120, U},
    {"false or dbp > 80", R_SBP120, U},

    /* unknown propagates through operators */
    {"dbp + 1 > 0", R_SBP120, U},
    {"-dbp < 0", R_SBP120, U},
    {"abs(dbp) > 0", R_SBP120, U},
    {"min(sbp, dbp) > 0", R_SBP120, U},
    {"note == 'x'", R_SBP120, U},
    {"note matches 'x'", R_SBP120, U},
    {"note in ['x', 'y']", R_SBP120, U},
    {"sex == 'M'", R_SBP120, U},
    {"last_visit < visit_date", R_SBP120, U},
    {"add_days(last_visit, 3) < visit_date", R_SBP120, U},
    {"days_between(last_visit, visit_date) > 0", R_SBP120, U},
    {"age_years >= 0", R_SBP120, U}, /* derived: no birth_date, no age */

    /* division by zero is unknown not infinity */
    {"sbp / (dbp - dbp) > 0", R_SBP120_DBP80, U},
    {"sbp / (dbp - dbp) < 0", R_SBP120_DBP80, U},
    {"known(sbp / (dbp - dbp))", R_SBP120_DBP80, F},
    {"(sbp / (dbp - dbp) ?? -1) == -1", R_SBP120_DBP80, T},
    {"1 / 0 > 0", R_SBP120_DBP80, U},
    {"0 / 0 == 0", R_SBP120_DBP80, U},
    {"sbp / 2 == 60", R_SBP120_DBP80, T},

    /* ---- lists, membership, regexes ---- */

    /* in constant lists */
    {"sex in ['M']", R_LISTS, T},
    {"sex in ['F']", R_LISTS, F},
    {"note in ['I10', 'I11']", R_LISTS, T},
    {"note in ['I1', 'I10.x00']", R_LISTS, F}, /* exact, not prefix */
    {"note in []", R_LISTS, F},
    {"age in [60, 65, 70]", R_LISTS, T},
    {"age in [60, 70]", R_LISTS, F},
    {"age + 1 in [66]", R_LISTS, T},
    {"age in [-65, 1]", R_LISTS, F},

    /* string in codes field */
    {"'E11' in diagnoses", R_CODES, T},
    {"'I10' in diagnoses", R_CODES, F}, /* membership is exact */
    {"'I10.x00' in diagnoses", R_CODES, T},
    {"'E11' in signs", R_CODES, F}, /* absent not_observed: [] */
    {"'E11' in meds", R_CODES, U}, /* absent unknown */
    {"note in diagnoses", V "|note=E11|diagnoses=I10;E11", T},

    /* has code prefix semantics */
    {"has_code(diagnoses, ['I10'])", V "|diagnoses=I10.x00", T},
    {"has_code(diagnoses, ['I10'])", V "|diagnoses=I10", T},
    /* a short list entry covers its whole block */
    {"has_code(diagnoses, ['I1'])", V "|diagnoses=I15.0", T},
    /* but a code shorter than the entry does not match it */
    {"has_code(diagnoses, ['I10'])", V "|diagnoses=I1", F},
    /* a prefix, not a substring */
    {"has_code(diagnoses, ['I10'])", V "|diagnoses=XI10", F},
    {"has_code(diagnoses, ['E11', 'I10'])", V "|diagnoses=J44;E11.9", T},
    {"has_code(diagnoses, ['E11', 'I10'])", V "|diagnoses=J44;E10", F},
    {"has_code(diagnoses, ['I10'])", V, F},
    {"has_code(diagnoses, ['I10'])", V "|diagnoses=", F},
    {"has_code(meds, ['A'])", V, U},
    {"has_code(meds, ['A'])", V "|meds=A1", T},

    /* quantifiers */
    {"any(d in diagnoses: d matches '^J4[1-4]')", R_DIAGNOSES, T},
    {"any(d in diagnoses: d matches '^K')", R_DIAGNOSES, F},
    {"all(d in diagnoses: d matches '^[A-Z][0-9]')", R_DIAGNOSES, T},
    {"all(d in diagnoses: d matches '^[IE]')", R_DIAGNOSES, F},
    {"count(d in diagnoses: d matches '^[IE]') == 2", R_DIAGNOSES, T},
    {"count(d in diagnoses: true) == 3", R_DIAGNOSES, T},
    {"count(d in diagnoses: d == 'I10') == 1", R_DIAGNOSES, T},
    {"any(d in diagnoses: d in ['E11.9', 'X'])", R_DIAGNOSES, T},
    /* nested quantifiers with two loop variables */
    {"any(d in diagnoses: any(s in signs: s == d))",
     V "|diagnoses=A;B|signs=C;B", T},
    {"any(d in diagnoses: any(s in signs: s == d))",
     V "|diagnoses=A;B|signs=C;D", F},
    /* the predicate may read fields */
    {"any(d in diagnoses: d == note)", V "|diagnoses=A;B|note=B", T},

    /* quantifiers over empty and absent (V: not_observed, so empty) lists */
    {"any(d in diagnoses: true)", R_EMPTY, F},
    {"all(d in diagnoses: false)", R_EMPTY, T},
    {"count(d in diagnoses: true) == 0", R_EMPTY, T},
    {"len(diagnoses) == 0", R_EMPTY, T},
    {"any(d in diagnoses: true)", V, F},
    {"all(d in diagnoses: false)", V, T},
    {"count(d in diagnoses: true) == 0", V, T},
    {"len(diagnoses) == 0", V, T},
    /* an absent list whose absence is unknown */
    {"any(m in meds: true)", V, U},
    {"all(m in meds: true)", V, U},
    {"count(m in meds: true) == 0", V, U},
    {"len(meds) == 0", V, U},
    {"len(meds) == 0", V "|meds=", T},

    /* quantifier with unknown predicate */
    /* any: a true item decides despite unknown ones; all: a false item
     * decides; otherwise unknown */
    {"any(d in diagnoses: d == 'A' or sbp > 1)", R_AB, T},
    {"any(d in diagnoses: d == 'Z' and sbp > 1)", R_AB, F},
    {"any(d in diagnoses: d == 'Z' or sbp > 1)", R_AB, U},
    {"all(d in diagnoses: d == 'B' and sbp > 1)", R_AB, F},
    {"all(d in diagnoses: d != 'Z' or sbp > 1)", R_AB, T},
    {"all(d in diagnoses: d == 'A' or sbp > 1)", R_AB, U},
    {"count(d in diagnoses: d == 'A' or sbp > 1) >= 1", R_AB, U},

    /* len of lists */
    {"len(diagnoses) == 3", V "|diagnoses=a;b,c", T},
    {"len(['x', 'y']) == 2", V, T},
    {"len(signs) == 1", V "|signs=x", T},

    /* regex matching */
    {"note matches '^J4[1-4]'", R_J44, T},
    {"note matches '^J4[5-9]'", R_J44, F},
    {"note matches '44'", R_J44, T}, /* unanchored */
    /* a backslash is written doubled inside an expression string */
    {"note matches '^J44\\\\.1(0[0-9])?$'", R_J44, T},
    {"note matches '^J44\\\\.2'", R_J44, F},
    {"note matches '^j44'", R_J44, F}, /* case matters */
    {"note matches '(?i)^j44'", R_J44, T},
    {"not (note matches '^I')", R_J44, T},
    {"note matches '^高'", V "|note=高血压", T},

    /* ---- dates inside expressions ---- */

    /* date functions */
    {"age_at(birth_date, visit_date) == 24", R_LEAP, T},
    {"age_at(birth_date, date('2025-02-28')) == 24", R_LEAP, T},
    {"age_at(birth_date, date('2025-03-01')) == 25", R_LEAP, T},
    {"days_between(last_visit, visit_date) == 91", R_LEAP, T},
    {"days_between(visit_date, last_visit) == -91", R_LEAP, T},
    {"visit_date - last_visit == 91", R_LEAP, T},
    {"add_days(visit_date, 1) == date('2024-03-01')", R_LEAP, T},
    {"add_days(visit_date, -29) == date('2024-01-31')", R_LEAP, T},
    {"visit_date + 366 == date('2025-03-01')", R_LEAP, T},
    {"visit_date - 1 == date('2024-02-28')", R_LEAP, T},
    {"add_months(last_visit, 3) == date('2024-02-29')", R_LEAP, T},
    {"add_months(visit_date, 12) == date('2025-02-28')", R_LEAP, T},
    {"add_months(visit_date, -1) == date('2024-01-29')", R_LEAP, T},
    {"add_months(date('2024-01-31'), 1) == date('2024-02-29')", R_LEAP, T},
    {"add_months(date('2023-01-31'), 1) == date('2023-02-28')", R_LEAP, T},
    {"days_between(date('2024-02-28'), date('2024-03-01')) == 2", R_LEAP, T},
    {"days_between(date('2023-02-28'), date('2023-03-01')) == 1", R_LEAP, T},

    /* derived age years both sides of birthday */
    {"age_years >= 65", "visit_date=2024-06-14|birth_date=1959-06-15", F},
    {"age_years >= 65", "visit_date=2024-06-15|birth_date=1959-06-15", T},
    {"age_years == 64", "visit_date=2024-06-14|birth_date=1959-06-15", T},
    /* falls back to `age` without a birth date */
    {"age_years >= 65", "visit_date=2024-06-14|age=65", T},
    {"age_years >= 65", "visit_date=2024-06-14|age=64", F},
    /* birth_date wins over a contradicting age */
    {"age_years >= 65",
     "visit_date=2024-06-14|birth_date=1959-06-15|age=80", F},
    /* a leap-day birthday */
    {"age_years == 0", "visit_date=2001-02-28|birth_date=2000-02-29", T},
    {"age_years == 1", "visit_date=2001-03-01|birth_date=2000-02-29", T},
    {"age_years == 4", "visit_date=2004-02-29|birth_date=2000-02-29", T},

    /* numeric boundaries */
    {"sbp >= 180", V "|sbp=179", F},
    {"sbp >= 180", V "|sbp=180", T},
    {"sbp >= 180", V "|sbp=179.9", F},
    {"sbp > 180", V "|sbp=180", F},
    {"sbp > 180", V "|sbp=180.1", T},
    {"sbp < 140", V "|sbp=139", T},
    {"sbp < 140", V "|sbp=140", F},
    {"sbp <= 140", V "|sbp=140", T},
    {"sbp <= 140", V "|sbp=140.01", F},

    /* string escapes in yaml and expression */
    {"note == 'it\\'s'", V "|note=it's", T},
    {"note == \"say \\\"hi\\\"\"", V "|note=say \"hi\"", T},
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
    if (needle)
        cr_expect(strstr(phs_error_message(e), needle) != NULL,
                  "case '%s': message '%s' lacks '%s'", expr,
                  phs_error_message(e), needle);
    phs_ruleset_free(rs);
    free(p);
    free(b);
}

/* One compile error: `expr` fails at offset `at` with `needle` (or NULL) in
 * the message. */
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
    {"len(sbp) > 1", 4, NULL},
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
    {"sbp > 140 && dbp > 90", 10, NULL},

    /* syntax errors */
    {"sbp > ", 6, NULL},
    {"(sbp > 1", 8, "')'"},
    {"sbp > 1)", 7, NULL},
    {"if sbp > 1 then true", 20, "else"},
    {"sbp > 1 sbp", 8, NULL},
    {"1 < 2 < 3", 6, NULL},
    {"['a', 1] == ['a']", 6, "list"},

    /* condition types (a tier condition must be boolean: below) */
    {"if sbp then true else false", 0, "condition"},
    {"(if sbp > 1 then 1 else 'a') == 1", 17, "different"},
    {"not sbp", 0, "not"},
    {"sbp and true", 4, NULL},
    {"(sbp ?? 'x') == 1", 5, "??"},

    /* date arithmetic types */
    {"visit_date + visit_date > visit_date", 11, NULL},
    {"visit_date * 2 > visit_date", 11, NULL},
    {"date('2023-02-29') < visit_date", 5, "date"},
    {"date(visit_date) < visit_date", 5, NULL},

    /* quantifier syntax */
    {"any(diagnoses)", 13, NULL},
    {"any(d in sbp: true)", 9, NULL},
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
    expect_eval(e, "visit_date=2024-06-01|sbp=100", T);
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
