/* Expression lexer. */
#include <stdlib.h>
#include <string.h>

#include "expr.h"

void phs__lex_init(phs__lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
}

void phs__lex_free(phs__lexer *lx) { phs__buf_free(&lx->sbuf); }

static const struct {
    const char *word;
    phs__tok_kind kind;
} keywords[] = {{"and", TK_AND},   {"or", TK_OR},       {"not", TK_NOT},
                {"in", TK_IN},     {"if", TK_IF},       {"then", TK_THEN},
                {"else", TK_ELSE}, {"true", TK_TRUE},   {"false", TK_FALSE},
                {"matches", TK_MATCHES}};

const char *phs__tok_name(phs__tok_kind k)
{
    static const char *names[] = {
        "end of expression", "number", "string", "name", "'and'", "'or'",
        "'not'", "'in'", "'if'", "'then'", "'else'", "'true'", "'false'",
        "'matches'", "'('", "')'", "'['", "']'", "','", "':'", "'=='", "'!='",
        "'<'", "'<='", "'>'", "'>='", "'+'", "'-'", "'*'", "'/'", "'?\?'",
        "invalid token"};
    return names[k];
}

static int is_ident(int c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

void phs__lex_next(phs__lexer *lx, phs__tok *t)
{
    const char *s = lx->src;
    while (lx->pos < lx->len &&
           (s[lx->pos] == ' ' || s[lx->pos] == '\t' || s[lx->pos] == '\n' ||
            s[lx->pos] == '\r'))
        lx->pos++;
    memset(t, 0, sizeof *t);
    t->off = lx->pos;
    if (lx->pos >= lx->len) {
        t->kind = TK_EOF;
        return;
    }
    char c = s[lx->pos];
    char d = lx->pos + 1 < lx->len ? s[lx->pos + 1] : '\0';
    if ((c >= '0' && c <= '9') || (c == '.' && d >= '0' && d <= '9')) {
        char tmp[64];
        size_t n = 0;
        while (lx->pos < lx->len && n < sizeof tmp - 1 &&
               ((s[lx->pos] >= '0' && s[lx->pos] <= '9') || s[lx->pos] == '.'))
            tmp[n++] = s[lx->pos++];
        tmp[n] = '\0';
        t->len = lx->pos - t->off;
        if (!phs__parse_decimal(tmp, n, &t->num) ||
            is_ident(lx->pos < lx->len ? s[lx->pos] : 0, 0)) {
            t->kind = TK_ERROR;
            t->err = "malformed number";
            return;
        }
        t->kind = TK_NUM;
        return;
    }
    if (is_ident((unsigned char)c, 1)) {
        while (lx->pos < lx->len && is_ident((unsigned char)s[lx->pos], 0))
            lx->pos++;
        t->len = lx->pos - t->off;
        t->kind = TK_IDENT;
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (strlen(keywords[i].word) == t->len &&
                memcmp(keywords[i].word, s + t->off, t->len) == 0)
                t->kind = keywords[i].kind;
        return;
    }
    if (c == '\'' || c == '"') {
        char q = c;
        lx->sbuf.len = 0;
        lx->pos++;
        for (;;) {
            if (lx->pos >= lx->len) {
                t->kind = TK_ERROR;
                t->err = "unterminated string";
                t->len = lx->pos - t->off;
                return;
            }
            char e = s[lx->pos++];
            if (e == q)
                break;
            if (e == '\\' && lx->pos < lx->len) {
                e = s[lx->pos++];
                if (e != '\\' && e != '\'' && e != '"') {
                    t->kind = TK_ERROR;
                    t->err = "unknown escape in string (only \\\\, \\' and "
                             "\\\" are allowed)";
                    t->len = lx->pos - t->off;
                    return;
                }
            }
            phs__buf_putc(&lx->sbuf, e);
        }
        phs__buf_putc(&lx->sbuf, '\0');
        lx->sbuf.len--;
        t->kind = lx->sbuf.oom ? TK_ERROR : TK_STR;
        t->err = "out of memory";
        t->str = lx->sbuf.p;
        t->slen = lx->sbuf.len;
        t->len = lx->pos - t->off;
        return;
    }
    lx->pos++;
    t->len = 1;
    switch (c) {
    case '(': t->kind = TK_LPAREN; return;
    case ')': t->kind = TK_RPAREN; return;
    case '[': t->kind = TK_LBRACK; return;
    case ']': t->kind = TK_RBRACK; return;
    case ',': t->kind = TK_COMMA; return;
    case ':': t->kind = TK_COLON; return;
    case '+': t->kind = TK_PLUS; return;
    case '-': t->kind = TK_MINUS; return;
    case '*': t->kind = TK_STAR; return;
    case '/': t->kind = TK_SLASH; return;
    default: break;
    }
    t->len = 2;
    if (c == '=' && d == '=') { lx->pos++; t->kind = TK_EQ; return; }
    if (c == '!' && d == '=') { lx->pos++; t->kind = TK_NE; return; }
    if (c == '<' && d == '=') { lx->pos++; t->kind = TK_LE; return; }
    if (c == '>' && d == '=') { lx->pos++; t->kind = TK_GE; return; }
    if (c == '?' && d == '?') { lx->pos++; t->kind = TK_COALESCE; return; }
    t->len = 1;
    if (c == '<') { t->kind = TK_LT; return; }
    if (c == '>') { t->kind = TK_GT; return; }
    t->kind = TK_ERROR;
    t->err = c == '=' ? "'=' is not an operator (did you mean '=='?)"
                      : "unexpected character";
}
