/* check_flows.c: checks on the policy text rather than the hosts:
 * inconsistent-redeclaration (one range described twice with different
 * ends), redundant-flow (covered by other flows of the same sides, alone or
 * together) and instance-defaults (two instances on one network keeping the
 * same default port values; three or more meeting at one place are one
 * finding naming them). Rows are sorted once per check; no pairwise loops
 * over flows, and none over instances beyond two keeping one value. */
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "proto.h"
#include "strbuf.h"
#include "xalloc.h"

/* Only the system-level instances describe the text; site copies would
 * repeat every finding. */
static const flow_row **text_rows(model *m, size_t *n)
{
    const flow_row **v = xmalloc_array(m->nrows + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (!m->rows[i].inst->site && m->rows[i].lo) v[(*n)++] = &m->rows[i];
    return v;
}

/* ---- inconsistent-redeclaration ---- */

static int by_start(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->inst != b->inst) return a->inst->index < b->inst->index ? -1 : 1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    return loc_cmp(a->decl->where, b->decl->where);
}

static void report_redeclared(model *m, const flow_row *a, const flow_row *b)
{
    if (loc_cmp(a->decl->where, b->decl->where) > 0) {
        const flow_row *x = a;
        a = b;
        b = x;
    }
    char ra[32], rb[32];
    const port_item *at = b->port_ast;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_INCONSISTENT_REDECLARATION,
                          at ? at->where : b->decl->where,
                          "%s gives %s %s, but %s gives %s %s: one of the two is wrong",
                          check_service_name(m, b), check_proto_name(b->proto),
                          check_range_text(rb, b->lo, b->hi), check_service_name(m, a),
                          check_proto_name(a->proto), check_range_text(ra, a->lo, a->hi));
    diag_add_note(m->diags, d, a->port_ast ? a->port_ast->where : a->decl->where,
                  "%s is described here", check_range_text(ra, a->lo, a->hi));
    check_tag(d, a, b, NULL);
    diag_add_ports(m->diags, d, b->proto, b->lo, b->hi);
    diag_add_ports(m->diags, d, a->proto, a->lo, a->hi);
}

static int by_end(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->inst != b->inst) return a->inst->index < b->inst->index ? -1 : 1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return loc_cmp(a->decl->where, b->decl->where);
}

/* Ranges whose ends the text gives: not the OS's ephemeral range, nor the
 * 65535 that `N up` implies. */
static bool written(const flow_row *r) { return !(r->flags & (ROW_EPHEMERAL | ROW_UP)); }

/* Neighbours in the given order that share one end and differ at the other. */
static void redeclared_pairs(model *m, const flow_row **v, size_t n, bool same_start)
{
    for (size_t i = 0; i + 1 < n; i++) {
        const flow_row *a = v[i], *b = v[i + 1];
        bool shared = same_start ? a->lo == b->lo && a->hi != b->hi
                                 : a->hi == b->hi && a->lo != b->lo;
        if (shared && a->inst == b->inst && a->proto == b->proto && a->lo != a->hi &&
            b->lo != b->hi && a->decl->service != b->decl->service && written(a) && written(b))
            report_redeclared(m, a, b);
    }
}

/* Two ranges of one system sharing a start (8700-8706 and 8700-8708) or an
 * end, in different services: the same ports described twice. */
void check_redeclaration(model *m)
{
    size_t n;
    const flow_row **v = text_rows(m, &n);
    if (!v) return;
    qsort(v, n, sizeof *v, by_start);
    redeclared_pairs(m, v, n, true);
    qsort(v, n, sizeof *v, by_end);
    redeclared_pairs(m, v, n, false);
    free(v);
}

/* ---- redundant-flow ---- */

/* Groups only need equal sides together; their order never reaches the
 * output (findings are sorted), so targets compare by address. */
static int end_cmp(const flow_end *a, const flow_end *b)
{
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (a->kind == EP_NAME && a->target != b->target)
        return (uintptr_t)a->target < (uintptr_t)b->target ? -1 : 1;
    int k = addr_cmp(a->lo, b->lo);
    return k ? k : addr_cmp(a->hi, b->hi);
}

/* Rows with the same sides: instance, protocol, source ports, endpoints. */
static int same_sides(const flow_row *a, const flow_row *b)
{
    if (a->inst != b->inst) return a->inst->index < b->inst->index ? -1 : 1;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->ipproto != b->ipproto) return a->ipproto < b->ipproto ? -1 : 1;
    if (a->slo != b->slo) return a->slo < b->slo ? -1 : 1;
    if (a->shi != b->shi) return a->shi < b->shi ? -1 : 1;
    if (a->decl->local != b->decl->local) return a->decl->local ? 1 : -1;
    /* An even range covers no odd port, and the OS's range is no written
     * range: compare like with like only. */
    if (a->stride != b->stride) return a->stride < b->stride ? -1 : 1;
    if (a->sstride != b->sstride) return a->sstride < b->sstride ? -1 : 1;
    int ea = a->flags & (ROW_EPHEMERAL | ROW_SEPHEMERAL), eb = b->flags & (ROW_EPHEMERAL | ROW_SEPHEMERAL);
    if (ea != eb) return ea < eb ? -1 : 1;
    int c = end_cmp(&a->src, &b->src);
    return c ? c : end_cmp(&a->dst, &b->dst);
}

static int by_sides_then_size(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    int c = same_sides(a, b);
    if (c) return c;
    int la = a->hi - a->lo, lb = b->hi - b->lo;
    if (la != lb) return la > lb ? -1 : 1;       /* larger first: they are kept */
    return loc_cmp(a->decl->where, b->decl->where);
}

typedef struct {
    int lo, hi;
    const flow_row *first;       /* the kept flow that opened this segment */
} segment;

/* The union of the kept rows of one group of sides, as maximal runs of
 * covered slots. The group's starts and ends (lo, hi + 1) cut the ports
 * into slots; each slot is covered at most once, and two union-find
 * forests skip covered slots to the right (next) and to the left (prev),
 * so a group of g rows costs O(g log g) (the sort) whatever order its
 * rows come in. A run's kept flow is stored at its leftmost slot. */
typedef struct {
    long *b;                     /* slot s: ports b[s] to b[s + 1] - 1 */
    size_t nb;
    size_t *next;                /* next[s]: toward the first uncovered slot >= s */
    size_t *prev;                /* prev[s + 1]: toward the last uncovered slot <= s, +1 */
    const flow_row **first;      /* per slot: the kept flow of the run starting there */
} cover;

static size_t find_root(size_t *p, size_t x)
{
    size_t r = x;
    while (p[r] != r) r = p[r];
    while (p[x] != r) {
        size_t up = p[x];
        p[x] = r;
        x = up;
    }
    return r;
}

/* The first uncovered slot at or after s (nb - 1 when none). */
static size_t next_open(cover *c, size_t s) { return find_root(c->next, s); }

/* The leftmost slot of the run that holds covered slot s. */
static size_t run_start(cover *c, size_t s) { return find_root(c->prev, s + 1); }

static int long_cmp(const void *pa, const void *pb)
{
    long a = *(const long *)pa, b = *(const long *)pb;
    return (a > b) - (a < b);
}

static size_t bound_index(const long *b, size_t n, long x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Empty the union and cut the ports at the starts and ends of v[0..n). */
static void cover_reset(cover *c, const flow_row *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) c->b[2 * i] = v[i]->lo, c->b[2 * i + 1] = (long)v[i]->hi + 1;
    qsort(c->b, 2 * n, sizeof *c->b, long_cmp);
    c->nb = 0;
    for (size_t i = 0; i < 2 * n; i++)
        if (!c->nb || c->b[c->nb - 1] != c->b[i]) c->b[c->nb++] = c->b[i];
    for (size_t s = 0; s < c->nb; s++) c->next[s] = s, c->prev[s] = s;
}

/* The run that covers all of r's ports, or false. */
static bool cover_holds(cover *c, const flow_row *r, segment *by)
{
    size_t from = bound_index(c->b, c->nb, r->lo), to = bound_index(c->b, c->nb, (long)r->hi + 1);
    if (next_open(c, from) < to) return false;
    size_t start = run_start(c, from);
    *by = (segment){(int)c->b[start], (int)c->b[next_open(c, to)] - 1, c->first[start]};
    return true;
}

/* Add r's ports, merging the runs they overlap or touch. The merged run
 * keeps the flow of a run that started before r, else r. */
static void cover_add(cover *c, const flow_row *r)
{
    size_t from = bound_index(c->b, c->nb, r->lo), to = bound_index(c->b, c->nb, (long)r->hi + 1);
    size_t start = from;
    const flow_row *first = r;
    if (from > 0 && next_open(c, from - 1) != from - 1) {
        start = run_start(c, from - 1);
        first = c->first[start];
    }
    for (size_t s = next_open(c, from); s < to; s = next_open(c, s + 1)) {
        c->next[s] = s + 1;
        c->prev[s + 1] = s;
    }
    c->first[start] = first;
}
/* A row found redundant, reported once every group has been looked at:
 * the two rows of a `<->` flow are redundant together or not at all. */
typedef struct {
    const flow_row *row;
    segment by;
} redundant_row;

typedef struct {
    redundant_row *v;
    size_t n, cap;
} redundant_list;

static void note_redundant(model *m, redundant_list *l, const flow_row *r, const segment *by)
{
    l->v = arena_grow(m->mem, l->v, sizeof *l->v, &l->cap, l->n + 1);
    l->v[l->n++] = (redundant_row){r, *by};
}

static void report_redundant(model *m, const flow_row *r, const segment *by)
{
    char p[32];
    const loc where = r->port_ast ? r->port_ast->where : r->decl->where;
    bool alone = by->first->lo <= r->lo && by->first->hi >= r->hi;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_REDUNDANT_FLOW, where,
                          "%s %s %s is redundant: %s between the same sides",
                          check_service_name(m, r), r->proto == PROTO_TCP ? "tcp" : "udp",
                          check_range_text(p, r->lo, r->hi),
                          alone ? "another flow already allows it"
                                : "other flows already allow it together");
    diag_add_note(m->diags, d, by->first->port_ast ? by->first->port_ast->where
                                                   : by->first->decl->where,
                  "%s allows %s here", check_service_name(m, by->first),
                  check_range_text(p, by->first->lo, by->first->hi));
    check_tag(d, r, by->first, NULL);
    diag_add_ports(m->diags, d, r->proto, r->lo, r->hi);
}

/* Second pass over the flows the first pass kept: one whose every port is
 * also covered by other kept flows is redundant too (150-250 beside 100-199
 * and 200-299). Greedy, in port order: a flow is reported only when the
 * flows not reported so far still cover it without it, so every reported
 * flow can go at once (of 1001-1004, 1003-1006, 1005-1008, 1007-1010 only
 * 1003-1006). Coverage counts per elementary segment live in a segment tree
 * (range minimum, range add): O(k log k) for k kept flows. */
static int by_lo(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return loc_cmp(a->decl->where, b->decl->where);
}

typedef struct {
    int *min, *add;              /* per node: minimum below, pending add */
} cover_tree;

static void tree_build(cover_tree *t, size_t node, size_t l, size_t r, const int *count)
{
    if (r - l == 1) {
        t->min[node] = count[l];
        return;
    }
    size_t mid = (l + r) / 2;
    tree_build(t, 2 * node, l, mid, count);
    tree_build(t, 2 * node + 1, mid, r, count);
    t->min[node] = t->min[2 * node] < t->min[2 * node + 1] ? t->min[2 * node]
                                                           : t->min[2 * node + 1];
}

/* The minimum coverage over segments [ql, qr) of node's span [l, r). */
static int tree_min(const cover_tree *t, size_t node, size_t l, size_t r, size_t ql, size_t qr)
{
    if (qr <= l || r <= ql) return INT_MAX;
    if (ql <= l && r <= qr) return t->min[node];
    size_t mid = (l + r) / 2;
    int a = tree_min(t, 2 * node, l, mid, ql, qr), b = tree_min(t, 2 * node + 1, mid, r, ql, qr);
    return (a < b ? a : b) + t->add[node];
}

static void tree_add(cover_tree *t, size_t node, size_t l, size_t r, size_t ql, size_t qr, int d)
{
    if (qr <= l || r <= ql) return;
    if (ql <= l && r <= qr) {
        t->min[node] += d;
        t->add[node] += d;
        return;
    }
    size_t mid = (l + r) / 2;
    tree_add(t, 2 * node, l, mid, ql, qr, d);
    tree_add(t, 2 * node + 1, mid, r, ql, qr, d);
    int a = t->min[2 * node], b = t->min[2 * node + 1];
    t->min[node] = (a < b ? a : b) + t->add[node];
}

static void covered_by_others(model *m, redundant_list *found, const flow_row **kept, size_t k)
{
    if (k < 3) return;           /* two kept flows never cover each other */
    qsort(kept, k, sizeof *kept, by_lo);
    long *b = xmalloc_array(2 * k, sizeof *b);
    int *count = xcalloc(2 * k + 1, sizeof *count);
    cover_tree t = {xcalloc(8 * k, sizeof *t.min), xcalloc(8 * k, sizeof *t.add)};
    for (size_t i = 0; i < k; i++) b[2 * i] = kept[i]->lo, b[2 * i + 1] = (long)kept[i]->hi + 1;
    qsort(b, 2 * k, sizeof *b, long_cmp);
    size_t nb = 0;
    for (size_t i = 0; i < 2 * k; i++)
        if (!nb || b[nb - 1] != b[i]) b[nb++] = b[i];
    for (size_t i = 0; i < k; i++) {         /* segment s: ports b[s] to b[s + 1] - 1 */
        count[bound_index(b, nb, kept[i]->lo)]++;
        count[bound_index(b, nb, (long)kept[i]->hi + 1)]--;
    }
    for (size_t s = 1; s < nb; s++) count[s] += count[s - 1];
    size_t nseg = nb - 1;                    /* nb >= 2: k >= 3 flows */
    tree_build(&t, 1, 0, nseg, count);
    const flow_row *widest = NULL;           /* of the earlier flows that stay, highest hi */
    for (size_t i = 0; i < k; i++) {
        size_t from = bound_index(b, nb, kept[i]->lo);
        size_t to = bound_index(b, nb, (long)kept[i]->hi + 1);
        if (tree_min(&t, 1, 0, nseg, from, to) < 2) {
            if (!widest || kept[i]->hi > widest->hi) widest = kept[i];
            continue;
        }
        tree_add(&t, 1, 0, nseg, from, to, -1);
        /* Name a flow that stays: the next one when it overlaps (none after
         * this one is reported yet), else the earlier one reaching furthest. */
        const flow_row *other = i + 1 < k && kept[i + 1]->lo <= kept[i]->hi ? kept[i + 1]
                                                                            : widest;
        if (!other) other = kept[i + 1 < k ? i + 1 : i - 1];   /* not reached: lo is covered */
        segment by = {other->lo, other->hi, other};
        note_redundant(m, found, kept[i], &by);
    }
    free(b);
    free(count);
    free(t.min);
    free(t.add);
}

/* ---- redundant-flow of IP protocols without ports ---- */

/* Same sides, then every type (-1) before single types, then source order. */
static int by_sides_then_type(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    int c = same_sides(a, b);
    if (c) return c;
    if (a->icmp_type != b->icmp_type) return a->icmp_type < b->icmp_type ? -1 : 1;
    return loc_cmp(a->decl->where, b->decl->where);
}

static void report_redundant_ip(model *m, const flow_row *r, const flow_row *by)
{
    char p[PROTO_TEXT], q[PROTO_TEXT];
    loc at = r->type_ast ? r->type_ast->where : r->decl->proto_loc;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_REDUNDANT_FLOW, at,
                          "%s %s is redundant: another flow already allows it between the "
                          "same sides", check_service_name(m, r),
                          proto_type_text(p, r->ipproto, r->icmp_type));
    diag_add_note(m->diags, d, by->type_ast ? by->type_ast->where : by->decl->proto_loc,
                  "%s allows %s here",
                  check_service_name(m, by), proto_type_text(q, by->ipproto, by->icmp_type));
    check_tag(d, r, by, NULL);
}

/* A row of the same sides whose type an earlier row already gives (or
 * which an every-type row covers) adds nothing; rows of one declaration
 * (a `<->` mirror, a type listed twice) are not the author's mistake twice. */
static void check_redundant_ip(model *m)
{
    const flow_row **v = xmalloc_array(m->nrows + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (!m->rows[i].inst->site && !row_has_ports(&m->rows[i])) v[n++] = &m->rows[i];
    if (n > 1) qsort(v, n, sizeof *v, by_sides_then_type);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && same_sides(v[i], v[j]) == 0; j++) {
            const flow_row *by = v[i]->icmp_type < 0 ? v[i]
                                 : v[j - 1]->icmp_type == v[j]->icmp_type ? v[j - 1] : NULL;
            /* A `<->` flow is redundant only when both its directions are:
             * beside another `<->` (reported once, at its forward row). */
            bool half = v[j]->decl->bidir && (!by || !by->decl->bidir || v[j]->reverse);
            if (by && by->decl != v[j]->decl && !half) report_redundant_ip(m, v[j], by);
        }
    }
    free(v);
}

/* Within each group of rows with the same sides, largest first: a row
 * whose range the union of the rows kept so far covers is redundant. */
/* The two ends of a row, lower address first: equal for a row and its mirror. */
static uintptr_t end_low(const flow_row *r)
{
    uintptr_t a = (uintptr_t)r->src.target, b = (uintptr_t)r->dst.target;
    return a < b ? a : b;
}

static uintptr_t end_high(const flow_row *r)
{
    uintptr_t a = (uintptr_t)r->src.target, b = (uintptr_t)r->dst.target;
    return a < b ? b : a;
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* A row and its mirror next to each other, forward first. The order never
 * reaches the output: findings are sorted when printed. */
static int mirror_order(const void *pa, const void *pb)
{
    const flow_row *a = ((const redundant_row *)pa)->row, *b = ((const redundant_row *)pb)->row;
    CMP((uintptr_t)a->decl, (uintptr_t)b->decl);
    CMP(a->inst->index, b->inst->index);
    CMP((uintptr_t)a->port_ast, (uintptr_t)b->port_ast);
    CMP(a->proto, b->proto);
    CMP(a->lo, b->lo);
    CMP(end_low(a), end_low(b));
    CMP(end_high(a), end_high(b));
    return (a->reverse > b->reverse) - (a->reverse < b->reverse);
}

static bool mirrors(const flow_row *a, const flow_row *b)
{
    return a->decl == b->decl && a->inst == b->inst && a->port_ast == b->port_ast &&
           a->proto == b->proto && a->lo == b->lo && !a->reverse && b->reverse &&
           a->src.target == b->dst.target && a->dst.target == b->src.target;
}

/* One row of a `<->` flow may be covered while its mirror is not (`a -> b`
 * beside `a <-> b`): the flow is still needed. Both covered: one finding,
 * for the forward row. */
static void report_found(model *m, redundant_list *l)
{
    if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, mirror_order);   /* v is NULL when empty */
    for (size_t i = 0; i < l->n; i++) {
        const flow_row *r = l->v[i].row;
        if (!r->decl->bidir || (i + 1 < l->n && mirrors(r, l->v[i + 1].row)))
            report_redundant(m, r, &l->v[i].by);
    }
}

void check_redundant(model *m)
{
    check_redundant_ip(m);
    redundant_list found = {0};
    size_t n;
    const flow_row **v = text_rows(m, &n);
    cover c = {xmalloc_array(2 * n + 1, sizeof *c.b), 0, xmalloc_array(2 * n + 1, sizeof *c.next),
               xmalloc_array(2 * n + 2, sizeof *c.prev), xmalloc_array(2 * n + 1, sizeof *c.first)};
    const flow_row **kept = xmalloc_array(n + 1, sizeof *kept);
    qsort(v, n, sizeof *v, by_sides_then_size);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && same_sides(v[i], v[j]) == 0; j++) {}
        cover_reset(&c, v + i, j - i);
        size_t nkept = 0;
        for (size_t k = i; k < j; k++) {
            const flow_row *r = v[k];
            segment by;
            if (cover_holds(&c, r, &by)) {
                /* A `<->` row and its mirror are one flow; a repeat from one
                 * declaration is not the author's mistake twice. */
                if (r->decl != by.first->decl || r->lo != by.first->lo)
                    note_redundant(m, &found, r, &by);
                continue;
            }
            cover_add(&c, r);
            kept[nkept++] = r;
        }
        covered_by_others(m, &found, kept, nkept);
    }
    report_found(m, &found);
    free(kept);
    free(c.b);
    free(c.next);
    free(c.prev);
    free(c.first);
    free(v);
}

/* ---- instance-defaults ---- */

/* Where instances meet, indexed once. A place is a host (its index) or a
 * network of a site (nhosts + the index of the first network declared
 * with that address and prefix there: later ones read the same). Each
 * instance gets the sorted list of its places: the hosts that run it and
 * the networks holding one of them. Two instances meet at the first place
 * their lists share (hosts before networks, as they are declared): a merge
 * of two short lists instead of a scan of every host and network. */
typedef struct {
    size_t *start;               /* instance i: place[start[i]] to place[start[i + 1] - 1] */
    size_t *place;
} places;

typedef struct {
    uintptr_t site;
    int fam, prefix;
    addr first;                  /* the network's first address */
    size_t index;                /* in m->networks */
} net_key;

static int net_key_cmp(const void *pa, const void *pb)
{
    const net_key *a = pa, *b = pb;
    CMP(a->site, b->site);
    CMP(a->fam, b->fam);
    CMP(a->prefix, b->prefix);
    int c = addr_cmp(a->first, b->first);
    if (c) return c;
    CMP(a->index, b->index);
    return 0;
}

/* The site's networks sorted by (site, family, prefix, first address), the
 * first declared of equal ones first: a host's network of one prefix is
 * found by one binary search. */
static net_key *network_keys(const model *m)
{
    net_key *k = xmalloc_array(m->nnetworks + 1, sizeof *k);
    for (size_t i = 0; i < m->nnetworks; i++) {
        const network *n = &m->networks[i];
        k[i] = (net_key){(uintptr_t)n->inst->site, n->addr.fam, n->prefix,
                         addr_first(n->addr, n->prefix), i};
    }
    if (m->nnetworks > 1) qsort(k, m->nnetworks, sizeof *k, net_key_cmp);
    return k;
}

typedef struct {
    size_t inst, place;
} inst_place;

static int inst_place_cmp(const void *pa, const void *pb)
{
    const inst_place *a = pa, *b = pb;
    CMP(a->inst, b->inst);
    CMP(a->place, b->place);
    return 0;
}

/* By place, then instance: who is at each place, in the order of places. */
static int place_inst_cmp(const void *pa, const void *pb)
{
    const inst_place *a = pa, *b = pb;
    CMP(a->place, b->place);
    CMP(a->inst, b->inst);
    return 0;
}

typedef struct {
    inst_place *v;
    size_t n, cap;
} inst_place_list;

/* The place is one of every instance h runs. */
static void add_place(inst_place_list *l, const host *h, size_t place)
{
    for (int k = 0; k < h->nruns; k++) {
        if (l->n == l->cap) l->v = xrealloc_array(l->v, l->cap = 2 * l->cap + 16, sizeof *l->v);
        l->v[l->n++] = (inst_place){(size_t)h->runs[k].inst->index, place};
    }
}

/* The first key at or after want in k[lo, hi). */
static size_t lower_key(const net_key *k, size_t lo, size_t hi, const net_key *want)
{
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (net_key_cmp(&k[mid], want) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The networks of h's site that hold h: one binary search per (family,
 * prefix) the site's networks use, at most 162. */
static void host_networks(const model *m, const net_key *k, inst_place_list *l, const host *h)
{
    net_key site = {(uintptr_t)h->site, INT_MIN, INT_MIN, {0}, 0};
    for (size_t i = lower_key(k, 0, m->nnetworks, &site); i < m->nnetworks && k[i].site == site.site;) {
        size_t j = i + 1;
        while (j < m->nnetworks && k[j].site == k[i].site && k[j].fam == k[i].fam &&
               k[j].prefix == k[i].prefix)
            j++;
        for (int a = 0; a < h->naddrs; a++) {
            if (h->addrs[a].fam != k[i].fam) continue;
            net_key want = {k[i].site, k[i].fam, k[i].prefix,
                            addr_first(h->addrs[a], k[i].prefix), 0};
            size_t at = lower_key(k, i, j, &want);
            if (at < j && addr_eq(k[at].first, want.first)) add_place(l, h, m->nhosts + k[at].index);
        }
        i = j;
    }
}

static places places_build(const model *m)
{
    net_key *k = network_keys(m);
    inst_place_list l = {0};
    for (size_t i = 0; i < m->nhosts; i++) {
        add_place(&l, m->hosts[i], i);
        host_networks(m, k, &l, m->hosts[i]);
    }
    if (l.n > 1) qsort(l.v, l.n, sizeof *l.v, inst_place_cmp);
    places p = {xcalloc(m->ninstances + 1, sizeof *p.start), xmalloc_array(l.n + 1, sizeof *p.place)};
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (n && l.v[i].inst == l.v[i - 1].inst && l.v[i].place == l.v[i - 1].place) continue;
        p.place[n++] = l.v[i].place;
        p.start[l.v[i].inst + 1]++;
    }
    for (size_t i = 0; i < m->ninstances; i++) p.start[i + 1] += p.start[i];
    free(l.v);
    free(k);
    return p;
}

/* A place where instances meet, for messages: "host 'h'" or "network N". */
static const char *place_text(model *m, size_t at)
{
    if (at < m->nhosts) {
        const char *name = m->hosts[at]->decl->name;
        size_t n = strlen(name) + 8;
        char *s = arena_alloc(m->mem, n);
        snprintf(s, n, "host '%s'", name);
        return s;
    }
    const network *net = &m->networks[at - m->nhosts];
    char t[ADDR_TEXT], *s = arena_alloc(m->mem, ADDR_TEXT + 8);
    snprintf(s, ADDR_TEXT + 8, "network %s", addr_text(t, net->addr, net->addr, net->prefix));
    return s;
}

/* Where two instances meet: a shared host, or a network of their site that
 * holds a host of each. Gives a description, or NULL when they do not. */
static const char *meeting_place(model *m, const places *p, const instance *a,
                                 const instance *b)
{
    size_t i = p->start[a->index], ie = p->start[a->index + 1];
    size_t j = p->start[b->index], je = p->start[b->index + 1];
    while (i < ie && j < je && p->place[i] != p->place[j]) {
        if (p->place[i] < p->place[j]) i++;
        else j++;
    }
    return i == ie || j == je ? NULL : place_text(m, p->place[i]);
}

static void report_default(model *m, instance *a, instance *b, const char *where,
                           const decl *p, const value *v)
{
    instance *later = a->decl ? a : b;
    diag *d = diag_report(m->diags, SEV_ERROR, CK_INSTANCE_DEFAULTS, later->where,
                          "instances '%s' and '%s' of %s meet on %s and both keep the "
                          "default %s = %lld", a->name, b->name, a->sys->name, where,
                          p->name, (long long)v->lo);
    diag_add_note(m->diags, d, p->name_loc,
                  "'%s' is declared here; set a different value in one instance", p->name);
    d->site = a->site;
    d->svc_inst[0] = a->name;
    d->svc_inst[1] = b->name;
    /* A parameter may serve flows of either protocol. */
    diag_add_ports(m->diags, d, PROTO_TCP | PROTO_UDP, v->lo, v->hi);
}

/* One instance's value of a parameter it keeps at its default. */
typedef struct {
    int64_t lo, hi;
    instance *in;
} kept_value;

static int kept_value_cmp(const void *pa, const void *pb)
{
    const kept_value *a = pa, *b = pb;
    CMP(a->lo, b->lo);
    CMP(a->hi, b->hi);
    CMP(a->in->index, b->in->index);
    return 0;
}

/* ---- three or more instances keeping one value ---- */

enum { CROWD_MIN = 3, CROWD_SHOWN = 8 };


/* One finding for the k >= 3 instances v (by index) meeting at where. */
static void report_crowd(model *m, const decl *p, const value *val, instance **v, size_t k,
                         const char *where)
{
    strbuf b;
    sb_init(&b);
    instance *at = v[0];
    for (size_t i = 0; i < k; i++) {
        if (i < CROWD_SHOWN) sb_printf(&b, "%s%s", i ? ", " : "", v[i]->name);
        if (!at->decl) at = v[i];
    }
    if (k > CROWD_SHOWN) sb_printf(&b, " and %zu more", k - CROWD_SHOWN);
    diag *d = diag_report(m->diags, SEV_ERROR, CK_INSTANCE_DEFAULTS, at->where,
                          "%zu instances of %s meet on %s and all keep the default %s = %lld: %s",
                          k, at->sys->name, where, p->name, (long long)val->lo, b.data);
    sb_free(&b);
    diag_add_note(m->diags, d, p->name_loc,
                  "'%s' is declared here; set a different value in all but one instance", p->name);
    d->site = at->site;
    diag_add_ports(m->diags, d, PROTO_TCP | PROTO_UDP, val->lo, val->hi);
}

/* A class of three or more instances keeping one value is reported per
 * place, in the order of places (hosts, then networks, as declared): the
 * members found there give the pair's finding (two) or one finding naming
 * them (more); a place whose set of members was reported at an earlier
 * place is skipped. O(places of the members), not per pair. */
static void report_class(model *m, const places *pl, const decl *p, const value *val,
                         const kept_value *kv, size_t k)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) n += pl->start[kv[i].in->index + 1] - pl->start[kv[i].in->index];
    inst_place *at = xmalloc_array(n + 1, sizeof *at);
    n = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = pl->start[kv[i].in->index]; j < pl->start[kv[i].in->index + 1]; j++)
            at[n++] = (inst_place){(size_t)kv[i].in->index, pl->place[j]};
    if (n > 1) qsort(at, n, sizeof *at, place_inst_cmp);
    instance **v = xmalloc_array(k + 1, sizeof *v);
    names done;
    names_init(&done);
    for (size_t i = 0, e; i < n; i = e) {
        strbuf key;
        sb_init(&key);
        for (e = i; e < n && at[e].place == at[i].place; e++) {
            v[e - i] = m->instances[at[e].inst];
            sb_printf(&key, "%zu,", at[e].inst);
        }
        bool again = e - i < 2 || names_get(&done, key.data);
        if (!again) names_put(m->mem, &done, arena_strdup(m->mem, key.data), (void *)&done);
        sb_free(&key);
        if (again) continue;
        if (e - i == 2) report_default(m, v[0], v[1], place_text(m, at[i].place), p, val);
        else report_crowd(m, p, val, v, e - i, place_text(m, at[i].place));
    }
    free(v);
    free(at);
}

/* The instances of one system in one site, by index: per parameter of a
 * port, those keeping its default are sorted by value, and only those
 * with equal values are paired (a default computed from parameters one
 * instance sets moves with them). */
static void compare_group(model *m, const places *pl, instance **g, size_t n, kept_value *kv)
{
    for (decl *p = g[0]->sys->decls; p; p = p->next) {
        if (p->kind != D_PARAM || !p->port_use) continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            value v;
            if (!g[i]->sets[p->index] && eval_param(m, g[i], p, p->name_loc, &v))
                kv[k++] = (kept_value){v.lo, v.hi, g[i]};
        }
        if (k > 1) qsort(kv, k, sizeof *kv, kept_value_cmp);
        for (size_t i = 0, e; i < k; i = e) {
            for (e = i + 1; e < k && kv[e].lo == kv[i].lo && kv[e].hi == kv[i].hi; e++) {}
            value v = {.lo = kv[i].lo, .hi = kv[i].hi};
            if (e - i >= CROWD_MIN) {
                report_class(m, pl, p, &v, kv + i, e - i);
                continue;
            }
            const char *where = e - i == 2 ? meeting_place(m, pl, kv[i].in, kv[i + 1].in) : NULL;
            if (where) report_default(m, kv[i].in, kv[i + 1].in, where, p, &v);
        }
    }
}

static int by_site_system(const void *pa, const void *pb)
{
    const instance *a = *(instance *const *)pa, *b = *(instance *const *)pb;
    CMP((uintptr_t)a->site, (uintptr_t)b->site);
    CMP((uintptr_t)a->sys, (uintptr_t)b->sys);
    CMP(a->index, b->index);
    return 0;
}

void check_instance_defaults(model *m)
{
    instance **v = xmalloc_array(m->ninstances + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->ninstances; i++)
        if (m->instances[i]->site) v[n++] = m->instances[i];
    if (n > 1) qsort(v, n, sizeof *v, by_site_system);
    places pl = places_build(m);
    kept_value *kv = xmalloc_array(n + 1, sizeof *kv);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && v[j]->site == v[i]->site && v[j]->sys == v[i]->sys; j++) {}
        if (j - i > 1) compare_group(m, &pl, v + i, j - i, kv);
    }
    free(kv);
    free(pl.start);
    free(pl.place);
    free(v);
}
