/*
 * phs_python.i — the Python overlay of phs.i: module phs.core (extension
 * phs._core).  The idiomatic API (phs.Engine, phs.Result, ...) is written in
 * Python on top of it, in phs/*.py; this file adds only what must be C to be
 * fast or safe:
 *
 *   - exceptions: a negative status becomes phs.errors.<class> carrying
 *     code, message, file, line, column and field (phs.errors._from_native);
 *   - keep-alive: Record, Result and Reader proxies hold their Ruleset;
 *   - Ruleset.classify_mapping: fill a record from a dict, classify and
 *     return the result as Python values in one call (no Python loop over
 *     fields or accessors; Ruleset.snapshot for a result made otherwise);
 *   - classify_columns: phs_classify_columns over numpy arrays (buffer
 *     protocol), text columns as numpy object arrays or as category codes
 *     into a small table, converted in one C pass, with the GIL released;
 *   - factor_objects: a column of objects as codes into its distinct
 *     values (one C pass), for conversions done once per distinct value.
 */
%module(package="phs") core

%begin %{
#define PY_SSIZE_T_CLEAN
%}

%{
#include <math.h>
#include <datetime.h>
#include "phs/phs.h"
%}

%init %{
    PyDateTime_IMPORT;
%}

%rename(Report) PhsReport;
%rename(Options) PhsOptions;
%rename(Ruleset) PhsRuleset;
%rename(Record) PhsRecord;
%rename(Result) PhsResult;
%rename(Reader) PhsReader;
%rename(Population) PhsPopulation;
%rename(Indicators) PhsIndicators;

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

%{
/* Raise phs.errors.<class for code>(message, file, line, column, field).
 * Leaves a Python exception set; always returns NULL. */
static PyObject *phs_py_raise(int code, const char *message, const char *file,
                              int line, int column, const char *field)
{
    static PyObject *from_native = NULL;
    PyObject *exc;
    if (!from_native) {
        PyObject *mod = PyImport_ImportModule("phs.errors");
        if (!mod)
            return NULL;
        from_native = PyObject_GetAttrString(mod, "_from_native");
        Py_DECREF(mod);
        if (!from_native)
            return NULL;
    }
    exc = PyObject_CallFunction(from_native, "isziiz", code,
                                message ? message : "", file, line, column,
                                field);
    if (!exc)
        return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

/* The calling thread's last libphs error as an exception. */
static PyObject *phs_py_raise_last(int code)
{
    const phs_error *e = phs_error_last();
    int c = phs_error_code(e);
    return phs_py_raise(c < 0 ? c : code < 0 ? code : PHS_ERROR,
                        phs_error_message(e), phs_error_file(e),
                        phs_error_line(e), phs_error_column(e),
                        phs_error_field(e));
}
%}

%define PHS_THROW_LAST
{ phs_py_raise_last(PHS_ERROR); SWIG_fail; }
%enddef

%typemap(out) phs_rc {
    if ($1 < 0) {
        phs_py_raise_last($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}
%typemap(out) phs_idx {
    if ($1 < 0) {
        phs_py_raise_last($1);
        SWIG_fail;
    }
    $result = PyLong_FromLong($1);
}
/* Strings are borrowed from libphs and copied into str; NULL is None. */
%typemap(out) const char * {
    $result = $1 ? PyUnicode_FromString($1) : SWIG_Py_Void();
}
%typemap(newfree) char * "phs_free($1);";

/* ------------------------------------------------------------------ */
/* Keep-alive: children hold their parent                              */
/* ------------------------------------------------------------------ */

%pythonappend PhsRecord::PhsRecord %{
        self._parent = rs
%}
%pythonappend PhsResult::PhsResult %{
        self._parent = rs
%}
%pythonappend PhsReader::PhsReader %{
        self._parent = rs
%}
%pythonappend PhsPopulation::PhsPopulation %{
        self._parent = rs
%}
/* Indicators hold their population (which holds the ruleset). */
%pythonappend PhsPopulation::indicators %{
        val._parent = self
%}


%{
static PyObject *phs_py_type_error(const char *field, const char *want,
                                   PyObject *value)
{
    char msg[300];
    snprintf(msg, sizeof msg, "field '%s': expected %s, got %s", field, want,
             Py_TYPE(value)->tp_name);
    return phs_py_raise(PHS_ERECORD, msg, NULL, 0, 0, field);
}

static int phs_py_is_nan(PyObject *v)
{
    return PyFloat_Check(v) && isnan(PyFloat_AS_DOUBLE(v));
}

/* pandas.NaT and numpy's bool_ are recognised by type name, so that the
 * extension needs neither at build time. */
static int phs_py_type_is(PyObject *v, const char *name)
{
    return strcmp(Py_TYPE(v)->tp_name, name) == 0;
}

/* Set field f (name `name`, type `type`) of rec from a Python value.
 * Returns 0, or -1 with an exception set. */
static int phs_py_set(phs_record *rec, int f, int type, const char *name,
                      PyObject *v)
{
    int rc = PHS_OK;
    if (v == Py_None || phs_py_is_nan(v))
        return 0; /* absent */
    if (PyUnicode_Check(v)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(v, &len);
        if (!s)
            return -1;
        rc = type == PHS_TYPE_STRING || type == PHS_TYPE_ENUM
                 ? phs_record_set_string(rec, f, s, (size_t)len)
                 : phs_record_set_text(rec, f, s, (size_t)len);
        if (rc < 0) {
            phs_py_raise_last(rc);
            return -1;
        }
        return 0;
    }
    switch (type) {
    case PHS_TYPE_NUMBER: {
        double d;
        if (PyBool_Check(v) || !(PyFloat_Check(v) || PyLong_Check(v) ||
                                 PyIndex_Check(v) ||
                                 (Py_TYPE(v)->tp_as_number &&
                                  Py_TYPE(v)->tp_as_number->nb_float))) {
            phs_py_type_error(name, "a number", v);
            return -1;
        }
        d = PyFloat_AsDouble(v);
        if (d == -1.0 && PyErr_Occurred())
            return -1;
        if (isnan(d))
            return 0;
        rc = phs_record_set_number(rec, f, d);
        break;
    }
    case PHS_TYPE_BOOL: {
        int b;
        if (PyBool_Check(v) || phs_py_type_is(v, "numpy.bool_") ||
            phs_py_type_is(v, "numpy.bool")) {
            b = PyObject_IsTrue(v);
        } else if (PyLong_Check(v)) {
            long l = PyLong_AsLong(v);
            if (l != 0 && l != 1) {
                if (!PyErr_Occurred())
                    phs_py_type_error(name, "a bool (or 0/1)", v);
                return -1;
            }
            b = (int)l;
        } else {
            phs_py_type_error(name, "a bool", v);
            return -1;
        }
        rc = phs_record_set_bool(rec, f, b);
        break;
    }
    case PHS_TYPE_DATE: {
        phs_date d;
        if (phs_py_type_is(v, "NaTType"))
            return 0;
        if (!PyDate_Check(v)) {
            phs_py_type_error(name, "a datetime.date or 'YYYY-MM-DD'", v);
            return -1;
        }
        rc = phs_date_make(&d, PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v),
                           PyDateTime_GET_DAY(v));
        if (rc == PHS_OK)
            rc = phs_record_set_date(rec, f, d);
        break;
    }
    case PHS_TYPE_CODES: {
        PyObject *seq;
        Py_ssize_t n, i;
        if (PyBytes_Check(v) || PyDict_Check(v) ||
            !(PyList_Check(v) || PyTuple_Check(v) || PyAnySet_Check(v) ||
              PySequence_Check(v))) {
            phs_py_type_error(name, "a list of codes or 'A;B'", v);
            return -1;
        }
        seq = PySequence_Fast(v, "codes");
        if (!seq)
            return -1;
        n = PySequence_Fast_GET_SIZE(seq);
        rc = phs_record_set_text(rec, f, "", 0); /* present, empty */
        for (i = 0; i < n && rc == PHS_OK; i++) {
            PyObject *c = PySequence_Fast_GET_ITEM(seq, i);
            Py_ssize_t len;
            const char *s;
            if (!PyUnicode_Check(c)) {
                Py_DECREF(seq);
                phs_py_type_error(name, "codes as str", c);
                return -1;
            }
            s = PyUnicode_AsUTF8AndSize(c, &len);
            if (!s) {
                Py_DECREF(seq);
                return -1;
            }
            rc = phs_record_add_code(rec, f, s, (size_t)len);
        }
        Py_DECREF(seq);
        break;
    }
    case PHS_TYPE_STRING:
        if (PyLong_Check(v) && !PyBool_Check(v)) { /* numeric ids */
            PyObject *t = PyObject_Str(v);
            Py_ssize_t len;
            const char *s = t ? PyUnicode_AsUTF8AndSize(t, &len) : NULL;
            rc = s ? phs_record_set_string(rec, f, s, (size_t)len) : PHS_OK;
            Py_XDECREF(t);
            if (!s)
                return -1;
            break;
        }
        /* fall through */
    default:
        phs_py_type_error(name, "a str", v);
        return -1;
    }
    if (rc < 0) {
        phs_py_raise_last(rc);
        return -1;
    }
    return 0;
}

static int phs_py_fill(const phs_ruleset *rs, phs_record *rec,
                       PyObject *mapping)
{
    PyObject *items, *it;
    Py_ssize_t n, i;
    phs_record_clear(rec);
    if (PyDict_Check(mapping)) {
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (PyDict_Next(mapping, &pos, &k, &v)) {
            const char *name;
            int f;
            if (!PyUnicode_Check(k)) {
                phs_py_raise(PHS_ERECORD, "field names must be str", NULL, 0,
                             0, NULL);
                return -1;
            }
            name = PyUnicode_AsUTF8(k);
            if (!name)
                return -1;
            f = phs_ruleset_field_id(rs, name);
            if (f < 0) {
                phs_py_raise(PHS_ENOTFOUND,
                             phs_error_message(phs_error_last()), NULL, 0, 0,
                             name);
                return -1;
            }
            Py_INCREF(v); /* the value's conversion may run Python code */
            Py_INCREF(k);
            i = phs_py_set(rec, f, phs_ruleset_field_type(rs, f), name, v);
            Py_DECREF(k);
            Py_DECREF(v);
            if (i < 0)
                return -1;
        }
        return 0;
    }
    /* Any other mapping: its items(). */
    if (!PyMapping_Check(mapping) || PySequence_Check(mapping) ||
        PyUnicode_Check(mapping)) {
        PyErr_Format(PyExc_TypeError,
                     "a resident is a mapping of field names to values, "
                     "not %s", Py_TYPE(mapping)->tp_name);
        return -1;
    }
    items = PyMapping_Items(mapping);
    if (!items)
        return -1;
    it = PySequence_Fast(items, "items");
    Py_DECREF(items);
    if (!it)
        return -1;
    n = PySequence_Fast_GET_SIZE(it);
    for (i = 0; i < n; i++) {
        PyObject *kv = PySequence_Fast_GET_ITEM(it, i), *k, *v;
        const char *name;
        int f;
        if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2)
            continue;
        k = PyTuple_GET_ITEM(kv, 0);
        v = PyTuple_GET_ITEM(kv, 1);
        if (!PyUnicode_Check(k) || !(name = PyUnicode_AsUTF8(k))) {
            Py_DECREF(it);
            if (!PyErr_Occurred())
                phs_py_raise(PHS_ERECORD, "field names must be str", NULL, 0,
                             0, NULL);
            return -1;
        }
        f = phs_ruleset_field_id(rs, name);
        if (f < 0) {
            phs_py_raise(PHS_ENOTFOUND, phs_error_message(phs_error_last()),
                         NULL, 0, 0, name);
            Py_DECREF(it);
            return -1;
        }
        if (phs_py_set(rec, f, phs_ruleset_field_type(rs, f), name, v) < 0) {
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return 0;
}
%}

%{
/* A borrowed buffer of n items of `size` bytes (kinds: format chars). */
static int phs_py_buffer(PyObject *o, Py_buffer *view, Py_ssize_t n,
                         Py_ssize_t size, const char *kinds, int writable,
                         const char *what)
{
    const char *fmt;
    if (PyObject_GetBuffer(o, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT |
                                        (writable ? PyBUF_WRITABLE : 0)) < 0)
        return -1;
    fmt = view->format ? view->format : "B";
    if (*fmt == '@' || *fmt == '=' || *fmt == '<')
        fmt++;
    if (view->itemsize != size || view->len != n * size ||
        strlen(fmt) != 1 || !strchr(kinds, *fmt)) {
        PyErr_Format(PyExc_ValueError,
                     "%s: expected %zd items of %zd bytes ('%s'), got %zd "
                     "bytes of '%s'", what, n, size, kinds, view->len,
                     view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

typedef struct phs_py_strcol {
    const char **ptrs;
    char *arena; /* joined code lists */
} phs_py_strcol;

/* The n items of a list, a tuple or a one-dimensional numpy array of
 * objects (read through its __array_interface__, so that the extension
 * needs no numpy at build time), borrowed: the caller keeps `o` alive. */
static int phs_py_items(PyObject *o, Py_ssize_t n, PyObject *const **items,
                        const char *what)
{
    PyObject *ai, *v;
    int ok = 0;
    if (PyList_Check(o) || PyTuple_Check(o)) {
        if (PySequence_Fast_GET_SIZE(o) == n) {
            *items = PySequence_Fast_ITEMS(o);
            return 0;
        }
    } else if ((ai = PyObject_GetAttrString(o, "__array_interface__"))) {
        PyObject *typestr = PyDict_GetItemString(ai, "typestr");
        PyObject *shape = PyDict_GetItemString(ai, "shape");
        PyObject *strides = PyDict_GetItemString(ai, "strides");
        PyObject *data = PyDict_GetItemString(ai, "data");
        ok = typestr && PyUnicode_Check(typestr) &&
             PyUnicode_CompareWithASCIIString(typestr, "|O") == 0 && shape &&
             PyTuple_Check(shape) && PyTuple_GET_SIZE(shape) == 1 &&
             (v = PyTuple_GET_ITEM(shape, 0)) && PyLong_AsSsize_t(v) == n &&
             (!strides || strides == Py_None) && data && PyTuple_Check(data) &&
             PyTuple_GET_SIZE(data) == 2;
        if (ok)
            *items = (PyObject *const *)PyLong_AsVoidPtr(PyTuple_GET_ITEM(data, 0));
        Py_DECREF(ai);
        if (ok && !PyErr_Occurred())
            return 0;
    }
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "%s: expected a list or a contiguous numpy "
                 "object array of %zd items", what, n);
    return -1;
}

/* n items (str / None / NaN / pd.NA and, for codes, lists of str) as C
 * strings borrowed from the items (which the caller keeps alive); `what`
 * names an item in messages ("row", "category"). */
static int phs_py_strings(PyObject *const *items, Py_ssize_t n, int codes,
                          const char *field, const char *what,
                          phs_py_strcol *out)
{
    Py_ssize_t i, arena_len = 0, arena_cap = 0;
    size_t *offs = NULL; /* for joined lists: offset + 1 into the arena */
    out->ptrs = (const char **)calloc(n ? (size_t)n : 1, sizeof *out->ptrs);
    out->arena = NULL;
    if (!out->ptrs) {
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < n; i++) {
        PyObject *v = items[i];
        if (PyUnicode_Check(v)) {
            if (!(out->ptrs[i] = PyUnicode_AsUTF8(v)))
                goto fail;
        } else if (v == Py_None || phs_py_is_nan(v) ||
                   phs_py_type_is(v, "NAType")) {
            out->ptrs[i] = NULL;
        } else if (codes && (PyList_Check(v) || PyTuple_Check(v))) {
            Py_ssize_t k, m = PySequence_Fast_GET_SIZE(v), need = 1, len;
            const char *s;
            for (k = 0; k < m; k++) {
                PyObject *cd = PySequence_Fast_GET_ITEM(v, k);
                if (!PyUnicode_Check(cd)) {
                    char msg[300];
                    snprintf(msg, sizeof msg, "column '%s', %s %zd: codes "
                             "must be str, not %s", field, what, i,
                             Py_TYPE(cd)->tp_name);
                    phs_py_raise(PHS_ERECORD, msg, NULL, 0, 0, field);
                    goto fail;
                }
                if (!PyUnicode_AsUTF8AndSize(cd, &len))
                    goto fail;
                need += len + 1;
            }
            if (!offs && !(offs = (size_t *)calloc((size_t)n, sizeof *offs))) {
                PyErr_NoMemory();
                goto fail;
            }
            if (arena_len + need > arena_cap) {
                Py_ssize_t cap = arena_cap ? arena_cap : 4096;
                char *p;
                while (cap < arena_len + need)
                    cap *= 2;
                if (!(p = (char *)realloc(out->arena, (size_t)cap))) {
                    PyErr_NoMemory();
                    goto fail;
                }
                out->arena = p;
                arena_cap = cap;
            }
            offs[i] = (size_t)arena_len + 1;
            for (k = 0; k < m; k++) {
                s = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(v, k),
                                            &len);
                memcpy(out->arena + arena_len, s, (size_t)len);
                arena_len += len;
                if (k + 1 < m)
                    out->arena[arena_len++] = ';';
            }
            out->arena[arena_len++] = '\0';
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "column '%s', %s %zd: expected str%s, "
                     "not %s", field, what, i, codes ? " or a list of str" : "",
                     Py_TYPE(v)->tp_name);
            phs_py_raise(PHS_ERECORD, msg, NULL, 0, 0, field);
            goto fail;
        }
    }
    if (offs) { /* the arena has stopped moving: point into it */
        for (i = 0; i < n; i++)
            if (offs[i])
                out->ptrs[i] = out->arena + offs[i] - 1;
        free(offs);
    }
    return 0;
fail:
    free(offs);
    free((void *)out->ptrs);
    free(out->arena);
    out->ptrs = NULL;
    out->arena = NULL;
    return -1;
}

/* A text column as category codes: `codes_obj` a buffer of n signed
 * integers of 1, 2, 4 or 8 bytes (negative: absent) into `table`, a list or
 * numpy object array of categories as phs_py_strings takes them.  The
 * categories are converted once and each row points at its category's
 * text (so that the engine, which remembers decoded texts by pointer,
 * decodes each category once). */
static int phs_py_coded(PyObject *codes_obj, PyObject *table, Py_ssize_t n,
                        int codes, const char *field, phs_py_strcol *out)
{
    Py_buffer view;
    PyObject *const *items;
    phs_py_strcol cat = {NULL, NULL};
    Py_ssize_t i, ncat = PyObject_Length(table);
    const char *fmt;
    int rc = -1;
    out->ptrs = NULL;
    out->arena = NULL;
    if (ncat < 0 ||
        PyObject_GetBuffer(codes_obj, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    fmt = view.format ? view.format : "B";
    if (*fmt == '@' || *fmt == '=' || *fmt == '<')
        fmt++;
    if (strlen(fmt) != 1 || !strchr("bhilq", *fmt) || view.len != n * view.itemsize ||
        (view.itemsize != 1 && view.itemsize != 2 && view.itemsize != 4 &&
         view.itemsize != 8)) {
        PyErr_Format(PyExc_ValueError, "column '%s': expected %zd signed integer "
                     "category codes", field, n);
        goto done;
    }
    if (phs_py_items(table, ncat, &items, field) < 0 ||
        phs_py_strings(items, ncat, codes, field, "category", &cat) < 0)
        goto done;
    if (!(out->ptrs = (const char **)calloc(n ? (size_t)n : 1, sizeof *out->ptrs))) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < n; i++) {
        long long k = view.itemsize == 1 ? ((const int8_t *)view.buf)[i]
                    : view.itemsize == 2 ? ((const int16_t *)view.buf)[i]
                    : view.itemsize == 4 ? ((const int32_t *)view.buf)[i]
                                         : ((const int64_t *)view.buf)[i];
        if (k >= ncat) {
            PyErr_Format(PyExc_ValueError, "column '%s', row %zd: category code "
                         "%lld of %zd categories", field, i, k, ncat);
            goto done;
        }
        out->ptrs[i] = k < 0 ? NULL : cat.ptrs[k];
    }
    out->arena = cat.arena; /* the joined code lists rows point into */
    cat.arena = NULL;
    rc = 0;
done:
    if (rc < 0) {
        free((void *)out->ptrs);
        out->ptrs = NULL;
    }
    free((void *)cat.ptrs);
    free(cat.arena);
    PyBuffer_Release(&view);
    return rc;
}
%}

%inline %{
/* The distinct values of a column (a list or a numpy object array), in
 * order of first appearance; codes (a writable buffer of len(column)
 * int32) receives each row's index into the returned list.  str objects
 * are grouped by value (read_csv makes a new object for most cells),
 * anything else by identity (equal values given as different objects stay
 * apart, which only costs a conversion more).  One pass in C: the caller
 * converts each distinct value once and spreads the results with numpy. */
PyObject *factor_objects(PyObject *column, PyObject *codes)
{
    struct slot { PyObject *key; Py_hash_t hash; int32_t code; } *tab = NULL;
    PyObject *const *items;
    PyObject *uniq = NULL;
    Py_buffer view;
    Py_ssize_t n = PyObject_Length(column), i;
    size_t cap = 64, used = 0, h;
    int32_t *out;
    if (n < 0 || phs_py_items(column, n, &items, "factor_objects") < 0 ||
        phs_py_buffer(codes, &view, n, 4, "il", 1, "codes") < 0)
        return NULL;
    out = (int32_t *)view.buf;
    if (!(uniq = PyList_New(0)) || !(tab = (struct slot *)calloc(cap, sizeof *tab)))
        goto fail;
    for (i = 0; i < n; i++) {
        PyObject *v = items[i];
        int text = PyUnicode_CheckExact(v);
        Py_hash_t hash;
        if (i && v == items[i - 1]) { /* runs (a column mostly absent) */
            out[i] = out[i - 1];
            continue;
        }
        hash = text ? PyObject_Hash(v) : (Py_hash_t)((uintptr_t)v >> 4);
        if (hash == -1 && PyErr_Occurred())
            goto fail;
        for (h = (size_t)hash * 0x9E3779B97F4A7C15u >> 32;; h++) {
            struct slot *e = &tab[h & (cap - 1)];
            if (!e->key || e->key == v ||
                (text && e->hash == hash && PyUnicode_CheckExact(e->key) &&
                 PyUnicode_Compare(e->key, v) == 0))
                break;
        }
        if (tab[h & (cap - 1)].key) {
            out[i] = tab[h & (cap - 1)].code;
            continue;
        }
        if (used >= INT32_MAX || PyList_Append(uniq, v) < 0)
            goto fail;
        tab[h & (cap - 1)] = (struct slot){v, hash, (int32_t)used};
        out[i] = (int32_t)used++;
        if (used * 2 > cap) { /* grow: reinsert */
            struct slot *big = (struct slot *)calloc(cap * 2, sizeof *big);
            if (!big)
                goto fail;
            for (size_t j = 0; j < cap; j++)
                if (tab[j].key) {
                    size_t g = (size_t)tab[j].hash * 0x9E3779B97F4A7C15u >> 32;
                    while (big[g & (cap * 2 - 1)].key)
                        g++;
                    big[g & (cap * 2 - 1)] = tab[j];
                }
            free(tab);
            tab = big;
            cap *= 2;
        }
    }
    free(tab);
    PyBuffer_Release(&view);
    return uniq;
fail:
    if (!PyErr_Occurred())
        PyErr_NoMemory();
    free(tab);
    Py_XDECREF(uniq);
    PyBuffer_Release(&view);
    return NULL;
}
%}

%{
/* ---- A result as Python values, built in one call ---------------- */

static PyObject *phs_py_str(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_FromString(s);
}

static PyObject *phs_py_date(phs_date d)
{
    int y, m, dd;
    if (d == PHS_DATE_NONE)
        Py_RETURN_NONE;
    phs_date_split(d, &y, &m, &dd);
    return PyDate_FromDate(y, m, dd);
}

/* A tuple of n strings get(res, p, i). */
static PyObject *phs_py_strs(const phs_result *res, size_t p, size_t n,
                             const char *(*get)(const phs_result *, size_t,
                                                size_t))
{
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        PyObject *v = phs_py_str(get(res, p, i));
        if (!v) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
    }
    return t;
}

/* (id, programs, plan[, json]):
 *   programs: per program (rule-set order), a tuple (outcome, enrolled
 *     (-1/0/1), tier, level, code, next_due, earliest, interval, referral,
 *     actions, flags, undecided_flags, reasons ((rule, cites), ...),
 *     missing), dates as datetime.date or None;
 *   plan: ((date, (program index, ...)), ...);
 *   json: the result's NDJSON line (str), when with_json. */
static PyObject *phs_py_snapshot(const phs_ruleset *rs, const phs_result *res,
                                 int with_json)
{
    size_t np = phs_ruleset_program_count(rs), nv, p, i;
    PyObject *progs = NULL, *plan = NULL, *out = NULL, *json = NULL;
    if (!(progs = PyTuple_New((Py_ssize_t)np)))
        goto fail;
    for (p = 0; p < np; p++) {
        size_t nr = phs_result_reason_count(res, p);
        PyObject *reasons = PyTuple_New((Py_ssize_t)nr), *t;
        for (i = 0; reasons && i < nr; i++) {
            size_t nc = phs_result_reason_cite_count(res, p, i);
            PyObject *cites = PyTuple_New((Py_ssize_t)nc), *r;
            for (size_t c = 0; cites && c < nc; c++) {
                PyObject *v = phs_py_str(phs_result_reason_cite(res, p, i, c));
                if (!v) {
                    Py_CLEAR(cites);
                    break;
                }
                PyTuple_SET_ITEM(cites, (Py_ssize_t)c, v);
            }
            r = cites ? Py_BuildValue("(NN)", phs_py_str(phs_result_reason(res, p, i)),
                                      cites)
                      : NULL;
            if (!r) {
                Py_CLEAR(reasons);
                break;
            }
            PyTuple_SET_ITEM(reasons, (Py_ssize_t)i, r);
        }
        if (!reasons)
            goto fail;
        t = Py_BuildValue(
            "(iiNiNNNNONNNNN)", phs_result_outcome(res, p),
            phs_result_enrolled(res, p), phs_py_str(phs_result_tier(res, p)),
            phs_result_level(res, p), phs_py_str(phs_result_code(res, p)),
            phs_py_date(phs_result_next_due(res, p)),
            phs_py_date(phs_result_earliest(res, p)),
            phs_py_str(phs_result_interval(res, p)),
            phs_result_referral(res, p) ? Py_True : Py_False,
            phs_py_strs(res, p, phs_result_action_count(res, p),
                        phs_result_action),
            phs_py_strs(res, p, phs_result_flag_count(res, p),
                        phs_result_flag),
            phs_py_strs(res, p, phs_result_undecided_flag_count(res, p),
                        phs_result_undecided_flag),
            reasons,
            phs_py_strs(res, p, phs_result_missing_count(res, p),
                        phs_result_missing));
        if (!t)
            goto fail;
        PyTuple_SET_ITEM(progs, (Py_ssize_t)p, t);
    }
    nv = phs_result_plan_count(res);
    if (!(plan = PyTuple_New((Py_ssize_t)nv)))
        goto fail;
    for (i = 0; i < nv; i++) {
        PyObject *serves = PyList_New(0), *v;
        for (p = 0; serves && p < np; p++)
            if (phs_result_plan_serves(res, i, p) == 1) {
                PyObject *k = PyLong_FromSize_t(p);
                if (!k || PyList_Append(serves, k) < 0) {
                    Py_XDECREF(k);
                    Py_CLEAR(serves);
                    break;
                }
                Py_DECREF(k);
            }
        if (!serves)
            goto fail;
        v = Py_BuildValue("(NN)", phs_py_date(phs_result_plan_date(res, i)),
                          PyList_AsTuple(serves));
        Py_DECREF(serves);
        if (!v)
            goto fail;
        PyTuple_SET_ITEM(plan, (Py_ssize_t)i, v);
    }
    if (with_json) {
        char *text = NULL;
        size_t len = 0;
        int rc = phs_result_to_json(res, &text, &len);
        if (rc < 0) {
            phs_py_raise_last(rc);
            goto fail;
        }
        json = PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "strict");
        phs_free(text);
        if (!json)
            goto fail;
        out = Py_BuildValue("(NNNN)", phs_py_str(phs_result_id(res)), progs,
                            plan, json);
    } else {
        out = Py_BuildValue("(NNN)", phs_py_str(phs_result_id(res)), progs,
                            plan);
    }
    return out;
fail:
    Py_XDECREF(progs);
    Py_XDECREF(plan);
    return NULL;
}
%}

/* NULL from a constructor or a factory means failure. */
%exception PhsOptions::PhsOptions { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::PhsRuleset { $action if (!result) PHS_THROW_LAST }
%exception PhsRecord::PhsRecord { $action if (!result) PHS_THROW_LAST }
%exception PhsResult::PhsResult { $action if (!result) PHS_THROW_LAST }
%exception PhsReader::PhsReader { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::verify { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::diff { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::coverage { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::test_report { $action if (!result) PHS_THROW_LAST }
%exception PhsRuleset::check_strict { $action if (!result) PHS_THROW_LAST }
%exception PhsResult::to_json { $action if (!result) PHS_THROW_LAST }
%exception PhsPopulation::PhsPopulation { $action if (!result) PHS_THROW_LAST }
%exception PhsPopulation::indicators { $action if (!result) PHS_THROW_LAST }
%exception PhsIndicators::to_json { $action if (!result) PHS_THROW_LAST }
%exception PhsIndicators::to_csv { $action if (!result) PHS_THROW_LAST }
%exception date_make { $action if (result == PHS_DATE_NONE) PHS_THROW_LAST }
%exception date_parse { $action if (result == PHS_DATE_NONE) PHS_THROW_LAST }

%exception PhsRuleset::classify_mapping { $action if (!result) SWIG_fail; }
%exception PhsRuleset::fill { $action if (!result) SWIG_fail; }
%exception PhsRuleset::snapshot { $action if (!result) SWIG_fail; }
%exception classify_columns { $action if (!result) SWIG_fail; }
%exception factor_objects { $action if (!result) SWIG_fail; }

%include "../phs.i"


/* ------------------------------------------------------------------ */
/* One resident from a mapping                                         */
/* ------------------------------------------------------------------ */


%extend PhsRuleset {
    /* Fill rec from a mapping (None/NaN = absent), default the date field
     * `default_field` to `default_date` (days) when it is absent and
     * default_field >= 0, classify into res, and return res.snapshot()
     * (with_json: a pair (snapshot, the result's NDJSON line)). */
    PyObject *classify_mapping(PhsRecord *rec, PhsResult *res,
                               PyObject *mapping, int default_field = -1,
                               int default_date = 0, bool with_json = false)
    {
        int rc;
        if (phs_py_fill($self, rec, mapping) < 0)
            return NULL;
        if (default_field >= 0 && phs_record_has(rec, default_field) == 0 &&
            (rc = phs_record_set_date(rec, default_field, default_date)) < 0)
            return phs_py_raise_last(rc);
        if ((rc = phs_classify($self, rec, res)) < 0)
            return phs_py_raise_last(rc);
        return phs_py_snapshot($self, res, with_json);
    }
    /* Fill rec from a mapping only. */
    PyObject *fill(PhsRecord *rec, PyObject *mapping)
    {
        if (phs_py_fill($self, rec, mapping) < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    /* res (classified with this ruleset) as plain Python values; see
     * phs_py_snapshot. */
    PyObject *snapshot(const PhsResult *res, bool with_json = false)
    {
        return phs_py_snapshot($self, res, with_json);
    }
}

/* ------------------------------------------------------------------ */
/* Columns                                                             */
/* ------------------------------------------------------------------ */


%inline %{
/* phs_classify_columns over Python objects.  fields: list of field ids;
 * columns: for each, a buffer of n values of the field's natural type
 * (float64, int8, int32 days) or, for string/enum/codes fields, a list or
 * numpy object array of n str/None/NaN/pd.NA (codes: 'A;B' or a list of
 * str); tables: None, or a list parallel to columns whose item, when not
 * None, makes that text column a buffer of n signed integer codes into it
 * (negative: absent; pandas Categorical codes and categories).  Outputs
 * are writable buffers of n*programs int16 (tier), int32 (next_due),
 * uint64 (flags) and n int32 (status); any may be None.  Returns the C status (0, or PHS_ERECORD when
 * some resident failed: see status); other errors raise.  The GIL is
 * released while classifying. */
PyObject *classify_columns(const PhsRuleset *rs, long n_,
                           PyObject *fields, PyObject *columns, PyObject *tables,
                           PyObject *tier, PyObject *next_due,
                           PyObject *flags, PyObject *status)
{
    Py_ssize_t ncols, c, np, i;
    phs_column *cols = NULL;
    Py_buffer *views = NULL;
    phs_py_strcol *strs = NULL;
    char *have = NULL;
    Py_buffer out[4];
    int have_out[4] = {0, 0, 0, 0};
    PyObject *outs[4];
    PyObject *ret = NULL;
    Py_ssize_t n = (Py_ssize_t)n_;
    int rc;

    if (!rs || n < 0 || !PyList_Check(fields) || !PyList_Check(columns) ||
        PyList_GET_SIZE(fields) != PyList_GET_SIZE(columns) ||
        (tables != Py_None && (!PyList_Check(tables) ||
                               PyList_GET_SIZE(tables) != PyList_GET_SIZE(columns)))) {
        PyErr_SetString(PyExc_ValueError,
                        "classify_columns: fields, columns (and tables) must "
                        "be lists of the same length");
        return NULL;
    }
    ncols = PyList_GET_SIZE(fields);
    np = (Py_ssize_t)phs_ruleset_program_count(rs);
    cols = (phs_column *)calloc(ncols ? (size_t)ncols : 1, sizeof *cols);
    views = (Py_buffer *)calloc(ncols ? (size_t)ncols : 1, sizeof *views);
    strs = (phs_py_strcol *)calloc(ncols ? (size_t)ncols : 1, sizeof *strs);
    have = (char *)calloc(ncols ? (size_t)ncols : 1, 1);
    if (!cols || !views || !strs || !have) {
        PyErr_NoMemory();
        goto done;
    }
    for (c = 0; c < ncols; c++) {
        PyObject *col = PyList_GET_ITEM(columns, c);
        long f = PyLong_AsLong(PyList_GET_ITEM(fields, c));
        const char *name;
        int type;
        if (f == -1 && PyErr_Occurred())
            goto done;
        name = phs_ruleset_field_name(rs, (int)f);
        if (!name) {
            phs_py_raise(PHS_EINVAL, "classify_columns: bad field id", NULL,
                         0, 0, NULL);
            goto done;
        }
        type = phs_ruleset_field_type(rs, (int)f);
        cols[c].field = (int)f;
        switch (type) {
        case PHS_TYPE_NUMBER:
            if (phs_py_buffer(col, &views[c], n, 8, "d", 0, name) < 0)
                goto done;
            have[c] = 1;
            cols[c].values = views[c].buf;
            break;
        case PHS_TYPE_BOOL:
            if (phs_py_buffer(col, &views[c], n, 1, "b", 0, name) < 0)
                goto done;
            have[c] = 1;
            cols[c].values = views[c].buf;
            break;
        case PHS_TYPE_DATE:
            if (phs_py_buffer(col, &views[c], n, 4, "il", 0, name) < 0)
                goto done;
            have[c] = 1;
            cols[c].values = views[c].buf;
            break;
        default: {
            PyObject *table = tables == Py_None ? Py_None : PyList_GET_ITEM(tables, c);
            PyObject *const *items;
            have[c] = 2;
            if (table != Py_None
                    ? phs_py_coded(col, table, n, type == PHS_TYPE_CODES, name,
                                   &strs[c]) < 0
                    : phs_py_items(col, n, &items, name) < 0 ||
                          phs_py_strings(items, n, type == PHS_TYPE_CODES, name,
                                         "row", &strs[c]) < 0)
                goto done;
            cols[c].values = strs[c].ptrs;
        }
        }
    }
    outs[0] = tier; outs[1] = next_due; outs[2] = flags; outs[3] = status;
    {
        static const Py_ssize_t sizes[4] = {2, 4, 8, 4};
        static const char *const kinds[4] = {"h", "il", "QL", "il"};
        static const char *const names[4] = {"tier", "next_due", "flags",
                                             "status"};
        for (i = 0; i < 4; i++) {
            if (outs[i] == Py_None)
                continue;
            if (phs_py_buffer(outs[i], &out[i], i == 3 ? n : n * np, sizes[i],
                              kinds[i], 1, names[i]) < 0)
                goto done;
            have_out[i] = 1;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    rc = phs_classify_columns(rs, (size_t)n, cols, (size_t)ncols,
                              have_out[0] ? (int16_t *)out[0].buf : NULL,
                              have_out[1] ? (phs_date *)out[1].buf : NULL,
                              have_out[2] ? (uint64_t *)out[2].buf : NULL,
                              have_out[3] ? (int *)out[3].buf : NULL);
    Py_END_ALLOW_THREADS
    if (rc < 0 && rc != PHS_ERECORD)
        phs_py_raise_last(rc);
    else
        ret = PyLong_FromLong(rc);
done:
    for (i = 0; i < 4; i++)
        if (have_out[i])
            PyBuffer_Release(&out[i]);
    for (c = 0; have && c < ncols; c++) {
        if (have[c] == 1)
            PyBuffer_Release(&views[c]);
        else if (have[c] == 2) {
            free((void *)strs[c].ptrs);
            free(strs[c].arena);
        }
    }
    free(cols);
    free(views);
    free(strs);
    free(have);
    return ret;
}
%}
