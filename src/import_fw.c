/* import_fw.c: firewalld service definitions (firewalld.service(5)) into
 * an imp_system. Takes FILE.xml names; reads each file once (includes are
 * looked up beside the file that includes them) into a list of entries:
 * tcp/udp ports and source ports, includes, and notes for everything berth
 * cannot express (other protocols, helpers, unknown
 * markup), each also reported as a warning. Gives one service per file
 * with its includes inlined, and every note as a "not imported" comment. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"
#include "import.h"
#include "names.h"
#include "proto.h"
#include "strbuf.h"
#include "xml.h"

enum {
    FW_MAX_INCLUDE_DEPTH = 16,   /* nesting of <include> */
    SHOWN_MAX = 120,             /* characters of an element quoted in a comment */
};

typedef enum { FE_PORT, FE_INCLUDE, FE_NOTE } fe_kind;

typedef struct fw_entry {
    fe_kind kind;
    unsigned proto;              /* FE_PORT: PROTO_TCP, PROTO_UDP, or PROTO_IP (lo: number) */
    bool source_port;            /* FE_PORT: <source-port> */
    uint16_t lo, hi;
    const char *name;            /* FE_INCLUDE: the included service */
    const char *shown;           /* the element, quoted in comments */
    const char *why;             /* FE_NOTE: why it is not imported */
    loc at;
    struct fw_entry *next;
} fw_entry;

typedef struct fw_def {
    const char *name;            /* the file name without .xml */
    const char *shown;           /* the path as given or as built from an include */
    const char *dir;             /* where its includes are looked up */
    const source *src;
    const char *short_desc, *desc, *version;
    const char *dest;            /* the IPv4 destination as a berth endpoint, or NULL */
    const char *dest6;           /* the IPv6 destination, or NULL */
    fw_entry *entries, **tail;
    names ports;                 /* the ports seen, to report repeats */
    bool failed;                 /* malformed: reported, never imported */
    bool on_stack;               /* being inlined: an include of it is a cycle */
    bool imported;               /* given on the command line already */
} fw_def;

typedef struct {
    imp_system *sys;
    arena *mem;
    diag_sink *diags;
    names defs;                  /* real path -> fw_def */
    int nsources;
    const fw_def *stack[FW_MAX_INCLUDE_DEPTH + 1];
    int depth;
} fw_ctx;

/* ---- reporting ---- */

static void warn(fw_ctx *c, loc at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(fw_ctx *c, loc at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->diags, SEV_WARNING, DIAG_NO_CHECK, at, fmt, ap);
    va_end(ap);
}

static void error(fw_ctx *c, fw_def *d, loc at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error(fw_ctx *c, fw_def *d, loc at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->diags, SEV_ERROR, DIAG_NO_CHECK, at, fmt, ap);
    va_end(ap);
    d->failed = true;
}

/* An element as it reads in a comment: <port protocol="ah" port=""/>. */
static const char *shown(fw_ctx *c, const xml_node *el)
{
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "<%s", el->name);
    for (const xml_attr *a = el->attrs; a; a = a->next) sb_printf(&b, " %s=\"%s\"", a->name, a->value);
    if (!el->children && el->has_text) sb_printf(&b, ">%s</%s>", el->text, el->name);
    else if (el->children) sb_printf(&b, ">...</%s>", el->name);
    else sb_puts(&b, "/>");
    const char *s = imp_clean(c->mem, b.data ? b.data : "", b.len);
    sb_free(&b);
    if (strlen(s) > SHOWN_MAX) s = imp_fmt(c->mem, "%.*s...", SHOWN_MAX, s);
    return s;
}

static fw_entry *add_entry(fw_ctx *c, fw_def *d, fe_kind kind, const xml_node *el)
{
    fw_entry *e = arena_alloc(c->mem, sizeof *e);
    e->kind = kind;
    e->shown = shown(c, el);
    e->at = el->at;
    *d->tail = e;
    d->tail = &e->next;
    return e;
}

/* Something berth cannot express: a warning now, a comment in the output. */
static void not_imported(fw_ctx *c, fw_def *d, const xml_node *el, const char *why)
{
    fw_entry *e = add_entry(c, d, FE_NOTE, el);
    e->why = why;
    warn(c, el->at, "%s not imported: %s", e->shown, why);
}

/* ---- attributes and content of one element ---- */

/* Attributes other than the allowed ones: each reported and noted. */
static void check_attrs(fw_ctx *c, fw_def *d, const xml_node *el, const char *const *allowed)
{
    for (const xml_attr *a = el->attrs; a; a = a->next) {
        bool ok = false;
        for (size_t k = 0; allowed[k] && !ok; k++) ok = strcmp(a->name, allowed[k]) == 0;
        if (ok) continue;
        fw_entry *e = add_entry(c, d, FE_NOTE, el);
        e->why = imp_fmt(c->mem, "unknown attribute '%s'", a->name);
        e->at = a->name_at;
        warn(c, a->name_at, "unknown attribute '%s' of <%s>: not imported", a->name, el->name);
    }
}

/* Child elements of an element that holds none. */
static void check_leaf(fw_ctx *c, fw_def *d, const xml_node *el, bool text_allowed)
{
    for (const xml_node *k = el->children; k; k = k->next)
        not_imported(c, d, k, imp_fmt(c->mem, "unknown element inside <%s>", el->name));
    if (el->has_text && !text_allowed)
        warn(c, el->text_at, "text inside <%s> ignored", el->name);
}

static const xml_attr *required(fw_ctx *c, fw_def *d, const xml_node *el, const char *attr)
{
    const xml_attr *a = xml_attr_find(el, attr);
    if (!a) error(c, d, el->at, "<%s> needs the attribute %s=", el->name, attr);
    return a;
}

/* ---- values ---- */

/* "N" or "N-M" with 1 <= N <= M <= 65535; false after an error. */
static bool parse_ports(fw_ctx *c, fw_def *d, const xml_attr *a, uint16_t *lo, uint16_t *hi)
{
    long v[2] = {0, 0};
    int n = 0;
    const char *p = a->value;
    for (; n < 2; n++) {
        size_t digits = strspn(p, "0123456789");
        if (digits == 0 || digits > 6) break;
        v[n] = strtol(p, NULL, 10);
        p += digits;
        if (*p != '-') {
            n++;
            break;
        }
        p++;
    }
    if (n == 0 || *p) {
        error(c, d, a->value_at, "port '%s' is not a number or a range N-M", a->value);
        return false;
    }
    for (int k = 0; k < n; k++) {
        if (v[k] < 1 || v[k] > 65535) {
            error(c, d, a->value_at, "port %ld is out of range 1-65535", v[k]);
            return false;
        }
    }
    if (n == 2 && v[0] > v[1]) {
        error(c, d, a->value_at, "reversed port range '%s': write %ld-%ld", a->value, v[1], v[0]);
        return false;
    }
    *lo = (uint16_t)v[0];
    *hi = (uint16_t)v[n - 1];
    return true;
}

/* a.b.c.d, 0-255 each; false when s is not one. */
static bool parse_ipv4(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        size_t digits = 0;
        long x = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) x = x * 10 + (s[i++] - '0'), digits++;
        if (digits == 0 || digits > 3 || x > 255) return false;
        v = v << 8 | (uint32_t)x;
        if (++parts < 4 && (i >= n || s[i++] != '.')) return false;
    }
    *out = v;
    return i == n;
}

/* The prefix length of "/24" or "/255.255.255.0"; -1 when invalid. */
static int parse_mask(const char *m)
{
    if (strchr(m, '.')) {
        uint32_t v;
        if (!parse_ipv4(m, strlen(m), &v)) return -1;
        int len = 0;
        while (len < 32 && (v & (0x80000000u >> len))) len++;
        return len == 32 || (v & (0xffffffffu >> len)) == 0 ? len : -1;
    }
    size_t digits = strspn(m, "0123456789");
    if (digits == 0 || digits > 2 || m[digits]) return -1;
    int len = atoi(m);
    return len <= 32 ? len : -1;
}

/* ipv4="a.b.c.d[/mask]" as a berth endpoint: a group inside 224.0.0.0/4. */
static const char *ipv4_endpoint(fw_ctx *c, fw_def *d, const xml_attr *a)
{
    const char *slash = strchr(a->value, '/');
    size_t n = slash ? (size_t)(slash - a->value) : strlen(a->value);
    uint32_t addr;
    int prefix = slash ? parse_mask(slash + 1) : 32;
    if (!parse_ipv4(a->value, n, &addr) || prefix < 0) {
        error(c, d, a->value_at, "'%s' is not an IPv4 address or network", a->value);
        return NULL;
    }
    uint32_t mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    if (addr & ~mask) {
        warn(c, a->value_at, "'%s' has host bits set: imported as the network", a->value);
        addr &= mask;
    }
    bool group = prefix >= 4 && (addr >> 28) == 0xe;
    const char *text = imp_fmt(c->mem, "%s%u.%u.%u.%u", group ? "group " : "", addr >> 24,
                               addr >> 16 & 255, addr >> 8 & 255, addr & 255);
    return prefix == 32 ? text : imp_fmt(c->mem, "%s/%d", text, prefix);
}

/* ipv6="x::y[/len]" as a berth endpoint (addr.c's parser; RFC 5952 text):
 * a group inside ff00::/8. NULL (reported) when it is not IPv6. */
static const char *ipv6_endpoint(fw_ctx *c, fw_def *d, const xml_attr *a)
{
    addr v;
    int prefix;
    char why[ADDR_WHY], t[ADDR_TEXT];
    size_t n = strlen(a->value);
    const char *slash = strchr(a->value, '/');
    bool ok = strchr(a->value, ':') && addr_parse(a->value, n, &v, &prefix, why);
    if (!ok && strchr(a->value, ':') && why[0] == '\1' && slash) {
        /* Host bits set: read the address alone and keep its network. */
        int full;
        long len = strtol(slash + 1, NULL, 10);
        ok = addr_parse(a->value, (size_t)(slash - a->value), &v, &full, why) && addr_is_v6(v);
        if (ok) {
            prefix = (int)len;
            v = addr_first(v, prefix);
            warn(c, a->value_at, "'%s' has host bits set: imported as the network", a->value);
        }
    }
    if (!ok || !addr_is_v6(v)) {
        error(c, d, a->value_at, "'%s' is not an IPv6 address or network", a->value);
        return NULL;
    }
    return imp_fmt(c->mem, "%s%s", addr_is_multicast(v) && prefix >= 8 ? "group " : "",
                   addr_text(t, v, v, prefix));
}

/* ---- elements ---- */

static void text_element(fw_ctx *c, fw_def *d, const xml_node *el, const char **slot)
{
    static const char *const none[] = {NULL};
    check_attrs(c, d, el, none);
    check_leaf(c, d, el, true);
    if (*slot) {
        not_imported(c, d, el, imp_fmt(c->mem, "a second <%s>", el->name));
        return;
    }
    *slot = imp_clean(c->mem, el->text, strlen(el->text));
}

/* A protocol without ports, <protocol value="esp"/> or <port protocol="ah"
 * port=""/>: firewalld takes a name from /etc/protocols or a number. */
static void portless(fw_ctx *c, fw_def *d, const xml_node *el, const char *value)
{
    static const struct { const char *name; int number; } netbase[] = {
        {"tcp", IPPROTO_NUM_TCP}, {"udp", IPPROTO_NUM_UDP},
        {"ipv6-icmp", IPPROTO_NUM_ICMPV6}, {"ospfigp", 89},
    };
    const ip_protocol *p = proto_by_name(value);
    int number = p ? p->number : -1;
    for (size_t i = 0; number < 0 && i < sizeof netbase / sizeof *netbase; i++)
        if (strcmp(netbase[i].name, value) == 0) number = netbase[i].number;
    if (number < 0 && value[0] >= '0' && value[0] <= '9' && strlen(value) <= 3 &&
        strspn(value, "0123456789") == strlen(value) && atoi(value) <= PROTO_MAX_NUMBER)
        number = atoi(value);
    if (number < 0 || number == IPPROTO_NUM_TCP || number == IPPROTO_NUM_UDP) {
        not_imported(c, d, el, number < 0 ? "an IP protocol berth does not know by that name "
                                            "(write `proto N`)"
                                          : "a protocol-only entry (every port): berth flows "
                                            "name their ports");
        return;
    }
    const char *key = imp_fmt(c->mem, "proto %d", number);
    if (names_put(c->mem, &d->ports, key, d)) {
        warn(c, el->at, "%s given twice: written once", shown(c, el));
        return;
    }
    fw_entry *e = add_entry(c, d, FE_PORT, el);
    e->proto = PROTO_IP;
    e->lo = e->hi = (uint16_t)number;
}

static void port(fw_ctx *c, fw_def *d, const xml_node *el, bool source)
{
    static const char *const allowed[] = {"port", "protocol", NULL};
    check_attrs(c, d, el, allowed);
    check_leaf(c, d, el, false);
    const xml_attr *pa = required(c, d, el, "port"), *pr = required(c, d, el, "protocol");
    if (!pa || !pr) return;
    const char *proto = pr->value;
    bool tcpudp = strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0;
    if (!source && !pa->value[0]) {
        portless(c, d, el, proto);
        return;
    }
    uint16_t lo, hi;
    if (!parse_ports(c, d, pa, &lo, &hi)) return;
    if (!tcpudp && strcmp(proto, "sctp") != 0 && strcmp(proto, "dccp") != 0) {
        error(c, d, pr->value_at, "protocol '%s' with a port: firewalld takes tcp, udp, sctp or "
              "dccp", proto);
        return;
    }
    if (!tcpudp) {
        not_imported(c, d, el, "berth's flows are tcp and udp only");
        return;
    }
    unsigned p = proto[0] == 't' ? PROTO_TCP : PROTO_UDP;
    const char *key = imp_fmt(c->mem, "%d %u %u-%u", source, p, (unsigned)lo, (unsigned)hi);
    if (names_put(c->mem, &d->ports, key, d)) {
        warn(c, el->at, "%s given twice: written once", shown(c, el));
        return;
    }
    fw_entry *e = add_entry(c, d, FE_PORT, el);
    e->proto = p;
    e->source_port = source;
    e->lo = lo;
    e->hi = hi;
}

/* The destination, read before the ports it restricts (it may follow them). */
static void destination(fw_ctx *c, fw_def *d, const xml_node *el)
{
    static const char *const allowed[] = {"ipv4", "ipv6", NULL};
    check_attrs(c, d, el, allowed);
    check_leaf(c, d, el, false);
    const xml_attr *v4 = xml_attr_find(el, "ipv4"), *v6 = xml_attr_find(el, "ipv6");
    if (!v4 && !v6) warn(c, el->at, "<destination> without ipv4= or ipv6= ignored");
    if (v4 && d->dest) {
        not_imported(c, d, el, "a second IPv4 destination (firewalld keeps the first)");
    } else if (v4) {
        d->dest = ipv4_endpoint(c, d, v4);
    }
    if (v6 && d->dest6) {
        not_imported(c, d, el, "a second IPv6 destination (firewalld keeps the first)");
    } else if (v6) {
        d->dest6 = ipv6_endpoint(c, d, v6);
    }
}

static bool service_name_ok(const char *s)
{
    return s[0] && s[0] != '.' && !strchr(s, '/');
}

static void named(fw_ctx *c, fw_def *d, const xml_node *el, const char *attr, const char *why)
{
    const char *const allowed[] = {attr, NULL};
    check_attrs(c, d, el, allowed);
    check_leaf(c, d, el, false);
    const xml_attr *a = required(c, d, el, attr);
    if (!a) return;
    if (!why) {
        if (!service_name_ok(a->value)) {
            error(c, d, a->value_at, "'%s' is not a service name", a->value);
            return;
        }
        add_entry(c, d, FE_INCLUDE, el)->name = a->value;
        return;
    }
    not_imported(c, d, el, why);
}

static void protocol_element(fw_ctx *c, fw_def *d, const xml_node *el)
{
    static const char *const allowed[] = {"value", NULL};
    check_attrs(c, d, el, allowed);
    check_leaf(c, d, el, false);
    const xml_attr *a = required(c, d, el, "value");
    if (a) portless(c, d, el, a->value);
}

static void element(fw_ctx *c, fw_def *d, const xml_node *el)
{
    const char *n = el->name;
    if (strcmp(n, "short") == 0) text_element(c, d, el, &d->short_desc);
    else if (strcmp(n, "description") == 0) text_element(c, d, el, &d->desc);
    else if (strcmp(n, "port") == 0) port(c, d, el, false);
    else if (strcmp(n, "source-port") == 0) port(c, d, el, true);
    else if (strcmp(n, "destination") == 0) { }  /* read first, by destination() */
    else if (strcmp(n, "include") == 0) named(c, d, el, "service", NULL);
    else if (strcmp(n, "helper") == 0)
        named(c, d, el, "name", "berth describes ports, not conntrack helpers");
    else if (strcmp(n, "module") == 0)
        named(c, d, el, "name", "berth describes ports, not conntrack helpers (<module> is the "
                                "old form of <helper>)");
    else if (strcmp(n, "protocol") == 0) protocol_element(c, d, el);
    else not_imported(c, d, el, "unknown element");
}

static void read_def(fw_ctx *c, fw_def *d, const xml_node *root)
{
    if (strcmp(root->name, "service") != 0) {
        error(c, d, root->at, "the root element is <%s>, not <service>: not a firewalld service "
              "file", root->name);
        return;
    }
    static const char *const allowed[] = {"version", "name", NULL};
    const xml_attr *a;
    if ((a = xml_attr_find(root, "name")))
        warn(c, a->name_at, "attribute name= of <service> ignored (firewalld ignores it too: "
             "the file name names the service)");
    if ((a = xml_attr_find(root, "version"))) d->version = imp_clean(c->mem, a->value, strlen(a->value));
    check_attrs(c, d, root, allowed);
    if (root->has_text) warn(c, root->text_at, "text outside the elements of <service> ignored");
    for (const xml_node *el = root->children; el; el = el->next)
        if (strcmp(el->name, "destination") == 0) destination(c, d, el);
    for (const xml_node *el = root->children; el; el = el->next) element(c, d, el);
}

/* ---- loading files ---- */

static const char *dir_of(fw_ctx *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? arena_strndup(c->mem, path, (size_t)(slash - path + (slash == path))) : "";
}

/* The definition in path, read and parsed once; NULL with errno when the
 * file cannot be read. An included file's messages name the <include>
 * that first led to it. */
static fw_def *load(fw_ctx *c, const char *path, const char *name, const fw_entry *via,
                    const fw_def *from)
{
    char real[PATH_MAX];
    const char *key = realpath(path, real) ? real : path;
    fw_def *d = names_get(&c->defs, key);
    if (d) return d;
    source *src = imp_read_source(c->mem, path, path, c->nsources);
    if (!src) return NULL;
    c->nsources++;
    if (via) {
        src->parent = from->src;
        src->import_loc = via->at;
    }
    d = arena_alloc(c->mem, sizeof *d);
    d->name = name;
    d->shown = src->name;
    d->src = src;
    d->dir = dir_of(c, path);
    d->tail = &d->entries;
    names_init(&d->ports);
    names_put(c->mem, &c->defs, arena_strdup(c->mem, key), d);
    const xml_node *root = xml_parse(c->mem, c->diags, src);
    if (!root) d->failed = true;
    else read_def(c, d, root);
    return d;
}

/* ---- inlining into a service ---- */

static void inline_def(fw_ctx *c, imp_service *svc, fw_def *d, names *seen);

static void note(fw_ctx *c, imp_service *svc, const char *text)
{
    imp_comment(c->sys, svc, text);
}

static const char *cycle_text(fw_ctx *c, const fw_def *back)
{
    strbuf b;
    sb_init(&b);
    int k = 0;
    while (k < c->depth && c->stack[k] != back) k++;
    for (; k < c->depth; k++) sb_printf(&b, "'%s' -> ", c->stack[k]->name);
    sb_printf(&b, "'%s'", back->name);
    const char *s = arena_strdup(c->mem, b.data ? b.data : "");
    sb_free(&b);
    return s;
}

typedef enum { INC_INLINE, INC_MISSING, INC_FAILED, INC_CYCLE, INC_SEEN, INC_DEEP } inc_state;

/* What an <include> of `from` leads to; *inc is the definition if read. */
static inc_state resolve(fw_ctx *c, const fw_def *from, const fw_entry *e, names *seen,
                         fw_def **inc, const char **path)
{
    *path = imp_fmt(c->mem, "%s%s%s.xml", from->dir, from->dir[0] ? "/" : "", e->name);
    *inc = load(c, *path, e->name, e, from);
    if (!*inc) return INC_MISSING;
    if ((*inc)->failed) return INC_FAILED;
    if ((*inc)->on_stack) return INC_CYCLE;
    if (names_get(seen, (*inc)->shown)) return INC_SEEN;
    return c->depth >= FW_MAX_INCLUDE_DEPTH ? INC_DEEP : INC_INLINE;
}

static void include(fw_ctx *c, imp_service *svc, fw_def *from, const fw_entry *e,
                    inc_state st, fw_def *inc, const char *path, names *seen)
{
    const char *cycle;
    switch (st) {
    case INC_MISSING:
        path = imp_fmt(c->mem, "%s: %s", path, strerror(errno));
        warn(c, e->at, "included service '%s' not found (%s)", e->name, path);
        note(c, svc, imp_fmt(c->mem, "not imported: %s: %s", e->shown, path));
        break;
    case INC_FAILED:                             /* its errors are reported */
        break;
    case INC_CYCLE:
        cycle = cycle_text(c, inc);
        warn(c, e->at, "include cycle %s: not followed again", cycle);
        note(c, svc, imp_fmt(c->mem, "not imported: %s: include cycle %s", e->shown, cycle));
        break;
    case INC_SEEN:
        note(c, svc, imp_fmt(c->mem, "from include '%s': already included above", e->name));
        break;
    case INC_DEEP:
        error(c, from, e->at, "includes nested too deep (limit is %d)", FW_MAX_INCLUDE_DEPTH);
        break;
    case INC_INLINE:
        names_put(c->mem, seen, inc->shown, inc);
        note(c, svc, imp_fmt(c->mem, "from include '%s' (%s)", e->name, inc->shown));
        inline_def(c, svc, inc, seen);
        break;
    }
}

static void inline_port(fw_ctx *c, imp_service *svc, const fw_def *d, const fw_entry *e)
{
    /* One flow per destination family; none given: any address. */
    if (d->dest || !d->dest6)
        imp_flow(c->sys, svc, e->proto, e->source_port, e->lo, e->hi, d->dest, NULL);
    if (d->dest6) imp_flow(c->sys, svc, e->proto, e->source_port, e->lo, e->hi, d->dest6, NULL);
}

/* d's entries into svc, includes inlined. Lines of d itself that follow an
 * inlined include start with an "end of include" comment, so no reader
 * takes them for the included service's. */
static void inline_def(fw_ctx *c, imp_service *svc, fw_def *d, names *seen)
{
    d->on_stack = true;
    c->stack[c->depth++] = d;
    const char *open = NULL;
    for (const fw_entry *e = d->entries; e; e = e->next) {
        inc_state st = INC_INLINE;
        fw_def *inc = NULL;
        const char *path = NULL;
        if (e->kind == FE_INCLUDE) st = resolve(c, d, e, seen, &inc, &path);
        bool inlined = e->kind == FE_INCLUDE && st == INC_INLINE;
        if (open && !inlined && st != INC_FAILED)
            note(c, svc, imp_fmt(c->mem, "end of include '%s'", open));
        if (st != INC_FAILED) open = inlined ? e->name : NULL;
        if (e->kind == FE_PORT) inline_port(c, svc, d, e);
        else if (e->kind == FE_NOTE) note(c, svc, imp_fmt(c->mem, "not imported: %s: %s", e->shown,
                                                         e->why));
        else include(c, svc, d, e, st, inc, path, seen);
    }
    c->depth--;
    d->on_stack = false;
}

static void add_service(fw_ctx *c, fw_def *d)
{
    const char *desc = d->short_desc && d->short_desc[0] ? d->short_desc : d->name;
    imp_service *svc = imp_service_new(c->sys, d->name, desc);
    imp_above(c->sys, svc, imp_fmt(c->mem, "firewalld service '%s'%s%s%s from %s", d->name,
                                   d->version ? " (version " : "", d->version ? d->version : "",
                                   d->version ? ")" : "", d->shown));
    if (d->desc && d->desc[0]) imp_above(c->sys, svc, d->desc);
    names seen;
    names_init(&seen);
    names_put(c->mem, &seen, d->shown, d);
    inline_def(c, svc, d, &seen);
}

/* ---- the reader ---- */

static const char *service_name(fw_ctx *c, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n <= 4 || strcmp(base + n - 4, ".xml") != 0) return NULL;
    return arena_strndup(c->mem, base, n - 4);
}

static void describe(fw_ctx *c, char **files, int nfiles)
{
    imp_system *s = c->sys;
    s->desc = "firewalld service definitions";
    s->role_desc = "a machine offering these services";
    const char *dir = dir_of(c, files[0]);
    bool one_dir = true;
    for (int i = 1; i < nfiles; i++) one_dir = one_dir && strcmp(dir_of(c, files[i]), dir) == 0;
    imp_header(s, imp_fmt(c->mem, "Imported by berth import firewalld: %d firewalld service "
                          "definition%s from %s. Each service names its file; what berth cannot "
                          "express is kept as a \"not imported\" comment.", nfiles,
                          nfiles == 1 ? "" : "s",
                          !one_dir ? "several directories" : dir[0] ? dir : "the current directory"));
}

int import_firewalld(imp_system *s, char **files, int nfiles)
{
    fw_ctx c = {0};
    c.sys = s;
    c.mem = s->mem;
    c.diags = s->diags;
    names_init(&c.defs);
    for (int i = 0; i < nfiles; i++) {
        if (!service_name(&c, files[i])) {
            fprintf(stderr, "berth: '%s' is not a firewalld service file name (NAME.xml)\n",
                    files[i]);
            return 2;
        }
    }
    describe(&c, files, nfiles);
    /* Every file named first, so none of them reads as included from another. */
    fw_def **defs = arena_alloc(c.mem, (size_t)nfiles * sizeof *defs);
    for (int i = 0; i < nfiles; i++) {
        defs[i] = load(&c, files[i], service_name(&c, files[i]), NULL, NULL);
        if (!defs[i]) {
            fprintf(stderr, "berth: cannot read '%s': %s\n", files[i], strerror(errno));
            return 2;
        }
    }
    for (int i = 0; i < nfiles; i++) {
        if (defs[i]->imported) {
            warn(&c, (loc){0}, "'%s' given twice: imported once", files[i]);
            continue;
        }
        defs[i]->imported = true;
        if (!defs[i]->failed) add_service(&c, defs[i]);
    }
    return diag_count(s->diags, SEV_ERROR) ? 1 : 0;
}
