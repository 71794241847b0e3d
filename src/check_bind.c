/* check_bind.c: what each host binds, and the four checks over it:
 * bind-conflict, may-collide (one side dynamic), cross-protocol and
 * ephemeral-range. The OS's ephemeral ports are never bound: the OS hands
 * out a free one. Takes the site rows
 * of the flow table; gives findings naming both services, the host and the
 * shared ranges, or, where more than eight parties bind one range of a
 * host (a crowd), one finding per range naming them: never k(k-1)/2 pairs.
 * Each runs a segment sweep for the crowds and one overlap sweep outside
 * them (interval.c), never a pairwise loop. Hosts that run the same
 * (instance, role) list bind alike: their bindings are gathered, merged
 * and swept once, on the first such host, and the findings repeated on
 * each of them (10k flows into a role of 400 hosts: 10k bindings, not 4M). */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "interval.h"
#include "runs.h"
#include "strbuf.h"
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

/* Hosts in order of their runs lists, (instance, role) after (instance,
 * role), then by index: equal lists end up side by side. */
static int runs_list_cmp(const void *pa, const void *pb)
{
    const host *a = *(const host *const *)pa, *b = *(const host *const *)pb;
    if (a->nruns != b->nruns) return a->nruns < b->nruns ? -1 : 1;
    for (int i = 0; i < a->nruns; i++) {
        const role_run *x = &a->runs[i], *y = &b->runs[i];
        if (x->inst->index != y->inst->index) return x->inst->index < y->inst->index ? -1 : 1;
        if (x->role->index != y->role->index) return x->role->index < y->role->index ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* Per host index, the first host (lowest index) with the same runs list.
 * The list in its order, not as a set: runs_instance_of (where an alias
 * joins its target) takes the first instance of a system in it. */
static const host **host_classes(model *m)
{
    const host **rep = arena_alloc(m->mem, (m->nhosts + 1) * sizeof *rep);
    const host **v = xmalloc_array(m->nhosts + 1, sizeof *v);
    for (size_t i = 0; i < m->nhosts; i++) v[i] = m->hosts[i];
    if (m->nhosts > 1) qsort(v, m->nhosts, sizeof *v, runs_list_cmp);
    for (size_t i = 0, j; i < m->nhosts; i = j) {
        rep[v[i]->index] = v[i];
        for (j = i + 1; j < m->nhosts && v[j]->nruns == v[i]->nruns; j++) {
            int k = 0;
            while (k < v[i]->nruns && v[j]->runs[k].inst == v[i]->runs[k].inst &&
                   v[j]->runs[k].role == v[i]->runs[k].role)
                k++;
            if (k < v[i]->nruns) break;
            rep[v[j]->index] = v[i];
        }
    }
    free(v);
    return rep;
}

binding_table check_bindings(model *m)
{
    binding_table t = {NULL, 0, NULL};
    size_t cap = 0;
    if (m->ninstances >= (1u << 22) || m->nservices >= (1 << 21) || m->nroles >= ANY_ROLE) {
        diag_report(m->diags, SEV_ERROR, CK_LIMIT, (loc){0},
                    "too many instances, services or roles for the bind checks "
                    "(limits 4194303, 2097151, 2097150)");
        return t;
    }
    t.rep = host_classes(m);
    run_index ix = runs_index(m);
    size_t w = 0;                /* only the first host of each class binds */
    for (size_t k = 0; k < ix.n; k++)
        if (t.rep[ix.v[k].h->index] == ix.v[k].h) ix.v[w++] = ix.v[k];
    ix.n = w;
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

const host *check_bindings_host(const binding_table *t, const host *h)
{
    return t->rep ? t->rep[h->index] : h;
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
const char *check_binding_name(const model *m, const binding *b)
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
 * owner's first binding; the hosts are the first of each class (t->rep). */
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

/* ---- crowds: k parties on one (host, port range), one finding ---- */

/* From more parties on one segment of a host's ports than a message names,
 * the overlap is one finding naming CROWD_SHOWN of them ("and N more")
 * instead of k(k-1)/2 pairs. Up to CROWD_SHOWN parties keep their pairs
 * (at most 28 a range): each pair's finding can be waived by naming its two
 * services, as ever; a crowd names no two services. */
enum { CROWD_SHOWN = 8, CROWD_MIN = CROWD_SHOWN + 1 };

/* One party of a crowd: the bindings that are one socket (one owner, or
 * one instance's service or role), shown by its first binding. */
typedef struct {
    const binding *first;
    unsigned protos;             /* PROTO_* bits of its fixed bindings (cross) */
    bool fixed;                  /* some binding is not dynamic */
    bool unshared;               /* some binding is not shared */
} party;

typedef struct {
    const binding *shown[CROWD_SHOWN];
    size_t nshown, count;
    int64_t lo, hi;
    size_t fixed;                /* parties binding fixed ports: below two, may-collide */
} crowd;

typedef struct {
    model *m;
    const binding_table *t;
    const interval *iv;
    bool cross;
    const interval **act;        /* the open intervals, in no order */
    size_t nact, *pos;           /* pos[k]: where iv[k] is in act */
    size_t *uf, *ix;             /* scratch of the party count */
    crowd *v;                    /* the crowds found */
    size_t n, cap;
} crowd_ctx;

static void crowd_edge(void *ctx, const interval *x, bool open)
{
    crowd_ctx *c = ctx;
    size_t k = (size_t)(x - c->iv);
    if (open) {
        c->pos[k] = c->nact;
        c->act[c->nact++] = x;
        return;
    }
    const interval *last = c->act[--c->nact];
    c->act[c->pos[k]] = last;
    c->pos[last - c->iv] = c->pos[k];
}

static size_t uf_find(size_t *uf, size_t i)
{
    while (uf[i] != i) i = uf[i] = uf[uf[i]];
    return i;
}

static const binding *act_binding(const crowd_ctx *c, size_t i)
{
    return &c->t->v[c->act[i]->item];
}

/* One open binding under one of the keys that make two bindings one
 * socket (collect()'s rule): its owner; its instance and role; its
 * instance and service. Only equality of keys matters. */
typedef struct {
    uint64_t k1;
    uintptr_t k2;
    size_t i;
} socket_key;

static int socket_key_cmp(const void *pa, const void *pb)
{
    const socket_key *a = pa, *b = pb;
    if (a->k1 != b->k1) return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2) return a->k2 < b->k2 ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Joins the open bindings that are one socket. O(m log m). */
static void join_sockets(crowd_ctx *c)
{
    socket_key *k = xmalloc_array(c->nact, sizeof *k);
    for (size_t i = 0; i < c->nact; i++) c->uf[i] = i;
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < c->nact; i++) {
            const binding *b = act_binding(c, i);
            k[i] = kind == 0 ? (socket_key){b->owner, 0, i}
                 : (socket_key){(uint64_t)b->row->inst->index,
                                kind == 1 ? (uintptr_t)b->role : (uintptr_t)b->row->decl->service, i};
        }
        qsort(k, c->nact, sizeof *k, socket_key_cmp);
        for (size_t i = 1; i < c->nact; i++)
            if (k[i].k1 == k[i - 1].k1 && k[i].k2 == k[i - 1].k2)
                c->uf[uf_find(c->uf, k[i].i)] = uf_find(c->uf, k[i - 1].i);
    }
    free(k);
}

/* Each party's root binding first, then the parties as one array ordered by
 * owner and protocol: deterministic whatever order the edges came in. */
static int party_cmp(const void *pa, const void *pb)
{
    const binding *a = ((const party *)pa)->first, *b = ((const party *)pb)->first;
    if (a->owner != b->owner) return a->owner < b->owner ? -1 : 1;
    return (a->proto > b->proto) - (a->proto < b->proto);
}

static size_t parties_of(crowd_ctx *c, party *p)
{
    join_sockets(c);
    size_t np = 0;
    for (size_t i = 0; i < c->nact; i++) c->ix[i] = SIZE_MAX;
    for (size_t i = 0; i < c->nact; i++) {
        size_t r = uf_find(c->uf, i);
        const binding *b = act_binding(c, i);
        if (c->ix[r] == SIZE_MAX) {
            c->ix[r] = np;
            p[np++] = (party){b, 0, false, false};
        }
        party *q = &p[c->ix[r]];
        if (b->owner < q->first->owner || (b->owner == q->first->owner && b->proto < q->first->proto))
            q->first = b;
        if (!b->dynamic) q->protos |= b->proto, q->fixed = true;
        if (!b->shared) q->unshared = true;
    }
    return np;
}

/* Which parties conflict: for bind-conflict all of them once two are
 * there and one binds unshared; for cross-protocol, those with a fixed
 * port of one protocol while another party has the other. Keeps them in
 * p[0..k); returns k. */
static size_t conflicting(const crowd_ctx *c, party *p, size_t np)
{
    size_t unshared = 0, tcp = 0, udp = 0, k = 0;
    for (size_t i = 0; i < np; i++) {
        unshared += p[i].unshared;
        tcp += (p[i].protos & PROTO_TCP) != 0;
        udp += (p[i].protos & PROTO_UDP) != 0;
    }
    if (!c->cross) return np >= 2 && unshared ? np : 0;
    for (size_t i = 0; i < np; i++) {
        bool t = p[i].protos & PROTO_TCP, u = p[i].protos & PROTO_UDP;
        if ((t && udp - u > 0) || (u && tcp - t > 0)) p[k++] = p[i];
    }
    return k;
}

static void crowd_segment(void *ctx, uint64_t key, int64_t lo, int64_t hi)
{
    crowd_ctx *c = ctx;
    (void)key;
    if (c->nact < CROWD_MIN) return;
    /* Even and odd ranges share no port though a segment holds both:
     * with a stride open, the pairs say exactly which ports are shared. */
    for (size_t i = 0; i < c->nact; i++)
        if (c->act[i]->stride != IV_ALL) return;
    party *p = xmalloc_array(c->nact, sizeof *p);
    size_t k = conflicting(c, p, parties_of(c, p));
    if (k >= CROWD_MIN) {
        qsort(p, k, sizeof *p, party_cmp);
        size_t fixed = 0;
        for (size_t i = 0; i < k; i++) fixed += p[i].fixed;
        c->v = arena_grow(c->m->mem, c->v, sizeof *c->v, &c->cap, c->n + 1);
        crowd *w = &c->v[c->n++];
        *w = (crowd){{NULL}, k < CROWD_SHOWN ? k : CROWD_SHOWN, k, lo, hi, fixed};
        for (size_t i = 0; i < w->nshown; i++) w->shown[i] = p[i].first;
    }
    free(p);
}

/* The crowds of the merged intervals iv (sorted by key, as interval_segments
 * leaves the line), in (key, lo) order. */
static crowd_ctx find_crowds(model *m, const binding_table *t, const interval *iv, size_t n,
                             bool cross)
{
    crowd_ctx c = {m, t, iv, cross, NULL, 0, NULL, NULL, NULL, NULL, 0, 0};
    c.act = xmalloc_array(n + 1, sizeof *c.act);
    c.pos = xmalloc_array(n + 1, sizeof *c.pos);
    c.uf = xmalloc_array(n + 1, sizeof *c.uf);
    c.ix = xmalloc_array(n + 1, sizeof *c.ix);
    interval_segments(iv, n, crowd_edge, crowd_segment, &c);
    free(c.act);
    free(c.pos);
    free(c.uf);
    free(c.ix);
    return c;
}

static interval *push_piece(interval *v, size_t *cap, size_t *n, const interval *x, int64_t lo,
                           int64_t hi)
{
    if (*n == *cap) v = xrealloc_array(v, *cap *= 2, sizeof *v);
    v[*n] = *x;
    v[*n].lo = lo;
    v[(*n)++].hi = hi;
    return v;
}

/* The parts of each interval outside the crowds of its key: the pairs are
 * found there only, so a port of a crowd is reported once, in its crowd. */
static size_t outside_crowds(const interval *iv, size_t n, const crowd_ctx *c,
                             const uint64_t *ckey, interval **out)
{
    size_t cap = n + 1, w = 0;
    interval *v = xmalloc_array(cap, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        /* the first crowd of this key that ends at or after the interval's start */
        size_t lo = 0, hi = c->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ckey[mid] < iv[i].key || (ckey[mid] == iv[i].key && c->v[mid].hi < iv[i].lo))
                lo = mid + 1;
            else hi = mid;
        }
        int64_t from = iv[i].lo;
        for (size_t k = lo; k < c->n && ckey[k] == iv[i].key && c->v[k].lo <= iv[i].hi; k++) {
            if (c->v[k].lo > from) v = push_piece(v, &cap, &w, &iv[i], from, c->v[k].lo - 1);
            from = c->v[k].hi + 1;
        }
        if (from <= iv[i].hi) v = push_piece(v, &cap, &w, &iv[i], from, iv[i].hi);
    }
    *out = v;
    return w;
}

/* ---- the two checks over pairs and crowds ---- */

static const char *crowd_names(model *m, const crowd *w, bool protos)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < w->nshown; i++) {
        sb_printf(&b, "%s%s", i ? ", " : "", check_binding_name(m, w->shown[i]));
        if (protos) sb_printf(&b, " (%s)", check_proto_name(w->shown[i]->proto));
    }
    if (w->count > w->nshown) sb_printf(&b, " and %zu more", w->count - w->nshown);
    const char *s = arena_strdup(m->mem, b.len ? b.data : "");
    sb_free(&b);
    return s;
}

static void report_crowd(model *m, const crowd *w, bool cross)
{
    const binding *a = w->shown[0];
    char r[32];
    diag *d;
    if (cross)
        d = diag_report(m->diags, SEV_WARNING, CK_CROSS_PROTOCOL, binding_loc(a),
                        "host '%s': %zu services use tcp and udp on the same numbers %s: %s",
                        a->h->decl->name, w->count, check_range_text(r, w->lo, w->hi),
                        crowd_names(m, w, true));
    else if (w->fixed < 2)
        d = diag_report(m->diags, SEV_WARNING, CK_MAY_COLLIDE, binding_loc(a),
                        "ports may collide on host '%s': %zu services bind %s %s, all%s "
                        "picking their ports at run time: %s", a->h->decl->name, w->count,
                        check_proto_name(a->proto), check_range_text(r, w->lo, w->hi),
                        w->fixed ? " but one" : "", crowd_names(m, w, false));
    else
        d = diag_report(m->diags, SEV_ERROR, CK_BIND_CONFLICT, binding_loc(a),
                        "bind conflict on host '%s': %zu services bind %s %s: %s",
                        a->h->decl->name, w->count, check_proto_name(a->proto),
                        check_range_text(r, w->lo, w->hi), crowd_names(m, w, false));
    for (size_t i = 0; i < w->nshown; i++) describe_side(m, d, w->shown[i]);
    /* No two services stand for the crowd: an allow naming the check (on
     * the host, in the site) without services waives it. */
    check_tag(d, NULL, NULL, a->h);
    diag_add_ports(m->diags, d, cross ? PROTO_TCP | PROTO_UDP : a->proto, w->lo, w->hi);
}

typedef struct {
    overlap_list pairs;
    crowd *crowds;
    size_t ncrowds;
} overlaps;

/* first[h]..first[h + 1]: the items of host index h in an array of n
 * sorted by host, which host_at gives. */
static size_t *host_starts(const model *m, const void *v, size_t n,
                           size_t (*host_at)(const void *, size_t))
{
    size_t *first = xmalloc_array(m->nhosts + 2, sizeof *first);
    for (size_t h = 0, k = 0; h <= m->nhosts; h++) {
        while (k < n && host_at(v, k) < h) k++;
        first[h] = k;
    }
    return first;
}

static size_t pair_host(const void *v, size_t k)
{
    return (size_t)((const pair *)v)[k].a->h->index;
}

static size_t crowd_host(const void *v, size_t k)
{
    return (size_t)((const crowd *)v)[k].shown[0]->h->index;
}

static size_t interval_host(const void *v, size_t k) { return ((const interval *)v)[k].key >> 2; }

/* A binding of the class's first host, as the same binding on h. */
static const binding *on_host(model *m, const binding *b, const host *h)
{
    if (b->h == h) return b;
    binding *c = arena_alloc(m->mem, sizeof *c);
    *c = *b;
    c->h = h;
    return c;
}

static bool every_host_first(const model *m, const binding_table *t)
{
    for (size_t i = 0; i < m->nhosts; i++)
        if (t->rep && t->rep[i] != m->hosts[i]) return false;
    return true;
}

/* The pairs and crowds found on the first host of each class, repeated on
 * every host of its class in host order: as if found host by host. */
static overlaps on_every_host(model *m, const binding_table *t, overlaps o)
{
    if (every_host_first(m, t)) return o;
    size_t *pf = host_starts(m, o.pairs.v, o.pairs.n, pair_host);
    size_t *cf = host_starts(m, o.crowds, o.ncrowds, crowd_host);
    size_t np = 0, nc = 0;
    for (size_t i = 0; i < m->nhosts; i++) {
        size_t r = (size_t)t->rep[i]->index;
        np += pf[r + 1] - pf[r];
        nc += cf[r + 1] - cf[r];
    }
    overlaps e = {{arena_alloc(m->mem, (np + 1) * sizeof(pair)), 0},
                  arena_alloc(m->mem, (nc + 1) * sizeof(crowd)), 0};
    for (size_t i = 0; i < m->nhosts; i++) {
        const host *h = m->hosts[i];
        size_t r = (size_t)t->rep[i]->index;
        for (size_t k = pf[r]; k < pf[r + 1]; k++) {
            pair *p = &e.pairs.v[e.pairs.n++];
            *p = o.pairs.v[k];
            p->a = on_host(m, p->a, h);
            p->b = on_host(m, p->b, h);
        }
        for (size_t k = cf[r]; k < cf[r + 1]; k++) {
            crowd *w = &e.crowds[e.ncrowds++];
            *w = o.crowds[k];
            for (size_t j = 0; j < w->nshown; j++) w->shown[j] = on_host(m, w->shown[j], h);
        }
    }
    free(pf);
    free(cf);
    return e;
}

static overlaps find_overlaps(model *m, const binding_table *t, bool cross)
{
    interval *iv = xmalloc_array(t->n + 1, sizeof *iv);
    size_t n = merged_by_owner(t, iv, false, !cross);
    crowd_ctx cc = find_crowds(m, t, iv, n, cross);
    uint64_t *ckey = xmalloc_array(cc.n + 1, sizeof *ckey);
    for (size_t i = 0; i < cc.n; i++) {
        const binding *b = cc.v[i].shown[0];
        ckey[i] = cross ? (uint64_t)b->h->index : (uint64_t)b->h->index << 2 | b->proto;
    }
    interval *rest;
    size_t nrest = outside_crowds(iv, n, &cc, ckey, &rest);
    free(ckey);
    free(iv);
    pair_ctx c = {t, NULL, 0, 0, m->mem, cross};
    interval_sweep(rest, nrest, collect, &c);
    free(rest);
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, pair_cmp);
    return on_every_host(m, t, (overlaps){{c.v, c.n}, cc.v, cc.n});
}


bool check_same_overlap_group(const bind_overlap *a, const bind_overlap *b)
{
    return same_group(a, b);
}

overlap_list check_bind_overlaps(model *m, const binding_table *t, bool cross, bool report)
{
    overlaps o = find_overlaps(m, t, cross);
    overlap_list c = o.pairs;
    void (*report_group)(model *, const pair *, size_t) =
        cross ? report_cross_group : report_bind_group;
    for (size_t i = 0, j; report && i < c.n; i = j) {
        for (j = i + 1; j < c.n && same_group(&c.v[i], &c.v[j]); j++) {}
        report_group(m, c.v + i, j - i);
    }
    for (size_t i = 0; report && i < o.ncrowds; i++) report_crowd(m, &o.crowds[i], cross);
    return c;
}

/* ---- ephemeral range ---- */

/* The ephemeral-range findings of host h, whose class's merged listening
 * intervals are iv[0..n). */
static void report_ephemeral(model *m, const binding_table *t, const interval *iv, size_t n,
                             const host *h)
{
    for (size_t i = 0; i < n; i++) {
        const binding *b = &t->v[iv[i].item];
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
}

void check_ephemeral(model *m, const binding_table *t)
{
    interval *iv = xmalloc_array(t->n + 1, sizeof *iv);
    size_t n = merged_by_owner(t, iv, true, true);
    size_t *first = host_starts(m, iv, n, interval_host);
    /* Host by host, the merged intervals of its class's first host. */
    for (size_t hi = 0; hi < m->nhosts; hi++) {
        const host *h = m->hosts[hi];
        size_t r = (size_t)check_bindings_host(t, h)->index;
        if (h->eph_lo) report_ephemeral(m, t, iv + first[r], first[r + 1] - first[r], h);
    }
    free(first);
    free(iv);
}
