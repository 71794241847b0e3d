/* strbuf.h: a growable byte buffer with a sticky error flag: writers
 * append without checking, the caller checks once at the end (as Lua's
 * ldump.c does). Also atomic file replacement for every output berth writes. */
#ifndef BERTH_STRBUF_H
#define BERTH_STRBUF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;                 /* set by a writer that gives up (too many files); out of
                                  * memory ends the run instead (xalloc.h) */
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_putc(strbuf *b, char c);
void sb_puts(strbuf *b, const char *s);
void sb_putn(strbuf *b, const char *s, size_t n);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far: "" when empty or failed. */
const char *sb_text(const strbuf *b);
/* Empty the buffer for reuse, keeping its memory. */
void sb_clear(strbuf *b);

/* FNV-1a over s and its end, from h (TEXT_HASH_SEED to start): the one
 * stable text hash (GitLab fingerprints, note sets). */
#define TEXT_HASH_SEED 0xcbf29ce484222325ULL
uint64_t text_hash(uint64_t h, const char *s);
/* FNV-1a over n bytes from h, without an end mark (a stream's hash). */
uint64_t bytes_hash(uint64_t h, const void *data, size_t n);


#endif
