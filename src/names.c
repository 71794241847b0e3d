/* names.c: open-addressing string table and "did you mean" by edit distance. */
#include "names.h"
#include <stdint.h>
#include <string.h>

void names_init(names *t) { memset(t, 0, sizeof *t); }

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;          /* FNV-1a: fixed, so runs repeat */
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static size_t slot(const names *t, const char *key)
{
    size_t i = hash(key) & (t->cap - 1);
    while (t->keys[i] && strcmp(t->keys[i], key) != 0) i = (i + 1) & (t->cap - 1);
    return i;
}

static void grow(arena *a, names *t)
{
    names old = *t;
    t->cap = old.cap ? old.cap * 2 : 16;
    t->keys = arena_alloc(a, t->cap * sizeof *t->keys);
    t->values = arena_alloc(a, t->cap * sizeof *t->values);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = slot(t, old.keys[i]);
            t->keys[j] = old.keys[i];
            t->values[j] = old.values[i];
        }
}

void *names_put(arena *a, names *t, const char *key, void *value)
{
    if ((t->count + 1) * 2 > t->cap) grow(a, t);
    size_t i = slot(t, key);
    if (t->keys[i]) return t->values[i];
    t->keys[i] = key;
    t->values[i] = value;
    t->count++;
    size_t cap = t->order_cap;
    t->order = arena_grow(a, t->order, sizeof *t->order, &t->order_cap, t->count);
    t->order_values = arena_grow(a, t->order_values, sizeof *t->order_values, &cap, t->count);
    t->order[t->count - 1] = key;
    t->order_values[t->count - 1] = value;
    return NULL;
}

void *names_get(const names *t, const char *key)
{
    if (!t->cap) return NULL;
    size_t i = slot(t, key);
    return t->keys[i] ? t->values[i] : NULL;
}


/* The distance when it is at most max, else max + 1: rows stop as soon as
 * none of them can come back under max. */
enum { DISTANCE_MAXLEN = 64 };

static size_t distance_within(const char *a, size_t n, const char *b, size_t m, size_t max)
{
    if (n > DISTANCE_MAXLEN || m > DISTANCE_MAXLEN) return max + 1;
    size_t rows[3][DISTANCE_MAXLEN + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++) prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        size_t row_min = i;
        for (size_t j = 1; j <= m; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
            if (best < row_min) row_min = best;
        }
        if (row_min > max) return max + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] <= max ? prev[m] : max + 1;
}

size_t names_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > DISTANCE_MAXLEN || m > DISTANCE_MAXLEN) return (size_t)-1;
    return distance_within(a, n, b, m, n > m ? n : m);   /* never more than the longer */
}

/* "Did you mean" looks at no more than this many names of a scope (the
 * first declared): a policy with ten thousand unknown names in a scope of
 * ten thousand would otherwise compare every pair. */
enum { SUGGEST_MAX_CANDIDATES = 2048 };

const char *names_suggest_if(const names *t, const char *key,
                             bool (*keep)(const void *value))
{
    size_t len = strlen(key), limit = len / 3 + 1, best = limit + 1, tried = 0;
    const char *pick = NULL;
    for (size_t i = 0; i < t->count && tried < SUGGEST_MAX_CANDIDATES; i++) {
        size_t other = strlen(t->order[i]);
        /* The distance is at least the difference in length. */
        if ((other > len ? other - len : len - other) >= best) continue;
        if (keep && !keep(t->order_values[i])) continue;
        tried++;
        size_t d = distance_within(key, len, t->order[i], other, best - 1);
        if (d < best) {          /* first of equals wins: insertion order */
            best = d;
            pick = t->order[i];
        }
    }
    return pick;
}

const char *names_suggest(const names *t, const char *key)
{
    return names_suggest_if(t, key, NULL);
}
