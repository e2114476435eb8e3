/* The bundled rules/: they load, every embedded example passes, and there
 * is at least one example per program. */
#include "helpers.h"

#ifndef PHS_SOURCE_ROOT
#error "PHS_SOURCE_ROOT must be defined by the build"
#endif

Test(rules, bundled_rules_load_and_pass_their_examples, .timeout = 300)
{
    phs_ruleset *rs = NULL;
    int rc = phs_ruleset_load_dir(&rs, PHS_SOURCE_ROOT "/rules", NULL);
    cr_assert_eq(rc, PHS_OK, "rules/ does not load: %s", t_errmsg());
    cr_assert_gt(phs_ruleset_program_count(rs), 0);
    cr_expect_geq(phs_ruleset_program_index(rs, "hypertension"), 0);
    t_example_log *l = calloc(1, sizeof *l);
    size_t failed = 99, total = 0;
    rc = phs_ruleset_test(rs, t_on_example, l, &failed, &total);
    cr_assert_eq(rc, PHS_OK, "%s", t_errmsg());
    cr_expect_gt(total, 0, "no embedded examples");
    cr_expect_eq(total, l->calls);
    cr_expect_eq(failed, 0, "%zu of %zu examples fail:%s", failed, total,
                 l->failed);
    cr_expect_lt(strlen(l->ids) + 1, sizeof l->ids, "example ids cut short");
    /* every program carries its own conformance vectors */
    for (size_t p = 0; p < phs_ruleset_program_count(rs); p++) {
        char key[128];
        snprintf(key, sizeof key, ",%s/", phs_ruleset_program_id(rs, p));
        cr_expect(strncmp(l->ids, key + 1, strlen(key + 1)) == 0 ||
                      strstr(l->ids, key),
                  "program %s has no examples", phs_ruleset_program_id(rs, p));
    }
    free(l);
    phs_ruleset_free(rs);
}

Test(rules, bundled_rules_fingerprint_is_stable)
{
    phs_ruleset *a = NULL, *b = NULL;
    cr_assert_eq(phs_ruleset_load_dir(&a, PHS_SOURCE_ROOT "/rules", NULL),
                 PHS_OK, "%s", t_errmsg());
    cr_assert_eq(phs_ruleset_load_dir(&b, PHS_SOURCE_ROOT "/rules", NULL),
                 PHS_OK);
    cr_expect_str_eq(phs_ruleset_fingerprint(a), phs_ruleset_fingerprint(b));
    phs_ruleset_free(a);
    phs_ruleset_free(b);
}

Test(rules, bundled_rules_classify_every_program)
{
    phs_ruleset *rs = NULL;
    cr_assert_eq(phs_ruleset_load_dir(&rs, PHS_SOURCE_ROOT "/rules", NULL),
                 PHS_OK, "%s", t_errmsg());
    /* an empty record is classified without error, and every program has
     * an outcome */
    phs_record *rec = t_record_new(rs);
    phs_result *res = t_result_new(rs);
    cr_assert_eq(phs_classify(rs, rec, res), PHS_OK, "%s", t_errmsg());
    for (size_t p = 0; p < phs_ruleset_program_count(rs); p++) {
        int o = phs_result_outcome(res, p);
        cr_expect(o >= PHS_NOT_ENROLLED && o <= PHS_UNCLASSIFIED);
        cr_expect(phs_ruleset_program_title(rs, p, "zh") != NULL);
        cr_expect(phs_ruleset_program_title(rs, p, "en") != NULL);
    }
    phs_record_free(rec);
    phs_result_free(res);
    phs_ruleset_free(rs);
}
