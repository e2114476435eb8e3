/* Compiling a rule set, for one column layout, into register operations.
 *
 * Each expression node becomes at most one operation (memoised per node, so
 * a derived value such as BMI is computed once for every program that reads
 * it), and equal operations are shared through a hash of their operands.
 * A field without a column is a constant (unknown, or the "not observed"
 * value), and an operation whose operands are constants is run once here,
 * on one lane, and becomes a constant itself; Kleene's and/or, if and ??
 * fold when one side decides.  A record check, tier or flag whose condition
 * folds to "cannot be true" is dropped.  Then every operation learns, from the
 * outputs that read it, which program versions need it (so a block runs only
 * what its residents' versions read, and an operation no output reads goes),
 * and registers are reused after their last reader.  The compiled program's
 * arrays are one allocation. */
#include <math.h>
#include <string.h>

#include "vm.h"

enum { RA = PHS__VRA, RB = PHS__VRB, RC = PHS__VRC, FOLD = PHS__VFOLD };
const uint8_t phs__vshape[V_NOPS] = {
    [V_LOAD] = 0, [V_DEFAULT] = RA | FOLD, [V_CODEBIT] = 0,
    [V_CODECOUNT] = 0, [V_SCALAR] = 0, [V_PRESENT] = 0, [V_NOT] = RA | FOLD,
    [V_AND] = RA | RB | FOLD, [V_OR] = RA | RB | FOLD, [V_NEG] = RA | FOLD,
    [V_ABS] = RA | FOLD, [V_ARITH] = RA | RB | FOLD, [V_CMP] = RA | RB | FOLD,
    [V_CMPB] = RA | RB | FOLD, [V_CMPK] = RA | FOLD, [V_INNUM] = RA | FOLD,
    [V_INMASK] = RA | FOLD, [V_DATE_ADD] = RA | RB | FOLD,
    [V_DATE_DIFF] = RA | RB | FOLD, [V_AGE_AT] = RA | RB | FOLD,
    [V_ADD_MONTHS] = RA | RB | FOLD, [V_MINMAX] = RA | RB | FOLD,
    [V_IF] = RA | RB | RC | FOLD, [V_COALESCE] = RA | RB | FOLD,
    [V_KNOWN] = RA | FOLD, [V_CHECK] = RB, [V_ELIG] = RB, [V_TIER] = RB,
    [V_DUE] = RB, [V_FLAG] = RB, [V_FLAGDUE] = RB};
#define SHAPE phs__vshape

typedef struct vreg {
    int32_t def;       /* defining operation, -1: a constant */
    double v;          /* constant value */
    uint8_t b, k;
} vreg;

typedef struct C {
    const phs_ruleset *rs;
    const uint64_t *layout;
    phs__vop *ops;
    size_t nops, opcap;
    vreg *regs;
    size_t nregs, regcap;
    int32_t *memo;     /* per node: register + 2; 1 = not a register */
    int32_t *hash;     /* operation index + 1 */
    size_t hcap;
    uint64_t need;     /* the unit being compiled */
    phs__vscratch *fold;
    phs__vunit *units; /* the program versions */
    size_t nunits, nhits;
    phs__vcodetest **tests; /* per field: its code tests */
    size_t *ntests;
    int oom;
} C;

static void c_free(C *c)
{
    for (size_t f = 0; c->tests && f < c->rs->nfields; f++)
        phs__free(c->tests[f]);
    phs__free(c->tests), phs__free(c->ntests), phs__free(c->units);
    phs__free(c->ops), phs__free(c->regs), phs__free(c->memo);
    phs__free(c->hash);
    phs__vscratch_free(c->fold);
}

static int32_t new_reg(C *c, int32_t def, double v, uint8_t b, uint8_t k)
{
    if (phs__grow(&c->regs, &c->regcap, c->nregs, sizeof *c->regs, 64) < 0) {
        c->oom = 1;
        return -1;
    }
    c->regs[c->nregs] = (vreg){def, v, b, k};
    return (int32_t)c->nregs++;
}

static int is_const(const C *c, int32_t r) { return r >= 0 && c->regs[r].def < 0; }

/* Constants are shared by value. */
static int32_t konst(C *c, double v, uint8_t b, uint8_t k)
{
    if (!k)
        v = 0, b = 0;
    for (size_t i = 0; i < c->nregs; i++)
        if (c->regs[i].def < 0 && c->regs[i].k == k && c->regs[i].b == b &&
            memcmp(&c->regs[i].v, &v, sizeof v) == 0)
            return (int32_t)i;
    return new_reg(c, -1, v, b, k);
}

static uint64_t op_hash(const phs__vop *o)
{
    uint64_t kb;
    memcpy(&kb, &o->k, sizeof kb);
    uint64_t h = o->op * 0x9E3779B97F4A7C15u;
    h = (h ^ (uint64_t)o->sub) * 0xC2B2AE3D27D4EB4Fu;
    h = (h ^ (uint32_t)o->a) * 0x9E3779B97F4A7C15u;
    h = (h ^ (uint32_t)o->b) * 0xC2B2AE3D27D4EB4Fu;
    h = (h ^ (uint32_t)o->c) * 0x9E3779B97F4A7C15u;
    return (h ^ kb) * 0xC2B2AE3D27D4EB4Fu;
}

static int same_op(const phs__vop *x, const phs__vop *y)
{
    return x->op == y->op && x->sub == y->sub && x->a == y->a &&
           x->b == y->b && x->c == y->c && memcmp(&x->k, &y->k, sizeof x->k) == 0;
}

/* Run a foldable operation on constants: one lane of the fold scratch. */
static int32_t fold(C *c, const phs__vop *o)
{
    phs__vop t = *o;
    int32_t *in[3] = {&t.a, &t.b, &t.c};
    phs__vm foldvm = {.rs = c->rs, .nregs = 4};
    for (int i = 0; i < 3; i++)
        if (SHAPE[o->op] & (1 << i)) {
            const vreg *r = &c->regs[*in[i]];
            phs__vscratch_set(c->fold, i, r->v, r->b, r->k);
            *in[i] = i;
        }
    t.d = 3;
    phs__vm_exec_op(&foldvm, c->fold, &t, 1);
    double v;
    uint8_t b, k;
    phs__vscratch_get(c->fold, 3, &v, &b, &k);
    return konst(c, v, b, k);
}

/* Emit (or share) an operation; returns its register.  Sinks (d unused)
 * return 0. */
static int32_t emit(C *c, phs__vop o)
{
    uint8_t sh = SHAPE[o.op];
    int sink = o.op >= V_CHECK;
    if (c->oom)
        return -1;
    if ((sh & FOLD) && !((sh & RA) && !is_const(c, o.a)) &&
        !((sh & RB) && !is_const(c, o.b)) && !((sh & RC) && !is_const(c, o.c)))
        return fold(c, &o);
    o.need = sink ? c->need : 0; /* the rest learn it from the sinks */
    if (!sink) {
        uint64_t h = op_hash(&o);
        for (size_t i = h & (c->hcap - 1);; i = (i + 1) & (c->hcap - 1)) {
            int32_t x = c->hash[i];
            if (!x) {
                c->hash[i] = (int32_t)c->nops + 1;
                break;
            }
            if (same_op(&c->ops[x - 1], &o))
                return c->ops[x - 1].d;
        }
    }
    if (phs__grow(&c->ops, &c->opcap, c->nops, sizeof *c->ops, 64) < 0) {
        c->oom = 1;
        return -1;
    }
    o.d = sink ? -1 : new_reg(c, (int32_t)c->nops, 0, 0, 0);
    c->ops[c->nops++] = o;
    if (c->nops * 2 > c->hcap) { /* rehash: keep the table half empty */
        size_t cap = c->hcap * 2;
        int32_t *h = phs__calloc(cap, sizeof *h);
        if (!h) {
            c->oom = 1;
            return -1;
        }
        for (size_t i = 0; i < c->nops; i++)
            if (c->ops[i].op < V_CHECK)
                for (size_t j = op_hash(&c->ops[i]) & (cap - 1);; j = (j + 1) & (cap - 1))
                    if (!h[j]) {
                        h[j] = (int32_t)i + 1;
                        break;
                    }
        phs__free(c->hash);
        c->hash = h;
        c->hcap = cap;
    }
    return sink ? 0 : o.d;
}

static phs__vop mk(int op, int32_t a, int32_t b, int32_t c, int sub)
{
    return (phs__vop){.op = (uint8_t)op, .sub = (uint8_t)sub, .a = a, .b = b, .c = c};
}

static int has_col(const C *c, int f)
{
    return (int)((c->layout[f / 64] >> (f % 64)) & 1);
}

/* A field read as the comparisons read it: absent = unknown. */
static int32_t load(C *c, int f)
{
    if (!has_col(c, f))
        return konst(c, 0, 0, 0);
    return emit(c, mk(V_LOAD, f, -1, -1, 0));
}

/* The bit of a code test of codes field f (-1: too many tests). */
static int code_test(C *c, int f, const phs__val *list, int prefix)
{
    for (size_t i = 0; i < c->ntests[f]; i++)
        if (c->tests[f][i].list == list && c->tests[f][i].prefix == prefix)
            return (int)i;
    if (c->ntests[f] == 64)
        return -1;
    size_t cap = c->ntests[f]; /* full: each test grows the array */
    if (phs__grow(&c->tests[f], &cap, c->ntests[f], sizeof *c->tests[f], 1) < 0) {
        c->oom = 1;
        return -1;
    }
    c->tests[f][c->ntests[f]] = (phs__vcodetest){list, prefix};
    return (int)c->ntests[f]++;
}

static int32_t node(C *c, int32_t i);

/* A node the engine has no kernel for: the tree evaluator, per resident
 * (on a record of every field with a column). */
static int32_t scalar(C *c, int32_t i)
{
    const phs__node *n = &c->rs->nodes[i];
    if (n->type != PHS__T_NUM && n->type != PHS__T_BOOL && n->type != PHS__T_DATE)
        return -1;
    return emit(c, mk(V_SCALAR, i, -1, -1, 0));
}

static int is_codes_field(const C *c, const phs__node *n)
{
    return n->op == OP_FIELD && c->rs->fields[n->a].type == PHS_TYPE_CODES;
}

static int32_t codes_op(C *c, int op, int f, int bit)
{
    int dflt = c->rs->fields[f].absent_default;
    if (!has_col(c, f))
        return konst(c, 0, 0, (uint8_t)dflt);
    return emit(c, mk(op, f, bit, dflt, 0));
}

static int32_t node_uncached(C *c, int32_t i)
{
    const phs__node *n = &c->rs->nodes[i];
    const phs_ruleset *rs = c->rs;
    int32_t a = -1, b = -1, x = -1;
    switch ((phs__op)n->op) {
    case OP_CONST:
        if (n->type == PHS__T_NUM)
            return konst(c, n->k.u.n, 0, 1);
        if (n->type == PHS__T_DATE)
            return konst(c, n->k.u.i, 0, 1);
        if (n->type == PHS__T_BOOL)
            return konst(c, 0, n->k.u.i != 0, 1);
        return -1;
    case OP_FIELD: {
        int t = rs->fields[n->a].type;
        if (t != PHS_TYPE_NUMBER && t != PHS_TYPE_BOOL && t != PHS_TYPE_DATE)
            return scalar(c, i);
        a = load(c, n->a);
        if (!rs->fields[n->a].absent_default)
            return a;
        return emit(c, mk(V_DEFAULT, a, -1, -1, t == PHS_TYPE_BOOL));
    }
    case OP_DERIVED:
        return node(c, rs->derived[n->a].expr.root);
    case OP_CMPF:
        return emit(c, (phs__vop){.op = V_CMPK, .sub = n->sub, .a = load(c, n->a),
                                  .b = -1, .c = -1, .k = n->k.u.n});
    case OP_CMPD:
        a = node(c, rs->derived[n->a].expr.root);
        if (a < 0)
            return scalar(c, i);
        return emit(c, (phs__vop){.op = V_CMPK, .sub = n->sub, .a = a, .b = -1,
                                  .c = -1, .k = n->k.u.n});
    case OP_CMPE:
        return emit(c, (phs__vop){.op = V_CMPK, .sub = n->sub, .a = load(c, n->a),
                                  .b = -1, .c = -1, .k = n->k.u.i});
    case OP_INE:
        return emit(c, (phs__vop){.op = V_INMASK, .a = load(c, n->a), .b = -1,
                                  .c = -1, .k = (double)(uint32_t)n->c});
    case OP_CMPFF:
        return emit(c, mk(V_CMP, load(c, n->a), load(c, n->b), -1, n->sub));
    case OP_HAS_CODE:
    case OP_QUANT: {
        const phs__node *l = &rs->nodes[n->a];
        const phs__val *list = &n->k;
        if (n->op == OP_QUANT) { /* any(x in f: x in [...]) */
            const phs__node *p = &rs->nodes[n->b];
            if (n->sub != 'a' || p->op != OP_IN_CONST || p->sub == PHS__T_NUM ||
                rs->nodes[p->a].op != OP_LOCAL || rs->nodes[p->a].a != n->c)
                return scalar(c, i);
            list = &p->k;
        }
        int bit = is_codes_field(c, l) ? code_test(c, l->a, list, n->op == OP_HAS_CODE) : -1;
        if (bit < 0)
            return c->oom ? -1 : scalar(c, i);
        return codes_op(c, V_CODEBIT, l->a, bit);
    }
    case OP_KNOWN: { /* of a text field: is it there? */
        const phs__node *f = &rs->nodes[n->a];
        int t = f->op == OP_FIELD ? rs->fields[f->a].type : -1;
        if (t != PHS_TYPE_ENUM && t != PHS_TYPE_STRING && t != PHS_TYPE_CODES)
            break;
        int dflt = rs->fields[f->a].absent_default;
        if (!has_col(c, f->a))
            return konst(c, 0, (uint8_t)dflt, 1);
        return emit(c, mk(V_PRESENT, f->a, -1, dflt, 0));
    }
    case OP_LEN:
        if (!is_codes_field(c, &rs->nodes[n->a]))
            return scalar(c, i);
        return codes_op(c, V_CODECOUNT, rs->nodes[n->a].a, 0);
    case OP_IN_CONST:
        if (n->sub != PHS__T_NUM || (a = node(c, n->a)) < 0)
            return scalar(c, i);
        return emit(c, mk(V_INNUM, a, -1, i, 0));
    case OP_CMP:
        if (n->c == PHS__T_STR)
            return scalar(c, i);
        break;
    case OP_NOT: case OP_AND: case OP_OR: case OP_NEG: case OP_ARITH:
    case OP_DATE_ADD: case OP_DATE_DIFF: case OP_IF: case OP_COALESCE:
    case OP_AGE_AT: case OP_ADD_MONTHS: case OP_MINMAX: case OP_ABS:
        if (n->type != PHS__T_NUM && n->type != PHS__T_BOOL && n->type != PHS__T_DATE)
            return -1;
        break;
    default:
        return scalar(c, i);
    }
    /* operators over registers */
    if ((a = node(c, n->a)) < 0)
        return c->oom ? -1 : scalar(c, i);
    if (n->op != OP_NOT && n->op != OP_NEG && n->op != OP_KNOWN &&
        n->op != OP_ABS && (b = node(c, n->b)) < 0)
        return c->oom ? -1 : scalar(c, i);
    if (n->op == OP_IF && (x = node(c, n->c)) < 0)
        return c->oom ? -1 : scalar(c, i);
    const vreg *ra = &c->regs[a], *rb = b >= 0 ? &c->regs[b] : NULL;
    int isbool = n->type == PHS__T_BOOL;
    switch ((phs__op)n->op) {
    case OP_AND:
    case OP_OR: { /* Kleene: a known decisive side decides alone */
        int dec = n->op == OP_OR;
        if (is_const(c, a) && ra->k)
            return ra->b == dec ? a : b;
        if (is_const(c, b) && rb->k)
            return rb->b == dec ? b : a;
        return emit(c, mk(dec ? V_OR : V_AND, a, b, -1, 0));
    }
    case OP_IF:
        if (is_const(c, a) && ra->k)
            return ra->b ? b : x;
        return emit(c, mk(V_IF, a, b, x, isbool));
    case OP_COALESCE:
        if (is_const(c, a))
            return ra->k ? a : b;
        return emit(c, mk(V_COALESCE, a, b, -1, isbool));
    case OP_NOT: return emit(c, mk(V_NOT, a, -1, -1, 0));
    case OP_NEG: return emit(c, mk(V_NEG, a, -1, -1, 0));
    case OP_ABS: return emit(c, mk(V_ABS, a, -1, -1, 0));
    case OP_KNOWN: return emit(c, mk(V_KNOWN, a, -1, -1, 0));
    case OP_ARITH: return emit(c, mk(V_ARITH, a, b, -1, n->sub));
    case OP_DATE_ADD: return emit(c, mk(V_DATE_ADD, a, b, -1, n->sub));
    case OP_DATE_DIFF: return emit(c, mk(V_DATE_DIFF, a, b, -1, 0));
    case OP_AGE_AT: return emit(c, mk(V_AGE_AT, a, b, -1, 0));
    case OP_ADD_MONTHS: return emit(c, mk(V_ADD_MONTHS, a, b, -1, 0));
    case OP_MINMAX: return emit(c, mk(V_MINMAX, a, b, -1, n->sub));
    default: /* OP_CMP */
        return emit(c, mk(n->c == PHS__T_BOOL ? V_CMPB : V_CMP, a, b, -1, n->sub));
    }
}

static int32_t node(C *c, int32_t i)
{
    if (c->oom)
        return -1;
    if (!c->memo[i]) {
        int32_t r = node_uncached(c, i);
        c->memo[i] = r + 2;
    }
    return c->memo[i] - 2;
}

/* A condition's register (true when there is none). */
static int32_t cond(C *c, const phs__expr *e)
{
    return e->root < 0 ? konst(c, 0, 1, 1) : node(c, e->root);
}

/* Can the condition in register r be true for some resident? */
static int may_hold(const C *c, int32_t r)
{
    return r >= 0 && !(is_const(c, r) && !(c->regs[r].k && c->regs[r].b));
}

static void compile_unit(C *c, size_t u)
{
    const phs__program *p = c->units[u].prog;
    c->need = u < 63 ? (uint64_t)1 << u : (uint64_t)1 << 63;
    emit(c, mk(V_ELIG, (int32_t)u, cond(c, &p->elig.when), -1, 0));
    size_t nt = p->ntiers;
    for (size_t t = 0; t < p->ntiers; t++) {
        int32_t r = cond(c, &p->tiers[t].r.when);
        if (is_const(c, r) && c->regs[r].k && !c->regs[r].b)
            continue; /* never decides */
        /* sub 1: its due date is the visit's, written with the tier */
        emit(c, mk(V_TIER, (int32_t)u, r, (int32_t)t, p->tiers[t].from.root < 0));
        if (is_const(c, r) && c->regs[r].k) { /* always decides */
            nt = t + 1;
            break;
        }
    }
    for (size_t t = 0; t < nt; t++) /* due dates from an expression */
        if (p->tiers[t].from.root >= 0)
            emit(c, mk(V_DUE, (int32_t)u, node(c, p->tiers[t].from.root),
                       (int32_t)t, 0));
    for (size_t f = 0; f < p->nflags && f < 64; f++) {
        int32_t r = cond(c, &p->flags[f].r.when);
        if (may_hold(c, r)) {
            const phs__flag *fl = &p->flags[f];
            emit(c, mk(V_FLAG, (int32_t)u, r, (int32_t)f, fl->enrolled + 1));
            if (fl->has_follow_up) /* after V_FLAG: reads its bit */
                emit(c, mk(V_FLAGDUE, (int32_t)u,
                           fl->from.root >= 0 ? node(c, fl->from.root) : -1,
                           (int32_t)f, 0));
        }
    }
}

/* Need propagation (from the sinks back), dead code, register allocation;
 * then the program in one allocation. */
static phs__vm *finish(C *c)
{
    const phs_ruleset *rs = c->rs;
    for (size_t i = c->nops; i-- > 0;) {
        const phs__vop *o = &c->ops[i];
        int32_t in[3] = {o->a, o->b, o->c};
        for (int j = 0; j < 3; j++)
            if ((SHAPE[o->op] & (1 << j)) && in[j] >= 0 && c->regs[in[j]].def >= 0)
                c->ops[c->regs[in[j]].def].need |= o->need;
    }
    size_t nops = 0, ncols = 0, ntests = 0;
    for (size_t i = 0; i < c->nops; i++)
        nops += c->ops[i].need != 0;
    for (size_t f = 0; f < rs->nfields; f++) {
        ncols += (size_t)has_col(c, (int)f);
        ntests += c->ntests[f];
    }
    phs__vm *vm = phs__calloc(1, sizeof *vm);
    int32_t *last, *phys, *freel;
    const size_t nr = c->nregs + 1, nf = rs->nfields;
    if (!vm)
        return NULL;
    const phs__vpart parts[] = {
        {&vm->layout, rs->nwords * sizeof *vm->layout},
        {&vm->cols, ncols * sizeof *vm->cols},
        {&vm->ops, nops * sizeof *vm->ops},
        {&vm->consts, nr * sizeof *vm->consts},
        {&vm->units, c->nunits * sizeof *vm->units},
        {&vm->unit_of, rs->nprograms * PHS__MAX_VERSIONS * sizeof *vm->unit_of},
        {&vm->tests, ntests * sizeof *vm->tests},
        {&vm->test_of, nf * sizeof *vm->test_of},
        {&vm->ntests, nf * sizeof *vm->ntests},
        {&vm->dec_of, nf * sizeof *vm->dec_of},
        /* the register allocator's working arrays (a few bytes each) */
        {&last, nr * sizeof *last},
        {&phys, nr * sizeof *phys},
        {&freel, nr * sizeof *freel},
    };
    if (!(vm->mem = phs__vparts_alloc(parts, sizeof parts / sizeof parts[0]))) {
        phs__free(vm);
        return NULL;
    }
    vm->rs = rs;
    memcpy(vm->layout, c->layout, rs->nwords * sizeof *vm->layout);
    memcpy(vm->units, c->units, c->nunits * sizeof *vm->units);
    vm->nunits = c->nunits;
    vm->nhits = c->nhits;
    for (size_t f = 0, t = 0; f < nf; f++) {
        int ty = rs->fields[f].type;
        vm->dec_of[f] = -1;
        vm->test_of[f] = (uint32_t)t;
        vm->ntests[f] = (uint32_t)c->ntests[f];
        for (size_t i = 0; i < c->ntests[f]; i++)
            vm->tests[t++] = c->tests[f][i];
        if (!has_col(c, (int)f))
            continue;
        vm->cols[vm->ncols++] = (int32_t)f;
        if (ty == PHS_TYPE_ENUM || ty == PHS_TYPE_CODES)
            vm->dec_of[f] = (int32_t)vm->ndecoded++;
    }
    for (size_t u = 0; u < c->nunits; u++)
        vm->unit_of[(size_t)c->units[u].p * PHS__MAX_VERSIONS + (size_t)c->units[u].v] =
            (int32_t)u;
    for (size_t r = 0; r < c->nregs; r++)
        phys[r] = -1;
    for (size_t i = 0; i < c->nops; i++) {
        const phs__vop *o = &c->ops[i];
        int32_t in[3] = {o->a, o->b, o->c};
        if (!o->need)
            continue;
        for (int j = 0; j < 3; j++)
            if ((SHAPE[o->op] & (1 << j)) && in[j] >= 0) {
                last[in[j]] = (int32_t)i;
                if (c->regs[in[j]].def < 0 && phys[in[j]] < 0) {
                    int32_t r = (int32_t)vm->nconsts++;
                    phys[in[j]] = r;
                    vm->consts[r] = (phs__vconst){r, c->regs[in[j]].v,
                                                  c->regs[in[j]].b,
                                                  c->regs[in[j]].k};
                }
            }
    }
    size_t nregs = vm->nconsts, nfree = 0;
    for (size_t i = 0; i < c->nops; i++) {
        phs__vop o = c->ops[i];
        int32_t *in[3] = {&o.a, &o.b, &o.c};
        if (!o.need)
            continue;
        int32_t virt[3] = {o.a, o.b, o.c};
        for (int j = 0; j < 3; j++)
            if ((SHAPE[o.op] & (1 << j)) && *in[j] >= 0)
                *in[j] = phys[*in[j]];
        if (o.d >= 0) {
            int32_t dv = o.d;
            o.d = nfree ? freel[--nfree] : (int32_t)nregs++;
            phys[dv] = o.d;
            if (last[dv] <= (int32_t)i) /* never read */
                freel[nfree++] = o.d;
        }
        for (int j = 0; j < 3; j++)
            if ((SHAPE[o.op] & (1 << j)) && virt[j] >= 0 &&
                c->regs[virt[j]].def >= 0 && last[virt[j]] == (int32_t)i &&
                (j == 0 || virt[j] != virt[0]) && (j < 2 || virt[2] != virt[1]))
                freel[nfree++] = phys[virt[j]];
        vm->ops[vm->nops++] = o;
    }
    vm->nregs = nregs;
    return vm;
}

int phs__vm_compile(const phs_ruleset *rs, const uint64_t *layout,
                    phs__vm **out)
{
    C c = {.rs = rs, .layout = layout};
    phs__vm foldvm = {.rs = rs, .nregs = 4};
    size_t nf = rs->nfields ? rs->nfields : 1;
    c.tests = phs__calloc(nf, sizeof *c.tests);
    c.ntests = phs__calloc(nf, sizeof *c.ntests);
    c.units = phs__calloc(rs->nallvers + rs->nprograms + 1, sizeof *c.units);
    c.memo = phs__calloc(rs->nnodes + 1, sizeof *c.memo);
    c.hcap = 1024;
    c.hash = phs__calloc(c.hcap, sizeof *c.hash);
    if (!c.tests || !c.ntests || !c.units || !c.memo || !c.hash ||
        phs__vscratch_new(&foldvm, &c.fold) < 0)
        goto oom;
    for (size_t p = 0; p < rs->nprograms; p++) {
        const phs__program *pr = &rs->programs[p];
        size_t nv = pr->nvers ? pr->nvers : 1;
        for (size_t v = 0; v < nv; v++) {
            const phs__program *pv = pr->nvers ? pr->vers[v] : pr;
            c.units[c.nunits++] = (phs__vunit){pv, (int)p, (int)v, (uint32_t)c.nhits};
            c.nhits += pv->ntiers;
        }
    }
    c.need = ~(uint64_t)0;
    for (size_t k = 0; k < rs->nchecks; k++) {
        int32_t r = cond(&c, &rs->checks[k].when);
        if (may_hold(&c, r))
            emit(&c, mk(V_CHECK, -1, r, (int32_t)k, 0));
    }
    for (size_t u = 0; u < c.nunits && !c.oom; u++)
        compile_unit(&c, u);
    if (c.oom || !(*out = finish(&c)))
        goto oom;
    c_free(&c);
    return PHS_OK;
oom:
    c_free(&c);
    return phs__error_set(PHS_ENOMEM, "out of memory");
}

void phs__vm_free(phs__vm *vm)
{
    if (vm)
        phs__free(vm->mem);
    phs__free(vm);
}
