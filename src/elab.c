/* elab.c: elaboration. Takes the resolved program; gives the flat flow
 * table (model.rows): every flow of every instance, with its parameters
 * substituted, expanded to one row per protocol, port item, source and
 * endpoint, sorted in a total order. Port and group errors surface here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "xalloc.h"

typedef struct { uint16_t lo, hi; const port_item *ast; } port_span;

static size_t count_ports(const port_item *p)
{
    size_t n = 0;
    for (; p; p = p->next) n++;
    return n;
}

static size_t count_ends(const endpoint *e)
{
    size_t n = 0;
    for (; e; e = e->next) n++;
    return n;
}

static void port_error(model *m, const expr *top, const value *v, int64_t bad, loc use)
{
    diag *d;
    if (top->spaced_minus && bad < 1)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, top->where,
                        "'%lld - %lld' is a subtraction (%lld), not a port range; write "
                        "%lld-%lld without spaces", (long long)top->l->num,
                        (long long)top->r->num, (long long)bad, (long long)top->l->num,
                        (long long)top->r->num);
    else if (bad == 65536)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port 65536 is out of range 1-65535; did you mean 65535?");
    else if (bad == 0)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port 0 is not a port: ports are 1-65535 (firewalls accept 0 silently)");
    else
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port %lld is out of range 1-65535", (long long)bad);
    if (v->origin.line != use.line || v->origin.col != use.col || v->origin.src != use.src)
        diag_add_note(m->diags, d, use, "used as a port here");
}

static bool port_bound(model *m, instance *in, const expr *e, bool upper, int64_t *out)
{
    value v;
    if (!eval_expr(m, in, e, &v)) return false;
    if (v.kind != V_INT) {
        diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, e->where,
                              "%s%s%s is an address, not a port",
                              e->kind == EX_PARAM ? "'$" : "",
                              e->kind == EX_PARAM ? e->param.name : "this value",
                              e->kind == EX_PARAM ? "'" : "");
        if (e->kind == EX_PARAM && e->target)
            diag_add_note(m->diags, d, e->target->name_loc, "'%s' is declared here",
                          e->target->name);
        return false;
    }
    int64_t x = upper ? v.hi : v.lo;
    for (int i = 0; i < 2; i++) {
        int64_t b = i ? v.hi : v.lo;
        if (b < 1 || b > 65535) {
            port_error(m, e, &v, b, e->where);
            return false;
        }
    }
    *out = x;
    return true;
}

/* `$start .. $start + $n - 1` with $n = 0 counts no port: name the count
 * instead of calling the range reversed. The count is the added term of
 * the upper bound, when it is a parameter. */
static void report_empty(model *m, instance *in, const port_item *p, int64_t lo, int64_t hi)
{
    const expr *e = p->hi;
    const expr *count = e && e->kind == EX_SUB && e->l->kind == EX_ADD ? e->l->r : NULL;
    value v;
    if (count && count->kind == EX_PARAM && eval_expr(m, in, count, &v) && v.lo == 0) {
        diag *d = diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, p->where,
                              "empty range %lld-%lld: '$%s' is 0, so it counts no port; "
                              "set it to 1 or more, or leave the flow out", (long long)lo,
                              (long long)hi, count->param.name);
        if (count->target)
            diag_add_note(m->diags, d, count->target->name_loc, "'%s' is declared here",
                          count->target->name);
        return;
    }
    diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, p->where,
                "empty range %lld-%lld: the count added before '- 1' is 0, so it holds no port",
                (long long)lo,
                (long long)hi);
}

/* One port item to a span; a pool used alone gives its whole range. */
static bool eval_port(model *m, instance *in, const port_item *p, port_span *out)
{
    int64_t lo, hi;
    if (!port_bound(m, in, p->lo, false, &lo)) return false;
    if (!port_bound(m, in, p->hi ? p->hi : p->lo, true, &hi)) return false;
    const expr *h = p->hi;
    if (lo == hi + 1 && h && h->kind == EX_SUB && h->r->kind == EX_NUM && h->r->num == 1) {
        report_empty(m, in, p, lo, hi);
        return false;
    }
    if (lo > hi) {
        diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, p->where,
                    "reversed range %lld-%lld; did you mean %lld-%lld?", (long long)lo,
                    (long long)hi, (long long)hi, (long long)lo);
        return false;
    }
    *out = (port_span){(uint16_t)lo, (uint16_t)hi, p};
    return true;
}

static bool eval_address(model *m, instance *in, const expr *e, bool group, value *v)
{
    if (!eval_expr(m, in, e, v)) return false;
    if (v->kind == V_ADDR) return true;
    diag *d = diag_report(m->diags, SEV_ERROR, CK_TYPE, e->where,
                          "%s%s%s is a number (%lld), not %s", e->kind == EX_PARAM ? "'$" : "",
                          e->kind == EX_PARAM ? e->param.name : "this value",
                          e->kind == EX_PARAM ? "'" : "", (long long)v->lo,
                          group ? "a multicast group" : "an address");
    if (e->kind == EX_PARAM && e->target)
        diag_add_note(m->diags, d, e->target->name_loc, "'%s' is declared here", e->target->name);
    return false;
}

static bool eval_end(model *m, instance *in, const endpoint *e, flow_end *out)
{
    *out = (flow_end){e->kind, e->target, addr_v4(0), addr_v4(0), 32, e};
    if (e->kind == EP_NAME) return e->target != NULL;
    if (e->kind == EP_ANY) return true;
    value lo, hi;
    bool group = e->kind == EP_GROUP;
    if (!eval_address(m, in, e->lo, group, &lo)) return false;
    hi = lo;
    if (e->hi && !eval_address(m, in, e->hi, group, &hi)) return false;
    if (e->hi && lo.alo.fam != hi.ahi.fam) {
        char a[ADDR_TEXT], b[ADDR_TEXT];
        diag_report(m->diags, SEV_ERROR, CK_TYPE, e->where,
                    "address range %s - %s mixes IPv4 and IPv6; a range is within one family",
                    addr_str(a, lo.alo), addr_str(b, hi.ahi));
        return false;
    }
    out->lo = lo.alo;
    out->hi = e->hi ? hi.ahi : addr_last(lo.ahi, lo.prefix);
    bool one = !e->hi && addr_eq(lo.alo, lo.ahi);
    out->prefix = one ? lo.prefix : addr_bits(lo.alo);
    if (addr_cmp(out->lo, out->hi) > 0) {
        diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, e->where,
                    "reversed address range: the first address is above the last");
        return false;
    }
    bool mc_lo = addr_is_multicast(out->lo), mc_hi = addr_is_multicast(out->hi);
    if (e->kind == EP_GROUP && (!mc_lo || !mc_hi)) {
        addr a = !mc_lo ? out->lo : out->hi;
        char t[ADDR_TEXT];
        diag_report(m->diags, SEV_ERROR, CK_NOT_MULTICAST, !mc_lo ? lo.origin : hi.origin,
                    "%s is not a multicast group: groups are in %s", addr_str(t, a),
                    addr_mcast_space(a.fam));
        return false;
    }
    if (mc_lo && mc_hi) out->kind = EP_GROUP;
    return true;
}

/* Evaluate a list of port items; NULL list gives one unconstrained span.
 * A bad item is reported and left out; the good ones still count, so one
 * typo does not hide the rest of the row from the checks. */
static int eval_ports(model *m, instance *in, const port_item *list, port_span **out)
{
    int n = (int)count_ports(list);
    *out = arena_alloc(m->mem, (size_t)(n ? n : 1) * sizeof **out);
    if (!list) {
        (*out)[0] = (port_span){0, 0, NULL};
        return 1;
    }
    int ok = 0;
    for (const port_item *p = list; p; p = p->next)
        if (eval_port(m, in, p, &(*out)[ok])) ok++;
    return ok;
}

static int eval_ends(model *m, instance *in, const endpoint *list, flow_end **out)
{
    int n = (int)count_ends(list);
    *out = arena_alloc(m->mem, (size_t)n * sizeof **out);
    int ok = 0;
    for (const endpoint *e = list; e; e = e->next)
        if (eval_end(m, in, e, &(*out)[ok])) ok++;
    return ok;
}

static void add_row(model *m, const flow_row *r)
{
    if (m->nrows >= MODEL_MAX_ROWS) {
        if (!m->rows_capped)
            diag_report(m->diags, SEV_ERROR, CK_LIMIT, r->decl->where,
                        "the policy expands to more than %d flow rows (limit)", MODEL_MAX_ROWS);
        m->rows_capped = true;
        return;
    }
    m->rows = arena_grow(m->mem, m->rows, sizeof *m->rows, &m->rows_cap, m->nrows + 1);
    m->rows[m->nrows++] = *r;
}

/* An IP protocol flow: one row per ICMP type (or one for every type), per
 * source and endpoint, both ways for `<->`; no ports. */
static void elab_ip_flow(model *m, instance *in, const flow_decl *f)
{
    if (f->ipproto < 0) return;  /* reported by the parser */
    flow_end *src, *dst;
    int nsrc = eval_ends(m, in, f->src, &src);
    int ndst = eval_ends(m, in, f->dst, &dst);
    const icmp_type_item every = {f->proto_loc, -1, NULL, NULL};
    for (const icmp_type_item *t = f->types ? f->types : &every; t; t = t->next)
        for (int a = 0; a < nsrc; a++)
            for (int b = 0; b < ndst; b++)
                for (int rev = 0; rev <= (int)f->bidir; rev++) {
                    if (m->rows_capped) return;
                    flow_row r = {f, in, PROTO_IP, rev, 0, 0, 0, 0, rev ? dst[b] : src[a],
                                  rev ? src[a] : dst[b], NULL, NULL, (uint8_t)f->ipproto,
                                  (int16_t)t->type, t == &every ? NULL : t};
                    add_row(m, &r);
                }
}

static void elab_flow(model *m, instance *in, const flow_decl *f)
{
    if (f->protos == PROTO_IP) {
        elab_ip_flow(m, in, f);
        return;
    }
    port_span *dp, *sp;
    flow_end *src, *dst;
    int nd = eval_ports(m, in, f->ports, &dp);
    int ns = f->sports ? eval_ports(m, in, f->sports, &sp) : eval_ports(m, in, NULL, &sp);
    int nsrc = eval_ends(m, in, f->src, &src);
    int ndst = eval_ends(m, in, f->dst, &dst);
    for (unsigned proto = PROTO_TCP; proto <= PROTO_UDP; proto <<= 1) {
        if (!(f->protos & proto)) continue;
        for (int i = 0; i < nd; i++)
            for (int j = 0; j < ns; j++)
                for (int a = 0; a < nsrc; a++)
                    for (int b = 0; b < ndst; b++)
                        for (int rev = 0; rev <= (int)f->bidir; rev++) {
                            if (m->rows_capped) return;
                            flow_row r = {f, in, (uint8_t)proto, rev, dp[i].lo, dp[i].hi,
                                          sp[j].lo, sp[j].hi, rev ? dst[b] : src[a],
                                          rev ? src[a] : dst[b], dp[i].ast, sp[j].ast,
                                          proto == PROTO_TCP ? 6 : 17, -1, NULL};
                            add_row(m, &r);
                        }
    }
}

/* The table's order: instance, protocol (tcp, udp, then the others by
 * number and ICMP type), destination range, source range,
 * then the order rows were made in (declarations in source order, then
 * their protocols, port items, sources and endpoints): total and repeatable,
 * and sorted on integer keys rather than by comparing locations. */
typedef struct {
    uint64_t major;              /* instance, protocol, IP protocol, ICMP type */
    uint64_t minor;              /* lo, hi, slo, shi */
    size_t seq;
} row_key;

static int key_cmp(const void *pa, const void *pb)
{
    const row_key *a = pa, *b = pb;
    if (a->major != b->major) return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort the keys, then move the rows into place by following the cycles of
 * the permutation: no second copy of the table. */
static void sort_rows(model *m)
{
    row_key *k = xmalloc_array(m->nrows + 1, sizeof *k);
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        k[i] = (row_key){(uint64_t)r->inst->index << 32 | (uint64_t)r->proto << 24 |
                             (uint64_t)r->ipproto << 16 | (uint64_t)(r->icmp_type + 1),
                         (uint64_t)r->lo << 48 | (uint64_t)r->hi << 32 |
                             (uint64_t)r->slo << 16 | r->shi, i};
    }
    qsort(k, m->nrows, sizeof *k, key_cmp);
    for (size_t i = 0; i < m->nrows; i++) {
        if (k[i].seq == i || k[i].seq == SIZE_MAX) continue;
        flow_row held = m->rows[i];
        size_t j = i;
        while (k[j].seq != i) {
            size_t from = k[j].seq;
            m->rows[j] = m->rows[from];
            k[j].seq = SIZE_MAX;          /* placed */
            j = from;
        }
        m->rows[j] = held;
        k[j].seq = SIZE_MAX;
    }
    free(k);
}


static size_t count_types(const icmp_type_item *t)
{
    size_t n = 0;
    for (; t; t = t->next) n++;
    return n ? n : 1;
}

/* An upper bound of the rows, so the table is allocated once. */
static size_t count_rows(const model *m)
{
    size_t total = 0;
    for (size_t i = 0; i < m->ninstances; i++)
        for (const decl *d = m->instances[i]->sys->decls; d; d = d->next)
            for (const flow_decl *f = d->flows; f; f = f->next) {
                size_t n = (size_t)((f->protos & PROTO_TCP) != 0) + ((f->protos & PROTO_UDP) != 0);
                if (f->protos == PROTO_IP) n = count_types(f->types);
                n *= f->ports ? count_ports(f->ports) : 1;
                n *= f->sports ? count_ports(f->sports) : 1;
                n *= count_ends(f->src) * count_ends(f->dst);
                total += n * (f->bidir ? 2 : 1);
                if (total > MODEL_MAX_ROWS) return MODEL_MAX_ROWS + 1;
            }
    return total;
}

void elab_program(model *m)
{
    size_t want = count_rows(m);
    m->rows = arena_grow(m->mem, m->rows, sizeof *m->rows, &m->rows_cap, want ? want : 1);
    for (size_t i = 0; i < m->ninstances; i++) {
        instance *in = m->instances[i];
        for (decl *d = in->sys->decls; d; d = d->next) {
            if (d->kind == D_PARAM || d->kind == D_POOL) {
                value v;
                /* Check every default once, even if no flow uses it. */
                if (d->kind == D_POOL || d->value || in->sets[d->index])
                    (void)eval_param(m, in, d, d->name_loc, &v);
            }
            for (const flow_decl *f = d->flows; f; f = f->next) elab_flow(m, in, f);
        }
    }
    if (m->nrows > 1) sort_rows(m);
}
