/* interval.c: sort-and-sweep overlap detection (see interval.h). The heap
 * holds the intervals still open at the sweep point, ordered by their end;
 * everything left in it after popping the finished ones overlaps the new
 * interval, so no pair that does not overlap is ever looked at. */
#include "interval.h"
#include <stdlib.h>

static int interval_cmp(const void *pa, const void *pb)
{
    const interval *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

void interval_sort(interval *v, size_t n)
{
    if (n > 1) qsort(v, n, sizeof *v, interval_cmp);
}

typedef struct {
    const interval **a;
    size_t n;
} heap;

static void heap_push(heap *h, const interval *x)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->a[parent]->hi <= x->hi) break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = x;
}

static void heap_pop(heap *h)
{
    const interval *x = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->a[c + 1]->hi < h->a[c]->hi) c++;
        if (x->hi <= h->a[c]->hi) break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n) h->a[i] = x;
}

void interval_sweep(interval *v, size_t n, overlap_fn fn, void *ctx)
{
    interval_sort(v, n);
    heap h = {malloc((n ? n : 1) * sizeof *h.a), 0};
    if (!h.a) return;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i].key != v[i - 1].key) h.n = 0;
        while (h.n && h.a[0]->hi < v[i].lo) heap_pop(&h);
        for (size_t k = 0; k < h.n; k++) {
            const interval *a = h.a[k];
            int64_t hi = a->hi < v[i].hi ? a->hi : v[i].hi;
            if (fn(ctx, a, &v[i], v[i].lo, hi)) goto done;
        }
        heap_push(&h, &v[i]);
    }
done:
    free(h.a);
}
