/* names.h: string-keyed hash table for scopes (systems, roles, params, ...)
 * and the edit-distance suggestion behind "did you mean". Lookup only:
 * nothing iterates a table, so hash order never reaches any output. */
#ifndef BERTH_NAMES_H
#define BERTH_NAMES_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

typedef struct names {
    const char **keys;
    void **values;
    size_t cap, count;
    const char **order;          /* keys in insertion order, for suggestions */
    void **order_values;         /* their values, so suggestions need no lookups */
    size_t order_cap;
} names;

void names_init(names *t);
/* Insert key; returns the existing value (and inserts nothing) if present. */
void *names_put(arena *a, names *t, const char *key, void *value);
void *names_get(const names *t, const char *key);
/* The closest key within a small edit distance, or NULL. */
const char *names_suggest(const names *t, const char *key);
/* The same among the keys whose value `keep` accepts. */
const char *names_suggest_if(const names *t, const char *key,
                             bool (*keep)(const void *value));
/* Damerau-Levenshtein distance (adjacent transpositions count one). */
size_t names_distance(const char *a, const char *b);

#endif
