/* The shared layer of the phs command (cli.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

int progress_shown; /* a progress bar is on the terminal */

void progress_clear(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
}

void err(const char *fmt, ...)
{
    va_list ap;
    progress_clear();
    fputs("phs: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *last_message(void)
{
    const char *m = phs_error_message(phs_error_last());
    return m && *m ? m : "unknown error";
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "phs: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'phs %s%s--help'.\n", cmd ? cmd : "",
            cmd ? " " : "");
    return EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */



/* Check a --param value: PROGRAM.NAME=VALUE. */
static int param_ok(const char *v)
{
    const char *eq = strchr(v, '='), *dot = strchr(v, '.');
    return eq && dot && dot < eq && dot != v && eq != dot + 1;
}

/* Match "--name VALUE" or "--name=VALUE"; advances *i past a separate
 * value.  Returns 1 when matched (value in *val), 0 when not, -1 when the
 * value is missing. */
static int opt_value(int argc, char **argv, int *i, const char *name,
                     const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

/* Parse argv[first..] for a command.  Returns 0 or an exit status. */
int parse_args(int argc, char **argv, int first, const char *cmd,
               unsigned allowed, size_t maxpos, args *a)
{
    int i, only_pos = 0;
    memset(a, 0, sizeof *a);
    a->params = malloc(sizeof *a->params * (size_t)(argc > 0 ? argc : 1));
    a->params_old = malloc(sizeof *a->params * (size_t)(argc > 0 ? argc : 1));
    a->params_new = malloc(sizeof *a->params * (size_t)(argc > 0 ? argc : 1));
    if (!a->params || !a->params_old || !a->params_new) {
        err("out of memory");
        return EXIT_USAGE;
    }
    for (i = first; i < argc; i++) {
        const char *s = argv[i], *v = "";
        int r;
        if (only_pos || s[0] != '-' || strcmp(s, "-") == 0) {
            if (a->npos >= maxpos)
                return usage_error(cmd, "unexpected argument '%s'", s);
            a->pos[a->npos++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            a->help = 1;
            continue;
        }
        if ((allowed & OPT_VERBOSE) &&
            (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0)) {
            a->verbose = 1;
            continue;
        }
        if ((allowed & OPT_JSON) && strcmp(s, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if ((allowed & OPT_COVERAGE) && strcmp(s, "--coverage") == 0) {
            a->coverage = 1;
            continue;
        }
        if ((allowed & OPT_STRICT) && strcmp(s, "--strict") == 0) {
            a->strict = 1;
            continue;
        }
#define VALUE_OPT(flag, name, field)                                           \
    if ((allowed & (flag)) &&                                                  \
        (r = opt_value(argc, argv, &i, name, &v)) != 0) {                     \
        if (r < 0)                                                             \
            return usage_error(cmd, "option %s needs a value", name);          \
        field = v;                                                             \
        continue;                                                              \
    }
        VALUE_OPT(OPT_RULES, "--rules", a->rules)
        VALUE_OPT(OPT_ASOF, "--as-of", a->asof)
        VALUE_OPT(OPT_FORMAT, "--format", a->format)
        VALUE_OPT(OPT_ID, "--id", a->id)
        VALUE_OPT(OPT_PROGRAM, "--program", a->program)
        VALUE_OPT(OPT_CELLS, "--max-cells", a->max_cells)
        VALUE_OPT(OPT_CELLS, "--seed", a->seed)
        VALUE_OPT(OPT_POP, "--population", a->population)
        VALUE_OPT(OPT_POP, "--max-examples", a->max_examples)
        if ((allowed & OPT_PARAM2) && (!strncmp(s, "--param-old", 11) ||
                                       !strncmp(s, "--param-new", 11))) {
            int old = s[8] == 'o';
            r = opt_value(argc, argv, &i, old ? "--param-old" : "--param-new",
                          &v);
            if (r < 0)
                return usage_error(cmd, "option %s needs a value",
                                   old ? "--param-old" : "--param-new");
            if (r > 0) {
                if (!param_ok(v))
                    return usage_error(cmd, "'%s': expected "
                                            "PROGRAM.NAME=VALUE", v);
                if (old)
                    a->params_old[a->nparams_old++] = v;
                else
                    a->params_new[a->nparams_new++] = v;
                continue;
            }
        }
        if ((allowed & OPT_PARAM) &&
            (r = opt_value(argc, argv, &i, "--param", &v)) != 0) {
            const char *eq, *dot;
            if (r < 0)
                return usage_error(cmd, "option --param needs a value");
            eq = strchr(v, '=');
            dot = strchr(v, '.');
            if (!eq || !dot || dot > eq || dot == v || eq == dot + 1)
                return usage_error(cmd, "--param '%s': expected "
                                        "PROGRAM.NAME=VALUE",
                                   v);
            a->params[a->nparams++] = v;
            continue;
        }
#undef VALUE_OPT
        return usage_error(cmd, "unknown option '%s'", s);
    }
    return 0;
}

void free_args(args *a)
{
    free(a->params);
    free(a->params_old);
    free(a->params_new);
    a->params = a->params_old = a->params_new = NULL;
}

/* The rule directory of check/test/fingerprint: RULES or --rules. */
static int rules_operand(const char *cmd, args *a)
{
    if (a->npos > 0 && a->rules)
        return usage_error(cmd, "give the rule directory once, as RULES or "
                                "--rules");
    if (a->npos > 0)
        a->rules = a->pos[0];
    return 0;
}

int command_start(int argc, char **argv, const char *cmd, unsigned allowed,
                  size_t maxpos, const char *help, args *a)
{
    int rc = parse_args(argc, argv, 2, cmd, allowed, maxpos, a);
    if (!rc && !a->help)
        return -1;
    if (!rc)
        fputs(help, stdout);
    free_args(a);
    return rc;
}

int rules_command(int argc, char **argv, const char *cmd, unsigned allowed,
                  const char *help, args *a)
{
    int rc = command_start(argc, argv, cmd, allowed, 1, help, a);
    if (rc != -1)
        return rc;
    rc = rules_operand(cmd, a);
    if (rc == 0)
        return -1;
    free_args(a);
    return rc;
}

int input_command(int argc, char **argv, const char *cmd, unsigned allowed,
                  const char *help, args *a)
{
    int rc = command_start(argc, argv, cmd, allowed, 1, help, a);
    if (rc != -1 || a->npos == 1)
        return rc;
    free_args(a);
    return usage_error(cmd, "give one input FILE (or - for standard input)");
}

/* ------------------------------------------------------------------ */
/* Loading rules                                                       */
/* ------------------------------------------------------------------ */

/* Load with the parameter overrides of two lists (the second wins). */
int load_rules_lists(phs_ruleset **out, const char *dir,
                     const char *const *l1, size_t n1,
                     const char *const *l2, size_t n2)
{
    phs_ruleset_options *opts = NULL;
    size_t i;
    int rc;

    *out = NULL;
    if (!dir)
        dir = phs_rules_dir_default();
    if (n1 + n2 > 0) {
        rc = phs_ruleset_options_new(&opts);
        if (rc < 0) {
            err("%s", last_message());
            return rc;
        }
        for (i = 0; i < n1 + n2; i++) {
            const char *p = i < n1 ? l1[i] : l2[i - n1];
            const char *eq = strchr(p, '='); /* checked by parse_args */
            char *name;
            name = malloc((size_t)(eq - p) + 1);
            if (!name) {
                err("out of memory");
                phs_ruleset_options_free(opts);
                return PHS_ENOMEM;
            }
            memcpy(name, p, (size_t)(eq - p));
            name[eq - p] = '\0';
            rc = phs_ruleset_options_set_param(opts, name, eq + 1);
            free(name);
            if (rc < 0) {
                err("--param '%s': %s", p, last_message());
                phs_ruleset_options_free(opts);
                return rc;
            }
        }
    }
    rc = phs_ruleset_load_dir(out, dir, opts);
    phs_ruleset_options_free(opts);
    if (rc < 0) {
        err("%s", last_message());
        *out = NULL;
    }
    return rc;
}

int load_rules(phs_ruleset **out, const char *dir, const args *a)
{
    return load_rules_lists(out, dir, a->params, a->nparams, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Output helpers                                                      */
/* ------------------------------------------------------------------ */

/* A JSON string, or null for NULL, through the library's JSON writer
 * (always valid UTF-8: invalid bytes come out as U+FFFD). */
void json_str(FILE *f, const char *s)
{
    char small[256];
    if (!s) {
        fputs("null", f);
        return;
    }
    size_t len = strlen(s), n = phs_json_quote(small, sizeof small, s, len, NULL);
    if (n < sizeof small) {
        fwrite(small, 1, n, f);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) {
        err("out of memory");
        exit(EXIT_USAGE);
    }
    phs_json_quote(big, n + 1, s, len, NULL);
    fwrite(big, 1, n, f);
    free(big);
}

/* A CSV cell (RFC 4180 quoting when needed). */
void csv_cell(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* Text buffer for joined lists. */

void text_reset(text *t)
{
    t->len = 0;
    if (t->p)
        t->p[0] = '\0';
}

int text_add(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        char *np;
        while (cap < t->len + n + 1)
            cap *= 2;
        np = realloc(t->p, cap);
        if (!np)
            return -1;
        t->p = np;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
    return 0;
}

const char *text_str(const text *t)
{
    return t->p ? t->p : "";
}

/* Join a program's flags (which = 0) or missing fields (which = 1). */
/* The result's lists of names by LIST_*: count and item i. */
static const struct {
    size_t (*count)(const phs_result *res, size_t p);
    const char *(*name)(const phs_result *res, size_t p, size_t i);
} lists[] = {
    [LIST_FLAGS] = {phs_result_flag_count, phs_result_flag},
    [LIST_MISSING] = {phs_result_missing_count, phs_result_missing},
    [LIST_ACTIONS] = {phs_result_action_count, phs_result_action},
    [LIST_UNDECIDED] = {phs_result_undecided_flag_count,
                        phs_result_undecided_flag},
};

size_t list_count(const phs_result *res, size_t p, int which)
{
    return lists[which].count(res, p);
}

const char *list_name(const phs_result *res, size_t p, int which, size_t i)
{
    const char *s = lists[which].name(res, p, i);
    return s ? s : "";
}

const char *join_list(text *t, const phs_result *res, size_t p,
                      int which, const char *sep)
{
    size_t i, n = list_count(res, p, which);
    text_reset(t);
    for (i = 0; i < n; i++)
        if ((i && text_add(t, sep) < 0) ||
            text_add(t, list_name(res, p, which, i)) < 0)
            return "";
    return text_str(t);
}

void fmt_date(phs_date d, char buf[11])
{
    if (d == PHS_DATE_NONE)
        buf[0] = '\0';
    else
        phs_date_format(d, buf);
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

int today(phs_date *out)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm))
        return -1;
    return phs_date_make(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int as_of_date(const char *cmd, const char *text_in, phs_date *out)
{
    if (text_in) {
        if (phs_date_parse(out, text_in, strlen(text_in)) < 0)
            return usage_error(cmd, "--as-of '%s': expected a date "
                                    "YYYY-MM-DD",
                               text_in);
        return 0;
    }
    if (today(out) < 0) {
        err("cannot read today's date; give --as-of");
        return EXIT_USAGE;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Classifying one record                                              */
/* ------------------------------------------------------------------ */


static int render_json(job *j)
{
    phs_free(j->json);
    j->json = NULL;
    return phs_result_to_json(j->res, &j->json, NULL);
}

/* Classify j->rec into j->res, defaulting visit_date to the as-of date.
 * Leaves the JSON rendering in j->json when want_json.  Returns the
 * library status. */
int classify_one(job *j, int want_json)
{
    int rc;
    j->defaulted = 0;
    phs_free(j->json);
    j->json = NULL;
    if (j->f_visit >= 0 && phs_record_has(j->rec, j->f_visit) == 0) {
        rc = phs_record_set_date(j->rec, j->f_visit, j->as_of);
        if (rc < 0)
            return rc;
        j->defaulted = 1;
    }
    rc = phs_classify(j->rs, j->rec, j->res);
    if (rc < 0)
        return rc;
    if (want_json)
        return render_json(j);
    return PHS_OK;
}

int job_init(job *j, const phs_ruleset *rs, phs_date as_of)
{
    memset(j, 0, sizeof *j);
    j->rs = rs;
    j->as_of = as_of;
    j->f_visit = phs_ruleset_field_id(rs, "visit_date");
    if (j->f_visit < 0 || phs_ruleset_field_type(rs, j->f_visit) !=
                              PHS_TYPE_DATE)
        j->f_visit = -1;
    if (phs_record_new(&j->rec, rs) < 0 || phs_result_new(&j->res, rs) < 0) {
        err("%s", last_message());
        return -1;
    }
    return 0;
}

void job_free(job *j)
{
    phs_free(j->json);
    phs_result_free(j->res);
    phs_record_free(j->rec);
    memset(j, 0, sizeof *j);
}

/* ------------------------------------------------------------------ */
/* Progress bar                                                        */
/* ------------------------------------------------------------------ */


static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(progress *pg, const phs_reader *rd)
{
    (void)rd;
    memset(pg, 0, sizeof *pg);
    pg->on = isatty(STDERR_FILENO);
    pg->start = pg->on ? now_seconds() : 0;
    pg->last = pg->start;
}

void progress_tick(progress *pg, const phs_reader *rd, size_t nrec)
{
    size_t done, total, pct, k;
    double t;
    char bar[31];
    if (!pg->on || (++pg->count & 63) != 0)
        return;
    t = now_seconds();
    /* nothing for a run shorter than PROGRESS_AFTER seconds; then at most
     * ten redraws a second */
    if (t - pg->start < PROGRESS_AFTER || t - pg->last < 0.1)
        return;
    pg->last = t;
    phs_reader_progress(rd, &done, &total);
    if (!total) { /* standard input: no size, only the count */
        fprintf(stderr, "\r%zu records", nrec);
    } else {
        pct = done >= total ? 100
                            : (size_t)((double)done * 100.0 / (double)total);
        for (k = 0; k < 30; k++)
            bar[k] = k < pct * 30 / 100 ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %3zu%%  %zu records", bar, pct, nrec);
    }
    fflush(stderr);
    progress_shown = 1;
}

/* The setup classify and explain share: the as-of date, the rules, a
 * reader over the one input and the classification job.  Returns 0, or an
 * exit status with everything it opened released (the args stay the
 * caller's). */
int open_input(const char *cmd, const args *a, phs_ruleset **rs,
               phs_reader **rd, job *j)
{
    phs_date as_of;
    int rc = as_of_date(cmd, a->asof, &as_of);
    if (rc)
        return rc;
    if (load_rules(rs, a->rules, a) < 0)
        return EXIT_USAGE;
    if (phs_reader_open(rd, *rs, a->pos[0], PHS_FORMAT_AUTO) < 0) {
        err("%s", last_message());
        phs_ruleset_free(*rs);
        return EXIT_USAGE;
    }
    if (job_init(j, *rs, as_of) < 0) {
        job_free(j);
        phs_reader_free(*rd);
        phs_ruleset_free(*rs);
        return EXIT_USAGE;
    }
    return 0;
}

/* Print a report; the exit status is 1 when it holds errors.  No report
 * (the analysis failed): its error on stderr, exit status 2. */
int print_report(const phs_report *r, int json)
{
    if (!r) {
        err("%s", last_message());
        return EXIT_USAGE;
    }
    if (json) {
        fputs(phs_report_json(r), stdout);
        putchar('\n');
    } else {
        fputs(phs_report_text(r), stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        err("writing the output: %s", strerror(errno));
        return EXIT_USAGE;
    }
    return phs_report_errors(r) ? EXIT_RECORDS : 0;
}

/* ------------------------------------------------------------------ */
/* What a run did with its input                                       */
/* ------------------------------------------------------------------ */

void tally_error(tally *t, const char *id, size_t record)
{
    if (t->refused < FIRST_ERRORS)
        snprintf(t->first[t->refused], sizeof t->first[0],
                 "record %zu%s%.64s%s: %s", record, *id ? " (id " : "", id,
                 *id ? ")" : "", last_message());
    t->refused++;
}

int read_next(phs_reader *rd, phs_record *rec, size_t *nread)
{
    int rc = phs_reader_next(rd, rec);
    if (rc == PHS_EOF)
        return READ_END;
    if (rc == PHS_ESPEC && *nread == 0)
        return READ_NONE;
    ++*nread;
    if (rc == PHS_OK)
        return READ_RECORD;
    if (rc == PHS_ERECORD || rc == PHS_ELIMIT || rc == PHS_ENOMEM)
        return READ_REFUSED;
    return READ_BROKEN;
}

const char *input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "standard input" : path;
}

void tally_print(const tally *t, const char *input, const char *used)
{
    size_t i;
    err("%s: %zu record%s read, %zu %s, %zu refused%s", input, t->read,
        t->read == 1 ? "" : "s", t->used, used, t->refused,
        t->refused > FIRST_ERRORS ? "; the first errors:" : ":");
    for (i = 0; i < t->refused && i < FIRST_ERRORS; i++)
        fprintf(stderr, "  %s\n", t->first[i]);
}
