/* source.h: policy texts held in memory with a line-start table, and the
 * location type that every token, AST node and diagnostic carries. A
 * location is two byte offsets; its lines and columns are found in the
 * line-start table only when something prints them (as jq's locfile.c). */
#ifndef BERTH_SOURCE_H
#define BERTH_SOURCE_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"

typedef struct source source;

/* A span in one source: byte offsets into src->text, end inclusive (an
 * empty span has end == start). Sources are at most LOAD_MAX_FILE bytes, so
 * 32 bits hold any offset. {0} (src NULL) is "no location": its line and
 * column are 0. */
typedef struct {
    const source *src;
    uint32_t start, end;
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

/* A span from offsets into s->text (end inclusive). */
loc loc_span(const source *s, size_t start, size_t end);
/* A span from 1-based lines and byte columns, end inclusive, for readers
 * that count lines themselves (import services). */
loc loc_at(const source *s, int line, int col, int end_line, int end_col);
/* The 1-based line and byte column of an offset (binary search). */
void source_pos(const source *s, size_t offset, int *line, int *col);
/* Lines and columns of a span's ends, for printing; 0 without a source. */
int loc_line(loc l);
int loc_col(loc l);
int loc_end_line(loc l);
int loc_end_col(loc l);
/* Source order: load order of the files, then position; no source first. */
int loc_cmp(loc a, loc b);

#endif
