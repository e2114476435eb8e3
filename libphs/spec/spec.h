/*
 * Spec loading: YAML text -> a bounded tree -> the compiled rule set (the
 * dictionary first, then one program spec per file).
 */
#ifndef PHS__SPEC_H
#define PHS__SPEC_H

#include "../base/yaml.h"
#include "../model/model.h"

/* spec.c: compile one program spec / the dictionary into the ruleset. */
int phs__spec_load_fields(phs_ruleset *rs, const char *file,
                          const phs__ynode *root);
int phs__spec_load_program(phs_ruleset *rs, const char *file,
                           const phs__ynode *root, char **overrides,
                           size_t noverrides, uint8_t *override_used);
/* An indicator file (`indicator_set:`), loaded after every program. */
int phs__spec_load_indicators(phs_ruleset *rs, const char *file,
                              const phs__ynode *root);

/* Build a ruleset from texts with explicit overrides (used by examples). */
int phs__ruleset_build(phs_ruleset **out, const char *const *names,
                       const char *const *texts, const size_t *lens,
                       size_t count, const phs__limits *lim,
                       char *const *overrides, size_t noverrides);

#endif
