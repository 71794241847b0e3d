/* addr.h: the one address type of berth, for IPv4 and IPv6 alike, with the
 * one parser of their text forms and the one formatter.
 *
 * An addr is a family (4 or 6) and a 128-bit value. IPv4 is kept distinct:
 * its 32 bits sit in the low word and the family says 4, so 10.0.0.1 and
 * ::ffff:10.0.0.1 are different addresses (the second, an IPv4-mapped IPv6
 * address, is never on a wire and is reported where a host is expected).
 * addr_cmp orders every IPv4 address before every IPv6 one, so one sorted
 * array or interval sweep holds both families and no interval ever spans
 * the two: each check runs per family without knowing it.
 *
 * Text accepted (RFC 4291 section 2.2): IPv4 as four decimal numbers 0-255
 * without leading zeros; IPv6 as eight groups of 1-4 hex digits, `::` once
 * for one or more zero groups, a dotted quad only in the last 32 bits. A
 * prefix `/N` must have no host bits set. Zone ids (`fe80::1%eth0`) are
 * rejected: they only mean something inside one node.
 * Text written (RFC 5952): lowercase, no leading zeros, the longest run of
 * two or more zero groups as `::` (the first on ties), and ::ffff:a.b.c.d
 * for IPv4-mapped addresses. */
#ifndef BERTH_ADDR_H
#define BERTH_ADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ADDR_V4 = 4, ADDR_V6 = 6 };

typedef struct {
    uint64_t hi, lo;             /* IPv4: hi 0, lo the 32 bits */
    uint8_t fam;                 /* ADDR_V4 or ADDR_V6 */
} addr;

/* Longest text: two IPv6 addresses with dotted quads and a '-' (91). */
enum { ADDR_TEXT = 96, ADDR_WHY = 256 };

static inline addr addr_v4(uint32_t v) { return (addr){0, v, ADDR_V4}; }
static inline addr addr_v6(uint64_t hi, uint64_t lo) { return (addr){hi, lo, ADDR_V6}; }
static inline bool addr_is_v6(addr a) { return a.fam == ADDR_V6; }
/* 32 or 128: the prefix length of one address. */
static inline int addr_bits(addr a) { return a.fam == ADDR_V6 ? 128 : 32; }
static inline uint32_t addr_v4_value(addr a) { return (uint32_t)a.lo; }

/* Total order: family (IPv4 first), then value. */
int addr_cmp(addr a, addr b);
static inline bool addr_eq(addr a, addr b) { return addr_cmp(a, b) == 0; }
/* The lowest and highest address of a/prefix. */
addr addr_first(addr a, int prefix);
addr addr_last(addr a, int prefix);
/* Whether b lies in net/prefix (same family only). */
bool addr_in(addr net, int prefix, addr b);
/* a + n within its family; false when the result leaves the family's space. */
bool addr_add(addr a, int64_t n, addr *out);
/* b - a when it fits an int64 and both have one family; else false. */
bool addr_diff(addr a, addr b, int64_t *out);
/* The prefix length when [lo, hi] is exactly one prefix, else -1. */
int addr_range_prefix(addr lo, addr hi);
/* The address as 16 network-order bytes (IPv4: 4 bytes). */
void addr_bytes(addr a, uint8_t out[16]);
addr addr_from_bytes(int fam, const uint8_t *b);

/* Ranks: interval.c sweeps int64 coordinates; addresses of both families
 * map onto them order-preserving through a sorted set of every endpoint.
 * addr_ranks_build sorts v and drops repeats, returning the new count;
 * addr_rank gives the index of a in it (a must be one of its members), so
 * an overlap of ranks is an overlap of the addresses. */
size_t addr_ranks_build(addr *v, size_t n);
int64_t addr_rank(const addr *v, size_t n, addr a);

/* Multicast: 224.0.0.0/4 and ff00::/8. */
bool addr_is_multicast(addr a);
/* The scope nibble of an IPv6 multicast address (ff0X::), -1 otherwise. */
int addr_mcast_scope(addr a);
/* RFC 7346 name of an IPv6 multicast scope: "link-local", "global"... */
const char *addr_scope_name(int scope);
/* The multicast space of a family, as text for messages. */
const char *addr_mcast_space(int fam);

/* Parse text[0..n): an IPv4 or IPv6 address with an optional /prefix.
 * *prefix is the full width when none is written. On failure writes why
 * (a complete sentence fragment naming the text) and returns false. A
 * prefix with host bits set fails with why naming the network meant. */
bool addr_parse(const char *text, size_t n, addr *out, int *prefix, char why[ADDR_WHY]);

/* The one formatter: "10.0.0.1", "2001:db8::1", "10.0.0.0/8" (prefix
 * below the width), or "lo-hi" (lo below hi). Writes into buf, returns it. */
const char *addr_text(char buf[ADDR_TEXT], addr lo, addr hi, int prefix);
/* One address, no prefix. */
const char *addr_str(char buf[ADDR_TEXT], addr a);

#endif
