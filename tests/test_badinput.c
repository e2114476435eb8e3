/* Bad input: every case gets a clear error with its position, never a
 * crash, a hang or a half-loaded ruleset (*out stays NULL).  One file past
 * ~800 lines on purpose: the cases are variations of GOOD_BODY below, each
 * checked by the same position and cleanup assertions. */
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

static const char GOOD_BODY[] =
    "eligibility: {when: \"true\", cite: [c1]}\n"
    "tiers:\n"
    "  - id: t\n"
    "    level: 1\n"
    "    when: \"sbp >= 140\"\n"
    "    follow_up: {interval: 3 months}\n"
    "    cite: [c1]\n";

/* Load dict + one program text named p.yaml and expect failure `code`
 * whose message starts with "file:line:" (line > 0 when `line` is -1,
 * exactly `line` otherwise, no position check when 0) and contains
 * `needle`. */
static void expect_fail_texts(const char *dict, const char *prog, int code,
                              const char *file, int line, const char *needle)
{
    const char *progs[] = {prog};
    const char *names[] = {"p.yaml"};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, dict, progs, names, prog ? 1 : 0, NULL);
    cr_expect_eq(rc, code, "rc %d, expected %d: %s", rc, code, t_errmsg());
    cr_expect_null(rs, "a ruleset was returned with an error");
    phs_ruleset_free(rs);
    const phs_error *e = phs_error_last();
    cr_expect_eq(phs_error_code(e), code);
    const char *m = phs_error_message(e);
    cr_expect(m[0] != '\0', "empty message");
    if (file) {
        cr_expect(strncmp(m, file, strlen(file)) == 0 && m[strlen(file)] == ':',
                  "message '%s' does not start with '%s:'", m, file);
        if (line) {
            cr_expect(phs_error_line(e) > 0, "no line: %s", m);
            cr_expect(phs_error_column(e) > 0, "no column: %s", m);
            if (line > 0)
                cr_expect_eq(phs_error_line(e), line, "%s", m);
            char pre[300];
            snprintf(pre, sizeof pre, "%s:%d:%d: ", file, phs_error_line(e),
                     phs_error_column(e));
            cr_expect(strncmp(m, pre, strlen(pre)) == 0,
                      "message '%s' does not start with '%s'", m, pre);
        }
    }
    if (needle)
        cr_expect(strstr(m, needle), "message '%s' lacks '%s'", m, needle);
}

static void expect_prog_fail(const char *prog, int code, int line,
                             const char *needle)
{
    expect_fail_texts(T_DICT, prog, code, "p.yaml", line, needle);
}

static void expect_body_fail(const char *status, const char *body, int code,
                             int line, const char *needle)
{
    char *p = t_prog("p", status, body);
    expect_prog_fail(p, code, line, needle);
    free(p);
}

/* Replace the first `from` in T_DICT by `to` and expect a dictionary
 * error. */
static void expect_dict_edit_fail(const char *from, const char *to, int code,
                                  const char *needle)
{
    const char *at = strstr(T_DICT, from);
    cr_assert(at != NULL, "%s", from);
    char *dict = t_fmt("%.*s%s%s", (int)(at - T_DICT), T_DICT, to,
                       at + strlen(from));
    char *p = t_prog("p", "draft", GOOD_BODY);
    expect_fail_texts(dict, p, code, "fields.yaml", -1, needle);
    free(p);
    free(dict);
}

Test(badinput, sanity_good_body_loads)
{
    phs_ruleset *rs = t_must_load_body(GOOD_BODY);
    phs_ruleset_free(rs);
}

/* ---- malformed YAML ---- */

Test(badinput, malformed_yaml_has_position)
{
    expect_prog_fail("program: p\ntiers: [a, b\nstatus: draft\n", PHS_ESPEC, -1,
                     "YAML");
    expect_prog_fail("program: p\n  version: 1\n bad: [\n", PHS_ESPEC, -1,
                     "YAML");
    expect_prog_fail("program: 'unclosed\nversion: 1\n", PHS_ESPEC, -1, "YAML");
    expect_prog_fail("program: p\n\tversion: 1\n", PHS_ESPEC, 2, "YAML");
    expect_prog_fail("a: b: c\n", PHS_ESPEC, 1, NULL);
    expect_prog_fail("- a\nb: c\n", PHS_ESPEC, -1, NULL);
    /* the dictionary too */
    char *p = t_prog("p", "draft", GOOD_BODY);
    expect_fail_texts("dictionary: libphs-fields\nfields: [\n", p, PHS_ESPEC,
                      "fields.yaml", -1, "YAML");
    free(p);
}

Test(badinput, binary_and_invalid_utf8)
{
    static const char nul_text[] = "program: p\0version: 1\n";
    const char *names[] = {"fields.yaml", "p.yaml"};
    const char *texts[] = {T_DICT, nul_text};
    size_t lens[] = {strlen(T_DICT), sizeof nul_text - 1};
    phs_ruleset *rs = NULL;
    int rc = phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL);
    cr_expect_eq(rc, PHS_ESPEC, "%d %s", rc, t_errmsg());
    cr_expect_null(rs);
    expect_prog_fail("program: p\xff\xfe\nversion: 1\n", PHS_ESPEC, 0, NULL);
    expect_prog_fail("\x01\x02\x03\x04", PHS_ESPEC, 0, NULL);
}

/* libyaml reports reader errors (invalid UTF-8, control characters, NUL)
 * with a byte offset, not a line and column: they were all at 1:1. */
Test(badinput, invalid_bytes_are_positioned)
{
    static const struct {
        const char *text;
        size_t len;
        int line, col;
    } cases[] = {
        {"program: p\nversion: \"1\"\ntitle: 收缩\xff\n", 0, 3, 10},
        {"program: p\nversion: \"1\x01\"\n", 0, 2, 12},
        {"program: p\nversion: 1\n  \0x: 1\n", 26, 3, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *names[] = {"fields.yaml", "p.yaml"};
        const char *texts[] = {T_DICT, cases[i].text};
        size_t lens[] = {strlen(T_DICT),
                         cases[i].len ? cases[i].len : strlen(cases[i].text)};
        phs_ruleset *rs = NULL;
        int rc = phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL);
        cr_expect_eq(rc, PHS_ESPEC, "case %zu: %d", i, rc);
        cr_expect_eq(phs_error_line(phs_error_last()), cases[i].line,
                     "case %zu: %s", i, t_errmsg());
        cr_expect_eq(phs_error_column(phs_error_last()), cases[i].col,
                     "case %zu: %s", i, t_errmsg());
    }
}

/* ---- unknown keys, wrong types, missing keys ---- */

Test(badinput, unknown_keys)
{
    char *p = t_prog("p", "draft", GOOD_BODY);
    char *q = t_fmt("%scolour: red\n", p);
    int line = 1;
    for (const char *c = p; *c; c++)
        line += *c == '\n';
    expect_prog_fail(q, PHS_ESPEC, line, "unknown key 'colour'");
    free(q);
    free(p);
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - id: t\n"
                     "    levle: 1\n"
                     "    when: \"true\"\n"
                     "    follow_up: {interval: 3 months}\n"
                     "    cite: [c1]\n",
                     PHS_ESPEC, 15, "unknown key 'levle'");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1], whom: all}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "unknown key 'whom'");
    expect_dict_edit_fail("range: [40, 300]", "rang: [40, 300]", PHS_ESPEC,
                          "unknown key 'rang'");
    expect_dict_edit_fail("checks:", "chekcs:", PHS_ESPEC,
                          "unknown key 'chekcs'");
}

Test(badinput, wrong_types)
{
    const char *fmt = "eligibility: {when: \"true\", cite: [c1]}\n"
                      "tiers:\n"
                      "  - id: t\n"
                      "    level: %s\n"
                      "    referral: %s\n"
                      "    when: \"true\"\n"
                      "    follow_up: {interval: 3 months}\n"
                      "    cite: [c1]\n";
    /* a level, a referral flag; the line the error is at; the key named */
    static const struct {
        const char *level, *referral;
        int line;
        const char *key;
    } bad[] = {
        {"high", "false", 15, "level"},  {"3.5", "false", 15, "level"},
        {"'3'", "false", 15, "level"},   {"[3]", "false", 15, "level"},
        {"-1", "false", 15, "level"},    {"3", "yes", 16, "referral"},
        {"3", "'true'", 16, "referral"},
    };
    for (size_t i = 0; i < T_COUNT(bad); i++) {
        char *b = t_fmt(fmt, bad[i].level, bad[i].referral);
        expect_body_fail("draft", b, PHS_ESPEC, bad[i].line, bad[i].key);
        free(b);
    }
    /* structure of the wrong kind */
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers: {id: t}\n",
                     PHS_ESPEC, 13, "list");
    expect_body_fail("draft", "eligibility: \"true\"\ntiers: []\n", PHS_ESPEC,
                     12, "mapping");
    expect_body_fail("draft",
                     "eligibility: {when: [true], cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "expression");
    expect_body_fail("draft",
                     "eligibility: {when: \"sbp\", cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "bool");
    /* metadata */
    char *p = t_prog("p", "final", GOOD_BODY);
    expect_prog_fail(p, PHS_ESPEC, 4, "status");
    free(p);
    p = t_prog("P-1", "draft", GOOD_BODY);
    expect_prog_fail(p, PHS_ESPEC, 1, "program");
    free(p);
    /* field types in the dictionary */
    expect_dict_edit_fail("type: number, range: [40, 300]",
                          "type: integer, range: [40, 300]", PHS_ESPEC,
                          "integer");
    expect_dict_edit_fail("range: [40, 300]", "range: [40]", PHS_ESPEC,
                          "range");
    expect_dict_edit_fail("range: [40, 300]", "range: [300, 40]", PHS_ESPEC,
                          "range");
    expect_dict_edit_fail("range: [40, 300]", "range: [low, 300]", PHS_ESPEC,
                          "range");
    expect_dict_edit_fail("values: [M, F]", "values: []", PHS_ESPEC,
                          "value");
    expect_dict_edit_fail("{name: sex, type: enum, values: [M, F], ",
                          "{name: sex, type: enum, ", PHS_ESPEC, "values");
    expect_dict_edit_fail("{name: note, type: string,",
                          "{name: note, type: string, values: [a],",
                          PHS_ESPEC, "values");
    expect_dict_edit_fail("{name: age, type: number, range: [0, 150],",
                          "{name: age, type: number, range: [0, 150], "
                          "absent: not_observed,",
                          PHS_ESPEC, "not observed");
    expect_dict_edit_fail("{name: smoker, type: bool,",
                          "{name: smoker, type: bool, absent: sometimes,",
                          PHS_ESPEC, "absent");
    expect_dict_edit_fail("{name: sbp,", "{name: SBP,", PHS_ESPEC, "SBP");
    expect_dict_edit_fail("{name: dbp,", "{name: sbp,", PHS_ESPEC, "twice");
    expect_dict_edit_fail("{name: visit_date, type: date,",
                          "{name: visit_date, type: string,", PHS_ESPEC,
                          "visit_date");
    expect_dict_edit_fail("{name: id, type: string,",
                          "{name: id, type: number,", PHS_ESPEC, "id");
    expect_dict_edit_fail("dictionary: libphs-fields",
                          "dictionary: something-else", PHS_ESPEC,
                          "libphs-fields");
}

Test(badinput, unknown_names_in_dictionary_expressions)
{
    expect_dict_edit_fail("when: \"sbp < dbp\"", "when: \"sbp < dbpx\"",
                          PHS_ESPEC, "dbpx");
    expect_dict_edit_fail("field: sbp", "field: sbpx", PHS_ESPEC, "sbpx");
    expect_dict_edit_fail("else age\"", "else agee\"", PHS_ESPEC, "agee");
    /* a derived value cannot refer to itself (no endless recursion) */
    expect_dict_edit_fail("else age\"", "else age_years\"", PHS_ESPEC,
                          "age_years");
}

Test(badinput, missing_required_keys)
{
    expect_body_fail("draft", "tiers: []\n", PHS_ESPEC, 1, "eligibility");
    expect_body_fail("draft", "eligibility: {when: \"true\", cite: [c1]}\n",
                     PHS_ESPEC, 1, "tiers");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\ntiers: []\n",
                     PHS_ESPEC, 13, "tier");
    expect_body_fail("draft",
                     "eligibility: {cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "when");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\"}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "cite");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - {id: t, when: \"true\", follow_up: {interval: 3 "
                     "months}, cite: [c1]}\n",
                     PHS_ESPEC, 14, "level");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - {id: t, level: 1, when: \"true\", cite: [c1]}\n",
                     PHS_ESPEC, 14, "follow_up");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: []}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "cite");
    expect_prog_fail("program: p\nversion: '1'\n", PHS_ESPEC, 1, NULL);
    /* a dictionary without fields */
    char *p = t_prog("p", "draft", GOOD_BODY);
    expect_fail_texts("dictionary: libphs-fields\nversion: '1'\n", p,
                      PHS_ESPEC, "fields.yaml", 1, "fields");
    free(p);
}

Test(badinput, unknown_clause_and_source)
{
    char *b = t_one_tier_body("t", "", "c1, c_nope");
    expect_body_fail("draft", b, PHS_ESPEC, 18, "unknown clause 'c_nope'");
    free(b);
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [htn.x]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "htn.x");
    /* a clause from an undeclared source */
    char *p = t_prog("p", "draft", GOOD_BODY);
    char *at = strstr(p, "source: s1, text: t1");
    cr_assert(at != NULL);
    memcpy(at, "source: s9", 10);
    expect_prog_fail(p, PHS_ESPEC, 9, "s9");
    free(p);
    /* a bad confidence tag */
    p = t_prog("p", "draft", GOOD_BODY);
    at = strstr(p, "confidence: C2");
    memcpy(at, "confidence: C7", 14);
    expect_prog_fail(p, PHS_ESPEC, 9, "C7");
    free(p);
}

Test(badinput, production_rule_on_r_clause_needs_provisional)
{
    char *b = t_one_tier_body("t", "", "c_r");
    expect_body_fail("production", b, PHS_ESPEC, 14, "provisional");
    free(b);
}

Test(badinput, duplicates)
{
    /* duplicate YAML keys */
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - id: t\n"
                     "    level: 1\n"
                     "    level: 2\n"
                     "    when: \"true\"\n"
                     "    follow_up: {interval: 3 months}\n"
                     "    cite: [c1]\n",
                     PHS_ESPEC, 16, "duplicate key 'level'");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1], when: "
                     "\"false\"}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 12, "duplicate key");
    /* duplicate tier, flag, clause and parameter ids */
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - {id: t, level: 1, when: \"true\", follow_up: "
                     "{interval: 3 months}, cite: [c1]}\n"
                     "  - {id: t, level: 1, when: \"true\", follow_up: "
                     "{interval: 3 months}, cite: [c1]}\n",
                     PHS_ESPEC, 15, "twice");
    expect_body_fail("draft",
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - {id: t, level: 1, when: \"true\", follow_up: "
                     "{interval: 3 months}, cite: [c1]}\n"
                     "flags:\n"
                     "  - {id: f, when: \"true\", cite: [c1]}\n"
                     "  - {id: f, when: \"false\", cite: [c1]}\n",
                     PHS_ESPEC, 17, "twice");
    expect_body_fail("draft",
                     "parameters:\n"
                     "  - {name: x, type: number, default: 1, cite: [c1]}\n"
                     "  - {name: x, type: number, default: 2, cite: [c1]}\n"
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 14, "twice");
    expect_body_fail("draft",
                     "derived:\n"
                     "  - {name: x, expr: \"1\"}\n"
                     "  - {name: x, expr: \"2\"}\n"
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 14, "twice");
    expect_body_fail("draft",
                     "derived:\n"
                     "  - {name: sbp, expr: \"1\"}\n"
                     "eligibility: {when: \"true\", cite: [c1]}\n"
                     "tiers: []\n",
                     PHS_ESPEC, 13, "field");
    char *p = t_prog("p", "draft", GOOD_BODY);
    char *c = strstr(p, "{id: c2,");
    memcpy(c, "{id: c1,", 8);
    expect_prog_fail(p, PHS_ESPEC, 10, "twice");
    free(p);
}

Test(badinput, duplicate_program_ids)
{
    char *p = t_prog("same", "draft", GOOD_BODY);
    const char *progs[] = {p, p};
    const char *names[] = {"a.yaml", "b.yaml"};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, T_DICT, progs, names, 2, NULL);
    cr_expect_eq(rc, PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "b.yaml:1:"), "%s", t_errmsg());
    cr_expect(strstr(t_errmsg(), "same"), "%s", t_errmsg());
    cr_expect(strstr(t_errmsg(), "a.yaml"), "names the first definition: %s",
              t_errmsg());
    /* two files with the same name in different directories */
    const char *names2[] = {"x/p.yaml", "y/p.yaml"};
    char *q = t_prog("other", "draft", GOOD_BODY);
    const char *progs2[] = {p, q};
    rc = t_load(&rs, T_DICT, progs2, names2, 2, NULL);
    cr_expect_eq(rc, PHS_ESPEC);
    cr_expect_null(rs);
    free(p);
    free(q);
}

Test(badinput, missing_or_second_dictionary)
{
    char *p = t_prog("p", "draft", GOOD_BODY);
    const char *names[] = {"p.yaml"};
    const char *texts[] = {p};
    size_t lens[] = {strlen(p)};
    phs_ruleset *rs = NULL;
    cr_expect_eq(phs_ruleset_load_texts(&rs, names, texts, lens, 1, NULL),
                 PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "fields.yaml"), "%s", t_errmsg());
    const char *names2[] = {"a/fields.yaml", "b/fields.yaml", "p.yaml"};
    const char *texts2[] = {T_DICT, T_DICT, p};
    size_t lens2[] = {strlen(T_DICT), strlen(T_DICT), strlen(p)};
    cr_expect_eq(phs_ruleset_load_texts(&rs, names2, texts2, lens2, 3, NULL),
                 PHS_ESPEC);
    cr_expect_null(rs);
    /* nothing at all */
    cr_expect_eq(phs_ruleset_load_texts(&rs, names, texts, lens, 0, NULL),
                 PHS_ESPEC);
    cr_expect_null(rs);
    free(p);
}

/* ---- empty, huge and deeply nested files ---- */

Test(badinput, empty_files)
{
    expect_prog_fail("", PHS_ESPEC, 1, "empty");
    expect_prog_fail("# nothing but a comment\n\n", PHS_ESPEC, 1, "empty");
    expect_prog_fail("   \n\n  \n", PHS_ESPEC, 1, "empty");
    expect_prog_fail("---\n", PHS_ESPEC, -1, NULL);
    expect_prog_fail("~\n", PHS_ESPEC, -1, NULL);
    char *p = t_prog("p", "draft", GOOD_BODY);
    expect_fail_texts("", p, PHS_ESPEC, "fields.yaml", 1, "empty");
    free(p);
}

Test(badinput, file_over_size_limit)
{
    /* a valid spec padded with a comment to just over 1 MiB */
    char *p = t_prog("p", "draft", GOOD_BODY);
    size_t n = (1u << 20) + 1;
    char *big = malloc(n + 1);
    size_t pl = strlen(p);
    memcpy(big, p, pl);
    big[pl] = '#';
    memset(big + pl + 1, 'x', n - pl - 2);
    big[n - 1] = '\n';
    big[n] = '\0';
    cr_assert_eq(strlen(big), n);
    clock_t t0 = clock();
    expect_fail_texts(T_DICT, big, PHS_ELIMIT, "p.yaml", 0, NULL);
    cr_expect_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 1.0 * T_TIME_SCALE);
    /* exactly 1 MiB is accepted */
    big[n - 2] = '\n';
    const char *names[] = {"fields.yaml", "p.yaml"};
    const char *texts[] = {T_DICT, big};
    size_t lens[] = {strlen(T_DICT), n - 1};
    phs_ruleset *rs = NULL;
    cr_expect_eq(phs_ruleset_load_texts(&rs, names, texts, lens, 2, NULL),
                 PHS_OK, "%s", t_errmsg());
    phs_ruleset_free(rs);
    /* a smaller configured limit */
    phs_ruleset_options *o;
    cr_assert_eq(phs_ruleset_options_new(&o), PHS_OK);
    cr_assert_eq(phs_ruleset_options_set_limit(o, PHS_LIMIT_FILE_BYTES, 100),
                 PHS_OK);
    const char *progs[] = {p};
    rs = NULL;
    cr_expect_eq(t_load(&rs, T_DICT, progs, NULL, 1, o), PHS_ELIMIT);
    cr_expect_null(rs);
    phs_ruleset_options_free(o);
    free(big);
    free(p);
}

Test(badinput, huge_list_of_nodes)
{
    /* 200000 one-character items: over the node limit, under the size
     * limit */
    size_t n = 200000;
    char *s = malloc(3 * n + 64);
    size_t k = (size_t)sprintf(s, "program: p\nnote: [");
    for (size_t i = 0; i < n; i++) {
        s[k++] = '1';
        s[k++] = i + 1 < n ? ',' : ']';
    }
    s[k++] = '\n';
    s[k] = '\0';
    clock_t t0 = clock();
    expect_prog_fail(s, PHS_ELIMIT, -1, "nodes");
    cr_expect_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0 * T_TIME_SCALE);
    free(s);
}

static void nested(const char *open, size_t n, const char *prefix)
{
    size_t ol = strlen(open), pl = strlen(prefix);
    char *s = malloc(pl + n * ol + 1);
    memcpy(s, prefix, pl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + pl + i * ol, open, ol);
    s[pl + n * ol] = '\0';
    clock_t t0 = clock();
    expect_prog_fail(s, PHS_ELIMIT, -1, "deeper");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_expect_lt(secs, 1.0 * T_TIME_SCALE, "took %.2f s", secs);
    free(s);
}

Test(badinput, deeply_nested_yaml, .timeout = 120)
{
    nested("[", 100000, "");
    nested("[", 100000, "program: ");
    nested("{a: ", 100000, "");
    nested("- ", 100, "");
    /* block mappings, 200 levels of indentation */
    size_t n = 200;
    char *s = malloc(n * (n + 4) + 16);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memset(s + k, ' ', i);
        k += i;
        memcpy(s + k, "a:\n", 3);
        k += 3;
    }
    s[k] = '\0';
    expect_prog_fail(s, PHS_ELIMIT, -1, "deeper");
    free(s);
    /* nesting at the limit (64) is fine as YAML (refused later as a spec
     * for its shape, not for its depth) */
    char d[256];
    memset(d, '[', 63);
    strcpy(d + 63, "1");
    memset(d + 64, ']', 63);
    d[127] = '\0';
    char *p = t_fmt("program: %s\n", d);
    const char *progs[] = {p};
    phs_ruleset *rs = NULL;
    int rc = t_load(&rs, T_DICT, progs, NULL, 1, NULL);
    cr_expect_eq(rc, PHS_ESPEC, "%s", t_errmsg());
    cr_expect(!strstr(t_errmsg(), "deeper"), "%s", t_errmsg());
    free(p);
}

Test(badinput, yaml_aliases_and_anchors_refused, .timeout = 120)
{
    /* billion laughs */
    const char *lol =
        "program: p\n"
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    expect_prog_fail(lol, PHS_ESPEC, 2, "anchor");
    /* a lone alias (undefined anchors are a YAML error; defined ones are
     * refused at the anchor) */
    expect_prog_fail("program: p\nversion: *v\n", PHS_ESPEC, 2, NULL);
    /* an anchor on a mapping, on a scalar; a merge key */
    expect_prog_fail("program: &p p\n", PHS_ESPEC, 1, "anchor");
    expect_prog_fail("title: &t {zh: a, en: b}\n", PHS_ESPEC, 1, "anchor");
    char *p = t_prog("p", "draft",
                     "eligibility: &e {when: \"true\", cite: [c1]}\n"
                     "tiers:\n"
                     "  - {<<: *e, id: t, level: 1, follow_up: {interval: 3 "
                     "months}}\n");
    expect_prog_fail(p, PHS_ESPEC, 12, "anchor");
    free(p);
    /* tags */
    expect_prog_fail("program: !!str p\n", PHS_ESPEC, 1, "tag");
    /* and in the dictionary */
    char *dict = t_fmt("%sextra: &x 1\n", T_DICT);
    char *q = t_prog("p", "draft", GOOD_BODY);
    expect_fail_texts(dict, q, PHS_ESPEC, "fields.yaml", -1, "anchor");
    free(q);
    free(dict);
}

Test(badinput, multiple_documents)
{
    char *p = t_prog("p", "draft", GOOD_BODY);
    char *q = t_fmt("%s---\n%s", p, p);
    expect_prog_fail(q, PHS_ESPEC, -1, "document");
    free(q);
    free(p);
}

Test(badinput, too_many_rules)
{
    /* 65 tiers */
    size_t cap = 65 * 120 + 256;
    char *b = malloc(cap);
    size_t k = (size_t)sprintf(b, "eligibility: {when: \"true\", cite: [c1]}\n"
                                  "tiers:\n");
    for (int i = 0; i < 65; i++)
        k += (size_t)sprintf(b + k,
                             "  - {id: t%d, level: 1, when: \"true\", "
                             "follow_up: {interval: 1 days}, cite: [c1]}\n",
                             i);
    expect_body_fail("draft", b, PHS_ESPEC, 14, "64");
    free(b);
    /* 65 flags */
    cap = 65 * 80 + 512;
    b = malloc(cap);
    k = (size_t)sprintf(b, "eligibility: {when: \"true\", cite: [c1]}\n"
                           "tiers:\n"
                           "  - {id: t, level: 1, when: \"true\", follow_up: "
                           "{interval: 1 days}, cite: [c1]}\n"
                           "flags:\n");
    for (int i = 0; i < 65; i++)
        k += (size_t)sprintf(b + k, "  - {id: f%d, when: \"true\", cite: "
                                    "[c1]}\n",
                             i);
    expect_body_fail("draft", b, PHS_ESPEC, 16, "64");
    free(b);
}

Test(badinput, too_many_programs)
{
    enum { N = 33 };
    const char *names[N + 1], *texts[N + 1];
    size_t lens[N + 1];
    char *progs[N], nm[N][32];
    names[0] = "fields.yaml";
    texts[0] = T_DICT;
    lens[0] = strlen(T_DICT);
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "prog%02d", i);
        snprintf(nm[i], sizeof nm[i], "prog%02d.yaml", i);
        progs[i] = t_prog(id, "draft", GOOD_BODY);
        names[i + 1] = nm[i];
        texts[i + 1] = progs[i];
        lens[i + 1] = strlen(progs[i]);
    }
    phs_ruleset *rs = NULL;
    /* 32 programs load */
    cr_expect_eq(phs_ruleset_load_texts(&rs, names, texts, lens, N, NULL),
                 PHS_OK, "%s", t_errmsg());
    cr_expect_eq(phs_ruleset_program_count(rs), 32);
    phs_ruleset_free(rs);
    rs = NULL;
    cr_expect_eq(phs_ruleset_load_texts(&rs, names, texts, lens, N + 1, NULL),
                 PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "prog32.yaml"), "%s", t_errmsg());
    for (int i = 0; i < N; i++)
        free(progs[i]);
}

Test(badinput, long_names_and_lists_in_expressions)
{
    char name[300];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char *e = t_fmt("%s > 1", name);
    phs_ruleset *rs = NULL;
    cr_expect_eq(t_probe_load(&rs, e), PHS_ESPEC);
    cr_expect_null(rs);
    free(e);
    e = t_fmt("%s(sbp) > 1", name);
    cr_expect_eq(t_probe_load(&rs, e), PHS_ESPEC);
    cr_expect(strstr(t_errmsg(), "unknown function"), "%s", t_errmsg());
    free(e);
    /* a list literal of 300 items */
    size_t cap = 300 * 8 + 64;
    e = malloc(cap);
    size_t k = (size_t)sprintf(e, "note in [");
    for (int i = 0; i < 300; i++)
        k += (size_t)sprintf(e + k, "%s'x%d'", i ? "," : "", i);
    strcpy(e + k, "]");
    cr_expect_eq(t_probe_load(&rs, e), PHS_ESPEC);
    cr_expect_null(rs);
    free(e);
}

/* ---- impossible values in records ---- */

Test(badinput, impossible_record_values)
{
    phs_ruleset *rs = t_must_load_body(GOOD_BODY);
    phs_record *rec = t_record_new(rs);
    phs_result *res = t_result_new(rs);
    int sbp = phs_ruleset_field_id(rs, "sbp");
    int dbp = phs_ruleset_field_id(rs, "dbp");
    int age = phs_ruleset_field_id(rs, "age");
    struct {
        int field;
        double v;
        const char *name;
    } bad[] = {
        {sbp, -120, "sbp"}, {dbp, -80, "dbp"}, {age, 300, "age"},
        {age, -1, "age"},   {sbp, NAN, "sbp"}, {dbp, INFINITY, "dbp"},
        {sbp, -INFINITY, "sbp"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(phs_record_set_number(rec, bad[i].field, bad[i].v),
                     PHS_ERECORD, "%s=%g", bad[i].name, bad[i].v);
        cr_expect_str_eq(phs_error_field(phs_error_last()), bad[i].name);
        cr_expect(strstr(t_errmsg(), bad[i].name), "%s", t_errmsg());
    }
    static const char *texts[][2] = {
        {"sbp", "-120"}, {"age", "300"}, {"sbp", "NaN"}, {"sbp", "1e999"},
        {"sbp", "12 0"}, {"age", "abc"}, {"sbp", "1,5"}, {"sbp", "--5"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int f = phs_ruleset_field_id(rs, texts[i][0]);
        int rc = phs_record_set_text(rec, f, texts[i][1], strlen(texts[i][1]));
        cr_expect_eq(rc, PHS_ERECORD, "%s=%s -> %d", texts[i][0], texts[i][1],
                     rc);
        cr_expect_str_eq(phs_error_field(phs_error_last()), texts[i][0]);
    }
    /* sbp < dbp: each value valid alone, refused by the dictionary check */
    cr_expect_eq(
        t_reclassify(rs, rec, res, "visit_date=2024-06-01|sbp=70|dbp=90"),
        PHS_ERECORD);
    cr_expect_str_eq(phs_error_field(phs_error_last()), "sbp");
    cr_expect(strstr(t_errmsg(), "diastolic"), "%s", t_errmsg());
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}

/* phs_record_set_text reads numbers "as decimal": a hexadecimal number
 * (which strtod accepts) must not slip in as a blood pressure. */
Test(badinput, set_text_numbers_are_decimal_only)
{
    phs_ruleset *rs = t_must_load_body(GOOD_BODY);
    phs_record *rec;
    cr_assert_eq(phs_record_new(&rec, rs), PHS_OK);
    int sbp = phs_ruleset_field_id(rs, "sbp");
    static const char *bad[] = {"0x50", "0X78", "0x1p7"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = phs_record_set_text(rec, sbp, bad[i], strlen(bad[i]));
        cr_expect_eq(rc, PHS_ERECORD, "sbp='%s' accepted (rc %d, has %d)",
                     bad[i], rc, phs_record_has(rec, sbp));
    }
    static const char *bad2[] = {"inf", "-inf", "nan", "infinity", "1e",
                                 "1e+", ".", "-", "+-5", "1.2.3", "12e3x",
                                 "1_000", "١٢٠"};
    for (size_t i = 0; i < sizeof bad2 / sizeof bad2[0]; i++)
        cr_expect_eq(phs_record_set_text(rec, sbp, bad2[i], strlen(bad2[i])),
                     PHS_ERECORD, "sbp='%s' accepted", bad2[i]);
    /* plain decimal forms are fine, and read exactly; a long run of leading
     * zeros is not significant */
    static const struct {
        const char *text;
        int tier_high; /* sbp >= 140 */
    } good[] = {
        {"120", 0},  {"140", 1},  {"139.99", 0}, {"1.4e2", 1}, {"+140", 1},
        {"0140", 1}, {"140.", 1}, {"14000e-2", 1}, {"1399e-1", 0},
        {"000000000000000000000000000000000000000000000000140", 1},
        {"140.000000000000000000000000000000000000000000000001", 1},
    };
    phs_result *res;
    cr_assert_eq(phs_result_new(&res, rs), PHS_OK);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int rc = phs_record_set_text(rec, sbp, good[i].text,
                                     strlen(good[i].text));
        cr_expect_eq(rc, PHS_OK, "sbp='%s': %s", good[i].text, t_errmsg());
        if (rc != PHS_OK)
            continue;
        cr_assert_eq(phs_classify(rs, rec, res), PHS_OK);
        cr_expect_eq(phs_result_outcome(res, 0),
                     good[i].tier_high ? PHS_TIERED : PHS_UNCLASSIFIED,
                     "sbp='%s' read as the wrong value", good[i].text);
    }
    phs_result_free(res);
    phs_record_free(rec);
    phs_ruleset_free(rs);
}

/* ---- a failed load leaves nothing behind ---- */

Test(badinput, failed_loads_do_not_affect_later_loads)
{
    for (int i = 0; i < 20; i++) {
        phs_ruleset *rs = NULL;
        expect_prog_fail("program: [", PHS_ESPEC, -1, NULL);
        rs = t_must_load_body(GOOD_BODY);
        phs_result *res = t_classify(rs, "visit_date=2024-06-01|sbp=150");
        cr_expect_str_eq(phs_result_tier(res, 0), "t");
        phs_result_free(res);
        phs_ruleset_free(rs);
    }
}

/* ---- directories ---- */

static char *mkdir_tmp(void)
{
    char *d = strdup("/tmp/phs_test_XXXXXX");
    cr_assert(mkdtemp(d) != NULL);
    return d;
}

static void write_file(const char *dir, const char *name, const char *text,
                       size_t len)
{
    char *path = t_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "%s", path);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    free(path);
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = t_fmt("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

Test(badinput_dir, load_dir_errors)
{
    phs_ruleset *rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, "/nonexistent/phs/rules", NULL),
                 PHS_EIO);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "/nonexistent/phs/rules"), "%s", t_errmsg());

    char *dir = mkdir_tmp();
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_ESPEC,
                 "an empty directory");
    cr_expect_null(rs);

    /* a program without fields.yaml */
    char *p = t_prog("p", "draft", GOOD_BODY);
    write_file(dir, "p.yaml", p, strlen(p));
    write_file(dir, "notes.txt", "ignored", 7);
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "fields.yaml"), "%s", t_errmsg());

    /* with it, the directory loads; other extensions and dot files are
     * ignored */
    write_file(dir, "fields.yaml", T_DICT, strlen(T_DICT));
    write_file(dir, ".hidden.yaml", "garbage: [", 10);
    write_file(dir, "p.yml", "garbage: [", 10);
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_OK, "%s",
                 t_errmsg());
    cr_expect_eq(phs_ruleset_program_count(rs), 1);
    phs_ruleset_free(rs);

    /* an error in one file: the whole directory is refused, with the
     * file's path in the message */
    write_file(dir, "q.yaml", "program: q\nversion: [\n", 22);
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_ESPEC);
    cr_expect_null(rs);
    char *want = t_fmt("%s/q.yaml:", dir);
    cr_expect(strstr(t_errmsg(), want), "%s", t_errmsg());
    free(want);

    /* an over-size file on disk */
    size_t n = (1u << 20) + 100;
    char *big = malloc(n);
    memset(big, '#', n);
    big[n - 1] = '\n';
    write_file(dir, "q.yaml", big, n);
    free(big);
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_ELIMIT);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "q.yaml"), "%s", t_errmsg());

    /* an empty file on disk */
    write_file(dir, "q.yaml", "", 0);
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, dir, NULL), PHS_ESPEC);
    cr_expect_null(rs);
    cr_expect(strstr(t_errmsg(), "q.yaml"), "%s", t_errmsg());

    /* a path that is a file, not a directory */
    char *fp = t_fmt("%s/p.yaml", dir);
    rs = (phs_ruleset *)1;
    cr_expect_eq(phs_ruleset_load_dir(&rs, fp, NULL), PHS_EIO);
    cr_expect_null(rs);
    free(fp);
    free(p);
    rm_dir(dir);
    free(dir);
}
