/* Decimal numbers as text, the same in every locale. */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits], nothing else (no
 * hex, inf, nan, spaces), read the same in every locale: the digits are
 * rewritten without a decimal point ("140.5" -> "1405e-1") for strtod. */
int phs__parse_decimal(const char *s, size_t len, double *out)
{
    char buf[96];
    size_t i = 0, n = 0, n0, ndigits = 0;
    long exp = 0, e = 0;
    int esign = 1;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        if (s[i] == '-')
            buf[n++] = '-';
        i++;
    }
    n0 = n;
    for (int frac = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (n == n0 && s[i] == '0') {
                exp -= frac; /* leading zeros carry no digits */
            } else if (n - n0 < 40) {
                buf[n++] = s[i];
                exp -= frac;
            } else if (!frac) {
                exp++; /* digits beyond 40 only scale the value */
            }
            ndigits++;
        } else if (s[i] == '.' && !frac) {
            frac = 1;
        } else {
            break;
        }
    }
    if (ndigits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            esign = s[i++] == '-' ? -1 : 1;
        if (i == len)
            return 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
    }
    if (i != len)
        return 0;
    if (n == n0)
        buf[n++] = '0';
    snprintf(buf + n, sizeof buf - n, "e%ld", exp + esign * e);
    *out = strtod(buf, NULL);
    return 1;
}
