/* Dates: construction, parsing, formatting, month arithmetic, ages. */
#include "helpers.h"

static phs_date mk(int y, int m, int d)
{
    phs_date out;
    cr_assert_eq(phs_date_make(&out, y, m, d), PHS_OK, "%04d-%02d-%02d", y, m,
                 d);
    return out;
}

static void expect_ymd(phs_date d, int y, int m, int day)
{
    int yy = 0, mm = 0, dd = 0;
    phs_date_split(d, &yy, &mm, &dd);
    cr_expect(yy == y && mm == m && dd == day,
              "got %04d-%02d-%02d, expected %04d-%02d-%02d", yy, mm, dd, y, m,
              day);
}

Test(date, epoch_and_known_values)
{
    cr_expect_eq(mk(1970, 1, 1), 0);
    cr_expect_eq(mk(1970, 1, 2), 1);
    cr_expect_eq(mk(1969, 12, 31), -1);
    cr_expect_eq(mk(2000, 3, 1), 11017);
    cr_expect_eq(mk(2024, 2, 29), 19782);
    cr_expect_eq(mk(1, 1, 1), -719162);
    cr_expect_eq(mk(9999, 12, 31), 2932896);
}

Test(date, make_split_format_parse_round_trip)
{
    /* every day of 1999..2005 (leap 2000 and 2004, common 2001..2003) and
     * the century boundaries */
    static const int spans[][2] = {{1999, 2005}, {1899, 1901}, {2099, 2101},
                                   {1, 2}, {9998, 9999}};
    for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++) {
        phs_date prev = 0;
        int first = 1;
        for (int y = spans[s][0]; y <= spans[s][1]; y++)
            for (int m = 1; m <= 12; m++)
                for (int d = 1; d <= 31; d++) {
                    phs_date out;
                    if (phs_date_make(&out, y, m, d) != PHS_OK)
                        continue;
                    if (!first)
                        cr_assert_eq(out, prev + 1, "%d-%d-%d not consecutive",
                                     y, m, d);
                    first = 0;
                    prev = out;
                    expect_ymd(out, y, m, d);
                    char buf[11], want[16];
                    phs_date_format(out, buf);
                    snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
                    cr_assert_str_eq(buf, want);
                    phs_date back;
                    cr_assert_eq(phs_date_parse(&back, buf, 10), PHS_OK);
                    cr_assert_eq(back, out);
                }
    }
}

Test(date, month_lengths)
{
    phs_date d;
    cr_expect_eq(phs_date_make(&d, 2024, 2, 29), PHS_OK); /* leap */
    cr_expect_eq(phs_date_make(&d, 2000, 2, 29), PHS_OK); /* div by 400 */
    cr_expect_eq(phs_date_make(&d, 2023, 2, 29), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 1900, 2, 29), PHS_EINVAL); /* div by 100 */
    cr_expect_eq(phs_date_make(&d, 2100, 2, 29), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 4, 31), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 6, 31), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 12, 31), PHS_OK);
}

Test(date, invalid_make)
{
    phs_date d = 12345;
    cr_expect_eq(phs_date_make(&d, 2024, 13, 1), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 0, 1), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 1, 0), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 2024, 1, 32), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 0, 1, 1), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, 10000, 1, 1), PHS_EINVAL);
    cr_expect_eq(phs_date_make(&d, -5, 1, 1), PHS_EINVAL);
    cr_expect_eq(d, 12345, "a failed make must not write the output");
    cr_expect_eq(phs_error_code(phs_error_last()), PHS_EINVAL);
    cr_expect_eq(phs_date_make(NULL, 2024, 1, 1), PHS_EINVAL);
}

Test(date, invalid_parse)
{
    static const char *bad[] = {
        "2023-02-29", "2024-13-01", "2024-1-01",  "2024-01-1",
        "24-01-01",   "2024/01/01", "2024-01-01x", "2024-01-01 ",
        " 2024-01-01", "2024-00-10", "2024-02-30", "abcd-ef-gh",
        "",           "2024-+1-01", "0000-01-01", "2024-1a-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phs_date d = 777;
        cr_expect_eq(phs_date_parse(&d, bad[i], strlen(bad[i])), PHS_EINVAL,
                     "'%s' accepted", bad[i]);
        cr_expect_eq(d, 777, "'%s' wrote the output", bad[i]);
    }
    phs_date d;
    /* the length is honoured: a valid prefix of a longer buffer parses */
    cr_expect_eq(phs_date_parse(&d, "2024-02-29T10:00", 10), PHS_OK);
    cr_expect_eq(d, mk(2024, 2, 29));
    cr_expect_eq(phs_date_parse(&d, "2024-02-2", 9), PHS_EINVAL);
    cr_expect_eq(phs_date_parse(&d, NULL, 10), PHS_EINVAL);
}

Test(date, format_none_is_empty)
{
    char buf[11] = "xxxxxxxxxx";
    phs_date_format(PHS_DATE_NONE, buf);
    cr_expect_str_eq(buf, "");
}

Test(date, split_null_outputs)
{
    int y = 0;
    phs_date_split(mk(2024, 5, 6), &y, NULL, NULL);
    cr_expect_eq(y, 2024);
    int m = 0;
    phs_date_split(mk(2024, 5, 6), NULL, &m, NULL);
    cr_expect_eq(m, 5);
    phs_date_split(mk(2024, 5, 6), NULL, NULL, NULL); /* no crash */
}

/* A date (year, month, day) plus a number of months gives a date. */
static const struct {
    int y, m, d, months;
    const char *want;
} ADD_MONTHS_CASES[] = {
    /* add months clamps to month end */
    {2024, 1, 31, 1, "2024-02-29"}, {2023, 1, 31, 1, "2023-02-28"},
    {2024, 11, 30, 3, "2025-02-28"}, {2023, 11, 30, 3, "2024-02-29"},
    {2024, 3, 31, 1, "2024-04-30"}, {2024, 1, 31, 2, "2024-03-31"},
    {2024, 8, 31, 1, "2024-09-30"}, {2024, 2, 29, 12, "2025-02-28"},
    {2024, 2, 29, 48, "2028-02-29"}, {2099, 12, 31, 2, "2100-02-28"},
    {2024, 6, 15, 0, "2024-06-15"}, {2024, 12, 15, 1, "2025-01-15"},
    {2024, 1, 15, 120, "2034-01-15"},
    /* add months negative */
    {2024, 3, 31, -1, "2024-02-29"}, {2023, 3, 31, -1, "2023-02-28"},
    {2024, 1, 15, -1, "2023-12-15"}, {2024, 1, 31, -2, "2023-11-30"},
    {2024, 5, 31, -12, "2023-05-31"}, {2024, 2, 29, -12, "2023-02-28"},
    {2024, 1, 1, -13, "2022-12-01"}, {2024, 12, 31, -10, "2024-02-29"},
    {1970, 1, 31, -1, "1969-12-31"},
};

Test(date, add_months_every_case)
{
    for (size_t i = 0; i < T_COUNT(ADD_MONTHS_CASES); i++) {
        const int y = ADD_MONTHS_CASES[i].y, m = ADD_MONTHS_CASES[i].m,
                  d = ADD_MONTHS_CASES[i].d, n = ADD_MONTHS_CASES[i].months;
        char buf[11];
        phs_date_format(phs_date_add_months(mk(y, m, d), n), buf);
        cr_expect_str_eq(buf, ADD_MONTHS_CASES[i].want,
                         "case %04d-%02d-%02d %+d months", y, m, d, n);
    }
}

/* A birth date and a day (year, month, day each): the age in whole years
 * on that day. */
static const struct {
    int birth[3], at[3], age;
} AGE_CASES[] = {
    /* age at leap day birthday */
    {{2000, 2, 29}, {2001, 2, 28}, 0}, {{2000, 2, 29}, {2001, 3, 1}, 1},
    {{2000, 2, 29}, {2004, 2, 28}, 3}, {{2000, 2, 29}, {2004, 2, 29}, 4},
    {{2000, 2, 29}, {2004, 3, 1}, 4}, {{2000, 2, 29}, {2000, 2, 29}, 0},
    {{2000, 2, 29}, {2100, 2, 28}, 99}, {{2000, 2, 29}, {2100, 3, 1}, 100},
    /* age around birthday */
    {{1959, 6, 15}, {2024, 6, 14}, 64}, {{1959, 6, 15}, {2024, 6, 15}, 65},
    {{1959, 6, 15}, {2024, 6, 16}, 65}, {{1959, 6, 15}, {2024, 5, 31}, 64},
    {{1959, 6, 15}, {2024, 12, 31}, 65}, {{1959, 6, 15}, {2025, 1, 1}, 65},
    {{1990, 12, 31}, {2024, 12, 30}, 33}, {{1990, 12, 31}, {2024, 12, 31}, 34},
    {{1990, 12, 31}, {2025, 1, 1}, 34}, {{1990, 1, 1}, {2024, 12, 31}, 34},
    {{1990, 1, 1}, {2025, 1, 1}, 35},
};

Test(date, age_every_case)
{
    for (size_t i = 0; i < T_COUNT(AGE_CASES); i++) {
        const int *b = AGE_CASES[i].birth, *at = AGE_CASES[i].at;
        cr_expect_eq(
            phs_date_age(mk(b[0], b[1], b[2]), mk(at[0], at[1], at[2])),
            AGE_CASES[i].age, "case born %04d-%02d-%02d, on %04d-%02d-%02d",
            b[0], b[1], b[2], at[0], at[1], at[2]);
    }
}

Test(date, age_negative_before_birth)
{
    phs_date b = mk(2020, 6, 15);
    cr_expect_lt(phs_date_age(b, mk(2020, 6, 14)), 0);
    cr_expect_eq(phs_date_age(b, mk(2019, 6, 15)), -1);
}
