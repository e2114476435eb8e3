/*
 * The diff's private interface: the per-program tally (old tier x new tier
 * cells with their counts, example ids, causes and due-date shifts) that
 * difftally.c fills, over a population or over the input space, and
 * diffrecord.c puts into the report; diff.c, the entry point, drives them.
 */
#ifndef PHS__DIFF_H
#define PHS__DIFF_H

#include "analysis.h"

#define MAXLAB 80
#define MAXCAUSE 24

typedef struct {
    const char *rule;   /* "tier.controlled" (ruleset string) */
    int from, to;       /* truth in old and new: 1, 0, -1 unknown, -2 absent */
    double count;
} cause;

typedef struct {
    char **ids;
    size_t nids;
    cause causes[MAXCAUSE];
    size_t ncauses;
    char *example;      /* space mode: a resident in the first region */
    double count;
} cellinfo;

typedef struct {
    const char *name;
    double gained, lost;
} flagdiff;

typedef struct {
    long days;
    double count;
} shift;

typedef struct {
    size_t po, pn;              /* program index in old, new */
    const char *rows[MAXLAB], *cols[MAXLAB];
    size_t nrows, ncols;
    double *m;                  /* MAXLAB x MAXLAB */
    cellinfo **info;            /* MAXLAB x MAXLAB, changed cells */
    flagdiff *flags;
    size_t nflags, capflags;
    shift *shifts;
    size_t nshifts, capshifts;
    double due_same, due_earlier, due_later, due_appeared, due_gone;
    double total, changed;
} progdiff;

/* diffrecord.c */
/* A program's tally (rows, columns and cells sized MAXLAB), and its end. */
int df_init(progdiff *d, size_t po, size_t pn);
void df_free(progdiff *d);
void df_causes(cellinfo *ci, phs_result *ro, const phs_record *rec_o,
               const phs__program *po, phs_result *rn, const phs_record *rec_n,
               const phs__program *pn);
cellinfo *df_info_of(progdiff *d, int r, int c);
int df_lab(const char **set, size_t *n, const char *l);
/* Put a program's tally into the current section of the report. */
void df_record(phs_report *r, progdiff *d, const phs__program *po,
               const phs__program *pn, int population);

/* difftally.c */
int df_population(phs_report *r, const phs_ruleset *ro,
                  const phs_ruleset *rn, const char *path,
                  const phs_analysis_options *o, progdiff *pd, size_t npd,
                  phs_date *latest);
int df_space(phs_report *r, const phs_ruleset *ro, const phs_ruleset *rn,
             const phs__examples *examples, const phs_analysis_options *o,
             progdiff *d);

#endif
