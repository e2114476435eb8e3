/* The public header compiles as strict C99 (-std=c99 -pedantic -Werror):
 * include it twice (include guard), use its macros and types, and check
 * the header's version against the linked library's. */
#include "phs/phs.h"
#include "phs/analysis.h"
#include "phs/population.h"

#include <stdio.h>
#include <string.h>

static int check_types(void)
{
    phs_date d = PHS_DATE_NONE;
    phs_status s = PHS_OK;
    phs_outcome o = PHS_UNCLASSIFIED;
    phs_type t = PHS_TYPE_CODES;
    phs_format f = PHS_FORMAT_CSV;
    phs_limit l = PHS_LIMIT_REGEX_MATCH;
    phs_allocator a;
    phs_example_fn fn = NULL;
    memset(&a, 0, sizeof a);
    (void)fn;
    return d == PHS_DATE_NONE && s == 0 && o == 3 && t == 5 && f == 3 &&
           l == 4 && PHS_EOF == -9;
}

int main(void)
{
    if (!check_types()) {
        fprintf(stderr, "enum values changed\n");
        return 1;
    }
    if (strcmp(phs_version(), PHS_VERSION) != 0 ||
        phs_version_number() != PHS_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", PHS_VERSION,
                phs_version());
        return 1;
    }
    return 0;
}
