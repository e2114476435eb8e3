/*
 * Spec loading: YAML text -> a bounded tree -> the compiled rule set (the
 * dictionary first, then one program spec per file).
 */
#ifndef PHS__SPEC_H
#define PHS__SPEC_H

#include "../base/yaml.h"
#include "../model/model.h"

/* fields.c, program.c: compile the dictionary / one program spec into the
 * ruleset. */
int phs__spec_load_fields(phs_ruleset *rs, const char *file,
                          const phs__ynode *root);
int phs__spec_load_program(phs_ruleset *rs, const char *file,
                           const phs__ynode *root,
                           const phs__ypart *examples, char **overrides,
                           size_t noverrides, uint8_t *override_used);

/* The conformance examples embedded in the program specs.  A load keeps
 * only their text (they are half of the YAML and only `phs test`, coverage
 * and the regulator analyses read them); phs__examples_parse parses and
 * checks them into an object its caller owns and frees: a loaded rule set
 * is immutable and shared between threads, so nothing is cached in it. */
typedef struct phs__example {
    const char *id, *file;
    const phs__ynode *node;   /* the whole example mapping */
} phs__example;
typedef struct phs__examples {
    phs__arena arena;         /* everything below */
    phs__example **of;        /* of[v]: the examples of rs->allvers[v] */
    size_t *n;                /* n[v]: how many */
} phs__examples;
/* PHS_ESPEC (with the file, line and column) for a malformed example. */
int phs__examples_parse(const phs_ruleset *rs, phs__examples *out);
void phs__examples_free(phs__examples *ex);
/* An indicator file (`indicator_set:`), loaded after every program. */
int phs__spec_load_indicators(phs_ruleset *rs, const char *file,
                              const phs__ynode *root);

/* Build a ruleset from texts with explicit overrides (used by examples). */
int phs__ruleset_build(phs_ruleset **out, const char *const *names,
                       const char *const *texts, const size_t *lens,
                       size_t count, const phs__limits *lim,
                       char *const *overrides, size_t noverrides);

#endif
