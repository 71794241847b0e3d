/* registry.h: what berth knows about the Internet's registries, compiled in.
 * The IANA port registry (Debian's libwireshark-data, turned into a C table
 * at build time), the well-known multicast protocols with their groups and
 * ports, and which of them many programs on one host bind at once.
 * Facts: ../shared/research/registries-ports-groups-addresses.md. */
#ifndef BERTH_REGISTRY_H
#define BERTH_REGISTRY_H
#include <stdbool.h>

/* A well-known protocol that many programs on one host bind by design,
 * each with SO_REUSEADDR/SO_REUSEPORT (mDNS, LLMNR, SSDP, WS-Discovery,
 * PTP): its name, or NULL when the port is not one of them. proto is
 * PROTO_TCP or PROTO_UDP (ast.h). */
const char *registry_shared_port(unsigned proto, unsigned port);

#endif
