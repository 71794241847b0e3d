/* check.h: the validator. Takes the elaborated model; gives findings in
 * the diagnostic sink, each with its check id, then applies waivers and
 * the user's -W flags. Every overlap-shaped check uses interval.h. */
#ifndef BERTH_CHECK_H
#define BERTH_CHECK_H
#include "model.h"

/* A port range a host binds: to listen, or as a fixed source range. */
typedef struct {
    const host *h;
    const flow_row *row;
    const decl *role;            /* the role of that host that binds */
    uint16_t lo, hi;
    uint8_t proto;
    bool source;
    bool dynamic;                /* picked at run time: a collision is may-collide */
    bool shared;                 /* co-bound by design: two shared ones never conflict */
    uint8_t stride;              /* port_stride of lo-hi */
    uint64_t owner;              /* one id per (instance, service, role) */
} binding;

/* Hosts that run the same (instance, role) list bind the same ports the
 * same way: only the first host of each such class has its bindings in v
 * (gathered and merged once for all of them, not once per host); rep[i]
 * is the host whose bindings stand for host i (itself if first). */
typedef struct {
    binding *v;
    size_t n;
    const host **rep;            /* per host index; NULL when v is empty */
} binding_table;

typedef struct {
    bool enabled[CK_COUNT];      /* -Wno-<id> clears */
    bool werror;
    bool no_waivers;
} check_options;

void check_options_default(check_options *o);
/* Run every enabled check, then waivers and severities. */
void check_program(model *m, const check_options *o);

/* An overlap of two bindings of one host that bind-conflict or
 * cross-protocol reports: a's owner sorts before b's; [lo, hi] is shared. */
typedef struct {
    const binding *a, *b;
    int64_t lo, hi;
    bool may;                    /* one side is dynamic: may-collide, not bind-conflict */
    uint8_t stride;              /* the shared ports are only the even or odd ones */
} bind_overlap;

typedef struct {
    bind_overlap *v;
    size_t n;
} overlap_list;

/* What the bind checks work from, made once by check_program and kept in
 * the model (model.binds) so the port maps read it instead of redoing it. */
struct bind_facts {
    binding_table t;
    overlap_list ov[2];          /* check_bind_overlaps: bind-conflict, cross-protocol */
};

/* check_bind.c */
binding_table check_bindings(model *m);
/* The host whose bindings in t are h's (t->rep; h when t is empty). */
const host *check_bindings_host(const binding_table *t, const host *h);
/* The overlaps behind bind-conflict (cross false: one protocol) or
 * cross-protocol (cross true), sorted by (host, owners, protocols, lo):
 * each run of one group is one finding. The port maps draw them. Ranges
 * where more than eight parties meet are left out: the checks report each
 * as one finding naming the parties (check_bind.c, crowds). Found once:
 * with report set, each group and crowd is also reported as a finding. */
overlap_list check_bind_overlaps(model *m, const binding_table *t, bool cross, bool report);
bool check_same_overlap_group(const bind_overlap *a, const bind_overlap *b);
void check_ephemeral(model *m, const binding_table *t);
/* check_mcast.c */
void check_multicast(model *m, const check_options *o);
/* check_registry.c: well-known-mismatch and well-known-group, when enabled. */
void check_registry(model *m, const check_options *o);
/* check_addr.c: invalid-address, when enabled. */
void check_addresses(model *m, const check_options *o);
/* check_flows.c */
void check_redeclaration(model *m);
/* inconsistent-redeclaration between an alias and its target (check_alias.c). */
void check_alias_drift(model *m);
void check_redundant(model *m);
void check_instance_defaults(model *m);
/* check_site.c: duplicate-address, idle-host, host-outside-networks,
 * overlapping-networks and unbound-zone, each when enabled in o. */
void check_site(model *m, const check_options *o);
/* waiver.c */
void check_apply_waivers(model *m, const check_options *o);
/* The allows and -W flags applied to findings of another sink (berth
 * audit), without reporting allows that match nothing there. */
void check_waive_other(model *m, diag_sink *s, const check_options *o);

/* Shared by the checks: "system.service", or "instance.service" for a
 * named instance. */
const char *check_service_name(const model *m, const flow_row *r);
const char *check_binding_name(const model *m, const binding *b);
/* "tcp" or "udp". */
const char *check_proto_name(int proto);
/* "80" or "9000-9020" into buf, which it returns. */
const char *check_range_text(char buf[32], int64_t lo, int64_t hi);
void check_tag(diag *d, const flow_row *a, const flow_row *b, const host *h);

#endif
