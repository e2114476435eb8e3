/* Text as residents' values arrive: strict UTF-8, trimming, code lists
 * written as "I10; E11,E11.9".  Shared by record setters (run/) and the
 * columnar engine (vm/), so both read a cell the same way.  And the choice
 * of a zh/en title. */
#include <string.h>

#include "base.h"

/* Length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), or 0 with
 * *bad set to the length of its maximal ill-formed prefix (at least 1),
 * which one U+FFFD replaces (Unicode's "maximal subpart" practice). */
size_t phs__utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* over U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xBF;
        if (i >= n || s[i] < lo_i || s[i] > hi_i) {
            *bad = i;
            return 0;
        }
    }
    return need;
}

int phs__utf8_valid(const unsigned char *s, size_t n)
{
    size_t bad;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = phs__utf8_seq(s + i, n - i, &bad);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

int phs__codes_next(const char *s, size_t len, size_t *pos, size_t *a,
                    size_t *b)
{
    while (*pos < len) {
        size_t i = *pos, j = i;
        while (j < len && s[j] != ';' && s[j] != ',')
            j++;
        *pos = j + 1;
        while (i < j && (s[i] == ' ' || s[i] == '\t'))
            i++;
        while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t'))
            j--;
        if (j > i) {
            *a = i;
            *b = j;
            return 1;
        }
    }
    return 0;
}

const char *phs__title_in(const char *zh, const char *en, const char *lang)
{
    if (!lang)
        return NULL;
    return !strcmp(lang, "zh") ? zh : !strcmp(lang, "en") ? en : NULL;
}
