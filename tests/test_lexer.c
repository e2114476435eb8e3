/* The expression lexer (private API): tokens, positions, errors. */
#include "expr/expr.h"
#include "helpers.h"

/* One expected token: kind, offset and length (not checked for the end and
 * for errors); a number's value; a string's text, or the words an error's
 * message must hold. */
typedef struct {
    phs__tok_kind kind;
    size_t off, len;
    double num;
    const char *str;
} want_tok;

/* A source (its first `len` bytes, all of it when 0) and its tokens up to
 * and including the end or an error. */
struct lex_case {
    const char *src;
    size_t len;
    want_tok w[18];
};

#define TOK(kind, off, len) {kind, off, len, 0, NULL}
#define NUM(off, len, value) {TK_NUM, off, len, value, NULL}
#define STR(off, len, text) {TK_STR, off, len, 0, text}
#define ERR(off, words) {TK_ERROR, off, 0, 0, words}
#define END(off) {TK_EOF, off, 0, 0, NULL}

static const struct lex_case LEX_CASES[] = {
    /* operators and punctuation */
    {"( ) [ ] , : == != < <= > >= + - * / ??", 0,
     {TOK(TK_LPAREN, 0, 1), TOK(TK_RPAREN, 2, 1), TOK(TK_LBRACK, 4, 1),
      TOK(TK_RBRACK, 6, 1), TOK(TK_COMMA, 8, 1), TOK(TK_COLON, 10, 1),
      TOK(TK_EQ, 12, 2), TOK(TK_NE, 15, 2), TOK(TK_LT, 18, 1),
      TOK(TK_LE, 20, 2), TOK(TK_GT, 23, 1), TOK(TK_GE, 25, 2),
      TOK(TK_PLUS, 28, 1), TOK(TK_MINUS, 30, 1), TOK(TK_STAR, 32, 1),
      TOK(TK_SLASH, 34, 1), TOK(TK_COALESCE, 36, 2), END(38)}},
    /* no space needed between tokens */
    {"sbp>=180", 0,
     {TOK(TK_IDENT, 0, 3), TOK(TK_GE, 3, 2), NUM(5, 3, 180), END(8)}},
    {"a<b", 0,
     {TOK(TK_IDENT, 0, 1), TOK(TK_LT, 1, 1), TOK(TK_IDENT, 2, 1), END(3)}},
    /* keywords and identifiers */
    {"and or not in if then else true false matches android iffy _x1 notes",
     0,
     {TOK(TK_AND, 0, 3),      TOK(TK_OR, 4, 2),     TOK(TK_NOT, 7, 3),
      TOK(TK_IN, 11, 2),      TOK(TK_IF, 14, 2),    TOK(TK_THEN, 17, 4),
      TOK(TK_ELSE, 22, 4),    TOK(TK_TRUE, 27, 4),  TOK(TK_FALSE, 32, 5),
      TOK(TK_MATCHES, 38, 7), TOK(TK_IDENT, 46, 7), TOK(TK_IDENT, 54, 4),
      TOK(TK_IDENT, 59, 3),   TOK(TK_IDENT, 63, 5), END(68)}},
    /* numbers */
    {"140 16.7 .5 0", 0,
     {NUM(0, 3, 140), NUM(4, 4, 16.7), NUM(9, 2, 0.5),
      NUM(12, 1, 0), END(13)}},
    /* strings and escapes */
    {"'I10' \"E11\" 'it\\'s' \"a\\\\b\" '' '高血压'", 0,
     {STR(0, 5, "I10"),
      STR(6, 5, "E11"),
      STR(12, 7, "it's"),
      STR(20, 6, "a\\b"),
      STR(27, 2, ""),
      STR(30, 11, "高血压"),
      END(41)}},
    /* an unterminated string */
    {"note == 'abc", 0,
     {TOK(TK_IDENT, 0, 4), TOK(TK_EQ, 5, 2), ERR(8, "unterminated")}},
    /* the '=' message suggests '==' */
    {"a = 1", 0, {TOK(TK_IDENT, 0, 1), ERR(2, "==")}},
    /* whitespace and newlines */
    {"\n\t a \r\n  or\tb  ", 0,
     {TOK(TK_IDENT, 3, 1), TOK(TK_OR, 9, 2), TOK(TK_IDENT, 12, 1), END(15)}},
    /* the length is respected, not a NUL: the source goes on after it */
    {"abc+def", 3, {TOK(TK_IDENT, 0, 3), END(3)}},
};

static void expect_tokens(const struct lex_case *c)
{
    const char *src = c->src;
    phs__lexer lx;
    phs__tok t;
    phs__lex_init(&lx, src, c->len ? c->len : strlen(src));
    for (size_t i = 0; i < T_COUNT(c->w); i++) {
        const want_tok *w = &c->w[i];
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, w->kind,
                     "case '%s' token %zu: kind %s, expected %s", src, i,
                     phs__tok_name(t.kind), phs__tok_name(w->kind));
        cr_expect_eq(t.off, w->off,
                     "case '%s' token %zu: offset %zu, expected %zu", src, i,
                     t.off, w->off);
        if (w->kind == TK_EOF || w->kind == TK_ERROR) {
            if (w->str)
                cr_expect(t.err && strstr(t.err, w->str),
                          "case '%s': message '%s' lacks '%s'", src, t.err,
                          w->str);
            break;
        }
        cr_expect_eq(t.len, w->len,
                     "case '%s' token %zu: len %zu, expected %zu", src, i,
                     t.len, w->len);
        if (w->kind == TK_NUM)
            cr_expect_eq(t.num, w->num, "case '%s' token %zu: %g, expected %g",
                         src, i, t.num, w->num);
        if (w->kind == TK_STR) {
            cr_expect_eq(t.slen, strlen(w->str), "case '%s' token %zu: slen",
                         src, i);
            if (*w->str)
                cr_expect_str_eq(t.str, w->str, "case '%s' token %zu", src, i);
        }
    }
    phs__lex_free(&lx);
}

Test(lexer, every_case)
{
    for (size_t i = 0; i < T_COUNT(LEX_CASES); i++)
        expect_tokens(&LEX_CASES[i]);
}

/* Sources whose first token is an error with a message: malformed
 * numbers, a bad escape, characters outside the language. */
Test(lexer, bad_first_token)
{
    static const char *bad[] = {"1.2.3", "12abc", "3x", "'a\\nb'", "=",
                                "!",     "?",     "&&", "#",       "$x"};
    for (size_t i = 0; i < T_COUNT(bad); i++) {
        phs__lexer lx;
        phs__tok t;
        phs__lex_init(&lx, bad[i], strlen(bad[i]));
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, TK_ERROR, "case '%s' lexed as %s", bad[i],
                     phs__tok_name(t.kind));
        cr_expect(t.err != NULL, "case '%s': no message", bad[i]);
        phs__lex_free(&lx);
    }
}

Test(lexer, token_names)
{
    cr_expect_str_eq(phs__tok_name(TK_EOF), "end of expression");
    cr_expect_str_eq(phs__tok_name(TK_COALESCE), "'?\?'");
    cr_expect_str_eq(phs__tok_name(TK_GE), "'>='");
    cr_expect_str_eq(phs__tok_name(TK_ERROR), "invalid token");
}
