/* The text and JSON renderings of a diff report (render.h), from the
 * accessors only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

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

static const rd_part due_parts[] = {
    {"  next due date: %.0f unchanged", PHS_TOTAL_DUE_SAME},
    {", %.0f earlier", PHS_TOTAL_DUE_EARLIER},
    {", %.0f later", PHS_TOTAL_DUE_LATER},
    {", %.0f newly due", PHS_TOTAL_DUE_APPEARED},
    {", %.0f no longer due\n", PHS_TOTAL_DUE_GONE}};

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
        if (rd_in(r, i, (long)s, PHS_FINDING_PARAM_CHANGED))
            phs__buf_printf(b, "  parameter %s: %s -> %s\n",
                            phs_report_rule(r, i), phs_report_before(r, i),
                            phs_report_after(r, i));
    phs__buf_puts(b, "  rules changed: ");
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (rd_in(r, i, (long)s, PHS_FINDING_RULE_CHANGED))
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
            rd_totals_text(b, r, s, due_parts,
                           sizeof due_parts / sizeof due_parts[0]);
        for (size_t k = 0; k < phs_report_shift_count(r, s); k++) {
            long days = phs_report_shift_days(r, s, k);
            phs__buf_printf(b, "    %s by %ld day%s: %.0f\n",
                            days < 0 ? "earlier" : "later", labs(days),
                            rd_plural((double)labs(days)),
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
        if (!rd_in(r, i, (long)s, PHS_FINDING_TRANSITION) ||
            !phs_report_detail(r, i))
            continue;
        regions++;
        if (shown >= 40)
            continue;
        shown++;
        phs__buf_printf(b, "    %s: %s -> %s (%.0f cells)\n      e.g. %s\n",
                        phs_report_detail(r, i), phs_report_before(r, i),
                        phs_report_after(r, i), phs_report_cells(r, i),
                        rd_or_empty(phs_report_example(r, i)));
    }
    if (regions > shown)
        phs__buf_printf(b, "    ... and %zu more regions (see --json)\n",
                        regions - shown);
    if (!regions)
        phs__buf_puts(b, "    none\n");
    for (size_t i = 0; i < phs_report_count(r); i++)
        if (rd_in(r, i, (long)s, PHS_FINDING_OUTSIDE))
            phs__buf_printf(b, "  NOTE outside the exact fragment: %s: %s\n",
                            phs_report_rule(r, i),
                            rd_or_empty(phs_report_detail(r, i)));
}

void rd_diff_text(phs__buf *b, R *r)
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

/* The n strings nth() gives for matrix cell (y, x), as a JSON array. */
static void cell_strings_json(phs__buf *b, R *r, size_t s, size_t y,
                              size_t x, size_t n,
                              const char *(*nth)(const phs_report *, size_t,
                                                 size_t, size_t, size_t))
{
    phs__buf_putc(b, '[');
    for (size_t k = 0; k < n; k++) {
        if (k)
            phs__buf_putc(b, ',');
        phs__json_cstr(b, nth(r, s, y, x, k));
    }
    phs__buf_putc(b, ']');
}

static void change_json(phs__buf *b, R *r, size_t s, size_t y, size_t x)
{
    rd_json_str(b, 0, "from", phs_report_matrix_row(r, s, y));
    rd_json_str(b, 1, "to", phs_report_matrix_col(r, s, x));
    rd_json_count(b, 1, "count", phs_report_matrix_cell(r, s, y, x));
    rd_json_key(b, 1, "examples");
    cell_strings_json(b, r, s, y, x,
                      phs_report_matrix_example_count(r, s, y, x),
                      phs_report_matrix_example_id);
    phs__buf_puts(b, ",\"causes\":[");
    for (size_t k = 0; k < phs_report_cause_count(r, s, y, x); k++) {
        phs__buf_puts(b, k ? ",{" : "{");
        rd_json_str(b, 0, "rule", phs_report_cause_rule(r, s, y, x, k));
        rd_json_str(b, 1, "old", phs_report_cause_old(r, s, y, x, k));
        rd_json_str(b, 1, "new", phs_report_cause_new(r, s, y, x, k));
        rd_json_count(b, 1, "count", phs_report_cause_residents(r, s, y, x, k));
        phs__buf_putc(b, '}');
    }
    phs__buf_puts(b, "],\"clauses\":");
    cell_strings_json(b, r, s, y, x, phs_report_clause_count(r, s, y, x),
                      phs_report_clause);
    phs__buf_putc(b, '}');
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
    rd_json_count(b, 0, "unchanged",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_SAME));
    rd_json_count(b, 1, "earlier",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_EARLIER));
    rd_json_count(b, 1, "later", phs_report_section_total(r, s, PHS_TOTAL_DUE_LATER));
    rd_json_count(b, 1, "appeared",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_APPEARED));
    rd_json_count(b, 1, "disappeared",
               phs_report_section_total(r, s, PHS_TOTAL_DUE_GONE));
    phs__buf_puts(b, ",\"shifts\":[");
    for (size_t k = 0; k < phs_report_shift_count(r, s); k++)
        phs__buf_printf(b, "%s{\"days\":%ld,\"count\":%.0f}", k ? "," : "",
                        phs_report_shift_days(r, s, k),
                        phs_report_shift_residents(r, s, k));
    static const char *const flag_keys[] = {"raised", "no_longer_raised"};
    phs__buf_puts(b, "]},\"flags\":");
    rd_table_json(b, r, s, PHS_TABLE_FLAGS, "flag", NULL, flag_keys, 2);
    phs__buf_puts(b, ",");
}

static void regions_json(phs__buf *b, R *r, size_t s)
{
    int first = 1;
    phs__buf_puts(b, "\"regions\":[");
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, (long)s, PHS_FINDING_TRANSITION) ||
            !phs_report_detail(r, i))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        rd_json_str(b, 0, "region", phs_report_detail(r, i));
        rd_json_str(b, 1, "from", phs_report_before(r, i));
        rd_json_str(b, 1, "to", phs_report_after(r, i));
        rd_json_count(b, 1, "cells", phs_report_cells(r, i));
        rd_json_example(b, r, i);
    }
    phs__buf_puts(b, "],");
}

typedef const char *(*rd_field)(const phs_report *, size_t);

/* The findings of kind k of section s as JSON objects: the rule under
 * name_key, then keys[c] with field get[c]. */
static void changes_json(phs__buf *b, R *r, size_t s, int k,
                         const char *name_key, const char *const *keys,
                         const rd_field *get, size_t n)
{
    int first = 1;
    phs__buf_putc(b, '[');
    for (size_t i = 0; i < phs_report_count(r); i++) {
        if (!rd_in(r, i, (long)s, k))
            continue;
        phs__buf_puts(b, first ? "{" : ",{");
        first = 0;
        rd_json_str(b, 0, name_key, phs_report_rule(r, i));
        for (size_t c = 0; c < n; c++)
            rd_json_str(b, 1, keys[c], get[c](r, i));
        phs__buf_putc(b, '}');
    }
    phs__buf_putc(b, ']');
}

static void diff_section_json(phs__buf *b, R *r, size_t s)
{
    int pop = phs_report_population(r) != NULL;
    phs__buf_putc(b, '{');
    rd_json_str(b, 0, "program", phs_report_section_program(r, s));
    rd_json_str(b, 1, "old_version", phs_report_section_version(r, s));
    rd_json_str(b, 1, "old_fingerprint", phs_report_section_fingerprint(r, s));
    rd_json_str(b, 1, "new_version", phs_report_section_new_version(r, s));
    rd_json_str(b, 1, "new_fingerprint",
             phs_report_section_new_fingerprint(r, s));
    static const char *const param_keys[] = {"old", "new"};
    static const char *const rule_keys[] = {"change"};
    static const rd_field param_of[] = {phs_report_before, phs_report_after};
    static const rd_field rule_of[] = {phs_report_detail};
    rd_json_key(b, 1, "parameters_changed");
    changes_json(b, r, s, PHS_FINDING_PARAM_CHANGED, "name", param_keys,
                 param_of, 2);
    rd_json_key(b, 1, "rules_changed");
    changes_json(b, r, s, PHS_FINDING_RULE_CHANGED, "rule", rule_keys,
                 rule_of, 1);
    phs__buf_putc(b, ',');
    if (!pop)
        phs__buf_printf(b, "\"cells\":%.0f,\"sampled\":%s,",
                        phs_report_section_total(r, s, PHS_TOTAL_CELLS),
                        rd_json_bool(phs_report_section_total(
                                      r, s, PHS_TOTAL_SAMPLED) != 0));
    matrix_json(b, r, s);
    if (pop)
        population_json(b, r, s);
    else
        regions_json(b, r, s);
    phs__buf_printf(b, "\"changed_total\":%.0f}",
                    phs_report_section_total(r, s, PHS_TOTAL_CHANGED));
}

void rd_diff_json(phs__buf *b, R *r)
{
    const char *pop = phs_report_population(r);
    phs__buf_puts(b, "{\"command\":\"diff\"");
    rd_json_str(b, 1, "mode", pop ? "population" : "input_space");
    rd_json_str(b, 1, "old", phs_report_fingerprint(r));
    rd_json_str(b, 1, "new", phs_report_new_fingerprint(r));
    if (pop) {
        rd_json_str(b, 1, "population", pop);
        rd_json_count(b, 1, "residents", phs_report_total(r, PHS_TOTAL_RESIDENTS));
        rd_json_count(b, 1, "unreadable",
                   phs_report_total(r, PHS_TOTAL_UNREADABLE));
        rd_json_count(b, 1, "refused", phs_report_total(r, PHS_TOTAL_REFUSED));
    }
    phs__buf_puts(b, ",\"programs\":[");
    for (size_t s = 0; s < phs_report_section_count(r); s++) {
        if (s)
            phs__buf_putc(b, ',');
        diff_section_json(b, r, s);
    }
    double changed = phs_report_total(r, PHS_TOTAL_CHANGED);
    phs__buf_printf(b, "],\"changed\":%.0f,\"differ\":%s}", changed,
                    rd_json_bool(changed > 0));
}

