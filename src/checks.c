/* checks.c: the table behind checks.h. Adding a check means one row here,
 * one section in docs/checks.md and a triggering and a clean test. */
#include "checks.h"
#include <string.h>

const check_info check_table[CK_COUNT] = {
    [CK_SYNTAX] = {"syntax", SEV_ERROR, false,
        "the text is not valid berth: bad tokens, numbers, addresses or grammar"},
    [CK_IMPORT] = {"import", SEV_ERROR, false,
        "an import that cannot be read, leaves the policy root or forms a cycle"},
    [CK_LIMIT] = {"limit", SEV_ERROR, false,
        "a fixed limit is exceeded (nesting, errors, expansion size)"},
    [CK_UNKNOWN_NAME] = {"unknown-name", SEV_ERROR, false,
        "a name, parameter or check id that is not declared"},
    [CK_DUPLICATE_NAME] = {"duplicate-name", SEV_ERROR, false,
        "a name declared twice in one scope"},
    [CK_TYPE] = {"type", SEV_ERROR, false,
        "a value of the wrong kind (an address where a port is expected, ...)"},
    [CK_MISSING_PARAMETER] = {"missing-parameter", SEV_ERROR, false,
        "a parameter without default that a site deploying its system does not set"},
    [CK_OVERFLOW] = {"overflow", SEV_ERROR, false,
        "integer arithmetic on parameters overflows"},
    [CK_PORT_RANGE] = {"port-range", SEV_ERROR, false,
        "a port outside 1-65535 (port 0 included)"},
    [CK_REVERSED_RANGE] = {"reversed-range", SEV_ERROR, false,
        "a range whose first value is above its last"},
    [CK_NOT_MULTICAST] = {"not-multicast", SEV_ERROR, false,
        "an address that is not in 224.0.0.0/4 where a multicast group is required"},
    [CK_UNUSED_WAIVER] = {"unused-waiver", SEV_WARNING, false,
        "an allow that matches no finding"},
    [CK_BIND_CONFLICT] = {"bind-conflict", SEV_ERROR, true,
        "two different services or instances bind overlapping fixed ports of one protocol on "
        "one host, to listen or as a fixed source range (one service binding a port through "
        "two roles of a host is one socket; shared ports co-bind)"},
    [CK_MAY_COLLIDE] = {"may-collide", SEV_WARNING, true,
        "a bind conflict where one side is dynamic (picked at run time, `dynamic` or `N up`): "
        "the two may collide"},
    [CK_CROSS_PROTOCOL] = {"cross-protocol", SEV_WARNING, true,
        "the same port numbers bound under TCP by one product and UDP by another on one host"},
    [CK_EPHEMERAL_RANGE] = {"ephemeral-range", SEV_WARNING, true,
        "a listening port inside the host OS's ephemeral (dynamic) port range"},
    [CK_MULTICAST_COLLISION] = {"multicast-collision", SEV_WARNING, true,
        "two systems using the same multicast group (or overlapping group ranges) and port"},
    [CK_MULTICAST_SCOPE] = {"multicast-scope", SEV_WARNING, true,
        "a multicast group used where it cannot work: link-local groups across zones, "
        "reserved blocks (RFC 5771), a range across blocks or taking in the local control "
        "block, TCP to a group, a group as a source"},
    [CK_INCONSISTENT_REDECLARATION] = {"inconsistent-redeclaration", SEV_WARNING, true,
        "one set of ports described twice with different ranges: in a system, or by an alias and its target"},
    [CK_REDUNDANT_FLOW] = {"redundant-flow", SEV_WARNING, true,
        "a flow that other flows of the same sides already cover, alone or together"},
    [CK_INSTANCE_DEFAULTS] = {"instance-defaults", SEV_ERROR, true,
        "two instances of one system on one network or host keeping the same port values"},
    [CK_UNKNOWN_PEER] = {"unknown-peer", SEV_WARNING, true,
        "a peer of a deployed flow that resolves to no address: no host runs the role and "
        "its zone is bound to no network, so gen fw cannot write the rule"},
    [CK_DUPLICATE_ADDRESS] = {"duplicate-address", SEV_ERROR, true,
        "two hosts of one site with the same address"},
    [CK_IDLE_HOST] = {"idle-host", SEV_WARNING, true,
        "a host that runs no role, so gen fw writes it a firewall that opens nothing"},
    [CK_HOST_OUTSIDE_NETWORKS] = {"host-outside-networks", SEV_WARNING, true,
        "a host whose address is in no network bound in its site, while the site binds networks"},
    [CK_OVERLAPPING_NETWORKS] = {"overlapping-networks", SEV_WARNING, true,
        "two networks bound in one site whose subnets overlap without being the same subnet"},
    [CK_UNCHECKED_FLOW] = {"unchecked-flow", SEV_NOTE, true,
        "a flow that cannot be checked for want of a value: a parameter without default that "
        "nothing sets"},
    [CK_UNBOUND_ZONE] = {"unbound-zone", SEV_NOTE, true,
        "a zone that a flow of the site needs, in a site that binds networks but none to it"},
    [CK_WELL_KNOWN_MISMATCH] = {"well-known-mismatch", SEV_WARNING, true,
        "a service whose name or description names a registered protocol (Syslog, SNMP, NTP, "
        "DNS, ...) on none of the ports or transports the IANA registry gives it"},
    [CK_WELL_KNOWN_GROUP] = {"well-known-group", SEV_WARNING, true,
        "a registered multicast group (mDNS, SSDP, PTP, ...) used with a port that is not its "
        "protocol's, or that protocol's port used with another group"},
    [CK_INVALID_ADDRESS] = {"invalid-address", SEV_ERROR, true,
        "a host, network or literal address no host can have there: 0.0.0.0/8, 127.0.0.0/8 "
        "outside local flows, 240.0.0.0/4 (255.255.255.255 only as a destination); :: (a "
        "source only), ::1 outside local flows, ::ffff:0:0/96; a multicast network"},
    [CK_SOCKET_INPUT] = {"socket-input", SEV_ERROR, false,
        "audit: a line of the --sockets file that is neither `ss -lntuH` nor `netstat -ano` output", true},
    [CK_UNDECLARED_LISTENER] = {"undeclared-listener", SEV_ERROR, true,
        "audit: a socket listens on the network on a port the policy does not declare for "
        "that host", true},
    [CK_NOT_LISTENING] = {"not-listening", SEV_NOTE, true,
        "audit: a port the policy declares the host listens on, where nothing listens", true},
    [CK_LOOPBACK_LISTENER] = {"loopback-listener", SEV_INFO, true,
        "audit: a socket bound to loopback only, which the network cannot reach", true},
    [CK_UNDECLARED_GROUP] = {"undeclared-group", SEV_WARNING, true,
        "audit: the host joined a multicast group that the policy does not declare for it", true},
    [CK_GROUP_NOT_JOINED] = {"group-not-joined", SEV_NOTE, true,
        "audit: a group the policy says the host receives, which it has not joined", true},
};

const char *severity_name(severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : s == SEV_NOTE ? "note"
                                                                                   : "info";
}

int check_lookup(const char *id)
{
    for (int i = 0; i < CK_COUNT; i++)
        if (check_table[i].id && strcmp(check_table[i].id, id) == 0) return i;
    return -1;
}
