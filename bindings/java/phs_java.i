/*
 * phs_java.i — the Java overlay of phs.i: package org.libphs, JNI library
 * libphsjni.  The generated classes (NativeRuleset, NativeRecord, ...,
 * PhsCore, PhsCoreJNI) are package-private; the public API is written in
 * Java on top of them (Engine, Result, PhsException, Columns, ... in
 * src/org/libphs/).  This file adds what must be C:
 *
 *   - exceptions: a negative status throws org.libphs.PhsException (or the
 *     subclass for its code) with message, file, line, column and field;
 *   - keep-alive: NativeRecord, NativeResult and NativeReader hold their
 *     NativeRuleset; every proxy is AutoCloseable (close() = delete());
 *   - PhsCore.classifyColumns: phs_classify_columns over Java arrays.
 */
%module(jniclassname="PhsCoreJNI") PhsCore

%{
#include "phs/phs.h"
%}

%rename(NativeReport) PhsReport;
%rename(NativeOptions) PhsOptions;
%rename(NativeRuleset) PhsRuleset;
%rename(NativeRecord) PhsRecord;
%rename(NativeResult) PhsResult;
%rename(NativeReader) PhsReader;
%rename(NativePopulation) PhsPopulation;
%rename(NativeIndicators) PhsIndicators;
/* Java spelling: setNumber, programCount, classifyColumns. */
%rename("%(lowercamelcase)s", %$isfunction, %$ismember) "";
%rename(versionNumber) version_number;
%rename(rulesDirDefault) rules_dir_default;
%rename(findingKindName) finding_kind_name;
%rename(severityName) severity_name;
%rename(totalName) total_name;
%rename(dateMake) date_make;
%rename(dateParse) date_parse;
%rename(classifyColumns) classify_columns;

/* Nothing generated is public API. */
%pragma(java) jniclassclassmodifiers="final class"
%pragma(java) moduleclassmodifiers="final class"
%typemap(javaclassmodifiers) SWIGTYPE "final class"
%javaconst(1);
%include "enumsimple.swg"

/* Load libphsjni before the first native call (NativeLoader.java). */
%pragma(java) jniclasscode=%{
  static {
    NativeLoader.load();
  }
%}

/* Indexes and counts are int, flag masks long, dates int (days since
 * 1970-01-01, = LocalDate.toEpochDay()). */
%apply int { size_t };
%apply long long { uint64_t };

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

%{
/* Throw PhsException.of(code, message, file, line, column, field). */
static void phs_java_throw(JNIEnv *jenv, int code, const char *message,
                           const char *file, int line, int column,
                           const char *field)
{
    jclass cls;
    jmethodID of;
    jstring jmsg, jfile, jfield;
    jobject exc;
    if ((*jenv)->ExceptionCheck(jenv))
        return;
    cls = (*jenv)->FindClass(jenv, "org/libphs/PhsException");
    if (!cls)
        return;
    of = (*jenv)->GetStaticMethodID(jenv, cls, "of",
             "(ILjava/lang/String;Ljava/lang/String;IILjava/lang/String;)"
             "Lorg/libphs/PhsException;");
    if (!of)
        return;
    jmsg = (*jenv)->NewStringUTF(jenv, message ? message : "");
    jfile = file ? (*jenv)->NewStringUTF(jenv, file) : NULL;
    jfield = field ? (*jenv)->NewStringUTF(jenv, field) : NULL;
    if ((*jenv)->ExceptionCheck(jenv))
        return;
    exc = (*jenv)->CallStaticObjectMethod(jenv, cls, of, (jint)code, jmsg,
                                          jfile, (jint)line, (jint)column,
                                          jfield);
    if (exc && !(*jenv)->ExceptionCheck(jenv))
        (*jenv)->Throw(jenv, (jthrowable)exc);
    (*jenv)->DeleteLocalRef(jenv, jmsg);
    if (jfile)
        (*jenv)->DeleteLocalRef(jenv, jfile);
    if (jfield)
        (*jenv)->DeleteLocalRef(jenv, jfield);
    (*jenv)->DeleteLocalRef(jenv, cls);
}

static void phs_java_throw_last(JNIEnv *jenv, int code)
{
    const phs_error *e = phs_error_last();
    int c = phs_error_code(e);
    phs_java_throw(jenv, c < 0 ? c : code < 0 ? code : PHS_ERROR,
                   phs_error_message(e), phs_error_file(e), phs_error_line(e),
                   phs_error_column(e), phs_error_field(e));
}
%}

%define PHS_THROW_LAST
{ phs_java_throw_last(jenv, PHS_ERROR); return $null; }
%enddef

%typemap(jni) phs_rc "jint"
%typemap(jtype) phs_rc "int"
%typemap(jstype) phs_rc "void"
%typemap(javaout) phs_rc { $jnicall; }
%typemap(out) phs_rc %{
    if ($1 < 0) {
        phs_java_throw_last(jenv, $1);
        return $null;
    }
    $result = (jint)$1;
%}
%typemap(jni) phs_idx "jint"
%typemap(jtype) phs_idx "int"
%typemap(jstype) phs_idx "int"
%typemap(javaout) phs_idx { return $jnicall; }
%typemap(out) phs_idx %{
    if ($1 < 0) {
        phs_java_throw_last(jenv, $1);
        return $null;
    }
    $result = (jint)$1;
%}
%typemap(newfree) char * "phs_free($1);";

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

/* ------------------------------------------------------------------ */
/* Lifetime                                                            */
/* ------------------------------------------------------------------ */

/* No finalizers: the public classes free native memory in close() and,
 * for what is never closed, through a java.lang.ref.Cleaner. */
%typemap(javafinalize) SWIGTYPE ""
%typemap(javainterfaces) PhsOptions, PhsRuleset, PhsRecord, PhsResult,
                         PhsReader, PhsReport "AutoCloseable"
%typemap(javacode) PhsOptions, PhsRuleset, PhsReport %{
  @Override
  public void close() {
    delete();
  }
%}
/* A child holds its ruleset, so that the ruleset cannot be collected (and
 * freed by its owner's Cleaner) while the child is in use. */
%typemap(javacode) PhsRecord, PhsResult, PhsReader %{
  private Object parent;

  @Override
  public void close() {
    delete();
    parent = null;
  }
%}
%typemap(javaconstruct) PhsRecord, PhsResult, PhsReader {
    this($imcall, true);
    parent = rs;
  }

%include "../phs.i"

/* ------------------------------------------------------------------ */
/* Columns                                                             */
/* ------------------------------------------------------------------ */

%typemap(in, numinputs=0) JNIEnv *jenv_ "$1 = jenv;"

%{
typedef struct phs_java_col {
    int kind;      /* 1 double, 2 byte, 3 int, 4 strings */
    jarray array;
    void *elems;   /* Get<Type>ArrayElements */
    const char **ptrs;
    char *arena;
} phs_java_col;

static void phs_java_col_release(JNIEnv *jenv, phs_java_col *c)
{
    if (c->elems) {
        if (c->kind == 1)
            (*jenv)->ReleaseDoubleArrayElements(jenv, (jdoubleArray)c->array,
                                                (jdouble *)c->elems, JNI_ABORT);
        else if (c->kind == 2)
            (*jenv)->ReleaseByteArrayElements(jenv, (jbyteArray)c->array,
                                              (jbyte *)c->elems, JNI_ABORT);
        else if (c->kind == 3)
            (*jenv)->ReleaseIntArrayElements(jenv, (jintArray)c->array,
                                             (jint *)c->elems, JNI_ABORT);
    }
    free((void *)c->ptrs);
    free(c->arena);
    if (c->array)
        (*jenv)->DeleteLocalRef(jenv, c->array);
}

static int phs_java_illegal(JNIEnv *jenv, const char *msg, const char *field)
{
    char buf[300];
    snprintf(buf, sizeof buf, "column '%s': %s", field ? field : "?", msg);
    phs_java_throw(jenv, PHS_EINVAL, buf, NULL, 0, 0, field);
    return -1;
}

/* A String[] of n (null = absent) as UTF-8 C strings in one arena. */
static int phs_java_strings(JNIEnv *jenv, jobjectArray arr, jint n,
                            const char *field, phs_java_col *c)
{
    size_t len = 0, cap = 4096, *offs;
    jint i;
    offs = (size_t *)calloc((size_t)(n ? n : 1), sizeof *offs);
    c->ptrs = (const char **)calloc((size_t)(n ? n : 1), sizeof *c->ptrs);
    c->arena = (char *)malloc(cap);
    if (!offs || !c->ptrs || !c->arena) {
        free(offs);
        phs_java_throw(jenv, PHS_ENOMEM, "out of memory", NULL, 0, 0, NULL);
        return -1;
    }
    for (i = 0; i < n; i++) {
        jstring s = (jstring)(*jenv)->GetObjectArrayElement(jenv, arr, i);
        jsize ulen, clen;
        if ((*jenv)->ExceptionCheck(jenv)) {
            free(offs);
            return -1;
        }
        if (!s)
            continue;
        ulen = (*jenv)->GetStringUTFLength(jenv, s);
        clen = (*jenv)->GetStringLength(jenv, s);
        if (len + (size_t)ulen + 1 > cap) {
            char *p;
            while (len + (size_t)ulen + 1 > cap)
                cap *= 2;
            if (!(p = (char *)realloc(c->arena, cap))) {
                free(offs);
                (*jenv)->DeleteLocalRef(jenv, s);
                phs_java_throw(jenv, PHS_ENOMEM, "out of memory", NULL, 0, 0,
                               NULL);
                return -1;
            }
            c->arena = p;
        }
        (*jenv)->GetStringUTFRegion(jenv, s, 0, clen, c->arena + len);
        (*jenv)->DeleteLocalRef(jenv, s);
        offs[i] = len + 1;
        len += (size_t)ulen;
        c->arena[len++] = '\0';
    }
    for (i = 0; i < n; i++)
        if (offs[i])
            c->ptrs[i] = c->arena + offs[i] - 1;
    free(offs);
    (void)field;
    return 0;
}

/* A text column as int[] codes (-1 absent) into a String[] table of its
 * distinct values: the table is converted once and each row points at its
 * value's text, so that the engine (which remembers decoded texts by
 * pointer) decodes each value once. */
static int phs_java_coded(JNIEnv *jenv, jintArray codes, jobjectArray table,
                          jint n, const char *field, phs_java_col *c)
{
    phs_java_col cat = {0, NULL, NULL, NULL, NULL};
    jint m = (*jenv)->GetArrayLength(jenv, table), i;
    jint *k = NULL;
    int rc = -1;
    if (phs_java_strings(jenv, table, m, field, &cat) < 0)
        goto done;
    c->ptrs = (const char **)calloc((size_t)(n ? n : 1), sizeof *c->ptrs);
    if (!c->ptrs || !(k = (*jenv)->GetIntArrayElements(jenv, codes, NULL))) {
        if (!(*jenv)->ExceptionCheck(jenv))
            phs_java_throw(jenv, PHS_ENOMEM, "out of memory", NULL, 0, 0, NULL);
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (k[i] >= m) {
            phs_java_illegal(jenv, "a code past its table", field);
            goto done;
        }
        c->ptrs[i] = k[i] < 0 ? NULL : cat.ptrs[k[i]];
    }
    c->arena = cat.arena; /* the texts rows point into */
    cat.arena = NULL;
    rc = 0;
done:
    if (k)
        (*jenv)->ReleaseIntArrayElements(jenv, codes, k, JNI_ABORT);
    free((void *)cat.ptrs);
    free(cat.arena);
    return rc;
}
%}

%inline %{
/* phs_classify_columns over Java arrays.  fields[c] is a field id and
 * columns[c] its values: double[] (NaN absent) for numbers, byte[] (-1
 * absent) for bools, int[] (days, PHS_DATE_NONE absent) for dates,
 * String[] (null absent; codes "A;B") otherwise, or, where tables (may be
 * null) has a String[] at c, int[] codes into it (-1 absent).  Outputs
 * (any may be null): n*programs tier indexes, due days, flag masks; n
 * statuses.  Returns 0, or 1 when some resident was refused (see status). */
phs_idx classify_columns(JNIEnv *jenv_, const PhsRuleset *rs, jint n,
                         jintArray fields, jobjectArray columns,
                         jobjectArray tables,
                         jshortArray tier, jintArray next_due,
                         jlongArray flags, jintArray status)
{
    JNIEnv *jenv = jenv_;
    jint ncols, c;
    jint *fid = NULL;
    phs_java_col *jc = NULL;
    phs_column *cols = NULL;
    int16_t *t = NULL;
    phs_date *d = NULL;
    uint64_t *f = NULL;
    int *st = NULL;
    size_t np, total;
    int rc = -1;

    if (!rs || n < 0 || !fields || !columns) {
        phs_java_throw(jenv, PHS_EINVAL, "classifyColumns: null argument",
                       NULL, 0, 0, NULL);
        return 0;
    }
    ncols = (*jenv)->GetArrayLength(jenv, fields);
    if (ncols != (*jenv)->GetArrayLength(jenv, columns)) {
        phs_java_throw(jenv, PHS_EINVAL, "classifyColumns: fields and "
                       "columns differ in length", NULL, 0, 0, NULL);
        return 0;
    }
    np = phs_ruleset_program_count(rs);
    total = (size_t)n * np;
    fid = (jint *)calloc((size_t)(ncols ? ncols : 1), sizeof *fid);
    jc = (phs_java_col *)calloc((size_t)(ncols ? ncols : 1), sizeof *jc);
    cols = (phs_column *)calloc((size_t)(ncols ? ncols : 1), sizeof *cols);
    if (!fid || !jc || !cols) {
        phs_java_throw(jenv, PHS_ENOMEM, "out of memory", NULL, 0, 0, NULL);
        goto done;
    }
    (*jenv)->GetIntArrayRegion(jenv, fields, 0, ncols, fid);
    for (c = 0; c < ncols; c++) {
        const char *name = phs_ruleset_field_name(rs, fid[c]);
        int type = phs_ruleset_field_type(rs, fid[c]);
        jobject col = (*jenv)->GetObjectArrayElement(jenv, columns, c);
        jobject table = NULL;
        const char *want;
        if (!name) {
            phs_java_throw(jenv, PHS_EINVAL, "classifyColumns: bad field id",
                           NULL, 0, 0, NULL);
            if (col)
                (*jenv)->DeleteLocalRef(jenv, col);
            goto done;
        }
        jc[c].array = (jarray)col;
        cols[c].field = fid[c];
        if (tables && type != PHS_TYPE_NUMBER && type != PHS_TYPE_BOOL &&
            type != PHS_TYPE_DATE)
            table = (*jenv)->GetObjectArrayElement(jenv, tables, c);
        want = type == PHS_TYPE_NUMBER ? "[D" : type == PHS_TYPE_BOOL ? "[B"
               : type == PHS_TYPE_DATE || table ? "[I" : "[Ljava/lang/String;";
        {
            jclass k = (*jenv)->FindClass(jenv, want);
            int ok = k && col && (*jenv)->IsInstanceOf(jenv, col, k);
            if (k)
                (*jenv)->DeleteLocalRef(jenv, k);
            if (!ok || (*jenv)->GetArrayLength(jenv, (jarray)col) != n) {
                phs_java_illegal(jenv, type == PHS_TYPE_NUMBER
                                 ? "expected double[] of n values"
                                 : type == PHS_TYPE_BOOL
                                 ? "expected byte[] of n values"
                                 : type == PHS_TYPE_DATE
                                 ? "expected int[] of n epoch days"
                                 : table ? "expected int[] of n codes"
                                 : "expected String[] of n values", name);
                if (table)
                    (*jenv)->DeleteLocalRef(jenv, table);
                goto done;
            }
        }
        switch (type) {
        case PHS_TYPE_NUMBER:
            jc[c].kind = 1;
            jc[c].elems = (*jenv)->GetDoubleArrayElements(jenv, (jdoubleArray)col, NULL);
            break;
        case PHS_TYPE_BOOL:
            jc[c].kind = 2;
            jc[c].elems = (*jenv)->GetByteArrayElements(jenv, (jbyteArray)col, NULL);
            break;
        case PHS_TYPE_DATE:
            jc[c].kind = 3;
            jc[c].elems = (*jenv)->GetIntArrayElements(jenv, (jintArray)col, NULL);
            break;
        default: {
            int bad;
            jc[c].kind = 4;
            bad = table ? phs_java_coded(jenv, (jintArray)col, (jobjectArray)table, n,
                                         name, &jc[c]) < 0
                        : phs_java_strings(jenv, (jobjectArray)col, n, name, &jc[c]) < 0;
            if (table)
                (*jenv)->DeleteLocalRef(jenv, table);
            if (bad)
                goto done;
            cols[c].values = jc[c].ptrs;
            continue;
        }
        }
        if (!jc[c].elems)
            goto done; /* OutOfMemoryError pending */
        cols[c].values = jc[c].elems;
    }
    if (tier && !(t = (int16_t *)malloc(total ? total * sizeof *t : 1)))
        goto oom;
    if (next_due && !(d = (phs_date *)malloc(total ? total * sizeof *d : 1)))
        goto oom;
    if (flags && !(f = (uint64_t *)malloc(total ? total * sizeof *f : 1)))
        goto oom;
    if (status && !(st = (int *)malloc(n ? (size_t)n * sizeof *st : 1)))
        goto oom;
    if ((tier && (size_t)(*jenv)->GetArrayLength(jenv, tier) != total) ||
        (next_due && (size_t)(*jenv)->GetArrayLength(jenv, next_due) != total) ||
        (flags && (size_t)(*jenv)->GetArrayLength(jenv, flags) != total) ||
        (status && (*jenv)->GetArrayLength(jenv, status) != n)) {
        phs_java_throw(jenv, PHS_EINVAL, "classifyColumns: output arrays "
                       "must hold n*programs (status: n) values", NULL, 0, 0,
                       NULL);
        goto done;
    }
    rc = phs_classify_columns(rs, (size_t)n, cols, (size_t)ncols, t, d, f, st);
    if (rc < 0 && rc != PHS_ERECORD) {
        phs_java_throw_last(jenv, rc);
        rc = -1;
        goto done;
    }
    if (t)
        (*jenv)->SetShortArrayRegion(jenv, tier, 0, (jsize)total, (const jshort *)t);
    if (d)
        (*jenv)->SetIntArrayRegion(jenv, next_due, 0, (jsize)total, (const jint *)d);
    if (f)
        (*jenv)->SetLongArrayRegion(jenv, flags, 0, (jsize)total, (const jlong *)f);
    if (st)
        (*jenv)->SetIntArrayRegion(jenv, status, 0, n, (const jint *)st);
    rc = rc == PHS_ERECORD ? 1 : 0;
    goto done;
oom:
    phs_java_throw(jenv, PHS_ENOMEM, "out of memory", NULL, 0, 0, NULL);
done:
    for (c = 0; jc && c < ncols; c++)
        phs_java_col_release(jenv, &jc[c]);
    free(fid);
    free(jc);
    free(cols);
    free(t);
    free(d);
    free(f);
    free(st);
    /* A pending Java exception wins over the return value. */
    return rc < 0 ? 0 : rc;
}
%}
