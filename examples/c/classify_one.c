/* Classify one resident under the installed rules (PHS_RULES_DIR overrides
 * them) and print the hypertension tier and next due date. */
#include <stdio.h>
#include <phs/phs.h>

int main(void)
{
    phs_ruleset *rs = NULL;
    phs_record *rec = NULL;   /* reuse a record and a result per thread */
    phs_result *res = NULL;
    phs_date visit = PHS_DATE_NONE;
    int rc = phs_ruleset_load_dir(&rs, phs_rules_dir_default(), NULL);
    if (rc == PHS_OK) rc = phs_record_new(&rec, rs);
    if (rc == PHS_OK) rc = phs_result_new(&res, rs);
    if (rc == PHS_OK) rc = phs_date_parse(&visit, "2024-06-01", 10);
    /* field ids: resolve them once per rule set (-1, refused, if unknown) */
    if (rc == PHS_OK) rc = phs_record_set_string(rec, phs_ruleset_field_id(rs, "id"), "r1", 2);
    if (rc == PHS_OK) rc = phs_record_set_date(rec, phs_ruleset_field_id(rs, "visit_date"), visit);
    if (rc == PHS_OK) rc = phs_record_set_number(rec, phs_ruleset_field_id(rs, "age"), 58);
    if (rc == PHS_OK) rc = phs_record_add_code(rec, phs_ruleset_field_id(rs, "diagnoses"), "I10", 3);
    if (rc == PHS_OK) rc = phs_record_set_number(rec, phs_ruleset_field_id(rs, "sbp"), 176);
    if (rc == PHS_OK) rc = phs_record_set_number(rec, phs_ruleset_field_id(rs, "dbp"), 108);
    if (rc == PHS_OK) rc = phs_classify(rs, rec, res);  /* or phs_classify_batch */
    int htn = rc == PHS_OK ? phs_ruleset_program_index(rs, "hypertension") : -1;
    if (htn >= 0) {
        char due[11];                  /* YYYY-MM-DD, "" for PHS_DATE_NONE */
        const char *tier = phs_result_tier(res, (size_t)htn);  /* NULL: no tier */
        phs_date_format(phs_result_next_due(res, (size_t)htn), due);
        printf("%s %s\n", tier ? tier : "-", due);  /* uncontrolled 2024-06-15 */
    } else {
        fprintf(stderr, "%s\n", phs_error_message(phs_error_last())); /* file:line:col: ... */
    }
    phs_result_free(res);
    phs_record_free(rec);
    phs_ruleset_free(rs);
    return htn >= 0 ? 0 : 1;
}
