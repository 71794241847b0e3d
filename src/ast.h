/* ast.h: the syntax tree the parser builds, one arena for all of it.
 * Every node carries its source span. Fields marked "resolved" are filled
 * by resolve.c; the parser leaves them NULL. */
#ifndef BERTH_AST_H
#define BERTH_AST_H
#include <stdbool.h>
#include <stdint.h>
#include "addr.h"
#include "arena.h"
#include "source.h"

typedef struct decl decl;
typedef struct system_decl system_decl;

/* A possibly qualified name: `name` or `qual.name`. */
typedef struct {
    loc where;
    const char *qual;            /* NULL when unqualified */
    const char *name;
} ref;

enum { EXPR_MAX_DEPTH = 256 };

typedef enum { EX_NUM, EX_ADDR, EX_PARAM, EX_ADD, EX_SUB, EX_MUL } expr_kind;

/* A tagged union: the kind says which arm holds (C11 anonymous members keep
 * `e->num`, `e->l` as they were). Walkers recurse only into expr_is_binary
 * nodes: in a leaf, l and r overlay its value. */
typedef struct expr {
    uint8_t kind;                /* expr_kind */
    bool spaced_minus;           /* EX_SUB of two literals: a range written `a - b`? */
    int depth;                   /* height of the tree below, bounded by EXPR_MAX_DEPTH */
    loc where;
    union {
        int64_t num;             /* EX_NUM */
        struct {                 /* EX_ADDR */
            addr a;
            int prefix;          /* the prefix length, the full width (32 or 128) when none written */
        };
        struct {                 /* EX_PARAM */
            ref param;
            decl *target;        /* resolved: the param or pool */
        };
        struct {                 /* EX_ADD, EX_SUB, EX_MUL */
            struct expr *l, *r;
        };
    };
} expr;

static inline bool expr_is_binary(const expr *e)
{
    return e->kind == EX_ADD || e->kind == EX_SUB || e->kind == EX_MUL;
}

/* How a port item picks its ports: all of them, or every other one. */
typedef enum { STRIDE_ALL, STRIDE_EVEN, STRIDE_ODD } port_stride;

/* One port or range: `80`, `9000-9020`, `$a .. $a + $n - 1`. hi is NULL for one port.
 * Suffixes: `5960 up` (open-ended: lo to 65535, picked upward at run time,
 * so dynamic), `16384-32767 dynamic`, `5004-5100 even`. The item
 * `ephemeral` (lo and hi NULL) is the OS ephemeral range of its host. */
typedef struct port_item {
    loc where;
    expr *lo, *hi;
    bool up, dynamic, ephemeral;
    port_stride stride;
    struct port_item *next;
} port_item;

/* Port item suffixes as the parser collects them (build_port_suffixes). */
enum { PORT_SFX_UP = 1, PORT_SFX_DYNAMIC = 2, PORT_SFX_EVEN = 4, PORT_SFX_ODD = 8 };
/* Flow attributes after the scopes: `local`, `dynamic`, `shared`. */
enum { FLOW_LOCAL = 1, FLOW_DYNAMIC = 2, FLOW_SHARED = 4 };

typedef enum { EP_NAME, EP_ANY, EP_ADDR, EP_GROUP } endpoint_kind;

typedef struct endpoint {
    endpoint_kind kind;
    loc where;
    ref name;                    /* EP_NAME */
    expr *lo, *hi;               /* EP_ADDR, EP_GROUP: address or group range */
    decl *target;                /* resolved: role or zone for EP_NAME */
    struct endpoint *next;
} endpoint;

typedef struct scope {
    ref zone;
    bool optional;
    decl *target;                /* resolved zone */
    struct scope *next;
} scope;

/* PROTO_IP: an IP protocol without ports (icmp, igmp, esp, `proto 112`);
 * its number is flow_decl.ipproto. Never combined with the other two. */
enum { PROTO_TCP = 1, PROTO_UDP = 2, PROTO_IP = 4 };

/* One ICMP type of `icmp type 8, 0`. */
typedef struct icmp_type_item {
    loc where;
    int type;                    /* -1: out of range, or a name (reported) */
    const char *name;            /* written as a name: an error once the protocol is known */
    struct icmp_type_item *next;
} icmp_type_item;

/* One per flow statement, so packed: the small fields share 8 bytes. */
typedef struct flow_decl {
    loc where;
    uint8_t protos;              /* PROTO_TCP | PROTO_UDP, or PROTO_IP alone */
    bool bidir, local;
    bool dynamic;                /* `dynamic`: every port of it is picked at run time */
    bool shared;                 /* `shared`: listeners that co-bind by design */
    int16_t ipproto;             /* PROTO_IP: the IP protocol number (0-255); -1 after an error */
    loc proto_loc;               /* PROTO_IP: the protocol as written */
    icmp_type_item *types;       /* PROTO_IP icmp/icmpv6: the types; NULL: every type */
    port_item *ports;            /* destination ports; NULL: any (only with sports) */
    port_item *sports;           /* fixed source ports (`from`), or NULL */
    endpoint *src, *dst;
    scope *scopes;
    decl *service;               /* resolved: the enclosing service */
    struct flow_decl *next;
} flow_decl;

typedef enum {
    D_ZONE, D_ROLE, D_PARAM, D_POOL, D_SERVICE,          /* in a system */
    D_NETWORK, D_SET, D_INSTANCE, D_HOST                  /* in a site */
} decl_kind;

typedef enum { OS_NONE, OS_WINDOWS, OS_LINUX } os_kind;
typedef enum { TY_NONE, TY_PORT, TY_INT, TY_ADDR, TY_GROUP } value_type;

struct decl {
    decl_kind kind;
    loc where;                   /* the whole declaration */
    loc name_loc;
    const char *name;
    const char *desc;            /* NULL when none */
    system_decl *system;         /* owning system (system decls) */
    /* D_ROLE, D_HOST */
    os_kind os;
    loc os_loc;
    /* D_PARAM (type, value = default), D_POOL (value = start, count), D_SET (value),
     * D_NETWORK (value = subnet), D_HOST (value = address, value2 = the address of
     * the other family of a dual-stack host or NULL, ephemeral) */
    value_type type;
    loc type_loc;
    expr *value, *count, *value2;
    port_item *ephemeral;
    flow_decl *flows;            /* D_SERVICE */
    ref alias;                   /* D_SERVICE `is SYSTEM.SERVICE`; alias.name NULL when none */
    decl *alias_of;              /* resolved: the service this one is the same software as */
    bool aliased;                /* resolved: another system's service is an alias of this one */
    ref target;                  /* D_SET: param; D_NETWORK: zone; D_INSTANCE: system */
    decl *sets;                  /* D_INSTANCE: its set statements */
    ref *runs;                   /* D_HOST: instance.role list */
    int nruns;
    int index;                   /* resolved: D_PARAM/D_POOL slot; D_SERVICE, D_ROLE number */
    bool port_use;               /* resolved: D_PARAM is a port of a network flow */
    struct instance *inst;       /* resolved: D_INSTANCE's instance */
    struct host *host;           /* resolved: D_HOST's host */
    decl *next;
};

struct names;
struct system_decl {
    loc where;
    loc name_loc;
    const char *name;
    const char *desc;
    decl *decls;
    struct names *scope;         /* resolved: every name declared in the system */
    int nparams;                 /* resolved: params and pools */
    system_decl *next;
};

typedef struct site_decl {
    loc where;
    loc name_loc;
    const char *name;
    const char *desc;
    decl *decls;
    struct names *scope;         /* resolved: instances and hosts */
    struct site_decl *next;
} site_decl;

typedef struct waiver_decl {
    loc where;
    const char *check;           /* as written */
    loc check_loc;
    ref *services;
    int nservices;
    ref host;                    /* host.name NULL when not given */
    const char *reason;
    struct site_decl *site;      /* NULL at top level */
    unsigned used;               /* findings it matched */
    unsigned order;              /* its place among all waivers, for the first match */
    bool invalid;                /* names in it did not resolve (already reported) */
    struct waiver_decl *next;
} waiver_decl;

typedef struct import_decl {
    loc where;
    const char *path;
    loc path_loc;
    struct import_decl *next;
} import_decl;

/* Everything parsed from all files, in source order. */
typedef struct {
    system_decl *systems, **systems_tail;
    site_decl *sites, **sites_tail;
    waiver_decl *waivers, **waivers_tail;
} program;

void program_init(program *p);

#endif
