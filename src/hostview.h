/* hostview.h: what one host of a site must accept and may send. Takes the
 * checked model (read only) and a site; gives per host its rules, with
 * roles, zones and parameters resolved to addresses, and ports merged into
 * sorted, disjoint intervals per (direction, protocol, addresses, source
 * ports). The firewall templates, `flows --host` and its JSON read it. */
#ifndef BERTH_HOSTVIEW_H
#define BERTH_HOSTVIEW_H
#include "model.h"

typedef struct {
    addr lo, hi;                 /* one family */
} hv_addr;

/* A set of address ranges, sorted and merged; interned, so equal sets are
 * one object. n == 0 means any address. A set may hold both families
 * (IPv4 ranges first); each rule holds one (see hv_rule.fam). */
typedef struct {
    hv_addr *v;
    size_t n;
    size_t id;                   /* order of first use: a deterministic key */
    unsigned fams;               /* HV_V4 | HV_V6 of the ranges; 0 for any */
} hv_addrset;

enum { HV_V4 = 1, HV_V6 = 2 };

typedef struct {
    uint16_t lo, hi;
} hv_ports;

typedef struct {
    bool out;                    /* sent by the host; else accepted by it */
    bool multicast;              /* daddrs are multicast groups */
    uint8_t proto;
    uint8_t fam;                 /* ADDR_V4 or ADDR_V6: saddrs, daddrs and the host's
                                  * address are of this family; a flow with `any` on both
                                  * sides gives one rule per family the host has */
    const hv_addrset *saddrs, *daddrs;
    hv_ports *sports, *dports;   /* none: any port */
    size_t nsports, ndports;
    const flow_row **why;        /* one row per (instance, flow), in source order */
    size_t nwhy;
    const flow_row **svcs;       /* one row per (instance, service) */
    size_t nsvcs;
    const flow_row **rows;       /* every row behind the rule, by port (berth explain) */
    size_t nrows;
    uint8_t ipproto;             /* the IP protocol number (6 and 17 too) */
    int16_t icmp_type;           /* PROTO_IP icmp/icmpv6: the type; -1: every type */
    bool dynamic;                /* some of its ports are picked at run time */
    bool ephemeral;              /* some of its ports are an OS's ephemeral range */
} hv_rule;

typedef struct {
    const flow_row *first;       /* names the instance and service */
    hv_rule *rules;
    size_t nrules;
} hv_service;

typedef struct {
    const host *h;
    hv_rule *rules;
    size_t nrules;
    hv_service *services;
    size_t nservices;
    bool multicast;              /* some accepted rule is for a group */
} host_view;

typedef struct {
    bool unknown_peer_any;       /* -D unknown_peer=any */
    severity unknown_sev;        /* how an unresolved peer is reported */
    diag_sink *diags;            /* where: the run's sink, or a scratch one (explain) */
} hv_options;

/* The views of every host of the site, in declaration order. Returns false
 * when a peer resolved to nothing and unknown_sev is an error (reported). */
bool hostview_build(const model *m, const site_decl *site, const hv_options *o, host_view **out,
                    size_t *nout);
/* The unknown-peer check: warn about peers of the flows of sites that bind
 * networks which resolve to no address (gen fw refuses them), without
 * building views. */
void hostview_check_peers(model *m);

/* "10.0.10.0/24", "fd00::/64": the minimal CIDR blocks of one range, each
 * passed to fn. */
void hv_cidrs(hv_addr a, void (*fn)(void *ctx, const char *cidr), void *ctx);

/* A sink the view is walked into: JSON text, or Lua tables. Objects and
 * arrays nest; in an object every value is preceded by key(). */
typedef struct {
    void (*begin)(void *ctx, bool array);
    void (*end)(void *ctx, bool array);
    void (*key)(void *ctx, const char *k);
    void (*str)(void *ctx, const char *s);
    void (*num)(void *ctx, long long n);
    void (*boolean)(void *ctx, bool b);
} hv_sink;

typedef struct {
    const char *banner;
    const char *const *opt_keys, *const *opt_values;  /* -D KEY=VALUE */
    size_t nopts;
} hv_extra;

/* The view as documented in docs/templates.md. */
void hostview_walk(const model *m, const host_view *v, const hv_extra *x, const hv_sink *s,
                   void *ctx);

#endif
