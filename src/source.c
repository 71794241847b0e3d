/* source.c: line-start table for in-memory policy texts, so diagnostics
 * print lines from memory and never re-open a file (it may be a pipe), and
 * the lines and columns of byte-offset locations, found in that table. */
#include "source.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

source *source_new(arena *a, const char *name, const char *real, const char *dir,
                   const char *text, size_t len, int index)
{
    source *s = arena_alloc(a, sizeof *s);
    s->name = arena_strdup(a, name);
    s->real = arena_strdup(a, real);
    s->dir = arena_strdup(a, dir);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;               /* a UTF-8 byte order mark: not part of the policy */
        len -= 3;
    }
    if (len >= UINT32_MAX) {
        /* Locations are 32-bit offsets; every reader caps a file far below
         * this (LOAD_MAX_FILE), so only a text made in memory could get here. */
        fprintf(stderr, "berth: '%s' is too large (4 GiB or more)\n", name);
        exit(2);
    }
    s->text = text;
    s->len = len;
    s->index = index;
    size_t n = 1;
    for (size_t i = 0; i < len; i++) n += text[i] == '\n';
    s->line_start = arena_alloc(a, (n + 1) * sizeof *s->line_start);
    s->line_start[0] = 0;
    int line = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') s->line_start[line++] = i + 1;
    s->nlines = line;
    return s;
}

const char *source_line(const source *s, int line, size_t *len)
{
    if (line < 1 || line > s->nlines) {
        *len = 0;
        return "";
    }
    size_t start = s->line_start[line - 1];
    /* The next line's start, not a scan: one diagnostic costs the same on
     * a line of a megabyte as on a short one. */
    size_t end = line < s->nlines ? s->line_start[line] - 1 : s->len;
    if (end > start && s->text[end - 1] == '\r') end--;
    *len = end - start;
    return s->text + start;
}

loc loc_join(loc a, loc b)
{
    loc r = a;
    r.end = b.end;
    return r;
}

loc loc_span(const source *s, size_t start, size_t end)
{
    return (loc){s, (uint32_t)start, (uint32_t)(end < start ? start : end)};
}

/* The offset of a line and column; a line past the end is the last line. */
static size_t offset_of(const source *s, int line, int col)
{
    if (line < 1) line = 1;
    if (line > s->nlines) line = s->nlines;
    return s->line_start[line - 1] + (size_t)(col > 1 ? col - 1 : 0);
}

loc loc_at(const source *s, int line, int col, int end_line, int end_col)
{
    return loc_span(s, offset_of(s, line, col), offset_of(s, end_line, end_col));
}

void source_pos(const source *s, size_t offset, int *line, int *col)
{
    /* The last line starting at or before offset. */
    int lo = 0, hi = s->nlines - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (s->line_start[mid] <= offset) lo = mid;
        else hi = mid - 1;
    }
    *line = lo + 1;
    *col = (int)(offset - s->line_start[lo]) + 1;
}

/* Line (want_col false) or column of an offset of l's source; 0 without one. */
static int pos_part(loc l, size_t offset, bool want_col)
{
    int line = 0, col = 0;
    if (l.src) source_pos(l.src, offset, &line, &col);
    return want_col ? col : line;
}

int loc_line(loc l) { return pos_part(l, l.start, false); }
int loc_col(loc l) { return pos_part(l, l.start, true); }
int loc_end_line(loc l) { return pos_part(l, l.end, false); }
int loc_end_col(loc l) { return pos_part(l, l.end, true); }

int loc_cmp(loc a, loc b)
{
    int ia = a.src ? a.src->index : -1, ib = b.src ? b.src->index : -1;
    if (ia != ib) return ia < ib ? -1 : 1;
    /* In one text, offset order is line-then-column order. */
    return (a.start > b.start) - (a.start < b.start);
}
