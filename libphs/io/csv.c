/* CSV: RFC 4180 with a header row of field names (io.h). */
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
        size_t off = phs__rd_str_begin(rd), start = i;
        rd_cell *c;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                size_t j = i;
                while (j < n && s[j] != '"')
                    j++;
                if (phs__rd_put(rd, s + i, j - i) < 0)
                    return phs__rd_nomem_msg;
                if (j >= n) {
                    *errcell = rd->ncells;
                    *errcol = phs__rd_col(s, s + start);
                    return "unterminated quoted field";
                }
                if (j + 1 < n && s[j + 1] == '"') {
                    if (phs__rd_put(rd, "\"", 1) < 0)
                        return phs__rd_nomem_msg;
                    i = j + 2;
                    continue;
                }
                i = j + 1;
                break;
            }
            if (i < n && s[i] != ',') {
                *errcell = rd->ncells;
                *errcol = phs__rd_col(s, s + i);
                return "unexpected character after a closing quote";
            }
        } else {
            size_t j = i;
            while (j < n && s[j] != ',')
                j++;
            if (phs__rd_put(rd, s + i, j - i) < 0)
                return phs__rd_nomem_msg;
            i = j;
        }
        if (phs__grow(&rd->cells, &rd->cells_cap, rd->ncells,
                      sizeof *rd->cells, 16) < 0)
            return phs__rd_nomem_msg;
        c = &rd->cells[rd->ncells++];
        c->col = phs__rd_col(s, s + start);
        if (phs__rd_str_end(rd, off, &c->s) < 0)
            return phs__rd_nomem_msg;
        if (i >= n)
            break;
        i++; /* the comma */
    }
    return NULL;
}

void phs__rd_free_columns(phs_reader *rd)
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

    phs__rd_free_columns(rd);
    phs__rd_scratch_reset(rd);
    msg = rd_csv_split(rd, s, n, &errcell, &errcol);
    if (msg == phs__rd_nomem_msg)
        return phs__rd_nomem();
    if (msg)
        return phs__rd_err(rd, PHS_ESPEC, NULL, line, errcol, "CSV header: %s",
                      msg);
    rd->cols = phs__malloc(rd->ncells * sizeof *rd->cols);
    if (!rd->cols)
        return phs__rd_nomem();
    for (i = 0; i < rd->ncells; i++) {
        const char *name = phs__rd_txt(rd, rd->cells[i].s);
        size_t len = rd->cells[i].s.len;
        rd_column *c = &rd->cols[i];
        phs__text_trim(&name, &len);
        c->name = phs__strndup(name, len);
        if (!c->name) {
            rd->ncols = i;
            return phs__rd_nomem();
        }
        rd->ncols = i + 1;
        c->field = phs__rd_field_of(rd, c->name, len);
        c->type = c->field >= 0 ? rd->ftype[c->field] : -1;
        /* a misspelt column would fail every record that fills it: say it
         * once, here (a column without a name may stay, empty) */
        if (c->field < 0 && len > 0)
            return phs__rd_err(rd, PHS_ESPEC, c->name, line, rd->cells[i].col,
                               "CSV header: unknown field '%.64s' in column "
                               "%zu",
                               c->name, i + 1);
        for (k = 0; k < i; k++)
            if (c->field >= 0 && rd->cols[k].field == c->field)
                return phs__rd_err(rd, PHS_ESPEC, c->name, line, rd->cells[i].col,
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
            const char *v = phs__rd_txt(rd, rd->cells[i].s);
            size_t n = rd->cells[i].s.len;
            int is_id = c->field >= 0 && c->field == rd->id_field;
            int rc;
            if ((pass == 0) != is_id)
                continue;
            if (c->type != PHS_TYPE_STRING)
                phs__text_trim(&v, &n);
            if (n == 0)
                continue; /* empty cell: absent */
            if (c->field < 0) /* only unnamed columns get here */
                return phs__rd_err(rd, PHS_ERECORD, NULL, line,
                                   rd->cells[i].col,
                                   "a value in column %zu, which has no name "
                                   "in the header",
                                   i + 1);
            rc = phs_record_set_text(rec, c->field, v, n);
            if (rc < 0)
                return phs__rd_setter_error(rd, rc, c->name, line,
                                       rd->cells[i].col);
        }
    }
    return PHS_OK;
}

/* Remember the record's id. */
static void rd_csv_note_id(phs_reader *rd)
{
    size_t i;
    for (i = 0; i < rd->ncols && i < rd->ncells; i++)
        if (rd->cols[i].field >= 0 && rd->cols[i].field == rd->id_field) {
            phs__rd_set_id(rd, phs__rd_txt(rd, rd->cells[i].s),
                           rd->cells[i].s.len);
            return;
        }
}

/* Read the header row (the first non-blank one).  0, PHS_EOF for an input
 * without one, or its error (then the reader is finished: no header, no
 * records). */
static int rd_csv_read_header(phs_reader *rd)
{
    for (;;) {
        const char *s;
        size_t n, line = rd->line + 1;
        int bad, r = phs__rd_record(rd, 1, &s, &n, &bad);
        if (r <= 0)
            return r < 0 ? r : PHS_EOF;
        if (bad)
            r = phs__rd_err(rd, bad == 1 ? PHS_ESPEC : PHS_ELIMIT, NULL, line,
                            1, "CSV header: %s",
                            bad == 1 ? "unterminated quoted field"
                                     : "header row too long");
        else if (phs__rd_blank(s, n))
            continue;
        else
            r = rd_csv_header(rd, s, n, line);
        if (r < 0)
            rd->finished = 1;
        return r;
    }
}

int phs__rd_next_csv(phs_reader *rd, phs_record *rec)
{
    const char *s, *msg;
    size_t n, line, errcell = 0, errcol = 1;
    int r = rd->header_done ? 0 : rd_csv_read_header(rd);
    if (r == 0)
        r = phs__rd_next_text(rd, 1, &s, &n, &line);
    if (r < 0)
        return r;
    msg = rd_csv_split(rd, s, n, &errcell, &errcol);
    if (msg == phs__rd_nomem_msg)
        return phs__rd_nomem();
    rd_csv_note_id(rd);
    if (msg)
        return phs__rd_err(rd, PHS_ERECORD,
                           errcell < rd->ncols ? rd->cols[errcell].name : NULL,
                           line, errcol, "%s", msg);
    if (rd->ncells != rd->ncols)
        return phs__rd_err(rd, PHS_ERECORD, NULL, line, 1,
                           "%zu fields, but the header has %zu", rd->ncells,
                           rd->ncols);
    return rd_csv_apply(rd, rec, line);
}
