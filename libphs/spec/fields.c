/* The field dictionary (`fields.yaml`): fields, shared derived values and
 * record checks, compiled into the rule set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

/* ---- the field dictionary ---- */

static const char *const type_names[] = {"number", "bool",  "string",
                                         "date",   "enum",  "codes", NULL};

static int load_field(sp_file *l, const phs__ynode *m, phs__field *f)
{
    static const char *const keys[] = {
        "name", "type", "unit", "range", "label", "label_en", "absent",
        "element", "note", "values", NULL};
    const char *type, *absent;
    TRY(sp_check_keys(l, m, "a field", keys));
    TRY(sp_ident(l, m, "name", &f->name));
    TRY(sp_req_str(l, m, "type", &type));
    TRY(sp_req_str(l, m, "label", &f->label));
    f->type = -1;
    for (int i = 0; type_names[i]; i++)
        if (!strcmp(type, type_names[i]))
            f->type = i;
    if (f->type < 0)
        return sp_err(l, phs__ymap_get(m, "type"),
                      "unknown type '%s' (number, bool, string, date, enum or "
                      "codes)", type);
    TRY(sp_opt_str(l, m, "label_en", &f->label_en));
    TRY(sp_opt_str(l, m, "unit", &f->unit));
    TRY(sp_opt_str(l, m, "element", &f->element));
    TRY(sp_opt_str(l, m, "absent", &absent));
    f->absent_default = f->type == PHS_TYPE_BOOL || f->type == PHS_TYPE_CODES;
    if (absent) {
        if (!strcmp(absent, "unknown"))
            f->absent_default = 0;
        else if (!strcmp(absent, "not_observed"))
            f->absent_default = 1;
        else
            return sp_err(l, phs__ymap_get(m, "absent"),
                          "absent must be 'unknown' or 'not_observed'");
        if (f->absent_default && f->type != PHS_TYPE_BOOL &&
            f->type != PHS_TYPE_CODES)
            return sp_err(l, phs__ymap_get(m, "absent"),
                          "only bool and codes fields have a 'not observed' "
                          "value (false, the empty list)");
    }
    const phs__ynode *r = phs__ymap_get(m, "range");
    if (r) {
        if (f->type != PHS_TYPE_NUMBER)
            return sp_err(l, r, "only number fields have a range");
        if (r->kind != PHS__Y_SEQ || r->n != 2)
            return sp_err(l, r, "range must be [low, high]");
        TRY(sp_to_number(l, r->kids[0], "range low", &f->lo));
        TRY(sp_to_number(l, r->kids[1], "range high", &f->hi));
        if (f->lo > f->hi)
            return sp_err(l, r, "range low is above range high");
        f->has_range = 1;
    }
    const phs__ynode *v = phs__ymap_get(m, "values");
    if ((v != NULL) != (f->type == PHS_TYPE_ENUM))
        return sp_err(l, v ? v : m,
                      "enum fields, and only they, list 'values'");
    if (v) {
        TRY(sp_str_list(l, v, "values", &f->values, &f->nvalues));
        if (f->nvalues == 0)
            return sp_err(l, v, "an enum needs at least one value");
    }
    return PHS_OK;
}

int sp_add_derived(sp_file *l, const phs__ynode *m, int program)
{
    static const char *const keys[] = {"name", "expr", "label", "cite",
                                       "note", NULL};
    phs_ruleset *rs = l->rs;
    const char *name;
    const phs__ynode *e;
    TRY(sp_check_keys(l, m, "a derived value", keys));
    TRY(sp_ident(l, m, "name", &name));
    TRY(sp_req(l, m, "expr", &e));
    for (size_t i = 0; i < rs->nfields; i++)
        if (!strcmp(rs->fields[i].name, name))
            return sp_err(l, m, "derived value '%s' has the name of a field",
                          name);
    for (size_t i = 0; i < rs->nderived; i++)
        if ((rs->derived[i].program == program) &&
            !strcmp(rs->derived[i].name, name))
            return sp_err(l, m, "derived value '%s' is defined twice", name);
    phs__expr x;
    TRY(sp_expr(l, e, -1, "expr", &x));
    if (x.type == PHS__T_NUMLIST)
        return sp_err(l, e, "a derived value cannot be a list of numbers");
    if (rs->nderived == rs->derived_cap) {
        size_t cap = rs->derived_cap ? rs->derived_cap * 2 : 16;
        phs__derived *d = phs__realloc(rs->derived, cap * sizeof *d);
        if (!d)
            return sp_oom();
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
    sp_file l = {rs, file, NULL, -1, NULL, NULL};
    const char *marker;
    const phs__ynode *fields;
    TRY(sp_check_keys(&l, root, "the field dictionary", keys));
    TRY(sp_req_str(&l, root, "dictionary", &marker));
    if (strcmp(marker, "libphs-fields") != 0)
        return sp_err(&l, phs__ymap_get(root, "dictionary"),
                      "expected 'dictionary: libphs-fields'");
    TRY(sp_req(&l, root, "fields", &fields));
    TRY(sp_seq(&l, fields, "fields"));
    if (fields->n > PHS__MAX_FIELDS)
        return sp_err(&l, fields, "at most %d fields in the dictionary",
                      PHS__MAX_FIELDS);
    rs->nfields = fields->n;
    rs->nwords = (rs->nfields + 63) / 64;
    rs->fields = phs__arena_alloc(&rs->arena,
                                  (fields->n ? fields->n : 1) * sizeof *rs->fields);
    if (!rs->fields)
        return sp_oom();
    for (size_t i = 0; i < fields->n; i++) {
        TRY(load_field(&l, fields->kids[i], &rs->fields[i]));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(rs->fields[j].name, rs->fields[i].name))
                return sp_err(&l, fields->kids[i],
                              "field '%s' is declared twice",
                           rs->fields[i].name);
    }
    rs->f_id = phs_ruleset_field_id(rs, "id");
    rs->f_visit_date = phs_ruleset_field_id(rs, "visit_date");
    if (rs->f_visit_date < 0 ||
        rs->fields[rs->f_visit_date].type != PHS_TYPE_DATE)
        return sp_err(&l, fields, "the dictionary must declare 'visit_date' as "
                               "a date (follow-ups are counted from it)");
    if (rs->f_id >= 0 && rs->fields[rs->f_id].type != PHS_TYPE_STRING)
        return sp_err(&l, fields, "the field 'id' must be a string");
    phs_error_clear();

    const phs__ynode *d = phs__ymap_get(root, "derived");
    if (d) {
        TRY(sp_seq(&l, d, "derived"));
        for (size_t i = 0; i < d->n; i++)
            TRY(sp_add_derived(&l, d->kids[i], -1));
    }
    const phs__ynode *c = phs__ymap_get(root, "checks");
    if (c) {
        static const char *const ckeys[] = {"id", "when", "field", "message",
                                            NULL};
        TRY(sp_seq_array(&l, c, "checks", 0, sizeof *rs->checks,
                         &rs->checks));
        rs->nchecks = c->n;
        for (size_t i = 0; i < c->n; i++) {
            phs__check *k = &rs->checks[i];
            const phs__ynode *m = c->kids[i], *w;
            const char *field;
            TRY(sp_check_keys(&l, m, "a check", ckeys));
            TRY(sp_ident(&l, m, "id", &k->id));
            TRY(sp_req_str(&l, m, "message", &k->message));
            TRY(sp_req_str(&l, m, "field", &field));
            k->field = phs_ruleset_field_id(rs, field);
            if (k->field < 0)
                return sp_err(&l, phs__ymap_get(m, "field"),
                              "unknown field '%s'",
                           field);
            TRY(sp_req(&l, m, "when", &w));
            TRY(sp_expr(&l, w, PHS__T_BOOL, "when", &k->when));
        }
    }
    return PHS_OK;
}
