/* diff_compare.c: two elaborated models compared as the network sees them.
 * Each side's host views give items: a key (site, host, direction,
 * protocol, group), a port range, the service behind it and its peers.
 * The segment sweep of interval.c cuts each key's ports wherever an item
 * starts or ends, and counts per side which services and peers are open
 * on each piece: services that gain it open it, services that lose it
 * close it, both at once change its owner; the same services with other
 * peers change its peers. Labels and keys are numbered by sorting, so
 * the whole is O(n log n) in the items. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "diff.h"
#include "proto.h"
#include "hostview.h"
#include "interval.h"
#include "strbuf.h"

typedef struct {
    int side;                    /* 0 old, 1 new */
    const char *site, *host;
    bool out, mc;
    uint8_t proto;
    uint8_t ipproto;
    const hv_addrset *group;     /* mc: the groups */
    uint16_t lo, hi;
    const char *owner;           /* "instance.service" */
    const char *peer;            /* the owner and its peers: one label */
    size_t owner_id, peer_id, key;
} item;

/* Labels open on each side at the sweep point, with counts per label so
 * that the labels open on one side only are known without a scan. */
typedef struct {
    size_t *count[2];
    size_t only[2];              /* labels open on that side only */
} label_counts;

typedef struct {
    arena *mem;
    item *items;
    size_t nitems, cap;
    const item **by_key;         /* an item of each key */
    const char **owner_names;    /* by owner id */
    const char **group_text;     /* by key, when multicast */
    diff_list *out;
    /* the sweep */
    label_counts owners, peers;
    size_t *active[2], *slot[2]; /* owner ids open per side; each id's place there */
    size_t nactive[2];
    unsigned long version;       /* bumped whenever an owner opens or closes on a side */
    bool have_last;
    size_t last_key;
    unsigned long last_version;
} cmp;

/* ---- output ---- */

static diff_change *push(cmp *c, diff_kind kind, const char *site, const char *host)
{
    diff_list *l = c->out;
    l->v = arena_grow(c->mem, l->v, sizeof *l->v, &l->cap, l->n + 1);
    diff_change *d = &l->v[l->n++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->site = site;
    d->host = host;
    return d;
}

static const char **one_string(arena *mem, const char *s)
{
    const char **v = arena_alloc(mem, sizeof *v);
    v[0] = s;
    return v;
}

static const char *host_addr(arena *mem, const host *h)
{
    char a[2 * ADDR_TEXT];
    return arena_strdup(mem, host_addr_text(a, h));
}

static bool same_addrs(const host *a, const host *b)
{
    if (a->naddrs != b->naddrs) return false;
    for (int i = 0; i < a->naddrs; i++)
        if (!addr_eq(a->addrs[i], b->addrs[i])) return false;
    return true;
}

/* ---- items from the host views ---- */

static void put_cidr(void *ctx, const char *cidr)
{
    strbuf *b = ctx;
    if (b->len && b->data[b->len - 1] != ' ') sb_putc(b, ',');
    sb_puts(b, cidr);
}

static void put_set(strbuf *b, const char *word, const hv_addrset *s)
{
    sb_printf(b, " %s ", word);
    if (!s->n) sb_puts(b, "any");
    for (size_t i = 0; i < s->n; i++) hv_cidrs(s->v[i], put_cidr, b);
}

/* The peers of a rule as one label with its owner: "svc from A to B sport P". */
static const char *peer_label(cmp *c, const char *owner, const hv_rule *r)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, owner);
    put_set(&b, "from", r->saddrs);
    put_set(&b, "to", r->daddrs);
    for (size_t i = 0; i < r->nsports; i++)
        sb_printf(&b, " sport %u-%u", (unsigned)r->sports[i].lo, (unsigned)r->sports[i].hi);
    const char *s = b.failed ? owner : arena_strndup(c->mem, b.data, b.len);
    sb_free(&b);
    return s;
}

static void add_item(cmp *c, const item *proto_item, uint16_t lo, uint16_t hi)
{
    c->items = arena_grow(c->mem, c->items, sizeof *c->items, &c->cap, c->nitems + 1);
    item *it = &c->items[c->nitems++];
    *it = *proto_item;
    it->lo = lo;
    it->hi = hi;
}

/* Every port range of every service of one host; "any port" is 1-65535. */
static void add_view(cmp *c, int side, model *m, const host_view *v)
{
    for (size_t i = 0; i < v->nservices; i++) {
        const hv_service *s = &v->services[i];
        const char *owner = check_service_name(m, s->first);
        for (size_t k = 0; k < s->nrules; k++) {
            const hv_rule *r = &s->rules[k];
            item it = {side, v->h->site->name, v->h->decl->name, r->out, r->multicast, r->proto,
                       r->ipproto, r->daddrs, 0, 0, owner, peer_label(c, owner, r), 0, 0, 0};
            if (r->proto == PROTO_IP) {
                /* No ports: ICMP's types take their place (every type is
                 * 0-255), so a type that opens or closes is one line. */
                bool typed = proto_has_types(r->ipproto);
                int lo = r->icmp_type < 0 ? 0 : r->icmp_type;
                add_item(c, &it, (uint16_t)lo, (uint16_t)(typed && r->icmp_type < 0 ? 255 : lo));
                continue;
            }
            if (!r->ndports) add_item(c, &it, 1, 65535);
            for (size_t p = 0; p < r->ndports; p++) add_item(c, &it, r->dports[p].lo, r->dports[p].hi);
        }
    }
}

/* ---- sites and hosts ---- */

static host_view *site_views(model *m, const site_decl *s, size_t *n)
{
    host_view *v = NULL;
    hv_options o = {false, SEV_WARNING, m->diags};     /* a peer without address gives no rule */
    (void)hostview_build(m, s, &o, &v, n);
    return v;
}

static const host *host_named(const site_decl *s, const char *name)
{
    const decl *d = s ? names_get(s->scope, name) : NULL;
    return d && d->kind == D_HOST ? d->host : NULL;
}

/* One side's site: its items, and the hosts the other side lacks or moved. */
static void add_site(cmp *c, int side, model *m, const site_decl *s, const site_decl *other)
{
    size_t n;
    host_view *v = site_views(m, s, &n);
    for (size_t i = 0; i < n; i++) {
        add_view(c, side, m, &v[i]);
        const host *h = v[i].h, *o = host_named(other, h->decl->name);
        if (!o && side) {
            diff_change *d = push(c, DIFF_HOST_ADDED, s->name, h->decl->name);
            d->new_ = one_string(c->mem, host_addr(c->mem, h));
            d->nnew = 1;
        } else if (!o) {
            diff_change *d = push(c, DIFF_HOST_REMOVED, s->name, h->decl->name);
            d->old = one_string(c->mem, host_addr(c->mem, h));
            d->nold = 1;
        } else if (side && !same_addrs(o, h)) {
            diff_change *d = push(c, DIFF_ADDRESS, s->name, h->decl->name);
            d->old = one_string(c->mem, host_addr(c->mem, o));
            d->new_ = one_string(c->mem, host_addr(c->mem, h));
            d->nold = d->nnew = 1;
        }
    }
}

static void add_sites(cmp *c, int side, model *m, model *other)
{
    for (const site_decl *s = m->prog->sites; s; s = s->next) {
        const site_decl *o = names_get(&other->sites, s->name);
        if (!o) push(c, side ? DIFF_SITE_ADDED : DIFF_SITE_REMOVED, s->name, NULL);
        add_site(c, side, m, s, o);
    }
}

/* ---- numbering labels and keys by sorting ---- */

static int owner_cmp(const void *pa, const void *pb)
{
    return strcmp((*(item *const *)pa)->owner, (*(item *const *)pb)->owner);
}

static int peer_cmp(const void *pa, const void *pb)
{
    return strcmp((*(item *const *)pa)->peer, (*(item *const *)pb)->peer);
}

static int group_cmp(const hv_addrset *a, const hv_addrset *b)
{
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        int k = addr_cmp(a->v[i].lo, b->v[i].lo);
        if (k || (k = addr_cmp(a->v[i].hi, b->v[i].hi))) return k;
    }
    return (a->n > b->n) - (a->n < b->n);
}

/* Site, host, in before out, tcp before udp, unicast before groups. */
static int key_cmp(const void *pa, const void *pb)
{
    const item *a = *(item *const *)pa, *b = *(item *const *)pb;
    int k = strcmp(a->site, b->site);
    if (!k) k = strcmp(a->host, b->host);
    if (!k) k = (a->out > b->out) - (a->out < b->out);
    if (!k) k = (a->proto > b->proto) - (a->proto < b->proto);
    if (!k) k = (a->ipproto > b->ipproto) - (a->ipproto < b->ipproto);
    if (!k) k = (a->mc > b->mc) - (a->mc < b->mc);
    if (!k && a->mc) k = group_cmp(a->group, b->group);
    return k;
}

/* Sort pointers to the items by cmpf and number the distinct values in
 * that order into the field at `field`; returns how many there are. */
static size_t number(cmp *c, item **p, int (*cmpf)(const void *, const void *), size_t field)
{
    if (c->nitems > 1) qsort(p, c->nitems, sizeof *p, cmpf);
    size_t id = 0;
    for (size_t i = 0; i < c->nitems; i++) {
        if (i && cmpf(&p[i - 1], &p[i]) != 0) id++;
        *(size_t *)((char *)p[i] + field) = id;
    }
    return c->nitems ? id + 1 : 0;
}

static const char *groups_text(arena *mem, const hv_addrset *s)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < s->n; i++) {
        char a[ADDR_TEXT];
        sb_printf(&b, "%s%s", i ? ", " : "", addr_text(a, s->v[i].lo, s->v[i].hi, addr_bits(s->v[i].lo)));
    }
    const char *t = b.failed ? "?" : arena_strndup(mem, b.data ? b.data : "", b.len);
    sb_free(&b);
    return t;
}

/* ---- the sweep ---- */

/* One label opens or closes on a side; true when its presence there flips. */
static bool label_move(label_counts *l, int side, size_t id, bool open)
{
    bool was = l->count[side][id] > 0, there = l->count[!side][id] > 0;
    l->count[side][id] += open ? 1 : (size_t)-1;
    bool is = l->count[side][id] > 0;
    if (was == is) return false;
    /* Open on this side now: it was open on the other side only, or on
     * none; closed here now: the other way round. */
    if (there) l->only[!side] += is ? (size_t)-1 : 1;
    else l->only[side] += is ? 1 : (size_t)-1;
    return true;
}

static void active_flip(cmp *c, int side, size_t id, bool open)
{
    size_t *a = c->active[side], *slot = c->slot[side];
    if (open) {
        slot[id] = c->nactive[side];
        a[c->nactive[side]++] = id;
    } else {
        size_t last = a[--c->nactive[side]];
        a[slot[id]] = last;
        slot[last] = slot[id];
    }
    c->version++;
}

static void on_edge(void *ctx, const interval *x, bool open)
{
    cmp *c = ctx;
    const item *it = &c->items[x->item];
    if (label_move(&c->owners, it->side, it->owner_id, open))
        active_flip(c, it->side, it->owner_id, open);
    (void)label_move(&c->peers, it->side, it->peer_id, open);
}

static int id_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

/* The owners open on a side, by name (ids number names in order). */
static const char **owners_now(cmp *c, int side, size_t *n)
{
    *n = c->nactive[side];
    size_t *ids = arena_alloc(c->mem, (*n + 1) * sizeof *ids);
    memcpy(ids, c->active[side], *n * sizeof *ids);
    if (*n > 1) qsort(ids, *n, sizeof *ids, id_cmp);
    const char **v = arena_alloc(c->mem, (*n + 1) * sizeof *v);
    for (size_t i = 0; i < *n; i++) v[i] = c->owner_names[ids[i]];
    return v;
}

static void on_segment(void *ctx, uint64_t key, int64_t lo, int64_t hi)
{
    cmp *c = ctx;
    const size_t *only = c->owners.only;
    int kind = only[0] && only[1] ? DIFF_OWNER : only[0] ? DIFF_CLOSES : only[1] ? DIFF_OPENS
             : c->peers.only[0] || c->peers.only[1] ? DIFF_PEERS : -1;
    if (kind < 0) {
        c->have_last = false;
        return;
    }
    diff_change *last = c->have_last ? &c->out->v[c->out->n - 1] : NULL;
    if (last && c->last_key == key && (int)last->kind == kind && c->last_version == c->version &&
        last->hi + 1 == lo) {
        last->hi = (uint16_t)hi;
        return;
    }
    const item *k = c->by_key[key];
    diff_change *d = push(c, (diff_kind)kind, k->site, k->host);
    d->out = k->out;
    d->proto = k->proto;
    d->ipproto = k->ipproto;
    d->group = k->mc ? c->group_text[key] : NULL;
    d->lo = (uint16_t)lo;
    d->hi = (uint16_t)hi;
    d->old = owners_now(c, 0, &d->nold);
    d->new_ = owners_now(c, 1, &d->nnew);
    c->have_last = true;
    c->last_key = key;
    c->last_version = c->version;
}

static void sweep(cmp *c)
{
    item **p = arena_alloc(c->mem, (c->nitems + 1) * sizeof *p);
    for (size_t i = 0; i < c->nitems; i++) p[i] = &c->items[i];
    size_t nowners = number(c, p, owner_cmp, offsetof(item, owner_id));
    c->owner_names = arena_alloc(c->mem, (nowners + 1) * sizeof *c->owner_names);
    for (size_t i = 0; i < c->nitems; i++) c->owner_names[p[i]->owner_id] = p[i]->owner;
    size_t npeers = number(c, p, peer_cmp, offsetof(item, peer_id));
    size_t nkeys = number(c, p, key_cmp, offsetof(item, key));
    c->by_key = arena_alloc(c->mem, (nkeys + 1) * sizeof *c->by_key);
    c->group_text = arena_alloc(c->mem, (nkeys + 1) * sizeof *c->group_text);
    for (size_t i = 0; i < c->nitems; i++) {
        const item *it = p[i];
        if (c->by_key[it->key]) continue;
        c->by_key[it->key] = it;
        if (it->mc) c->group_text[it->key] = groups_text(c->mem, it->group);
    }
    for (int s = 0; s < 2; s++) {
        c->owners.count[s] = arena_alloc(c->mem, (nowners + 1) * sizeof(size_t));
        c->peers.count[s] = arena_alloc(c->mem, (npeers + 1) * sizeof(size_t));
        c->active[s] = arena_alloc(c->mem, (nowners + 1) * sizeof(size_t));
        c->slot[s] = arena_alloc(c->mem, (nowners + 1) * sizeof(size_t));
    }
    interval *v = arena_alloc(c->mem, (c->nitems + 1) * sizeof *v);
    for (size_t i = 0; i < c->nitems; i++)
        v[i] = (interval){c->items[i].key, c->items[i].lo, c->items[i].hi, i, IV_ALL};
    interval_segments(v, c->nitems, on_edge, on_segment, c);
}

/* ---- order ---- */

static int level(const diff_change *d)
{
    return !d->host ? 0 : d->kind < DIFF_OPENS ? 1 : 2;
}

/* Site, then host (the site's own lines first), then the host's own lines,
 * then ports in sweep order (seq). */
static int change_cmp(const void *pa, const void *pb)
{
    const diff_change *a = pa, *b = pb;
    int k = strcmp(a->site, b->site);
    if (k) return k;
    if (!a->host != !b->host) return a->host ? 1 : -1;
    if (a->host && (k = strcmp(a->host, b->host))) return k;
    if (level(a) != level(b)) return level(a) < level(b) ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void diff_models(arena *mem, model *old, model *new_, diff_list *out)
{
    cmp c = {0};
    c.mem = mem;
    c.out = out;
    memset(out, 0, sizeof *out);
    add_sites(&c, 0, old, new_);
    add_sites(&c, 1, new_, old);
    sweep(&c);
    for (size_t i = 0; i < out->n; i++) out->v[i].seq = i;
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, change_cmp);
}
