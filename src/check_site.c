/* check_site.c: sanity checks of each site's hosts and networks:
 * duplicate-address, idle-host, host-outside-networks, overlapping-networks
 * and unbound-zone. Takes the model's hosts, networks and site flow rows;
 * gives findings tagged with their site and host (or service), so that an
 * `allow ID on HOST` inside the site waives them. Each check sorts once,
 * then scans, searches or sweeps (interval.c); none compares all pairs.
 * Scratch arrays come from the arena, which ends the run when memory runs
 * out, so no check passes silently for want of memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "interval.h"

/* Sites compare by where they are declared, not by where they sit in memory. */
static int site_order(const site_decl *a, const site_decl *b)
{
    return a == b ? 0 : loc_cmp(a->where, b->where);
}

/* "omnicast_b.video_net": what a `network` statement writes. */
static const char *zone_text(model *m, const char *qual, const decl *zone)
{
    size_t n = strlen(qual) + strlen(zone->name) + 2;
    char *s = arena_alloc(m->mem, n);
    snprintf(s, n, "%s.%s", qual, zone->name);
    return s;
}

static const char *net_name(model *m, const network *n)
{
    return zone_text(m, n->inst->name, n->zone);
}

/* ---- host addresses: a dual-stack host has one per family ---- */

typedef struct {
    const host *h;
    addr a;
    const expr *written;         /* where the address is written */
} host_addr;

/* Every (host, address) pair of the model. */
static host_addr *host_addrs(model *m, size_t *n)
{
    host_addr *v = arena_alloc(m->mem, (2 * m->nhosts + 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < m->nhosts; i++) {
        const host *h = m->hosts[i];
        for (int j = 0; j < h->naddrs; j++) {
            const expr *e = j && h->decl->value2 ? h->decl->value2 : h->decl->value;
            v[k++] = (host_addr){h, h->addrs[j], e};
        }
    }
    *n = k;
    return v;
}

/* ---- duplicate-address and idle-host ---- */

static int host_cmp(const void *pa, const void *pb)
{
    const host_addr *a = pa, *b = pb;
    int c = site_order(a->h->site, b->h->site);
    if (c) return c;
    if ((c = addr_cmp(a->a, b->a))) return c;
    return loc_cmp(a->written->where, b->written->where);
}

static void report_duplicate(model *m, const host_addr *first, const host_addr *x)
{
    char a[ADDR_TEXT];
    const host *h = x->h;
    diag *d = diag_report(m->diags, SEV_ERROR, CK_DUPLICATE_ADDRESS, x->written->where,
                          "hosts '%s' and '%s' of site '%s' have the same address %s",
                          first->h->decl->name, h->decl->name, h->site->name, addr_str(a, x->a));
    diag_add_note(m->diags, d, first->written->where, "'%s' has it here", first->h->decl->name);
    check_tag(d, NULL, NULL, h);
}

/* Host addresses sorted by (site, address, position): equal addresses are
 * neighbours, and the first declared is the one the others repeat. */
static void check_duplicate_addresses(model *m)
{
    size_t n;
    host_addr *v = host_addrs(m, &n);
    if (n > 1) qsort(v, n, sizeof *v, host_cmp);
    for (size_t i = 0, j; i < n; i = j)
        for (j = i + 1; j < n && v[j].h->site == v[i].h->site && addr_eq(v[j].a, v[i].a); j++)
            report_duplicate(m, &v[i], &v[j]);
}

/* A host whose `runs` did not resolve was reported already. */
static void check_idle_hosts(model *m)
{
    for (size_t i = 0; i < m->nhosts; i++) {
        const host *h = m->hosts[i];
        if (h->decl->nruns) continue;
        diag *d = diag_report(m->diags, SEV_WARNING, CK_IDLE_HOST, h->decl->name_loc,
                              "host '%s' runs no role: no flow reaches it, and gen fw writes "
                              "it a firewall that opens nothing", h->decl->name);
        diag_add_note(m->diags, d, (loc){0}, "give it 'runs SYSTEM.ROLE;', or remove it");
        check_tag(d, NULL, NULL, h);
    }
}

/* ---- the site's networks as address spans ---- */

typedef struct {
    const site_decl *site;
    addr lo, hi;
    const network *net;
} span;

static int span_cmp(const void *pa, const void *pb)
{
    const span *a = pa, *b = pb;
    int c = site_order(a->site, b->site);
    if (c) return c;
    if ((c = addr_cmp(a->lo, b->lo))) return c;
    if ((c = addr_cmp(a->hi, b->hi))) return c;
    return loc_cmp(a->net->where, b->net->where);
}

/* Every network binding as a span, sorted by (site, lo, hi, position). */
static span *network_spans(model *m)
{
    span *v = arena_alloc(m->mem, (m->nnetworks + 1) * sizeof *v);
    for (size_t i = 0; i < m->nnetworks; i++) {
        const network *n = &m->networks[i];
        v[i] = (span){n->inst->site, addr_first(n->addr, n->prefix),
                      addr_last(n->addr, n->prefix), n};
    }
    if (m->nnetworks > 1) qsort(v, m->nnetworks, sizeof *v, span_cmp);
    return v;
}

static const char *net_text(const network *n, char buf[ADDR_TEXT])
{
    return addr_text(buf, n->addr, n->addr, n->prefix);
}

/* ---- host-outside-networks ---- */

/* A site's spans merged into disjoint runs; near_lo and near_hi are the
 * bindings at each end, for naming the nearest network. */
typedef struct {
    const site_decl *site;
    addr lo, hi;
    const network *near_lo, *near_hi;
} cover;

static bool adjacent(addr hi, addr lo)
{
    addr next;
    return hi.fam == lo.fam &&
           (addr_cmp(lo, hi) <= 0 || (addr_add(hi, 1, &next) && addr_cmp(lo, next) <= 0));
}

static size_t merge_spans(const span *v, size_t n, cover *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        cover *last = w ? &out[w - 1] : NULL;
        if (last && last->site == v[i].site && adjacent(last->hi, v[i].lo)) {
            if (addr_cmp(v[i].hi, last->hi) > 0) last->hi = v[i].hi, last->near_hi = v[i].net;
            continue;
        }
        out[w++] = (cover){v[i].site, v[i].lo, v[i].hi, v[i].net, v[i].net};
    }
    return w;
}

/* The number of runs at or before (site, a) in sort order. */
static size_t covers_upto(const cover *c, size_t n, const site_decl *site, addr a)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int k = site_order(c[mid].site, site);
        if (k < 0 || (k == 0 && addr_cmp(c[mid].lo, a) <= 0)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* b - a as 128 bits (b >= a, one family), for comparing distances. */
static addr distance(addr a, addr b)
{
    addr d = addr_v6(b.hi - a.hi - (b.lo < a.lo), b.lo - a.lo);
    return d;
}

static void report_outside(model *m, const host_addr *x, const network *near)
{
    char a[ADDR_TEXT], b[ADDR_TEXT];
    const host *h = x->h;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_HOST_OUTSIDE_NETWORKS, x->written->where,
                          "host '%s' (%s) is outside every network bound in site '%s'",
                          h->decl->name, addr_str(a, x->a), h->site->name);
    diag_add_note(m->diags, d, near->where, "the nearest is %s, bound to %s here",
                  net_text(near, b), net_name(m, near));
    check_tag(d, NULL, NULL, h);
}

/* A host address of a site that binds networks of its family, in none of
 * them. Sites without networks of that family describe no such addresses
 * and are not checked (an IPv4 plan says nothing of a host's IPv6 side). */
static void check_hosts_outside(model *m, const span *v)
{
    cover *c = arena_alloc(m->mem, (m->nnetworks + 1) * sizeof *c);
    size_t n = merge_spans(v, m->nnetworks, c), na;
    host_addr *ha = host_addrs(m, &na);
    for (size_t i = 0; i < na; i++) {
        const host *h = ha[i].h;
        addr a = ha[i].a;
        size_t k = covers_upto(c, n, h->site, a);
        const cover *before = k && c[k - 1].site == h->site && c[k - 1].lo.fam == a.fam
                              ? &c[k - 1] : NULL;
        const cover *after = k < n && c[k].site == h->site && c[k].lo.fam == a.fam ? &c[k] : NULL;
        if ((!before && !after) || (before && addr_cmp(before->hi, a) >= 0)) continue;
        bool pick_before = before && (!after || addr_cmp(distance(before->hi, a),
                                                         distance(a, after->lo)) <= 0);
        report_outside(m, &ha[i], pick_before ? before->near_hi : after->near_lo);
    }
}

/* ---- overlapping-networks ---- */

typedef struct {
    model *m;
    const span *v;
} nest_ctx;


static int report_nested(void *ctx, const interval *ia, const interval *ib, int64_t lo,
                         int64_t hi)
{
    (void)lo;
    (void)hi;
    nest_ctx *c = ctx;
    model *m = c->m;
    const network *a = c->v[ia->item].net, *b = c->v[ib->item].net;
    const network *inner = a->prefix > b->prefix ? a : b, *outer = inner == a ? b : a;
    bool same = inner->inst == outer->inst && inner->zone == outer->zone;
    char x[ADDR_TEXT], y[ADDR_TEXT];
    diag *d = diag_report(m->diags, SEV_WARNING, CK_OVERLAPPING_NETWORKS, inner->where,
                          "network %s %s lies inside network %s %s of site '%s': %s",
                          net_name(m, inner), net_text(inner, x), net_name(m, outer),
                          net_text(outer, y), inner->inst->site->name,
                          same ? "the zone is bound twice" : "its hosts are in both zones");
    diag_add_note(m->diags, d, outer->where, "%s is bound here", y);
    d->site = inner->inst->site;
    return 0;
}

/* One interval per distinct subnet of a site (its first binding), keyed by
 * site; 0.0.0.0/0 (any address) is left out. Two distinct subnets that
 * overlap nest, so the sweep's pairs are the nested ones. */
static void check_overlapping_networks(model *m, const span *v)
{
    interval *iv = arena_alloc(m->mem, (m->nnetworks + 1) * sizeof *iv);
    addr *rank = arena_alloc(m->mem, (2 * m->nnetworks + 1) * sizeof *rank);
    size_t n = 0, nr = 0;
    for (size_t i = 0; i < m->nnetworks; i++) rank[nr++] = v[i].lo, rank[nr++] = v[i].hi;
    nr = addr_ranks_build(rank, nr);          /* addresses of both families as int64 */
    uint64_t key = 0;
    for (size_t i = 0; i < m->nnetworks; i++) {
        if (i && v[i].site != v[i - 1].site) key++;
        if (v[i].net->prefix == 0 || (i && v[i].site == v[i - 1].site &&
                                      addr_eq(v[i].lo, v[i - 1].lo) && addr_eq(v[i].hi, v[i - 1].hi)))
            continue;
        iv[n++] = (interval){key, addr_rank(rank, nr, v[i].lo), addr_rank(rank, nr, v[i].hi), i, IV_ALL};
    }
    nest_ctx c = {m, v};
    interval_sweep(iv, n, report_nested, &c);
}

/* ---- unbound-zone ---- */

/* A zone bound in a site: by one instance (owner), or by any instance of
 * the zone's system there (owner = the site). Zone 0 with the site as
 * owner: the site binds some network. */
typedef struct {
    uintptr_t owner, zone;
} bound_key;

static int bound_cmp(const void *pa, const void *pb)
{
    const bound_key *a = pa, *b = pb;
    if (a->owner != b->owner) return a->owner < b->owner ? -1 : 1;
    return (a->zone > b->zone) - (a->zone < b->zone);
}

/* A zone a site flow names that is not bound where the flow needs it. */
typedef struct {
    const site_decl *site;
    const instance *inst;        /* the flow's instance; NULL: another system's zone */
    const decl *zone;
    const flow_row *row;
    loc where;                   /* the zone's name in the flow */
} zone_use;

typedef struct {
    model *m;
    bound_key *keys;
    size_t nkeys;
    zone_use *uses;
    size_t nuses, cap;
} zone_ctx;

static void bound_keys(zone_ctx *c)
{
    model *m = c->m;
    c->keys = arena_alloc(m->mem, (3 * m->nnetworks + 1) * sizeof *c->keys);
    for (size_t i = 0; i < m->nnetworks; i++) {
        const network *n = &m->networks[i];
        c->keys[c->nkeys++] = (bound_key){(uintptr_t)n->inst, (uintptr_t)n->zone};
        c->keys[c->nkeys++] = (bound_key){(uintptr_t)n->inst->site, (uintptr_t)n->zone};
        c->keys[c->nkeys++] = (bound_key){(uintptr_t)n->inst->site, 0};
    }
    if (c->nkeys > 1) qsort(c->keys, c->nkeys, sizeof *c->keys, bound_cmp);
}

static bool is_bound(const zone_ctx *c, const void *owner, const decl *zone)
{
    bound_key k = {(uintptr_t)owner, (uintptr_t)zone};
    return c->nkeys && bsearch(&k, c->keys, c->nkeys, sizeof k, bound_cmp);
}

/* A zone of the flow's own system must be bound for the flow's instance;
 * another system's, for any instance of that system in the site. */
static void use_zone(zone_ctx *c, const flow_row *r, const decl *zone, loc where)
{
    const instance *in = zone->system == r->inst->sys ? r->inst : NULL;
    if (is_bound(c, in ? (const void *)in : (const void *)r->inst->site, zone)) return;
    c->uses = arena_grow(c->m->mem, c->uses, sizeof *c->uses, &c->cap, c->nuses + 1);
    c->uses[c->nuses++] = (zone_use){r->inst->site, in, zone, r, where};
}

/* The zones a row needs: its scopes not marked optional, and zones as
 * either side. */
static void row_zones(zone_ctx *c, const flow_row *r)
{
    for (const scope *s = r->decl->scopes; s; s = s->next)
        if (s->target && s->target->kind == D_ZONE && !s->optional)
            use_zone(c, r, s->target, s->zone.where);
    const flow_end *ends[2] = {&r->src, &r->dst};
    for (int k = 0; k < 2; k++)
        if (ends[k]->kind == EP_NAME && ends[k]->target->kind == D_ZONE)
            use_zone(c, r, ends[k]->target, ends[k]->ast->where);
}

static int use_cmp(const void *pa, const void *pb)
{
    const zone_use *a = pa, *b = pb;
    int c = site_order(a->site, b->site);
    if (c) return c;
    int x = a->inst ? a->inst->index : -1, y = b->inst ? b->inst->index : -1;
    if (x != y) return x < y ? -1 : 1;
    if (a->zone != b->zone) return loc_cmp(a->zone->where, b->zone->where);
    return loc_cmp(a->where, b->where);
}

static void report_unbound(model *m, const zone_use *u)
{
    const char *name = zone_text(m, u->inst ? u->inst->name : u->zone->system->name, u->zone);
    const char *svc = check_service_name(m, u->row);
    diag *d = diag_report(m->diags, SEV_NOTE, CK_UNBOUND_ZONE, u->site->name_loc,
                          "site '%s' binds networks, but none to zone %s, which %s uses",
                          u->site->name, name, svc);
    diag_add_note(m->diags, d, u->where, "%s names the zone here", svc);
    diag_add_note(m->diags, d, (loc){0}, "bind it with 'network %s CIDR;'", name);
    check_tag(d, u->row, NULL, NULL);
}

/* Rows of one flow, instance and pair of sides differ only in protocol and
 * ports: they name the same zones. */
static bool same_sides(const flow_row *a, const flow_row *b)
{
    return a->decl == b->decl && a->inst == b->inst && a->src.ast == b->src.ast &&
           a->dst.ast == b->dst.ast;
}

/* In each site that binds networks, every zone its flows need, once per
 * (site, instance, zone), at the first flow that names it. */
static void check_unbound_zones(model *m)
{
    zone_ctx c = {m, NULL, 0, NULL, 0, 0};
    bound_keys(&c);
    const flow_row *prev = NULL;
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (!r->inst->site || r->decl->local || !is_bound(&c, r->inst->site, NULL)) continue;
        if (prev && same_sides(prev, r)) continue;
        row_zones(&c, r);
        prev = r;
    }
    if (c.nuses > 1) qsort(c.uses, c.nuses, sizeof *c.uses, use_cmp);
    for (size_t i = 0; i < c.nuses; i++) {
        const zone_use *a = i ? &c.uses[i - 1] : NULL, *u = &c.uses[i];
        if (!a || a->site != u->site || a->inst != u->inst || a->zone != u->zone)
            report_unbound(m, u);
    }
}

/* ---- all five ---- */

void check_site(model *m, const check_options *o)
{
    if (o->enabled[CK_DUPLICATE_ADDRESS]) check_duplicate_addresses(m);
    if (o->enabled[CK_IDLE_HOST]) check_idle_hosts(m);
    if (o->enabled[CK_UNBOUND_ZONE]) check_unbound_zones(m);
    if (!o->enabled[CK_HOST_OUTSIDE_NETWORKS] && !o->enabled[CK_OVERLAPPING_NETWORKS]) return;
    const span *v = network_spans(m);
    if (o->enabled[CK_HOST_OUTSIDE_NETWORKS]) check_hosts_outside(m, v);
    if (o->enabled[CK_OVERLAPPING_NETWORKS]) check_overlapping_networks(m, v);
}
