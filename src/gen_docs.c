/* gen_docs.c: `berth gen docs`. Takes the checked model and reads only
 * its frozen view for values (instance.params, instance.flows: nothing is
 * evaluated again, no row is scanned for a value); gives Markdown port
 * tables in the vendors' shape (one page per system, one per site), the
 * findings, a port map per host (gen_portmap.c) and the flow diagram
 * (gen_dot.c). Every policy text is escaped for the language it lands in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gen_docs.h"
#include "gen_dot.h"
#include "runs.h"


/* ---- escaping: one helper per output language ---- */

/* Markdown: nothing can end a cell or row, open HTML, code or a link. */
static void md(strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("|\\`[]", *s)) sb_putc(b, '\\'), sb_putc(b, *s);
        else if (*s == '<') sb_puts(b, "&lt;");
        else if (*s == '>') sb_puts(b, "&gt;");
        else if (*s == '&') sb_puts(b, "&amp;");
        else if (*s == '\n') sb_puts(b, "<br>");
        else sb_putc(b, *s == '\r' || *s == '\t' ? ' ' : *s);
    }
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid; *cp its code point. */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
    size_t n = s[0] >= 0xf5 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    unsigned c = n ? s[0] & (0x7f >> n) : 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!n || c < least[n] || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff) return 0;
    *cp = c;
    return n;
}

/* XML text or attribute value, exactly as the Lua templates' esc.xml:
 * markup characters and tab, LF, CR as references; the controls XML 1.0
 * cannot hold and U+FFFE/U+FFFF as spaces; invalid UTF-8 as U+FFFD. */
void docs_xml(strbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = 0;
        size_t n = *p < 0x80 ? 1 : utf8_seq(p, &cp);
        if (*p == '&') sb_puts(b, "&amp;");
        else if (*p == '<') sb_puts(b, "&lt;");
        else if (*p == '>') sb_puts(b, "&gt;");
        else if (*p == '"') sb_puts(b, "&quot;");
        else if (*p == '\'') sb_puts(b, "&apos;");
        else if (*p == '\t' || *p == '\n' || *p == '\r') sb_printf(b, "&#%d;", *p);
        else if (*p < 0x20 || cp == 0xfffe || cp == 0xffff) sb_putc(b, ' ');
        else if (!n) sb_puts(b, "\xef\xbf\xbd");
        else sb_putn(b, (const char *)p, n);
        p += n ? n : 1;
    }
}





/* The scratch text as one escaped Markdown cell; clears the scratch. */
static void cell(docs *d, strbuf *b)
{
    sb_putc(b, ' ');
    md(b, sb_text(&d->t));
    sb_puts(b, " |");
    if (d->t.failed) b->failed = true;
    sb_clear(&d->t);
}

static void text_cell(docs *d, strbuf *b, const char *s)
{
    sb_puts(&d->t, s ? s : "");
    cell(d, b);
}

/* A table's heading and header row, before its first row only. */
static void table_head(strbuf *b, bool *started, const char *head)
{
    if (!*started) sb_puts(b, head);
    *started = true;
}

/* ---- raw texts: values, ports, endpoints ---- */

static void put_addr(strbuf *b, addr a)
{
    char t[ADDR_TEXT];
    sb_puts(b, addr_str(t, a));
}

static void put_host_addrs(strbuf *b, const host *h)
{
    char t[2 * ADDR_TEXT];
    sb_puts(b, host_addr_text(t, h));
}

static void put_addr_range(strbuf *b, addr lo, addr hi, int prefix)
{
    put_addr(b, lo);
    if (prefix < addr_bits(lo)) sb_printf(b, "/%d", prefix);
    else if (!addr_eq(hi, lo)) sb_puts(b, " - "), put_addr(b, hi);
}

static void put_value(strbuf *b, const value *v)
{
    if (v->kind == V_ADDR)
        put_addr_range(b, v->alo, v->ahi,
                       addr_eq(v->alo, v->ahi) ? v->prefix : addr_bits(v->alo));
    else if (v->lo == v->hi) sb_printf(b, "%lld", (long long)v->lo);
    else sb_printf(b, "%lld-%lld", (long long)v->lo, (long long)v->hi);
}

/* The policy text of a span (its first line), for what has no value. */
static void put_source(strbuf *b, loc w)
{
    size_t len;
    int w_line = loc_line(w), w_col = loc_col(w), w_end_col = loc_end_col(w);
    const char *line = w.src ? source_line(w.src, w_line, &len) : "";
    size_t from = w_col > 0 ? (size_t)w_col - 1 : 0;
    size_t to = w.src && loc_end_line(w) == w_line && (size_t)w_end_col < len ? (size_t)w_end_col
                                                                              : w.src ? len : 0;
    if (from < to) sb_putn(b, line + from, to - from);
}


static const char *os_text(os_kind os)
{
    return os == OS_WINDOWS ? "Windows" : os == OS_LINUX ? "Linux" : "";
}

/* "9000-9020, 10000" in the instance's values (vals: the frozen values of
 * list's items); what has none as written. A pool used alone is its whole
 * range, as elab.c reads it. The forms read as a vendor table writes them:
 * "5960 and up (dynamic)", "5004-5100 even", "16384-32767 (dynamic)",
 * "ephemeral". */
static void put_ports(strbuf *b, const port_item *list, const port_item_value *vals, bool dynamic)
{
    for (const port_item *p = list; p; p = p->next, vals++) {
        if (p != list) sb_puts(b, ", ");
        if (p->ephemeral) {
            sb_puts(b, "ephemeral");
            continue;
        }
        if (vals->ok) put_value(b, &(value){V_INT, vals->lo, vals->hi, addr_v4(0), addr_v4(0), 0, p->where});
        else put_source(b, p->where);
        if (p->up) sb_puts(b, " and up");
        if (p->stride) sb_puts(b, p->stride == STRIDE_EVEN ? " even" : " odd");
        if (p->up || p->dynamic || dynamic) sb_puts(b, " (dynamic)");
    }
}

/* Destination ports, then "from" source ports; a label says "from" even alone. */
/* An IP protocol's flow has no ports: its ICMP types with their IANA
 * names ("Type 8 (Echo)"), or "None". */
static void put_icmp_types(strbuf *b, const flow_decl *f)
{
    if (!f->types) sb_puts(b, "None");
    for (const icmp_type_item *t = f->types; t; t = t->next) {
        const char *name = proto_icmp_type_name(f->ipproto == IPPROTO_NUM_ICMPV6, t->type);
        sb_printf(b, "%sType %d", t == f->types ? "" : ", ", t->type);
        if (name) sb_printf(b, " (%s)", name);
    }
}

static void put_flow_ports(strbuf *b, const flow_view *fv, bool label)
{
    const flow_decl *f = fv->decl;
    if (f->protos == PROTO_IP) {
        put_icmp_types(b, f);
        return;
    }
    put_ports(b, f->ports, fv->ports, f->dynamic);
    if (f->sports && (f->ports || label)) sb_puts(b, f->ports ? " from " : "from ");
    put_ports(b, f->sports, fv->sports, f->dynamic);
}

/* An endpoint in its instance's value (v, frozen), or as written. */
static void put_end(strbuf *b, const instance *in, const endpoint *e, const end_value *v)
{
    bool valued = e->kind != EP_NAME && e->kind != EP_ANY && v->ok;
    if (e->kind == EP_NAME && e->target) gen_put_named(b, e->target, in->sys);
    else if (e->kind == EP_ANY) sb_puts(b, "Any");
    else if (valued) put_addr_range(b, v->v.lo, v->v.hi, v->v.prefix);
    else if (e->lo) put_source(b, e->hi ? loc_join(e->lo->where, e->hi->where) : e->lo->where);
}

static void put_ends(strbuf *b, const instance *in, const endpoint *list, const end_value *vals)
{
    for (const endpoint *e = list; e; e = e->next, vals++) {
        if (e != list) sb_putc(b, '\n');
        put_end(b, in, e, vals);
    }
}

static bool is_group(const endpoint *e, const end_value *v)
{
    bool valued = e->kind != EP_NAME && e->kind != EP_ANY && v->ok;
    return valued ? v->v.kind == EP_GROUP : e->kind == EP_GROUP;
}

/* A multicast flow: every endpoint is a group. */
static bool multicast_flow(const flow_view *fv)
{
    const end_value *v = fv->dst;
    for (const endpoint *e = fv->decl->dst; e; e = e->next, v++)
        if (!is_group(e, v)) return false;
    return fv->decl->dst != NULL;
}

static const char *proto_text_of(const flow_decl *f, bool lower, char buf[PROTO_TEXT])
{
    unsigned protos = f->protos;
    if (protos == PROTO_IP) {
        const ip_protocol *p = proto_by_number(f->ipproto);
        if (lower) return proto_text(buf, f->ipproto);
        if (p) return p->title;
        snprintf(buf, PROTO_TEXT, "Protocol %d", f->ipproto);
        return buf;
    }
    if (protos == (PROTO_TCP | PROTO_UDP)) return lower ? "tcp+udp" : "TCP & UDP";
    if (protos == PROTO_TCP) return lower ? "tcp" : "TCP";
    return lower ? "udp" : "UDP";
}

/* Seen from the host that owns the ports listed: the endpoint listens
 * (Inbound), or only the source's ports are fixed (Outbound). */
static const char *direction(const flow_decl *f)
{
    if (f->local) return "Local";
    if (f->bidir) return "Both ways";
    return f->ports || !f->sports ? "To endpoint" : "From source";
}

static void put_scopes(strbuf *b, const flow_decl *f, const system_decl *home)
{
    if (!f->scopes) sb_puts(b, f->local ? "Same host" : "Any");
    for (const scope *s = f->scopes; s; s = s->next) {
        if (s != f->scopes) sb_puts(b, ", ");
        if (s->target) gen_put_named(b, s->target, home);
        else sb_puts(b, s->zone.name);
        if (s->optional) sb_puts(b, " (Optional)");
    }
}

/* ---- system pages ---- */


static void md_head(docs *d, strbuf *b, const char *desc, const char *kind, const char *name)
{
    sb_puts(b, "<!-- ");
    gen_comment_text(b, gen_banner(d->g));
    sb_puts(b, " -->\n\n# ");
    md(b, desc ? desc : name);
    sb_puts(b, "\n\n");
    if (kind) sb_printf(b, "%s `%s`.\n\n", kind, name);
}

/* The system-level instance of s (its defaults), or NULL. */
static const instance *system_instance(const docs *d, const system_decl *s)
{
    size_t first, n = runs_site_instances(&d->by_sys, NULL, s, &first);
    return n ? d->by_sys.v[first] : NULL;
}

static void decl_list(strbuf *b, const system_decl *s, decl_kind kind, const char *head)
{
    bool any = false;
    for (const decl *x = s->decls; x; x = x->next) {
        if (x->kind != kind) continue;
        table_head(b, &any, head);
        sb_printf(b, "- `%s`", x->name);
        if (x->desc) sb_puts(b, ": "), md(b, x->desc);
        if (x->os) sb_printf(b, " (%s)", os_text(x->os));
        sb_putc(b, '\n');
    }
    if (any) sb_putc(b, '\n');
}

static void param_table(docs *d, strbuf *b, const system_decl *s, const instance *in)
{
    bool any = false;
    for (const decl *p = s->decls; p; p = p->next) {
        if (p->kind != D_PARAM && p->kind != D_POOL) continue;
        table_head(b, &any, "## Parameters\n\n| Parameter | Default | Description |\n"
                            "|---|---|---|\n");
        sb_printf(b, "| `%s` |", p->name);
        const value *v = inst_param(in, p);
        if (v) put_value(&d->t, v);
        else sb_puts(&d->t, "(set per site)");
        cell(d, b);
        text_cell(d, b, p->desc);
        sb_putc(b, '\n');
    }
    if (any) sb_putc(b, '\n');
}

/* The vendor's port table, or (mcast) its multicast table. */
static void flow_table(docs *d, strbuf *b, const system_decl *s, const instance *in, bool mcast)
{
    bool any = false;
    for (size_t k = 0; k < in->nflows; k++) {
            const flow_view *fv = &in->flows[k];
            const flow_decl *f = fv->decl;
            const decl *sv = f->service;
            if (multicast_flow(fv) != mcast) continue;
            table_head(b, &any, mcast ? "## Multicast\n\n| Ports | Multicast Address | "
                                        "Description | Source |\n|---|---|---|---|\n"
                                      : "## Ports\n\n| Port | Protocol | Direction | Scope | "
                                        "Description | Source | Endpoint |\n"
                                        "|---|---|---|---|---|---|---|\n");
            sb_putc(b, '|');
            put_flow_ports(&d->t, fv, mcast);
            cell(d, b);
            if (mcast) {
                put_ends(&d->t, in, f->dst, fv->dst);
            } else {
                char pt[PROTO_TEXT];
                sb_printf(b, " %s | %s |", proto_text_of(f, false, pt), direction(f));
                put_scopes(&d->t, f, s);
            }
            cell(d, b);
            text_cell(d, b, sv->desc ? sv->desc : sv->name);
            put_ends(&d->t, in, f->src, fv->src);
            cell(d, b);
            if (!mcast) put_ends(&d->t, in, f->dst, fv->dst), cell(d, b);
            sb_putc(b, '\n');
        }
    if (any) sb_putc(b, '\n');
}

/* "## Same software": this system's services that are another system's
 * (`is dante.audio_control`), and the other systems' services that are
 * this one's. Names are identifiers; nothing to escape. */
static void same_software(docs *d, strbuf *b, const system_decl *s)
{
    bool any = false;
    const char *head = "## Same software\n\n";
    for (const decl *x = s->decls; x; x = x->next)
        if (x->kind == D_SERVICE && x->alias_of) {
            table_head(b, &any, head);
            sb_printf(b, "- `%s`: same software as `%s.%s`; one listener on a host running both\n",
                      x->name, x->alias_of->system->name, x->alias_of->name);
        }
    for (const decl *x = s->decls; x; x = x->next) {
        if (x->kind != D_SERVICE || !x->aliased) continue;
        for (const system_decl *o = d->m->prog->systems; o; o = o->next)
            for (const decl *y = o->decls; y; y = y->next)
                if (y->kind == D_SERVICE && y->alias_of == x) {
                    table_head(b, &any, head);
                    sb_printf(b, "- `%s`: also described as `%s.%s` (same software)\n", x->name,
                              o->name, y->name);
                }
    }
    if (any) sb_putc(b, '\n');
}

static int system_page(docs *d, const system_decl *s)
{
    const instance *in = system_instance(d, s);
    /* "findings" would collide with the findings page. */
    strbuf *b = gen_page(d->g, strcmp(s->name, "findings") ? "" : "system-", s->name, ".md");
    if (!b || !in) return b ? 0 : 2;
    md_head(d, b, s->desc, "System", s->name);
    decl_list(b, s, D_ZONE, "## Zones\n\n");
    decl_list(b, s, D_ROLE, "## Roles\n\n");
    param_table(d, b, s, in);
    flow_table(d, b, s, in, false);
    flow_table(d, b, s, in, true);
    same_software(d, b, s);
    return 0;
}

/* ---- site pages ---- */

static void host_table(docs *d, strbuf *b, const site_decl *site)
{
    sb_puts(b, "## Hosts\n\n| Host | Address | OS | Ephemeral ports | Runs |\n"
               "|---|---|---|---|---|\n");
    for (size_t i = 0; i < d->m->nhosts; i++) {
        const host *h = d->m->hosts[i];
        if (h->site != site) continue;
        sb_printf(b, "| `%s` | ", h->decl->name);
        put_host_addrs(b, h);
        sb_printf(b, " | %s | ", os_text(h->os));
        if (h->eph_lo) sb_printf(b, "%d-%d", h->eph_lo, h->eph_hi);
        sb_puts(b, " |");
        for (int k = 0; k < h->nruns; k++)
            sb_printf(&d->t, "%s%s.%s", k ? ", " : "", h->runs[k].inst->name,
                      h->runs[k].role->name);
        cell(d, b);
        sb_putc(b, '\n');
    }
    sb_putc(b, '\n');
}

static void network_table(docs *d, strbuf *b, const site_decl *site)
{
    bool any = false;
    for (size_t i = 0; i < d->m->nnetworks; i++) {
        const network *n = &d->m->networks[i];
        if (n->inst->site != site) continue;
        table_head(b, &any, "## Networks\n\n| Zone | Description | Subnet |\n|---|---|---|\n");
        sb_printf(b, "| `%s.%s` |", n->inst->name, n->zone->name);
        text_cell(d, b, n->zone->desc);
        sb_putc(b, ' ');
        put_addr(b, n->addr);
        sb_printf(b, "/%d |\n", n->prefix);
    }
    if (any) sb_putc(b, '\n');
}

/* Parameters whose value at the site differs from the system's default. */
static void set_table(docs *d, strbuf *b, const site_decl *site)
{
    bool any = false;
    for (size_t i = 0; i < d->m->ninstances; i++) {
        const instance *in = d->m->instances[i], *def = in->defaults;
        for (const decl *p = in->sys->decls; p && in->site == site && def; p = p->next) {
            if (p->kind != D_PARAM && p->kind != D_POOL) continue;
            const param_value *v = &in->params[p->index];
            if (!v->ok || v->is_default) continue;
            const value *dv = inst_param(def, p);
            table_head(b, &any, "## Parameters\n\n| Instance | Parameter | Value | Default |\n"
                                "|---|---|---|---|\n");
            sb_printf(b, "| `%s` | `%s` | ", in->name, p->name);
            put_value(b, &v->v);
            sb_puts(b, " | ");
            if (dv) put_value(b, dv);
            else sb_puts(b, "(none)");
            sb_puts(b, " |\n");
        }
    }
    if (any) sb_putc(b, '\n');
}

/* Does host h run, for instance in, a role that the endpoint list names? */
/* ---- who listens on what: (host, instance, flow) once per run ---- */

/* A host runs an endpoint of flow `flow` of instances[inst]: the role of
 * the flow's own system in that instance, or another system's role in
 * any instance of it at the site. dst: through the destination side. */
typedef struct {
    uint32_t host, inst, flow;
    bool dst;
} listen_ref;

struct listen_index {
    listen_ref *v;
    size_t n, cap;
    size_t *first;               /* host i's refs: v[first[i] .. first[i + 1]) */
};

static int listen_cmp(const void *pa, const void *pb)
{
    const listen_ref *a = pa, *b = pb;
    if (a->host != b->host) return a->host < b->host ? -1 : 1;
    if (a->inst != b->inst) return a->inst < b->inst ? -1 : 1;
    if (a->flow != b->flow) return a->flow < b->flow ? -1 : 1;
    return (int)b->dst - (int)a->dst;   /* a destination first: it wins the merge */
}

static void listen_hosts(const model *m, listen_index *x, const run_index *runs,
                         const instance *role_in, const decl *role, listen_ref ref)
{
    size_t first, n = runs_hosts(runs, role_in->index, role, &first);
    for (size_t k = 0; k < n; k++) {
        x->v = arena_grow(m->mem, x->v, sizeof *x->v, &x->cap, x->n + 1);
        ref.host = (uint32_t)runs->v[first + k].h->index;
        x->v[x->n++] = ref;
    }
}

static void listen_side(docs *d, listen_index *x, const run_index *runs, const endpoint *list,
                        listen_ref ref)
{
    const instance *in = d->m->instances[ref.inst];
    for (const endpoint *e = list; e; e = e->next) {
        if (e->kind != EP_NAME || e->target->kind != D_ROLE) continue;
        if (e->target->system == in->sys) {
            listen_hosts(d->m, x, runs, in, e->target, ref);
            continue;
        }
        size_t first, n = runs_site_instances(&d->by_sys, in->site, e->target->system, &first);
        for (size_t k = 0; k < n; k++)
            listen_hosts(d->m, x, runs, d->by_sys.v[first + k], e->target, ref);
    }
}

/* Every (host, flow) a listen table shows, sorted by host, then instance
 * and flow in model order, each once: O(n log n) in those pairs, where
 * each host's table used to walk every flow of every instance. */
static listen_index *listen_index_make(docs *d)
{
    const model *m = d->m;
    listen_index *x = arena_alloc(m->mem, sizeof *x);
    *x = (listen_index){NULL, 0, 0, arena_alloc(m->mem, (m->nhosts + 1) * sizeof *x->first)};
    run_index runs = runs_index(m);
    for (size_t i = 0; i < m->ninstances; i++) {
        const instance *in = m->instances[i];
        for (size_t k = 0; k < in->nflows && in->site; k++) {
            const flow_decl *f = in->flows[k].decl;
            if (!f->ports && f->protos != PROTO_IP) continue;
            listen_side(d, x, &runs, f->dst, (listen_ref){0, (uint32_t)i, (uint32_t)k, true});
            if (f->bidir)
                listen_side(d, x, &runs, f->src, (listen_ref){0, (uint32_t)i, (uint32_t)k, false});
        }
    }
    if (x->n > 1) qsort(x->v, x->n, sizeof *x->v, listen_cmp);
    size_t n = 0;
    for (size_t j = 0; j < x->n; j++)
        if (!n || x->v[j].host != x->v[n - 1].host || x->v[j].inst != x->v[n - 1].inst ||
            x->v[j].flow != x->v[n - 1].flow)
            x->v[n++] = x->v[j];
    x->n = n;
    for (size_t h = 0, j = 0; h <= m->nhosts; h++) {
        while (j < x->n && x->v[j].host < h) j++;
        x->first[h] = j;
    }
    return x;
}

/* The host's port map next to the site page (site-S/H-ports.svg), shown
 * under its heading. */
static void port_map(docs *d, strbuf *b, const host *h)
{
    size_t n = strlen(h->site->name) + 8;
    char *dir = arena_alloc(d->m->mem, n);
    snprintf(dir, n, "site-%s/", h->site->name);
    strbuf *svg = gen_page(d->g, dir, h->decl->name, "-ports.svg");
    if (!svg) {
        b->failed = true;
        return;
    }
    docs_port_map(d, h, svg);
    sb_printf(b, "![The ports %s binds](%s%s-ports.svg)\n\n", h->decl->name, dir, h->decl->name);
}

/* What a host listens on: the flows whose endpoint it runs (either side of
 * a `<->`), in its site's instances, with their values there. */
static void listen_table(docs *d, strbuf *b, const host *h)
{
    bool any = false;
    sb_printf(b, "### `%s` (", h->decl->name);
    put_host_addrs(b, h);
    sb_puts(b, ")\n\n");
    port_map(d, b, h);
    if (!d->listens) d->listens = listen_index_make(d);
    const listen_index *x = d->listens;
    for (size_t j = x->first[h->index]; j < x->first[h->index + 1]; j++) {
        const instance *in = d->m->instances[x->v[j].inst];
        const flow_view *fv = &in->flows[x->v[j].flow];
        const flow_decl *f = fv->decl;
        const decl *sv = f->service;
        bool dst = x->v[j].dst;
        table_head(b, &any, "| Protocol | Ports | Service | Description | Source |\n"
                            "|---|---|---|---|---|\n");
        char pt[PROTO_TEXT];
        sb_printf(b, "| %s |", proto_text_of(f, false, pt));
        if (f->protos == PROTO_IP) put_icmp_types(&d->t, f);
        else put_ports(&d->t, f->ports, fv->ports, f->dynamic);
        cell(d, b);
        sb_printf(b, " `%s.%s`%s", in->name, sv->name, f->local ? " (local)" : "");
        /* one listener with its target where the host runs both */
        const instance *same = sv->alias_of ? runs_instance_of(h, sv->alias_of->system) : NULL;
        if (same) sb_printf(b, " (same software as `%s.%s`)", same->name, sv->alias_of->name);
        sb_puts(b, " |");
        text_cell(d, b, sv->desc);
        put_ends(&d->t, in, dst ? f->src : f->dst, dst ? fv->src : fv->dst);
        cell(d, b);
        sb_putc(b, '\n');
    }
    sb_puts(b, any ? "\n" : "Listens on no port of the policy.\n\n");
}

static int site_page(docs *d, const site_decl *site)
{
    strbuf *b = gen_page(d->g, "site-", site->name, ".md");
    if (!b) return 2;
    md_head(d, b, site->desc, "Site", site->name);
    host_table(d, b, site);
    network_table(d, b, site);
    set_table(d, b, site);
    sb_puts(b, "## Listening ports\n\n");
    for (size_t i = 0; i < d->m->nhosts; i++)
        if (d->m->hosts[i]->site == site) listen_table(d, b, d->m->hosts[i]);
    return 0;
}

/* ---- findings ---- */

static int findings_page(docs *d)
{
    const diag_sink *s = d->m->diags;
    strbuf *b = gen_page(d->g, "", "findings", ".md");
    if (!b) return 2;
    md_head(d, b, "Findings", NULL, "findings");
    if (!s->count) sb_puts(b, "No findings.\n");
    if (!s->count) return 0;
    sb_printf(b, "%zu errors, %zu warnings, %zu notes (%zu waived).\n\n",
              diag_count(s, SEV_ERROR), diag_count(s, SEV_WARNING), diag_count(s, SEV_NOTE),
              diag_waived(s));
    sb_puts(b, "| Severity | Check | Location | Message | Waiver |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < s->count; i++) {
        const diag *x = s->items[i];
        severity sev = diag_shown(x);
        sb_printf(b, "| %s | `%s` |",
                  sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note",
                  check_table[x->check].id);
        if (x->where.src) {
            const char *name = x->where.src->name, *slash = strrchr(name, '/');
            sb_printf(&d->t, "%s:%d:%d", name[0] == '/' ? slash + 1 : name, loc_line(x->where),
                      loc_col(x->where));
        }
        cell(d, b);
        text_cell(d, b, x->message);
        text_cell(d, b, x->waiver);
        sb_putc(b, '\n');
    }
    return 0;
}

/* ---- entry ---- */

int gen_docs(gen_ctx *g)
{
    docs d = {g, g->m, {0}, NULL, runs_site_index(g->m), NULL};
    const model *m = g->m;
    sb_init(&d.t);
    int rc = 0;
    for (const system_decl *s = m->prog->systems; s && !rc; s = s->next)
        if (names_get(&m->systems, s->name) == s) rc = system_page(&d, s);
    for (const site_decl *s = m->prog->sites; s && !rc; s = s->next)
        if (names_get(&m->sites, s->name) == s && (!g->site || strcmp(g->site, s->name) == 0))
            rc = site_page(&d, s);
    if (!rc) rc = findings_page(&d);
    if (!rc) rc = dot_flows_graph(g);
    if (!rc && d.t.failed) rc = 2, fputs("berth: out of memory\n", stderr);
    sb_free(&d.t);
    return rc;
}
