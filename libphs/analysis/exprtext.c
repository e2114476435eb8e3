/* Expressions as text (parameters folded, derived values by name) and
 * their hash with derived values expanded (see analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* ------------------------------------------------------------------ */
/* Expressions as text, and their hash                                 */
/* ------------------------------------------------------------------ */

const char *an_cmp_op(int sub)
{
    static const char *ops[] = {"==", "!=", "<", "<=", ">", ">="};
    return sub <= CMP_GE ? ops[sub] : "?";
}

static void text_val(phs__buf *b, const phs__val *v, int type)
{
    char t[40];
    switch (type) {
    case PHS__T_NUM: phs_number_format(v->u.n, t); phs__buf_puts(b, t); break;
    case PHS__T_BOOL: phs__buf_puts(b, v->u.i ? "true" : "false"); break;
    case PHS__T_DATE:
        phs_date_format(v->u.i, t);
        phs__buf_printf(b, "date('%s')", t);
        break;
    case PHS__T_STR: phs__buf_printf(b, "'%.*s'", (int)v->u.s.n, v->u.s.p); break;
    case PHS__T_LIST:
        phs__buf_putc(b, '[');
        for (uint32_t j = 0; j < v->u.l.n; j++)
            phs__buf_printf(b, "%s'%.*s'", j ? ", " : "", (int)v->u.l.items[j].n,
                            v->u.l.items[j].p);
        phs__buf_putc(b, ']');
        break;
    default:
        phs__buf_putc(b, '[');
        for (uint32_t j = 0; j < v->u.nl.n; j++) {
            phs_number_format(v->u.nl.items[j], t);
            phs__buf_printf(b, "%s%s", j ? ", " : "", t);
        }
        phs__buf_putc(b, ']');
    }
}

static int prec_of(const phs__node *n)
{
    switch (n->op) {
    case OP_IF: return 1;
    case OP_COALESCE: return 2;
    case OP_OR: return 3;
    case OP_AND: return 4;
    case OP_NOT: return 5;
    case OP_CMP: case OP_CMPF: case OP_CMPD: case OP_CMPE: case OP_INE:
    case OP_CMPFF: case OP_IN_CONST: case OP_IN_LIST: case OP_MATCH:
        return 6;
    case OP_ARITH: return n->sub == '+' || n->sub == '-' ? 7 : 8;
    case OP_DATE_ADD: case OP_DATE_DIFF: return 7;
    case OP_NEG: return 9;
    default: return 10;
    }
}

static void text_node(phs__buf *b, const phs_ruleset *rs, int32_t i,
                      int parent);

/* n's operands at precedences pa and pb around the operator text op. */
static void binary(phs__buf *b, const phs_ruleset *rs, const phs__node *n,
                   int pa, const char *op, int pb)
{
    text_node(b, rs, n->a, pa);
    phs__buf_puts(b, op);
    text_node(b, rs, n->b, pb);
}

static void text_node(phs__buf *b, const phs_ruleset *rs, int32_t i,
                      int parent)
{
    char op[16];
    const phs__node *n = &rs->nodes[i];
    int p = prec_of(n);
    if (b->len > 600)
        return;
    if (p < parent)
        phs__buf_putc(b, '(');
    switch ((phs__op)n->op) {
    case OP_CONST: text_val(b, &n->k, n->type); break;
    case OP_FIELD: phs__buf_puts(b, rs->fields[n->a].name); break;
    case OP_DERIVED: phs__buf_puts(b, rs->derived[n->a].name); break;
    case OP_LOCAL: phs__buf_printf(b, "x%d", n->a); break;
    case OP_NOT: phs__buf_puts(b, "not "); text_node(b, rs, n->a, 5); break;
    case OP_AND:
    case OP_OR:
        binary(b, rs, n, p, n->op == OP_AND ? " and " : " or ", p + 1);
        break;
    case OP_NEG: phs__buf_putc(b, '-'); text_node(b, rs, n->a, 9); break;
    case OP_ARITH:
    case OP_DATE_ADD:
        snprintf(op, sizeof op, " %c ", n->sub);
        binary(b, rs, n, p, op, p + 1);
        break;
    case OP_DATE_DIFF:
        binary(b, rs, n, p, " - ", p + 1);
        break;
    case OP_CMP:
        snprintf(op, sizeof op, " %s ", an_cmp_op(n->sub));
        binary(b, rs, n, 7, op, 7);
        break;
    case OP_CMPF:
    case OP_CMPD: {
        char t[40];
        phs_number_format(n->k.u.n, t);
        phs__buf_printf(b, "%s %s %s",
                        n->op == OP_CMPF ? rs->fields[n->a].name
                                         : rs->derived[n->a].name,
                        an_cmp_op(n->sub), t);
        break;
    }
    case OP_CMPE: {
        const phs__field *f = &rs->fields[n->a];
        phs__buf_printf(b, "%s %s '%s'", f->name, an_cmp_op(n->sub),
                        n->k.u.i >= 0 && (size_t)n->k.u.i < f->nvalues
                            ? f->values[n->k.u.i]
                            : "?");
        break;
    }
    case OP_INE: {
        const phs__field *f = &rs->fields[n->a];
        int first = 1;
        phs__buf_printf(b, "%s in [", f->name);
        for (size_t j = 0; j < f->nvalues; j++)
            if (n->c >> j & 1) {
                phs__buf_printf(b, "%s'%s'", first ? "" : ", ", f->values[j]);
                first = 0;
            }
        phs__buf_putc(b, ']');
        break;
    }
    case OP_CMPFF:
        phs__buf_printf(b, "%s %s %s", rs->fields[n->a].name, an_cmp_op(n->sub),
                        rs->fields[n->b].name);
        break;
    case OP_IN_CONST:
        text_node(b, rs, n->a, 7);
        phs__buf_puts(b, " in ");
        text_val(b, &n->k, n->sub == PHS__T_NUM ? PHS__T_NUMLIST : PHS__T_LIST);
        break;
    case OP_IN_LIST:
        binary(b, rs, n, 7, " in ", 7);
        break;
    case OP_MATCH:
        text_node(b, rs, n->a, 7);
        phs__buf_printf(b, " matches <pattern %d>", n->c);
        break;
    case OP_IF:
        phs__buf_puts(b, "if ");
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, " then ");
        text_node(b, rs, n->b, 1);
        phs__buf_puts(b, " else ");
        text_node(b, rs, n->c, 1);
        break;
    case OP_COALESCE:
        binary(b, rs, n, 3, " ?? ", 3);
        break;
    case OP_QUANT:
        phs__buf_printf(b, "%s(x%d in ",
                        n->sub == 'a' ? "any" : n->sub == 'l' ? "all" : "count",
                        n->c);
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, ": ");
        text_node(b, rs, n->b, 1);
        phs__buf_putc(b, ')');
        break;
    case OP_HAS_CODE:
        phs__buf_puts(b, "has_code(");
        text_node(b, rs, n->a, 1);
        phs__buf_puts(b, ", ");
        text_val(b, &n->k, PHS__T_LIST);
        phs__buf_putc(b, ')');
        break;
    default: {
        static const char *const fn[] = {
            [OP_KNOWN] = "known", [OP_AGE_AT] = "age_at",
            [OP_ADD_MONTHS] = "add_months", [OP_LEN] = "len",
            [OP_ABS] = "abs"};
        const char *name = n->op == OP_MINMAX ? (n->sub == 'm' ? "min" : "max")
                           : n->op < sizeof fn / sizeof fn[0] && fn[n->op]
                               ? fn[n->op]
                               : "f";
        phs__buf_printf(b, "%s(", name);
        if (n->a >= 0)
            text_node(b, rs, n->a, 1);
        if (n->b >= 0) {
            phs__buf_puts(b, ", ");
            text_node(b, rs, n->b, 1);
        }
        phs__buf_putc(b, ')');
    }
    }
    if (p < parent)
        phs__buf_putc(b, ')');
}

void an_expr_text(phs__buf *b, const phs_ruleset *rs, int32_t node)
{
    size_t start = b->len;
    if (node < 0) {
        phs__buf_puts(b, "true");
        return;
    }
    text_node(b, rs, node, 0);
    if (b->len - start > 600 && !b->oom) {
        b->len = start + 600;
        phs__buf_puts(b, "...");
    }
}

uint64_t an_h_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t h_val(uint64_t h, const phs__val *v, int type)
{
    switch (type) {
    case PHS__T_NUM: return an_h_mix(h, &v->u.n, sizeof v->u.n);
    case PHS__T_BOOL:
    case PHS__T_DATE: return an_h_mix(h, &v->u.i, sizeof v->u.i);
    case PHS__T_STR: return an_h_mix(h, v->u.s.p, v->u.s.n);
    case PHS__T_LIST:
        for (uint32_t j = 0; j < v->u.l.n; j++)
            h = an_h_mix(an_h_mix(h, v->u.l.items[j].p, v->u.l.items[j].n), "\0", 1);
        return h;
    default:
        return an_h_mix(h, v->u.nl.items, v->u.nl.n * sizeof(double));
    }
}

static uint64_t hash_node(const phs_ruleset *rs, int32_t i, int depth)
{
    uint64_t h = 0xcbf29ce484222325ull;
    if (i < 0 || depth > 200)
        return an_h_mix(h, "-", 1);
    const phs__node *n = &rs->nodes[i];
    h = an_h_mix(h, &n->op, 1);
    h = an_h_mix(h, &n->type, 1);
    h = an_h_mix(h, &n->sub, 1);
    switch ((phs__op)n->op) {
    case OP_CONST: return h_val(h, &n->k, n->type);
    case OP_FIELD:
        return an_h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
    case OP_DERIVED: {
        uint64_t r = hash_node(rs, rs->derived[n->a].expr.root, depth + 1);
        return an_h_mix(h, &r, sizeof r);
    }
    case OP_CMPF:
        h = an_h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        return h_val(h, &n->k, PHS__T_NUM);
    case OP_CMPD: {
        uint64_t r = hash_node(rs, rs->derived[n->a].expr.root, depth + 1);
        h = an_h_mix(h, &r, sizeof r);
        return h_val(h, &n->k, PHS__T_NUM);
    }
    case OP_CMPE:
    case OP_INE:
        h = an_h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        if (n->op == OP_INE)
            return an_h_mix(h, &n->c, sizeof n->c);
        return an_h_mix(h, &n->k.u.i, sizeof n->k.u.i);
    case OP_CMPFF:
        h = an_h_mix(h, rs->fields[n->a].name, strlen(rs->fields[n->a].name));
        return an_h_mix(h, rs->fields[n->b].name, strlen(rs->fields[n->b].name));
    case OP_LOCAL: return an_h_mix(h, &n->a, sizeof n->a);
    case OP_IN_CONST:
        h = h_val(h, &n->k, n->sub == PHS__T_NUM ? PHS__T_NUMLIST : PHS__T_LIST);
        break;
    case OP_HAS_CODE: h = h_val(h, &n->k, PHS__T_LIST); break;
    case OP_MATCH: h = an_h_mix(h, &n->c, sizeof n->c); break;
    case OP_QUANT: h = an_h_mix(h, &n->c, sizeof n->c); break;
    default: break;
    }
    uint64_t a = hash_node(rs, n->a, depth + 1), b = 0, c = 0;
    if (n->op != OP_MATCH && n->op != OP_QUANT && n->op != OP_IN_CONST &&
        n->op != OP_HAS_CODE && n->op != OP_KNOWN && n->op != OP_LEN &&
        n->op != OP_NOT && n->op != OP_NEG && n->op != OP_ABS)
        b = hash_node(rs, n->b, depth + 1);
    if (n->op == OP_QUANT)
        b = hash_node(rs, n->b, depth + 1);
    if (n->op == OP_IF)
        c = hash_node(rs, n->c, depth + 1);
    h = an_h_mix(h, &a, sizeof a);
    h = an_h_mix(h, &b, sizeof b);
    return an_h_mix(h, &c, sizeof c);
}

uint64_t an_expr_hash(const phs_ruleset *rs, int32_t node)
{
    return hash_node(rs, node, 0);
}
