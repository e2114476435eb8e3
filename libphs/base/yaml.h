/*
 * A bounded YAML tree: libyaml events -> nodes in an arena, with size,
 * depth and node-count limits; anchors, aliases, tags and duplicate keys
 * refused.  The canonical form (keys sorted, numbers normalised) is what
 * rule-set fingerprints hash.
 */
#ifndef PHS__YAML_H
#define PHS__YAML_H

#include "base.h"

/* Limits a load enforces (phs_limit). */
typedef struct phs__limits {
    long file_bytes, yaml_depth, yaml_nodes, expr_depth, regex_match;
} phs__limits;

typedef enum { PHS__Y_SCALAR, PHS__Y_MAP, PHS__Y_SEQ } phs__ykind;
typedef struct phs__ynode {
    phs__ykind kind;
    int line, col;      /* 1-based */
    int plain;          /* scalar written without quotes */
    const char *str;    /* scalar text (NUL-terminated), else NULL */
    size_t len;
    struct phs__ynode **kids; /* seq: items; map: key0, val0, key1, ... */
    size_t n;                 /* number of entries in kids */
} phs__ynode;
int phs__yaml_parse(phs__ynode **out, phs__arena *arena, const char *file,
                    const char *text, size_t len, const phs__limits *lim);

/* A top-level entry split off a file by phs__yaml_parse_split: either its
 * value, parsed with the rest of the file, or its text, parsed on demand by
 * phs__yaml_parse_part.  Absent when both node and text are NULL. */
typedef struct phs__ypart {
    const phs__ynode *node; /* the value, when parsed with the file */
    const char *text;       /* else the file's text (not owned) ... */
    size_t off, len;        /* ... whose bytes [off, off + len) are "key:"
                             * and the value */
    int line;               /* the key's line, 1-based */
} phs__ypart;
/* phs__yaml_parse, with the top-level entry `key` left out of the tree.
 * When it is the file's last entry, in block style at column 0, its text is
 * not parsed at all (part->text); otherwise the file is parsed whole and the
 * value detached (part->node).  Either way the tree and the part together
 * mean what the whole file means. */
int phs__yaml_parse_split(phs__ynode **out, phs__ypart *part,
                          phs__arena *arena, const char *file,
                          const char *text, size_t len,
                          const phs__limits *lim, const char *key);
/* The value of a split-off entry: part->node, or its text parsed into arena
 * (positions are the file's).  *out is NULL when the entry is absent. */
int phs__yaml_parse_part(const phs__ynode **out, phs__arena *arena,
                         const char *file, const phs__ypart *part,
                         const phs__limits *lim);
/* Canonical form for the fingerprint: keys sorted, numbers normalised. */
void phs__yaml_canon(phs__buf *b, const phs__ynode *n);
/* What a libyaml event uses that libphs refuses in every YAML input (rule
 * files and resident arrays): "aliases" for an alias, "anchors" or "tags"
 * for a node that has one, else NULL. */
struct yaml_event_s;
const char *phs__yaml_decoration(const struct yaml_event_s *ev);
/* Map lookup by key; NULL if absent. */
const phs__ynode *phs__ymap_get(const phs__ynode *map, const char *key);

#endif
