/*
 * Specification loading: the YAML tree of `fields.yaml` and of each program
 * spec, checked key by key and compiled into the ruleset.  Every error names
 * the file, line and column of the offending node.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../expr/expr.h"
#include "spec.h"

typedef struct {
    phs_ruleset *rs;
    const char *file;
    phs__program *prog; /* NULL while loading the dictionary */
    int pindex;
    /* the clauses citations resolve to: the program's, or an indicator
     * file's */
    phs__clause **clauses;
    size_t *nclauses;
} L;

#define TRY(x)                                                                 \
    do {                                                                       \
        int rc_ = (x);                                                         \
        if (rc_ < 0)                                                           \
            return rc_;                                                        \
    } while (0)

static int err(L *l, const phs__ynode *n, const char *fmt, ...)
    PHS_PRINTF(3, 4);
static int err(L *l, const phs__ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    phs__error_vset(PHS_ESPEC, l->file, n ? n->line : 0, n ? n->col : 0, NULL,
                    fmt, ap);
    va_end(ap);
    return PHS_ESPEC;
}

static int oom(void) { return phs__error_set(PHS_ENOMEM, "out of memory"); }

static const char *kind_name(const phs__ynode *n)
{
    return n->kind == PHS__Y_MAP ? "a mapping"
           : n->kind == PHS__Y_SEQ ? "a list"
                                   : "a scalar";
}

/* Check that a mapping has only the allowed keys (NULL-terminated). */
static int check_keys(L *l, const phs__ynode *m, const char *what,
                      const char *const *allowed)
{
    if (m->kind != PHS__Y_MAP)
        return err(l, m, "%s must be a mapping, not %s", what, kind_name(m));
    for (size_t i = 0; i < m->n; i += 2) {
        const phs__ynode *k = m->kids[i];
        if (k->kind != PHS__Y_SCALAR)
            return err(l, k, "keys must be plain names");
        size_t j;
        for (j = 0; allowed[j]; j++)
            if (strcmp(allowed[j], k->str) == 0)
                break;
        if (!allowed[j]) {
            char list[512] = "";
            for (j = 0; allowed[j]; j++) {
                strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[j], sizeof list - strlen(list) - 1);
            }
            return err(l, k, "unknown key '%s' in %s (expected one of: %s)",
                       k->str, what, list);
        }
    }
    return PHS_OK;
}

static int scalar(L *l, const phs__ynode *n, const char *what,
                  const char **out)
{
    *out = NULL;
    if (!n || n->kind != PHS__Y_SCALAR)
        return n ? err(l, n, "%s must be a scalar, not %s", what, kind_name(n))
                 : PHS_ESPEC;
    *out = n->str;
    return PHS_OK;
}

/* A required key's node. */
static int req(L *l, const phs__ynode *m, const char *key,
               const phs__ynode **out)
{
    *out = phs__ymap_get(m, key);
    if (!*out)
        return err(l, m, "missing required key '%s'", key);
    return PHS_OK;
}

static int req_str(L *l, const phs__ynode *m, const char *key,
                   const char **out)
{
    const phs__ynode *n;
    TRY(req(l, m, key, &n));
    return scalar(l, n, key, out);
}

static int opt_str(L *l, const phs__ynode *m, const char *key,
                   const char **out)
{
    const phs__ynode *n = phs__ymap_get(m, key);
    *out = NULL;
    return n ? scalar(l, n, key, out) : PHS_OK;
}

static int to_number(L *l, const phs__ynode *n, const char *what, double *out)
{
    const char *s;
    TRY(scalar(l, n, what, &s));
    if (!n->plain || !phs__parse_decimal(s, n->len, out) || !isfinite(*out))
        return err(l, n, "%s must be a number, not '%s'", what, s);
    return PHS_OK;
}

static int to_int(L *l, const phs__ynode *n, const char *what, int lo, int hi,
                  int *out)
{
    double v;
    TRY(to_number(l, n, what, &v));
    if (v != floor(v) || v < lo || v > hi)
        return err(l, n, "%s must be a whole number from %d to %d", what, lo,
                   hi);
    *out = (int)v;
    return PHS_OK;
}

static int to_bool(L *l, const phs__ynode *n, const char *what, int *out)
{
    const char *s;
    TRY(scalar(l, n, what, &s));
    if (n->plain && !strcmp(s, "true"))
        *out = 1;
    else if (n->plain && !strcmp(s, "false"))
        *out = 0;
    else
        return err(l, n, "%s must be true or false, not '%s'", what, s);
    return PHS_OK;
}

static int to_date(L *l, const phs__ynode *n, const char *what, phs_date *out)
{
    const char *s;
    TRY(scalar(l, n, what, &s));
    if (phs_date_parse(out, s, n->len) < 0)
        return err(l, n, "%s must be a date YYYY-MM-DD, not '%s'", what, s);
    return PHS_OK;
}

static int is_ident(const char *s)
{
    if (!*s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static int ident(L *l, const phs__ynode *m, const char *key, const char **out)
{
    TRY(req_str(l, m, key, out));
    if (!is_ident(*out))
        return err(l, phs__ymap_get(m, key),
                   "'%s' is not a valid %s (lower-case letters, digits and "
                   "'_', not starting with a digit)",
                   *out, key);
    return PHS_OK;
}

static int seq(L *l, const phs__ynode *n, const char *what)
{
    if (n->kind != PHS__Y_SEQ)
        return err(l, n, "%s must be a list, not %s", what, kind_name(n));
    return PHS_OK;
}

/* A list of scalars copied into the arena. */
static int str_list(L *l, const phs__ynode *n, const char *what,
                    const char ***out, size_t *count)
{
    if (n->kind == PHS__Y_SCALAR && n->len == 0) {
        *out = NULL;
        *count = 0;
        return PHS_OK;
    }
    TRY(seq(l, n, what));
    const char **arr = phs__arena_alloc(&l->rs->arena,
                                        (n->n ? n->n : 1) * sizeof *arr);
    if (!arr)
        return oom();
    for (size_t i = 0; i < n->n; i++)
        TRY(scalar(l, n->kids[i], what, &arr[i]));
    *out = arr;
    *count = n->n;
    return PHS_OK;
}

static int expr(L *l, const phs__ynode *n, int type, const char *what,
                phs__expr *out)
{
    phs__scope sc = {l->prog ? l->pindex : -1,
                     l->prog ? l->prog->params : NULL,
                     l->prog ? l->prog->nparams : 0};
    TRY(phs__expr_compile(l->rs, &sc, l->file, n, out));
    if (type >= 0 && out->type != type) {
        static const char *tn[] = {"number", "bool", "string", "date",
                                   "list of strings", "list of numbers"};
        return err(l, n, "%s must be a %s expression, not a %s", what,
                   tn[type], tn[out->type]);
    }
    return PHS_OK;
}

/* ---- the field dictionary ---- */

static const char *const type_names[] = {"number", "bool",  "string",
                                         "date",   "enum",  "codes", NULL};

static int load_field(L *l, const phs__ynode *m, phs__field *f)
{
    static const char *const keys[] = {
        "name", "type", "unit", "range", "label", "label_en", "absent",
        "element", "note", "values", NULL};
    const char *type, *absent;
    TRY(check_keys(l, m, "a field", keys));
    TRY(ident(l, m, "name", &f->name));
    TRY(req_str(l, m, "type", &type));
    TRY(req_str(l, m, "label", &f->label));
    f->type = -1;
    for (int i = 0; type_names[i]; i++)
        if (!strcmp(type, type_names[i]))
            f->type = i;
    if (f->type < 0)
        return err(l, phs__ymap_get(m, "type"),
                   "unknown type '%s' (number, bool, string, date, enum or "
                   "codes)", type);
    TRY(opt_str(l, m, "label_en", &f->label_en));
    TRY(opt_str(l, m, "unit", &f->unit));
    TRY(opt_str(l, m, "element", &f->element));
    TRY(opt_str(l, m, "absent", &absent));
    f->absent_default = f->type == PHS_TYPE_BOOL || f->type == PHS_TYPE_CODES;
    if (absent) {
        if (!strcmp(absent, "unknown"))
            f->absent_default = 0;
        else if (!strcmp(absent, "not_observed"))
            f->absent_default = 1;
        else
            return err(l, phs__ymap_get(m, "absent"),
                       "absent must be 'unknown' or 'not_observed'");
        if (f->absent_default && f->type != PHS_TYPE_BOOL &&
            f->type != PHS_TYPE_CODES)
            return err(l, phs__ymap_get(m, "absent"),
                       "only bool and codes fields have a 'not observed' "
                       "value (false, the empty list)");
    }
    const phs__ynode *r = phs__ymap_get(m, "range");
    if (r) {
        if (f->type != PHS_TYPE_NUMBER)
            return err(l, r, "only number fields have a range");
        if (r->kind != PHS__Y_SEQ || r->n != 2)
            return err(l, r, "range must be [low, high]");
        TRY(to_number(l, r->kids[0], "range low", &f->lo));
        TRY(to_number(l, r->kids[1], "range high", &f->hi));
        if (f->lo > f->hi)
            return err(l, r, "range low is above range high");
        f->has_range = 1;
    }
    const phs__ynode *v = phs__ymap_get(m, "values");
    if ((v != NULL) != (f->type == PHS_TYPE_ENUM))
        return err(l, v ? v : m, "enum fields, and only they, list 'values'");
    if (v) {
        TRY(str_list(l, v, "values", &f->values, &f->nvalues));
        if (f->nvalues == 0)
            return err(l, v, "an enum needs at least one value");
    }
    return PHS_OK;
}

static int add_derived(L *l, const phs__ynode *m, int program)
{
    static const char *const keys[] = {"name", "expr", "label", "cite",
                                       "note", NULL};
    phs_ruleset *rs = l->rs;
    const char *name;
    const phs__ynode *e;
    TRY(check_keys(l, m, "a derived value", keys));
    TRY(ident(l, m, "name", &name));
    TRY(req(l, m, "expr", &e));
    for (size_t i = 0; i < rs->nfields; i++)
        if (!strcmp(rs->fields[i].name, name))
            return err(l, m, "derived value '%s' has the name of a field",
                       name);
    for (size_t i = 0; i < rs->nderived; i++)
        if ((rs->derived[i].program == program) &&
            !strcmp(rs->derived[i].name, name))
            return err(l, m, "derived value '%s' is defined twice", name);
    phs__expr x;
    TRY(expr(l, e, -1, "expr", &x));
    if (x.type == PHS__T_NUMLIST)
        return err(l, e, "a derived value cannot be a list of numbers");
    if (rs->nderived == rs->derived_cap) {
        size_t cap = rs->derived_cap ? rs->derived_cap * 2 : 16;
        phs__derived *d = phs__realloc(rs->derived, cap * sizeof *d);
        if (!d)
            return oom();
        rs->derived = d;
        rs->derived_cap = cap;
    }
    rs->derived[rs->nderived++] = (phs__derived){name, program, x};
    return PHS_OK;
}

int phs__spec_load_fields(phs_ruleset *rs, const char *file,
                          const phs__ynode *root)
{
    static const char *const keys[] = {"dictionary", "version", "fields",
                                       "checks", "derived", "note", NULL};
    L l = {rs, file, NULL, -1, NULL, NULL};
    const char *marker;
    const phs__ynode *fields;
    TRY(check_keys(&l, root, "the field dictionary", keys));
    TRY(req_str(&l, root, "dictionary", &marker));
    if (strcmp(marker, "libphs-fields") != 0)
        return err(&l, phs__ymap_get(root, "dictionary"),
                   "expected 'dictionary: libphs-fields'");
    TRY(req(&l, root, "fields", &fields));
    TRY(seq(&l, fields, "fields"));
    if (fields->n > PHS__MAX_FIELDS)
        return err(&l, fields, "at most %d fields in the dictionary",
                   PHS__MAX_FIELDS);
    rs->nfields = fields->n;
    rs->nwords = (rs->nfields + 63) / 64;
    rs->fields = phs__arena_alloc(&rs->arena,
                                  (fields->n ? fields->n : 1) * sizeof *rs->fields);
    if (!rs->fields)
        return oom();
    for (size_t i = 0; i < fields->n; i++) {
        TRY(load_field(&l, fields->kids[i], &rs->fields[i]));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(rs->fields[j].name, rs->fields[i].name))
                return err(&l, fields->kids[i], "field '%s' is declared twice",
                           rs->fields[i].name);
    }
    rs->f_id = phs_ruleset_field_id(rs, "id");
    rs->f_visit_date = phs_ruleset_field_id(rs, "visit_date");
    if (rs->f_visit_date < 0 ||
        rs->fields[rs->f_visit_date].type != PHS_TYPE_DATE)
        return err(&l, fields, "the dictionary must declare 'visit_date' as "
                               "a date (follow-ups are counted from it)");
    if (rs->f_id >= 0 && rs->fields[rs->f_id].type != PHS_TYPE_STRING)
        return err(&l, fields, "the field 'id' must be a string");
    phs_error_clear();

    const phs__ynode *d = phs__ymap_get(root, "derived");
    if (d) {
        TRY(seq(&l, d, "derived"));
        for (size_t i = 0; i < d->n; i++)
            TRY(add_derived(&l, d->kids[i], -1));
    }
    const phs__ynode *c = phs__ymap_get(root, "checks");
    if (c) {
        static const char *const ckeys[] = {"id", "when", "field", "message",
                                            NULL};
        TRY(seq(&l, c, "checks"));
        rs->nchecks = c->n;
        rs->checks = phs__arena_alloc(&rs->arena,
                                      (c->n ? c->n : 1) * sizeof *rs->checks);
        if (!rs->checks)
            return oom();
        for (size_t i = 0; i < c->n; i++) {
            phs__check *k = &rs->checks[i];
            const phs__ynode *m = c->kids[i], *w;
            const char *field;
            TRY(check_keys(&l, m, "a check", ckeys));
            TRY(ident(&l, m, "id", &k->id));
            TRY(req_str(&l, m, "message", &k->message));
            TRY(req_str(&l, m, "field", &field));
            k->field = phs_ruleset_field_id(rs, field);
            if (k->field < 0)
                return err(&l, phs__ymap_get(m, "field"), "unknown field '%s'",
                           field);
            TRY(req(&l, m, "when", &w));
            TRY(expr(&l, w, PHS__T_BOOL, "when", &k->when));
        }
    }
    return PHS_OK;
}

/* ---- program specs ---- */

static int parse_interval(const char *s, int *n, char *unit)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v > 3650)
        return 0;
    while (*end == ' ')
        end++;
    if (!strcmp(end, "day") || !strcmp(end, "days")) {
        *n = (int)v;
        *unit = 'd';
    } else if (!strcmp(end, "week") || !strcmp(end, "weeks")) {
        *n = (int)v * 7;
        *unit = 'd';
    } else if (!strcmp(end, "month") || !strcmp(end, "months")) {
        *n = (int)v;
        *unit = 'm';
    } else if (!strcmp(end, "year") || !strcmp(end, "years")) {
        *n = (int)v * 12;
        *unit = 'm';
    } else {
        return 0;
    }
    return 1;
}

static int cites(L *l, const phs__ynode *m, int required,
                 const phs__clause ***out, size_t *count, int *provisional)
{
    const phs__ynode *c = phs__ymap_get(m, "cite");
    *out = NULL;
    *count = 0;
    if (!c) {
        if (required)
            return err(l, m, "every rule must cite at least one clause "
                             "('cite: [clause-id]')");
        return PHS_OK;
    }
    const char **ids;
    size_t n;
    TRY(str_list(l, c, "cite", &ids, &n));
    if (n == 0 && required)
        return err(l, c, "every rule must cite at least one clause");
    const phs__clause **arr = phs__arena_alloc(&l->rs->arena,
                                               (n ? n : 1) * sizeof *arr);
    if (!arr)
        return oom();
    const phs__clause *cl = *l->clauses;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < *l->nclauses; j++)
            if (!strcmp(cl[j].id, ids[i]))
                break;
        if (j == *l->nclauses)
            return err(l, c->kids[i], "unknown clause '%s' (declare it under "
                                      "'clauses')", ids[i]);
        arr[i] = &cl[j];
        if (provisional && cl[j].provisional)
            *provisional = 1;
    }
    *out = arr;
    *count = n;
    return PHS_OK;
}

/* when/cite/actions/provisional shared by eligibility, tiers and flags. */
static int rule(L *l, const phs__ynode *m, const char *id, phs__rule *r)
{
    const phs__ynode *w;
    int declared = 0;
    r->id = id;
    TRY(req(l, m, "when", &w));
    TRY(expr(l, w, PHS__T_BOOL, "when", &r->when));
    TRY(cites(l, m, 1, &r->cites, &r->ncites, &r->provisional));
    const phs__ynode *a = phs__ymap_get(m, "actions");
    if (a)
        TRY(str_list(l, a, "actions", &r->actions, &r->nactions));
    const phs__ynode *pv = phs__ymap_get(m, "provisional");
    if (pv)
        TRY(to_bool(l, pv, "provisional", &declared));
    if (r->provisional && !declared &&
        !strcmp(l->prog->status, "production"))
        return err(l, m, "rule '%s' cites a clause of confidence R or "
                         "UNCONFIRMED: mark it 'provisional: true' (or the "
                         "spec's status provisional)", id);
    r->provisional |= declared;
    return PHS_OK;
}

static char *join(phs__arena *a, const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    char *s = phs__arena_alloc(a, nx + ny + 1);
    if (s) {
        memcpy(s, x, nx);
        memcpy(s + nx, y, ny);
    }
    return s;
}

static int load_clauses(L *l, const phs__ynode *root)
{
    static const char *const skeys[] = {"id", "title", "kind", "issuer",
                                        "year", "url", "note", NULL};
    static const char *const ckeys[] = {"id", "source", "section", "text",
                                        "tag", "confidence", "reference",
                                        "provisional", "note", NULL};
    static const char *const tags[] = {"NAT", "GL", "LOC", "INF", NULL};
    static const char *const conf[] = {"C2", "C1", "R", "UNCONFIRMED", NULL};
    const phs__ynode *src, *cl;
    TRY(req(l, root, "sources", &src));
    TRY(seq(l, src, "sources"));
    for (size_t i = 0; i < src->n; i++) {
        const char *id, *title;
        TRY(check_keys(l, src->kids[i], "a source", skeys));
        TRY(req_str(l, src->kids[i], "id", &id));
        TRY(req_str(l, src->kids[i], "title", &title));
    }
    TRY(req(l, root, "clauses", &cl));
    TRY(seq(l, cl, "clauses"));
    phs__clause *all = phs__arena_alloc(&l->rs->arena,
                                        (cl->n ? cl->n : 1) * sizeof *all);
    if (!all)
        return oom();
    *l->clauses = all;
    *l->nclauses = cl->n;
    for (size_t i = 0; i < cl->n; i++) {
        const phs__ynode *m = cl->kids[i];
        phs__clause *c = &all[i];
        int declared = 0;
        TRY(check_keys(l, m, "a clause", ckeys));
        TRY(req_str(l, m, "id", &c->id));
        TRY(req_str(l, m, "source", &c->source));
        TRY(req_str(l, m, "text", &c->text));
        TRY(req_str(l, m, "tag", &c->tag));
        TRY(req_str(l, m, "confidence", &c->confidence));
        TRY(opt_str(l, m, "section", &c->section));
        TRY(opt_str(l, m, "reference", &c->reference));
        size_t j;
        for (j = 0; j < src->n; j++)
            if (!strcmp(phs__ymap_get(src->kids[j], "id")->str, c->source))
                break;
        if (j == src->n)
            return err(l, phs__ymap_get(m, "source"),
                       "unknown source '%s' (declare it under 'sources')",
                       c->source);
        for (j = 0; tags[j] && strcmp(tags[j], c->tag); j++)
            ;
        if (!tags[j])
            return err(l, phs__ymap_get(m, "tag"),
                       "tag must be NAT, GL, LOC or INF, not '%s'", c->tag);
        for (j = 0; conf[j] && strcmp(conf[j], c->confidence); j++)
            ;
        if (!conf[j])
            return err(l, phs__ymap_get(m, "confidence"),
                       "confidence must be C2, C1, R or UNCONFIRMED, not '%s'",
                       c->confidence);
        const phs__ynode *pv = phs__ymap_get(m, "provisional");
        if (pv)
            TRY(to_bool(l, pv, "provisional", &declared));
        c->provisional = j >= 2 || declared;
        for (j = 0; j < i; j++)
            if (!strcmp(all[j].id, c->id))
                return err(l, m, "clause '%s' is declared twice", c->id);
    }
    return PHS_OK;
}

static int param_value(L *l, const phs__ynode *at, phs__param *pa,
                       const char *text, const char **values, size_t nvalues)
{
    pa->text = text;
    switch (pa->type) {
    case PHS__T_NUM:
        if (!phs__parse_decimal(text, strlen(text), &pa->value.u.n) ||
            !isfinite(pa->value.u.n))
            return err(l, at, "parameter '%s' must be a number, not '%s'",
                       pa->name, text);
        return PHS_OK;
    case PHS__T_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "false")) {
            pa->value.u.i = text[0] == 't';
            return PHS_OK;
        }
        return err(l, at, "parameter '%s' must be true or false, not '%s'",
                   pa->name, text);
    default:
        if (values) {
            size_t i;
            for (i = 0; i < nvalues && strcmp(values[i], text); i++)
                ;
            if (i == nvalues)
                return err(l, at, "parameter '%s' cannot be '%s' (not one of "
                                  "its values)", pa->name, text);
        }
        pa->value.u.s.p = text;
        pa->value.u.s.n = (uint32_t)strlen(text);
        return PHS_OK;
    }
}

static int load_params(L *l, const phs__ynode *list, char **overrides,
                       size_t noverrides, uint8_t *used)
{
    static const char *const keys[] = {"name", "type", "values", "default",
                                       "label", "cite", "note", NULL};
    phs__program *p = l->prog;
    TRY(seq(l, list, "parameters"));
    p->nparams = list->n;
    p->params = phs__arena_alloc(&l->rs->arena,
                                 (list->n ? list->n : 1) * sizeof *p->params);
    if (!p->params)
        return oom();
    for (size_t i = 0; i < list->n; i++) {
        const phs__ynode *m = list->kids[i], *def;
        phs__param *pa = &p->params[i];
        const char *type, **values = NULL, *text;
        size_t nvalues = 0;
        const phs__clause **cs;
        size_t ncs;
        TRY(check_keys(l, m, "a parameter", keys));
        TRY(ident(l, m, "name", &pa->name));
        TRY(req_str(l, m, "type", &type));
        TRY(req(l, m, "default", &def));
        TRY(cites(l, m, 1, &cs, &ncs, NULL));
        if (!strcmp(type, "number"))
            pa->type = PHS__T_NUM;
        else if (!strcmp(type, "bool"))
            pa->type = PHS__T_BOOL;
        else if (!strcmp(type, "string") || !strcmp(type, "enum"))
            pa->type = PHS__T_STR;
        else
            return err(l, phs__ymap_get(m, "type"),
                       "parameter type must be number, bool, string or enum");
        const phs__ynode *v = phs__ymap_get(m, "values");
        if (v)
            TRY(str_list(l, v, "values", &values, &nvalues));
        if (!strcmp(type, "enum") && !v)
            return err(l, m, "an enum parameter lists its 'values'");
        TRY(scalar(l, def, "default", &text));
        TRY(param_value(l, def, pa, text, values, nvalues));
        size_t plen = strlen(p->id), nlen = strlen(pa->name);
        for (size_t k = 0; k < noverrides; k++) {
            const char *o = overrides[k];
            if (!strncmp(o, p->id, plen) && o[plen] == '.' &&
                !strncmp(o + plen + 1, pa->name, nlen) &&
                o[plen + 1 + nlen] == '=') {
                used[k] = 1;
                const char *val = phs__arena_strndup(
                    &l->rs->arena, o + plen + nlen + 2,
                    strlen(o + plen + nlen + 2));
                if (!val)
                    return oom();
                TRY(param_value(l, def, pa, val, values, nvalues));
            }
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->params[j].name, pa->name))
                return err(l, m, "parameter '%s' is declared twice", pa->name);
    }
    return PHS_OK;
}

/* follow_up: {interval, from, window} of a tier or a flag */
static int load_follow_up(L *l, const phs__ynode *fu, const char **ivl_text,
                          int *ivl_n, char *ivl_unit, phs__expr *from_out,
                          int *window_days)
{
    static const char *const fkeys[] = {"interval", "from", "window", NULL};
    from_out->root = -1;
    *window_days = -1;
    TRY(check_keys(l, fu, "follow_up", fkeys));
    TRY(req_str(l, fu, "interval", ivl_text));
    if (!parse_interval(*ivl_text, ivl_n, ivl_unit))
        return err(l, phs__ymap_get(fu, "interval"),
                   "interval must read 'N days', 'N weeks', 'N months' or 'N "
                   "years', not '%s'", *ivl_text);
    const phs__ynode *from = phs__ymap_get(fu, "from");
    if (from)
        TRY(expr(l, from, PHS__T_DATE, "from", from_out));
    const phs__ynode *win = phs__ymap_get(fu, "window");
    if (win) {
        const char *s;
        int n;
        char unit;
        TRY(scalar(l, win, "window", &s));
        if (!parse_interval(s, &n, &unit) || unit != 'd')
            return err(l, win, "window must read 'N days' or 'N weeks'");
        *window_days = n;
    }
    return PHS_OK;
}

/* codes: [{code, when}, ...] - the follow-up classification code per cause */
static int load_code_cases(L *l, const phs__ynode *n, phs__tier *t)
{
    static const char *const ckeys[] = {"code", "when", "note", NULL};
    TRY(seq(l, n, "codes"));
    if (n->n > 16)
        return err(l, n, "at most 16 codes");
    t->ncases = n->n;
    t->cases = phs__arena_alloc(&l->rs->arena,
                                (n->n ? n->n : 1) * sizeof *t->cases);
    if (!t->cases)
        return oom();
    for (size_t i = 0; i < n->n; i++) {
        const phs__ynode *c = n->kids[i], *w;
        TRY(check_keys(l, c, "a code case", ckeys));
        TRY(req_str(l, c, "code", &t->cases[i].code));
        TRY(req(l, c, "when", &w));
        TRY(expr(l, w, PHS__T_BOOL, "when", &t->cases[i].when));
    }
    return PHS_OK;
}

static int load_tier(L *l, const phs__ynode *m, phs__tier *t)
{
    static const char *const keys[] = {"id", "level", "code", "codes", "when",
                                       "follow_up", "referral", "actions",
                                       "cite", "provisional", "label", "note",
                                       NULL};
    const phs__ynode *lv, *fu, *rf, *cs;
    TRY(check_keys(l, m, "a tier", keys));
    TRY(ident(l, m, "id", &t->name));
    /* the outcome names a result gives in a tier's place: a tier so named
     * could not be told from them */
    static const char *const reserved[] = {"unclassified", "not_enrolled",
                                           "insufficient_data"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strcmp(t->name, reserved[i]))
            return err(l, phs__ymap_get(m, "id"),
                       "'%s' is reserved for an outcome and cannot be a tier "
                       "id", t->name);
    TRY(req(l, m, "level", &lv));
    TRY(to_int(l, lv, "level", 0, 100, &t->level));
    TRY(opt_str(l, m, "code", &t->code));
    if ((cs = phs__ymap_get(m, "codes")) != NULL)
        TRY(load_code_cases(l, cs, t));
    char *rid = join(&l->rs->arena, "tier.", t->name);
    if (!rid)
        return oom();
    TRY(rule(l, m, rid, &t->r));
    if ((rf = phs__ymap_get(m, "referral")) != NULL)
        TRY(to_bool(l, rf, "referral", &t->referral));
    TRY(req(l, m, "follow_up", &fu));
    return load_follow_up(l, fu, &t->ivl_text, &t->ivl_n, &t->ivl_unit,
                          &t->from, &t->window_days);
}

static int load_flag(L *l, const phs__ynode *m, phs__flag *f)
{
    static const char *const keys[] = {"id", "when", "enrolled", "actions",
                                       "cite", "provisional", "label", "note",
                                       "referral", "follow_up", NULL};
    TRY(check_keys(l, m, "a flag", keys));
    TRY(ident(l, m, "id", &f->name));
    char *rid = join(&l->rs->arena, "flag.", f->name);
    if (!rid)
        return oom();
    TRY(rule(l, m, rid, &f->r));
    f->enrolled = -1;
    f->from.root = -1;
    f->window_days = -1;
    const phs__ynode *e = phs__ymap_get(m, "enrolled");
    if (e)
        TRY(to_bool(l, e, "enrolled", &f->enrolled));
    const phs__ynode *rf = phs__ymap_get(m, "referral");
    const phs__ynode *fu = phs__ymap_get(m, "follow_up");
    if ((rf || fu) && f->enrolled != 1)
        return err(l, rf ? rf : fu, "flag '%s': referral and follow_up need "
                                    "'enrolled: true' (they act on the "
                                    "program's result)", f->name);
    if (rf)
        TRY(to_bool(l, rf, "referral", &f->referral));
    if (fu) {
        const char *text;
        f->has_follow_up = 1;
        TRY(load_follow_up(l, fu, &text, &f->ivl_n, &f->ivl_unit, &f->from,
                           &f->window_days));
    }
    return PHS_OK;
}

static int tier_index(const phs__program *p, const char *name)
{
    for (size_t i = 0; i < p->ntiers; i++)
        if (!strcmp(p->tiers[i].name, name))
            return (int)i;
    return -1;
}

static int load_yearly(L *l, const phs__ynode *m, phs__yearly *y)
{
    static const char *const keys[] = {"id", "min", "what", "tiers", "when",
                                       "cite", "note", NULL};
    const phs__ynode *mn, *ts, *w;
    TRY(check_keys(l, m, "a yearly requirement", keys));
    y->when.root = -1;
    if ((w = phs__ymap_get(m, "when")) != NULL)
        TRY(expr(l, w, PHS__T_BOOL, "when", &y->when));
    TRY(ident(l, m, "id", &y->id));
    TRY(req_str(l, m, "what", &y->what));
    TRY(req(l, m, "min", &mn));
    TRY(to_int(l, mn, "min", 0, 366, &y->min));
    TRY(cites(l, m, 1, &y->cites, &y->ncites, NULL));
    if ((ts = phs__ymap_get(m, "tiers")) != NULL) {
        const char **names;
        size_t n;
        TRY(str_list(l, ts, "tiers", &names, &n));
        for (size_t i = 0; i < n; i++) {
            int t = tier_index(l->prog, names[i]);
            if (t < 0)
                return err(l, ts->kids[i], "unknown tier '%s'", names[i]);
            y->tiers |= (uint64_t)1 << t;
        }
    }
    return PHS_OK;
}

/* One example mapping, checked against its program version (the rule set
 * is only read: l carries the file name alone). */
static int check_example(L *l, const phs_ruleset *rs, const phs__program *p,
                         const phs__ynode *m, phs__example *ex)
{
    static const char *const keys[] = {"id", "note", "params", "input",
                                       "expect", NULL};
    static const char *const ekeys[] = {"tier", "next_due", "flags",
                                        "referral", "missing", "level",
                                        "code", "earliest", NULL};
    const phs__ynode *in, *exp, *t;
    TRY(check_keys(l, m, "an example", keys));
    TRY(req_str(l, m, "id", &ex->id));
    TRY(req(l, m, "input", &in));
    TRY(req(l, m, "expect", &exp));
    TRY(check_keys(l, exp, "expect", ekeys));
    if (in->kind != PHS__Y_MAP)
        return err(l, in, "input must be a mapping of field: value");
    for (size_t i = 0; i < in->n; i += 2)
        if (in->kids[i]->kind != PHS__Y_SCALAR ||
            phs_ruleset_field_id(rs, in->kids[i]->str) < 0)
            return err(l, in->kids[i], "unknown field '%s' in example input",
                       in->kids[i]->str ? in->kids[i]->str : "?");
    phs_error_clear();
    TRY(req(l, exp, "tier", &t));
    if (t->kind != PHS__Y_SCALAR)
        return err(l, t, "expect.tier must be a tier id, insufficient_data "
                         "or null");
    if (!(t->plain && (!strcmp(t->str, "null") || !strcmp(t->str, "~") ||
                       t->len == 0)) &&
        strcmp(t->str, "insufficient_data") && tier_index(p, t->str) < 0)
        return err(l, t, "expect.tier '%s' is not a tier of %s", t->str,
                   p->id);
    const phs__ynode *fl = phs__ymap_get(exp, "flags");
    if (fl) {
        TRY(seq(l, fl, "expect.flags"));
        for (size_t i = 0; i < fl->n; i++) {
            size_t j;
            if (fl->kids[i]->kind != PHS__Y_SCALAR)
                return err(l, fl->kids[i], "flags are flag ids");
            for (j = 0; j < p->nflags; j++)
                if (!strcmp(p->flags[j].name, fl->kids[i]->str))
                    break;
            if (j == p->nflags)
                return err(l, fl->kids[i], "'%s' is not a flag of %s",
                           fl->kids[i]->str, p->id);
        }
    }
    const phs__ynode *pr = phs__ymap_get(m, "params");
    if (pr) {
        if (pr->kind != PHS__Y_MAP)
            return err(l, pr, "params must be a mapping of name: value");
        for (size_t i = 0; i < pr->n; i += 2) {
            size_t j;
            for (j = 0; j < p->nparams; j++)
                if (!strcmp(p->params[j].name, pr->kids[i]->str))
                    break;
            if (j == p->nparams || pr->kids[i + 1]->kind != PHS__Y_SCALAR)
                return err(l, pr->kids[i], "'%s' is not a parameter of %s",
                           pr->kids[i]->str ? pr->kids[i]->str : "?", p->id);
        }
    }
    ex->file = l->file;
    ex->node = m;
    return PHS_OK;
}

#define LIST_OF(field, count, node, what, loader, max)                         \
    do {                                                                       \
        TRY(seq(&l, node, what));                                              \
        if ((node)->n > (max))                                                 \
            return err(&l, node, "at most %d %s", (max), what);                \
        p->count = (node)->n;                                                  \
        p->field = phs__arena_alloc(&rs->arena,                                \
                                    ((node)->n ? (node)->n : 1) *              \
                                        sizeof *p->field);                     \
        if (!p->field)                                                         \
            return oom();                                                      \
        for (size_t i_ = 0; i_ < (node)->n; i_++)                              \
            TRY(loader(&l, (node)->kids[i_], &p->field[i_]));                  \
    } while (0)

int phs__spec_load_program(phs_ruleset *rs, const char *file,
                           const phs__ynode *root,
                           const phs__ypart *examples, char **overrides,
                           size_t noverrides, uint8_t *used)
{
    static const char *const keys[] = {
        "program", "version", "title", "status", "effective", "sources",
        "clauses", "parameters", "derived", "eligibility", "tiers", "flags",
        "yearly", "examples", "note", NULL};
    static const char *const statuses[] = {"draft", "provisional",
                                           "production", NULL};
    phs__program *p = &rs->allvers[rs->nallvers];
    L l = {rs, file, p, (int)rs->nallvers, &p->clauses, &p->nclauses};
    const phs__ynode *n;
    memset(p, 0, sizeof *p);
    p->file = file;
    p->root = root;
    TRY(check_keys(&l, root, "a program spec", keys));
    TRY(ident(&l, root, "program", &p->id));
    TRY(req_str(&l, root, "version", &p->version));
    TRY(req_str(&l, root, "status", &p->status));
    size_t s;
    for (s = 0; statuses[s] && strcmp(statuses[s], p->status); s++)
        ;
    if (!statuses[s])
        return err(&l, phs__ymap_get(root, "status"),
                   "status must be draft, provisional or production");
    static const char *const tkeys[] = {"zh", "en", NULL};
    TRY(req(&l, root, "title", &n));
    TRY(check_keys(&l, n, "title", tkeys));
    TRY(req_str(&l, n, "zh", &p->title_zh));
    TRY(req_str(&l, n, "en", &p->title_en));
    static const char *const ekeys[] = {"from", "to", NULL};
    p->eff_from = p->eff_to = PHS_DATE_NONE;
    TRY(req(&l, root, "effective", &n));
    TRY(check_keys(&l, n, "effective", ekeys));
    const phs__ynode *ef = phs__ymap_get(n, "from"), *et = phs__ymap_get(n, "to");
    if (!ef)
        return err(&l, n, "missing required key 'from'");
    TRY(to_date(&l, ef, "effective.from", &p->eff_from));
    if (et && !(et->plain && (!strcmp(et->str, "null") || et->len == 0)))
        TRY(to_date(&l, et, "effective.to", &p->eff_to));
    if (p->eff_to != PHS_DATE_NONE && p->eff_to < p->eff_from)
        return err(&l, et, "effective.to is before effective.from");
    /* Several versions of one program: their effective ranges (to is the
     * last day in force) must not overlap. */
    size_t distinct = 0;
    int seen = 0;
    for (size_t i = 0; i < rs->nallvers; i++) {
        const phs__program *q = &rs->allvers[i];
        size_t j;
        for (j = 0; j < i && strcmp(rs->allvers[j].id, q->id); j++)
            ;
        distinct += j == i;
        if (strcmp(q->id, p->id) != 0)
            continue;
        seen = 1;
        int overlap = (q->eff_to == PHS_DATE_NONE || p->eff_from <= q->eff_to) &&
                      (p->eff_to == PHS_DATE_NONE || q->eff_from <= p->eff_to);
        if (overlap) {
            char a[11], b[11], c[11], d[11];
            phs_date_format(q->eff_from, a);
            phs_date_format(p->eff_from, c);
            if (q->eff_to == PHS_DATE_NONE)
                strcpy(b, "open");
            else
                phs_date_format(q->eff_to, b);
            if (p->eff_to == PHS_DATE_NONE)
                strcpy(d, "open");
            else
                phs_date_format(p->eff_to, d);
            return err(&l, phs__ymap_get(root, "program"),
                       "program '%s' is already defined in %s for an "
                       "overlapping effective period (%s to %s; this file: "
                       "%s to %s): versions of one program need disjoint "
                       "effective ranges", p->id, q->file, a, b, c, d);
        }
    }
    if (!seen && distinct >= PHS__MAX_PROGRAMS)
        return err(&l, root, "at most %d programs in one rule set",
                   PHS__MAX_PROGRAMS);
    if (rs->nallvers >= PHS__MAX_VERSIONS)
        return err(&l, root, "at most %d program versions in one rule set",
                   PHS__MAX_VERSIONS);
    TRY(load_clauses(&l, root));

    if ((n = phs__ymap_get(root, "parameters")) != NULL)
        TRY(load_params(&l, n, overrides, noverrides, used));
    if ((n = phs__ymap_get(root, "derived")) != NULL) {
        TRY(seq(&l, n, "derived"));
        for (size_t i = 0; i < n->n; i++)
            TRY(add_derived(&l, n->kids[i], l.pindex));
    }
    static const char *const elkeys[] = {"when", "cite", "note", "actions",
                                         "provisional", NULL};
    TRY(req(&l, root, "eligibility", &n));
    TRY(check_keys(&l, n, "eligibility", elkeys));
    TRY(rule(&l, n, "eligibility", &p->elig));

    TRY(req(&l, root, "tiers", &n));
    LIST_OF(tiers, ntiers, n, "tiers", load_tier, 64);
    if (p->ntiers == 0)
        return err(&l, n, "a program needs at least one tier");
    for (size_t i = 1; i < p->ntiers; i++)
        if (tier_index(p, p->tiers[i].name) != (int)i)
            return err(&l, n->kids[i], "tier '%s' is declared twice",
                       p->tiers[i].name);
    if ((n = phs__ymap_get(root, "flags")) != NULL) {
        LIST_OF(flags, nflags, n, "flags", load_flag, 64);
        for (size_t i = 0; i < p->nflags; i++)
            for (size_t j = 0; j < i; j++)
                if (!strcmp(p->flags[i].name, p->flags[j].name))
                    return err(&l, n->kids[i], "flag '%s' is declared twice",
                               p->flags[i].name);
    }
    if ((n = phs__ymap_get(root, "yearly")) != NULL)
        LIST_OF(yearly, nyearly, n, "yearly requirements", load_yearly, 64);
    p->examples = *examples;
    rs->nallvers++;
    return PHS_OK;
}

int phs__examples_parse(const phs_ruleset *rs, phs__examples *out)
{
    size_t nv = rs->nallvers ? rs->nallvers : 1;
    memset(out, 0, sizeof *out);
    out->of = phs__arena_alloc(&out->arena, nv * sizeof *out->of);
    out->n = phs__arena_alloc(&out->arena, nv * sizeof *out->n);
    if (!out->of || !out->n) {
        phs__examples_free(out);
        return oom();
    }
    for (size_t v = 0; v < rs->nallvers; v++) {
        const phs__program *p = &rs->allvers[v];
        const phs__ynode *list;
        L l = {NULL, p->file, NULL, -1, NULL, NULL};
        int rc = phs__yaml_parse_part(&list, &out->arena, p->file,
                                      &p->examples, &rs->lim);
        if (rc == PHS_OK && list && list->kind != PHS__Y_SEQ)
            rc = err(&l, list, "examples must be a list, not %s",
                     kind_name(list));
        if (rc == PHS_OK && list && list->n > 100000)
            rc = err(&l, list, "at most %d examples", 100000);
        if (rc == PHS_OK && list) {
            out->n[v] = list->n;
            out->of[v] = phs__arena_alloc(&out->arena, (list->n ? list->n : 1) *
                                                           sizeof *out->of[v]);
            if (!out->of[v])
                rc = oom();
        }
        for (size_t i = 0; rc == PHS_OK && list && i < list->n; i++)
            rc = check_example(&l, rs, p, list->kids[i], &out->of[v][i]);
        if (rc < 0) {
            phs__examples_free(out);
            return rc;
        }
    }
    return PHS_OK;
}

void phs__examples_free(phs__examples *ex)
{
    phs__arena_free(&ex->arena);
    memset(ex, 0, sizeof *ex);
}

/* ---- indicator files ---- */

static int yearly_of(L *l, const phs__program *p, const phs__ynode *n,
                     const phs__yearly **out)
{
    const char *id;
    TRY(scalar(l, n, "a yearly requirement id", &id));
    for (size_t y = 0; p && y < p->nyearly; y++)
        if (!strcmp(p->yearly[y].id, id)) {
            *out = &p->yearly[y];
            return PHS_OK;
        }
    return err(l, n, "'%s' is not a yearly requirement of %s", id,
               p ? p->id : "any program (give the indicator a program)");
}

/* A visit count's minimum: a number, or yearly requirement ids whose
 * minimums add up (the rules' own numbers). */
static int visit_min(L *l, const phs__program *p, const phs__ynode *n,
                     int *out)
{
    if (n->kind == PHS__Y_SCALAR)
        return to_int(l, n, "visits.min", 0, 366, out);
    TRY(seq(l, n, "visits.min"));
    *out = 0;
    for (size_t i = 0; i < n->n; i++) {
        const phs__yearly *y;
        TRY(yearly_of(l, p, n->kids[i], &y));
        *out += y->min;
    }
    return PHS_OK;
}

static int load_indicator(L *l, const phs__ynode *m, phs__indicator *ind)
{
    static const char *const keys[] = {"id", "program", "title", "denominator",
                                       "numerator", "target", "cite", "note",
                                       NULL};
    static const char *const tkeys[] = {"zh", "en", NULL};
    static const char *const dkeys[] = {"residents", "where", "reached",
                                        "note", NULL};
    static const char *const nkeys[] = {"visits", "due_dates_met", "latest",
                                        "date_in_period", "note", NULL};
    static const char *const vkeys[] = {"where", "min", NULL};
    const phs__ynode *n, *d, *nu;
    const char *s;
    phs_ruleset *rs = l->rs;
    TRY(check_keys(l, m, "an indicator", keys));
    TRY(ident(l, m, "id", &ind->id));
    ind->file = l->file;
    ind->program = -1;
    ind->date_field = -1;
    ind->visit_min = -1;
    ind->target = NAN;
    ind->where.root = ind->visit_where.root = ind->latest.root = -1;
    l->prog = NULL;
    l->pindex = -1;
    if ((n = phs__ymap_get(m, "program")) != NULL) {
        TRY(scalar(l, n, "program", &s));
        size_t p;
        for (p = 0; p < rs->nprograms && strcmp(rs->programs[p].id, s); p++)
            ;
        if (p == rs->nprograms)
            return err(l, n, "unknown program '%s'", s);
        ind->program = (int)p;
        /* expressions see the latest version's parameters and derived
         * values */
        l->prog = rs->programs[p].vers[rs->programs[p].nvers - 1];
        l->pindex = (int)(l->prog - rs->allvers);
    }
    TRY(req(l, m, "title", &n));
    TRY(check_keys(l, n, "title", tkeys));
    TRY(req_str(l, n, "zh", &ind->title_zh));
    TRY(req_str(l, n, "en", &ind->title_en));

    TRY(req(l, m, "denominator", &d));
    TRY(check_keys(l, d, "denominator", dkeys));
    TRY(req_str(l, d, "residents", &s));
    if (!strcmp(s, "all"))
        ind->all_residents = 1;
    else if (strcmp(s, "enrolled") != 0)
        return err(l, phs__ymap_get(d, "residents"),
                   "denominator.residents must be enrolled or all, not '%s'",
                   s);
    if (!ind->all_residents && ind->program < 0)
        return err(l, d, "residents: enrolled needs the indicator's program");
    if ((n = phs__ymap_get(d, "where")) != NULL)
        TRY(expr(l, n, PHS__T_BOOL, "where", &ind->where));
    if ((n = phs__ymap_get(d, "reached")) != NULL) {
        const phs__yearly *y;
        TRY(yearly_of(l, l->prog, n, &y));
        if (!y->tiers)
            return err(l, n, "yearly requirement '%s' names no tiers", y->id);
        ind->reached = y->tiers;
    }

    TRY(req(l, m, "numerator", &nu));
    TRY(check_keys(l, nu, "numerator", nkeys));
    if (nu->n == 0)
        return err(l, nu, "the numerator needs at least one condition");
    if ((n = phs__ymap_get(nu, "visits")) != NULL) {
        const phs__ynode *w, *mn;
        TRY(check_keys(l, n, "numerator.visits", vkeys));
        TRY(req(l, n, "min", &mn));
        TRY(visit_min(l, l->prog, mn, &ind->visit_min));
        if ((w = phs__ymap_get(n, "where")) != NULL)
            TRY(expr(l, w, PHS__T_BOOL, "where", &ind->visit_where));
    }
    if ((n = phs__ymap_get(nu, "due_dates_met")) != NULL) {
        TRY(to_bool(l, n, "due_dates_met", &ind->due_dates_met));
        if (ind->due_dates_met && ind->program < 0)
            return err(l, n, "due_dates_met needs the indicator's program");
    }
    if ((n = phs__ymap_get(nu, "latest")) != NULL)
        TRY(expr(l, n, PHS__T_BOOL, "latest", &ind->latest));
    if ((n = phs__ymap_get(nu, "date_in_period")) != NULL) {
        TRY(scalar(l, n, "date_in_period", &s));
        ind->date_field = phs_ruleset_field_id(rs, s);
        phs_error_clear();
        if (ind->date_field < 0 ||
            rs->fields[ind->date_field].type != PHS_TYPE_DATE)
            return err(l, n, "date_in_period must name a date field, not "
                             "'%s'", s);
    }
    if ((n = phs__ymap_get(m, "target")) != NULL) {
        TRY(to_number(l, n, "target", &ind->target));
        if (ind->target < 0 || ind->target > 1)
            return err(l, n, "target is a rate from 0 to 1 (0.4 for 40 %%)");
    }
    return cites(l, m, 1, &ind->cites, &ind->ncites, NULL);
}

int phs__spec_load_indicators(phs_ruleset *rs, const char *file,
                              const phs__ynode *root)
{
    static const char *const keys[] = {"indicator_set", "version", "sources",
                                       "clauses", "indicators", "note", NULL};
    phs__clause *clauses = NULL;
    size_t nclauses = 0;
    L l = {rs, file, NULL, -1, &clauses, &nclauses};
    const phs__ynode *n;
    const char *s;
    TRY(check_keys(&l, root, "an indicator file", keys));
    TRY(ident(&l, root, "indicator_set", &s));
    TRY(req_str(&l, root, "version", &s));
    TRY(load_clauses(&l, root));
    TRY(req(&l, root, "indicators", &n));
    TRY(seq(&l, n, "indicators"));
    if (n->n > 1024)
        return err(&l, n, "at most 1024 indicators in one file");
    phs__indicator *all = phs__arena_alloc(
        &rs->arena, (rs->nindicators + n->n + 1) * sizeof *all);
    if (!all)
        return oom();
    if (rs->nindicators)
        memcpy(all, rs->indicators, rs->nindicators * sizeof *all);
    for (size_t i = 0; i < n->n; i++) {
        phs__indicator *ind = &all[rs->nindicators + i];
        TRY(load_indicator(&l, n->kids[i], ind));
        for (size_t j = 0; j < rs->nindicators + i; j++)
            if (!strcmp(all[j].id, ind->id))
                return err(&l, n->kids[i], "indicator '%s' is already "
                           "declared in %s", ind->id, all[j].file);
    }
    rs->indicators = all;
    rs->nindicators += n->n;
    return PHS_OK;
}
