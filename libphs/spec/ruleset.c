/* Rule sets: loading all-or-nothing, options, fingerprint, accessors. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec.h"
#include "../vm/vm.h"

const char *phs_version(void) { return PHS_VERSION; }
int phs_version_number(void) { return PHS_VERSION_NUMBER; }

/* Defaults and hard caps, per limit (ORDER phs_limit). */
static const long lim_default[] = {1L << 20, 64, 100000, 64, 100000};
static const long lim_cap[] = {64L << 20, 256, 10000000, 256, 100000000};

static void limits_default(phs__limits *l)
{
    l->file_bytes = lim_default[0];
    l->yaml_depth = lim_default[1];
    l->yaml_nodes = lim_default[2];
    l->expr_depth = lim_default[3];
    l->regex_match = lim_default[4];
}

int phs_ruleset_options_new(phs_ruleset_options **out)
{
    if (!out)
        return phs__error_set(PHS_EINVAL, "options: NULL output");
    *out = phs__calloc(1, sizeof **out);
    if (!*out)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    limits_default(&(*out)->lim);
    return PHS_OK;
}

void phs_ruleset_options_free(phs_ruleset_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->noverrides; i++)
        phs__free(o->overrides[i]);
    phs__free(o->overrides);
    phs__free(o);
}

int phs_ruleset_options_set_param(phs_ruleset_options *o, const char *name,
                                  const char *value)
{
    if (!o || !name || !value || !strchr(name, '.'))
        return phs__error_set(PHS_EINVAL, "parameter names read "
                                          "'program.name'");
    size_t nn = strlen(name), nv = strlen(value);
    char *s = phs__malloc(nn + nv + 2);
    char **arr = phs__realloc(o->overrides, (o->noverrides + 1) * sizeof *arr);
    if (!s || !arr) {
        phs__free(s);
        if (arr)
            o->overrides = arr;
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    memcpy(s, name, nn);
    s[nn] = '=';
    memcpy(s + nn + 1, value, nv + 1);
    o->overrides = arr;
    o->overrides[o->noverrides++] = s;
    return PHS_OK;
}

int phs_ruleset_options_set_limit(phs_ruleset_options *o, phs_limit which,
                                  long value)
{
    if (!o || (int)which < 0 || which > PHS_LIMIT_REGEX_MATCH || value < 1)
        return phs__error_set(PHS_EINVAL, "bad limit or value");
    if (value > lim_cap[which])
        value = lim_cap[which];
    long *slot[] = {&o->lim.file_bytes, &o->lim.yaml_depth, &o->lim.yaml_nodes,
                    &o->lim.expr_depth, &o->lim.regex_match};
    *slot[which] = value;
    return PHS_OK;
}

void phs_ruleset_free(phs_ruleset *rs)
{
    if (!rs)
        return;
    phs__vm_cache_free(rs);
    for (size_t i = 0; i < rs->nregex; i++)
        pcre2_code_free(rs->regex[i]);
    pcre2_match_context_free(rs->mctx);
    pcre2_general_context_free(rs->gctx);
    phs__free(rs->regex);
    phs__free(rs->nodes);
    phs__free(rs->derived);
    for (size_t i = 0; i < rs->nsrc; i++) {
        phs__free(rs->src_names[i]);
        phs__free(rs->src_texts[i]);
    }
    phs__free(rs->src_names);
    phs__free(rs->src_texts);
    phs__free(rs->src_lens);
    for (size_t i = 0; i < rs->noverrides; i++)
        phs__free(rs->overrides[i]);
    phs__free(rs->overrides);
    phs__arena_free(&rs->arena);
    phs__free(rs);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    const char *name, *base;
    phs__ynode *root;      /* without the examples */
    phs__ypart examples;   /* parsed on demand (phs__examples_parse) */
} parsed;

static int cmp_parsed(const void *a, const void *b)
{
    return strcmp(((const parsed *)a)->base, ((const parsed *)b)->base);
}

static int is_indicator_file(const parsed *f)
{
    return f->root->kind == PHS__Y_MAP &&
           phs__ymap_get(f->root, "indicator_set") != NULL;
}

static int keep_sources(phs_ruleset *rs, const char *const *names,
                        const char *const *texts, const size_t *lens,
                        size_t count, char *const *ov, size_t nov)
{
    rs->src_names = phs__calloc(count ? count : 1, sizeof(char *));
    rs->src_texts = phs__calloc(count ? count : 1, sizeof(char *));
    rs->src_lens = phs__calloc(count ? count : 1, sizeof(size_t));
    rs->overrides = phs__calloc(nov ? nov : 1, sizeof(char *));
    if (!rs->src_names || !rs->src_texts || !rs->src_lens || !rs->overrides)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++, rs->nsrc++) {
        rs->src_names[i] = phs__strdup(names[i]);
        rs->src_texts[i] = phs__strndup(texts[i], lens[i]);
        rs->src_lens[i] = lens[i];
        if (!rs->src_names[i] || !rs->src_texts[i]) {
            rs->nsrc++;
            return phs__error_set(PHS_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < nov; i++, rs->noverrides++)
        if (!(rs->overrides[i] = phs__strdup(ov[i])))
            return phs__error_set(PHS_ENOMEM, "out of memory");
    return PHS_OK;
}

static void hex_digest(phs__sha256 *h, char out[72])
{
    unsigned char dig[32];
    phs__sha256_final(h, dig);
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", dig[i]);
}

/* The fingerprints, from one canonical form of each file:
 *  - the rule set's: every file (name, canonical form) in name order, then
 *    the overrides in sorted order (their order on the command line does
 *    not matter);
 *  - each program version's: the dictionary, the version's file and the
 *    overrides addressed to its program, so that a past decision can be
 *    matched to (and replayed with) exactly that version. */
static int fingerprints(phs_ruleset *rs, const parsed *files, size_t count,
                        size_t dict)
{
    phs__buf b = {0};
    size_t *at = phs__calloc(count + 1, sizeof *at);
    char **ov = phs__calloc(rs->noverrides ? rs->noverrides : 1, sizeof *ov);
    int rc = PHS_OK;
    if (!at || !ov)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    for (size_t i = 0; i < count && rc == PHS_OK; i++) {
        at[i] = b.len;
        phs__yaml_canon(&b, files[i].root);
    }
    if (rc == PHS_OK && b.oom)
        rc = phs__error_set(PHS_ENOMEM, "out of memory");
    if (rc == PHS_OK) {
        at[count] = b.len;
        memcpy(ov, rs->overrides, rs->noverrides * sizeof *ov);
        qsort(ov, rs->noverrides, sizeof *ov, cmp_str);

        phs__sha256 h;
        phs__sha256_init(&h);
        for (size_t i = 0; i < count; i++) {
            phs__sha256_update(&h, files[i].base, strlen(files[i].base));
            phs__sha256_update(&h, "\n", 1);
            phs__sha256_update(&h, b.p + at[i], at[i + 1] - at[i]);
            phs__sha256_update(&h, "\n", 1);
        }
        for (size_t i = 0; i < rs->noverrides; i++) {
            phs__sha256_update(&h, "param ", 6);
            phs__sha256_update(&h, ov[i], strlen(ov[i]) + 1);
        }
        hex_digest(&h, rs->fingerprint);

        /* the dictionary part is common to every version: hash it once */
        phs__sha256 hd;
        phs__sha256_init(&hd);
        phs__sha256_update(&hd, "fields.yaml\n", 12);
        phs__sha256_update(&hd, b.p + at[dict], at[dict + 1] - at[dict]);
        phs__sha256_update(&hd, "\nprogram\n", 9);
        for (size_t i = 0; i < rs->nallvers; i++) {
            phs__program *v = &rs->allvers[i];
            size_t f = 0, plen = strlen(v->id);
            while (files[f].root != v->root)
                f++;
            h = hd;
            phs__sha256_update(&h, b.p + at[f], at[f + 1] - at[f]);
            phs__sha256_update(&h, "\n", 1);
            for (size_t k = 0; k < rs->noverrides; k++)
                if (!strncmp(ov[k], v->id, plen) && ov[k][plen] == '.') {
                    phs__sha256_update(&h, "param ", 6);
                    phs__sha256_update(&h, ov[k], strlen(ov[k]));
                    phs__sha256_update(&h, "\n", 1);
                }
            hex_digest(&h, v->fingerprint);
        }
        /* the public entries are copies: refresh them */
        for (size_t p = 0; p < rs->nprograms; p++)
            memcpy(rs->programs[p].fingerprint,
                   rs->programs[p].vers[rs->programs[p].nvers - 1]->fingerprint,
                   sizeof rs->programs[p].fingerprint);
    }
    phs__buf_free(&b);
    phs__free(at);
    phs__free(ov);
    return rc;
}

/* One public program per id, in the order of first appearance (file name
 * order); each lists its versions by effective date and is a copy of the
 * latest one. */
static int group_versions(phs_ruleset *rs)
{
    size_t n = rs->nallvers;
    rs->programs = phs__arena_alloc(&rs->arena,
                                    (n ? n : 1) * sizeof *rs->programs);
    if (!rs->programs)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    rs->nprograms = 0;
    for (size_t i = 0; i < n; i++) {
        phs__program *v = &rs->allvers[i];
        size_t p;
        for (p = 0; p < rs->nprograms; p++)
            if (!strcmp(rs->programs[p].vers[0]->id, v->id))
                break;
        if (p == rs->nprograms) {
            size_t k = 0;
            for (size_t j = i; j < n; j++)
                k += !strcmp(rs->allvers[j].id, v->id);
            phs__program **vers = phs__arena_alloc(&rs->arena,
                                                   k * sizeof *vers);
            if (!vers)
                return phs__error_set(PHS_ENOMEM, "out of memory");
            k = 0;
            for (size_t j = i; j < n; j++)
                if (!strcmp(rs->allvers[j].id, v->id)) {
                    /* insertion by eff_from */
                    size_t at = k++;
                    while (at > 0 && vers[at - 1]->eff_from >
                                         rs->allvers[j].eff_from) {
                        vers[at] = vers[at - 1];
                        at--;
                    }
                    vers[at] = &rs->allvers[j];
                }
            rs->programs[p] = *vers[k - 1];
            rs->programs[p].vers = vers;
            rs->programs[p].nvers = k;
            rs->nprograms++;
        }
    }
    return PHS_OK;
}

static int build(phs_ruleset *rs, const char *const *names,
                 const char *const *texts, const size_t *lens, size_t count,
                 char *const *ov, size_t nov)
{
    int rc = keep_sources(rs, names, texts, lens, count, ov, nov);
    if (rc < 0)
        return rc;
    parsed *files = phs__calloc(count ? count : 1, sizeof *files);
    uint8_t *used = phs__calloc(nov ? nov : 1, 1);
    if (!files || !used) {
        phs__free(files);
        phs__free(used);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    int dict = -1;
    for (size_t i = 0; i < count && rc == PHS_OK; i++) {
        files[i].name = rs->src_names[i];
        files[i].base = base_name(rs->src_names[i]);
        rc = phs__yaml_parse_split(&files[i].root, &files[i].examples,
                                   &rs->arena, files[i].name,
                                   rs->src_texts[i], rs->src_lens[i],
                                   &rs->lim, "examples");
    }
    if (rc == PHS_OK) {
        qsort(files, count, sizeof *files, cmp_parsed);
        for (size_t i = 0; i < count; i++) {
            if (!strcmp(files[i].base, "fields.yaml")) {
                if (dict >= 0)
                    rc = phs__error_set(PHS_ESPEC, "%s: a second field "
                                        "dictionary", files[i].name);
                dict = (int)i;
            } else if (i > 0 && !strcmp(files[i].base, files[i - 1].base)) {
                rc = phs__error_set(PHS_ESPEC, "two spec files named %s",
                                    files[i].base);
            }
        }
        if (rc == PHS_OK && dict < 0)
            rc = phs__error_set(PHS_ESPEC, "no field dictionary (fields.yaml) "
                                           "among the rule files");
    }
    /* only program specs embed examples */
    for (size_t i = 0; i < count && rc == PHS_OK; i++)
        if ((files[i].examples.node || files[i].examples.text) &&
            ((int)i == dict || is_indicator_file(&files[i])))
            rc = phs__error_at(PHS_ESPEC, files[i].name,
                               files[i].examples.line, 1,
                               "unknown key 'examples' in %s (examples "
                               "belong in program specs)",
                               (int)i == dict ? "the field dictionary"
                                              : "an indicator set");
    if (rc == PHS_OK)
        rc = phs__spec_load_fields(rs, files[dict].name, files[dict].root);
    if (rc == PHS_OK) {
        rs->allvers = phs__arena_alloc(&rs->arena,
                                       (count ? count : 1) *
                                           sizeof *rs->allvers);
        if (!rs->allvers)
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
    }
    /* indicator files (`indicator_set:`) read programs: they come last */
    for (size_t i = 0; i < count && rc == PHS_OK; i++)
        if ((int)i != dict && !is_indicator_file(&files[i]))
            rc = phs__spec_load_program(rs, files[i].name, files[i].root,
                                        &files[i].examples, rs->overrides,
                                        rs->noverrides, used);
    if (rc == PHS_OK)
        rc = group_versions(rs);
    for (size_t i = 0; i < count && rc == PHS_OK; i++)
        if ((int)i != dict && is_indicator_file(&files[i]))
            rc = phs__spec_load_indicators(rs, files[i].name, files[i].root);
    for (size_t i = 0; i < nov && rc == PHS_OK; i++)
        if (!used[i])
            rc = phs__error_set(PHS_ENOTFOUND, "no parameter matches the "
                                "override '%s'", rs->overrides[i]);
    if (rc == PHS_OK)
        rc = fingerprints(rs, files, count, (size_t)dict);
    if (rc == PHS_OK) {
        rs->mctx = pcre2_match_context_create(rs->gctx);
        if (!rs->mctx)
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
        else
            pcre2_set_match_limit(rs->mctx, (uint32_t)rs->lim.regex_match);
    }
    phs__free(files);
    phs__free(used);
    return rc;
}

int phs__ruleset_build(phs_ruleset **out, const char *const *names,
                       const char *const *texts, const size_t *lens,
                       size_t count, const phs__limits *lim,
                       char *const *overrides, size_t noverrides)
{
    phs_ruleset *rs = phs__calloc(1, sizeof *rs);
    if (!rs)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    rs->lim = *lim;
    rs->gctx = phs__pcre2_context_new();
    if (!rs->gctx) {
        phs__free(rs);
        return phs__error_set(PHS_ENOMEM, "out of memory");
    }
    int rc = build(rs, names, texts, lens, count, overrides, noverrides);
    if (rc < 0) {
        phs_ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return PHS_OK;
}

int phs_ruleset_load_texts(phs_ruleset **out, const char *const *names,
                           const char *const *texts, const size_t *lens,
                           size_t count, const phs_ruleset_options *opts)
{
    phs__limits lim;
    if (!out || (count && (!names || !texts || !lens)))
        return phs__error_set(PHS_EINVAL, "load: NULL argument");
    *out = NULL;
    for (size_t i = 0; i < count; i++)
        if (!names[i] || !texts[i])
            return phs__error_set(PHS_EINVAL, "load: NULL name or text");
    if (opts)
        lim = opts->lim;
    else
        limits_default(&lim);
    return phs__ruleset_build(out, names, texts, lens, count, &lim,
                              opts ? opts->overrides : NULL,
                              opts ? opts->noverrides : 0);
}

static int read_file(const char *path, long max, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        return phs__error_set(PHS_EIO, "%s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) == 0 && st.st_size > max) {
        fclose(f);
        return phs__error_at(PHS_ELIMIT, path, 0, 0,
                             "file is %lld bytes, over the limit of %ld",
                             (long long)st.st_size, max);
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = phs__malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if ((long)n > max) {
            phs__free(buf);
            fclose(f);
            return phs__error_at(PHS_ELIMIT, path, 0, 0,
                                 "file is over the limit of %ld bytes", max);
        }
        char *nb = phs__realloc(buf, cap * 2);
        if (!nb)
            phs__free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return phs__error_set(PHS_ENOMEM, "out of memory");
    if (bad) {
        phs__free(buf);
        return phs__error_set(PHS_EIO, "%s: read error", path);
    }
    *text = buf;
    *len = n;
    return PHS_OK;
}

int phs_ruleset_load_dir(phs_ruleset **out, const char *dir,
                         const phs_ruleset_options *opts)
{
    char **names = NULL, **texts = NULL;
    size_t *lens = NULL, n = 0, cap = 0;
    int rc = PHS_OK;
    if (!out || !dir)
        return phs__error_set(PHS_EINVAL, "load: NULL argument");
    *out = NULL;
    long max = opts ? opts->lim.file_bytes : lim_default[0];
    DIR *d = opendir(dir);
    if (!d)
        return phs__error_set(PHS_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL && rc == PHS_OK) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0 ||
            e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = phs__realloc(names, cap * sizeof *nn);
            if (nn)
                names = nn;
            if (!nn) {
                rc = phs__error_set(PHS_ENOMEM, "out of memory");
                break;
            }
        }
        size_t dl = strlen(dir);
        names[n] = phs__malloc(dl + len + 2);
        if (!names[n]) {
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
            break;
        }
        snprintf(names[n], dl + len + 2, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (rc == PHS_OK && n == 0)
        rc = phs__error_set(PHS_ESPEC, "%s: no .yaml rule files", dir);
    if (rc == PHS_OK) {
        qsort(names, n, sizeof *names, cmp_str);
        texts = phs__calloc(n, sizeof *texts);
        lens = phs__calloc(n, sizeof *lens);
        if (!texts || !lens)
            rc = phs__error_set(PHS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n && rc == PHS_OK; i++)
        rc = read_file(names[i], max, &texts[i], &lens[i]);
    if (rc == PHS_OK)
        rc = phs_ruleset_load_texts(out, (const char *const *)names,
                                    (const char *const *)texts, lens, n, opts);
    for (size_t i = 0; i < n; i++) {
        phs__free(names[i]);
        if (texts)
            phs__free(texts[i]);
    }
    phs__free(names);
    phs__free(texts);
    phs__free(lens);
    return rc;
}

const char *phs_rules_dir_default(void)
{
    const char *env = getenv("PHS_RULES_DIR");
    return env && *env ? env : PHS_RULES_DIR;
}

const char *phs_ruleset_fingerprint(const phs_ruleset *rs)
{
    return rs ? rs->fingerprint : NULL;
}

size_t phs_ruleset_program_count(const phs_ruleset *rs)
{
    return rs ? rs->nprograms : 0;
}

static const phs__program *prog(const phs_ruleset *rs, size_t p)
{
    return rs && p < rs->nprograms ? &rs->programs[p] : NULL;
}

const char *phs_ruleset_program_id(const phs_ruleset *rs, size_t p)
{
    return prog(rs, p) ? prog(rs, p)->id : NULL;
}
const char *phs_ruleset_program_version(const phs_ruleset *rs, size_t p)
{
    return prog(rs, p) ? prog(rs, p)->version : NULL;
}
const char *phs_ruleset_program_status(const phs_ruleset *rs, size_t p)
{
    return prog(rs, p) ? prog(rs, p)->status : NULL;
}
const char *phs_ruleset_program_title(const phs_ruleset *rs, size_t p,
                                      const char *lang)
{
    const phs__program *pr = prog(rs, p);
    return pr ? phs__title_in(pr->title_zh, pr->title_en, lang) : NULL;
}

int phs_ruleset_program_index(const phs_ruleset *rs, const char *id)
{
    for (size_t i = 0; rs && id && i < rs->nprograms; i++)
        if (!strcmp(rs->programs[i].id, id))
            return (int)i;
    return phs__error_set(PHS_ENOTFOUND, "unknown program '%s'",
                          id ? id : "(null)");
}

size_t phs_ruleset_field_count(const phs_ruleset *rs)
{
    return rs ? rs->nfields : 0;
}

int phs_ruleset_field_id(const phs_ruleset *rs, const char *name)
{
    for (size_t i = 0; rs && name && i < rs->nfields; i++)
        if (!strcmp(rs->fields[i].name, name))
            return (int)i;
    return phs__error_set(PHS_ENOTFOUND, "unknown field '%s'",
                          name ? name : "(null)");
}

const char *phs_ruleset_field_name(const phs_ruleset *rs, int id)
{
    return rs && id >= 0 && (size_t)id < rs->nfields ? rs->fields[id].name
                                                     : NULL;
}

int phs_ruleset_field_type(const phs_ruleset *rs, int id)
{
    return rs && id >= 0 && (size_t)id < rs->nfields ? rs->fields[id].type
                                                     : PHS_ERROR;
}

/* The program accessors describe the latest version: the same as the
 * version accessors below on version nvers - 1 (v = 0 for a bad p gives
 * their answer for a bad index). */
static size_t latest(const phs_ruleset *rs, size_t p)
{
    return prog(rs, p) ? prog(rs, p)->nvers - 1 : 0;
}

size_t phs_ruleset_tier_count(const phs_ruleset *rs, size_t p)
{
    return phs_ruleset_version_tier_count(rs, p, latest(rs, p));
}

const char *phs_ruleset_tier_id(const phs_ruleset *rs, size_t p, size_t t)
{
    return phs_ruleset_version_tier_id(rs, p, latest(rs, p), t);
}

size_t phs_ruleset_flag_count(const phs_ruleset *rs, size_t p)
{
    return phs_ruleset_version_flag_count(rs, p, latest(rs, p));
}

const char *phs_ruleset_flag_id(const phs_ruleset *rs, size_t p, size_t f)
{
    return phs_ruleset_version_flag_id(rs, p, latest(rs, p), f);
}

/* ---- effective dates ---- */

static const phs__program *version(const phs_ruleset *rs, size_t p, size_t v)
{
    const phs__program *pr = prog(rs, p);
    return pr && v < pr->nvers ? pr->vers[v] : NULL;
}

size_t phs_ruleset_version_count(const phs_ruleset *rs, size_t p)
{
    return prog(rs, p) ? prog(rs, p)->nvers : 0;
}

const char *phs_ruleset_version_name(const phs_ruleset *rs, size_t p,
                                     size_t v)
{
    return version(rs, p, v) ? version(rs, p, v)->version : NULL;
}

int phs_ruleset_version_effective(const phs_ruleset *rs, size_t p, size_t v,
                                  phs_date *from, phs_date *to)
{
    const phs__program *x = version(rs, p, v);
    if (!x)
        return phs__error_set(PHS_EINVAL, "no version %zu of program %zu", v,
                              p);
    if (from)
        *from = x->eff_from;
    if (to)
        *to = x->eff_to;
    return PHS_OK;
}

const char *phs_ruleset_version_fingerprint(const phs_ruleset *rs, size_t p,
                                            size_t v)
{
    return version(rs, p, v) ? version(rs, p, v)->fingerprint : NULL;
}

int phs_ruleset_version_at(const phs_ruleset *rs, size_t p, phs_date date)
{
    if (!prog(rs, p))
        return phs__error_set(PHS_EINVAL, "no program %zu", p);
    return phs__version_at(prog(rs, p), date, NULL);
}

/* The tiers' or the flags' count and names of one version. */
#define VERSION_NAMES(count_fn, id_fn, arr, n)                         \
    size_t count_fn(const phs_ruleset *rs, size_t p, size_t v)         \
    {                                                                  \
        const phs__program *x = version(rs, p, v);                     \
        return x ? x->n : 0;                                           \
    }                                                                  \
    const char *id_fn(const phs_ruleset *rs, size_t p, size_t v,       \
                      size_t i)                                        \
    {                                                                  \
        const phs__program *x = version(rs, p, v);                     \
        return x && i < x->n ? x->arr[i].name : NULL;                  \
    }
VERSION_NAMES(phs_ruleset_version_tier_count, phs_ruleset_version_tier_id,
              tiers, ntiers)
VERSION_NAMES(phs_ruleset_version_flag_count, phs_ruleset_version_flag_id,
              flags, nflags)
