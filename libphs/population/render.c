/* The JSON and CSV renderings of a period's indicators: the same numbers,
 * so that `phs report` can write either and a test can compare them with
 * the HTML.  Rates are written with four decimals by integer arithmetic
 * (no printf of doubles: the same text under every locale). */
#include <math.h>
#include <string.h>

#include "population.h"

/* A rate as "0.1234" (round half up), or "" when undefined. */
static void put_rate(phs__buf *b, double x)
{
    if (isnan(x))
        return;
    long v = lround(x * 10000.0);
    phs__buf_printf(b, "%ld.%04ld", v / 10000, v % 10000);
}

/* numerator / denominator as a rate, exactly rounded from the integers. */
static void put_ratio(phs__buf *b, size_t num, size_t den)
{
    if (!den)
        return;
    unsigned long long v = ((unsigned long long)num * 20000ull / den + 1) / 2;
    phs__buf_printf(b, "%llu.%04llu", v / 10000, v % 10000);
}

/* The name of tier t of program p; the extra index is "no_tier". */
static const char *tier_name(const phs_indicators *ind, size_t p, size_t t)
{
    const phs__program *pr = &ind->rs->programs[p];
    return t < pr->ntiers ? pr->tiers[t].name : "no_tier";
}

/* The buffer (always NUL-terminated) to the caller, or PHS_ENOMEM. */
static int hand_out(phs__buf *b, char **out, size_t *len)
{
    if (b->oom) {
        phs__buf_free(b);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    *out = b->p;
    if (len)
        *len = b->len;
    return PHS_OK;
}

int phs_indicators_to_json(const phs_indicators *ind, char **out,
                           size_t *len)
{
    if (!ind || !out)
        return phs__error_set(PHS_EINVAL, "indicators: NULL argument");
    *out = NULL;
    phs__buf b = {0};
    const phs_ruleset *rs = ind->rs;
    phs__json_date(&b, "{\"period\":{\"from\":", ind->from);
    phs__json_date(&b, ",\"to\":", ind->to);
    phs__json_member(&b, "},\"rules_fingerprint\":", rs->fingerprint);
    phs__buf_puts(&b, ",\"indicators\":[");
    for (size_t i = 0; i < ind->ni; i++) {
        const phs__indicator *d = &rs->indicators[i];
        size_t num = phs_indicators_numerator(ind, i),
               den = phs_indicators_denominator(ind, i);
        phs__json_member(&b, i ? ",{\"id\":" : "{\"id\":", d->id);
        phs__json_member(&b, ",\"program\":", phs_indicators_program(ind, i));
        phs__json_member(&b, ",\"title\":{\"zh\":", d->title_zh);
        phs__json_member(&b, ",\"en\":", d->title_en);
        phs__buf_printf(&b, "},\"numerator\":%zu,\"denominator\":%zu,"
                            "\"undecided\":%zu,\"excluded\":%zu,\"rate\":",
                        num, den, phs_indicators_undecided(ind, i),
                        phs_indicators_excluded(ind, i));
        if (den)
            put_ratio(&b, num, den);
        else
            phs__buf_puts(&b, "null");
        phs__buf_puts(&b, ",\"target\":");
        if (isnan(d->target))
            phs__buf_puts(&b, "null");
        else
            put_rate(&b, d->target);
        phs__buf_puts(&b, ",\"cite\":[");
        for (size_t c = 0; c < d->ncites; c++) {
            if (c)
                phs__buf_putc(&b, ',');
            phs__json_cstr(&b, d->cites[c]->id);
        }
        phs__buf_puts(&b, "]}");
    }
    phs__buf_puts(&b, "],\"programs\":{");
    for (size_t p = 0; p < ind->np; p++) {
        size_t nt = rs->programs[p].ntiers + 1;
        if (p)
            phs__buf_putc(&b, ',');
        phs__json_cstr(&b, rs->programs[p].id);
        phs__buf_puts(&b, ":{\"tiers\":{");
        for (size_t t = 0; t < nt; t++) {
            if (t)
                phs__buf_putc(&b, ',');
            phs__json_cstr(&b, tier_name(ind, p, t));
            phs__buf_printf(&b, ":%zu",
                            phs_indicators_tier_residents(ind, p, t));
        }
        phs__buf_puts(&b, "},\"transitions\":[");
        int first = 1;
        for (size_t f = 0; f < nt; f++)
            for (size_t t = 0; t < nt; t++) {
                size_t n = phs_indicators_transitions(ind, p, f, t);
                if (!n)
                    continue;
                phs__buf_puts(&b, first ? "{\"from\":" : ",{\"from\":");
                first = 0;
                phs__json_cstr(&b, tier_name(ind, p, f));
                phs__json_member(&b, ",\"to\":", tier_name(ind, p, t));
                phs__buf_printf(&b, ",\"count\":%zu}", n);
            }
        phs__buf_puts(&b, "]}");
    }
    phs__buf_puts(&b, "},\"overdue\":[");
    for (size_t k = 0; k < ind->noverdue; k++) {
        const phs__overdue *o = &ind->overdue[k];
        phs__json_member(&b, k ? ",{\"id\":" : "{\"id\":",
                         ind->idtext + ind->idoff[o->res]);
        phs__json_member(&b, ",\"program\":", rs->programs[o->program].id);
        phs__json_member(&b, ",\"tier\":",
                         tier_name(ind, (size_t)o->program, (size_t)o->tier));
        phs__json_date(&b, ",\"due\":", o->due);
        phs__buf_printf(&b, ",\"days\":%d}", o->days);
    }
    phs__buf_puts(&b, "]}");
    return hand_out(&b, out, len);
}

/* A CSV cell: quoted when it holds a comma, quote or line break. */
static void csv_cell(phs__buf *b, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        phs__buf_puts(b, s);
        return;
    }
    phs__buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            phs__buf_putc(b, '"');
        phs__buf_putc(b, *s);
    }
    phs__buf_putc(b, '"');
}

static void csv_row(phs__buf *b, const char *kind, const char *program,
                    const char *name, const char *detail)
{
    csv_cell(b, kind);
    phs__buf_putc(b, ',');
    csv_cell(b, program);
    phs__buf_putc(b, ',');
    csv_cell(b, name);
    phs__buf_putc(b, ',');
    csv_cell(b, detail);
    phs__buf_putc(b, ',');
}

int phs_indicators_to_csv(const phs_indicators *ind, char **out, size_t *len)
{
    if (!ind || !out)
        return phs__error_set(PHS_EINVAL, "indicators: NULL argument");
    *out = NULL;
    phs__buf b = {0};
    const phs_ruleset *rs = ind->rs;
    char d[11];
    phs__buf_puts(&b, "kind,program,name,detail,value\n");
    phs_date_format(ind->from, d);
    csv_row(&b, "period", NULL, "from", NULL);
    phs__buf_printf(&b, "%s\n", d);
    phs_date_format(ind->to, d);
    csv_row(&b, "period", NULL, "to", NULL);
    phs__buf_printf(&b, "%s\n", d);
    for (size_t i = 0; i < ind->ni; i++) {
        const phs__indicator *def = &rs->indicators[i];
        const char *prog = phs_indicators_program(ind, i);
        size_t num = phs_indicators_numerator(ind, i),
               den = phs_indicators_denominator(ind, i);
        csv_row(&b, "indicator", prog, def->id, "numerator");
        phs__buf_printf(&b, "%zu\n", num);
        csv_row(&b, "indicator", prog, def->id, "denominator");
        phs__buf_printf(&b, "%zu\n", den);
        csv_row(&b, "indicator", prog, def->id, "undecided");
        phs__buf_printf(&b, "%zu\n", phs_indicators_undecided(ind, i));
        csv_row(&b, "indicator", prog, def->id, "excluded");
        phs__buf_printf(&b, "%zu\n", phs_indicators_excluded(ind, i));
        csv_row(&b, "indicator", prog, def->id, "rate");
        put_ratio(&b, num, den);
        phs__buf_putc(&b, '\n');
        csv_row(&b, "indicator", prog, def->id, "target");
        put_rate(&b, def->target);
        phs__buf_putc(&b, '\n');
    }
    for (size_t p = 0; p < ind->np; p++) {
        size_t nt = rs->programs[p].ntiers + 1;
        const char *prog = rs->programs[p].id;
        for (size_t t = 0; t < nt; t++) {
            csv_row(&b, "tier", prog, tier_name(ind, p, t), NULL);
            phs__buf_printf(&b, "%zu\n",
                            phs_indicators_tier_residents(ind, p, t));
        }
        for (size_t f = 0; f < nt; f++)
            for (size_t t = 0; t < nt; t++) {
                size_t n = phs_indicators_transitions(ind, p, f, t);
                if (!n)
                    continue;
                csv_row(&b, "transition", prog, tier_name(ind, p, f),
                        tier_name(ind, p, t));
                phs__buf_printf(&b, "%zu\n", n);
            }
    }
    for (size_t k = 0; k < ind->noverdue; k++) {
        const phs__overdue *o = &ind->overdue[k];
        phs_date_format(o->due, d);
        csv_row(&b, "overdue", rs->programs[o->program].id,
                ind->idtext + ind->idoff[o->res], d);
        phs__buf_printf(&b, "%d\n", o->days);
    }
    return hand_out(&b, out, len);
}
