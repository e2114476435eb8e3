/* Shared code of the fuzz targets (fuzz.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name)
{
    char path[4096];
    FILE *f;
    char *p;
    long n;

    snprintf(path, sizeof path, "%s/%s", PHS_FUZZ_DIR, name);
    f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || !(p = malloc((size_t)n + 1)) ||
        fread(p, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        abort();
    }
    p[n] = '\0';
    fclose(f);
    return p;
}

const char *fuzz_dictionary(void)
{
    static char *dict;
    if (!dict)
        dict = slurp("fields.yaml");
    return dict;
}

const char *fuzz_program(void)
{
    static char *prog;
    if (!prog)
        prog = slurp("program.yaml");
    return prog;
}

/* One set-up for every target: read the files before the first input, so
 * that no input pays for it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fuzz_dictionary();
    (void)fuzz_program();
    return 0;
}

void fuzz_fail(const char *what, int rc)
{
    const phs_error *e = phs_error_last();
    fprintf(stderr, "fuzz finding: %s: status %d, message \"%s\"\n", what, rc,
            phs_error_message(e) ? phs_error_message(e) : "(null)");
    abort();
}

int fuzz_load(phs_ruleset **out, const char *program, size_t len)
{
    const char *names[] = {"fields.yaml", "fuzz.yaml"};
    const char *texts[] = {fuzz_dictionary(), program};
    size_t lens[] = {strlen(texts[0]), len};
    int rc;

    *out = (phs_ruleset *)&rc; /* must be reset on failure */
    rc = phs_ruleset_load_texts(out, names, texts, lens, 2, NULL);
    switch (rc) {
    case PHS_OK:
        if (!*out)
            fuzz_fail("load succeeded without a rule set", rc);
        return rc;
    case PHS_ESPEC:
    case PHS_ELIMIT:
    case PHS_ENOTFOUND:
        break;
    default:
        fuzz_fail("load returned an undocumented status", rc);
    }
    if (*out)
        fuzz_fail("failed load left a rule set", rc);
    {
        const char *msg = phs_error_message(phs_error_last());
        if (!msg || !*msg)
            fuzz_fail("failed load without a message", rc);
    }
    return rc;
}

char *fuzz_program_with(const char *expr, size_t len, size_t *out_len)
{
    const char *tpl = fuzz_program();
    const char *at = strstr(tpl, "@EXPR@");
    size_t head, cap, n = 0;
    char *p;

    if (!at)
        abort();
    head = (size_t)(at - tpl);
    cap = strlen(tpl) + 4 * len + 1;
    p = malloc(cap);
    if (!p)
        abort();
    memcpy(p, tpl, head);
    n = head;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)expr[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            n += (size_t)snprintf(p + n, cap - n, "\\x%02x", c);
        else
            p[n++] = (char)c;
    }
    strcpy(p + n, at + 6);
    *out_len = n + strlen(at + 6);
    return p;
}

size_t fuzz_read_all(const phs_ruleset *rs, const char *data, size_t len,
                     phs_format fmt)
{
    phs_reader *rd = NULL;
    phs_record *rec = NULL;
    phs_result *res = NULL;
    size_t classified = 0;
    int rc;

    if (phs_record_new(&rec, rs) != PHS_OK ||
        phs_result_new(&res, rs) != PHS_OK ||
        phs_reader_open_buffer(&rd, rs, data, len, fmt) != PHS_OK)
        fuzz_fail("setting up a reader", -1);
    for (;;) {
        rc = phs_reader_next(rd, rec);
        if (rc == PHS_EOF)
            break;
        if (rc == PHS_ERECORD) {
            const char *msg = phs_error_message(phs_error_last());
            if (!msg || !*msg)
                fuzz_fail("record error without a message", rc);
            (void)phs_reader_record_id(rd);
            continue;
        }
        if (rc == PHS_ESPEC || rc == PHS_ELIMIT)
            break; /* the input cannot be read further */
        if (rc != PHS_OK)
            fuzz_fail("phs_reader_next returned an undocumented status", rc);
        rc = phs_classify(rs, rec, res);
        if (rc == PHS_OK) {
            char *json = NULL;
            size_t n = 0;
            rc = phs_result_to_json(res, &json, &n);
            if (rc != PHS_OK || !json || strlen(json) != n)
                fuzz_fail("rendering a result", rc);
            phs_free(json);
            classified++;
        } else if (rc != PHS_ERECORD) {
            fuzz_fail("phs_classify returned an undocumented status", rc);
        }
    }
    phs_reader_free(rd);
    phs_record_free(rec);
    phs_result_free(res);
    return classified;
}
