/* arena.c: bump allocator in chained blocks. Allocation never fails
 * silently: out of memory ends the run with a message (exit 2). */
#define _DEFAULT_SOURCE 1        /* madvise(MADV_HUGEPAGE) on Linux */
#include "arena.h"
#include "xalloc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct arena_block {
    arena_block *next;
    size_t size, used;
    max_align_t data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void arena_init(arena *a) { a->head = NULL; a->used_total = 0; }

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

enum { HUGE_PAGE = 2 << 20 };

/* Blocks grow with the arena (up to 32 MiB), so a large policy takes few,
 * large blocks; on Linux those are backed by huge pages where the system
 * allows it, which saves most of the page faults of first touching them. */
static arena_block *new_block(size_t want, size_t used_total)
{
    size_t size = used_total / 2;
    if (size > (32u << 20)) size = 32u << 20;
    if (size < ARENA_BLOCK) size = ARENA_BLOCK;
    if (size < want) size = want;
    arena_block *b = NULL;
    if (size >= HUGE_PAGE) {
        size = (size + sizeof *b + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE - sizeof *b;
        b = xaligned(HUGE_PAGE, sizeof *b + size);
#ifdef MADV_HUGEPAGE
        madvise(b, sizeof *b + size, MADV_HUGEPAGE);
#endif
    } else {
        b = xmalloc(sizeof *b + size);
    }
    b->size = size;
    b->used = 0;
    return b;
}

/* Uninitialised memory, for storage the caller fills at once. */
static void *alloc_raw(arena *a, size_t size)
{
    /* Nothing berth allocates needs more than pointer alignment. */
    size_t align = sizeof(void *) > sizeof(int64_t) ? sizeof(void *) : sizeof(int64_t);
    size = (size + align - 1) / align * align;
    if (size == 0) size = align;
    /* A large request gets a block of its own, so the current block's
     * free space is not thrown away. */
    if (size > ARENA_BLOCK / 4) {
        arena_block *b = new_block(size, 0);
        b->used = size;
        a->used_total += size;
        if (a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = NULL;
            a->head = b;
        }
        return b->data;
    }
    if (!a->head || a->head->size - a->head->used < size) {
        arena_block *b = new_block(size, a->used_total);
        b->next = a->head;
        a->head = b;
    }
    char *p = (char *)a->head->data + a->head->used;
    a->head->used += size;
    a->used_total += size;
    return p;
}

void *arena_alloc(arena *a, size_t size)
{
    void *p = alloc_raw(a, size);
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = alloc_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

void *arena_grow(arena *a, void *old, size_t elem, size_t *cap, size_t need)
{
    if (need <= *cap) return old;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) ncap *= 2;
    void *p = alloc_raw(a, ncap * elem);   /* only [0, need) is ever read */
    if (old) memcpy(p, old, *cap * elem);
    *cap = ncap;
    return p;
}
