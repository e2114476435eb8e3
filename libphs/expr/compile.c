/*
 * Expression parser, type checker and compiler: one pass, precedence
 * climbing, emitting typed nodes into the ruleset's node array with constant
 * folding.  Every error names the position in the rule file.
 *
 * One file of about 940 lines on purpose: parsing, typing and folding
 * happen in the same pass over each production (as in Lua's lparser.c), so
 * a production's grammar, its type rule and its specialised node stay
 * together; split by stage they would each need the other's state.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"

#define MAX_LOCALS 16

typedef struct {
    int32_t idx;
    uint8_t type;
    int field; /* enum field this value comes straight from, or -1 */
} R;

typedef struct {
    phs_ruleset *rs;
    const phs__scope *scope;
    const char *file;
    int line, col;
    phs__lexer lx;
    phs__tok tok;
    int depth, failed;
    const char *locals[MAX_LOCALS];
    int nlocals;
    /* height of each node of this expression (index - base): a flat chain
     * `a + a + ... + a` nests no parentheses yet builds a deep tree, and
     * evaluation recurses over the tree */
    uint16_t *height;
    size_t base, hcap;
} P;

static const char *type_name(int t)
{
    static const char *n[] = {"number", "bool", "string", "date",
                              "list of strings", "list of numbers"};
    return n[t];
}

static void perr(P *p, size_t off, const char *fmt, ...) PHS_PRINTF(3, 4);
static void perr(P *p, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    if (p->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->failed = 1;
    phs__error_at(PHS_ESPEC, p->file, p->line, p->col + (int)off, "%s", msg);
}

/* Out of memory is not a spec error: report PHS_ENOMEM. */
static void poom(P *p)
{
    if (p->failed)
        return;
    p->failed = 1;
    phs__error_set(PHS_ENOMEM, "out of memory");
}

static void next(P *p)
{
    phs__lex_next(&p->lx, &p->tok);
    if (p->tok.kind == TK_ERROR && p->lx.sbuf.oom)
        poom(p);
    else if (p->tok.kind == TK_ERROR)
        perr(p, p->tok.off, "%s", p->tok.err);
}

static int accept(P *p, phs__tok_kind k)
{
    if (p->tok.kind != k)
        return 0;
    next(p);
    return 1;
}

static void expect(P *p, phs__tok_kind k, const char *where)
{
    if (p->tok.kind != k)
        perr(p, p->tok.off, "expected %s %s, found %s", phs__tok_name(k),
             where, phs__tok_name(p->tok.kind));
    else
        next(p);
}

/* ---- node construction ---- */

static R bad(void) { return (R){-1, PHS__T_BOOL, -1}; }

static int32_t emit(P *p, phs__node n)
{
    phs_ruleset *rs = p->rs;
    if (p->failed)
        return -1;
    if (rs->nnodes == rs->nodes_cap) {
        size_t cap = rs->nodes_cap ? rs->nodes_cap * 2 : 256;
        phs__node *nn = phs__realloc(rs->nodes, cap * sizeof *nn);
        if (!nn) {
            poom(p);
            return -1;
        }
        rs->nodes = nn;
        rs->nodes_cap = cap;
    }
    rs->nodes[rs->nnodes] = n;
    return (int32_t)rs->nnodes++;
}

static int is_const(P *p, int32_t i) { return i >= 0 && p->rs->nodes[i].op == OP_CONST; }

static int height_of(P *p, int32_t i)
{
    return i >= 0 && (size_t)i >= p->base ? p->height[(size_t)i - p->base] : 0;
}

/* Record the new node's height; refuse trees taller than 4 x expr_depth. */
static int track_height(P *p, int32_t i, const phs__node *n)
{
    size_t k = (size_t)i - p->base;
    if (k >= p->hcap) {
        size_t cap = p->hcap ? p->hcap * 2 : 64;
        uint16_t *h = phs__realloc(p->height, cap * sizeof *h);
        if (!h) {
            poom(p);
            return 0;
        }
        p->height = h;
        p->hcap = cap;
    }
    int leaf = n->op == OP_CONST || n->op == OP_FIELD || n->op == OP_DERIVED ||
               n->op == OP_LOCAL || n->op == OP_CMPF || n->op == OP_CMPE ||
               n->op == OP_INE || n->op == OP_CMPFF ||
               n->op == OP_CMPD; /* a, b: not nodes */
    int h = leaf ? 0 : height_of(p, n->a);
    if (!leaf && height_of(p, n->b) > h)
        h = height_of(p, n->b);
    if (n->op == OP_IF && height_of(p, n->c) > h)
        h = height_of(p, n->c);
    p->height[k] = (uint16_t)(h + 1);
    if (h + 1 > 4 * p->rs->lim.expr_depth) {
        perr(p, p->tok.off, "expression too long: its tree is deeper than "
                            "%ld levels (split it into derived values)",
             4 * p->rs->lim.expr_depth);
        return 0;
    }
    return 1;
}

static R mk(P *p, phs__node n)
{
    R r = {emit(p, n), n.type, -1};
    if (r.idx < 0 || !track_height(p, r.idx, &n))
        return bad();
    /* Fold pure operators whose operands are all constants. */
    phs__node *x = &p->rs->nodes[r.idx];
    int foldable = x->op != OP_FIELD && x->op != OP_DERIVED &&
                   x->op != OP_LOCAL && x->op != OP_CONST && x->op != OP_MATCH &&
                   x->op != OP_QUANT && x->op != OP_CMPF && x->op != OP_CMPE &&
                   x->op != OP_INE && x->op != OP_CMPFF && x->op != OP_CMPD;
    if (foldable && (x->a < 0 || is_const(p, x->a)) &&
        (x->b < 0 || is_const(p, x->b)) &&
        (x->op == OP_CMP || x->c < 0 || is_const(p, x->c))) {
        phs__eval ev;
        phs__val v;
        uint64_t miss[PHS__MAX_FIELDS / 64];
        memset(&ev, 0, sizeof ev);
        ev.rs = p->rs;
        ev.miss = miss;
        int known = phs__expr_eval(&ev, r.idx, &v);
        if (known) {
            x = &p->rs->nodes[r.idx];
            x->op = OP_CONST;
            x->k = v;
            x->a = x->b = x->c = -1;
        }
    }
    return r;
}

static phs__node node(int op, int type, int32_t a, int32_t b, int32_t c)
{
    phs__node n;
    memset(&n, 0, sizeof n);
    n.op = (uint8_t)op;
    n.type = (uint8_t)type;
    n.a = a;
    n.b = b;
    n.c = c;
    return n;
}

static R const_num(P *p, double v)
{
    phs__node n = node(OP_CONST, PHS__T_NUM, -1, -1, -1);
    n.k.u.n = v;
    return mk(p, n);
}

static R const_bool(P *p, int v)
{
    phs__node n = node(OP_CONST, PHS__T_BOOL, -1, -1, -1);
    n.k.u.i = v;
    return mk(p, n);
}

static R const_str(P *p, const char *s, size_t len)
{
    phs__node n = node(OP_CONST, PHS__T_STR, -1, -1, -1);
    char *c = phs__arena_strndup(&p->rs->arena, s, len);
    if (!c) {
        poom(p);
        return bad();
    }
    n.k.u.s.p = c;
    n.k.u.s.n = (uint32_t)len;
    return mk(p, n);
}

/* ---- grammar ---- */

static R parse_expr(P *p);

static int enter(P *p)
{
    if (++p->depth > p->rs->lim.expr_depth) {
        perr(p, p->tok.off, "expression nested deeper than %ld levels",
             p->rs->lim.expr_depth);
        return 0;
    }
    return 1;
}

static void need(P *p, R r, int type, size_t off, const char *what)
{
    if (r.idx >= 0 && r.type != type)
        perr(p, off, "%s must be a %s, not a %s", what, type_name(type),
             type_name(r.type));
}

/* Check a string constant compared with an enum field against its values. */
static void check_enum(P *p, R field, R lit, size_t off)
{
    if (field.field < 0 || lit.idx < 0 || !is_const(p, lit.idx))
        return;
    const phs__field *f = &p->rs->fields[field.field];
    const phs__node *n = &p->rs->nodes[lit.idx];
    if (n->type == PHS__T_STR) {
        if (phs__field_enum_index(f, n->k.u.s.p, n->k.u.s.n) < 0)
            perr(p, off, "'%s' is not a value of %s (one of its declared "
                         "values is expected)", n->k.u.s.p, f->name);
    } else if (n->type == PHS__T_LIST) {
        for (uint32_t j = 0; j < n->k.u.l.n; j++) {
            const phs__str *it = &n->k.u.l.items[j];
            if (phs__field_enum_index(f, it->p, it->n) < 0)
                perr(p, off, "'%s' is not a value of %s", it->p, f->name);
        }
    }
}

/* list := '[' (const (',' const)*)? ']' — constants only */
static R parse_list(P *p)
{
    phs__str strs[256]; /* the items: strings or numbers */
    double nums[256];
    int type = -1;
    uint32_t n = 0;
    if (p->tok.kind != TK_RBRACK) {
        do {
            int neg = accept(p, TK_MINUS);
            if (n == 256) {
                perr(p, p->tok.off, "list literal longer than 256 items");
                return bad();
            }
            if (p->tok.kind == TK_NUM && (type == -1 || type == PHS__T_NUMLIST)) {
                nums[n++] = neg ? -p->tok.num : p->tok.num;
                type = PHS__T_NUMLIST;
            } else if (p->tok.kind == TK_STR && !neg &&
                       (type == -1 || type == PHS__T_LIST)) {
                char *c = phs__arena_strndup(&p->rs->arena, p->tok.str,
                                             p->tok.slen);
                if (!c) {
                    poom(p);
                    return bad();
                }
                strs[n++] = (phs__str){c, (uint32_t)p->tok.slen};
                type = PHS__T_LIST;
            } else {
                perr(p, p->tok.off, "a list literal holds constants of one "
                                    "type (all strings or all numbers)");
                return bad();
            }
            next(p);
        } while (accept(p, TK_COMMA));
    }
    expect(p, TK_RBRACK, "to close the list");
    if (p->failed)
        return bad();
    if (type == -1)
        type = PHS__T_LIST;
    /* the constant's items: a copy in the arena */
    int strings = type == PHS__T_LIST;
    size_t size = strings ? sizeof *strs : sizeof *nums;
    void *arr = phs__arena_alloc(&p->rs->arena, (n ? n : 1) * size);
    if (!arr) {
        poom(p);
        return bad();
    }
    memcpy(arr, strings ? (const void *)strs : (const void *)nums, n * size);
    phs__node nd = node(OP_CONST, type, -1, -1, -1);
    if (strings) {
        nd.k.u.l.items = arr;
        nd.k.u.l.n = n;
    } else {
        nd.k.u.nl.items = arr;
        nd.k.u.nl.n = n;
    }
    return mk(p, nd);
}

static R resolve_name(P *p, const char *name, size_t len, size_t off)
{
    char buf[128];
    if (len >= sizeof buf) {
        perr(p, off, "name too long");
        return bad();
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    for (int i = p->nlocals - 1; i >= 0; i--)
        if (strcmp(p->locals[i], buf) == 0)
            return mk(p, node(OP_LOCAL, PHS__T_STR, i, -1, -1));
    const phs__scope *sc = p->scope;
    for (size_t i = 0; i < sc->nparams; i++) {
        const phs__param *pa = &sc->params[i];
        if (strcmp(pa->name, buf) == 0) {
            phs__node n = node(OP_CONST, pa->type, -1, -1, -1);
            n.k = pa->value;
            return mk(p, n);
        }
    }
    /* derived values: the program's own first, then shared ones */
    for (int pass = 0; pass < 2; pass++) {
        int want = pass == 0 ? sc->program : -1;
        if (pass == 0 && want < 0)
            continue;
        for (size_t i = 0; i < p->rs->nderived; i++) {
            const phs__derived *d = &p->rs->derived[i];
            if (d->program == want && strcmp(d->name, buf) == 0)
                return mk(p, node(OP_DERIVED, d->expr.type, (int32_t)i, -1, -1));
        }
    }
    for (size_t i = 0; i < p->rs->nfields; i++) {
        const phs__field *f = &p->rs->fields[i];
        if (strcmp(f->name, buf) == 0) {
            static const uint8_t map[] = {PHS__T_NUM, PHS__T_BOOL, PHS__T_STR,
                                          PHS__T_DATE, PHS__T_STR,
                                          PHS__T_LIST};
            R r = mk(p, node(OP_FIELD, map[f->type], (int32_t)i, -1, -1));
            if (f->type == PHS_TYPE_ENUM)
                r.field = (int)i;
            return r;
        }
    }
    perr(p, off, "unknown name '%s' (not a field of the dictionary, a "
                 "parameter or a derived value)", buf);
    return bad();
}

static R parse_call(P *p, const char *name, size_t len, size_t off)
{
    char fn[32];
    R a = bad(), b = bad();
    if (len >= sizeof fn)
        len = sizeof fn - 1;
    memcpy(fn, name, len);
    fn[len] = '\0';
    next(p); /* '(' */

    if (!strcmp(fn, "any") || !strcmp(fn, "all") || !strcmp(fn, "count")) {
        if (p->tok.kind != TK_IDENT) {
            perr(p, p->tok.off, "%s(...) takes 'name in list: condition'", fn);
            return bad();
        }
        if (p->nlocals == MAX_LOCALS) {
            perr(p, p->tok.off, "quantifiers nested too deeply");
            return bad();
        }
        char *var = phs__arena_strndup(&p->rs->arena, p->lx.src + p->tok.off,
                                       p->tok.len);
        next(p);
        expect(p, TK_IN, "after the loop variable");
        size_t loff = p->tok.off;
        R list = parse_expr(p);
        need(p, list, PHS__T_LIST, loff, "the quantified value");
        expect(p, TK_COLON, "before the condition");
        if (!var)
            poom(p);
        if (p->failed)
            return bad();
        p->locals[p->nlocals++] = var;
        size_t coff = p->tok.off;
        R pred = parse_expr(p);
        p->nlocals--;
        need(p, pred, PHS__T_BOOL, coff, "the condition");
        expect(p, TK_RPAREN, "to close the call");
        if (p->failed)
            return bad();
        phs__node n = node(OP_QUANT, fn[0] == 'c' ? PHS__T_NUM : PHS__T_BOOL,
                           list.idx, pred.idx, p->nlocals);
        n.sub = (uint8_t)(fn[1] == 'n' ? 'a' : fn[1] == 'l' ? 'l' : 'c');
        return mk(p, n);
    }

    if (!strcmp(fn, "date")) {
        if (p->tok.kind != TK_STR) {
            perr(p, p->tok.off, "date(...) takes a constant 'YYYY-MM-DD'");
            return bad();
        }
        phs_date d = 0;
        /* phs_date_parse sets the thread's error: never over the first
         * error of this parse (it would turn PHS_ESPEC into PHS_EINVAL) */
        if (!p->failed && phs_date_parse(&d, p->tok.str, p->tok.slen) < 0) {
            perr(p, p->tok.off, "'%s' is not a valid date (YYYY-MM-DD)",
                 p->tok.str);
            return bad();
        }
        next(p);
        expect(p, TK_RPAREN, "to close the call");
        phs__node n = node(OP_CONST, PHS__T_DATE, -1, -1, -1);
        n.k.u.i = d;
        return mk(p, n);
    }

    size_t aoff = p->tok.off, boff = 0;
    int nargs = 0;
    if (p->tok.kind != TK_RPAREN) {
        a = parse_expr(p);
        nargs = 1;
        if (accept(p, TK_COMMA)) {
            boff = p->tok.off;
            b = parse_expr(p);
            nargs = 2;
        }
    }
    expect(p, TK_RPAREN, "to close the call");
    if (p->failed)
        return bad();

    static const struct {
        const char *name;
        int nargs, op, sub, t1, t2, rtype;
    } fns[] = {
        {"known", 1, OP_KNOWN, 0, -1, -1, PHS__T_BOOL},
        {"age_at", 2, OP_AGE_AT, 0, PHS__T_DATE, PHS__T_DATE, PHS__T_NUM},
        {"days_between", 2, OP_DATE_DIFF, 0, PHS__T_DATE, PHS__T_DATE,
         PHS__T_NUM},
        {"add_days", 2, OP_DATE_ADD, '+', PHS__T_DATE, PHS__T_NUM, PHS__T_DATE},
        {"add_months", 2, OP_ADD_MONTHS, 0, PHS__T_DATE, PHS__T_NUM,
         PHS__T_DATE},
        {"len", 1, OP_LEN, 0, PHS__T_LIST, -1, PHS__T_NUM},
        {"min", 2, OP_MINMAX, 'm', PHS__T_NUM, PHS__T_NUM, PHS__T_NUM},
        {"max", 2, OP_MINMAX, 'M', PHS__T_NUM, PHS__T_NUM, PHS__T_NUM},
        {"abs", 1, OP_ABS, 0, PHS__T_NUM, -1, PHS__T_NUM},
        {"has_code", 2, OP_HAS_CODE, 0, PHS__T_LIST, PHS__T_LIST, PHS__T_BOOL},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (strcmp(fns[i].name, fn) != 0)
            continue;
        if (nargs != fns[i].nargs) {
            perr(p, off, "%s() takes %d argument%s, not %d", fn,
                 fns[i].nargs, fns[i].nargs == 1 ? "" : "s", nargs);
            return bad();
        }
        if (fns[i].t1 >= 0)
            need(p, a, fns[i].t1, aoff, "the first argument");
        if (fns[i].t2 >= 0)
            need(p, b, fns[i].t2, boff, "the second argument");
        if (fns[i].op == OP_HAS_CODE && !is_const(p, b.idx))
            perr(p, boff, "has_code() takes a constant list of codes");
        if (p->failed)
            return bad();
        phs__node n;
        if (fns[i].op == OP_DATE_DIFF) /* days_between(a, b) = b - a */
            n = node(OP_DATE_DIFF, PHS__T_NUM, b.idx, a.idx, -1);
        else if (fns[i].op == OP_HAS_CODE) {
            n = node(OP_HAS_CODE, PHS__T_BOOL, a.idx, -1, -1);
            n.k = p->rs->nodes[b.idx].k;
        } else
            n = node(fns[i].op, fns[i].rtype, a.idx, nargs > 1 ? b.idx : -1,
                     -1);
        n.sub = (uint8_t)fns[i].sub;
        return mk(p, n);
    }
    perr(p, off, "unknown function '%s'", fn);
    return bad();
}

/* primary := NUM | STR | true | false | '(' expr ')' | '[' list ']'
 *          | NAME | NAME '(' args ')' */
static R parse_primary(P *p)
{
    size_t off = p->tok.off;
    R r;
    switch (p->tok.kind) {
    case TK_NUM:
        r = const_num(p, p->tok.num);
        next(p);
        return r;
    case TK_STR:
        r = const_str(p, p->tok.str, p->tok.slen);
        next(p);
        return r;
    case TK_TRUE:
    case TK_FALSE:
        r = const_bool(p, p->tok.kind == TK_TRUE);
        next(p);
        return r;
    case TK_LPAREN:
        next(p);
        r = parse_expr(p);
        expect(p, TK_RPAREN, "to close '('");
        return r;
    case TK_LBRACK:
        next(p);
        return parse_list(p);
    case TK_IDENT: {
        const char *name = p->lx.src + p->tok.off;
        size_t len = p->tok.len;
        next(p);
        if (p->tok.kind == TK_LPAREN)
            return parse_call(p, name, len, off);
        return resolve_name(p, name, len, off);
    }
    default:
        perr(p, off, "expected a value, found %s", phs__tok_name(p->tok.kind));
        return bad();
    }
}

/* A prefix operator's production, `tok self | lower` ('-' and 'not'): the
 * operand, parsed by the same production, must be of `type`, the result
 * is op(operand) of that type. */
static R parse_prefix(P *p, phs__tok_kind tok, R (*self)(P *),
                      R (*lower)(P *), phs__op op, int type, const char *what)
{
    if (p->tok.kind != tok)
        return lower(p);
    size_t off = p->tok.off;
    next(p);
    if (!enter(p))
        return bad();
    R a = self(p);
    p->depth--;
    need(p, a, type, off, what);
    if (p->failed)
        return bad();
    return mk(p, node(op, type, a.idx, -1, -1));
}

/* unary := '-' unary | primary */
static R parse_unary(P *p)
{
    return parse_prefix(p, TK_MINUS, parse_unary, parse_primary, OP_NEG,
                        PHS__T_NUM, "the operand of '-'");
}

/* mul := unary (('*' | '/') unary)* ;  add := mul (('+' | '-') mul)* */
static R parse_binary_arith(P *p, int level)
{
    R a = level ? parse_binary_arith(p, 0) : parse_unary(p);
    for (;;) {
        phs__tok_kind k = p->tok.kind;
        int mine = level ? (k == TK_PLUS || k == TK_MINUS)
                         : (k == TK_STAR || k == TK_SLASH);
        if (!mine || p->failed)
            return a;
        size_t off = p->tok.off;
        next(p);
        R b = level ? parse_binary_arith(p, 0) : parse_unary(p);
        if (p->failed)
            return bad();
        char sub = k == TK_PLUS ? '+' : k == TK_MINUS ? '-' : k == TK_STAR ? '*' : '/';
        phs__node n;
        if (a.type == PHS__T_NUM && b.type == PHS__T_NUM)
            n = node(OP_ARITH, PHS__T_NUM, a.idx, b.idx, -1);
        else if (a.type == PHS__T_DATE && b.type == PHS__T_NUM &&
                 (sub == '+' || sub == '-'))
            n = node(OP_DATE_ADD, PHS__T_DATE, a.idx, b.idx, -1);
        else if (a.type == PHS__T_DATE && b.type == PHS__T_DATE && sub == '-')
            n = node(OP_DATE_DIFF, PHS__T_NUM, a.idx, b.idx, -1);
        else {
            perr(p, off, "'%c' cannot combine a %s and a %s", sub,
                 type_name(a.type), type_name(b.type));
            return bad();
        }
        n.sub = (uint8_t)sub;
        a = mk(p, n);
    }
}

/* cmp := add (('==' | '!=' | '<' | '<=' | '>' | '>=') add
 *            | 'in' add | 'not' 'in' add | 'matches' STR)? */
static R parse_cmp(P *p)
{
    R a = parse_binary_arith(p, 1);
    phs__tok_kind k = p->tok.kind;
    size_t off = p->tok.off;
    if (p->failed)
        return bad();
    if (k >= TK_EQ && k <= TK_GE) {
        next(p);
        R b = parse_binary_arith(p, 1);
        if (p->failed)
            return bad();
        int ordered = k != TK_EQ && k != TK_NE;
        if (a.type != b.type || a.type == PHS__T_LIST ||
            a.type == PHS__T_NUMLIST || (ordered && a.type == PHS__T_BOOL)) {
            perr(p, off, "%s cannot compare a %s with a %s",
                 phs__tok_name(k), type_name(a.type), type_name(b.type));
            return bad();
        }
        check_enum(p, a, b, off);
        check_enum(p, b, a, off);
        int sub = CMP_EQ + (int)(k - TK_EQ);
        if (!ordered && b.field >= 0 && is_const(p, a.idx)) { /* 'M' == sex */
            R t = a;
            a = b;
            b = t;
        }
        const phs__node *na = &p->rs->nodes[a.idx];
        const phs__node *nb = &p->rs->nodes[b.idx];
        if (a.field >= 0 && !ordered && is_const(p, b.idx)) {
            /* enum field against a value: compare value indexes */
            phs__node n = node(OP_CMPE, PHS__T_BOOL, na->a, -1, -1);
            n.k.u.i = phs__field_enum_index(&p->rs->fields[a.field],
                                            nb->k.u.s.p, nb->k.u.s.n);
            n.sub = (uint8_t)sub;
            return mk(p, n);
        }
        if (a.type == PHS__T_NUM && na->op == OP_FIELD && nb->op == OP_FIELD) {
            phs__node n = node(OP_CMPFF, PHS__T_BOOL, na->a, nb->a, -1);
            n.sub = (uint8_t)sub;
            return mk(p, n);
        }
        if (a.type == PHS__T_NUM && na->op == OP_DERIVED && is_const(p, b.idx)) {
            phs__node n = node(OP_CMPD, PHS__T_BOOL, na->a, -1, -1);
            n.k = nb->k;
            n.sub = (uint8_t)sub;
            return mk(p, n);
        }
        if (a.type == PHS__T_NUM && na->op == OP_FIELD && is_const(p, b.idx)) {
            phs__node n = node(OP_CMPF, PHS__T_BOOL, na->a, -1, -1);
            n.k = p->rs->nodes[b.idx].k;
            n.sub = (uint8_t)sub;
            return mk(p, n);
        }
        phs__node n = node(OP_CMP, PHS__T_BOOL, a.idx, b.idx, a.type);
        n.sub = (uint8_t)sub;
        return mk(p, n);
    }
    if (k == TK_IN) {
        next(p);
        size_t boff = p->tok.off;
        R b = parse_binary_arith(p, 1);
        if (p->failed)
            return bad();
        if (b.type == PHS__T_LIST && a.type == PHS__T_STR) {
            check_enum(p, a, b, boff);
            const phs__field *ef = a.field >= 0 ? &p->rs->fields[a.field] : NULL;
            if (ef && ef->nvalues <= 31 && is_const(p, b.idx) && !p->failed) {
                const phs__node *nb = &p->rs->nodes[b.idx];
                phs__node n = node(OP_INE, PHS__T_BOOL,
                                   p->rs->nodes[a.idx].a, -1, 0);
                for (uint32_t j = 0; j < nb->k.u.l.n; j++)
                    n.c |= (int32_t)1 << phs__field_enum_index(
                        ef, nb->k.u.l.items[j].p, nb->k.u.l.items[j].n);
                return mk(p, n);
            }
            if (is_const(p, b.idx)) {
                phs__node n = node(OP_IN_CONST, PHS__T_BOOL, a.idx, -1, -1);
                n.k = p->rs->nodes[b.idx].k;
                n.sub = PHS__T_STR;
                return mk(p, n);
            }
            return mk(p, node(OP_IN_LIST, PHS__T_BOOL, a.idx, b.idx, -1));
        }
        if (b.type == PHS__T_NUMLIST && a.type == PHS__T_NUM &&
            is_const(p, b.idx)) {
            phs__node n = node(OP_IN_CONST, PHS__T_BOOL, a.idx, -1, -1);
            n.k = p->rs->nodes[b.idx].k;
            n.sub = PHS__T_NUM;
            return mk(p, n);
        }
        perr(p, off, "'in' needs a string in a list of strings or a number "
                     "in a constant list of numbers, not a %s in a %s",
             type_name(a.type), type_name(b.type));
        return bad();
    }
    if (k == TK_MATCHES) {
        next(p);
        if (p->tok.kind != TK_STR) {
            perr(p, p->tok.off, "'matches' takes a constant pattern string");
            return bad();
        }
        need(p, a, PHS__T_STR, off, "the left side of 'matches'");
        if (p->failed)
            return bad();
        int errcode;
        PCRE2_SIZE erroff;
        pcre2_compile_context *cc = pcre2_compile_context_create(p->rs->gctx);
        if (!cc) {
            poom(p);
            return bad();
        }
        pcre2_set_parens_nest_limit(cc, 64);
        pcre2_code *re = pcre2_compile(
            (PCRE2_SPTR)p->tok.str, p->tok.slen,
            PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C, &errcode, &erroff, cc);
        pcre2_compile_context_free(cc);
        if (!re && errcode == PCRE2_ERROR_HEAP_FAILED) {
            poom(p);
            return bad();
        }
        if (!re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(errcode, msg, sizeof msg);
            perr(p, p->tok.off + 1 + erroff, "bad regular expression: %s",
                 (const char *)msg);
            return bad();
        }
        /* without JIT support PCRE2 interprets; out of memory is an error */
        if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == PCRE2_ERROR_NOMEMORY) {
            pcre2_code_free(re);
            poom(p);
            return bad();
        }
        phs_ruleset *rs = p->rs;
        if (rs->nregex == rs->regex_cap) {
            size_t cap = rs->regex_cap ? rs->regex_cap * 2 : 8;
            pcre2_code **nr = phs__realloc(rs->regex, cap * sizeof *nr);
            if (!nr) {
                pcre2_code_free(re);
                poom(p);
                return bad();
            }
            rs->regex = nr;
            rs->regex_cap = cap;
        }
        rs->regex[rs->nregex] = re;
        uint32_t cap = 0;
        pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &cap);
        if (cap + 1 > rs->max_ovector)
            rs->max_ovector = cap + 1;
        next(p);
        return mk(p, node(OP_MATCH, PHS__T_BOOL, a.idx, -1,
                          (int32_t)rs->nregex++));
    }
    return a;
}

/* not := 'not' not | cmp */
static R parse_not(P *p)
{
    return parse_prefix(p, TK_NOT, parse_not, parse_cmp, OP_NOT, PHS__T_BOOL,
                        "the operand of 'not'");
}

/* Kleene and/or with constant shortcuts: `true and x` is x, `false or x`
 * is x; `false and x` / `true or x` fold whole. */
static R logic(P *p, int op, R a, R b)
{
    for (int side = 0; side < 2; side++) {
        R c = side ? b : a, o = side ? a : b;
        if (!is_const(p, c.idx))
            continue;
        int v = p->rs->nodes[c.idx].k.u.i;
        if ((op == OP_AND && v) || (op == OP_OR && !v))
            return o;
        return c;
    }
    return mk(p, node(op, PHS__T_BOOL, a.idx, b.idx, -1));
}

/* and := not ('and' not)* ;  or := and ('or' and)* */
static R parse_logic(P *p, int level)
{
    R a = level ? parse_logic(p, 0) : parse_not(p);
    phs__tok_kind k = level ? TK_OR : TK_AND;
    while (p->tok.kind == k && !p->failed) {
        size_t off = p->tok.off;
        next(p);
        R b = level ? parse_logic(p, 0) : parse_not(p);
        need(p, a, PHS__T_BOOL, off, "the left side");
        need(p, b, PHS__T_BOOL, off, "the right side");
        if (p->failed)
            return bad();
        a = logic(p, level ? OP_OR : OP_AND, a, b);
    }
    return a;
}

/* coalesce := or (COALESCE or)*    (COALESCE is two question marks) */
static R parse_coalesce(P *p)
{
    R a = parse_logic(p, 1);
    while (p->tok.kind == TK_COALESCE && !p->failed) {
        size_t off = p->tok.off;
        next(p);
        R b = parse_logic(p, 1);
        if (p->failed)
            return bad();
        if (a.type != b.type) {
            perr(p, off, "'?\?' needs both sides of one type, not %s and %s",
                 type_name(a.type), type_name(b.type));
            return bad();
        }
        a = mk(p, node(OP_COALESCE, a.type, a.idx, b.idx, -1));
    }
    return a;
}

/* expr := 'if' expr 'then' expr 'else' expr | coalesce */
static R parse_expr(P *p)
{
    if (!enter(p))
        return bad();
    R r;
    if (p->tok.kind == TK_IF) {
        size_t off = p->tok.off;
        next(p);
        R c = parse_expr(p);
        need(p, c, PHS__T_BOOL, off, "the condition of 'if'");
        expect(p, TK_THEN, "after the condition");
        size_t toff = p->tok.off;
        R t = parse_expr(p);
        expect(p, TK_ELSE, "('if' needs an 'else')");
        R e = parse_expr(p);
        if (!p->failed && t.type != e.type)
            perr(p, toff, "'then' and 'else' give different types (%s, %s)",
                 type_name(t.type), type_name(e.type));
        if (p->failed)
            r = bad();
        else if (is_const(p, c.idx))
            r = p->rs->nodes[c.idx].k.u.i ? t : e;
        else
            r = mk(p, node(OP_IF, t.type, c.idx, t.idx, e.idx));
    } else {
        r = parse_coalesce(p);
    }
    p->depth--;
    return r;
}

/* ---- references (for "missing" reporting) ---- */

static void collect_refs(const phs_ruleset *rs, int32_t i, uint64_t *set)
{
    if (i < 0)
        return;
    const phs__node *n = &rs->nodes[i];
    switch (n->op) {
    case OP_CONST:
    case OP_LOCAL:
    case OP_KNOWN: /* known(x) is decided whatever x is */
        return;
    case OP_CMPFF:
        set[n->b / 64] |= (uint64_t)1 << (n->b % 64);
        /* fall through */
    case OP_FIELD:
    case OP_CMPF:
    case OP_CMPE:
    case OP_INE:
        set[n->a / 64] |= (uint64_t)1 << (n->a % 64);
        return;
    case OP_DERIVED:
    case OP_CMPD: {
        const uint64_t *r = rs->derived[n->a].expr.refs;
        for (size_t w = 0; w < rs->nwords; w++)
            set[w] |= r[w];
        return;
    }
    case OP_MATCH:
        collect_refs(rs, n->a, set);
        return;
    case OP_CMP:
        collect_refs(rs, n->a, set);
        collect_refs(rs, n->b, set);
        return;
    default:
        collect_refs(rs, n->a, set);
        collect_refs(rs, n->b, set);
        if (n->op == OP_IF)
            collect_refs(rs, n->c, set);
        return;
    }
}

int phs__expr_compile(phs_ruleset *rs, const phs__scope *scope,
                      const char *file, const phs__ynode *src, phs__expr *out)
{
    P p;
    memset(&p, 0, sizeof p);
    p.rs = rs;
    p.scope = scope;
    p.file = file;
    p.line = src->line;
    p.col = src->col + (src->plain ? 0 : 1);
    out->root = -1;
    out->refs = NULL;
    if (src->kind != PHS__Y_SCALAR)
        return phs__error_at(PHS_ESPEC, file, src->line, src->col,
                             "expected an expression (a string)");
    p.base = rs->nnodes;
    phs__lex_init(&p.lx, src->str, src->len);
    next(&p);
    R r = parse_expr(&p);
    if (!p.failed && p.tok.kind != TK_EOF)
        perr(&p, p.tok.off, "unexpected %s after the expression",
             phs__tok_name(p.tok.kind));
    phs__lex_free(&p.lx);
    phs__free(p.height);
    if (p.failed)
        return phs_error_code(phs_error_last());
    uint64_t *refs = phs__arena_alloc(&rs->arena, rs->nwords * sizeof *refs);
    if (!refs)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    collect_refs(rs, r.idx, refs);
    out->root = r.idx;
    out->type = r.type;
    out->refs = refs;
    return PHS_OK;
}
