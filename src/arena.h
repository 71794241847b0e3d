/* arena.h: bump allocator for everything that lives as long as one run
 * (AST, names, the elaborated model). Freed all at once; no per-node frees. */
#ifndef BERTH_ARENA_H
#define BERTH_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct {
    arena_block *head;
    size_t used_total;          /* bytes handed out, for the memory cap */
} arena;

void  arena_init(arena *a);
void  arena_free(arena *a);
/* Zeroed memory; aborts with a message when the system is out of memory. */
void *arena_alloc(arena *a, size_t size);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
/* Grow-by-doubling array living in the arena (old storage is abandoned). */
void *arena_grow(arena *a, void *old, size_t elem, size_t *cap, size_t need);

#endif
