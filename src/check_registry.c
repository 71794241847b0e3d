/* check_registry.c: well-known-mismatch and well-known-group, the checks
 * that hold a policy against the registries (registry.h). Takes the flow
 * rows; gives a finding for a service whose name or description names a
 * registered protocol that none of its flows can carry, and for a
 * registered multicast group used with another port, or a group's port
 * used with another group. One pass over the rows each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "registry.h"
#include "xalloc.h"

enum { MAX_MENTIONS = 8, WORD_MAX = 40 };

/* The registered protocols one service names. */
typedef struct {
    registry_protocol p[MAX_MENTIONS];
    char said[MAX_MENTIONS][WORD_MAX];   /* the word as written */
    bool met[MAX_MENTIONS];
    int n;
    bool stray;                          /* a row meets none of the mentions */
    const flow_row *first;               /* its first row, system level first */
    const flow_row *end;                 /* the end of the row table */
} mentions;

static unsigned reg_proto(unsigned proto)
{
    return proto == PROTO_TCP ? REG_TCP : proto == PROTO_UDP ? REG_UDP : 0;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The next word of text from *at: letters and digits, with a hyphen or a
 * dot inside ("WS-Discovery", "H.323"); *gap tells whether only blanks
 * came before it (so it reads as the next word of a phrase). */
static bool next_word(const char **at, const char **w, size_t *len, bool *gap)
{
    const char *s = *at;
    *gap = true;
    while (*s && !word_char(*s)) {
        if (*s != ' ' && *s != '_') *gap = false;
        s++;
    }
    if (!*s) return false;
    *w = s;
    while (word_char(*s) || ((*s == '-' || *s == '.') && word_char(s[1]) && s > *w)) s++;
    *len = (size_t)(s - *w);
    *at = s;
    return true;
}

static void add_mention(mentions *ms, const registry_protocol *p, const char *w, size_t len)
{
    for (int i = 0; i < ms->n; i++)
        if (strcmp(ms->p[i].word, p->word) == 0) return;
    if (ms->n == MAX_MENTIONS) return;
    ms->p[ms->n] = *p;
    snprintf(ms->said[ms->n], WORD_MAX, "%.*s", (int)(len < WORD_MAX ? len : WORD_MAX - 1), w);
    ms->met[ms->n++] = false;
}

/* Every protocol text names, unless the word after it says the service is
 * about the protocol ("PTP Logging"). */
static void scan_text(mentions *ms, const char *text, bool in_name)
{
    const char *at = text, *w, *w2;
    size_t len, len2;
    bool gap, gap2;
    if (!text || !next_word(&at, &w, &len, &gap)) return;
    for (bool more = true; more; w = w2, len = len2) {
        const char *peek = at;
        more = next_word(&peek, &w2, &len2, &gap2);
        registry_protocol p;
        if (registry_protocol_word(w, len, in_name, &p) &&
            !(more && gap2 && registry_qualifier_word(w2, len2)))
            add_mention(ms, &p, w, len);
        at = peek;
    }
}

/* A service name: as a whole first (`ptp_event` is the registry's
 * ptp-event, more precise than its word "ptp"), else word by word. */
static void scan_name(mentions *ms, const char *name)
{
    char dashed[WORD_MAX];
    size_t len = strlen(name);
    registry_protocol p;
    if (len < WORD_MAX && strchr(name, '_')) {
        for (size_t i = 0; i <= len; i++) dashed[i] = name[i] == '_' ? '-' : name[i];
        if (registry_protocol_word(dashed, len, true, &p)) {
            add_mention(ms, &p, name, len);
            return;
        }
    }
    scan_text(ms, name, true);
}

static bool meets(const flow_row *r, const registry_span *s)
{
    if (!(s->protos & reg_proto(r->proto))) return false;
    if (!r->lo && !r->slo) return true;                  /* any port */
    return (r->lo && r->lo <= s->hi && r->hi >= s->lo) ||
           (r->slo && r->slo <= s->hi && r->shi >= s->lo);
}

/* "udp 541" or "udp from 8000-9000" for one row, appended to b. */
static void row_ports(char *b, size_t cap, const flow_row *r)
{
    char p[32];
    size_t n = strlen(b);
    if (r->lo) snprintf(b + n, cap - n, "%s%s %s", n ? ", " : "", check_proto_name(r->proto),
                        check_range_text(p, r->lo, r->hi));
    else snprintf(b + n, cap - n, "%s%s from %s", n ? ", " : "", check_proto_name(r->proto),
                  check_range_text(p, r->slo, r->shi));
}

/* The ports of the first row's instance for this service, at most four. */
static void service_ports(model *m, const flow_row *first, char *b, size_t cap)
{
    int shown = 0;
    const flow_row *seen[5];
    b[0] = '\0';
    for (const flow_row *r = first; r < m->rows + m->nrows; r++) {
        if (r->inst != first->inst) break;               /* rows are instance-major */
        if (r->decl->service != first->decl->service || !reg_proto(r->proto) || r->reverse ||
            (r->flags & (ROW_DYNAMIC | ROW_EPHEMERAL)))
            continue;
        bool repeat = false;                             /* the same ports, other peers */
        for (int k = 0; k < shown && k < 5 && !repeat; k++)
            repeat = seen[k]->proto == r->proto && seen[k]->lo == r->lo && seen[k]->hi == r->hi &&
                     seen[k]->slo == r->slo && seen[k]->shi == r->shi;
        if (repeat) continue;
        if (shown < 5) seen[shown] = r;
        if (shown++ == 4) {
            snprintf(b + strlen(b), cap - strlen(b), ", ...");
            return;
        }
        row_ports(b, cap, r);
    }
}

/* "udp 514 (syslog), tcp/udp 601 (syslog-conn) and tcp 514 by common use" */
static void registry_ports_text(const registry_protocol *p, char *b, size_t cap)
{
    char range[32];
    b[0] = '\0';
    for (int i = 0; i < p->nspans; i++) {
        const registry_span *s = &p->spans[i];
        unsigned tu = s->protos & (REG_TCP | REG_UDP);
        if (!tu) continue;
        size_t n = strlen(b);
        snprintf(b + n, cap - n, "%s%s %s%s%s%s", n ? ", " : "",
                 tu == (REG_TCP | REG_UDP) ? "tcp/udp" : tu == REG_TCP ? "tcp" : "udp",
                 check_range_text(range, s->lo, s->hi), s->name ? " (" : " by common use",
                 s->name ? s->name : "", s->name ? ")" : "");
    }
}

static void report_mention(model *m, const mentions *ms, int k)
{
    char have[160], gives[320];
    service_ports(m, ms->first, have, sizeof have);
    registry_ports_text(&ms->p[k], gives, sizeof gives);
    if (!have[0] || !gives[0]) return;
    const decl *svc = ms->first->decl->service;
    diag *d = diag_report(m->diags, SEV_WARNING, CK_WELL_KNOWN_MISMATCH, ms->first->decl->where,
                          "'%s' on %s: the registry gives %s", ms->said[k], have, gives);
    diag_add_note(m->diags, d, svc->name_loc, "service '%s' names %s here", svc->name,
                  ms->p[k].word);
    check_tag(d, ms->first, NULL, NULL);
}

/* A row on a port registered to a variant of the protocol (`nntps` for
 * NNTP): looked at only for mentions the spans did not meet. */
static bool variant(const mentions *ms, int k)
{
    for (const flow_row *r = ms->first; r < ms->end && r->inst == ms->first->inst; r++) {
        if (r->decl->service != ms->first->decl->service || !reg_proto(r->proto)) continue;
        if ((r->lo && registry_port_named_like(reg_proto(r->proto), r->lo, r->hi, ms->p[k].word)) ||
            (r->slo && registry_port_named_like(reg_proto(r->proto), r->slo, r->shi, ms->p[k].word)))
            return true;
    }
    return false;
}

/* Whether one row is on a port registered to a variant of a mention. */
static bool variant_row(const mentions *ms, const flow_row *r)
{
    for (int k = 0; k < ms->n; k++)
        if ((r->lo && registry_port_named_like(reg_proto(r->proto), r->lo, r->hi, ms->p[k].word)) ||
            (r->slo && registry_port_named_like(reg_proto(r->proto), r->slo, r->shi, ms->p[k].word)))
            return true;
    return false;
}

static void mismatches(model *m)
{
    if (!m->nservices) return;
    mentions **by_svc = xcalloc((size_t)m->nservices, sizeof *by_svc);
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        const decl *svc = r->decl->service;
        /* A port picked at run time is no protocol's registered port. */
        if (!svc || !reg_proto(r->proto) || (r->flags & (ROW_DYNAMIC | ROW_EPHEMERAL)))
            continue;
        mentions **slot = &by_svc[svc->index];
        if (!*slot) {
            *slot = arena_alloc(m->mem, sizeof **slot);
            **slot = (mentions){.n = 0, .first = r, .end = m->rows + m->nrows};
            scan_text(*slot, svc->desc, false);     /* the description's spelling first */
            scan_name(*slot, svc->name);
        }
        mentions *ms = *slot;
        if (ms->first->inst->site && !r->inst->site) ms->first = r;
        bool any = false;
        for (int k = 0; k < ms->n; k++)
            for (int s = 0; s < ms->p[k].nspans; s++)
                if (meets(r, &ms->p[k].spans[s])) ms->met[k] = any = true;
        if (!any && ms->n && !variant_row(ms, r)) ms->stray = true;
    }
    /* A service that names several protocols ("RTSP/TCP and RTSP/HTTP
     * streaming" on 554) is wrong only when one of its ports is none of
     * them: then each protocol no port meets is reported. */
    for (int i = 0; i < m->nservices; i++)
        for (int k = 0; by_svc[i] && by_svc[i]->stray && k < by_svc[i]->n; k++)
            if (!by_svc[i]->met[k] && !variant(by_svc[i], k)) report_mention(m, by_svc[i], k);
    free(by_svc);
}

/* ---- well-known-group ---- */

/* The first address of lo-hi that p uses, or false. A relative group
 * (SAP, SSDP) counts here only at the top of the two scopes RFC 2365
 * names, 239.255.0.0/16 and 239.192.0.0/14: elsewhere in 239/8 a scope's
 * top is the site's choice, and a range may hold x.y.255.250 by chance. */
static bool group_in(const registry_mcast *p, uint32_t lo, uint32_t hi, uint32_t *at)
{
    static const uint32_t tops[] = {0xefffff00u, 0xefc3ff00u};   /* 239.255.255.0, 239.195.255.0 */
    for (int i = 0; i < p->nv4; i++)
        if (p->v4[i].lo <= hi && p->v4[i].hi >= lo) {
            *at = p->v4[i].lo > lo ? p->v4[i].lo : lo;
            return true;
        }
    for (int i = 0; p->relative >= 0 && i < 2; i++) {
        uint32_t c = tops[i] | (255u - (unsigned)p->relative);
        if (c >= lo && c <= hi) {
            *at = c;
            return true;
        }
    }
    return false;
}

/* Some address of lo-hi that p may use: a relative group anywhere in 239/8. */
static bool may_use(const registry_mcast *p, uint32_t lo, uint32_t hi)
{
    uint32_t at;
    if (group_in(p, lo, hi, &at)) return true;
    if (p->relative < 0 || hi < 0xef000000u || lo > 0xefffffffu) return false;
    uint32_t c = (lo & 0xffff0000u) | (0xffffu - (unsigned)p->relative);
    if (c < lo) c += 0x10000;
    return c <= hi && (c >> 24) == 239;
}

static bool port_fits(const registry_mcast *p, const flow_row *r)
{
    return (p->protos & reg_proto(r->proto)) && r->lo <= p->hi && r->hi >= p->lo;
}

/* "mDNS (udp 5353)" or "OSPF (IP protocol 89)" appended to b. */
static void owner_text(char *b, size_t cap, const registry_mcast *p)
{
    char range[32];
    size_t n = strlen(b);
    if (p->protos)
        snprintf(b + n, cap - n, "%s%s (udp %s)", n ? " and " : "", p->name,
                 check_range_text(range, p->lo, p->hi));
    else snprintf(b + n, cap - n, "%s%s (IP protocol %u)", n ? " and " : "", p->name, p->ipproto);
}

/* A group of the registry with a port that is not its own: the lowest
 * registered group of the row's range, with every protocol that uses it. */
static bool wrong_port(model *m, const flow_row *r)
{
    char owners[200] = "", g[ADDR_TEXT], at_text[ADDR_TEXT], p[32];
    uint32_t at, first = 0;
    bool found = false;
    for (size_t i = 0; i < registry_nmcast; i++) {
        const registry_mcast *mp = &registry_mcast_table[i];
        if (!group_in(mp, addr_v4_value(r->dst.lo), addr_v4_value(r->dst.hi), &at)) continue;
        if (port_fits(mp, r)) return true;               /* it is that protocol */
        if (!found || at < first) first = at;
        found = true;
    }
    if (!found) return false;
    for (size_t i = 0; i < registry_nmcast; i++)
        if (registry_mcast_has_group(&registry_mcast_table[i], first))
            owner_text(owners, sizeof owners, &registry_mcast_table[i]);
    addr_text(g, r->dst.lo, r->dst.hi, 32);
    addr_text(at_text, addr_v4(first), addr_v4(first), 32);
    diag *d;
    if (addr_eq(r->dst.lo, r->dst.hi))
        d = diag_report(m->diags, SEV_WARNING, CK_WELL_KNOWN_GROUP, r->dst.ast->where,
                        "group %s belongs to %s, not to %s %s", g, owners,
                        check_proto_name(r->proto), check_range_text(p, r->lo, r->hi));
    else
        d = diag_report(m->diags, SEV_WARNING, CK_WELL_KNOWN_GROUP, r->dst.ast->where,
                        "group range %s holds %s, which belongs to %s, not to %s %s", g,
                        at_text, owners, check_proto_name(r->proto),
                        check_range_text(p, r->lo, r->hi));
    check_tag(d, r, NULL, NULL);
    return true;
}

/* "224.0.0.251" or "224.2.127.254-224.2.127.255, 239.x.255.255 (the top
 * of an administrative scope)": the groups of p. */
static void groups_text(char *b, size_t cap, const registry_mcast *p)
{
    char g[ADDR_TEXT];
    b[0] = '\0';
    for (int i = 0; i < p->nv4; i++) {
        size_t n = strlen(b);
        snprintf(b + n, cap - n, "%s%s", n ? ", " : "", addr_text(g, addr_v4(p->v4[i].lo),
                                                              addr_v4(p->v4[i].hi), 32));
    }
    if (p->relative >= 0) {
        size_t n = strlen(b);
        snprintf(b + n, cap - n, "%s239.x.255.%d in its administrative scope", n ? ", " : "",
                 255 - p->relative);
    }
}

/* A port of a group protocol, all of the row's ports, used with a group
 * that is not that protocol's. */
static void wrong_group(model *m, const flow_row *r)
{
    for (size_t i = 0; i < registry_nmcast; i++) {
        const registry_mcast *mp = &registry_mcast_table[i];
        if (!mp->nv4 || !(mp->protos & reg_proto(r->proto)) || r->lo < mp->lo || r->hi > mp->hi ||
            may_use(mp, addr_v4_value(r->dst.lo), addr_v4_value(r->dst.hi)))
            continue;
        char g[ADDR_TEXT], own[200], p[32];
        addr_text(g, r->dst.lo, r->dst.hi, 32);
        groups_text(own, sizeof own, mp);
        diag *d = diag_report(m->diags, SEV_WARNING, CK_WELL_KNOWN_GROUP, r->dst.ast->where,
                              "%s %s is %s's port, but %s %s is not %s's (%s)",
                              check_proto_name(r->proto), check_range_text(p, r->lo, r->hi),
                              mp->name, addr_eq(r->dst.lo, r->dst.hi) ? "group" : "group range", g,
                              mp->name, own);
        check_tag(d, r, NULL, NULL);
        return;
    }
}

/* Rows of several instances repeat one flow: each (flow, group, ports)
 * is looked at once, system level first. */
static int row_order(const void *pa, const void *pb)
{
    const flow_row *a = *(const flow_row *const *)pa, *b = *(const flow_row *const *)pb;
    if (a->decl != b->decl) return a->decl->where.src->index != b->decl->where.src->index
                                       ? (a->decl->where.src->index < b->decl->where.src->index ? -1 : 1)
                                       : (loc_line(a->decl->where) < loc_line(b->decl->where) ? -1 : 1);
    if (a->dst.ast != b->dst.ast)
        return loc_col(a->dst.ast->where) < loc_col(b->dst.ast->where) ? -1 : 1;
    int c = addr_cmp(a->dst.lo, b->dst.lo);
    if (c) return c;
    if ((c = addr_cmp(a->dst.hi, b->dst.hi))) return c;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    if ((a->inst->site != NULL) != (b->inst->site != NULL)) return a->inst->site ? 1 : -1;
    return a < b ? -1 : a > b;
}

static bool same_use(const flow_row *a, const flow_row *b)
{
    return a->decl == b->decl && a->dst.ast == b->dst.ast && addr_eq(a->dst.lo, b->dst.lo) &&
           addr_eq(a->dst.hi, b->dst.hi) && a->proto == b->proto && a->lo == b->lo && a->hi == b->hi;
}

/* A row to a group on given ports: what well-known-group looks at (IPv4
 * groups: the registry's IPv6 groups are text for messages only). */
static bool to_group(const flow_row *r)
{
    return r->dst.kind == EP_GROUP && !addr_is_v6(r->dst.lo) && r->lo && reg_proto(r->proto);
}

static void groups(model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++) n += to_group(&m->rows[i]);
    const flow_row **v = xmalloc_array(n + 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (to_group(&m->rows[i])) v[n++] = &m->rows[i];
    qsort(v, n, sizeof *v, row_order);
    for (size_t i = 0; i < n; i++)
        if (!(i && same_use(v[i - 1], v[i])) && !wrong_port(m, v[i])) wrong_group(m, v[i]);
    free(v);
}

void check_registry(model *m, const check_options *o)
{
    if (o->enabled[CK_WELL_KNOWN_MISMATCH]) mismatches(m);
    if (o->enabled[CK_WELL_KNOWN_GROUP]) groups(m);
}
