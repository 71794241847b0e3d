/* lookup_bench.c: compiled against the C that `berth gen c` writes for a
 * synthetic policy (tests/perf/bench.py). Random (protocol, port) queries
 * through the generated berth_port_owners() and the same answers from a
 * linear scan over the flow table berth_flows; checks that both give the
 * same set of services for every query of the scan, and prints the time per
 * query of each, and of the count alone (MAX 0):
 *     lookup_ns N   scan_ns N   count_ns N   flows N   queries N   scan_queries N   mismatches N
 * Usage: lookup_bench [QUERIES [SCAN_QUERIES [SEED]]]. Exit 0 when the two agree. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "berth_policy.h"

#define MAXOUT 4096

static uint64_t rng_state;
static uint32_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: the machine is shared */
    return t.tv_sec * 1e9 + t.tv_nsec;
}

/* The naive answer: every flow of PROTO whose range holds PORT (flows
 * with port 0-0, "any", own no port), each service once. */
static unsigned *stamp;
static unsigned stamp_now;
static size_t scan_owners(int proto, unsigned port, const berth_service **out, size_t max)
{
    size_t n = 0;
    stamp_now++;
    for (size_t i = 0; i < berth_flow_count; i++) {
        const berth_flow *f = &berth_flows[i];
        if (f->proto != proto || !f->lo || port < f->lo || port > f->hi) continue;
        if (stamp[f->service] == stamp_now) continue;
        stamp[f->service] = stamp_now;
        if (n < max) out[n] = &berth_services[f->service];
        n++;
    }
    return n;
}

static int ptr_cmp(const void *a, const void *b)
{
    const berth_service *x = *(const berth_service *const *)a, *y = *(const berth_service *const *)b;
    return (x > y) - (x < y);
}

typedef struct { int proto; unsigned port; } query;

int main(int argc, char **argv)
{
    size_t nq = argc > 1 ? strtoul(argv[1], 0, 10) : 2000000;
    size_t ns = argc > 2 ? strtoul(argv[2], 0, 10) : 2000;
    rng_state = argc > 3 ? strtoull(argv[3], 0, 10) : 88172645463325252ull;
    if (!rng_state) rng_state = 1;
    if (ns > nq) ns = nq;
    query *q = malloc((nq ? nq : 1) * sizeof *q);
    stamp = calloc(berth_service_count + 1, sizeof *stamp);
    if (!q || !stamp) return 2;
    for (size_t i = 0; i < nq; i++) {
        q[i].proto = rnd() % 2 ? BERTH_TCP : BERTH_UDP;
        q[i].port = 1 + rnd() % 65535;
    }

    static const berth_service *a[MAXOUT], *b[MAXOUT];
    /* Agreement on the first ns queries. */
    size_t mismatches = 0;
    for (size_t i = 0; i < ns; i++) {
        size_t na = berth_port_owners(q[i].proto, q[i].port, a, MAXOUT);
        size_t nb = scan_owners(q[i].proto, q[i].port, b, MAXOUT);
        int same = na == nb;
        if (same && na <= MAXOUT) {
            qsort(a, na, sizeof *a, ptr_cmp);
            qsort(b, nb, sizeof *b, ptr_cmp);
            same = memcmp(a, b, na * sizeof *a) == 0;
        }
        if (!same && mismatches++ < 5)
            fprintf(stderr, "mismatch: proto %d port %u: lookup %zu, scan %zu owners\n",
                    q[i].proto, q[i].port, na, nb);
    }

    /* Timing: the same kind of call both ways, up to 16 owners stored. */
    size_t sink = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < nq; i++) sink += berth_port_owners(q[i].proto, q[i].port, a, 16);
    double t1 = now_ns();
    for (size_t i = 0; i < ns; i++) sink += scan_owners(q[i].proto, q[i].port, b, 16);
    double t2 = now_ns();
    /* The count alone (MAX 0: nothing stored), the index without the owners. */
    for (size_t i = 0; i < nq; i++) sink += berth_port_owners(q[i].proto, q[i].port, NULL, 0);
    double t3 = now_ns();

    printf("lookup_ns %.1f scan_ns %.1f count_ns %.1f flows %zu queries %zu scan_queries %zu "
           "mismatches %zu sink %zu\n",
           nq ? (t1 - t0) / nq : 0.0, ns ? (t2 - t1) / ns : 0.0, nq ? (t3 - t2) / nq : 0.0,
           berth_flow_count, nq, ns, mismatches, sink);
    free(q);
    free(stamp);
    return mismatches != 0;
}
