/*
 * The text and JSON renderings of a report.  They read the report through
 * the public accessors of <phs/analysis.h> only, so whatever they show a
 * C program, the bindings or a test can read as data; phs__report_finish
 * makes them when a report is complete.  Numbers are written the same
 * under every locale (counts as whole numbers, the one fraction through
 * phs_number_format).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

typedef const phs_report R;

static const char *plural(double n) { return n == 1 ? "" : "s"; }

static const char *json_bool(int v) { return v ? "true" : "false"; }

/* A rule id without its "tier." or "flag." prefix: the tier or flag. */
static const char *short_name(const char *rule)
{
    const char *dot = rule ? strchr(rule, '.') : NULL;
    return dot ? dot + 1 : rule ? rule : "";
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Findings of section s (all findings for s < 0) of kind k (any: 0). */
static int in(R *r, size_t i, long s, int k)
{
    return (s < 0 || phs_report_finding_section(r, i) == s) &&
           (!k || phs_report_kind(r, i) == k);
}

static size_t count_kind(R *r, long s, int k)
{
    size_t n = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        n += in(r, i, s, k);
    return n;
}

static size_t count_severity(R *r, long s, int severity)
{
    size_t n = 0;
    for (size_t i = 0; i < phs_report_count(r); i++)
        n += in(r, i, s, 0) && phs_report_severity(r, i) == severity;
    return n;
}

static void put_date(phs__buf *b, phs_date d)
{
    char t[11];
    phs_date_format(d, t);
    phs__buf_puts(b, t);
}

static void json_key(phs__buf *b, int comma, const char *key)
{
    if (comma)
        phs__buf_putc(b, ',');
    phs__json_cstr(b, key);
    phs__buf_putc(b, ':');
}

static void json_count(phs__buf *b, int comma, const char *key, double v)
{
    json_key(b, comma, key);
    phs__buf_printf(b, "%.0f", v);
}

static void json_str(phs__buf *b, int comma, const char *key, const char *v)
{
    json_key(b, comma, key);
    phs__json_cstr(b, v);
}

/* The findings of section s (all for s < 0) as a JSON array. */
static void findings_json(phs__buf *b, R *r, long s)
{
    int first = 1;
    phs__buf_putc(b, '[');
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, s, 0))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        json_str(b, 0, "kind", phs_finding_kind_name(phs_report_kind(r, i)));
        json_str(b, 1, "severity",
                 phs_severity_name(phs_report_severity(r, i)));
        json_str(b, 1, "program", phs_report_program(r, i));
        json_str(b, 1, "rule", phs_report_rule(r, i));
        json_str(b, 1, "message", phs_report_message(r, i));
        json_key(b, 1, "example");
        phs__buf_puts(b, phs_report_example(r, i) ? phs_report_example(r, i)
                                                  : "null");
        phs__buf_putc(b, '}');
    }
    phs__buf_putc(b, ']');
}

/* The end of a report: its errors and warnings, and whether it passes. */
static void totals_text(phs__buf *b, R *r, const char *fail)
{
    size_t e = phs_report_errors(r), w = phs_report_warnings(r);
    phs__buf_printf(b, "%s: %zu error%s, %zu warning%s\n", e ? fail : "PASS",
                    e, plural((double)e), w, plural((double)w));
}

static void totals_json(phs__buf *b, R *r)
{
    phs__buf_printf(b, ",\"errors\":%zu,\"warnings\":%zu,\"ok\":%s}",
                    phs_report_errors(r), phs_report_warnings(r),
                    json_bool(!phs_report_errors(r)));
}

/* ------------------------------------------------------------------ */
/* verify                                                              */
/* ------------------------------------------------------------------ */

/* Regions of kind k: one line each, then how many more there are. */
static void regions_text(phs__buf *b, R *r, size_t s, int k, int total)
{
    size_t shown = 0;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, k))
            continue;
        shown++;
        if (k == PHS_FINDING_GAP)
            phs__buf_printf(b, "  GAP  %s (%.0f cells): no tier decides\n"
                               "       e.g. %s\n",
                            or_empty(phs_report_detail(r, i)),
                            phs_report_cells(r, i),
                            or_empty(phs_report_example(r, i)));
        else
            phs__buf_printf(b, "  INSUFFICIENT %s (%.0f cells)%s\n",
                            or_empty(phs_report_detail(r, i)),
                            phs_report_cells(r, i),
                            !strcmp(or_empty(phs_report_rule(r, i)),
                                    "eligibility")
                                ? ": eligibility undecided"
                                : "");
    }
    double more = phs_report_section_total(r, s, total) - (double)shown;
    if (more > 0)
        phs__buf_printf(b, "       ... and %.0f more region%s\n", more,
                        plural(more));
}

/* The findings after the regions and dead tiers, in the order made. */
static void verify_notes_text(phs__buf *b, R *r, size_t s)
{
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, 0))
            continue;
        const char *ex = phs_report_example(r, i);
        switch (phs_report_kind(r, i)) {
        case PHS_FINDING_SAMPLED:
            phs__buf_puts(b, "  NOTE sampled: not a proof (raise --max-cells "
                             "for an exhaustive check)\n");
            break;
        case PHS_FINDING_OUTSIDE:
            phs__buf_printf(b, "  NOTE %s: outside the exact fragment: %s\n",
                            or_empty(phs_report_rule(r, i)),
                            or_empty(phs_report_detail(r, i)));
            break;
        case PHS_FINDING_NOTE:
            phs__buf_printf(b, "  NOTE %s\n", phs_report_message(r, i));
            break;
        case PHS_FINDING_DEAD_FLAG:
            phs__buf_printf(b, "  DEAD FLAG %s: %s\n",
                            short_name(phs_report_rule(r, i)),
                            or_empty(phs_report_detail(r, i)));
            if (ex)
                phs__buf_printf(b, "       e.g. %s\n", ex);
            break;
        default:
            break;
        }
    }
}

static void verify_section_text(phs__buf *b, R *r, size_t s)
{
    phs__buf_printf(b, "\n%s %s [%s] effective ",
                    phs_report_section_program(r, s),
                    phs_report_section_version(r, s),
                    phs_report_section_status(r, s));
    put_date(b, phs_report_section_from(r, s));
    phs__buf_puts(b, " to ");
    if (phs_report_section_to(r, s) == PHS_DATE_NONE)
        phs__buf_puts(b, "open");
    else
        put_date(b, phs_report_section_to(r, s));
    phs__buf_printf(b, ", %s\n  checked on visit date ",
                    phs_report_section_fingerprint(r, s));
    put_date(b, phs_report_section_date(r, s));
    /* the space of the tiers */
    size_t nd = phs_report_dimension_count(r, s);
    int sampled = count_kind(r, (long)s, PHS_FINDING_SAMPLED) > 0;
    phs__buf_printf(b, "\n  tiers: %zu dimension%s, %.0f cells, ", nd,
                    plural((double)nd),
                    phs_report_section_total(r, s, PHS_TOTAL_CELLS));
    if (sampled)
        phs__buf_printf(b, "%.0f checked (sampled, seed %llu)\n",
                        phs_report_section_total(r, s, PHS_TOTAL_CHECKED),
                        (unsigned long long)phs_report_seed(r));
    else
        phs__buf_puts(b, "all checked\n");
    for (size_t d = 0; d < nd; d++) {
        size_t nv = phs_report_dimension_value_count(r, s, d);
        phs__buf_printf(b, "    %-28s %3zu value%s%s\n",
                        phs_report_dimension_name(r, s, d), nv,
                        plural((double)nv),
                        phs_report_dimension_derived(r, s, d) == 1
                            ? "  (derived; witness search)"
                            : "");
    }
    /* outcomes */
    phs__buf_printf(b, "  outcomes (cells): not enrolled %.0f",
                    phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED));
    for (size_t t = 0; t < phs_report_table_rows(r, s, PHS_TABLE_TIERS); t++)
        phs__buf_printf(b, ", %s %.0f",
                        phs_report_table_name(r, s, PHS_TABLE_TIERS, t),
                        phs_report_table_value(r, s, PHS_TABLE_TIERS, t, 0));
    phs__buf_printf(
        b, ", insufficient_data %.0f (eligibility undecided %.0f), "
           "unclassified %.0f, refused by record checks %.0f\n",
        phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT),
        phs_report_section_total(r, s, PHS_TOTAL_ELIGIBILITY_UNDECIDED),
        phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED),
        phs_report_section_total(r, s, PHS_TOTAL_REFUSED));
    /* completeness, dead tiers, insufficient_data */
    if (phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED) == 0)
        phs__buf_puts(b, "  OK   complete: every eligible cell reaches a "
                         "tier (or insufficient_data)\n");
    else
        regions_text(b, r, s, PHS_FINDING_GAP, PHS_TOTAL_GAP_REGIONS);
    if (!count_kind(r, (long)s, PHS_FINDING_DEAD_TIER))
        phs__buf_puts(b, "  OK   every tier is reached\n");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, PHS_FINDING_DEAD_TIER))
            continue;
        const char *tier = short_name(phs_report_rule(r, i));
        const char *by = or_empty(phs_report_after(r, i));
        if (phs_report_example(r, i))
            phs__buf_printf(b, "  DEAD TIER %s: shadowed by %s\n"
                               "       e.g. %s (its condition holds; "
                               "classified %s)\n",
                            tier, by, phs_report_example(r, i), by);
        else
            phs__buf_printf(b, "  DEAD TIER %s: its condition holds for no "
                               "eligible resident\n", tier);
    }
    regions_text(b, r, s, PHS_FINDING_INSUFFICIENT,
                 PHS_TOTAL_INSUFFICIENT_REGIONS);
    verify_notes_text(b, r, s);
    /* flags */
    size_t nf = phs_report_table_rows(r, s, PHS_TABLE_FLAGS), live = 0;
    int flags_sampled = 0;
    for (size_t f = 0; f < nf; f++) {
        live += phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0) != 0;
        flags_sampled |= phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 1) != 0;
    }
    if (nf)
        phs__buf_printf(b, "  %s  flags: %zu of %zu can fire%s\n",
                        live < nf ? "    " : "OK ", live, nf,
                        flags_sampled ? " (some checked on a sample)" : "");
    size_t errs = count_severity(r, (long)s, PHS_SEVERITY_ERROR);
    phs__buf_printf(b, "  %s: %zu error%s\n", errs ? "FAIL" : "PASS", errs,
                    plural((double)errs));
}

static void verify_text(phs__buf *b, R *r)
{
    phs__buf_printf(b, "phs verify: rules %s\n", phs_report_fingerprint(r));
    for (size_t s = 0; s < phs_report_section_count(r); s++)
        verify_section_text(b, r, s);
    phs__buf_putc(b, '\n');
    totals_text(b, r, "FAIL");
}

static void dimensions_json(phs__buf *b, R *r, size_t s)
{
    phs__buf_puts(b, "\"dimensions\":[");
    for (size_t d = 0; d < phs_report_dimension_count(r, s); d++) {
        phs__buf_puts(b, d ? ",{" : "{");
        json_str(b, 0, "name", phs_report_dimension_name(r, s, d));
        json_key(b, 1, "derived");
        phs__buf_puts(b, json_bool(phs_report_dimension_derived(r, s, d) == 1));
        json_key(b, 1, "values");
        phs__buf_putc(b, '[');
        for (size_t k = 0; k < phs_report_dimension_value_count(r, s, d); k++) {
            if (k)
                phs__buf_putc(b, ',');
            phs__json_cstr(b, phs_report_dimension_value(r, s, d, k));
        }
        phs__buf_puts(b, "]}");
    }
    phs__buf_putc(b, ']');
}

static void verify_section_json(phs__buf *b, R *r, size_t s)
{
    int sampled = count_kind(r, (long)s, PHS_FINDING_SAMPLED) > 0;
    phs__buf_putc(b, '{');
    json_str(b, 0, "program", phs_report_section_program(r, s));
    json_str(b, 1, "version", phs_report_section_version(r, s));
    json_str(b, 1, "fingerprint", phs_report_section_fingerprint(r, s));
    phs__buf_puts(b, ",\"effective\":{\"from\":\"");
    put_date(b, phs_report_section_from(r, s));
    phs__buf_puts(b, "\",\"to\":");
    if (phs_report_section_to(r, s) == PHS_DATE_NONE) {
        phs__buf_puts(b, "null");
    } else {
        phs__buf_putc(b, '"');
        put_date(b, phs_report_section_to(r, s));
        phs__buf_putc(b, '"');
    }
    phs__buf_puts(b, "},\"visit_date\":\"");
    put_date(b, phs_report_section_date(r, s));
    phs__buf_puts(b, "\",\"tiers\":{");
    json_count(b, 0, "cells", phs_report_section_total(r, s, PHS_TOTAL_CELLS));
    json_count(b, 1, "checked",
               phs_report_section_total(r, s, PHS_TOTAL_CHECKED));
    phs__buf_printf(b, ",\"sampled\":%s,", json_bool(sampled));
    dimensions_json(b, r, s);
    phs__buf_puts(b, "},\"outcomes\":{");
    json_count(b, 0, "not_enrolled",
               phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED));
    for (size_t t = 0; t < phs_report_table_rows(r, s, PHS_TABLE_TIERS); t++)
        json_count(b, 1, phs_report_table_name(r, s, PHS_TABLE_TIERS, t),
                   phs_report_table_value(r, s, PHS_TABLE_TIERS, t, 0));
    json_count(b, 1, "insufficient_data",
               phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT));
    json_count(b, 1, "eligibility_undecided",
               phs_report_section_total(r, s,
                                        PHS_TOTAL_ELIGIBILITY_UNDECIDED));
    json_count(b, 1, "unclassified",
               phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    json_count(b, 1, "refused",
               phs_report_section_total(r, s, PHS_TOTAL_REFUSED));
    phs__buf_printf(
        b, "},\"exact\":%s,\"derived_approximation\":%s,",
        json_bool(!phs_report_section_total(r, s, PHS_TOTAL_OUTSIDE) &&
                  !sampled),
        json_bool(phs_report_section_total(r, s, PHS_TOTAL_APPROXIMATED) != 0));
    size_t nf = phs_report_table_rows(r, s, PHS_TABLE_FLAGS), dead = 0;
    for (size_t f = 0; f < nf; f++)
        dead += phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0) == 0;
    phs__buf_printf(b, "\"flags\":{\"count\":%zu,\"dead\":%zu},", nf, dead);
    phs__buf_printf(b, "\"errors\":%zu,\"findings\":",
                    count_severity(r, (long)s, PHS_SEVERITY_ERROR));
    findings_json(b, r, (long)s);
    phs__buf_putc(b, '}');
}

static void verify_json(phs__buf *b, R *r)
{
    phs__buf_puts(b, "{\"command\":\"verify\"");
    json_str(b, 1, "rules_fingerprint", phs_report_fingerprint(r));
    phs__buf_printf(b, ",\"max_cells\":%zu,\"seed\":%llu,\"programs\":[",
                    phs_report_max_cells(r),
                    (unsigned long long)phs_report_seed(r));
    for (size_t s = 0; s < phs_report_section_count(r); s++) {
        if (s)
            phs__buf_putc(b, ',');
        verify_section_json(b, r, s);
    }
    phs__buf_putc(b, ']');
    totals_json(b, r);
}

/* ------------------------------------------------------------------ */
/* diff                                                                */
/* ------------------------------------------------------------------ */

/* Residents (or cells) compared in section s, and whether it is quiet
 * (nothing changes). */
static double diff_total(R *r, size_t s)
{
    return phs_report_section_total(
        r, s, phs_report_population(r) ? PHS_TOTAL_RESIDENTS
                                       : PHS_TOTAL_CHECKED);
}

static int diff_quiet(R *r, size_t s)
{
    static const int moved[] = {PHS_TOTAL_CHANGED, PHS_TOTAL_DUE_EARLIER,
                                PHS_TOTAL_DUE_LATER, PHS_TOTAL_DUE_APPEARED,
                                PHS_TOTAL_DUE_GONE};
    for (size_t k = 0; k < sizeof moved / sizeof moved[0]; k++)
        if (phs_report_section_total(r, s, moved[k]) != 0)
            return 0;
    return phs_report_table_rows(r, s, PHS_TABLE_FLAGS) == 0;
}

/* "12.50": two decimals, rounded, the same in every locale. */
static void put_percent(phs__buf *b, double x)
{
    char t[PHS_NUMBER_BUFSIZE + 4];
    size_t n = phs_number_format(floor(x * 100 + 0.5) / 100, t);
    const char *dot = strchr(t, '.');
    if (!dot)
        memcpy(t + n, ".00", 4);
    else if (t + n - dot == 2)
        memcpy(t + n, "0", 2);
    phs__buf_puts(b, t);
}

static size_t label_width(R *r, size_t s, int cols)
{
    size_t w = 8;
    size_t n = cols ? phs_report_matrix_cols(r, s) : phs_report_matrix_rows(r, s);
    for (size_t k = 0; k < n; k++) {
        const char *l = cols ? phs_report_matrix_col(r, s, k)
                             : phs_report_matrix_row(r, s, k);
        if (strlen(l) + 1 > w)
            w = strlen(l) + 1;
    }
    return w;
}

static void matrix_text(phs__buf *b, R *r, size_t s)
{
    size_t nr = phs_report_matrix_rows(r, s), nc = phs_report_matrix_cols(r, s);
    int w = (int)label_width(r, s, 1), wr = (int)label_width(r, s, 0);
    phs__buf_printf(b, "    %-*s", wr, "");
    for (size_t x = 0; x < nc; x++)
        phs__buf_printf(b, " %*s", w, phs_report_matrix_col(r, s, x));
    phs__buf_putc(b, '\n');
    for (size_t y = 0; y < nr; y++) {
        phs__buf_printf(b, "    %-*s", wr, phs_report_matrix_row(r, s, y));
        for (size_t x = 0; x < nc; x++)
            phs__buf_printf(b, " %*.0f", w, phs_report_matrix_cell(r, s, y, x));
        phs__buf_putc(b, '\n');
    }
}

/* Is cell (y, x) of section s's matrix a change? */
static int changed_cell(R *r, size_t s, size_t y, size_t x)
{
    return phs_report_matrix_cell(r, s, y, x) > 0 &&
           strcmp(phs_report_matrix_row(r, s, y),
                  phs_report_matrix_col(r, s, x));
}

static void change_text(phs__buf *b, R *r, size_t s, size_t y, size_t x)
{
    size_t nids = phs_report_matrix_example_count(r, s, y, x);
    size_t nc = phs_report_cause_count(r, s, y, x);
    phs__buf_printf(b, "    %s -> %s: %.0f", phs_report_matrix_row(r, s, y),
                    phs_report_matrix_col(r, s, x),
                    phs_report_matrix_cell(r, s, y, x));
    for (size_t k = 0; k < nids; k++)
        phs__buf_printf(b, "%s%s", k ? ", " : " (e.g. ",
                        phs_report_matrix_example_id(r, s, y, x, k));
    phs__buf_puts(b, nids ? ")\n" : "\n");
    if (!nc)
        return;
    phs__buf_puts(b, "      because: ");
    for (size_t k = 0; k < nc; k++)
        phs__buf_printf(b, "%s%s %s -> %s", k ? "; " : "",
                        phs_report_cause_rule(r, s, y, x, k),
                        phs_report_cause_old(r, s, y, x, k),
                        phs_report_cause_new(r, s, y, x, k));
    phs__buf_puts(b, "\n      clauses: ");
    for (size_t k = 0; k < phs_report_clause_count(r, s, y, x); k++)
        phs__buf_printf(b, "%s%s", k ? ", " : "",
                        phs_report_clause(r, s, y, x, k));
    phs__buf_puts(b, phs_report_clause_count(r, s, y, x) ? "\n" : "-\n");
}

static void diff_section_text(phs__buf *b, R *r, size_t s)
{
    int pop = phs_report_population(r) != NULL;
    const char *unit = pop ? "residents" : "cells";
    double total = diff_total(r, s);
    double changed = phs_report_section_total(r, s, PHS_TOTAL_CHANGED);
    int quiet = diff_quiet(r, s), any = 0;
    phs__buf_printf(b, "\n%s: %s %s -> %s %s\n",
                    phs_report_section_program(r, s),
                    phs_report_section_version(r, s),
                    phs_report_section_fingerprint(r, s),
                    phs_report_section_new_version(r, s),
                    phs_report_section_new_fingerprint(r, s));
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (in(r, i, (long)s, PHS_FINDING_PARAM_CHANGED))
            phs__buf_printf(b, "  parameter %s: %s -> %s\n",
                            phs_report_rule(r, i), phs_report_before(r, i),
                            phs_report_after(r, i));
    phs__buf_puts(b, "  rules changed: ");
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (in(r, i, (long)s, PHS_FINDING_RULE_CHANGED))
            phs__buf_printf(b, "%s%s (%s)", any++ ? ", " : "",
                            phs_report_rule(r, i), phs_report_detail(r, i));
    phs__buf_puts(b, any ? "\n" : "none\n");
    if (!pop)
        phs__buf_printf(b, "  input space: %zu dimensions, %.0f cells, %s\n",
                        phs_report_dimension_count(r, s),
                        phs_report_section_total(r, s, PHS_TOTAL_CELLS),
                        phs_report_section_total(r, s, PHS_TOTAL_SAMPLED)
                            ? "sampled"
                            : "all compared");
    if (quiet) {
        phs__buf_printf(b, "  unchanged: all %.0f %s keep their outcome%s\n",
                        total, unit, pop ? ", due date and flags" : "");
    } else {
        phs__buf_printf(b, "  transition matrix (%s; rows: old, columns: "
                           "new):\n", unit);
        matrix_text(b, r, s);
        phs__buf_printf(b, "  changed: %.0f of %.0f %s (", changed, total,
                        unit);
        put_percent(b, total > 0 ? 100.0 * changed / total : 0);
        phs__buf_puts(b, "%)\n");
    }
    for (size_t y = 0; y < phs_report_matrix_rows(r, s); y++)
        for (size_t x = 0; x < phs_report_matrix_cols(r, s); x++)
            if (changed_cell(r, s, y, x))
                change_text(b, r, s, y, x);
    if (pop) {
        if (!quiet)
            phs__buf_printf(
                b, "  next due date: %.0f unchanged, %.0f earlier, %.0f later, "
                   "%.0f newly due, %.0f no longer due\n",
                phs_report_section_total(r, s, PHS_TOTAL_DUE_SAME),
                phs_report_section_total(r, s, PHS_TOTAL_DUE_EARLIER),
                phs_report_section_total(r, s, PHS_TOTAL_DUE_LATER),
                phs_report_section_total(r, s, PHS_TOTAL_DUE_APPEARED),
                phs_report_section_total(r, s, PHS_TOTAL_DUE_GONE));
        for (size_t k = 0; k < phs_report_shift_count(r, s); k++) {
            long days = phs_report_shift_days(r, s, k);
            phs__buf_printf(b, "    %s by %ld day%s: %.0f\n",
                            days < 0 ? "earlier" : "later", labs(days),
                            plural((double)labs(days)),
                            phs_report_shift_residents(r, s, k));
        }
        for (size_t f = 0; f < phs_report_table_rows(r, s, PHS_TABLE_FLAGS); f++)
            phs__buf_printf(
                b, "  flag %s: %.0f raised, %.0f no longer raised\n",
                phs_report_table_name(r, s, PHS_TABLE_FLAGS, f),
                phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0),
                phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 1));
        return;
    }
    size_t shown = 0, regions = 0;
    phs__buf_puts(b, "  regions whose outcome changes:\n");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, PHS_FINDING_TRANSITION) ||
            !phs_report_detail(r, i))
            continue;
        regions++;
        if (shown >= 40)
            continue;
        shown++;
        phs__buf_printf(b, "    %s: %s -> %s (%.0f cells)\n      e.g. %s\n",
                        phs_report_detail(r, i), phs_report_before(r, i),
                        phs_report_after(r, i), phs_report_cells(r, i),
                        or_empty(phs_report_example(r, i)));
    }
    if (regions > shown)
        phs__buf_printf(b, "    ... and %zu more regions (see --json)\n",
                        regions - shown);
    if (!regions)
        phs__buf_puts(b, "    none\n");
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (in(r, i, (long)s, PHS_FINDING_OUTSIDE))
            phs__buf_printf(b, "  NOTE outside the exact fragment: %s: %s\n",
                            phs_report_rule(r, i),
                            or_empty(phs_report_detail(r, i)));
}

static void diff_text(phs__buf *b, R *r)
{
    phs__buf_printf(b, "phs diff: old %s\n          new %s\n",
                    phs_report_fingerprint(r), phs_report_new_fingerprint(r));
    if (phs_report_population(r))
        phs__buf_printf(b, "population %s: %.0f residents read, %.0f "
                           "unreadable, %.0f refused by a record check\n",
                        phs_report_population(r),
                        phs_report_total(r, PHS_TOTAL_RESIDENTS),
                        phs_report_total(r, PHS_TOTAL_UNREADABLE),
                        phs_report_total(r, PHS_TOTAL_REFUSED));
    for (size_t s = 0; s < phs_report_section_count(r); s++)
        diff_section_text(b, r, s);
    phs__buf_printf(b, "\n%s\n", phs_report_total(r, PHS_TOTAL_CHANGED) > 0
                                     ? "outcomes differ"
                                     : "no outcome differs");
}

static void label_list_json(phs__buf *b, R *r, size_t s, int cols)
{
    size_t n = cols ? phs_report_matrix_cols(r, s) : phs_report_matrix_rows(r, s);
    phs__buf_putc(b, '[');
    for (size_t k = 0; k < n; k++) {
        if (k)
            phs__buf_putc(b, ',');
        phs__json_cstr(b, cols ? phs_report_matrix_col(r, s, k)
                               : phs_report_matrix_row(r, s, k));
    }
    phs__buf_putc(b, ']');
}

static void change_json(phs__buf *b, R *r, size_t s, size_t y, size_t x)
{
    json_str(b, 0, "from", phs_report_matrix_row(r, s, y));
    json_str(b, 1, "to", phs_report_matrix_col(r, s, x));
    json_count(b, 1, "count", phs_report_matrix_cell(r, s, y, x));
    phs__buf_puts(b, ",\"examples\":[");
    for (size_t k = 0; k < phs_report_matrix_example_count(r, s, y, x); k++) {
        if (k)
            phs__buf_putc(b, ',');
        phs__json_cstr(b, phs_report_matrix_example_id(r, s, y, x, k));
    }
    phs__buf_puts(b, "],\"causes\":[");
    for (size_t k = 0; k < phs_report_cause_count(r, s, y, x); k++) {
        phs__buf_puts(b, k ? ",{" : "{");
        json_str(b, 0, "rule", phs_report_cause_rule(r, s, y, x, k));
        json_str(b, 1, "old", phs_report_cause_old(r, s, y, x, k));
        json_str(b, 1, "new", phs_report_cause_new(r, s, y, x, k));
        json_count(b, 1, "count", phs_report_cause_residents(r, s, y, x, k));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],\"clauses\":[");
    for (size_t k = 0; k < phs_report_clause_count(r, s, y, x); k++) {
        if (k)
            phs__buf_putc(b, ',');
        phs__json_cstr(b, phs_report_clause(r, s, y, x, k));
    }
    phs__buf_puts(b, "]}");
}

static void matrix_json(phs__buf *b, R *r, size_t s)
{
    size_t nr = phs_report_matrix_rows(r, s), nc = phs_report_matrix_cols(r, s);
    int first = 1;
    phs__buf_puts(b, "\"matrix\":{\"rows\":");
    label_list_json(b, r, s, 0);
    phs__buf_puts(b, ",\"columns\":");
    label_list_json(b, r, s, 1);
    phs__buf_puts(b, ",\"counts\":[");
    for (size_t y = 0; y < nr; y++) {
        phs__buf_puts(b, y ? ",[" : "[");
        for (size_t x = 0; x < nc; x++)
            phs__buf_printf(b, "%s%.0f", x ? "," : "",
                            phs_report_matrix_cell(r, s, y, x));
        phs__buf_putc(b, ']');
    }
    phs__buf_printf(b, "]},\"total\":%.0f,\"changed\":%.0f,\"changes\":[",
                    diff_total(r, s),
                    phs_report_section_total(r, s, PHS_TOTAL_CHANGED));
    for (size_t y = 0; y < nr; y++)
        for (size_t x = 0; x < nc; x++)
            if (changed_cell(r, s, y, x)) {
                phs__buf_puts(b, first ? "{" : ",{");
                first = 0;
                change_json(b, r, s, y, x);
            }
    phs__buf_puts(b, "],");
}

static void population_json(phs__buf *b, R *r, size_t s)
{
    phs__buf_puts(b, "\"next_due\":{");
    json_count(b, 0, "unchanged",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_SAME));
    json_count(b, 1, "earlier",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_EARLIER));
    json_count(b, 1, "later", phs_report_section_total(r, s, PHS_TOTAL_DUE_LATER));
    json_count(b, 1, "appeared",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_APPEARED));
    json_count(b, 1, "disappeared",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_GONE));
    phs__buf_puts(b, ",\"shifts\":[");
    for (size_t k = 0; k < phs_report_shift_count(r, s); k++)
        phs__buf_printf(b, "%s{\"days\":%ld,\"count\":%.0f}", k ? "," : "",
                        phs_report_shift_days(r, s, k),
                        phs_report_shift_residents(r, s, k));
    phs__buf_puts(b, "]},\"flags\":[");
    for (size_t f = 0; f < phs_report_table_rows(r, s, PHS_TABLE_FLAGS); f++) {
        phs__buf_puts(b, f ? ",{" : "{");
        json_str(b, 0, "flag", phs_report_table_name(r, s, PHS_TABLE_FLAGS, f));
        json_count(b, 1, "raised",
                   phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0));
        json_count(b, 1, "no_longer_raised",
                   phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 1));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],");
}

static void regions_json(phs__buf *b, R *r, size_t s)
{
    int first = 1;
    phs__buf_puts(b, "\"regions\":[");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, PHS_FINDING_TRANSITION) ||
            !phs_report_detail(r, i))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        json_str(b, 0, "region", phs_report_detail(r, i));
        json_str(b, 1, "from", phs_report_before(r, i));
        json_str(b, 1, "to", phs_report_after(r, i));
        json_count(b, 1, "cells", phs_report_cells(r, i));
        json_key(b, 1, "example");
        phs__buf_puts(b, phs_report_example(r, i) ? phs_report_example(r, i)
                                                  : "null");
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],");
}

static void diff_section_json(phs__buf *b, R *r, size_t s)
{
    int first = 1, pop = phs_report_population(r) != NULL;
    phs__buf_putc(b, '{');
    json_str(b, 0, "program", phs_report_section_program(r, s));
    json_str(b, 1, "old_version", phs_report_section_version(r, s));
    json_str(b, 1, "old_fingerprint", phs_report_section_fingerprint(r, s));
    json_str(b, 1, "new_version", phs_report_section_new_version(r, s));
    json_str(b, 1, "new_fingerprint",
             phs_report_section_new_fingerprint(r, s));
    phs__buf_puts(b, ",\"parameters_changed\":[");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, PHS_FINDING_PARAM_CHANGED))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        json_str(b, 0, "name", phs_report_rule(r, i));
        json_str(b, 1, "old", phs_report_before(r, i));
        json_str(b, 1, "new", phs_report_after(r, i));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],\"rules_changed\":[");
    first = 1;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!in(r, i, (long)s, PHS_FINDING_RULE_CHANGED))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        json_str(b, 0, "rule", phs_report_rule(r, i));
        json_str(b, 1, "change", phs_report_detail(r, i));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],");
    if (!pop)
        phs__buf_printf(b, "\"cells\":%.0f,\"sampled\":%s,",
                        phs_report_section_total(r, s, PHS_TOTAL_CELLS),
                        json_bool(phs_report_section_total(
                                      r, s, PHS_TOTAL_SAMPLED) != 0));
    matrix_json(b, r, s);
    if (pop)
        population_json(b, r, s);
    else
        regions_json(b, r, s);
    phs__buf_printf(b, "\"changed_total\":%.0f}",
                    phs_report_section_total(r, s, PHS_TOTAL_CHANGED));
}

static void diff_json(phs__buf *b, R *r)
{
    const char *pop = phs_report_population(r);
    phs__buf_puts(b, "{\"command\":\"diff\"");
    json_str(b, 1, "mode", pop ? "population" : "input_space");
    json_str(b, 1, "old", phs_report_fingerprint(r));
    json_str(b, 1, "new", phs_report_new_fingerprint(r));
    if (pop) {
        json_str(b, 1, "population", pop);
        json_count(b, 1, "residents", phs_report_total(r, PHS_TOTAL_RESIDENTS));
        json_count(b, 1, "unreadable",
                   phs_report_total(r, PHS_TOTAL_UNREADABLE));
        json_count(b, 1, "refused", phs_report_total(r, PHS_TOTAL_REFUSED));
    }
    phs__buf_puts(b, ",\"programs\":[");
    for (size_t s = 0; s < phs_report_section_count(r); s++) {
        if (s)
            phs__buf_putc(b, ',');
        diff_section_json(b, r, s);
    }
    double changed = phs_report_total(r, PHS_TOTAL_CHANGED);
    phs__buf_printf(b, "],\"changed\":%.0f,\"differ\":%s}", changed,
                    json_bool(changed > 0));
}

/* ------------------------------------------------------------------ */
/* coverage                                                            */
/* ------------------------------------------------------------------ */

static void coverage_section_text(phs__buf *b, R *r, size_t s)
{
    double nex = phs_report_section_total(r, s, PHS_TOTAL_EXAMPLES);
    size_t nt = phs_report_table_rows(r, s, PHS_TABLE_TIERS);
    size_t nf = phs_report_table_rows(r, s, PHS_TABLE_FLAGS);
    phs__buf_printf(b, "\n%s %s: %.0f example%s (%.0f refused by a record "
                       "check, %.0f failing)\n  tiers: ",
                    phs_report_section_program(r, s),
                    phs_report_section_version(r, s), nex, plural(nex),
                    phs_report_section_total(r, s, PHS_TOTAL_REFUSED),
                    phs_report_section_total(r, s, PHS_TOTAL_FAILED));
    for (size_t t = 0; t < nt; t++)
        phs__buf_printf(b, "%s%s %.0f", t ? ", " : "",
                        phs_report_table_name(r, s, PHS_TABLE_TIERS, t),
                        phs_report_table_value(r, s, PHS_TABLE_TIERS, t, 0));
    phs__buf_printf(b, "; not enrolled %.0f, insufficient_data %.0f, "
                       "unclassified %.0f\n",
                    phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED),
                    phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT),
                    phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    for (size_t f = 0; f < nf; f++)
        phs__buf_printf(b, "%s%s %.0f", f ? ", " : "  flags: ",
                        phs_report_table_name(r, s, PHS_TABLE_FLAGS, f),
                        phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0));
    if (nf)
        phs__buf_putc(b, '\n');
    phs__buf_puts(b, "  conditions (examples where true / false / unknown):\n");
    for (size_t k = 0; k < phs_report_table_rows(r, s, PHS_TABLE_CONDITIONS);
         k++) {
        phs__buf_printf(b, "    %-40s",
                        phs_report_table_name(r, s, PHS_TABLE_CONDITIONS, k));
        for (size_t c = 0; c < 3; c++)
            phs__buf_printf(b, "%s%4.0f", c ? " / " : " ",
                            phs_report_table_value(r, s, PHS_TABLE_CONDITIONS,
                                                   k, c));
        phs__buf_putc(b, '\n');
    }
    phs__buf_puts(b, "  thresholds (examples below / at / above / absent):\n");
    for (size_t k = 0; k < phs_report_table_rows(r, s, PHS_TABLE_THRESHOLDS);
         k++) {
        phs__buf_printf(b, "    %-28s %-10s",
                        phs_report_table_name(r, s, PHS_TABLE_THRESHOLDS, k),
                        phs_report_table_label(r, s, PHS_TABLE_THRESHOLDS, k));
        for (size_t c = 0; c < 4; c++)
            phs__buf_printf(b, "%s%4.0f", c ? " / " : " ",
                            phs_report_table_value(r, s, PHS_TABLE_THRESHOLDS,
                                                   k, c));
        phs__buf_putc(b, '\n');
    }
}

static void coverage_text(phs__buf *b, R *r)
{
    phs__buf_printf(b, "phs test --coverage: rules %s\n",
                    phs_report_fingerprint(r));
    for (size_t s = 0; s < phs_report_section_count(r); s++)
        coverage_section_text(b, r, s);
    phs__buf_putc(b, '\n');
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (phs_report_severity(r, i) >= PHS_SEVERITY_WARNING)
            phs__buf_printf(b, "%s %s\n",
                            phs_report_severity(r, i) == PHS_SEVERITY_ERROR
                                ? "UNCOVERED"
                                : "warning:",
                            phs_report_message(r, i));
    totals_text(b, r, "FAIL");
}

/* Table t of section s as a JSON object {name: value 0, ...}. */
static void table_object_json(phs__buf *b, R *r, size_t s, int t)
{
    phs__buf_putc(b, '{');
    for (size_t k = 0; k < phs_report_table_rows(r, s, t); k++)
        json_count(b, k > 0, phs_report_table_name(r, s, t, k),
                   phs_report_table_value(r, s, t, k, 0));
    phs__buf_putc(b, '}');
}

static void coverage_section_json(phs__buf *b, R *r, size_t s)
{
    static const char *const cond[] = {"true", "false", "unknown"};
    static const char *const side[] = {"below", "at", "above", "absent"};
    phs__buf_putc(b, '{');
    json_str(b, 0, "program", phs_report_section_program(r, s));
    json_str(b, 1, "version", phs_report_section_version(r, s));
    json_count(b, 1, "examples",
               phs_report_section_total(r, s, PHS_TOTAL_EXAMPLES));
    json_count(b, 1, "refused",
               phs_report_section_total(r, s, PHS_TOTAL_REFUSED));
    json_count(b, 1, "failing", phs_report_section_total(r, s, PHS_TOTAL_FAILED));
    json_key(b, 1, "tiers");
    table_object_json(b, r, s, PHS_TABLE_TIERS);
    json_count(b, 1, "not_enrolled",
               phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED));
    json_count(b, 1, "insufficient_data",
               phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT));
    json_count(b, 1, "unclassified",
               phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    json_key(b, 1, "flags");
    table_object_json(b, r, s, PHS_TABLE_FLAGS);
    phs__buf_puts(b, ",\"conditions\":[");
    for (size_t k = 0; k < phs_report_table_rows(r, s, PHS_TABLE_CONDITIONS);
         k++) {
        phs__buf_puts(b, k ? ",{" : "{");
        json_str(b, 0, "rule",
                 phs_report_table_name(r, s, PHS_TABLE_CONDITIONS, k));
        for (size_t c = 0; c < 3; c++)
            json_count(b, 1, cond[c],
                       phs_report_table_value(r, s, PHS_TABLE_CONDITIONS, k, c));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],\"thresholds\":[");
    for (size_t k = 0; k < phs_report_table_rows(r, s, PHS_TABLE_THRESHOLDS);
         k++) {
        phs__buf_puts(b, k ? ",{" : "{");
        json_str(b, 0, "variable",
                 phs_report_table_name(r, s, PHS_TABLE_THRESHOLDS, k));
        json_str(b, 1, "threshold",
                 phs_report_table_label(r, s, PHS_TABLE_THRESHOLDS, k));
        for (size_t c = 0; c < 4; c++)
            json_count(b, 1, side[c],
                       phs_report_table_value(r, s, PHS_TABLE_THRESHOLDS, k, c));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "]}");
}

/* The JSON of coverage and strict: a command, the rule set, (coverage:
 * its sections,) the findings, the totals. */
static void findings_report_json(phs__buf *b, R *r, const char *command)
{
    phs__buf_puts(b, "{");
    json_str(b, 0, "command", command);
    json_str(b, 1, "rules_fingerprint", phs_report_fingerprint(r));
    if (phs_report_analysis(r) == PHS_ANALYSIS_COVERAGE) {
        phs__buf_puts(b, ",\"programs\":[");
        for (size_t s = 0; s < phs_report_section_count(r); s++) {
            if (s)
                phs__buf_putc(b, ',');
            coverage_section_json(b, r, s);
        }
        phs__buf_putc(b, ']');
    }
    phs__buf_puts(b, ",\"findings\":");
    findings_json(b, r, -1);
    totals_json(b, r);
}

/* ------------------------------------------------------------------ */
/* check --strict                                                      */
/* ------------------------------------------------------------------ */

static void strict_text(phs__buf *b, R *r)
{
    phs__buf_printf(b, "phs check --strict: rules %s\n",
                    phs_report_fingerprint(r));
    for (size_t s = 0; s < phs_report_section_count(r); s++) {
        size_t e = count_severity(r, (long)s, PHS_SEVERITY_ERROR);
        size_t w = count_severity(r, (long)s, PHS_SEVERITY_WARNING);
        phs__buf_printf(b, "%s %s [%s]: %zu error%s, %zu warning%s\n",
                        phs_report_section_program(r, s),
                        phs_report_section_version(r, s),
                        phs_report_section_status(r, s), e, plural((double)e),
                        w, plural((double)w));
        for (size_t i = 0; i < phs_report_count(r); i++)
            if (in(r, i, (long)s, 0))
                phs__buf_printf(b, "  %-7s %s\n",
                                phs_severity_name(phs_report_severity(r, i)),
                                phs_report_message(r, i));
    }
    totals_text(b, r, "REFUSED");
}

/* ------------------------------------------------------------------ */

void phs__render_text(phs__buf *b, const phs_report *r)
{
    switch (phs_report_analysis(r)) {
    case PHS_ANALYSIS_VERIFY: verify_text(b, r); break;
    case PHS_ANALYSIS_DIFF: diff_text(b, r); break;
    case PHS_ANALYSIS_COVERAGE: coverage_text(b, r); break;
    case PHS_ANALYSIS_STRICT: strict_text(b, r); break;
    default: break;
    }
}

void phs__render_json(phs__buf *b, const phs_report *r)
{
    switch (phs_report_analysis(r)) {
    case PHS_ANALYSIS_VERIFY: verify_json(b, r); break;
    case PHS_ANALYSIS_DIFF: diff_json(b, r); break;
    case PHS_ANALYSIS_COVERAGE: findings_report_json(b, r, "coverage"); break;
    case PHS_ANALYSIS_STRICT: findings_report_json(b, r, "check --strict"); break;
    default: break;
    }
}
