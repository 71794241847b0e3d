/* gen_portmap.c: the port map of one host, for `berth gen docs`. Takes the
 * model and a host; gives an SVG string: the port space on a piecewise
 * scale, one lane per (protocol, service) the host binds, its ephemeral
 * range shaded, and every overlap the bind checks found drawn in its
 * finding's colour with the check id. No Graphviz: berth writes the SVG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen_docs.h"
#include "xalloc.h"

/* ---- what is drawn: bindings, overlaps and their findings, once per run ---- */

/* The bindings and overlaps are check_program's (model.binds), read here. */
struct portmap_data {
    binding_table t;
    size_t *by_host;             /* binding indices sorted by host... */
    size_t *host_first;          /* ...host i's are by_host[host_first[i] .. host_first[i + 1]) */
    overlap_list ov[2];          /* bind-conflict, cross-protocol: sorted by host */
    names findings;              /* finding key -> finding_state */
};

typedef struct {
    bool unwaived;               /* one finding of the key is shown at full severity */
} finding_state;

/* The key a finding of the bind checks is found by: check, host, services. */
static const char *finding_key(arena *mem, int check, const void *host, const char *i0,
                               const void *s0, const char *i1, const void *s1)
{
    const char *fmt = "%d|%p|%s|%p|%s|%p";
    i0 = i0 ? i0 : "", i1 = i1 ? i1 : "";
    int n = snprintf(NULL, 0, fmt, check, host, i0, s0, i1, s1);
    char *k = arena_alloc(mem, (size_t)(n > 0 ? n : 0) + 1);
    snprintf(k, (size_t)(n > 0 ? n : 0) + 1, fmt, check, host, i0, s0, i1, s1);
    return k;
}

static void index_findings(const model *m, names *t)
{
    names_init(t);
    for (size_t i = 0; i < m->diags->count; i++) {
        const diag *x = m->diags->items[i];
        if (x->check != CK_BIND_CONFLICT && x->check != CK_CROSS_PROTOCOL &&
            x->check != CK_EPHEMERAL_RANGE)
            continue;
        finding_state *f = arena_alloc(m->mem, sizeof *f);
        const char *k = finding_key(m->mem, (int)x->check, x->host, x->svc_inst[0], x->svc[0],
                                    x->svc_inst[1], x->svc[1]);
        finding_state *had = names_put(m->mem, t, k, f);
        (had ? had : f)->unwaived |= !x->waiver;
    }
}

/* The finding of that check about two rows' services on a host (either
 * order), or NULL: an overlap no finding reports is not drawn. */
static const finding_state *finding(const model *m, const portmap_data *p, int check, const host *h,
                                    const flow_row *a, const flow_row *b)
{
    const void *sb = b ? (const void *)b->decl->service : NULL;
    const char *ib = b ? b->inst->name : NULL;
    const finding_state *f = names_get(
        &p->findings, finding_key(m->mem, check, h->decl, a->inst->name, a->decl->service, ib, sb));
    if (!f && b)
        f = names_get(&p->findings, finding_key(m->mem, check, h->decl, ib, sb, a->inst->name,
                                                a->decl->service));
    return f;
}

typedef struct {
    size_t host, item;
} host_item;

static int host_item_cmp(const void *pa, const void *pb)
{
    const host_item *a = pa, *b = pb;
    if (a->host != b->host) return a->host < b->host ? -1 : 1;
    return (a->item > b->item) - (a->item < b->item);
}

static portmap_data *portmap_prepare(const model *m)
{
    if (!m->binds) {
        fprintf(stderr, "berth: internal error: port maps of an unchecked model\n");
        abort();
    }
    portmap_data *p = arena_alloc(m->mem, sizeof *p);
    p->t = m->binds->t;
    p->by_host = arena_alloc(m->mem, (p->t.n + 1) * sizeof *p->by_host);
    p->host_first = arena_alloc(m->mem, (m->nhosts + 1) * sizeof *p->host_first);
    host_item *v = xmalloc_array(p->t.n + 1, sizeof *v);
    for (size_t i = 0; i < p->t.n; i++) v[i] = (host_item){(size_t)p->t.v[i].h->index, i};
    if (p->t.n > 1) qsort(v, p->t.n, sizeof *v, host_item_cmp);
    for (size_t i = 0; i < p->t.n; i++) p->by_host[i] = v[i].item;
    free(v);
    for (size_t h = 0, k = 0; h <= m->nhosts; h++) {
        while (k < p->t.n && (size_t)p->t.v[p->by_host[k]].h->index < h) k++;
        p->host_first[h] = k;
    }
    p->ov[0] = m->binds->ov[0];
    p->ov[1] = m->binds->ov[1];
    index_findings(m, &p->findings);
    return p;
}

/* ---- the scale: 1-1023 linear on 30%, 1024-49151 logarithmic on 50%,
 * 49152-65535 linear on 20% ---- */

enum {
    PLOT_W = 700, LANE_H = 16, LANE_PITCH = 21, TOP = 104, GAP = 14,
    FONT_PX = 11, SMALL_PX = 10, MIN_BAR = 3, MIN_BAND = 5, MAX_RANGES_SHOWN = 6,
    PORTMAP_MAX_ROWS = 300,      /* lanes and findings; beyond, a note says so */
};

/* ln(x) for x >= 1 with + - * / only, so every machine draws the same
 * picture to the last digit (libm's log may differ in the last bit). */
static double ln(double x)
{
    static const double ln2 = 0.69314718055994530942;
    int k = 0;
    while (x >= 2) x /= 2, k++;
    double z = (x - 1) / (x + 1), z2 = z * z, term = z, sum = 0;
    for (int i = 1; i < 40; i += 2, term *= z2) sum += term / i;
    return k * ln2 + 2 * sum;
}

/* The x of port p's left edge (p = 65536: the right end). */
static double port_x(double plot_x, long p)
{
    if (p < 1024) return plot_x + (double)(p - 1) / 1023 * PLOT_W * 0.3;
    if (p < 49152) return plot_x + PLOT_W * 0.3 + ln((double)p / 1024) / ln(48) * PLOT_W * 0.5;
    return plot_x + PLOT_W * 0.8 + (double)(p - 49152) / 16384 * PLOT_W * 0.2;
}

/* A coordinate with one decimal, the same on every machine. */
static void num(strbuf *b, double x)
{
    long t = (long)(x * 10 + (x < 0 ? -0.5 : 0.5));
    if (t < 0) sb_putc(b, '-'), t = -t;
    sb_printf(b, "%ld", t / 10);
    if (t % 10) sb_printf(b, ".%ld", t % 10);
}

static double text_w(const char *s, int px) { return (double)strlen(s) * px * 0.62; }

/* ---- lanes ---- */

typedef struct {
    uint8_t proto;
    const char *name;            /* "dante.audio_control" */
    const flow_row *row;         /* names the service */
    bool source;
    long lo, hi;
} mark;

typedef struct {
    uint8_t proto;
    const char *name;
    const flow_row *row;
    size_t first, n;             /* its bars */
} lane;

typedef struct {
    bool source;
    long lo, hi;
} bar;

typedef struct {
    const char *check;
    const char *fill, *ink;      /* band colour, text colour */
    bool waived;
    int lane_a, lane_b;          /* the lanes it marks (-1: none) */
    uint8_t proto;
    const char *text;
    const bind_overlap *v;       /* bind checks: the group's overlaps */
    size_t n;
    long lo, hi;                 /* ephemeral-range: the one range */
} band;

typedef struct {
    docs *d;
    const host *h;
    strbuf *b;
    mark *marks;
    size_t nmarks;
    lane *lanes;
    size_t nlanes, lanes_cap;
    bar *bars;
    size_t nbars, bars_cap;
    band *bands;
    size_t nbands, bands_cap;
    names lane_index;            /* "proto|name" -> lane + 1 */
    double plot_x;
    const char *note;            /* instead of the lanes: too many to draw */
} pmap;

static int mark_cmp(const void *pa, const void *pb)
{
    const mark *a = pa, *b = pb;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    if (a->source != b->source) return a->source < b->source ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->hi > b->hi) - (a->hi < b->hi);
}

static const char *lane_key(pmap *p, int proto, const char *name)
{
    size_t n = strlen(name) + 8;
    char *k = arena_alloc(p->d->m->mem, n);
    snprintf(k, n, "%d|%s", proto, name);
    return k;
}

/* The host's bindings as lanes of merged bars, sorted by protocol, then
 * service name, listening bars before fixed source ones. */
static void build_lanes(pmap *p, const portmap_data *pd)
{
    const model *m = p->d->m;
    int b = check_bindings_host(&pd->t, p->h)->index;   /* hosts of one class bind alike */
    size_t from = pd->host_first[b], to = pd->host_first[b + 1];
    p->marks = arena_alloc(m->mem, (to - from + 1) * sizeof *p->marks);
    for (size_t i = from; i < to; i++) {
        const binding *x = &pd->t.v[pd->by_host[i]];
        p->marks[p->nmarks++] = (mark){x->proto, check_binding_name(m, x), x->row,
                                       x->source, x->lo, x->hi};
    }
    if (p->nmarks > 1) qsort(p->marks, p->nmarks, sizeof *p->marks, mark_cmp);
    names_init(&p->lane_index);
    for (size_t i = 0; i < p->nmarks; i++) {
        const mark *k = &p->marks[i];
        lane *l = p->nlanes ? &p->lanes[p->nlanes - 1] : NULL;
        if (!l || l->proto != k->proto || strcmp(l->name, k->name)) {
            p->lanes = arena_grow(m->mem, p->lanes, sizeof *p->lanes, &p->lanes_cap, p->nlanes + 1);
            l = &p->lanes[p->nlanes++];
            *l = (lane){k->proto, k->name, k->row, p->nbars, 0};
            names_put(m->mem, &p->lane_index, lane_key(p, k->proto, k->name),
                      (void *)(uintptr_t)p->nlanes);
        }
        /* a lane shared by an alias and its target names the target's row */
        if (l->row->decl->service->alias_of && !k->row->decl->service->alias_of) l->row = k->row;
        bar *last = l->n ? &p->bars[p->nbars - 1] : NULL;
        /* the union of one lane's ranges: drawing, not a second check */
        if (last && last->source == k->source && k->lo <= last->hi + 1) {
            if (k->hi > last->hi) last->hi = k->hi;
            continue;
        }
        p->bars = arena_grow(m->mem, p->bars, sizeof *p->bars, &p->bars_cap, p->nbars + 1);
        p->bars[p->nbars++] = (bar){k->source, k->lo, k->hi};
        l->n++;
    }
}

static int bar_cmp(const void *pa, const void *pb)
{
    const bar *a = pa, *b = pb;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->source > b->source) - (a->source < b->source);
}

/* Each lane's bars by port, listening and source ones mixed, so a label
 * knows the next bar on its right. */
static void sort_bars(pmap *p)
{
    for (size_t l = 0; l < p->nlanes; l++)
        if (p->lanes[l].n > 1)
            qsort(p->bars + p->lanes[l].first, p->lanes[l].n, sizeof *p->bars, bar_cmp);
}

static int lane_of(pmap *p, const binding *x)
{
    const char *name = check_binding_name(p->d->m, x);
    return (int)(uintptr_t)names_get(&p->lane_index, lane_key(p, x->proto, name)) - 1;
}

/* ---- bands: the findings' overlaps ---- */

static band *new_band(pmap *p, int check, bool waived)
{
    static const char *const fill[] = {"#d62728", "#f28e2b", "#f2c500"};
    static const char *const ink[] = {"#b01e1e", "#b35f0e", "#8a6d00"};
    int c = check == CK_BIND_CONFLICT ? 0 : check == CK_CROSS_PROTOCOL ? 1 : 2;
    p->bands = arena_grow(p->d->m->mem, p->bands, sizeof *p->bands, &p->bands_cap, p->nbands + 1);
    band *x = &p->bands[p->nbands++];
    *x = (band){check_table[check].id, fill[c], ink[c], waived, -1, -1, 0, NULL, NULL, 0, 0, 0};
    return x;
}

/* "a and b: udp 8700-8708, 8751, 8800" */
static const char *pair_text(pmap *p, const bind_overlap *v, size_t n)
{
    const model *m = p->d->m;
    strbuf t;
    char r[32];
    sb_init(&t);
    if (v->a->proto == v->b->proto)
        sb_printf(&t, "%s and %s: %s ", check_service_name(m, v->a->row),
                  check_service_name(m, v->b->row), check_proto_name(v->a->proto));
    else
        sb_printf(&t, "%s (%s) and %s (%s): ", check_service_name(m, v->a->row),
                  check_proto_name(v->a->proto), check_service_name(m, v->b->row),
                  check_proto_name(v->b->proto));
    for (size_t i = 0; i < n && i < MAX_RANGES_SHOWN; i++)
        sb_printf(&t, "%s%s", i ? ", " : "", check_range_text(r, v[i].lo, v[i].hi));
    if (n > MAX_RANGES_SHOWN) sb_printf(&t, " and %zu more", n - MAX_RANGES_SHOWN);
    const char *s = arena_strdup(m->mem, sb_text(&t));
    sb_free(&t);
    return s;
}

/* The overlaps of one bind check on this host, a band per finding. */
static void overlap_bands(pmap *p, const portmap_data *pd, const overlap_list *ol, int check)
{
    const model *m = p->d->m;
    size_t lo = 0, hi = ol->n;
    while (lo < hi) {                        /* the host's first overlap */
        size_t mid = (lo + hi) / 2;
        if (ol->v[mid].a->h->index < p->h->index) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo, j; i < ol->n && ol->v[i].a->h == p->h; i = j) {
        for (j = i + 1; j < ol->n && check_same_overlap_group(&ol->v[i], &ol->v[j]); j++) {}
        const finding_state *f = finding(m, pd, check, p->h, ol->v[i].a->row, ol->v[i].b->row);
        if (!f) continue;
        band *x = new_band(p, check, !f->unwaived);
        x->lane_a = lane_of(p, ol->v[i].a);
        x->lane_b = lane_of(p, ol->v[i].b);
        x->v = &ol->v[i];
        x->n = j - i;
        x->text = pair_text(p, x->v, x->n);
    }
}

/* A listening bar inside the ephemeral range, when ephemeral-range reports
 * its service on this host. */
static void ephemeral_bands(pmap *p, const portmap_data *pd)
{
    const host *h = p->h;
    char r[32];
    for (size_t l = 0; l < p->nlanes && h->eph_lo; l++)
        for (size_t i = p->lanes[l].first; i < p->lanes[l].first + p->lanes[l].n; i++) {
            const bar *x = &p->bars[i];
            long lo = x->lo > h->eph_lo ? x->lo : h->eph_lo;
            long hi = x->hi < h->eph_hi ? x->hi : h->eph_hi;
            const finding_state *f =
                lo <= hi && !x->source
                    ? finding(p->d->m, pd, CK_EPHEMERAL_RANGE, h, p->lanes[l].row, NULL)
                    : NULL;
            if (!f) continue;
            band *y = new_band(p, CK_EPHEMERAL_RANGE, !f->unwaived);
            y->lane_a = (int)l;
            y->proto = p->lanes[l].proto;
            y->lo = lo, y->hi = hi;
            strbuf t;
            sb_init(&t);
            sb_printf(&t, "%s listens inside the ephemeral range: %s %s", p->lanes[l].name,
                      check_proto_name(y->proto), check_range_text(r, lo, hi));
            y->text = arena_strdup(p->d->m->mem, sb_text(&t));
            sb_free(&t);
        }
}

/* ---- drawing ---- */

static double lane_y(const pmap *p, size_t l)
{
    /* a gap between the tcp and the udp lanes */
    bool udp_after_tcp = p->lanes[l].proto == PROTO_UDP && p->lanes[0].proto == PROTO_TCP;
    return TOP + (double)l * LANE_PITCH + (udp_after_tcp ? GAP : 0);
}

static double lanes_end(const pmap *p)
{
    return p->nlanes ? lane_y(p, p->nlanes - 1) + LANE_PITCH : TOP + LANE_PITCH;
}

static double band_y(const pmap *p, size_t i)
{
    return lanes_end(p) + 2 * GAP + (double)i * LANE_PITCH;
}

static void rect(strbuf *b, double x, double y, double w, double h, const char *attrs)
{
    sb_puts(b, "<rect x=\"");
    num(b, x);
    sb_puts(b, "\" y=\"");
    num(b, y);
    sb_puts(b, "\" width=\"");
    num(b, w);
    sb_puts(b, "\" height=\"");
    num(b, h);
    sb_printf(b, "\" %s", attrs);
}

/* A port range as a rect from lo's left edge to hi's right edge, at least
 * min wide; attrs end the tag ("/>" or ">" for a <title>). */
static void span_rect(pmap *p, long lo, long hi, double y, double h, double min, const char *attrs)
{
    double x0 = port_x(p->plot_x, lo), x1 = port_x(p->plot_x, hi + 1);
    if (x1 - x0 < min) x0 = (x0 + x1 - min) / 2, x1 = x0 + min;
    rect(p->b, x0, y, x1 - x0, h, attrs);
}

static void range_rect(pmap *p, long lo, long hi, double y, double h, const char *attrs)
{
    span_rect(p, lo, hi, y, h, MIN_BAR, attrs);
}

static void text(strbuf *b, double x, double y, const char *attrs, const char *s)
{
    sb_puts(b, "<text x=\"");
    num(b, x);
    sb_puts(b, "\" y=\"");
    num(b, y);
    sb_printf(b, "\"%s%s>", *attrs ? " " : "", attrs);
    docs_xml(b, s);
    sb_puts(b, "</text>\n");
}

static void title(strbuf *b, const char *s)
{
    sb_puts(b, "<title>");
    docs_xml(b, s);
    sb_puts(b, "</title>");
}

#define GREY_SMALL "font-size=\"10\" fill=\"#4a5a6a\""

static const char *proto_fill(int proto) { return proto == PROTO_TCP ? "#3b6ea8" : "#3d8c5a"; }

static void axis(pmap *p, double bottom)
{
    static const long ticks[] = {1,    200,  400,   600,   800,   1024,
                                 2000, 5000, 10000, 20000, 49152, 65535};
    static const char *const seg[] = {"well-known 1-1023", "registered 1024-49151 (log scale)",
                                      "dynamic 49152-65535"};
    static const long seg_lo[] = {1, 1024, 49152, 65536};
    strbuf *b = p->b;
    char t[16];
    for (int s = 0; s < 3; s++) {
        double x0 = port_x(p->plot_x, seg_lo[s]), x1 = port_x(p->plot_x, seg_lo[s + 1]);
        rect(b, x0, TOP - 38, x1 - x0, 14, s % 2 ? "fill=\"#e8edf2\"/>\n" : "fill=\"#f4f6f8\"/>\n");
        text(b, (x0 + x1) / 2, TOP - 27, "text-anchor=\"middle\" " GREY_SMALL, seg[s]);
    }
    for (size_t i = 0; i < sizeof ticks / sizeof *ticks; i++) {
        double x = port_x(p->plot_x, ticks[i] == 65535 ? 65536 : ticks[i]);
        bool edge = ticks[i] == 1024 || ticks[i] == 49152;
        rect(b, x - 0.5, TOP - 4, 1, bottom - TOP + 4,
             edge ? "fill=\"#8a9aaa\"/>\n" : "fill=\"#dde3e9\"/>\n");
        snprintf(t, sizeof t, "%ld", ticks[i]);
        text(b, x, TOP - 8,
             i == 0 ? GREY_SMALL
             : ticks[i] == 65535 ? "text-anchor=\"end\" " GREY_SMALL
                                 : "text-anchor=\"middle\" " GREY_SMALL,
             t);
    }
}

static void ephemeral_shade(pmap *p, double bottom)
{
    const host *h = p->h;
    char t[96];
    if (!h->eph_lo) return;
    range_rect(p, h->eph_lo, h->eph_hi, TOP - 2, bottom - TOP + 2,
               "class=\"ephemeral\" fill=\"#7f8c99\" fill-opacity=\"0.16\">");
    snprintf(t, sizeof t, "ephemeral range %d-%d: outgoing connections take these ports",
             h->eph_lo, h->eph_hi);
    title(p->b, t);
    sb_puts(p->b, "</rect>\n");
}

/* "9000-9020" inside its bar when it fits, else after it when the lane is
 * free there, else nowhere (the <title> still has it). */
static void bar_label(pmap *p, const lane *l, size_t i, double y)
{
    char r[40], t[48];
    const bar *x = &p->bars[i];
    snprintf(t, sizeof t, "%s%s", x->source ? "from " : "", check_range_text(r, x->lo, x->hi));
    double x0 = port_x(p->plot_x, x->lo), x1 = port_x(p->plot_x, x->hi + 1);
    double w = text_w(t, SMALL_PX), next = p->plot_x + PLOT_W + 20;
    if (i + 1 < l->first + l->n) next = port_x(p->plot_x, p->bars[i + 1].lo);
    if (x1 < x0 + MIN_BAR) x1 = x0 + MIN_BAR;
    if (x1 - x0 >= w + 8 && !x->source)
        text(p->b, x0 + 4, y + 12, "font-size=\"10\" fill=\"#ffffff\"", t);
    else if (next - x1 >= w + 8)
        text(p->b, x1 + 3, y + 12, "font-size=\"10\" fill=\"#1f2a35\" class=\"halo\"", t);
}

static void draw_lanes(pmap *p)
{
    strbuf *b = p->b;
    char r[32];
    for (size_t l = 0; l < p->nlanes; l++) {
        const lane *x = &p->lanes[l];
        double y = lane_y(p, l);
        sb_printf(b, "<g class=\"lane %s\">\n", check_proto_name(x->proto));
        sb_printf(&p->d->t, "%s %s", check_proto_name(x->proto), x->name);
        text(b, p->plot_x - 10, y + 12, "text-anchor=\"end\"", sb_text(&p->d->t));
        sb_clear(&p->d->t);
        rect(b, p->plot_x, y, PLOT_W, LANE_H, "fill=\"#000000\" fill-opacity=\"0.025\"/>\n");
        for (size_t i = x->first; i < x->first + x->n; i++) {
            const bar *k = &p->bars[i];
            sb_printf(&p->d->t, "%s %s %s %s", x->name, k->source ? "sends from" : "listens on",
                      check_proto_name(x->proto), check_range_text(r, k->lo, k->hi));
            sb_printf(&p->d->t, "%s%s", x->row->decl->service->desc ? ": " : "",
                      x->row->decl->service->desc ? x->row->decl->service->desc : "");
            char attrs[96];
            if (k->source)
                snprintf(attrs, sizeof attrs,
                         "class=\"source\" fill=\"url(#hatch-%s)\" stroke=\"%s\">",
                         check_proto_name(x->proto), proto_fill(x->proto));
            else
                snprintf(attrs, sizeof attrs, "class=\"listen\" fill=\"%s\">",
                         proto_fill(x->proto));
            range_rect(p, k->lo, k->hi, y, LANE_H, attrs);
            title(b, sb_text(&p->d->t));
            sb_clear(&p->d->t);
            sb_puts(b, "</rect>\n");
        }
        sb_puts(b, "</g>\n");
    }
}

/* One range of a band: a line joining its two lanes, a mark on each, and
 * the range in the band's own lane at y. Widens [*left, *right]. */
static void band_range(pmap *p, const band *x, long lo, long hi, double y, const char *attrs,
                       double *left, double *right)
{
    strbuf *b = p->b;
    int lanes[2] = {x->lane_a, x->lane_b < 0 ? x->lane_a : x->lane_b};
    double x0 = port_x(p->plot_x, lo), x1 = port_x(p->plot_x, hi + 1);
    if (x1 - x0 < MIN_BAND) x0 = (x0 + x1 - MIN_BAND) / 2, x1 = x0 + MIN_BAND;
    if (lanes[0] >= 0 && lanes[1] != lanes[0]) {
        double y0 = lane_y(p, (size_t)lanes[0]) + LANE_H / 2;
        double y1 = lane_y(p, (size_t)lanes[1]) + LANE_H / 2;
        rect(b, x0 + 1, y0 < y1 ? y0 : y1, 1.5, y0 < y1 ? y1 - y0 : y0 - y1, attrs);
        title(b, x->text);
        sb_puts(b, "</rect>\n");
    }
    for (int s = 0; s < 2; s++) {
        if (lanes[s] < 0 || (s == 1 && lanes[1] == lanes[0])) continue;
        span_rect(p, lo, hi, lane_y(p, (size_t)lanes[s]) - 2, LANE_H + 4, MIN_BAND, attrs);
        title(b, x->text);
        sb_puts(b, "</rect>\n");
    }
    span_rect(p, lo, hi, y, LANE_H, MIN_BAND, attrs);
    title(b, x->text);
    sb_puts(b, "</rect>\n");
    if (x0 < *left) *left = x0;
    if (x1 > *right) *right = x1;
}

/* A finding's band: its ranges on its lanes and in its own lane, the check
 * id on the left, what overlaps beside the ranges (on the roomier side). */
static void draw_band(pmap *p, size_t i)
{
    const band *x = &p->bands[i];
    strbuf *b = p->b;
    double y = band_y(p, i), left = p->plot_x + PLOT_W, right = p->plot_x;
    char attrs[160];
    sb_printf(b, "<g class=\"overlap %s%s\">\n", x->check, x->waived ? " waived" : "");
    snprintf(attrs, sizeof attrs, "fill=\"%s\" fill-opacity=\"%s\">", x->fill,
             x->waived ? "0.45" : "0.9");
    for (size_t k = 0; k < (x->v ? x->n : 1); k++)
        band_range(p, x, x->v ? x->v[k].lo : x->lo, x->v ? x->v[k].hi : x->hi, y, attrs, &left,
                   &right);
    snprintf(attrs, sizeof attrs, "text-anchor=\"end\" font-weight=\"bold\" fill=\"%s\"", x->ink);
    sb_printf(&p->d->t, "%s%s", x->check, x->waived ? " (waived)" : "");
    text(b, p->plot_x - 10, y + 12, attrs, sb_text(&p->d->t));
    sb_clear(&p->d->t);
    double end = p->plot_x + PLOT_W;
    bool after = end - right >= text_w(x->text, SMALL_PX) + 6 || end - right > left - p->plot_x;
    text(b, after ? right + 4 : left - 4, y + 12,
         after ? "font-size=\"10\" fill=\"#1f2a35\" class=\"halo\""
               : "text-anchor=\"end\" font-size=\"10\" fill=\"#1f2a35\" class=\"halo\"",
         x->text);
    sb_puts(b, "</g>\n");
}

static void legend(pmap *p, double y, double width)
{
    static const struct { const char *fill, *label; } keys[] = {
        {"#3b6ea8", "tcp listens"}, {"#3d8c5a", "udp listens"},
        {"url(#hatch-udp)", "fixed source ports"},
        {"#7f8c99", "ephemeral range"}, {"#d62728", "bind-conflict"}, {"#f28e2b", "cross-protocol"},
        {"#f2c500", "ephemeral-range"},
    };
    double x = p->plot_x;
    char attrs[96];
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        double w = 16 + text_w(keys[i].label, SMALL_PX);
        if (x + w > width - 12) x = p->plot_x, y += 18;
        snprintf(attrs, sizeof attrs, "fill=\"%s\"%s/>\n", keys[i].fill,
                 i == 3 ? " fill-opacity=\"0.35\"" : "");
        rect(p->b, x, y, 12, 12, attrs);
        text(p->b, x + 16, y + 10, "font-size=\"10\"", keys[i].label);
        x += w + 14;
    }
    text(p->b, p->plot_x, y + 28, "font-size=\"10\" fill=\"#4a5a6a\"",
         "Pale bands are waived findings. Hover a bar or band for its ports and services.");
}

static void head(pmap *p, double width, double height)
{
    strbuf *b = p->b;
    const host *h = p->h;
    char a[2 * ADDR_TEXT], t[96];
    sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- ");
    gen_comment_text(b, gen_banner(p->d->g));
    sb_puts(b, " -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    num(b, width);
    sb_puts(b, "\" height=\"");
    num(b, height);
    sb_puts(b, "\" viewBox=\"0 0 ");
    num(b, width);
    sb_putc(b, ' ');
    num(b, height);
    sb_puts(b, "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" "
               "fill=\"#1f2a35\">\n"
               "<style>.halo { paint-order: stroke; stroke: #ffffff; stroke-width: 3px; "
               "stroke-linejoin: round; }</style>\n<defs>\n");
    for (int proto = PROTO_TCP; proto <= PROTO_UDP; proto <<= 1)
        sb_printf(b, "<pattern id=\"hatch-%s\" width=\"6\" height=\"6\" "
                     "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                     "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
                     "<rect width=\"3\" height=\"6\" fill=\"%s\"/></pattern>\n",
                  check_proto_name(proto), proto_fill(proto));
    sb_puts(b, "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    sb_printf(&p->d->t, "Ports %s binds", h->decl->name);
    text(b, 12, 22, "font-size=\"15\" font-weight=\"bold\"", sb_text(&p->d->t));
    sb_clear(&p->d->t);
    sb_printf(&p->d->t, "%s, site %s", host_addr_text(a, h), h->site->name);
    if (h->os) sb_printf(&p->d->t, ", %s", h->os == OS_WINDOWS ? "Windows" : "Linux");
    if (h->eph_lo) snprintf(t, sizeof t, ", ephemeral ports %d-%d", h->eph_lo, h->eph_hi);
    else snprintf(t, sizeof t, ", ephemeral range unknown (no os)");
    sb_puts(&p->d->t, t);
    sb_printf(&p->d->t, "; %zu service%s, %zu finding%s", p->nlanes, p->nlanes == 1 ? "" : "s",
              p->nbands, p->nbands == 1 ? "" : "s");
    text(b, 12, 40, "fill=\"#4a5a6a\"", sb_text(&p->d->t));
    sb_clear(&p->d->t);
}

void docs_port_map(docs *d, const host *h, strbuf *out)
{
    if (!d->pm) d->pm = portmap_prepare(d->m);
    pmap p = {d, h, out, NULL, 0, NULL, 0, 0, NULL, 0, 0, NULL, 0, 0, {0}, 0, NULL};
    build_lanes(&p, d->pm);
    sort_bars(&p);
    overlap_bands(&p, d->pm, &d->pm->ov[0], CK_BIND_CONFLICT);
    overlap_bands(&p, d->pm, &d->pm->ov[1], CK_CROSS_PROTOCOL);
    ephemeral_bands(&p, d->pm);
    if (p.nlanes + p.nbands > PORTMAP_MAX_ROWS) {
        /* Nobody reads a picture thousands of pixels tall; the tables stay. */
        sb_printf(&d->t, "%zu services and %zu findings: too many rows to draw (limit %d); "
                         "the site page lists them",
                  p.nlanes, p.nbands, PORTMAP_MAX_ROWS);
        p.nlanes = p.nbands = 0;
        p.note = arena_strdup(d->m->mem, sb_text(&d->t));
        sb_clear(&d->t);
    }
    size_t longest = 26;                 /* "ephemeral-range (waived)" */
    for (size_t i = 0; i < p.nlanes; i++)
        if (strlen(p.lanes[i].name) + 4 > longest) longest = strlen(p.lanes[i].name) + 4;
    p.plot_x = 24 + (double)longest * FONT_PX * 0.6;
    double bottom = p.nbands ? band_y(&p, p.nbands - 1) + LANE_PITCH : lanes_end(&p);
    double width = p.plot_x + PLOT_W + 24, height = bottom + 74;
    head(&p, width, height);
    axis(&p, bottom);
    ephemeral_shade(&p, bottom);
    if (!p.nlanes)
        text(out, p.plot_x + 4, TOP + 12, "fill=\"#4a5a6a\"",
             p.note ? p.note : "binds no port of the policy");
    draw_lanes(&p);
    if (p.nbands) text(out, 12, band_y(&p, 0) - 8, "font-weight=\"bold\"", "Findings");
    for (size_t i = 0; i < p.nbands; i++) draw_band(&p, i);
    for (size_t l = 0; l < p.nlanes; l++)
        for (size_t i = p.lanes[l].first; i < p.lanes[l].first + p.lanes[l].n; i++)
            bar_label(&p, &p.lanes[l], i, lane_y(&p, l));
    legend(&p, bottom + 14, width);
    sb_puts(out, "</svg>\n");
    if (d->t.failed) out->failed = true;
}
