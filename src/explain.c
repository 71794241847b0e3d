/* explain.c: `berth explain PROTO PORT`: what admits a port, and why.
 * Takes the checked model, its findings and the query (protocol, port or
 * range; with --site, the host views gen fw reads, else the flow table);
 * gives every flow whose ports hold it, with file:line:col, service,
 * direction, peers and the parameter values behind the port (read from
 * the frozen view, never evaluated again), then the
 * findings about those flows and ports. Exit 0, or 1 when nothing admits it. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "cli.h"
#include "hostview.h"
#include "proto.h"

enum {
    EXPLAIN_MAX_PARAMS = 32,     /* parameter values shown per line */
    EXPLAIN_MAX_PEERS = 8,       /* address blocks shown per line */
    EXPLAIN_FLOW_TEXT = 120,     /* bytes of a flow's endpoints shown */
};

typedef struct {
    int proto, lo, hi;           /* PROTO_IP: lo-hi are ICMP types */
    int ipproto;
    const site_decl *site;       /* NULL: the flow table */
    const char *host;            /* --host, or NULL */
    const char *from;            /* --from as written, or NULL */
    bool from_addr;
    addr addr;
    const char *role_qual, *role_name;   /* --from [QUAL.]ROLE */
} query;

/* One row that admits the query, on one host's rule (or in the table). */
typedef struct {
    const host *h;               /* NULL without --site */
    const hv_rule *rule;         /* NULL without --site */
    size_t rule_index;
    const flow_row *row;
} entry;

typedef struct {
    const decl *p;
    const instance *in;
} param_use;

/* One printed line: entries of one host, rule, instance, flow and port item. */
typedef struct {
    size_t first, n;
    param_use params[EXPLAIN_MAX_PARAMS];
    size_t nparams;
    bool more_params;
} line;

/* What a finding may point at: a flow statement or a parameter's name. */
typedef struct {
    loc at;
    const instance *in;
    const decl *service;         /* NULL for a parameter */
    const host *h;
} touch;

typedef struct {
    const model *m;
    query q;
    entry *e;
    size_t ne, ecap;
    line *l;
    size_t nl, lcap;
    touch *t;
    size_t nt, tcap;
    const diag **found;
    size_t nfound;
} explain_ctx;

/* ---- the query ---- */

/* One address, IPv4 or IPv6, without a prefix (addr.c's parser). */
static bool parse_addr(const char *s, addr *out)
{
    char why[ADDR_WHY];
    int prefix;
    return addr_parse(s, strlen(s), out, &prefix, why) && prefix == addr_bits(*out) &&
           !strchr(s, '/');
}

static bool role_declared(const model *m, const char *qual, const char *name)
{
    for (const system_decl *s = m->prog->systems; s; s = s->next)
        for (const decl *d = s->decls; d; d = d->next)
            if (d->kind == D_ROLE && strcmp(d->name, name) == 0 && (!qual || !strcmp(s->name, qual)))
                return true;
    for (size_t i = 0; qual && i < m->ninstances; i++) {
        const instance *in = m->instances[i];
        if (strcmp(in->name, qual) != 0) continue;
        for (const decl *d = in->sys->decls; d; d = d->next)
            if (d->kind == D_ROLE && strcmp(d->name, name) == 0) return true;
    }
    return false;
}

/* --from: an IPv4 address, or a role ([SYSTEM.]ROLE or INSTANCE.ROLE);
 * 0, or 2 with the message printed. */
static int parse_from(explain_ctx *c, const char *from)
{
    query *q = &c->q;
    if ((from[0] >= '0' && from[0] <= '9') || strchr(from, ':')) {
        q->from_addr = parse_addr(from, &q->addr);
        if (q->from_addr) return 0;
        fprintf(stderr, "berth: --from '%s' is neither an address (IPv4 or IPv6) nor a role\n", from);
        return 2;
    }
    const char *dot = strrchr(from, '.');
    q->role_name = dot ? dot + 1 : from;
    q->role_qual = dot ? arena_strndup(c->m->mem, from, (size_t)(dot - from)) : NULL;
    if (role_declared(c->m, q->role_qual, q->role_name)) return 0;
    fprintf(stderr, "berth: no role '%s' in the policy\n", from);
    return 2;
}

/* Does lo-hi of that stride hold a port of the query? An even range holds
 * no odd port. */
static bool overlaps(const query *q, int lo, int hi, int stride)
{
    if (!lo || lo > q->hi || hi < q->lo) return false;
    int a = lo > q->lo ? lo : q->lo, b = hi < q->hi ? hi : q->hi;
    return stride == STRIDE_ALL || a < b || stride_has(stride, (unsigned)a);
}

/* A row admits the query when a port it names, to or from, is in it. */
static bool row_admits(const query *q, const flow_row *r)
{
    if (q->proto == PROTO_IP)    /* a row of every type admits each */
        return r->proto == PROTO_IP && r->ipproto == q->ipproto &&
               (r->icmp_type < 0 || (r->icmp_type >= q->lo && r->icmp_type <= q->hi));
    return r->proto == q->proto &&
           (overlaps(q, r->lo, r->hi, r->stride) || overlaps(q, r->slo, r->shi, r->sstride));
}

static bool set_has(const hv_addrset *s, addr a)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].lo.fam == a.fam && addr_cmp(s->v[i].lo, a) <= 0 && addr_cmp(a, s->v[i].hi) <= 0)
            return true;
    return s->n == 0;
}

static bool role_fits(const query *q, const flow_row *r)
{
    const flow_end *s = &r->src;
    if (s->kind != EP_NAME || s->target->kind != D_ROLE || strcmp(s->target->name, q->role_name))
        return false;
    if (!q->role_qual || strcmp(s->target->system->name, q->role_qual) == 0) return true;
    return s->target->system == r->inst->sys && strcmp(r->inst->name, q->role_qual) == 0;
}

/* --from ADDR: the rule's sources hold the address (the host itself for
 * what it sends). --from ROLE is a row's source: see role_fits. */
static bool rule_fits(const query *q, const host *h, const hv_rule *rule)
{
    if (!q->from || !q->from_addr) return true;
    if (rule->fam != q->addr.fam) return false;
    return rule->out ? host_has_addr(h, q->addr) : set_has(rule->saddrs, q->addr);
}

/* ---- gathering entries ---- */

static void add_entry(explain_ctx *c, const host *h, const hv_rule *rule, size_t k,
                      const flow_row *r)
{
    c->e = arena_grow(c->m->mem, c->e, sizeof *c->e, &c->ecap, c->ne + 1);
    c->e[c->ne++] = (entry){h, rule, k, r};
}

static void table_entries(explain_ctx *c)
{
    for (size_t i = 0; i < c->m->nrows; i++)
        if (row_admits(&c->q, &c->m->rows[i])) add_entry(c, NULL, NULL, 0, &c->m->rows[i]);
}

static void view_entries(explain_ctx *c, const host_view *v)
{
    for (size_t k = 0; k < v->nrules; k++) {
        const hv_rule *rule = &v->rules[k];
        if (rule->proto != c->q.proto || !rule_fits(&c->q, v->h, rule)) continue;
        for (size_t i = 0; i < rule->nrows; i++) {
            const flow_row *r = rule->rows[i];
            if (row_admits(&c->q, r) && (!c->q.role_name || role_fits(&c->q, r)))
                add_entry(c, v->h, rule, k, r);
        }
    }
}

/* The host views of the site, built with their own sink: the unknown-peer
 * check has already reported what they would. */
static void site_entries(explain_ctx *c)
{
    diag_sink scratch;
    diag_init(&scratch, c->m->mem);
    hv_options ho = {false, SEV_WARNING, &scratch};
    host_view *views;
    size_t n;
    (void)hostview_build(c->m, c->q.site, &ho, &views, &n);
    for (size_t i = 0; i < n; i++)
        if (!c->q.host || strcmp(views[i].h->decl->name, c->q.host) == 0) view_entries(c, &views[i]);
}

/* ---- order and lines ---- */


static int item_cmp(const port_item *a, const port_item *b)
{
    if (a == b) return 0;
    if (!a || !b) return a ? 1 : -1;
    return loc_cmp(a->where, b->where);
}

/* Host, flow in source order, instance, rule, port items, then table order. */
static int entry_cmp(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int ha = a->h ? a->h->index : -1, hb = b->h ? b->h->index : -1;
    if (ha != hb) return ha < hb ? -1 : 1;
    int k = loc_cmp(a->row->decl->where, b->row->decl->where);
    if (k) return k;
    if (a->row->inst->index != b->row->inst->index)
        return a->row->inst->index < b->row->inst->index ? -1 : 1;
    if (a->rule_index != b->rule_index) return a->rule_index < b->rule_index ? -1 : 1;
    if ((k = item_cmp(a->row->port_ast, b->row->port_ast))) return k;
    if ((k = item_cmp(a->row->sport_ast, b->row->sport_ast))) return k;
    return (a->row > b->row) - (a->row < b->row);
}

static bool same_line(const entry *a, const entry *b)
{
    return a->h == b->h && a->rule == b->rule && a->row->decl == b->row->decl &&
           a->row->inst == b->row->inst && a->row->port_ast == b->row->port_ast &&
           a->row->sport_ast == b->row->sport_ast;
}

/* A head names one flow: per instance on a host, across instances in the table. */
static bool same_head(const explain_ctx *c, const line *a, const line *b)
{
    const entry *x = &c->e[a->first], *y = &c->e[b->first];
    return x->h == y->h && x->row->decl == y->row->decl && (!x->h || x->row->inst == y->row->inst);
}

/* ---- parameters behind a line ---- */

static void add_expr_params(line *l, const instance *in, const expr *e, int depth);

static void add_param(line *l, const instance *in, const decl *p, int depth)
{
    for (size_t i = 0; i < l->nparams; i++)
        if (l->params[i].p == p) return;
    if (!inst_param(in, p)) return;
    if (l->nparams == EXPLAIN_MAX_PARAMS) {
        l->more_params = true;
        return;
    }
    l->params[l->nparams++] = (param_use){p, in};
    const decl *set = in->sets[p->index];
    add_expr_params(l, in, set ? set->value : p->value, depth + 1);
    if (p->kind == D_POOL) add_expr_params(l, in, p->count, depth + 1);
}

static void add_expr_params(line *l, const instance *in, const expr *e, int depth)
{
    if (!e || depth > MODEL_MAX_EVAL_DEPTH) return;
    if (e->kind == EX_PARAM) {
        if (e->target) add_param(l, in, e->target, depth);
        return;
    }
    if (!expr_is_binary(e)) return;
    add_expr_params(l, in, e->l, depth);
    add_expr_params(l, in, e->r, depth);
}

static void add_item_params(line *l, const instance *in, const port_item *p)
{
    if (!p) return;
    add_expr_params(l, in, p->lo, 0);
    add_expr_params(l, in, p->hi, 0);
}

static void add_end_params(line *l, const instance *in, const flow_end *e)
{
    add_expr_params(l, in, e->ast->lo, 0);
    add_expr_params(l, in, e->ast->hi, 0);
}

/* The port items' parameters first, then the endpoints' (groups, addresses). */
static void line_params(explain_ctx *c, line *l)
{
    const flow_row *prev = NULL;
    for (size_t i = l->first; i < l->first + l->n; i++) {
        const flow_row *r = c->e[i].row;
        if (!prev) {
            add_item_params(l, r->inst, r->port_ast);
            add_item_params(l, r->inst, r->sport_ast);
        }
        if (!prev || prev->src.ast != r->src.ast) add_end_params(l, r->inst, &r->src);
        if (!prev || prev->dst.ast != r->dst.ast) add_end_params(l, r->inst, &r->dst);
        prev = r;
    }
}

static void add_touch(explain_ctx *c, loc at, const instance *in, const decl *svc, const host *h)
{
    c->t = arena_grow(c->m->mem, c->t, sizeof *c->t, &c->tcap, c->nt + 1);
    c->t[c->nt++] = (touch){at, in, svc, h};
}

static void build_lines(explain_ctx *c)
{
    if (c->ne > 1) qsort(c->e, c->ne, sizeof *c->e, entry_cmp);
    for (size_t i = 0, j; i < c->ne; i = j) {
        for (j = i + 1; j < c->ne && same_line(&c->e[i], &c->e[j]); j++) {}
        c->l = arena_grow(c->m->mem, c->l, sizeof *c->l, &c->lcap, c->nl + 1);
        line *l = &c->l[c->nl++];
        memset(l, 0, sizeof *l);             /* arena_grow leaves new room unset */
        l->first = i;
        l->n = j - i;
        line_params(c, l);
        const entry *e = &c->e[i];
        add_touch(c, e->row->decl->where, e->row->inst, e->row->decl->service, e->h);
        for (size_t k = 0; k < l->nparams; k++)
            add_touch(c, l->params[k].p->name_loc, l->params[k].in, NULL, e->h);
    }
}

/* ---- findings about the lines ---- */

/* Place, then what a touch names there: one flow (or one parameter) per
 * place, so host and instance complete the order. */
static int touch_cmp(const void *pa, const void *pb)
{
    const touch *a = pa, *b = pb;
    int k = loc_cmp(a->at, b->at);
    if (k) return k;
    int ha = a->h ? a->h->index : -1, hb = b->h ? b->h->index : -1;
    if (ha != hb) return ha < hb ? -1 : 1;
    return (a->in->index > b->in->index) - (a->in->index < b->in->index);
}

/* Sorted, each touch once: a flow shown on many lines is one touch per
 * host and instance. */
static void sort_touches(explain_ctx *c)
{
    if (c->nt > 1) qsort(c->t, c->nt, sizeof *c->t, touch_cmp);
    size_t n = 0;
    for (size_t i = 0; i < c->nt; i++)
        if (!n || touch_cmp(&c->t[n - 1], &c->t[i]) != 0) c->t[n++] = c->t[i];
    c->nt = n;
}

static bool names_instance(const char *name, const instance *in)
{
    return name && strcmp(name, in->name) == 0;
}

/* The finding's tags agree with the touch: its host, site, services and
 * instances. A finding on the text (no site) names services only. */
static bool tags_fit(const diag *d, const touch *t)
{
    if (t->h && d->host && d->host != t->h->decl) return false;
    if (d->site && d->site != t->in->site) return false;
    if (!t->service) {
        if (!d->svc_inst[0] && !d->svc_inst[1]) return true;
        return names_instance(d->svc_inst[0], t->in) || names_instance(d->svc_inst[1], t->in);
    }
    if (!d->svc[0] && !d->svc[1]) return true;
    for (int k = 0; k < 2; k++)
        if (d->svc[k] == t->service && (!d->site || names_instance(d->svc_inst[k], t->in)))
            return true;
    return false;
}

static bool inside(loc at, loc span)
{
    if (at.src != span.src) return false;
    return at.start >= span.start && at.start <= span.end;
}

/* Touches are disjoint spans sorted by start: the one holding `at` starts
 * last at or before it; several touches of one flow share that start. */
static bool touches(const explain_ctx *c, const diag *d, loc at)
{
    if (!at.src) return false;
    size_t lo = 0, hi = c->nt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (loc_cmp(c->t[mid].at, at) <= 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i-- > 0 && loc_cmp(c->t[i].at, c->t[lo - 1].at) == 0;)
        if (inside(at, c->t[i].at) && tags_fit(d, &c->t[i])) return true;
    return false;
}

static bool ports_fit(const query *q, const diag *d)
{
    for (size_t i = 0; i < d->nports; i++)
        if ((d->ports[i].protos & (unsigned)q->proto) && d->ports[i].lo <= q->hi &&
            d->ports[i].hi >= q->lo)
            return true;
    return d->nports == 0;
}

static bool concerns(const explain_ctx *c, const diag *d)
{
    if (d->check >= CK_COUNT || !ports_fit(&c->q, d)) return false;
    if (touches(c, d, d->where)) return true;
    for (const diag_note *n = d->notes; n; n = n->next)
        if (touches(c, d, n->where)) return true;
    return false;
}

static void find_findings(explain_ctx *c, diag_sink *diags)
{
    sort_touches(c);
    diag_finish(diags);
    c->found = arena_alloc(c->m->mem, (diags->count + 1) * sizeof *c->found);
    for (size_t i = 0; i < diags->count; i++)
        if (concerns(c, diags->items[i])) c->found[c->nfound++] = diags->items[i];
}

/* ---- text ---- */

static const char *proto_name(int p) { return p == PROTO_TCP ? "tcp" : "udp"; }

/* The query's protocol: "tcp", "esp", "icmp", "icmp type 8". */
static const char *query_proto(const query *q, char buf[PROTO_TEXT])
{
    if (q->proto != PROTO_IP) return proto_name(q->proto);
    bool every = q->lo == 0 && q->hi == ICMP_MAX_TYPE;
    return proto_type_text(buf, q->ipproto, every ? -1 : q->lo);
}

static void print_range(FILE *out, int lo, int hi)
{
    if (lo == hi) fprintf(out, "%d", lo);
    else fprintf(out, "%d-%d", lo, hi);
}

/* "udp 16000 from 10.0.10.11 on omni1", the query as the user asked it. */
static void print_query(const explain_ctx *c, FILE *out, const host *h)
{
    char pt[PROTO_TEXT];
    fputs(query_proto(&c->q, pt), out);
    if (c->q.proto != PROTO_IP) fputc(' ', out), print_range(out, c->q.lo, c->q.hi);
    if (c->q.from) fprintf(out, " from %s", c->q.from);
    if (h) fprintf(out, " on %s", h->decl->name);
    else if (c->q.host) fprintf(out, " on %s", c->q.host);
    else if (c->q.site) fprintf(out, " in site %s", c->q.site->name);
}

/* The endpoints as written, comments left out and blanks collapsed:
 * "device -> device", "encoder -> group $video_groups". */
static void print_flow_text(FILE *out, const flow_decl *f)
{
    const endpoint *last = f->dst;
    while (last->next) last = last->next;
    loc a = f->src->where, b = last->where;
    size_t shown = 0;
    bool blank = false;          /* whitespace seen since the last byte shown */
    int a_line = loc_line(a), a_col = loc_col(a);
    int b_line = loc_line(b), b_end_col = loc_end_col(b);
    for (int ln = a_line; ln <= b_line && a.src == b.src; ln++) {
        size_t len;
        const char *s = source_line(a.src, ln, &len);
        size_t from = ln == a_line ? (size_t)a_col - 1 : 0;
        size_t to = ln == b_line && (size_t)b_end_col < len ? (size_t)b_end_col : len;
        for (size_t k = from; k < to && shown < EXPLAIN_FLOW_TEXT && s[k] != '#'; k++) {
            if (s[k] == ' ' || s[k] == '\t' || s[k] == '\r') {
                blank = shown > 0;
                continue;
            }
            if (blank) fputc(' ', out);
            fputc((unsigned char)s[k] < ' ' ? '?' : s[k], out);
            shown += 1 + blank;
            blank = false;
        }
        blank = shown > 0;
    }
    if (shown >= EXPLAIN_FLOW_TEXT) fputs("...", out);
    if (f->local) fputs(" local", out);
}

static void print_head(const explain_ctx *c, FILE *out, const entry *e)
{
    const flow_row *r = e->row;
    const loc *w = &r->decl->where;
    diag_put_text(out, w->src->name);
    fprintf(out, ":%d:%d: ", loc_line(*w), loc_col(*w));
    if (e->h) fputs(check_service_name(c->m, r), out);
    else fprintf(out, "%s.%s", r->inst->sys->name, r->decl->service->name);
    const decl *same = r->decl->service->alias_of;
    if (same) fprintf(out, " (same software as %s.%s)", same->system->name, same->name);
    fputs(": ", out);
    print_flow_text(out, r->decl);
    fputc('\n', out);
}

typedef struct {
    FILE *out;
    size_t n;
} peer_list;

static void put_peer(void *ctx, const char *cidr)
{
    peer_list *p = ctx;
    if (p->n < EXPLAIN_MAX_PEERS) fprintf(p->out, "%s%s", p->n ? ", " : "", cidr);
    p->n++;
}

static void print_set(FILE *out, const hv_addrset *s)
{
    if (!s->n) {
        fputs("any address", out);
        return;
    }
    peer_list p = {out, 0};
    for (size_t i = 0; i < s->n; i++) hv_cidrs(s->v[i], put_peer, &p);
    if (p.n > EXPLAIN_MAX_PEERS) fprintf(out, " and %zu more", p.n - EXPLAIN_MAX_PEERS);
}

/* "udp 16000-65535", "udp any port (source ports 8000-9000)",
 * "udp 5004-5100 even", "udp 5960 up". */
static void print_ports(FILE *out, const flow_row *r)
{
    char pt[PROTO_TEXT];
    if (r->proto == PROTO_IP) {  /* "icmp type 8", "vrrp" */
        fputs(proto_type_text(pt, r->ipproto, r->icmp_type), out);
        return;
    }
    char t[PORT_TEXT];
    fprintf(out, "%s ", proto_name(r->proto));
    if (r->lo) fputs(row_port_text(t, r, false), out);
    else fputs("any port", out);
    if (r->slo)
        fprintf(out, " (source port%s %s)", r->slo == r->shi ? "" : "s", row_port_text(t, r, true));
}

static void print_peers(FILE *out, const hv_rule *rule)
{
    if (rule->out) {
        fputs(rule->multicast ? " to group " : " to ", out);
        print_set(out, rule->daddrs);
        return;
    }
    fputs(" from ", out);
    print_set(out, rule->saddrs);
    if (rule->multicast) {
        fputs(" to group ", out);
        print_set(out, rule->daddrs);
    }
}

static void value_text(char buf[ADDR_TEXT], const value *v)
{
    if (v->kind == V_ADDR)
        addr_text(buf, v->alo, v->ahi, addr_eq(v->alo, v->ahi) ? v->prefix : addr_bits(v->alo));
    else if (v->lo == v->hi) snprintf(buf, ADDR_TEXT, "%lld", (long long)v->lo);
    else snprintf(buf, ADDR_TEXT, "%lld-%lld", (long long)v->lo, (long long)v->hi);
}

static bool set_in_instance(const instance *in, const decl *set)
{
    for (const decl *s = in->decl ? in->decl->sets : NULL; s; s = s->next)
        if (s == set) return true;
    return false;
}

/* Where the value came from: "default", "set in site example", ... */
static const char *param_origin(const param_use *u, char buf[160], loc *where)
{
    const decl *set = u->in->sets[u->p->index];
    *where = set ? set->where : u->p->where;
    if (!set) return u->p->kind == D_POOL ? "pool" : "default";
    if (set_in_instance(u->in, set)) snprintf(buf, 160, "set in instance %.100s", u->in->name);
    else snprintf(buf, 160, "set in site %.100s", u->in->site ? u->in->site->name : "?");
    return buf;
}

static void print_params(FILE *out, const line *l, const char *indent)
{
    for (size_t i = 0; i < l->nparams; i++) {
        char v[ADDR_TEXT], o[160];
        loc w;
        const char *origin = param_origin(&l->params[i], o, &w);
        value_text(v, inst_param(l->params[i].in, l->params[i].p));
        fprintf(out, "%s%s = %s (%s, %s:%d)\n", indent, l->params[i].p->name, v, origin,
                w.src->name, loc_line(w));
    }
    if (l->more_params)
        fprintf(out, "%s(more parameters: at most %d are shown)\n", indent, EXPLAIN_MAX_PARAMS);
}

static void print_line(const explain_ctx *c, FILE *out, const line *l)
{
    const entry *e = &c->e[l->first];
    if (e->rule) {
        fprintf(out, "    %-3s ", e->rule->out ? "out" : "in");
        print_ports(out, e->row);
        print_peers(out, e->rule);
    } else {
        const instance *in = e->row->inst;
        fprintf(out, "    %s%s%s: ", in->site ? in->site->name : "", in->site ? "/" : "", in->name);
        print_ports(out, e->row);
    }
    fputc('\n', out);
    print_params(out, l, "        ");
}

static size_t count_heads(const explain_ctx *c, size_t from, size_t *end)
{
    size_t heads = 1, i = from + 1;
    for (; i < c->nl && c->e[c->l[i].first].h == c->e[c->l[from].first].h; i++)
        heads += !same_head(c, &c->l[i - 1], &c->l[i]);
    *end = i;
    return heads;
}

static void print_section_head(const explain_ctx *c, FILE *out, size_t first, size_t heads)
{
    const host *h = c->e[c->l[first].first].h;
    if (first) fputc('\n', out);
    print_query(c, out, h);
    if (h) {
        char a[2 * ADDR_TEXT];
        fprintf(out, " (%s, site %s)", host_addr_text(a, h), h->site->name);
    }
    fprintf(out, " is admitted by %zu flow%s:\n", heads, heads == 1 ? "" : "s");
}

static void print_finding(FILE *out, const diag *d)
{
    const loc *w = &d->where;
    if (w->src) {
        diag_put_text(out, w->src->name);
        fprintf(out, ":%d:%d: ", loc_line(*w), loc_col(*w));
    }
    fprintf(out, "%s: ", severity_name(d->sev));
    diag_put_text(out, d->message);
    fprintf(out, " [%s]\n", check_table[d->check].id);
    if (!d->waiver) return;
    fputs("    waived: ", out);
    diag_put_text(out, d->waiver);
    if (d->waiver_loc.src) {
        fputs(" (", out);
        diag_put_text(out, d->waiver_loc.src->name);
        fprintf(out, ":%d)", loc_line(d->waiver_loc));
    }
    fputc('\n', out);
}

static void print_text(const explain_ctx *c, FILE *out)
{
    for (size_t s = 0, end; s < c->nl; s = end) {
        print_section_head(c, out, s, count_heads(c, s, &end));
        for (size_t i = s; i < end; i++) {
            if (i == s || !same_head(c, &c->l[i - 1], &c->l[i])) print_head(c, out, &c->e[c->l[i].first]);
            print_line(c, out, &c->l[i]);
        }
    }
    if (c->nfound)
        fprintf(out, "\n%zu finding%s:\n", c->nfound, c->nfound == 1 ? "" : "s");
    for (size_t i = 0; i < c->nfound; i++) print_finding(out, c->found[i]);
}

/* ---- JSON ---- */

static void json_key(FILE *out, const char *k, const char *v, bool comma)
{
    report_json_string(out, k);
    fputs(": ", out);
    if (v) report_json_string(out, v);
    else fputs("null", out);
    if (comma) fputs(", ", out);
}

static void json_range(FILE *out, const char *k, int lo, int hi)
{
    report_json_string(out, k);
    if (lo) fprintf(out, ": {\"lo\": %d, \"hi\": %d}, ", lo, hi);
    else fputs(": null, ", out);
}

typedef struct {
    FILE *out;
    bool first;
} json_list;

static void json_cidr(void *ctx, const char *cidr)
{
    json_list *l = ctx;
    if (!l->first) fputs(", ", l->out);
    l->first = false;
    report_json_string(l->out, cidr);
}

static void json_set(FILE *out, const char *k, const hv_addrset *s)
{
    json_list l = {out, true};
    report_json_string(out, k);
    fputs(": [", out);
    for (size_t i = 0; i < s->n; i++) hv_cidrs(s->v[i], json_cidr, &l);
    fputs("], ", out);
}

static void json_params(FILE *out, const line *l)
{
    fputs("\"params\": [", out);
    for (size_t i = 0; i < l->nparams; i++) {
        char v[ADDR_TEXT], o[160];
        loc w;
        const char *origin = param_origin(&l->params[i], o, &w);
        value_text(v, inst_param(l->params[i].in, l->params[i].p));
        fputs(i ? ", {" : "{", out);
        json_key(out, "name", l->params[i].p->name, true);
        json_key(out, "value", v, true);
        json_key(out, "origin", origin, true);
        json_key(out, "file", w.src->name, true);
        fprintf(out, "\"line\": %d}", loc_line(w));
    }
    fputs("]", out);
}

static void json_line(const explain_ctx *c, FILE *out, const line *l)
{
    const entry *e = &c->e[l->first];
    const flow_row *r = e->row;
    const loc *w = &r->decl->where, *pw = r->port_ast ? &r->port_ast->where : w;
    fputs("    {", out);
    json_key(out, "host", e->h ? e->h->decl->name : NULL, true);
    json_key(out, "direction", e->rule ? e->rule->out ? "out" : "in" : NULL, true);
    json_key(out, "file", w->src->name, true);
    fprintf(out, "\"line\": %d, \"col\": %d, \"port_line\": %d, \"port_col\": %d, ",
            loc_line(*w), loc_col(*w), loc_line(*pw), loc_col(*pw));
    json_key(out, "service", check_service_name(c->m, r), true);
    json_key(out, "system", r->inst->sys->name, true);
    json_key(out, "instance", r->inst->name, true);
    json_key(out, "site", r->inst->site ? r->inst->site->name : NULL, true);
    char pt[PROTO_TEXT];
    json_key(out, "proto", r->proto == PROTO_IP ? proto_type_text(pt, r->ipproto, r->icmp_type)
                                                : proto_name(r->proto), true);
    json_range(out, "ports", r->lo, r->hi);
    json_range(out, "sports", r->slo, r->shi);
    if (e->rule) {
        json_set(out, "saddrs", e->rule->saddrs);
        json_set(out, "daddrs", e->rule->daddrs);
        fprintf(out, "\"multicast\": %s, ", e->rule->multicast ? "true" : "false");
    }
    json_params(out, l);
    fputs("}", out);
}

static void json_finding(FILE *out, const diag *d)
{
    fputs("    {", out);
    json_key(out, "file", d->where.src ? d->where.src->name : NULL, true);
    fprintf(out, "\"line\": %d, \"col\": %d, ", loc_line(d->where), loc_col(d->where));
    json_key(out, "severity", severity_name(d->sev), true);
    json_key(out, "id", check_table[d->check].id, true);
    json_key(out, "message", d->message, true);
    json_key(out, "waived", d->waiver, false);
    fputs("}", out);
}

static void print_json(const explain_ctx *c, FILE *out)
{
    fputs("{\n  \"query\": {", out);
    char pt[PROTO_TEXT];
    json_key(out, "proto", query_proto(&c->q, pt), false);
    fprintf(out, ", \"lo\": %d, \"hi\": %d, ", c->q.lo, c->q.hi);
    json_key(out, "site", c->q.site ? c->q.site->name : NULL, true);
    json_key(out, "host", c->q.host, true);
    json_key(out, "from", c->q.from, false);
    fprintf(out, "},\n  \"admitted\": %s,\n  \"flows\": [", c->nl ? "true" : "false");
    for (size_t i = 0; i < c->nl; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_line(c, out, &c->l[i]);
    }
    fputs(c->nl ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [", out);
    for (size_t i = 0; i < c->nfound; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_finding(out, c->found[i]);
    }
    fputs(c->nfound ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* ---- the command ---- */

/* Errors of the front end leave no model to explain; findings of the
 * checks (a bind conflict not waived) are what explain is for. */
static size_t blocking_errors(const diag_sink *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) {
        const diag *d = s->items[i];
        n += d->sev == SEV_ERROR && !d->waiver &&
             (d->check >= CK_COUNT || !check_table[d->check].waivable);
    }
    return n;
}

int cli_explain(const cli_options *o, const model *m, diag_sink *diags, FILE *out)
{
    size_t bad = blocking_errors(diags);
    if (bad) {
        diag_finish(diags);
        diags->hide_waived = true;
        diag_print_text(diags, stderr);
        fprintf(stderr, "berth: %zu error%s in the policy; nothing explained\n", bad,
                bad == 1 ? "" : "s");
        return 1;
    }
    explain_ctx c = {0};
    c.m = m;
    c.q = (query){o->explain_proto, o->explain_lo, o->explain_hi, o->explain_ipproto,
                  o->site ? names_get(&m->sites, o->site) : NULL, o->host, o->from, false,
                  addr_v4(0), NULL, NULL};
    if (o->from && parse_from(&c, o->from)) return 2;
    if (c.q.site) site_entries(&c);
    else table_entries(&c);
    build_lines(&c);
    find_findings(&c, diags);
    if (o->format == FMT_JSON) {
        print_json(&c, out);
    } else if (!c.nl) {
        fputs("nothing admits ", out);
        print_query(&c, out, NULL);
        fputc('\n', out);
    } else {
        print_text(&c, out);
    }
    if (fflush(out) != 0 || ferror(out)) return 2;
    return c.nl ? 0 : 1;
}
