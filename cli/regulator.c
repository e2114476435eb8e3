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

const char help_verify[] =
    "NAME\n"
    "    phs verify - prove that rule sets decide every resident\n"
    "\n"
    "SYNOPSIS\n"
    "    phs verify [--json] [--program ID] [--as-of YYYY-MM-DD]\n"
    "               [--max-cells N] [--seed S] [--param PROGRAM.NAME=VALUE]...\n"
    "               [RULES]\n"
    "\n"
    "DESCRIPTION\n"
    "    For every program (and every loaded version of it), splits the\n"
    "    typed input space of the fields its conditions read into cells:\n"
    "    each number is split at every constant the rules compare it with\n"
    "    (the constant itself is a cell, and so is each interval between\n"
    "    two), booleans, enums and code lists are enumerated, and absence\n"
    "    is a cell of its own for fields that are unknown when absent.\n"
    "    Derived values compared with constants (age_years, bmi) are\n"
    "    variables of their own, realised by inputs found by a search.\n"
    "    Each cell becomes a concrete resident that the classifier decides.\n"
    "\n"
    "    It reports: gaps (eligible residents no tier decides, with the\n"
    "    regions of the input space and a counterexample resident), dead\n"
    "    tiers (never reached: shadowed by an earlier tier, with a resident\n"
    "    whose tier condition holds but who is taken first), flags that\n"
    "    never fire, the regions decided insufficient_data, and every\n"
    "    condition outside the exactly decided fragment (regular\n"
    "    expressions, arithmetic on several fields, comparisons of two\n"
    "    fields, ...), for which the check samples instead of proving.\n"
    "    When a space has more cells than --max-cells, a sample drawn with\n"
    "    --seed is checked and the output says so.\n"
    "\n"
    "    Every counterexample is one JSON object: save it to a file and run\n"
    "    `phs explain FILE` to see the decision.  docs/regulator.md\n"
    "    describes the method and its approximations.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR       the same as giving RULES\n"
    "    --program ID      verify this program only\n"
    "    --as-of DATE      visit date of the checked cells, moved into each\n"
    "                      version's effective range (default: today)\n"
    "    --max-cells N     cells checked exhaustively per analysis before\n"
    "                      sampling (default 2000000)\n"
    "    --seed S          seed of the sample (default 1)\n"
    "    --param P.N=V     verify under a parameter override; repeatable\n"
    "    --json            print the report as one JSON object\n"
    "    -h, --help        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  no gap, no dead tier, no dead flag\n"
    "    1  a gap, a dead tier or a flag that never fires\n"
    "    2  bad usage, or rules that cannot be loaded\n";

const char help_diff[] =
    "NAME\n"
    "    phs diff - what changes between two rule versions, and for whom\n"
    "\n"
    "SYNOPSIS\n"
    "    phs diff [--json] [--population FILE] [--program ID]\n"
    "             [--as-of YYYY-MM-DD] [--max-examples N] [--max-cells N]\n"
    "             [--seed S] [--param P.N=V]... [--param-old P.N=V]...\n"
    "             [--param-new P.N=V]... OLD [NEW]\n"
    "\n"
    "DESCRIPTION\n"
    "    Compares the rule directories OLD and NEW program by program.  With\n"
    "    one directory, NEW is OLD again: give --param-old and --param-new\n"
    "    to compare one rule set under two parameter settings, e.g.\n"
    "        phs diff --param-new hypertension.bp_target_profile=\\\n"
    "            guideline_2025 --population examples/residents.csv rules\n"
    "\n"
    "    It first lists the parameters whose value differs and the rules\n"
    "    whose condition, follow-up or place in the tier order changed.\n"
    "\n"
    "    With --population FILE (read as by classify, with OLD's field\n"
    "    dictionary) every resident is classified under both and, per\n"
    "    program, it prints the transition matrix (rows: old outcome,\n"
    "    columns: new outcome; outcomes are tier ids, not_enrolled,\n"
    "    insufficient_data and unclassified), each changed cell with\n"
    "    example resident ids, the rules whose condition changed value for\n"
    "    those residents (old -> new truth) and the clauses those rules\n"
    "    cite, the shift of next due dates (earlier or later, by how many\n"
    "    days) and the flags raised or no longer raised.\n"
    "\n"
    "    Without a population it compares the two over the cell\n"
    "    decomposition of phs verify (cells of the union of both versions'\n"
    "    thresholds) and prints the regions of the input space whose\n"
    "    outcome changes, e.g. \"age_years < 65, 130 <= sbp < 140:\n"
    "    controlled -> uncontrolled\", each with an example resident.\n"
    "\n"
    "OPTIONS\n"
    "    --population FILE  residents to compare (CSV, NDJSON, JSON/YAML)\n"
    "    --program ID       compare this program only\n"
    "    --as-of DATE       visit date of residents without one, and of the\n"
    "                       compared cells (default: today)\n"
    "    --max-examples N   example ids per changed cell (default 5)\n"
    "    --max-cells N      cells compared before sampling (default 2000000)\n"
    "    --seed S           seed of the sample (default 1)\n"
    "    --param P.N=V      override a parameter in both; repeatable\n"
    "    --param-old P.N=V  override a parameter in OLD only; repeatable\n"
    "    --param-new P.N=V  override a parameter in NEW only; repeatable\n"
    "    --json             print the report as one JSON object\n"
    "    -h, --help         show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  no outcome differs\n"
    "    1  some outcome differs\n"
    "    2  bad usage, rules that cannot be loaded, unreadable population\n";

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
    int rc = parse_args(argc, argv, 2, "verify",
                        OPT_RULES | OPT_PARAM | OPT_JSON | OPT_PROGRAM |
                            OPT_CELLS | OPT_ASOF,
                        1, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_verify, stdout);
        free_args(&a);
        return rc;
    }
    if ((rc = rules_operand("verify", &a)) != 0 ||
        (rc = analysis_opts("verify", &a, &o)) != 0) {
        free_args(&a);
        return rc;
    }
    if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_USAGE;
    }
    if (phs_ruleset_verify(rs, &o, &r) < 0) {
        err("%s", last_message());
        phs_ruleset_free(rs);
        free_args(&a);
        return EXIT_USAGE;
    }
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
    if (phs_ruleset_diff(ro, rn, a.population, &o, &r) < 0) {
        err("%s", last_message());
        phs_ruleset_free(ro);
        phs_ruleset_free(rn);
        free_args(&a);
        return EXIT_USAGE;
    }
    rc = print_report(r, a.json);
    if (rc == 0 && phs_report_total(r, PHS_TOTAL_CHANGED) > 0)
        rc = EXIT_RECORDS;
    phs_report_free(r);
    phs_ruleset_free(ro);
    phs_ruleset_free(rn);
    free_args(&a);
    return rc;
}

