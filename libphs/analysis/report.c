/* Reports of the regulator tooling: findings with counterexamples, a text
 * rendering and a JSON rendering. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"

int phs__report_new(phs_report **out, int analysis)
{
    *out = phs__calloc(1, sizeof **out);
    if (!*out)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    (*out)->analysis = analysis;
    (*out)->cur = -1;
    return PHS_OK;
}

int phs__report_begin(const phs_ruleset *rs, const char *cmd,
                       const char *program, int analysis, phs__examples *ex,
                       phs_report **r)
{
    if (program && phs_ruleset_program_index(rs, program) < 0)
        return phs__error_set(PHS_ENOTFOUND, "%s: no program '%s'", cmd,
                              program);
    int rc = phs__examples_parse(rs, ex);
    if (rc < 0)
        return rc;
    rc = phs__report_new(r, analysis);
    if (rc < 0)
        phs__examples_free(ex);
    return rc;
}

int phs_analysis_options_init(phs_analysis_options *opts, unsigned int version)
{
    if (!opts)
        return phs__error_set(PHS_EINVAL, "analysis options: NULL");
    if (version != PHS_ANALYSIS_OPTIONS_VERSION)
        return phs__error_set(PHS_EINVAL, "analysis options: version %u is "
                                          "not known to libphs %s (it knows "
                                          "version %d)",
                              version, phs_version(),
                              PHS_ANALYSIS_OPTIONS_VERSION);
    phs_analysis_options d = PHS_ANALYSIS_OPTIONS_INIT;
    *opts = d;
    return PHS_OK;
}

int phs__options(const char *what, const phs_analysis_options *in,
                 phs_analysis_options *o)
{
    phs_analysis_options d = PHS_ANALYSIS_OPTIONS_INIT;
    if (in && in->version != PHS_ANALYSIS_OPTIONS_VERSION)
        return phs__error_set(PHS_EINVAL, "%s: options version %u is not "
                                          "known (initialise them with "
                                          "PHS_ANALYSIS_OPTIONS_INIT or "
                                          "phs_analysis_options_init)",
                              what, in->version);
    *o = in ? *in : d;
    if (!o->max_cells)
        o->max_cells = 2000000;
    if (!o->seed)
        o->seed = 1;
    if (!o->max_examples)
        o->max_examples = 5;
    return PHS_OK;
}

static char *dup_or_null(phs_report *r, const char *s)
{
    if (!s)
        return NULL;
    char *c = phs__strdup(s);
    if (!c)
        r->oom = 1;
    return c;
}

static void attach_example(phs_report *r, phs__finding *f,
                           const phs_record *ex, const char *id)
{
    const phs_ruleset *rs = ex->rs;
    phs__buf b = {0};
    an_record_json(&b, ex, id);
    f->example = b.p;
    f->example_id = dup_or_null(r, id);
    if (b.oom || !f->example)
        r->oom = 1;
    size_t n = 0;
    for (size_t k = 0; k < rs->nfields; k++)
        n += (int)k != rs->f_id && phs__record_has(ex, (int)k);
    f->pairs = n ? phs__calloc(n, sizeof *f->pairs) : NULL;
    if (n && !f->pairs) {
        r->oom = 1;
        return;
    }
    for (size_t k = 0; k < rs->nfields; k++) {
        if ((int)k == rs->f_id || !phs__record_has(ex, (int)k))
            continue;
        phs__pair *pr = &f->pairs[f->npairs++];
        phs__buf t = {0};
        pr->type = (int)rs->fields[k].type;
        pr->field = dup_or_null(r, rs->fields[k].name);
        an_field_value(&t, ex, (int)k, 0);
        pr->value = t.p ? t.p : dup_or_null(r, "");
        if (t.oom)
            r->oom = 1;
    }
}

void phs__report_add(phs_report *r, int kind, int severity,
                     const char *program, const char *rule,
                     const phs_record *ex, const char *ex_id,
                     const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    if (phs__grow(&r->f, &r->cap, r->nf, sizeof *r->f, 16) < 0) {
        r->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    phs__finding *f = &r->f[r->nf++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->severity = severity;
    f->section = r->cur;
    f->program = dup_or_null(r, program);
    f->rule = dup_or_null(r, rule);
    f->message = dup_or_null(r, msg);
    if (ex)
        attach_example(r, f, ex, ex_id);
    if (severity == AN_ERROR)
        r->errors++;
    else if (severity == AN_WARNING)
        r->warnings++;
}

const char *phs__report_last_example(const phs_report *r)
{
    return r->nf && r->f[r->nf - 1].example ? r->f[r->nf - 1].example : "";
}

void phs__report_section(phs_report *r, const char *program,
                         const char *version, const char *new_version)
{
    if (phs__grow(&r->s, &r->caps, r->ns, sizeof *r->s, 8) < 0) {
        r->oom = 1;
        return;
    }
    phs__section *s = &r->s[r->ns];
    memset(s, 0, sizeof *s);
    s->program = dup_or_null(r, program);
    s->version = dup_or_null(r, version);
    s->new_version = dup_or_null(r, new_version);
    r->cur = (int)r->ns++;
}

static phs__section *cur(phs_report *r)
{
    return r->cur >= 0 ? &r->s[r->cur] : NULL;
}

void phs__report_total_add(phs_report *r, int which, double v)
{
    if (which >= 0 && which < PHS_TOTAL_COUNT)
        r->total[which] += v;
}

void phs__report_section_add(phs_report *r, int which, double v)
{
    if (cur(r) && which >= 0 && which < PHS_TOTAL_COUNT)
        cur(r)->total[which] += v;
}

void phs__report_tally(phs_report *r, int which, double v)
{
    phs__report_total_add(r, which, v);
    phs__report_section_add(r, which, v);
}

void phs__report_matrix(phs_report *r, size_t nrows, const char *const *rows,
                        size_t ncols, const char *const *cols)
{
    phs__section *s = cur(r);
    if (!s)
        return;
    size_t n = nrows * ncols;
    s->rows = phs__calloc(nrows + 1, sizeof *s->rows);
    s->cols = phs__calloc(ncols + 1, sizeof *s->cols);
    s->m = phs__calloc(n + 1, sizeof *s->m);
    s->ids = phs__calloc(n + 1, sizeof *s->ids);
    s->nids = phs__calloc(n + 1, sizeof *s->nids);
    if (!s->rows || !s->cols || !s->m || !s->ids || !s->nids) {
        r->oom = 1;
        return;
    }
    s->nrows = nrows;
    s->ncols = ncols;
    for (size_t i = 0; i < nrows; i++)
        s->rows[i] = dup_or_null(r, rows[i]);
    for (size_t j = 0; j < ncols; j++)
        s->cols[j] = dup_or_null(r, cols[j]);
}

void phs__report_matrix_set(phs_report *r, size_t row, size_t col, double n,
                            char *const *ids, size_t nids)
{
    phs__section *s = cur(r);
    if (!s || row >= s->nrows || col >= s->ncols)
        return;
    size_t c = row * s->ncols + col;
    s->m[c] = n;
    if (!nids)
        return;
    s->ids[c] = phs__calloc(nids, sizeof *s->ids[c]);
    if (!s->ids[c]) {
        r->oom = 1;
        return;
    }
    s->nids[c] = nids;
    for (size_t k = 0; k < nids; k++)
        s->ids[c][k] = dup_or_null(r, ids[k]);
}

void phs__report_shift(phs_report *r, long days, double n)
{
    phs__section *s = cur(r);
    if (!s)
        return;
    if (phs__grow(&s->shifts, &s->capshift, s->nshift, sizeof *s->shifts,
                  16) < 0) {
        r->oom = 1;
        return;
    }
    s->shifts[s->nshift].days = days;
    s->shifts[s->nshift++].n = n;
}

void phs__report_text(phs_report *r, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) { /* long: format again into the buffer */
        va_start(ap, fmt);
        char *big = phs__malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            phs__buf_puts(&r->text, big);
            phs__free(big);
        } else {
            r->oom = 1;
        }
        va_end(ap);
        return;
    }
    phs__buf_puts(&r->text, buf);
}

static void section_free(phs__section *s)
{
    size_t n = s->nrows * s->ncols;
    for (size_t c = 0; s->ids && c < n; c++) {
        for (size_t k = 0; k < s->nids[c]; k++)
            phs__free(s->ids[c][k]);
        phs__free(s->ids[c]);
    }
    for (size_t i = 0; s->rows && i < s->nrows; i++)
        phs__free(s->rows[i]);
    for (size_t j = 0; s->cols && j < s->ncols; j++)
        phs__free(s->cols[j]);
    phs__free(s->rows);
    phs__free(s->cols);
    phs__free(s->m);
    phs__free(s->ids);
    phs__free(s->nids);
    phs__free(s->shifts);
    phs__free(s->program);
    phs__free(s->version);
    phs__free(s->new_version);
}

void phs_report_free(phs_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nf; i++) {
        phs__finding *f = &r->f[i];
        for (size_t k = 0; k < f->npairs; k++) {
            phs__free(f->pairs[k].field);
            phs__free(f->pairs[k].value);
        }
        phs__free(f->pairs);
        phs__free(f->program);
        phs__free(f->rule);
        phs__free(f->message);
        phs__free(f->example);
        phs__free(f->example_id);
    }
    for (size_t s = 0; s < r->ns; s++)
        section_free(&r->s[s]);
    phs__free(r->s);
    phs__free(r->f);
    phs__buf_free(&r->text);
    phs__buf_free(&r->json);
    phs__free(r);
}

int phs_report_analysis(const phs_report *r)
{
    return r ? r->analysis : PHS_EINVAL;
}

double phs_report_total(const phs_report *r, int which)
{
    return r && which >= 0 && which < PHS_TOTAL_COUNT ? r->total[which] : 0;
}

size_t phs_report_count(const phs_report *r) { return r ? r->nf : 0; }

static const phs__finding *fi(const phs_report *r, size_t i)
{
    return r && i < r->nf ? &r->f[i] : NULL;
}

int phs_report_kind(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->kind : PHS_EINVAL;
}

int phs_report_severity(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->severity : PHS_EINVAL;
}

const char *phs_report_program(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->program : NULL;
}

const char *phs_report_rule(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->rule : NULL;
}

const char *phs_report_message(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->message : NULL;
}

const char *phs_report_example(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->example : NULL;
}

const char *phs_report_version(const phs_report *r, size_t i)
{
    const phs__finding *f = fi(r, i);
    return f && f->section >= 0 ? r->s[f->section].version : NULL;
}

int phs_report_finding_section(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->section : PHS_EINVAL;
}

const char *phs_report_example_id(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->example_id : NULL;
}

size_t phs_report_example_count(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->npairs : 0;
}

static const phs__pair *pair(const phs_report *r, size_t i, size_t k)
{
    const phs__finding *f = fi(r, i);
    return f && k < f->npairs ? &f->pairs[k] : NULL;
}

const char *phs_report_example_field(const phs_report *r, size_t i, size_t k)
{
    return pair(r, i, k) ? pair(r, i, k)->field : NULL;
}

const char *phs_report_example_value(const phs_report *r, size_t i, size_t k)
{
    return pair(r, i, k) ? pair(r, i, k)->value : NULL;
}

int phs_report_example_type(const phs_report *r, size_t i, size_t k)
{
    return pair(r, i, k) ? pair(r, i, k)->type : PHS_EINVAL;
}

size_t phs_report_section_count(const phs_report *r) { return r ? r->ns : 0; }

static const phs__section *sec(const phs_report *r, size_t s)
{
    return r && s < r->ns ? &r->s[s] : NULL;
}

const char *phs_report_section_program(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->program : NULL;
}

const char *phs_report_section_version(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->version : NULL;
}

const char *phs_report_section_new_version(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->new_version : NULL;
}

double phs_report_section_total(const phs_report *r, size_t s, int which)
{
    return sec(r, s) && which >= 0 && which < PHS_TOTAL_COUNT
               ? sec(r, s)->total[which]
               : 0;
}

size_t phs_report_matrix_rows(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->nrows : 0;
}

size_t phs_report_matrix_cols(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->ncols : 0;
}

const char *phs_report_matrix_row(const phs_report *r, size_t s, size_t row)
{
    return row < phs_report_matrix_rows(r, s) ? sec(r, s)->rows[row] : NULL;
}

const char *phs_report_matrix_col(const phs_report *r, size_t s, size_t col)
{
    return col < phs_report_matrix_cols(r, s) ? sec(r, s)->cols[col] : NULL;
}

/* The index of a matrix cell, or SIZE_MAX out of range. */
static size_t cell(const phs_report *r, size_t s, size_t row, size_t col)
{
    if (row >= phs_report_matrix_rows(r, s) ||
        col >= phs_report_matrix_cols(r, s))
        return SIZE_MAX;
    return row * sec(r, s)->ncols + col;
}

double phs_report_matrix_cell(const phs_report *r, size_t s, size_t row,
                              size_t col)
{
    size_t c = cell(r, s, row, col);
    return c == SIZE_MAX ? 0 : sec(r, s)->m[c];
}

size_t phs_report_matrix_example_count(const phs_report *r, size_t s,
                                       size_t row, size_t col)
{
    size_t c = cell(r, s, row, col);
    return c == SIZE_MAX ? 0 : sec(r, s)->nids[c];
}

const char *phs_report_matrix_example_id(const phs_report *r, size_t s,
                                         size_t row, size_t col, size_t k)
{
    size_t c = cell(r, s, row, col);
    return c == SIZE_MAX || k >= sec(r, s)->nids[c] ? NULL
                                                    : sec(r, s)->ids[c][k];
}

size_t phs_report_shift_count(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->nshift : 0;
}

long phs_report_shift_days(const phs_report *r, size_t s, size_t k)
{
    return k < phs_report_shift_count(r, s) ? sec(r, s)->shifts[k].days : 0;
}

double phs_report_shift_residents(const phs_report *r, size_t s, size_t k)
{
    return k < phs_report_shift_count(r, s) ? sec(r, s)->shifts[k].n : 0;
}

size_t phs_report_errors(const phs_report *r) { return r ? (size_t)r->errors : 0; }

size_t phs_report_warnings(const phs_report *r)
{
    return r ? (size_t)r->warnings : 0;
}

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
    };
    return which >= 0 && which < PHS_TOTAL_COUNT ? names[which] : "unknown";
}

/* The findings as a JSON array (for the analyses' JSON renderings). */
void phs__report_findings_json(phs__buf *b, const phs_report *r,
                               const char *program)
{
    int first = 1;
    phs__buf_putc(b, '[');
    for (size_t i = 0; i < r->nf; i++) {
        const phs__finding *f = &r->f[i];
        if (program && (!f->program || strcmp(program, f->program)))
            continue;
        if (!first)
            phs__buf_putc(b, ',');
        first = 0;
        phs__buf_puts(b, "{\"kind\":");
        phs__json_cstr(b, phs_finding_kind_name(f->kind));
        phs__buf_puts(b, ",\"severity\":");
        phs__json_cstr(b, phs_severity_name(f->severity));
        phs__buf_puts(b, ",\"program\":");
        phs__json_cstr(b, f->program);
        phs__buf_puts(b, ",\"rule\":");
        phs__json_cstr(b, f->rule);
        phs__buf_puts(b, ",\"message\":");
        phs__json_cstr(b, f->message);
        phs__buf_puts(b, ",\"example\":");
        phs__buf_puts(b, f->example ? f->example : "null");
        phs__buf_putc(b, '}');
    }
    phs__buf_putc(b, ']');
}

int phs__report_finish(phs_report *r, int rc, phs_report **out)
{
    if (rc == PHS_OK && (r->oom || r->text.oom || r->json.oom))
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0) {
        phs_report_free(r);
        return rc;
    }
    *out = r;
    return PHS_OK;
}
