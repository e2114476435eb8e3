/* Columnar batch classification: one record and one result reused for
 * every row, values set straight from the caller's arrays. */
#include <math.h>
#include <string.h>

#include "run.h"

static int set_cell(phs_record *rec, const phs__field *fd, int f,
                    const void *col, size_t i)
{
    switch (fd->type) {
    case PHS_TYPE_NUMBER: {
        double v = ((const double *)col)[i];
        return isnan(v) ? PHS_OK : phs_record_set_number(rec, f, v);
    }
    case PHS_TYPE_BOOL: {
        int8_t v = ((const int8_t *)col)[i];
        return v < 0 ? PHS_OK : phs_record_set_bool(rec, f, v);
    }
    case PHS_TYPE_DATE: {
        phs_date v = ((const phs_date *)col)[i];
        return v == PHS_DATE_NONE ? PHS_OK : phs_record_set_date(rec, f, v);
    }
    default: {
        const char *v = ((const char *const *)col)[i];
        return v ? phs_record_set_text(rec, f, v, strlen(v)) : PHS_OK;
    }
    }
}

int phs_classify_columns(const phs_ruleset *rs, size_t n,
                         const phs_column *cols, size_t ncols, int16_t *tier,
                         phs_date *next_due, uint64_t *flags, int *status)
{
    phs_record *rec = NULL;
    phs_result *res = NULL;
    int rc = PHS_OK;
    if (!rs || (ncols && !cols))
        return phs__error_set(PHS_EINVAL, "classify_columns: NULL argument");
    for (size_t c = 0; c < ncols; c++)
        if (cols[c].field < 0 || (size_t)cols[c].field >= rs->nfields ||
            (n && !cols[c].values))
            return phs__error_set(PHS_EINVAL, "classify_columns: column %zu "
                                  "has no valid field id or values", c);
    if (phs_record_new(&rec, rs) < 0 || phs_result_new(&res, rs) < 0) {
        phs_record_free(rec);
        return PHS_ENOMEM;
    }
    size_t np = rs->nprograms;
    for (size_t i = 0; i < n; i++) {
        int r = PHS_OK;
        phs_record_clear(rec);
        for (size_t c = 0; c < ncols && r == PHS_OK; c++)
            r = set_cell(rec, &rs->fields[cols[c].field], cols[c].field,
                         cols[c].values, i);
        if (r == PHS_OK)
            r = phs_classify(rs, rec, res);
        if (r == PHS_ENOMEM) {
            rc = r;
            break;
        }
        if (status)
            status[i] = r;
        if (r < 0)
            rc = PHS_ERECORD;
        for (size_t p = 0; p < np; p++) {
            const phs__pout *o = &res->prog[p];
            size_t k = i * np + p;
            if (tier)
                tier[k] = (int16_t)(r < 0 ? PHS_COL_ERROR
                                    : o->outcome == PHS_TIERED ? o->tier
                                    : o->outcome == PHS_NOT_ENROLLED
                                        ? PHS_COL_NOT_ENROLLED
                                    : o->outcome == PHS_INSUFFICIENT_DATA
                                        ? PHS_COL_INSUFFICIENT_DATA
                                        : PHS_COL_UNCLASSIFIED);
            if (next_due)
                next_due[k] = r < 0 ? PHS_DATE_NONE : o->due;
            if (flags)
                flags[k] = r < 0 ? 0 : o->flags;
        }
    }
    phs_result_free(res);
    phs_record_free(rec);
    return rc;
}
