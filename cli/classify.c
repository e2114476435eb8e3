/* phs classify: residents in, one result per resident out. */
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
/* classify                                                            */
/* ------------------------------------------------------------------ */

enum { FMT_NDJSON, FMT_CSV, FMT_TABLE };

static void table_header(void)
{
    printf("%-12s %-13s %-8s %-18s %5s  %-10s  %-8s  %-24s %s\n", "ID",
           "PROGRAM", "ENROLLED", "TIER", "LEVEL", "NEXT DUE", "REFERRAL",
           "FLAGS", "MISSING");
}

static const char *yes_no(int v)
{
    return v < 0 ? "?" : v ? "yes" : "no";
}

static void print_result(int fmt, const job *j, text *t1, text *t2)
{
    const phs_result *res = j->res;
    size_t p, np = phs_ruleset_program_count(j->rs);
    const char *id = phs_result_id(res);
    char due[11];

    if (fmt == FMT_NDJSON) {
        fputs(j->json ? j->json : "{}", stdout);
        putchar('\n');
        return;
    }
    for (p = 0; p < np; p++) {
        const char *tier = phs_result_tier(res, p);
        int enrolled = phs_result_enrolled(res, p);
        fmt_date(phs_result_next_due(res, p), due);
        if (fmt == FMT_CSV) {
            csv_cell(stdout, id);
            putchar(',');
            csv_cell(stdout, phs_ruleset_program_id(j->rs, p));
            printf(",%s,", enrolled < 0 ? "" : enrolled ? "true" : "false");
            csv_cell(stdout, tier);
            printf(",%d,%s,%s,", phs_result_level(res, p), due,
                   phs_result_referral(res, p) ? "true" : "false");
            csv_cell(stdout, join_list(t1, res, p, LIST_FLAGS, ";"));
            putchar(',');
            csv_cell(stdout, join_list(t2, res, p, LIST_MISSING, ";"));
            fputs(",\n", stdout);
        } else {
            const char *flags = join_list(t1, res, p, LIST_FLAGS, ",");
            const char *missing = join_list(t2, res, p, LIST_MISSING, ",");
            char level[16];
            if (tier && phs_result_outcome(res, p) == PHS_TIERED)
                snprintf(level, sizeof level, "%d", phs_result_level(res, p));
            else
                snprintf(level, sizeof level, "-");
            printf("%-12s %-13s %-8s %-18s %5s  %-10s  %-8s  %-24s %s\n",
                   p == 0 ? (*id ? id : "-") : "",
                   phs_ruleset_program_id(j->rs, p), yes_no(enrolled),
                   tier ? tier : "-", level, *due ? due : "-",
                   tier && phs_result_outcome(res, p) == PHS_TIERED
                       ? yes_no(phs_result_referral(res, p))
                       : "-",
                   *flags ? flags : "-", *missing ? missing : "-");
        }
    }
}

/* Report a record that could not be read or classified. */
static void print_record_error(int fmt, const char *id, size_t record)
{
    const phs_error *e = phs_error_last();
    const char *field = phs_error_field(e);
    const char *msg = last_message();

    if (fmt == FMT_NDJSON) {
        fputs("{\"id\":", stdout);
        json_str(stdout, *id ? id : NULL);
        fputs(",\"error\":{\"field\":", stdout);
        json_str(stdout, field);
        fputs(",\"message\":", stdout);
        json_str(stdout, msg);
        printf(",\"record\":%zu}}\n", record);
        return;
    }
    if (fmt == FMT_CSV) {
        csv_cell(stdout, id);
        fputs(",,,,,,,,", stdout);
        putchar(',');
        {
            char buf[1200];
            snprintf(buf, sizeof buf, "record %zu%s%s%s: %s", record,
                     field ? " (field " : "", field ? field : "",
                     field ? ")" : "", msg);
            csv_cell(stdout, buf);
        }
        putchar('\n');
    } else {
        printf("%-12s ERROR record %zu%s%s: %s\n", *id ? id : "-", record,
               field ? ", field " : "", field ? field : "", msg);
    }
}

int cmd_classify(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    job j;
    progress pg;
    text t1 = {0}, t2 = {0};
    tally tl = {0};
    int fmt = FMT_NDJSON, rc, status = 0;

    rc = input_command(argc, argv, "classify",
                       OPT_RULES | OPT_ASOF | OPT_FORMAT | OPT_PARAM | OPT_JSON,
                       help_classify, &a);
    if (rc != -1)
        return rc;
    if (a.json && a.format && strcmp(a.format, "ndjson") != 0) {
        free_args(&a);
        return usage_error("classify", "--json is --format ndjson");
    }
    if (a.format) {
        if (strcmp(a.format, "ndjson") == 0)
            fmt = FMT_NDJSON;
        else if (strcmp(a.format, "csv") == 0)
            fmt = FMT_CSV;
        else if (strcmp(a.format, "table") == 0)
            fmt = FMT_TABLE;
        else {
            free_args(&a);
            return usage_error("classify", "--format '%s': expected ndjson, "
                                           "csv or table",
                               a.format);
        }
    }
    rc = open_input("classify", &a, &rs, &rd, &j);
    if (rc) {
        free_args(&a);
        return rc;
    }
    if (fmt == FMT_CSV)
        puts("id,program,enrolled,tier,level,next_due,referral,flags,missing,"
             "error");
    else if (fmt == FMT_TABLE)
        table_header();
    progress_start(&pg, rd);

    for (;;) {
        progress_tick(&pg, rd, tl.read);
        int got = read_next(rd, j.rec, &tl.read);
        if (got == READ_END)
            break;
        if (got == READ_NONE) { /* one message, no output */
            progress_clear();
            err("%s", last_message());
            status = EXIT_USAGE;
            break;
        }
        if (got != READ_RECORD) {
            const char *id = got == READ_REFUSED ? phs_reader_record_id(rd) : "";
            print_record_error(fmt, id, phs_reader_record_number(rd));
            tally_error(&tl, id, phs_reader_record_number(rd));
            if (got == READ_REFUSED)
                continue;
            break;
        }
        rc = classify_one(&j, fmt == FMT_NDJSON);
        if (rc < 0) {
            print_record_error(fmt, phs_record_id(j.rec),
                               phs_reader_record_number(rd));
            tally_error(&tl, phs_record_id(j.rec),
                        phs_reader_record_number(rd));
            continue;
        }
        tl.used++;
        print_result(fmt, &j, &t1, &t2);
    }
    progress_clear();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        err("writing the output: %s", strerror(errno));
        status = EXIT_USAGE;
    } else if (status == 0 && tl.read == 0) {
        err("%s holds no records", input_name(a.pos[0]));
        status = EXIT_RECORDS;
    } else if (tl.refused) {
        tally_print(&tl, input_name(a.pos[0]), "classified");
        status = EXIT_RECORDS;
    }
    free(t1.p);
    free(t2.p);
    job_free(&j);
    phs_reader_free(rd);
    phs_ruleset_free(rs);
    free_args(&a);
    return status;
}

