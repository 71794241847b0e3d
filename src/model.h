/* model.h: the resolved and elaborated policy that every checker and
 * emitter consumes: instances of systems with their parameter values,
 * hosts with the roles they run, and one flat, sorted table of flows.
 * Elaboration also freezes what it evaluated into a read-only view (per
 * instance its parameter values, per flow its rows, port values and
 * endpoint values): emitters read that through const pointers and never
 * evaluate an expression or scan the rows for a value. */
#ifndef BERTH_MODEL_H
#define BERTH_MODEL_H
#include <stdint.h>
#include "ast.h"
#include "diag.h"
#include "names.h"

typedef enum { V_NONE, V_INT, V_ADDR } value_kind;

/* An evaluated value: a number, an address, or a range of either (a pool). */
typedef struct {
    value_kind kind;
    int64_t lo, hi;              /* V_INT */
    addr alo, ahi;               /* V_ADDR */
    int prefix;                  /* V_ADDR */
    loc origin;                  /* the expression that produced it */
} value;

typedef struct param_value param_value;
typedef struct flow_view flow_view;

typedef struct instance {
    const char *name;
    system_decl *sys;
    site_decl *site;             /* NULL: the system's own defaults */
    decl *decl;                  /* D_INSTANCE, or NULL for a default instance */
    loc where;
    decl **sets;                 /* per param slot: the overriding `set`, or NULL */
    value *values;               /* per param slot, after evaluation (eval.c's own) */
    unsigned char *state;        /* per param slot: evaluation progress (eval.c's own) */
    int index;
    /* Frozen by elab_program; read-only afterwards. */
    const param_value *params;   /* per param slot (inst_param) */
    const struct instance *defaults;   /* the system-level instance of its system */
    const flow_view *flows;      /* per flow of the system, in source order */
    size_t nflows;
} instance;

typedef struct {
    instance *inst;
    decl *role;
    loc where;
} role_run;

typedef struct host {
    decl *decl;
    site_decl *site;
    addr addrs[2];               /* one per family, IPv4 first; naddrs of them */
    int naddrs;
    os_kind os;
    int eph_lo, eph_hi;          /* ephemeral range, 0 when unknown */
    role_run *runs;
    int nruns;
    int index;
} host;

typedef struct {
    instance *inst;
    decl *zone;
    addr addr;
    int prefix;
    loc where;
} network;

/* An evaluated endpoint of one flow row. */
typedef struct {
    endpoint_kind kind;          /* EP_NAME resolves to a role or zone */
    decl *target;
    addr lo, hi;                 /* EP_ADDR, EP_GROUP: one family */
    int prefix;                  /* lo/prefix when below the width, else lo-hi */
    const endpoint *ast;
} flow_end;

/* What a row's ports are, beyond their numbers (flow_row.flags). Each
 * has an S twin for the source ports. */
enum {
    ROW_DYNAMIC = 1 << 0,        /* picked at run time inside lo-hi: may collide */
    ROW_UP = 1 << 1,             /* `N up`: lo-65535, allocated upward (also dynamic) */
    ROW_EPHEMERAL = 1 << 2,      /* `ephemeral`: the OS's range; lo-hi as resolved here */
    ROW_SDYNAMIC = 1 << 3,
    ROW_SUP = 1 << 4,
    ROW_SEPHEMERAL = 1 << 5,
    ROW_SHARED = 1 << 6,         /* co-bound by design (`shared`, or the registry) */
    ROW_CLAMPED = 1 << 7,        /* a bound was out of range (reported) and is clamped */
};

/* One row of the flat flow table: one protocol, one destination range, one
 * source-port range, one source and one endpoint. A `<->` flow gives two rows.
 * An `even` or `odd` range keeps lo and hi of that parity. */
typedef struct {
    const flow_decl *decl;
    instance *inst;
    uint8_t proto;               /* PROTO_TCP, PROTO_UDP or PROTO_IP (no ports) */
    bool reverse;                /* the endpoint-to-source half of a `<->` */
    uint16_t lo, hi;             /* destination ports; 0-0: not constrained */
    uint16_t slo, shi;           /* source ports; 0-0: not constrained */
    flow_end src, dst;
    const port_item *port_ast, *sport_ast;
    uint8_t ipproto;             /* the IP protocol number: 6, 17, or PROTO_IP's */
    int16_t icmp_type;           /* icmp/icmpv6 rows: the type, -1 for every type */
    const icmp_type_item *type_ast;  /* the type as written, or NULL */
    uint8_t flags;               /* ROW_* */
    uint8_t stride, sstride;     /* port_stride of lo-hi and of slo-shi */
} flow_row;

/* ---- the frozen view (elab_program fills it once; nothing writes it after) ---- */

/* A parameter or pool of an instance: its value, if it has one. */
struct param_value {
    value v;
    bool ok;                     /* false: unset without default, or an error was reported */
    bool is_default;             /* the system's default instance has the same value */
};

/* A port item of a flow in an instance: its bounds as written and
 * evaluated, before the 1-65535 check (`N up`: hi is lo). */
typedef struct {
    int32_t lo, hi;              /* evaluation keeps numbers within +-2147483647 */
    bool ok;                     /* false: a parameter without value (or an error) */
} port_item_value;

/* An endpoint of a flow in an instance, as its rows carry it. */
typedef struct {
    flow_end v;
    bool ok;                     /* false: no value (the emitters print it as written) */
} end_value;

/* One flow of one instance: what elaboration found for it. */
struct flow_view {
    const flow_decl *decl;       /* its instance is the one whose flows hold it */
    uint32_t first, nrows;       /* its rows: model.flow_rows[first, first + nrows) */
    const port_item_value *ports, *sports;   /* per item of decl->ports, decl->sports */
    const end_value *src, *dst;  /* per endpoint of decl->src, decl->dst */
};

/* The value of a parameter or pool in an instance, or NULL: reads the
 * frozen view, never evaluates. */
static inline const value *inst_param(const instance *in, const decl *p)
{
    return in->params && in->params[p->index].ok ? &in->params[p->index].v : NULL;
}

/* Rows with ports: the port checks (bind, cross-protocol, ephemeral,
 * multicast ports) and the port tables consider only these. */
static inline bool row_has_ports(const flow_row *r) { return r->proto != PROTO_IP; }

enum {
    MODEL_MAX_ROWS = 4000000,    /* elaborated flow rows */
    MODEL_MAX_FLOW_ROWS = 65536, /* rows of one flow in one instance (docs/checks.md, limit) */
    MODEL_MAX_POOL = 65536,      /* values one pool may count through */
    MODEL_MAX_EVAL_DEPTH = 64,   /* parameters defined through parameters */
    MODEL_MAX_STRIDE = 4096,     /* ports of one even or odd range: firewalls list each */
};

/* The ephemeral range berth assumes where the OS is unknown: IANA's
 * dynamic ports (RFC 6335), which Windows also uses. */
enum { EPH_DEFAULT_LO = 49152, EPH_DEFAULT_HI = 65535 };

typedef struct {
    arena *mem;
    diag_sink *diags;
    program *prog;
    names systems, sites;
    instance **instances;
    size_t ninstances, instances_cap;
    host **hosts;
    size_t nhosts, hosts_cap;
    network *networks;
    size_t nnetworks, networks_cap;
    flow_row *rows;
    size_t nrows, rows_cap;
    const uint32_t *flow_rows;   /* frozen: indices into rows, grouped by flow_view, each
                                  * flow's ascending (flow_view.first, .nrows) */
    int nservices;
    int nroles;
    bool rows_capped;
    int eval_depth;
    const struct bind_facts *binds;   /* check_program's bindings and overlaps (check.h),
                                       * read by the port maps; NULL before checking */
} model;

/* The ephemeral range an OS gives outgoing connections; false for OS_NONE. */
bool os_ephemeral(os_kind os, int *lo, int *hi);

void model_init(model *m, arena *mem, diag_sink *diags, program *prog);
/* Name resolution: every ref gets its target or an error. */
void resolve_program(model *m);
/* Evaluate parameters per instance, build the sorted flow table and
 * freeze the view (instance.params, instance.flows, model.flow_rows). */
void elab_program(model *m);
/* Evaluate one expression in an instance; false (reported) on errors or
 * when a parameter without default is unset at system level (unreported).
 * For elaboration and the checks; emitters read the frozen view instead. */
bool eval_expr(model *m, instance *inst, const expr *e, value *out);
bool eval_param(model *m, instance *inst, decl *param, loc use, value *out);
/* The instance's parameter values as evaluated so far, per param slot
 * (is_default left false): elab_program's freeze. */
param_value *eval_freeze(model *m, const instance *inst);

/* The software a service describes: its alias target, or itself. */
static inline const decl *service_software(const decl *svc)
{
    return svc->alias_of ? svc->alias_of : svc;
}

/* A host's addresses as text: "10.0.0.5" or "10.0.0.5, fd00::5". */
const char *host_addr_text(char buf[2 * ADDR_TEXT], const host *h);
/* Whether a is one of h's addresses. */
bool host_has_addr(const host *h, addr a);

enum { PORT_TEXT = 48 };
/* The one port-item formatter, in the language's words: "any", "80",
 * "9000-9020", "5004-5100 even", "16384-32767 dynamic", "5960 up",
 * "ephemeral 49152-65535". up, dyn and eph are the row's ROW_UP,
 * ROW_DYNAMIC and ROW_EPHEMERAL (or their S twins) as booleans. */
const char *port_text(char buf[PORT_TEXT], unsigned lo, unsigned hi, int stride, bool up,
                      bool dyn, bool eph);
/* The destination or source ports of a row, through port_text. */
const char *row_port_text(char buf[PORT_TEXT], const flow_row *r, bool source);
/* Does the range of that stride hold port p? */
static inline bool stride_has(int stride, unsigned p)
{
    return stride == STRIDE_ALL || (p & 1) == (stride == STRIDE_ODD);
}
/* Ports of lo-hi with that stride. */
static inline unsigned stride_count(unsigned lo, unsigned hi, int stride)
{
    return stride == STRIDE_ALL ? hi - lo + 1 : (hi - lo) / 2 + 1;
}

#endif
