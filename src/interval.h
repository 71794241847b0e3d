/* interval.h: the one interval type and its two sweeps. The overlap sweep
 * takes intervals tagged with a group key and gives every overlapping pair
 * within a group once, with the shared sub-range, in O(n log n + pairs):
 * sort by (key, lo), then sweep with a min-heap of active ends. The segment
 * sweep cuts each group's covered line at every start and end, in
 * O(n log n), for callers that compare what is open on each piece. */
#ifndef BERTH_INTERVAL_H
#define BERTH_INTERVAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which points of [lo, hi] an interval holds: all, or every other one. */
enum { IV_ALL, IV_EVEN, IV_ODD };

typedef struct {
    uint64_t key;                /* only intervals with equal keys are compared */
    int64_t lo, hi;              /* inclusive; for IV_EVEN and IV_ODD of that parity */
    size_t item;                 /* the caller's index */
    uint8_t stride;              /* IV_ALL, IV_EVEN or IV_ODD */
} interval;

/* Called for each overlapping pair (a before b in sweep order); the shared
 * range is [lo, hi], with the ends of the shared parity when either side
 * has a stride (then only those points are shared). Even and odd never
 * overlap; a stride and a plain interval overlap only where the plain one
 * holds a point of that parity. Return nonzero to stop the sweep. */
typedef int (*overlap_fn)(void *ctx, const interval *a, const interval *b, int64_t lo,
                          int64_t hi);

/* Sorts `v` in place by (key, lo, hi, item), then sweeps. */
void interval_sweep(interval *v, size_t n, overlap_fn fn, void *ctx);
void interval_sort(interval *v, size_t n);

/* The segment sweep. For each key in ascending order, the starts and ends
 * of its intervals cut the line into segments on which the same intervals
 * are open. Before each covered segment, edge() is called once for every
 * interval that closed since the last segment (open == false), then for
 * every interval that opens at its first point (open == true); then
 * segment() with the key and the segment [lo, hi]. Gaps that no interval
 * covers get no call. */
typedef void (*edge_fn)(void *ctx, const interval *x, bool open);
typedef void (*segment_fn)(void *ctx, uint64_t key, int64_t lo, int64_t hi);
void interval_segments(const interval *v, size_t n, edge_fn edge, segment_fn segment, void *ctx);

#endif
