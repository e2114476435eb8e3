/*
 * The JSON writer (phs_number_format, phs_json_quote) and what goes
 * through it: shortest round-trip numbers checked against an independent
 * oracle (printf's correctly rounded %.*e in the C locale, tried at every
 * precision) on many doubles; the same text under a decimal-comma locale;
 * strings always valid UTF-8; the fingerprint and the verify JSON of a
 * host program running under de_DE.UTF-8 (issue 9, defects 1 and 2).
 */
#include <math.h>
#include <stdint.h>

#include "helpers.h"
#include "phs/analysis.h"

/* ---- the oracle: glibc's correctly rounded digits, C locale ---- */

/* The fewest significant digits p for which "%.{p-1}e" reads back as v;
 * the digits (no point, no trailing zeros) into dg and the decimal
 * exponent (value = 0.DG x 10^point) into *point. */
static int oracle(double v, char dg[32], int *point)
{
    char t[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(t, sizeof t, "%.*e", p - 1, fabs(v));
        if (strtod(t, NULL) != fabs(v))
            continue;
        int n = 0;
        char *e = strchr(t, 'e');
        for (char *c = t; c < e; c++)
            if (*c >= '0' && *c <= '9')
                dg[n++] = *c;
        while (n > 1 && dg[n - 1] == '0')
            n--;
        dg[n] = '\0';
        *point = atoi(e + 1) + 1;
        return p;
    }
    cr_assert_fail("no precision reads back %a", v);
    return 0;
}

/* The digits and point of our output, parsed back by hand. */
static void digits_of(const char *s, char dg[32], int *point)
{
    int n = 0, intdigits = 0, seen_point = 0, lead = 1, exp = 0;
    if (*s == '-')
        s++;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') {
            seen_point = 1;
            continue;
        }
        if (lead && *s == '0') {
            if (seen_point)
                intdigits--;
            continue;
        }
        lead = 0;
        dg[n++] = *s;
        if (!seen_point)
            intdigits++;
    }
    if (*s == 'e')
        exp = atoi(s + 1);
    while (n > 1 && dg[n - 1] == '0')
        n--;
    dg[n] = '\0';
    *point = intdigits + exp;
}

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* Round-trips exactly, is JSON, and is as short as the oracle's (the same
 * digits when the oracle's correctly rounded p digits are the answer). */
static void check_one(double v)
{
    char out[PHS_NUMBER_BUFSIZE + 8];
    memset(out, 'X', sizeof out);
    size_t n = phs_number_format(v, out);
    cr_assert_lt(n, (size_t)PHS_NUMBER_BUFSIZE, "%a too long", v);
    cr_assert_eq(strlen(out), n);
    /* JSON number grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
    const char *c = out;
    if (*c == '-')
        c++;
    cr_assert(*c >= '0' && *c <= '9', "%s", out);
    if (*c == '0')
        cr_assert(c[1] == '\0' || c[1] == '.' || c[1] == 'e', "%s", out);
    cr_assert(!strchr(out, ','), "%s", out);
    double back = strtod(out, NULL);
    cr_assert(memcmp(&back, &v, sizeof v) == 0, "%a -> %s -> %a", v, out,
              back);
    if (v == 0)
        return;
    char mine[32], theirs[32];
    int pm, pt;
    digits_of(out, mine, &pm);
    int p = oracle(v, theirs, &pt);
    cr_assert_leq(strlen(mine), (size_t)p, "%a: %s longer than %d digits", v,
                  out, p);
    if (strlen(mine) == (size_t)p)
        cr_assert(strcmp(mine, theirs) == 0 && pm == pt,
                  "%a: %s, oracle %s x 10^%d", v, out, theirs, pt);
}

/* A number and its shortest round-trip text. */
struct number_case {
    double v;
    const char *s;
};

Test(number, known_outputs)
{
    static const struct number_case cases[] = {
        {0.85, "0.85"},
        {140, "140"},
        {-140.5, "-140.5"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e21, "1e+21"},
        {1e20, "100000000000000000000"},
        {123456789012345680000.0, "123456789012345680000"},
        {1e-6, "0.000001"},
        {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"},
        {5e-324, "5e-324"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {9007199254740992.0, "9007199254740992"},
        {9007199254740994.0, "9007199254740994"},
        {18014398509481984.0, "18014398509481984"},
        {20.5, "20.5"},
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"},
        {100, "100"},
        {1e100, "1e+100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[PHS_NUMBER_BUFSIZE];
        size_t n = phs_number_format(cases[i].v, out);
        cr_expect_str_eq(out, cases[i].s);
        cr_expect_eq(n, strlen(cases[i].s));
    }
    char out[PHS_NUMBER_BUFSIZE];
    cr_expect_eq(phs_number_format(NAN, out), 4);
    cr_expect_str_eq(out, "null");
    phs_number_format(-INFINITY, out);
    cr_expect_str_eq(out, "null");
}

Test(number, shortest_round_trip_on_many_doubles)
{
    uint64_t seed = 20240601;
    size_t tried = 0;
    /* random bit patterns: every exponent, subnormals included */
    for (int i = 0; i < 60000; i++) {
        double v = from_bits(rng(&seed));
        if (!isfinite(v))
            continue;
        check_one(v);
        tried++;
    }
    /* short decimals as specs and records write them */
    for (int i = -20000; i <= 20000; i += 7) {
        check_one(i / 100.0);
        check_one(i / 1000.0);
        check_one(i * 1e-9);
        tried += 3;
    }
    /* powers of two and ten and their neighbours (asymmetric intervals) */
    for (int e = -1074; e <= 1023; e++) {
        double v = ldexp(1.0, e);
        check_one(v);
        check_one(nextafter(v, 0));
        check_one(nextafter(v, INFINITY));
        tried += 3;
    }
    for (int e = -323; e <= 308; e++) {
        char t[16];
        snprintf(t, sizeof t, "1e%d", e);
        double v = strtod(t, NULL);
        check_one(v);
        check_one(nextafter(v, 0));
        check_one(nextafter(v, INFINITY));
        tried += 3;
    }
    /* the largest subnormal, the smallest normal and the extremes */
    check_one(from_bits(0x000FFFFFFFFFFFFFull));
    check_one(from_bits(0x0010000000000000ull));
    check_one(from_bits(0x7FEFFFFFFFFFFFFFull));
    check_one(from_bits(1));
    cr_log_info("%zu doubles formatted and read back", tried);
}

/* The same text under a decimal-comma locale as under "C". */
Test(number, same_text_under_a_decimal_comma_locale)
{
    static const double vals[] = {0.85, 140.5, -0.001, 1.5e-7, 2.05e1,
                                  123456.789, 1e21, 6.1, 1.7976931348623157e308};
    char c_text[sizeof vals / sizeof vals[0]][PHS_NUMBER_BUFSIZE];
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        phs_number_format(vals[i], c_text[i]);
    if (!t_decimal_comma_locale())
        return;
    char probe[16];
    snprintf(probe, sizeof probe, "%.2f", 0.85);
    cr_assert_str_eq(probe, "0,85", "the locale is not in force");
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char t[PHS_NUMBER_BUFSIZE];
        phs_number_format(vals[i], t);
        cr_expect_str_eq(t, c_text[i]);
        cr_expect(!strchr(t, ','), "%s", t);
    }
    t_locale_restore();
}

/* ---- strings ---- */

/* Is s[0..n) well-formed UTF-8 with no raw control character? */
static int valid_json_text(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
                               : c >= 0xE0 && c <= 0xEF ? 3
                               : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (k == 0 || i + k > n || (k == 1 && c < 0x20))
            return 0;
        uint32_t cp = k == 1 ? c : c & (0x7F >> k);
        for (size_t j = 1; j < k; j++) {
            if ((u[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (u[i + j] & 0x3F);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k;
    }
    return 1;
}

static char *quote(const char *s, size_t n, int *replaced)
{
    size_t need = phs_json_quote(NULL, 0, s, n, NULL);
    char *o = malloc(need + 1);
    cr_assert(o);
    cr_assert_eq(phs_json_quote(o, need + 1, s, n, replaced), need);
    cr_assert_eq(strlen(o), need);
    return o;
}

Test(json_quote, escapes_and_keeps_valid_utf8)
{
    int rep = -1;
    char *o = quote("a\"b\\c\nd\x01\t\r", 10, &rep);
    cr_expect_str_eq(o, "\"a\\\"b\\\\c\\nd\\u0001\\t\\r\"");
    cr_expect_eq(rep, 0);
    free(o);
    o = quote("x\0y", 3, &rep); /* an embedded NUL is escaped */
    cr_expect_str_eq(o, "\"x\\u0000y\"");
    free(o);
    const char *zh = "收缩压 ≥ 140 𝄞\x7f";
    o = quote(zh, strlen(zh), &rep);
    cr_expect_eq(rep, 0);
    cr_expect_eq(strlen(o), strlen(zh) + 2);
    cr_expect(memcmp(o + 1, zh, strlen(zh)) == 0);
    free(o);
    o = quote(NULL, 0, &rep);
    cr_expect_str_eq(o, "\"\"");
    free(o);
}

Test(json_quote, invalid_utf8_is_replaced_and_flagged)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\xFF" "b", "\"a\xEF\xBF\xBD" "b\""},                /* never valid */
        {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},          /* overlong '/' */
        {"\xE0\x80\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* surrogate */
        {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xE6\x94", "\"\xEF\xBF\xBD\""},              /* truncated: one U+FFFD */
        {"\xE6\x94x", "\"\xEF\xBF\xBDx\""},
        {"\x80\"", "\"\xEF\xBF\xBD\\\"\""},            /* lone continuation */
        {"ok\xF0\x9D\x84", "\"ok\xEF\xBF\xBD\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rep = 0;
        char *o = quote(cases[i].in, strlen(cases[i].in), &rep);
        cr_expect_str_eq(o, cases[i].out, "case %zu", i);
        cr_expect_eq(rep, 1, "case %zu", i);
        cr_expect(valid_json_text(o, strlen(o)), "case %zu", i);
        free(o);
    }
    /* random bytes always give valid text */
    uint64_t seed = 7;
    for (int k = 0; k < 2000; k++) {
        char in[24];
        for (size_t j = 0; j < sizeof in; j++)
            in[j] = (char)(rng(&seed) & 0xFF);
        char *o = quote(in, sizeof in, NULL);
        cr_assert(valid_json_text(o, strlen(o)));
        free(o);
    }
}

Test(json_quote, cut_like_snprintf)
{
    char small[6];
    size_t n = phs_json_quote(small, sizeof small, "abcdefgh", 8, NULL);
    cr_expect_eq(n, 10);
    cr_expect_str_eq(small, "\"abcd");
    n = phs_json_quote(small, 1, "ab", 2, NULL);
    cr_expect_eq(n, 4);
    cr_expect_str_eq(small, "");
}

/* ---- a host program under de_DE.UTF-8 (issue 9, defects 1 and 2) ---- */

/* Defect 2: a spec writing a number with an exponent made the fingerprint
 * depend on the host's locale (%.17g). */
Test(locale, fingerprint_is_the_same_under_a_decimal_comma_locale)
{
    const char *body = "parameters:\n"
                       "  - {name: cut, type: number, default: 2.05e1, "
                       "label: x, cite: [c1]}\n"
                       "  - {name: tiny, type: number, default: 1.5E-3, "
                       "label: y, cite: [c1]}\n"
                       "eligibility: {when: \"true\", cite: [c1]}\n"
                       "tiers:\n"
                       "  - id: hit\n"
                       "    level: 1\n"
                       "    when: \"weight >= cut + tiny\"\n"
                       "    follow_up: {interval: 1 days}\n"
                       "    cite: [c1]\n";
    phs_ruleset *rs = t_must_load_body(body);
    char fp_c[80];
    snprintf(fp_c, sizeof fp_c, "%s", phs_ruleset_fingerprint(rs));
    phs_ruleset_free(rs);
    if (!t_decimal_comma_locale())
        return;
    rs = t_must_load_body(body);
    cr_expect_str_eq(phs_ruleset_fingerprint(rs), fp_c);
    phs_ruleset_free(rs);
    t_locale_restore();
}

/* Defect 1: verify's JSON printed counterexample values with %g:
 * "weight":60,25 under de_DE. */
Test(locale, verify_json_has_json_numbers_under_a_decimal_comma_locale)
{
    const char *body = "eligibility: {when: \"true\", cite: [c1]}\n"
                       "tiers:\n"
                       "  - id: low\n"
                       "    level: 1\n"
                       "    when: \"weight < 60.25\"\n"
                       "    follow_up: {interval: 1 days}\n"
                       "    cite: [c1]\n"
                       "  - id: high\n"
                       "    level: 2\n"
                       "    when: \"weight >= 60.75\"\n"
                       "    follow_up: {interval: 1 days}\n"
                       "    cite: [c1]\n";
    if (!t_decimal_comma_locale())
        return;
    phs_ruleset *rs = t_must_load_body(body);
    phs_report *r = NULL;
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(phs_date_parse(&o.as_of, "2024-06-01", 10), PHS_OK);
    cr_assert_eq(phs_ruleset_verify(rs, &o, &r), PHS_OK, "%s",
                 phs_error_message(phs_error_last()));
    const char *j = phs_report_json(r);
    const char *w = strstr(j, "\"weight\":");
    cr_assert(w, "no weight in a counterexample: %s", j);
    t_locale_restore(); /* read it back the JSON way */
    char tok[40];
    snprintf(tok, sizeof tok, "%.*s", (int)strcspn(w + 9, ",}"), w + 9);
    char *end = NULL;
    double v = strtod(tok, &end);
    cr_expect(*end == '\0' && v >= 60.25 && v < 60.75,
              "not the gap's JSON number: %.30s", w);
    cr_expect(valid_json_text(j, strlen(j)));
    phs_report_free(r);
    phs_ruleset_free(rs);
}
