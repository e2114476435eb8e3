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

