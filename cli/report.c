/* phs report: visit histories in, the period's performance indicators out,
 * as one self-contained HTML page (inline SVG charts, no script, no network)
 * or as the CSV / JSON renderings of the same numbers (phs/population.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "phs/population.h"

/* ------------------------------------------------------------------ */
/* The period                                                          */
/* ------------------------------------------------------------------ */

static int parse_period(const char *s, phs_date *from, phs_date *to)
{
    size_t n = strlen(s);
    if (n == 4 && strspn(s, "0123456789") == 4) {
        int y = atoi(s);
        return phs_date_make(from, y, 1, 1) == PHS_OK &&
               phs_date_make(to, y, 12, 31) == PHS_OK;
    }
    const char *colon = strchr(s, ':');
    return colon && phs_date_parse(from, s, (size_t)(colon - s)) == PHS_OK &&
           phs_date_parse(to, colon + 1, strlen(colon + 1)) == PHS_OK &&
           *from <= *to;
}

/* --period is this command's own option: taken out of argv before the
 * shared parser sees the rest.  Returns 0, or an exit status. */
static int take_period(int *argc, char **argv, const char **period)
{
    int j = 0;
    *period = NULL;
    for (int i = 0; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--period")) {
            if (i + 1 >= *argc)
                return usage_error("report", "option --period needs a value");
            *period = argv[++i];
            continue;
        }
        if (!strncmp(argv[i], "--period=", 9)) {
            *period = argv[i] + 9;
            continue;
        }
        argv[j++] = argv[i];
    }
    *argc = j;
    return 0;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

static void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: putc(*s, f);
        }
    }
}

/* A rate as a percentage with one decimal, from the integers (round half
 * up); "–" when the denominator is 0. */
static void percent(FILE *f, size_t num, size_t den)
{
    if (!den) {
        fputs("–", f);
        return;
    }
    unsigned long long v = ((unsigned long long)num * 2000ull / den + 1) / 2;
    fprintf(f, "%llu.%llu %%", v / 10, v % 10);
}

/* Tier colours: a categorical palette (tiers of one program can be of
 * different sub-populations, so no colour implies severity); grey for no
 * tier. */
static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759",
                                      "#76b7b2", "#59a14f", "#edc948",
                                      "#b07aa1", "#ff9da7", "#9c755f",
                                      "#86bcb6", "#8cd17d", "#f1ce63"};
#define NO_TIER_COLOUR "#c8c8c8"

static const char *tier_colour(size_t t, size_t ntiers)
{
    return t >= ntiers ? NO_TIER_COLOUR
                       : palette[t % (sizeof palette / sizeof *palette)];
}

static const char *tier_label(const phs_ruleset *rs, size_t p, size_t t)
{
    return t < phs_ruleset_tier_count(rs, p) ? phs_ruleset_tier_id(rs, p, t)
                                             : "no_tier";
}

static const char STYLE[] =
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC',"
    "'Microsoft YaHei',sans-serif;margin:24px auto;max-width:1100px;"
    "color:#222;line-height:1.4}"
    "h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;"
    "border-bottom:1px solid #ddd;padding-bottom:4px}"
    "h3{font-size:15px;margin:18px 0 6px}"
    ".meta{color:#555;font-size:13px}"
    "table{border-collapse:collapse;font-size:13px}"
    "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
    "th{background:#f4f4f4}"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:"
    "tabular-nums}"
    "svg text{font-size:12px;fill:#222}svg .small{font-size:11px;fill:#555}"
    ".legend span{display:inline-block;margin-right:14px;font-size:12px}"
    ".legend i{display:inline-block;width:11px;height:11px;margin-right:4px;"
    "vertical-align:-1px}"
    "details{margin-top:8px;font-size:13px}"
    ".matrix{display:inline-block;vertical-align:top;margin-right:28px}";

static void svg_open(FILE *f, int w, int h, const char *label)
{
    fprintf(f, "<svg width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
               "aria-label=\"",
            w, h, w, h);
    html_text(f, label);
    fputs("\">\n", f);
}

/* Indicators: one bar per indicator, its rate against its target. */
static void html_indicators(FILE *f, const phs_indicators *ind)
{
    const int left = 360, width = 330, row = 46;
    size_t n = phs_indicators_count(ind);
    fputs("<h2>指标 Indicators</h2>\n", f);
    svg_open(f, 1060, (int)n * row + 30, "indicators against their targets");
    /* scale: 0, 50, 100 % */
    for (int k = 0; k <= 4; k++) {
        int x = left + width * k / 4;
        fprintf(f, "<line x1=\"%d\" y1=\"14\" x2=\"%d\" y2=\"%d\" "
                   "stroke=\"#eee\"/><text class=\"small\" x=\"%d\" y=\"10\" "
                   "text-anchor=\"middle\">%d %%</text>\n",
                x, x, (int)n * row + 20, x, 25 * k);
    }
    for (size_t i = 0; i < n; i++) {
        size_t num = phs_indicators_numerator(ind, i),
               den = phs_indicators_denominator(ind, i),
               und = phs_indicators_undecided(ind, i),
               exc = phs_indicators_excluded(ind, i);
        double target = phs_indicators_target(ind, i);
        int y = 20 + (int)i * row;
        int w = den ? (int)((double)width * (double)num / (double)den + 0.5)
                    : 0;
        fprintf(f, "<g class=\"indicator\" data-id=\"%s\" "
                   "data-numerator=\"%zu\" data-denominator=\"%zu\" "
                   "data-undecided=\"%zu\" data-excluded=\"%zu\">\n",
                phs_indicators_id(ind, i), num, den, und, exc);
        fputs("<text x=\"0\" y=\"", f);
        fprintf(f, "%d\">", y + 13);
        html_text(f, phs_indicators_title(ind, i, "zh"));
        fprintf(f, "</text><text class=\"small\" x=\"0\" y=\"%d\">", y + 28);
        html_text(f, phs_indicators_title(ind, i, "en"));
        fprintf(f, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"20\" fill=\"#f2f2f2\"/>",
                left, y + 2, width);
        int met = target == target && den && (double)num >= target * den;
        fprintf(f, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"20\" fill=\"%s\"/>",
                left, y + 2, w,
                target != target ? "#4a7fb5" : met ? "#2e8b57" : "#d9822b");
        if (target == target) {
            int tx = left + (int)(width * target + 0.5);
            fprintf(f, "<line class=\"target\" x1=\"%d\" y1=\"%d\" "
                       "x2=\"%d\" y2=\"%d\" stroke=\"#222\" "
                       "stroke-width=\"2\" stroke-dasharray=\"3,2\"/>",
                    tx, y - 2, tx, y + 26);
        }
        fprintf(f, "\n<text class=\"value\" x=\"%d\" y=\"%d\">",
                left + width + 10, y + 13);
        percent(f, num, den);
        fprintf(f, "  (%zu / %zu)</text>", num, den);
        fprintf(f, "<text class=\"small\" x=\"%d\" y=\"%d\">",
                left + width + 10, y + 28);
        if (target == target) {
            unsigned long t10 = (unsigned long)(target * 1000 + 0.5);
            fprintf(f, "target %lu.%lu %% — %s", t10 / 10, t10 % 10,
                    met ? "met" : "not met");
        } else {
            fputs("no target", f);
        }
        if (und)
            fprintf(f, "; undecided %zu", und);
        if (exc)
            fprintf(f, "; excluded %zu", exc);
        fputs("</text>\n</g>\n", f);
    }
    fputs("</svg>\n", f);
    fputs("<p class=\"meta\">Bar: numerator / denominator; dashed line: the "
          "target declared in the rule files. Undecided: residents of the "
          "denominator for whom a needed value was absent (not counted in "
          "the numerator). Excluded: residents whose belonging to the "
          "denominator could not be decided (e.g. no age).</p>\n", f);
}

/* Tier distribution: one stacked bar per program. */
static void html_tiers(FILE *f, const phs_ruleset *rs,
                       const phs_indicators *ind)
{
    size_t np = phs_ruleset_program_count(rs);
    const int left = 130, width = 780, row = 34;
    fputs("<h2>管理分级 Tier distribution</h2>\n<p class=\"meta\">Enrolled "
          "residents by the tier of their latest visit in the period.</p>\n",
          f);
    svg_open(f, 1060, (int)np * row + 10, "tier distribution per program");
    for (size_t p = 0; p < np; p++) {
        size_t nt = phs_ruleset_tier_count(rs, p), total = 0;
        for (size_t t = 0; t <= nt; t++)
            total += phs_indicators_tier_residents(ind, p, t);
        int y = 4 + (int)p * row;
        fprintf(f, "<g class=\"tiers\" data-program=\"%s\" "
                   "data-total=\"%zu\">\n<text x=\"0\" y=\"%d\">%s</text>\n",
                phs_ruleset_program_id(rs, p), total, y + 15,
                phs_ruleset_program_id(rs, p));
        int x = left;
        size_t acc = 0;
        for (size_t t = 0; t <= nt; t++) {
            size_t c = phs_indicators_tier_residents(ind, p, t);
            acc += c;
            int x2 = total ? left + (int)((double)width * (double)acc /
                                              (double)total + 0.5)
                           : left;
            fprintf(f, "<rect data-tier=\"%s\" data-count=\"%zu\" x=\"%d\" "
                       "y=\"%d\" width=\"%d\" height=\"22\" fill=\"%s\">"
                       "<title>%s: %zu</title></rect>",
                    tier_label(rs, p, t), c, x, y, x2 - x,
                    tier_colour(t, nt), tier_label(rs, p, t), c);
            if (c && x2 - x >= 28)
                fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                           "%zu</text>",
                        (x + x2) / 2, y + 15, c);
            x = x2;
        }
        if (!total)
            fprintf(f, "<text class=\"small\" x=\"%d\" y=\"%d\">no enrolled "
                       "resident</text>", left, y + 15);
        fputs("\n</g>\n", f);
    }
    fputs("</svg>\n", f);
    /* the legend: the tiers with residents, as a table */
    fputs("<table><tr><th>program</th><th>tier</th><th>residents</th></tr>\n",
          f);
    for (size_t p = 0; p < np; p++) {
        size_t nt = phs_ruleset_tier_count(rs, p);
        for (size_t t = 0; t <= nt; t++) {
            size_t c = phs_indicators_tier_residents(ind, p, t);
            if (c)
                fprintf(f, "<tr><td>%s</td><td><i style=\"display:"
                           "inline-block;width:10px;height:10px;background:"
                           "%s\"></i> %s</td><td class=\"n\">%zu</td></tr>\n",
                        phs_ruleset_program_id(rs, p), tier_colour(t, nt),
                        tier_label(rs, p, t), c);
        }
    }
    fputs("</table>\n", f);
}

/* Transitions: per program with any, a from x to matrix over the tiers
 * that occur in it (a tier no transition touches is left out). */
static void html_transitions(FILE *f, const phs_ruleset *rs,
                             const phs_indicators *ind)
{
    size_t np = phs_ruleset_program_count(rs);
    fputs("<h2>分级变化 Tier transitions between visits</h2>\n<p class=\""
          "meta\">Consecutive visits of one resident in the period, both "
          "enrolled: rows the earlier visit's tier, columns the later "
          "one's.</p>\n", f);
    for (size_t p = 0; p < np; p++) {
        size_t nt = phs_ruleset_tier_count(rs, p) + 1, max = 0, n = 0;
        size_t used[65]; /* tier indexes that occur; at most 64 tiers + 1 */
        for (size_t a = 0; a < nt; a++) {
            int any = 0;
            for (size_t b = 0; b < nt; b++) {
                size_t c = phs_indicators_transitions(ind, p, a, b);
                max = c > max ? c : max;
                any |= c || phs_indicators_transitions(ind, p, b, a);
            }
            if (any && n < sizeof used / sizeof *used)
                used[n++] = a;
        }
        if (!max)
            continue;
        const int cell = 52, left = 140, top = 100;
        fprintf(f, "<div class=\"matrix\"><h3>%s</h3>\n",
                phs_ruleset_program_id(rs, p));
        svg_open(f, left + (int)n * cell + 10, top + (int)n * cell + 10,
                 "tier transitions");
        fprintf(f, "<g class=\"transitions\" data-program=\"%s\">\n",
                phs_ruleset_program_id(rs, p));
        for (size_t j = 0; j < n; j++) {
            int x = left + (int)j * cell + 8;
            fprintf(f, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-40 %d "
                       "%d)\">%s</text>\n",
                    x, top - 6, x, top - 6, tier_label(rs, p, used[j]));
        }
        for (size_t i = 0; i < n; i++) {
            size_t a = used[i];
            int y = top + (int)i * cell;
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
                       "</text>\n",
                    left - 8, y + cell / 2 + 4, tier_label(rs, p, a));
            for (size_t j = 0; j < n; j++) {
                size_t b = used[j];
                size_t c = phs_indicators_transitions(ind, p, a, b);
                int x = left + (int)j * cell;
                /* shade by share of the largest cell, in 10 steps */
                int step = c ? 1 + (int)(9.0 * (double)c / (double)max) : 0;
                fprintf(f, "<rect data-from=\"%s\" data-to=\"%s\" "
                           "data-count=\"%zu\" x=\"%d\" y=\"%d\" "
                           "width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" "
                           "stroke=\"#fff\"/>",
                        tier_label(rs, p, a), tier_label(rs, p, b), c, x, y,
                        cell, cell, 255 - step * 20, 255 - step * 13,
                        255 - step * 6);
                if (c)
                    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\""
                               "%s>%zu</text>",
                            x + cell / 2, y + cell / 2 + 4,
                            step >= 6 ? " style=\"fill:#fff\"" : "", c);
                putc('\n', f);
            }
        }
        fputs("</g>\n</svg></div>\n", f);
    }
}

static int weekday(phs_date d) /* Monday 0 .. Sunday 6 */
{
    return (int)(((d + 3) % 7 + 7) % 7);
}

/* The overdue calendar: per due date, how many residents are overdue from
 * it; a grid of weeks (columns) by weekdays (rows), plus the list. */
static int html_overdue(FILE *f, const phs_ruleset *rs,
                        const phs_indicators *ind)
{
    phs_date from = phs_indicators_from(ind), to = phs_indicators_to(ind);
    size_t n = phs_indicators_overdue_count(ind), before = 0, max = 0;
    size_t days = (size_t)(to - from) + 1;
    size_t *per_day = calloc(days, sizeof *per_day);
    if (!per_day) {
        err("out of memory");
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        phs_date d = phs_indicators_overdue_due(ind, k);
        if (d < from) {
            before++;
            continue;
        }
        size_t c = ++per_day[d - from];
        max = c > max ? c : max;
    }
    fprintf(f, "<h2>逾期日历 Overdue calendar</h2>\n<p class=\"meta\">%zu "
               "follow-ups overdue at the period's end, by the date they "
               "were due",
            n);
    if (before)
        fprintf(f, " (%zu of them due before the period: not on the "
                   "calendar)", before);
    fputs(".</p>\n", f);
    const int cell = 18, left = 34, top = 22;
    phs_date start = from - weekday(from);
    int weeks = (int)((to - start) / 7) + 1;
    svg_open(f, left + weeks * cell + 10, top + 7 * cell + 30,
             "overdue follow-ups by due date");
    fputs("<g class=\"overdue-calendar\">\n", f);
    static const char *const wd[] = {"Mon", "", "Wed", "", "Fri", "", "Sun"};
    for (int r = 0; r < 7; r++)
        if (*wd[r])
            fprintf(f, "<text class=\"small\" x=\"0\" y=\"%d\">%s</text>\n",
                    top + r * cell + 10, wd[r]);
    int last_month = 0;
    for (phs_date d = from; d <= to; d++) {
        int y, m, day;
        phs_date_split(d, &y, &m, &day);
        int col = (int)((d - start) / 7), row = weekday(d);
        if (m != last_month) {
            fprintf(f, "<text class=\"small\" x=\"%d\" y=\"%d\">%d-%02d"
                       "</text>\n",
                    left + col * cell, top - 8, y, m);
            last_month = m;
        }
        size_t c = per_day[d - from];
        int step = c ? 1 + (int)(4.0 * (double)c / (double)max) : 0;
        static const char *const heat[] = {"#eeeeee", "#fdd49e", "#fdbb84",
                                           "#fc8d59", "#e34a33", "#b30000"};
        char date[11];
        fmt_date(d, date);
        fprintf(f, "<rect data-date=\"%s\" data-count=\"%zu\" x=\"%d\" "
                   "y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                   "<title>%s: %zu overdue</title></rect>\n",
                date, c, left + col * cell, top + row * cell, cell - 2,
                cell - 2, heat[step > 5 ? 5 : step], date, c);
    }
    fputs("</g>\n</svg>\n", f);
    free(per_day);

    /* by program, then the list */
    size_t np = phs_ruleset_program_count(rs);
    fputs("<table><tr><th>program</th><th>overdue</th></tr>\n", f);
    for (size_t p = 0; p < np; p++) {
        size_t c = 0;
        for (size_t k = 0; k < n; k++)
            c += phs_indicators_overdue_program(ind, k) == (int)p;
        fprintf(f, "<tr><td>%s</td><td class=\"n\" data-program=\"%s\">%zu"
                   "</td></tr>\n",
                phs_ruleset_program_id(rs, p), phs_ruleset_program_id(rs, p),
                c);
    }
    fputs("</table>\n<details><summary>Who is overdue for what (most days "
          "first)</summary>\n<table class=\"overdue\"><tr><th>resident</th>"
          "<th>program</th><th>tier</th><th>due</th><th>days overdue</th>"
          "</tr>\n", f);
    for (size_t k = 0; k < n; k++) {
        char due[11];
        int p = phs_indicators_overdue_program(ind, k);
        fmt_date(phs_indicators_overdue_due(ind, k), due);
        fputs("<tr><td>", f);
        html_text(f, phs_indicators_overdue_id(ind, k));
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">"
                   "%d</td></tr>\n",
                phs_ruleset_program_id(rs, (size_t)p),
                tier_label(rs, (size_t)p,
                           (size_t)phs_indicators_overdue_tier(ind, k)),
                due, phs_indicators_overdue_days(ind, k));
    }
    fputs("</table>\n</details>\n", f);
    return 0;
}

static void html_definitions(FILE *f, const phs_indicators *ind)
{
    fputs("<h2>定义 Definitions</h2>\n<table><tr><th>indicator</th>"
          "<th>program</th><th>numerator</th><th>denominator</th>"
          "<th>undecided</th><th>excluded</th><th>rate</th><th>cites</th>"
          "</tr>\n", f);
    for (size_t i = 0; i < phs_indicators_count(ind); i++) {
        size_t num = phs_indicators_numerator(ind, i),
               den = phs_indicators_denominator(ind, i);
        fputs("<tr><td>", f);
        html_text(f, phs_indicators_id(ind, i));
        fputs("</td><td>", f);
        html_text(f, phs_indicators_program(ind, i) ? phs_indicators_program(
                                                          ind, i)
                                                    : "(all residents)");
        fprintf(f, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                   "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                   "<td class=\"n\">",
                num, den, phs_indicators_undecided(ind, i),
                phs_indicators_excluded(ind, i));
        percent(f, num, den);
        fputs("</td><td>", f);
        for (size_t c = 0; c < phs_indicators_cite_count(ind, i); c++) {
            if (c)
                fputs(", ", f);
            html_text(f, phs_indicators_cite(ind, i, c));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p class=\"meta\">The clauses cited are declared in the "
          "indicator file (rules/indicators.yaml); docs/population.md gives "
          "each definition and its source.</p>\n", f);
}

static int write_html(FILE *f, const phs_ruleset *rs,
                      const phs_population *pop, const phs_indicators *ind,
                      size_t refused)
{
    char a[11], b[11];
    fmt_date(phs_indicators_from(ind), a);
    fmt_date(phs_indicators_to(ind), b);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
          "charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n", f);
    fprintf(f, "<title>基本公共卫生服务 绩效指标 %s – %s</title>\n<style>%s"
               "</style>\n</head>\n<body>\n",
            a, b, STYLE);
    fprintf(f, "<h1>基本公共卫生服务 绩效指标 <span style=\"font-weight:"
               "normal\">Performance indicators</span></h1>\n<p class=\"meta\""
               " id=\"summary\" data-from=\"%s\" data-to=\"%s\" "
               "data-residents=\"%zu\" data-visits=\"%zu\">Period %s to %s · "
               "%zu residents · %zu visits",
            a, b, phs_population_resident_count(pop),
            phs_population_visit_count(pop), a, b,
            phs_population_resident_count(pop),
            phs_population_visit_count(pop));
    if (refused)
        fprintf(f, " · %zu records refused (not counted)", refused);
    fputs(" · rules ", f);
    html_text(f, phs_ruleset_fingerprint(rs));
    fputs("</p>\n", f);
    html_indicators(f, ind);
    html_tiers(f, rs, ind);
    html_transitions(f, rs, ind);
    if (html_overdue(f, rs, ind) < 0)
        return -1;
    html_definitions(f, ind);
    fprintf(f, "<p class=\"meta\">Generated by phs report (libphs %s).</p>\n"
               "</body>\n</html>\n",
            phs_version());
    return 0;
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

int cmd_report(int argc, char **argv)
{
    args a;
    const char *period;
    phs_date from, to;
    int rc = take_period(&argc, argv, &period);
    if (rc)
        return rc;
    rc = command_start(argc, argv, "report", OPT_RULES | OPT_FORMAT | OPT_PARAM,
                       1, help_report, &a);
    if (rc != -1)
        return rc;
    rc = 0;
    const char *fmt = a.format ? a.format : "html";
    if (strcmp(fmt, "html") && strcmp(fmt, "csv") && strcmp(fmt, "json"))
        rc = usage_error("report", "--format '%s': expected html, csv or "
                                   "json", fmt);
    else if (!period)
        rc = usage_error("report", "give the reporting period: --period 2024 "
                                   "or --period FROM:TO");
    else if (!parse_period(period, &from, &to))
        rc = usage_error("report", "--period '%s': expected a year (2024) or "
                                   "FROM:TO (2024-01-01:2024-06-30)", period);
    else if (a.npos != 1)
        rc = usage_error("report", "give one input FILE (or - for standard "
                                   "input)");
    if (rc) {
        free_args(&a);
        return rc;
    }

    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    phs_record *rec = NULL;
    phs_population *pop = NULL;
    phs_indicators *ind = NULL;
    char *out = NULL;
    tally tl = {0};
    rc = EXIT_USAGE;
    if (load_rules(&rs, a.rules, &a) < 0)
        goto done;
    if (phs_reader_open(&rd, rs, a.pos[0], PHS_FORMAT_AUTO) < 0 ||
        phs_record_new(&rec, rs) < 0 || phs_population_new(&pop, rs) < 0) {
        err("%s", last_message());
        goto done;
    }
    for (;;) {
        int got = read_next(rd, rec, &tl.read);
        if (got == READ_END)
            break;
        if (got == READ_NONE) {
            err("%s", last_message());
            goto done;
        }
        if (got != READ_RECORD) {
            tally_error(&tl, got == READ_REFUSED ? phs_reader_record_id(rd) : "",
                        phs_reader_record_number(rd));
            if (got == READ_REFUSED)
                continue;
            break;
        }
        int r = phs_population_add(pop, rec);
        if (r == PHS_ERECORD) {
            tally_error(&tl, phs_record_id(rec),
                        phs_reader_record_number(rd));
            continue;
        }
        if (r < 0) {
            err("%s", last_message());
            goto done;
        }
        tl.used++;
    }
    if (phs_population_indicators(pop, from, to, &ind) < 0) {
        err("%s", last_message());
        goto done;
    }
    int wr;
    if (!strcmp(fmt, "html")) {
        wr = write_html(stdout, rs, pop, ind, tl.refused);
    } else {
        wr = !strcmp(fmt, "csv") ? phs_indicators_to_csv(ind, &out, NULL)
                                 : phs_indicators_to_json(ind, &out, NULL);
        if (wr < 0)
            err("%s", last_message());
        else
            fputs(out, stdout);
        if (wr >= 0 && !strcmp(fmt, "json"))
            putchar('\n');
    }
    if (wr < 0)
        goto done;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        err("writing the output: %s", strerror(errno));
        goto done;
    }
    rc = 0;
    if (tl.read == 0) {
        err("%s holds no records", input_name(a.pos[0]));
        rc = EXIT_RECORDS;
    } else if (tl.refused) {
        tally_print(&tl, input_name(a.pos[0]), "added");
        rc = EXIT_RECORDS;
    }
done:
    phs_free(out);
    phs_indicators_free(ind);
    phs_population_free(pop);
    phs_record_free(rec);
    phs_reader_free(rd);
    phs_ruleset_free(rs);
    free_args(&a);
    return rc;
}
