/* test_interval.c: interval_sweep against a brute-force pairwise check.
 * A property test over thousands of random interval sets (a seeded
 * xorshift generator, so every run sees the same sets) compares the
 * reported pairs and shared ranges with every overlapping pair found by
 * comparing all pairs; targeted tests cover the edge cases by name. The
 * segment sweep is held against every point of small random sets. */
#include <stdlib.h>
#include "unit.h"
#include "interval.h"

/* Uniform enough in [0, n). */
static int64_t rng_below(int64_t n) { return n > 0 ? (int64_t)(rng_next() % (uint64_t)n) : 0; }

/* ---- pairs, normalized as (min item, max item, lo, hi) ---- */

typedef struct {
    size_t i, j;
    int64_t lo, hi;
} pair;

typedef struct {
    pair *v;
    size_t n, cap;
    size_t calls;
    size_t stop_after;            /* return nonzero on this call (1-based); 0: never */
    const interval *base;         /* the array being swept, to check a/b point into it */
    size_t nbase;
    int bad;                      /* set when a callback sees something impossible */
} collector;

static void push_pair(collector *c, size_t a, size_t b, int64_t lo, int64_t hi)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        assert_non_null(c->v);
    }
    c->v[c->n++] = (pair){a < b ? a : b, a < b ? b : a, lo, hi};
}

static int collect(void *ctx, const interval *a, const interval *b, int64_t lo, int64_t hi)
{
    collector *c = ctx;
    c->calls++;
    /* Both point into the swept array, share a key, and a comes first in
     * sweep order (key, lo, hi, item). */
    if (a < c->base || a >= c->base + c->nbase || b < c->base || b >= c->base + c->nbase)
        c->bad = 1;
    if (a->key != b->key) c->bad = 1;
    if (a->lo > b->lo || (a->lo == b->lo && a->hi > b->hi) ||
        (a->lo == b->lo && a->hi == b->hi && a->item > b->item))
        c->bad = 1;
    if (a == b) c->bad = 1;
    push_pair(c, a->item, b->item, lo, hi);
    return c->stop_after && c->calls == c->stop_after;
}

static int pair_cmp(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    if (a->i != b->i) return a->i < b->i ? -1 : 1;
    if (a->j != b->j) return a->j < b->j ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->hi > b->hi) - (a->hi < b->hi);
}

/* Every overlapping pair of v (before sorting: item = index). */
static collector brute_force(const interval *v, size_t n)
{
    collector c = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (v[i].key != v[j].key) continue;
            int64_t lo = v[i].lo > v[j].lo ? v[i].lo : v[j].lo;
            int64_t hi = v[i].hi < v[j].hi ? v[i].hi : v[j].hi;
            if (lo <= hi) push_pair(&c, v[i].item, v[j].item, lo, hi);
        }
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, pair_cmp);
    return c;
}

/* Sweep a copy of v; the pairs come back sorted. */
static collector sweep(const interval *v, size_t n, size_t stop_after)
{
    interval *w = malloc((n ? n : 1) * sizeof *w);
    assert_non_null(w);
    if (n) memcpy(w, v, n * sizeof *w);
    collector c = {0};
    c.stop_after = stop_after;
    c.base = w;
    c.nbase = n;
    interval_sweep(w, n, collect, &c);
    /* The input is left sorted by (key, lo, hi, item) and is a permutation. */
    for (size_t i = 1; i < n; i++) {
        const interval *a = &w[i - 1], *b = &w[i];
        int ordered = a->key < b->key ||
                      (a->key == b->key &&
                       (a->lo < b->lo || (a->lo == b->lo && (a->hi < b->hi ||
                                                            (a->hi == b->hi && a->item < b->item)))));
        if (!ordered) fail_msg("sweep left v[%zu] and v[%zu] out of order", i - 1, i);
    }
    free(w);
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, pair_cmp);
    return c;
}

static void expect_same(const collector *got, const collector *want, const char *what)
{
    if (got->bad) fail_msg("%s: callback saw intervals of different keys or out of order", what);
    size_t k = 0;
    for (; k < got->n && k < want->n; k++)
        if (pair_cmp(&got->v[k], &want->v[k]) != 0) break;
    if (k < got->n || k < want->n) {
        if (k < got->n)
            print_message("  sweep: (%zu, %zu) shared %lld-%lld\n", got->v[k].i, got->v[k].j,
                          (long long)got->v[k].lo, (long long)got->v[k].hi);
        if (k < want->n)
            print_message("  brute: (%zu, %zu) shared %lld-%lld\n", want->v[k].i, want->v[k].j,
                          (long long)want->v[k].lo, (long long)want->v[k].hi);
        fail_msg("%s: sweep gave %zu pairs, brute force %zu; first difference at %zu", what,
                 got->n, want->n, k);
    }
}

static void check_against_brute_force(const interval *v, size_t n, const char *what)
{
    collector want = brute_force(v, n);
    collector got = sweep(v, n, 0);
    expect_same(&got, &want, what);
    assert_int_equal(got.calls, want.n);
    free(got.v);
    free(want.v);
}

/* ---- property test ---- */

/* One random set: n intervals with keys 0..nkeys-1, starts in [0, span),
 * lengths from 0 (single points) up to maxlen; some copies of earlier
 * intervals so equal intervals appear. */
static size_t random_set(interval *v, size_t n, int nkeys, int64_t span, int64_t maxlen)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && rng_below(8) == 0) {
            v[i] = v[rng_below((int64_t)i)];           /* an equal interval */
        } else {
            int64_t lo = rng_below(span);
            int64_t len = rng_below(4) == 0 ? 0 : rng_below(maxlen + 1);
            v[i] = (interval){(uint64_t)rng_below(nkeys), lo, lo + len, 0, IV_ALL};
        }
        v[i].item = i;
    }
    return n;
}

/* ---- strides ---- */

static int collect_any(void *ctx, const interval *a, const interval *b, int64_t lo, int64_t hi)
{
    collector *c = ctx;
    c->calls++;
    if (a->key != b->key || a->item == b->item) c->bad = 1;
    push_pair(c, a->item, b->item, lo, hi);
    return 0;
}

/* The shared points of two intervals with strides, by walking them. */
static collector brute_force_strided(const interval *v, size_t n)
{
    collector c = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (v[i].key != v[j].key) continue;
            int64_t lo = -1, hi = -1;
            for (int64_t x = v[i].lo; x <= v[i].hi; x++) {
                bool in_i = v[i].stride == IV_ALL || (x & 1) == (v[i].stride == IV_ODD);
                bool in_j = x >= v[j].lo && x <= v[j].hi &&
                            (v[j].stride == IV_ALL || (x & 1) == (v[j].stride == IV_ODD));
                if (!in_i || !in_j) continue;
                if (lo < 0) lo = x;
                hi = x;
            }
            if (lo >= 0) push_pair(&c, v[i].item, v[j].item, lo, hi);
        }
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, pair_cmp);
    return c;
}

/* Even and odd intervals never meet; a plain one meets a stride one on
 * the points of that parity only: the sweep gives what walking every
 * point gives. */
static void strided_sets_match_brute_force(void **state)
{
    (void)state;
    enum { SETS = 1500, MAXN = 80 };
    interval *v = malloc(MAXN * sizeof *v);
    assert_non_null(v);
    size_t total = 0;
    for (int s = 0; s < SETS; s++) {
        rng_seed(0x57a1de00ull + (uint64_t)s);
        size_t n = (size_t)rng_below(MAXN + 1);
        for (size_t i = 0; i < n; i++) {
            int64_t lo = rng_below(200), len = rng_below(s % 2 ? 6 : 40);
            uint8_t st = (uint8_t)rng_below(3);
            int64_t hi = lo + len;
            if (st != IV_ALL) {
                int want = st == IV_ODD;
                if ((lo & 1) != want) lo++;
                if ((hi & 1) != want) hi--;
                if (lo > hi) hi = lo;
            }
            v[i] = (interval){(uint64_t)rng_below(2), lo, hi, i, st};
        }
        collector want = brute_force_strided(v, n);
        interval *w = malloc((n ? n : 1) * sizeof *w);
        assert_non_null(w);
        if (n) memcpy(w, v, n * sizeof *w);
        collector got = {0};
        interval_sweep(w, n, collect_any, &got);
        free(w);
        if (got.n > 1) qsort(got.v, got.n, sizeof *got.v, pair_cmp);
        char what[64];
        snprintf(what, sizeof what, "strided seed %d (n=%zu)", s, n);
        expect_same(&got, &want, what);
        total += want.n;
        free(got.v);
        free(want.v);
    }
    free(v);
    assert_true(total > 10000);
}

static void even_and_odd_never_pair(void **state)
{
    (void)state;
    interval v[3] = {{0, 5004, 5100, 0, IV_EVEN}, {0, 5005, 5101, 1, IV_ODD},
                     {0, 5101, 5101, 2, IV_ALL}};
    collector got = {0};
    interval_sweep(v, 3, collect_any, &got);
    assert_int_equal(got.n, 1);                   /* only the odd range and 5101 */
    assert_int_equal(got.v[0].lo, 5101);
    free(got.v);
}

static void random_sets_match_brute_force(void **state)
{
    (void)state;
    enum { SETS = 4000, MAXN = 300 };
    interval *v = malloc(MAXN * sizeof *v);
    assert_non_null(v);
    size_t total_pairs = 0, empty_results = 0;
    for (int s = 0; s < SETS; s++) {
        rng_seed(0x5eed0000ull + (uint64_t)s);
        size_t n = (size_t)rng_below(MAXN + 1);
        if (s < 20) n = (size_t)s;                        /* every tiny size */
        int nkeys = 1 + (int)rng_below(4);
        int64_t span = 1 + rng_below(s % 3 == 0 ? 20 : s % 3 == 1 ? 200 : 2000);
        int64_t maxlen = rng_below(s % 2 ? 10 : 100);
        random_set(v, n, nkeys, span, maxlen);
        char what[64];
        snprintf(what, sizeof what, "seed %d (n=%zu)", s, n);
        collector want = brute_force(v, n);
        collector got = sweep(v, n, 0);
        expect_same(&got, &want, what);
        total_pairs += want.n;
        empty_results += want.n == 0;
        free(got.v);
        free(want.v);
    }
    free(v);
    /* The generator must produce both many overlaps and sets without any. */
    assert_true(total_pairs > 100000);
    assert_true(empty_results > 20);
}

/* Large, negative and extreme coordinates: the sweep must not overflow. */
static void extreme_coordinates_match_brute_force(void **state)
{
    (void)state;
    interval v[200];
    for (int s = 0; s < 200; s++) {
        rng_seed(0xbadc0ffeull + (uint64_t)s);
        size_t n = 1 + (size_t)rng_below(200);
        for (size_t i = 0; i < n; i++) {
            int64_t base = rng_below(3) == 0 ? INT64_MAX - 50 : rng_below(2) ? INT64_MIN + 10 : -25;
            int64_t lo = base + rng_below(30);
            int64_t len = rng_below(10);
            int64_t hi = lo > INT64_MAX - len ? INT64_MAX : lo + len;
            v[i] = (interval){(uint64_t)rng_below(2) * UINT64_MAX, lo, hi, i, IV_ALL};
        }
        char what[64];
        snprintf(what, sizeof what, "extreme seed %d", s);
        check_against_brute_force(v, n, what);
    }
}

/* ---- targeted tests ---- */

static void empty_input_reports_nothing(void **state)
{
    (void)state;
    collector c = sweep(NULL, 0, 0);
    assert_int_equal(c.calls, 0);
    free(c.v);
    interval one = {0, 5, 9, 0, IV_ALL};
    c = sweep(&one, 1, 0);
    assert_int_equal(c.calls, 0);
    free(c.v);
}

static void disjoint_intervals_never_pair(void **state)
{
    (void)state;
    /* Given out of order; gaps of one between neighbours. */
    interval v[] = {{0, 20, 29, 0, IV_ALL}, {0, 0, 9, 1, IV_ALL}, {0, 40, 40, 2, IV_ALL}, {0, 10, 19, 3, IV_ALL}, {0, 31, 39, 4, IV_ALL}};
    collector c = sweep(v, 5, 0);
    assert_int_equal(c.calls, 0);
    free(c.v);
}

static void nested_intervals_share_the_inner_range(void **state)
{
    (void)state;
    interval v[] = {{0, 0, 100, 0, IV_ALL}, {0, 10, 20, 1, IV_ALL}, {0, 12, 15, 2, IV_ALL}};
    collector c = sweep(v, 3, 0);
    assert_int_equal(c.n, 3);
    /* sorted: (0,1), (0,2), (1,2) */
    assert_int_equal(c.v[0].i, 0); assert_int_equal(c.v[0].j, 1);
    assert_int_equal(c.v[0].lo, 10); assert_int_equal(c.v[0].hi, 20);
    assert_int_equal(c.v[1].i, 0); assert_int_equal(c.v[1].j, 2);
    assert_int_equal(c.v[1].lo, 12); assert_int_equal(c.v[1].hi, 15);
    assert_int_equal(c.v[2].i, 1); assert_int_equal(c.v[2].j, 2);
    assert_int_equal(c.v[2].lo, 12); assert_int_equal(c.v[2].hi, 15);
    free(c.v);
}

static void touching_endpoints_overlap(void **state)
{
    (void)state;
    /* Inclusive ends: [8700, 8708] and [8708, 8800] share the single port 8708;
     * [8801, 9000] only touches 8800 from outside and does not. */
    interval v[] = {{0, 8708, 8800, 0, IV_ALL}, {0, 8700, 8708, 1, IV_ALL}, {0, 8801, 9000, 2, IV_ALL}};
    collector c = sweep(v, 3, 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0].i, 0);
    assert_int_equal(c.v[0].j, 1);
    assert_int_equal(c.v[0].lo, 8708);
    assert_int_equal(c.v[0].hi, 8708);
    free(c.v);
}

static void equal_intervals_and_points_pair_once(void **state)
{
    (void)state;
    interval v[] = {{1, 16000, 16000, 0, IV_ALL}, {1, 16000, 16000, 1, IV_ALL}, {1, 16000, 16000, 2, IV_ALL}};
    collector c = sweep(v, 3, 0);
    assert_int_equal(c.n, 3);                   /* (0,1), (0,2), (1,2) */
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(c.v[k].lo, 16000);
        assert_int_equal(c.v[k].hi, 16000);
    }
    assert_true(c.v[0].i == 0 && c.v[0].j == 1);
    assert_true(c.v[1].i == 0 && c.v[1].j == 2);
    assert_true(c.v[2].i == 1 && c.v[2].j == 2);
    free(c.v);
}

static void different_keys_never_pair(void **state)
{
    (void)state;
    /* The same range under four keys, interleaved so that the sort has to
     * separate them. */
    interval v[8];
    for (size_t i = 0; i < 8; i++) v[i] = (interval){i % 4, 100, 200, i, IV_ALL};
    collector c = sweep(v, 8, 0);
    assert_int_equal(c.n, 4);                    /* one pair per key: (k, k+4) */
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(c.v[k].i, k);
        assert_int_equal(c.v[k].j, k + 4);
    }
    free(c.v);
    /* And a key change must also close the intervals still open: a long
     * interval of key 0 never meets anything of key 1. */
    interval w[] = {{0, 0, 1000, 0, IV_ALL}, {1, 5, 6, 1, IV_ALL}, {1, 7, 8, 2, IV_ALL}, {2, 0, 1000, 3, IV_ALL}};
    c = sweep(w, 4, 0);
    assert_int_equal(c.calls, 0);
    free(c.v);
}

static void stop_early_ends_the_sweep(void **state)
{
    (void)state;
    /* Ten equal intervals: 45 pairs. */
    interval v[10];
    for (size_t i = 0; i < 10; i++) v[i] = (interval){3, 5, 10, i, IV_ALL};
    collector all = sweep(v, 10, 0);
    assert_int_equal(all.calls, 45);
    free(all.v);
    size_t stops[] = {1, 2, 17, 44, 45};
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
        collector c = sweep(v, 10, stops[k]);
        assert_int_equal(c.calls, stops[k]);   /* no call after a nonzero return */
        free(c.v);
    }
    /* Stopping inside the first key leaves later keys unvisited. */
    interval w[] = {{0, 1, 5, 0, IV_ALL}, {0, 2, 6, 1, IV_ALL}, {1, 1, 5, 2, IV_ALL}, {1, 2, 6, 3, IV_ALL}};
    collector c = sweep(w, 4, 1);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.v[0].i, 0);
    assert_int_equal(c.v[0].j, 1);
    free(c.v);
}

static void sort_orders_by_key_lo_hi_item(void **state)
{
    (void)state;
    interval v[] = {{2, 1, 1, 0, IV_ALL}, {0, 5, 9, 1, IV_ALL}, {0, 5, 7, 2, IV_ALL}, {0, 1, 3, 3, IV_ALL}, {0, 5, 7, 4, IV_ALL}};
    interval_sort(v, 5);
    size_t want[] = {3, 2, 4, 1, 0};
    for (size_t i = 0; i < 5; i++) assert_int_equal(v[i].item, want[i]);
}

/* ---- the segment sweep ---- */

enum { SEG_MAXN = 40, SEG_SPAN = 60 };

typedef struct {
    const interval *base;
    size_t n;
    bool open[SEG_MAXN];          /* by position in base, as edge() reports */
    int covered[4][SEG_SPAN + 24];/* segment calls that cover each (key, point) */
    uint64_t last_key;
    int64_t last_hi;
    bool any;
    int bad;
} seg_state;

static void seg_edge(void *ctx, const interval *x, bool open)
{
    seg_state *s = ctx;
    size_t i = (size_t)(x - s->base);
    if (i >= s->n || s->open[i] == open) s->bad = 1;      /* opened twice, closed unopened */
    else s->open[i] = open;
}

/* Each segment: what edge() left open is exactly what covers every point
 * of it; segments come in (key, lo) order without overlapping. */
static void seg_segment(void *ctx, uint64_t key, int64_t lo, int64_t hi)
{
    seg_state *s = ctx;
    if (lo > hi || (s->any && (key < s->last_key || (key == s->last_key && lo <= s->last_hi))))
        s->bad = 1;
    s->any = true;
    s->last_key = key;
    s->last_hi = hi;
    for (int64_t x = lo; x <= hi; x++) {
        s->covered[key][x]++;
        for (size_t i = 0; i < s->n; i++) {
            const interval *v = &s->base[i];
            bool covers = v->key == key && v->lo <= x && x <= v->hi;
            if (covers != s->open[i]) s->bad = 1;
        }
    }
}

static void segments_match_brute_force(void **state)
{
    (void)state;
    interval v[SEG_MAXN];
    for (int t = 0; t < 3000; t++) {
        rng_seed(0x5e650000ull + (uint64_t)t);
        size_t n = t < 5 ? (size_t)t : (size_t)rng_below(SEG_MAXN + 1);
        for (size_t i = 0; i < n; i++) {
            int64_t lo = rng_below(SEG_SPAN), len = rng_below(t % 2 ? 4 : 20);
            v[i] = (interval){(uint64_t)rng_below(4), lo, lo + len, i, IV_ALL};
        }
        seg_state *s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->base = v;
        s->n = n;
        interval_segments(v, n, seg_edge, seg_segment, s);
        /* Every covered point lies in exactly one segment, no other point
         * in any; every interval is closed at the end. */
        for (uint64_t k = 0; k < 4; k++)
            for (int64_t x = 0; x < SEG_SPAN + 24; x++) {
                bool cov = false;
                for (size_t i = 0; i < n; i++) cov |= v[i].key == k && v[i].lo <= x && x <= v[i].hi;
                if (s->covered[k][x] != (cov ? 1 : 0)) s->bad = 1;
            }
        for (size_t i = 0; i < n; i++) s->bad |= s->open[i];
        if (s->bad) fail_msg("segment sweep wrong for seed %d (n=%zu)", t, n);
        free(s);
    }
}

/* Cuts only where something starts or ends: [0,9] and [5,14] give
 * [0,4], [5,9], [10,14]; a gap gives no segment. */
static void segments_cut_at_starts_and_ends(void **state)
{
    (void)state;
    interval v[] = {{0, 5, 14, 0, IV_ALL}, {0, 0, 9, 1, IV_ALL}, {0, 20, 20, 2, IV_ALL}};
    seg_state *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->base = v;
    s->n = 3;
    interval_segments(v, 3, seg_edge, seg_segment, s);
    assert_int_equal(s->bad, 0);
    assert_int_equal(s->covered[0][4], 1);
    assert_int_equal(s->covered[0][15], 0);
    assert_int_equal(s->last_hi, 20);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_sets_match_brute_force),
        cmocka_unit_test(strided_sets_match_brute_force),
        cmocka_unit_test(even_and_odd_never_pair),
        cmocka_unit_test(segments_match_brute_force),
        cmocka_unit_test(segments_cut_at_starts_and_ends),
        cmocka_unit_test(extreme_coordinates_match_brute_force),
        cmocka_unit_test(empty_input_reports_nothing),
        cmocka_unit_test(disjoint_intervals_never_pair),
        cmocka_unit_test(nested_intervals_share_the_inner_range),
        cmocka_unit_test(touching_endpoints_overlap),
        cmocka_unit_test(equal_intervals_and_points_pair_once),
        cmocka_unit_test(different_keys_never_pair),
        cmocka_unit_test(stop_early_ends_the_sweep),
        cmocka_unit_test(sort_orders_by_key_lo_hi_item),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
