/*
 * Shared helpers for the Criterion tests: a small field dictionary and
 * program template written inline (so the tests do not depend on the
 * content of rules/), loaders, a record filler and a three-valued probe.
 */
#ifndef PHS_TEST_HELPERS_H
#define PHS_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phs/phs.h"
#include "time_scale.h"

/* The number of elements of an array (a table of cases). */
#define T_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The test dictionary.  Field order is relied on nowhere: tests resolve ids
 * by name. */
static const char T_DICT[] =
    "dictionary: libphs-fields\n"
    "version: \"t1\"\n"
    "fields:\n"
    "  - {name: id, type: string, label: 标识}\n"
    "  - {name: visit_date, type: date, label: 随访日期}\n"
    "  - {name: birth_date, type: date, label: 出生日期}\n"
    "  - {name: age, type: number, range: [0, 150], label: 年龄}\n"
    "  - {name: sex, type: enum, values: [M, F], label: 性别}\n"
    "  - {name: sbp, type: number, range: [40, 300], unit: mmHg, label: 收缩压}\n"
    "  - {name: dbp, type: number, range: [20, 200], unit: mmHg, label: 舒张压}\n"
    "  - {name: weight, type: number, range: [1, 500], unit: kg, label: 体重}\n"
    "  - {name: height, type: number, range: [30, 250], unit: cm, label: 身高}\n"
    "  - {name: smoker, type: bool, label: 吸烟}\n"
    "  - {name: pregnant, type: bool, absent: unknown, label: 怀孕}\n"
    "  - {name: diagnoses, type: codes, label: 诊断}\n"
    "  - {name: signs, type: codes, label: 体征}\n"
    "  - {name: meds, type: codes, absent: unknown, label: 用药}\n"
    "  - {name: note, type: string, label: 备注}\n"
    "  - {name: last_visit, type: date, label: 上次随访}\n"
    "checks:\n"
    "  - id: sbp_below_dbp\n"
    "    when: \"sbp < dbp\"\n"
    "    field: sbp\n"
    "    message: systolic pressure below diastolic\n"
    "derived:\n"
    "  - name: age_years\n"
    "    expr: \"if known(birth_date) then age_at(birth_date, visit_date) else age\"\n"
    "    label: 年龄\n";

/* The head of a program spec: metadata, one source, clauses c1 (C2),
 * c2 (C1) and c_r (R).  printf format: program id, status. */
#define T_PROG_HEAD_FMT                                                        \
    "program: %s\n"                                                            \
    "version: \"1.0\"\n"                                                       \
    "title: {zh: 测试项目, en: test program}\n"                                \
    "status: %s\n"                                                             \
    "effective: {from: 2017-02-28, to: null}\n"                                \
    "sources:\n"                                                               \
    "  - {id: s1, title: 规范, kind: NAT, issuer: x, year: 2017}\n"             \
    "clauses:\n"                                                               \
    "  - {id: c1, source: s1, text: t1, tag: NAT, confidence: C2}\n"           \
    "  - {id: c2, source: s1, text: t2, tag: GL, confidence: C1}\n"            \
    "  - {id: c_r, source: s1, text: t3, tag: INF, confidence: R}\n"

/* Body pieces: eligibility for everyone, and a last tier `other` catching
 * the rest with a yearly follow-up. */
#define T_ELIG_TRUE "eligibility: {when: \"true\", cite: [c1]}\n"
#define T_TIER_OTHER                                                           \
    "  - {id: other, level: 1, when: \"true\", follow_up: {interval: 1 "      \
    "years}, cite: [c1]}\n"

static inline const char *t_errmsg(void)
{
    return phs_error_message(phs_error_last());
}

/* printf into a malloc'ed string. */
static inline char *t_fmt(const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    cr_assert(s != NULL);
    vsnprintf(s, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return s;
}

/* A program spec: head + body (eligibility, tiers, ...).  Caller frees. */
static inline char *t_prog(const char *id, const char *status,
                           const char *body)
{
    char *head = t_fmt(T_PROG_HEAD_FMT, id, status);
    char *s = t_fmt("%s%s", head, body);
    free(head);
    return s;
}

/* An expression as a YAML double-quoted scalar (caller frees). */
static inline char *t_yq(const char *expr)
{
    size_t n = strlen(expr);
    char *s = malloc(2 * n + 3), *d = s;
    cr_assert(s != NULL);
    *d++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (expr[i] == '"' || expr[i] == '\\')
            *d++ = '\\';
        *d++ = expr[i];
    }
    *d++ = '"';
    *d = '\0';
    return s;
}

/* Load fields.yaml = dict plus `n` program texts named prog0.yaml, ... or
 * the given names. */
static inline int t_load(phs_ruleset **out, const char *dict,
                         const char *const *progs, const char *const *names,
                         size_t n, const phs_ruleset_options *opts)
{
    const char *nm[16], *tx[16];
    size_t ln[16];
    char defname[16][32];
    cr_assert(n < 15);
    nm[0] = "fields.yaml";
    tx[0] = dict;
    ln[0] = strlen(dict);
    for (size_t i = 0; i < n; i++) {
        snprintf(defname[i], sizeof defname[i], "prog%zu.yaml", i);
        nm[i + 1] = names ? names[i] : defname[i];
        tx[i + 1] = progs[i];
        ln[i + 1] = strlen(progs[i]);
    }
    return phs_ruleset_load_texts(out, nm, tx, ln, n + 1, opts);
}

/* Load and assert success, printing the engine's message otherwise. */
static inline phs_ruleset *t_must_load(const char *const *progs, size_t n,
                                       const phs_ruleset_options *opts)
{
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, T_DICT, progs, NULL, n, opts);
    cr_assert_eq(rc, PHS_OK, "load failed (%d): %s", rc,
                 phs_error_message(phs_error_last()));
    cr_assert(rs != NULL);
    return rs;
}

/* A body: eligibility for everyone and one tier `id` (level 1, always
 * true, every 3 months) citing `cites`, with `extra` (YAML lines, may be
 * "") after its condition.  Caller frees. */
static inline char *t_one_tier_body(const char *id, const char *extra,
                                    const char *cites)
{
    return t_fmt(T_ELIG_TRUE "tiers:\n"
                             "  - id: %s\n"
                             "    level: 1\n"
                             "    when: \"true\"\n"
                             "%s"
                             "    follow_up: {interval: 3 months}\n"
                             "    cite: [%s]\n",
                 id, extra, cites);
}

/* Load one program from a body; asserts success. */
static inline phs_ruleset *t_must_load_body(const char *body)
{
    char *p = t_prog("p", "draft", body);
    const char *progs[] = {p};
    phs_ruleset *rs = t_must_load(progs, 1, NULL);
    free(p);
    return rs;
}

/* Load one program from a body; returns the status, *out set. */
static inline int t_load_body(phs_ruleset **out, const char *status,
                              const char *body)
{
    char *p = t_prog("p", status, body);
    const char *progs[] = {p};
    const char *names[] = {"p.yaml"};
    int rc = t_load(out, T_DICT, progs, names, 1, NULL);
    free(p);
    return rc;
}

/* A body whose only tier `hit` holds when `expr` does (eligibility true). */
static inline char *t_probe_body(const char *expr)
{
    char *q = t_yq(expr);
    char *s = t_fmt("eligibility: {when: \"true\", cite: [c1]}\n"
                    "tiers:\n"
                    "  - id: hit\n"
                    "    level: 1\n"
                    "    when: %s\n"
                    "    follow_up: {interval: 1 days}\n"
                    "    cite: [c1]\n",
                    q);
    free(q);
    return s;
}

/* A ruleset whose program `p` has the single tier `hit` holding on expr. */
static inline phs_ruleset *t_probe_rs(const char *expr)
{
    char *b = t_probe_body(expr);
    phs_ruleset *rs = t_must_load_body(b);
    free(b);
    return rs;
}

/* Load a probe expression and return the status (for expected failures). */
static inline int t_probe_load(phs_ruleset **out, const char *expr)
{
    char *b = t_probe_body(expr);
    int rc = t_load_body(out, "draft", b);
    free(b);
    return rc;
}

/* Fill a record from "name=value|name=value" (values in phs_record_set_text
 * form).  Returns PHS_OK or the first setter's status. */
static inline int t_fill(phs_record *rec, const phs_ruleset *rs,
                         const char *spec)
{
    phs_record_clear(rec);
    if (!spec || !*spec)
        return PHS_OK;
    char *copy = strdup(spec), *save = NULL;
    int rc = PHS_OK;
    for (char *kv = strtok_r(copy, "|", &save); kv && rc == PHS_OK;
         kv = strtok_r(NULL, "|", &save)) {
        char *eq = strchr(kv, '=');
        cr_assert(eq != NULL, "bad fill item '%s'", kv);
        *eq = '\0';
        int f = phs_ruleset_field_id(rs, kv);
        cr_assert(f >= 0, "unknown field '%s' in fill", kv);
        rc = phs_record_set_text(rec, f, eq + 1, strlen(eq + 1));
    }
    free(copy);
    return rc;
}

/* A new record / result for `rs`, asserting the allocation succeeded. */
static inline phs_record *t_record_new(const phs_ruleset *rs)
{
    phs_record *rec = NULL;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK, "%s", t_errmsg());
    return rec;
}

static inline phs_result *t_result_new(const phs_ruleset *rs)
{
    phs_result *res = NULL;
    cr_assert_eq(phs_result_new(&res, rs), PHS_OK, "%s", t_errmsg());
    return res;
}

/* Classify `spec` into a fresh result; asserts the fill and the call
 * succeed.  Caller frees the result. */
static inline phs_result *t_classify(const phs_ruleset *rs, const char *spec)
{
    phs_record *rec = NULL;
    phs_result *res = NULL;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    cr_assert_eq(phs_result_new(&res, rs), PHS_OK);
    int rc = t_fill(rec, rs, spec);
    cr_assert_eq(rc, PHS_OK, "fill '%s' failed: %s", spec,
                 phs_error_message(phs_error_last()));
    rc = phs_classify(rs, rec, res);
    cr_assert_eq(rc, PHS_OK, "classify '%s' failed: %s", spec,
                 phs_error_message(phs_error_last()));
    phs_record_free(rec);
    return res;
}

/* What most tests work on, set up and torn down by Criterion's .init and
 * .fini: a rule set, a record and a result for it. */
typedef struct {
    phs_ruleset *rs;
    phs_record *rec;
    phs_result *res;
} t_fixture;

/* Take `rs` and give it a record and a result. */
static inline void t_fixture_open(t_fixture *f, phs_ruleset *rs)
{
    f->rs = rs;
    f->rec = t_record_new(rs);
    f->res = t_result_new(rs);
}

static inline void t_fixture_close(t_fixture *f)
{
    phs_record_free(f->rec);
    phs_result_free(f->res);
    phs_ruleset_free(f->rs);
}

/* Fill the reused `rec` from `spec` (asserting it fills) and classify it
 * into the reused `res`; returns phs_classify's status. */
static inline int t_reclassify(const phs_ruleset *rs, phs_record *rec,
                               phs_result *res, const char *spec)
{
    int rc = t_fill(rec, rs, spec);
    cr_assert_eq(rc, PHS_OK, "fill '%s' failed: %s", spec,
                 phs_error_message(phs_error_last()));
    return phs_classify(rs, rec, res);
}

/* The probe's verdict for program 0: 1 (tier hit), 0 (unclassified),
 * -1 (insufficient data). */
static inline int t_verdict(const phs_result *res)
{
    int o = phs_result_outcome(res, 0);
    cr_assert(o == PHS_TIERED || o == PHS_UNCLASSIFIED ||
                  o == PHS_INSUFFICIENT_DATA,
              "unexpected outcome %d", o);
    return o == PHS_TIERED ? 1 : o == PHS_UNCLASSIFIED ? 0 : -1;
}

/* Evaluate `expr` against the record `spec` through a probe ruleset. */
static inline int t_eval(const char *expr, const char *spec)
{
    phs_ruleset *rs = t_probe_rs(expr);
    phs_result *res = t_classify(rs, spec);
    int v = t_verdict(res);
    phs_result_free(res);
    phs_ruleset_free(rs);
    return v;
}

/* One of a result's lists for program p (actions, flags, reasons,
 * undecided flags, missing fields) through its count and item accessors. */
typedef size_t (*t_count_fn)(const phs_result *res, size_t p);
typedef const char *(*t_item_fn)(const phs_result *res, size_t p, size_t i);

/* The list as "a,b,c" into buf. */
static inline const char *t_list(const phs_result *res, size_t p,
                                 t_count_fn count, t_item_fn item, char *buf,
                                 size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < count(res, p); i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s%s", i ? "," : "", item(res, p, i));
    }
    return buf;
}

/* The missing fields of program p as "a,b,c" into buf. */
static inline const char *t_missing(const phs_result *res, size_t p,
                                    char *buf, size_t size)
{
    return t_list(res, p, phs_result_missing_count, phs_result_missing, buf,
                  size);
}

/* Expect the list `what` of program p to hold exactly `want` (NULL-ended),
 * in order, and nothing past its end. */
static inline void t_expect_list(const phs_result *res, size_t p,
                                 t_count_fn count, t_item_fn item,
                                 const char *what, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    cr_expect_eq(count(res, p), n, "%s: %zu items, expected %zu", what,
                 count(res, p), n);
    for (size_t i = 0; i < n && i < count(res, p); i++)
        cr_expect_str_eq(item(res, p, i), want[i], "%s %zu", what, i);
    cr_expect_null(item(res, p, count(res, p)), "%s: an item past the end",
                   what);
}

/* T_EXPECT_LIST(res, 0, action, "a", "b"): phs_result_action_count and
 * phs_result_action give exactly a, b. */
#define T_EXPECT_LIST(res, p, what, ...)                                       \
    t_expect_list((res), (p), phs_result_##what##_count, phs_result_##what,   \
                  #what, (const char *const[]){__VA_ARGS__, NULL})

/* Render `res` as JSON and expect it to hold each of `has` and none of
 * `lacks` (both NULL-ended; lacks may be NULL). */
static inline void t_expect_json(const phs_result *res,
                                 const char *const *has,
                                 const char *const *lacks)
{
    char *json = NULL;
    cr_assert_eq(phs_result_to_json(res, &json, NULL), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    for (size_t i = 0; has[i]; i++)
        cr_expect(strstr(json, has[i]), "missing %s in %s", has[i], json);
    for (size_t i = 0; lacks && lacks[i]; i++)
        cr_expect(!strstr(json, lacks[i]), "unexpected %s in %s", lacks[i],
                  json);
    phs_free(json);
}

/* T_EXPECT_JSON(res, "\"a\":1", ...): the result's JSON holds each. */
#define T_EXPECT_JSON(res, ...)                                                \
    t_expect_json((res), (const char *const[]){__VA_ARGS__, NULL}, NULL)

static inline phs_date t_date(const char *s)
{
    phs_date d;
    cr_assert_eq(phs_date_parse(&d, s, strlen(s)), PHS_OK, "bad date %s", s);
    return d;
}

static inline const char *t_datestr(phs_date d, char buf[11])
{
    phs_date_format(d, buf);
    return buf;
}


/* What phs_ruleset_test reported through t_on_example: the examples run
 * ("program/id", comma-separated, in order), the failures (each
 * "\n  program/id: message") and the last failure's message. */
typedef struct {
    size_t calls, failures;
    char ids[32768];
    char failed[4096];
    char last_fail[512];
} t_example_log;

static inline void t_on_example(void *payload, const char *program,
                                const char *example_id, const char *failure)
{
    t_example_log *l = payload;
    l->calls++;
    size_t n = strlen(l->ids);
    snprintf(l->ids + n, sizeof l->ids - n, "%s%s/%s", n ? "," : "", program,
             example_id);
    if (failure) {
        l->failures++;
        n = strlen(l->failed);
        snprintf(l->failed + n, sizeof l->failed - n, "\n  %s/%s: %s", program,
                 example_id, failure);
        snprintf(l->last_fail, sizeof l->last_fail, "%s", failure);
    }
}

/* Switch LC_ALL to a locale whose decimal separator is a comma (de_DE and
 * alternatives).  Returns 1 when one is in force.  When none is installed
 * the test is skipped with a message, unless PHS_REQUIRE_DECIMAL_COMMA is
 * set (CI sets it: there the test must run), then it fails.  Call
 * t_locale_restore() at the end. */
static inline int t_decimal_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE",
                                        "fr_FR.UTF-8", "fr_FR.utf8",
                                        "ru_RU.UTF-8", "es_ES.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_ALL, names[i]) &&
            strcmp(localeconv()->decimal_point, ",") == 0)
            return 1;
    setlocale(LC_ALL, "C");
    if (getenv("PHS_REQUIRE_DECIMAL_COMMA"))
        cr_assert_fail("no decimal-comma locale installed (de_DE.UTF-8: "
                       "localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
    cr_skip_test("SKIPPED: no decimal-comma locale installed (de_DE.UTF-8)");
    return 0;
}
static inline void t_locale_restore(void) { setlocale(LC_ALL, "C"); }

#endif
