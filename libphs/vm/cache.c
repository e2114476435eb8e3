/* Compiled programs kept in the rule set, one per column layout (the set
 * of fields given as columns), each with a pool of scratch memory.  The
 * rule set is shared immutable between threads, so the cache is guarded by
 * one lock: a call takes it to find (or, the first time, compile) its
 * program and to take and return a scratch; the classification itself runs
 * unlocked.  After the first call with a layout nothing is allocated. */
#include <pthread.h>
#include <string.h>

#include "vm.h"

#define MAX_LAYOUTS 16

struct phs__vmcache {
    phs__vm *vm[MAX_LAYOUTS];
    size_t n;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

void phs__vm_cache_free(phs_ruleset *rs)
{
    struct phs__vmcache *c = rs->vm;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        while (c->vm[i]->free_scratch) {
            phs__vscratch *s = c->vm[i]->free_scratch;
            c->vm[i]->free_scratch = phs__vscratch_next(s);
            phs__vscratch_free(s);
        }
        phs__vm_free(c->vm[i]);
    }
    phs__free(c);
    rs->vm = NULL;
}

/* The program for `layout` and a scratch for it; *owned: the program is
 * not in the cache (it was full) and the caller frees it. */
static int acquire(const phs_ruleset *rs, const uint64_t *layout,
                   phs__vm **vm, phs__vscratch **s, int *owned)
{
    int rc = PHS_OK;
    *vm = NULL;
    *s = NULL;
    *owned = 0;
    pthread_mutex_lock(&g_lock);
    phs_ruleset *mrs = (phs_ruleset *)rs; /* the cache is its one mutable part */
    if (!mrs->vm && !(mrs->vm = phs__calloc(1, sizeof *mrs->vm)))
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    struct phs__vmcache *c = mrs->vm;
    for (size_t i = 0; rc == PHS_OK && i < c->n && !*vm; i++)
        if (!memcmp(c->vm[i]->layout, layout, rs->nwords * sizeof *layout))
            *vm = c->vm[i];
    if (rc == PHS_OK && !*vm && (rc = phs__vm_compile(rs, layout, vm)) == PHS_OK) {
        if (c->n < MAX_LAYOUTS)
            c->vm[c->n++] = *vm;
        else
            *owned = 1;
    }
    if (rc == PHS_OK && (*s = (*vm)->free_scratch) != NULL)
        (*vm)->free_scratch = phs__vscratch_next(*s);
    pthread_mutex_unlock(&g_lock);
    if (rc == PHS_OK && !*s && (rc = phs__vscratch_new(*vm, s)) < 0 && *owned) {
        phs__vm_free(*vm);
        *vm = NULL;
    }
    return rc;
}

static void release(phs__vm *vm, phs__vscratch *s, int owned)
{
    if (owned) {
        phs__vscratch_free(s);
        phs__vm_free(vm);
        return;
    }
    pthread_mutex_lock(&g_lock);
    phs__vscratch_set_next(s, vm->free_scratch);
    vm->free_scratch = s;
    pthread_mutex_unlock(&g_lock);
}

int phs__vm_classify(const phs_ruleset *rs, size_t n, const phs_column *cols,
                     size_t ncols, int16_t *tier, phs_date *next_due,
                     uint64_t *flags, int *status)
{
    const void *col[PHS__MAX_FIELDS] = {0};
    uint64_t layout[PHS__MAX_FIELDS / 64] = {0};
    for (size_t c = 0; c < ncols; c++) { /* the last column of a field wins */
        col[cols[c].field] = cols[c].values;
        layout[cols[c].field / 64] |= (uint64_t)1 << (cols[c].field % 64);
    }
    phs__vm *vm;
    phs__vscratch *s;
    int owned;
    int rc = acquire(rs, layout, &vm, &s, &owned);
    if (rc < 0)
        return rc;
    rc = phs__vm_run(vm, s, col, n, tier, next_due, flags, status);
    release(vm, s, owned);
    return rc;
}
