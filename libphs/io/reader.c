/*
 * Streaming readers of resident records (phs_reader_*).
 *
 * Formats: NDJSON (one JSON object per line), ARRAY (a JSON or YAML
 * top-level sequence of mappings, streamed through libyaml's event API, one
 * record in memory at a time), CSV (RFC 4180 with a header row of field
 * names) and AUTO (guessed from the first non-blank byte).
 *
 * The reader uses only the public API to fill records, plus the private
 * allocation and error helpers.  Input is read in chunks: NDJSON and CSV
 * keep at most one record (bounded by RD_MAX_RECORD) plus one chunk in
 * memory.
 *
 * Errors.  A record that cannot be read returns PHS_ERECORD (or PHS_ELIMIT
 * for an over-long record) with the error naming the field and position;
 * the reader has then moved past that record.  Input that cannot be read
 * further (a YAML syntax error, a broken CSV header, an I/O error) returns
 * PHS_ESPEC / PHS_EIO once; later calls return PHS_EOF.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "../run/run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#define RD_CHUNK ((size_t)64 * 1024)
#define RD_MAX_RECORD ((size_t)1024 * 1024)
#define RD_MAX_DEPTH 64
#define RD_MSG 512

/* Value kinds of a parsed member. */
enum {
    VK_NULL = 0, /* absent */
    VK_STR,      /* a string: set_text */
    VK_NUM,      /* a JSON number lexeme: set_number for number fields */
    VK_BOOL,     /* a JSON boolean: set_bool for bool fields */
    VK_PLAIN,    /* a YAML plain scalar: set_text */
    VK_LIST      /* a list of scalars: codes */
};

typedef struct rd_span {
    size_t off, len; /* into phs_reader.text, NUL-terminated there */
} rd_span;

typedef struct rd_member {
    rd_span key;
    int kind;
    int b;           /* VK_BOOL value */
    rd_span val;     /* VK_STR, VK_NUM, VK_PLAIN */
    size_t item0;    /* VK_LIST: first item in phs_reader.items */
    size_t nitems;   /* VK_LIST: item count */
    size_t line, col; /* where the member starts, for errors */
} rd_member;

typedef struct rd_column {
    char *name;  /* header text (trimmed) */
    int field;   /* field id, or -1 for an unknown column */
    int type;    /* field type when known */
} rd_column;

typedef struct rd_cell {
    rd_span s;
    size_t col; /* 1-based column of the cell */
} rd_cell;

struct phs_reader {
    const phs_ruleset *rs;
    int fmt;          /* requested format, then the resolved one */
    int detected;     /* the format has been resolved */
    int finished;     /* EOF reached or a fatal error reported */
    char *name;       /* source name for messages */

    /* Byte source: buf[pos, len) is unread; base is the source offset of
     * buf[0].  Buffer mode: the whole input in buf, fp NULL, eof set. */
    FILE *fp;
    int own_fp;
    int eof;
    int ioerr;
    char *buf;
    size_t pos, len, cap;
    size_t base;
    size_t total;
    size_t line;      /* physical lines consumed so far */

    size_t recno;     /* records returned or failed */
    char *id;         /* id of the last record, "" when not read */
    size_t id_cap;

    /* Per-record scratch, reused. */
    char *text;
    size_t tlen, tcap;
    rd_member *mem;
    size_t nmem, mem_cap;
    rd_span *items;
    size_t nitems, items_cap;

    /* Field dictionary (cached). */
    int *ftype;
    size_t nfields;
    int id_field;

    /* CSV */
    int header_done;
    rd_column *cols;
    size_t ncols;
    rd_cell *cells;
    size_t ncells, cells_cap;

    /* ARRAY (libyaml) */
    yaml_parser_t yp;
    int yp_init;
    int ystate;       /* 0 not started, 1 inside the top-level sequence */
    size_t yline0;    /* lines consumed before libyaml started */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int rd_is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *rd_type_name(int type)
{
    switch (type) {
    case PHS_TYPE_NUMBER: return "number";
    case PHS_TYPE_BOOL: return "bool";
    case PHS_TYPE_STRING: return "string";
    case PHS_TYPE_DATE: return "date";
    case PHS_TYPE_ENUM: return "enum";
    case PHS_TYPE_CODES: return "codes";
    default: return "unknown";
    }
}

static int rd_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *np;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2 / elem)
            return -1;
        ncap *= 2;
    }
    np = phs__realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int rd_nomem(void)
{
    return phs__error_set(PHS_ENOMEM, "out of memory");
}

/* An error about the input at line:col (either may be 0 when unknown),
 * naming the field when there is one.  The message reads
 * "source:line:col: ..."; phs_error_line/column/field give the parts. */
static int rd_err(const phs_reader *rd, int code, const char *field,
                  size_t line, size_t col, const char *fmt, ...)
    PHS_PRINTF(6, 7);
static int rd_err(const phs_reader *rd, int code, const char *field,
                  size_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    int l = line > 0x7fffffff ? 0x7fffffff : (int)line;
    int c = col > 0x7fffffff ? 0x7fffffff : (int)col;
    if (l > 0 && c < 1)
        c = 1;
    va_start(ap, fmt);
    phs__error_vset(code, rd->name, l, c, field, fmt, ap);
    va_end(ap);
    return code;
}

/* 1-based column, in characters (UTF-8), of p in a line starting at s. */
static size_t rd_col(const char *s, const char *p)
{
    size_t c = 1;
    for (; s < p; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            c++;
    return c;
}

/* Append bytes to the scratch text. */
static int rd_put(phs_reader *rd, const char *s, size_t n)
{
    if (rd_grow((void **)&rd->text, &rd->tcap, rd->tlen + n + 1, 1) < 0)
        return -1;
    if (n)
        memcpy(rd->text + rd->tlen, s, n);
    rd->tlen += n;
    rd->text[rd->tlen] = '\0';
    return 0;
}

/* Start a NUL-terminated string in the scratch text. */
static size_t rd_str_begin(phs_reader *rd)
{
    return rd->tlen;
}

/* Finish a string begun at off: NUL-terminate, return its span. */
static int rd_str_end(phs_reader *rd, size_t off, rd_span *out)
{
    if (rd_grow((void **)&rd->text, &rd->tcap, rd->tlen + 1, 1) < 0)
        return -1;
    out->off = off;
    out->len = rd->tlen - off;
    rd->text[rd->tlen++] = '\0'; /* keep the NUL inside the scratch */
    return 0;
}

static int rd_add_string(phs_reader *rd, const char *s, size_t n, rd_span *out)
{
    size_t off = rd_str_begin(rd);
    if (rd_put(rd, s, n) < 0)
        return -1;
    return rd_str_end(rd, off, out);
}

static const char *rd_txt(const phs_reader *rd, rd_span s)
{
    return rd->text + s.off;
}

static rd_member *rd_new_member(phs_reader *rd)
{
    rd_member *m;
    if (rd_grow((void **)&rd->mem, &rd->mem_cap, rd->nmem + 1,
                sizeof *rd->mem) < 0)
        return NULL;
    m = &rd->mem[rd->nmem++];
    memset(m, 0, sizeof *m);
    return m;
}

static int rd_new_item(phs_reader *rd, rd_span s)
{
    if (rd_grow((void **)&rd->items, &rd->items_cap, rd->nitems + 1,
                sizeof *rd->items) < 0)
        return -1;
    rd->items[rd->nitems++] = s;
    return 0;
}

static void rd_scratch_reset(phs_reader *rd)
{
    rd->tlen = 0;
    rd->nmem = 0;
    rd->nitems = 0;
    rd->ncells = 0;
}

static int rd_set_id(phs_reader *rd, const char *s, size_t n)
{
    if (n > 256)
        n = 256;
    if (rd_grow((void **)&rd->id, &rd->id_cap, n + 1, 1) < 0)
        return -1;
    memcpy(rd->id, s, n);
    rd->id[n] = '\0';
    if (strlen(rd->id) != n)
        rd->id[0] = '\0';
    return 0;
}

/* Copy the current error message (it is borrowed and may be overwritten by
 * the next error call). */
static void rd_last_message(char *buf, size_t size)
{
    const char *m = phs_error_message(phs_error_last());
    snprintf(buf, size, "%s", m ? m : "");
}

/* ------------------------------------------------------------------ */
/* Byte source                                                         */
/* ------------------------------------------------------------------ */

/* Read one more chunk.  Returns 1 when bytes were added, 0 at the end of
 * input, or a negative status (error set).  Compacts the buffer: offsets
 * relative to rd->pos stay valid, absolute pointers into buf do not. */
static int rd_fill(phs_reader *rd)
{
    size_t n;
    if (rd->eof)
        return 0;
    if (!rd->fp) {
        rd->eof = 1;
        return 0;
    }
    if (rd->pos > 0) {
        size_t keep = rd->len - rd->pos;
        if (keep)
            memmove(rd->buf, rd->buf + rd->pos, keep);
        rd->base += rd->pos;
        rd->len = keep;
        rd->pos = 0;
    }
    if (rd_grow((void **)&rd->buf, &rd->cap, rd->len + RD_CHUNK, 1) < 0)
        return rd_nomem();
    n = fread(rd->buf + rd->len, 1, RD_CHUNK, rd->fp);
    if (n == 0) {
        if (ferror(rd->fp)) {
            rd->ioerr = 1;
            rd->eof = 1;
            return rd_err(rd, PHS_EIO, NULL, 0, 0, "read error: %s",
                          strerror(errno));
        }
        rd->eof = 1;
        return 0;
    }
    rd->len += n;
    return 1;
}

/* Consume k bytes, counting newlines. */
static void rd_advance(phs_reader *rd, size_t k)
{
    const char *p = rd->buf + rd->pos, *e = p + k;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        rd->line++;
        p++;
    }
    rd->pos += k;
}

/* Skip past the first newline in the next `scanned` bytes, or, when there
 * is none, past everything up to and including the next newline of the
 * input.  Returns 0 or a negative status. */
static int rd_skip_line(phs_reader *rd, size_t scanned)
{
    const char *b = rd->buf + rd->pos;
    const char *nl = memchr(b, '\n', scanned);
    if (nl) {
        rd_advance(rd, (size_t)(nl - b) + 1);
        return 0;
    }
    for (;;) {
        size_t avail = rd->len - rd->pos;
        int r;
        b = rd->buf + rd->pos;
        nl = memchr(b, '\n', avail);
        if (nl) {
            rd_advance(rd, (size_t)(nl - b) + 1);
            return 0;
        }
        rd_advance(rd, avail);
        r = rd_fill(rd);
        if (r <= 0)
            return r;
    }
}

/* Get the next physical record: a line, or for CSV a line extended over
 * quoted newlines.  On 1, *out and *n are the record without its '\n' (valid
 * until the next fill) and the reader has moved past it; *bad is 1 for an
 * unterminated quote, 2 for a record over RD_MAX_RECORD (the reader has
 * then moved past the first line of the record).  Returns 0 at the end of
 * input, or a negative status. */
static int rd_record(phs_reader *rd, int csv, const char **out, size_t *n,
                     int *bad)
{
    size_t i = 0;
    int inq = 0, fstart = 1, r;

    *bad = 0;
    for (;;) {
        size_t avail = rd->len - rd->pos;
        const char *b = rd->buf + rd->pos;
        if (!csv) {
            const char *nl = memchr(b + i, '\n', avail - i);
            if (nl)
                i = (size_t)(nl - b);
            else
                i = avail;
        }
        while (i < avail) {
            char c = b[i];
            if (inq) {
                if (c == '"') {
                    if (i + 1 == avail && !rd->eof)
                        break; /* need one byte of lookahead */
                    if (i + 1 < avail && b[i + 1] == '"') {
                        i += 2;
                        continue;
                    }
                    inq = 0;
                }
                i++;
                continue;
            }
            if (c == '\n') {
                *out = b;
                *n = i;
                if (i > RD_MAX_RECORD)
                    *bad = 2;
                rd_advance(rd, i + 1);
                return 1;
            }
            if (c == '"' && fstart) {
                inq = 1;
                fstart = 0;
            } else {
                fstart = (c == ',');
            }
            i++;
        }
        if (i > RD_MAX_RECORD) {
            *bad = 2;
            r = rd_skip_line(rd, i);
            return r < 0 ? r : 1;
        }
        r = rd_fill(rd);
        if (r < 0)
            return r;
        if (r == 0) {
            avail = rd->len - rd->pos;
            if (i < avail)
                continue; /* lookahead at the end of input */
            if (avail == 0)
                return 0;
            if (inq) {
                *bad = 1;
                r = rd_skip_line(rd, avail);
                return r < 0 ? r : 1;
            }
            *out = rd->buf + rd->pos;
            *n = avail;
            rd_advance(rd, avail);
            return 1;
        }
    }
}

static int rd_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!rd_is_ws((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Skip a UTF-8 byte order mark at the very start of the input. */
static int rd_skip_bom(phs_reader *rd)
{
    while (rd->len - rd->pos < 3 && !rd->eof) {
        int r = rd_fill(rd);
        if (r < 0)
            return r;
    }
    if (rd->base + rd->pos == 0 && rd->len - rd->pos >= 3 &&
        memcmp(rd->buf + rd->pos, "\xEF\xBB\xBF", 3) == 0)
        rd->pos += 3;
    return 0;
}

/* Resolve PHS_FORMAT_AUTO from the first non-blank byte.  Returns 0, or
 * PHS_EOF when the input is blank, or a negative status. */
static int rd_detect(phs_reader *rd)
{
    size_t i = 0;
    if (rd->base + rd->pos == 0 && rd->len - rd->pos >= 3 &&
        memcmp(rd->buf + rd->pos, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        int r;
        while (rd->pos + i < rd->len) {
            unsigned char c = (unsigned char)rd->buf[rd->pos + i];
            if (rd_is_ws(c)) {
                i++;
                continue;
            }
            if (c == '{')
                rd->fmt = PHS_FORMAT_NDJSON;
            else if (c == '[' || c == '-')
                rd->fmt = PHS_FORMAT_ARRAY;
            else
                rd->fmt = PHS_FORMAT_CSV;
            return 0;
        }
        if (i > RD_MAX_RECORD) {
            /* A long blank prefix: consume it rather than buffer it. */
            size_t skip = i;
            if (rd->base + rd->pos == 0 && rd->len - rd->pos >= 3 &&
                memcmp(rd->buf + rd->pos, "\xEF\xBB\xBF", 3) == 0)
                rd->pos += 3, skip -= 3;
            rd_advance(rd, skip);
            i = 0;
        }
        r = rd_fill(rd);
        if (r < 0)
            return r;
        if (r == 0)
            return PHS_EOF;
    }
}

/* ------------------------------------------------------------------ */
/* Applying parsed members to a record                                 */
/* ------------------------------------------------------------------ */

/* Rewrap a setter's error with the position and the field name. */
static int rd_setter_error(const phs_reader *rd, int rc, const char *field,
                           size_t line, size_t col)
{
    char msg[RD_MSG];
    if (rc == PHS_ENOMEM)
        return rc;
    rd_last_message(msg, sizeof msg);
    return rd_err(rd, PHS_ERECORD, field, line, col, "%s", msg);
}

static int rd_field_of(const phs_reader *rd, const char *key, size_t klen)
{
    int f;
    if (strlen(key) != klen)
        return -1;
    f = phs_ruleset_field_id(rd->rs, key);
    return f >= 0 && (size_t)f < rd->nfields ? f : -1;
}

/* Set a codes field from one text cell, split on ';' and ','. */
static int rd_set_codes_text(phs_record *rec, int f, const char *s, size_t n)
{
    size_t i = 0;
    int rc = phs_record_set_text(rec, f, "", 0);
    if (rc < 0)
        return rc;
    while (i < n) {
        size_t j = i, a, b;
        while (j < n && s[j] != ';' && s[j] != ',')
            j++;
        a = i;
        b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            rc = phs_record_add_code(rec, f, s + a, b - a);
            if (rc < 0)
                return rc;
        }
        i = j + 1;
    }
    return 0;
}

static int rd_apply_member(phs_reader *rd, phs_record *rec,
                           const rd_member *m)
{
    const char *key = rd_txt(rd, m->key);
    const char *val = rd_txt(rd, m->val);
    int f = rd_field_of(rd, key, m->key.len);
    int type, rc = 0;
    size_t i;

    if (f < 0)
        return rd_err(rd, PHS_ERECORD, key, m->line, m->col,
                      "unknown field '%.64s'", key);
    type = rd->ftype[f];
    switch (m->kind) {
    case VK_NULL:
        rc = phs_record_unset(rec, f);
        break;
    case VK_STR:
    case VK_PLAIN:
        if (type == PHS_TYPE_CODES && m->val.len > 0)
            rc = rd_set_codes_text(rec, f, val, m->val.len);
        else
            rc = phs_record_set_text(rec, f, val, m->val.len);
        break;
    case VK_NUM:
        if (type == PHS_TYPE_NUMBER)
            rc = phs_record_set_text(rec, f, val, m->val.len);
        else if (type == PHS_TYPE_CODES)
            rc = rd_set_codes_text(rec, f, val, m->val.len);
        else
            rc = phs_record_set_text(rec, f, val, m->val.len);
        break;
    case VK_BOOL:
        if (type == PHS_TYPE_BOOL)
            rc = phs_record_set_bool(rec, f, m->b);
        else
            rc = phs_record_set_text(rec, f, m->b ? "true" : "false",
                                     m->b ? 4 : 5);
        break;
    case VK_LIST:
        if (type != PHS_TYPE_CODES)
            return rd_err(rd, PHS_ERECORD, key, m->line, m->col,
                          "field '%s' is a %s and cannot take a list", key,
                          rd_type_name(type));
        rc = phs_record_set_text(rec, f, "", 0);
        for (i = 0; rc >= 0 && i < m->nitems; i++) {
            rd_span it = rd->items[m->item0 + i];
            rc = phs_record_add_code(rec, f, rd_txt(rd, it), it.len);
        }
        break;
    default:
        break;
    }
    if (rc < 0)
        return rd_setter_error(rd, rc, key, m->line, m->col);
    return PHS_OK;
}

static int rd_is_id_key(const phs_reader *rd, const rd_member *m)
{
    return m->key.len == 2 && memcmp(rd_txt(rd, m->key), "id", 2) == 0;
}

/* Remember the record's id from its "id" member (last one wins). */
static int rd_note_id(phs_reader *rd)
{
    size_t i;
    for (i = rd->nmem; i-- > 0;) {
        const rd_member *m = &rd->mem[i];
        if (!rd_is_id_key(rd, m))
            continue;
        if (m->kind == VK_STR || m->kind == VK_NUM || m->kind == VK_PLAIN)
            return rd_set_id(rd, rd_txt(rd, m->val), m->val.len);
        return 0;
    }
    return 0;
}

/* Apply every parsed member, "id" first so that errors can name it. */
static int rd_apply(phs_reader *rd, phs_record *rec)
{
    int pass;
    size_t i;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < rd->nmem; i++) {
            const rd_member *m = &rd->mem[i];
            int rc;
            if ((pass == 0) != (rd_is_id_key(rd, m) != 0))
                continue;
            rc = rd_apply_member(rd, rec, m);
            if (rc < 0)
                return rc;
        }
    }
    return PHS_OK;
}

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

static const char RD_JNOMEM[] = "out of memory";

static int rd_jfail(rd_json *j, const char *p, const char *msg)
{
    if (!j->err) {
        j->err = msg;
        j->errp = p;
        if (msg == RD_JNOMEM)
            j->nomem = 1;
    }
    return -1;
}

static void rd_jws(rd_json *j)
{
    while (j->p < j->e && rd_is_ws((unsigned char)*j->p))
        j->p++;
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
    return rd_put(rd, u, n);
}

/* A string starting at j->p (which is '"'). */
static int rd_jstring(rd_json *j, rd_span *out)
{
    phs_reader *rd = j->rd;
    size_t off = rd_str_begin(rd);
    const char *start = j->p;
    j->p++;
    for (;;) {
        const char *run = j->p;
        while (j->p < j->e && *j->p != '"' && *j->p != '\\' &&
               (unsigned char)*j->p >= 0x20)
            j->p++;
        if (j->p > run && rd_put(rd, run, (size_t)(j->p - run)) < 0)
            return rd_jfail(j, j->p, RD_JNOMEM);
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
                    return rd_jfail(j, j->p, RD_JNOMEM);
                continue;
            default:
                return rd_jfail(j, j->p - 2, "bad escape in string");
            }
            if (rd_put(rd, &o, 1) < 0)
                return rd_jfail(j, j->p, RD_JNOMEM);
        }
    }
    if (rd_str_end(rd, off, out) < 0)
        return rd_jfail(j, j->p, RD_JNOMEM);
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
    if (rd_add_string(j->rd, s, (size_t)(p - s), out) < 0)
        return rd_jfail(j, s, RD_JNOMEM);
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

/* A member value at j->p. */
static int rd_jvalue(rd_json *j, rd_member *m)
{
    phs_reader *rd = j->rd;
    char c;
    if (j->p >= j->e)
        return rd_jfail(j, j->p, "expected a value");
    c = *j->p;
    if (c == '"') {
        if (rd_jstring(j, &m->val) < 0)
            return -1;
        m->kind = VK_STR;
        return 0;
    }
    if (c == '-' || rd_isdigit((unsigned char)c)) {
        if (rd_jnumber(j, &m->val) < 0)
            return -1;
        m->kind = VK_NUM;
        return 0;
    }
    if (rd_jword(j, "true")) {
        m->kind = VK_BOOL;
        m->b = 1;
        return 0;
    }
    if (rd_jword(j, "false")) {
        m->kind = VK_BOOL;
        m->b = 0;
        return 0;
    }
    if (rd_jword(j, "null")) {
        m->kind = VK_NULL;
        return 0;
    }
    if (c == '{')
        return rd_jfail(j, j->p, "nested objects are not allowed");
    if (c == '[') {
        m->item0 = rd->nitems;
        j->p++;
        rd_jws(j);
        if (j->p < j->e && *j->p == ']') {
            j->p++;
            m->kind = VK_LIST;
            return 0;
        }
        for (;;) {
            rd_span it;
            rd_jws(j);
            if (j->p >= j->e)
                return rd_jfail(j, j->p, "unterminated list");
            c = *j->p;
            if (c == '"') {
                if (rd_jstring(j, &it) < 0)
                    return -1;
            } else if (c == '-' || rd_isdigit((unsigned char)c)) {
                if (rd_jnumber(j, &it) < 0)
                    return -1;
            } else {
                return rd_jfail(j, j->p,
                                "a list may only hold strings and numbers");
            }
            if (rd_new_item(rd, it) < 0)
                return rd_jfail(j, j->p, RD_JNOMEM);
            m->nitems++;
            rd_jws(j);
            if (j->p < j->e && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->e && *j->p == ']') {
                j->p++;
                m->kind = VK_LIST;
                return 0;
            }
            return rd_jfail(j, j->p, "expected ',' or ']' in list");
        }
    }
    return rd_jfail(j, j->p, "expected a value");
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

    rd_jws(&j);
    if (j.p >= j.e || *j.p != '{') {
        rd_jfail(&j, j.p, "expected a JSON object ('{')");
        goto fail;
    }
    j.p++;
    rd_jws(&j);
    if (j.p < j.e && *j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            rd_member *m;
            rd_jws(&j);
            if (j.p >= j.e || *j.p != '"') {
                rd_jfail(&j, j.p, "expected a field name in quotes");
                goto fail;
            }
            m = rd_new_member(rd);
            if (!m) {
                rd_jfail(&j, j.p, RD_JNOMEM);
                goto fail;
            }
            m->line = line;
            m->col = rd_col(s, j.p);
            if (rd_jstring(&j, &m->key) < 0)
                goto fail;
            key = m->key;
            has_key = 1;
            rd_jws(&j);
            if (j.p >= j.e || *j.p != ':') {
                rd_jfail(&j, j.p, "expected ':'");
                goto fail;
            }
            j.p++;
            rd_jws(&j);
            if (rd_jvalue(&j, m) < 0)
                goto fail;
            has_key = 0;
            rd_jws(&j);
            if (j.p < j.e && *j.p == ',') {
                j.p++;
                continue;
            }
            if (j.p < j.e && *j.p == '}') {
                j.p++;
                break;
            }
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
        return rd_nomem();
    /* Try to name the record even though it is broken. */
    rd_note_id(rd);
    col = rd_col(s, j.errp);
    field = has_key ? rd_txt(rd, key) : NULL;
    return rd_err(rd, PHS_ERECORD, field, line, col, "%s%s%.64s%s", j.err,
                  field ? " (field '" : "", field ? field : "",
                  field ? "')" : "");
}

static int rd_next_ndjson(phs_reader *rd, phs_record *rec)
{
    for (;;) {
        const char *s;
        size_t n, line = rd->line + 1; /* the line the record starts on */
        int bad, r = rd_record(rd, 0, &s, &n, &bad);
        if (r < 0)
            return r;
        if (r == 0)
            return PHS_EOF;
        if (bad) {
            rd->recno++;
            return rd_err(rd, PHS_ELIMIT, NULL, line, 1,
                          "record longer than %zu bytes", RD_MAX_RECORD);
        }
        if (rd_blank(s, n))
            continue;
        rd->recno++;
        rd_scratch_reset(rd);
        r = rd_json_object(rd, s, n, line);
        if (r < 0)
            return r;
        if (rd_note_id(rd) < 0)
            return rd_nomem();
        return rd_apply(rd, rec);
    }
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/* Split a CSV record into rd->cells.  Returns NULL or a message; *errcell
 * is the cell the problem is in. */
static const char *rd_csv_split(phs_reader *rd, const char *s, size_t n,
                                size_t *errcell, size_t *errcol)
{
    size_t i = 0;
    rd->ncells = 0;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    for (;;) {
        size_t off = rd_str_begin(rd), start = i;
        rd_cell *c;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                size_t j = i;
                while (j < n && s[j] != '"')
                    j++;
                if (rd_put(rd, s + i, j - i) < 0)
                    return RD_JNOMEM;
                if (j >= n) {
                    *errcell = rd->ncells;
                    *errcol = rd_col(s, s + start);
                    return "unterminated quoted field";
                }
                if (j + 1 < n && s[j + 1] == '"') {
                    if (rd_put(rd, "\"", 1) < 0)
                        return RD_JNOMEM;
                    i = j + 2;
                    continue;
                }
                i = j + 1;
                break;
            }
            if (i < n && s[i] != ',') {
                *errcell = rd->ncells;
                *errcol = rd_col(s, s + i);
                return "unexpected character after a closing quote";
            }
        } else {
            size_t j = i;
            while (j < n && s[j] != ',')
                j++;
            if (rd_put(rd, s + i, j - i) < 0)
                return RD_JNOMEM;
            i = j;
        }
        if (rd_grow((void **)&rd->cells, &rd->cells_cap, rd->ncells + 1,
                    sizeof *rd->cells) < 0)
            return RD_JNOMEM;
        c = &rd->cells[rd->ncells++];
        c->col = rd_col(s, s + start);
        if (rd_str_end(rd, off, &c->s) < 0)
            return RD_JNOMEM;
        if (i >= n)
            break;
        i++; /* the comma */
    }
    return NULL;
}

static void rd_trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void rd_free_columns(phs_reader *rd)
{
    size_t i;
    for (i = 0; i < rd->ncols; i++)
        phs__free(rd->cols[i].name);
    phs__free(rd->cols);
    rd->cols = NULL;
    rd->ncols = 0;
}

static int rd_csv_header(phs_reader *rd, const char *s, size_t n,
                         size_t line)
{
    size_t errcell = 0, errcol = 1, i, k;
    const char *msg;

    rd_free_columns(rd);
    rd_scratch_reset(rd);
    msg = rd_csv_split(rd, s, n, &errcell, &errcol);
    if (msg == RD_JNOMEM)
        return rd_nomem();
    if (msg)
        return rd_err(rd, PHS_ESPEC, NULL, line, errcol, "CSV header: %s",
                      msg);
    rd->cols = phs__malloc(rd->ncells * sizeof *rd->cols);
    if (!rd->cols)
        return rd_nomem();
    for (i = 0; i < rd->ncells; i++) {
        const char *name = rd_txt(rd, rd->cells[i].s);
        size_t len = rd->cells[i].s.len;
        rd_column *c = &rd->cols[i];
        rd_trim(&name, &len);
        c->name = phs__strndup(name, len);
        if (!c->name) {
            rd->ncols = i;
            return rd_nomem();
        }
        rd->ncols = i + 1;
        c->field = rd_field_of(rd, c->name, len);
        c->type = c->field >= 0 ? rd->ftype[c->field] : -1;
        for (k = 0; k < i; k++)
            if (c->field >= 0 && rd->cols[k].field == c->field)
                return rd_err(rd, PHS_ESPEC, c->name, line, rd->cells[i].col,
                              "CSV header: duplicate column '%.64s'",
                              c->name);
    }
    rd->header_done = 1;
    return 0;
}

static int rd_csv_apply(phs_reader *rd, phs_record *rec, size_t line)
{
    int pass;
    size_t i;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < rd->ncols; i++) {
            const rd_column *c = &rd->cols[i];
            const char *v = rd_txt(rd, rd->cells[i].s);
            size_t n = rd->cells[i].s.len;
            int is_id = c->field >= 0 && c->field == rd->id_field;
            int rc;
            if ((pass == 0) != is_id)
                continue;
            if (c->type != PHS_TYPE_STRING)
                rd_trim(&v, &n);
            if (n == 0)
                continue; /* empty cell: absent */
            if (c->field < 0) {
                if (c->name[0] == '\0')
                    return rd_err(rd, PHS_ERECORD, NULL, line,
                                  rd->cells[i].col,
                                  "a value in column %zu, which has no name "
                                  "in the header",
                                  i + 1);
                return rd_err(rd, PHS_ERECORD, c->name, line,
                              rd->cells[i].col, "unknown field '%.64s'",
                              c->name);
            }
            if (c->type == PHS_TYPE_CODES)
                rc = rd_set_codes_text(rec, c->field, v, n);
            else
                rc = phs_record_set_text(rec, c->field, v, n);
            if (rc < 0)
                return rd_setter_error(rd, rc, c->name, line,
                                       rd->cells[i].col);
        }
    }
    return PHS_OK;
}

static void rd_csv_note_id(phs_reader *rd)
{
    size_t i;
    for (i = 0; i < rd->ncols && i < rd->ncells; i++)
        if (rd->cols[i].field >= 0 && rd->cols[i].field == rd->id_field) {
            rd_set_id(rd, rd_txt(rd, rd->cells[i].s), rd->cells[i].s.len);
            return;
        }
}

static int rd_next_csv(phs_reader *rd, phs_record *rec)
{
    for (;;) {
        const char *s, *msg;
        size_t n, line = rd->line + 1, errcell = 0, errcol = 1;
        int bad, r = rd_record(rd, 1, &s, &n, &bad);
        if (r < 0)
            return r;
        if (r == 0)
            return PHS_EOF;
        if (!rd->header_done) {
            if (bad) {
                rd->finished = 1;
                return rd_err(rd, bad == 1 ? PHS_ESPEC : PHS_ELIMIT, NULL,
                              line, 1, "CSV header: %s",
                              bad == 1 ? "unterminated quoted field"
                                       : "header row too long");
            }
            if (rd_blank(s, n))
                continue;
            r = rd_csv_header(rd, s, n, line);
            if (r < 0) {
                rd->finished = 1; /* no header, no records */
                return r;
            }
            continue;
        }
        if (bad) {
            rd->recno++;
            if (bad == 1)
                return rd_err(rd, PHS_ERECORD, NULL, line, 1,
                              "unterminated quoted field");
            return rd_err(rd, PHS_ELIMIT, NULL, line, 1,
                          "record longer than %zu bytes", RD_MAX_RECORD);
        }
        if (rd_blank(s, n))
            continue;
        rd->recno++;
        rd_scratch_reset(rd);
        msg = rd_csv_split(rd, s, n, &errcell, &errcol);
        if (msg == RD_JNOMEM)
            return rd_nomem();
        if (msg) {
            const char *field =
                errcell < rd->ncols ? rd->cols[errcell].name : NULL;
            rd_csv_note_id(rd);
            return rd_err(rd, PHS_ERECORD, field, line, errcol, "%s", msg);
        }
        rd_csv_note_id(rd);
        if (rd->ncells != rd->ncols)
            return rd_err(rd, PHS_ERECORD, NULL, line, 1,
                          "%zu fields, but the header has %zu", rd->ncells,
                          rd->ncols);
        return rd_csv_apply(rd, rec, line);
    }
}

/* ------------------------------------------------------------------ */
/* ARRAY: a JSON or YAML sequence of mappings, via libyaml events      */
/* ------------------------------------------------------------------ */

static int rd_yaml_read(void *data, unsigned char *buffer, size_t size,
                        size_t *size_read)
{
    phs_reader *rd = data;
    size_t n;
    if (rd->pos == rd->len) {
        int r = rd_fill(rd);
        if (r < 0) {
            rd->ioerr = 1;
            return 0;
        }
    }
    n = rd->len - rd->pos;
    if (n > size)
        n = size;
    if (n)
        memcpy(buffer, rd->buf + rd->pos, n);
    rd->pos += n;
    *size_read = n;
    return 1;
}

static size_t rd_yline(const phs_reader *rd, yaml_mark_t m)
{
    return rd->yline0 + m.line + 1;
}

/* Get the next event; on failure report the fatal error. */
static int rd_yev(phs_reader *rd, yaml_event_t *ev)
{
    if (yaml_parser_parse(&rd->yp, ev))
        return 0;
    memset(ev, 0, sizeof *ev);
    if (rd->ioerr)
        return rd_err(rd, PHS_EIO, NULL, 0, 0, "read error");
    if (rd->yp.error == YAML_MEMORY_ERROR)
        return rd_nomem();
    return rd_err(rd, PHS_ESPEC, NULL, rd_yline(rd, rd->yp.problem_mark),
                  rd->yp.problem_mark.column + 1, "%s%s%s",
                  rd->yp.problem ? rd->yp.problem : "YAML syntax error",
                  rd->yp.context ? " " : "",
                  rd->yp.context ? rd->yp.context : "");
}

/* Anchor or tag on a node event, if any ("anchor", "tag" or NULL). */
static const char *rd_ydecor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.anchor)
            return "anchors";
        if (ev->data.scalar.tag)
            return "tags";
        break;
    case YAML_SEQUENCE_START_EVENT:
        if (ev->data.sequence_start.anchor)
            return "anchors";
        if (ev->data.sequence_start.tag)
            return "tags";
        break;
    case YAML_MAPPING_START_EVENT:
        if (ev->data.mapping_start.anchor)
            return "anchors";
        if (ev->data.mapping_start.tag)
            return "tags";
        break;
    case YAML_ALIAS_EVENT:
        return "aliases";
    default:
        break;
    }
    return NULL;
}

/* Consume the rest of a node whose start event was `type`, at nesting
 * depth `depth` (of the node itself). */
static int rd_yskip(phs_reader *rd, yaml_event_type_t type, int depth)
{
    int level;
    if (type != YAML_SEQUENCE_START_EVENT && type != YAML_MAPPING_START_EVENT)
        return 0;
    level = 1;
    while (level > 0) {
        yaml_event_t ev;
        int r = rd_yev(rd, &ev);
        if (r < 0)
            return r;
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            level++;
            if (depth + level - 1 > RD_MAX_DEPTH) {
                size_t line = rd_yline(rd, ev.start_mark);
                size_t col = ev.start_mark.column + 1;
                yaml_event_delete(&ev);
                rd->finished = 1; /* the parser is lost inside the node */
                return rd_err(rd, PHS_ELIMIT, NULL, line, col,
                              "nesting deeper than %d", RD_MAX_DEPTH);
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            level--;
            break;
        case YAML_STREAM_END_EVENT:
            level = 0; /* cannot happen inside a node */
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    return 0;
}

static int rd_yplain_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return n == 0 || (n == 1 && v[0] == '~') ||
           (n == 4 && (memcmp(v, "null", 4) == 0 ||
                       memcmp(v, "Null", 4) == 0 ||
                       memcmp(v, "NULL", 4) == 0));
}

/* State of one mapping being collected. */
typedef struct rd_ymap {
    int code;        /* first record error, 0 when none */
    size_t line, col;
} rd_ymap;

/* Note a record error (the first one wins); keeps consuming.  The message
 * is a followed by b. */
static void rd_yrecerr(const phs_reader *rd, rd_ymap *st, int code,
                       const char *field, yaml_mark_t mark, const char *a,
                       const char *b)
{
    if (st->code)
        return;
    st->code = rd_err(rd, code, field, rd_yline(rd, mark), mark.column + 1,
                      "%s%s", a, b);
}

/* The name of the member being collected (recomputed: the scratch text
 * may move). */
static const char *rd_mkey(const phs_reader *rd, const rd_member *m)
{
    return m ? rd_txt(rd, m->key) : NULL;
}

static int rd_ymapping(phs_reader *rd, rd_ymap *st)
{
    for (;;) {
        yaml_event_t kev, vev;
        rd_member *m = NULL;
        const char *dec;
        int r = rd_yev(rd, &kev);
        if (r < 0)
            return r;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            return 0;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            yaml_event_type_t t = kev.type;
            yaml_mark_t line = kev.start_mark;
            yaml_event_delete(&kev);
            rd_yrecerr(rd, st, PHS_ERECORD, NULL, line,
                       "a field name must be a plain string", "");
            r = rd_yskip(rd, t, 3);
            if (r < 0)
                return r;
        } else {
            yaml_mark_t line = kev.start_mark;
            dec = rd_ydecor(&kev);
            if (!st->code && rd->tlen + kev.data.scalar.length > RD_MAX_RECORD)
                rd_yrecerr(rd, st, PHS_ELIMIT, NULL, line,
                           "record larger than 1 MiB", "");
            if (!st->code) {
                m = rd_new_member(rd);
                if (!m ||
                    rd_add_string(rd, (const char *)kev.data.scalar.value,
                                  kev.data.scalar.length, &m->key) < 0) {
                    yaml_event_delete(&kev);
                    return rd_nomem();
                }
                m->line = rd_yline(rd, line);
                m->col = line.column + 1;
                if (dec)
                    rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m), line,
                               dec, " are not allowed");
            }
            yaml_event_delete(&kev);
        }

        /* the value */
        r = rd_yev(rd, &vev);
        if (r < 0)
            return r;
        {
            yaml_mark_t line = vev.start_mark;
            dec = rd_ydecor(&vev);
            if (dec) {
                yaml_event_type_t t = vev.type;
                yaml_event_delete(&vev);
                rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m), line,
                           dec, " are not allowed");
                r = rd_yskip(rd, t, 3);
                if (r < 0)
                    return r;
                continue;
            }
            switch (vev.type) {
            case YAML_SCALAR_EVENT:
                if (!st->code &&
                    rd->tlen + vev.data.scalar.length > RD_MAX_RECORD)
                    rd_yrecerr(rd, st, PHS_ELIMIT, rd_mkey(rd, m), line,
                               "record larger than 1 MiB", "");
                if (!st->code && m) {
                    if (rd_yplain_null(&vev)) {
                        m->kind = VK_NULL;
                    } else {
                        m->kind = vev.data.scalar.style ==
                                          YAML_PLAIN_SCALAR_STYLE
                                      ? VK_PLAIN
                                      : VK_STR;
                        if (rd_add_string(
                                rd, (const char *)vev.data.scalar.value,
                                vev.data.scalar.length, &m->val) < 0) {
                            yaml_event_delete(&vev);
                            return rd_nomem();
                        }
                    }
                }
                yaml_event_delete(&vev);
                break;
            case YAML_SEQUENCE_START_EVENT:
                yaml_event_delete(&vev);
                if (m) {
                    m->kind = VK_LIST;
                    m->item0 = rd->nitems;
                }
                for (;;) {
                    yaml_event_t iev;
                    yaml_mark_t iline;
                    r = rd_yev(rd, &iev);
                    if (r < 0)
                        return r;
                    if (iev.type == YAML_SEQUENCE_END_EVENT) {
                        yaml_event_delete(&iev);
                        break;
                    }
                    iline = iev.start_mark;
                    dec = rd_ydecor(&iev);
                    if (dec) {
                        yaml_event_type_t t = iev.type;
                        yaml_event_delete(&iev);
                        rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m), iline,
                                   dec, " are not allowed");
                        r = rd_yskip(rd, t, 4);
                        if (r < 0)
                            return r;
                        continue;
                    }
                    if (iev.type != YAML_SCALAR_EVENT || rd_yplain_null(&iev)) {
                        yaml_event_type_t t = iev.type;
                        yaml_event_delete(&iev);
                        rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m), iline,
                                   "a list may only hold strings and "
                                   "numbers", "");
                        r = rd_yskip(rd, t, 4);
                        if (r < 0)
                            return r;
                        continue;
                    }
                    if (!st->code &&
                        rd->tlen + iev.data.scalar.length > RD_MAX_RECORD)
                        rd_yrecerr(rd, st, PHS_ELIMIT, rd_mkey(rd, m), iline,
                                   "record larger than 1 MiB", "");
                    if (!st->code && m) {
                        rd_span it;
                        if (rd_add_string(rd,
                                          (const char *)iev.data.scalar.value,
                                          iev.data.scalar.length, &it) < 0 ||
                            rd_new_item(rd, it) < 0) {
                            yaml_event_delete(&iev);
                            return rd_nomem();
                        }
                        m->nitems++;
                    }
                    yaml_event_delete(&iev);
                }
                break;
            case YAML_MAPPING_START_EVENT:
                yaml_event_delete(&vev);
                rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m), line,
                           "nested objects are not allowed", "");
                r = rd_yskip(rd, YAML_MAPPING_START_EVENT, 3);
                if (r < 0)
                    return r;
                break;
            default:
                yaml_event_delete(&vev);
                break;
            }
        }
    }
}

/* Start the stream: up to and including the top-level SEQUENCE_START.
 * Returns 0, PHS_EOF for an empty stream, or a fatal status. */
static int rd_ystart(phs_reader *rd)
{
    yaml_event_t ev;
    int r;

    if (!yaml_parser_initialize(&rd->yp))
        return rd_nomem();
    rd->yp_init = 1;
    rd->yline0 = rd->line;
    yaml_parser_set_input(&rd->yp, rd_yaml_read, rd);

    r = rd_yev(rd, &ev); /* STREAM_START */
    if (r < 0)
        return r;
    yaml_event_delete(&ev);
    r = rd_yev(rd, &ev);
    if (r < 0)
        return r;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        return PHS_EOF;
    }
    yaml_event_delete(&ev); /* DOCUMENT_START */
    r = rd_yev(rd, &ev);
    if (r < 0)
        return r;
    if (ev.type == YAML_SEQUENCE_START_EVENT && !rd_ydecor(&ev)) {
        yaml_event_delete(&ev);
        rd->ystate = 1;
        return 0;
    }
    if (ev.type == YAML_SCALAR_EVENT && !rd_ydecor(&ev) &&
        rd_yplain_null(&ev)) {
        yaml_event_delete(&ev); /* an empty document */
        return PHS_EOF;
    }
    {
        size_t line = rd_yline(rd, ev.start_mark);
        size_t col = ev.start_mark.column + 1;
        const char *dec = rd_ydecor(&ev);
        yaml_event_delete(&ev);
        if (dec)
            return rd_err(rd, PHS_ESPEC, NULL, line, col, "%s are not allowed",
                          dec);
        return rd_err(rd, PHS_ESPEC, NULL, line, col,
                      "the input must be a sequence of mappings");
    }
}

/* After the top-level sequence: the document end, then the stream end. */
static int rd_yfinish(phs_reader *rd)
{
    yaml_event_t ev;
    int r = rd_yev(rd, &ev); /* DOCUMENT_END */
    if (r < 0)
        return r;
    yaml_event_delete(&ev);
    r = rd_yev(rd, &ev);
    if (r < 0)
        return r;
    if (ev.type != YAML_STREAM_END_EVENT) {
        size_t line = rd_yline(rd, ev.start_mark);
        size_t col = ev.start_mark.column + 1;
        yaml_event_delete(&ev);
        return rd_err(rd, PHS_ESPEC, NULL, line, col,
                      "only one document (one sequence of mappings) is read");
    }
    yaml_event_delete(&ev);
    return PHS_EOF;
}

static int rd_next_array(phs_reader *rd, phs_record *rec)
{
    yaml_event_t ev;
    int r;
    rd_ymap st;

    if (rd->ystate == 0) {
        r = rd_ystart(rd);
        if (r < 0)
            return r;
    }
    r = rd_yev(rd, &ev);
    if (r < 0)
        return r;
    if (ev.type == YAML_SEQUENCE_END_EVENT) {
        yaml_event_delete(&ev);
        return rd_yfinish(rd);
    }
    rd->recno++;
    rd_scratch_reset(rd);
    memset(&st, 0, sizeof st);
    st.line = rd_yline(rd, ev.start_mark);
    st.col = ev.start_mark.column + 1;
    if (ev.type != YAML_MAPPING_START_EVENT) {
        yaml_event_type_t t = ev.type;
        const char *dec = rd_ydecor(&ev);
        yaml_event_delete(&ev);
        r = rd_yskip(rd, t, 2);
        if (r < 0)
            return r;
        if (dec)
            return rd_err(rd, PHS_ERECORD, NULL, st.line, st.col,
                          "%s are not allowed", dec);
        return rd_err(rd, PHS_ERECORD, NULL, st.line, st.col,
                      "record %zu is not a mapping", rd->recno);
    }
    {
        yaml_mark_t mark = ev.start_mark;
        const char *dec = rd_ydecor(&ev);
        yaml_event_delete(&ev);
        if (dec)
            rd_yrecerr(rd, &st, PHS_ERECORD, NULL, mark, dec,
                       " are not allowed");
    }
    r = rd_ymapping(rd, &st);
    if (r < 0)
        return r;
    if (rd_note_id(rd) < 0)
        return rd_nomem();
    if (st.code) {
        /* The error was set when noted; nothing since has touched it. */
        return st.code;
    }
    return rd_apply(rd, rec);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

static int rd_new(phs_reader **out, const phs_ruleset *rs, phs_format fmt,
                  const char *name)
{
    phs_reader *rd;
    size_t i;

    *out = NULL;
    rd = phs__malloc(sizeof *rd);
    if (!rd)
        return rd_nomem();
    memset(rd, 0, sizeof *rd);
    rd->rs = rs;
    rd->fmt = (int)fmt;
    rd->name = phs__strndup(name, strlen(name));
    rd->id = phs__malloc(1);
    rd->nfields = phs_ruleset_field_count(rs);
    rd->ftype = phs__malloc((rd->nfields ? rd->nfields : 1) *
                            sizeof *rd->ftype);
    if (!rd->name || !rd->id || !rd->ftype) {
        phs_reader_free(rd);
        return rd_nomem();
    }
    rd->id[0] = '\0';
    rd->id_cap = 1;
    for (i = 0; i < rd->nfields; i++)
        rd->ftype[i] = phs_ruleset_field_type(rs, (int)i);
    rd->id_field = phs_ruleset_field_id(rs, "id");
    if (rd->id_field < 0)
        rd->id_field = -1;
    phs_error_clear();
    *out = rd;
    return PHS_OK;
}

static int rd_check_args(phs_reader **out, const phs_ruleset *rs,
                         phs_format fmt)
{
    if (!out)
        return phs__error_set(PHS_EINVAL, "phs_reader: NULL output");
    *out = NULL;
    if (!rs)
        return phs__error_set(PHS_EINVAL, "phs_reader: NULL ruleset");
    if ((int)fmt < PHS_FORMAT_AUTO || (int)fmt > PHS_FORMAT_CSV)
        return phs__error_set(PHS_EINVAL, "phs_reader: unknown format %d",
                              (int)fmt);
    return PHS_OK;
}

PHS_EXTERN(int)
phs_reader_open(phs_reader **out, const phs_ruleset *rs, const char *path,
                phs_format fmt)
{
    phs_reader *rd;
    FILE *fp;
    struct stat st;
    int stdin_input, rc;

    rc = rd_check_args(out, rs, fmt);
    if (rc < 0)
        return rc;
    if (!path)
        return phs__error_set(PHS_EINVAL, "phs_reader_open: NULL path");
    stdin_input = strcmp(path, "-") == 0;
    if (stdin_input) {
        fp = stdin;
    } else {
        fp = fopen(path, "rb");
        if (!fp)
            return phs__error_set(PHS_EIO, "%s: %s", path, strerror(errno));
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!stdin_input)
            fclose(fp);
        return phs__error_set(PHS_EIO, "%s: is a directory", path);
    }
    rc = rd_new(&rd, rs, fmt, stdin_input ? "<stdin>" : path);
    if (rc < 0) {
        if (!stdin_input)
            fclose(fp);
        return rc;
    }
    rd->fp = fp;
    rd->own_fp = !stdin_input;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        rd->total = (size_t)st.st_size;
    *out = rd;
    return PHS_OK;
}

PHS_EXTERN(int)
phs_reader_open_buffer(phs_reader **out, const phs_ruleset *rs,
                       const char *data, size_t len, phs_format fmt)
{
    phs_reader *rd;
    int rc = rd_check_args(out, rs, fmt);
    if (rc < 0)
        return rc;
    if (!data && len > 0)
        return phs__error_set(PHS_EINVAL, "phs_reader_open_buffer: NULL data");
    rc = rd_new(&rd, rs, fmt, "<buffer>");
    if (rc < 0)
        return rc;
    rd->buf = phs__malloc(len ? len : 1);
    if (!rd->buf) {
        phs_reader_free(rd);
        return rd_nomem();
    }
    if (len)
        memcpy(rd->buf, data, len);
    rd->len = rd->cap = len;
    rd->eof = 1;
    rd->total = len;
    *out = rd;
    return PHS_OK;
}

PHS_EXTERN(void) phs_reader_free(phs_reader *rd)
{
    if (!rd)
        return;
    if (rd->yp_init)
        yaml_parser_delete(&rd->yp);
    if (rd->own_fp && rd->fp)
        fclose(rd->fp);
    rd_free_columns(rd);
    phs__free(rd->cells);
    phs__free(rd->buf);
    phs__free(rd->text);
    phs__free(rd->mem);
    phs__free(rd->items);
    phs__free(rd->ftype);
    phs__free(rd->id);
    phs__free(rd->name);
    phs__free(rd);
}

PHS_EXTERN(int) phs_reader_next(phs_reader *rd, phs_record *rec)
{
    int rc;
    size_t before;
    if (!rd || !rec)
        return phs__error_set(PHS_EINVAL, "phs_reader_next: NULL argument");
    phs_record_clear(rec);
    rd->id[0] = '\0';
    if (rd->finished)
        return PHS_EOF;
    before = rd->recno;
    if (!rd->detected) {
        if (rd->fmt != PHS_FORMAT_ARRAY) {
            rc = rd_skip_bom(rd);
            if (rc < 0)
                goto fatal;
        }
        if (rd->fmt == PHS_FORMAT_AUTO) {
            rc = rd_detect(rd);
            if (rc < 0)
                goto fatal;
        }
        rd->detected = 1;
    }
    switch (rd->fmt) {
    case PHS_FORMAT_NDJSON:
        rc = rd_next_ndjson(rd, rec);
        break;
    case PHS_FORMAT_CSV:
        rc = rd_next_csv(rd, rec);
        break;
    default:
        rc = rd_next_array(rd, rec);
        break;
    }
    if (rc == PHS_OK || rc == PHS_ERECORD || rc == PHS_ELIMIT) {
        if (rc == PHS_OK)
            phs_error_clear();
        else
            phs_record_clear(rec);
        return rc;
    }
    if (rc == PHS_ENOMEM && rd->fmt != PHS_FORMAT_ARRAY)
        return rc; /* the reader has moved past the record */
fatal:
    rd->finished = 1;
    if (rc != PHS_EOF)
        rd->recno = before + 1; /* the record that could not be read */
    return rc;
}

PHS_EXTERN(size_t) phs_reader_record_number(const phs_reader *rd)
{
    return rd ? rd->recno : 0;
}

PHS_EXTERN(const char *) phs_reader_record_id(const phs_reader *rd)
{
    return rd && rd->id ? rd->id : "";
}

PHS_EXTERN(void)
phs_reader_progress(const phs_reader *rd, size_t *done, size_t *total)
{
    size_t d = 0, t = 0;
    if (rd) {
        d = rd->finished ? rd->base + rd->len : rd->base + rd->pos;
        t = rd->total;
        if (t && d > t)
            t = d;
    }
    if (done)
        *done = d;
    if (total)
        *total = t;
}
