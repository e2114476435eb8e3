/*
 * phs — the libphs command: classify residents, explain one, and check,
 * test and fingerprint rule sets.
 *
 * Uses only the public API (phs/phs.h) and the C/POSIX library.
 */
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

#include "phs/phs.h"

#define EXIT_RECORDS 1 /* some record failed; check found an error */
#define EXIT_USAGE 2   /* bad usage, rules that do not load, no input */

/* ------------------------------------------------------------------ */
/* Help texts                                                          */
/* ------------------------------------------------------------------ */

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

static const char help_classify[] =
    "NAME\n"
    "    phs classify - classify residents\n"
    "\n"
    "SYNOPSIS\n"
    "    phs classify [--rules DIR] [--as-of YYYY-MM-DD]\n"
    "                 [--format ndjson|csv|table]\n"
    "                 [--param PROGRAM.NAME=VALUE]... FILE|-\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads residents from FILE (- for standard input) and classifies\n"
    "    each under every program of the rule set.  The input format is\n"
    "    recognised from its first non-blank character: '{' one JSON object\n"
    "    per line (NDJSON); '[' or '-' a JSON or YAML sequence of mappings;\n"
    "    anything else CSV with a header row of field names (list fields\n"
    "    such as diagnoses are separated by ';'; an empty cell is absent).\n"
    "\n"
    "    A record that cannot be read or fails a consistency check gives an\n"
    "    error naming the record and the field, and processing continues.\n"
    "    A progress bar is drawn on standard error when it is a terminal\n"
    "    and the input is larger than 1 MB.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR\n"
    "        the rule directory (default: the installed rules)\n"
    "    --as-of YYYY-MM-DD\n"
    "        the visit date of records that do not give visit_date\n"
    "        (default: today's local date)\n"
    "    --format ndjson|csv|table\n"
    "        ndjson (default): one JSON object per resident, as\n"
    "            {\"id\":..., \"rules_fingerprint\":..., \"programs\":{...},\n"
    "             \"plan\":[...]}; a bad record gives\n"
    "            {\"id\":..., \"error\":{\"field\":..., \"message\":...,"
    " \"record\":N}}\n"
    "        csv: one row per resident and program: id, program, enrolled,\n"
    "            tier, level, next_due, referral, flags, missing (lists\n"
    "            joined by ';'), error\n"
    "        table: aligned columns for reading\n"
    "    --param PROGRAM.NAME=VALUE\n"
    "        override a policy parameter declared by a program spec, e.g.\n"
    "        --param hypertension.bp_target_profile=guideline_2025;\n"
    "        may be repeated\n"
    "    --json\n"
    "        the same as --format ndjson (the default).  Each program's\n"
    "        object names the spec version used (\"spec_version\", chosen by\n"
    "        visit_date among the loaded versions), its \"spec_fingerprint\",\n"
    "        \"spec_effective\" range and \"spec_in_force\"\n"
    "    -h, --help\n"
    "        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  every record was classified\n"
    "    1  at least one record could not be read or classified, or the\n"
    "       input could not be read to its end\n"
    "    2  bad usage, rules that cannot be loaded, or an input that cannot\n"
    "       be opened\n";

static const char help_explain[] =
    "NAME\n"
    "    phs explain - explain one resident's classification\n"
    "\n"
    "SYNOPSIS\n"
    "    phs explain [--rules DIR] [--as-of YYYY-MM-DD] [--id ID] [--json]\n"
    "                [--param PROGRAM.NAME=VALUE]... FILE|-\n"
    "\n"
    "DESCRIPTION\n"
    "    Classifies the first resident of FILE (or the one whose id is ID)\n"
    "    and prints, per program: enrolment, tier and severity level, the\n"
    "    next due date and interval, referral and actions, flags, missing\n"
    "    fields, and every rule that decided with the clauses it cites;\n"
    "    then the merged follow-up plan.  FILE is read as by classify.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR       the rule directory (default: the installed rules)\n"
    "    --as-of DATE      visit date when the record gives none (default:\n"
    "                      today)\n"
    "    --id ID           explain the resident with this id\n"
    "    --param P.N=V     override a policy parameter; may be repeated\n"
    "    --json            print the result as one JSON object (the\n"
    "                      classify NDJSON shape) instead of text\n"
    "    -h, --help        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  the resident was explained\n"
    "    1  the resident's record could not be read or classified, or no\n"
    "       resident (with that id) was found\n"
    "    2  bad usage, rules that cannot be loaded, or unreadable input\n";

static const char help_check[] =
    "NAME\n"
    "    phs check - validate a rule directory\n"
    "\n"
    "SYNOPSIS\n"
    "    phs check [--strict] [--json] [--param PROGRAM.NAME=VALUE]... [RULES]\n"
    "\n"
    "DESCRIPTION\n"
    "    Loads every *.yaml of RULES (default: the installed rules) and\n"
    "    prints \"ok: N programs, fingerprint sha256:...\", or the first\n"
    "    error as file:line:column: message.  Several spec files of one\n"
    "    program are versions: their effective ranges must not overlap.\n"
    "\n"
    "    With --strict it also runs the checks a regulator runs before\n"
    "    sign-off, and refuses (exit status 1):\n"
    "      - a spec whose status is not production;\n"
    "      - a provisional rule (one citing a clause of confidence R or\n"
    "        UNCONFIRMED, or declared provisional), naming those clauses;\n"
    "      - a citation of a rule, parameter, derived value or yearly\n"
    "        requirement that does not resolve to a declared clause, and a\n"
    "        clause whose source is not declared, or a source declared\n"
    "        twice.\n"
    "    Clauses and sources nothing cites are warnings.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR       the same as giving RULES\n"
    "    --strict          the sign-off checks above\n"
    "    --param P.N=V     load with a parameter override; may be repeated\n"
    "    --json            print the result as one JSON object: {\"ok\":...,\n"
    "                      \"rules_fingerprint\", \"programs\" (with their\n"
    "                      versions, effective ranges and fingerprints)} or\n"
    "                      {\"ok\":false,\"error\":{\"message\",\"file\",\"line\",\n"
    "                      \"column\"}}; with --strict the report's findings\n"
    "    -h, --help        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  the rules loaded (and, with --strict, passed)\n"
    "    1  the rules have an error (or --strict refuses them)\n"
    "    2  bad usage\n";

static const char help_test[] =
    "NAME\n"
    "    phs test - run the examples embedded in the rule files\n"
    "\n"
    "SYNOPSIS\n"
    "    phs test [--verbose] [--coverage] [--program ID] [--json]\n"
    "             [--param PROGRAM.NAME=VALUE]... [RULES]\n"
    "\n"
    "DESCRIPTION\n"
    "    Loads RULES (default: the installed rules), runs every example of\n"
    "    every program version (an example runs against the version it is\n"
    "    written in), prints each failing example with what differed, and\n"
    "    ends with a line \"N passed, M failed\".\n"
    "\n"
    "    With --coverage it then reports, per program version, what the\n"
    "    examples exercise: how many reach each tier and raise each flag,\n"
    "    how often each rule's condition is true, false or unknown, and for\n"
    "    every threshold the rules compare a number (or derived value)\n"
    "    with, how many examples lie below it, at it, above it, or lack the\n"
    "    value.  A tier or flag no example reaches is an error; a condition\n"
    "    never true (or never false) and a threshold side no example\n"
    "    exercises are warnings.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR       the same as giving RULES\n"
    "    -v, --verbose     also list the examples that pass\n"
    "    --coverage        report what the examples exercise (see above)\n"
    "    --program ID      coverage of this program only\n"
    "    --param P.N=V     load with a parameter override; may be repeated\n"
    "    --json            print one JSON object: {\"examples\": [failing (all\n"
    "                      with --verbose) examples], \"passed\", \"failed\",\n"
    "                      \"coverage\": {...}, \"ok\"}\n"
    "    -h, --help        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  every example passed (and every tier and flag is covered)\n"
    "    1  an example failed, or (--coverage) a tier or flag has no example\n"
    "    2  bad usage, or rules that cannot be loaded or run\n";

static const char help_fingerprint[] =
    "NAME\n"
    "    phs fingerprint - print a rule set's fingerprint\n"
    "\n"
    "SYNOPSIS\n"
    "    phs fingerprint [--json] [--param PROGRAM.NAME=VALUE]... [RULES]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints \"sha256:\" and 64 hex digits computed over a canonical form\n"
    "    of every loaded rule file (formatting, comments and key order do\n"
    "    not change it; any value and any parameter override does).  Every\n"
    "    classification result carries it.  Each program version also has\n"
    "    a fingerprint of its own (the dictionary, its file and its\n"
    "    parameter overrides), which results carry per program.\n"
    "\n"
    "OPTIONS\n"
    "    --rules DIR       the same as giving RULES\n"
    "    --json            print {\"rules_fingerprint\", \"programs\": [{\"program\",\n"
    "                      \"versions\": [{\"version\", \"fingerprint\",\n"
    "                      \"effective\"}]}]}\n"
    "    --param P.N=V     load with a parameter override; may be repeated\n"
    "    -h, --help        show this help\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success\n"
    "    2  bad usage, or rules that cannot be loaded\n";

static const char help_verify[] =
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
    "                      version's effective range (default 2024-06-01)\n"
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

static const char help_diff[] =
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
    "                       compared cells (default 2024-06-01)\n"
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

static const char help_version[] =
    "NAME\n"
    "    phs version - print versions\n"
    "\n"
    "SYNOPSIS\n"
    "    phs version [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the version of phs and of the libphs library it runs with;\n"
    "    with --json as {\"phs\": \"X.Y.Z\", \"libphs\": \"X.Y.Z\"}.\n"
    "\n"
    "EXIT STATUS\n"
    "    0  success\n";

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static int progress_shown; /* a progress bar is on the terminal */

static void progress_clear(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
}

static void err(const char *fmt, ...)
{
    va_list ap;
    progress_clear();
    fputs("phs: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const char *last_message(void)
{
    const char *m = phs_error_message(phs_error_last());
    return m && *m ? m : "unknown error";
}

static int usage_error(const char *cmd, const char *fmt, ...)
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
static int parse_args(int argc, char **argv, int first, const char *cmd,
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

static void free_args(args *a)
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

/* ------------------------------------------------------------------ */
/* Loading rules                                                       */
/* ------------------------------------------------------------------ */

/* Load the rules; on failure print the error and return the library's
 * status. */
/* Load with the parameter overrides of two lists (the second wins). */
static int load_rules_lists(phs_ruleset **out, const char *dir,
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

static int load_rules(phs_ruleset **out, const char *dir, const args *a)
{
    return load_rules_lists(out, dir, a->params, a->nparams, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Output helpers                                                      */
/* ------------------------------------------------------------------ */

/* A JSON string, or null for NULL. */
static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                putc(c, f);
        }
    }
    putc('"', f);
}

/* A CSV cell (RFC 4180 quoting when needed). */
static void csv_cell(FILE *f, const char *s)
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
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void text_reset(text *t)
{
    t->len = 0;
    if (t->p)
        t->p[0] = '\0';
}

static int text_add(text *t, const char *s)
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

static const char *text_str(const text *t)
{
    return t->p ? t->p : "";
}

/* Join a program's flags (which = 0) or missing fields (which = 1). */
static const char *join_list(text *t, const phs_result *res, size_t p,
                             int which, const char *sep)
{
    size_t i, n = which ? phs_result_missing_count(res, p)
                        : phs_result_flag_count(res, p);
    text_reset(t);
    for (i = 0; i < n; i++) {
        const char *s = which ? phs_result_missing(res, p, i)
                              : phs_result_flag(res, p, i);
        if ((i && text_add(t, sep) < 0) || text_add(t, s ? s : "") < 0)
            return "";
    }
    return text_str(t);
}

static void fmt_date(phs_date d, char buf[11])
{
    if (d == PHS_DATE_NONE)
        buf[0] = '\0';
    else
        phs_date_format(d, buf);
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

static int today(phs_date *out)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm))
        return -1;
    return phs_date_make(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int as_of_date(const char *cmd, const char *text_in, phs_date *out)
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

typedef struct job {
    const phs_ruleset *rs;
    phs_record *rec;
    phs_result *res;
    int f_visit;     /* visit_date field id, or -1 */
    phs_date as_of;
    char *json;      /* the result as JSON, when rendered */
    int defaulted;   /* visit_date was taken from --as-of */
} job;

static int render_json(job *j)
{
    phs_free(j->json);
    j->json = NULL;
    return phs_result_to_json(j->res, &j->json, NULL);
}

/* Classify j->rec into j->res, defaulting visit_date to the as-of date.
 * Leaves the JSON rendering in j->json when want_json.  Returns the
 * library status. */
static int classify_one(job *j, int want_json)
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

static int job_init(job *j, const phs_ruleset *rs, phs_date as_of)
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

static void job_free(job *j)
{
    phs_free(j->json);
    phs_result_free(j->res);
    phs_record_free(j->rec);
    memset(j, 0, sizeof *j);
}

/* ------------------------------------------------------------------ */
/* Progress bar                                                        */
/* ------------------------------------------------------------------ */

typedef struct progress {
    int on;
    double last;
    size_t count;
} progress;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_start(progress *pg, const phs_reader *rd)
{
    size_t done, total;
    memset(pg, 0, sizeof *pg);
    phs_reader_progress(rd, &done, &total);
    pg->on = isatty(STDERR_FILENO) && total > 1000000;
    pg->last = pg->on ? now_seconds() : 0;
}

static void progress_tick(progress *pg, const phs_reader *rd, size_t nrec)
{
    size_t done, total, pct, k;
    double t;
    char bar[31];
    if (!pg->on || (++pg->count & 63) != 0)
        return;
    t = now_seconds();
    if (t - pg->last < 0.1)
        return;
    pg->last = t;
    phs_reader_progress(rd, &done, &total);
    if (!total)
        return;
    pct = done >= total ? 100 : (size_t)((double)done * 100.0 / (double)total);
    for (k = 0; k < 30; k++)
        bar[k] = k < pct * 30 / 100 ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3zu%%  %zu records", bar, pct, nrec);
    fflush(stderr);
    progress_shown = 1;
}

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
            csv_cell(stdout, join_list(t1, res, p, 0, ";"));
            putchar(',');
            csv_cell(stdout, join_list(t2, res, p, 1, ";"));
            fputs(",\n", stdout);
        } else {
            const char *flags = join_list(t1, res, p, 0, ",");
            const char *missing = join_list(t2, res, p, 1, ",");
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
    fflush(stdout);
    err("record %zu%s%s%s: %s", record, *id ? " (id " : "", id,
        *id ? ")" : "", msg);
}

/* The setup classify and explain share: the as-of date, the rules, a
 * reader over the one input and the classification job.  Returns 0, or an
 * exit status with everything it opened released (the args stay the
 * caller's). */
static int open_input(const char *cmd, const args *a, phs_ruleset **rs,
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

static int cmd_classify(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    job j;
    progress pg;
    text t1 = {0}, t2 = {0};
    int fmt = FMT_NDJSON, rc, status = 0, failed = 0;
    size_t nrec = 0;

    rc = parse_args(argc, argv, 2, "classify",
                    OPT_RULES | OPT_ASOF | OPT_FORMAT | OPT_PARAM | OPT_JSON, 1,
                    &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_classify, stdout);
        free_args(&a);
        return rc;
    }
    if (a.npos != 1) {
        free_args(&a);
        return usage_error("classify", "give one input FILE (or - for "
                                       "standard input)");
    }
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
        rc = phs_reader_next(rd, j.rec);
        if (rc == PHS_EOF)
            break;
        nrec++;
        if (rc == PHS_ERECORD || rc == PHS_ELIMIT || rc == PHS_ENOMEM) {
            print_record_error(fmt, phs_reader_record_id(rd),
                               phs_reader_record_number(rd));
            failed = 1;
            continue;
        }
        if (rc < 0) {
            /* The input cannot be read further. */
            print_record_error(fmt, "", phs_reader_record_number(rd));
            failed = 1;
            break;
        }
        rc = classify_one(&j, fmt == FMT_NDJSON);
        if (rc < 0) {
            print_record_error(fmt, phs_record_id(j.rec),
                               phs_reader_record_number(rd));
            failed = 1;
            continue;
        }
        print_result(fmt, &j, &t1, &t2);
        progress_tick(&pg, rd, nrec);
    }
    progress_clear();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        err("writing the output: %s", strerror(errno));
        status = EXIT_USAGE;
    } else if (failed) {
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

/* ------------------------------------------------------------------ */
/* explain                                                             */
/* ------------------------------------------------------------------ */

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
        n = phs_result_action_count(res, p);
        printf("  actions:    ");
        for (i = 0; i < n; i++)
            printf("%s%s", i ? ", " : "", phs_result_action(res, p, i));
        printf("%s\n", n ? "" : "none");
    }
    n = phs_result_flag_count(res, p);
    printf("  flags:      ");
    for (i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", phs_result_flag(res, p, i));
    printf("%s\n", n ? "" : "none");
    n = phs_result_undecided_flag_count(res, p);
    if (n) {
        printf("  undecided:  ");
        for (i = 0; i < n; i++)
            printf("%s%s", i ? ", " : "", phs_result_undecided_flag(res, p, i));
        printf(" (data missing)\n");
    }
    n = phs_result_missing_count(res, p);
    printf("  missing:    ");
    for (i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", phs_result_missing(res, p, i));
    printf("%s\n", n ? "" : "none");
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

static int cmd_explain(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_reader *rd = NULL;
    job j;
    int rc, status = EXIT_RECORDS, found = 0;

    rc = parse_args(argc, argv, 2, "explain",
                    OPT_RULES | OPT_ASOF | OPT_PARAM | OPT_ID | OPT_JSON, 1, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_explain, stdout);
        free_args(&a);
        return rc;
    }
    if (a.npos != 1) {
        free_args(&a);
        return usage_error("explain", "give one input FILE (or - for "
                                      "standard input)");
    }
    rc = open_input("explain", &a, &rs, &rd, &j);
    if (rc) {
        free_args(&a);
        return rc;
    }
    for (;;) {
        const char *rid;
        rc = phs_reader_next(rd, j.rec);
        if (rc == PHS_EOF)
            break;
        rid = phs_reader_record_id(rd);
        if (rc == PHS_ERECORD || rc == PHS_ELIMIT || rc == PHS_ENOMEM) {
            if (!a.id || strcmp(rid, a.id) == 0) {
                found = 1;
                err("record %zu%s%s%s: %s", phs_reader_record_number(rd),
                    *rid ? " (id " : "", rid, *rid ? ")" : "",
                    last_message());
                break;
            }
            continue;
        }
        if (rc < 0) {
            err("%s", last_message());
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
    if (!found && (rc == PHS_EOF)) {
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

/* ------------------------------------------------------------------ */
/* check, test, fingerprint, version                                   */
/* ------------------------------------------------------------------ */

static int print_report(const phs_report *r, int json);

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

static int cmd_check(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_report *r = NULL;
    int rc = parse_args(argc, argv, 2, "check",
                        OPT_RULES | OPT_PARAM | OPT_JSON | OPT_STRICT, 1, &a);
    size_t n;
    if (rc || a.help) {
        if (!rc)
            fputs(help_check, stdout);
        free_args(&a);
        return rc;
    }
    rc = rules_operand("check", &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    if (a.json) {
        /* report the load error as JSON too */
        phs_ruleset_options *opts = NULL;
        if (a.nparams) {
            if (load_rules(&rs, a.rules, &a) < 0) {
                json_error();
                free_args(&a);
                return EXIT_RECORDS;
            }
        } else if (phs_ruleset_load_dir(&rs, a.rules ? a.rules
                                                     : phs_rules_dir_default(),
                                        opts) < 0) {
            json_error();
            free_args(&a);
            return EXIT_RECORDS;
        }
    } else if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_RECORDS;
    }
    n = phs_ruleset_program_count(rs);
    if (a.strict) {
        if (phs_ruleset_check_strict(rs, &r) < 0) {
            err("%s", last_message());
            phs_ruleset_free(rs);
            free_args(&a);
            return EXIT_USAGE;
        }
        rc = print_report(r, a.json);
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

typedef struct test_state {
    int verbose, json, first;
} test_state;

static void on_example(void *payload, const char *program,
                       const char *example_id, const char *failure)
{
    test_state *ts = payload;
    if (ts->json) {
        if (!failure && !ts->verbose)
            return;
        fputs(ts->first ? "{\"program\":" : ",{\"program\":", stdout);
        ts->first = 0;
        json_str(stdout, program);
        fputs(",\"example\":", stdout);
        json_str(stdout, example_id);
        fputs(",\"ok\":", stdout);
        fputs(failure ? "false" : "true", stdout);
        fputs(",\"failure\":", stdout);
        json_str(stdout, failure);
        fputs("}", stdout);
        return;
    }
    if (failure)
        printf("FAIL %s/%s: %s\n", program ? program : "?",
               example_id ? example_id : "?", failure);
    else if (ts->verbose)
        printf("ok   %s/%s\n", program ? program : "?",
               example_id ? example_id : "?");
}

static int cmd_test(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    phs_report *cov = NULL;
    test_state ts;
    size_t failed = 0, total = 0;
    int rc = parse_args(argc, argv, 2, "test",
                        OPT_RULES | OPT_PARAM | OPT_VERBOSE | OPT_JSON |
                            OPT_COVERAGE | OPT_PROGRAM,
                        1, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_test, stdout);
        free_args(&a);
        return rc;
    }
    rc = rules_operand("test", &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    if (load_rules(&rs, a.rules, &a) < 0) {
        free_args(&a);
        return EXIT_USAGE;
    }
    ts.verbose = a.verbose;
    ts.json = a.json;
    ts.first = 1;
    if (a.json)
        fputs("{\"examples\":[", stdout);
    rc = phs_ruleset_test(rs, on_example, &ts, &failed, &total);
    if (rc < 0) {
        if (a.json)
            fputs("]}\n", stdout);
        fflush(stdout);
        err("%s", last_message());
        phs_ruleset_free(rs);
        free_args(&a);
        return EXIT_USAGE;
    }
    if (a.coverage) {
        phs_analysis_options o;
        memset(&o, 0, sizeof o);
        o.program = a.program;
        if (phs_ruleset_coverage(rs, &o, &cov) < 0) {
            if (a.json)
                fputs("]}\n", stdout);
            fflush(stdout);
            err("%s", last_message());
            phs_ruleset_free(rs);
            free_args(&a);
            return EXIT_USAGE;
        }
    }
    if (a.json) {
        printf("],\"passed\":%zu,\"failed\":%zu", total - failed, failed);
        if (cov)
            printf(",\"coverage\":%s", phs_report_json(cov));
        printf(",\"ok\":%s}\n",
               failed || (cov && phs_report_errors(cov)) ? "false" : "true");
    } else {
        printf("%zu passed, %zu failed\n", total - failed, failed);
        if (cov)
            fputs(phs_report_text(cov), stdout);
    }
    rc = failed || (cov && phs_report_errors(cov)) ? EXIT_RECORDS : 0;
    phs_report_free(cov);
    phs_ruleset_free(rs);
    free_args(&a);
    if (fflush(stdout) != 0)
        return EXIT_USAGE;
    return rc;
}

static int cmd_fingerprint(int argc, char **argv)
{
    args a;
    phs_ruleset *rs = NULL;
    int rc = parse_args(argc, argv, 2, "fingerprint",
                        OPT_RULES | OPT_PARAM | OPT_JSON, 1, &a);
    if (rc || a.help) {
        if (!rc)
            fputs(help_fingerprint, stdout);
        free_args(&a);
        return rc;
    }
    rc = rules_operand("fingerprint", &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
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

static int cmd_version(int argc, char **argv)
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

/* ------------------------------------------------------------------ */
/* Regulator tooling: verify, diff, test --coverage, check --strict     */
/* ------------------------------------------------------------------ */

/* Fill analysis options from the arguments; 0 or an exit status. */
static int analysis_opts(const char *cmd, const args *a,
                         phs_analysis_options *o)
{
    char *end;
    memset(o, 0, sizeof *o);
    o->program = a->program;
    if (a->asof && phs_date_parse(&o->as_of, a->asof, strlen(a->asof)) < 0)
        return usage_error(cmd, "--as-of '%s': expected a date YYYY-MM-DD",
                           a->asof);
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

/* Print a report; the exit status is 1 when it holds errors. */
static int print_report(const phs_report *r, int json)
{
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

static int cmd_verify(int argc, char **argv)
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

static int cmd_diff(int argc, char **argv)
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
    if (rc == 0 && strstr(phs_report_json(r), "\"differ\":true"))
        rc = EXIT_RECORDS;
    phs_report_free(r);
    phs_ruleset_free(ro);
    phs_ruleset_free(rn);
    free_args(&a);
    return rc;
}

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
    {"version", cmd_version, help_version},
};

int main(int argc, char **argv)
{
    size_t i;
    const char *cmd;

    if (argc < 2) {
        fputs("phs: no command given\n"
              "Usage: phs classify|explain|check|test|verify|diff|fingerprint|"
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
