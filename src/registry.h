/* registry.h: what berth knows about the Internet's registries, compiled in.
 * The IANA port registry (Debian's libwireshark-data, turned into a C table
 * at build time by src/registry_ports.sh), the well-known multicast
 * protocols with their groups and ports, which of them many programs on one
 * host bind at once, the common names of registered protocols, and the
 * multicast and special-purpose address blocks.
 * Facts: ../shared/research/registries-ports-groups-addresses.md. */
#ifndef BERTH_REGISTRY_H
#define BERTH_REGISTRY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the IANA port registry (build/registry_ports.c) ---- */

/* Transport protocols of the registry, as a mask: one entry may list
 * several (`discard 9/tcp/udp/sctp/dccp`). Not ast.h's PROTO_*. */
enum { REG_TCP = 1, REG_UDP = 2, REG_SCTP = 4, REG_DCCP = 8 };

/* One line of the registry: a name, a port or range, its protocols. */
typedef struct {
    const char *name;
    uint16_t lo, hi;
    uint8_t protos;
} registry_port;

/* One port of one entry: the port index, sorted by port then entry. */
typedef struct {
    uint16_t port;
    uint16_t entry;
} registry_port_ref;

/* Sorted by lower-case name, then port: a name with several ports
 * (`http-alt` 591, 8008, 8080) is one run. */
extern const registry_port registry_ports[];
extern const size_t registry_nports;
extern const registry_port_ref registry_port_index[];
extern const size_t registry_nport_index;
/* "libwireshark-data VERSION" for berth --version. */
extern const char registry_ports_source[];

/* The entries of a name (case-insensitive): the first, and how many (0
 * when the registry does not have it). */
size_t registry_by_name(const char *name, const registry_port **first);
/* The entry that names port on proto (one REG_* bit), or NULL. Within one
 * protocol a port has one name; across protocols it may have two
 * (`ident` 113/tcp, `auth` 113/udp). */
const registry_port *registry_by_port(unsigned proto, unsigned port);

/* True when a port of lo-hi on proto (one REG_* bit) is registered under
 * a name that contains word, case-insensitively: `tacacs-ds` 65 for
 * "TACACS", `nntps` 563 for "NNTP". A variant of the protocol, not a
 * mismatch. Walks the index from lo: cost bounded by the entries there. */
bool registry_port_named_like(unsigned proto, unsigned lo, unsigned hi, const char *word);

/* A well-known protocol that many programs on one host bind by design,
 * each with SO_REUSEADDR/SO_REUSEPORT (mDNS, LLMNR, SSDP, WS-Discovery,
 * PTP): its name, or NULL when the port is not one of them. proto is
 * PROTO_TCP or PROTO_UDP (ast.h). */
const char *registry_shared_port(unsigned proto, unsigned port);

/* ---- common names of registered protocols ---- */

enum { REGISTRY_MAX_PORTS = 8 };

/* A port range on protocols (REG_* mask), with the registry name that
 * gives it (NULL: common practice adds it). */
typedef struct {
    uint8_t protos;
    uint16_t lo, hi;
    const char *name;
} registry_span;

/* What a word of a description names: the protocol as people write it
 * ("Syslog") and every port the registry (and common practice, where the
 * alias says so) gives it. */
typedef struct {
    const char *word;            /* as the alias table writes it */
    const char *names;           /* the registry names, space-separated */
    registry_span spans[REGISTRY_MAX_PORTS];
    int nspans;
} registry_protocol;

/* The protocol a word of a service's name or description names, or false.
 * in_name: the word comes from an identifier (all lower case by custom),
 * so aliases that are also English words only match in descriptions,
 * capitalised. A registry name matches only when it cannot be an English
 * word: at least 4 characters with a digit or an inner hyphen. */
bool registry_protocol_word(const char *word, size_t len, bool in_name,
                            registry_protocol *out);
/* True when the word after a protocol name says the service is about the
 * protocol rather than the protocol itself ("PTP logging", "DNS proxy"). */
bool registry_qualifier_word(const char *word, size_t len);

/* ---- well-known multicast protocols (research section 4) ---- */

enum { REGISTRY_MAX_GROUPS = 4 };

typedef struct {
    uint32_t lo, hi;
} registry_range4;

typedef struct {
    const char *name;            /* "mDNS" */
    registry_range4 v4[REGISTRY_MAX_GROUPS];
    int nv4;
    int relative;                /* offset below the top of a 239/8 scope, or -1 */
    const char *v6;              /* its IPv6 groups as text, for messages */
    uint8_t protos;              /* REG_UDP, or 0 for an IP protocol */
    uint16_t lo, hi;             /* its ports; 0 for an IP protocol */
    uint8_t ipproto;             /* the IP protocol number when protos is 0 */
} registry_mcast;

extern const registry_mcast registry_mcast_table[];
extern const size_t registry_nmcast;
/* True when the protocol uses group a. */
bool registry_mcast_has_group(const registry_mcast *p, uint32_t a);
/* The registered group nearest to a in text (one digit changed, added,
 * removed or two swapped), for "did you mean": writes it into buf and
 * returns its protocol, or NULL. */
enum { REGISTRY_ADDR_TEXT = 40 };
const registry_mcast *registry_group_typo(uint32_t a, char buf[REGISTRY_ADDR_TEXT]);

/* ---- address blocks (research sections 2 and 6) ---- */

/* Kinds of block, as flags. */
enum {
    BLK_LOCAL_CONTROL = 1,       /* multicast never forwarded off link */
    BLK_RESERVED = 2,            /* IANA reserved: applications must not use */
    BLK_THIS_NETWORK = 4,        /* 0/8: a source before an address exists */
    BLK_LOOPBACK = 8,            /* never on a wire */
    BLK_CLASS_E = 16,            /* 240/4: not usable */
    BLK_BROADCAST = 32,          /* 255.255.255.255: a destination only */
    BLK_MULTICAST = 64,          /* a multicast block */
    BLK_MAPPED = 128,            /* ::ffff:0:0/96: an IPv4 address in IPv6 APIs, never on a wire */
    BLK_LINK_LOCAL = 256,        /* fe80::/10: one link (a valid host address: no finding) */
    BLK_DOCUMENTATION = 512,     /* 2001:db8::/32: examples (like TEST-NET: no finding) */
};

/* One block: its addresses as text (IPv4 dotted quads, IPv6 in RFC 4291
 * form, so the tables grow without new code), its kind, its
 * name, the block it is part of (multicast scopes) and its reference. */
typedef struct {
    const char *lo, *hi;
    unsigned kind;
    const char *name;
    const char *part_of;         /* NULL for a top-level block */
    const char *ref;
} registry_block;

/* The multicast blocks: a sorted partition of 224.0.0.0/4, each scope of
 * 239/8 its own row (part_of "Administratively Scoped Block"). */
extern const registry_block registry_mcast_blocks[];
extern const size_t registry_nmcast_blocks;
/* The special-purpose unicast blocks that a host, network or literal
 * address in a policy must not be in (0/8, 127/8, 240/4, ::, ::1,
 * ::ffff:0:0/96, ...), and rows that are special but fine there (fe80::/10,
 * 2001:db8::/32). IPv4 rows first. */
extern const registry_block registry_special_blocks[];
extern const size_t registry_nspecial_blocks;

/* A block's bounds as IPv4 numbers: false for an IPv6 row. */
bool registry_block_v4(const registry_block *b, uint32_t *lo, uint32_t *hi);
/* The multicast block holding IPv4 group a (a in 224.0.0.0/4), by
 * binary search; its index in registry_mcast_blocks. */
size_t registry_mcast_block4(uint32_t a);
/* The most specific special-purpose block holding all of lo-hi, or NULL. */
const registry_block *registry_special_block4(uint32_t lo, uint32_t hi);

#endif
