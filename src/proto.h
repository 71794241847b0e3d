/* proto.h: the IP protocols a flow may name besides tcp and udp (icmp,
 * igmp, esp, vrrp, ...): one compiled table of names and numbers from
 * /etc/protocols (netbase 6.4) and the IANA protocol-numbers registry, so
 * no run-time file is read, and the one text of a row's protocol. */
#ifndef BERTH_PROTO_H
#define BERTH_PROTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    IPPROTO_NUM_ICMP = 1, IPPROTO_NUM_IGMP = 2, IPPROTO_NUM_TCP = 6,
    IPPROTO_NUM_UDP = 17, IPPROTO_NUM_ICMPV6 = 58,
    PROTO_MAX_NUMBER = 255,      /* the IP header's protocol field is one byte */
    ICMP_MAX_TYPE = 255,         /* the ICMP header's type field is one byte */
    PROTO_TEXT = 24,             /* "proto 255 type 255" and its NUL fit */
};

typedef struct {
    const char *name;            /* as berth spells it: lower case, icmpv6 not ipv6-icmp */
    uint8_t number;
    const char *title;           /* the registry's keyword, for documents: "VRRP" */
} ip_protocol;

/* The protocol of that name or number, or NULL when the table has none
 * (tcp and udp are keywords, not in the table). */
const ip_protocol *proto_by_name(const char *name);
const ip_protocol *proto_by_number(int number);
/* The closest protocol name (tcp and udp included) within a small edit
 * distance, or NULL: the "did you mean" of an unknown protocol. */
const char *proto_suggest(const char *name);
/* The number of sctp, dccp or udplite, protocols with ports berth does
 * not model, or -1 for any other name. */
int proto_ported(const char *name);
/* True for icmp and icmpv6, the protocols whose flows may list types. */
static inline bool proto_has_types(int number)
{
    return number == IPPROTO_NUM_ICMP || number == IPPROTO_NUM_ICMPV6;
}
/* The one text of an IP protocol number: its name, else "proto N". */
const char *proto_text(char buf[PROTO_TEXT], int number);
/* The same followed by " type T" when type is not -1: "icmp type 8". */
const char *proto_type_text(char buf[PROTO_TEXT], int number, int type);
/* The type whose IANA name is NAME, compared without case and with '_'
 * for ' ' ("echo_reply"), or -1; "echo_request" is ICMP's Echo too. */
int proto_icmp_type_by_name(bool v6, const char *name);
/* The IANA name of an ICMP (icmpv6: true) message type, or NULL. */
const char *proto_icmp_type_name(bool v6, int type);

#endif
