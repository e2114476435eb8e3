/* Private building blocks: SHA-256, the bounded YAML tree and its canonical
 * form, the arena and the text buffer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "run/run.h"
#include "time_scale.h"

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Each SHA-256 test runs with the accelerated blocks (SHA-NI, when the
 * CPU has them) and with the portable code. */
static int sha_accel;

static void sha_init(phs__sha256 *s)
{
    phs__sha256_init(s);
    s->accel = s->accel && sha_accel;
}

static void sha_of(const void *data, size_t n, char out[65])
{
    phs__sha256 s;
    unsigned char d[32];
    sha_init(&s);
    phs__sha256_update(&s, data, n);
    phs__sha256_final(&s, d);
    hex(d, out);
}

#define SHA_BOTH(name)                                                         \
    static void name##_body(void);                                             \
    Test(sha256, name)                                                         \
    {                                                                          \
        for (sha_accel = 1; sha_accel >= 0; sha_accel--)                       \
            name##_body();                                                     \
    }                                                                          \
    static void name##_body(void)

SHA_BOTH(known_vectors)
{
    char h[65];
    sha_of("", 0, h);
    cr_expect_str_eq(
        h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_of("abc", 3, h);
    cr_expect_str_eq(
        h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_of(m, strlen(m), h);
    cr_expect_str_eq(
        h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* FIPS 180-2 appendix B.3 message of 896 bits */
    m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklm"
        "nopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    sha_of(m, strlen(m), h);
    cr_expect_str_eq(
        h, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

SHA_BOTH(million_a_in_odd_chunks)
{
    static char buf[1000];
    memset(buf, 'a', sizeof buf);
    phs__sha256 s;
    unsigned char d[32];
    char h[65];
    sha_init(&s);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        n = n < sizeof buf ? n : sizeof buf;
        phs__sha256_update(&s, buf, n);
        left -= n;
        step = step * 3 % 997 + 1; /* irregular chunk sizes across blocks */
    }
    phs__sha256_final(&s, d);
    hex(d, h);
    cr_expect_str_eq(
        h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

SHA_BOTH(padding_boundaries)
{
    /* 55, 56 and 64 bytes straddle the length-padding boundary */
    static const struct {
        size_t n;
        const char *want;
    } v[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
    };
    char buf[64], h[65];
    memset(buf, 'a', sizeof buf);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sha_of(buf, v[i].n, h);
        cr_expect_str_eq(h, v[i].want, "%zu x 'a'", v[i].n);
    }
}

/* The accelerated and portable blocks agree on every length from 0 to 700
 * bytes of varied data (every position of the padding, several blocks). */
Test(sha256, accelerated_equals_portable)
{
    static unsigned char buf[700];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t n = 0; n <= sizeof buf; n++) {
        char h[2][65];
        for (sha_accel = 1; sha_accel >= 0; sha_accel--)
            sha_of(buf, n, h[sha_accel]);
        cr_assert_str_eq(h[1], h[0], "%zu bytes", n);
    }
}

/* ---- YAML tree ---- */

static phs__limits lim_default(void)
{
    phs__limits l = {1L << 20, 64, 100000, 64, 100000};
    return l;
}

static int parse(const char *text, phs__ynode **out, phs__arena *a)
{
    phs__limits l = lim_default();
    return phs__yaml_parse(out, a, "t.yaml", text, strlen(text), &l);
}

Test(yaml_tree, positions_kinds_and_lookup)
{
    phs__arena a = {0};
    phs__ynode *root;
    const char *text = "a: 1\nb:\n  - x\n  - 'y'\nc: {d: e}\n";
    cr_assert_eq(parse(text, &root, &a), PHS_OK);
    cr_expect_eq(root->kind, PHS__Y_MAP);
    cr_expect_eq(root->n, 6);
    const phs__ynode *b = phs__ymap_get(root, "b");
    cr_assert(b != NULL);
    cr_expect_eq(b->kind, PHS__Y_SEQ);
    cr_expect_eq(b->n, 2);
    cr_expect_str_eq(b->kids[0]->str, "x");
    cr_expect_eq(b->kids[0]->plain, 1);
    cr_expect_eq(b->kids[1]->plain, 0);
    cr_expect_eq(b->kids[1]->line, 4);
    cr_expect_eq(b->kids[1]->col, 5);
    const phs__ynode *c = phs__ymap_get(root, "c");
    cr_expect_eq(c->kind, PHS__Y_MAP);
    cr_expect_str_eq(phs__ymap_get(c, "d")->str, "e");
    cr_expect_null(phs__ymap_get(root, "zz"));
    cr_expect_null(phs__ymap_get(b, "x"));
    phs__arena_free(&a);
}

Test(yaml_tree, refuses_aliases_anchors_tags)
{
    static const char *bad[] = {
        "a: &x 1\nb: *x\n",
        "a: &x [1, 2]\n",
        "a: !!str 1\n",
        "a: !custom {b: 1}\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phs__arena a = {0};
        phs__ynode *root = (phs__ynode *)1;
        cr_expect_eq(parse(bad[i], &root, &a), PHS_ESPEC, "%s", bad[i]);
        cr_expect_null(root);
        cr_expect_eq(phs_error_line(phs_error_last()), 1);
        phs__arena_free(&a);
    }
}

Test(yaml_tree, duplicate_keys)
{
    phs__arena a = {0};
    phs__ynode *root;
    cr_expect_eq(parse("a: 1\nb: 2\na: 3\n", &root, &a), PHS_ESPEC);
    cr_expect_eq(phs_error_line(phs_error_last()), 3);
    cr_expect(strstr(phs_error_message(phs_error_last()), "duplicate key"));
    phs__arena_free(&a);
}

Test(yaml_tree, depth_node_and_size_limits)
{
    phs__arena a = {0};
    phs__ynode *root;
    phs__limits l = lim_default();
    l.yaml_depth = 3;
    const char *ok = "[[[1]]]";
    const char *deep = "[[[[1]]]]";
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", ok, strlen(ok), &l), PHS_OK);
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", deep, strlen(deep), &l),
                 PHS_ELIMIT);
    l = lim_default();
    l.yaml_nodes = 4;
    const char *four = "[1, 2, 3]";
    const char *five = "[1, 2, 3, 4]";
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", four, strlen(four), &l),
                 PHS_OK);
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", five, strlen(five), &l),
                 PHS_ELIMIT);
    l = lim_default();
    l.file_bytes = 8;
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", "a: 12345", 8, &l), PHS_OK);
    cr_expect_eq(phs__yaml_parse(&root, &a, "t", "a: 123456", 9, &l),
                 PHS_ELIMIT);
    phs__arena_free(&a);
}

Test(yaml_tree, hundred_thousand_brackets_fast)
{
    size_t n = 100000;
    char *s = malloc(n + 1);
    memset(s, '[', n);
    s[n] = '\0';
    phs__arena a = {0};
    phs__ynode *root;
    clock_t t0 = clock();
    cr_expect_eq(parse(s, &root, &a), PHS_ELIMIT);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_expect_lt(secs, 1.0 * T_TIME_SCALE, "took %.2f s", secs);
    phs__arena_free(&a);
    free(s);
}

Test(yaml_tree, empty_documents)
{
    static const char *empty[] = {"", "# only a comment\n", "\n\n", "---\n"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        phs__arena a = {0};
        phs__ynode *root = NULL;
        int rc = parse(empty[i], &root, &a);
        /* "---" alone is a document holding one empty scalar; the others
         * hold nothing at all */
        if (i < 3)
            cr_expect_eq(rc, PHS_ESPEC, "'%s'", empty[i]);
        phs__arena_free(&a);
    }
}

Test(yaml_tree, multiple_documents_refused)
{
    phs__arena a = {0};
    phs__ynode *root;
    cr_expect_eq(parse("a: 1\n---\nb: 2\n", &root, &a), PHS_ESPEC);
    phs__arena_free(&a);
}

static char *canon(const char *text)
{
    phs__arena a = {0};
    phs__ynode *root;
    phs__buf b = {0};
    cr_assert_eq(parse(text, &root, &a), PHS_OK, "%s", text);
    phs__yaml_canon(&b, root);
    phs__arena_free(&a);
    cr_assert(!b.oom);
    return b.p;
}

Test(yaml_tree, canonical_form)
{
    char *x = canon("b: [1, two]\na: {y: 2, x: '3'}\n");
    cr_expect_str_eq(x, "{s\"a\":{s\"x\":s\"3\",s\"y\":n2},s\"b\":[n1,s\"two\"]}");
    char *y = canon("# comment\na:\n  x: '3'   # trailing\n  y: 2.0\nb:\n  - 1\n"
                    "  - \"two\"\n");
    cr_expect_str_eq(x, y, "key order, style, comments and 2 vs 2.0 must not "
                           "matter");
    char *z = canon("a: {x: 3, y: 2}\nb: [1, two]\n");
    cr_expect_str_neq(x, z, "quoted '3' and plain 3 differ");
    free(x);
    free(y);
    free(z);
}

/* phs__yaml_parse_split leaves a trailing block `examples:` unparsed (its
 * text) and otherwise detaches the parsed value; either way the tree and the
 * part read as the whole file does, with the file's positions. */
static void split_case(const char *text, int lazy)
{
    phs__limits l = lim_default();
    phs__arena a = {0}, b = {0};
    phs__ynode *whole, *root;
    phs__ypart part;
    const phs__ynode *val;
    cr_assert_eq(parse(text, &whole, &a), PHS_OK, "%s", text);
    cr_assert_eq(phs__yaml_parse_split(&root, &part, &a, "t.yaml", text,
                                       strlen(text), &l, "examples"),
                 PHS_OK, "%s", text);
    cr_expect_eq(part.text != NULL, lazy, "%s", text);
    cr_expect_eq(part.node == NULL, lazy, "%s", text);
    cr_expect_null(phs__ymap_get(root, "examples"), "%s", text);
    cr_assert_eq(phs__yaml_parse_part(&val, &b, "t.yaml", &part, &l), PHS_OK);
    const phs__ynode *want = phs__ymap_get(whole, "examples");
    cr_assert(val && want, "%s", text);
    phs__buf x = {0}, y = {0};
    phs__yaml_canon(&x, val);
    phs__yaml_canon(&y, want);
    phs__buf_putc(&x, 0);
    phs__buf_putc(&y, 0);
    cr_expect_str_eq(x.p, y.p, "%s", text);
    cr_expect_eq(val->line, want->line, "%s", text);
    cr_expect_eq(val->kids[0]->line, want->kids[0]->line, "%s", text);
    cr_expect_eq(val->kids[0]->col, want->kids[0]->col, "%s", text);
    cr_expect_eq(root->n + 2, whole->n, "%s", text);
    phs__buf_free(&x);
    phs__buf_free(&y);
    phs__arena_free(&a);
    phs__arena_free(&b);
}

Test(yaml_tree, split_off_examples)
{
    /* trailing, block style: not parsed by the load */
    split_case("a: 1\nexamples:\n  - {x: 1}\n  - y: [2, 3]\n", 1);
    split_case("a: 1\nexamples:   # c\n# c\n- x\n\n- |\n  text\n  \n", 1);
    split_case("a: 1\r\nexamples:\r\n  - x\r\n", 1);
    split_case("---\na: [1,\n  2]\nb: \"q\n  r\"\nexamples:\n  - x\n", 1);
    /* followed by another key, flow style, first, or the root is not a
     * block mapping at column 0: parsed whole */
    split_case("a: 1\nexamples:\n  - x\nb: 2\n", 0);
    split_case("a: 1\nexamples: [x, y]\n", 0);
    split_case("examples:\n  - x\n", 0);
    split_case("{a: 1,\nexamples:\n  [x]}\n", 0);
    split_case("a: 1\nexamples:\n  - x\n...\n", 0);
    split_case("a: 1\rb: 2\nexamples:\n  - x\n", 0); /* lone CR: a line */
}

Test(strbuf, grows_and_escapes_json)
{
    phs__buf b = {0};
    for (int i = 0; i < 1000; i++)
        phs__buf_printf(&b, "%d,", i);
    cr_expect(!b.oom);
    cr_expect_eq(strlen(b.p), b.len);
    cr_expect(strncmp(b.p, "0,1,2,", 6) == 0);
    b.len = 0;
    phs__json_str(&b, "a\"b\\c\nd\x01", 8);
    cr_expect_str_eq(b.p, "\"a\\\"b\\\\c\\nd\\u0001\"");
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    b.len = 0;
    phs__buf_printf(&b, "<%s>", big); /* longer than the printf scratch */
    cr_expect_eq(b.len, sizeof big + 1);
    cr_expect_eq(b.p[0], '<');
    cr_expect_eq(b.p[b.len - 1], '>');
    phs__buf_free(&b);
}

Test(arena, aligned_zeroed_and_large_blocks)
{
    phs__arena a = {0};
    for (int i = 1; i < 200; i++) {
        unsigned char *p = phs__arena_alloc(&a, (size_t)i * 7);
        cr_assert(p != NULL);
        cr_expect_eq((uintptr_t)p % 8, 0);
        for (int k = 0; k < i * 7; k++)
            cr_assert_eq(p[k], 0);
        memset(p, 0xAB, (size_t)i * 7);
    }
    char *big = phs__arena_alloc(&a, 100000);
    cr_assert(big != NULL);
    memset(big, 1, 100000);
    char *after = phs__arena_alloc(&a, 16);
    cr_assert(after != NULL);
    char *s = phs__arena_strndup(&a, "hello world", 5);
    cr_expect_str_eq(s, "hello");
    phs__arena_free(&a);
    cr_expect_null(a.head);
}
