/* NDJSON: one JSON object per line, parsed into members (io.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io.h"

/* ------------------------------------------------------------------ */
/* JSON objects (NDJSON lines)                                         */
/* ------------------------------------------------------------------ */

typedef struct rd_json {
    phs_reader *rd;
    const char *s, *p, *e;
    const char *err;      /* message, when failed */
    const char *errp;     /* position of the failure */
    int nomem;
} rd_json;



static int rd_jfail(rd_json *j, const char *p, const char *msg)
{
    if (!j->err) {
        j->err = msg;
        j->errp = p;
        if (msg == phs__rd_nomem_msg)
            j->nomem = 1;
    }
    return -1;
}

static void rd_jws(rd_json *j)
{
    while (j->p < j->e && phs__rd_is_ws((unsigned char)*j->p))
        j->p++;
}

/* After white space, the character c: consumed (1), or not there (0). */
static int rd_jeat(rd_json *j, char c)
{
    rd_jws(j);
    if (j->p < j->e && *j->p == c) {
        j->p++;
        return 1;
    }
    return 0;
}

/* After white space, the character c, consumed: 0; else fail with msg. */
static int rd_jneed(rd_json *j, char c, const char *msg)
{
    return rd_jeat(j, c) ? 0 : rd_jfail(j, j->p, msg);
}

static int rd_hex4(const char *p, const char *e, unsigned *out)
{
    unsigned v = 0;
    int i;
    if (e - p < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int rd_put_utf8(phs_reader *rd, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return phs__rd_put(rd, u, n);
}

/* A string starting at j->p (which is '"'). */
static int rd_jstring(rd_json *j, rd_span *out)
{
    phs_reader *rd = j->rd;
    size_t off = phs__rd_str_begin(rd);
    const char *start = j->p;
    j->p++;
    for (;;) {
        const char *run = j->p;
        while (j->p < j->e && *j->p != '"' && *j->p != '\\' &&
               (unsigned char)*j->p >= 0x20)
            j->p++;
        if (j->p > run && phs__rd_put(rd, run, (size_t)(j->p - run)) < 0)
            return rd_jfail(j, j->p, phs__rd_nomem_msg);
        if (j->p >= j->e)
            return rd_jfail(j, start, "unterminated string");
        if (*j->p == '"') {
            j->p++;
            break;
        }
        if ((unsigned char)*j->p < 0x20)
            return rd_jfail(j, j->p, "control character in string");
        /* escape */
        j->p++;
        if (j->p >= j->e)
            return rd_jfail(j, start, "unterminated string");
        {
            char c = *j->p++, o;
            unsigned cp, lo;
            switch (c) {
            case '"': o = '"'; break;
            case '\\': o = '\\'; break;
            case '/': o = '/'; break;
            case 'b': o = '\b'; break;
            case 'f': o = '\f'; break;
            case 'n': o = '\n'; break;
            case 'r': o = '\r'; break;
            case 't': o = '\t'; break;
            case 'u':
                if (rd_hex4(j->p, j->e, &cp) < 0)
                    return rd_jfail(j, j->p - 2, "bad \\u escape");
                j->p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (j->e - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
                        rd_hex4(j->p + 2, j->e, &lo) < 0 || lo < 0xDC00 ||
                        lo > 0xDFFF)
                        return rd_jfail(j, j->p - 6,
                                        "unpaired UTF-16 surrogate in \\u "
                                        "escape");
                    j->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return rd_jfail(j, j->p - 6,
                                    "unpaired UTF-16 surrogate in \\u escape");
                }
                if (rd_put_utf8(rd, cp) < 0)
                    return rd_jfail(j, j->p, phs__rd_nomem_msg);
                continue;
            default:
                return rd_jfail(j, j->p - 2, "bad escape in string");
            }
            if (phs__rd_put(rd, &o, 1) < 0)
                return rd_jfail(j, j->p, phs__rd_nomem_msg);
        }
    }
    if (phs__rd_str_end(rd, off, out) < 0)
        return rd_jfail(j, j->p, phs__rd_nomem_msg);
    return 0;
}

static int rd_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

/* A number starting at j->p; stores its lexeme. */
static int rd_jnumber(rd_json *j, rd_span *out)
{
    const char *s = j->p, *p = j->p, *e = j->e;
    if (p < e && *p == '-')
        p++;
    if (p >= e || !rd_isdigit((unsigned char)*p))
        return rd_jfail(j, s, "bad number");
    if (*p == '0') {
        p++;
    } else {
        while (p < e && rd_isdigit((unsigned char)*p))
            p++;
    }
    if (p < e && *p == '.') {
        p++;
        if (p >= e || !rd_isdigit((unsigned char)*p))
            return rd_jfail(j, s, "bad number");
        while (p < e && rd_isdigit((unsigned char)*p))
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || !rd_isdigit((unsigned char)*p))
            return rd_jfail(j, s, "bad number");
        while (p < e && rd_isdigit((unsigned char)*p))
            p++;
    }
    if (p < e && (rd_isdigit((unsigned char)*p) || *p == '.' ||
                  ((unsigned char)*p >= 'A' && (unsigned char)*p <= 'z')))
        return rd_jfail(j, s, "bad number");
    j->p = p;
    if (phs__rd_add_string(j->rd, s, (size_t)(p - s), out) < 0)
        return rd_jfail(j, s, phs__rd_nomem_msg);
    return 0;
}

static int rd_jword(rd_json *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->e - j->p) >= n && memcmp(j->p, w, n) == 0) {
        j->p += n;
        return 1;
    }
    return 0;
}

/* A string or a number at j->p, its text into *out: 1, or 0 when there is
 * neither, or -1 (failed). */
static int rd_jscalar(rd_json *j, rd_span *out)
{
    if (j->p < j->e && *j->p == '"')
        return rd_jstring(j, out) < 0 ? -1 : 1;
    if (j->p < j->e && (*j->p == '-' || rd_isdigit((unsigned char)*j->p)))
        return rd_jnumber(j, out) < 0 ? -1 : 1;
    return 0;
}

/* A member value at j->p. */
static int rd_jvalue(rd_json *j, rd_member *m)
{
    phs_reader *rd = j->rd;
    int r = rd_jscalar(j, &m->val);
    if (r) {
        m->kind = VK_TEXT; /* a number as its lexeme */
        return r < 0 ? -1 : 0;
    }
    int b = rd_jword(j, "true");
    if (b || rd_jword(j, "false")) {
        m->kind = VK_BOOL;
        m->b = b;
        return 0;
    }
    if (rd_jword(j, "null")) {
        m->kind = VK_NULL;
        return 0;
    }
    if (j->p < j->e && *j->p == '{')
        return rd_jfail(j, j->p, "nested objects are not allowed");
    if (!rd_jeat(j, '['))
        return rd_jfail(j, j->p, "expected a value");
    m->kind = VK_LIST;
    m->item0 = rd->nitems;
    if (rd_jeat(j, ']'))
        return 0;
    for (;;) {
        rd_span it;
        rd_jws(j);
        r = rd_jscalar(j, &it);
        if (r < 0)
            return -1;
        if (r == 0)
            return rd_jfail(j, j->p,
                            j->p >= j->e
                                ? "unterminated list"
                                : "a list may only hold strings and numbers");
        if (phs__rd_new_item(rd, it) < 0)
            return rd_jfail(j, j->p, phs__rd_nomem_msg);
        m->nitems++;
        if (rd_jeat(j, ','))
            continue;
        if (rd_jeat(j, ']'))
            return 0;
        return rd_jfail(j, j->p, "expected ',' or ']' in list");
    }
}

/* Parse one JSON object from s[0, n) into rd->mem.  Returns 0, or the
 * record error (already set). */
static int rd_json_object(phs_reader *rd, const char *s, size_t n,
                          size_t line)
{
    rd_json j;
    rd_span key = {0, 0};
    int has_key = 0;
    const char *field;
    size_t col;

    memset(&j, 0, sizeof j);
    j.rd = rd;
    j.s = j.p = s;
    j.e = s + n;

    if (rd_jneed(&j, '{', "expected a JSON object ('{')") < 0)
        goto fail;
    if (!rd_jeat(&j, '}')) {
        for (;;) {
            rd_member *m;
            rd_jws(&j);
            if (j.p >= j.e || *j.p != '"') {
                rd_jfail(&j, j.p, "expected a field name in quotes");
                goto fail;
            }
            m = phs__rd_new_member(rd);
            if (!m) {
                rd_jfail(&j, j.p, phs__rd_nomem_msg);
                goto fail;
            }
            m->line = line;
            m->col = phs__rd_col(s, j.p);
            if (rd_jstring(&j, &m->key) < 0)
                goto fail;
            key = m->key;
            has_key = 1;
            if (rd_jneed(&j, ':', "expected ':'") < 0)
                goto fail;
            rd_jws(&j);
            if (rd_jvalue(&j, m) < 0)
                goto fail;
            has_key = 0;
            if (rd_jeat(&j, ','))
                continue;
            if (rd_jeat(&j, '}'))
                break;
            rd_jfail(&j, j.p, "expected ',' or '}'");
            goto fail;
        }
    }
    rd_jws(&j);
    if (j.p < j.e) {
        rd_jfail(&j, j.p, "unexpected text after the JSON object");
        goto fail;
    }
    return 0;

fail:
    if (j.nomem)
        return phs__rd_nomem();
    /* Try to name the record even though it is broken. */
    phs__rd_note_id(rd);
    col = phs__rd_col(s, j.errp);
    field = has_key ? phs__rd_txt(rd, key) : NULL;
    return phs__rd_err(rd, PHS_ERECORD, field, line, col, "%s%s%.64s%s", j.err,
                  field ? " (field '" : "", field ? field : "",
                  field ? "')" : "");
}

int phs__rd_next_ndjson(phs_reader *rd, phs_record *rec)
{
    const char *s;
    size_t n, line;
    int r = phs__rd_next_text(rd, 0, &s, &n, &line);
    if (r < 0)
        return r;
    r = rd_json_object(rd, s, n, line);
    if (r < 0)
        return r;
    phs__rd_note_id(rd);
    return phs__rd_apply(rd, rec);
}
