/* checks.h: the registry of check ids. One row per check: its kebab-case id
 * (the same in output, -W flags, waivers and docs), default severity and
 * one-line summary. */
#ifndef BERTH_CHECKS_H
#define BERTH_CHECKS_H
#include <stdbool.h>

typedef enum { SEV_NOTE, SEV_WARNING, SEV_ERROR } severity;

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
    CK_CROSS_PROTOCOL,
    CK_EPHEMERAL_RANGE,
    CK_MULTICAST_COLLISION,
    CK_MULTICAST_SCOPE,
    CK_INCONSISTENT_REDECLARATION,
    CK_REDUNDANT_FLOW,
    CK_INSTANCE_DEFAULTS,
    CK_UNKNOWN_PEER,
    CK_COUNT
} check_id;

typedef struct {
    const char *id;
    severity sev;
    bool waivable;           /* front-end errors cannot be waived */
    const char *summary;
} check_info;

extern const check_info check_table[CK_COUNT];
/* -1 when no check has that id. */
int check_lookup(const char *id);

#endif
