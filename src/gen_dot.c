/* gen_dot.c: the flow diagram of `berth gen docs` (gen_dot.h). Takes the
 * frozen model, read only: its flow rows, hosts and networks; gives
 * flows.dot, and flows.svg when `dot` is installed and the graph is within
 * the layout bound: with --site one box per subnet holding the hosts whose
 * address it contains, without one box per system holding its roles; one
 * edge per (source, destination) pair, labelled with service names. Work
 * is O(n log n) in the rows plus the output: rows sorted once, nodes and
 * edges found by hash, no allocation per row. Labels pass through
 * dot_str(), the one DOT escaper. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "gen_dot.h"
#include "runs.h"
#include "xalloc.h"

/* A quoted DOT string, its lines centred (or left-aligned): the one DOT
 * escaper. */
static void dot_text(strbuf *b, const char *s, bool left)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sb_putc(b, '\\'), sb_putc(b, *s);
        else if (*s == '\n') sb_puts(b, left ? "\\l" : "\\n");
        else sb_putc(b, *s == '\r' ? ' ' : *s);
    }
    if (left) sb_puts(b, "\\l");
    sb_putc(b, '"');
}

static void dot_str(strbuf *b, const char *s) { dot_text(b, s, false); }

enum { NK_HOST, NK_ROLE, NK_ZONE, NK_OTHER, NK_GROUP };
enum {
    GRAPH_MAX_NODES = 400, GRAPH_MAX_EDGES = 500, GRAPH_MAX_BYTES = 200000,   /* beyond: a note */
    GRAPH_MAX_SECONDS = 5,      /* CPU time dot may take (backs up the bound above) */
    LABEL_NAMES = 4,             /* service names on an edge before "+N more" */
    WRAP_COLUMN = 28,            /* node and box labels break at a space after it */
};
#define FONT "Helvetica"         /* the one font family of the diagram */

typedef struct {
    int kind;
    const char *label;
    int cluster;                 /* its box, or -1 */
    int into;                    /* a group drawn as part of another node, or -1 */
} dnode;

typedef struct {
    addr addr;                   /* with --site: a subnet; else a system's box */
    int prefix;
    strbuf label;
} dcluster;

typedef struct {
    int src, dst;
    bool local;                  /* only same-host flows: dashed */
    bool gone;                   /* merged into the edge to a group's node */
    size_t first, count;         /* its names in the sorted dsvc array */
} dedge;

typedef struct {
    size_t edge;
    const char *name;
} dsvc;

typedef struct {
    gen_ctx *g;
    const model *m;
    strbuf t;                    /* scratch: one node's label */
    dnode *v;
    size_t n, cap;
    dcluster *cl;
    size_t ncl, clcap;
    dedge *e;
    size_t ne, ecap;
    dsvc *s;
    size_t ns, scap;
    int *ends;                   /* scratch: the nodes of one row's end */
    size_t nends, ends_cap;
    int *srcs;                   /* scratch: the source end's nodes, kept for the pairs */
    size_t srcs_cap;
    site_index by_sys;           /* instances by (site, system, index) */
    names index;                 /* keys of nodes, edges, edge names, rows seen */
    char kbuf[128];              /* the last key() */
    run_index runs;
    bool failed;
} graph;

/* ---- lookups by key ---- */

/* A lookup key as printf formats it, in the graph's scratch buffer: valid
 * until the next key (remember() keeps a copy). */
static const char *key(graph *gr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *key(graph *gr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(gr->kbuf, sizeof gr->kbuf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n < sizeof gr->kbuf) return gr->kbuf;
    char *k = arena_alloc(gr->m->mem, (size_t)n + 1);     /* a long name: rare */
    va_start(ap, fmt);
    vsnprintf(k, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return k;
}

/* Index + 1 of what key names, or 0. */
static size_t lookup(const graph *gr, const char *k)
{
    return (size_t)(uintptr_t)names_get(&gr->index, k);
}

static void remember(graph *gr, const char *k, size_t i)
{
    names_put(gr->m->mem, &gr->index, arena_strdup(gr->m->mem, k), (void *)(uintptr_t)(i + 1));
}

/* "Dante device (IMP/Media Server, ...)" broken at spaces into short lines. */
static const char *wrapped(graph *gr, const char *s)
{
    char *w = arena_strdup(gr->m->mem, s);
    size_t col = 0;
    for (char *p = w; *p; p++) {
        col = *p == '\n' ? 0 : col + 1;
        if (*p == ' ' && col > WRAP_COLUMN) *p = '\n', col = 0;
    }
    return w;
}

/* The node of that key, made on first use with the scratch text as its
 * label; clears the scratch. */
static int node(graph *gr, const char *k, int kind, int cluster)
{
        size_t i = lookup(gr, k);
    if (!i) {
        gr->v = arena_grow(gr->m->mem, gr->v, sizeof *gr->v, &gr->cap, gr->n + 1);
        gr->v[gr->n] = (dnode){kind, wrapped(gr, sb_text(&gr->t)), cluster, -1};
        remember(gr, k, gr->n++);
        i = gr->n;
    }
    if (gr->t.failed) gr->failed = true;
    sb_clear(&gr->t);
    return (int)i - 1;
}

/* ---- boxes: subnets with --site, systems without ---- */

static int net_cmp(const void *pa, const void *pb)
{
    const network *a = *(const network *const *)pa, *b = *(const network *const *)pb;
    int k = addr_cmp(a->addr, b->addr);
    if (k) return k;
    if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
    return (a > b) - (a < b);                /* the model's order */
}

static dcluster *new_cluster(graph *gr, addr a, int prefix)
{
    gr->cl = arena_grow(gr->m->mem, gr->cl, sizeof *gr->cl, &gr->clcap, gr->ncl + 1);
    dcluster *c = &gr->cl[gr->ncl++];
    *c = (dcluster){a, prefix, {0}};
    sb_init(&c->label);
    return c;
}

/* One box per subnet the site binds, sorted by address: "10.0.10.0/24"
 * over the zones bound to it (each description once). */
static void subnet_clusters(graph *gr)
{
    const model *m = gr->m;
    const network **v = arena_alloc(m->mem, (m->nnetworks + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->nnetworks; i++)
        if (m->networks[i].inst->site && !strcmp(m->networks[i].inst->site->name, gr->g->site))
            v[n++] = &m->networks[i];
    if (n > 1) qsort(v, n, sizeof *v, net_cmp);
    for (size_t i = 0; i < n; i++) {
        dcluster *c = i ? &gr->cl[gr->ncl - 1] : NULL;
        if (!c || !addr_eq(v[i]->addr, c->addr) || v[i]->prefix != c->prefix) {
            char t[ADDR_TEXT];
            c = new_cluster(gr, v[i]->addr, v[i]->prefix);
            sb_puts(&c->label, addr_text(t, v[i]->addr, v[i]->addr, v[i]->prefix));
            if (v[i]->prefix == addr_bits(v[i]->addr)) sb_printf(&c->label, "/%d", v[i]->prefix);
        }
        size_t ci = gr->ncl - 1;
        remember(gr, key(gr, "z%p:%p", (void *)v[i]->inst, (void *)v[i]->zone), ci);
        if (!lookup(gr, key(gr, "z*:%p", (void *)v[i]->zone)))
            remember(gr, key(gr, "z*:%p", (void *)v[i]->zone), ci);
        gen_put_named(&gr->t, v[i]->zone, NULL);
        if (!lookup(gr, key(gr, "l%zu:%s", ci, sb_text(&gr->t)))) {
            remember(gr, key(gr, "l%zu:%s", ci, sb_text(&gr->t)), 0);
            sb_printf(&c->label, "\n%s", wrapped(gr, sb_text(&gr->t)));
        }
        sb_clear(&gr->t);
    }
}

/* The box of exactly that subnet, or -1: the boxes are sorted by it. */
static int cluster_at(const graph *gr, addr a, int prefix)
{
    size_t lo = 0, hi = gr->ncl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const dcluster *c = &gr->cl[mid];
        int k = addr_cmp(c->addr, a);
        if (k < 0 || (k == 0 && c->prefix < prefix)) lo = mid + 1;
        else hi = mid;
    }
    return lo < gr->ncl && addr_eq(gr->cl[lo].addr, a) && gr->cl[lo].prefix == prefix ? (int)lo : -1;
}

/* The most specific subnet holding the address, or -1: one lookup per
 * prefix length, longest first. */
static int cluster_of(const graph *gr, addr a)
{
    for (int prefix = addr_bits(a); prefix >= 0 && gr->ncl; prefix--) {
        int c = cluster_at(gr, addr_first(a, prefix), prefix);
        if (c >= 0) return c;
    }
    return -1;
}

/* The box of a host: that of its first address in a box. */
static int host_cluster(const graph *gr, const host *h)
{
    for (int i = 0; i < h->naddrs; i++) {
        int c = cluster_of(gr, h->addrs[i]);
        if (c >= 0) return c;
    }
    return -1;
}

/* The box of the zone a flow row is scoped to (its first), or -1. */
static int zone_cluster(graph *gr, const instance *in, const decl *zone)
{
    size_t i = zone ? lookup(gr, key(gr, "z%p:%p", (const void *)in, (const void *)zone)) : 0;
    if (!i && zone) i = lookup(gr, key(gr, "z*:%p", (const void *)zone));
    return (int)i - 1;
}

static int scope_cluster(graph *gr, const flow_row *r)
{
    return zone_cluster(gr, r->inst, r->decl->scopes ? r->decl->scopes->target : NULL);
}

/* Every host of the site, unlinked ones too, in its subnet's box. */
static void host_nodes(graph *gr)
{
    const model *m = gr->m;
    for (size_t i = 0; i < m->nhosts; i++) {
        const host *h = m->hosts[i];
        if (strcmp(h->site->name, gr->g->site)) continue;
        sb_printf(&gr->t, "%s\n", h->decl->name);
        char at[2 * ADDR_TEXT];
        sb_puts(&gr->t, host_addr_text(at, h));
        int k = node(gr, key(gr, "h%p", (const void *)h), NK_HOST, host_cluster(gr, h));
        for (int j = 0; j < h->naddrs; j++) {
            char t[ADDR_TEXT];
            const char *ak = key(gr, "a%s", addr_str(t, h->addrs[j]));   /* an address endpoint */
            if (!lookup(gr, ak)) remember(gr, ak, (size_t)k);
        }
    }
}

/* Without --site: a box per system, holding every role of it. */
static void role_nodes(graph *gr)
{
    const model *m = gr->m;
    for (const system_decl *s = m->prog->systems; s; s = s->next) {
        if (names_get(&m->systems, s->name) != s) continue;
        int ci = -1;
        for (const decl *r = s->decls; r; r = r->next) {
            if (r->kind != D_ROLE) continue;
            if (ci < 0) {
                dcluster *c = new_cluster(gr, addr_v4(0), 0);
                if (s->desc) sb_printf(&c->label, "%s\n", wrapped(gr, s->desc));
                sb_puts(&c->label, s->name);
                ci = (int)gr->ncl - 1;
            }
            gen_put_named(&gr->t, r, s);
            node(gr, key(gr, "r%p", (const void *)r), NK_ROLE, ci);
        }
    }
}

/* ---- edges ---- */

static void add_end(graph *gr, int n)
{
    gr->ends = arena_grow(gr->m->mem, gr->ends, sizeof *gr->ends, &gr->ends_cap, gr->nends + 1);
    gr->ends[gr->nends++] = n;
}

/* The hosts of the site that run a row's role: the role of the row's own
 * system in this instance, another system's role in any instance of it at
 * the site (as the bind checks read it). */
static void inst_hosts(graph *gr, const instance *in, const decl *role)
{
    size_t first, n = runs_hosts(&gr->runs, in->index, role, &first);
    for (size_t k = 0; k < n; k++)
        add_end(gr, (int)lookup(gr, key(gr, "h%p", (const void *)gr->runs.v[first + k].h)) - 1);
}

/* The hosts of the site that run a row's role: the role of the row's own
 * system in this instance, another system's role in any instance of it at
 * the site (as the bind checks read it), in the order of the instances:
 * a binary search in gr->by_sys, not a walk over every instance. */
static void role_hosts(graph *gr, const flow_row *r, const decl *role)
{
    if (role->system == r->inst->sys) {
        inst_hosts(gr, r->inst, role);
        return;
    }
    size_t first, n = runs_site_instances(&gr->by_sys, r->inst->site, role->system, &first);
    for (size_t k = 0; k < n; k++) inst_hosts(gr, gr->by_sys.v[first + k], role);
}

/* The nodes of one end of a row into gr->ends. */
static void end_nodes(graph *gr, const flow_row *r, const flow_end *e)
{
        const decl *x = e->kind == EP_NAME ? e->target : NULL;
    char t[ADDR_TEXT];
    gr->nends = 0;
    if (x && x->kind == D_ROLE && gr->g->site) {
        role_hosts(gr, r, x);
        if (gr->nends) return;
        gen_put_named(&gr->t, x, r->inst->sys);
        sb_puts(&gr->t, "\n(no host)");
        add_end(gr, node(gr, key(gr, "o%p", (const void *)x), NK_OTHER, scope_cluster(gr, r)));
    } else if (x && x->kind == D_ROLE) {
        gen_put_named(&gr->t, x, r->inst->sys);
        add_end(gr, node(gr, key(gr, "r%p", (const void *)x), NK_ROLE, -1));
    } else if (x) {
        gen_put_named(&gr->t, x, r->inst->sys);
        sb_puts(&gr->t, "\n(every address)");
        add_end(gr, node(gr, key(gr, "z%p", (const void *)x), NK_ZONE,
                         gr->g->site ? zone_cluster(gr, r->inst, x) : -1));
    } else if (e->kind == EP_ANY) {
        sb_puts(&gr->t, "Any");
        add_end(gr, node(gr, "any", NK_OTHER, -1));
    } else if (e->kind == EP_ADDR && addr_eq(e->lo, e->hi) &&
               lookup(gr, key(gr, "a%s", addr_str(t, e->lo)))) {
        add_end(gr, (int)lookup(gr, key(gr, "a%s", addr_str(t, e->lo))) - 1);   /* a host's address */
    } else {
        sb_puts(&gr->t, addr_text(t, e->lo, e->hi, e->prefix));
        add_end(gr, node(gr, key(gr, "x%d:%s", e->kind, sb_text(&gr->t)),
                         e->kind == EP_GROUP ? NK_GROUP : NK_OTHER, -1));
    }
}

/* The edge from s to t, made on first use; with the row's service named
 * once. */
static void edge(graph *gr, int s, int t, const flow_row *r)
{
    const model *m = gr->m;
    const char *ek = key(gr, "e%d>%d", s, t);
    size_t i = lookup(gr, ek);
    if (!i) {
        gr->e = arena_grow(m->mem, gr->e, sizeof *gr->e, &gr->ecap, gr->ne + 1);
        gr->e[gr->ne] = (dedge){s, t, true, false, 0, 0};
        remember(gr, ek, gr->ne++);
        i = gr->ne;
    }
    gr->e[i - 1].local &= r->decl->local;
    const char *sk = key(gr, "s%zu:%p:%p", i - 1, (void *)r->inst, (void *)r->decl->service);
    if (lookup(gr, sk)) return;
    remember(gr, sk, 0);
    gr->s = arena_grow(m->mem, gr->s, sizeof *gr->s, &gr->scap, gr->ns + 1);
    gr->s[gr->ns++] = (dsvc){i - 1, check_service_name(m, r)};
}

/* The edges between the nodes of a row's two ends. With --site, none
 * from a host to itself unless the flow is local, and a local flow joins
 * no two hosts. */
static void row_edges(graph *gr, const flow_row *r)
{
    end_nodes(gr, r, &r->src);
    size_t ns = gr->nends;
    gr->srcs = arena_grow(gr->m->mem, gr->srcs, sizeof *gr->srcs, &gr->srcs_cap, ns + 1);
    int *src = gr->srcs;                     /* reused: no allocation per row */
    memcpy(src, gr->ends, ns * sizeof *src);
    end_nodes(gr, r, &r->dst);
    for (size_t a = 0; a < ns; a++)
        for (size_t b = 0; b < gr->nends; b++) {
            bool self = src[a] == gr->ends[b];
            if (gr->g->site && self != r->decl->local) continue;
            edge(gr, src[a], gr->ends[b], r);
        }
}

/* ---- groups with the same senders: one node ---- */

typedef struct {
    int dst, src;
} sender;

static int sender_cmp(const void *pa, const void *pb)
{
    const sender *a = pa, *b = pb;
    if (a->dst != b->dst) return a->dst < b->dst ? -1 : 1;
    return (a->src > b->src) - (a->src < b->src);
}

/* Each group node's signature: the sorted nodes that send to it, or NULL
 * when it sends itself (then it stays alone). */
static const char **group_signatures(graph *gr)
{
    const model *m = gr->m;
    sender *v = arena_alloc(m->mem, (gr->ne + 1) * sizeof *v);
    const char **sig = arena_alloc(m->mem, (gr->n + 1) * sizeof *sig);
    bool *sends = arena_alloc(m->mem, gr->n + 1);
    size_t n = 0;
    for (size_t i = 0; i < gr->ne; i++) {
        if (gr->v[gr->e[i].src].kind == NK_GROUP) sends[gr->e[i].src] = true;
        if (gr->v[gr->e[i].dst].kind == NK_GROUP) v[n++] = (sender){gr->e[i].dst, gr->e[i].src};
    }
    if (n > 1) qsort(v, n, sizeof *v, sender_cmp);
    strbuf b;
    sb_init(&b);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && v[j].dst == v[i].dst; j++) sb_printf(&b, "%d,", v[j].src);
        if (!sends[v[i].dst] && !b.failed) sig[v[i].dst] = arena_strdup(m->mem, b.data);
        if (b.failed) gr->failed = true;
        sb_clear(&b);
    }
    sb_free(&b);
    return sig;
}

enum { GROUP_LINES = 8 };        /* addresses shown on a merged group's node */

/* Multicast groups that the same nodes send to are drawn as one node that
 * lists them: three Dante devices sending to six groups are three edges,
 * not eighteen. Their edges' names join the first group's edges. */
static void merge_groups(graph *gr)
{
    const model *m = gr->m;
    const char **sig = group_signatures(gr);
    int *next = arena_alloc(m->mem, (gr->n + 1) * sizeof *next);
    int *last = arena_alloc(m->mem, (gr->n + 1) * sizeof *last);
    for (size_t g = 0; g < gr->n; g++) {
        next[g] = -1, last[g] = (int)g;
        size_t rep = sig[g] ? lookup(gr, key(gr, "g%s", sig[g])) : 0;
        if (sig[g] && !rep) remember(gr, key(gr, "g%s", sig[g]), g);
        if (!rep) continue;
        gr->v[g].into = (int)rep - 1;
        next[last[rep - 1]] = (int)g, last[rep - 1] = (int)g;
    }
    strbuf b;
    sb_init(&b);
    for (size_t g = 0; g < gr->n; g++) {
        if (next[g] < 0 || gr->v[g].into >= 0) continue;
        int shown = 0, more = 0;
        for (int k = (int)g; k >= 0; k = next[k])
            if (shown < GROUP_LINES) sb_printf(&b, "%s%s", shown++ ? "\n" : "", gr->v[k].label);
            else more++;
        if (more) sb_printf(&b, "\n+%d more", more);
        gr->v[g].label = arena_strdup(m->mem, sb_text(&b));
        if (b.failed) gr->failed = true;
        sb_clear(&b);
    }
    sb_free(&b);
    for (size_t i = 0; i < gr->ne; i++) {
        dedge *e = &gr->e[i];
        if (gr->v[e->dst].into < 0) continue;
        size_t c = lookup(gr, key(gr, "e%d>%d", e->src, gr->v[e->dst].into)) - 1;
        e->gone = true;
        gr->e[c].local &= e->local;
        e->first = c;                        /* where its names go */
    }
    for (size_t i = 0; i < gr->ns; i++)
        if (gr->e[gr->s[i].edge].gone) gr->s[i].edge = gr->e[gr->s[i].edge].first;
}

/* ---- the rows, each pair of ends once ---- */

static int endpoint_cmp(const endpoint *a, const endpoint *b)
{
    if (a == b) return 0;
    if (!a || !b) return a ? 1 : -1;
    return loc_cmp(a->where, b->where);
}

static int end_cmp(const flow_end *a, const flow_end *b)
{
    int c = endpoint_cmp(a->ast, b->ast);
    if (c) return c;
    if ((c = addr_cmp(a->lo, b->lo))) return c;
    return addr_cmp(a->hi, b->hi);
}

/* By instance, then the ends in source order: a flow's rows (one per
 * protocol and port range) next to each other, in an order that does not
 * depend on addresses in memory. */
static int by_ends(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->inst != b->inst) return a->inst->index < b->inst->index ? -1 : 1;
    int c = end_cmp(&a->src, &b->src);
    if (!c) c = end_cmp(&a->dst, &b->dst);
    return c ? c : (a > b) - (a < b);        /* the table's order */
}

static bool same_ends(const flow_row *a, const flow_row *b)
{
    return a->inst == b->inst && !end_cmp(&a->src, &b->src) && !end_cmp(&a->dst, &b->dst);
}

/* The rows the diagram shows, sorted by_ends; free() the array. */
static const flow_row **rows_by_ends(graph *gr, size_t *n)
{
    const flow_row **v = xmalloc_array(gr->m->nrows + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < gr->m->nrows; i++)
        if (gen_row_selected(gr->g, &gr->m->rows[i])) v[(*n)++] = &gr->m->rows[i];
    if (*n > 1) qsort(v, *n, sizeof *v, by_ends);
    return v;
}

static int svc_cmp(const void *pa, const void *pb)
{
    const dsvc *a = pa, *b = pb;
    if (a->edge != b->edge) return a->edge < b->edge ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Sort each edge's names; give each edge its run of them. */
static void edge_names(graph *gr)
{
    if (gr->ns > 1) qsort(gr->s, gr->ns, sizeof *gr->s, svc_cmp);
    size_t w = 0;
    for (size_t i = 0; i < gr->ns; i++) {      /* one name twice: a merged group's */
        if (w && gr->s[w - 1].edge == gr->s[i].edge && !strcmp(gr->s[w - 1].name, gr->s[i].name))
            continue;
        gr->s[w++] = gr->s[i];
    }
    gr->ns = w;
    for (size_t i = 0; i < gr->ne; i++) gr->e[i].first = gr->e[i].count = 0;
    for (size_t i = 0; i < gr->ns; i++) {
        dedge *e = &gr->e[gr->s[i].edge];
        if (!e->count) e->first = i;
        e->count++;
    }
}

static bool same_names(const graph *gr, const dedge *a, const dedge *b)
{
    if (a->count != b->count) return false;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(gr->s[a->first + i].name, gr->s[b->first + i].name)) return false;
    return true;
}

/* ---- writing ---- */

static void dot_node(strbuf *b, const graph *gr, size_t i, const char *indent)
{
    static const char *const style[] = {
        "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"",
        "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"",
        "shape=box, style=\"rounded,dashed,filled\", fillcolor=\"#ffffff\"",
        "shape=box, style=\"rounded,dashed\"",
        "shape=ellipse, style=filled, fillcolor=\"#fff6d5\"",
    };
    sb_printf(b, "%sn%zu [label=", indent, i);
    dot_str(b, gr->v[i].label);
    sb_printf(b, ", %s];\n", style[gr->v[i].kind]);
}

/* "a\nb\nc\n+4 more": at most LABEL_NAMES lines. */
static void edge_label(strbuf *b, const graph *gr, const dedge *e)
{
    strbuf t;
    sb_init(&t);
    size_t shown = e->count > LABEL_NAMES ? LABEL_NAMES - 1 : e->count;
    for (size_t i = 0; i < shown; i++)
        sb_printf(&t, "%s%s", i ? "\n" : "", gr->s[e->first + i].name);
    if (shown < e->count) sb_printf(&t, "\n+%zu more", e->count - shown);
    dot_str(b, sb_text(&t));
    if (t.failed) b->failed = true;
    sb_free(&t);
}

/* Edges in order of first use; a pair with the same names both ways is one
 * edge with two heads. */
static size_t dot_edges(strbuf *b, graph *gr)
{
    size_t n = 0;
    for (size_t i = 0; i < gr->ne; i++) {
        const dedge *e = &gr->e[i];
        if (e->gone) continue;
        size_t back = e->src == e->dst ? 0 : lookup(gr, key(gr, "e%d>%d", e->dst, e->src));
        bool both = back && same_names(gr, e, &gr->e[back - 1]);
        if (both && back - 1 < i) continue;
        sb_printf(b, "  n%d -> n%d [label=", e->src, e->dst);
        edge_label(b, gr, e);
        sb_printf(b, "%s%s];\n", both ? ", dir=both" : "", e->local ? ", style=dashed" : "");
        n++;
    }
    return n;
}

static void cluster_head(strbuf *b, const graph *gr, size_t c)
{
    sb_printf(b, "  subgraph cluster_%zu {\n    style=\"rounded,filled\"; "
                 "color=\"#9fb3c8\"; fillcolor=\"#f2f6fa\"; labeljust=l;\n    label=", c);
    dot_text(b, sb_text(&gr->cl[c].label), true);
    sb_puts(b, ";\n");
    if (gr->cl[c].label.failed) b->failed = true;
}

/* The graph's body: each box with its nodes (grouped by a counting sort,
 * in order of creation within a box), the nodes outside any, the edges.
 * Returns the number of edges. */
static size_t dot_write(strbuf *b, graph *gr)
{
    const model *m = gr->m;
    size_t *start = arena_alloc(m->mem, (gr->ncl + 2) * sizeof *start);
    size_t *order = arena_alloc(m->mem, (gr->n + 1) * sizeof *order);
    for (size_t i = 0; i < gr->n; i++) start[gr->v[i].cluster + 2]++;   /* -1 first */
    for (size_t c = 1; c < gr->ncl + 2; c++) start[c] += start[c - 1];
    for (size_t i = 0; i < gr->n; i++) order[start[gr->v[i].cluster + 1]++] = i;
    for (size_t c = 0, k = start[0]; c < gr->ncl; c++) {
        bool open = false;
        for (; k < start[c + 1]; k++) {
            if (gr->v[order[k]].into >= 0) continue;
            if (!open) cluster_head(b, gr, c);
            open = true;
            dot_node(b, gr, order[k], "    ");
        }
        if (open) sb_puts(b, "  }\n");
    }
    for (size_t k = 0; k < start[0]; k++)
        if (gr->v[order[k]].into < 0) dot_node(b, gr, order[k], "  ");
    size_t edges = dot_edges(b, gr);
    sb_puts(b, "}\n");
    return edges;
}

static void dot_head(graph *gr, strbuf *b)
{
    sb_puts(b, "// ");
    gen_comment_text(b, gen_banner(gr->g));
    sb_puts(b, "\ndigraph flows {\n  graph [rankdir=LR, fontname=\"" FONT "\", fontsize=12, "
               "labelloc=t, nodesep=0.45, ranksep=1.1, label=");
    sb_printf(&gr->t, gr->g->site ? "Site %s" : "Every system at its defaults", gr->g->site);
    dot_str(b, sb_text(&gr->t));
    sb_clear(&gr->t);
    sb_puts(b, "];\n"
               "  node [fontname=\"" FONT "\", fontsize=11, color=\"#4a5a6a\"];\n"
               "  edge [fontname=\"" FONT "\", fontsize=9, color=\"#6a7a8a\", "
               "fontcolor=\"#303a44\", arrowsize=0.7];\n");
}

/* flows.svg in the picture's place: what was not drawn and why, made by
 * berth (with or without dot), so the same policy gives the same file. */
static int svg_note(graph *gr, const char *why)
{
    strbuf *b = gen_page(gr->g, "", "flows", ".svg");
    if (!b) return 2;
    sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<!-- ");
    gen_comment_text(b, gen_banner(gr->g));
    sb_printf(b, " -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"64\" "
                 "viewBox=\"0 0 720 64\" font-family=\"" FONT "\" font-size=\"13\">\n"
                 "<text x=\"12\" y=\"26\">The flow diagram is not drawn: %s.</text>\n"
                 "<text x=\"12\" y=\"46\">flows.dot holds the graph; the pages list every "
                 "flow.</text>\n</svg>\n", why);
    return 0;
}

/* Run `dot -Tsvg FILE` into svg under a CPU-time limit (load on the
 * machine does not count against it): true when it finished in time and
 * succeeded; *late when the limit stopped it. */
static bool run_dot(const char *file, strbuf *svg, bool *late)
{
    int fd[2];
    *late = false;
    if (pipe(fd) != 0) return false;
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit cpu = {GRAPH_MAX_SECONDS, GRAPH_MAX_SECONDS};
        int null = open("/dev/null", O_RDWR);
        dup2(fd[1], 1);
        if (null >= 0) dup2(null, 0), dup2(null, 2);
        close(fd[0]);
        setrlimit(RLIMIT_CPU, &cpu);
        execlp("dot", "dot", "-Tsvg", file, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char buf[8192];
    for (ssize_t n; pid > 0 && (n = read(fd[0], buf, sizeof buf)) != 0;)
        if (n > 0) sb_putn(svg, buf, (size_t)n);
        else if (errno != EINTR) break;
    close(fd[0]);
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    *late = pid > 0 && WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL);
    return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Render with `dot` from a private temporary file (never the terminal);
 * no SVG, silently, when dot is missing or fails; a note when it ran out
 * of time. */
static int render_svg(graph *gr, const strbuf *dot)
{
    char tmp[] = "/tmp/berth-dot-XXXXXX";
    int fd = dot->failed ? -1 : mkstemp(tmp);
    if (fd < 0) return 0;
    bool ok = true, late = false;
    for (size_t done = 0, n; ok && done < dot->len; done += n) {
        ssize_t w = write(fd, dot->data + done, dot->len - done);
        ok = w > 0;
        n = ok ? (size_t)w : 0;
    }
    ok = close(fd) == 0 && ok;
    strbuf svg;
    sb_init(&svg);
    ok = ok && run_dot(tmp, &svg, &late) && !svg.failed && svg.len;
    unlink(tmp);
    if (late) {
        sb_free(&svg);
        fprintf(stderr, "berth: flows.svg not rendered: dot needed more than %d s of CPU; "
                        "flows.dot is written\n", GRAPH_MAX_SECONDS);
        sb_printf(&gr->t, "Graphviz needed more than %d s to lay it out", GRAPH_MAX_SECONDS);
        int rc = svg_note(gr, sb_text(&gr->t));
        sb_clear(&gr->t);
        return rc;
    }
    /* Our banner after the XML declaration; graphviz's version comment out. */
    const char *body = ok ? strstr(svg.data, "?>\n") : NULL;
    const char *ver = body ? strstr(body, "<!-- Generated by graphviz") : NULL;
    const char *ver_end = ver ? strstr(ver, "-->\n") : NULL;
    strbuf *b = body ? gen_page(gr->g, "", "flows", ".svg") : NULL;
    if (b) {
        sb_putn(b, svg.data, (size_t)(body + 3 - svg.data));
        sb_puts(b, "<!-- ");
        gen_comment_text(b, gen_banner(gr->g));
        sb_puts(b, " -->\n");
        sb_putn(b, body + 3, ver_end ? (size_t)(ver - body - 3) : strlen(body + 3));
        if (ver_end) sb_puts(b, ver_end + 4);
    }
    sb_free(&svg);
    if (!body) gen_retire(gr->g, "flows.svg");     /* dot missing or failed */
    return body && !b ? 2 : 0;
}

static void graph_free(graph *gr)
{
    for (size_t i = 0; i < gr->ncl; i++) sb_free(&gr->cl[i].label);
    sb_free(&gr->t);
}

/* Graphviz's layout is far from linear in nodes and edges (1,500 edges
 * took 2.5-10 s): past the bound, a note instead of the picture. The
 * bound is on what the graph holds, so the same policy always gets the
 * same file; the CPU limit in run_dot only backs it up. */
static int bounded_svg(graph *gr, const strbuf *b, size_t edges)
{
    if (gr->n <= GRAPH_MAX_NODES && edges <= GRAPH_MAX_EDGES && b->len <= GRAPH_MAX_BYTES)
        return render_svg(gr, b);
    fprintf(stderr, "berth: flows.svg not rendered: the graph has %zu nodes (limit %d), "
                    "%zu edges (limit %d) and %zu bytes (limit %d); flows.dot is written\n",
            gr->n, GRAPH_MAX_NODES, edges, GRAPH_MAX_EDGES, b->len, GRAPH_MAX_BYTES);
    sb_printf(&gr->t, "%zu nodes, %zu edges and %zu bytes of graph (limits %d, %d and %d)",
              gr->n, edges, b->len, GRAPH_MAX_NODES, GRAPH_MAX_EDGES, GRAPH_MAX_BYTES);
    int rc = svg_note(gr, sb_text(&gr->t));
    sb_clear(&gr->t);
    return rc;
}

int dot_flows_graph(gen_ctx *g)
{
    graph gr = {0};
    gr.g = g;
    gr.m = g->m;
    sb_init(&gr.t);
    names_init(&gr.index);
    if (g->site) {
        gr.runs = runs_index(gr.m);
        gr.by_sys = runs_site_index(gr.m);
        subnet_clusters(&gr);
        host_nodes(&gr);
    } else {
        role_nodes(&gr);
    }
    size_t n;
    const flow_row **rows = rows_by_ends(&gr, &n);
    for (size_t i = 0; i < n; i++)
        if (!i || !same_ends(rows[i - 1], rows[i])) row_edges(&gr, rows[i]);
    free(rows);
    merge_groups(&gr);
    edge_names(&gr);
    strbuf *b = gen_page(g, "", "flows", ".dot");
    size_t edges = 0;
    if (b) {
        dot_head(&gr, b);
        edges = dot_write(b, &gr);
        if (gr.failed) b->failed = true;
    }
    int rc = b ? bounded_svg(&gr, b, edges) : 2;
    graph_free(&gr);
    return rc;
}
