/* flows.c: `berth flows` prints the elaborated flow table, one row a line,
 * in the model's sorted order (fmt's meaning-preservation test and users
 * reviewing what a policy expands to both read it); with --site and --host,
 * the host view that gen fw reads, as text or JSON. */
#include <string.h>
#include "cli.h"
#include "gen.h"
#include "proto.h"

static void print_ports(FILE *out, unsigned lo, unsigned hi)
{
    if (lo == 0) fputs("any", out);
    else if (lo == hi) fprintf(out, "%u", lo);
    else fprintf(out, "%u-%u", lo, hi);
}


static void print_end(FILE *out, const flow_end *e, const system_decl *home)
{
    switch (e->kind) {
    case EP_NAME:
        if (e->target->system != home) fprintf(out, "%s.", e->target->system->name);
        fprintf(out, "%s", e->target->name);
        break;
    case EP_ANY: fputs("any", out); break;
    case EP_GROUP: fputs("group ", out); /* fall through */
    case EP_ADDR: {
        char a[ADDR_TEXT];
        fputs(addr_text(a, e->lo, e->hi, e->prefix), out);
        break;
    }
    }
}

int cli_flows(const model *m, diag_sink *diags, FILE *out)
{
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        const system_decl *sys = r->inst->sys;
        if (r->inst->site) fprintf(out, "%s/", r->inst->site->name);
        char pt[PROTO_TEXT];
        fprintf(out, "%s %s.%s %s ", r->inst->name, sys->name, r->decl->service->name,
                proto_type_text(pt, r->ipproto, r->icmp_type));
        if (row_has_ports(r)) {
            char ports[PORT_TEXT];
            fprintf(out, "%s from ", row_port_text(ports, r, false));
            fprintf(out, "%s ", row_port_text(ports, r, true));
        }
        print_end(out, &r->src, sys);
        fputs(" -> ", out);
        print_end(out, &r->dst, sys);
        for (const scope *s = r->decl->scopes; s; s = s->next)
            fprintf(out, "%s%s%s", s == r->decl->scopes ? " in " : ", ",
                    s->target ? s->target->name : s->zone.name, s->optional ? " optional" : "");
        if (r->decl->local) fputs(" local", out);
        if (r->decl->dynamic) fputs(" dynamic", out);
        if (r->flags & ROW_SHARED) fputs(" shared", out);
        const decl *same = r->decl->service->alias_of;
        if (same) fprintf(out, " (same software as %s.%s)", same->system->name, same->name);
        fputc('\n', out);
    }
    diag_finish(diags);
    diag_print_text(diags, stderr);
    return diag_count(diags, SEV_ERROR) ? 1 : 0;
}

/* ---- flows --site S --host H ---- */

typedef struct {
    FILE *out;
    int depth;
    bool first[16];              /* no element written yet at this depth */
    bool after_key;
} json_writer;

static void jw_sep(json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth && !w->first[w->depth - 1]) fputc(',', w->out);
    if (w->depth) {
        w->first[w->depth - 1] = false;
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    }
}

static void jw_begin(void *ctx, bool array)
{
    json_writer *w = ctx;
    jw_sep(w);
    fputc(array ? '[' : '{', w->out);
    if (w->depth < 16) w->first[w->depth] = true;
    w->depth++;
}

static void jw_end(void *ctx, bool array)
{
    json_writer *w = ctx;
    w->depth--;
    if (w->depth < 16 && !w->first[w->depth]) fprintf(w->out, "\n%*s", 2 * w->depth, "");
    fputc(array ? ']' : '}', w->out);
}

static void jw_key(void *ctx, const char *k)
{
    json_writer *w = ctx;
    jw_sep(w);
    report_json_string(w->out, k);
    fputs(": ", w->out);
    w->after_key = true;
}

static void jw_str(void *ctx, const char *s)
{
    jw_sep(ctx);
    report_json_string(((json_writer *)ctx)->out, s);
}

static void jw_num(void *ctx, long long n)
{
    jw_sep(ctx);
    fprintf(((json_writer *)ctx)->out, "%lld", n);
}

static void jw_bool(void *ctx, bool b)
{
    jw_sep(ctx);
    fputs(b ? "true" : "false", ((json_writer *)ctx)->out);
}

static const hv_sink json_sink = {jw_begin, jw_end, jw_key, jw_str, jw_num, jw_bool};

typedef struct {
    FILE *out;
    bool first;
} cidr_list;

static void print_cidr(void *ctx, const char *cidr)
{
    cidr_list *l = ctx;
    fprintf(l->out, "%s%s", l->first ? "" : ", ", cidr);
    l->first = false;
}

static void print_addrs(FILE *out, const char *word, const hv_addrset *s)
{
    if (!s->n) return;
    cidr_list l = {out, true};
    fprintf(out, " %s ", word);
    for (size_t i = 0; i < s->n; i++) hv_cidrs(s->v[i], print_cidr, &l);
}

static void print_port_list(FILE *out, const char *word, const hv_ports *v, size_t n)
{
    fprintf(out, " %s ", word);
    if (!n) fputs("any", out);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        print_ports(out, v[i].lo, v[i].hi);
    }
}

/* One rule a line: "in udp dport 9000-9020 saddr 10.0.10.11/32  # igloo.osc (file:line)". */
static void print_rule(const model *m, FILE *out, const hv_rule *r)
{
    char pt[PROTO_TEXT];
    fprintf(out, "%-3s %s%s", r->out ? "out" : "in", proto_type_text(pt, r->ipproto, r->icmp_type),
            r->fam == ADDR_V6 ? " ipv6" : "");
    if (r->proto != PROTO_IP) print_port_list(out, "dport", r->dports, r->ndports);
    if (r->nsports) print_port_list(out, "sport", r->sports, r->nsports);
    print_addrs(out, "saddr", r->saddrs);
    print_addrs(out, r->multicast ? "group" : "daddr", r->daddrs);
    fputs("  #", out);
    for (size_t i = 0; i < r->nwhy; i++)
        fprintf(out, "%s %s (%s:%d)", i ? "," : "", check_service_name(m, r->why[i]),
                r->why[i]->decl->where.src->name, loc_line(r->why[i]->decl->where));
    fputc('\n', out);
}

int cli_host_flows(const cli_options *o, const model *m, diag_sink *diags, FILE *out)
{
    const site_decl *site = names_get(&m->sites, o->site);
    host_view *views;
    size_t n;
    hv_options ho = {o->unknown_peer_any, SEV_ERROR, diags};
    bool ok = !diag_count(diags, SEV_ERROR) && hostview_build(m, site, &ho, &views, &n);
    diag_finish(diags);
    diags->hide_waived = true;
    diag_print_text(diags, stderr);
    if (!ok) return 1;
    for (size_t i = 0; i < n; i++) {
        const host_view *v = &views[i];
        if (strcmp(v->h->decl->name, o->host) != 0) continue;
        if (o->format == FMT_JSON) {
            json_writer w = {out, 0, {0}, false};
            gen_ctx g = {0};                 /* for the banner gen fw gives templates */
            g.m = m;
            g.inputs = o->files;
            g.ninputs = o->nfiles;
            hv_extra x = {gen_banner(&g), o->def_keys, o->def_values, o->ndefs};
            hostview_walk(m, v, &x, &json_sink, &w);
            fputc('\n', out);
        } else {
            char a[2 * ADDR_TEXT];
            fprintf(out, "# host %s %s in site %s: %zu rules\n", v->h->decl->name,
                    host_addr_text(a, v->h), site->name, v->nrules);
            for (size_t k = 0; k < v->nrules; k++) print_rule(m, out, &v->rules[k]);
        }
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : 2;
}
