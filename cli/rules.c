/* phs check, test, fingerprint and version: the rule set itself. */
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
/* check, test, fingerprint, version                                   */
/* ------------------------------------------------------------------ */


/* A JSON array of the rule set's programs (for check --json). */
static void json_programs(const phs_ruleset *rs)
{
    size_t p, v, np = phs_ruleset_program_count(rs);
    char d[11];
    fputs("[", stdout);
    for (p = 0; p < np; p++) {
        fputs(p ? ",{\"program\":" : "{\"program\":", stdout);
        json_str(stdout, phs_ruleset_program_id(rs, p));
        fputs(",\"status\":", stdout);
        json_str(stdout, phs_ruleset_program_status(rs, p));
        fputs(",\"versions\":[", stdout);
        for (v = 0; v < phs_ruleset_version_count(rs, p); v++) {
            phs_date from, to;
            phs_ruleset_version_effective(rs, p, v, &from, &to);
            fputs(v ? ",{\"version\":" : "{\"version\":", stdout);
            json_str(stdout, phs_ruleset_version_name(rs, p, v));
            fputs(",\"fingerprint\":", stdout);
            json_str(stdout, phs_ruleset_version_fingerprint(rs, p, v));
            phs_date_format(from, d);
            printf(",\"effective\":{\"from\":\"%s\",\"to\":", d);
            if (to == PHS_DATE_NONE) {
                fputs("null", stdout);
            } else {
                phs_date_format(to, d);
                printf("\"%s\"", d);
            }
            fputs("}}", stdout);
        }
        fputs("]}", stdout);
    }
    fputs("]", stdout);
}

/* Print a load failure as JSON (check --json). */
static void json_error(void)
{
    const phs_error *e = phs_error_last();
    fputs("{\"ok\":false,\"error\":{\"message\":", stdout);
    json_str(stdout, last_message());
    fputs(",\"file\":", stdout);
    json_str(stdout, phs_error_file(e));
    printf(",\"line\":%d,\"column\":%d}}\n", phs_error_line(e),
           phs_error_column(e));
}

int cmd_check(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_report *r = NULL;
    int rc = rules_command(argc, argv, "check",
                           OPT_RULES | OPT_PARAM | OPT_JSON | OPT_STRICT,
                           help_check, &a);
    size_t n;
    if (rc >= 0)
        return rc;
    rc = load_rules(&rs, a.rules, &a); /* the message on stderr */
    if (rc < 0) {
        if (a.json) /* and as JSON */
            json_error();
        free_args(&a);
        /* a directory that cannot be read is exit status 2, as for every
         * command; rules with an error are what check is for: 1 */
        return rc == PHS_EIO ? EXIT_USAGE : EXIT_RECORDS;
    }
    /* a load leaves the examples unread: an unreadable one is an error of
     * the rules (running them reads them) */
    if (phs_ruleset_test(rs, NULL, NULL, NULL, NULL) < 0) {
        if (a.json)
            json_error();
        else
            err("%s", last_message());
        phs_ruleset_free(rs);
        free_args(&a);
        return EXIT_RECORDS;
    }
    n = phs_ruleset_program_count(rs);
    if (a.strict) {
        phs_ruleset_check_strict(rs, &r);
        rc = print_report(r, a.json); /* no report: the check's error */
        phs_report_free(r);
    } else if (a.json) {
        printf("{\"ok\":true,\"rules_fingerprint\":");
        json_str(stdout, phs_ruleset_fingerprint(rs));
        fputs(",\"programs\":", stdout);
        json_programs(rs);
        fputs("}\n", stdout);
    } else {
        printf("ok: %zu program%s, fingerprint %s\n", n, n == 1 ? "" : "s",
               phs_ruleset_fingerprint(rs));
    }
    phs_ruleset_free(rs);
    free_args(&a);
    return rc;
}

/* Print the examples of a test report (failing ones, or all with
 * verbose) as text lines or JSON array elements. */
static void print_examples(const phs_report *tr, int verbose, int json)
{
    int first = 1;
    for (size_t i = 0; i < phs_report_count(tr); i++) {
        int failed = phs_report_kind(tr, i) == PHS_FINDING_EXAMPLE_FAILED;
        const char *program = phs_report_program(tr, i);
        const char *id = phs_report_example_id(tr, i);
        if (!failed && !verbose)
            continue;
        if (!json) {
            if (failed)
                printf("FAIL %s/%s: %s\n", program, id ? id : "?",
                       phs_report_message(tr, i));
            else
                printf("ok   %s/%s\n", program, id ? id : "?");
            continue;
        }
        fputs(first ? "{\"program\":" : ",{\"program\":", stdout);
        first = 0;
        json_str(stdout, program);
        fputs(",\"version\":", stdout);
        json_str(stdout, phs_report_version(tr, i));
        fputs(",\"example\":", stdout);
        json_str(stdout, id);
        fputs(failed ? ",\"ok\":false,\"failure\":" : ",\"ok\":true,\"failure\":",
              stdout);
        json_str(stdout, failed ? phs_report_message(tr, i) : NULL);
        fputs("}", stdout);
    }
}

int cmd_test(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_report *tr = NULL, *cov = NULL;
    phs_analysis_options o = PHS_ANALYSIS_OPTIONS_INIT;
    int rc = rules_command(argc, argv, "test",
                           OPT_RULES | OPT_PARAM | OPT_VERBOSE | OPT_JSON |
                               OPT_COVERAGE | OPT_PROGRAM,
                           help_test, &a);
    if (rc >= 0)
        return rc;
    if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_USAGE;
    }
    o.program = a.program;
    if (phs_ruleset_test_report(rs, &o, &tr) < 0 ||
        (a.coverage && phs_ruleset_coverage(rs, &o, &cov) < 0)) {
        err("%s", last_message());
        phs_report_free(tr);
        phs_ruleset_free(rs);
        free_args(&a);
        return EXIT_USAGE;
    }
    double passed = phs_report_total(tr, PHS_TOTAL_PASSED);
    double failed = phs_report_total(tr, PHS_TOTAL_FAILED);
    int ok = failed == 0 && !(cov && phs_report_errors(cov));
    if (a.json) {
        fputs("{\"examples\":[", stdout);
        print_examples(tr, a.verbose, 1);
        printf("],\"passed\":%.0f,\"failed\":%.0f", passed, failed);
        if (cov)
            printf(",\"coverage\":%s", phs_report_json(cov));
        printf(",\"ok\":%s}\n", ok ? "true" : "false");
    } else {
        print_examples(tr, a.verbose, 0);
        printf("%.0f passed, %.0f failed\n", passed, failed);
        if (cov)
            fputs(phs_report_text(cov), stdout);
    }
    rc = ok ? 0 : EXIT_RECORDS;
    phs_report_free(cov);
    phs_report_free(tr);
    phs_ruleset_free(rs);
    free_args(&a);
    if (fflush(stdout) != 0)
        return EXIT_USAGE;
    return rc;
}

int cmd_fingerprint(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    int rc = rules_command(argc, argv, "fingerprint",
                           OPT_RULES | OPT_PARAM | OPT_JSON, help_fingerprint,
                           &a);
    if (rc >= 0)
        return rc;
    if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_USAGE;
    }
    if (a.json) {
        fputs("{\"rules_fingerprint\":", stdout);
        json_str(stdout, phs_ruleset_fingerprint(rs));
        fputs(",\"programs\":", stdout);
        json_programs(rs);
        fputs("}\n", stdout);
    } else {
        printf("%s\n", phs_ruleset_fingerprint(rs));
    }
    phs_ruleset_free(rs);
    free_args(&a);
    return 0;
}

int cmd_version(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, 2, "version", OPT_JSON, 0, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_version, stdout);
        free_args(&a);
        return rc;
    }
    if (a.json)
        printf("{\"phs\":\"%s\",\"libphs\":\"%s\"}\n", PHS_VERSION,
               phs_version());
    else
        printf("phs %s (libphs %s)\n", PHS_VERSION, phs_version());
    free_args(&a);
    if (phs_version_number() != PHS_VERSION_NUMBER)
        err("warning: built with libphs %s headers but running with %s",
            PHS_VERSION, phs_version());
    return 0;
}

