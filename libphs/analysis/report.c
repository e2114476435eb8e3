/* Reports of the regulator tooling: findings with counterexamples, a text
 * rendering and a JSON rendering. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"

int phs__report_new(phs_report **out)
{
    *out = phs__calloc(1, sizeof **out);
    if (!*out)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    return PHS_OK;
}

static char *dup_or_null(phs_report *r, const char *s)
{
    if (!s)
        return NULL;
    char *c = phs__strdup(s);
    if (!c)
        r->oom = 1;
    return c;
}

void phs__report_add(phs_report *r, int kind, int severity,
                     const char *program, const char *rule,
                     const char *example, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    if (r->nf == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 16;
        phs__finding *f = phs__realloc(r->f, c * sizeof *f);
        if (!f) {
            r->oom = 1;
            return;
        }
        r->f = f;
        r->cap = c;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    phs__finding *f = &r->f[r->nf++];
    f->kind = kind;
    f->severity = severity;
    f->program = dup_or_null(r, program);
    f->rule = dup_or_null(r, rule);
    f->message = dup_or_null(r, msg);
    f->example = dup_or_null(r, example);
    if (severity == AN_ERROR)
        r->errors++;
    else if (severity == AN_WARNING)
        r->warnings++;
}

void phs__report_text(phs_report *r, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) { /* long: format again into the buffer */
        va_start(ap, fmt);
        char *big = phs__malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            phs__buf_puts(&r->text, big);
            phs__free(big);
        } else {
            r->oom = 1;
        }
        va_end(ap);
        return;
    }
    phs__buf_puts(&r->text, buf);
}

void phs_report_free(phs_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nf; i++) {
        phs__free(r->f[i].program);
        phs__free(r->f[i].rule);
        phs__free(r->f[i].message);
        phs__free(r->f[i].example);
    }
    phs__free(r->f);
    phs__buf_free(&r->text);
    phs__buf_free(&r->json);
    phs__free(r);
}

size_t phs_report_count(const phs_report *r) { return r ? r->nf : 0; }

static const phs__finding *fi(const phs_report *r, size_t i)
{
    return r && i < r->nf ? &r->f[i] : NULL;
}

int phs_report_kind(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->kind : PHS_EINVAL;
}

int phs_report_severity(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->severity : PHS_EINVAL;
}

const char *phs_report_program(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->program : NULL;
}

const char *phs_report_rule(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->rule : NULL;
}

const char *phs_report_message(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->message : NULL;
}

const char *phs_report_example(const phs_report *r, size_t i)
{
    return fi(r, i) ? fi(r, i)->example : NULL;
}

size_t phs_report_errors(const phs_report *r) { return r ? (size_t)r->errors : 0; }

size_t phs_report_warnings(const phs_report *r)
{
    return r ? (size_t)r->warnings : 0;
}

const char *phs_report_text(const phs_report *r)
{
    return r && r->text.p ? r->text.p : "";
}

const char *phs_report_json(const phs_report *r)
{
    return r && r->json.p ? r->json.p : "{}";
}

const char *phs_finding_kind_name(int kind)
{
    static const char *const names[] = {
        [PHS_FINDING_GAP] = "gap",
        [PHS_FINDING_DEAD_TIER] = "dead_tier",
        [PHS_FINDING_DEAD_FLAG] = "dead_flag",
        [PHS_FINDING_INSUFFICIENT] = "insufficient_data",
        [PHS_FINDING_OUTSIDE] = "outside_fragment",
        [PHS_FINDING_SAMPLED] = "sampled",
        [PHS_FINDING_REFUSED] = "refused_by_checks",
        [PHS_FINDING_TRANSITION] = "transition",
        [PHS_FINDING_DUE_SHIFT] = "due_shift",
        [PHS_FINDING_UNCOVERED_TIER] = "uncovered_tier",
        [PHS_FINDING_UNCOVERED_FLAG] = "uncovered_flag",
        [PHS_FINDING_PROVISIONAL] = "provisional",
        [PHS_FINDING_CITATION] = "citation",
        [PHS_FINDING_STATUS] = "status",
        [PHS_FINDING_UNCITED] = "uncited",
        [PHS_FINDING_NOTE] = "note",
        [PHS_FINDING_UNCOVERED_CONDITION] = "uncovered_condition",
        [PHS_FINDING_EXAMPLE_FAILED] = "example_failed",
    };
    if (kind <= 0 || (size_t)kind >= sizeof names / sizeof names[0] ||
        !names[kind])
        return "unknown";
    return names[kind];
}

const char *phs__severity_name(int s)
{
    return s == AN_ERROR ? "error" : s == AN_WARNING ? "warning" : "info";
}

/* The findings as a JSON array (for the analyses' JSON renderings). */
void phs__report_findings_json(phs__buf *b, const phs_report *r,
                               const char *program)
{
    int first = 1;
    phs__buf_putc(b, '[');
    for (size_t i = 0; i < r->nf; i++) {
        const phs__finding *f = &r->f[i];
        if (program && (!f->program || strcmp(program, f->program)))
            continue;
        if (!first)
            phs__buf_putc(b, ',');
        first = 0;
        phs__buf_puts(b, "{\"kind\":");
        an_jstr(b, phs_finding_kind_name(f->kind));
        phs__buf_puts(b, ",\"severity\":");
        an_jstr(b, phs__severity_name(f->severity));
        phs__buf_puts(b, ",\"program\":");
        an_jstr(b, f->program);
        phs__buf_puts(b, ",\"rule\":");
        an_jstr(b, f->rule);
        phs__buf_puts(b, ",\"message\":");
        an_jstr(b, f->message);
        phs__buf_puts(b, ",\"example\":");
        phs__buf_puts(b, f->example ? f->example : "null");
        phs__buf_putc(b, '}');
    }
    phs__buf_putc(b, ']');
}

int phs__report_finish(phs_report *r, int rc, phs_report **out)
{
    if (rc == PHS_OK && (r->oom || r->text.oom || r->json.oom))
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc < 0) {
        phs_report_free(r);
        return rc;
    }
    *out = r;
    return PHS_OK;
}
