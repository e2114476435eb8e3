/*
 * The spec loader's private interface, shared by keys.c (reading the YAML
 * tree key by key), fields.c (the dictionary), program.c (program specs and
 * their examples) and indicators.c (indicator files).
 */
#ifndef PHS__SPEC_KEYS_H
#define PHS__SPEC_KEYS_H

#include "../expr/expr.h"
#include "spec.h"

/* The state of one file's load. */
typedef struct {
    phs_ruleset *rs;
    const char *file;
    phs__program *prog; /* NULL while loading the dictionary */
    int pindex;
    /* the clauses citations resolve to: the program's, or an indicator
     * file's */
    phs__clause **clauses;
    size_t *nclauses;
} sp_file;

#define TRY(x)                                                                 \
    do {                                                                       \
        int rc_ = (x);                                                         \
        if (rc_ < 0)                                                           \
            return rc_;                                                        \
    } while (0)

/* keys.c: an error at a node, out of memory, and checked reading of keys,
 * scalars, numbers, dates, identifiers, lists and expressions */
int sp_check_keys(sp_file *l, const phs__ynode *m, const char *what,
                  const char *const *allowed);
int sp_err(sp_file *l, const phs__ynode *n, const char *fmt, ...)
    PHS_PRINTF(3, 4);
int sp_expr(sp_file *l, const phs__ynode *n, int type, const char *what,
            phs__expr *out);
int sp_ident(sp_file *l, const phs__ynode *m, const char *key,
             const char **out);
const char *sp_kind_name(const phs__ynode *n);
int sp_oom(void);
int sp_opt_str(sp_file *l, const phs__ynode *m, const char *key,
               const char **out);
int sp_req(sp_file *l, const phs__ynode *m, const char *key,
           const phs__ynode **out);
int sp_req_str(sp_file *l, const phs__ynode *m, const char *key,
               const char **out);
int sp_scalar(sp_file *l, const phs__ynode *n, const char *what,
              const char **out);
int sp_seq(sp_file *l, const phs__ynode *n, const char *what);
/* n must be a list (sp_seq) of at most max items (0: any number); then an
 * array of as many zeroed elements of `size` bytes in the rule set's arena
 * into *(T **)out. */
int sp_seq_array(sp_file *l, const phs__ynode *n, const char *what,
                 size_t max, size_t size, void *out);
int sp_str_list(sp_file *l, const phs__ynode *n, const char *what,
                const char ***out, size_t *count);
int sp_to_bool(sp_file *l, const phs__ynode *n, const char *what, int *out);
int sp_to_date(sp_file *l, const phs__ynode *n, const char *what,
               phs_date *out);
int sp_to_int(sp_file *l, const phs__ynode *n, const char *what, int lo,
              int hi, int *out);
int sp_to_number(sp_file *l, const phs__ynode *n, const char *what,
                 double *out);

/* fields.c */
int sp_add_derived(sp_file *l, const phs__ynode *m, int program);

/* program.c */
int sp_cites(sp_file *l, const phs__ynode *m, int required,
             const phs__clause ***out, size_t *count, int *provisional);
int sp_load_clauses(sp_file *l, const phs__ynode *root);

#endif
