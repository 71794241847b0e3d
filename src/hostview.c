/* hostview.c: the host view (see hostview.h). One pass over the site's
 * rows gives facts (host, direction, protocol, address sets, ports, row);
 * sorting them groups equal keys, and each group's ports merge into one
 * rule. Peers resolve once per (instance, endpoint) through a memo. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "hostview.h"
#include "proto.h"
#include "runs.h"

typedef struct {
    const host *h;
    bool out, mc;
    uint8_t proto, fam;
    const hv_addrset *s, *d;
    uint16_t slo, shi, lo, hi;
    const flow_row *row;
    const instance *sinst;       /* the service the fact belongs to: the row's, */
    const decl *svc;             /* or an alias's target the host runs */
    size_t seq;
    uint8_t ipproto;             /* with icmp_type, part of the rule key */
    int16_t icmp_type;
} fact;

/* What one endpoint of one instance resolves to, worked out once: its
 * peer set and the site's hosts on that side. Open addressing. */
typedef struct {
    const void *ast;
    const instance *inst;
    const hv_addrset *set;       /* NULL: resolves to nothing */
    const host **hosts;
    size_t nhosts;
    bool used, set_done, hosts_done;
} memo_slot;

typedef struct {
    const model *m;
    const site_decl *site;
    const hv_options *o;
    host **hosts;                /* the site's */
    size_t nhosts;
    run_index runs;
    memo_slot *memo;
    size_t memo_cap, memo_n;
    hv_addrset **sets;
    size_t sets_cap, sets_n;
    hv_addr *tmp;
    size_t tmp_n, tmp_cap;
    fact *facts;
    size_t nfacts, facts_cap;
    const decl *unbound;         /* the zone that left a peer unresolved */
    bool failed;
} hv_ctx;

/* ---- address sets ---- */

/* Any address: the empty set, shared by every view. */
static const hv_addrset any_set = {NULL, 0, 0, 0};

static int range_cmp(const void *pa, const void *pb)
{
    const hv_addr *a = pa, *b = pb;
    int k = addr_cmp(a->lo, b->lo);
    return k ? k : addr_cmp(a->hi, b->hi);
}

static bool ranges_equal(const hv_addr *a, const hv_addr *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!addr_eq(a[i].lo, b[i].lo) || !addr_eq(a[i].hi, b[i].hi)) return false;
    return true;
}

static uint64_t fold(uint64_t h, addr a)
{
    h = (h ^ a.lo) * 1099511628211u;
    h = (h ^ a.hi) * 1099511628211u;
    return (h ^ a.fam) * 1099511628211u;
}

static uint64_t set_hash(const hv_addr *v, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) h = fold(fold(h, v[i].lo), v[i].hi);
    return h;
}

/* Does b start at or right after a's end (same family)? */
static bool touches(addr hi, addr lo)
{
    addr next;
    if (hi.fam != lo.fam) return false;
    return addr_cmp(lo, hi) <= 0 || (addr_add(hi, 1, &next) && addr_cmp(lo, next) <= 0);
}

static bool whole_family(const hv_addr *a)
{
    return addr_eq(a->lo, addr_first(a->lo, 0)) && addr_eq(a->hi, addr_last(a->lo, 0));
}

static void sets_rehash(hv_ctx *c)
{
    size_t cap = c->sets_cap ? c->sets_cap * 2 : 64;
    hv_addrset **t = arena_alloc(c->m->mem, cap * sizeof *t);
    for (size_t i = 0; i < c->sets_cap; i++) {
        hv_addrset *s = c->sets[i];
        if (!s) continue;
        size_t k = set_hash(s->v, s->n) & (cap - 1);
        while (t[k]) k = (k + 1) & (cap - 1);
        t[k] = s;
    }
    c->sets = t;
    c->sets_cap = cap;
}

/* Sort and merge the ranges gathered in c->tmp, and return the one set
 * object with that content. */
static const hv_addrset *intern_tmp(hv_ctx *c)
{
    size_t n = 0;
    if (c->tmp_n > 1) qsort(c->tmp, c->tmp_n, sizeof *c->tmp, range_cmp);
    for (size_t i = 0; i < c->tmp_n; i++) {
        if (n && touches(c->tmp[n - 1].hi, c->tmp[i].lo)) {
            if (addr_cmp(c->tmp[i].hi, c->tmp[n - 1].hi) > 0) c->tmp[n - 1].hi = c->tmp[i].hi;
            continue;
        }
        c->tmp[n++] = c->tmp[i];
    }
    /* 0.0.0.0/0 (or ::/0) alone is any address, as berth always read it. */
    if (n == 1 && whole_family(&c->tmp[0])) return &any_set;
    if (2 * (c->sets_n + 1) > c->sets_cap) sets_rehash(c);
    size_t k = set_hash(c->tmp, n) & (c->sets_cap - 1);
    for (; c->sets[k]; k = (k + 1) & (c->sets_cap - 1)) {
        const hv_addrset *s = c->sets[k];
        if (s->n == n && ranges_equal(s->v, c->tmp, n)) return s;
    }
    hv_addrset *s = arena_alloc(c->m->mem, sizeof *s);
    s->v = arena_alloc(c->m->mem, (n + 1) * sizeof *s->v);
    if (n) memcpy(s->v, c->tmp, n * sizeof *s->v);
    s->n = n;
    for (size_t i = 0; i < n; i++) s->fams |= addr_is_v6(s->v[i].lo) ? HV_V6 : HV_V4;
    s->id = ++c->sets_n;
    c->sets[k] = s;
    return s;
}

static void tmp_add(hv_ctx *c, addr lo, addr hi)
{
    c->tmp = arena_grow(c->m->mem, c->tmp, sizeof *c->tmp, &c->tmp_cap, c->tmp_n + 1);
    c->tmp[c->tmp_n++] = (hv_addr){lo, hi};
}

static void tmp_add_network(hv_ctx *c, const network *n)
{
    tmp_add(c, addr_first(n->addr, n->prefix), addr_last(n->addr, n->prefix));
}

/* The part of a set in one family: the set itself when it holds only that
 * family (so a single-family policy interns nothing new), else interned. */
static const hv_addrset *family_part(hv_ctx *c, const hv_addrset *s, int fam)
{
    unsigned bit = fam == ADDR_V6 ? HV_V6 : HV_V4;
    if (s->fams == 0 || s->fams == bit) return s;
    c->tmp_n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].lo.fam == fam) tmp_add(c, s->v[i].lo, s->v[i].hi);
    return intern_tmp(c);
}

/* ---- which instances a name of another system refers to ---- */

/* A role or zone of the flow's own system means the flow's instance; one
 * of another system means every instance of that system in the site. */
static bool instance_fits(const flow_row *r, const decl *target, const instance *in)
{
    if (target->system == r->inst->sys) return in == r->inst;
    return in->site == r->inst->site && in->sys == target->system;
}

/* ---- the host's side of a row ---- */

static bool host_runs(const host *h, const flow_row *r, const decl *role)
{
    for (int k = 0; k < h->nruns; k++)
        if (h->runs[k].role == role && instance_fits(r, role, h->runs[k].inst)) return true;
    return false;
}

static bool host_in_zone(const model *m, const host *h, const flow_row *r, const decl *zone)
{
    for (size_t i = 0; i < m->nnetworks; i++) {
        const network *n = &m->networks[i];
        if (n->zone != zone || !instance_fits(r, zone, n->inst)) continue;
        for (int k = 0; k < h->naddrs; k++)
            if (addr_in(n->addr, n->prefix, h->addrs[k])) return true;
    }
    return false;
}

/* A group is received by every host running a role of the flow's instance. */
static bool host_in_instance(const host *h, const instance *in)
{
    for (int k = 0; k < h->nruns; k++)
        if (h->runs[k].inst == in) return true;
    return false;
}

static bool host_is(const model *m, const host *h, const flow_row *r, const flow_end *e)
{
    switch (e->kind) {
    case EP_NAME:
        return e->target->kind == D_ROLE ? host_runs(h, r, e->target) : host_in_zone(m, h, r, e->target);
    case EP_ADDR:
        for (int k = 0; k < h->naddrs; k++)
            if (h->addrs[k].fam == e->lo.fam && addr_cmp(h->addrs[k], e->lo) >= 0 &&
                addr_cmp(h->addrs[k], e->hi) <= 0)
                return true;
        return false;
    case EP_GROUP: return host_in_instance(h, r->inst);
    case EP_ANY: return false;
    }
    return false;
}

/* ---- peers ---- */

static void add_role_hosts(hv_ctx *c, const flow_row *r, const decl *role)
{
    for (size_t i = 0; i < c->m->ninstances; i++) {
        const instance *in = c->m->instances[i];
        if (!instance_fits(r, role, in)) continue;
        size_t first, n = runs_hosts(&c->runs, in->index, role, &first);
        for (size_t k = 0; k < n; k++) {
            const host *h = c->runs.v[first + k].h;
            for (int j = 0; j < h->naddrs; j++) tmp_add(c, h->addrs[j], h->addrs[j]);
        }
    }
}

static bool add_zone_networks(hv_ctx *c, const flow_row *r, const decl *zone)
{
    bool found = false;
    for (size_t i = 0; i < c->m->nnetworks; i++) {
        const network *n = &c->m->networks[i];
        if (n->zone == zone && instance_fits(r, zone, n->inst)) {
            tmp_add_network(c, n);
            found = true;
        }
    }
    return found;
}

/* A role no host runs stands for the networks of the flow's zones; an
 * optional zone counts only where bound, a required one must be (else it
 * is kept in c->unbound for the message). */
static bool add_scope_networks(hv_ctx *c, const flow_row *r)
{
    c->unbound = NULL;
    for (const scope *s = r->decl->scopes; s; s = s->next)
        if (s->target && !add_zone_networks(c, r, s->target) && !s->optional && !c->unbound)
            c->unbound = s->target;
    return r->decl->scopes && !c->unbound;
}

/* The addresses of one side of a row: NULL when nothing is known. */
static const hv_addrset *resolve_peer(hv_ctx *c, const flow_row *r, const flow_end *e)
{
    c->tmp_n = 0;
    switch (e->kind) {
    case EP_ANY: return &any_set;
    case EP_ADDR:
    case EP_GROUP: tmp_add(c, e->lo, e->hi); break;
    case EP_NAME:
        if (e->target->kind == D_ROLE) {
            add_role_hosts(c, r, e->target);
            if (c->tmp_n == 0 && !add_scope_networks(c, r)) return NULL;
        } else if (!add_zone_networks(c, r, e->target)) {
            c->unbound = e->target;
            return NULL;
        }
        break;
    }
    return c->tmp_n ? intern_tmp(c) : NULL;
}

static uint64_t memo_hash(const void *ast, const instance *in)
{
    return ((uint64_t)(uintptr_t)ast * 0x9e3779b97f4a7c15u) ^ (uint64_t)in->index * 0xff51afd7ed558ccdu;
}

static memo_slot *memo_find(hv_ctx *c, const void *ast, const instance *in)
{
    if (2 * (c->memo_n + 1) > c->memo_cap) {
        size_t cap = c->memo_cap ? c->memo_cap * 2 : 256;
        memo_slot *t = arena_alloc(c->m->mem, cap * sizeof *t);
        for (size_t i = 0; i < c->memo_cap; i++) {
            if (!c->memo[i].used) continue;
            size_t k = memo_hash(c->memo[i].ast, c->memo[i].inst) & (cap - 1);
            while (t[k].used) k = (k + 1) & (cap - 1);
            t[k] = c->memo[i];
        }
        c->memo = t;
        c->memo_cap = cap;
    }
    size_t k = memo_hash(ast, in) & (c->memo_cap - 1);
    for (; c->memo[k].used; k = (k + 1) & (c->memo_cap - 1))
        if (c->memo[k].ast == ast && c->memo[k].inst == in) return &c->memo[k];
    return &c->memo[k];
}

static const char *end_name(const flow_end *e, const flow_row *r, char buf[ADDR_TEXT + 64])
{
    if (e->kind != EP_NAME) return addr_text(buf, e->lo, e->hi, e->prefix);
    if (e->target->system == r->inst->sys) return e->target->name;
    snprintf(buf, ADDR_TEXT + 64, "%s.%s", e->target->system->name, e->target->name);
    return buf;
}

static void report_unknown(hv_ctx *c, const flow_row *r, const flow_end *e, severity sev)
{
    char b[ADDR_TEXT + 64], why[256];
    const decl *z = c->unbound;
    if (e->target->kind == D_ZONE)
        snprintf(why, sizeof why, "no network of the site is bound to it");
    else if (z)
        snprintf(why, sizeof why, "no host runs it, and zone '%s' of the flow is bound to no network",
                 z->name);
    else
        snprintf(why, sizeof why, "no host runs it, and the flow names no zone");
    diag *d = diag_report(c->o->diags, sev, CK_UNKNOWN_PEER, e->ast->where,
                          "%s '%s' of %s has no address in site '%s': %s",
                          e->target->kind == D_ROLE ? "role" : "zone", end_name(e, r, b),
                          check_service_name(c->m, r), c->site->name, why);
    if (z || e->target->kind == D_ZONE)
        diag_add_note(c->o->diags, d, (loc){0},
                      "bind it in the site ('network %s.%s CIDR;'), or give gen fw "
                      "-D unknown_peer=any to accept any address on purpose",
                      r->inst->name, (z ? z : e->target)->name);
    check_tag(d, r, NULL, NULL);
}

/* The peer set of a row's side, resolved once per (endpoint, instance). */
static memo_slot *memo_slot_of(hv_ctx *c, const flow_end *e, const instance *in)
{
    memo_slot *s = memo_find(c, e->ast, in);
    if (!s->used) {
        *s = (memo_slot){e->ast, in, NULL, NULL, 0, true, false, false};
        c->memo_n++;
    }
    return s;
}

static const hv_addrset *peer(hv_ctx *c, const flow_row *r, const flow_end *e)
{
    memo_slot *s = memo_slot_of(c, e, r->inst);
    if (s->set_done) return s->set ? s->set : c->o->unknown_peer_any ? &any_set : NULL;
    s->set = resolve_peer(c, r, e);
    s->set_done = true;
    if (s->set) return s->set;
    if (c->o->unknown_peer_any) return &any_set;
    report_unknown(c, r, e, c->o->unknown_sev);
    if (c->o->unknown_sev == SEV_ERROR) c->failed = true;
    return NULL;
}

/* ---- facts ---- */

static void push_fact(hv_ctx *c, const fact *f)
{
    c->facts = arena_grow(c->m->mem, c->facts, sizeof *c->facts, &c->facts_cap, c->nfacts + 1);
    c->facts[c->nfacts] = *f;
    c->facts[c->nfacts].seq = c->nfacts;
    c->nfacts++;
}

/* `ephemeral` ports on this host's own side are this host's range; the
 * peer's side keeps the range elaboration resolved for the row. */
static void own_ephemeral(const host *h, bool mine, uint16_t *lo, uint16_t *hi)
{
    if (!mine || !h->eph_lo) return;
    *lo = (uint16_t)h->eph_lo;
    *hi = (uint16_t)h->eph_hi;
}

/* One fact per port of an `even` or `odd` range (a firewall lists them;
 * elab bounds them by MODEL_MAX_STRIDE). A source stride is listed only
 * when the destination has none; else its hull is opened.
 * An alias (`service dante is dante.audio_control`) on a host that runs
 * its target's system is the target's service there: one listener, one
 * rule set, whichever system describes it. */
static void add_fact_fam(hv_ctx *c, const host *h, const flow_row *r, bool out, int fam,
                         const hv_addrset *s, const hv_addrset *d)
{
    const decl *svc = r->decl->service;
    const instance *in = svc->alias_of ? runs_instance_of(h, svc->alias_of->system) : NULL;
    fact f = {h, out, d != &any_set && r->dst.kind == EP_GROUP, r->proto, (uint8_t)fam, s, d,
              r->slo, r->shi, r->lo, r->hi, r, in ? in : r->inst, in ? svc->alias_of : svc, 0,
              r->ipproto, r->icmp_type};
    if (r->flags & ROW_EPHEMERAL) own_ephemeral(h, !out, &f.lo, &f.hi);
    if (r->flags & ROW_SEPHEMERAL) own_ephemeral(h, out, &f.slo, &f.shi);
    if (r->stride) {
        for (unsigned p = f.lo; p <= r->hi; p += 2) {
            f.lo = f.hi = (uint16_t)p;
            push_fact(c, &f);
        }
    } else if (r->sstride) {
        for (unsigned p = f.slo; p <= r->shi; p += 2) {
            f.slo = f.shi = (uint16_t)p;
            push_fact(c, &f);
        }
    } else {
        push_fact(c, &f);
    }
}

/* One fact per family the host has that both sides allow: an IPv4 peer
 * never reaches an IPv6 address, and `any` stands for each family. */
static void add_fact(hv_ctx *c, const host *h, const flow_row *r, bool out, const hv_addrset *s,
                     const hv_addrset *d)
{
    for (int k = 0; k < h->naddrs; k++) {
        int fam = h->addrs[k].fam;
        unsigned bit = fam == ADDR_V6 ? HV_V6 : HV_V4;
        if ((s->fams && !(s->fams & bit)) || (d->fams && !(d->fams & bit))) continue;
        /* ICMP is IPv4's and ICMPv6 IPv6's: no IPv6 rule for icmp, and no
         * IPv4 rule for icmpv6 on a host with an IPv6 address (an
         * IPv4-only host keeps the IPv4 rule it always had). */
        if ((r->ipproto == 1 && fam == ADDR_V6) ||
            (r->ipproto == 58 && fam == ADDR_V4 && h->naddrs > 1))
            continue;
        add_fact_fam(c, h, r, out, fam, family_part(c, s, fam), family_part(c, d, fam));
    }
}

/* The site's hosts on one side of a row, found once per (endpoint,
 * instance), so a row costs the hosts it reaches, not every host. */
static const host **side_hosts(hv_ctx *c, const flow_row *r, const flow_end *e, size_t *n)
{
    memo_slot *s = memo_slot_of(c, e, r->inst);
    if (!s->hosts_done) {
        const host **v = arena_alloc(c->m->mem, (c->nhosts + 1) * sizeof *v);
        size_t k = 0;
        for (size_t i = 0; i < c->nhosts; i++)
            if (host_is(c->m, c->hosts[i], r, e)) v[k++] = c->hosts[i];
        s->hosts = v;
        s->nhosts = k;
        s->hosts_done = true;
    }
    *n = s->nhosts;
    return s->hosts;
}

static void row_facts(hv_ctx *c, const flow_row *r)
{
    bool mc = r->dst.kind == EP_GROUP;
    size_t n;
    const host **to = side_hosts(c, r, &r->dst, &n);
    for (size_t i = 0; i < n; i++) {
        const hv_addrset *s = peer(c, r, &r->src);
        if (s) add_fact(c, to[i], r, false, s, mc ? peer(c, r, &r->dst) : &any_set);
    }
    const host **from = side_hosts(c, r, &r->src, &n);
    for (size_t i = 0; i < n; i++) {
        const hv_addrset *d = peer(c, r, &r->dst);
        if (d) add_fact(c, from[i], r, true, &any_set, d);
    }
}

/* ---- an alias and its target: one rule set ---- */

/* Does a hold every address of b? Both sorted and merged; n == 0 is any. */
static bool set_contains(const hv_addrset *a, const hv_addrset *b)
{
    if (a->n == 0 || a == b) return true;
    if (b->n == 0) return false;
    size_t i = 0;
    for (size_t j = 0; j < b->n; j++) {
        while (i < a->n && addr_cmp(a->v[i].hi, b->v[j].lo) < 0) i++;
        if (i == a->n || addr_cmp(a->v[i].lo, b->v[j].lo) > 0 ||
            addr_cmp(a->v[i].hi, b->v[j].hi) < 0)
            return false;
    }
    return true;
}

/* Facts that may cover each other: one host, service, direction, protocol
 * and source ports. */
static int cover_group_cmp(const fact *a, const fact *b)
{
    if (a->h->index != b->h->index) return a->h->index < b->h->index ? -1 : 1;
    if (a->sinst->index != b->sinst->index) return a->sinst->index < b->sinst->index ? -1 : 1;
    if (a->svc->index != b->svc->index) return a->svc->index < b->svc->index ? -1 : 1;
    if (a->out != b->out) return a->out ? 1 : -1;
    if (a->mc != b->mc) return a->mc ? 1 : -1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->fam != b->fam) return a->fam < b->fam ? -1 : 1;
    if (a->slo != b->slo) return a->slo < b->slo ? -1 : 1;
    return (a->shi > b->shi) - (a->shi < b->shi);
}

static int cover_cmp(const void *pa, const void *pb)
{
    const fact *a = pa, *b = pb;
    int k = cover_group_cmp(a, b);
    return k ? k : (a->lo > b->lo) - (a->lo < b->lo);
}

static bool covers(const fact *t, const fact *a)
{
    return t->out ? t->s == a->s && set_contains(t->d, a->d)
                  : t->d == a->d && set_contains(t->s, a->s);
}

static void add_piece(hv_ctx *c, size_t i, bool *first, uint16_t lo, uint16_t hi)
{
    if (*first) {
        c->facts[i].lo = lo;
        c->facts[i].hi = hi;
        *first = false;
        return;
    }
    fact f = c->facts[i];
    f.lo = lo;
    f.hi = hi;
    f.seq = c->nfacts;
    c->facts = arena_grow(c->m->mem, c->facts, sizeof *c->facts, &c->facts_cap, c->nfacts + 1);
    c->facts[c->nfacts++] = f;
}

/* The ports of fact i (an alias joined to its target on this host) that
 * the target's facts t[k0..) already allow, with the same or more peers,
 * are dropped: on a host running both, an alias adds no duplicate rule. */
static void trim_alias_fact(hv_ctx *c, size_t i, const fact *t, size_t nt, size_t k)
{
    fact a = c->facts[i];
    bool first = true;
    int cur = a.lo;
    for (; k < nt && cover_group_cmp(&t[k], &a) == 0 && t[k].lo <= a.hi; k++) {
        if (t[k].hi < cur || !covers(&t[k], &a)) continue;
        if (t[k].lo > cur) add_piece(c, i, &first, (uint16_t)cur, (uint16_t)(t[k].lo - 1));
        cur = t[k].hi + 1;
        if (cur > a.hi) break;
    }
    if (cur <= a.hi) add_piece(c, i, &first, (uint16_t)cur, a.hi);
    if (first) c->facts[i].h = NULL;             /* wholly covered: removed below */
}

/* The targets' facts sorted by group and start; each joined alias fact
 * finds its group by binary search and walks only the target facts of that
 * group (one service on one host), never the whole table. */
static void trim_alias_facts(hv_ctx *c)
{
    size_t n = c->nfacts, nt = 0;
    fact *t = arena_alloc(c->m->mem, (n + 1) * sizeof *t);
    bool any_alias = false;
    for (size_t i = 0; i < n; i++) {
        const decl *svc = c->facts[i].row->decl->service;
        if (svc->aliased) t[nt++] = c->facts[i];
        any_alias |= svc != c->facts[i].svc;
    }
    if (!any_alias || !nt) return;
    qsort(t, nt, sizeof *t, cover_cmp);
    for (size_t i = 0; i < n; i++) {
        if (c->facts[i].row->decl->service == c->facts[i].svc || !c->facts[i].lo) continue;
        size_t lo = 0, hi = nt;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cover_group_cmp(&t[mid], &c->facts[i]) < 0) lo = mid + 1;
            else hi = mid;
        }
        trim_alias_fact(c, i, t, nt, lo);
    }
    size_t w = 0;
    for (size_t i = 0; i < c->nfacts; i++)
        if (c->facts[i].h) c->facts[w++] = c->facts[i];
    c->nfacts = w;
}

/* ---- grouping facts into rules ---- */

static int key_cmp(const fact *a, const fact *b)
{
    if (a->h->index != b->h->index) return a->h->index < b->h->index ? -1 : 1;
    if (a->out != b->out) return a->out ? 1 : -1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->ipproto != b->ipproto) return a->ipproto < b->ipproto ? -1 : 1;
    if (a->icmp_type != b->icmp_type) return a->icmp_type < b->icmp_type ? -1 : 1;
    if (a->mc != b->mc) return a->mc ? 1 : -1;
    if (a->fam != b->fam) return a->fam < b->fam ? -1 : 1;
    if (a->s->id != b->s->id) return a->s->id < b->s->id ? -1 : 1;
    if (a->d->id != b->d->id) return a->d->id < b->d->id ? -1 : 1;
    if (a->slo != b->slo) return a->slo < b->slo ? -1 : 1;
    return (a->shi > b->shi) - (a->shi < b->shi);
}

static int fact_cmp(const void *pa, const void *pb)
{
    const fact *a = pa, *b = pb;
    int k = key_cmp(a, b);
    if (k) return k;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int svc_cmp(const fact *a, const fact *b)
{
    if (a->h->index != b->h->index) return a->h->index < b->h->index ? -1 : 1;
    if (a->sinst->index != b->sinst->index) return a->sinst->index < b->sinst->index ? -1 : 1;
    int x = a->svc->index, y = b->svc->index;
    return (x > y) - (x < y);
}

static int fact_svc_cmp(const void *pa, const void *pb)
{
    int k = svc_cmp(pa, pb);
    return k ? k : fact_cmp(pa, pb);
}

/* Source order of the flows behind a rule: file, line, column, instance. */
static int why_cmp(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    const loc *x = &a->decl->where, *y = &b->decl->where;
    int c = loc_cmp(*x, *y);
    if (c) return c;
    return (a->inst->index > b->inst->index) - (a->inst->index < b->inst->index);
}

static int service_cmp(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->inst->index != b->inst->index) return a->inst->index < b->inst->index ? -1 : 1;
    int x = a->decl->service->index, y = b->decl->service->index;
    return (x > y) - (x < y);
}

static bool same_service(const flow_row *a, const flow_row *b)
{
    return a->inst == b->inst && a->decl->service == b->decl->service;
}

static bool same_flow(const flow_row *a, const flow_row *b)
{
    return a->decl == b->decl && a->inst == b->inst;
}

/* One rule from facts [f, f + n), which share a key and are sorted by lo. */
static hv_rule make_rule(hv_ctx *c, const fact *f, size_t n)
{
    hv_rule r = {f->out, f->mc, f->proto, f->fam, f->s, f->d, NULL, NULL, 0, 0, NULL, 0, NULL, 0,
                 NULL, 0, f->ipproto, f->icmp_type, false, false};
    arena *mem = c->m->mem;
    if (f->slo) {
        r.sports = arena_alloc(mem, sizeof *r.sports);
        r.sports[0] = (hv_ports){f->slo, f->shi};
        r.nsports = 1;
    }
    bool any_port = false;
    for (size_t i = 0; i < n; i++) any_port |= f[i].lo == 0;
    r.dports = arena_alloc(mem, (n + 1) * sizeof *r.dports);
    for (size_t i = 0; i < n && !any_port; i++) {
        hv_ports *last = r.ndports ? &r.dports[r.ndports - 1] : NULL;
        if (last && f[i].lo <= (uint32_t)last->hi + 1) {
            if (f[i].hi > last->hi) last->hi = f[i].hi;
        } else {
            r.dports[r.ndports++] = (hv_ports){f[i].lo, f[i].hi};
        }
    }
    r.why = arena_alloc(mem, n * sizeof *r.why);
    r.svcs = arena_alloc(mem, n * sizeof *r.svcs);
    r.rows = arena_alloc(mem, n * sizeof *r.rows);
    for (size_t i = 0; i < n; i++) {
        r.why[i] = r.svcs[i] = r.rows[i] = f[i].row;
        r.dynamic |= (f[i].row->flags & (ROW_DYNAMIC | ROW_SDYNAMIC)) != 0;
        r.ephemeral |= (f[i].row->flags & (ROW_EPHEMERAL | ROW_SEPHEMERAL)) != 0;
    }
    r.nrows = n;
    qsort(r.why, n, sizeof *r.why, why_cmp);
    for (size_t i = 0; i < n; i++)
        if (!r.nwhy || !same_flow(r.why[r.nwhy - 1], r.why[i])) r.why[r.nwhy++] = r.why[i];
    qsort(r.svcs, n, sizeof *r.svcs, service_cmp);
    for (size_t i = 0; i < n; i++)
        if (!r.nsvcs || !same_service(r.svcs[r.nsvcs - 1], r.svcs[i])) r.svcs[r.nsvcs++] = r.svcs[i];
    return r;
}

/* Rules of facts [f, f + n), all of one host (and service). */
static hv_rule *make_rules(hv_ctx *c, const fact *f, size_t n, size_t *nrules)
{
    hv_rule *v = arena_alloc(c->m->mem, (n + 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && key_cmp(&f[i], &f[j]) == 0; j++) {}
        v[k++] = make_rule(c, f + i, j - i);
    }
    *nrules = k;
    return v;
}

static void build_services(hv_ctx *c, host_view *v, const fact *f, size_t n)
{
    v->services = arena_alloc(c->m->mem, (n + 1) * sizeof *v->services);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && svc_cmp(&f[i], &f[j]) == 0; j++) {}
        hv_service *s = &v->services[v->nservices++];
        s->first = f[i].row;
        /* Named by the target's own row when an alias joined it. */
        for (size_t k = i; k < j; k++)
            if (f[k].row->decl->service == f[k].svc) {
                s->first = f[k].row;
                break;
            }
        s->rules = make_rules(c, f + i, j - i, &s->nrules);
    }
}

bool hostview_build(const model *m, const site_decl *site, const hv_options *o, host_view **out,
                    size_t *nout)
{
    hv_ctx c = {0};
    c.m = m;
    c.site = site;
    c.o = o;
    c.runs = runs_index(m);
    host **hosts = c.hosts = arena_alloc(m->mem, (m->nhosts + 1) * sizeof *hosts);
    size_t nhosts = 0;
    for (size_t i = 0; i < m->nhosts; i++)
        if (m->hosts[i]->site == site) hosts[nhosts++] = m->hosts[i];
    c.nhosts = nhosts;
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (r->inst->site == site && !r->decl->local) row_facts(&c, r);
    }
    trim_alias_facts(&c);
    host_view *views = arena_alloc(m->mem, (nhosts + 1) * sizeof *views);
    if (c.nfacts > 1) qsort(c.facts, c.nfacts, sizeof *c.facts, fact_cmp);
    fact *by_svc = arena_alloc(m->mem, (c.nfacts + 1) * sizeof *by_svc);
    /* A site whose hosts get no rule has no facts: an empty array, not
     * NULL, so the per-host slices below are valid pointers. */
    if (!c.facts) c.facts = arena_alloc(m->mem, sizeof *c.facts);
    memcpy(by_svc, c.facts, c.nfacts * sizeof *by_svc);
    if (c.nfacts > 1) qsort(by_svc, c.nfacts, sizeof *by_svc, fact_svc_cmp);
    size_t a = 0, b = 0;
    for (size_t i = 0; i < nhosts; i++) {
        host_view *v = &views[i];
        v->h = hosts[i];
        size_t a0 = a, b0 = b;
        while (a < c.nfacts && c.facts[a].h == hosts[i]) a++;
        while (b < c.nfacts && by_svc[b].h == hosts[i]) b++;
        v->rules = make_rules(&c, c.facts + a0, a - a0, &v->nrules);
        build_services(&c, v, by_svc + b0, b - b0);
        for (size_t k = 0; k < v->nrules; k++) v->multicast |= v->rules[k].multicast && !v->rules[k].out;
    }
    *out = views;
    *nout = nhosts;
    return !c.failed;
}

/* A site that binds no network describes no addresses: it is there for the
 * bind checks, and only gen fw needs its peers (and says so). */
static bool site_binds_networks(const model *m, const site_decl *s)
{
    for (size_t i = 0; i < m->nnetworks; i++)
        if (m->networks[i].inst->site == s) return true;
    return false;
}

void hostview_check_peers(model *m)
{
    hv_options o = {false, SEV_WARNING, m->diags};
    run_index runs = runs_index(m);
    for (site_decl *s = m->prog->sites; s; s = s->next) {
        if (!site_binds_networks(m, s)) continue;
        hv_ctx c = {0};
        c.m = m;
        c.site = s;
        c.o = &o;
        c.runs = runs;
        for (size_t i = 0; i < m->nrows; i++) {
            const flow_row *r = &m->rows[i];
            if (r->inst->site != s || r->decl->local) continue;
            (void)peer(&c, r, &r->src);
            (void)peer(&c, r, &r->dst);
        }
    }
}

/* ---- text of addresses and names ---- */

void hv_cidrs(hv_addr a, void (*fn)(void *ctx, const char *cidr), void *ctx)
{
    addr lo = a.lo;
    int width = addr_bits(lo);
    for (;;) {
        int p = 0;                  /* the shortest prefix starting at lo inside the range */
        while (p < width && (!addr_eq(addr_first(lo, p), lo) || addr_cmp(addr_last(lo, p), a.hi) > 0))
            p++;
        char t[ADDR_TEXT], out[ADDR_TEXT + 8];
        snprintf(out, sizeof out, "%s/%d", addr_str(t, lo), p);
        fn(ctx, out);
        addr last = addr_last(lo, p);
        if (addr_cmp(last, a.hi) >= 0 || !addr_add(last, 1, &lo)) break;
    }
}

/* ---- the view as data ---- */

typedef struct {
    const hv_sink *s;
    void *ctx;
} walker;

static void w_str(walker *w, const char *k, const char *v)
{
    w->s->key(w->ctx, k);
    w->s->str(w->ctx, v ? v : "");
}

static void w_num(walker *w, const char *k, long long v)
{
    w->s->key(w->ctx, k);
    w->s->num(w->ctx, v);
}

static void w_bool(walker *w, const char *k, bool v)
{
    w->s->key(w->ctx, k);
    w->s->boolean(w->ctx, v);
}

static void w_open(walker *w, const char *k, bool array)
{
    if (k) w->s->key(w->ctx, k);
    w->s->begin(w->ctx, array);
}

static void w_close(walker *w, bool array) { w->s->end(w->ctx, array); }

static void put_cidr(void *ctx, const char *cidr)
{
    walker *w = ctx;
    w->s->str(w->ctx, cidr);
}

static void walk_addrs(walker *w, const char *k, const hv_addrset *set)
{
    w_open(w, k, true);
    for (size_t i = 0; i < set->n; i++) hv_cidrs(set->v[i], put_cidr, w);
    w_close(w, true);
}

static void walk_ports(walker *w, const char *k, const hv_ports *v, size_t n)
{
    w_open(w, k, true);
    for (size_t i = 0; i < n; i++) {
        w_open(w, NULL, false);
        w_num(w, "lo", v[i].lo);
        w_num(w, "hi", v[i].hi);
        w_close(w, false);
    }
    w_close(w, true);
}

/* "dante.audio_control": the target an alias names. */
static const char *same_name(const model *m, const decl *svc)
{
    size_t n = strlen(svc->system->name) + strlen(svc->name) + 2;
    char *s = arena_alloc(m->mem, n);
    snprintf(s, n, "%s.%s", svc->system->name, svc->name);
    return s;
}

static void walk_rule(const model *m, walker *w, const hv_rule *r)
{
    w_open(w, NULL, false);
    w_str(w, "direction", r->out ? "out" : "in");
    char pt[PROTO_TEXT];
    w_str(w, "proto", proto_text(pt, r->ipproto));
    if (r->proto == PROTO_IP) {  /* tcp and udp rules keep their old shape */
        w_num(w, "protocol", r->ipproto);
        if (r->icmp_type >= 0) w_num(w, "icmp_type", r->icmp_type);
    }
    w_str(w, "family", r->fam == ADDR_V6 ? "ipv6" : "ipv4");
    walk_addrs(w, "saddrs", r->saddrs);
    walk_addrs(w, "daddrs", r->daddrs);
    w_bool(w, "multicast", r->multicast);
    walk_ports(w, "sports", r->sports, r->nsports);
    walk_ports(w, "dports", r->dports, r->ndports);
    /* Only when set, so views of policies without these forms are unchanged. */
    if (r->dynamic) w_bool(w, "dynamic", true);
    if (r->ephemeral) w_bool(w, "ephemeral", true);
    w_open(w, "services", true);
    for (size_t i = 0; i < r->nsvcs; i++) w->s->str(w->ctx, check_service_name(m, r->svcs[i]));
    w_close(w, true);
    w_open(w, "why", true);
    for (size_t i = 0; i < r->nwhy; i++) {
        const flow_row *f = r->why[i];
        w_open(w, NULL, false);
        w_str(w, "service", check_service_name(m, f));
        w_str(w, "description", f->decl->service->desc);
        const decl *same = f->decl->service->alias_of;
        if (same) w_str(w, "same_as", same_name(m, same));
        w_str(w, "file", f->decl->where.src->name);
        w_num(w, "line", loc_line(f->decl->where));
        w_close(w, false);
    }
    w_close(w, true);
    w_close(w, false);
}

static void walk_rules(const model *m, walker *w, const hv_rule *v, size_t n)
{
    w_open(w, "rules", true);
    for (size_t i = 0; i < n; i++) walk_rule(m, w, &v[i]);
    w_close(w, true);
}

static void walk_host(walker *w, const host *h)
{
    char a[ADDR_TEXT];
    w_open(w, "host", false);
    w_str(w, "name", h->decl->name);
    w_str(w, "address", addr_str(a, h->addrs[0]));
    if (h->naddrs > 1) w_str(w, "address6", addr_str(a, h->addrs[1]));
    w_str(w, "os", h->os == OS_WINDOWS ? "windows" : h->os == OS_LINUX ? "linux" : "");
    if (h->eph_lo) {
        w_open(w, "ephemeral", false);
        w_num(w, "lo", h->eph_lo);
        w_num(w, "hi", h->eph_hi);
        w_close(w, false);
    }
    w_open(w, "roles", true);
    for (int k = 0; k < h->nruns; k++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s.%s", h->runs[k].inst->name, h->runs[k].role->name);
        w->s->str(w->ctx, buf);
    }
    w_close(w, true);
    w_close(w, false);
}

static void walk_service(const model *m, walker *w, const hv_service *s)
{
    const flow_row *r = s->first;
    w_open(w, NULL, false);
    w_str(w, "name", check_service_name(m, r));
    w_str(w, "system", r->inst->sys->name);
    w_str(w, "instance", r->inst->name);
    w_str(w, "service", r->decl->service->name);
    w_str(w, "description", r->decl->service->desc);
    walk_rules(m, w, s->rules, s->nrules);
    w_close(w, false);
}

void hostview_walk(const model *m, const host_view *v, const hv_extra *x, const hv_sink *s, void *ctx)
{
    walker w = {s, ctx};
    const site_decl *site = v->h->site;
    w_open(&w, NULL, false);
    w_str(&w, "banner", x->banner);
    w_open(&w, "site", false);
    w_str(&w, "name", site->name);
    w_str(&w, "description", site->desc);
    w_close(&w, false);
    walk_host(&w, v->h);
    w_open(&w, "options", false);
    for (size_t i = 0; i < x->nopts; i++) w_str(&w, x->opt_keys[i], x->opt_values[i]);
    w_close(&w, false);
    w_bool(&w, "multicast", v->multicast);
    walk_rules(m, &w, v->rules, v->nrules);
    w_open(&w, "services", true);
    for (size_t i = 0; i < v->nservices; i++) walk_service(m, &w, &v->services[i]);
    w_close(&w, true);
    w_close(&w, false);
}
