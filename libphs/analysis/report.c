/* Reports of the regulator tooling: the data (totals, sections, findings
 * with counterexamples, tables, matrices) and its accessors; render.c
 * makes the text and JSON renderings from the accessors. */
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
    char *c = phs__arena_strndup(&r->arena, s, strlen(s));
    if (!c)
        r->oom = 1;
    return c;
}

/* n zeroed elements of the report's arena (NULL and oom set on failure). */
static void *arena_array(phs_report *r, size_t n, size_t size)
{
    void *p = n ? phs__arena_alloc(&r->arena, n * size) : NULL;
    if (n && !p)
        r->oom = 1;
    return p;
}

/* Keep a buffer's text in the arena and free the buffer. */
static char *keep_buf(phs_report *r, phs__buf *b)
{
    char *c = b->oom ? NULL : dup_or_null(r, b->p ? b->p : "");
    if (!c)
        r->oom = 1;
    phs__buf_free(b);
    return c;
}

static void attach_example(phs_report *r, phs__finding *f,
                           const phs_record *ex, const char *id)
{
    const phs_ruleset *rs = ex->rs;
    phs__buf b = {0};
    an_record_json(&b, ex, id);
    f->example = keep_buf(r, &b);
    f->example_id = dup_or_null(r, id);
    size_t n = 0;
    for (size_t k = 0; k < rs->nfields; k++)
        n += (int)k != rs->f_id && phs__record_has(ex, (int)k);
    f->pairs = arena_array(r, n, sizeof *f->pairs);
    if (!f->pairs)
        return;
    for (size_t k = 0; k < rs->nfields; k++) {
        if ((int)k == rs->f_id || !phs__record_has(ex, (int)k))
            continue;
        phs__pair *pr = &f->pairs[f->npairs++];
        pr->type = (int)rs->fields[k].type;
        pr->field = dup_or_null(r, rs->fields[k].name);
        an_field_value(&b, ex, (int)k, 0);
        pr->value = keep_buf(r, &b);
    }
}

void phs__report_about(phs_report *r, const char *fingerprint,
                       const char *new_fingerprint, const char *population)
{
    r->fingerprint = dup_or_null(r, fingerprint);
    r->new_fingerprint = dup_or_null(r, new_fingerprint);
    r->population = dup_or_null(r, population);
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

void phs__report_detail(phs_report *r, const char *detail, const char *before,
                        const char *after, double cells)
{
    if (!r->nf)
        return;
    phs__finding *f = &r->f[r->nf - 1];
    f->detail = dup_or_null(r, detail);
    f->before = dup_or_null(r, before);
    f->after = dup_or_null(r, after);
    f->cells = cells;
}

void phs__report_section(phs_report *r, const phs__program *po,
                         const phs__program *pn)
{
    if (phs__grow(&r->s, &r->caps, r->ns, sizeof *r->s, 8) < 0) {
        r->oom = 1;
        return;
    }
    phs__section *s = &r->s[r->ns];
    memset(s, 0, sizeof *s);
    s->program = dup_or_null(r, po->id);
    s->version = dup_or_null(r, po->version);
    s->status = dup_or_null(r, po->status);
    s->fingerprint = dup_or_null(r, po->fingerprint);
    s->from = po->eff_from;
    s->to = po->eff_to;
    s->date = PHS_DATE_NONE;
    if (pn) {
        s->new_version = dup_or_null(r, pn->version);
        s->new_fingerprint = dup_or_null(r, pn->fingerprint);
    }
    r->cur = (int)r->ns++;
}

static phs__section *cur(phs_report *r)
{
    return r->cur >= 0 ? &r->s[r->cur] : NULL;
}

void phs__report_section_date(phs_report *r, phs_date d)
{
    if (cur(r))
        cur(r)->date = d;
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

void phs__report_row(phs_report *r, int t, const char *name,
                     const char *label, double v0, double v1, double v2,
                     double v3)
{
    phs__section *s = cur(r);
    if (!s || t < 0 || t >= PHS_TABLE_COUNT)
        return;
    phs__table *tb = &s->table[t];
    if (phs__grow(&tb->r, &tb->cap, tb->n, sizeof *tb->r, 8) < 0) {
        r->oom = 1;
        return;
    }
    tb->r[tb->n++] = (phs__row){dup_or_null(r, name), dup_or_null(r, label),
                                {v0, v1, v2, v3}};
}

void an_report_dimensions(phs_report *r, const an_space *sp)
{
    phs__section *s = cur(r);
    if (!s || !(s->dims = arena_array(r, sp->ndims, sizeof *s->dims)))
        return;
    s->ndims = sp->ndims;
    for (size_t d = 0; d < sp->ndims; d++) {
        const an_dim *dm = &sp->dims[d];
        phs__dimension *x = &s->dims[d];
        x->name = dup_or_null(r, dm->name);
        x->derived = dm->kind == AD_BUNDLE;
        if (!(x->vals = arena_array(r, dm->nvals, sizeof *x->vals)))
            continue;
        x->nvals = dm->nvals;
        for (size_t k = 0; k < dm->nvals; k++)
            x->vals[k] = dup_or_null(r, dm->vals[k].label);
    }
}

void an_report_notes(phs_report *r, const char *program, const an_space *sp)
{
    const char *s = sp->notes.p;
    while (s && *s) { /* "rule: reason" lines */
        const char *e = strchr(s, '\n');
        char line[1000];
        snprintf(line, sizeof line, "%.*s",
                 (int)(e ? (size_t)(e - s) : strlen(s)), s);
        char *colon = strstr(line, ": ");
        const char *why = "";
        if (colon) {
            *colon = '\0';
            why = colon + 2;
        }
        phs__report_add(r, PHS_FINDING_OUTSIDE, AN_WARNING, program, line,
                        NULL, NULL, "outside the exact fragment: %s", why);
        phs__report_detail(r, why, NULL, NULL, 0);
        s = e ? e + 1 : NULL;
    }
}

void phs__report_matrix(phs_report *r, size_t nrows, const char *const *rows,
                        size_t ncols, const char *const *cols)
{
    phs__section *s = cur(r);
    if (!s)
        return;
    s->rows = arena_array(r, nrows + 1, sizeof *s->rows);
    s->cols = arena_array(r, ncols + 1, sizeof *s->cols);
    s->m = arena_array(r, nrows * ncols + 1, sizeof *s->m);
    if (!s->rows || !s->cols || !s->m)
        return;
    s->nrows = nrows;
    s->ncols = ncols;
    for (size_t i = 0; i < nrows; i++)
        s->rows[i] = dup_or_null(r, rows[i]);
    for (size_t j = 0; j < ncols; j++)
        s->cols[j] = dup_or_null(r, cols[j]);
}

static phs__mcell *cur_cell(phs_report *r, size_t row, size_t col)
{
    phs__section *s = cur(r);
    return s && row < s->nrows && col < s->ncols ? &s->m[row * s->ncols + col]
                                                 : NULL;
}

void phs__report_matrix_set(phs_report *r, size_t row, size_t col, double n,
                            char *const *ids, size_t nids)
{
    phs__mcell *c = cur_cell(r, row, col);
    if (!c)
        return;
    c->n = n;
    if (!(c->ids = arena_array(r, nids, sizeof *c->ids)))
        return;
    c->nids = nids;
    for (size_t k = 0; k < nids; k++)
        c->ids[k] = dup_or_null(r, ids[k]);
}

void phs__report_cause(phs_report *r, size_t row, size_t col,
                       const char *rule, const char *old_truth,
                       const char *new_truth, double n)
{
    phs__mcell *c = cur_cell(r, row, col);
    if (!c)
        return;
    if (phs__grow(&c->causes, &c->capcauses, c->ncauses, sizeof *c->causes,
                  4) < 0) {
        r->oom = 1;
        return;
    }
    c->causes[c->ncauses++] =
        (phs__cause){dup_or_null(r, rule), old_truth, new_truth, n};
}

void phs__report_clause(phs_report *r, size_t row, size_t col, const char *id)
{
    phs__mcell *c = cur_cell(r, row, col);
    if (!c)
        return;
    if (phs__grow(&c->clauses, &c->capclauses, c->nclauses,
                  sizeof *c->clauses, 4) < 0) {
        r->oom = 1;
        return;
    }
    c->clauses[c->nclauses++] = dup_or_null(r, id);
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

void phs_report_free(phs_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ns; i++) {
        phs__section *s = &r->s[i];
        for (size_t c = 0; s->m && c < s->nrows * s->ncols; c++) {
            phs__free(s->m[c].causes);
            phs__free(s->m[c].clauses);
        }
        for (size_t t = 0; t < PHS_TABLE_COUNT; t++)
            phs__free(s->table[t].r);
        phs__free(s->shifts);
    }
    phs__free(r->s);
    phs__free(r->f);
    phs__buf_free(&r->text);
    phs__buf_free(&r->json);
    phs__arena_free(&r->arena);
    phs__free(r);
}

/* ---- accessors ---- */

int phs_report_analysis(const phs_report *r)
{
    return r ? r->analysis : PHS_EINVAL;
}

double phs_report_total(const phs_report *r, int which)
{
    return r && which >= 0 && which < PHS_TOTAL_COUNT ? r->total[which] : 0;
}

const char *phs_report_fingerprint(const phs_report *r)
{
    return r ? r->fingerprint : NULL;
}

const char *phs_report_new_fingerprint(const phs_report *r)
{
    return r ? r->new_fingerprint : NULL;
}

const char *phs_report_population(const phs_report *r)
{
    return r ? r->population : NULL;
}

size_t phs_report_max_cells(const phs_report *r) { return r ? r->max_cells : 0; }

uint64_t phs_report_seed(const phs_report *r) { return r ? r->seed : 0; }

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

/* A string member of finding i, or NULL out of range. */
#define FINDING_STR(name, member)                                    \
    const char *name(const phs_report *r, size_t i)                  \
    {                                                                \
        return fi(r, i) ? fi(r, i)->member : NULL;                   \
    }
FINDING_STR(phs_report_program, program)
FINDING_STR(phs_report_rule, rule)
FINDING_STR(phs_report_message, message)
FINDING_STR(phs_report_example, example)
FINDING_STR(phs_report_example_id, example_id)
FINDING_STR(phs_report_detail, detail)
FINDING_STR(phs_report_before, before)
FINDING_STR(phs_report_after, after)

double phs_report_cells(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->cells : 0;
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

size_t phs_report_errors(const phs_report *r) { return r ? (size_t)r->errors : 0; }

size_t phs_report_warnings(const phs_report *r)
{
    return r ? (size_t)r->warnings : 0;
}

size_t phs_report_section_count(const phs_report *r) { return r ? r->ns : 0; }

static const phs__section *sec(const phs_report *r, size_t s)
{
    return r && s < r->ns ? &r->s[s] : NULL;
}

/* A string member of section s, or NULL out of range. */
#define SECTION_STR(name, member)                                    \
    const char *name(const phs_report *r, size_t s)                  \
    {                                                                \
        return sec(r, s) ? sec(r, s)->member : NULL;                 \
    }
SECTION_STR(phs_report_section_program, program)
SECTION_STR(phs_report_section_version, version)
SECTION_STR(phs_report_section_new_version, new_version)
SECTION_STR(phs_report_section_status, status)
SECTION_STR(phs_report_section_fingerprint, fingerprint)
SECTION_STR(phs_report_section_new_fingerprint, new_fingerprint)

phs_date phs_report_section_from(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->from : PHS_DATE_NONE;
}

phs_date phs_report_section_to(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->to : PHS_DATE_NONE;
}

phs_date phs_report_section_date(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->date : PHS_DATE_NONE;
}

double phs_report_section_total(const phs_report *r, size_t s, int which)
{
    return sec(r, s) && which >= 0 && which < PHS_TOTAL_COUNT
               ? sec(r, s)->total[which]
               : 0;
}

size_t phs_report_dimension_count(const phs_report *r, size_t s)
{
    return sec(r, s) ? sec(r, s)->ndims : 0;
}

static const phs__dimension *dim(const phs_report *r, size_t s, size_t d)
{
    return d < phs_report_dimension_count(r, s) ? &sec(r, s)->dims[d] : NULL;
}

const char *phs_report_dimension_name(const phs_report *r, size_t s, size_t d)
{
    return dim(r, s, d) ? dim(r, s, d)->name : NULL;
}

int phs_report_dimension_derived(const phs_report *r, size_t s, size_t d)
{
    return dim(r, s, d) ? dim(r, s, d)->derived : PHS_EINVAL;
}

size_t phs_report_dimension_value_count(const phs_report *r, size_t s,
                                        size_t d)
{
    return dim(r, s, d) ? dim(r, s, d)->nvals : 0;
}

const char *phs_report_dimension_value(const phs_report *r, size_t s,
                                       size_t d, size_t k)
{
    return k < phs_report_dimension_value_count(r, s, d) ? dim(r, s, d)->vals[k]
                                                         : NULL;
}

size_t phs_report_table_rows(const phs_report *r, size_t s, int t)
{
    return sec(r, s) && t >= 0 && t < PHS_TABLE_COUNT ? sec(r, s)->table[t].n
                                                      : 0;
}

static const phs__row *row_of(const phs_report *r, size_t s, int t, size_t row)
{
    return row < phs_report_table_rows(r, s, t) ? &sec(r, s)->table[t].r[row]
                                                : NULL;
}

const char *phs_report_table_name(const phs_report *r, size_t s, int t,
                                  size_t row)
{
    return row_of(r, s, t, row) ? row_of(r, s, t, row)->name : NULL;
}

const char *phs_report_table_label(const phs_report *r, size_t s, int t,
                                   size_t row)
{
    return row_of(r, s, t, row) ? row_of(r, s, t, row)->label : NULL;
}

double phs_report_table_value(const phs_report *r, size_t s, int t,
                              size_t row, size_t col)
{
    return row_of(r, s, t, row) && col < 4 ? row_of(r, s, t, row)->v[col] : 0;
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

/* A matrix cell, or NULL out of range. */
static const phs__mcell *cell(const phs_report *r, size_t s, size_t row,
                              size_t col)
{
    if (row >= phs_report_matrix_rows(r, s) ||
        col >= phs_report_matrix_cols(r, s))
        return NULL;
    return &sec(r, s)->m[row * sec(r, s)->ncols + col];
}

double phs_report_matrix_cell(const phs_report *r, size_t s, size_t row,
                              size_t col)
{
    return cell(r, s, row, col) ? cell(r, s, row, col)->n : 0;
}

size_t phs_report_matrix_example_count(const phs_report *r, size_t s,
                                       size_t row, size_t col)
{
    return cell(r, s, row, col) ? cell(r, s, row, col)->nids : 0;
}

const char *phs_report_matrix_example_id(const phs_report *r, size_t s,
                                         size_t row, size_t col, size_t k)
{
    return k < phs_report_matrix_example_count(r, s, row, col)
               ? cell(r, s, row, col)->ids[k]
               : NULL;
}

size_t phs_report_cause_count(const phs_report *r, size_t s, size_t row,
                              size_t col)
{
    return cell(r, s, row, col) ? cell(r, s, row, col)->ncauses : 0;
}

static const phs__cause *cause(const phs_report *r, size_t s, size_t row,
                               size_t col, size_t k)
{
    return k < phs_report_cause_count(r, s, row, col)
               ? &cell(r, s, row, col)->causes[k]
               : NULL;
}

const char *phs_report_cause_rule(const phs_report *r, size_t s, size_t row,
                                  size_t col, size_t k)
{
    return cause(r, s, row, col, k) ? cause(r, s, row, col, k)->rule : NULL;
}

const char *phs_report_cause_old(const phs_report *r, size_t s, size_t row,
                                 size_t col, size_t k)
{
    return cause(r, s, row, col, k) ? cause(r, s, row, col, k)->old_truth
                                    : NULL;
}

const char *phs_report_cause_new(const phs_report *r, size_t s, size_t row,
                                 size_t col, size_t k)
{
    return cause(r, s, row, col, k) ? cause(r, s, row, col, k)->new_truth
                                    : NULL;
}

double phs_report_cause_residents(const phs_report *r, size_t s, size_t row,
                                  size_t col, size_t k)
{
    return cause(r, s, row, col, k) ? cause(r, s, row, col, k)->n : 0;
}

size_t phs_report_clause_count(const phs_report *r, size_t s, size_t row,
                               size_t col)
{
    return cell(r, s, row, col) ? cell(r, s, row, col)->nclauses : 0;
}

const char *phs_report_clause(const phs_report *r, size_t s, size_t row,
                              size_t col, size_t k)
{
    return k < phs_report_clause_count(r, s, row, col)
               ? cell(r, s, row, col)->clauses[k]
               : NULL;
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


int phs__report_finish(phs_report *r, int rc, phs_report **out)
{
    if (rc == PHS_OK && r->analysis != PHS_ANALYSIS_TEST) {
        phs__render_text(&r->text, r);
        phs__render_json(&r->json, r);
    }
    if (rc == PHS_OK && (r->oom || r->text.oom || r->json.oom))
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0) {
        phs_report_free(r);
        return rc;
    }
    *out = r;
    return PHS_OK;
}
