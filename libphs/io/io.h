/*
 * The resident readers' private interface (phs_reader_*).
 *
 * Formats: NDJSON (one JSON object per line, json.c), ARRAY (a JSON or YAML
 * top-level sequence of mappings, streamed through libyaml's event API, one
 * record in memory at a time, array.c), CSV (RFC 4180 with a header row of
 * field names, csv.c) and AUTO (guessed from the first non-blank byte).
 * source.c holds what the formats share (the byte source, the record
 * framing, applying parsed members to a record); reader.c the public API,
 * which detects the format and dispatches.
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
#ifndef PHS__IO_H
#define PHS__IO_H

#include <stdio.h>

#include <yaml.h>

#include "../base/base.h"

#define RD_CHUNK ((size_t)64 * 1024)
#define RD_MAX_RECORD ((size_t)1024 * 1024)
#define RD_MAX_DEPTH 64
#define RD_MSG 512
#define RD_MAX_ID 256 /* bytes of a record's id kept for messages */

/* Value kinds of a parsed member. */
enum {
    VK_NULL = 0, /* absent */
    VK_TEXT,     /* a scalar (JSON string or number, YAML scalar): set_text */
    VK_BOOL,     /* a JSON boolean: set_bool for bool fields */
    VK_LIST      /* a list of scalars: codes */
};

typedef struct rd_span {
    size_t off, len; /* into phs_reader.text, NUL-terminated there */
} rd_span;

typedef struct rd_member {
    rd_span key;
    int kind;
    int b;           /* VK_BOOL value */
    rd_span val;     /* VK_TEXT */
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
    char *name;       /* source name for messages (allocated with the
                         reader, as ftype is) */

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
    char id[RD_MAX_ID + 1]; /* id of the last record, "" when not read */

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

/* source.c */
/* The message a parser returns for an allocation failure (compared by
 * address). */
extern const char phs__rd_nomem_msg[];
int phs__rd_blank(const char *s, size_t n);
void phs__rd_scratch_reset(phs_reader *rd);
int phs__rd_err(const phs_reader *rd, int code, const char *field,
                size_t line, size_t col, const char *fmt, ...) PHS_PRINTF(6, 7);
int phs__rd_nomem(void);
void phs__rd_set_id(phs_reader *rd, const char *s, size_t n);
rd_member *phs__rd_new_member(phs_reader *rd);
int phs__rd_new_item(phs_reader *rd, rd_span s);
int phs__rd_put(phs_reader *rd, const char *s, size_t n);
int phs__rd_str_end(phs_reader *rd, size_t off, rd_span *out);
const char *phs__rd_txt(const phs_reader *rd, rd_span s);
int phs__rd_add_string(phs_reader *rd, const char *s, size_t n,
                       rd_span *out);
void phs__rd_note_id(phs_reader *rd);
int phs__rd_apply(phs_reader *rd, phs_record *rec);
int phs__rd_is_ws(int c);
size_t phs__rd_col(const char *s, const char *p);
int phs__rd_record(phs_reader *rd, int csv, const char **out, size_t *n,
                   int *bad);
/* The next record of NDJSON or of CSV's data rows: blank lines skipped,
 * the record counted and the scratch reset.  1 with its text in *s, *n
 * (valid until the next fill) and the line it starts on in *line; PHS_EOF
 * at the end of input; the error of a record the framing refuses (an
 * unterminated quote, longer than RD_MAX_RECORD), counted, the reader past
 * it; or a fatal status. */
int phs__rd_next_text(phs_reader *rd, int csv, const char **s, size_t *n,
                      size_t *line);
int phs__rd_field_of(const phs_reader *rd, const char *key, size_t klen);
int phs__rd_setter_error(const phs_reader *rd, int rc, const char *field,
                         size_t line, size_t col);
int phs__rd_fill(phs_reader *rd);
void phs__rd_advance(phs_reader *rd, size_t k);
size_t phs__rd_str_begin(phs_reader *rd);

/* json.c */
int phs__rd_next_ndjson(phs_reader *rd, phs_record *rec);

/* csv.c */
void phs__rd_free_columns(phs_reader *rd);
int phs__rd_next_csv(phs_reader *rd, phs_record *rec);

/* array.c */
int phs__rd_next_array(phs_reader *rd, phs_record *rec);

#endif
