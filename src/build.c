/* build.c: AST constructors for the grammar actions (see build.h). Lists
 * are built by appending to the tail so source order is kept. */
#include "build.h"
#include "proto.h"
#include "model.h"
#include <stdio.h>
#include <string.h>

#define NEW(pc, T) ((T *)arena_alloc((pc)->mem, sizeof(T)))
/* Lists grow at the head while parsing (O(1) each) and are put back in
 * source order once, when their owner is built. */
#define PREPEND(list, item) do { (item)->next = (list); return (item); } while (0)
#define REVERSE(T, list) do {                            \
        T *prev_ = NULL, *cur_ = (list);                 \
        while (cur_) {                                   \
            T *next_ = cur_->next;                       \
            cur_->next = prev_;                          \
            prev_ = cur_;                                \
            cur_ = next_;                                \
        }                                                \
        (list) = prev_;                                  \
    } while (0)

void build_import(parse_ctx *pc, loc where, const char *path, loc path_loc)
{
    import_decl *i = NEW(pc, import_decl);
    i->where = where;
    i->path = path;
    i->path_loc = path_loc;
    *pc->imports_tail = i;
    pc->imports_tail = &i->next;
}

void build_add_system(parse_ctx *pc, system_decl *s)
{
    *pc->prog->systems_tail = s;
    pc->prog->systems_tail = &s->next;
}

void build_add_site(parse_ctx *pc, site_decl *s)
{
    *pc->prog->sites_tail = s;
    pc->prog->sites_tail = &s->next;
}

void build_add_waiver(parse_ctx *pc, waiver_decl *w)
{
    *pc->prog->waivers_tail = w;
    pc->prog->waivers_tail = &w->next;
}

/* Site waivers wait in the context until their site is built, then join
 * the program's one list of waivers with their site set. */
void build_site_waiver(parse_ctx *pc, waiver_decl *w)
{
    pc->site_waivers = arena_grow(pc->mem, pc->site_waivers, sizeof *pc->site_waivers,
                                  &pc->site_waivers_cap, pc->nsite_waivers + 1);
    pc->site_waivers[pc->nsite_waivers++] = w;
}

system_decl *build_system(parse_ctx *pc, loc where, const char *name, loc name_loc,
                          const char *desc, decl *decls)
{
    system_decl *s = NEW(pc, system_decl);
    s->where = where;
    s->name = name;
    s->name_loc = name_loc;
    s->desc = desc;
    REVERSE(decl, decls);
    s->decls = decls;
    for (decl *d = decls; d; d = d->next) d->system = s;
    return s;
}

decl *build_append_decl(decl *list, decl *d) { PREPEND(list, d); }

decl *build_decl(parse_ctx *pc, decl_kind kind, loc where, const char *name, loc name_loc,
                 const char *desc)
{
    decl *d = NEW(pc, decl);
    d->kind = kind;
    d->where = where;
    d->name = name;
    d->name_loc = name_loc;
    d->desc = desc;
    return d;
}

decl *build_role(parse_ctx *pc, loc where, const char *name, loc name_loc, const char *desc,
                 decl *props)
{
    decl *d = build_decl(pc, D_ROLE, where, name, name_loc, desc);
    if (props) {
        d->os = props->os;
        d->os_loc = props->os_loc;
    }
    return d;
}

static os_kind os_from_name(parse_ctx *pc, const char *os, loc os_loc)
{
    if (strcmp(os, "windows") == 0) return OS_WINDOWS;
    if (strcmp(os, "linux") == 0) return OS_LINUX;
    diag_report(pc->diags, SEV_ERROR, CK_UNKNOWN_NAME, os_loc,
                "unknown os '%s'; expected 'windows' or 'linux'", os);
    return OS_NONE;
}

static decl *props_or_new(parse_ctx *pc, decl *props)
{
    return props ? props : build_decl(pc, D_ROLE, (loc){0}, NULL, (loc){0}, NULL);
}

decl *build_role_os(parse_ctx *pc, decl *props, const char *os, loc os_loc)
{
    props = props_or_new(pc, props);
    props->os = os_from_name(pc, os, os_loc);
    props->os_loc = os_loc;
    return props;
}

static value_type type_from_name(parse_ctx *pc, const char *type, loc type_loc)
{
    static const struct { const char *name; value_type t; } types[] = {
        {"port", TY_PORT}, {"int", TY_INT}, {"addr", TY_ADDR}, {"group", TY_GROUP},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, type) == 0) return types[i].t;
    diag_report(pc->diags, SEV_ERROR, CK_UNKNOWN_NAME, type_loc,
                "unknown parameter type '%s'; expected port, int, addr or group", type);
    return TY_NONE;
}

decl *build_param(parse_ctx *pc, loc where, const char *name, loc name_loc, const char *type,
                  loc type_loc, expr *value, const char *desc)
{
    decl *d = build_decl(pc, D_PARAM, where, name, name_loc, desc);
    d->type = type ? type_from_name(pc, type, type_loc) : TY_NONE;
    d->type_loc = type_loc;
    d->value = value;
    return d;
}

decl *build_pool(parse_ctx *pc, loc where, const char *name, loc name_loc, expr *start,
                 expr *count, const char *desc)
{
    decl *d = build_decl(pc, D_POOL, where, name, name_loc, desc);
    d->value = start;
    d->count = count;
    return d;
}

decl *build_service(parse_ctx *pc, loc where, const char *name, loc name_loc,
                    const char *desc, ref alias, flow_decl *flows)
{
    decl *d = build_decl(pc, D_SERVICE, where, name, name_loc, desc);
    d->alias = alias;
    REVERSE(flow_decl, flows);
    d->flows = flows;
    for (flow_decl *f = flows; f; f = f->next) f->service = d;
    return d;
}

flow_decl *build_flow(parse_ctx *pc, loc where, unsigned protos, port_item *ports,
                      port_item *sports, endpoint *src, bool bidir, endpoint *dst,
                      scope *scopes, unsigned attrs)
{
    flow_decl *f = NEW(pc, flow_decl);
    REVERSE(port_item, ports);
    REVERSE(port_item, sports);
    REVERSE(endpoint, src);
    REVERSE(endpoint, dst);
    REVERSE(scope, scopes);
    f->where = where;
    f->protos = protos;
    f->ports = ports;
    f->sports = sports;
    f->src = src;
    f->dst = dst;
    f->bidir = bidir;
    f->scopes = scopes;
    f->local = attrs & FLOW_LOCAL;
    f->dynamic = attrs & FLOW_DYNAMIC;
    f->shared = attrs & FLOW_SHARED;
    return f;
}

flow_decl *build_append_flow(flow_decl *list, flow_decl *f) { PREPEND(list, f); }

flow_decl *build_ip_flow(parse_ctx *pc, loc where, flow_decl *proto, port_item *ports,
                         endpoint *src, bool bidir, endpoint *dst, scope *scopes,
                         unsigned attrs, loc attrs_loc)
{
    flow_decl *f = build_flow(pc, where, PROTO_IP, NULL, NULL, src, bidir, dst, scopes,
                              attrs & FLOW_LOCAL);
    f->ipproto = proto->ipproto;
    f->proto_loc = proto->proto_loc;
    f->types = proto->types;
    REVERSE(icmp_type_item, f->types);
    if (ports && f->ipproto >= 0) {
        char buf[PROTO_TEXT];
        const char *name = proto_text(buf, f->ipproto);
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, ports->where,
                    "%s has no ports; remove the port list%s", name,
                    proto_has_types(f->ipproto) ? " (ICMP messages are chosen by type: "
                                                  "`icmp type 8`)"
                                                : "");
        f->ipproto = -1;
    }
    /* dynamic and shared say how ports are bound: a protocol without ports has none. */
    if ((attrs & (FLOW_DYNAMIC | FLOW_SHARED)) && f->ipproto >= 0) {
        char buf[PROTO_TEXT];
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, attrs_loc,
                    "'%s' is about ports and %s has none; remove it",
                    attrs & FLOW_DYNAMIC ? "dynamic" : "shared", proto_text(buf, f->ipproto));
    }
    return f;
}

icmp_type_item *build_icmp_type_name(parse_ctx *pc, loc where, const char *name)
{
    icmp_type_item *t = NEW(pc, icmp_type_item);
    t->where = where;
    t->type = -1;
    t->name = name;
    return t;
}

icmp_type_item *build_append_icmp_type(icmp_type_item *list, icmp_type_item *t) { PREPEND(list, t); }

/* `icmp type echo`: types are numbers; the error names the number for the
 * flow's protocol. */
static void report_type_name(parse_ctx *pc, int ipproto, const icmp_type_item *t)
{
    int n = proto_icmp_type_by_name(ipproto == IPPROTO_NUM_ICMPV6, t->name);
    if (n >= 0)
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, t->where,
                    "ICMP types are numbers: write %d for '%s'", n, t->name);
    else
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, t->where,
                    "ICMP types are numbers 0-255, not '%s' (ICMP: 8 Echo, 0 Echo Reply, "
                    "3 Destination Unreachable, 11 Time Exceeded)", t->name);
}

/* tcp and udp have their own keywords; a name here is any other protocol. */
flow_decl *build_ipproto_name(parse_ctx *pc, loc name_loc, const char *name,
                              icmp_type_item *types)
{
    flow_decl *f = NEW(pc, flow_decl);
    const ip_protocol *p = proto_by_name(name);
    f->proto_loc = name_loc;
    f->types = types;
    f->ipproto = p ? p->number : -1;
    const char *sug = p ? NULL : proto_suggest(name);
    int ported = p ? -1 : proto_ported(name);
    if (ported >= 0)
        diag_report(pc->diags, SEV_ERROR, CK_UNKNOWN_NAME, name_loc,
                    "berth has no %s ports; `proto %d` admits all of %s", name, ported, name);
    else if (sug)
        diag_report(pc->diags, SEV_ERROR, CK_UNKNOWN_NAME, name_loc,
                    "unknown protocol '%s'; did you mean '%s'?", name, sug);
    else if (!p)
        diag_report(pc->diags, SEV_ERROR, CK_UNKNOWN_NAME, name_loc,
                    "unknown protocol '%s'; a flow starts with tcp, udp, an IP protocol "
                    "(icmp, icmpv6, igmp, esp, ah, gre, vrrp, ospf, pim, ...) or `proto N`",
                    name);
    else if (types && !proto_has_types(p->number)) {
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, types->where,
                    "%s has no message types; only icmp and icmpv6 take `type N`", p->name);
        f->ipproto = -1;
    }
    /* A flow with a bad type is left out, so it cannot pass for every type. */
    for (const icmp_type_item *t = types; t; t = t->next) {
        if (t->name && f->ipproto >= 0) report_type_name(pc, f->ipproto, t);
        if (t->type < 0) f->ipproto = -1;
    }
    return f;
}

flow_decl *build_ipproto_number(parse_ctx *pc, loc where, int64_t number, loc number_loc)
{
    flow_decl *f = NEW(pc, flow_decl);
    f->proto_loc = where;
    f->ipproto = (int)number;
    if (number > PROTO_MAX_NUMBER) {
        diag_report(pc->diags, SEV_ERROR, CK_PORT_RANGE, number_loc,
                    "IP protocol %lld is out of range 0-%d", (long long)number,
                    PROTO_MAX_NUMBER);
        f->ipproto = -1;
    } else if (number == IPPROTO_NUM_TCP || number == IPPROTO_NUM_UDP) {
        diag_report(pc->diags, SEV_ERROR, CK_SYNTAX, where,
                    "proto %lld is %s, which has ports; write `%s PORTS`", (long long)number,
                    number == IPPROTO_NUM_TCP ? "tcp" : "udp",
                    number == IPPROTO_NUM_TCP ? "tcp" : "udp");
        f->ipproto = -1;
    }
    return f;
}

icmp_type_item *build_icmp_type(parse_ctx *pc, loc where, int64_t type, icmp_type_item *list)
{
    icmp_type_item *t = NEW(pc, icmp_type_item);
    t->where = where;
    t->type = (int)type;
    if (type > ICMP_MAX_TYPE) {
        diag_report(pc->diags, SEV_ERROR, CK_PORT_RANGE, where,
                    "ICMP type %lld is out of range 0-%d", (long long)type, ICMP_MAX_TYPE);
        t->type = -1;
    }
    PREPEND(list, t);
}

port_item *build_port(parse_ctx *pc, loc where, expr *lo, expr *hi)
{
    port_item *p = NEW(pc, port_item);
    p->where = where;
    p->lo = lo;
    p->hi = hi;
    return p;
}

unsigned build_suffix(parse_ctx *pc, unsigned set, unsigned bit, const char *word, loc where)
{
    if (set & bit)
        parse_error(pc, where, "'%s' is written twice on this port", word);
    else if ((set & (PORT_SFX_EVEN | PORT_SFX_ODD)) && (bit & (PORT_SFX_EVEN | PORT_SFX_ODD))) {
        parse_error(pc, where, "a port range is either 'even' or 'odd', not both");
        return set;                  /* the first one stands */
    }
    else if ((bit == PORT_SFX_DYNAMIC && (set & PORT_SFX_UP)) ||
             (bit == PORT_SFX_UP && (set & PORT_SFX_DYNAMIC)))
        parse_error(pc, where, "'up' is already dynamic: write '%s' without 'dynamic'",
                    "N up");
    return set | bit;
}

unsigned build_flow_attr(parse_ctx *pc, unsigned set, unsigned bit, const char *word, loc where)
{
    if (set & bit) parse_error(pc, where, "'%s' is written twice on this flow", word);
    return set | bit;
}

/* `up` counts from one port; `even` and `odd` pick from a range (or from
 * an open-ended `N up`). */
port_item *build_port_suffixes(parse_ctx *pc, loc where, port_item *p, unsigned sfx,
                               loc sfx_loc)
{
    p->where = where;
    p->up = sfx & PORT_SFX_UP;
    p->dynamic = sfx & (PORT_SFX_DYNAMIC | PORT_SFX_UP);
    p->stride = sfx & PORT_SFX_EVEN ? STRIDE_EVEN : sfx & PORT_SFX_ODD ? STRIDE_ODD : STRIDE_ALL;
    /* A reported suffix is dropped, so later checks see the plain item. */
    if (p->up && p->hi) {
        parse_error(pc, sfx_loc, "'up' follows one port, as in '5960 up' (from 5960 to 65535); "
                    "a range already has its end");
        p->up = false;
        p->dynamic = sfx & PORT_SFX_DYNAMIC;
    } else if (p->stride && !p->hi && !p->up) {
        parse_error(pc, sfx_loc, "'%s' picks from a range, as in '5004-5100 %s'; one port "
                    "needs no stride", p->stride == STRIDE_EVEN ? "even" : "odd",
                    p->stride == STRIDE_EVEN ? "even" : "odd");
        p->stride = STRIDE_ALL;
    }
    return p;
}

port_item *build_port_ephemeral(parse_ctx *pc, loc where)
{
    port_item *p = build_port(pc, where, NULL, NULL);
    p->ephemeral = true;
    return p;
}

/* `16000-65536` is one token; give each number its own span so a
 * diagnostic can put the caret under 65536 alone. */
port_item *build_range_token(parse_ctx *pc, loc where, int64_t lo, int64_t hi, int lo_len)
{
    loc l = where, h = where;
    l.end = where.start + (uint32_t)lo_len - 1;
    h.start = where.start + (uint32_t)lo_len + 1;
    return build_port(pc, where, build_num(pc, l, lo), build_num(pc, h, hi));
}

port_item *build_append_port(port_item *list, port_item *p) { PREPEND(list, p); }

expr *build_num(parse_ctx *pc, loc where, int64_t v)
{
    expr *e = NEW(pc, expr);
    e->kind = EX_NUM;
    e->where = where;
    e->num = v;
    return e;
}

expr *build_addr(parse_ctx *pc, loc where, addr a, int prefix)
{
    expr *e = build_num(pc, where, 0);
    e->kind = EX_ADDR;
    e->a = a;
    e->prefix = prefix;
    return e;
}

expr *build_param_ref(parse_ctx *pc, loc where, const char *name)
{
    expr *e = NEW(pc, expr);
    e->kind = EX_PARAM;
    e->where = where;
    e->param = (ref){where, NULL, name};
    return e;
}

expr *build_binary(parse_ctx *pc, loc where, expr_kind op, expr *l, expr *r)
{
    int depth = (l->depth > r->depth ? l->depth : r->depth) + 1;
    if (depth > EXPR_MAX_DEPTH) {
        /* Keep every later walk shallow: report once, cut the tree here. */
        if (depth == EXPR_MAX_DEPTH + 1) {
            diag_report(pc->diags, SEV_ERROR, CK_LIMIT, where,
                        "expression too long (limit is %d operators deep)", EXPR_MAX_DEPTH);
            pc->errors++;
        }
        expr *cut = build_num(pc, where, 1);
        cut->depth = depth;
        return cut;
    }
    expr *e = NEW(pc, expr);
    e->depth = depth;
    e->kind = op;
    e->where = where;
    e->l = l;
    e->r = r;
    /* `49152 - 65535` as the seed prints it: remembered for a hint. */
    e->spaced_minus = op == EX_SUB && l->kind == EX_NUM && r->kind == EX_NUM;
    return e;
}

endpoint *build_endpoint_name(parse_ctx *pc, loc where, ref r)
{
    endpoint *e = build_endpoint(pc, where, EP_NAME, NULL, NULL);
    e->name = r;
    return e;
}

endpoint *build_endpoint(parse_ctx *pc, loc where, endpoint_kind kind, expr *lo, expr *hi)
{
    endpoint *e = NEW(pc, endpoint);
    e->kind = kind;
    e->where = where;
    e->lo = lo;
    e->hi = hi;
    return e;
}

endpoint *build_append_endpoint(endpoint *list, endpoint *e) { PREPEND(list, e); }

scope *build_scope(parse_ctx *pc, ref zone, bool optional)
{
    scope *s = NEW(pc, scope);
    s->zone = zone;
    s->optional = optional;
    return s;
}

scope *build_append_scope(scope *list, scope *s) { PREPEND(list, s); }

site_decl *build_site(parse_ctx *pc, loc where, const char *name, loc name_loc,
                      const char *desc, decl *decls)
{
    site_decl *s = NEW(pc, site_decl);
    s->where = where;
    s->name = name;
    s->name_loc = name_loc;
    s->desc = desc;
    REVERSE(decl, decls);
    s->decls = decls;
    for (size_t i = 0; i < pc->nsite_waivers; i++) {
        pc->site_waivers[i]->site = s;
        build_add_waiver(pc, pc->site_waivers[i]);
    }
    pc->nsite_waivers = 0;
    return s;
}

decl *build_network(parse_ctx *pc, loc where, ref zone, expr *subnet)
{
    decl *d = build_decl(pc, D_NETWORK, where, zone.name, zone.where, NULL);
    d->target = zone;
    d->value = subnet;
    return d;
}

decl *build_set(parse_ctx *pc, loc where, ref param, expr *value)
{
    decl *d = build_decl(pc, D_SET, where, param.name, param.where, NULL);
    d->target = param;
    d->value = value;
    return d;
}

decl *build_instance(parse_ctx *pc, loc where, const char *name, loc name_loc, ref system,
                     decl *sets)
{
    decl *d = build_decl(pc, D_INSTANCE, where, name, name_loc, NULL);
    REVERSE(decl, sets);
    d->target = system;
    d->sets = sets;
    return d;
}

/* A host address written with a prefix or as a group is an error. */
static void host_address(parse_ctx *pc, const char *name, const expr *e)
{
    char text[ADDR_TEXT];
    if (e->prefix < addr_bits(e->a)) {
        addr_text(text, e->a, e->a, e->prefix);
        diag_report(pc->diags, SEV_ERROR, CK_TYPE, e->where,
                    "host '%s' is given the network %s; a host takes one address, "
                    "without a prefix", name, text);
    } else if (addr_is_multicast(e->a)) {
        addr_str(text, e->a);
        diag_report(pc->diags, SEV_ERROR, CK_TYPE, e->where,
                    "host '%s' is given the multicast group %s; a host takes a unicast "
                    "address", name, text);
    }
}

decl *build_host(parse_ctx *pc, loc where, const char *name, loc name_loc, expr *a1,
                 expr *a2, decl *props)
{
    decl *d = props;
    d->kind = D_HOST;
    d->where = where;
    d->name = name;
    d->name_loc = name_loc;
    d->value = a1;
    host_address(pc, name, a1);
    if (a2) {
        host_address(pc, name, a2);
        if (a1->a.fam == a2->a.fam) {
            diag_report(pc->diags, SEV_ERROR, CK_TYPE, a2->where,
                        "host '%s' is given two %s addresses; a host takes at most one "
                        "address per family (write 'host %s 10.0.0.5, fd00::5 { ... }' for "
                        "a dual-stack host)", name, addr_is_v6(a1->a) ? "IPv6" : "IPv4", name);
        } else if (addr_is_v6(a1->a)) {        /* keep IPv4 first */
            d->value = a2;
            a2 = a1;
        }
        d->value2 = a2;
    }
    return d;
}

decl *build_host_props(parse_ctx *pc) { return props_or_new(pc, NULL); }

/* A statement a host takes once (`os`, `ephemeral`) written again. */
static void host_twice(parse_ctx *pc, const char *what, loc here, loc first)
{
    diag *d = diag_report(pc->diags, SEV_ERROR, CK_DUPLICATE_NAME, here,
                          "'%s' is given twice in this host", what);
    diag_add_note(pc->diags, d, first, "'%s' was first given here", what);
}

decl *build_host_os(parse_ctx *pc, decl *props, const char *os, loc os_loc)
{
    if (props->os_loc.src) {
        host_twice(pc, "os", os_loc, props->os_loc);
        return props;
    }
    return build_role_os(pc, props, os, os_loc);
}

/* The capacity arena_grow gave a list of n items grown only by it: the
 * decl keeps no capacity field, so it is derived the same way. */
static size_t grown_cap(size_t n)
{
    size_t cap = 0;
    if (n) for (cap = 8; cap < n; cap *= 2) {}
    return cap;
}

/* Each `runs` statement appends to the host's list; it grows by doubling
 * (copying the list per statement took 1.9 GiB for 10,000 statements). */
decl *build_host_runs(parse_ctx *pc, decl *props, ref_list *roles)
{
    size_t n = (size_t)props->nruns, cap = grown_cap(n);
    props->runs = arena_grow(pc->mem, props->runs, sizeof *props->runs, &cap, n + (size_t)roles->n);
    memcpy(props->runs + n, roles->items, (size_t)roles->n * sizeof *props->runs);
    props->nruns += roles->n;
    return props;
}

decl *build_host_ephemeral(parse_ctx *pc, decl *props, port_item *range)
{
    if (props->ephemeral) {
        host_twice(pc, "ephemeral", range->where, props->ephemeral->where);
        return props;
    }
    props->ephemeral = range;
    return props;
}

ref_list *build_ref_list(parse_ctx *pc, ref_list *list, ref r)
{
    if (!list) list = NEW(pc, ref_list);
    list->items = arena_grow(pc->mem, list->items, sizeof *list->items, &list->cap,
                             (size_t)list->n + 1);
    list->items[list->n++] = r;
    return list;
}

waiver_decl *build_waiver(parse_ctx *pc, loc where, const char *check, loc check_loc,
                          ref_list *services, ref host, const char *reason)
{
    waiver_decl *w = NEW(pc, waiver_decl);
    w->where = where;
    w->check = check;
    w->check_loc = check_loc;
    if (services) {
        w->services = services->items;
        w->nservices = services->n;
    }
    w->host = host;
    w->reason = reason;
    return w;
}
