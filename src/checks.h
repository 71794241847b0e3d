/* checks.h: the registry of check ids. One row per check: its kebab-case id
 * (the same in output, -W flags, waivers and docs), default severity and
 * one-line summary. */
#ifndef BERTH_CHECKS_H
#define BERTH_CHECKS_H
#include <stdbool.h>

/* info: a fact worth knowing that needs no action (audit: a loopback-only
 * listener); note: something to look at. */
typedef enum { SEV_INFO, SEV_NOTE, SEV_WARNING, SEV_ERROR } severity;

typedef enum {
    CK_SYNTAX,
    CK_IMPORT,
    CK_LIMIT,
    CK_UNKNOWN_NAME,
    CK_DUPLICATE_NAME,
    CK_TYPE,
    CK_MISSING_PARAMETER,
    CK_OVERFLOW,
    CK_PORT_RANGE,
    CK_REVERSED_RANGE,
    CK_NOT_MULTICAST,
    CK_UNUSED_WAIVER,
    CK_BIND_CONFLICT,
    CK_MAY_COLLIDE,
    CK_CROSS_PROTOCOL,
    CK_EPHEMERAL_RANGE,
    CK_MULTICAST_COLLISION,
    CK_MULTICAST_SCOPE,
    CK_INCONSISTENT_REDECLARATION,
    CK_REDUNDANT_FLOW,
    CK_INSTANCE_DEFAULTS,
    CK_UNKNOWN_PEER,
    CK_DUPLICATE_ADDRESS,
    CK_IDLE_HOST,
    CK_HOST_OUTSIDE_NETWORKS,
    CK_OVERLAPPING_NETWORKS,
    CK_UNBOUND_ZONE,
    CK_UNCHECKED_FLOW,
    /* the registries (registry.h): well-known ports, groups, address blocks */
    CK_WELL_KNOWN_MISMATCH,
    CK_WELL_KNOWN_GROUP,
    CK_INVALID_ADDRESS,
    /* berth audit: the policy against the sockets of a running host */
    CK_SOCKET_INPUT,
    CK_UNDECLARED_LISTENER,
    CK_NOT_LISTENING,
    CK_LOOPBACK_LISTENER,
    CK_UNDECLARED_GROUP,
    CK_GROUP_NOT_JOINED,
    CK_COUNT
} check_id;

typedef struct {
    const char *id;
    severity sev;
    bool waivable;           /* front-end errors cannot be waived */
    const char *summary;
    bool audit_only;         /* found only by berth audit, never by check */
} check_info;

extern const check_info check_table[CK_COUNT];
/* "error", "warning", "note", "info": the one name of each severity. */
const char *severity_name(severity s);
/* -1 when no check has that id. */
int check_lookup(const char *id);

#endif
