/* check_mcast.c: multicast-collision and multicast-scope. Takes the flow
 * rows whose endpoints are groups; gives a collision for two systems (or
 * two instances in one site) on overlapping groups and ports, found by one
 * sweep over group ranges or over port ranges (whichever pairs fewer),
 * and scope warnings for groups that cannot work
 * where they are used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "interval.h"
#include "registry.h"
#include "xalloc.h"


typedef struct {
    model *m;
    const addr *rank;            /* group addresses by rank (addr_ranks_build) */
    const int64_t *glo, *ghi;    /* per row of the sweep: its group range as ranks */
} mc_ctx;

static bool ports_meet(const flow_row *a, const flow_row *b, int64_t *lo, int64_t *hi)
{
    if (!a->lo || !b->lo) return false;
    *lo = a->lo > b->lo ? a->lo : b->lo;
    *hi = a->hi < b->hi ? a->hi : b->hi;
    /* An even range meets only the even ports of the other. */
    int stride = a->stride ? a->stride : b->stride;
    if (a->stride && b->stride && a->stride != b->stride) return false;
    if (stride && !stride_has(stride, (unsigned)*lo)) ++*lo;
    if (stride && !stride_has(stride, (unsigned)*hi)) --*hi;
    return *lo <= *hi;
}

/* Different systems, or two instances deployed in one site; an alias and
 * its target (`service ptp is dante.ptp`) are one software, not rivals. */
static bool rivals(const flow_row *a, const flow_row *b)
{
    if (a->inst == b->inst || a->inst->site != b->inst->site) return false;
    if (a->inst->sys != b->inst->sys &&
        service_software(a->decl->service) == service_software(b->decl->service))
        return false;
    return a->inst->sys != b->inst->sys || a->inst->site != NULL;
}

/* A pair the sweep found overlapping in one dimension (groups or ports):
 * a collision when the other overlaps too and the two are rivals. */
static int on_overlap(void *ctx, const interval *ia, const interval *ib, int64_t lo, int64_t hi)
{
    (void)lo, (void)hi;
    const mc_ctx *c = ctx;
    model *m = c->m;
    const flow_row *a = &m->rows[ia->item], *b = &m->rows[ib->item];
    int64_t glo = c->glo[ia->item] > c->glo[ib->item] ? c->glo[ia->item] : c->glo[ib->item];
    int64_t ghi = c->ghi[ia->item] < c->ghi[ib->item] ? c->ghi[ia->item] : c->ghi[ib->item];
    int64_t plo, phi;
    if (glo > ghi || !rivals(a, b) || !ports_meet(a, b, &plo, &phi)) return 0;
    /* mDNS, SSDP, WS-Discovery, LLMNR and PTP: every program on the link
     * joins the one group on the one port, by design. */
    if ((a->flags & ROW_SHARED) && (b->flags & ROW_SHARED)) return 0;
    /* Reported at the later flow; the order of the pair in the sweep
     * depends on the dimension swept, so it never decides. */
    loc la = a->decl->where, lb = b->decl->where;
    if (la.src->index > lb.src->index || (la.src == lb.src && la.start > lb.start)) {
        const flow_row *x = a;
        a = b;
        b = x;
    }
    char g[ADDR_TEXT], p[32];
    addr_text(g, c->rank[glo], c->rank[ghi], addr_bits(c->rank[glo]));
    diag *d = diag_report(m->diags, SEV_WARNING, CK_MULTICAST_COLLISION, b->decl->where,
                          "multicast collision: %s and %s both use group %s on %s port %s",
                          check_service_name(m, a), check_service_name(m, b), g,
                          a->proto == PROTO_TCP ? "tcp" : "udp", check_range_text(p, plo, phi));
    diag_add_note(m->diags, d, a->decl->where, "%s uses it here", check_service_name(m, a));
    check_tag(d, a, b, NULL);
    diag_add_ports(m->diags, d, a->proto, plo, phi);
    return 0;
}

/* How many pairs of v (sorted by interval_sort) overlap: for each, the
 * later ones of its key that start before it ends. O(n log n). */
static uint64_t overlapping_pairs(const interval *v, size_t n)
{
    uint64_t pairs = 0;
    for (size_t i = 0, end = 0; i < n; i++) {
        if (end <= i) for (end = i; end < n && v[end].key == v[i].key; end++) {}
        size_t lo = i + 1, hi = end;         /* the first of them starting after v[i].hi */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (v[mid].lo <= v[i].hi) lo = mid + 1;
            else hi = mid;
        }
        pairs += lo - (i + 1);
    }
    return pairs;
}

static int ptr_cmp(const void *pa, const void *pb)
{
    uintptr_t a = *(const uintptr_t *)pa, b = *(const uintptr_t *)pb;
    return (a > b) - (a < b);
}

/* Rows of different sites never collide: a site's number (by address,
 * only ever compared for equality) goes into the sweep key. */
static uint64_t site_number(const uintptr_t *sites, size_t n, const flow_row *r)
{
    uintptr_t want = (uintptr_t)r->inst->site;
    const uintptr_t *at = bsearch(&want, sites, n, sizeof *sites, ptr_cmp);
    return (uint64_t)(at - sites);
}

/* Rows meet when both their groups and their ports overlap. One sweep
 * over one dimension, with the other checked per pair: the dimension in
 * which fewer pairs overlap, counted first, so 60,000 flows to one group
 * on distinct ports (or one group range over all of 224/4) pair nothing,
 * and neither do 8,000 groups on one port. Group ranges of both families
 * become int64 ranks (an IPv4 and an IPv6 range never share one). */
static void collisions(model *m)
{
    size_t n = 0, nr = 0, ns = 0;
    for (size_t i = 0; i < m->nrows; i++) n += m->rows[i].dst.kind == EP_GROUP && row_has_ports(&m->rows[i]);
    interval *by_group = xmalloc_array(n + 1, sizeof *by_group);
    interval *by_port = xmalloc_array(n + 1, sizeof *by_port);
    addr *rank = xmalloc_array(2 * n + 1, sizeof *rank);
    uintptr_t *sites = xmalloc_array(n + 1, sizeof *sites);
    int64_t *glo = xmalloc_array(m->nrows + 1, sizeof *glo), *ghi = xmalloc_array(m->nrows + 1, sizeof *ghi);
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (r->dst.kind != EP_GROUP || !row_has_ports(r)) continue;
        rank[nr++] = r->dst.lo;
        rank[nr++] = r->dst.hi;
        sites[ns++] = (uintptr_t)r->inst->site;
    }
    nr = addr_ranks_build(rank, nr);
    if (ns > 1) qsort(sites, ns, sizeof *sites, ptr_cmp);
    size_t nsites = 0;
    for (size_t i = 0; i < ns; i++)
        if (!nsites || sites[nsites - 1] != sites[i]) sites[nsites++] = sites[i];
    size_t k = 0;
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (r->dst.kind != EP_GROUP || !row_has_ports(r)) continue;
        uint64_t key = site_number(sites, nsites, r) << 8 | r->proto;
        glo[i] = addr_rank(rank, nr, r->dst.lo);
        ghi[i] = addr_rank(rank, nr, r->dst.hi);
        by_group[k] = (interval){key, glo[i], ghi[i], i, IV_ALL};
        by_port[k++] = (interval){key, r->lo, r->hi, i, IV_ALL};
    }
    interval_sort(by_group, n);
    interval_sort(by_port, n);
    mc_ctx c = {m, rank, glo, ghi};
    interval *v = overlapping_pairs(by_port, n) < overlapping_pairs(by_group, n) ? by_port : by_group;
    interval_sweep(v, n, on_overlap, &c);
    free(by_group);
    free(by_port);
    free(rank);
    free(sites);
    free(glo);
    free(ghi);
}

static bool is_link_local(addr lo, addr hi)
{
    if (addr_is_v6(lo)) return addr_mcast_scope(lo) == 2 || addr_mcast_scope(hi) == 2;
    uint32_t l = addr_v4_value(lo), h = addr_v4_value(hi);
    return (l >> 8) == (0xe0000000u >> 8) || (h >> 8) == (0xe0000000u >> 8);
}

/* The top-level block of a multicast block row: the scopes of 239/8 are
 * parts of one block. */
static const char *top_name(const registry_block *b)
{
    return b->part_of ? b->part_of : b->name;
}

/* The IPv6 scope of a group range when lo and hi share it, else -1. */
static int v6_scope(const flow_end *e)
{
    int s = addr_mcast_scope(e->lo);
    return s == addr_mcast_scope(e->hi) ? s : -1;
}

/* "224.0.0.0/24"-style text of a block: its bounds. */
static const char *block_text(char buf[ADDR_TEXT], const registry_block *b)
{
    uint32_t lo, hi;
    if (!registry_block_v4(b, &lo, &hi)) return b->lo;
    return addr_text(buf, addr_v4(lo), addr_v4(hi), 32);
}

static int count_scopes(const flow_decl *f)
{
    int n = 0;
    for (const scope *s = f->scopes; s; s = s->next) n++;
    return n;
}

static void scope_warning(model *m, const flow_row *r, loc where, const char *fmt,
                          const char *group)
{
    diag *d = diag_report(m->diags, SEV_WARNING, CK_MULTICAST_SCOPE, where, fmt, group);
    check_tag(d, r, NULL, NULL);
}

/* The blocks of the multicast registry (RFC 5771, RFC 2365) that an IPv4
 * group or group range lies in (IPv6 groups: v6_scopes): reserved blocks applications must not use, a
 * range across blocks (their rules differ), and a range that takes in the
 * Local Network Control Block, where routing and discovery protocols live. */
static void blocks(model *m, const flow_row *r, loc at, const char *g)
{
    uint32_t lo = addr_v4_value(r->dst.lo), hi = addr_v4_value(r->dst.hi);
    size_t first = registry_mcast_block4(lo), last = registry_mcast_block4(hi);
    const registry_block *b = &registry_mcast_blocks[first], *e = &registry_mcast_blocks[last];
    char bt[ADDR_TEXT], et[ADDR_TEXT], msg[400];
    /* Every reserved block the range takes in, in one finding. */
    size_t nreserved = 0, len = 0;
    char list[300] = "";
    for (size_t i = first; i <= last; i++) {
        const registry_block *x = &registry_mcast_blocks[i];
        if (!(x->kind & BLK_RESERVED)) continue;
        if (nreserved++ < 4 && len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s (%s)",
                                    nreserved > 1 ? ", " : "", block_text(bt, x), x->ref);
    }
    bool reserved = nreserved > 0;
    if (nreserved == 1)
        snprintf(msg, sizeof msg, "group %%s lies in IANA-reserved space %s", list);
    else if (nreserved > 1)
        snprintf(msg, sizeof msg, "group range %%s takes in %zu IANA-reserved blocks: %s%s",
                 nreserved, list, nreserved > 4 ? ", ..." : "");
    if (reserved) scope_warning(m, r, at, msg, g);
    bool whole = lo == 0xe0000000u && hi >= 0xe00000ffu;
    if ((b->kind & BLK_LOCAL_CONTROL) && (hi > 0xe00000ffu || whole)) {
        snprintf(msg, sizeof msg, "group range %%s takes in the %s %s (%s), whose groups "
                 "belong to routing and discovery protocols (OSPF, mDNS, ...)", b->name,
                 block_text(bt, b), b->ref);
        scope_warning(m, r, at, msg, g);
    } else if (!reserved && strcmp(top_name(b), top_name(e)) != 0) {  /* one finding is enough */
        snprintf(msg, sizeof msg, "group range %%s spans blocks of the multicast registry: "
                 "from the %s %s to the %s %s, whose rules differ; split it", top_name(b),
                 block_text(bt, b), top_name(e), block_text(et, e));
        scope_warning(m, r, at, msg, g);
    }
}

/* IPv6 groups whose scope nibble (RFC 4291 2.7, RFC 7346) cannot carry
 * the flow: interface-local never leaves the host, scope 0 is reserved
 * (packets are dropped), F is reserved (treated as global). A range over
 * several scopes is reported as such. */
static void v6_scopes(model *m, const flow_row *r, const char *g)
{
    loc at = r->dst.ast->where;
    int s = v6_scope(&r->dst);
    if (s < 0) {
        scope_warning(m, r, at, "group range %s spans several IPv6 multicast scopes "
                      "(the fourth hex digit, ffXS::); split it per scope", g);
        return;
    }
    if (s == 1 && !r->decl->local)
        scope_warning(m, r, at, "group %s is interface-local (ff01::/16, scope 1): it never "
                      "leaves the host, so this flow between hosts cannot work; mark it 'local' "
                      "or use a link-local (ff02::) or wider group", g);
    if (s == 0)
        scope_warning(m, r, at, "group %s has the reserved IPv6 multicast scope 0: "
                      "routers and hosts drop it (RFC 4291 2.7)", g);
    if (s == 15)
        scope_warning(m, r, at, "group %s has the reserved IPv6 multicast scope f "
                      "(RFC 4291 2.7); write ff0e:: for a global group", g);
}

static void scopes(model *m)
{
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        char g[ADDR_TEXT];
        if (r->src.kind == EP_GROUP && !r->reverse) {
            addr_text(g, r->src.lo, r->src.hi, addr_bits(r->src.lo));
            scope_warning(m, r, r->src.ast->where,
                          "multicast group %s used as a source: a group only receives; "
                          "name the senders instead", g);
        }
        if (r->dst.kind != EP_GROUP) continue;
        addr_text(g, r->dst.lo, r->dst.hi, addr_bits(r->dst.lo));
        loc at = r->dst.ast->where;
        if (r->proto == PROTO_TCP)
            scope_warning(m, r, at, "TCP cannot be sent to multicast group %s; "
                          "multicast is UDP", g);
        if (is_link_local(r->dst.lo, r->dst.hi) && count_scopes(r->decl) > 1)
            scope_warning(m, r, at, addr_is_v6(r->dst.lo)
                          ? "group %s is link-local (ff02::/16, scope 2): routers never "
                            "forward it, so this flow cannot cross between its zones"
                          : "group %s is link-local (224.0.0.0/24): routers never "
                            "forward it, so this flow cannot cross between its zones", g);
        if (addr_is_v6(r->dst.lo)) v6_scopes(m, r, g);
        else blocks(m, r, at, g);
    }
}

void check_multicast(model *m, const check_options *o)
{
    if (o->enabled[CK_MULTICAST_COLLISION]) collisions(m);
    if (o->enabled[CK_MULTICAST_SCOPE]) scopes(m);
}
