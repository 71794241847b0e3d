/* source.h: policy texts held in memory with a line-start table, and the
 * location type that every token, AST node and diagnostic carries. */
#ifndef BERTH_SOURCE_H
#define BERTH_SOURCE_H
#include <stddef.h>
#include "arena.h"

typedef struct source source;

/* A span in one source: 1-based lines, 1-based byte columns, end inclusive. */
typedef struct {
    const source *src;
    int line, col, end_line, end_col;
} loc;

struct source {
    const char *name;        /* as the user wrote it, or relative to the importer */
    const char *real;        /* canonical path, for dedup and cycle checks; "" for stdin */
    const char *dir;         /* directory that imports resolve against */
    const char *text;
    size_t len;
    size_t *line_start;      /* offset of each line's first byte */
    int nlines;
    int index;               /* load order, used to sort diagnostics */
    const source *parent;    /* importing file, for "In file included from" */
    loc import_loc;
};

/* Build a source from text already in memory (owned by the arena). */
source *source_new(arena *a, const char *name, const char *real, const char *dir,
                   const char *text, size_t len, int index);
/* The bytes of line `line` (1-based) without its newline. */
const char *source_line(const source *s, int line, size_t *len);
loc loc_join(loc a, loc b);

#endif
