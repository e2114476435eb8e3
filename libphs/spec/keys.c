/* Reading the YAML tree key by key: every error names the file, line and
 * column of the offending node (keys.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int sp_err(sp_file *l, const phs__ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    phs__error_vset(PHS_ESPEC, l->file, n ? n->line : 0, n ? n->col : 0, NULL,
                    fmt, ap);
    va_end(ap);
    return PHS_ESPEC;
}

int sp_oom(void) { return phs__error_set(PHS_ENOMEM, "out of memory"); }

const char *sp_kind_name(const phs__ynode *n)
{
    return n->kind == PHS__Y_MAP ? "a mapping"
           : n->kind == PHS__Y_SEQ ? "a list"
                                   : "a scalar";
}

/* Check that a mapping has only the allowed keys (NULL-terminated). */
int sp_check_keys(sp_file *l, const phs__ynode *m, const char *what,
                  const char *const *allowed)
{
    if (m->kind != PHS__Y_MAP)
        return sp_err(l, m, "%s must be a mapping, not %s", what,
                      sp_kind_name(m));
    for (size_t i = 0; i < m->n; i += 2) {
        const phs__ynode *k = m->kids[i];
        if (k->kind != PHS__Y_SCALAR)
            return sp_err(l, k, "keys must be plain names");
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
            return sp_err(l, k, "unknown key '%s' in %s (expected one of: %s)",
                          k->str, what, list);
        }
    }
    return PHS_OK;
}

int sp_scalar(sp_file *l, const phs__ynode *n, const char *what,
              const char **out)
{
    *out = NULL;
    if (!n || n->kind != PHS__Y_SCALAR)
        return n ? sp_err(l, n, "%s must be a scalar, not %s", what,
                          sp_kind_name(n))
                 : PHS_ESPEC;
    *out = n->str;
    return PHS_OK;
}

/* A required key's node. */
int sp_req(sp_file *l, const phs__ynode *m, const char *key,
           const phs__ynode **out)
{
    *out = phs__ymap_get(m, key);
    if (!*out)
        return sp_err(l, m, "missing required key '%s'", key);
    return PHS_OK;
}

int sp_req_str(sp_file *l, const phs__ynode *m, const char *key,
               const char **out)
{
    const phs__ynode *n;
    TRY(sp_req(l, m, key, &n));
    return sp_scalar(l, n, key, out);
}

int sp_opt_str(sp_file *l, const phs__ynode *m, const char *key,
               const char **out)
{
    const phs__ynode *n = phs__ymap_get(m, key);
    *out = NULL;
    return n ? sp_scalar(l, n, key, out) : PHS_OK;
}

int sp_to_number(sp_file *l, const phs__ynode *n, const char *what, double *out)
{
    const char *s;
    TRY(sp_scalar(l, n, what, &s));
    if (!n->plain || !phs__parse_decimal(s, n->len, out) || !isfinite(*out))
        return sp_err(l, n, "%s must be a number, not '%s'", what, s);
    return PHS_OK;
}

int sp_to_int(sp_file *l, const phs__ynode *n, const char *what, int lo, int hi,
              int *out)
{
    double v;
    TRY(sp_to_number(l, n, what, &v));
    if (v != floor(v) || v < lo || v > hi)
        return sp_err(l, n, "%s must be a whole number from %d to %d", what, lo,
                      hi);
    *out = (int)v;
    return PHS_OK;
}

int sp_to_bool(sp_file *l, const phs__ynode *n, const char *what, int *out)
{
    const char *s;
    TRY(sp_scalar(l, n, what, &s));
    if (n->plain && !strcmp(s, "true"))
        *out = 1;
    else if (n->plain && !strcmp(s, "false"))
        *out = 0;
    else
        return sp_err(l, n, "%s must be true or false, not '%s'", what, s);
    return PHS_OK;
}

int sp_to_date(sp_file *l, const phs__ynode *n, const char *what, phs_date *out)
{
    const char *s;
    TRY(sp_scalar(l, n, what, &s));
    if (phs_date_parse(out, s, n->len) < 0)
        return sp_err(l, n, "%s must be a date YYYY-MM-DD, not '%s'", what, s);
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

int sp_ident(sp_file *l, const phs__ynode *m, const char *key, const char **out)
{
    TRY(sp_req_str(l, m, key, out));
    if (!is_ident(*out))
        return sp_err(l, phs__ymap_get(m, key),
                      "'%s' is not a valid %s (lower-case letters, digits and "
                      "'_', not starting with a digit)",
                      *out, key);
    return PHS_OK;
}

int sp_seq(sp_file *l, const phs__ynode *n, const char *what)
{
    if (n->kind != PHS__Y_SEQ)
        return sp_err(l, n, "%s must be a list, not %s", what, sp_kind_name(n));
    return PHS_OK;
}

int sp_seq_array(sp_file *l, const phs__ynode *n, const char *what,
                 size_t max, size_t size, void *out)
{
    TRY(sp_seq(l, n, what));
    if (max && n->n > max)
        return sp_err(l, n, "at most %zu %s", max, what);
    void *arr = phs__arena_alloc(&l->rs->arena, (n->n ? n->n : 1) * size);
    if (!arr)
        return sp_oom();
    *(void **)out = arr;
    return PHS_OK;
}

/* A list of scalars copied into the arena. */
int sp_str_list(sp_file *l, const phs__ynode *n, const char *what,
                const char ***out, size_t *count)
{
    if (n->kind == PHS__Y_SCALAR && n->len == 0) {
        *out = NULL;
        *count = 0;
        return PHS_OK;
    }
    const char **arr;
    TRY(sp_seq_array(l, n, what, 0, sizeof *arr, &arr));
    for (size_t i = 0; i < n->n; i++)
        TRY(sp_scalar(l, n->kids[i], what, &arr[i]));
    *out = arr;
    *count = n->n;
    return PHS_OK;
}

int sp_expr(sp_file *l, const phs__ynode *n, int type, const char *what,
            phs__expr *out)
{
    phs__scope sc = {l->prog ? l->pindex : -1,
                     l->prog ? l->prog->params : NULL,
                     l->prog ? l->prog->nparams : 0};
    TRY(phs__expr_compile(l->rs, &sc, l->file, n, out));
    if (type >= 0 && out->type != type) {
        static const char *tn[] = {"number", "bool", "string", "date",
                                   "list of strings", "list of numbers"};
        return sp_err(l, n, "%s must be a %s expression, not a %s", what,
                      tn[type], tn[out->type]);
    }
    return PHS_OK;
}
