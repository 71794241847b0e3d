/* source.c: line-start table for in-memory policy texts, so diagnostics
 * print lines from memory and never re-open a file (it may be a pipe). */
#include "source.h"
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
    r.end_line = b.end_line;
    r.end_col = b.end_col;
    return r;
}
