/* interval.c: the sort-and-sweep passes over intervals (see interval.h).
 * Overlaps: the heap holds the intervals still open at the sweep point,
 * ordered by their end; everything left in it after popping the finished
 * ones overlaps the new interval, so no pair that does not overlap is ever
 * looked at. Segments: every interval gives an opening and a closing
 * point; sorted, consecutive points bound the segments. */
#include "interval.h"
#include <stdlib.h>
#include "xalloc.h"

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

/* The plain sweep over intervals of one parity class. */
static int sweep_plain(interval *v, size_t n, overlap_fn fn, void *ctx, bool odd_class,
                       heap *h)
{
    h->n = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i].key != v[i - 1].key) h->n = 0;
        while (h->n && h->a[0]->hi < v[i].lo) heap_pop(h);
        for (size_t k = 0; k < h->n; k++) {
            const interval *a = h->a[k];
            int64_t lo = v[i].lo, hi = a->hi < v[i].hi ? a->hi : v[i].hi;
            if (a->stride != IV_ALL || v[i].stride != IV_ALL) {
                /* Only the points of the class's parity are shared. */
                if ((lo & 1) != odd_class) lo++;
                if ((hi & 1) != odd_class) hi--;
                if (lo > hi) continue;
            } else if (odd_class) {
                continue;                /* two plain ones: found in the even class */
            }
            if (fn(ctx, a, &v[i], lo, hi)) return 1;
        }
        heap_push(h, &v[i]);
    }
    return 0;
}

/* With strides: an even interval goes to the even class, an odd one to the
 * odd class, a plain one to both; pairs of two plain ones are reported in
 * the even class only. Each class is one ordinary sweep. */
void interval_sweep(interval *v, size_t n, overlap_fn fn, void *ctx)
{
    interval_sort(v, n);
    heap h = {xmalloc_array(n ? n : 1, sizeof *h.a), 0};
    size_t strided = 0;
    for (size_t i = 0; i < n; i++) strided += v[i].stride != IV_ALL;
    if (!strided) {
        sweep_plain(v, n, fn, ctx, false, &h);
        free(h.a);
        return;
    }
    interval *c = xmalloc_array(n ? n : 1, sizeof *c);
    for (int odd = 0; odd < 2; odd++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].stride == IV_ALL || v[i].stride == (odd ? IV_ODD : IV_EVEN)) c[m++] = v[i];
        if (sweep_plain(c, m, fn, ctx, odd, &h)) break;
    }
    free(c);
    free(h.a);
}

/* ---- segments ---- */

typedef struct {
    uint64_t key;
    int64_t at;                  /* first point of the segment it starts */
    bool open;
    const interval *x;
} edge_point;

/* By key, then place; at one place closings before openings; then by the
 * interval's position in the input: a total order, so runs repeat. */
static int edge_cmp(const void *pa, const void *pb)
{
    const edge_point *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    if (a->open != b->open) return a->open ? 1 : -1;
    return (a->x > b->x) - (a->x < b->x);
}

void interval_segments(const interval *v, size_t n, edge_fn edge, segment_fn segment, void *ctx)
{
    edge_point *e = xmalloc_array(2 * n + 1, sizeof *e);
    for (size_t i = 0; i < n; i++) {
        e[2 * i] = (edge_point){v[i].key, v[i].lo, true, &v[i]};
        e[2 * i + 1] = (edge_point){v[i].key, v[i].hi + 1, false, &v[i]};
    }
    if (n) qsort(e, 2 * n, sizeof *e, edge_cmp);
    size_t open = 0;
    for (size_t i = 0; i < 2 * n;) {
        size_t j = i;
        for (; j < 2 * n && e[j].key == e[i].key && e[j].at == e[i].at; j++) {
            edge(ctx, e[j].x, e[j].open);
            open += e[j].open ? 1 : (size_t)-1;
        }
        /* The next point of the same key ends the segment that starts here. */
        if (open && j < 2 * n && e[j].key == e[i].key) segment(ctx, e[i].key, e[i].at, e[j].at - 1);
        i = j;
    }
    free(e);
}
