/* check_addr.c: invalid-address. Takes the hosts, networks and the literal
 * addresses of the flow rows; gives a finding for an address no host on a
 * network can have or reach there: "this network" 0/8 (except 0.0.0.0 as a
 * source, as DHCP sends), loopback 127/8 outside `local` flows, the
 * reserved 240/4 (limited broadcast only as a destination), and a
 * multicast network. IPv6 the same way: the unspecified address ::
 * (a source only), loopback ::1 outside `local` flows, IPv4-mapped
 * ::ffff:0:0/96 (never on a wire), and a network in ff00::/8. The blocks
 * are registry.h's table, one row per block of either family; a class-E
 * address one digit away from a registered group gets "did you mean". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "registry.h"
#include "xalloc.h"

/* What a position may hold. */
typedef enum { AT_HOST, AT_NETWORK, AT_SOURCE, AT_DEST, AT_BOTH } position;

/* Why the block is wrong in that position, or NULL when it is fine. */
static const char *why(const registry_block *b, position at, bool local)
{
    if (at == AT_BOTH) {                 /* an endpoint of `<->`: sends and receives */
        const char *w = why(b, AT_SOURCE, local);
        return w ? w : why(b, AT_DEST, local);
    }
    switch (b->kind) {
    case BLK_THIS_NETWORK:
        return at == AT_SOURCE ? NULL : "only a host without an address sends from it";
    case BLK_LOOPBACK:
        if (local && (at == AT_SOURCE || at == AT_DEST)) return NULL;
        return at == AT_HOST || at == AT_NETWORK ? "it never leaves a host, so no network reaches it"
                                                 : "it never leaves a host: a flow to it is `local`";
    case BLK_BROADCAST:
        if (at == AT_DEST) return NULL;
        return at == AT_SOURCE ? "it is only ever a destination" : "it is no host's address";
    case BLK_CLASS_E: return "it is reserved and no host can use it";
    case BLK_MAPPED:
        return "it is never on a wire (it stands for an IPv4 address inside a host's "
               "sockets API); write the IPv4 address";
    default: return NULL;
    }
}

static void report(model *m, loc where, const char *what, addr lo, addr hi, int prefix,
                   const registry_block *b, const char *reason, const flow_row *r)
{
    char a[ADDR_TEXT], near[REGISTRY_ADDR_TEXT];
    addr_text(a, lo, hi, prefix);
    const registry_mcast *typo = !addr_is_v6(lo) && addr_eq(lo, hi)
                                     ? registry_group_typo(addr_v4_value(lo), near) : NULL;
    diag *d = diag_report(m->diags, SEV_ERROR, CK_INVALID_ADDRESS, where,
                          "%s%s lies in the %s (%s): %s%s%s%s%s%s", what, a, b->name, b->ref, reason,
                          typo ? "; did you mean " : "", typo ? typo->name : "",
                          typo ? "'s group " : "", typo ? near : "", typo ? "?" : "");
    if (typo) diag_add_note(m->diags, d, where, "a group is written `group %s`", near);
    if (r) check_tag(d, r, NULL, NULL);
}

/* A block row's bounds as addresses (its text is RFC 4291 text). */
static bool block_bounds(const registry_block *b, addr *lo, addr *hi)
{
    char why[ADDR_WHY];
    int p;
    return addr_parse(b->lo, strlen(b->lo), lo, &p, why) &&
           addr_parse(b->hi, strlen(b->hi), hi, &p, why);
}

/* The most specific special-purpose block holding all of lo-hi (one
 * family), or NULL: the table's last row that does. */
static const registry_block *special_block(addr lo, addr hi)
{
    const registry_block *best = NULL;
    for (size_t i = 0; i < registry_nspecial_blocks; i++) {
        const registry_block *b = &registry_special_blocks[i];
        addr blo, bhi;
        if (block_bounds(b, &blo, &bhi) && blo.fam == lo.fam && addr_cmp(lo, blo) >= 0 &&
            addr_cmp(hi, bhi) <= 0)
            best = b;
    }
    return best;
}

static void check_one(model *m, loc where, const char *what, addr lo, addr hi,
                      int prefix, position at, bool local, const flow_row *r)
{
    const registry_block *b = special_block(lo, hi);
    const char *reason = b ? why(b, at, local) : NULL;
    if (reason) report(m, where, what, lo, hi, prefix, b, reason, r);
}

static void hosts(model *m)
{
    for (size_t i = 0; i < m->nhosts; i++) {
        const host *h = m->hosts[i];
        char what[160];
        snprintf(what, sizeof what, "host '%s' address ", h->decl->name);
        for (int k = 0; k < h->naddrs; k++) {   /* each at the address as written */
            const expr *e = h->decl->value2 && addr_eq(h->decl->value2->a, h->addrs[k])
                                ? h->decl->value2 : h->decl->value;
            check_one(m, e->where, what, h->addrs[k], h->addrs[k], addr_bits(h->addrs[k]),
                      AT_HOST, false, NULL);
        }
    }
}

static void networks(model *m)
{
    for (size_t i = 0; i < m->nnetworks; i++) {
        const network *n = &m->networks[i];
        addr hi = addr_last(n->addr, n->prefix);
        check_one(m, n->where, "network ", n->addr, hi, n->prefix, AT_NETWORK, false, NULL);
        if (addr_is_multicast(n->addr) && addr_is_multicast(hi)) {
            char a[ADDR_TEXT];
            diag_report(m->diags, SEV_ERROR, CK_INVALID_ADDRESS, n->where,
                        "network %s is multicast: a zone's network holds hosts; a flow "
                        "names its groups with `group`", addr_text(a, n->addr, hi, n->prefix));
        }
    }
}

/* The literal address endpoints, each (endpoint, value) once. */
typedef struct {
    const flow_row *r;
    const flow_end *e;
    position at;
} literal;

static int literal_cmp(const void *pa, const void *pb)
{
    const literal *a = pa, *b = pb;
    const loc *la = &a->e->ast->where, *lb = &b->e->ast->where;
    int k = loc_cmp(*la, *lb);
    if (k) return k;
    int c = addr_cmp(a->e->lo, b->e->lo);
    if (c) return c;
    if ((c = addr_cmp(a->e->hi, b->e->hi))) return c;
    if ((a->r->inst->site != NULL) != (b->r->inst->site != NULL)) return a->r->inst->site ? 1 : -1;
    return a->r < b->r ? -1 : a->r > b->r;
}

static void literals(model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        n += (m->rows[i].src.kind == EP_ADDR) + (m->rows[i].dst.kind == EP_ADDR);
    literal *v = xmalloc_array(n + 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        /* both ends of `<->` send and receive */
        bool both = r->decl->bidir;
        if (r->src.kind == EP_ADDR) v[n++] = (literal){r, &r->src, both ? AT_BOTH : AT_SOURCE};
        if (r->dst.kind == EP_ADDR) v[n++] = (literal){r, &r->dst, both ? AT_BOTH : AT_DEST};
    }
    qsort(v, n, sizeof *v, literal_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i && v[i - 1].e->ast == v[i].e->ast && addr_eq(v[i - 1].e->lo, v[i].e->lo) &&
            addr_eq(v[i - 1].e->hi, v[i].e->hi))
            continue;
        check_one(m, v[i].e->ast->where, "address ", v[i].e->lo, v[i].e->hi, v[i].e->prefix,
                  v[i].at, v[i].r->decl->local, v[i].r);
    }
    free(v);
}

void check_addresses(model *m, const check_options *o)
{
    if (!o->enabled[CK_INVALID_ADDRESS]) return;
    hosts(m);
    networks(m);
    literals(m);
}
