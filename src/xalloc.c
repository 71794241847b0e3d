/* xalloc.c: allocate or die (xalloc.h). Builds with BERTH_ALLOC_TESTS
 * (the sanitizer build) fail the Nth allocation when the environment says
 * BERTH_FAIL_ALLOC=N, as Lua's ltests.c does, so the tests can prove that
 * every failure path ends in exit 2 with a message. */
#include "xalloc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static size_t limit_bytes;

static _Noreturn void out_of_memory(size_t size)
{
    if (limit_bytes)
        fprintf(stderr, "berth: out of memory (asked for %zu bytes; the cap is --max-memory "
                        "%zuM)\n", size, limit_bytes >> 20);
    else
        fprintf(stderr, "berth: out of memory (asked for %zu bytes)\n", size);
    fflush(stderr);
    exit(2);
}

#ifdef BERTH_ALLOC_TESTS
/* True when this allocation is the one the test asked to fail. */
static bool injected_failure(void)
{
    static long countdown = -2;
    if (countdown == -2) {
        const char *n = getenv("BERTH_FAIL_ALLOC");
        countdown = n && *n ? strtol(n, NULL, 10) : -1;
    }
    return countdown > 0 && --countdown == 0;
}
#else
static bool injected_failure(void) { return false; }
#endif

void *xmalloc(size_t size)
{
    void *p = injected_failure() ? NULL : malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *xmalloc_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) out_of_memory(SIZE_MAX);
    return xmalloc(n * size);
}

void *xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) out_of_memory(SIZE_MAX);
    void *p = injected_failure() ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = injected_failure() ? NULL : realloc(p, size ? size : 1);
    if (!q) out_of_memory(size);
    return q;
}

void *xrealloc_array(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) out_of_memory(SIZE_MAX);
    return xrealloc(p, n * size);
}

void *xaligned(size_t align, size_t size)
{
    void *p = NULL;
    if (injected_failure() || posix_memalign(&p, align, size ? size : 1) != 0) out_of_memory(size);
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

bool xalloc_parse_size(const char *text, size_t *bytes)
{
    char *end;
    if (!text[0] || text[0] < '0' || text[0] > '9') return false;
    unsigned long long v = strtoull(text, &end, 10);
    int shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    else if (*end == 'M' || *end == 'm') shift = 20;
    else if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end++;
    if (*end == 'i' && shift) end++;                   /* 512MiB, 1GiB */
    if ((*end == 'B' || *end == 'b') && shift) end++;
    if (*end || v > (SIZE_MAX >> shift)) return false;
    *bytes = (size_t)v << shift;
    return true;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

void xalloc_set_limit(size_t bytes)
{
#ifndef UNDER_ASAN
    struct rlimit r;
    if (bytes == 0 || getrlimit(RLIMIT_AS, &r) != 0) return;
    if (r.rlim_max != RLIM_INFINITY && bytes > r.rlim_max) bytes = r.rlim_max;
    r.rlim_cur = bytes;
    if (setrlimit(RLIMIT_AS, &r) == 0) limit_bytes = bytes;
#else
    (void)bytes;
#endif
}
