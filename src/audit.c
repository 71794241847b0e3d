/* audit.c: berth audit. Takes the checked model, one host of a site and the
 * sockets that host really has (sockets.c); gives findings in their own
 * sink: a socket listening on the network on a port the policy does not
 * declare (error), a declared port nothing listens on (note), a listener in
 * the ephemeral range (warning), a loopback-only listener (info), and the
 * multicast groups joined against those the host should receive. What the
 * host declares comes from the firewall's host view, plus its `local`
 * flows, which the firewall leaves closed but which still bind ports. */
#include "audit.h"
#include "proto.h"
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "hostview.h"
#include "strbuf.h"

/* A port range the policy says this host binds. */
typedef struct {
    uint8_t proto;
    uint16_t lo, hi;
    bool listen;                 /* a listening port (not a fixed source range or "any") */
    const flow_row *row;         /* the flow that declares it */
} declared;

typedef struct {
    addr lo, hi;
    const flow_row *row;
} expected_group;

typedef struct {
    model *m;
    diag_sink *out;
    const host *h;
    const site_decl *site;
    declared *decl;
    size_t ndecl, decl_cap;
    uint16_t *max_hi;            /* per declared, sorted: the largest hi up to it */
    expected_group *groups;
    size_t ngroups, groups_cap;
    addr *group_max_hi;          /* per sorted group: the largest hi up to it */
    listener **open;             /* listeners reachable from the network, by (proto, port) */
    size_t nopen;
} audit_ctx;

static void add_declared(audit_ctx *c, uint8_t proto, uint16_t lo, uint16_t hi, bool listen,
                         const flow_row *row)
{
    c->decl = arena_grow(c->m->mem, c->decl, sizeof *c->decl, &c->decl_cap, c->ndecl + 1);
    c->decl[c->ndecl++] = (declared){proto, lo, hi, listen, row};
}

/* The groups an accepted multicast rule expects the host to join. */
static void declare_groups(audit_ctx *c, const hv_rule *r, const flow_row *row)
{
    for (size_t a = 0; !r->out && r->multicast && a < r->daddrs->n; a++) {
        c->groups = arena_grow(c->m->mem, c->groups, sizeof *c->groups, &c->groups_cap,
                               c->ngroups + 1);
        c->groups[c->ngroups++] = (expected_group){r->daddrs->v[a].lo, r->daddrs->v[a].hi, row};
    }
}

/* The host view's rules, per service so every range keeps its flow. */
static void declare_view(audit_ctx *c, const host_view *v)
{
    for (size_t i = 0; i < v->nservices; i++)
        for (size_t k = 0; k < v->services[i].nrules; k++) {
            const hv_rule *r = &v->services[i].rules[k];
            const flow_row *row = r->why[0];
            /* A protocol without ports has raw sockets, not listeners; its
             * group (VRRP's 224.0.0.18) is still joined, except IGMP's,
             * which IGMP itself is the means of joining. */
            if (r->proto == PROTO_IP) {
                if (r->ipproto != IPPROTO_NUM_IGMP) declare_groups(c, r, row);
                continue;
            }
            if (!r->out && r->ndports == 0)
                add_declared(c, r->proto, 1, 65535, false, row);
            for (size_t p = 0; !r->out && p < r->ndports; p++)
                add_declared(c, r->proto, r->dports[p].lo, r->dports[p].hi, true, row);
            /* A fixed source range is bound too (a UDP sender shows as UNCONN). */
            for (size_t p = 0; r->out && p < r->nsports; p++)
                add_declared(c, r->proto, r->sports[p].lo, r->sports[p].hi, false, row);
            declare_groups(c, r, row);
        }
}

static bool host_runs(const host *h, const flow_row *r, const decl *role)
{
    for (int i = 0; i < h->nruns; i++) {
        const role_run *run = &h->runs[i];
        if (run->role != role) continue;
        if (run->inst == r->inst || role->system != r->inst->sys) return true;
    }
    return false;
}

/* `local` flows never reach the firewall, but the host still binds them. */
static void declare_local(audit_ctx *c)
{
    for (size_t i = 0; i < c->m->nrows; i++) {
        const flow_row *r = &c->m->rows[i];
        if (!r->decl->local || r->inst->site != c->site || !r->lo) continue;
        const flow_end *e = &r->dst;
        if (e->kind == EP_NAME && e->target->kind == D_ROLE && host_runs(c->h, r, e->target))
            add_declared(c, r->proto, r->lo, r->hi, true, r);
    }
}

static int declared_cmp(const void *pa, const void *pb)
{
    const declared *a = pa, *b = pb;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    return (a->listen < b->listen) - (a->listen > b->listen);
}

static void index_declared(audit_ctx *c)
{
    if (c->ndecl > 1) qsort(c->decl, c->ndecl, sizeof *c->decl, declared_cmp);
    c->max_hi = arena_alloc(c->m->mem, (c->ndecl + 1) * sizeof *c->max_hi);
    for (size_t i = 0; i < c->ndecl; i++) {
        bool same = i > 0 && c->decl[i - 1].proto == c->decl[i].proto;
        uint16_t prev = same ? c->max_hi[i - 1] : 0;
        c->max_hi[i] = c->decl[i].hi > prev ? c->decl[i].hi : prev;
    }
}

/* A declared range holding (proto, port), or NULL: binary search for the
 * last range starting at or below the port, then back while a range
 * before it could still reach it. */
static const declared *declared_at(const audit_ctx *c, uint8_t proto, uint16_t port)
{
    size_t lo = 0, hi = c->ndecl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const declared *d = &c->decl[mid];
        if (d->proto < proto || (d->proto == proto && d->lo <= port)) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        const declared *d = &c->decl[i];
        if (d->proto != proto || c->max_hi[i] < port) break;
        if (d->hi >= port) return d;
    }
    return NULL;
}

static bool in_ephemeral(const host *h, uint16_t port)
{
    return h->eph_lo && port >= h->eph_lo && port <= h->eph_hi;
}

static const char *os_word(const host *h)
{
    return h->os == OS_WINDOWS ? "Windows " : h->os == OS_LINUX ? "Linux " : "";
}

static const char *process_text(arena *a, const listener *l)
{
    if (!l->process) return "";
    size_t n = strlen(l->process) + 7;
    char *s = arena_alloc(a, n);
    snprintf(s, n, " (by %s)", l->process);
    return s;
}

static void tag_host(audit_ctx *c, diag *d)
{
    d->host = c->h->decl;
    d->site = c->site;
}

static int listener_cmp(const void *pa, const void *pb)
{
    const listener *a = pa, *b = pb;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->port != b->port) return a->port < b->port ? -1 : 1;
    if (a->loopback != b->loopback) return a->loopback ? 1 : -1;
    if (a->family != b->family) return a->family < b->family ? -1 : 1;
    int k = memcmp(a->addr, b->addr, sizeof a->addr);
    if (k) return k;
    int la = loc_line(a->where), lb = loc_line(b->where);
    return (la > lb) - (la < lb);
}

static bool same_socket(const listener *a, const listener *b)
{
    return a->proto == b->proto && a->port == b->port && a->family == b->family &&
           memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* One port's listeners (the network-reachable ones first): one finding. */
static void audit_port(audit_ctx *c, listener *l, size_t n)
{
    arena *a = c->m->mem;
    const char *proto = check_proto_name(l->proto), *host = c->h->decl->name;
    const declared *d = declared_at(c, l->proto, l->port);
    diag *f;
    if (l->loopback) {
        f = diag_report(c->out, SEV_INFO, CK_LOOPBACK_LISTENER, l->where,
                        "%s %u listens on %s%s only: the network cannot reach it%s", proto,
                        l->port, l->addr_text, process_text(a, l),
                        d && d->listen ? ", although the policy declares it for the network" : "");
        tag_host(c, f);
        return;
    }
    c->open[c->nopen++] = l;
    bool eph = in_ephemeral(c->h, l->port);
    if (!d) {
        f = diag_report(c->out, SEV_ERROR, CK_UNDECLARED_LISTENER, l->where,
                        "%s %u listens on %s%s, but the policy declares no %s %u for host '%s'",
                        proto, l->port, l->addr_text, process_text(a, l), proto, l->port, host);
    } else if (eph) {
        f = diag_report(c->out, SEV_WARNING, CK_EPHEMERAL_RANGE, l->where,
                        "%s %u listens on %s%s, inside host '%s''s %sephemeral range %d-%d: "
                        "outgoing connections may take the port first",
                        proto, l->port, l->addr_text, process_text(a, l), host, os_word(c->h),
                        c->h->eph_lo, c->h->eph_hi);
        check_tag(f, d->row, NULL, c->h);
    } else {
        return;
    }
    tag_host(c, f);
    for (size_t i = 1; i < n && !l[i].loopback; i++)
        diag_add_note(c->out, f, l[i].where, "also listening on %s%s", l[i].addr_text,
                      process_text(a, &l[i]));
    if (!d && eph)
        diag_add_note(c->out, f, (loc){0}, "the port is inside the host's %sephemeral range %d-%d",
                      os_word(c->h), c->h->eph_lo, c->h->eph_hi);
}

static void audit_listeners(audit_ctx *c, socket_table *t)
{
    if (t->n > 1) qsort(t->v, t->n, sizeof *t->v, listener_cmp);
    /* SO_REUSEPORT gives one row per socket: one address is one listener. */
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (k == 0 || !same_socket(&t->v[k - 1], &t->v[i])) t->v[k++] = t->v[i];
    t->n = k;
    c->open = arena_alloc(c->m->mem, (t->n + 1) * sizeof *c->open);
    for (size_t i = 0, j; i < t->n; i = j) {
        for (j = i + 1; j < t->n && t->v[j].proto == t->v[i].proto && t->v[j].port == t->v[i].port;
             j++) {}
        audit_port(c, &t->v[i], j - i);
    }
}

/* Is some network-reachable listener of proto inside lo-hi? c->open is
 * sorted by (proto, port). */
static bool listening_in(const audit_ctx *c, uint8_t proto, uint16_t lo, uint16_t hi)
{
    size_t a = 0, b = c->nopen;
    while (a < b) {
        size_t mid = (a + b) / 2;
        const listener *l = c->open[mid];
        if (l->proto < proto || (l->proto == proto && l->port < lo)) a = mid + 1;
        else b = mid;
    }
    return a < c->nopen && c->open[a]->proto == proto && c->open[a]->port <= hi;
}

/* Source order of the flows, then protocol and port: one note per flow. */
static int missing_cmp(const void *pa, const void *pb)
{
    const declared *a = *(const declared *const *)pa, *b = *(const declared *const *)pb;
    const loc *x = &a->row->decl->where, *y = &b->row->decl->where;
    int c = loc_cmp(*x, *y);
    if (c) return c;
    if (a->row->inst->index != b->row->inst->index)
        return a->row->inst->index < b->row->inst->index ? -1 : 1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

static bool same_flow(const declared *a, const declared *b)
{
    return a->row->decl == b->row->decl && a->row->inst == b->row->inst;
}

/* "udp 162, 319-320; tcp 80" */
static const char *ranges_text(arena *a, const declared *const *v, size_t n)
{
    strbuf b;
    sb_init(&b);
    char r[32];
    for (size_t i = 0; i < n; i++) {
        bool new_proto = i == 0 || v[i - 1]->proto != v[i]->proto;
        if (new_proto) sb_printf(&b, "%s%s ", i ? "; " : "", check_proto_name(v[i]->proto));
        else sb_puts(&b, ", ");
        sb_puts(&b, check_range_text(r, v[i]->lo, v[i]->hi));
    }
    const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    sb_free(&b);
    return s;
}

static void audit_missing(audit_ctx *c)
{
    const declared **miss = arena_alloc(c->m->mem, (c->ndecl + 1) * sizeof *miss);
    size_t n = 0;
    for (size_t i = 0; i < c->ndecl; i++) {
        const declared *d = &c->decl[i];
        if (!d->listen || listening_in(c, d->proto, d->lo, d->hi)) continue;
        /* One flow given twice (tcp+udp rows merge per protocol already). */
        if (n && miss[n - 1]->proto == d->proto && miss[n - 1]->lo == d->lo &&
            miss[n - 1]->hi == d->hi && same_flow(miss[n - 1], d))
            continue;
        miss[n++] = d;
    }
    if (n > 1) qsort(miss, n, sizeof *miss, missing_cmp);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && same_flow(miss[i], miss[j]); j++) {}
        const flow_row *row = miss[i]->row;
        diag *f = diag_report(c->out, SEV_NOTE, CK_NOT_LISTENING, row->decl->where,
                              "host '%s' should listen on %s for %s, but nothing listens there",
                              c->h->decl->name, ranges_text(c->m->mem, miss + i, j - i),
                              check_service_name(c->m, row));
        check_tag(f, row, NULL, c->h);
        tag_host(c, f);
    }
}

/* ---- multicast memberships ---- */

static uint32_t ipv4_of(const uint8_t *a)
{
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static addr membership_addr(const membership *g)
{
    return addr_from_bytes(g->family == 6 ? ADDR_V6 : ADDR_V4, g->addr);
}

/* Groups every interface joins by itself: all-hosts, all-nodes, all-routers
 * and the solicited-node groups of IPv6 neighbour discovery. */
static bool automatic_group(const membership *g)
{
    const uint8_t *a = g->addr;
    if (strcmp(g->device, "lo") == 0) return true;
    if (g->family == 4) return ipv4_of(a) == 0xe0000001;
    static const uint8_t zero[11] = {0};
    bool small = memcmp(a + 2, zero, 11) == 0 && a[13] == 0 && a[14] == 0;
    if (a[0] == 0xff && (a[1] == 0x01 || a[1] == 0x02 || a[1] == 0x05) && small &&
        (a[15] == 1 || a[15] == 2))
        return true;
    static const uint8_t solicited[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};
    return memcmp(a, solicited, 13) == 0;
}

static int membership_cmp(const void *pa, const void *pb)
{
    const membership *a = pa, *b = pb;
    if (a->family != b->family) return a->family < b->family ? -1 : 1;
    return memcmp(a->addr, b->addr, sizeof a->addr);
}

static int expected_cmp(const void *pa, const void *pb)
{
    const expected_group *a = pa, *b = pb;
    int k = addr_cmp(a->lo, b->lo);
    if (k) return k;
    if ((k = addr_cmp(a->hi, b->hi))) return k;
    if (a->row->inst->index != b->row->inst->index)
        return a->row->inst->index < b->row->inst->index ? -1 : 1;
    int x = a->row->decl->service->index, y = b->row->decl->service->index;
    if (x != y) return x < y ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* Does an expected group range hold g? c->groups is sorted by lo: the last
 * range starting at or below g, then back while an earlier one could reach. */
static bool expected_at(const audit_ctx *c, addr g)
{
    size_t lo = 0, hi = c->ngroups;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (addr_cmp(c->groups[mid].lo, g) <= 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        if (addr_cmp(c->groups[i].hi, g) >= 0) return true;
        if (addr_cmp(c->group_max_hi[i], g) < 0) break;
    }
    return false;
}

/* Some group inside lo-hi joined? t->groups is sorted (family, address),
 * the order addr_cmp gives too. */
static bool joined_in(const socket_table *t, addr lo, addr hi)
{
    size_t a = 0, b = t->ngroups;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (addr_cmp(membership_addr(&t->groups[mid]), lo) < 0) a = mid + 1;
        else b = mid;
    }
    return a < t->ngroups && addr_cmp(membership_addr(&t->groups[a]), hi) <= 0;
}

static void audit_groups(audit_ctx *c, socket_table *t)
{
    if (t->ngroups > 1) qsort(t->groups, t->ngroups, sizeof *t->groups, membership_cmp);
    if (c->ngroups > 1) qsort(c->groups, c->ngroups, sizeof *c->groups, expected_cmp);
    c->group_max_hi = arena_alloc(c->m->mem, (c->ngroups + 1) * sizeof *c->group_max_hi);
    for (size_t i = 0; i < c->ngroups; i++)
        c->group_max_hi[i] = i && addr_cmp(c->group_max_hi[i - 1], c->groups[i].hi) > 0
                                 ? c->group_max_hi[i - 1] : c->groups[i].hi;
    char text[48];
    for (size_t i = 0; i < t->ngroups; i++) {
        const membership *g = &t->groups[i];
        if (automatic_group(g) || (i > 0 && membership_cmp(&t->groups[i - 1], g) == 0)) continue;
        if (expected_at(c, membership_addr(g))) continue;
        diag *f = diag_report(c->out, SEV_WARNING, CK_UNDECLARED_GROUP, g->where,
                              "host '%s' joined group %s on %s, which the policy does not declare "
                              "for it", c->h->decl->name,
                              sockets_addr_text(text, g->family, g->addr), g->device);
        tag_host(c, f);
    }
    for (size_t i = 0; i < c->ngroups; i++) {
        const expected_group *e = &c->groups[i];
        const expected_group *p = i ? &c->groups[i - 1] : NULL;
        bool repeat = p && addr_eq(p->lo, e->lo) && addr_eq(p->hi, e->hi) &&
                      p->row->decl->service == e->row->decl->service && p->row->inst == e->row->inst;
        if (repeat || joined_in(t, e->lo, e->hi)) continue;
        char a[ADDR_TEXT];
        diag *f = diag_report(c->out, SEV_NOTE, CK_GROUP_NOT_JOINED, e->row->decl->where,
                              "host '%s' should receive group %s for %s, but has not joined it",
                              c->h->decl->name, addr_text(a, e->lo, e->hi, addr_bits(e->lo)),
                              check_service_name(c->m, e->row));
        check_tag(f, e->row, NULL, c->h);
        tag_host(c, f);
    }
}

bool audit_host(model *m, const site_decl *site, const host *h, socket_table *t, diag_sink *out)
{
    host_view *views;
    size_t n;
    /* Peers do not matter here: ports do. */
    hv_options ho = {true, SEV_NOTE, m->diags};
    if (!hostview_build(m, site, &ho, &views, &n)) return false;
    audit_ctx c = {0};
    c.m = m;
    c.out = out;
    c.h = h;
    c.site = site;
    for (size_t i = 0; i < n; i++)
        if (views[i].h == h) declare_view(&c, &views[i]);
    declare_local(&c);
    index_declared(&c);
    audit_listeners(&c, t);
    audit_missing(&c);
    if (t->have_groups) audit_groups(&c, t);
    return true;
}
