/* registry_mcast.c: the address knowledge of registry.h: well-known
 * multicast protocols with their groups and ports (research section 4),
 * the multicast blocks of RFC 5771 and RFC 2365 (section 2), and the
 * special-purpose blocks a host cannot have (section 6). Blocks are rows
 * of text so IPv6 rows join the same tables. */
#include "registry.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define V4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define ONE(a, b, c, d) {V4(a, b, c, d), V4(a, b, c, d)}

/* Sorted by name. relative: RFC 2365 §9 offset below the top of a scope
 * of 239/8 (SAP 0, SSDP 5), -1 for none. */
const registry_mcast registry_mcast_table[] = {
    {"All Routers", {ONE(224, 0, 0, 2)}, 1, -1, "ff01::2, ff02::2, ff05::2", 0, 0, 0, 2},
    {"All Systems", {ONE(224, 0, 0, 1)}, 1, -1, "ff01::1, ff02::1", 0, 0, 0, 2},
    {"DHCPv6", {{0, 0}}, 0, -1, "ff02::1:2, ff05::1:3", REG_UDP, 546, 547, 0},
    {"HSRP", {ONE(224, 0, 0, 2), ONE(224, 0, 0, 102)}, 2, -1, "", REG_UDP, 1985, 1985, 0},
    {"IGMPv3", {ONE(224, 0, 0, 22)}, 1, -1, "ff02::16 (MLDv2)", 0, 0, 0, 2},
    {"LLMNR", {ONE(224, 0, 0, 252)}, 1, -1, "ff02::1:3", REG_UDP, 5355, 5355, 0},
    {"mDNS", {ONE(224, 0, 0, 251)}, 1, -1, "ff02::fb", REG_UDP, 5353, 5353, 0},
    {"NTP", {ONE(224, 0, 1, 1)}, 1, -1, "ff0x::101", REG_UDP, 123, 123, 0},
    {"OSPF", {{V4(224, 0, 0, 5), V4(224, 0, 0, 6)}}, 1, -1, "ff02::5, ff02::6", 0, 0, 0, 89},
    {"PIM", {ONE(224, 0, 0, 13)}, 1, -1, "ff02::d", 0, 0, 0, 103},
    {"PTP", {{V4(224, 0, 1, 129), V4(224, 0, 1, 132)}, ONE(224, 0, 0, 107)}, 2, -1,
     "ff0x::181-ff0x::184, ff02::6b", REG_UDP, 319, 320, 0},
    {"RIPng", {{0, 0}}, 0, -1, "ff02::9", REG_UDP, 521, 521, 0},
    {"RIPv2", {ONE(224, 0, 0, 9)}, 1, -1, "", REG_UDP, 520, 520, 0},
    {"SAP", {{V4(224, 2, 127, 254), V4(224, 2, 127, 255)}, {V4(224, 2, 128, 0), V4(224, 2, 255, 255)}},
     2, 0, "ff0x::2:7ffe", REG_UDP, 9875, 9875, 0},
    {"SSDP", {ONE(239, 255, 255, 250)}, 1, 5, "ff02::c, ff05::c, ff08::c, ff0e::c", REG_UDP, 1900,
     1900, 0},
    {"VRRP", {ONE(224, 0, 0, 18)}, 1, -1, "ff02::12", 0, 0, 0, 112},
    {"WS-Discovery", {ONE(239, 255, 255, 250)}, 1, -1, "ff02::c", REG_UDP, 3702, 3702, 0},
};
const size_t registry_nmcast = sizeof registry_mcast_table / sizeof registry_mcast_table[0];

bool registry_mcast_has_group(const registry_mcast *p, uint32_t a)
{
    for (int i = 0; i < p->nv4; i++)
        if (a >= p->v4[i].lo && a <= p->v4[i].hi) return true;
    /* The top /24 of every 239/8 scope is relative (RFC 2365 §9); the
     * scopes in use are /16 or wider, so offset N is 239.x.255.(255-N). */
    return p->relative >= 0 && (a >> 24) == 239 && (a & 0xffff) == 0xffffu - (unsigned)p->relative;
}

/* Edit distance of at most one between two short strings, counting a swap
 * of two neighbours as one edit. */
static bool one_edit(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i = 0;
    if (la > lb + 1 || lb > la + 1) return false;
    while (i < la && i < lb && a[i] == b[i]) i++;
    if (i == la && i == lb) return false;          /* equal: not a typo */
    if (la == lb)
        return strcmp(a + i + 1, b + i + 1) == 0 ||
               (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && strcmp(a + i + 2, b + i + 2) == 0);
    return la > lb ? strcmp(a + i + 1, b + i) == 0 : strcmp(a + i, b + i + 1) == 0;
}

static void v4_text(char buf[REGISTRY_ADDR_TEXT], uint32_t a)
{
    snprintf(buf, REGISTRY_ADDR_TEXT, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
             a & 255);
}

const registry_mcast *registry_group_typo(uint32_t a, char buf[REGISTRY_ADDR_TEXT])
{
    char text[REGISTRY_ADDR_TEXT];
    v4_text(text, a);
    for (size_t i = 0; i < registry_nmcast; i++) {
        const registry_mcast *p = &registry_mcast_table[i];
        for (int k = 0; k < p->nv4; k++) {
            /* the named groups only: a range's first and last */
            uint32_t ends[2] = {p->v4[k].lo, p->v4[k].hi};
            for (int e = 0; e < 2; e++) {
                v4_text(buf, ends[e]);
                if (one_edit(text, buf)) return p;
            }
        }
    }
    buf[0] = '\0';
    return NULL;
}

/* ---- blocks ---- */

#define ADMIN "Administratively Scoped Block"
/* RFC 5771 §3-10 and the IANA registry (RFC 6034 for 234/8), RFC 2365 §6
 * for the scopes of 239/8. A sorted partition of 224.0.0.0/4. */
const registry_block registry_mcast_blocks[] = {
    {"224.0.0.0", "224.0.0.255", BLK_MULTICAST | BLK_LOCAL_CONTROL, "Local Network Control Block",
     NULL, "RFC 5771"},
    {"224.0.1.0", "224.0.1.255", BLK_MULTICAST, "Internetwork Control Block", NULL, "RFC 5771"},
    {"224.0.2.0", "224.0.255.255", BLK_MULTICAST, "AD-HOC Block I", NULL, "RFC 5771"},
    {"224.1.0.0", "224.1.255.255", BLK_MULTICAST | BLK_RESERVED, "reserved", NULL, "RFC 5771"},
    {"224.2.0.0", "224.2.255.255", BLK_MULTICAST, "SDP/SAP Block", NULL, "RFC 2974"},
    {"224.3.0.0", "224.4.255.255", BLK_MULTICAST, "AD-HOC Block II", NULL, "RFC 5771"},
    {"224.5.0.0", "224.251.255.255", BLK_MULTICAST | BLK_RESERVED, "reserved", NULL, "RFC 5771"},
    {"224.252.0.0", "224.255.255.255", BLK_MULTICAST, "DIS Transient Groups", NULL, "RFC 2365"},
    {"225.0.0.0", "231.255.255.255", BLK_MULTICAST | BLK_RESERVED, "reserved", NULL, "RFC 5771"},
    {"232.0.0.0", "232.255.255.255", BLK_MULTICAST, "Source-Specific Multicast Block", NULL,
     "RFC 4607"},
    {"233.0.0.0", "233.251.255.255", BLK_MULTICAST, "GLOP Block", NULL, "RFC 3180"},
    {"233.252.0.0", "233.255.255.255", BLK_MULTICAST, "AD-HOC Block III", NULL, "RFC 5771"},
    {"234.0.0.0", "234.255.255.255", BLK_MULTICAST, "Unicast-Prefix-based Block", NULL, "RFC 6034"},
    {"235.0.0.0", "238.255.255.255", BLK_MULTICAST | BLK_RESERVED, "reserved", NULL, "IANA"},
    {"239.0.0.0", "239.191.255.255", BLK_MULTICAST, "expansion of the Organization-Local Scope",
     ADMIN, "RFC 2365"},
    {"239.192.0.0", "239.195.255.255", BLK_MULTICAST, "Organization-Local Scope", ADMIN,
     "RFC 2365"},
    {"239.196.0.0", "239.252.255.255", BLK_MULTICAST, "scope named by no RFC", ADMIN, "RFC 2365"},
    {"239.253.0.0", "239.254.255.255", BLK_MULTICAST, "expansion of the Local Scope", ADMIN,
     "RFC 2365"},
    {"239.255.0.0", "239.255.255.255", BLK_MULTICAST, "Local Scope", ADMIN, "RFC 2365"},
};
const size_t registry_nmcast_blocks = sizeof registry_mcast_blocks / sizeof registry_mcast_blocks[0];

/* Research section 6: the blocks where a policy's host, network or literal
 * address cannot be (which positions each forbids is check_addr.c's). The
 * most specific row comes last. */
const registry_block registry_special_blocks[] = {
    {"0.0.0.0", "0.255.255.255", BLK_THIS_NETWORK, "\"this network\" block 0.0.0.0/8", NULL,
     "RFC 1122"},
    {"127.0.0.0", "127.255.255.255", BLK_LOOPBACK, "loopback block 127.0.0.0/8", NULL, "RFC 1122"},
    {"240.0.0.0", "255.255.255.255", BLK_CLASS_E, "reserved block 240.0.0.0/4", NULL,
     "RFC 1112, the former class E"},
    {"255.255.255.255", "255.255.255.255", BLK_BROADCAST, "limited broadcast block 255.255.255.255/32", NULL,
     "RFC 919"},
    /* IPv6 (research section 6). fe80::/10 is a host's own link-local
     * address and a valid peer on one link (DHCPv6 and ND use it), and
     * 2001:db8::/32 is documentation like TEST-NET, which is not flagged:
     * both rows give no finding (check_addr.c). Multicast ff00::/8 is the
     * type check's for hosts and check_addr.c's for networks. */
    {"::", "::", BLK_THIS_NETWORK, "unspecified address ::/128", NULL, "RFC 4291"},
    {"::1", "::1", BLK_LOOPBACK, "loopback address ::1/128", NULL, "RFC 4291"},
    {"::ffff:0.0.0.0", "::ffff:255.255.255.255", BLK_MAPPED, "IPv4-mapped block ::ffff:0:0/96",
     NULL, "RFC 4291"},
    {"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", BLK_DOCUMENTATION,
     "documentation block 2001:db8::/32", NULL, "RFC 3849"},
    {"fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BLK_LINK_LOCAL,
     "link-local unicast block fe80::/10", NULL, "RFC 4291"},
};
const size_t registry_nspecial_blocks =
    sizeof registry_special_blocks / sizeof registry_special_blocks[0];

bool registry_block_v4(const registry_block *b, uint32_t *lo, uint32_t *hi)
{
    struct in_addr l, h;
    if (inet_pton(AF_INET, b->lo, &l) != 1 || inet_pton(AF_INET, b->hi, &h) != 1) return false;
    *lo = ntohl(l.s_addr);
    *hi = ntohl(h.s_addr);
    return true;
}

size_t registry_mcast_block4(uint32_t a)
{
    size_t lo = 0, hi = registry_nmcast_blocks;
    while (hi - lo > 1) {                   /* the last row whose start is <= a */
        size_t mid = lo + (hi - lo) / 2;
        uint32_t blo, bhi;
        if (registry_block_v4(&registry_mcast_blocks[mid], &blo, &bhi) && blo <= a) lo = mid;
        else hi = mid;
    }
    return lo;
}

const registry_block *registry_special_block4(uint32_t lo, uint32_t hi)
{
    const registry_block *best = NULL;
    for (size_t i = 0; i < registry_nspecial_blocks; i++) {
        uint32_t blo, bhi;
        const registry_block *b = &registry_special_blocks[i];
        if (registry_block_v4(b, &blo, &bhi) && lo >= blo && hi <= bhi) best = b;
    }
    return best;
}
