/*
 * The text and JSON renderings of a report (this file: verify, coverage,
 * the strict check and the entry points; renderdiff.c: diff; renderkit.c:
 * the helpers both use).  They read the report through
 * the public accessors of <phs/analysis.h> only, so whatever they show a
 * C program, the bindings or a test can read as data; phs__report_finish
 * makes them when a report is complete.  Numbers are written the same
 * under every locale (counts as whole numbers, the one fraction through
 * phs_number_format).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* The end of a report: its errors and warnings, and whether it passes. */
static void totals_text(phs__buf *b, R *r, const char *fail)
{
    size_t e = phs_report_errors(r), w = phs_report_warnings(r);
    phs__buf_printf(b, "%s: %zu error%s, %zu warning%s\n", e ? fail : "PASS",
                    e, rd_plural((double)e), w, rd_plural((double)w));
}

static void totals_json(phs__buf *b, R *r)
{
    phs__buf_printf(b, ",\"errors\":%zu,\"warnings\":%zu,\"ok\":%s}",
                    phs_report_errors(r), phs_report_warnings(r),
                    rd_json_bool(!phs_report_errors(r)));
}

/* ------------------------------------------------------------------ */
/* verify                                                              */
/* ------------------------------------------------------------------ */

/* Regions of kind k: one line each, then how many more there are. */
static void regions_text(phs__buf *b, R *r, size_t s, int k, int total)
{
    size_t shown = 0;
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, (long)s, k))
            continue;
        shown++;
        if (k == PHS_FINDING_GAP)
            phs__buf_printf(b, "  GAP  %s (%.0f cells): no tier decides\n"
                               "       e.g. %s\n",
                            rd_or_empty(phs_report_detail(r, i)),
                            phs_report_cells(r, i),
                            rd_or_empty(phs_report_example(r, i)));
        else
            phs__buf_printf(b, "  INSUFFICIENT %s (%.0f cells)%s\n",
                            rd_or_empty(phs_report_detail(r, i)),
                            phs_report_cells(r, i),
                            !strcmp(rd_or_empty(phs_report_rule(r, i)),
                                    "eligibility")
                                ? ": eligibility undecided"
                                : "");
    }
    double more = phs_report_section_total(r, s, total) - (double)shown;
    if (more > 0)
        phs__buf_printf(b, "       ... and %.0f more region%s\n", more,
                        rd_plural(more));
}

/* The findings after the regions and dead tiers, in the order made. */
static void verify_notes_text(phs__buf *b, R *r, size_t s)
{
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, (long)s, 0))
            continue;
        const char *ex = phs_report_example(r, i);
        switch (phs_report_kind(r, i)) {
        case PHS_FINDING_SAMPLED:
            phs__buf_puts(b, "  NOTE sampled: not a proof (raise --max-cells "
                             "for an exhaustive check)\n");
            break;
        case PHS_FINDING_OUTSIDE:
            phs__buf_printf(b, "  NOTE %s: outside the exact fragment: %s\n",
                            rd_or_empty(phs_report_rule(r, i)),
                            rd_or_empty(phs_report_detail(r, i)));
            break;
        case PHS_FINDING_NOTE:
            phs__buf_printf(b, "  NOTE %s\n", phs_report_message(r, i));
            break;
        case PHS_FINDING_DEAD_FLAG:
            phs__buf_printf(b, "  DEAD FLAG %s: %s\n",
                            rd_short_name(phs_report_rule(r, i)),
                            rd_or_empty(phs_report_detail(r, i)));
            if (ex)
                phs__buf_printf(b, "       e.g. %s\n", ex);
            break;
        default:
            break;
        }
    }
}

static const rd_part outcome_parts[] = {
    {", insufficient_data %.0f", PHS_TOTAL_INSUFFICIENT},
    {" (eligibility undecided %.0f)", PHS_TOTAL_ELIGIBILITY_UNDECIDED},
    {", unclassified %.0f", PHS_TOTAL_UNCLASSIFIED},
    {", refused by record checks %.0f\n", PHS_TOTAL_REFUSED}};

static void verify_section_text(phs__buf *b, R *r, size_t s)
{
    phs__buf_printf(b, "\n%s %s [%s] effective ",
                    phs_report_section_program(r, s),
                    phs_report_section_version(r, s),
                    phs_report_section_status(r, s));
    rd_put_date(b, phs_report_section_from(r, s));
    phs__buf_puts(b, " to ");
    if (phs_report_section_to(r, s) == PHS_DATE_NONE)
        phs__buf_puts(b, "open");
    else
        rd_put_date(b, phs_report_section_to(r, s));
    phs__buf_printf(b, ", %s\n  checked on visit date ",
                    phs_report_section_fingerprint(r, s));
    rd_put_date(b, phs_report_section_date(r, s));
    /* the space of the tiers */
    size_t nd = phs_report_dimension_count(r, s);
    int sampled = rd_count_kind(r, (long)s, PHS_FINDING_SAMPLED) > 0;
    phs__buf_printf(b, "\n  tiers: %zu dimension%s, %.0f cells, ", nd,
                    rd_plural((double)nd),
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
                        rd_plural((double)nv),
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
    rd_totals_text(b, r, s, outcome_parts,
                   sizeof outcome_parts / sizeof outcome_parts[0]);
    /* completeness, dead tiers, insufficient_data */
    if (phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED) == 0)
        phs__buf_puts(b, "  OK   complete: every eligible cell reaches a "
                         "tier (or insufficient_data)\n");
    else
        regions_text(b, r, s, PHS_FINDING_GAP, PHS_TOTAL_GAP_REGIONS);
    if (!rd_count_kind(r, (long)s, PHS_FINDING_DEAD_TIER))
        phs__buf_puts(b, "  OK   every tier is reached\n");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, (long)s, PHS_FINDING_DEAD_TIER))
            continue;
        const char *tier = rd_short_name(phs_report_rule(r, i));
        const char *by = rd_or_empty(phs_report_after(r, i));
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
    size_t errs = rd_count_severity(r, (long)s, PHS_SEVERITY_ERROR);
    phs__buf_printf(b, "  %s: %zu error%s\n", errs ? "FAIL" : "PASS", errs,
                    rd_plural((double)errs));
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
        rd_json_str(b, 0, "name", phs_report_dimension_name(r, s, d));
        rd_json_key(b, 1, "derived");
        phs__buf_puts(b, rd_json_bool(phs_report_dimension_derived(r, s, d) == 1));
        rd_json_key(b, 1, "values");
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
    int sampled = rd_count_kind(r, (long)s, PHS_FINDING_SAMPLED) > 0;
    phs__buf_putc(b, '{');
    rd_json_str(b, 0, "program", phs_report_section_program(r, s));
    rd_json_str(b, 1, "version", phs_report_section_version(r, s));
    rd_json_str(b, 1, "fingerprint", phs_report_section_fingerprint(r, s));
    phs__json_date(b, ",\"effective\":{\"from\":",
                   phs_report_section_from(r, s));
    phs__json_date(b, ",\"to\":", phs_report_section_to(r, s));
    phs__json_date(b, "},\"visit_date\":", phs_report_section_date(r, s));
    phs__buf_puts(b, ",\"tiers\":{");
    rd_json_count(b, 0, "cells", phs_report_section_total(r, s, PHS_TOTAL_CELLS));
    rd_json_count(b, 1, "checked",
               phs_report_section_total(r, s, PHS_TOTAL_CHECKED));
    phs__buf_printf(b, ",\"sampled\":%s,", rd_json_bool(sampled));
    dimensions_json(b, r, s);
    phs__buf_puts(b, "},\"outcomes\":{");
    rd_json_count(b, 0, "not_enrolled",
               phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED));
    for (size_t t = 0; t < phs_report_table_rows(r, s, PHS_TABLE_TIERS); t++)
        rd_json_count(b, 1, phs_report_table_name(r, s, PHS_TABLE_TIERS, t),
                   phs_report_table_value(r, s, PHS_TABLE_TIERS, t, 0));
    rd_json_count(b, 1, "insufficient_data",
               phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT));
    rd_json_count(b, 1, "eligibility_undecided",
               phs_report_section_total(r, s,
                                        PHS_TOTAL_ELIGIBILITY_UNDECIDED));
    rd_json_count(b, 1, "unclassified",
               phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    rd_json_count(b, 1, "refused",
               phs_report_section_total(r, s, PHS_TOTAL_REFUSED));
    phs__buf_printf(
        b, "},\"exact\":%s,\"derived_approximation\":%s,",
        rd_json_bool(!phs_report_section_total(r, s, PHS_TOTAL_OUTSIDE) &&
                  !sampled),
        rd_json_bool(phs_report_section_total(r, s, PHS_TOTAL_APPROXIMATED) != 0));
    size_t nf = phs_report_table_rows(r, s, PHS_TABLE_FLAGS), dead = 0;
    for (size_t f = 0; f < nf; f++)
        dead += phs_report_table_value(r, s, PHS_TABLE_FLAGS, f, 0) == 0;
    phs__buf_printf(b, "\"flags\":{\"count\":%zu,\"dead\":%zu},", nf, dead);
    phs__buf_printf(b, "\"errors\":%zu,\"findings\":",
                    rd_count_severity(r, (long)s, PHS_SEVERITY_ERROR));
    rd_findings_json(b, r, (long)s);
    phs__buf_putc(b, '}');
}

static void verify_json(phs__buf *b, R *r)
{
    phs__buf_puts(b, "{\"command\":\"verify\"");
    rd_json_str(b, 1, "rules_fingerprint", phs_report_fingerprint(r));
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
/* coverage                                                            */
/* ------------------------------------------------------------------ */

/* Table t's rows as "name n" joined by ", ", after `first`. */
static void counts_text(phs__buf *b, R *r, size_t s, int t, const char *first)
{
    for (size_t k = 0; k < phs_report_table_rows(r, s, t); k++)
        phs__buf_printf(b, "%s%s %.0f", k ? ", " : first,
                        phs_report_table_name(r, s, t, k),
                        phs_report_table_value(r, s, t, k, 0));
}

/* Table t's rows, one a line: the name in `width` columns, the label (with
 * `label`) in 10, then `n` values "   1 /    0 / ...". */
static void table_text(phs__buf *b, R *r, size_t s, int t, int width,
                       int label, size_t n)
{
    for (size_t k = 0; k < phs_report_table_rows(r, s, t); k++) {
        phs__buf_printf(b, "    %-*s", width, phs_report_table_name(r, s, t, k));
        if (label)
            phs__buf_printf(b, " %-10s", phs_report_table_label(r, s, t, k));
        for (size_t c = 0; c < n; c++)
            phs__buf_printf(b, "%s%4.0f", c ? " / " : " ",
                            phs_report_table_value(r, s, t, k, c));
        phs__buf_putc(b, '\n');
    }
}

static void coverage_section_text(phs__buf *b, R *r, size_t s)
{
    double nex = phs_report_section_total(r, s, PHS_TOTAL_EXAMPLES);
    size_t nf = phs_report_table_rows(r, s, PHS_TABLE_FLAGS);
    phs__buf_printf(b, "\n%s %s: %.0f example%s (%.0f refused by a record "
                       "check, %.0f failing)\n  tiers: ",
                    phs_report_section_program(r, s),
                    phs_report_section_version(r, s), nex, rd_plural(nex),
                    phs_report_section_total(r, s, PHS_TOTAL_REFUSED),
                    phs_report_section_total(r, s, PHS_TOTAL_FAILED));
    counts_text(b, r, s, PHS_TABLE_TIERS, "");
    phs__buf_printf(b, "; not enrolled %.0f, insufficient_data %.0f, "
                       "unclassified %.0f\n",
                    phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED),
                    phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT),
                    phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    counts_text(b, r, s, PHS_TABLE_FLAGS, "  flags: ");
    if (nf)
        phs__buf_putc(b, '\n');
    phs__buf_puts(b, "  conditions (examples where true / false / unknown):\n");
    table_text(b, r, s, PHS_TABLE_CONDITIONS, 40, 0, 3);
    phs__buf_puts(b, "  thresholds (examples below / at / above / absent):\n");
    table_text(b, r, s, PHS_TABLE_THRESHOLDS, 28, 1, 4);
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
        rd_json_count(b, k > 0, phs_report_table_name(r, s, t, k),
                   phs_report_table_value(r, s, t, k, 0));
    phs__buf_putc(b, '}');
}

static void coverage_section_json(phs__buf *b, R *r, size_t s)
{
    static const char *const cond[] = {"true", "false", "unknown"};
    static const char *const side[] = {"below", "at", "above", "absent"};
    phs__buf_putc(b, '{');
    rd_json_str(b, 0, "program", phs_report_section_program(r, s));
    rd_json_str(b, 1, "version", phs_report_section_version(r, s));
    rd_json_count(b, 1, "examples",
               phs_report_section_total(r, s, PHS_TOTAL_EXAMPLES));
    rd_json_count(b, 1, "refused",
               phs_report_section_total(r, s, PHS_TOTAL_REFUSED));
    rd_json_count(b, 1, "failing", phs_report_section_total(r, s, PHS_TOTAL_FAILED));
    rd_json_key(b, 1, "tiers");
    table_object_json(b, r, s, PHS_TABLE_TIERS);
    rd_json_count(b, 1, "not_enrolled",
               phs_report_section_total(r, s, PHS_TOTAL_NOT_ENROLLED));
    rd_json_count(b, 1, "insufficient_data",
               phs_report_section_total(r, s, PHS_TOTAL_INSUFFICIENT));
    rd_json_count(b, 1, "unclassified",
               phs_report_section_total(r, s, PHS_TOTAL_UNCLASSIFIED));
    rd_json_key(b, 1, "flags");
    table_object_json(b, r, s, PHS_TABLE_FLAGS);
    rd_json_key(b, 1, "conditions");
    rd_table_json(b, r, s, PHS_TABLE_CONDITIONS, "rule", NULL, cond, 3);
    rd_json_key(b, 1, "thresholds");
    rd_table_json(b, r, s, PHS_TABLE_THRESHOLDS, "variable", "threshold",
                  side, 4);
    phs__buf_putc(b, '}');
}

/* The JSON of coverage and strict: a command, the rule set, (coverage:
 * its sections,) the findings, the totals. */
static void findings_report_json(phs__buf *b, R *r, const char *command)
{
    phs__buf_puts(b, "{");
    rd_json_str(b, 0, "command", command);
    rd_json_str(b, 1, "rules_fingerprint", phs_report_fingerprint(r));
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
    rd_findings_json(b, r, -1);
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
        size_t e = rd_count_severity(r, (long)s, PHS_SEVERITY_ERROR);
        size_t w = rd_count_severity(r, (long)s, PHS_SEVERITY_WARNING);
        phs__buf_printf(b, "%s %s [%s]: %zu error%s, %zu warning%s\n",
                        phs_report_section_program(r, s),
                        phs_report_section_version(r, s),
                        phs_report_section_status(r, s), e, rd_plural((double)e),
                        w, rd_plural((double)w));
        for (size_t i = 0; i < phs_report_count(r); i++)
            if (rd_in(r, i, (long)s, 0))
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
    case PHS_ANALYSIS_DIFF: rd_diff_text(b, r); break;
    case PHS_ANALYSIS_COVERAGE: coverage_text(b, r); break;
    case PHS_ANALYSIS_STRICT: strict_text(b, r); break;
    default: break;
    }
}

void phs__render_json(phs__buf *b, const phs_report *r)
{
    switch (phs_report_analysis(r)) {
    case PHS_ANALYSIS_VERIFY: verify_json(b, r); break;
    case PHS_ANALYSIS_DIFF: rd_diff_json(b, r); break;
    case PHS_ANALYSIS_COVERAGE: findings_report_json(b, r, "coverage"); break;
    case PHS_ANALYSIS_STRICT: findings_report_json(b, r, "check --strict"); break;
    default: break;
    }
}
