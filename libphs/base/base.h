/*
 * The base layer every stage uses: the allocator hook, arenas, the thread's
 * last error, text buffers, SHA-256 and locale-independent numbers.  It
 * knows nothing of rules.  Internal cross-file functions are named
 * phs__<noun>_<verb>; nothing here is exported.
 */
#ifndef PHS__BASE_H
#define PHS__BASE_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#include "phs/phs.h"

#if defined(__GNUC__)
#define PHS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PHS_PRINTF(f, a)
#endif

/* ---- alloc.c: every allocation goes through the allocator hook ---- */
void *phs__malloc(size_t n);
void *phs__calloc(size_t n, size_t size);
void *phs__realloc(void *p, size_t n);
void phs__free(void *p);
char *phs__strndup(const char *s, size_t n);
char *phs__strdup(const char *s);
/* Room for element n of a growable array: when n >= *cap, the array at
 * *(T **)arrayp grows, doubling its capacity (from `first`, > 0, when
 * empty) until it holds element n.  0, or -1 out of memory (the array is
 * kept). */
int phs__grow_to(void *arrayp, size_t *cap, size_t n, size_t size,
                 size_t first);
static inline int phs__grow(void *arrayp, size_t *cap, size_t n, size_t size,
                            size_t first)
{
    return n < *cap ? 0 : phs__grow_to(arrayp, cap, n, size, first);
}

/* An arena: many small allocations freed together.  Used for everything a
 * ruleset owns and for the YAML tree of a load. */
typedef struct phs__arena {
    struct phs__arena_block *head;
} phs__arena;
void *phs__arena_alloc(phs__arena *a, size_t n); /* zeroed, 8-aligned */
char *phs__arena_strndup(phs__arena *a, const char *s, size_t n);
void phs__arena_free(phs__arena *a);

/* ---- error.c: the thread's last error ---- */
int phs__error_set(int code, const char *fmt, ...) PHS_PRINTF(2, 3);
/* A specification error at file:line:column (message prefixed with it). */
int phs__error_at(int code, const char *file, int line, int col,
                  const char *fmt, ...) PHS_PRINTF(5, 6);
/* A record error naming the field and (when > 0) the record number. */
int phs__error_record(int code, const char *field, size_t record,
                      const char *fmt, ...) PHS_PRINTF(4, 5);
int phs__error_vset(int code, const char *file, int line, int col,
                    const char *field, const char *fmt, va_list ap);

/* ---- strbuf.c: growable text buffer; oom is sticky ---- */
typedef struct phs__buf {
    char *p;
    size_t len, cap;
    int oom;
} phs__buf;
void phs__buf_putn(phs__buf *b, const char *s, size_t n);
void phs__buf_puts(phs__buf *b, const char *s);
void phs__buf_putc(phs__buf *b, char c);
void phs__buf_printf(phs__buf *b, const char *fmt, ...) PHS_PRINTF(2, 3);
/* Room for n more bytes (and a NUL): where to write them, or NULL (oom
 * set).  The caller adds what it wrote to len and terminates. */
char *phs__buf_reserve(phs__buf *b, size_t n);
void phs__buf_free(phs__buf *b);

/* ---- json.c: the one JSON writer (public: phs_json_quote and
 * phs_number_format) ---- */
/* s[0..n) as a quoted JSON string, always valid UTF-8: returns 1 when
 * invalid UTF-8 was replaced by U+FFFD, else 0. */
int phs__json_str(phs__buf *b, const char *s, size_t n);
/* A NUL-terminated string, or null for NULL; as phs__json_str. */
int phs__json_cstr(phs__buf *b, const char *s);
/* `head` (the punctuation and quoted key before a value, e.g. ",\"tag\":")
 * and s as phs__json_cstr writes it. */
void phs__json_member(phs__buf *b, const char *head, const char *s);
/* `head`, then the date as a JSON string "YYYY-MM-DD", null for
 * PHS_DATE_NONE. */
void phs__json_date(phs__buf *b, const char *head, phs_date d);
/* A number as phs_number_format writes it (shortest round-trip, '.'). */
void phs__json_num(phs__buf *b, double v);

/* ---- sha256.c ---- */
typedef struct phs__sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char blk[64];
    size_t nblk;
    int accel; /* init sets 1 when the CPU has SHA-NI; 0 = portable code */
} phs__sha256;
void phs__sha256_init(phs__sha256 *s);
void phs__sha256_update(phs__sha256 *s, const void *data, size_t n);
void phs__sha256_final(phs__sha256 *s, unsigned char out[32]);

/* ---- decimal.c: locale-independent decimal numbers ---- */
int phs__parse_decimal(const char *s, size_t len, double *out);

/* ---- text.c: cell text as records read it ---- */
/* Strict UTF-8: no overlongs, surrogates or values above U+10FFFF. */
/* The length of the well-formed UTF-8 sequence at s[0..n) (s[0] >= 0x80),
 * or 0 with *bad set to the length of its maximal ill-formed prefix (at
 * least 1), which one U+FFFD replaces. */
size_t phs__utf8_seq(const unsigned char *s, size_t n, size_t *bad);
int phs__utf8_valid(const unsigned char *s, size_t n);
/* Drop leading spaces and tabs and trailing spaces, tabs and CRs. */
static inline void phs__text_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}
/* The next code of a list written "a; b,c" (trimmed text): 1 with the
 * code in s[*a, *b) (spaces and tabs around it dropped, never empty), 0
 * at the end.
 * *pos starts at 0. */
int phs__codes_next(const char *s, size_t len, size_t *pos, size_t *a,
                    size_t *b);
/* Of a title given in Chinese and in English, the one in `lang` ("zh" or
 * "en"); NULL for another language or a NULL lang. */
const char *phs__title_in(const char *zh, const char *en, const char *lang);

#endif
