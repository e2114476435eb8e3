/*
 * The shared layer of the phs command: messages, argument parsing, loading
 * rules, output helpers, dates, classifying one record and the progress
 * bar.  Each command lives in a file of its own and uses only this and the
 * public API.
 */
#ifndef PHS_CLI_H
#define PHS_CLI_H

#include <stdio.h>

#include "phs/analysis.h"

#define EXIT_RECORDS 1 /* some record failed; check found an error */
#define EXIT_USAGE 2   /* bad usage, rules that do not load, no input */

enum {
    OPT_RULES = 1,
    OPT_ASOF = 2,
    OPT_FORMAT = 4,
    OPT_PARAM = 8,
    OPT_ID = 16,
    OPT_VERBOSE = 32,
    OPT_JSON = 64,
    OPT_PROGRAM = 128,
    OPT_CELLS = 256,     /* --max-cells, --seed */
    OPT_POP = 512,       /* --population, --max-examples */
    OPT_COVERAGE = 1024,
    OPT_STRICT = 2048,
    OPT_PARAM2 = 4096    /* --param-old, --param-new */
};

typedef struct args {
    const char *rules, *asof, *format, *id;
    const char **params;
    size_t nparams;
    const char **params_old, **params_new;
    size_t nparams_old, nparams_new;
    const char *pos[2];
    size_t npos;
    int verbose;
    int help;
    int json, coverage, strict;
    const char *program, *max_cells, *seed, *population, *max_examples;
} args;

typedef struct text {
    char *p;
    size_t len, cap;
} text;

typedef struct job {
    const phs_ruleset *rs;
    phs_record *rec;
    phs_result *res;
    int f_visit;     /* visit_date field id, or -1 */
    phs_date as_of;
    char *json;      /* the result as JSON, when rendered */
    int defaulted;   /* visit_date was taken from --as-of */
} job;

typedef struct progress {
    int on;             /* standard error is a terminal */
    double start, last; /* when the run started, when last drawn */
    size_t count;
} progress;

#define PROGRESS_AFTER 2.0 /* seconds before a progress line appears */

extern int progress_shown; /* a progress bar is on the terminal */

/* Messages: errors go to stderr, prefixed "phs: " (clearing a progress
* bar first); usage_error also names the command and returns EXIT_USAGE. */
void progress_clear(void);
void err(const char *fmt, ...);
const char *last_message(void);
int usage_error(const char *cmd, const char *fmt, ...);
/* Arguments: the options `allowed` (OPT_* bits) and at most maxpos
 * operands; --help sets a->help.  Returns 0 or an exit status. */
int parse_args(int argc, char **argv, int first, const char *cmd,
               unsigned allowed, size_t maxpos, args *a);
void free_args(args *a);
/* The start of a command: parse the arguments (`allowed`, at most maxpos
 * operands), print `help` when asked.  Returns -1 to go on, else the exit
 * status to return (the args freed).  rules_command, for a command on one
 * rule directory (check, test, fingerprint, verify), also takes the RULES
 * operand; input_command, for one on an input FILE (classify, explain),
 * requires it. */
int command_start(int argc, char **argv, const char *cmd, unsigned allowed,
                  size_t maxpos, const char *help, args *a);
int rules_command(int argc, char **argv, const char *cmd, unsigned allowed,
                  const char *help, args *a);
int input_command(int argc, char **argv, const char *cmd, unsigned allowed,
                  const char *help, args *a);
int load_rules(phs_ruleset **out, const char *dir, const args *a);
/* Output helpers: JSON strings, CSV cells, a reusable text buffer, the
 * result's lists of names (LIST_*: count, item i, all of them joined by
 * sep), dates (empty for PHS_DATE_NONE). */
enum { LIST_FLAGS, LIST_MISSING, LIST_ACTIONS, LIST_UNDECIDED };
void json_str(FILE *f, const char *s);
void csv_cell(FILE *f, const char *s);
void text_reset(text *t);
int text_add(text *t, const char *s);
const char *text_str(const text *t);
size_t list_count(const phs_result *res, size_t p, int which);
const char *list_name(const phs_result *res, size_t p, int which, size_t i);
const char *join_list(text *t, const phs_result *res, size_t p,
                      int which, const char *sep);
void fmt_date(phs_date d, char buf[11]);
/* Dates: today (local calendar) and the --as-of operand. */
int today(phs_date *out);
int as_of_date(const char *cmd, const char *text_in, phs_date *out);
/* Classifying one record: visit_date defaults to the as-of date. */
int classify_one(job *j, int want_json);
int job_init(job *j, const phs_ruleset *rs, phs_date as_of);
void job_free(job *j);
/* A progress line on stderr when it is a terminal and the run has taken
 * more than PROGRESS_AFTER seconds (a bar when the input's size is known,
 * else the count of records). */
void progress_start(progress *pg, const phs_reader *rd);
void progress_tick(progress *pg, const phs_reader *rd, size_t nrec);

/* Load the rules of dir with two lists of --param overrides. */
int load_rules_lists(phs_ruleset **out, const char *dir,
                     const char *const *l1, size_t n1,
                     const char *const *l2, size_t n2);
/* Load the rules and open the input operand of classify/explain, with a
 * job ready to classify; on failure prints the message and returns the
 * exit status. */
int open_input(const char *cmd, const args *a, phs_ruleset **rs,
               phs_reader **rd, job *j);
/* What a run did with its input records, for the summary on standard
 * error when records fail (classify, report): counts and the first errors
 * (tally_error keeps the thread's last message), printed as "INPUT: N
 * records read, M <used>, K refused:".  input_name: "-" is "standard
 * input". */
enum { FIRST_ERRORS = 3 };
typedef struct tally {
    size_t read, used, refused;
    char first[FIRST_ERRORS][600];
} tally;
void tally_error(tally *t, const char *id, size_t record);
/* The next record of a run's input (classify, explain, report), sorted for
 * the command's loop: READ_RECORD (it is in rec), READ_REFUSED (this record
 * only fails; the thread's last error says why, the reader has its id and
 * number), READ_BROKEN (the input cannot be read further), READ_NONE
 * (nothing can be read at all, e.g. a CSV header naming an unknown field),
 * READ_END.  *nread counts the records met (refused and broken included). */
enum { READ_RECORD, READ_REFUSED, READ_BROKEN, READ_NONE, READ_END };
int read_next(phs_reader *rd, phs_record *rec, size_t *nread);
void tally_print(const tally *t, const char *input, const char *used);
const char *input_name(const char *path);
/* Print a report as text or JSON; returns the exit status it implies (no
 * report: the analysis failed; its error on stderr, EXIT_USAGE). */
int print_report(const phs_report *r, int json);

/* The --help texts, generated at build time by cli/gen_help.py from the
 * manual page docs/phs.1.scd (one section per command), so that the help and
 * the page cannot drift: edit the page, not C strings. */
extern const char help_main[], help_classify[], help_explain[], help_check[],
    help_test[], help_fingerprint[], help_version[], help_verify[],
    help_diff[], help_report[];

/* The commands (one file each). */
int cmd_classify(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_fingerprint(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv); /* report.c, phs/population.h */

#endif
