/* Text as residents' values arrive: strict UTF-8, trimming, code lists
 * written as "I10; E11,E11.9".  Shared by record setters (run/) and the
 * columnar engine (vm/), so both read a cell the same way. */
#include "base.h"

int phs__utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min, cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

void phs__text_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}

int phs__codes_next(const char *s, size_t len, size_t *pos, size_t *a,
                    size_t *b)
{
    while (*pos < len) {
        size_t i = *pos, j = i;
        while (j < len && s[j] != ';' && s[j] != ',')
            j++;
        *pos = j + 1;
        while (i < j && s[i] == ' ')
            i++;
        while (j > i && s[j - 1] == ' ')
            j--;
        if (j > i) {
            *a = i;
            *b = j;
            return 1;
        }
    }
    return 0;
}
