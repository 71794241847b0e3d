/* interval.h: the one interval type and the sweep that finds overlaps.
 * Takes intervals tagged with a group key; gives every overlapping pair
 * within a group once, with the shared sub-range, in O(n log n + pairs):
 * sort by (key, lo), then sweep with a min-heap of active ends. */
#ifndef BERTH_INTERVAL_H
#define BERTH_INTERVAL_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key;                /* only intervals with equal keys are compared */
    int64_t lo, hi;              /* inclusive */
    size_t item;                 /* the caller's index */
} interval;

/* Called for each overlapping pair (a before b in sweep order); the shared
 * range is [lo, hi]. Return nonzero to stop the sweep. */
typedef int (*overlap_fn)(void *ctx, const interval *a, const interval *b, int64_t lo,
                          int64_t hi);

/* Sorts `v` in place by (key, lo, hi, item), then sweeps. */
void interval_sweep(interval *v, size_t n, overlap_fn fn, void *ctx);
void interval_sort(interval *v, size_t n);

#endif
