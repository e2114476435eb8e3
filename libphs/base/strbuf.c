/* Growable text buffer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base.h"

static int reserve(phs__buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    if (extra > SIZE_MAX / 4 - b->len) {
        b->oom = 1;
        return 0;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = phs__realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

char *phs__buf_reserve(phs__buf *b, size_t n)
{
    return reserve(b, n) ? b->p + b->len : NULL;
}

void phs__buf_putn(phs__buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void phs__buf_puts(phs__buf *b, const char *s) { phs__buf_putn(b, s, strlen(s)); }

void phs__buf_putc(phs__buf *b, char c) { phs__buf_putn(b, &c, 1); }

void phs__buf_printf(phs__buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        phs__buf_putn(b, tmp, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void phs__buf_free(phs__buf *b)
{
    phs__free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
