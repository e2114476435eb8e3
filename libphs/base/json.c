/*
 * The one JSON writer: strings (always valid UTF-8; invalid bytes replaced
 * by U+FFFD and reported) and numbers (the shortest decimal that reads
 * back as the same double, digits generated here, so the same text under
 * every locale).  Every JSON libphs writes, the CLI's JSON (through
 * phs_json_quote and phs_number_format) and the rule-set canonical form
 * use these.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base.h"

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/* Bounded output: writes what fits in cap, counts everything. */
typedef struct sink {
    char *p;
    size_t cap, len;
} sink;

static void sink_putn(sink *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t k = o->cap - o->len < n ? o->cap - o->len : n;
        memcpy(o->p + o->len, s, k);
    }
    o->len += n;
}

/* s[0..n) as a quoted JSON string into o; returns 1 when invalid UTF-8
 * was replaced.  Control characters are escaped, everything else valid is
 * copied as it is. */
static int quote(sink *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0, i = 0; /* run: start of the bytes copied as they are */
    int replaced = 0;
    sink_putn(o, "\"", 1);
    while (i < n) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t bad = 0;
        if (c >= 0x80) {
            size_t k = phs__utf8_seq(u + i, n - i, &bad);
            if (k) {
                i += k;
                continue;
            }
        }
        sink_putn(o, s + run, i - run);
        if (bad) {
            sink_putn(o, "\xEF\xBF\xBD", 3);
            replaced = 1;
            i += bad;
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            switch (c) {
            case '"': sink_putn(o, "\\\"", 2); break;
            case '\\': sink_putn(o, "\\\\", 2); break;
            case '\n': sink_putn(o, "\\n", 2); break;
            case '\r': sink_putn(o, "\\r", 2); break;
            case '\t': sink_putn(o, "\\t", 2); break;
            default: sink_putn(o, esc, 6);
            }
            i++;
        }
        run = i;
    }
    sink_putn(o, s + run, n - run);
    sink_putn(o, "\"", 1);
    return replaced;
}

int phs__json_str(phs__buf *b, const char *s, size_t n)
{
    /* at most 6 output bytes per input byte ("\u001f"), plus the quotes */
    size_t room = n <= SIZE_MAX / 8 ? 6 * n + 2 : SIZE_MAX;
    char *p = phs__buf_reserve(b, room); /* NULL (oom) when too large */
    if (!p)
        return 0;
    sink o = {p, room, 0};
    int replaced = quote(&o, s, n);
    b->len += o.len;
    b->p[b->len] = '\0';
    return replaced;
}

int phs__json_cstr(phs__buf *b, const char *s)
{
    if (s)
        return phs__json_str(b, s, strlen(s));
    phs__buf_puts(b, "null");
    return 0;
}

void phs__json_member(phs__buf *b, const char *head, const char *s)
{
    phs__buf_puts(b, head);
    phs__json_cstr(b, s);
}

void phs__json_date(phs__buf *b, const char *head, phs_date d)
{
    char t[11];
    phs__buf_puts(b, head);
    if (d == PHS_DATE_NONE) {
        phs__buf_puts(b, "null");
        return;
    }
    phs_date_format(d, t);
    phs__buf_putc(b, '"');
    phs__buf_puts(b, t);
    phs__buf_putc(b, '"');
}

size_t phs_json_quote(char *buf, size_t size, const char *s, size_t len,
                      int *replaced)
{
    sink o = {buf, size ? size - 1 : 0, 0};
    int r = quote(&o, s ? s : "", s ? len : 0);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    if (replaced)
        *replaced = r;
    return o.len;
}

/* ------------------------------------------------------------------ */
/* Numbers: shortest round-trip digits (Burger & Dybvig's free-format  */
/* algorithm with exact big-integer arithmetic)                        */
/* ------------------------------------------------------------------ */

/* Unsigned big integers, 32-bit limbs, least significant first.  1,280
 * bits hold every intermediate value for binary64 (at most ~2^1131). */
#define BIG_LIMBS 40
typedef struct big {
    uint32_t d[BIG_LIMBS];
    int n; /* limbs in use; d[n-1] != 0 unless n == 0 */
} big;

static void big_set(big *a, uint64_t v)
{
    a->n = 0;
    while (v) {
        a->d[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_mul(big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        a->d[a->n++] = (uint32_t)carry;
}

static void big_mul_pow10(big *a, int k)
{
    for (; k >= 9; k -= 9)
        big_mul(a, 1000000000u);
    static const uint32_t p10[9] = {1, 10, 100, 1000, 10000, 100000,
                                    1000000, 10000000, 100000000};
    if (k)
        big_mul(a, p10[k]);
}

static void big_shl(big *a, int k)
{
    int w = k / 32, s = k % 32;
    if (a->n == 0)
        return;
    if (s) {
        uint32_t carry = 0;
        for (int i = 0; i < a->n; i++) {
            uint32_t t = a->d[i];
            a->d[i] = t << s | carry;
            carry = t >> (32 - s);
        }
        if (carry)
            a->d[a->n++] = carry;
    }
    if (w) {
        memmove(a->d + w, a->d, (size_t)a->n * sizeof a->d[0]);
        memset(a->d, 0, (size_t)w * sizeof a->d[0]);
        a->n += w;
    }
}

static int big_cmp(const big *a, const big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* Compares a + b with c. */
static int big_cmp_sum(const big *a, const big *b, const big *c)
{
    big s;
    const big *x = a->n >= b->n ? a : b, *y = a->n >= b->n ? b : a;
    uint64_t carry = 0;
    int i;
    for (i = 0; i < x->n; i++) {
        uint64_t t = (uint64_t)x->d[i] + (i < y->n ? y->d[i] : 0) + carry;
        s.d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    s.n = x->n;
    if (carry)
        s.d[s.n++] = (uint32_t)carry;
    return big_cmp(&s, c);
}

static void big_sub(big *a, const big *b) /* a -= b, a >= b */
{
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
        borrow = t < 0;
        a->d[i] = (uint32_t)(t + (borrow << 32));
    }
    while (a->n && a->d[a->n - 1] == 0)
        a->n--;
}

/* The shortest digits of v > 0 (finite) that read back as v; the value
 * is 0.DIGITS x 10^*point.  Returns the number of digits (1..17). */
static int shortest_digits(double v, char digits[18], int *point)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t f = bits & ((1ull << 52) - 1);
    int be = (int)(bits >> 52 & 0x7FF), e;
    if (be) {
        f |= 1ull << 52;
        e = be - 1075;
    } else {
        e = -1074;
    }
    int even = !(f & 1);
    /* v = r / s; the neighbours are (r - m-) / s and (r + m+) / s */
    big r, s, mp, mm;
    int lower_closer = be > 1 && f == 1ull << 52;
    if (e >= 0) {
        big_set(&r, f);
        big_shl(&r, e + 1 + lower_closer);
        big_set(&s, 2u << lower_closer);
        big_set(&mp, 1);
        big_shl(&mp, e + lower_closer);
        big_set(&mm, 1);
        big_shl(&mm, e);
    } else {
        big_set(&r, f << (1 + lower_closer));
        big_set(&s, 1);
        big_shl(&s, 1 - e + lower_closer);
        big_set(&mp, 1u << lower_closer);
        big_set(&mm, 1);
    }
    int k = (int)ceil(log10(v) - 1e-10);
    if (k >= 0) {
        big_mul_pow10(&s, k);
    } else {
        big_mul_pow10(&r, -k);
        big_mul_pow10(&mp, -k);
        big_mul_pow10(&mm, -k);
    }
    /* the estimate may be one low: then the upper neighbour reaches s */
    int c = big_cmp_sum(&r, &mp, &s);
    if (even ? c >= 0 : c > 0)
        k++;
    else {
        big_mul(&r, 10);
        big_mul(&mp, 10);
        big_mul(&mm, 10);
    }
    *point = k;
    int n = 0;
    for (;;) {
        if (n) {
            big_mul(&r, 10);
            big_mul(&mp, 10);
            big_mul(&mm, 10);
        }
        int d = 0;
        while (big_cmp(&r, &s) >= 0) {
            big_sub(&r, &s);
            d++;
        }
        int lo = big_cmp(&r, &mm), hi = big_cmp_sum(&r, &mp, &s);
        int tc1 = even ? lo <= 0 : lo < 0;
        int tc2 = even ? hi >= 0 : hi > 0;
        if (!tc1 && !tc2 && n < 16) {
            digits[n++] = (char)('0' + d);
            continue;
        }
        if (tc1 && tc2) { /* both neighbours in reach: the nearer digit */
            big r2 = r;
            big_shl(&r2, 1);
            int h = big_cmp(&r2, &s);
            if (h > 0 || (h == 0 && d % 2))
                d++;
        } else if (tc2) {
            d++;
        }
        digits[n++] = (char)('0' + d);
        break;
    }
    digits[n] = '\0';
    return n;
}

size_t phs_number_format(double v, char buf[PHS_NUMBER_BUFSIZE])
{
    char dg[18], *o = buf;
    int nd, point;
    if (!isfinite(v)) {
        memcpy(buf, "null", 5);
        return 4;
    }
    if (signbit(v)) {
        *o++ = '-';
        v = -v;
    }
    if (v == 0) {
        *o++ = '0';
        *o = '\0';
        return (size_t)(o - buf);
    }
    if (v < 9007199254740992.0 && v == (double)(uint64_t)v) {
        /* an integer below 2^53: every digit is needed, none more */
        uint64_t u = (uint64_t)v;
        char t[20];
        nd = 0;
        while (u) {
            t[nd++] = (char)('0' + u % 10);
            u /= 10;
        }
        for (int i = 0; i < nd; i++)
            dg[i] = t[nd - 1 - i];
        point = nd;
        while (nd > 1 && dg[nd - 1] == '0')
            nd--;
    } else {
        nd = shortest_digits(v, dg, &point);
    }
    /* ECMAScript Number::toString layout: plain for 1e-6 <= v < 1e21 */
    if (point > 0 && point <= 21) {
        for (int i = 0; i < (nd > point ? nd : point); i++) {
            if (i == point)
                *o++ = '.';
            *o++ = i < nd ? dg[i] : '0';
        }
    } else if (point <= 0 && point > -6) {
        *o++ = '0';
        *o++ = '.';
        for (int i = point; i < 0; i++)
            *o++ = '0';
        memcpy(o, dg, (size_t)nd);
        o += nd;
    } else {
        int x = point - 1;
        *o++ = dg[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dg + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        if (x < 0)
            x = -x;
        if (x >= 100)
            *o++ = (char)('0' + x / 100);
        if (x >= 10)
            *o++ = (char)('0' + x / 10 % 10);
        *o++ = (char)('0' + x % 10);
    }
    *o = '\0';
    return (size_t)(o - buf);
}

void phs__json_num(phs__buf *b, double v)
{
    char t[PHS_NUMBER_BUFSIZE];
    phs__buf_putn(b, t, phs_number_format(v, t));
}
