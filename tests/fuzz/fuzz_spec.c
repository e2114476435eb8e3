/* Fuzz target: a program spec (the input) loaded with the fuzz dictionary;
 * a spec that loads runs its own examples and classifies the empty
 * resident. */
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    phs_ruleset *rs = NULL;
    size_t failed = 0, total = 0;
    int rc;

    if (fuzz_load(&rs, (const char *)data, size) != PHS_OK)
        return 0;
    if (!phs_ruleset_fingerprint(rs))
        fuzz_fail("no fingerprint", 0);
    rc = phs_ruleset_test(rs, NULL, NULL, &failed, &total);
    if (rc != PHS_OK && rc != PHS_ESPEC)
        fuzz_fail("phs_ruleset_test", rc);
    if (rc == PHS_OK && failed > total)
        fuzz_fail("more examples failed than ran", rc);
    (void)fuzz_read_all(rs, "{\"id\":\"x\",\"visit_date\":\"2024-06-01\"}\n",
                        38, PHS_FORMAT_NDJSON);
    phs_ruleset_free(rs);
    return 0;
}
