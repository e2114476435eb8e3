/*
 * The renderings' shared helpers (render.h): counting a report's findings,
 * its dates and the JSON keys, findings, examples and tables that
 * render.c and renderdiff.c both write.  Like them, they read a report
 * through the public accessors of <phs/analysis.h> only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

const char *rd_plural(double n) { return n == 1 ? "" : "s"; }

const char *rd_json_bool(int v) { return v ? "true" : "false"; }

/* A rule id without its "tier." or "flag." prefix: the tier or flag. */
const char *rd_short_name(const char *rule)
{
    const char *dot = rule ? strchr(rule, '.') : NULL;
    return dot ? dot + 1 : rule ? rule : "";
}

const char *rd_or_empty(const char *s) { return s ? s : ""; }

/* Findings of section s (all findings for s < 0) of kind k (any: 0). */
int rd_in(R *r, size_t i, long s, int k)
{
    return (s < 0 || phs_report_finding_section(r, i) == s) &&
           (!k || phs_report_kind(r, i) == k);
}

size_t rd_count_kind(R *r, long s, int k)
{
    size_t n = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        n += rd_in(r, i, s, k);
    return n;
}

size_t rd_count_severity(R *r, long s, int severity)
{
    size_t n = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        n += rd_in(r, i, s, 0) && phs_report_severity(r, i) == severity;
    return n;
}

void rd_put_date(phs__buf *b, phs_date d)
{
    char t[11];
    phs_date_format(d, t);
    phs__buf_puts(b, t);
}

void rd_json_key(phs__buf *b, int comma, const char *key)
{
    if (comma)
        phs__buf_putc(b, ',');
    phs__json_cstr(b, key);
    phs__buf_putc(b, ':');
}

void rd_json_count(phs__buf *b, int comma, const char *key, double v)
{
    rd_json_key(b, comma, key);
    phs__buf_printf(b, "%.0f", v);
}

void rd_json_str(phs__buf *b, int comma, const char *key, const char *v)
{
    rd_json_key(b, comma, key);
    phs__json_cstr(b, v);
}

/* The findings of section s (all for s < 0) as a JSON array. */
void rd_findings_json(phs__buf *b, R *r, long s)
{
    int first = 1;
    phs__buf_putc(b, '[');
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, s, 0))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        rd_json_str(b, 0, "kind", phs_finding_kind_name(phs_report_kind(r, i)));
        rd_json_str(b, 1, "severity",
                 phs_severity_name(phs_report_severity(r, i)));
        rd_json_str(b, 1, "program", phs_report_program(r, i));
        rd_json_str(b, 1, "rule", phs_report_rule(r, i));
        rd_json_str(b, 1, "message", phs_report_message(r, i));
        rd_json_example(b, r, i);
    }
    phs__buf_putc(b, ']');
}

void rd_totals_text(phs__buf *b, R *r, size_t s, const rd_part *parts,
                    size_t n)
{
    for (size_t k = 0; k < n; k++)
        phs__buf_printf(b, parts[k].fmt,
                        phs_report_section_total(r, s, parts[k].which));
}

void rd_json_example(phs__buf *b, R *r, size_t i)
{
    const char *ex = phs_report_example(r, i);
    rd_json_key(b, 1, "example");
    phs__buf_puts(b, ex ? ex : "null");
    phs__buf_putc(b, '}');
}

void rd_table_json(phs__buf *b, R *r, size_t s, int t, const char *name,
                   const char *label, const char *const *keys, size_t nkeys)
{
    phs__buf_putc(b, '[');
    for (size_t k = 0; k < phs_report_table_rows(r, s, t); k++) {
        phs__buf_puts(b, k ? ",{" : "{");
        rd_json_str(b, 0, name, phs_report_table_name(r, s, t, k));
        if (label)
            rd_json_str(b, 1, label, phs_report_table_label(r, s, t, k));
        for (size_t c = 0; c < nkeys; c++)
            rd_json_count(b, 1, keys[c], phs_report_table_value(r, s, t, k, c));
        phs__buf_putc(b, '}');
    }
    phs__buf_putc(b, ']');
}
