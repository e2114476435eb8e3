/* Queries on the compiled model that every later stage asks. */
#include <string.h>

#include "model.h"

static void *pcre2_malloc_hook(PCRE2_SIZE n, void *ud)
{
    (void)ud;
    return phs__malloc(n);
}

static void pcre2_free_hook(void *p, void *ud)
{
    (void)ud;
    phs__free(p);
}

pcre2_general_context *phs__pcre2_context_new(void)
{
    return pcre2_general_context_create(pcre2_malloc_hook, pcre2_free_hook,
                                        NULL);
}

void phs__record_field(const phs_record *r, int f, phs__val *out)
{
    const phs__field *fd = &r->rs->fields[f];
    const phs__val *v = &r->vals[f];
    if (!phs__record_has(r, f)) { /* absent, "not observed" */
        memset(out, 0, sizeof *out);
        if (fd->type == PHS_TYPE_CODES)
            out->u.l.items = r->codes;
        return;
    }
    switch (fd->type) {
    case PHS_TYPE_ENUM:
        out->u.s.p = fd->values[v->u.i];
        out->u.s.n = (uint32_t)strlen(fd->values[v->u.i]);
        return;
    case PHS_TYPE_CODES:
        out->u.l.items = r->codes + v->u.rl.first;
        out->u.l.n = v->u.rl.count;
        return;
    default:
        *out = *v;
    }
}

int phs__field_enum_index(const phs__field *fd, const char *s, size_t len)
{
    for (size_t i = 0; i < fd->nvalues; i++)
        if (strlen(fd->values[i]) == len && !memcmp(fd->values[i], s, len))
            return (int)i;
    return -1;
}

int phs__version_at(const phs__program *p, phs_date d, int *in_force)
{
    int v = -1;
    if (in_force)
        *in_force = 0;
    if (p->nvers <= 1 || d == PHS_DATE_NONE) {
        v = p->nvers ? (int)p->nvers - 1 : 0;
    } else {
        for (size_t i = p->nvers; i-- > 0;)
            if (p->vers[i]->eff_from <= d) {
                v = (int)i;
                break;
            }
        if (v < 0)
            v = 0;
    }
    if (in_force && p->nvers && d != PHS_DATE_NONE) {
        const phs__program *x = p->vers[v];
        *in_force = x->eff_from <= d &&
                    (x->eff_to == PHS_DATE_NONE || d <= x->eff_to);
    }
    return v;
}
