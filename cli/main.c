/* phs: the libphs command.  Dispatches to one file per command (cli.h);
 * uses only the public API (phs/phs.h, phs/analysis.h) and the C/POSIX
 * library. */
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

static const char help_main[] =
    "NAME\n"
    "    phs - classify residents under China's basic public health service "
    "rules\n"
    "\n"
    "SYNOPSIS\n"
    "    phs classify [--rules DIR] [--as-of DATE] [--format FMT]\n"
    "                 [--param PROGRAM.NAME=VALUE]... FILE|-\n"
    "    phs explain [--rules DIR] [--as-of DATE] [--id ID]\n"
    "                [--param PROGRAM.NAME=VALUE]... FILE|-\n"
    "    phs check [--strict] [--param PROGRAM.NAME=VALUE]... [RULES]\n"
    "    phs test [--verbose] [--coverage] [--param PROGRAM.NAME=VALUE]...\n"
    "             [RULES]\n"
    "    phs verify [--program ID] [--max-cells N] [--seed S] [RULES]\n"
    "    phs diff [--population FILE] [--param-old P.N=V]...\n"
    "             [--param-new P.N=V]... OLD [NEW]\n"
    "    phs report --period PERIOD [--rules DIR] [--format html|csv|json]\n"
    "               [--param PROGRAM.NAME=VALUE]... FILE|-\n"
    "    phs fingerprint [--param PROGRAM.NAME=VALUE]... [RULES]\n"
    "    phs version\n"
    "    phs COMMAND --help\n"
    "\n"
    "DESCRIPTION\n"
    "    phs applies the rule specifications of libphs (one YAML file per\n"
    "    program plus the field dictionary fields.yaml) to resident records\n"
    "    and says, per program, whether the resident is enrolled, in which\n"
    "    management tier, when the next follow-up is due, and why.\n"
    "\n"
    "COMMANDS\n"
    "    classify     classify every resident of FILE (NDJSON, a JSON or\n"
    "                 YAML array, or CSV) and print one result per resident\n"
    "    explain      explain one resident's result in plain words, with\n"
    "                 the rules that fired and the clauses they cite\n"
    "    check        load a rule directory and report the first error;\n"
    "                 --strict: the checks a regulator runs before sign-off\n"
    "    test         run the examples embedded in the rule files;\n"
    "                 --coverage: what the examples exercise\n"
    "    verify       prove that every eligible resident reaches a tier, that\n"
    "                 no tier is shadowed and that every flag can fire\n"
    "    diff         what changes between two rule versions, and for whom\n"
    "    report       performance indicators of visit histories over a\n"
    "                 period (HTML page, CSV or JSON)\n"
    "    fingerprint  print the rule set's fingerprint\n"
    "    version      print the program and library versions\n"
    "\n"
    "    Without --rules or RULES, the rules installed with the library are\n"
    "    used (the environment variable PHS_RULES_DIR overrides them).\n"
    "    Every command takes --help, and --json for output as JSON\n"
    "    (classify writes JSON by default).  docs/regulator.md describes\n"
    "    verify, diff, test --coverage and check --strict.\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success\n"
    "    1  a record could not be read or classified (classify, explain),\n"
    "       the rules have an error (check), an example failed (test),\n"
    "       verify found a gap, dead tier or dead flag, diff found a change\n"
    "    2  bad usage, rules that cannot be loaded, or unreadable input\n";

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"classify", cmd_classify, help_classify},
    {"explain", cmd_explain, help_explain},
    {"check", cmd_check, help_check},
    {"test", cmd_test, help_test},
    {"fingerprint", cmd_fingerprint, help_fingerprint},
    {"verify", cmd_verify, help_verify},
    {"diff", cmd_diff, help_diff},
    {"report", cmd_report, help_report},
    {"version", cmd_version, help_version},
};

int main(int argc, char **argv)
{
    size_t i;
    const char *cmd;

    if (argc < 2) {
        fputs("phs: no command given\n"
              "Usage: phs classify|explain|check|test|verify|diff|report|"
              "fingerprint|"
              "version "
              "...\n"
              "Try 'phs --help'.\n",
              stderr);
        return EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(help_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(help_main, stdout);
            return 0;
        }
        for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                fputs(commands[i].help, stdout);
                return 0;
            }
        return usage_error(NULL, "no command '%s'", argv[2]);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
        return cmd_version(1, argv);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc, argv);
    return usage_error(NULL, "unknown command '%s'", cmd);
}

