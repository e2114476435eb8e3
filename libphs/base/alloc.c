/* Allocation: the allocator hook and the arena. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

static void *std_malloc(void *ud, size_t n) { (void)ud; return malloc(n); }
static void *std_realloc(void *ud, void *p, size_t n)
{
    (void)ud;
    return realloc(p, n);
}
static void std_free(void *ud, void *p) { (void)ud; free(p); }

static phs_allocator g_alloc = {std_malloc, std_realloc, std_free, NULL};

int phs_allocator_set(const phs_allocator *a)
{
    if (!a) {
        g_alloc = (phs_allocator){std_malloc, std_realloc, std_free, NULL};
        return PHS_OK;
    }
    if (!a->malloc_fn || !a->realloc_fn || !a->free_fn)
        return phs__error_set(PHS_EINVAL, "allocator: all three functions "
                                          "must be given");
    g_alloc = *a;
    return PHS_OK;
}

void *phs__malloc(size_t n) { return g_alloc.malloc_fn(g_alloc.ud, n ? n : 1); }

void *phs__calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = phs__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *phs__realloc(void *p, size_t n)
{
    return g_alloc.realloc_fn(g_alloc.ud, p, n ? n : 1);
}

int phs__grow_to(void *arrayp, size_t *cap, size_t n, size_t size,
                 size_t first)
{
    void *old, *p;
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap : first;
    while (c <= n) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return -1;
    memcpy(&old, arrayp, sizeof old);
    if (!(p = phs__realloc(old, c * size)))
        return -1;
    memcpy(arrayp, &p, sizeof p);
    *cap = c;
    return 0;
}

void phs__free(void *p)
{
    if (p)
        g_alloc.free_fn(g_alloc.ud, p);
}

void phs_free(void *p) { phs__free(p); }

char *phs__strndup(const char *s, size_t n)
{
    char *d = phs__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *phs__strdup(const char *s) { return phs__strndup(s, strlen(s)); }

/* ---- arena ---- */

struct phs__arena_block {
    struct phs__arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

#define ARENA_BLOCK 16384

void *phs__arena_alloc(phs__arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct phs__arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = phs__malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        if (a->head && n > ARENA_BLOCK) {
            /* keep the partly used head block first */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *phs__arena_strndup(phs__arena *a, const char *s, size_t n)
{
    char *d = phs__arena_alloc(a, n + 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

void phs__arena_free(phs__arena *a)
{
    struct phs__arena_block *b = a->head;
    while (b) {
        struct phs__arena_block *next = b->next;
        phs__free(b);
        b = next;
    }
    a->head = NULL;
}
