/* Records: one resident's input, slots indexed by field id.  Strings live
 * in one buffer per record (pointers are rebased when it grows); list items
 * live in one array, each codes field holding (first index, count).  After a
 * few uses a reused record no longer allocates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static void set_bit(uint64_t *set, size_t i, int on)
{
    if (on)
        set[i / 64] |= (uint64_t)1 << (i % 64);
    else
        set[i / 64] &= ~((uint64_t)1 << (i % 64));
}

int phs_record_new(phs_record **out, const phs_ruleset *rs)
{
    if (!out || !rs)
        return phs__error_set(PHS_EINVAL, "record: NULL argument");
    /* the record, its value slots and presence bits in one block */
    _Static_assert(sizeof(phs_record) % _Alignof(phs__val) == 0 &&
                       sizeof(phs__val) % _Alignof(uint64_t) == 0,
                   "the slots and bits follow the record aligned");
    size_t nv = rs->nfields ? rs->nfields : 1, nw = rs->nwords ? rs->nwords : 1;
    phs_record *r = phs__calloc(1, sizeof *r + nv * sizeof *r->vals +
                                       nw * sizeof *r->present);
    if (!r)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    r->rs = rs;
    r->vals = (phs__val *)(r + 1);
    r->present = (uint64_t *)(r->vals + nv);
    *out = r;
    return PHS_OK;
}

void phs_record_free(phs_record *r)
{
    if (!r)
        return;
    phs__free(r->text);
    phs__free(r->codes);
    phs__free(r);
}

void phs_record_clear(phs_record *r)
{
    if (!r)
        return;
    memset(r->present, 0, r->rs->nwords * sizeof *r->present);
    r->text_len = 0;
    r->ncodes = 0;
}

static int check_field(const phs_record *r, int f, int type,
                       const char *setter)
{
    if (!r || f < 0 || (size_t)f >= r->rs->nfields)
        return phs__error_set(PHS_EINVAL, "%s: no field with id %d", setter,
                              f);
    int t = r->rs->fields[f].type;
    if (t == type || (type == PHS_TYPE_STRING && t == PHS_TYPE_ENUM))
        return PHS_OK;
    return phs__error_record(PHS_EINVAL, r->rs->fields[f].name, 0,
                             "%s: field '%s' is not of that type", setter,
                             r->rs->fields[f].name);
}

int phs_record_set_number(phs_record *r, int f, double v)
{
    int rc = check_field(r, f, PHS_TYPE_NUMBER, "set_number");
    if (rc < 0)
        return rc;
    const phs__field *fd = &r->rs->fields[f];
    if (!isfinite(v))
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: not a finite number", fd->name);
    if (fd->has_range && (v < fd->lo || v > fd->hi)) {
        char tv[PHS_NUMBER_BUFSIZE], tlo[PHS_NUMBER_BUFSIZE], thi[PHS_NUMBER_BUFSIZE];
        phs_number_format(v, tv);
        phs_number_format(fd->lo, tlo);
        phs_number_format(fd->hi, thi);
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: %s is outside the valid range %s to "
                                 "%s%s%s",
                                 fd->name, tv, tlo, thi,
                                 fd->unit ? " " : "", fd->unit ? fd->unit : "");
    }
    r->vals[f].u.n = v;
    set_bit(r->present, (size_t)f, 1);
    return PHS_OK;
}

/* Field f (checked) holds v: a bool, a date or an enum value's index. */
static int set_int(phs_record *r, int f, int32_t v)
{
    r->vals[f].u.i = v;
    set_bit(r->present, (size_t)f, 1);
    return PHS_OK;
}

int phs_record_set_bool(phs_record *r, int f, int v)
{
    int rc = check_field(r, f, PHS_TYPE_BOOL, "set_bool");
    return rc < 0 ? rc : set_int(r, f, v != 0);
}

int phs_record_set_date(phs_record *r, int f, phs_date v)
{
    int rc = check_field(r, f, PHS_TYPE_DATE, "set_date");
    if (rc < 0)
        return rc;
    int y;
    phs_date_split(v, &y, NULL, NULL);
    if (y < 1 || y > 9999)
        return phs__error_record(PHS_ERECORD, r->rs->fields[f].name, 0,
                                 "%s: date out of range",
                                 r->rs->fields[f].name);
    return set_int(r, f, v);
}

/* Append text to the record's buffer; returns its offset or -1. */
static long store_text(phs_record *r, const char *s, size_t len)
{
    if (len > UINT32_MAX / 2 || r->text_len + len + 1 > UINT32_MAX)
        return -1;
    if (r->text_len + len + 1 > r->text_cap) {
        uintptr_t old = (uintptr_t)r->text;
        size_t old_cap = r->text_cap;
        if (phs__grow(&r->text, &r->text_cap, r->text_len + len, 1, 256) < 0)
            return -1;
        char *t = r->text;
        /* PCRE2's JIT may read a little past a subject's end: keep the
         * spare capacity initialised (valgrind-clean) */
        memset(t + old_cap, 0, r->text_cap - old_cap);
        if ((uintptr_t)t != old) { /* rebase every string pointer */
            for (size_t i = 0; i < r->ncodes; i++)
                r->codes[i].p = t + ((uintptr_t)r->codes[i].p - old);
            for (size_t f = 0; f < r->rs->nfields; f++)
                if (r->rs->fields[f].type == PHS_TYPE_STRING &&
                    phs__record_has(r, (int)f))
                    r->vals[f].u.s.p =
                        t + ((uintptr_t)r->vals[f].u.s.p - old);
        }
    }
    long off = (long)r->text_len;
    memcpy(r->text + off, s, len);
    r->text[off + (long)len] = '\0';
    r->text_len += len + 1;
    return off;
}

static int text_ok(const phs__field *fd, const char *s, size_t len)
{
    if (memchr(s, '\0', len))
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: text contains a NUL byte", fd->name);
    if (!phs__utf8_valid((const unsigned char *)s, len))
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: text is not valid UTF-8", fd->name);
    return PHS_OK;
}

int phs_record_set_string(phs_record *r, int f, const char *s, size_t len)
{
    int rc = check_field(r, f, PHS_TYPE_STRING, "set_string");
    if (rc < 0)
        return rc;
    const phs__field *fd = &r->rs->fields[f];
    if (!s)
        return phs__error_set(PHS_EINVAL, "set_string: NULL string");
    rc = text_ok(fd, s, len);
    if (rc < 0)
        return rc;
    if (fd->type == PHS_TYPE_ENUM) {
        int i = phs__field_enum_index(fd, s, len);
        if (i >= 0)
            return set_int(r, f, i);
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: '%.*s' is not one of its values",
                                 fd->name, (int)(len > 64 ? 64 : len), s);
    }
    long off = store_text(r, s, len);
    if (off < 0)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    r->vals[f].u.s.p = r->text + off;
    r->vals[f].u.s.n = (uint32_t)len;
    set_bit(r->present, (size_t)f, 1);
    return PHS_OK;
}

/* The list of field f must be the last one in r->codes before appending;
 * move it there if another list was appended after it. */
static int add_code(phs_record *r, int f, const char *s, size_t len)
{
    phs__val *v = &r->vals[f];
    int present = phs__record_has(r, f);
    size_t first = present ? v->u.rl.first : r->ncodes;
    size_t count = present ? v->u.rl.count : 0;
    if (phs__grow(&r->codes, &r->codes_cap, r->ncodes + count,
                  sizeof *r->codes, 16) < 0)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    if (present && first + count != r->ncodes) {
        memmove(r->codes + r->ncodes, r->codes + first,
                count * sizeof *r->codes);
        first = r->ncodes;
        r->ncodes += count;
    }
    if (s) {
        long off = store_text(r, s, len);
        if (off < 0)
            return phs__error_set(PHS_ENOMEM, "out of memory");
        r->codes[r->ncodes].p = r->text + off;
        r->codes[r->ncodes].n = (uint32_t)len;
        r->ncodes++;
        count++;
    }
    v->u.rl.first = (uint32_t)first;
    v->u.rl.count = (uint32_t)count;
    set_bit(r->present, (size_t)f, 1);
    return PHS_OK;
}

int phs_record_add_code(phs_record *r, int f, const char *s, size_t len)
{
    int rc = check_field(r, f, PHS_TYPE_CODES, "add_code");
    if (rc < 0)
        return rc;
    if (!s)
        return phs__error_set(PHS_EINVAL, "add_code: NULL string");
    if (len == 0)
        return phs__error_record(PHS_ERECORD, r->rs->fields[f].name, 0,
                                 "%s: empty code", r->rs->fields[f].name);
    rc = text_ok(&r->rs->fields[f], s, len);
    if (rc < 0)
        return rc;
    return add_code(r, f, s, len);
}

int phs_record_has(const phs_record *r, int f)
{
    if (!r || f < 0 || (size_t)f >= r->rs->nfields)
        return PHS_ERROR;
    return phs__record_has(r, f);
}

int phs_record_unset(phs_record *r, int f)
{
    if (!r || f < 0 || (size_t)f >= r->rs->nfields)
        return phs__error_set(PHS_EINVAL, "unset: no field with id %d", f);
    set_bit(r->present, (size_t)f, 0);
    return PHS_OK;
}

static int word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && !strncmp(s, w, len);
}

int phs_record_set_text(phs_record *r, int f, const char *s, size_t len)
{
    if (!r || f < 0 || (size_t)f >= r->rs->nfields || (!s && len))
        return phs__error_set(PHS_EINVAL, "set_text: bad arguments");
    const phs__field *fd = &r->rs->fields[f];
    if (fd->type == PHS_TYPE_STRING) /* text keeps its spaces */
        return len ? phs_record_set_string(r, f, s, len)
                   : phs_record_unset(r, f);
    phs__text_trim(&s, &len);
    if (fd->type == PHS_TYPE_CODES) {
        int rc = phs_record_unset(r, f);
        if (rc == PHS_OK)
            rc = add_code(r, f, NULL, 0); /* present, empty */
        size_t pos = 0, a, b;
        while (rc == PHS_OK && phs__codes_next(s, len, &pos, &a, &b))
            rc = phs_record_add_code(r, f, s + a, b - a);
        return rc;
    }
    if (len == 0)
        return phs_record_unset(r, f);
    switch (fd->type) {
    case PHS_TYPE_NUMBER: {
        double v;
        if (!phs__parse_decimal(s, len, &v))
            return phs__error_record(PHS_ERECORD, fd->name, 0,
                                     "%s: '%.*s' is not a number", fd->name,
                                     (int)(len > 40 ? 40 : len), s);
        return phs_record_set_number(r, f, v);
    }
    case PHS_TYPE_BOOL:
        if (word_is(s, len, "true") || word_is(s, len, "1") ||
            word_is(s, len, "yes") || word_is(s, len, "TRUE") ||
            word_is(s, len, "True"))
            return phs_record_set_bool(r, f, 1);
        if (word_is(s, len, "false") || word_is(s, len, "0") ||
            word_is(s, len, "no") || word_is(s, len, "FALSE") ||
            word_is(s, len, "False"))
            return phs_record_set_bool(r, f, 0);
        return phs__error_record(PHS_ERECORD, fd->name, 0,
                                 "%s: '%.*s' is not true or false", fd->name,
                                 (int)(len > 40 ? 40 : len), s);
    case PHS_TYPE_DATE: {
        phs_date d;
        if (phs_date_parse(&d, s, len) < 0)
            return phs__error_record(PHS_ERECORD, fd->name, 0,
                                     "%s: '%.*s' is not a date YYYY-MM-DD",
                                     fd->name, (int)(len > 40 ? 40 : len), s);
        return phs_record_set_date(r, f, d);
    }
    default:
        return phs_record_set_string(r, f, s, len);
    }
}

const char *phs_record_id(const phs_record *r)
{
    if (!r || r->rs->f_id < 0 || !phs__record_has(r, r->rs->f_id))
        return "";
    phs__val v;
    phs__record_field(r, r->rs->f_id, &v);
    return v.u.s.p;
}
