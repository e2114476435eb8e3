/* Fuzz target: resident records in every input format.  The first byte of
 * the input chooses the format (0 auto, 1 NDJSON, 2 JSON/YAML array,
 * 3 CSV; modulo 4), the rest is the data; every record read is classified
 * under the fuzz program and its result rendered as JSON. */
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static phs_ruleset *rs; /* loaded by the first input, kept for all */
    if (!rs) {
        size_t len;
        char *prog = fuzz_program_with("false", 5, &len);
        if (fuzz_load(&rs, prog, len) != PHS_OK)
            fuzz_fail("the fuzz program does not load", -1);
        free(prog);
    }
    if (size < 1)
        return 0;
    (void)fuzz_read_all(rs, (const char *)data + 1, size - 1,
                        (phs_format)(data[0] % 4));
    return 0;
}
