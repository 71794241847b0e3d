/* gen_c.c: `berth gen c`. Takes the checked model; gives NAME.h and NAME.c:
 * constants for port parameters and groups, const tables of services and
 * flows sorted for lookup, and lookups: the services owning a port through
 * a direct index per protocol (O(1)), the flows a role listens on and the
 * services admitting an IP protocol (O(log n)). The index and other tables
 * of numbers are written as string literals, which compilers read far
 * faster than initializer lists (emit_table). C99, usable from C++, no
 * mutable state; every string passes through c_string(), the one C escaper. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "gen.h"
#include "xalloc.h"

/* The flags column: what the numbers of a flow are (macros in the header). */
enum {
    CF_DYNAMIC = 1, CF_OPEN = 2, CF_EPHEMERAL = 4, CF_EVEN = 8, CF_ODD = 16, CF_SHARED = 32,
    CF_SRC_DYNAMIC = 64, CF_SRC_EPHEMERAL = 128, CF_SRC_EVEN = 256, CF_SRC_ODD = 512,
};

typedef struct {
    const instance *inst;
    const decl *svc;
} service_key;

/* A selected row with what the table prints of it, computed once. */
typedef struct {
    const flow_row *r;
    size_t svc;
    const char *src, *dst;
} crow;

typedef struct {
    int proto, type;             /* type -1: every type (or not ICMP) */
    size_t svc;
} ip_owner;

typedef struct {
    gen_ctx *g;
    strbuf *h, *c;
    const char *P, *U;           /* prefix as given, and upper-cased */
    service_key *svcs;
    size_t nsvcs;
    crow *rows;                  /* selected rows, in table order */
    size_t nrows;
    names macros;                /* emitted macro names, for uniqueness */
    names next_suffix;           /* per taken name: the first _N not yet tried */
    ip_owner *ip;                /* services admitting a protocol without ports */
    size_t nip;
} cgen;

/* ---- escaping and names ---- */

/* A C string literal that no text can break: quotes and backslashes
 * escaped, '?' escaped against trigraphs, everything outside printable
 * ASCII as a 3-digit octal escape (never ambiguous with what follows). */
static void c_string(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?') sb_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f) sb_printf(b, "\\%03o", *p);
        else sb_putc(b, (char)*p);
    }
    sb_putc(b, '"');
}

/* Text inside a C block comment that no text can end or change: "*" "/"
 * and "/" "*" are split by a backslash, as is "??" (a trigraph, "??" and "/",
 * is read before comments are); a stray newline becomes a space (the
 * banner has none: it shows control characters as escapes). */
static void c_comment(strbuf *b, const char *s)
{
    for (; *s; s++) {
        sb_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
        if ((*s == '*' && s[1] == '/') || (*s == '/' && s[1] == '*') || (*s == '?' && s[1] == '?'))
            sb_putc(b, '\\');
    }
}

/* Keep NAME as emitted, or NAME_2, NAME_3... when it is taken. */
/* Keep NAME as emitted, or NAME_2, NAME_3... when it is taken. Names are
 * never released, so the search for NAME resumes where the last one ended:
 * eight thousand groups of one name cost eight thousand tries, not 32M. */
static const char *unique_name(cgen *cg, const char *name)
{
    char unique[320];
    snprintf(unique, sizeof unique, "%.300s", name);
    arena *mem = cg->g->m->mem;
    if (names_get(&cg->macros, unique)) {
        uintptr_t *next = names_get(&cg->next_suffix, unique);
        if (!next) {
            next = arena_alloc(mem, sizeof *next);
            *next = 2;
            names_put(mem, &cg->next_suffix, arena_strdup(mem, unique), next);
        }
        do snprintf(unique, sizeof unique, "%.300s_%lu", name, (unsigned long)(*next)++);
        while (names_get(&cg->macros, unique));
    }
    const char *kept = arena_strdup(mem, unique);
    names_put(mem, &cg->macros, kept, (void *)kept);
    return kept;
}

/* An upper-case macro name from parts, unique among those emitted. */
static const char *macro_name(cgen *cg, const char *a, const char *b, const char *suffix)
{
    char raw[256];
    snprintf(raw, sizeof raw, "%s_%s_%s%s%s", cg->U, a, b, suffix[0] ? "_" : "", suffix);
    for (char *p = raw; *p; p++)
        *p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32)
           : ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p : '_';
    return unique_name(cg, raw);
}

/* BASE_SUFFIX, made unique like every other emitted name. */
static const char *derived_name(cgen *cg, const char *base, const char *suffix)
{
    char name[300];
    snprintf(name, sizeof name, "%.280s_%s", base, suffix);
    return unique_name(cg, name);
}

static const char *qualified(arena *a, const char *x, const char *y)
{
    size_t n = strlen(x) + strlen(y) + 2;
    char *s = arena_alloc(a, n);
    snprintf(s, n, "%s.%s", x, y);
    return s;
}

static const char *zone_text(arena *a, const char *name)
{
    size_t n = strlen(name) + sizeof "zone ";
    char *s = arena_alloc(a, n);
    snprintf(s, n, "zone %s", name);
    return s;
}

/* "igloo.media_server", "any", "224.0.0.251", "zone igloo.outside". A role
 * or zone of the flow's own system is named with the flow's instance; one of
 * another system with that system (`igloo.tablet` written in dante). */
static const char *end_text(arena *a, const flow_row *r, const flow_end *e)
{
    char buf[ADDR_TEXT];
    const char *owner;
    switch (e->kind) {
    case EP_NAME:
        owner = e->target->system == r->inst->sys ? r->inst->name : e->target->system->name;
        if (e->target->kind != D_ZONE) return qualified(a, owner, e->target->name);
        return zone_text(a, qualified(a, owner, e->target->name));
    case EP_ANY: return "any";
    default:
        addr_text(buf, e->lo, e->hi, e->prefix);
        return arena_strdup(a, buf);
    }
}

/* ---- selection and order ---- */

static int svc_cmp(const void *pa, const void *pb)
{
    const service_key *a = pa, *b = pb;
    int c = strcmp(a->inst->sys->name, b->inst->sys->name);
    if (!c) c = strcmp(a->inst->name, b->inst->name);
    return c ? c : strcmp(a->svc->name, b->svc->name);
}

/* Lookup order: protocol, range, service, then the sides as text. */
static int crow_cmp(const void *pa, const void *pb)
{
    const crow *a = pa, *b = pb;
    if (a->r->proto != b->r->proto) return a->r->proto < b->r->proto ? -1 : 1;
    if (a->r->ipproto != b->r->ipproto) return a->r->ipproto < b->r->ipproto ? -1 : 1;
    if (a->r->icmp_type != b->r->icmp_type) return a->r->icmp_type < b->r->icmp_type ? -1 : 1;
    if (a->r->lo != b->r->lo) return a->r->lo < b->r->lo ? -1 : 1;
    if (a->r->hi != b->r->hi) return a->r->hi < b->r->hi ? -1 : 1;
    if (a->svc != b->svc) return a->svc < b->svc ? -1 : 1;
    if (a->r->slo != b->r->slo) return a->r->slo < b->r->slo ? -1 : 1;
    if (a->r->shi != b->r->shi) return a->r->shi < b->r->shi ? -1 : 1;
    int c = strcmp(a->src, b->src);
    return c ? c : strcmp(a->dst, b->dst);
}

static void select_rows(cgen *cg)
{
    const model *m = cg->g->m;
    cg->rows = arena_alloc(m->mem, (m->nrows + 1) * sizeof *cg->rows);
    cg->svcs = arena_alloc(m->mem, (m->nrows + 1) * sizeof *cg->svcs);
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        if (!gen_row_selected(cg->g, r)) continue;
        cg->rows[cg->nrows++] = (crow){r, 0, end_text(m->mem, r, &r->src),
                                       end_text(m->mem, r, &r->dst)};
        cg->svcs[cg->nsvcs++] = (service_key){r->inst, r->decl->service};
    }
    if (cg->nsvcs > 1) qsort(cg->svcs, cg->nsvcs, sizeof *cg->svcs, svc_cmp);
    size_t w = 0;
    for (size_t i = 0; i < cg->nsvcs; i++)
        if (!w || svc_cmp(&cg->svcs[w - 1], &cg->svcs[i]) != 0) cg->svcs[w++] = cg->svcs[i];
    cg->nsvcs = w;
    for (size_t i = 0; i < cg->nrows; i++) {
        service_key k = {cg->rows[i].r->inst, cg->rows[i].r->decl->service};
        const service_key *hit = bsearch(&k, cg->svcs, cg->nsvcs, sizeof k, svc_cmp);
        cg->rows[i].svc = (size_t)(hit - cg->svcs);
    }
    if (cg->nrows > 1) qsort(cg->rows, cg->nrows, sizeof *cg->rows, crow_cmp);
}

/* ---- port ownership: a direct index per protocol ---- */

/* Runs of numbers, each kept once: adding a run gives the id of an equal
 * run added before, or the next id. Owner sets (runs of service indexes)
 * and index blocks (runs of set ids) are shared this way. Ids follow the
 * order of first addition, so the tables do not depend on the hash. */
typedef struct {
    size_t *v, nv, vcap;         /* the runs, back to back */
    size_t *first, n, firstcap;  /* run k is v[first[k]] .. v[first[k + 1] - 1] */
    size_t *slot, nslot;         /* open addressing: a run's id + 1, or 0 */
} runs;

static size_t run_slot(const runs *r, const size_t *x, size_t n)
{
    size_t mask = r->nslot - 1;
    size_t h = (size_t)bytes_hash(TEXT_HASH_SEED, x, n * sizeof *x) & mask;
    for (;; h = (h + 1) & mask) {
        size_t id = r->slot[h];
        if (!id--) return h;
        if (r->first[id + 1] - r->first[id] == n &&
            (!n || !memcmp(r->v + r->first[id], x, n * sizeof *x)))
            return h;
    }
}

static void runs_init(runs *r)
{
    *r = (runs){.vcap = 1024, .firstcap = 1024, .nslot = 2048};
    r->v = xmalloc_array(r->vcap, sizeof *r->v);
    r->first = xmalloc_array(r->firstcap, sizeof *r->first);
    r->slot = xcalloc(r->nslot, sizeof *r->slot);
    r->first[0] = 0;
}

static void runs_free(runs *r)
{
    free(r->v);
    free(r->first);
    free(r->slot);
}

static size_t runs_add(runs *r, const size_t *x, size_t n)
{
    size_t h = run_slot(r, x, n);
    if (r->slot[h]) return r->slot[h] - 1;
    if (r->nv + n > r->vcap) {
        while (r->nv + n > r->vcap) r->vcap *= 2;
        r->v = xrealloc_array(r->v, r->vcap, sizeof *r->v);
    }
    if (r->n + 2 > r->firstcap) r->first = xrealloc_array(r->first, r->firstcap *= 2, sizeof *r->first);
    if (n) memcpy(r->v + r->nv, x, n * sizeof *x);
    r->nv += n;
    r->first[++r->n] = r->nv;
    r->slot[h] = r->n;
    if (2 * r->n > r->nslot) {   /* keep the table at most half full */
        free(r->slot);
        r->slot = xcalloc(r->nslot *= 2, sizeof *r->slot);
        for (size_t k = 0; k < r->n; k++)
            r->slot[run_slot(r, r->v + r->first[k], r->first[k + 1] - r->first[k])] = k + 1;
    }
    return r->n - 1;
}

/* The index: port N of the protocol with index T (0 tcp, 1 udp) has its
 * owner set at sets.v[blocks.v[top[T * 256 + N / 256] * 256 + N % 256]]:
 * there its count, then its services, ascending. Three lookups, whatever
 * the policy, and the set is one run of memory. The set at 0 is empty;
 * equal blocks of 256 ports and equal sets are stored once (a sparse
 * policy needs few blocks). */
enum { PORT_PROTOS = 2, PORT_BLOCK = 256, PORT_BLOCKS = 65536 / PORT_BLOCK };

typedef struct {
    size_t top[PORT_PROTOS * PORT_BLOCKS];   /* block id per protocol and high byte */
    runs blocks;                 /* per block, the set id of each of its 256 ports */
    runs sets;                   /* per set, its count and its services */
} ownership;

typedef struct {
    int proto;
    long at;                     /* a boundary: a range starts here or ends before */
    size_t svc;
    int delta;
} event;

static int event_cmp(const void *pa, const void *pb)
{
    const event *a = pa, *b = pb;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return (a->svc > b->svc) - (a->svc < b->svc);
}

static int size_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

/* Sweep the range starts and ends per protocol; between two boundaries
 * the owner set is constant: its ports get the set's id. The active
 * services are kept in a list (swap-remove), so the work is in proportion
 * to the tables written, not to ports times services. */
static void build_ownership(cgen *cg, ownership *o)
{
    event *ev = xmalloc_array(2 * cg->nrows + 1, sizeof *ev);
    size_t *count = xcalloc(cg->nsvcs + 1, sizeof *count);
    size_t *act = xmalloc_array(cg->nsvcs + 1, sizeof *act);
    size_t *pos = xmalloc_array(cg->nsvcs + 1, sizeof *pos);
    size_t *sorted = xmalloc_array(cg->nsvcs + 2, sizeof *sorted);
    size_t *port_set = xcalloc((size_t)PORT_PROTOS * 65536, sizeof *port_set);
    size_t n = 0, nact = 0;
    size_t cap = 2 * cg->nrows + 1;
    for (size_t i = 0; i < cg->nrows; i++) {
        const flow_row *r = cg->rows[i].r;
        /* The OS's ephemeral range is no service's to own. */
        if (!r->lo || (r->flags & ROW_EPHEMERAL)) continue;
        /* An even or odd range owns its own ports only: one segment each. */
        unsigned step = r->stride ? 2 : 1, last = r->stride ? r->hi : r->lo;
        for (unsigned p = r->lo; p <= last; p += step) {
            if (n + 2 > cap) ev = xrealloc_array(ev, cap *= 2, sizeof *ev);
            unsigned hi = r->stride ? p : r->hi;
            ev[n++] = (event){r->proto, (long)p, cg->rows[i].svc, +1};
            ev[n++] = (event){r->proto, (long)hi + 1, cg->rows[i].svc, -1};
        }
    }
    if (n > 1) qsort(ev, n, sizeof *ev, event_cmp);
    runs_init(&o->sets);
    runs_init(&o->blocks);
    runs_add(&o->sets, (size_t[]){0}, 1);        /* the set at 0: no owner */
    for (size_t i = 0; i < n;) {
        int proto = ev[i].proto;
        long at = ev[i].at;
        for (; i < n && ev[i].proto == proto && ev[i].at == at; i++) {
            size_t k = ev[i].svc;
            if (ev[i].delta > 0 && count[k]++ == 0) pos[k] = nact, act[nact++] = k;
            if (ev[i].delta < 0 && --count[k] == 0) {
                act[pos[k]] = act[--nact];
                pos[act[pos[k]]] = pos[k];
            }
        }
        if (!nact || i == n || ev[i].proto != proto) continue;
        sorted[0] = nact;
        memcpy(sorted + 1, act, nact * sizeof *act);
        qsort(sorted + 1, nact, sizeof *sorted, size_cmp);
        size_t id = runs_add(&o->sets, sorted, nact + 1);   /* may move sets.first */
        size_t set = o->sets.first[id];
        size_t *ps = port_set + (proto == PROTO_TCP ? 0 : 65536);
        for (long p = at; p < ev[i].at; p++) ps[p] = set;
    }
    for (size_t b = 0; b < PORT_PROTOS * PORT_BLOCKS; b++)
        o->top[b] = runs_add(&o->blocks, port_set + b * PORT_BLOCK, PORT_BLOCK);
    free(ev);
    free(count);
    free(act);
    free(pos);
    free(sorted);
    free(port_set);
}

/* ---- role listening index ---- */

typedef struct {
    const char *role;            /* "instance.role" */
    size_t flow;                 /* index into the flow table */
} listen_entry;

static int listen_cmp(const void *pa, const void *pb)
{
    const listen_entry *a = pa, *b = pb;
    int c = strcmp(a->role, b->role);
    return c ? c : (a->flow > b->flow) - (a->flow < b->flow);
}

static listen_entry *build_listens(cgen *cg, size_t *n)
{
    listen_entry *v = arena_alloc(cg->g->m->mem, (cg->nrows + 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < cg->nrows; i++) {
        const flow_row *r = cg->rows[i].r;
        if (r->lo && r->dst.kind == EP_NAME && r->dst.target->kind == D_ROLE)
            v[(*n)++] = (listen_entry){cg->rows[i].dst, i};
    }
    if (*n > 1) qsort(v, *n, sizeof *v, listen_cmp);
    return v;
}

/* ---- IP protocols without ports ---- */

/* Flows of protocols without ports (icmp, esp, vrrp, `proto N`) sit in the
 * flow table with their protocol number and no ports. A policy that has
 * some also gets a table per flow of ICMP types and a lookup of the
 * services admitting a protocol (and type); one without keeps its files
 * exactly as before. */
static int ip_owner_cmp(const void *pa, const void *pb)
{
    const ip_owner *a = pa, *b = pb;
    if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    return (a->svc > b->svc) - (a->svc < b->svc);
}

/* Sorted (protocol, type, service), each once. */
static void build_ip_owners(cgen *cg)
{
    cg->ip = arena_alloc(cg->g->m->mem, (cg->nrows + 1) * sizeof *cg->ip);
    for (size_t i = 0; i < cg->nrows; i++) {
        const flow_row *r = cg->rows[i].r;
        if (!row_has_ports(r))
            cg->ip[cg->nip++] = (ip_owner){r->ipproto, r->icmp_type, cg->rows[i].svc};
    }
    if (cg->nip > 1) qsort(cg->ip, cg->nip, sizeof *cg->ip, ip_owner_cmp);
    size_t w = 0;
    for (size_t i = 0; i < cg->nip; i++)
        if (!w || ip_owner_cmp(&cg->ip[w - 1], &cg->ip[i]) != 0) cg->ip[w++] = cg->ip[i];
    cg->nip = w;
}

static void emit_ip_header(cgen *cg)
{
    const char *P = cg->P, *U = cg->U;
    sb_printf(cg->h,
              "/* IP protocols without ports (ICMP, IGMP, ESP, VRRP, ...) are in %s_flows\n"
              " * with their IP protocol number as proto and lo = hi = 0. */\n"
              "#define %s_IP_PROTOCOLS 1\n#define %s_ICMP 1\n#define %s_ICMPV6 58\n\n"
              "/* The ICMP type of each flow, parallel to %s_flows: -1 for every type,\n"
              " * and for flows that are not ICMP. */\n"
              "extern const short %s_flow_icmp_types[];\n\n"
              "/* The services that admit IP protocol PROTO (ICMP: of type TYPE, -1 for\n"
              " * any; other protocols: TYPE -1): returns how many there are and stores\n"
              " * up to MAX of them in OUT. O(log n + owners). */\n"
              "size_t %s_protocol_owners(int proto, int type, const %s_service **out, "
              "size_t max);\n\n",
              P, U, U, U, P, P, P, P);
}

static void emit_ip_types(cgen *cg)
{
    sb_printf(cg->c, "\n/* ICMP types per flow, parallel to %s_flows (-1: any, or not ICMP). */\n"
                     "const short %s_flow_icmp_types[] = {", cg->P, cg->P);
    for (size_t i = 0; i < cg->nrows; i++)
        sb_printf(cg->c, "%s%d", i == 0 ? "\n    " : i % 16 ? ", " : ",\n    ",
                  cg->rows[i].r->icmp_type);
    sb_puts(cg->c, cg->nrows ? "\n};\n\n" : "\n    -1\n};\n\n");
}

static void emit_ip_source(cgen *cg)
{
    const char *P = cg->P;
    emit_ip_types(cg);
    sb_printf(cg->c, "/* (protocol, ICMP type or -1, service), sorted. */\n"
                     "typedef struct { unsigned char proto; short type; size_t service; } "
                     "%s_ip_owner_;\nstatic const %s_ip_owner_ %s_ip_owners_[] = {\n", P, P, P);
    for (size_t i = 0; i < cg->nip; i++)
        sb_printf(cg->c, "    {%d, %d, %zu},\n", cg->ip[i].proto, cg->ip[i].type, cg->ip[i].svc);
    sb_printf(cg->c,
              "};\nstatic const size_t %s_ip_owner_count_ = %zu;\n\n"
              "/* The first entry at or after (proto, type). */\n"
              "static size_t %s_ip_first_(int proto, int type)\n"
              "{\n    size_t lo = 0, hi = %s_ip_owner_count_;\n    while (lo < hi) {\n"
              "        size_t mid = lo + (hi - lo) / 2;\n"
              "        const %s_ip_owner_ *e = &%s_ip_owners_[mid];\n"
              "        if (e->proto < proto || (e->proto == proto && e->type < type)) lo = mid + 1;\n"
              "        else hi = mid;\n    }\n    return lo;\n}\n\n",
              P, cg->nip, P, P, P, P);
    sb_printf(cg->c,
              "/* Owners of every type first, then those of TYPE not already named. */\n"
              "size_t %s_protocol_owners(int proto, int type, const %s_service **out, size_t max)\n"
              "{\n    size_t n = 0, any = %s_ip_first_(proto, -1), end = any;\n"
              "    for (; end < %s_ip_owner_count_ && %s_ip_owners_[end].proto == proto &&\n"
              "           %s_ip_owners_[end].type == -1; end++, n++)\n"
              "        if (n < max) out[n] = &%s_services[%s_ip_owners_[end].service];\n"
              "    if (type < 0) return n;\n"
              "    for (size_t i = %s_ip_first_(proto, type); i < %s_ip_owner_count_ &&\n"
              "         %s_ip_owners_[i].proto == proto && %s_ip_owners_[i].type == type; i++) {\n"
              "        size_t k = any;\n"
              "        while (k < end && %s_ip_owners_[k].service != %s_ip_owners_[i].service) k++;\n"
              "        if (k < end) continue;\n"
              "        if (n < max) out[n] = &%s_services[%s_ip_owners_[i].service];\n"
              "        n++;\n    }\n    return n;\n}\n",
              P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P);
}

/* ---- the header ---- */

/* An address as text and as a number: IPv4 as a host-order 0x...u
 * (NAME_ADDR), IPv6 as the 16 network-order bytes of an initializer
 * (NAME_ADDR6, for `unsigned char a[16] = NAME_ADDR6;` or s6_addr). */
static void emit_addr(cgen *cg, const char *name, addr x)
{
    char a[ADDR_TEXT];
    addr_str(a, x);
    if (!addr_is_v6(x)) {
        sb_printf(cg->h, "#define %s \"%s\"\n#define %s 0x%08Xu\n", name, a,
                  derived_name(cg, name, "ADDR"), addr_v4_value(x));
        return;
    }
    uint8_t b[16];
    addr_bytes(x, b);
    sb_printf(cg->h, "#define %s \"%s\"\n#define %s {", name, a, derived_name(cg, name, "ADDR6"));
    for (int i = 0; i < 16; i++) sb_printf(cg->h, "%s0x%02x", i ? ", " : " ", b[i]);
    sb_puts(cg->h, " }\n");
}

static void emit_value(cgen *cg, const char *name, const value *v)
{
    if (v->kind == V_ADDR) {
        if (addr_eq(v->alo, v->ahi)) {
            emit_addr(cg, name, v->alo);
            return;
        }
        emit_addr(cg, derived_name(cg, name, "FIRST"), v->alo);
        emit_addr(cg, derived_name(cg, name, "LAST"), v->ahi);
        return;
    }
    if (v->lo == v->hi) {
        sb_printf(cg->h, "#define %s %lld\n", name, (long long)v->lo);
        return;
    }
    sb_printf(cg->h, "#define %s %lld\n", derived_name(cg, name, "FIRST"), (long long)v->lo);
    sb_printf(cg->h, "#define %s %lld\n", derived_name(cg, name, "LAST"), (long long)v->hi);
}

static void emit_constants(cgen *cg)
{
    const model *m = cg->g->m;
    sb_puts(cg->h, "\n/* Parameters and pools of each instance, as deployed: numbers as\n"
                   " * numbers, addresses as dotted quads with _ADDR numbers, pools as\n"
                   " * their first and last values. A parameter without a value is left out. */\n");
    for (size_t i = 0; i < m->ninstances; i++) {
        const instance *in = m->instances[i];
        bool wanted = cg->g->site ? in->site && strcmp(in->site->name, cg->g->site) == 0
                                  : in->site == NULL;
        if (!wanted) continue;
        for (const decl *p = in->sys->decls; p; p = p->next) {
            const value *v = p->kind == D_PARAM || p->kind == D_POOL ? inst_param(in, p) : NULL;
            if (v) emit_value(cg, macro_name(cg, in->name, p->name, ""), v);
        }
    }
    sb_puts(cg->h, "\n/* Multicast groups, as dotted quads and as host-order numbers. */\n");
    for (size_t i = 0; i < cg->nrows; i++) {
        const flow_row *r = cg->rows[i].r;
        if (r->dst.kind != EP_GROUP || r->reverse) continue;
        char key[2 * ADDR_TEXT];
        addr_text(key, r->dst.lo, r->dst.hi, addr_bits(r->dst.lo));
        const char *svc = qualified(m->mem, r->inst->name, r->decl->service->name);
        const char *seen_key = qualified(m->mem, svc, key);
        if (names_get(&cg->macros, seen_key)) continue;
        names_put(m->mem, &cg->macros, seen_key, (void *)seen_key);
        const char *base = macro_name(cg, r->inst->name, r->decl->service->name, "GROUP");
        emit_addr(cg, base, r->dst.lo);
        if (!addr_eq(r->dst.hi, r->dst.lo))
            emit_addr(cg, derived_name(cg, base, "LAST"), r->dst.hi);
    }
}

/* The type of berth_flow.service: the smaller of unsigned short and
 * uint32_t that holds every service index. Policies within 65,535 services
 * keep the unsigned short they always had. (The lookup tables in the .c
 * pick their own widths: emit_table.) */
static const char *service_index_type(const cgen *cg)
{
    return cg->nsvcs <= 65535 ? "unsigned short" : "uint32_t";
}

/* PREFIX_NAME_H: a user's own name.h keeps its guard. */
static const char *guard_name(cgen *cg) { return macro_name(cg, cg->g->name, "H", ""); }

/* The fixed macros, taken before any parameter or group is named, so a
 * `param version` of system `api` becomes PREFIX_API_VERSION_2. */
static void reserve_fixed(cgen *cg)
{
    static const char *const fixed[] = {
        "API_VERSION", "POLICY_HASH", "TCP", "UDP", "IP_PROTOCOLS", "ICMP", "ICMPV6",
        "FLOW_DYNAMIC", "FLOW_OPEN", "FLOW_EPHEMERAL", "FLOW_EVEN", "FLOW_ODD", "FLOW_SHARED",
        "FLOW_SRC_DYNAMIC", "FLOW_SRC_EPHEMERAL", "FLOW_SRC_EVEN", "FLOW_SRC_ODD"};
    char name[300];
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        snprintf(name, sizeof name, "%.250s_%s", cg->U, fixed[i]);
        const char *kept = arena_strdup(cg->g->m->mem, name);
        names_put(cg->g->m->mem, &cg->macros, kept, (void *)kept);
    }
}

static void emit_header(cgen *cg, uint64_t hash)
{
    const char *P = cg->P, *U = cg->U, *guard = guard_name(cg);
    reserve_fixed(cg);
    sb_puts(cg->h, "/* ");
    c_comment(cg->h, gen_banner(cg->g));
    sb_puts(cg->h, " */\n");
    const char *index = service_index_type(cg);
    sb_printf(cg->h, "#ifndef %s\n#define %s\n\n#include <stddef.h>\n%s\n", guard, guard,
              strcmp(index, "uint32_t") == 0 ? "#include <stdint.h>\n" : "");
    sb_puts(cg->h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    sb_printf(cg->h, "/* Version of this generated interface, and a hash of the policy it "
                     "describes. */\n#define %s_API_VERSION 2\n#define %s_POLICY_HASH "
                     "\"fnv1a64:%016llx\"\n\n",
              U, U, (unsigned long long)hash);
    sb_printf(cg->h, "#define %s_TCP 6\n#define %s_UDP 17\n", U, U);
    emit_constants(cg);
    sb_printf(cg->h,
              "\n/* A service: a named group of flows of one system (instance). */\n"
              "typedef struct %s_service {\n    const char *system;\n    const char *name;\n"
              "    const char *description;\n    const char *instance;\n} %s_service;\n\n"
              "/* One flow: protocol, destination range (0-0: any), fixed source range\n"
              " * (0-0: any), owning service, its two sides, and flags (%s_FLOW_*):\n"
              " * an EVEN or ODD range holds only those ports of lo-hi; DYNAMIC ports are\n"
              " * picked at run time inside it; OPEN is `N up` (lo to 65535); EPHEMERAL is\n"
              " * the OS's ephemeral range (lo-hi as resolved for the policy); SHARED\n"
              " * listeners co-bind by design. SRC_ flags say the same of src_lo-src_hi. */\n"
              "typedef struct %s_flow {\n    unsigned char proto;\n    unsigned short lo, hi;\n"
              "    unsigned short src_lo, src_hi;\n    %s service;\n"
              "    const char *source;\n    const char *endpoint;\n    unsigned char local;\n"
              "    unsigned short flags;\n} %s_flow;\n\n",
              P, P, U, P, index, P);
    sb_printf(cg->h,
              "#define %s_FLOW_DYNAMIC %d\n#define %s_FLOW_OPEN %d\n#define %s_FLOW_EPHEMERAL %d\n"
              "#define %s_FLOW_EVEN %d\n#define %s_FLOW_ODD %d\n#define %s_FLOW_SHARED %d\n"
              "#define %s_FLOW_SRC_DYNAMIC %d\n#define %s_FLOW_SRC_EPHEMERAL %d\n"
              "#define %s_FLOW_SRC_EVEN %d\n#define %s_FLOW_SRC_ODD %d\n\n",
              U, CF_DYNAMIC, U, CF_OPEN, U, CF_EPHEMERAL, U, CF_EVEN, U, CF_ODD, U, CF_SHARED,
              U, CF_SRC_DYNAMIC, U, CF_SRC_EPHEMERAL, U, CF_SRC_EVEN, U, CF_SRC_ODD);
    sb_printf(cg->h,
              "extern const %s_service %s_services[];\nextern const size_t %s_service_count;\n"
              "extern const %s_flow %s_flows[];\nextern const size_t %s_flow_count;\n\n"
              "/* The services that listen on PORT of PROTO (%s_TCP or %s_UDP): returns\n"
              " * how many there are and stores up to MAX of them in OUT, in the order of\n"
              " * %s_services. O(1): a direct index per protocol, then one copy per\n"
              " * service stored; with MAX 0 (OUT may be NULL) it only counts. */\n"
              "size_t %s_port_owners(int proto, unsigned port, const %s_service **out, "
              "size_t max);\n\n"
              "/* The flows ROLE (\"system.role\") listens on: returns how many and stores\n"
              " * up to MAX of them in OUT. O(log n). */\n"
              "size_t %s_role_listens(const char *role, const %s_flow **out, size_t max);\n\n",
              P, P, P, P, P, P, U, U, P, P, P, P, P);
    if (cg->nip) emit_ip_header(cg);
    sb_printf(cg->h, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
}

/* ---- the source ---- */

static void emit_services(cgen *cg)
{
    sb_printf(cg->c, "/* Services, sorted by system, instance and name. */\nconst %s_service "
                     "%s_services[] = {\n", cg->P, cg->P);
    for (size_t i = 0; i < cg->nsvcs; i++) {
        const service_key *k = &cg->svcs[i];
        sb_puts(cg->c, "    {");
        c_string(cg->c, k->inst->sys->name);
        sb_puts(cg->c, ", ");
        c_string(cg->c, k->svc->name);
        sb_puts(cg->c, ", ");
        c_string(cg->c, k->svc->desc ? k->svc->desc : "");
        sb_puts(cg->c, ", ");
        c_string(cg->c, k->inst->name);
        sb_puts(cg->c, "},");
        /* names are identifiers: safe inside a comment */
        if (k->svc->alias_of)
            sb_printf(cg->c, " /* same software as %s.%s */", k->svc->alias_of->system->name,
                      k->svc->alias_of->name);
        sb_puts(cg->c, "\n");
    }
    if (!cg->nsvcs) sb_puts(cg->c, "    {\"\", \"\", \"\", \"\"},\n");
    sb_printf(cg->c, "};\nconst size_t %s_service_count = %zu;\n\n", cg->P, cg->nsvcs);
}

static unsigned c_flags(const flow_row *r)
{
    unsigned f = r->flags;
    return (f & ROW_DYNAMIC ? CF_DYNAMIC : 0) | (f & ROW_UP ? CF_OPEN : 0) |
           (f & ROW_EPHEMERAL ? CF_EPHEMERAL : 0) | (r->stride == STRIDE_EVEN ? CF_EVEN : 0) |
           (r->stride == STRIDE_ODD ? CF_ODD : 0) | (f & ROW_SHARED ? CF_SHARED : 0) |
           (f & ROW_SDYNAMIC ? CF_SRC_DYNAMIC : 0) | (f & ROW_SEPHEMERAL ? CF_SRC_EPHEMERAL : 0) |
           (r->sstride == STRIDE_EVEN ? CF_SRC_EVEN : 0) | (r->sstride == STRIDE_ODD ? CF_SRC_ODD : 0);
}

static void emit_flows(cgen *cg)
{
    sb_printf(cg->c, "/* Flows, sorted by protocol, destination range and service. */\n"
                     "const %s_flow %s_flows[] = {\n", cg->P, cg->P);
    for (size_t i = 0; i < cg->nrows; i++) {
        const crow *x = &cg->rows[i];
        sb_printf(cg->c, "    {%d, %u, %u, %u, %u, %zu, ", x->r->ipproto,
                  x->r->lo, x->r->hi, x->r->slo, x->r->shi, x->svc);
        c_string(cg->c, x->src);
        sb_puts(cg->c, ", ");
        c_string(cg->c, x->dst);
        sb_printf(cg->c, ", %d, %u},\n", x->r->decl->local ? 1 : 0, c_flags(x->r));
    }
    if (!cg->nrows) sb_puts(cg->c, "    {0, 0, 0, 0, 0, 0, \"\", \"\", 0, 0},\n");
    sb_printf(cg->c, "};\nconst size_t %s_flow_count = %zu;\n\n", cg->P, cg->nrows);
}

/* ---- number tables ---- */

/* The generated lookups read their tables of numbers from string literals
 * rather than from initializer lists: a compiler takes a literal as one
 * token, a list as one tree node per number (at 100k flows the 2.5M owner
 * numbers took gcc -O0 5.5 s cpu as a list, 0.8 s as literals). Each table is
 * rows of TABLE_ROW bytes, one literal each (C99 compilers must accept
 * literals of 4095 characters), of numbers of W bytes, least significant
 * first; W is the narrowest of 1, 2, 4 and 8 that holds the table's largest
 * number, and a number never straddles two rows. Each byte is stored XOR
 * TABLE_MASK: the small numbers that fill the tables of most policies
 * become one plain character each instead of an escape (a third less C),
 * and the reader still loads a number at once (XOR does not carry). */
enum { TABLE_ROW = 2048, TABLE_LINE = 64, TABLE_MASK = 0x40 };   /* 0 is '@' */

static unsigned table_width(const size_t *v, size_t n)
{
    size_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > max) max = v[i];
    return max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffffffu ? 4 : 8;
}

/* Byte AT of the table V of W-byte numbers, as stored. */
static unsigned char table_stored(const size_t *v, unsigned w, size_t at)
{
    return (unsigned char)((v[at / w] >> (8 * (at % w))) ^ TABLE_MASK);
}

/* One byte inside a literal, as short as it can be: printable characters
 * as themselves ('?' escaped against trigraphs), others as octal escapes
 * of three digits when an octal digit follows, else of as few as needed. */
static void table_byte(strbuf *b, unsigned char x, int next)
{
    bool plain = x >= 0x20 && x < 0x7f;
    if (plain && x != '"' && x != '\\' && x != '?') sb_putc(b, (char)x);
    else if (plain) sb_printf(b, "\\%c", x);
    else if (x >= 0100 || (next >= '0' && next <= '7')) sb_printf(b, "\\%03o", x);
    else sb_printf(b, "\\%o", x);
}

/* static const unsigned char NAME[][TABLE_ROW + 1] = {...}; with the N
 * numbers of V, W bytes each. */
static void emit_table(cgen *cg, const char *name, const size_t *v, size_t n, unsigned w)
{
    sb_printf(cg->c, "static const unsigned char %s_%s_[][%d] = {", cg->P, name, TABLE_ROW + 1);
    size_t bytes = n * w;
    if (!bytes) sb_puts(cg->c, "\n    \"\"");
    for (size_t at = 0; at < bytes; at++) {
        if (at % TABLE_ROW == 0) sb_puts(cg->c, at ? ",\n    \"" : "\n    \"");
        else if (at % TABLE_LINE == 0) sb_puts(cg->c, "\n    \"");
        unsigned char x = table_stored(v, w, at);
        bool end = (at + 1) % TABLE_LINE == 0 || at + 1 == bytes;
        int next = end ? -1 : table_stored(v, w, at + 1);
        /* the next byte matters only when written as itself */
        if (next >= 0 && !(next >= 0x20 && next < 0x7f && next != '"' && next != '\\' && next != '?'))
            next = -1;
        table_byte(cg->c, x, next);
        if (end) sb_putc(cg->c, '"');
    }
    sb_puts(cg->c, "\n};\n");
}

/* The reader of those tables, once per file. */
static void emit_table_reader(cgen *cg)
{
    const char *P = cg->P;
    unsigned m = TABLE_MASK;
    sb_printf(cg->c,
              "/* Number I of a table of W-byte numbers, least significant byte first,\n"
              " * in rows of %d bytes (string literals: quick to compile). Each byte is\n"
              " * stored XOR 0x%02x, so that small numbers are plain characters. */\n"
              "static size_t %s_at_(const unsigned char (*t)[%d], size_t i, unsigned w)\n"
              "{\n    size_t at = i * w, v = 0;\n"
              "    const unsigned char *p = t[at / %d] + at %% %d;\n"
              "    switch (w) {   /* a constant where it is called: one case is left */\n"
              "    case 1: return p[0] ^ 0x%02xu;\n"
              "    case 2: return (p[0] | (size_t)p[1] << 8) ^ 0x%02x%02xu;\n"
              "    case 4: return (p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24) ^\n"
              "                   0x%02x%02x%02x%02xu;\n"
              "    default: while (w--) v = v << 8 | (p[w] ^ 0x%02xu);   /* 8 */\n"
              "        return v;\n    }\n}\n\n",
              TABLE_ROW, m, P, TABLE_ROW + 1, TABLE_ROW, TABLE_ROW, m, m, m, m, m, m, m, m);
}

static void emit_ownership(cgen *cg, const ownership *o)
{
    const char *P = cg->P;
    unsigned wt = table_width(o->top, PORT_PROTOS * PORT_BLOCKS);
    unsigned wb = table_width(o->blocks.v, o->blocks.nv);
    unsigned wo = table_width(o->sets.v, o->sets.nv);
    sb_printf(cg->c,
              "/* Port ownership, a direct index: port N of TCP (T = 0) or UDP (T = 1)\n"
              " * has its owners at S = port_sets[256 * B + N %% 256], where\n"
              " * B = port_blocks[256 * T + N / 256]: owner_sets[S] is their count and\n"
              " * the services follow it, ascending. Equal blocks of 256 ports and equal\n"
              " * sets are stored once (%zu blocks, %zu sets). */\n",
              o->blocks.n, o->sets.n);
    emit_table(cg, "port_blocks", o->top, PORT_PROTOS * PORT_BLOCKS, wt);
    emit_table(cg, "port_sets", o->blocks.v, o->blocks.nv, wb);
    emit_table(cg, "owner_sets", o->sets.v, o->sets.nv, wo);
    sb_printf(cg->c,
              "\nsize_t %s_port_owners(int proto, unsigned port, const %s_service **out, size_t max)\n"
              "{\n    size_t block, set, n, i;\n"
              "    if ((proto != %s_TCP && proto != %s_UDP) || port > 65535) return 0;\n"
              "    block = %s_at_(%s_port_blocks_, (proto == %s_UDP ? 256 : 0) + port / 256, %u);\n"
              "    set = %s_at_(%s_port_sets_, 256 * block + port %% 256, %u);\n"
              "    n = %s_at_(%s_owner_sets_, set, %u);\n"
              "    for (i = 0; i < n && i < max; i++)\n"
              "        out[i] = &%s_services[%s_at_(%s_owner_sets_, set + 1 + i, %u)];\n"
              "    return n;\n}\n\n",
              P, P, cg->U, cg->U, P, P, cg->U, wt, P, P, wb, P, P, wo, P, P, P, wo);
}

static void emit_listens(cgen *cg, const listen_entry *v, size_t n)
{
    const char *P = cg->P;
    size_t *flows = xmalloc_array(n + 1, sizeof *flows);
    for (size_t i = 0; i < n; i++) flows[i] = v[i].flow;
    sb_printf(cg->c, "/* Roles, sorted by name, and the flows they listen on: flow indexes\n"
                     " * listen_flows[first] up to listen_flows[first + count - 1]. */\n"
                     "typedef struct { const char *role; size_t first, count; } %s_listen_;\n"
                     "static const %s_listen_ %s_listens_[] = {\n", P, P, P);
    size_t nroles = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(v[j].role, v[i].role) == 0; j++) {}
        sb_puts(cg->c, "    {");
        c_string(cg->c, v[i].role);
        sb_printf(cg->c, ", %zu, %zu},\n", i, j - i);
        nroles++;
    }
    if (!n) sb_puts(cg->c, "    {\"\", 0, 0},\n");
    sb_printf(cg->c, "};\nstatic const size_t %s_listen_count_ = %zu;\n", P, nroles);
    unsigned w = table_width(flows, n);
    emit_table(cg, "listen_flows", flows, n, w);
    free(flows);
    sb_printf(cg->c,
              "\nsize_t %s_role_listens(const char *role, const %s_flow **out, size_t max)\n"
              "{\n    size_t lo = 0, hi = %s_listen_count_, i;\n    while (lo < hi) {\n"
              "        size_t mid = lo + (hi - lo) / 2;\n"
              "        if (strcmp(%s_listens_[mid].role, role) < 0) lo = mid + 1;\n"
              "        else hi = mid;\n    }\n"
              "    if (lo == %s_listen_count_ || strcmp(%s_listens_[lo].role, role) != 0) return 0;\n"
              "    for (i = 0; i < %s_listens_[lo].count && i < max; i++)\n"
              "        out[i] = &%s_flows[%s_at_(%s_listen_flows_, %s_listens_[lo].first + i, %u)];\n"
              "    return %s_listens_[lo].count;\n}\n",
              P, P, P, P, P, P, P, P, P, P, P, w, P);
}

int gen_c(gen_ctx *g)
{
    cgen cg = {0};
    cg.g = g;
    cg.P = g->prefix;
    char *U = arena_strdup(g->m->mem, g->prefix);
    for (char *p = U; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    cg.U = U;
    names_init(&cg.macros);
    names_init(&cg.next_suffix);
    select_rows(&cg);
    size_t nlisten;
    listen_entry *listens = build_listens(&cg, &nlisten);

    char hname[300], cname[300];
    snprintf(hname, sizeof hname, "%s.h", g->name);
    snprintf(cname, sizeof cname, "%s.c", g->name);
    cg.h = gen_file_new(g, hname);   /* first: a depfile's first target is the header */
    cg.c = gen_file_new(g, cname);
    if (!cg.c || !cg.h) return 2;
    sb_puts(cg.c, "/* ");
    c_comment(cg.c, gen_banner(g));
    sb_printf(cg.c, " */\n#include \"%s\"\n#include <string.h>\n\n", hname);
    emit_services(&cg);
    emit_flows(&cg);
    emit_table_reader(&cg);
    ownership o;
    build_ownership(&cg, &o);
    emit_ownership(&cg, &o);
    runs_free(&o.blocks);
    runs_free(&o.sets);
    emit_listens(&cg, listens, nlisten);
    build_ip_owners(&cg);
    if (cg.nip) emit_ip_source(&cg);
    /* The hash covers the tables, so it changes exactly when they do. */
    uint64_t hash = bytes_hash(TEXT_HASH_SEED, cg.c->data ? cg.c->data : "", cg.c->len);
    emit_header(&cg, hash);
    return cg.c->failed || cg.h->failed ? 2 : 0;
}
