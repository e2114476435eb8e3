/* The tier column phs_classify_columns writes for a resident whose
 * record-path result is `res`: the tier index, or the PHS_COL_* code of its
 * outcome.  Plain C (no Criterion), for test_threads too. */
#ifndef PHS_TEST_COL_TIER_H
#define PHS_TEST_COL_TIER_H

#include "phs/phs.h"

static inline int t_col_tier(const phs_result *res, size_t p)
{
    int o = phs_result_outcome(res, p);
    return o == PHS_TIERED ? phs_result_tier_index(res, p)
           : o == PHS_NOT_ENROLLED ? PHS_COL_NOT_ENROLLED
           : o == PHS_INSUFFICIENT_DATA ? PHS_COL_INSUFFICIENT_DATA
                                        : PHS_COL_UNCLASSIFIED;
}

#endif
