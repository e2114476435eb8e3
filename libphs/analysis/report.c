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

int phs__report_begin(const phs_ruleset *rs, phs_report **out,
                      const char *cmd, const phs_analysis_options *in,
                      int need_as_of, int analysis, phs_analysis_options *o,
                      phs__examples *ex, phs_report **r)
{
    if (!rs || !out)
        return phs__error_set(PHS_EINVAL, "%s: NULL argument", cmd);
    *out = NULL;
    int rc = phs__options(cmd, in, o);
    if (rc < 0)
        return rc;
    if (need_as_of && o->as_of == PHS_DATE_NONE)
        return phs__error_set(PHS_EINVAL, "%s: no as_of date: give the visit "
                                          "date of the checked cells (phs %s "
                                          "--as-of YYYY-MM-DD)",
                              cmd, cmd);
    if (o->program && phs_ruleset_program_index(rs, o->program) < 0)
        return phs__error_set(PHS_ENOTFOUND, "%s: no program '%s'", cmd,
                              o->program);
    rc = phs__examples_parse(rs, ex);
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

/* Room for element n of a growable array of the report (phs__grow): 1, or
 * 0 with oom set. */
static int room(phs_report *r, void *arrayp, size_t *cap, size_t n,
                size_t size)
{
    if (phs__grow(arrayp, cap, n, size, 8) == 0)
        return 1;
    r->oom = 1;
    return 0;
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
    if (!room(r, &r->f, &r->cap, r->nf, sizeof *r->f))
        return;
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
    if (!room(r, &r->s, &r->caps, r->ns, sizeof *r->s))
        return;
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
    if (!room(r, &tb->r, &tb->cap, tb->n, sizeof *tb->r))
        return;
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
    if (c && room(r, &c->causes, &c->capcauses, c->ncauses, sizeof *c->causes))
        c->causes[c->ncauses++] =
            (phs__cause){dup_or_null(r, rule), old_truth, new_truth, n};
}

void phs__report_clause(phs_report *r, size_t row, size_t col, const char *id)
{
    phs__mcell *c = cur_cell(r, row, col);
    if (c && room(r, &c->clauses, &c->capclauses, c->nclauses,
                  sizeof *c->clauses))
        c->clauses[c->nclauses++] = dup_or_null(r, id);
}

void phs__report_shift(phs_report *r, long days, double n)
{
    phs__section *s = cur(r);
    if (s && room(r, &s->shifts, &s->capshift, s->nshift, sizeof *s->shifts))
        s->shifts[s->nshift++] = (struct phs__shift){days, n};
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

int phs__report_finish(phs_report *r, int rc, phs_report **out)
{
    /* a report short of a string (r->oom) is never rendered: the renderers
     * read every name as a string */
    if (rc == PHS_OK && r->oom)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc == PHS_OK && r->analysis != PHS_ANALYSIS_TEST) {
        phs__render_text(&r->text, r);
        phs__render_json(&r->json, r);
    }
    if (rc == PHS_OK && (r->text.oom || r->json.oom))
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0) {
        phs_report_free(r);
        return rc;
    }
    *out = r;
    return PHS_OK;
}
