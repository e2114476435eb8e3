/* Reading residents from text: CSV (quotes, CRLF, lists), NDJSON, JSON and
 * YAML arrays; bad records in the middle; unknown columns. */
#include <unistd.h>

#include "helpers.h"

static const char BODY[] =
    "eligibility: {when: \"has_code(diagnoses, ['I10'])\", cite: [c1]}\n"
    "tiers:\n"
    "  - {id: high, level: 3, when: \"sbp >= 140\", follow_up: {interval: 14 "
    "days}, cite: [c1]}\n"
    "  - {id: low, level: 1, when: \"true\", follow_up: {interval: 3 months},"
    " cite: [c1]}\n"
    "flags:\n"
    "  - {id: two_codes, when: \"len(diagnoses) == 2 and 'E11' in diagnoses\","
    " cite: [c1]}\n"
    "  - {id: quoted, when: \"note == 'say \\\"hi\\\", ok'\", cite: [c1]}\n"
    "  - {id: multiline, when: \"note matches '(?s)^line1.{1,2}line2$'\", "
    "cite: [c1]}\n"
    "  - {id: smoker, when: \"smoker\", cite: [c1]}\n"
    "  - {id: female, when: \"sex == 'F'\", cite: [c1]}\n"
    "  - {id: visit_june, when: \"visit_date == date('2024-06-01')\", cite: "
    "[c1]}\n"
    "  - {id: spaced, when: \"note == '  padded  '\", cite: [c1]}\n";

static phs_ruleset *g_rs;
static phs_record *g_rec;
static phs_result *g_res;

static void setup(void)
{
    g_rs = t_must_load_body(BODY);
    cr_assert_eq(phs_record_new(&g_rec, g_rs), PHS_OK);
    cr_assert_eq(phs_result_new(&g_res, g_rs), PHS_OK);
}

static void teardown(void)
{
    phs_record_free(g_rec);
    phs_result_free(g_res);
    phs_ruleset_free(g_rs);
}

static phs_reader *open_buf(const char *data, phs_format fmt)
{
    phs_reader *rd = NULL;
    cr_assert_eq(phs_reader_open_buffer(&rd, g_rs, data, strlen(data), fmt),
                 PHS_OK, "%s", t_errmsg());
    return rd;
}

/* Read the next record, expect PHS_OK, classify it and describe it as
 * "id:tier:flag,flag". */
static const char *next_ok(phs_reader *rd, char *buf, size_t size)
{
    int rc = phs_reader_next(rd, g_rec);
    cr_assert_eq(rc, PHS_OK, "record %zu: rc %d: %s",
                 phs_reader_record_number(rd), rc, t_errmsg());
    cr_assert_eq(phs_classify(g_rs, g_rec, g_res), PHS_OK, "%s", t_errmsg());
    const char *t = phs_result_tier(g_res, 0);
    int n = snprintf(buf, size, "%s:%s:", phs_result_id(g_res),
                     t ? t : "-");
    for (size_t i = 0; i < phs_result_flag_count(g_res, 0); i++)
        n += snprintf(buf + n, size - (size_t)n, "%s%s", i ? "," : "",
                      phs_result_flag(g_res, 0, i));
    return buf;
}

static void expect_eof(phs_reader *rd)
{
    cr_expect_eq(phs_reader_next(rd, g_rec), PHS_EOF);
    cr_expect_eq(phs_reader_next(rd, g_rec), PHS_EOF, "EOF is sticky");
}

/* One step of reading: a record read (got: its "id:tier:flags"), or an
 * error (got NULL) with its status, the field and words it names and where
 * (0 / NULL: not checked); then the reader's record number and id (0 /
 * NULL: not checked). */
struct read_step {
    const char *got;
    int rc;
    const char *field, *words;
    int line, column;
    size_t number;
    const char *id;
};

/* An input, its format and every step reading it to the end (EOF, twice,
 * after the last step, with all the input consumed) takes. */
struct read_case {
    const char *name, *data;
    phs_format fmt;
    struct read_step steps[8];
};

static const struct read_case READ_CASES[] = {
    /* ---- CSV ---- */
    {"quotes, CRLF, lists",
     "id,visit_date,sbp,dbp,diagnoses,note,smoker,sex\r\n"
     "a1,2024-06-01,150,90,I10,,true,F\r\n"
     "\"a2\",2024-06-02,120,80,\"I10,E11\",\"say \"\"hi\"\", ok\",false,M\r\n"
     "a3,2024-06-01,130,85,I10;E11,\"line1\r\nline2\",,\r\n"
     "a4,2024-06-01,125,80,\" I10 ; E11 \",,no,\r\n",
     PHS_FORMAT_CSV,
     {{.got = "a1:high:smoker,female,visit_june", .number = 1, .id = "a1"},
      {.got = "a2:low:two_codes,quoted"},
      {.got = "a3:low:two_codes,multiline,visit_june"},
      {.got = "a4:low:two_codes,visit_june", .number = 4}}},
    /* a string value is text: a quoted cell keeps its spaces, and so does a
     * JSON string */
    {"a quoted cell keeps its spaces", "id,note\nq1,\"  padded  \"\n",
     PHS_FORMAT_CSV, {{.got = "q1:-:spaced"}}},
    {"a JSON string keeps its spaces",
     "{\"id\":\"q2\",\"note\":\"  padded  \"}\n", PHS_FORMAT_NDJSON,
     {{.got = "q2:-:spaced"}}},
    {"LF, BOM, blank lines and empty cells, no final newline",
     "\xEF\xBB\xBFid,sbp,diagnoses,visit_date\n"
     "\n"
     "b1,,I10,2024-06-01\n"
     "   \n"
     "b2,145,I10,2024-06-01\n"
     "b3,145,,2024-06-01",
     PHS_FORMAT_CSV,
     {{.got = "b1:insufficient_data:visit_june"},
      {.got = "b2:high:visit_june"},
      {.got = "b3:-:visit_june", .number = 3}}},
    {"bad records in the middle",
     "id,visit_date,sbp,diagnoses\n"
     "c1,2024-06-01,150,I10\n"
     "c2,2024-06-01,999,I10\n"
     "c3,2024-13-01,150,I10\n"
     "c4,2024-06-01,120,I10\n",
     PHS_FORMAT_CSV,
     {{.got = "c1:high:visit_june"},
      {.rc = PHS_ERECORD, .field = "sbp", .words = "sbp", .line = 3,
       .column = 15, .number = 2, .id = "c2"},
      {.rc = PHS_ERECORD, .field = "visit_date", .number = 3, .id = "c3"},
      {.got = "c4:low:visit_june", .number = 4}}},
    /* a column naming no field is one error, at the header, naming the
     * column and its position; no record is read */
    {"an unknown column",
     "id,visit_date,sbp,colour,diagnoses\n"
     "d1,2024-06-01,150,,I10\n"
     "d2,2024-06-01,150,red,I10\n",
     PHS_FORMAT_CSV,
     {{.rc = PHS_ESPEC, .field = "colour",
       .words = "unknown field 'colour' in column 4", .line = 1,
       .column = 19}}},
    {"a column without a name is allowed while it stays empty",
     "id,visit_date,sbp,,diagnoses\n"
     "d1,2024-06-01,150,,I10\n"
     "d2,2024-06-01,150,red,I10\n"
     "d3,2024-06-01,120,,I10\n",
     PHS_FORMAT_CSV,
     {{.got = "d1:high:visit_june"},
      {.rc = PHS_ERECORD, .words = "column 4, which has no name", .line = 3},
      {.got = "d3:low:visit_june"}}},
    {"the wrong number of cells, then a good record",
     "id,sbp,diagnoses,visit_date\ne1,150\ne2,150,I10,2024-06-01\n",
     PHS_FORMAT_CSV,
     {{.rc = PHS_ERECORD, .number = 1}, {.got = "e2:high:visit_june"}}},
    {"text after a closing quote", "id,note\n\"f1\"x,a\nf2,b\n",
     PHS_FORMAT_CSV, {{.rc = PHS_ERECORD}, {.got = "f2:-:"}}},
    {"an unterminated quote at the end of the input",
     "id,note\ng1,ok\ng2,\"never closed\n", PHS_FORMAT_CSV,
     {{.got = "g1:-:"}, {.rc = PHS_ERECORD}}},
    /* a broken header cannot be read further */
    {"a broken header", "id,\"sbp\nx,1\n", PHS_FORMAT_CSV,
     {{.rc = PHS_ESPEC}}},
    {"a duplicate column", "id,sbp,sbp\nx,1,2\n", PHS_FORMAT_CSV,
     {{.rc = PHS_ESPEC, .words = "sbp"}}},

    /* ---- NDJSON ---- */
    {"NDJSON records, types and bad lines",
     "{\"id\":\"n1\",\"visit_date\":\"2024-06-01\",\"sbp\":150,"
     "\"diagnoses\":[\"I10\",\"E11\"],\"smoker\":true,\"sex\":\"F\"}\n"
     "\n"
     "{\"id\":\"n2\",\"visit_date\":\"2024-06-01\",\"sbp\":\"120\","
     "\"diagnoses\":\"I10\",\"note\":\"say \\\"hi\\\", ok\",\"dbp\":null}\r\n"
     "{\"id\":\"n3\",\"sbp\":150,\"diagnoses\":[\"I10\"] oops}\n"
     "{\"id\":\"n4\",\"sbp\":500,\"diagnoses\":[\"I10\"]}\n"
     "{\"id\":\"n5\",\"colour\":\"red\"}\n"
     "{\"id\":\"n6\",\"sbp\":[1,2]}\n"
     "{\"id\":\"n7\",\"visit_date\":\"2024-06-01\",\"diagnoses\":[\"I10\"],"
     "\"note\":\"line1\\nline2\",\"sbp\":1.4e2}\n",
     PHS_FORMAT_NDJSON,
     {{.got = "n1:high:two_codes,smoker,female,visit_june"},
      {.got = "n2:low:quoted,visit_june"},
      /* malformed JSON, past the line's first column */
      {.rc = PHS_ERECORD, .line = 4, .column = -2, .number = 3},
      /* out of range */
      {.rc = PHS_ERECORD, .field = "sbp", .number = 4, .id = "n4"},
      /* an unknown field */
      {.rc = PHS_ERECORD, .field = "colour", .id = "n5"},
      /* a list for a number */
      {.rc = PHS_ERECORD, .field = "sbp"},
      /* and reading goes on */
      {.got = "n7:high:multiline,visit_june", .number = 7}}},
    {"NDJSON unicode escapes",
     "{\"id\":\"\\u5c45\\u6c11\",\"sex\":\"\\u0046\"}\n", PHS_FORMAT_NDJSON,
     {{.got = "居民:-:female"}}},

    /* ---- arrays ---- */
    {"a JSON array",
     "[\n"
     "  {\"id\": \"j1\", \"visit_date\": \"2024-06-01\", \"sbp\": 150, "
     "\"diagnoses\": [\"I10\"]},\n"
     "  {\"id\": \"j2\", \"sbp\": -4, \"diagnoses\": [\"I10\"]},\n"
     "  {\"id\": \"j3\", \"visit_date\": \"2024-06-01\", \"sbp\": 120, "
     "\"diagnoses\": [\"I10\", \"E11\"], \"smoker\": false}\n"
     "]\n",
     PHS_FORMAT_ARRAY,
     {{.got = "j1:high:visit_june"},
      {.rc = PHS_ERECORD, .field = "sbp", .line = 3, .number = 2,
       .id = "j2"},
      {.got = "j3:low:two_codes,visit_june"}}},
    {"a YAML array",
     "# residents\n"
     "- id: y1\n"
     "  visit_date: 2024-06-01\n"
     "  sbp: 150\n"
     "  diagnoses: [I10, E11]\n"
     "  sex: F\n"
     "- id: y2\n"
     "  sbp: 150\n"
     "  nested: {a: 1}\n"
     "- id: y3\n"
     "  visit_date: 2024-06-01\n"
     "  sbp: 120\n"
     "  diagnoses:\n"
     "    - I10\n"
     "  note: |-\n"
     "    line1\n"
     "    line2\n"
     "  smoker: yes\n"
     "- id: y4\n"
     "  sbp: ~\n"
     "  diagnoses: [I10]\n",
     PHS_FORMAT_ARRAY,
     {{.got = "y1:high:two_codes,female,visit_june"},
      {.rc = PHS_ERECORD, .line = 9, .number = 2},
      {.got = "y3:low:multiline,smoker,visit_june"},
      {.got = "y4:insufficient_data:"}}},
};

/* Check one step of case `name` (a column of -N: past column N). */
static void expect_step(const char *name, size_t k, phs_reader *rd,
                        const struct read_step *s)
{
    char b[256];
    if (s->got) {
        cr_expect_str_eq(next_ok(rd, b, sizeof b), s->got, "case %s, step %zu",
                         name, k);
    } else {
        cr_expect_eq(phs_reader_next(rd, g_rec), s->rc,
                     "case %s, step %zu: %s", name, k, t_errmsg());
        const phs_error *e = phs_error_last();
        if (s->field)
            cr_expect_str_eq(phs_error_field(e) ? phs_error_field(e) : "",
                             s->field, "case %s, step %zu: field", name, k);
        if (s->words)
            cr_expect(strstr(phs_error_message(e), s->words),
                      "case %s, step %zu: '%s' lacks '%s'", name, k,
                      phs_error_message(e), s->words);
        if (s->line)
            cr_expect_eq(phs_error_line(e), s->line,
                         "case %s, step %zu: line %d: %s", name, k,
                         phs_error_line(e), phs_error_message(e));
        if (s->column > 0)
            cr_expect_eq(phs_error_column(e), s->column,
                         "case %s, step %zu: column", name, k);
        if (s->column < 0)
            cr_expect_gt(phs_error_column(e), -s->column,
                         "case %s, step %zu: column", name, k);
    }
    if (s->number)
        cr_expect_eq(phs_reader_record_number(rd), s->number,
                     "case %s, step %zu: record number", name, k);
    if (s->id)
        cr_expect_str_eq(phs_reader_record_id(rd), s->id,
                         "case %s, step %zu: record id", name, k);
}

Test(reader, every_case, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < T_COUNT(READ_CASES); i++) {
        const struct read_case *c = &READ_CASES[i];
        phs_reader *rd = open_buf(c->data, c->fmt);
        for (size_t k = 0; k < T_COUNT(c->steps) && (c->steps[k].got ||
                                                     c->steps[k].rc);
             k++)
            expect_step(c->name, k, rd, &c->steps[k]);
        cr_expect_eq(phs_reader_next(rd, g_rec), PHS_EOF, "case %s: EOF",
                     c->name);
        cr_expect_eq(phs_reader_next(rd, g_rec), PHS_EOF,
                     "case %s: EOF is sticky", c->name);
        size_t done = 0, total = 0;
        phs_reader_progress(rd, &done, &total);
        cr_expect_eq(total, strlen(c->data), "case %s: total", c->name);
        cr_expect_eq(done, total, "case %s: done", c->name);
        phs_reader_free(rd);
    }
}

Test(reader_array, aliases_refused, .init = setup, .fini = teardown)
{
    const char *y = "- &r {id: a1, sbp: 150}\n- *r\n- {id: a3}\n";
    phs_reader *rd = open_buf(y, PHS_FORMAT_ARRAY);
    int rc = phs_reader_next(rd, g_rec);
    cr_expect(rc == PHS_ERECORD || rc == PHS_ESPEC, "rc %d", rc);
    /* whatever follows, no crash and eventually EOF */
    for (int i = 0; i < 10 && rc != PHS_EOF; i++)
        rc = phs_reader_next(rd, g_rec);
    cr_expect_eq(rc, PHS_EOF);
    phs_reader_free(rd);
}

/* ---- format detection, files, empty input ---- */

Test(reader, auto_detection, .init = setup, .fini = teardown)
{
    static const char *inputs[] = {
        "id,sbp\nz1,150\n",
        "  \n{\"id\":\"z1\",\"sbp\":150}\n",
        "[{\"id\":\"z1\",\"sbp\":150}]",
        "- id: z1\n  sbp: 150\n",
    };
    char b[256];
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        phs_reader *rd = open_buf(inputs[i], PHS_FORMAT_AUTO);
        cr_expect_str_eq(next_ok(rd, b, sizeof b), "z1:-:", "input %zu", i);
        expect_eof(rd);
        phs_reader_free(rd);
    }
}

Test(reader, empty_inputs, .init = setup, .fini = teardown)
{
    static const char *inputs[] = {"", "\n\n  \n", "[]", "id,sbp\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        phs_reader *rd = open_buf(inputs[i], PHS_FORMAT_AUTO);
        cr_expect_eq(phs_reader_next(rd, g_rec), PHS_EOF, "input %zu", i);
        phs_reader_free(rd);
    }
}

Test(reader, files_and_arguments, .init = setup, .fini = teardown)
{
    char path[] = "/tmp/phs_reader_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *csv = "id,sbp,diagnoses,visit_date\nf1,150,I10,2024-06-01\n";
    cr_assert_eq(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    phs_reader *rd = NULL;
    cr_assert_eq(phs_reader_open(&rd, g_rs, path, PHS_FORMAT_AUTO), PHS_OK);
    char b[256];
    cr_expect_str_eq(next_ok(rd, b, sizeof b), "f1:high:visit_june");
    expect_eof(rd);
    size_t done, total;
    phs_reader_progress(rd, &done, &total);
    cr_expect_eq(total, strlen(csv));
    cr_expect_eq(done, strlen(csv));
    phs_reader_free(rd);
    unlink(path);

    rd = (phs_reader *)1;
    cr_expect_eq(phs_reader_open(&rd, g_rs, "/nonexistent/x.csv",
                                 PHS_FORMAT_CSV),
                 PHS_EIO);
    cr_expect_null(rd);
    cr_expect_eq(phs_reader_open(&rd, g_rs, "/tmp", PHS_FORMAT_CSV), PHS_EIO);
    cr_expect_eq(phs_reader_open(&rd, NULL, path, PHS_FORMAT_CSV), PHS_EINVAL);
    cr_expect_eq(phs_reader_open(&rd, g_rs, NULL, PHS_FORMAT_CSV), PHS_EINVAL);
    cr_expect_eq(phs_reader_open_buffer(&rd, g_rs, "x", 1, (phs_format)9),
                 PHS_EINVAL);
    cr_expect_eq(phs_reader_open_buffer(&rd, g_rs, NULL, 5, PHS_FORMAT_CSV),
                 PHS_EINVAL);
    cr_expect_eq(phs_reader_next(NULL, g_rec), PHS_EINVAL);
    cr_expect_eq(phs_reader_record_number(NULL), 0);
    cr_expect_str_eq(phs_reader_record_id(NULL), "");
}

Test(reader, buffer_is_copied, .init = setup, .fini = teardown)
{
    char data[] = "id,sbp\nk1,150\n";
    phs_reader *rd = NULL;
    cr_assert_eq(phs_reader_open_buffer(&rd, g_rs, data, strlen(data),
                                        PHS_FORMAT_CSV),
                 PHS_OK);
    memset(data, 'x', strlen(data));
    char b[256];
    cr_expect_str_eq(next_ok(rd, b, sizeof b), "k1:-:");
    phs_reader_free(rd);
}

Test(reader, many_records_large_file, .init = setup, .fini = teardown)
{
    /* 20000 CSV rows through a file (several read chunks), every 1000th
     * bad: the count of good and bad records is exact */
    char path[] = "/tmp/phs_reader_big_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "id,visit_date,sbp,dbp,diagnoses,note\n");
    for (int i = 0; i < 20000; i++)
        fprintf(f, "r%05d,2024-06-01,%d,80,\"I10;E11\",\"row %d, with comma\"\n",
                i, i % 1000 == 999 ? 999 : 100 + i % 100, i);
    fclose(f);
    phs_reader *rd = NULL;
    cr_assert_eq(phs_reader_open(&rd, g_rs, path, PHS_FORMAT_CSV), PHS_OK);
    int ok = 0, bad = 0, high = 0, rc;
    while ((rc = phs_reader_next(rd, g_rec)) != PHS_EOF) {
        if (rc == PHS_OK) {
            ok++;
            cr_assert_eq(phs_classify(g_rs, g_rec, g_res), PHS_OK);
            high += !strcmp(phs_result_tier(g_res, 0), "high");
        } else {
            cr_assert_eq(rc, PHS_ERECORD, "%s", t_errmsg());
            cr_assert_str_eq(phs_error_field(phs_error_last()), "sbp");
            bad++;
        }
    }
    cr_expect_eq(ok, 19980);
    cr_expect_eq(bad, 20);
    cr_expect_eq(phs_reader_record_number(rd), 20000);
    /* sbp = 100 + i % 100 >= 140 for 60 of every 100 rows */
    /* sbp = 100 + i % 100 >= 140 for 60 rows in 100: 12000, less the 20
     * refused rows (which had i % 100 == 99) */
    cr_expect_eq(high, 11980);
    phs_reader_free(rd);
    unlink(path);
}

/* ---- the id of a record when storing it fails (issue 9, defect 7) ---- */

static long g_fail_at = -1; /* the allocation (counting from 0) that fails */
static long g_count;
static int fa_fails(void)
{
    return g_fail_at >= 0 && g_count++ == g_fail_at;
}
static void *fa_malloc(void *ud, size_t n)
{
    (void)ud;
    return fa_fails() ? NULL : malloc(n);
}
static void *fa_realloc(void *ud, void *p, size_t n)
{
    (void)ud;
    return fa_fails() ? NULL : realloc(p, n);
}
static void fa_free(void *ud, void *p)
{
    (void)ud;
    free(p);
}

/* A CSV record whose id could not be stored was read as a record without
 * an id (the result of storing it was ignored).  Every allocation of the
 * read fails in turn: the read fails with PHS_ENOMEM or gives the record
 * with its own id, never one without it or with the previous one. */
Test(reader_csv, id_that_cannot_be_stored_is_an_error)
{
    phs_allocator a = {fa_malloc, fa_realloc, fa_free, NULL};
    cr_assert_eq(phs_allocator_set(&a), PHS_OK);
    setup();
    char longid[101];
    memset(longid, 'x', 100);
    longid[100] = '\0';
    char *csv = t_fmt("id,age\na,50\n%s,60\n", longid);
    int failed = 0;
    for (long k = 0;; k++) {
        phs_reader *rd = open_buf(csv, PHS_FORMAT_CSV);
        cr_assert_eq(phs_reader_next(rd, g_rec), PHS_OK, "%s", t_errmsg());
        g_count = 0;
        g_fail_at = k;
        int rc = phs_reader_next(rd, g_rec);
        int hit = g_count > k;
        g_fail_at = -1;
        if (rc == PHS_OK)
            cr_expect_str_eq(phs_reader_record_id(rd), longid,
                             "allocation %ld failed: read without its id", k);
        else
            cr_expect_eq(rc, PHS_ENOMEM, "%d %s", rc, t_errmsg());
        failed += rc == PHS_ENOMEM;
        phs_reader_free(rd);
        if (!hit)
            break;
    }
    cr_expect_gt(failed, 0);
    free(csv);
    teardown();
    phs_allocator_set(NULL);
}

/* A record nested deeper than the reader's limit (64) is that record's
 * error; the reader goes on with the next one (issue 9, defect 3: it ended
 * the reader, and the CLI dropped every later record). */
Test(reader_array, too_deep_record_is_skipped, .init = setup, .fini = teardown)
{
    char deep[400] = "", close[200] = "";
    for (int i = 0; i < 70; i++) {
        strcat(deep, "[");
        strcat(close, "]");
    }
    char *y = t_fmt("[{\"id\": \"a\", \"sbp\": 120},\n"
                    " {\"id\": \"b\", \"note\": %s1%s},\n"
                    " {\"id\": \"b2\", %s\"x\": 1%s: 2},\n"
                    " {\"id\": \"c\", \"sbp\": 150}]\n",
                    deep, close, deep, close);
    char b[256];
    phs_reader *rd = open_buf(y, PHS_FORMAT_ARRAY);
    cr_expect(strncmp(next_ok(rd, b, sizeof b), "a:", 2) == 0, "%s", b);
    int rc = phs_reader_next(rd, g_rec);
    cr_expect(rc == PHS_ERECORD || rc == PHS_ELIMIT, "%d %s", rc, t_errmsg());
    cr_expect_eq(phs_reader_record_number(rd), 2);
    rc = phs_reader_next(rd, g_rec); /* a key nested 70 deep */
    cr_expect(rc == PHS_ERECORD || rc == PHS_ELIMIT, "%d %s", rc, t_errmsg());
    cr_expect_eq(phs_reader_record_number(rd), 3);
    cr_expect(strncmp(next_ok(rd, b, sizeof b), "c:", 2) == 0, "%s", b);
    expect_eof(rd);
    phs_reader_free(rd);
    free(y);
}
