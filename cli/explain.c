/* phs explain: one resident, human readable, with the rules and clauses. */
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
/* explain                                                             */
/* ------------------------------------------------------------------ */

/* `head`, then list `which` of program p joined by ", " and followed by
 * `tail`, or "none" when it is empty. */
static void print_list(const char *head, const phs_result *res, size_t p,
                       int which, const char *tail)
{
    size_t i, n = list_count(res, p, which);
    fputs(head, stdout);
    for (i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", list_name(res, p, which, i));
    printf("%s\n", n ? tail : "none");
}

static void explain_program(const job *j, size_t p)
{
    const phs_ruleset *rs = j->rs;
    const phs_result *res = j->res;
    const char *zh = phs_ruleset_program_title(rs, p, "zh");
    const char *en = phs_ruleset_program_title(rs, p, "en");
    const char *ver = phs_result_version_name(res, p);
    const char *st = phs_ruleset_program_status(rs, p);
    const char *tier = phs_result_tier(res, p);
    const char *code = phs_result_code(res, p);
    const char *ivl = phs_result_interval(res, p);
    int outcome = phs_result_outcome(res, p);
    int enrolled = phs_result_enrolled(res, p);
    size_t i, c, n;
    char due[11], early[11];

    printf("\n%s", phs_ruleset_program_id(rs, p));
    if (zh || en) {
        printf(" - %s", zh ? zh : en);
        if (zh && en)
            printf(" (%s)", en);
    }
    printf(" [spec %s, %s]\n", ver ? ver : "?", st ? st : "?");
    {
        int v = phs_result_version(res, p);
        phs_date from = PHS_DATE_NONE, to = PHS_DATE_NONE;
        char f[11] = "", t[11] = "open";
        if (v >= 0 && phs_ruleset_version_effective(rs, p, (size_t)v, &from,
                                                    &to) == PHS_OK) {
            phs_date_format(from, f);
            if (to != PHS_DATE_NONE)
                phs_date_format(to, t);
        }
        printf("  version:    %s, effective %s to %s%s\n",
               phs_result_version_fingerprint(res, p), f, t,
               phs_result_version_in_force(res, p)
                   ? ""
                   : " (NOT in force on the visit date: nearest version used)");
    }

    printf("  enrolled:   %s\n", enrolled < 0   ? "undecided (data missing)"
                                 : enrolled   ? "yes"
                                              : "no");
    switch (outcome) {
    case PHS_TIERED:
        printf("  tier:       %s (level %d", tier ? tier : "?",
               phs_result_level(res, p));
        if (code)
            printf(", national code %s", code);
        printf(")\n");
        break;
    case PHS_INSUFFICIENT_DATA:
        printf("  tier:       none: insufficient data\n");
        break;
    case PHS_UNCLASSIFIED:
        printf("  tier:       none: no tier's condition held (a gap in the "
               "rules)\n");
        break;
    default:
        break;
    }
    if (outcome == PHS_TIERED) {
        fmt_date(phs_result_next_due(res, p), due);
        fmt_date(phs_result_earliest(res, p), early);
        if (*due) {
            printf("  next due:   %s", due);
            if (ivl)
                printf(" (interval %s", ivl);
            if (*early && strcmp(early, due) != 0)
                printf("%searliest %s", ivl ? "; " : " (", early);
            if (ivl || (*early && strcmp(early, due) != 0))
                printf(")");
            printf("\n");
        } else if (ivl) {
            printf("  next due:   unknown (interval %s)\n", ivl);
        } else {
            printf("  next due:   none\n");
        }
        printf("  referral:   %s\n",
               phs_result_referral(res, p) ? "yes" : "no");
        print_list("  actions:    ", res, p, LIST_ACTIONS, "");
    }
    print_list("  flags:      ", res, p, LIST_FLAGS, "");
    if (list_count(res, p, LIST_UNDECIDED))
        print_list("  undecided:  ", res, p, LIST_UNDECIDED,
                   " (data missing)");
    print_list("  missing:    ", res, p, LIST_MISSING, "");
    n = phs_result_reason_count(res, p);
    if (n) {
        printf("  because:\n");
        for (i = 0; i < n; i++) {
            size_t nc = phs_result_reason_cite_count(res, p, i);
            printf("    %s", phs_result_reason(res, p, i));
            if (nc) {
                printf("  cites ");
                for (c = 0; c < nc; c++)
                    printf("%s%s", c ? ", " : "",
                           phs_result_reason_cite(res, p, i, c));
            }
            printf("\n");
        }
    }
}

static void explain_result(const job *j)
{
    size_t i, p, np = phs_ruleset_program_count(j->rs);
    size_t nplan = phs_result_plan_count(j->res);
    const char *id = phs_result_id(j->res);
    char d[11];

    printf("resident:     %s\n", *id ? id : "(no id)");
    if (j->defaulted) {
        phs_date_format(j->as_of, d);
        printf("visit date:   %s (not in the record; --as-of)\n", d);
    }
    printf("rules:        %s\n", phs_ruleset_fingerprint(j->rs));
    for (p = 0; p < np; p++)
        explain_program(j, p);
    printf("\nfollow-up plan:");
    if (!nplan)
        printf(" none\n");
    else
        printf("\n");
    for (i = 0; i < nplan; i++) {
        int first = 1;
        phs_date_format(phs_result_plan_date(j->res, i), d);
        printf("  %s  ", d);
        for (p = 0; p < np; p++)
            if (phs_result_plan_serves(j->res, i, p)) {
                printf("%s%s", first ? "" : ", ",
                       phs_ruleset_program_id(j->rs, p));
                first = 0;
            }
        printf("\n");
    }
}

int cmd_explain(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    job j;
    int rc, status = EXIT_RECORDS, found = 0;
    size_t nread = 0; /* records read, well or badly */
    int got = READ_END;

    rc = input_command(argc, argv, "explain",
                       OPT_RULES | OPT_ASOF | OPT_PARAM | OPT_ID | OPT_JSON,
                       help_explain, &a);
    if (rc != -1)
        return rc;
    rc = open_input("explain", &a, &rs, &rd, &j);
    if (rc) {
        free_args(&a);
        return rc;
    }
    for (;;) {
        const char *rid;
        got = read_next(rd, j.rec, &nread);
        if (got == READ_END)
            break;
        rid = phs_reader_record_id(rd);
        if (got == READ_REFUSED) {
            if (!a.id || strcmp(rid, a.id) == 0) {
                found = 1;
                err("record %zu%s%s%s: %s", phs_reader_record_number(rd),
                    *rid ? " (id " : "", rid, *rid ? ")" : "",
                    last_message());
                break;
            }
            continue;
        }
        if (got != READ_RECORD) {
            err("%s", last_message());
            /* nothing could be read (a bad CSV header): unreadable input,
             * as for classify */
            if (got == READ_NONE)
                status = EXIT_USAGE;
            break;
        }
        if (a.id && strcmp(phs_record_id(j.rec), a.id) != 0)
            continue;
        found = 1;
        rc = classify_one(&j, a.json);
        if (rc < 0) {
            rid = phs_record_id(j.rec);
            err("record %zu%s%s%s: %s", phs_reader_record_number(rd),
                *rid ? " (id " : "", rid, *rid ? ")" : "", last_message());
            break;
        }
        if (a.json)
            printf("%s\n", j.json ? j.json : "{}");
        else
            explain_result(&j);
        status = 0;
        break;
    }
    if (!found && got == READ_END) {
        if (a.id)
            err("no resident with id '%s' in %s", a.id, a.pos[0]);
        else
            err("no resident in %s", a.pos[0]);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        err("writing the output: %s", strerror(errno));
        status = EXIT_USAGE;
    }
    job_free(&j);
    phs_reader_free(rd);
    phs_ruleset_free(rs);
    free_args(&a);
    return status;
}

