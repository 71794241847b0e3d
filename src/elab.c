/* elab.c: elaboration. Takes the resolved program; gives the flat flow
 * table (model.rows): every flow of every instance, with its parameters
 * substituted, expanded to one row per protocol, port item, source and
 * endpoint, sorted in a total order. Port and group errors surface here.
 * It then freezes what it evaluated (model.h, "the frozen view"): per
 * instance its parameter values, per flow its rows, port values and
 * endpoint values, which the emitters read instead of evaluating again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "registry.h"
#include "runs.h"
#include "xalloc.h"

/* One evaluated port item: its numbers, stride and ROW_* flags (of the
 * destination side; elab_flow shifts them for a source side). */
typedef struct {
    uint16_t lo, hi;
    const port_item *ast;
    uint8_t flags;
    uint8_t stride;
} port_span;

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

static size_t count_types(const icmp_type_item *t)
{
    size_t n = 0;
    for (; t; t = t->next) n++;
    return n ? n : 1;
}

/* The factors a flow's rows multiply, as written: every item counts, so
 * this bounds the rows of the flow in any instance. */
typedef struct {
    size_t protos, ports, sports, srcs, dsts, ways;
} row_factors;

static row_factors flow_factors(const flow_decl *f)
{
    row_factors x = {(size_t)((f->protos & PROTO_TCP) != 0) + ((f->protos & PROTO_UDP) != 0),
                     f->ports ? count_ports(f->ports) : 1, f->sports ? count_ports(f->sports) : 1,
                     count_ends(f->src), count_ends(f->dst), f->bidir ? 2 : 1};
    if (f->protos == PROTO_IP) x.protos = count_types(f->types), x.ports = x.sports = 1;
    return x;
}

/* a * b, or SIZE_MAX when it does not fit. */
static size_t mul_sat(size_t a, size_t b)
{
    return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t flow_rows(const flow_decl *f)
{
    row_factors x = flow_factors(f);
    size_t n = mul_sat(mul_sat(mul_sat(x.protos, x.ports), mul_sat(x.sports, x.srcs)), x.dsts);
    return mul_sat(n, x.ways);
}

/* A flow past MODEL_MAX_FLOW_ROWS is an error found before it expands,
 * once per flow (not per instance), with its factors; it gives no rows. */
static void report_flow_limit(model *m, const flow_decl *f, size_t rows)
{
    row_factors x = flow_factors(f);
    diag *d = diag_report(m->diags, SEV_ERROR, CK_LIMIT, f->where,
                          "this flow expands to %zu rows, more than the limit of %d per flow "
                          "(%zu %s x %zu port items x %zu source port items x %zu sources x "
                          "%zu endpoints x %zu directions)", rows, MODEL_MAX_FLOW_ROWS,
                          x.protos, f->protos == PROTO_IP ? "types" : "protocols", x.ports,
                          x.sports, x.srcs, x.dsts, x.ways);
    diag_add_note(m->diags, d, (loc){0}, "split it into several flows, or name a zone or "
                  "a range instead of listing each member");
}

static void check_flow_limits(model *m)
{
    for (const system_decl *s = m->prog->systems; s; s = s->next)
        for (const decl *d = s->decls; d; d = d->next)
            for (const flow_decl *f = d->flows; f; f = f->next) {
                size_t n = flow_rows(f);
                if (n > MODEL_MAX_FLOW_ROWS) report_flow_limit(m, f, n);
            }
}

/* The rows of the whole policy, bounded before any is made: past
 * MODEL_MAX_ROWS it is an error at the flow (of the instance) that passes
 * the limit, and nothing expands. Gives the table's size otherwise. */
static size_t count_rows(model *m)
{
    size_t total = 0;
    for (size_t i = 0; i < m->ninstances; i++)
        for (const decl *d = m->instances[i]->sys->decls; d; d = d->next)
            for (const flow_decl *f = d->flows; f; f = f->next) {
                size_t n = flow_rows(f);
                if (n > MODEL_MAX_FLOW_ROWS) continue;
                total += n;
                if (total <= MODEL_MAX_ROWS) continue;
                const instance *in = m->instances[i];
                diag_report(m->diags, SEV_ERROR, CK_LIMIT, f->where,
                            "the policy expands to more than %d flow rows (the limit); this "
                            "flow of %s '%s' passes it", MODEL_MAX_ROWS,
                            in->decl ? "instance" : "system", in->name);
                m->rows_capped = true;
                return 0;
            }
    return total;
}

static void port_error(model *m, const expr *top, const value *v, int64_t bad, loc use,
                       int64_t clamp)
{
    diag *d;
    char fix[64] = "";
    if (clamp) snprintf(fix, sizeof fix, "; checked as %lld", (long long)clamp);
    if (top->spaced_minus && bad < 1)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, top->where,
                        "'%lld - %lld' is a subtraction (%lld), not a port range; write "
                        "%lld-%lld without spaces", (long long)top->l->num,
                        (long long)top->r->num, (long long)bad, (long long)top->l->num,
                        (long long)top->r->num);
    else if (bad == 65536)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port 65536 is out of range 1-65535; did you mean 65535?%s",
                        clamp ? " (checked as 65535)" : "");
    else if (bad == 0)
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port 0 is not a port: ports are 1-65535 (firewalls accept 0 silently)%s",
                        fix);
    else
        d = diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, v->origin,
                        "port %lld is out of range 1-65535%s", (long long)bad, fix);
    if (v->origin.start != use.start || v->origin.src != use.src)
        diag_add_note(m->diags, d, use, "used as a port here");
}

/* One bound of a port item, evaluated but not yet checked against 1-65535. */
static bool port_value(model *m, instance *in, const expr *e, value *v)
{
    if (!eval_expr(m, in, e, v)) return false;
    if (v->kind == V_INT) return true;
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

static bool in_port_range(int64_t x) { return x >= 1 && x <= 65535; }

/* Report the bounds outside 1-65535. A range with one good end is then
 * checked as clamped (16000-65536 as 16000-65535), and so is the seed's
 * lone 65536, so one typo hides no overlap; anything else is dropped.
 * A subtraction read as a range (`a - b`) is never clamped. */
static bool check_bounds(model *m, const port_item *p, const value *lo, const value *hi,
                         int64_t *a, int64_t *b, uint8_t *flags)
{
    const expr *ehi = p->hi ? p->hi : p->lo;
    bool one = !p->hi && lo->lo == hi->hi;
    bool lo_ok = in_port_range(lo->lo), hi_ok = in_port_range(hi->hi);
    if (lo_ok && hi_ok) {
        *a = lo->lo, *b = hi->hi;
        return true;
    }
    bool clamp = !p->lo->spaced_minus && !ehi->spaced_minus &&
                 (one ? lo->lo == 65536 : (lo_ok || hi_ok) && lo->lo <= hi->hi);
    int64_t ca = lo->lo < 1 ? 1 : lo->lo > 65535 ? 65535 : lo->lo;
    int64_t cb = hi->hi < 1 ? 1 : hi->hi > 65535 ? 65535 : hi->hi;
    if (!lo_ok) port_error(m, p->lo, lo, lo->lo, p->lo->where, clamp ? ca : 0);
    if (!hi_ok && !(one && !lo_ok)) port_error(m, ehi, hi, hi->hi, ehi->where, clamp ? cb : 0);
    if (!clamp) return false;
    *a = ca, *b = cb;
    *flags |= ROW_CLAMPED;
    return true;
}

/* `5004-5100 even`: keep the ends of that parity; a range with none of
 * them, or more than a firewall should list, is an error. */
static bool apply_stride(model *m, const port_item *p, int64_t *lo, int64_t *hi)
{
    if (p->stride == STRIDE_ALL) return true;
    int want = p->stride == STRIDE_ODD;
    const char *word = want ? "odd" : "even";
    if ((*lo & 1) != want) ++*lo;
    if ((*hi & 1) != want) --*hi;
    if (*lo > *hi) {
        diag_report(m->diags, SEV_ERROR, CK_PORT_RANGE, p->where,
                    "this range holds no %s port", word);
        return false;
    }
    if (stride_count((unsigned)*lo, (unsigned)*hi, p->stride) > MODEL_MAX_STRIDE) {
        diag_report(m->diags, SEV_ERROR, CK_LIMIT, p->where,
                    "too many ports in an %s range: %lld (limit is %d); firewalls list each "
                    "one", word, (long long)stride_count((unsigned)*lo, (unsigned)*hi, p->stride),
                    MODEL_MAX_STRIDE);
        return false;
    }
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

/* One port item to a span; a pool used alone gives its whole range.
 * `ephemeral` gets its numbers per row (ephemeral_of). */
static bool eval_port(model *m, instance *in, const port_item *p, bool dynamic, port_span *out,
                      port_item_value *frozen)
{
    *out = (port_span){0, 0, p, (uint8_t)(p->dynamic || dynamic ? ROW_DYNAMIC : 0), p->stride};
    if (p->ephemeral) {
        out->flags = ROW_EPHEMERAL;
        return true;
    }
    value vlo, vhi;
    if (!port_value(m, in, p->lo, &vlo)) return false;
    if (p->hi && !port_value(m, in, p->hi, &vhi)) return false;
    if (!p->hi) vhi = vlo;
    if (p->up) vhi.hi = vlo.lo;  /* `N up`: from one port */
    /* Out of int32 only through a pool past 2147483647: reported below. */
    if (vlo.lo >= INT32_MIN && vlo.lo <= INT32_MAX && vhi.hi >= INT32_MIN && vhi.hi <= INT32_MAX)
        *frozen = (port_item_value){(int32_t)vlo.lo, (int32_t)vhi.hi, true};
    int64_t lo, hi;
    if (!check_bounds(m, p, &vlo, &vhi, &lo, &hi, &out->flags)) return false;
    const expr *h = p->hi;
    if (lo == hi + 1 && h && h->kind == EX_SUB && h->r->kind == EX_NUM && h->r->num == 1) {
        report_empty(m, in, p, lo, hi);
        return false;
    }
    if (p->up) hi = 65535, out->flags |= ROW_UP | ROW_DYNAMIC;
    if (lo > hi) {
        diag_report(m->diags, SEV_ERROR, CK_REVERSED_RANGE, p->where,
                    "reversed range %lld-%lld; did you mean %lld-%lld?", (long long)lo,
                    (long long)hi, (long long)hi, (long long)lo);
        return false;
    }
    if (!apply_stride(m, p, &lo, &hi)) return false;
    out->lo = (uint16_t)lo;
    out->hi = (uint16_t)hi;
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

/* A flow's port spans: scratch reused from flow to flow. */
typedef struct {
    port_span *v;
    size_t cap;
} span_buf;

/* Evaluate a list of port items into buf; NULL list gives one
 * unconstrained span. A bad item is reported and left out; the good ones
 * still count, so one typo does not hide the rest of the row from the
 * checks. Each item's value also goes to *frozen, in list order (NULL for
 * no list). */
static int eval_ports(model *m, instance *in, const port_item *list, bool dynamic,
                      span_buf *buf, const port_item_value **frozen)
{
    int n = (int)count_ports(list);
    if ((size_t)n + 1 > buf->cap) {
        buf->cap = (size_t)n + 1;
        buf->v = xrealloc_array(buf->v, buf->cap, sizeof *buf->v);
    }
    port_span *out = buf->v;
    port_item_value *v = n ? arena_alloc(m->mem, (size_t)n * sizeof *v) : NULL;
    *frozen = v;
    if (!list) {
        out[0] = (port_span){0, 0, NULL, 0, STRIDE_ALL};
        return 1;
    }
    int ok = 0;
    for (const port_item *p = list; p; p = p->next, v++)
        if (eval_port(m, in, p, dynamic, &out[ok], v)) ok++;
    return ok;
}

/* Every endpoint of a list, in list order; the rows take those with ok. */
static int eval_ends(model *m, instance *in, const endpoint *list, const end_value **frozen)
{
    int n = (int)count_ends(list);
    end_value *v = arena_alloc(m->mem, (size_t)(n ? n : 1) * sizeof *v);
    *frozen = v;
    for (const endpoint *e = list; e; e = e->next, v++) v->ok = eval_end(m, in, e, &v->v);
    return n;
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
static void elab_ip_flow(model *m, instance *in, const flow_decl *f, flow_view *fv)
{
    if (f->ipproto < 0) return;  /* reported by the parser */
    int nsrc = eval_ends(m, in, f->src, &fv->src);
    int ndst = eval_ends(m, in, f->dst, &fv->dst);
    const end_value *src = fv->src, *dst = fv->dst;
    const icmp_type_item every = {f->proto_loc, -1, NULL, NULL};
    for (const icmp_type_item *t = f->types ? f->types : &every; t; t = t->next)
        for (int a = 0; a < nsrc; a++)
            for (int b = 0; b < ndst; b++)
                for (int rev = 0; rev <= (int)f->bidir; rev++) {
                    if (m->rows_capped) return;
                    if (!src[a].ok || !dst[b].ok) continue;
                    flow_row r = {f, in, PROTO_IP, rev, 0, 0, 0, 0, rev ? dst[b].v : src[a].v,
                                  rev ? src[a].v : dst[b].v, NULL, NULL, (uint8_t)f->ipproto,
                                  (int16_t)t->type, t == &every ? NULL : t, 0, STRIDE_ALL,
                                  STRIDE_ALL};
                    add_row(m, &r);
                }
}

/* The ephemeral range of one side: the range its hosts share (the hull
 * when they differ; the host view then takes each host's own), else its
 * role's os, else IANA's dynamic ports. */
static void ephemeral_of(const run_index *ix, const instance *in, const flow_end *e,
                         uint16_t *lo, uint16_t *hi)
{
    int a = 0, b = 0;
    if (e->kind == EP_NAME && e->target->kind == D_ROLE && e->target->system == in->sys) {
        size_t first, n = runs_hosts(ix, in->index, e->target, &first);
        for (size_t k = 0; k < n; k++) {
            const host *h = ix->v[first + k].h;
            if (!h->eph_lo) continue;
            if (!a || h->eph_lo < a) a = h->eph_lo;
            if (h->eph_hi > b) b = h->eph_hi;
        }
        if (!a) os_ephemeral(e->target->os, &a, &b);
    }
    if (!a) a = EPH_DEFAULT_LO, b = EPH_DEFAULT_HI;
    *lo = (uint16_t)a;
    *hi = (uint16_t)b;
}

/* Ports every program on a host binds together (mDNS, SSDP, PTP...): the
 * registry's, for a short range that holds only such ports. */
static bool registry_shared(unsigned proto, const port_span *p)
{
    if (!p->lo || (p->flags & ROW_EPHEMERAL) || p->hi - p->lo > 16) return false;
    for (unsigned x = p->lo; x <= p->hi; x++)
        if (!registry_shared_port(proto, x)) return false;
    return true;
}

/* A source-side span's flags are the S twins of the destination ones. */
static uint8_t source_flags(uint8_t f)
{
    return (uint8_t)((f & ROW_DYNAMIC ? ROW_SDYNAMIC : 0) | (f & ROW_UP ? ROW_SUP : 0) |
                     (f & ROW_EPHEMERAL ? ROW_SEPHEMERAL : 0) | (f & ROW_CLAMPED));
}

static flow_row make_row(const run_index *ix, instance *in, const flow_decl *f,
                         unsigned proto, const port_span *d, const port_span *sp,
                         const flow_end *src, const flow_end *dst, bool rev)
{
    flow_row r = {f, in, (uint8_t)proto, rev, d->lo, d->hi, sp->lo, sp->hi, *src, *dst,
                  d->ast, sp->ast, proto == PROTO_TCP ? 6 : 17, -1, NULL,
                  (uint8_t)(d->flags | source_flags(sp->flags)), d->stride, sp->stride};
    if (d->flags & ROW_EPHEMERAL) ephemeral_of(ix, in, dst, &r.lo, &r.hi);
    if (sp->flags & ROW_EPHEMERAL) ephemeral_of(ix, in, src, &r.slo, &r.shi);
    if (f->shared || registry_shared(proto, d)) r.flags |= ROW_SHARED;
    return r;
}

/* The first parameter with no value anywhere under e (no default and
 * nothing sets it in this instance), through defaults and pools. */
static const decl *unset_param(const instance *in, const expr *e, int depth)
{
    if (!e || depth > MODEL_MAX_EVAL_DEPTH) return NULL;
    if (e->kind == EX_PARAM) {
        const decl *p = e->target;
        if (!p) return NULL;
        const decl *set = in->sets[p->index];
        if (p->kind == D_PARAM && !set && !p->value) return p;
        if (p->kind == D_POOL) {
            const decl *q = unset_param(in, p->value, depth + 1);
            return q ? q : unset_param(in, p->count, depth + 1);
        }
        return unset_param(in, set ? set->value : p->value, depth + 1);
    }
    if (!expr_is_binary(e)) return NULL;
    const decl *q = unset_param(in, e->l, depth + 1);
    return q ? q : unset_param(in, e->r, depth + 1);
}

static const decl *flow_unset_param(const instance *in, const flow_decl *f)
{
    const decl *p = NULL;
    for (const port_item *x = f->ports; x && !p; x = x->next)
        if (!(p = unset_param(in, x->lo, 0))) p = unset_param(in, x->hi, 0);
    for (const port_item *x = f->sports; x && !p; x = x->next)
        if (!(p = unset_param(in, x->lo, 0))) p = unset_param(in, x->hi, 0);
    for (int side = 0; side < 2 && !p; side++)
        for (const endpoint *e = side ? f->dst : f->src; e && !p; e = e->next)
            if (!(p = unset_param(in, e->lo, 0))) p = unset_param(in, e->hi, 0);
    return p;
}

/* The systems some site deploys, by name: their system-level instance is
 * only the table of defaults, and the site's instances say what is unset.
 * Made once (a walk over the instances per instance was quadratic). */
static names deployed_systems(model *m)
{
    names t;
    names_init(&t);
    for (size_t i = 0; i < m->ninstances; i++)
        if (m->instances[i]->site)
            names_put(m->mem, &t, m->instances[i]->sys->name, m->instances[i]->sys);
    return t;
}

/* A flow that waits for a value is checked only in part, or not at all:
 * say so, naming the parameter, instead of dropping it in silence. */
static void note_unchecked(model *m, instance *in, const flow_decl *f, bool is_deployed)
{
    if (!in->site && is_deployed) return;
    const decl *p = flow_unset_param(in, f);
    if (!p) return;
    diag *d = diag_report(m->diags, SEV_NOTE, CK_UNCHECKED_FLOW, f->where,
                          "this flow of %s '%s' is not checked: parameter '%s' has no value",
                          in->decl ? "instance" : "system", in->name, p->name);
    diag_add_note(m->diags, d, p->name_loc, in->site
                  ? "'%s' is declared here without a default, and site '%s' does not set it"
                  : "'%s' is declared here without a default; a site that deploys the system "
                    "sets it%s", p->name, in->site ? in->site->name : "");
    d->svc[0] = f->service;
    d->svc_inst[0] = in->name;
    d->site = in->site;
}

/* One flow of an instance to rows; what it evaluated goes to its view. */
static void elab_flow(model *m, const run_index *ix, instance *in, const flow_decl *f,
                      bool is_deployed, flow_view *fv, span_buf spans[2])
{
    if (m->rows_capped || flow_rows(f) > MODEL_MAX_FLOW_ROWS) return;   /* reported */
    note_unchecked(m, in, f, is_deployed);
    if (f->protos == PROTO_IP) {
        elab_ip_flow(m, in, f, fv);
        return;
    }
    int nd = eval_ports(m, in, f->ports, f->dynamic, &spans[0], &fv->ports);
    int ns = eval_ports(m, in, f->sports, f->dynamic, &spans[1], &fv->sports);
    const port_span *dp = spans[0].v, *sp = spans[1].v;
    int nsrc = eval_ends(m, in, f->src, &fv->src);
    int ndst = eval_ends(m, in, f->dst, &fv->dst);
    const end_value *src = fv->src, *dst = fv->dst;
    for (unsigned proto = PROTO_TCP; proto <= PROTO_UDP; proto <<= 1) {
        if (!(f->protos & proto)) continue;
        for (int i = 0; i < nd; i++)
            for (int j = 0; j < ns; j++)
                for (int a = 0; a < nsrc; a++)
                    for (int b = 0; b < ndst; b++)
                        for (int rev = 0; rev <= (int)f->bidir; rev++) {
                            if (m->rows_capped) return;
                            if (!src[a].ok || !dst[b].ok) continue;
                            flow_row r = make_row(ix, in, f, proto, &dp[i], &sp[j],
                                                  rev ? &dst[b].v : &src[a].v,
                                                  rev ? &src[a].v : &dst[b].v, rev);
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
 * the permutation: no second copy of the table. made[j] gets the place in
 * the order of making of the row now at j. */
static void sort_rows(model *m, uint32_t *made)
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
    for (size_t i = 0; i < m->nrows; i++) made[i] = (uint32_t)k[i].seq;
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


static size_t count_flows(const system_decl *s)
{
    size_t n = 0;
    for (const decl *d = s->decls; d; d = d->next)
        for (const flow_decl *f = d->flows; f; f = f->next) n++;
    return n;
}

static bool same_value(const value *a, const value *b)
{
    return a->kind == b->kind && a->lo == b->lo && a->hi == b->hi &&
           (a->kind != V_ADDR ||
            (a->prefix == b->prefix && addr_eq(a->alo, b->alo) && addr_eq(a->ahi, b->ahi)));
}

/* Each instance's parameter values, and whether each is its system's
 * default: the value of the system-level instance (which has every
 * default of its own). */
static void freeze_params(model *m)
{
    names defaults;                      /* system name: its default instance's index */
    names_init(&defaults);
    param_value **v = xmalloc_array(m->ninstances + 1, sizeof *v);
    for (size_t i = 0; i < m->ninstances; i++) {
        const instance *in = m->instances[i];
        v[i] = eval_freeze(m, in);
        if (!in->site && !names_get(&defaults, in->sys->name))
            names_put(m->mem, &defaults, in->sys->name, (void *)(uintptr_t)(i + 1));
    }
    for (size_t i = 0; i < m->ninstances; i++) {
        instance *in = m->instances[i];
        size_t di = (size_t)(uintptr_t)names_get(&defaults, in->sys->name);
        const param_value *def = di ? v[di - 1] : NULL;
        for (int k = 0; def && k <= in->sys->nparams; k++)
            v[i][k].is_default = v[i][k].ok && def[k].ok && same_value(&v[i][k].v, &def[k].v);
        in->params = v[i];
        in->defaults = di ? m->instances[di - 1] : NULL;
    }
    free(v);
}

/* Each flow's rows in model.flow_rows: made[j] is the place in the order
 * of making of row j, and each flow made its rows in one run, from
 * view.first (that place) for view.nrows. A counting sort by flow keeps
 * each flow's rows ascending. */
static void freeze_rows(model *m, flow_view *const *views, const uint32_t *made)
{
    size_t nflows = 0;
    for (size_t i = 0; i < m->ninstances; i++) nflows += m->instances[i]->nflows;
    uint32_t *flow_of = xmalloc_array(m->nrows + 1, sizeof *flow_of);   /* by place made */
    size_t *start = xmalloc_array(nflows + 1, sizeof *start);
    for (size_t i = 0, id = 0, at = 0; i < m->ninstances; i++)
        for (size_t k = 0; k < m->instances[i]->nflows; k++, id++) {
            flow_view *fv = &views[i][k];
            for (size_t r = 0; r < fv->nrows; r++) flow_of[fv->first + r] = (uint32_t)id;
            fv->first = (uint32_t)at;
            start[id] = at;
            at += fv->nrows;
        }
    uint32_t *v = arena_alloc(m->mem, (m->nrows + 1) * sizeof *v);
    for (size_t j = 0; j < m->nrows; j++) v[start[flow_of[made ? made[j] : j]]++] = (uint32_t)j;
    m->flow_rows = v;
    free(start);
    free(flow_of);
}

void elab_program(model *m)
{
    run_index ix = runs_index(m);
    check_flow_limits(m);
    size_t want = count_rows(m);
    m->rows = arena_grow(m->mem, m->rows, sizeof *m->rows, &m->rows_cap, want ? want : 1);
    flow_view **views = xmalloc_array(m->ninstances + 1, sizeof *views);   /* being frozen */
    span_buf spans[2] = {{NULL, 0}, {NULL, 0}};
    names deployed = deployed_systems(m);
    for (size_t i = 0; i < m->ninstances; i++) {
        instance *in = m->instances[i];
        bool is_deployed = !in->site && names_get(&deployed, in->sys->name) == in->sys;
        size_t nflows = count_flows(in->sys);
        flow_view *fv = views[i] = arena_alloc(m->mem, (nflows + 1) * sizeof *fv);
        for (decl *d = in->sys->decls; d; d = d->next) {
            if (d->kind == D_PARAM || d->kind == D_POOL) {
                value v;
                /* Check every default once, even if no flow uses it. */
                if (d->kind == D_POOL || d->value || in->sets[d->index])
                    (void)eval_param(m, in, d, d->name_loc, &v);
            }
            for (const flow_decl *f = d->flows; f; f = f->next, fv++) {
                *fv = (flow_view){f, (uint32_t)m->nrows, 0, NULL, NULL, NULL, NULL};
                elab_flow(m, &ix, in, f, is_deployed, fv, spans);
                fv->nrows = (uint32_t)(m->nrows - fv->first);
            }
        }
        in->flows = views[i];
        in->nflows = nflows;
    }
    free(spans[0].v);
    free(spans[1].v);
    uint32_t *made = m->nrows > 1 ? xmalloc_array(m->nrows, sizeof *made) : NULL;
    if (made) sort_rows(m, made);
    freeze_params(m);
    freeze_rows(m, views, made);
    free(made);
    free(views);
}
