/* proto.c: the compiled table of IP protocols without ports and of ICMP
 * message types. Names and numbers follow /etc/protocols (netbase 6.4),
 * which follows the IANA "Assigned Internet Protocol Numbers" registry;
 * berth writes icmpv6 where netbase writes ipv6-icmp, and ospf for ospfigp.
 * Protocols with ports of their own (sctp, dccp, udplite) are left out:
 * berth has no ports for them, so only `proto N` names them. */
#include <stdio.h>
#include <string.h>
#include "names.h"
#include "proto.h"

/* Sorted by number (proto_by_number relies on it). */
static const ip_protocol table[] = {
    {"icmp", 1, "ICMP"},        {"igmp", 2, "IGMP"},      {"ipencap", 4, "IP-ENCAP"},
    {"egp", 8, "EGP"},          {"ipv6", 41, "IPv6"},     {"rsvp", 46, "RSVP"},
    {"gre", 47, "GRE"},         {"esp", 50, "ESP"},       {"ah", 51, "AH"},
    {"icmpv6", 58, "ICMPv6"},   {"eigrp", 88, "EIGRP"},   {"ospf", 89, "OSPF"},
    {"ipip", 94, "IPIP"},       {"etherip", 97, "ETHERIP"}, {"pim", 103, "PIM"},
    {"ipcomp", 108, "IPComp"},  {"vrrp", 112, "VRRP"},    {"l2tp", 115, "L2TP"},
};
enum { NTABLE = sizeof table / sizeof table[0] };

const ip_protocol *proto_by_name(const char *name)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

const ip_protocol *proto_by_number(int number)
{
    size_t lo = 0, hi = NTABLE;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid].number < number) lo = mid + 1;
        else hi = mid;
    }
    return lo < NTABLE && table[lo].number == number ? &table[lo] : NULL;
}

int proto_ported(const char *name)
{
    static const struct { const char *name; int number; } ported[] = {
        {"dccp", 33}, {"sctp", 132}, {"udplite", 136},
    };
    for (size_t i = 0; i < sizeof ported / sizeof ported[0]; i++)
        if (strcmp(ported[i].name, name) == 0) return ported[i].number;
    return -1;
}

const char *proto_suggest(const char *name)
{
    size_t limit = strlen(name) / 3 + 1, best = limit + 1;
    const char *pick = NULL;
    static const char *const keywords[] = {"tcp", "udp"};
    for (size_t i = 0; i < 2 + NTABLE; i++) {
        const char *cand = i < 2 ? keywords[i] : table[i - 2].name;
        size_t d = names_distance(name, cand);
        if (d < best) {          /* first of equals wins: keywords, then by number */
            best = d;
            pick = cand;
        }
    }
    return pick;
}

const char *proto_text(char buf[PROTO_TEXT], int number)
{
    if (number == IPPROTO_NUM_TCP) return "tcp";
    if (number == IPPROTO_NUM_UDP) return "udp";
    const ip_protocol *p = proto_by_number(number);
    if (p) return p->name;
    snprintf(buf, PROTO_TEXT, "proto %d", number);
    return buf;
}

const char *proto_type_text(char buf[PROTO_TEXT], int number, int type)
{
    char name[PROTO_TEXT];
    const char *base = proto_text(name, number);
    if (type < 0) snprintf(buf, PROTO_TEXT, "%s", base);
    else snprintf(buf, PROTO_TEXT, "%.12s type %d", base, type & 0xff);
    return buf;
}

/* IANA "ICMP Type Numbers" and "ICMPv6 Parameters": the types a vendor
 * table names; others print as their number. */
static const struct { bool v6; uint8_t type; const char *name; } types[] = {
    {false, 0, "Echo Reply"}, {false, 3, "Destination Unreachable"},
    {false, 4, "Source Quench"}, {false, 5, "Redirect"}, {false, 8, "Echo"},
    {false, 9, "Router Advertisement"}, {false, 10, "Router Solicitation"},
    {false, 11, "Time Exceeded"}, {false, 12, "Parameter Problem"},
    {false, 13, "Timestamp"}, {false, 14, "Timestamp Reply"},
    {true, 1, "Destination Unreachable"}, {true, 2, "Packet Too Big"},
    {true, 3, "Time Exceeded"}, {true, 4, "Parameter Problem"},
    {true, 128, "Echo Request"}, {true, 129, "Echo Reply"},
    {true, 130, "Multicast Listener Query"}, {true, 131, "Multicast Listener Report"},
    {true, 132, "Multicast Listener Done"}, {true, 133, "Router Solicitation"},
    {true, 134, "Router Advertisement"}, {true, 135, "Neighbor Solicitation"},
    {true, 136, "Neighbor Advertisement"}, {true, 137, "Redirect Message"},
    {true, 143, "Version 2 Multicast Listener Report"},
};

static bool same_name(const char *iana, const char *name)
{
    for (; *iana && *name; iana++, name++) {
        char a = (char)(*iana == ' ' ? '_' : *iana), b = *name;
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return false;
    }
    return !*iana && !*name;
}

int proto_icmp_type_by_name(bool v6, const char *name)
{
    if (!v6 && same_name("Echo Request", name)) return 8;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].v6 == v6 && same_name(types[i].name, name)) return types[i].type;
    return -1;
}

const char *proto_icmp_type_name(bool v6, int type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].v6 == v6 && types[i].type == type) return types[i].name;
    return NULL;
}
