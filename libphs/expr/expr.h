/*
 * The expression compiler's private interface: tokens, and the compiled
 * form.  An expression compiles to typed nodes in one contiguous array owned
 * by the ruleset (children before parents; indexes, not pointers).  Field and
 * derived names are resolved to indexes, constants folded (so parameters
 * select their branch at load time), regexes compiled and JIT-ed, and
 * "field <op> constant" comparisons specialised.  Evaluation walks that
 * array with a recursion depth bounded by the parser's depth limit.
 */
#ifndef PHS__EXPR_H
#define PHS__EXPR_H

#include "../base/yaml.h"
#include "../model/model.h"

typedef enum {
    TK_EOF = 0, TK_NUM, TK_STR, TK_IDENT,
    TK_AND, TK_OR, TK_NOT, TK_IN, TK_IF, TK_THEN, TK_ELSE, TK_TRUE, TK_FALSE,
    TK_MATCHES,
    TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK, TK_COMMA, TK_COLON,
    TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
    TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_COALESCE,
    TK_ERROR
} phs__tok_kind;

typedef struct phs__tok {
    phs__tok_kind kind;
    size_t off, len;     /* position in the source text */
    double num;
    char *str;           /* TK_STR: unescaped (lexer-owned scratch) */
    size_t slen;
    const char *err;     /* TK_ERROR: message */
} phs__tok;

typedef struct phs__lexer {
    const char *src;
    size_t len, pos;
    phs__buf sbuf;       /* unescaped string storage for the current token */
} phs__lexer;

void phs__lex_init(phs__lexer *lx, const char *src, size_t len);
void phs__lex_next(phs__lexer *lx, phs__tok *t);
void phs__lex_free(phs__lexer *lx);
const char *phs__tok_name(phs__tok_kind k);

/* The evaluation scratch of one classification (owned by phs_result). */
typedef struct phs__eval {
    const phs_ruleset *rs;
    const phs_record *rec;
    phs__val *dval;     /* derived values */
    uint8_t *dstate;    /* 0 not computed, 1 known, 2 unknown */
    /* Fields whose absence made an evaluation unknown.  Only an undecided
     * condition needs them, so it is evaluated again with track set: every
     * read of an absent "unknown" field marks it, and an operator whose
     * result is known anyway (and, or, if, ??) takes its marks back, so what
     * remains is what the decision actually lacked. */
    uint64_t *miss;     /* nwords */
    int track;
    phs__val loc[16];   /* quantifier loop variables */
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* match limit; owned by the ruleset */
    int regex_error;    /* a match hit a limit (result: unknown) */
} phs__eval;

/* Evaluate; returns 1 known (value in *out), 0 unknown. */
int phs__expr_eval(phs__eval *ev, int32_t node, phs__val *out);
/* Evaluate a condition: 1 true, 0 false, -1 unknown (an absent
 * condition is true). */
int phs__expr_test(phs__eval *ev, const phs__expr *e);

/* Compilation scope: resolves names while compiling one expression:
 * loop variables, then the program's parameters and derived values, then
 * shared derived values, then fields. */
typedef struct phs__scope {
    int program;              /* -1: the dictionary (shared derived, checks) */
    const struct phs__param *params;
    size_t nparams;
} phs__scope;
int phs__expr_compile(phs_ruleset *rs, const phs__scope *scope,
                      const char *file, const phs__ynode *src,
                      phs__expr *out);

#endif
