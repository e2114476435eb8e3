/* What every format shares: small helpers, the byte source and record
 * framing, and applying parsed members to a record (io.h). */
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

const char phs__rd_nomem_msg[] = "out of memory";

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

int phs__rd_is_ws(int c)
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

int phs__rd_nomem(void)
{
    return phs__error_set(PHS_ENOMEM, "out of memory");
}

/* An error about the input at line:col (either may be 0 when unknown),
 * naming the field when there is one.  The message reads
 * "source:line:col: ..."; phs_error_line/column/field give the parts. */
int phs__rd_err(const phs_reader *rd, int code, const char *field,
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
size_t phs__rd_col(const char *s, const char *p)
{
    size_t c = 1;
    for (; s < p; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            c++;
    return c;
}

/* Append bytes to the scratch text. */
int phs__rd_put(phs_reader *rd, const char *s, size_t n)
{
    if (phs__grow(&rd->text, &rd->tcap, rd->tlen + n, 1, 16) < 0)
        return -1;
    if (n)
        memcpy(rd->text + rd->tlen, s, n);
    rd->tlen += n;
    rd->text[rd->tlen] = '\0';
    return 0;
}

/* Start a NUL-terminated string in the scratch text. */
size_t phs__rd_str_begin(phs_reader *rd)
{
    return rd->tlen;
}

/* Finish a string begun at off: NUL-terminate, return its span. */
int phs__rd_str_end(phs_reader *rd, size_t off, rd_span *out)
{
    if (phs__grow(&rd->text, &rd->tcap, rd->tlen, 1, 16) < 0)
        return -1;
    out->off = off;
    out->len = rd->tlen - off;
    rd->text[rd->tlen++] = '\0'; /* keep the NUL inside the scratch */
    return 0;
}

int phs__rd_add_string(phs_reader *rd, const char *s, size_t n, rd_span *out)
{
    size_t off = phs__rd_str_begin(rd);
    if (phs__rd_put(rd, s, n) < 0)
        return -1;
    return phs__rd_str_end(rd, off, out);
}

const char *phs__rd_txt(const phs_reader *rd, rd_span s)
{
    return rd->text + s.off;
}

rd_member *phs__rd_new_member(phs_reader *rd)
{
    rd_member *m;
    if (phs__grow(&rd->mem, &rd->mem_cap, rd->nmem, sizeof *rd->mem, 16) < 0)
        return NULL;
    m = &rd->mem[rd->nmem++];
    memset(m, 0, sizeof *m);
    return m;
}

int phs__rd_new_item(phs_reader *rd, rd_span s)
{
    if (phs__grow(&rd->items, &rd->items_cap, rd->nitems, sizeof *rd->items,
                  16) < 0)
        return -1;
    rd->items[rd->nitems++] = s;
    return 0;
}

void phs__rd_scratch_reset(phs_reader *rd)
{
    rd->tlen = 0;
    rd->nmem = 0;
    rd->nitems = 0;
    rd->ncells = 0;
}

/* Remember a record's id (its first RD_MAX_ID bytes; "" when it holds a
 * NUL). */
void phs__rd_set_id(phs_reader *rd, const char *s, size_t n)
{
    if (n > RD_MAX_ID)
        n = RD_MAX_ID;
    memcpy(rd->id, s, n);
    rd->id[n] = '\0';
    if (strlen(rd->id) != n)
        rd->id[0] = '\0';
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
int phs__rd_fill(phs_reader *rd)
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
    if (phs__grow(&rd->buf, &rd->cap, rd->len + RD_CHUNK - 1, 1, 16) < 0)
        return phs__rd_nomem();
    n = fread(rd->buf + rd->len, 1, RD_CHUNK, rd->fp);
    if (n == 0) {
        if (ferror(rd->fp)) {
            rd->ioerr = 1;
            rd->eof = 1;
            return phs__rd_err(rd, PHS_EIO, NULL, 0, 0, "read error: %s",
                          strerror(errno));
        }
        rd->eof = 1;
        return 0;
    }
    rd->len += n;
    return 1;
}

/* Consume k bytes, counting newlines. */
void phs__rd_advance(phs_reader *rd, size_t k)
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
        phs__rd_advance(rd, (size_t)(nl - b) + 1);
        return 0;
    }
    for (;;) {
        size_t avail = rd->len - rd->pos;
        int r;
        b = rd->buf + rd->pos;
        nl = memchr(b, '\n', avail);
        if (nl) {
            phs__rd_advance(rd, (size_t)(nl - b) + 1);
            return 0;
        }
        phs__rd_advance(rd, avail);
        r = phs__rd_fill(rd);
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
int phs__rd_record(phs_reader *rd, int csv, const char **out, size_t *n,
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
                phs__rd_advance(rd, i + 1);
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
        r = phs__rd_fill(rd);
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
            phs__rd_advance(rd, avail);
            return 1;
        }
    }
}

int phs__rd_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!phs__rd_is_ws((unsigned char)s[i]))
            return 0;
    return 1;
}

int phs__rd_next_text(phs_reader *rd, int csv, const char **s, size_t *n,
                      size_t *line)
{
    for (;;) {
        int bad, r;
        *line = rd->line + 1;
        r = phs__rd_record(rd, csv, s, n, &bad);
        if (r < 0)
            return r;
        if (r == 0)
            return PHS_EOF;
        if (bad) {
            rd->recno++;
            if (bad == 1)
                return phs__rd_err(rd, PHS_ERECORD, NULL, *line, 1,
                                   "unterminated quoted field");
            return phs__rd_err(rd, PHS_ELIMIT, NULL, *line, 1,
                               "record longer than %zu bytes", RD_MAX_RECORD);
        }
        if (!phs__rd_blank(*s, *n)) {
            rd->recno++;
            phs__rd_scratch_reset(rd);
            return 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Applying parsed members to a record                                 */
/* ------------------------------------------------------------------ */

/* Rewrap a setter's error with the position and the field name. */
int phs__rd_setter_error(const phs_reader *rd, int rc, const char *field,
                         size_t line, size_t col)
{
    char msg[RD_MSG];
    if (rc == PHS_ENOMEM)
        return rc;
    rd_last_message(msg, sizeof msg);
    return phs__rd_err(rd, PHS_ERECORD, field, line, col, "%s", msg);
}

int phs__rd_field_of(const phs_reader *rd, const char *key, size_t klen)
{
    int f;
    if (strlen(key) != klen)
        return -1;
    f = phs_ruleset_field_id(rd->rs, key);
    return f >= 0 && (size_t)f < rd->nfields ? f : -1;
}

static int rd_apply_member(phs_reader *rd, phs_record *rec,
                           const rd_member *m)
{
    const char *key = phs__rd_txt(rd, m->key);
    const char *val = phs__rd_txt(rd, m->val);
    int f = phs__rd_field_of(rd, key, m->key.len);
    int type, rc = 0;
    size_t i;

    if (f < 0)
        return phs__rd_err(rd, PHS_ERECORD, key, m->line, m->col,
                      "unknown field '%.64s'", key);
    type = rd->ftype[f];
    switch (m->kind) {
    case VK_NULL:
        rc = phs_record_unset(rec, f);
        break;
    case VK_TEXT:
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
            return phs__rd_err(rd, PHS_ERECORD, key, m->line, m->col,
                          "field '%s' is a %s and cannot take a list", key,
                          rd_type_name(type));
        rc = phs_record_set_text(rec, f, "", 0);
        for (i = 0; rc >= 0 && i < m->nitems; i++) {
            rd_span it = rd->items[m->item0 + i];
            rc = phs_record_add_code(rec, f, phs__rd_txt(rd, it), it.len);
        }
        break;
    default:
        break;
    }
    if (rc < 0)
        return phs__rd_setter_error(rd, rc, key, m->line, m->col);
    return PHS_OK;
}

static int rd_is_id_key(const phs_reader *rd, const rd_member *m)
{
    return m->key.len == 2 && memcmp(phs__rd_txt(rd, m->key), "id", 2) == 0;
}

/* Remember the record's id from its "id" member (last one wins). */
void phs__rd_note_id(phs_reader *rd)
{
    size_t i;
    for (i = rd->nmem; i-- > 0;) {
        const rd_member *m = &rd->mem[i];
        if (!rd_is_id_key(rd, m))
            continue;
        if (m->kind == VK_TEXT)
            phs__rd_set_id(rd, phs__rd_txt(rd, m->val), m->val.len);
        return;
    }
}

/* Apply every parsed member, "id" first so that errors can name it. */
int phs__rd_apply(phs_reader *rd, phs_record *rec)
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
