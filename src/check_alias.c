/* check_alias.c: inconsistent-redeclaration across systems. A service that
 * is another system's service (`service dante is dante.audio_control`) is
 * compared with its target: ports only one side lists, and ports the two
 * list under different protocols. Rows are sorted once by (software,
 * service, protocol, start) and each side merged into disjoint spans, so
 * the comparison is a linear merge, never a pairwise loop. */
#include <stdlib.h>
#include "check.h"
#include "xalloc.h"

typedef struct {
    int lo, hi;
    const flow_row *row;         /* the row that lists the span's first port */
} span;

typedef struct {
    span *v;
    size_t n, cap;
} spans;

/* Appends [lo, hi], merging with the last span when they touch; callers
 * append in ascending order. */
static void push(arena *mem, spans *s, int lo, int hi, const flow_row *row)
{
    if (s->n && lo <= s->v[s->n - 1].hi + 1) {
        if (hi > s->v[s->n - 1].hi) s->v[s->n - 1].hi = hi;
        return;
    }
    s->v = arena_grow(mem, s->v, sizeof *s->v, &s->cap, s->n + 1);
    s->v[s->n++] = (span){lo, hi, row};
}

/* out = a minus b (keep) or a within b (!keep); pieces keep a's rows. */
static void split(arena *mem, const spans *a, const spans *b, bool keep, spans *out)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        const span *x = &a->v[i];
        int lo = x->lo;
        while (j < b->n && b->v[j].hi < lo) j++;
        for (size_t k = j; lo <= x->hi; k++) {
            int cut = k < b->n && b->v[k].lo <= x->hi ? b->v[k].lo : x->hi + 1;
            if (keep && cut > lo) push(mem, out, lo, cut - 1, x->row);
            if (cut > x->hi) break;
            int end = b->v[k].hi < x->hi ? b->v[k].hi : x->hi;
            if (!keep) push(mem, out, cut > lo ? cut : lo, end, x->row);
            lo = end + 1;
        }
    }
}

static const char *spans_text(arena *mem, const spans *s)
{
    enum { SHOWN = 8 };
    char buf[256], r[32];
    size_t len = 0;
    for (size_t i = 0; i < s->n && i < SHOWN; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "",
                                check_range_text(r, s->v[i].lo, s->v[i].hi));
    if (s->n > SHOWN) snprintf(buf + len, sizeof buf - len, " and %zu more", s->n - SHOWN);
    return arena_strdup(mem, buf);
}

static loc row_loc(const flow_row *r) { return r->port_ast ? r->port_ast->where : r->decl->where; }

static const int proto_of[2] = {PROTO_TCP, PROTO_UDP};

static void tag(model *m, diag *d, const flow_row *a, const flow_row *t, const spans *s, int p)
{
    check_tag(d, a, t, NULL);
    for (size_t i = 0; i < s->n; i++)
        diag_add_ports(m->diags, d, (unsigned)proto_of[p], s->v[i].lo, s->v[i].hi);
}

/* Ports the alias lists and its target does not (under any protocol). */
static void report_extra(model *m, const spans *s, int p, const flow_row *t)
{
    const flow_row *a = s->v[0].row;
    const char *an = check_service_name(m, a), *tn = check_service_name(m, t);
    diag *d = diag_report(m->diags, SEV_WARNING, CK_INCONSISTENT_REDECLARATION, row_loc(a),
                          "%s lists %s %s, which %s (the same software) does not: one of the "
                          "two descriptions is wrong", an, check_proto_name(proto_of[p]),
                          spans_text(m->mem, s), tn);
    diag_add_note(m->diags, d, t->decl->service->name_loc, "%s is described here", tn);
    tag(m, d, a, t, s, p);
}

/* Ports the target lists and the alias does not. */
static void report_lack(model *m, const decl *alias, const flow_row *a, const spans *s, int p)
{
    const flow_row *t = s->v[0].row;
    const char *an = check_service_name(m, a), *tn = check_service_name(m, t);
    char r[32];
    diag *d = diag_report(m->diags, SEV_WARNING, CK_INCONSISTENT_REDECLARATION, alias->alias.where,
                          "%s lacks %s %s, which %s (the same software) lists: one of the two "
                          "descriptions is wrong", an, check_proto_name(proto_of[p]),
                          spans_text(m->mem, s), tn);
    diag_add_note(m->diags, d, row_loc(t), "%s lists %s %s here", tn,
                  check_proto_name(proto_of[p]), check_range_text(r, t->lo, t->hi));
    tag(m, d, a, t, s, p);
}

/* Ports the alias lists under protocol p where the target lists them
 * under the other one. */
static void report_swap(model *m, const spans *s, int p, const spans *target_side)
{
    const flow_row *a = s->v[0].row;
    spans t = {NULL, 0, 0};
    split(m->mem, target_side, s, false, &t);
    const flow_row *tr = t.n ? t.v[0].row : a;
    const char *an = check_service_name(m, a), *tn = check_service_name(m, tr);
    char r[32];
    diag *d = diag_report(m->diags, SEV_WARNING, CK_INCONSISTENT_REDECLARATION, row_loc(a),
                          "%s lists %s %s where %s (the same software) lists %s: one of the "
                          "two descriptions is wrong", an, check_proto_name(proto_of[p]),
                          spans_text(m->mem, s), tn, check_proto_name(proto_of[1 - p]));
    diag_add_note(m->diags, d, row_loc(tr), "%s lists %s %s here", tn,
                  check_proto_name(proto_of[1 - p]), check_range_text(r, tr->lo, tr->hi));
    tag(m, d, a, tr, s, p);
}

/* A[p], T[p]: the alias's and the target's ports per protocol (0 tcp, 1 udp). */
static void compare(model *m, const decl *alias, spans A[2], spans T[2])
{
    if (!(A[0].n + A[1].n) || !(T[0].n + T[1].n)) return;
    spans onlyA[2] = {{0}}, onlyT[2] = {{0}}, swap[2] = {{0}};
    for (int p = 0; p < 2; p++) {
        split(m->mem, &A[p], &T[p], true, &onlyA[p]);
        split(m->mem, &T[p], &A[p], true, &onlyT[p]);
    }
    for (int p = 0; p < 2; p++) split(m->mem, &onlyA[p], &onlyT[1 - p], false, &swap[p]);
    const flow_row *any_a = A[0].n ? A[0].v[0].row : A[1].v[0].row;
    const flow_row *any_t = T[0].n ? T[0].v[0].row : T[1].v[0].row;
    for (int p = 0; p < 2; p++) {
        spans extra = {0}, lack = {0};
        split(m->mem, &onlyA[p], &swap[p], true, &extra);
        split(m->mem, &onlyT[p], &swap[1 - p], true, &lack);
        if (swap[p].n) report_swap(m, &swap[p], p, &T[1 - p]);
        if (extra.n) report_extra(m, &extra, p, any_t);
        if (lack.n) report_lack(m, alias, any_a, &lack, p);
    }
}

static const decl *software(const flow_row *r) { return service_software(r->decl->service); }

/* Software first, its target's rows before its aliases', then protocol and start. */
static int by_software(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    const decl *sa = a->decl->service, *sb = b->decl->service;
    if (software(a) != software(b)) return software(a)->index < software(b)->index ? -1 : 1;
    if (sa != sb) {
        if (!sa->alias_of != !sb->alias_of) return sa->alias_of ? 1 : -1;
        return sa->index < sb->index ? -1 : 1;
    }
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    /* a total order, so the row a span reports is the same on every run */
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    const loc *x = &a->decl->where, *y = &b->decl->where;
    int c = loc_cmp(*x, *y);
    if (c) return c;
    return (a > b) - (a < b);    /* both in m->rows, which is in a fixed order */
}

/* One service's rows [i, end) as spans per protocol. */
static size_t service_spans(model *m, const flow_row **v, size_t i, size_t n, spans out[2])
{
    const decl *svc = v[i]->decl->service;
    out[0] = out[1] = (spans){NULL, 0, 0};
    for (; i < n && v[i]->decl->service == svc; i++)
        push(m->mem, &out[v[i]->proto == PROTO_TCP ? 0 : 1], v[i]->lo, v[i]->hi, v[i]);
    return i;
}

void check_alias_drift(model *m)
{
    const flow_row **v = xmalloc_array(m->nrows + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        const decl *s = r->decl->service;
        if (!r->inst->site && r->lo && (s->alias_of || s->aliased)) v[n++] = r;
    }
    if (n > 1) qsort(v, n, sizeof *v, by_software);
    spans T[2] = {{0}}, A[2];
    for (size_t i = 0; i < n;) {
        const decl *svc = v[i]->decl->service;
        if (!svc->alias_of) {
            i = service_spans(m, v, i, n, T);
            continue;
        }
        bool have_target = i > 0 && software(v[i - 1]) == svc->alias_of;
        if (!have_target) T[0] = T[1] = (spans){NULL, 0, 0};
        size_t end = service_spans(m, v, i, n, A);
        compare(m, svc, A, T);
        /* Keep T for the next alias of the same target. */
        i = end;
    }
    free(v);
}
