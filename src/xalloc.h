/* xalloc.h: the one failure policy for memory. Every allocation outside
 * the arena (which is built on these) goes through this wrapper: when
 * memory runs out, or the run's cap (--max-memory) is reached, berth prints
 * "berth: out of memory" and exits 2. No caller sees NULL, so no check can
 * turn an allocation failure into a silent pass. */
#ifndef BERTH_XALLOC_H
#define BERTH_XALLOC_H
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t size);
/* n elements of size bytes, uninitialised; n * size must not overflow
 * (it is checked: an overflow is out of memory). */
void *xmalloc_array(size_t n, size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xrealloc_array(void *p, size_t n, size_t size);
/* size bytes aligned to align (a power of two times sizeof(void *)). */
void *xaligned(size_t align, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

enum { XALLOC_DEFAULT_LIMIT_MIB = 4096 };
/* Parse a --max-memory value: bytes with an optional K, M or G suffix
 * (powers of 1024), or 0 for no cap. False when it is not one. */
bool xalloc_parse_size(const char *text, size_t *bytes);
/* Cap the address space of this process (and of the programs it starts)
 * at bytes, 0 for no cap. Not applied under AddressSanitizer, which
 * reserves terabytes of address space up front. */
void xalloc_set_limit(size_t bytes);

#endif
