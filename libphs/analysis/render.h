/*
 * The renderings' private interface: the helpers of renderkit.c, which
 * read a report through the public accessors only, and the diff's
 * renderers of renderdiff.c, which render.c calls.
 */
#ifndef PHS__RENDER_H
#define PHS__RENDER_H

#include "analysis.h"

typedef const phs_report R;

const char *rd_plural(double n);          /* "" for 1, else "s" */
const char *rd_json_bool(int v);
const char *rd_or_empty(const char *s);
/* A rule id without its "tier." or "flag." prefix. */
const char *rd_short_name(const char *rule);
/* Is finding i in section s (any for s < 0) and of kind k (any: 0)? */
int rd_in(R *r, size_t i, long s, int k);
size_t rd_count_kind(R *r, long s, int k);
size_t rd_count_severity(R *r, long s, int severity);
void rd_put_date(phs__buf *b, phs_date d);
/* ,"key": (comma when asked), and with a count or a string after it. */
void rd_json_key(phs__buf *b, int comma, const char *key);
void rd_json_count(phs__buf *b, int comma, const char *key, double v);
void rd_json_str(phs__buf *b, int comma, const char *key, const char *v);
/* Totals of section s as text: each part's format (one %.0f) with its
 * total. */
typedef struct rd_part {
    const char *fmt;
    int which;
} rd_part;
void rd_totals_text(phs__buf *b, R *r, size_t s, const rd_part *parts,
                    size_t n);
/* ,"example":<finding i's example resident, or null>} */
void rd_json_example(phs__buf *b, R *r, size_t i);
/* The findings of section s (all for s < 0) as a JSON array. */
void rd_findings_json(phs__buf *b, R *r, long s);
/* Rows of table t of section s as JSON objects: key `name` for the name,
 * `label` (or NULL: none) for the label, keys[c] for value c. */
void rd_table_json(phs__buf *b, R *r, size_t s, int t, const char *name,
                   const char *label, const char *const *keys, size_t nkeys);

void rd_diff_text(phs__buf *b, R *r);
void rd_diff_json(phs__buf *b, R *r);

#endif
