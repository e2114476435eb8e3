/* The thread's last error. */
#include <stdio.h>
#include <string.h>

#include "base.h"

struct phs_error {
    int code;
    int line, col;
    char file[256];
    char field[64];
    char message[1024];
};

static _Thread_local struct phs_error g_err;

const phs_error *phs_error_last(void) { return &g_err; }

void phs_error_clear(void) { memset(&g_err, 0, sizeof g_err); }

int phs_error_code(const phs_error *e) { return e ? e->code : PHS_EINVAL; }
const char *phs_error_message(const phs_error *e)
{
    return e ? e->message : "";
}
const char *phs_error_file(const phs_error *e)
{
    return e && e->file[0] ? e->file : NULL;
}
int phs_error_line(const phs_error *e) { return e ? e->line : 0; }
int phs_error_column(const phs_error *e) { return e ? e->col : 0; }
const char *phs_error_field(const phs_error *e)
{
    return e && e->field[0] ? e->field : NULL;
}

int phs__error_vset(int code, const char *file, int line, int col,
                    const char *field, const char *fmt, va_list ap)
{
    struct phs_error *e = &g_err;
    char msg[sizeof e->message];
    vsnprintf(msg, sizeof msg, fmt, ap);
    e->code = code;
    e->line = line;
    e->col = col;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    if (file && line > 0)
        snprintf(e->message, sizeof e->message, "%.255s:%d:%d: %.700s", file,
                 line, col, msg);
    else if (file)
        snprintf(e->message, sizeof e->message, "%.255s: %.700s", file, msg);
    else
        memcpy(e->message, msg, sizeof msg);
    return code;
}

int phs__error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    phs__error_vset(code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int phs__error_at(int code, const char *file, int line, int col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    phs__error_vset(code, file, line, col, NULL, fmt, ap);
    va_end(ap);
    return code;
}

static int error_plain(int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    phs__error_vset(code, NULL, 0, 0, field, fmt, ap);
    va_end(ap);
    return code;
}

int phs__error_record(int code, const char *field, size_t record,
                      const char *fmt, ...)
{
    va_list ap;
    char msg[900];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (record > 0)
        return error_plain(code, field, "record %zu: %s", record, msg);
    return error_plain(code, field, "%s", msg);
}
