/* ARRAY: a JSON or YAML sequence of mappings, streamed through libyaml
 * events, one record in memory at a time (io.h). */
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
#include "../base/yaml.h"

/* ------------------------------------------------------------------ */
/* ARRAY: a JSON or YAML sequence of mappings, via libyaml events      */
/* ------------------------------------------------------------------ */

static int rd_yaml_read(void *data, unsigned char *buffer, size_t size,
                        size_t *size_read)
{
    phs_reader *rd = data;
    size_t n;
    if (rd->pos == rd->len) {
        int r = phs__rd_fill(rd);
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
        return phs__rd_err(rd, PHS_EIO, NULL, 0, 0, "read error");
    if (rd->yp.error == YAML_MEMORY_ERROR)
        return phs__rd_nomem();
    return phs__rd_err(rd, PHS_ESPEC, NULL, rd_yline(rd, rd->yp.problem_mark),
                  rd->yp.problem_mark.column + 1, "%s%s%s",
                  rd->yp.problem ? rd->yp.problem : "YAML syntax error",
                  rd->yp.context ? " " : "",
                  rd->yp.context ? rd->yp.context : "");
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
    st->code = phs__rd_err(rd, code, field, rd_yline(rd, mark), mark.column + 1,
                      "%s%s", a, b);
}

#define RD_STR_(x) #x
#define RD_STR(x) RD_STR_(x)

/* Consume the rest of a node whose start event was `type`, at nesting
 * depth `depth` (of the node itself).  Nesting past RD_MAX_DEPTH is the
 * record's error (st), and the node is still consumed to its end, so the
 * reader goes on with the next record (libyaml's own nesting limit bounds
 * its memory). */
static int rd_yskip(phs_reader *rd, rd_ymap *st, yaml_event_type_t type,
                    int depth)
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
            if (depth + level - 1 == RD_MAX_DEPTH + 1)
                rd_yrecerr(rd, st, PHS_ELIMIT, NULL, ev.start_mark,
                           "nesting deeper than ", RD_STR(RD_MAX_DEPTH));
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

/* The name of the member being collected (recomputed: the scratch text
 * may move). */
static const char *rd_mkey(const phs_reader *rd, const rd_member *m)
{
    return m ? phs__rd_txt(rd, m->key) : NULL;
}

/* Refuse the node ev starts, at nesting depth `depth`: the record's error
 * (message a followed by b, naming field), the event deleted and the node
 * consumed to its end.  0 or a fatal status. */
static int rd_yrefuse(phs_reader *rd, rd_ymap *st, yaml_event_t *ev,
                      const char *field, int depth, const char *a,
                      const char *b)
{
    yaml_event_type_t t = ev->type;
    yaml_mark_t mark = ev->start_mark;
    yaml_event_delete(ev);
    rd_yrecerr(rd, st, PHS_ERECORD, field, mark, a, b);
    return rd_yskip(rd, st, t, depth);
}

/* Keep the text of the scalar event ev in the scratch (*out, unless out
 * is NULL) while the record has no error; a record growing past
 * RD_MAX_RECORD gets one.  Returns 1 when kept, 0 when not, -1 out of
 * memory. */
static int rd_ykeep(phs_reader *rd, rd_ymap *st, const char *field,
                    const yaml_event_t *ev, rd_span *out)
{
    if (!st->code && rd->tlen + ev->data.scalar.length > RD_MAX_RECORD)
        rd_yrecerr(rd, st, PHS_ELIMIT, field, ev->start_mark,
                   "record larger than 1 MiB", "");
    if (st->code || !out)
        return 0;
    return phs__rd_add_string(rd, (const char *)ev->data.scalar.value,
                              ev->data.scalar.length, out) < 0 ? -1 : 1;
}

/* The next event inside a sequence or a mapping: 1 (the caller deletes
 * it), 0 at the container's end `end` (consumed), or a fatal status. */
static int rd_yin(phs_reader *rd, yaml_event_t *ev, yaml_event_type_t end)
{
    int r = rd_yev(rd, ev);
    if (r < 0)
        return r;
    if (ev->type != end)
        return 1;
    yaml_event_delete(ev);
    return 0;
}

/* The items of a list value (after its SEQUENCE_START): scalars, kept as
 * the items of m (NULL once the record has an error).  0 or a fatal
 * status. */
static int rd_ylist(phs_reader *rd, rd_ymap *st, rd_member *m)
{
    for (;;) {
        yaml_event_t iev;
        rd_span it;
        int r = rd_yin(rd, &iev, YAML_SEQUENCE_END_EVENT);
        if (r <= 0)
            return r;
        const char *dec = phs__yaml_decoration(&iev);
        if (dec || iev.type != YAML_SCALAR_EVENT || rd_yplain_null(&iev)) {
            r = rd_yrefuse(rd, st, &iev, rd_mkey(rd, m), 4,
                           dec ? dec : "a list may only hold strings and "
                                       "numbers",
                           dec ? " are not allowed" : "");
            if (r < 0)
                return r;
            continue;
        }
        r = rd_ykeep(rd, st, rd_mkey(rd, m), &iev, &it);
        yaml_event_delete(&iev);
        if (r > 0 && phs__rd_new_item(rd, it) < 0)
            r = -1;
        if (r < 0)
            return phs__rd_nomem();
        if (r > 0) /* kept: the record has no error, so m exists */
            m->nitems++;
    }
}

/* The members of a mapping (after its MAPPING_START), into rd->mem while
 * the record has no error.  0 or a fatal status.  A member m exists only
 * while st->code is 0. */
static int rd_ymapping(phs_reader *rd, rd_ymap *st)
{
    for (;;) {
        yaml_event_t kev, vev;
        rd_member *m = NULL;
        int r = rd_yin(rd, &kev, YAML_MAPPING_END_EVENT);
        if (r <= 0)
            return r;
        if (kev.type != YAML_SCALAR_EVENT) {
            r = rd_yrefuse(rd, st, &kev, NULL, 3,
                           "a field name must be a plain string", "");
            if (r < 0)
                return r;
        } else {
            const char *dec = phs__yaml_decoration(&kev);
            rd_span key;
            r = rd_ykeep(rd, st, NULL, &kev, &key);
            if (r > 0 && (m = phs__rd_new_member(rd)) == NULL)
                r = -1;
            if (r < 0) {
                yaml_event_delete(&kev);
                return phs__rd_nomem();
            }
            if (m) {
                m->key = key;
                m->line = rd_yline(rd, kev.start_mark);
                m->col = kev.start_mark.column + 1;
                if (dec)
                    rd_yrecerr(rd, st, PHS_ERECORD, rd_mkey(rd, m),
                               kev.start_mark, dec, " are not allowed");
            }
            yaml_event_delete(&kev);
        }

        /* the value */
        r = rd_yev(rd, &vev);
        if (r < 0)
            return r;
        const char *dec = phs__yaml_decoration(&vev);
        if (dec || vev.type == YAML_MAPPING_START_EVENT) {
            r = rd_yrefuse(rd, st, &vev, rd_mkey(rd, m), 3,
                           dec ? dec : "nested objects are not allowed",
                           dec ? " are not allowed" : "");
            if (r < 0)
                return r;
            continue;
        }
        if (vev.type == YAML_SEQUENCE_START_EVENT) {
            yaml_event_delete(&vev);
            if (m) {
                m->kind = VK_LIST;
                m->item0 = rd->nitems;
            }
            r = rd_ylist(rd, st, m);
            if (r < 0)
                return r;
            continue;
        }
        if (vev.type == YAML_SCALAR_EVENT) {
            /* a null stays VK_NULL (nothing kept) */
            r = rd_ykeep(rd, st, rd_mkey(rd, m), &vev,
                         m && !rd_yplain_null(&vev) ? &m->val : NULL);
            if (r > 0)
                m->kind = VK_TEXT;
            if (r < 0) {
                yaml_event_delete(&vev);
                return phs__rd_nomem();
            }
        }
        yaml_event_delete(&vev);
    }
}

/* Consume one event known to be there (a stream or document start or
 * end).  0 or a fatal status. */
static int rd_ydrop(phs_reader *rd)
{
    yaml_event_t ev;
    int r = rd_yev(rd, &ev);
    if (r == 0)
        yaml_event_delete(&ev);
    return r;
}

/* The input cannot be read further, because of the event ev (deleted):
 * the message a followed by b at its position. */
static int rd_yfail(phs_reader *rd, yaml_event_t *ev, const char *a,
                    const char *b)
{
    yaml_mark_t mark = ev->start_mark;
    yaml_event_delete(ev);
    return phs__rd_err(rd, PHS_ESPEC, NULL, rd_yline(rd, mark),
                       mark.column + 1, "%s%s", a, b);
}

/* Start the stream: up to and including the top-level SEQUENCE_START.
 * Returns 0, PHS_EOF for an empty stream, or a fatal status. */
static int rd_ystart(phs_reader *rd)
{
    yaml_event_t ev;
    int r;

    if (!yaml_parser_initialize(&rd->yp))
        return phs__rd_nomem();
    rd->yp_init = 1;
    rd->yline0 = rd->line;
    yaml_parser_set_input(&rd->yp, rd_yaml_read, rd);

    r = rd_ydrop(rd); /* STREAM_START */
    if (r < 0)
        return r;
    r = rd_yin(rd, &ev, YAML_STREAM_END_EVENT); /* DOCUMENT_START */
    if (r <= 0)
        return r < 0 ? r : PHS_EOF;
    yaml_event_delete(&ev);
    r = rd_yev(rd, &ev);
    if (r < 0)
        return r;
    const char *dec = phs__yaml_decoration(&ev);
    if (ev.type == YAML_SEQUENCE_START_EVENT && !dec) {
        yaml_event_delete(&ev);
        rd->ystate = 1;
        return 0;
    }
    if (ev.type == YAML_SCALAR_EVENT && !dec && rd_yplain_null(&ev)) {
        yaml_event_delete(&ev); /* an empty document */
        return PHS_EOF;
    }
    return dec ? rd_yfail(rd, &ev, dec, " are not allowed")
               : rd_yfail(rd, &ev, "the input must be a sequence of mappings",
                          "");
}

/* After the top-level sequence: the document end, then the stream end. */
static int rd_yfinish(phs_reader *rd)
{
    yaml_event_t ev;
    int r = rd_ydrop(rd); /* DOCUMENT_END */
    if (r < 0)
        return r;
    r = rd_yin(rd, &ev, YAML_STREAM_END_EVENT);
    if (r <= 0)
        return r < 0 ? r : PHS_EOF;
    return rd_yfail(rd, &ev, "only one document (one sequence of mappings) is "
                             "read", "");
}

int phs__rd_next_array(phs_reader *rd, phs_record *rec)
{
    yaml_event_t ev;
    int r;
    rd_ymap st;

    if (rd->ystate == 0) {
        r = rd_ystart(rd);
        if (r < 0)
            return r;
    }
    r = rd_yin(rd, &ev, YAML_SEQUENCE_END_EVENT);
    if (r < 0)
        return r;
    if (r == 0)
        return rd_yfinish(rd);
    rd->recno++;
    phs__rd_scratch_reset(rd);
    memset(&st, 0, sizeof st);
    st.line = rd_yline(rd, ev.start_mark);
    st.col = ev.start_mark.column + 1;
    if (ev.type != YAML_MAPPING_START_EVENT) {
        yaml_event_type_t t = ev.type;
        const char *dec = phs__yaml_decoration(&ev);
        yaml_event_delete(&ev);
        r = rd_yskip(rd, &st, t, 2);
        if (r < 0)
            return r;
        if (dec)
            return phs__rd_err(rd, PHS_ERECORD, NULL, st.line, st.col,
                          "%s are not allowed", dec);
        return phs__rd_err(rd, PHS_ERECORD, NULL, st.line, st.col,
                      "record %zu is not a mapping", rd->recno);
    }
    {
        yaml_mark_t mark = ev.start_mark;
        const char *dec = phs__yaml_decoration(&ev);
        yaml_event_delete(&ev);
        if (dec)
            rd_yrecerr(rd, &st, PHS_ERECORD, NULL, mark, dec,
                       " are not allowed");
    }
    r = rd_ymapping(rd, &st);
    if (r < 0)
        return r;
    phs__rd_note_id(rd);
    if (st.code) {
        /* The error was set when noted; nothing since has touched it. */
        return st.code;
    }
    return phs__rd_apply(rd, rec);
}
