/* Civil dates as days since 1970-01-01 (proleptic Gregorian). */
#include "base.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
static phs_date date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (phs_date)(era * 146097 + doe - 719468);
}

void phs_date_split(phs_date z0, int *year, int *month, int *day)
{
    long z = (long)z0 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (year)
        *year = (int)(y + (m <= 2));
    if (month)
        *month = (int)m;
    if (day)
        *day = (int)d;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int phs_date_make(phs_date *out, int y, int m, int d)
{
    if (!out || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > month_days(y, m))
        return phs__error_set(PHS_EINVAL, "invalid date %04d-%02d-%02d", y,
                              m, d);
    *out = date_from_ymd(y, m, d);
    return PHS_OK;
}

int phs_date_parse(phs_date *out, const char *s, size_t len)
{
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    size_t i = 0;
    if (!s || len != 10)
        goto bad;
    for (int part = 0; part < 3; part++) {
        for (int k = 0; k < width[part]; k++, i++) {
            if (s[i] < '0' || s[i] > '9')
                goto bad;
            v[part] = v[part] * 10 + (s[i] - '0');
        }
        if (part < 2 && s[i++] != '-')
            goto bad;
    }
    return phs_date_make(out, v[0], v[1], v[2]);
bad:
    return phs__error_set(PHS_EINVAL, "expected a date as YYYY-MM-DD");
}

void phs_date_format(phs_date date, char buf[11])
{
    int y, m, d;
    if (date == PHS_DATE_NONE) {
        buf[0] = '\0';
        return;
    }
    phs_date_split(date, &y, &m, &d);
    y = y < 0 ? 0 : y % 10000;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

phs_date phs_date_add_months(phs_date date, int months)
{
    int y, m, d;
    phs_date_split(date, &y, &m, &d);
    long total = (long)y * 12 + (m - 1) + months;
    int ny = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
    int nm = (int)(total - (long)ny * 12) + 1;
    int md = month_days(ny, nm);
    return date_from_ymd(ny, nm, d > md ? md : d);
}

int phs_date_age(phs_date birth, phs_date at)
{
    int by, bm, bd, ay, am, ad;
    phs_date_split(birth, &by, &bm, &bd);
    phs_date_split(at, &ay, &am, &ad);
    int age = ay - by;
    /* birthday not yet reached this year (29 Feb -> 1 Mar in common years) */
    if (am < bm || (am == bm && ad < bd))
        age--;
    return age;
}
