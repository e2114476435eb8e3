/* Columnar batch classification: the caller's arrays go straight to the
 * columnar engine (vm/), which validates them per resident and classifies
 * blocks of residents at a time. */
#include "run.h"
#include "../vm/vm.h"

int phs_classify_columns(const phs_ruleset *rs, size_t n,
                         const phs_column *cols, size_t ncols, int16_t *tier,
                         phs_date *next_due, uint64_t *flags, int *status)
{
    if (!rs || (ncols && !cols))
        return phs__error_set(PHS_EINVAL, "classify_columns: NULL argument");
    for (size_t c = 0; c < ncols; c++)
        if (cols[c].field < 0 || (size_t)cols[c].field >= rs->nfields ||
            (n && !cols[c].values))
            return phs__error_set(PHS_EINVAL, "classify_columns: column %zu "
                                  "has no valid field id or values", c);
    return phs__vm_classify(rs, n, cols, ncols, tier, next_due, flags, status);
}
