/* Fuzz target: an expression (the input) as the condition of a tier of the
 * fuzz program; an expression that compiles is evaluated on a few residents
 * chosen to reach known, unknown and boundary values. */
#include "fuzz.h"

#include <stdlib.h>

static const char residents[] =
    "{\"id\":\"a\",\"visit_date\":\"2024-06-01\",\"age\":60,"
    "\"diagnoses\":[\"I10\"],\"sbp\":140,\"dbp\":90,\"note\":\"ABCD\"}\n"
    "{\"id\":\"b\",\"visit_date\":\"2024-02-29\",\"birth_date\":"
    "\"1950-02-28\",\"sex\":\"F\",\"diagnoses\":[\"I13.1\",\"E11\"],"
    "\"sbp\":139.9,\"smoker\":true,\"pregnant\":false,\"meds\":[],"
    "\"last_visit\":\"2024-01-31\"}\n"
    "{\"id\":\"c\",\"visit_date\":\"2024-06-01\",\"age\":18,"
    "\"diagnoses\":[\"E11\"],\"note\":\"\"}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    phs_ruleset *rs = NULL;
    size_t len;
    char *prog = fuzz_program_with((const char *)data, size, &len);

    if (fuzz_load(&rs, prog, len) == PHS_OK) {
        (void)fuzz_read_all(rs, residents, sizeof residents - 1,
                            PHS_FORMAT_NDJSON);
        phs_ruleset_free(rs);
    }
    free(prog);
    return 0;
}
