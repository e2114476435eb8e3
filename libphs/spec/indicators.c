/* Indicator files (`indicator_set:`), loaded after every program: who is
 * counted and what the numerator needs, cited (docs/population.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

/* ---- indicator files ---- */

static int yearly_of(sp_file *l, const phs__program *p, const phs__ynode *n,
                     const phs__yearly **out)
{
    const char *id;
    TRY(sp_scalar(l, n, "a yearly requirement id", &id));
    for (size_t y = 0; p && y < p->nyearly; y++)
        if (!strcmp(p->yearly[y].id, id)) {
            *out = &p->yearly[y];
            return PHS_OK;
        }
    return sp_err(l, n, "'%s' is not a yearly requirement of %s", id,
                  p ? p->id : "any program (give the indicator a program)");
}

/* A visit count's minimum: a number, or yearly requirement ids whose
 * minimums add up (the rules' own numbers). */
static int visit_min(sp_file *l, const phs__program *p, const phs__ynode *n,
                     int *out)
{
    if (n->kind == PHS__Y_SCALAR)
        return sp_to_int(l, n, "visits.min", 0, 366, out);
    TRY(sp_seq(l, n, "visits.min"));
    *out = 0;
    for (size_t i = 0; i < n->n; i++) {
        const phs__yearly *y;
        TRY(yearly_of(l, p, n->kids[i], &y));
        *out += y->min;
    }
    return PHS_OK;
}

static int load_indicator(sp_file *l, const phs__ynode *m, phs__indicator *ind)
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
    TRY(sp_check_keys(l, m, "an indicator", keys));
    TRY(sp_ident(l, m, "id", &ind->id));
    ind->file = l->file;
    ind->program = -1;
    ind->date_field = -1;
    ind->visit_min = -1;
    ind->target = NAN;
    ind->where.root = ind->visit_where.root = ind->latest.root = -1;
    l->prog = NULL;
    l->pindex = -1;
    if ((n = phs__ymap_get(m, "program")) != NULL) {
        TRY(sp_scalar(l, n, "program", &s));
        size_t p;
        for (p = 0; p < rs->nprograms && strcmp(rs->programs[p].id, s); p++)
            ;
        if (p == rs->nprograms)
            return sp_err(l, n, "unknown program '%s'", s);
        ind->program = (int)p;
        /* expressions see the latest version's parameters and derived
         * values */
        l->prog = rs->programs[p].vers[rs->programs[p].nvers - 1];
        l->pindex = (int)(l->prog - rs->allvers);
    }
    TRY(sp_req(l, m, "title", &n));
    TRY(sp_check_keys(l, n, "title", tkeys));
    TRY(sp_req_str(l, n, "zh", &ind->title_zh));
    TRY(sp_req_str(l, n, "en", &ind->title_en));

    TRY(sp_req(l, m, "denominator", &d));
    TRY(sp_check_keys(l, d, "denominator", dkeys));
    TRY(sp_req_str(l, d, "residents", &s));
    if (!strcmp(s, "all"))
        ind->all_residents = 1;
    else if (strcmp(s, "enrolled") != 0)
        return sp_err(l, phs__ymap_get(d, "residents"),
                      "denominator.residents must be enrolled or all, not '%s'",
                      s);
    if (!ind->all_residents && ind->program < 0)
        return sp_err(l, d,
                      "residents: enrolled needs the indicator's program");
    if ((n = phs__ymap_get(d, "where")) != NULL)
        TRY(sp_expr(l, n, PHS__T_BOOL, "where", &ind->where));
    if ((n = phs__ymap_get(d, "reached")) != NULL) {
        const phs__yearly *y;
        TRY(yearly_of(l, l->prog, n, &y));
        if (!y->tiers)
            return sp_err(l, n, "yearly requirement '%s' names no tiers",
                          y->id);
        ind->reached = y->tiers;
    }

    TRY(sp_req(l, m, "numerator", &nu));
    TRY(sp_check_keys(l, nu, "numerator", nkeys));
    if (nu->n == 0)
        return sp_err(l, nu, "the numerator needs at least one condition");
    if ((n = phs__ymap_get(nu, "visits")) != NULL) {
        const phs__ynode *w, *mn;
        TRY(sp_check_keys(l, n, "numerator.visits", vkeys));
        TRY(sp_req(l, n, "min", &mn));
        TRY(visit_min(l, l->prog, mn, &ind->visit_min));
        if ((w = phs__ymap_get(n, "where")) != NULL)
            TRY(sp_expr(l, w, PHS__T_BOOL, "where", &ind->visit_where));
    }
    if ((n = phs__ymap_get(nu, "due_dates_met")) != NULL) {
        TRY(sp_to_bool(l, n, "due_dates_met", &ind->due_dates_met));
        if (ind->due_dates_met && ind->program < 0)
            return sp_err(l, n, "due_dates_met needs the indicator's program");
    }
    if ((n = phs__ymap_get(nu, "latest")) != NULL)
        TRY(sp_expr(l, n, PHS__T_BOOL, "latest", &ind->latest));
    if ((n = phs__ymap_get(nu, "date_in_period")) != NULL) {
        TRY(sp_scalar(l, n, "date_in_period", &s));
        ind->date_field = phs_ruleset_field_id(rs, s);
        phs_error_clear();
        if (ind->date_field < 0 ||
            rs->fields[ind->date_field].type != PHS_TYPE_DATE)
            return sp_err(l, n, "date_in_period must name a date field, not "
                             "'%s'", s);
    }
    if ((n = phs__ymap_get(m, "target")) != NULL) {
        TRY(sp_to_number(l, n, "target", &ind->target));
        if (ind->target < 0 || ind->target > 1)
            return sp_err(l, n, "target is a rate from 0 to 1 (0.4 for 40 %%)");
    }
    return sp_cites(l, m, 1, &ind->cites, &ind->ncites, NULL);
}

int phs__spec_load_indicators(phs_ruleset *rs, const char *file,
                              const phs__ynode *root)
{
    static const char *const keys[] = {"indicator_set", "version", "sources",
                                       "clauses", "indicators", "note", NULL};
    phs__clause *clauses = NULL;
    size_t nclauses = 0;
    sp_file l = {rs, file, NULL, -1, &clauses, &nclauses};
    const phs__ynode *n;
    const char *s;
    TRY(sp_check_keys(&l, root, "an indicator file", keys));
    TRY(sp_ident(&l, root, "indicator_set", &s));
    TRY(sp_req_str(&l, root, "version", &s));
    TRY(sp_load_clauses(&l, root));
    TRY(sp_req(&l, root, "indicators", &n));
    TRY(sp_seq(&l, n, "indicators"));
    if (n->n > 1024)
        return sp_err(&l, n, "at most 1024 indicators in one file");
    phs__indicator *all = phs__arena_alloc(
        &rs->arena, (rs->nindicators + n->n + 1) * sizeof *all);
    if (!all)
        return sp_oom();
    if (rs->nindicators)
        memcpy(all, rs->indicators, rs->nindicators * sizeof *all);
    for (size_t i = 0; i < n->n; i++) {
        phs__indicator *ind = &all[rs->nindicators + i];
        TRY(load_indicator(&l, n->kids[i], ind));
        for (size_t j = 0; j < rs->nindicators + i; j++)
            if (!strcmp(all[j].id, ind->id))
                return sp_err(&l, n->kids[i], "indicator '%s' is already "
                              "declared in %s", ind->id, all[j].file);
    }
    rs->indicators = all;
    rs->nindicators += n->n;
    return PHS_OK;
}
