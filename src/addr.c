/* addr.c: IPv4 and IPv6 addresses: arithmetic, the text parser (RFC 4291
 * forms, strict) and the canonical formatter (RFC 5952). See addr.h for
 * the representation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"

int addr_cmp(addr a, addr b)
{
    if (a.fam != b.fam) return a.fam < b.fam ? -1 : 1;
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

/* The network mask of prefix in a's family, as two 64-bit words. */
static void mask_of(addr a, int prefix, uint64_t *mh, uint64_t *ml)
{
    if (a.fam != ADDR_V6) {
        *mh = 0;
        *ml = prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : (0xffffffffu << (32 - prefix)) & 0xffffffffu;
        return;
    }
    if (prefix <= 0) *mh = 0, *ml = 0;
    else if (prefix < 64) *mh = ~(uint64_t)0 << (64 - prefix), *ml = 0;
    else if (prefix == 64) *mh = ~(uint64_t)0, *ml = 0;
    else if (prefix < 128) *mh = ~(uint64_t)0, *ml = ~(uint64_t)0 << (128 - prefix);
    else *mh = ~(uint64_t)0, *ml = ~(uint64_t)0;
}

addr addr_first(addr a, int prefix)
{
    uint64_t mh, ml;
    mask_of(a, prefix, &mh, &ml);
    return (addr){a.hi & mh, a.lo & ml, a.fam};
}

addr addr_last(addr a, int prefix)
{
    uint64_t mh, ml;
    mask_of(a, prefix, &mh, &ml);
    uint64_t full = a.fam == ADDR_V6 ? ~(uint64_t)0 : 0xffffffffu;
    return (addr){a.fam == ADDR_V6 ? a.hi | ~mh : 0, a.lo | (~ml & full), a.fam};
}

bool addr_in(addr net, int prefix, addr b)
{
    return net.fam == b.fam && addr_eq(addr_first(net, prefix), addr_first(b, prefix));
}

bool addr_add(addr a, int64_t n, addr *out)
{
    if (a.fam != ADDR_V6) {
        int64_t r = (int64_t)a.lo + n;
        if (r < 0 || r > 0xffffffffLL) return false;
        *out = addr_v4((uint32_t)r);
        return true;
    }
    addr r = a;
    if (n >= 0) {
        r.lo = a.lo + (uint64_t)n;
        if (r.lo < a.lo && ++r.hi == 0) return false;
    } else {
        uint64_t d = (uint64_t)0 - (uint64_t)n;
        r.lo = a.lo - d;
        if (r.lo > a.lo && r.hi-- == 0) return false;
    }
    *out = r;
    return true;
}

bool addr_diff(addr a, addr b, int64_t *out)
{
    if (a.fam != b.fam) return false;
    if (a.fam != ADDR_V6) {
        *out = (int64_t)b.lo - (int64_t)a.lo;
        return true;
    }
    uint64_t lo = b.lo - a.lo;
    uint64_t hi = b.hi - a.hi - (b.lo < a.lo);
    /* Fits when hi is the sign extension of lo. */
    if ((hi == 0 && lo <= (uint64_t)INT64_MAX) || (hi == ~(uint64_t)0 && lo > (uint64_t)INT64_MAX)) {
        *out = (int64_t)lo;
        return true;
    }
    return false;
}

int addr_range_prefix(addr lo, addr hi)
{
    if (lo.fam != hi.fam) return -1;
    for (int p = 0; p <= addr_bits(lo); p++)
        if (addr_eq(addr_first(lo, p), lo) && addr_eq(addr_last(lo, p), hi)) return p;
    return -1;
}

void addr_bytes(addr a, uint8_t out[16])
{
    if (a.fam != ADDR_V6) {
        for (int i = 0; i < 4; i++) out[i] = (uint8_t)(a.lo >> (24 - 8 * i));
        return;
    }
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(a.hi >> (56 - 8 * i));
        out[8 + i] = (uint8_t)(a.lo >> (56 - 8 * i));
    }
}

addr addr_from_bytes(int fam, const uint8_t *b)
{
    if (fam != ADDR_V6)
        return addr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
    addr a = addr_v6(0, 0);
    for (int i = 0; i < 8; i++) {
        a.hi = a.hi << 8 | b[i];
        a.lo = a.lo << 8 | b[8 + i];
    }
    return a;
}

bool addr_is_multicast(addr a)
{
    return a.fam == ADDR_V6 ? a.hi >> 56 == 0xff : (a.lo >> 28) == 0xe;
}

int addr_mcast_scope(addr a)
{
    return a.fam == ADDR_V6 && a.hi >> 56 == 0xff ? (int)(a.hi >> 48 & 0xf) : -1;
}

const char *addr_scope_name(int scope)
{
    static const char *const names[16] = {
        "reserved (0)", "interface-local", "link-local", "realm-local", "admin-local",
        "site-local", "unassigned (6)", "unassigned (7)", "organization-local",
        "unassigned (9)", "unassigned (a)", "unassigned (b)", "unassigned (c)",
        "unassigned (d)", "global", "reserved (f)"};
    return scope >= 0 && scope < 16 ? names[scope] : "unicast";
}

const char *addr_mcast_space(int fam)
{
    return fam == ADDR_V6 ? "ff00::/8" : "224.0.0.0/4 (224.0.0.0-239.255.255.255)";
}

/* ---- parsing ---- */

__attribute__((format(printf, 2, 3)))
static bool why_fail(char why[ADDR_WHY], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, ADDR_WHY, fmt, ap);
    va_end(ap);
    return false;
}

/* A decimal number of at most 10 digits in s[0..n), else -1. */
static long long decimal(const char *s, size_t n)
{
    if (n == 0 || n > 10) return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* a.b.c.d in s[0..n). strict: no leading zeros (inside IPv6, as inet_pton);
 * the top-level IPv4 form keeps berth's historical leniency (decimal). */
static bool dotted_quad(const char *s, size_t n, bool strict, uint32_t *out)
{
    uint32_t v = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        long long x = decimal(s + i, j - i);
        if (x < 0 || x > 255 || (strict && j - i > 1 && s[i] == '0')) return false;
        v = v << 8 | (uint32_t)x;
        if (part < 3 && (j == n || s[j] != '.')) return false;
        i = j + 1;
    }
    if (i != n + 1) return false;               /* text after the fourth number */
    *out = v;
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The eight 16-bit groups of an IPv6 address in s[0..n). */
static bool parse_v6(const char *s, size_t n, const char *text, uint16_t g[8], char why[ADDR_WHY])
{
    uint16_t got[8];
    int ng = 0, gap = -1;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (n >= 1 && s[0] == ':') {
        return why_fail(why, "invalid IPv6 address '%s': it starts with a single ':'; "
                        "write '::' for leading zero groups", text);
    }
    while (i < n) {
        size_t j = i;
        bool dot = false;
        while (j < n && s[j] != ':') dot |= s[j++] == '.';
        if (dot) {
            uint32_t q;
            if (j != n)
                return why_fail(why, "invalid IPv6 address '%s': a dotted quad may only "
                                "stand for the last 32 bits", text);
            if (ng > 6)
                return why_fail(why, "invalid IPv6 address '%s': %d groups before the dotted "
                                "quad; it stands for the last 2 of 8", text, ng);
            if (!dotted_quad(s + i, j - i, true, &q))
                return why_fail(why, "invalid IPv6 address '%s': '%.*s' is not a dotted quad "
                                "for the last 32 bits (four numbers 0-255, no leading zeros)",
                                text, (int)(j - i), s + i);
            got[ng++] = (uint16_t)(q >> 16);
            got[ng++] = (uint16_t)q;
            i = j;
            break;
        }
        if (j == i)
            return why_fail(why, "invalid IPv6 address '%s': an empty group; '::' may "
                            "appear only once", text);
        if (j - i > 4)
            return why_fail(why, "invalid IPv6 address '%s': group '%.*s' has more than "
                            "4 hex digits", text, (int)(j - i), s + i);
        if (ng == 8)
            return why_fail(why, "invalid IPv6 address '%s': more than 8 groups", text);
        unsigned v = 0;
        for (size_t k = i; k < j; k++) {
            int h = hexval(s[k]);
            if (h < 0)
                return why_fail(why, "invalid IPv6 address '%s': '%c' is not a hex digit",
                                text, s[k]);
            v = v << 4 | (unsigned)h;
        }
        got[ng++] = (uint16_t)v;
        if (j == n) {
            i = j;
            break;
        }
        i = j + 1;                          /* past ':' */
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return why_fail(why, "invalid IPv6 address '%s': '::' may appear only once",
                                text);
            gap = ng;
            i++;
        } else if (i == n) {
            return why_fail(why, "invalid IPv6 address '%s': it ends with a single ':'; "
                            "write '::' for trailing zero groups", text);
        }
    }
    if (gap < 0 && ng != 8)
        return why_fail(why, "invalid IPv6 address '%s': %d groups; an address has 8, "
                        "or '::' for the zero groups", text, ng);
    if (gap >= 0 && ng > 7)
        return why_fail(why, "invalid IPv6 address '%s': '::' stands for no group here; "
                        "an address has 8 groups", text);
    memset(g, 0, 8 * sizeof *g);
    int tail = gap < 0 ? 0 : ng - gap;
    for (int k = 0; k < ng - tail; k++) g[k] = got[k];
    for (int k = 0; k < tail; k++) g[8 - tail + k] = got[gap + k];
    return true;
}

bool addr_parse(const char *text, size_t n, addr *out, int *prefix, char why[ADDR_WHY])
{
    char shown[64];                     /* a runaway token is shortened */
    snprintf(shown, sizeof shown, "%.*s%s", (int)(n > 40 ? 40 : n), text, n > 40 ? "..." : "");
    const char *pct = memchr(text, '%', n);
    if (pct)
        return why_fail(why, "zone id in '%s': '%%%.*s' names an interface of one host, which "
                        "a policy cannot; write the address without it", shown,
                        (int)(n - (size_t)(pct - text) - 1), pct + 1);
    const char *slash = memchr(text, '/', n);
    size_t an = slash ? (size_t)(slash - text) : n;
    bool v6 = memchr(text, ':', an) != NULL;
    addr a;
    if (v6) {
        uint16_t g[8];
        if (!parse_v6(text, an, shown, g, why)) return false;
        a = addr_v6(0, 0);
        for (int k = 0; k < 4; k++) {
            a.hi = a.hi << 16 | g[k];
            a.lo = a.lo << 16 | g[4 + k];
        }
    } else {
        uint32_t q;
        if (!dotted_quad(text, an, false, &q))
            return why_fail(why, "invalid IPv4 address '%s': expected four numbers 0-255, "
                            "as in 10.0.0.1", shown);
        a = addr_v4(q);
    }
    int p = addr_bits(a);
    if (slash) {
        long long x = decimal(slash + 1, n - an - 1);
        if (x < 0 || x > addr_bits(a))
            return why_fail(why, "invalid prefix length in '%s': expected 0-%d", shown,
                            addr_bits(a));
        p = (int)x;
    }
    if (!addr_eq(addr_first(a, p), a)) {
        char net[ADDR_TEXT];
        addr_str(net, addr_first(a, p));
        /* '\1' marks the host-bits case for callers that report it apart. */
        snprintf(why, ADDR_WHY, "\1'%s' has host bits set; did you mean '%s/%d'?", shown, net, p);
        return false;
    }
    *out = a;
    *prefix = p;
    return true;
}

/* ---- formatting ---- */

const char *addr_str(char buf[ADDR_TEXT], addr a)
{
    if (a.fam != ADDR_V6) {
        uint32_t v = (uint32_t)a.lo;
        snprintf(buf, ADDR_TEXT, "%u.%u.%u.%u", v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255);
        return buf;
    }
    if (a.hi == 0 && a.lo >> 32 == 0xffff) {      /* IPv4-mapped: RFC 5952 section 5 */
        uint32_t v = (uint32_t)a.lo;
        snprintf(buf, ADDR_TEXT, "::ffff:%u.%u.%u.%u", v >> 24, v >> 16 & 255, v >> 8 & 255,
                 v & 255);
        return buf;
    }
    unsigned g[8];
    for (int k = 0; k < 4; k++) {
        g[k] = (unsigned)(a.hi >> (48 - 16 * k)) & 0xffff;
        g[4 + k] = (unsigned)(a.lo >> (48 - 16 * k)) & 0xffff;
    }
    int best = -1, blen = 1;                      /* a run must be 2 or more */
    for (int k = 0; k < 8;) {
        if (g[k]) {
            k++;
            continue;
        }
        int e = k;
        while (e < 8 && !g[e]) e++;
        if (e - k > blen) best = k, blen = e - k;
        k = e;
    }
    size_t n = 0;
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            n += (size_t)snprintf(buf + n, ADDR_TEXT - n, "::");
            k += blen - 1;
            continue;
        }
        bool colon = k > 0 && k != best + blen;
        n += (size_t)snprintf(buf + n, ADDR_TEXT - n, "%s%x", colon ? ":" : "", g[k]);
    }
    return buf;
}

const char *addr_text(char buf[ADDR_TEXT], addr lo, addr hi, int prefix)
{
    addr_str(buf, lo);
    size_t n = strlen(buf);
    if (prefix < addr_bits(lo)) {
        snprintf(buf + n, ADDR_TEXT - n, "/%d", prefix);
    } else if (!addr_eq(lo, hi)) {
        char h[ADDR_TEXT];
        snprintf(buf + n, ADDR_TEXT - n, "-%s", addr_str(h, hi));
    }
    return buf;
}

/* ---- ranks: addresses as int64 coordinates for interval.c ---- */

static int cmp_addr(const void *a, const void *b)
{
    return addr_cmp(*(const addr *)a, *(const addr *)b);
}

size_t addr_ranks_build(addr *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_addr);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || !addr_eq(v[k - 1], v[i])) v[k++] = v[i];
    return k;
}

int64_t addr_rank(const addr *v, size_t n, addr a)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr_cmp(v[mid], a) < 0) lo = mid + 1;
        else hi = mid;
    }
    return (int64_t)lo;
}
