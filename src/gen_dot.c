/* gen_dot.c: the flow diagram of `berth gen docs`. Takes the model and the
 * pages' helpers (gen_docs.h); gives flows.dot (roles or hosts as nodes,
 * zones as clusters, flows as labelled edges) and flows.svg when `dot` is
 * installed. Labels pass through dot_str(), the one DOT escaper. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gen_docs.h"

/* ---- flows.dot and flows.svg ---- */

/* A quoted DOT string: the one DOT escaper. */
static void dot_str(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sb_putc(b, '\\'), sb_putc(b, *s);
        else if (*s == '\n') sb_puts(b, "\\n");
        else sb_putc(b, *s == '\r' ? ' ' : *s);
    }
    sb_putc(b, '"');
}

enum { NK_ROLE, NK_HOST, NK_ZONE, NK_OTHER, NK_GROUP };
enum { GRAPH_MAX_NODES = 400, GRAPH_MAX_BYTES = 200000 };   /* beyond: no SVG */

typedef struct {
    int kind;
    const void *key;             /* role, host or zone; NULL: keyed by label */
    const char *label;
    const decl *zone;            /* its cluster, or NULL */
} dnode;

typedef struct {
    dnode *v;
    size_t n, cap;
    names index;                 /* "kind:key" or "kind=label" -> node number + 1 */
    strbuf edges;
} graph;

/* The node of that key (or label), made on first use; clears label. */
static int node(docs *d, graph *gr, int kind, const void *key, strbuf *label, const decl *zone)
{
    /* Looked up by kind and key (or label); numbered in order of creation,
     * so the lookup key never shows in the output. */
    char *id;
    size_t n = 32 + (key ? 0 : label->len);
    id = arena_alloc(d->m->mem, n);
    if (key) snprintf(id, n, "%d:%p", kind, key);
    else snprintf(id, n, "%d=%s", kind, docs_text(label));
    void *found = names_get(&gr->index, id);
    size_t i = found ? (size_t)(uintptr_t)found - 1 : gr->n;
    if (!found) {
        gr->v = arena_grow(d->m->mem, gr->v, sizeof *gr->v, &gr->cap, gr->n + 1);
        gr->v[gr->n++] = (dnode){kind, key, arena_strdup(d->m->mem, docs_text(label)), zone};
        names_put(d->m->mem, &gr->index, id, (void *)(uintptr_t)gr->n);
    }
    if (label->failed) gr->edges.failed = true;
    docs_reset(label);
    return (int)i;
}

/* The zone of the first flow (in source order) that names each role, in
 * one pass over the flows: a role's cluster in the diagram. */
static const decl **role_zones(const model *m)
{
    const decl **z = arena_alloc(m->mem, ((size_t)m->nroles + 1) * sizeof *z);
    for (const system_decl *s = m->prog->systems; s; s = s->next)
        for (const decl *sv = s->decls; sv; sv = sv->next)
            for (const flow_decl *f = sv->flows; f; f = f->next) {
                if (!f->scopes || !f->scopes->target) continue;
                const endpoint *sides[2] = {f->src, f->dst};
                for (int k = 0; k < 2; k++)
                    for (const endpoint *e = sides[k]; e; e = e->next)
                        if (e->kind == EP_NAME && e->target && e->target->kind == D_ROLE &&
                            !z[e->target->index])
                            z[e->target->index] = f->scopes->target;
            }
    return z;
}

static const decl *first_zone(const docs *d, const decl *role)
{
    return d->role_zone[role->index];
}

static void end_nodes(docs *d, graph *gr, const instance *in, const endpoint *e, int *out,
                      size_t *n)
{
    const decl *x = e->kind == EP_NAME ? e->target : NULL;
    size_t before = *n;
    for (size_t i = 0; x && d->g->site && i < gr->n; i++) {
        const host *h = gr->v[i].kind == NK_HOST ? gr->v[i].key : NULL;
        for (int k = 0; h && k < h->nruns; k++)
            if (h->runs[k].role == x && (h->runs[k].inst == in || x->system != in->sys)) {
                out[(*n)++] = (int)i;
                break;
            }
    }
    if (*n > before) return;
    if (x) docs_put_named(&d->t, x, in->sys);
    else docs_put_end(&d->t, d, in, e);
    if (x && x->kind == D_ZONE) out[(*n)++] = node(d, gr, NK_ZONE, x, &d->t, x);
    else if (x && !d->g->site) out[(*n)++] = node(d, gr, NK_ROLE, x, &d->t, first_zone(d, x));
    else if (x) sb_puts(&d->t, "\n(no host)"), out[(*n)++] = node(d, gr, NK_OTHER, x, &d->t, NULL);
    else out[(*n)++] = node(d, gr, docs_is_group(d, in, e) ? NK_GROUP : NK_OTHER, NULL, &d->t, NULL);
}

/* One edge per source and endpoint node of a flow, labelled "tcp 4352";
 * with --site, none from a host to itself unless the flow is local. */
static void flow_edges(docs *d, graph *gr, instance *in, const flow_decl *f)
{
    size_t ns = 0, nd = 0, hosts = gr->n + 1;
    for (const endpoint *e = f->src; e; e = e->next) ns += hosts;
    for (const endpoint *e = f->dst; e; e = e->next) nd += hosts;
    int *src = arena_alloc(d->m->mem, ns * sizeof *src);
    int *dst = arena_alloc(d->m->mem, nd * sizeof *dst);
    ns = nd = 0;
    for (const endpoint *e = f->src; e; e = e->next) end_nodes(d, gr, in, e, src, &ns);
    for (const endpoint *e = f->dst; e; e = e->next) end_nodes(d, gr, in, e, dst, &nd);
    sb_printf(&d->t, "%s ", docs_proto_text(f->protos, true));
    docs_put_flow_ports(&d->t, d, in, f, true);
    for (size_t a = 0; a < ns; a++)
        for (size_t b = 0; b < nd; b++) {
            if (d->g->site && src[a] == dst[b] && !f->local) continue;
            sb_printf(&gr->edges, "  n%d -> n%d [label=", src[a], dst[b]);
            dot_str(&gr->edges, docs_text(&d->t));
            sb_printf(&gr->edges, "%s%s];\n", f->bidir ? ", dir=both" : "",
                      f->local ? ", style=dashed" : "");
        }
    if (d->t.failed) gr->edges.failed = true;
    docs_reset(&d->t);
}

static void dot_node(strbuf *b, const graph *gr, size_t i, const char *indent)
{
    static const char *const shape[] = {"box", "box", "folder", "box, style=dashed", "ellipse"};
    sb_printf(b, "%sn%zu [label=", indent, i);
    dot_str(b, gr->v[i].label);
    sb_printf(b, ", shape=%s];\n", shape[gr->v[i].kind]);
}

/* A cluster's label: the zone, and with --site its subnet there. */
static void zone_label(docs *d, strbuf *b, const decl *z)
{
    if (z->desc) sb_printf(&d->t, "%s\n", z->desc);
    sb_printf(&d->t, "%s.%s", z->system->name, z->name);
    for (size_t i = 0; d->g->site && i < d->m->nnetworks; i++) {
        const network *n = &d->m->networks[i];
        if (n->zone != z || !n->inst->site || strcmp(n->inst->site->name, d->g->site)) continue;
        sb_putc(&d->t, ' ');
        docs_put_addr(&d->t, n->addr);
        sb_printf(&d->t, "/%d", n->prefix);
        break;
    }
    dot_str(b, docs_text(&d->t));
    docs_reset(&d->t);
}

static void dot_write(docs *d, strbuf *b, const graph *gr)
{
    int cluster = 0;
    for (const system_decl *s = d->m->prog->systems; s; s = s->next)
        for (const decl *z = s->decls; z; z = z->next) {
            bool open = false;
            for (size_t i = 0; z->kind == D_ZONE && i < gr->n; i++) {
                if (gr->v[i].zone != z) continue;
                if (!open) sb_printf(b, "  subgraph cluster_%d {\n    label=", cluster++);
                if (!open) zone_label(d, b, z), sb_puts(b, ";\n");
                open = true;
                dot_node(b, gr, i, "    ");
            }
            if (open) sb_puts(b, "  }\n");
        }
    for (size_t i = 0; i < gr->n; i++)
        if (!gr->v[i].zone) dot_node(b, gr, i, "  ");
    sb_putn(b, docs_text(&gr->edges), gr->edges.len);
    if (gr->edges.failed) b->failed = true;
    sb_puts(b, "}\n");
}

/* Render with `dot` from a private temporary file (never the terminal);
 * no SVG, silently, when dot is missing or fails. */
static int render_svg(docs *d, const strbuf *dot)
{
    char tmp[] = "/tmp/berth-dot-XXXXXX", cmd[96], buf[8192];
    int fd = dot->failed ? -1 : mkstemp(tmp);
    if (fd < 0) return 0;
    bool ok = true;
    for (size_t done = 0, n; ok && done < dot->len; done += n) {
        ssize_t w = write(fd, dot->data + done, dot->len - done);
        ok = w > 0;
        n = ok ? (size_t)w : 0;
    }
    ok = close(fd) == 0 && ok;
    strbuf svg;
    sb_init(&svg);
    snprintf(cmd, sizeof cmd, "dot -Tsvg %s </dev/null 2>/dev/null", tmp);
    FILE *p = ok ? popen(cmd, "r") : NULL;
    for (size_t n; p && (n = fread(buf, 1, sizeof buf, p)) > 0;) sb_putn(&svg, buf, n);
    ok = p && pclose(p) == 0 && !svg.failed && svg.len;
    unlink(tmp);
    /* Our banner after the XML declaration; graphviz's version comment out. */
    const char *body = ok ? strstr(svg.data, "?>\n") : NULL;
    const char *ver = body ? strstr(body, "<!-- Generated by graphviz") : NULL;
    const char *ver_end = ver ? strstr(ver, "-->\n") : NULL;
    strbuf *b = body ? docs_page(d, "", "flows", ".svg") : NULL;
    if (b) {
        sb_putn(b, svg.data, (size_t)(body + 3 - svg.data));
        sb_puts(b, "<!-- ");
        docs_comment_text(b, gen_banner(d->g));
        sb_puts(b, " -->\n");
        sb_putn(b, body + 3, ver_end ? (size_t)(ver - body - 3) : strlen(body + 3));
        if (ver_end) sb_puts(b, ver_end + 4);
    }
    sb_free(&svg);
    if (!body) gen_retire(d->g, "flows.svg");     /* dot missing or failed */
    return body && !b ? 2 : 0;
}

int docs_flows_graph(docs *d)
{
    d->role_zone = role_zones(d->m);
    graph gr = {NULL, 0, 0, {0}, {0}};
    names_init(&gr.index);
    sb_init(&gr.edges);
    for (size_t i = 0; d->g->site && i < d->m->nhosts; i++) {   /* every host, unlinked too */
        const host *h = d->m->hosts[i];
        const decl *z = NULL;
        if (strcmp(h->site->name, d->g->site)) continue;
        for (int k = 0; k < h->nruns && !z; k++) z = first_zone(d, h->runs[k].role);
        sb_printf(&d->t, "%s\n", h->decl->name);
        docs_put_addr(&d->t, h->addr);
        node(d, &gr, NK_HOST, h, &d->t, z);
    }
    for (const system_decl *s = d->m->prog->systems; s && !d->g->site; s = s->next)
        for (const decl *r = s->decls; r; r = r->next)
            if (r->kind == D_ROLE && names_get(&d->m->systems, s->name) == s) {
                docs_put_named(&d->t, r, s);
                node(d, &gr, NK_ROLE, r, &d->t, first_zone(d, r));
            }
    for (size_t i = 0; i < d->m->ninstances; i++) {
        instance *in = d->m->instances[i];
        bool shown = d->g->site ? in->site && !strcmp(in->site->name, d->g->site) : !in->site;
        for (const decl *sv = in->sys->decls; sv && shown; sv = sv->next)
            for (const flow_decl *f = sv->flows; f; f = f->next) flow_edges(d, &gr, in, f);
    }
    strbuf *b = docs_page(d, "", "flows", ".dot");
    if (b) {
        sb_puts(b, "// ");
        docs_comment_text(b, gen_banner(d->g));
        sb_puts(b, "\ndigraph flows {\n  graph [rankdir=LR, label=");
        sb_printf(&d->t, d->g->site ? "Site %s" : "Every system at its defaults", d->g->site);
        dot_str(b, docs_text(&d->t));
        docs_reset(&d->t);
        sb_puts(b, "];\n  node [fontname=\"Helvetica\"];\n"
                   "  edge [fontname=\"Helvetica\", fontsize=10];\n");
        dot_write(d, b, &gr);
    }
    sb_free(&gr.edges);
    if (!b) return 2;
    /* Graphviz's layout is far from linear: a graph this large would stall
     * the build, and nobody reads it as a picture anyway. */
    if (gr.n > GRAPH_MAX_NODES || b->len > GRAPH_MAX_BYTES) {
        fprintf(stderr, "berth: flows.svg not rendered: the graph has %zu nodes (limit %d) "
                        "and %zu bytes (limit %d); flows.dot is written\n",
                gr.n, GRAPH_MAX_NODES, b->len, GRAPH_MAX_BYTES);
        gen_retire(d->g, "flows.svg");
        return 0;
    }
    return render_svg(d, b);
}
