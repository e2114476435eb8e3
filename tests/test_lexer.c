/* The expression lexer (private API): tokens, positions, errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "expr/expr.h"

typedef struct {
    phs__tok_kind kind;
    size_t off, len;
} want_tok;

static void expect_tokens(const char *src, const want_tok *w, size_t n)
{
    phs__lexer lx;
    phs__tok t;
    phs__lex_init(&lx, src, strlen(src));
    for (size_t i = 0; i < n; i++) {
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, w[i].kind, "'%s' token %zu: kind %s, expected %s",
                     src, i, phs__tok_name(t.kind), phs__tok_name(w[i].kind));
        cr_expect_eq(t.off, w[i].off, "'%s' token %zu: offset %zu, expected %zu",
                     src, i, t.off, w[i].off);
        if (w[i].kind != TK_EOF)
            cr_expect_eq(t.len, w[i].len, "'%s' token %zu: len %zu, expected %zu",
                         src, i, t.len, w[i].len);
    }
    phs__lex_free(&lx);
}

Test(lexer, operators_and_punctuation)
{
    const char *src = "( ) [ ] , : == != < <= > >= + - * / ??";
    want_tok w[] = {
        {TK_LPAREN, 0, 1}, {TK_RPAREN, 2, 1},  {TK_LBRACK, 4, 1},
        {TK_RBRACK, 6, 1}, {TK_COMMA, 8, 1},   {TK_COLON, 10, 1},
        {TK_EQ, 12, 2},    {TK_NE, 15, 2},     {TK_LT, 18, 1},
        {TK_LE, 20, 2},    {TK_GT, 23, 1},     {TK_GE, 25, 2},
        {TK_PLUS, 28, 1},  {TK_MINUS, 30, 1},  {TK_STAR, 32, 1},
        {TK_SLASH, 34, 1}, {TK_COALESCE, 36, 2}, {TK_EOF, 38, 0},
    };
    expect_tokens(src, w, sizeof w / sizeof w[0]);
}

Test(lexer, no_space_needed_between_tokens)
{
    const char *src = "sbp>=180";
    want_tok w[] = {{TK_IDENT, 0, 3}, {TK_GE, 3, 2}, {TK_NUM, 5, 3},
                    {TK_EOF, 8, 0}};
    expect_tokens(src, w, 4);
    const char *src2 = "a<b";
    want_tok w2[] = {{TK_IDENT, 0, 1}, {TK_LT, 1, 1}, {TK_IDENT, 2, 1},
                     {TK_EOF, 3, 0}};
    expect_tokens(src2, w2, 4);
}

Test(lexer, keywords_and_identifiers)
{
    const char *src = "and or not in if then else true false matches android "
                      "iffy _x1 notes";
    want_tok w[] = {
        {TK_AND, 0, 3},      {TK_OR, 4, 2},        {TK_NOT, 7, 3},
        {TK_IN, 11, 2},      {TK_IF, 14, 2},       {TK_THEN, 17, 4},
        {TK_ELSE, 22, 4},    {TK_TRUE, 27, 4},     {TK_FALSE, 32, 5},
        {TK_MATCHES, 38, 7}, {TK_IDENT, 46, 7},    {TK_IDENT, 54, 4},
        {TK_IDENT, 59, 3},   {TK_IDENT, 63, 5},    {TK_EOF, 68, 0},
    };
    expect_tokens(src, w, sizeof w / sizeof w[0]);
}

Test(lexer, numbers)
{
    phs__lexer lx;
    phs__tok t;
    const char *src = "140 16.7 .5 0";
    phs__lex_init(&lx, src, strlen(src));
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_NUM);
    cr_expect_eq(t.num, 140.0);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_NUM);
    cr_expect_eq(t.num, 16.7);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_NUM);
    cr_expect_eq(t.num, 0.5);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_NUM);
    cr_expect_eq(t.num, 0.0);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_EOF);
    phs__lex_free(&lx);
}

Test(lexer, malformed_numbers)
{
    static const char *bad[] = {"1.2.3", "12abc", "3x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phs__lexer lx;
        phs__tok t;
        phs__lex_init(&lx, bad[i], strlen(bad[i]));
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, TK_ERROR, "'%s' lexed as %s", bad[i],
                     phs__tok_name(t.kind));
        cr_expect(t.err != NULL);
        phs__lex_free(&lx);
    }
}

Test(lexer, strings_and_escapes)
{
    phs__lexer lx;
    phs__tok t;
    const char *src = "'I10' \"E11\" 'it\\'s' \"a\\\\b\" '' '高血压'";
    phs__lex_init(&lx, src, strlen(src));
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_str_eq(t.str, "I10");
    cr_expect_eq(t.slen, 3);
    cr_expect_eq(t.off, 0);
    cr_expect_eq(t.len, 5);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_str_eq(t.str, "E11");
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_str_eq(t.str, "it's");
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_str_eq(t.str, "a\\b");
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_eq(t.slen, 0);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_STR);
    cr_expect_str_eq(t.str, "高血压");
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_EOF);
    phs__lex_free(&lx);
}

Test(lexer, unterminated_string)
{
    phs__lexer lx;
    phs__tok t;
    const char *src = "note == 'abc";
    phs__lex_init(&lx, src, strlen(src));
    phs__lex_next(&lx, &t);
    phs__lex_next(&lx, &t);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_ERROR);
    cr_expect_eq(t.off, 8);
    cr_expect(t.err && strstr(t.err, "unterminated"), "message: %s", t.err);
    phs__lex_free(&lx);
}

Test(lexer, bad_escape_and_bad_characters)
{
    static const char *bad[] = {"'a\\nb'", "=", "!", "?", "&&", "#", "$x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phs__lexer lx;
        phs__tok t;
        phs__lex_init(&lx, bad[i], strlen(bad[i]));
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, TK_ERROR, "'%s' lexed as %s", bad[i],
                     phs__tok_name(t.kind));
        phs__lex_free(&lx);
    }
    phs__lexer lx;
    phs__tok t;
    phs__lex_init(&lx, "a = 1", 5);
    phs__lex_next(&lx, &t);
    phs__lex_next(&lx, &t);
    cr_expect_eq(t.kind, TK_ERROR);
    cr_expect(strstr(t.err, "=="), "the '=' message suggests '==': %s", t.err);
    phs__lex_free(&lx);
}

Test(lexer, whitespace_and_newlines)
{
    const char *src = "\n\t a \r\n  or\tb  ";
    want_tok w[] = {{TK_IDENT, 3, 1}, {TK_OR, 9, 2}, {TK_IDENT, 12, 1},
                    {TK_EOF, 15, 0}};
    expect_tokens(src, w, 4);
}

Test(lexer, respects_length_not_nul)
{
    /* the source is not NUL-terminated where the length ends */
    const char src[] = "abc+def";
    want_tok w[] = {{TK_IDENT, 0, 3}, {TK_EOF, 3, 0}};
    phs__lexer lx;
    phs__tok t;
    phs__lex_init(&lx, src, 3);
    for (int i = 0; i < 2; i++) {
        phs__lex_next(&lx, &t);
        cr_expect_eq(t.kind, w[i].kind);
        cr_expect_eq(t.off, w[i].off);
    }
    phs__lex_free(&lx);
}

Test(lexer, token_names)
{
    cr_expect_str_eq(phs__tok_name(TK_EOF), "end of expression");
    cr_expect_str_eq(phs__tok_name(TK_COALESCE), "'?\?'");
    cr_expect_str_eq(phs__tok_name(TK_GE), "'>='");
    cr_expect_str_eq(phs__tok_name(TK_ERROR), "invalid token");
}
