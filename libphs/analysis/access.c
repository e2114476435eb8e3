/* The public accessors of a report (include/phs/analysis.h): each reads
 * one member of the report's data (report.c), or gives the documented
 * "none" value out of range. */
#include <string.h>

#include "analysis.h"

/* The element an accessor reads, or NULL out of range. */
static const phs__finding *fi(const phs_report *r, size_t i)
{
    return r && i < r->nf ? &r->f[i] : NULL;
}

static const phs__section *sec(const phs_report *r, size_t s)
{
    return r && s < r->ns ? &r->s[s] : NULL;
}

static const phs__pair *pair(const phs_report *r, size_t i, size_t k)
{
    const phs__finding *f = fi(r, i);
    return f && k < f->npairs ? &f->pairs[k] : NULL;
}

static const phs__dimension *dim(const phs_report *r, size_t s, size_t d)
{
    const phs__section *x = sec(r, s);
    return x && d < x->ndims ? &x->dims[d] : NULL;
}

static const phs__row *row_of(const phs_report *r, size_t s, int t,
                              size_t row)
{
    const phs__section *x = sec(r, s);
    return x && t >= 0 && t < PHS_TABLE_COUNT && row < x->table[t].n
               ? &x->table[t].r[row]
               : NULL;
}

static const phs__mcell *cell(const phs_report *r, size_t s, size_t row,
                              size_t col)
{
    const phs__section *x = sec(r, s);
    return x && row < x->nrows && col < x->ncols ? &x->m[row * x->ncols + col]
                                                 : NULL;
}

static const phs__cause *cause(const phs_report *r, size_t s, size_t row,
                               size_t col, size_t k)
{
    const phs__mcell *c = cell(r, s, row, col);
    return c && k < c->ncauses ? &c->causes[k] : NULL;
}

/* An accessor: `type name(params)` returns member `m` of the element
 * `of(args)` finds, or `none` when there is none. */
#define ACCESSOR(type, name, params, of, args, m, none)                \
    type name params                                                   \
    {                                                                  \
        return of args ? of args->m : none;                            \
    }

/* the report */
int phs_report_analysis(const phs_report *r)
{
    return r ? r->analysis : PHS_EINVAL;
}

double phs_report_total(const phs_report *r, int which)
{
    return r && which >= 0 && which < PHS_TOTAL_COUNT ? r->total[which] : 0;
}

#define REPORT(type, name, m, none)                                    \
    type name(const phs_report *r) { return r ? (type)r->m : none; }
REPORT(const char *, phs_report_fingerprint, fingerprint, NULL)
REPORT(const char *, phs_report_new_fingerprint, new_fingerprint, NULL)
REPORT(const char *, phs_report_population, population, NULL)
REPORT(size_t, phs_report_max_cells, max_cells, 0)
REPORT(uint64_t, phs_report_seed, seed, 0)
REPORT(size_t, phs_report_count, nf, 0)
REPORT(size_t, phs_report_errors, errors, 0)
REPORT(size_t, phs_report_warnings, warnings, 0)
REPORT(size_t, phs_report_section_count, ns, 0)

/* findings */
#define FINDING(type, name, m, none)                                   \
    ACCESSOR(type, name, (const phs_report *r, size_t i), fi, (r, i), m, \
             none)
FINDING(int, phs_report_kind, kind, PHS_EINVAL)
FINDING(int, phs_report_severity, severity, PHS_EINVAL)
FINDING(int, phs_report_finding_section, section, PHS_EINVAL)
FINDING(const char *, phs_report_program, program, NULL)
FINDING(const char *, phs_report_rule, rule, NULL)
FINDING(const char *, phs_report_message, message, NULL)
FINDING(const char *, phs_report_example, example, NULL)
FINDING(const char *, phs_report_example_id, example_id, NULL)
FINDING(const char *, phs_report_detail, detail, NULL)
FINDING(const char *, phs_report_before, before, NULL)
FINDING(const char *, phs_report_after, after, NULL)
FINDING(double, phs_report_cells, cells, 0)
FINDING(size_t, phs_report_example_count, npairs, 0)

const char *phs_report_version(const phs_report *r, size_t i)
{
    const phs__finding *f = fi(r, i);
    return f && f->section >= 0 ? r->s[f->section].version : NULL;
}

#define PAIR(type, name, m, none)                                      \
    ACCESSOR(type, name, (const phs_report *r, size_t i, size_t k), pair, \
             (r, i, k), m, none)
PAIR(const char *, phs_report_example_field, field, NULL)
PAIR(const char *, phs_report_example_value, value, NULL)
PAIR(int, phs_report_example_type, type, PHS_EINVAL)

/* sections */
#define SECTION(type, name, m, none)                                   \
    ACCESSOR(type, name, (const phs_report *r, size_t s), sec, (r, s), m, \
             none)
SECTION(const char *, phs_report_section_program, program, NULL)
SECTION(const char *, phs_report_section_version, version, NULL)
SECTION(const char *, phs_report_section_new_version, new_version, NULL)
SECTION(const char *, phs_report_section_status, status, NULL)
SECTION(const char *, phs_report_section_fingerprint, fingerprint, NULL)
SECTION(const char *, phs_report_section_new_fingerprint, new_fingerprint,
        NULL)
SECTION(phs_date, phs_report_section_from, from, PHS_DATE_NONE)
SECTION(phs_date, phs_report_section_to, to, PHS_DATE_NONE)
SECTION(phs_date, phs_report_section_date, date, PHS_DATE_NONE)
SECTION(size_t, phs_report_dimension_count, ndims, 0)
SECTION(size_t, phs_report_matrix_rows, nrows, 0)
SECTION(size_t, phs_report_matrix_cols, ncols, 0)
SECTION(size_t, phs_report_shift_count, nshift, 0)

double phs_report_section_total(const phs_report *r, size_t s, int which)
{
    return sec(r, s) && which >= 0 && which < PHS_TOTAL_COUNT
               ? sec(r, s)->total[which]
               : 0;
}

/* dimensions */
#define DIMENSION(type, name, m, none)                                 \
    ACCESSOR(type, name, (const phs_report *r, size_t s, size_t d), dim, \
             (r, s, d), m, none)
DIMENSION(const char *, phs_report_dimension_name, name, NULL)
DIMENSION(int, phs_report_dimension_derived, derived, PHS_EINVAL)
DIMENSION(size_t, phs_report_dimension_value_count, nvals, 0)

const char *phs_report_dimension_value(const phs_report *r, size_t s,
                                       size_t d, size_t k)
{
    return k < phs_report_dimension_value_count(r, s, d) ? dim(r, s, d)->vals[k]
                                                         : NULL;
}

/* tables */
size_t phs_report_table_rows(const phs_report *r, size_t s, int t)
{
    return sec(r, s) && t >= 0 && t < PHS_TABLE_COUNT ? sec(r, s)->table[t].n
                                                      : 0;
}

#define ROW(type, name, m)                                             \
    ACCESSOR(type, name, (const phs_report *r, size_t s, int t, size_t row), \
             row_of, (r, s, t, row), m, NULL)
ROW(const char *, phs_report_table_name, name)
ROW(const char *, phs_report_table_label, label)

double phs_report_table_value(const phs_report *r, size_t s, int t,
                              size_t row, size_t col)
{
    return row_of(r, s, t, row) && col < 4 ? row_of(r, s, t, row)->v[col] : 0;
}

/* transition matrices */
const char *phs_report_matrix_row(const phs_report *r, size_t s, size_t row)
{
    return row < phs_report_matrix_rows(r, s) ? sec(r, s)->rows[row] : NULL;
}

const char *phs_report_matrix_col(const phs_report *r, size_t s, size_t col)
{
    return col < phs_report_matrix_cols(r, s) ? sec(r, s)->cols[col] : NULL;
}

#define CELL(type, name, m)                                            \
    ACCESSOR(type, name,                                               \
             (const phs_report *r, size_t s, size_t row, size_t col), cell, \
             (r, s, row, col), m, 0)
CELL(double, phs_report_matrix_cell, n)
CELL(size_t, phs_report_matrix_example_count, nids)
CELL(size_t, phs_report_cause_count, ncauses)
CELL(size_t, phs_report_clause_count, nclauses)

const char *phs_report_matrix_example_id(const phs_report *r, size_t s,
                                         size_t row, size_t col, size_t k)
{
    return k < phs_report_matrix_example_count(r, s, row, col)
               ? cell(r, s, row, col)->ids[k]
               : NULL;
}

const char *phs_report_clause(const phs_report *r, size_t s, size_t row,
                              size_t col, size_t k)
{
    return k < phs_report_clause_count(r, s, row, col)
               ? cell(r, s, row, col)->clauses[k]
               : NULL;
}

#define CAUSE(type, name, m, none)                                     \
    ACCESSOR(type, name,                                               \
             (const phs_report *r, size_t s, size_t row, size_t col,   \
              size_t k),                                               \
             cause, (r, s, row, col, k), m, none)
CAUSE(const char *, phs_report_cause_rule, rule, NULL)
CAUSE(const char *, phs_report_cause_old, old_truth, NULL)
CAUSE(const char *, phs_report_cause_new, new_truth, NULL)
CAUSE(double, phs_report_cause_residents, n, 0)

/* due-date shifts */
long phs_report_shift_days(const phs_report *r, size_t s, size_t k)
{
    return k < phs_report_shift_count(r, s) ? sec(r, s)->shifts[k].days : 0;
}

double phs_report_shift_residents(const phs_report *r, size_t s, size_t k)
{
    return k < phs_report_shift_count(r, s) ? sec(r, s)->shifts[k].n : 0;
}

/* renderings and names */
const char *phs_report_text(const phs_report *r)
{
    return r && r->text.p ? r->text.p : "";
}

const char *phs_report_json(const phs_report *r)
{
    return r && r->json.p ? r->json.p : "{}";
}

const char *phs_finding_kind_name(int kind)
{
    static const char *const names[] = {
        [PHS_FINDING_GAP] = "gap",
        [PHS_FINDING_DEAD_TIER] = "dead_tier",
        [PHS_FINDING_DEAD_FLAG] = "dead_flag",
        [PHS_FINDING_INSUFFICIENT] = "insufficient_data",
        [PHS_FINDING_OUTSIDE] = "outside_fragment",
        [PHS_FINDING_SAMPLED] = "sampled",
        [PHS_FINDING_REFUSED] = "refused_by_checks",
        [PHS_FINDING_TRANSITION] = "transition",
        [PHS_FINDING_DUE_SHIFT] = "due_shift",
        [PHS_FINDING_UNCOVERED_TIER] = "uncovered_tier",
        [PHS_FINDING_UNCOVERED_FLAG] = "uncovered_flag",
        [PHS_FINDING_PROVISIONAL] = "provisional",
        [PHS_FINDING_CITATION] = "citation",
        [PHS_FINDING_STATUS] = "status",
        [PHS_FINDING_UNCITED] = "uncited",
        [PHS_FINDING_NOTE] = "note",
        [PHS_FINDING_UNCOVERED_CONDITION] = "uncovered_condition",
        [PHS_FINDING_EXAMPLE_FAILED] = "example_failed",
        [PHS_FINDING_EXAMPLE_PASSED] = "example_passed",
        [PHS_FINDING_RULE_CHANGED] = "rule_changed",
        [PHS_FINDING_PARAM_CHANGED] = "parameter_changed",
    };
    if (kind <= 0 || (size_t)kind >= sizeof names / sizeof names[0] ||
        !names[kind])
        return "unknown";
    return names[kind];
}

const char *phs_severity_name(int s)
{
    return s == AN_ERROR ? "error" : s == AN_WARNING ? "warning" : "info";
}

const char *phs_total_name(int which)
{
    static const char *const names[PHS_TOTAL_COUNT] = {
        [PHS_TOTAL_CELLS] = "cells",
        [PHS_TOTAL_CHECKED] = "checked",
        [PHS_TOTAL_SAMPLED] = "sampled",
        [PHS_TOTAL_NOT_ENROLLED] = "not_enrolled",
        [PHS_TOTAL_UNCLASSIFIED] = "unclassified",
        [PHS_TOTAL_INSUFFICIENT] = "insufficient_data",
        [PHS_TOTAL_REFUSED] = "refused",
        [PHS_TOTAL_RESIDENTS] = "residents",
        [PHS_TOTAL_UNREADABLE] = "unreadable",
        [PHS_TOTAL_CHANGED] = "changed",
        [PHS_TOTAL_DUE_SAME] = "due_same",
        [PHS_TOTAL_DUE_EARLIER] = "due_earlier",
        [PHS_TOTAL_DUE_LATER] = "due_later",
        [PHS_TOTAL_DUE_APPEARED] = "due_appeared",
        [PHS_TOTAL_DUE_GONE] = "due_gone",
        [PHS_TOTAL_EXAMPLES] = "examples",
        [PHS_TOTAL_PASSED] = "passed",
        [PHS_TOTAL_FAILED] = "failed",
        [PHS_TOTAL_ELIGIBILITY_UNDECIDED] = "eligibility_undecided",
        [PHS_TOTAL_GAP_REGIONS] = "gap_regions",
        [PHS_TOTAL_INSUFFICIENT_REGIONS] = "insufficient_regions",
        [PHS_TOTAL_OUTSIDE] = "outside_fragment",
        [PHS_TOTAL_APPROXIMATED] = "approximated",
    };
    return which >= 0 && which < PHS_TOTAL_COUNT ? names[which] : "unknown";
}


