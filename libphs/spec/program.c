/* Program specs: clauses, parameters, eligibility, tiers, flags, yearly
 * requirements and schedules, compiled into the rule set; the embedded
 * examples, parsed when something reads them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

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

int sp_cites(sp_file *l, const phs__ynode *m, int required,
             const phs__clause ***out, size_t *count, int *provisional)
{
    const phs__ynode *c = phs__ymap_get(m, "cite");
    *out = NULL;
    *count = 0;
    if (!c) {
        if (required)
            return sp_err(l, m, "every rule must cite at least one clause "
                             "('cite: [clause-id]')");
        return PHS_OK;
    }
    const char **ids;
    size_t n;
    TRY(sp_str_list(l, c, "cite", &ids, &n));
    if (n == 0 && required)
        return sp_err(l, c, "every rule must cite at least one clause");
    const phs__clause **arr = phs__arena_alloc(&l->rs->arena,
                                               (n ? n : 1) * sizeof *arr);
    if (!arr)
        return sp_oom();
    const phs__clause *cl = *l->clauses;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < *l->nclauses; j++)
            if (!strcmp(cl[j].id, ids[i]))
                break;
        if (j == *l->nclauses)
            return sp_err(l, c->kids[i],
                          "unknown clause '%s' (declare it under "
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
static int rule(sp_file *l, const phs__ynode *m, const char *id, phs__rule *r)
{
    const phs__ynode *w;
    int declared = 0;
    r->id = id;
    TRY(sp_req(l, m, "when", &w));
    TRY(sp_expr(l, w, PHS__T_BOOL, "when", &r->when));
    TRY(sp_cites(l, m, 1, &r->cites, &r->ncites, &r->provisional));
    const phs__ynode *a = phs__ymap_get(m, "actions");
    if (a)
        TRY(sp_str_list(l, a, "actions", &r->actions, &r->nactions));
    const phs__ynode *pv = phs__ymap_get(m, "provisional");
    if (pv)
        TRY(sp_to_bool(l, pv, "provisional", &declared));
    if (r->provisional && !declared &&
        !strcmp(l->prog->status, "production"))
        return sp_err(l, m, "rule '%s' cites a clause of confidence R or "
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

int sp_load_clauses(sp_file *l, const phs__ynode *root)
{
    static const char *const skeys[] = {"id", "title", "kind", "issuer",
                                        "year", "url", "note", NULL};
    static const char *const ckeys[] = {"id", "source", "section", "text",
                                        "tag", "confidence", "reference",
                                        "provisional", "note", NULL};
    static const char *const tags[] = {"NAT", "GL", "LOC", "INF", NULL};
    static const char *const conf[] = {"C2", "C1", "R", "UNCONFIRMED", NULL};
    const phs__ynode *src, *cl;
    TRY(sp_req(l, root, "sources", &src));
    TRY(sp_seq(l, src, "sources"));
    for (size_t i = 0; i < src->n; i++) {
        const char *id, *title;
        TRY(sp_check_keys(l, src->kids[i], "a source", skeys));
        TRY(sp_req_str(l, src->kids[i], "id", &id));
        TRY(sp_req_str(l, src->kids[i], "title", &title));
    }
    TRY(sp_req(l, root, "clauses", &cl));
    phs__clause *all;
    TRY(sp_seq_array(l, cl, "clauses", 0, sizeof *all, &all));
    *l->clauses = all;
    *l->nclauses = cl->n;
    for (size_t i = 0; i < cl->n; i++) {
        const phs__ynode *m = cl->kids[i];
        phs__clause *c = &all[i];
        int declared = 0;
        TRY(sp_check_keys(l, m, "a clause", ckeys));
        TRY(sp_req_str(l, m, "id", &c->id));
        TRY(sp_req_str(l, m, "source", &c->source));
        TRY(sp_req_str(l, m, "text", &c->text));
        TRY(sp_req_str(l, m, "tag", &c->tag));
        TRY(sp_req_str(l, m, "confidence", &c->confidence));
        TRY(sp_opt_str(l, m, "section", &c->section));
        TRY(sp_opt_str(l, m, "reference", &c->reference));
        size_t j;
        for (j = 0; j < src->n; j++)
            if (!strcmp(phs__ymap_get(src->kids[j], "id")->str, c->source))
                break;
        if (j == src->n)
            return sp_err(l, phs__ymap_get(m, "source"),
                          "unknown source '%s' (declare it under 'sources')",
                          c->source);
        for (j = 0; tags[j] && strcmp(tags[j], c->tag); j++)
            ;
        if (!tags[j])
            return sp_err(l, phs__ymap_get(m, "tag"),
                          "tag must be NAT, GL, LOC or INF, not '%s'", c->tag);
        for (j = 0; conf[j] && strcmp(conf[j], c->confidence); j++)
            ;
        if (!conf[j])
            return sp_err(l, phs__ymap_get(m, "confidence"),
                          "confidence must be C2, C1, R or UNCONFIRMED, not '%s'",
                          c->confidence);
        const phs__ynode *pv = phs__ymap_get(m, "provisional");
        if (pv)
            TRY(sp_to_bool(l, pv, "provisional", &declared));
        c->provisional = j >= 2 || declared;
        for (j = 0; j < i; j++)
            if (!strcmp(all[j].id, c->id))
                return sp_err(l, m, "clause '%s' is declared twice", c->id);
    }
    return PHS_OK;
}

static int param_value(sp_file *l, const phs__ynode *at, phs__param *pa,
                       const char *text, const char **values, size_t nvalues)
{
    pa->text = text;
    switch (pa->type) {
    case PHS__T_NUM:
        if (!phs__parse_decimal(text, strlen(text), &pa->value.u.n) ||
            !isfinite(pa->value.u.n))
            return sp_err(l, at, "parameter '%s' must be a number, not '%s'",
                          pa->name, text);
        return PHS_OK;
    case PHS__T_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "false")) {
            pa->value.u.i = text[0] == 't';
            return PHS_OK;
        }
        return sp_err(l, at, "parameter '%s' must be true or false, not '%s'",
                      pa->name, text);
    default:
        if (values) {
            size_t i;
            for (i = 0; i < nvalues && strcmp(values[i], text); i++)
                ;
            if (i == nvalues)
                return sp_err(l, at,
                              "parameter '%s' cannot be '%s' (not one of "
                                  "its values)", pa->name, text);
        }
        pa->value.u.s.p = text;
        pa->value.u.s.n = (uint32_t)strlen(text);
        return PHS_OK;
    }
}

static int load_params(sp_file *l, const phs__ynode *list, char **overrides,
                       size_t noverrides, uint8_t *used)
{
    static const char *const keys[] = {"name", "type", "values", "default",
                                       "label", "cite", "note", NULL};
    phs__program *p = l->prog;
    TRY(sp_seq_array(l, list, "parameters", 0, sizeof *p->params,
                     &p->params));
    p->nparams = list->n;
    for (size_t i = 0; i < list->n; i++) {
        const phs__ynode *m = list->kids[i], *def;
        phs__param *pa = &p->params[i];
        const char *type, **values = NULL, *text;
        size_t nvalues = 0;
        const phs__clause **cs;
        size_t ncs;
        TRY(sp_check_keys(l, m, "a parameter", keys));
        TRY(sp_ident(l, m, "name", &pa->name));
        TRY(sp_req_str(l, m, "type", &type));
        TRY(sp_req(l, m, "default", &def));
        TRY(sp_cites(l, m, 1, &cs, &ncs, NULL));
        if (!strcmp(type, "number"))
            pa->type = PHS__T_NUM;
        else if (!strcmp(type, "bool"))
            pa->type = PHS__T_BOOL;
        else if (!strcmp(type, "string") || !strcmp(type, "enum"))
            pa->type = PHS__T_STR;
        else
            return sp_err(l, phs__ymap_get(m, "type"),
                          "parameter type must be number, bool, string or enum");
        const phs__ynode *v = phs__ymap_get(m, "values");
        if (v)
            TRY(sp_str_list(l, v, "values", &values, &nvalues));
        if (!strcmp(type, "enum") && !v)
            return sp_err(l, m, "an enum parameter lists its 'values'");
        TRY(sp_scalar(l, def, "default", &text));
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
                    return sp_oom();
                TRY(param_value(l, def, pa, val, values, nvalues));
            }
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->params[j].name, pa->name))
                return sp_err(l, m, "parameter '%s' is declared twice",
                              pa->name);
    }
    return PHS_OK;
}

/* follow_up: {interval, from, window} of a tier or a flag */
static int load_follow_up(sp_file *l, const phs__ynode *fu,
                          const char **ivl_text,
                          int *ivl_n, char *ivl_unit, phs__expr *from_out,
                          int *window_days)
{
    static const char *const fkeys[] = {"interval", "from", "window", NULL};
    from_out->root = -1;
    *window_days = -1;
    TRY(sp_check_keys(l, fu, "follow_up", fkeys));
    TRY(sp_req_str(l, fu, "interval", ivl_text));
    if (!parse_interval(*ivl_text, ivl_n, ivl_unit))
        return sp_err(l, phs__ymap_get(fu, "interval"),
                      "interval must read 'N days', 'N weeks', 'N months' or 'N "
                      "years', not '%s'", *ivl_text);
    const phs__ynode *from = phs__ymap_get(fu, "from");
    if (from)
        TRY(sp_expr(l, from, PHS__T_DATE, "from", from_out));
    const phs__ynode *win = phs__ymap_get(fu, "window");
    if (win) {
        const char *s;
        int n;
        char unit;
        TRY(sp_scalar(l, win, "window", &s));
        if (!parse_interval(s, &n, &unit) || unit != 'd')
            return sp_err(l, win, "window must read 'N days' or 'N weeks'");
        *window_days = n;
    }
    return PHS_OK;
}

/* codes: [{code, when}, ...] - the follow-up classification code per cause */
static int load_code_cases(sp_file *l, const phs__ynode *n, phs__tier *t)
{
    static const char *const ckeys[] = {"code", "when", "note", NULL};
    TRY(sp_seq_array(l, n, "codes", 16, sizeof *t->cases, &t->cases));
    t->ncases = n->n;
    for (size_t i = 0; i < n->n; i++) {
        const phs__ynode *c = n->kids[i], *w;
        TRY(sp_check_keys(l, c, "a code case", ckeys));
        TRY(sp_req_str(l, c, "code", &t->cases[i].code));
        TRY(sp_req(l, c, "when", &w));
        TRY(sp_expr(l, w, PHS__T_BOOL, "when", &t->cases[i].when));
    }
    return PHS_OK;
}

static int load_tier(sp_file *l, const phs__ynode *m, phs__tier *t)
{
    static const char *const keys[] = {"id", "level", "code", "codes", "when",
                                       "follow_up", "referral", "actions",
                                       "cite", "provisional", "label", "note",
                                       NULL};
    const phs__ynode *lv, *fu, *rf, *cs;
    TRY(sp_check_keys(l, m, "a tier", keys));
    TRY(sp_ident(l, m, "id", &t->name));
    /* the outcome names a result gives in a tier's place: a tier so named
     * could not be told from them */
    static const char *const reserved[] = {"unclassified", "not_enrolled",
                                           "insufficient_data"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strcmp(t->name, reserved[i]))
            return sp_err(l, phs__ymap_get(m, "id"),
                          "'%s' is reserved for an outcome and cannot be a tier "
                          "id", t->name);
    TRY(sp_req(l, m, "level", &lv));
    TRY(sp_to_int(l, lv, "level", 0, 100, &t->level));
    TRY(sp_opt_str(l, m, "code", &t->code));
    if ((cs = phs__ymap_get(m, "codes")) != NULL)
        TRY(load_code_cases(l, cs, t));
    char *rid = join(&l->rs->arena, "tier.", t->name);
    if (!rid)
        return sp_oom();
    TRY(rule(l, m, rid, &t->r));
    if ((rf = phs__ymap_get(m, "referral")) != NULL)
        TRY(sp_to_bool(l, rf, "referral", &t->referral));
    TRY(sp_req(l, m, "follow_up", &fu));
    return load_follow_up(l, fu, &t->ivl_text, &t->ivl_n, &t->ivl_unit,
                          &t->from, &t->window_days);
}

static int load_flag(sp_file *l, const phs__ynode *m, phs__flag *f)
{
    static const char *const keys[] = {"id", "when", "enrolled", "actions",
                                       "cite", "provisional", "label", "note",
                                       "referral", "follow_up", NULL};
    TRY(sp_check_keys(l, m, "a flag", keys));
    TRY(sp_ident(l, m, "id", &f->name));
    char *rid = join(&l->rs->arena, "flag.", f->name);
    if (!rid)
        return sp_oom();
    TRY(rule(l, m, rid, &f->r));
    f->enrolled = -1;
    f->from.root = -1;
    f->window_days = -1;
    const phs__ynode *e = phs__ymap_get(m, "enrolled");
    if (e)
        TRY(sp_to_bool(l, e, "enrolled", &f->enrolled));
    const phs__ynode *rf = phs__ymap_get(m, "referral");
    const phs__ynode *fu = phs__ymap_get(m, "follow_up");
    if ((rf || fu) && f->enrolled != 1)
        return sp_err(l, rf ? rf : fu, "flag '%s': referral and follow_up need "
                                    "'enrolled: true' (they act on the "
                                    "program's result)", f->name);
    if (rf)
        TRY(sp_to_bool(l, rf, "referral", &f->referral));
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

static int load_yearly(sp_file *l, const phs__ynode *m, phs__yearly *y)
{
    static const char *const keys[] = {"id", "min", "what", "tiers", "when",
                                       "cite", "note", NULL};
    const phs__ynode *mn, *ts, *w;
    TRY(sp_check_keys(l, m, "a yearly requirement", keys));
    y->when.root = -1;
    if ((w = phs__ymap_get(m, "when")) != NULL)
        TRY(sp_expr(l, w, PHS__T_BOOL, "when", &y->when));
    TRY(sp_ident(l, m, "id", &y->id));
    TRY(sp_req_str(l, m, "what", &y->what));
    TRY(sp_req(l, m, "min", &mn));
    TRY(sp_to_int(l, mn, "min", 0, 366, &y->min));
    TRY(sp_cites(l, m, 1, &y->cites, &y->ncites, NULL));
    if ((ts = phs__ymap_get(m, "tiers")) != NULL) {
        const char **names;
        size_t n;
        TRY(sp_str_list(l, ts, "tiers", &names, &n));
        for (size_t i = 0; i < n; i++) {
            int t = tier_index(l->prog, names[i]);
            if (t < 0)
                return sp_err(l, ts->kids[i], "unknown tier '%s'", names[i]);
            y->tiers |= (uint64_t)1 << t;
        }
    }
    return PHS_OK;
}

/* One example mapping, checked against its program version (the rule set
 * is only read: l carries the file name alone). */
static int check_example(sp_file *l, const phs_ruleset *rs,
                         const phs__program *p,
                         const phs__ynode *m, phs__example *ex)
{
    static const char *const keys[] = {"id", "note", "params", "input",
                                       "expect", NULL};
    static const char *const ekeys[] = {"tier", "next_due", "flags",
                                        "referral", "missing", "level",
                                        "code", "earliest", NULL};
    const phs__ynode *in, *exp, *t;
    TRY(sp_check_keys(l, m, "an example", keys));
    TRY(sp_req_str(l, m, "id", &ex->id));
    TRY(sp_req(l, m, "input", &in));
    TRY(sp_req(l, m, "expect", &exp));
    TRY(sp_check_keys(l, exp, "expect", ekeys));
    if (in->kind != PHS__Y_MAP)
        return sp_err(l, in, "input must be a mapping of field: value");
    for (size_t i = 0; i < in->n; i += 2)
        if (in->kids[i]->kind != PHS__Y_SCALAR ||
            phs_ruleset_field_id(rs, in->kids[i]->str) < 0)
            return sp_err(l, in->kids[i], "unknown field '%s' in example input",
                          in->kids[i]->str ? in->kids[i]->str : "?");
    phs_error_clear();
    TRY(sp_req(l, exp, "tier", &t));
    if (t->kind != PHS__Y_SCALAR)
        return sp_err(l, t, "expect.tier must be a tier id, insufficient_data "
                         "or null");
    if (!(t->plain && (!strcmp(t->str, "null") || !strcmp(t->str, "~") ||
                       t->len == 0)) &&
        strcmp(t->str, "insufficient_data") && tier_index(p, t->str) < 0)
        return sp_err(l, t, "expect.tier '%s' is not a tier of %s", t->str,
                      p->id);
    const phs__ynode *fl = phs__ymap_get(exp, "flags");
    if (fl) {
        TRY(sp_seq(l, fl, "expect.flags"));
        for (size_t i = 0; i < fl->n; i++) {
            size_t j;
            if (fl->kids[i]->kind != PHS__Y_SCALAR)
                return sp_err(l, fl->kids[i], "flags are flag ids");
            for (j = 0; j < p->nflags; j++)
                if (!strcmp(p->flags[j].name, fl->kids[i]->str))
                    break;
            if (j == p->nflags)
                return sp_err(l, fl->kids[i], "'%s' is not a flag of %s",
                              fl->kids[i]->str, p->id);
        }
    }
    const phs__ynode *pr = phs__ymap_get(m, "params");
    if (pr) {
        if (pr->kind != PHS__Y_MAP)
            return sp_err(l, pr, "params must be a mapping of name: value");
        for (size_t i = 0; i < pr->n; i += 2) {
            size_t j;
            for (j = 0; j < p->nparams; j++)
                if (!strcmp(p->params[j].name, pr->kids[i]->str))
                    break;
            if (j == p->nparams || pr->kids[i + 1]->kind != PHS__Y_SCALAR)
                return sp_err(l, pr->kids[i], "'%s' is not a parameter of %s",
                              pr->kids[i]->str ? pr->kids[i]->str : "?", p->id);
        }
    }
    ex->file = l->file;
    ex->node = m;
    return PHS_OK;
}

#define LIST_OF(field, count, node, what, loader, max)                         \
    do {                                                                       \
        TRY(sp_seq_array(&l, node, what, max, sizeof *p->field, &p->field));  \
        p->count = (node)->n;                                                  \
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
    sp_file l = {rs, file, p, (int)rs->nallvers, &p->clauses, &p->nclauses};
    const phs__ynode *n;
    memset(p, 0, sizeof *p);
    p->file = file;
    p->root = root;
    TRY(sp_check_keys(&l, root, "a program spec", keys));
    TRY(sp_ident(&l, root, "program", &p->id));
    TRY(sp_req_str(&l, root, "version", &p->version));
    TRY(sp_req_str(&l, root, "status", &p->status));
    size_t s;
    for (s = 0; statuses[s] && strcmp(statuses[s], p->status); s++)
        ;
    if (!statuses[s])
        return sp_err(&l, phs__ymap_get(root, "status"),
                      "status must be draft, provisional or production");
    static const char *const tkeys[] = {"zh", "en", NULL};
    TRY(sp_req(&l, root, "title", &n));
    TRY(sp_check_keys(&l, n, "title", tkeys));
    TRY(sp_req_str(&l, n, "zh", &p->title_zh));
    TRY(sp_req_str(&l, n, "en", &p->title_en));
    static const char *const ekeys[] = {"from", "to", NULL};
    p->eff_from = p->eff_to = PHS_DATE_NONE;
    TRY(sp_req(&l, root, "effective", &n));
    TRY(sp_check_keys(&l, n, "effective", ekeys));
    const phs__ynode *ef = phs__ymap_get(n, "from"), *et = phs__ymap_get(n, "to");
    if (!ef)
        return sp_err(&l, n, "missing required key 'from'");
    TRY(sp_to_date(&l, ef, "effective.from", &p->eff_from));
    if (et && !(et->plain && (!strcmp(et->str, "null") || et->len == 0)))
        TRY(sp_to_date(&l, et, "effective.to", &p->eff_to));
    if (p->eff_to != PHS_DATE_NONE && p->eff_to < p->eff_from)
        return sp_err(&l, et, "effective.to is before effective.from");
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
            return sp_err(&l, phs__ymap_get(root, "program"),
                          "program '%s' is already defined in %s for an "
                          "overlapping effective period (%s to %s; this file: "
                          "%s to %s): versions of one program need disjoint "
                          "effective ranges", p->id, q->file, a, b, c, d);
        }
    }
    if (!seen && distinct >= PHS__MAX_PROGRAMS)
        return sp_err(&l, root, "at most %d programs in one rule set",
                      PHS__MAX_PROGRAMS);
    if (rs->nallvers >= PHS__MAX_VERSIONS)
        return sp_err(&l, root, "at most %d program versions in one rule set",
                      PHS__MAX_VERSIONS);
    TRY(sp_load_clauses(&l, root));

    if ((n = phs__ymap_get(root, "parameters")) != NULL)
        TRY(load_params(&l, n, overrides, noverrides, used));
    if ((n = phs__ymap_get(root, "derived")) != NULL) {
        TRY(sp_seq(&l, n, "derived"));
        for (size_t i = 0; i < n->n; i++)
            TRY(sp_add_derived(&l, n->kids[i], l.pindex));
    }
    static const char *const elkeys[] = {"when", "cite", "note", "actions",
                                         "provisional", NULL};
    TRY(sp_req(&l, root, "eligibility", &n));
    TRY(sp_check_keys(&l, n, "eligibility", elkeys));
    TRY(rule(&l, n, "eligibility", &p->elig));

    TRY(sp_req(&l, root, "tiers", &n));
    LIST_OF(tiers, ntiers, n, "tiers", load_tier, 64);
    if (p->ntiers == 0)
        return sp_err(&l, n, "a program needs at least one tier");
    for (size_t i = 1; i < p->ntiers; i++)
        if (tier_index(p, p->tiers[i].name) != (int)i)
            return sp_err(&l, n->kids[i], "tier '%s' is declared twice",
                          p->tiers[i].name);
    if ((n = phs__ymap_get(root, "flags")) != NULL) {
        LIST_OF(flags, nflags, n, "flags", load_flag, 64);
        for (size_t i = 0; i < p->nflags; i++)
            for (size_t j = 0; j < i; j++)
                if (!strcmp(p->flags[i].name, p->flags[j].name))
                    return sp_err(&l, n->kids[i], "flag '%s' is declared twice",
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
        return sp_oom();
    }
    for (size_t v = 0; v < rs->nallvers; v++) {
        const phs__program *p = &rs->allvers[v];
        const phs__ynode *list;
        sp_file l = {NULL, p->file, NULL, -1, NULL, NULL};
        int rc = phs__yaml_parse_part(&list, &out->arena, p->file,
                                      &p->examples, &rs->lim);
        if (rc == PHS_OK && list && list->kind != PHS__Y_SEQ)
            rc = sp_err(&l, list, "examples must be a list, not %s",
                        sp_kind_name(list));
        if (rc == PHS_OK && list && list->n > 100000)
            rc = sp_err(&l, list, "at most %d examples", 100000);
        if (rc == PHS_OK && list) {
            out->n[v] = list->n;
            out->of[v] = phs__arena_alloc(&out->arena, (list->n ? list->n : 1) *
                                                           sizeof *out->of[v]);
            if (!out->of[v])
                rc = sp_oom();
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
