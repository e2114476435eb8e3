/* phs verify and diff: the regulator analyses. */
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
/* Regulator tooling: verify, diff, test --coverage, check --strict     */
/* ------------------------------------------------------------------ */

/* Fill analysis options from the arguments; 0 or an exit status. */
static int analysis_opts(const char *cmd, const args *a,
                         phs_analysis_options *o)
{
    char *end;
    phs_analysis_options d = PHS_ANALYSIS_OPTIONS_INIT;
    *o = d;
    o->program = a->program;
    int rc = as_of_date(cmd, a->asof, &o->as_of);
    if (rc)
        return rc;
    if (a->max_cells) {
        errno = 0;
        unsigned long long v = strtoull(a->max_cells, &end, 10);
        if (*end || errno || v < 1)
            return usage_error(cmd, "--max-cells '%s': expected a positive "
                                    "number", a->max_cells);
        o->max_cells = (size_t)v;
    }
    if (a->seed) {
        errno = 0;
        unsigned long long v = strtoull(a->seed, &end, 10);
        if (*end || errno)
            return usage_error(cmd, "--seed '%s': expected a number", a->seed);
        o->seed = v ? v : 1;
    }
    if (a->max_examples) {
        errno = 0;
        unsigned long long v = strtoull(a->max_examples, &end, 10);
        if (*end || errno || v < 1 || v > 1000)
            return usage_error(cmd, "--max-examples '%s': expected 1 to 1000",
                               a->max_examples);
        o->max_examples = (size_t)v;
    }
    return 0;
}


int cmd_verify(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_report *r = NULL;
    phs_analysis_options o;
    int rc = rules_command(argc, argv, "verify",
                           OPT_RULES | OPT_PARAM | OPT_JSON | OPT_PROGRAM |
                               OPT_CELLS | OPT_ASOF,
                           help_verify, &a);
    if (rc >= 0)
        return rc;
    if ((rc = analysis_opts("verify", &a, &o)) != 0) {
        free_args(&a);
        return rc;
    }
    if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_USAGE;
    }
    phs_ruleset_verify(rs, &o, &r); /* no report: print_report says why */
    rc = print_report(r, a.json);
    phs_report_free(r);
    phs_ruleset_free(rs);
    free_args(&a);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    args a;
    phs_ruleset *ro = NULL, *rn = NULL;
    phs_report *r = NULL;
    phs_analysis_options o;
    int rc = parse_args(argc, argv, 2, "diff",
                        OPT_PARAM | OPT_PARAM2 | OPT_JSON | OPT_PROGRAM |
                            OPT_CELLS | OPT_ASOF | OPT_POP,
                        2, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_diff, stdout);
        free_args(&a);
        return rc;
    }
    if (a.npos < 1) {
        free_args(&a);
        return usage_error("diff", "give the OLD rule directory (and NEW)");
    }
    if ((rc = analysis_opts("diff", &a, &o)) != 0) {
        free_args(&a);
        return rc;
    }
    if (load_rules_lists(&ro, a.pos[0], a.params, a.nparams, a.params_old,
                         a.nparams_old) < 0 ||
        load_rules_lists(&rn, a.npos > 1 ? a.pos[1] : a.pos[0], a.params,
                         a.nparams, a.params_new, a.nparams_new) < 0) {
        phs_ruleset_free(ro);
        free_args(&a);
        return EXIT_USAGE;
    }
    phs_ruleset_diff(ro, rn, a.population, &o, &r);
    rc = print_report(r, a.json); /* no report: the diff's error */
    if (rc == 0 && phs_report_total(r, PHS_TOTAL_CHANGED) > 0)
        rc = EXIT_RECORDS;
    phs_report_free(r);
    phs_ruleset_free(ro);
    phs_ruleset_free(rn);
    free_args(&a);
    return rc;
}

