/* check_bind.c: what each host binds, and the four checks over it:
 * bind-conflict, may-collide (one side dynamic), cross-protocol and
 * ephemeral-range. The OS's ephemeral ports are never bound: the OS hands
 * out a free one. Takes the site rows
 * of the flow table; gives findings naming both services, the host and the
 * shared ranges. Each runs one sweep (interval.c), never a pairwise loop. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "interval.h"
#include "runs.h"
#include "xalloc.h"

/* Who binds: one role of one service of one instance. Two owners on a
 * host are two sockets; one owner naming a port twice is one. The fields'
 * widths are checked in check_bindings(). */
static uint64_t owner_id(const flow_row *r, const decl *role)
{
    return (uint64_t)r->inst->index << 42 | (uint64_t)r->decl->service->index << 21 |
           (uint64_t)role->index;
}

enum { ANY_ROLE = (1 << 21) - 1 };   /* the role field of a software owner */

/* Software that another system embeds (`service dante is dante.audio_control`)
 * is one owner per instance whatever role or system describes it: on a host
 * running both, the alias's and the target's ports are one listener. The
 * alias joins the target's instance the host runs, if any. */
static uint64_t host_owner(const flow_row *r, const decl *role, const host *h)
{
    const decl *svc = r->decl->service;
    if (svc->aliased)
        return (uint64_t)r->inst->index << 42 | (uint64_t)svc->index << 21 | ANY_ROLE;
    const instance *in = svc->alias_of ? runs_instance_of(h, svc->alias_of->system) : NULL;
    if (!in) return owner_id(r, role);
    return (uint64_t)in->index << 42 | (uint64_t)svc->alias_of->index << 21 | ANY_ROLE;
}

static void add_binding(model *m, binding_table *t, size_t *cap, binding b)
{
    t->v = arena_grow(m->mem, t->v, sizeof *t->v, cap, t->n + 1);
    t->v[t->n++] = b;
}

static void bind_hosts_of(model *m, binding_table *t, size_t *cap, const run_index *ix,
                          const flow_row *r, const decl *role, int inst, uint16_t lo,
                          uint16_t hi, bool source)
{
    size_t first, n = runs_hosts(ix, inst, role, &first);
    bool dyn = r->flags & (source ? ROW_SDYNAMIC : ROW_DYNAMIC);
    for (size_t k = 0; k < n; k++)
        add_binding(m, t, cap, (binding){ix->v[first + k].h, r, role, lo, hi, r->proto, source,
                                         dyn, !source && (r->flags & ROW_SHARED),
                                         source ? r->sstride : r->stride,
                                         host_owner(r, role, ix->v[first + k].h)});
}

/* A role of the flow's own system binds on the hosts running it in this
 * instance; another system's role (`igloo.tablet` in a Dante flow) on the
 * hosts running it in any instance of that system in the same site. */
static void bind_side(model *m, binding_table *t, size_t *cap, const run_index *ix,
                      const flow_row *r, const flow_end *e, uint16_t lo, uint16_t hi,
                      bool source)
{
    if (lo == 0 || e->kind != EP_NAME || e->target->kind != D_ROLE) return;
    if (e->target->system == r->inst->sys) {
        bind_hosts_of(m, t, cap, ix, r, e->target, r->inst->index, lo, hi, source);
        return;
    }
    for (size_t i = 0; i < m->ninstances; i++) {
        const instance *in = m->instances[i];
        if (in->site == r->inst->site && in->sys == e->target->system)
            bind_hosts_of(m, t, cap, ix, r, e->target, in->index, lo, hi, source);
    }
}

binding_table check_bindings(model *m)
{
    binding_table t = {NULL, 0};
    size_t cap = 0;
    if (m->ninstances >= (1u << 22) || m->nservices >= (1 << 21) || m->nroles >= ANY_ROLE) {
        diag_report(m->diags, SEV_ERROR, CK_LIMIT, (loc){0},
                    "too many instances, services or roles for the bind checks "
                    "(limits 4194303, 2097151, 2097150)");
        return t;
    }
    run_index ix = runs_index(m);
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (!r->inst->site) continue;
        if (!(r->flags & ROW_EPHEMERAL))
            bind_side(m, &t, &cap, &ix, r, &r->dst, r->lo, r->hi, false);
        if (!(r->flags & ROW_SEPHEMERAL))
            bind_side(m, &t, &cap, &ix, r, &r->src, r->slo, r->shi, true);
    }
    return t;
}

/* ---- shared helpers ---- */

const char *check_service_name(const model *m, const flow_row *r)
{
    const char *owner = r->inst->decl ? r->inst->name : r->inst->sys->name;
    size_t n = strlen(owner) + strlen(r->decl->service->name) + 2;
    char *s = arena_alloc(m->mem, n);
    snprintf(s, n, "%s.%s", owner, r->decl->service->name);
    return s;
}

/* The listener a binding belongs to: its service, or for an alias joined
 * to its target on the host (a software owner), the target's. */
const char *check_binding_name(model *m, const binding *b)
{
    const decl *svc = b->row->decl->service;
    if (!svc->alias_of || (b->owner & ANY_ROLE) != ANY_ROLE) return check_service_name(m, b->row);
    const instance *in = m->instances[b->owner >> 42];
    const char *owner = in->decl ? in->name : in->sys->name;
    size_t n = strlen(owner) + strlen(svc->alias_of->name) + 2;
    char *s = arena_alloc(m->mem, n);
    snprintf(s, n, "%s.%s", owner, svc->alias_of->name);
    return s;
}

void check_tag(diag *d, const flow_row *a, const flow_row *b, const host *h)
{
    d->svc[0] = a ? a->decl->service : NULL;
    d->svc_inst[0] = a ? a->inst->name : NULL;
    d->svc[1] = b ? b->decl->service : NULL;
    d->svc_inst[1] = b ? b->inst->name : NULL;
    d->host = h ? h->decl : NULL;
    d->site = a && a->inst->site ? a->inst->site : h ? h->site : NULL;
}

const char *check_proto_name(int p) { return p == PROTO_TCP ? "tcp" : "udp"; }

static uint64_t owner(const binding *b) { return b->owner; }

const char *check_range_text(char buf[32], int64_t lo, int64_t hi)
{
    if (lo == hi) snprintf(buf, 32, "%lld", (long long)lo);
    else snprintf(buf, 32, "%lld-%lld", (long long)lo, (long long)hi);
    return buf;
}

/* How a binding binds, beyond its range: ranges merge only when it is equal. */
static unsigned bind_attrs(const binding *b)
{
    return (unsigned)b->dynamic | (unsigned)b->shared << 1 | (unsigned)b->stride << 2;
}

/* One binding's place in the merge: host and protocol, owner, range. */
typedef struct {
    uint64_t key, owner;
    unsigned attrs;
    int64_t lo, hi;
    size_t item;
} owned;

static int owned_cmp(const void *pa, const void *pb)
{
    const owned *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->owner != b->owner) return a->owner < b->owner ? -1 : 1;
    if (a->attrs != b->attrs) return a->attrs < b->attrs ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

/* Merge each owner's ranges per (host, proto) so an owner never pairs with
 * itself and overlapping rows of one owner count once. Gives the merged
 * intervals keyed by (host, proto), or by host alone, with item = the
 * owner's first binding. */
static size_t merged_by_owner(const binding_table *t, interval *out, bool listen_only,
                              bool key_proto)
{
    owned *v = xmalloc_array(t->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (listen_only && t->v[i].source) continue;
        uint64_t key = (uint64_t)t->v[i].h->index << 2 | t->v[i].proto;
        v[n++] = (owned){key, owner(&t->v[i]), bind_attrs(&t->v[i]), t->v[i].lo, t->v[i].hi, i};
    }
    if (n > 1) qsort(v, n, sizeof *v, owned_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        /* A stride range touches the next one only two ports on. */
        int64_t gap = t->v[v[i].item].stride ? 2 : 1;
        if (w && v[w - 1].key == v[i].key && v[w - 1].owner == v[i].owner &&
            v[w - 1].attrs == v[i].attrs && v[i].lo <= v[w - 1].hi + gap) {
            if (v[i].hi > v[w - 1].hi) v[w - 1].hi = v[i].hi;
            /* One listener described by an alias and its target is shown
             * (and waived) under the target's name. */
            if (t->v[v[w - 1].item].row->decl->service->alias_of &&
                !t->v[v[i].item].row->decl->service->alias_of)
                v[w - 1].item = v[i].item;
            continue;
        }
        v[w++] = v[i];
    }
    for (size_t i = 0; i < w; i++)
        out[i] = (interval){key_proto ? v[i].key : v[i].key >> 2, v[i].lo, v[i].hi, v[i].item,
                            t->v[v[i].item].stride};
    free(v);
    return w;
}

/* ---- collecting pairs, grouped per (host, owner pair, protos) ---- */

typedef bind_overlap pair;

typedef struct {
    const binding_table *t;
    pair *v;
    size_t n, cap;
    arena *mem;
    bool cross;                  /* keep pairs of different protocols only */
} pair_ctx;

static int collect(void *ctx, const interval *ia, const interval *ib, int64_t lo, int64_t hi)
{
    pair_ctx *c = ctx;
    const binding *a = &c->t->v[ia->item], *b = &c->t->v[ib->item];
    /* One instance is one program: its one service binding a port through
     * two roles of a host (`tcp 22 jump -> web, syslog`) is one socket, and
     * two of its services on one role describe that same socket. Two
     * services on two roles (Gateway and Virtual Matrix), or two
     * instances, are two sockets. */
    const flow_row *ra = a->row, *rb = b->row;
    if (ra->inst == rb->inst && (a->role == b->role || ra->decl->service == rb->decl->service))
        return 0;
    if (owner(a) == owner(b)) return 0;          /* an alias and its target: one software */
    if (c->cross && a->proto == b->proto) return 0;
    if (!c->cross && a->shared && b->shared) return 0;   /* SO_REUSEADDR by design */
    if (owner(a) > owner(b) || (owner(a) == owner(b) && a->proto > b->proto)) {
        const binding *x = a;
        a = b;
        b = x;
    }
    c->v = arena_grow(c->mem, c->v, sizeof *c->v, &c->cap, c->n + 1);
    uint8_t stride = a->stride ? a->stride : b->stride;
    c->v[c->n++] = (pair){a, b, lo, hi, a->dynamic || b->dynamic, stride};
    return 0;
}

static int pair_cmp(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    if (a->a->h->index != b->a->h->index) return a->a->h->index < b->a->h->index ? -1 : 1;
    if (a->may != b->may) return a->may ? 1 : -1;
    if (owner(a->a) != owner(b->a)) return owner(a->a) < owner(b->a) ? -1 : 1;
    if (owner(a->b) != owner(b->b)) return owner(a->b) < owner(b->b) ? -1 : 1;
    if (a->a->proto != b->a->proto) return a->a->proto < b->a->proto ? -1 : 1;
    if (a->b->proto != b->b->proto) return a->b->proto < b->b->proto ? -1 : 1;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

static bool same_group(const pair *a, const pair *b)
{
    return a->a->h == b->a->h && a->may == b->may && owner(a->a) == owner(b->a) &&
           owner(a->b) == owner(b->b) &&
           a->a->proto == b->a->proto && a->b->proto == b->b->proto;
}

enum { MAX_RANGES_SHOWN = 8 };

/* "16000" or "8700-8706, 8751, 8800" for a group of pairs. */
static const char *ranges_text(arena *mem, const pair *v, size_t n)
{
    char buf[256];
    size_t len = 0;
    char r[32];
    for (size_t i = 0; i < n && i < MAX_RANGES_SHOWN; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s%s", i ? ", " : "",
                                check_range_text(r, v[i].lo, v[i].hi),
                                v[i].lo == v[i].hi ? "" : v[i].stride == STRIDE_EVEN ? " even"
                                : v[i].stride == STRIDE_ODD ? " odd" : "");
    if (n > MAX_RANGES_SHOWN)
        snprintf(buf + len, sizeof buf - len, " and %zu more", n - MAX_RANGES_SHOWN);
    return arena_strdup(mem, buf);
}

/* The port item that makes the binding, or the whole flow. */
static loc binding_loc(const binding *b)
{
    const port_item *p = b->source ? b->row->sport_ast : b->row->port_ast;
    return p ? p->where : b->row->decl->where;
}

static void describe_side(model *m, diag *d, const binding *b)
{
    char r[PORT_TEXT];
    diag_add_note(m->diags, d, binding_loc(b), "%s %s %s %s here",
                  check_service_name(m, b->row), b->source ? "sends from" : "listens on",
                  check_proto_name(b->proto), row_port_text(r, b->row, b->source));
}

/* "dante.audio_control", or "s.fed (role vm)" when both sides are one service. */
static const char *side_name(model *m, const binding *x, const binding *other)
{
    const char *svc = check_service_name(m, x->row);
    if (x->row->inst != other->row->inst || x->row->decl->service != other->row->decl->service)
        return svc;
    size_t n = strlen(svc) + strlen(x->role->name) + 10;
    char *s = arena_alloc(m->mem, n);
    snprintf(s, n, "%s (role %s)", svc, x->role->name);
    return s;
}

static void report_bind_group(model *m, const pair *g, size_t n)
{
    const binding *a = g[0].a, *b = g[0].b;
    diag *d;
    if (g[0].may)
        d = diag_report(m->diags, SEV_WARNING, CK_MAY_COLLIDE, binding_loc(b),
                        "ports may collide on host '%s': %s and %s both bind %s %s, and %s "
                        "picks its ports at run time", a->h->decl->name, side_name(m, a, b),
                        side_name(m, b, a), check_proto_name(a->proto),
                        ranges_text(m->mem, g, n), side_name(m, b->dynamic ? b : a,
                                                             b->dynamic ? a : b));
    else
        d = diag_report(m->diags, SEV_ERROR, CK_BIND_CONFLICT, binding_loc(b),
                        "bind conflict on host '%s': %s and %s both bind %s %s",
                        a->h->decl->name, side_name(m, a, b), side_name(m, b, a),
                        check_proto_name(a->proto), ranges_text(m->mem, g, n));
    describe_side(m, d, a);
    describe_side(m, d, b);
    check_tag(d, a->row, b->row, a->h);
    for (size_t i = 0; i < n; i++) diag_add_ports(m->diags, d, a->proto, g[i].lo, g[i].hi);
}

static void report_cross_group(model *m, const pair *g, size_t n)
{
    const binding *a = g[0].a, *b = g[0].b;
    /* A port picked at run time shares its number with the other protocol
     * only by chance: nothing to reserve or to tell a NAT device. */
    if (g[0].may) return;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_CROSS_PROTOCOL, binding_loc(b),
                          "host '%s': %s uses %s and %s uses %s on the same numbers %s",
                          a->h->decl->name, check_service_name(m, a->row), check_proto_name(a->proto),
                          check_service_name(m, b->row), check_proto_name(b->proto),
                          ranges_text(m->mem, g, n));
    describe_side(m, d, a);
    describe_side(m, d, b);
    check_tag(d, a->row, b->row, a->h);
    for (size_t i = 0; i < n; i++)
        diag_add_ports(m->diags, d, (unsigned)(a->proto | b->proto), g[i].lo, g[i].hi);
}

overlap_list check_bind_overlaps(model *m, const binding_table *t, bool cross)
{
    overlap_list out = {NULL, 0};
    interval *iv = xmalloc_array(t->n + 1, sizeof *iv);
    size_t n = merged_by_owner(t, iv, false, !cross);
    pair_ctx c = {t, NULL, 0, 0, m->mem, cross};
    interval_sweep(iv, n, collect, &c);
    free(iv);
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, pair_cmp);
    out.v = c.v;
    out.n = c.n;
    return out;
}

bool check_same_overlap_group(const bind_overlap *a, const bind_overlap *b)
{
    return same_group(a, b);
}

static void sweep_and_report(model *m, const binding_table *t, bool cross,
                             void (*report)(model *, const pair *, size_t))
{
    overlap_list c = check_bind_overlaps(m, t, cross);
    for (size_t i = 0, j; i < c.n; i = j) {
        for (j = i + 1; j < c.n && same_group(&c.v[i], &c.v[j]); j++) {}
        report(m, c.v + i, j - i);
    }
}

void check_bind_conflicts(model *m, const binding_table *t)
{
    sweep_and_report(m, t, false, report_bind_group);
}

void check_cross_protocol(model *m, const binding_table *t)
{
    sweep_and_report(m, t, true, report_cross_group);
}

/* ---- ephemeral range ---- */

void check_ephemeral(model *m, const binding_table *t)
{
    interval *iv = xmalloc_array(t->n + 1, sizeof *iv);
    size_t n = merged_by_owner(t, iv, true, true);
    for (size_t i = 0; i < n; i++) {
        const binding *b = &t->v[iv[i].item];
        const host *h = b->h;
        /* A dynamic range is picked at run time around the ports in use. */
        if (b->dynamic) continue;
        int64_t lo = iv[i].lo > h->eph_lo ? iv[i].lo : h->eph_lo;
        int64_t hi = iv[i].hi < h->eph_hi ? iv[i].hi : h->eph_hi;
        if (!h->eph_lo || lo > hi) continue;
        const char *os = h->os == OS_WINDOWS ? "Windows " : h->os == OS_LINUX ? "Linux " : "";
        char r[32];
        diag *d = diag_report(m->diags, SEV_WARNING, CK_EPHEMERAL_RANGE, binding_loc(b),
                              "%s listens on %s %s on host '%s', inside its %sephemeral "
                              "range %d-%d: outgoing connections may take these ports first",
                              check_service_name(m, b->row), check_proto_name(b->proto),
                              check_range_text(r, lo, hi), h->decl->name, os, h->eph_lo, h->eph_hi);
        if (h->os == OS_LINUX)
            diag_add_note(m->diags, d, (loc){0}, "reserve them with net.ipv4.ip_local_reserved_ports");
        check_tag(d, b->row, NULL, h);
        diag_add_ports(m->diags, d, b->proto, lo, hi);
    }
    free(iv);
}
