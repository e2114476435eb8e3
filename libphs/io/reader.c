/* The reader's public API: opening a source, detecting the format and
 * dispatching to json.c, csv.c and array.c (io.h has the design). */
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

/* Skip a UTF-8 byte order mark at the very start of the input. */
static int rd_skip_bom(phs_reader *rd)
{
    while (rd->len - rd->pos < 3 && !rd->eof) {
        int r = phs__rd_fill(rd);
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
            if (phs__rd_is_ws(c)) {
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
            phs__rd_advance(rd, skip);
            i = 0;
        }
        r = phs__rd_fill(rd);
        if (r < 0)
            return r;
        if (r == 0)
            return PHS_EOF;
    }
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

static int rd_new(phs_reader **out, const phs_ruleset *rs, phs_format fmt,
                  const char *name)
{
    phs_reader *rd;
    size_t i, nfields = phs_ruleset_field_count(rs);

    *out = NULL;
    /* the reader, its field types and its name in one block */
    rd = phs__calloc(1, sizeof *rd + nfields * sizeof *rd->ftype +
                            strlen(name) + 1);
    if (!rd)
        return phs__rd_nomem();
    rd->rs = rs;
    rd->fmt = (int)fmt;
    rd->nfields = nfields;
    rd->ftype = (int *)(rd + 1);
    rd->name = (char *)(rd->ftype + nfields);
    strcpy(rd->name, name);
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
        return phs__rd_nomem();
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
    phs__rd_free_columns(rd);
    phs__free(rd->cells);
    phs__free(rd->buf);
    phs__free(rd->text);
    phs__free(rd->mem);
    phs__free(rd->items);
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
        rc = phs__rd_next_ndjson(rd, rec);
        break;
    case PHS_FORMAT_CSV:
        rc = phs__rd_next_csv(rd, rec);
        break;
    default:
        rc = phs__rd_next_array(rd, rec);
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
    return rd ? rd->id : "";
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
