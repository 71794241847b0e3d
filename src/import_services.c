/* import_services.c: a services(5) file (/etc/services, or the IANA list
 * that Wireshark ships) into an imp_system. Takes lines
 * `name port/proto[/proto...] [alias...] [# comment]`; gives one service
 * per name, in the order names first appear, with one flow per port
 * (tcp and udp on one port as tcp+udp), aliases and comments kept as
 * comments. Other protocols and port 0 are warned about and noted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"
#include "import.h"
#include "names.h"
#include "strbuf.h"

enum {
    LINES_SHOWN = 8,             /* line numbers listed above one service */
    SV_MAX_ERRORS = 20,          /* malformed lines reported per file */
};

typedef struct {
    const char *name;
    long port, hi;               /* hi > port: a range (Wireshark's list has a few) */
    unsigned protos;             /* PROTO_TCP | PROTO_UDP */
    const char *others;          /* the other protocols, "sctp/dccp", or NULL */
    const char *aliases;         /* space-separated, or NULL */
    const char *comment;         /* or NULL */
    int line;
    loc at;                      /* the port/protocol field */
} svc_entry;

/* Every entry of one name, gathered before anything is written so the
 * service's description can be the first comment of any of its lines. */
typedef struct {
    imp_service *svc;
    const char *desc;
    int lines[LINES_SHOWN];
    int nlines;                  /* all of them, some not kept */
} svc_group;

typedef struct {
    imp_system *sys;
    arena *mem;
    diag_sink *diags;
    const source *src;
    svc_entry *entries;
    size_t n, cap;
    names groups;                /* name -> svc_group */
    size_t ngroups;
} sv_ctx;

static loc field_loc(const sv_ctx *c, int line, size_t col, size_t len)
{
    return loc_at(c->src, line, (int)col + 1, line, (int)(col + (len ? len : 1)));
}

/* ---- one line ---- */

/* Digits at f (n bytes) as a number, at most 99999999; 0 digits: -1. */
static long number(const char *f, size_t n, size_t *used)
{
    size_t k = 0;
    long v = 0;
    for (; k < n && f[k] >= '0' && f[k] <= '9'; k++)
        if (v < 100000000) v = v * 10 + (f[k] - '0');
    *used = k;
    return k ? v : -1;
}

/* "22/tcp", "9/tcp/udp/sctp/dccp" or, as Wireshark's copy of the IANA
 * list writes, "6000-6063/tcp"; false after an error. */
static bool port_field(sv_ctx *c, svc_entry *e, const char *f, size_t n)
{
    size_t digits, more = 0;
    e->port = number(f, n, &digits);
    e->hi = e->port;
    if (digits && digits < n && f[digits] == '-') {
        e->hi = number(f + digits + 1, n - digits - 1, &more);
        digits += more + 1;
    }
    if (e->port < 0 || e->hi < 0 || digits == n || f[digits] != '/' || digits + 1 == n) {
        diag_report(c->diags, SEV_ERROR, DIAG_NO_CHECK, e->at,
                    "'%.*s' is not PORT/PROTOCOL (as in 22/tcp)", (int)(n > 40 ? 40 : n), f);
        return false;
    }
    if (e->port > 65535 || e->hi > 65535) {
        diag_report(c->diags, SEV_ERROR, DIAG_NO_CHECK, e->at, "port %ld is out of range 1-65535",
                    e->port > 65535 ? e->port : e->hi);
        return false;
    }
    if (e->hi < e->port) {
        diag_report(c->diags, SEV_ERROR, DIAG_NO_CHECK, e->at,
                    "reversed port range %ld-%ld: write %ld-%ld", e->port, e->hi, e->hi, e->port);
        return false;
    }
    const char *p = f + digits + 1, *end = f + n;
    strbuf others;
    sb_init(&others);
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t k = (size_t)((slash ? slash : end) - p);
        if (k == 3 && memcmp(p, "tcp", 3) == 0) e->protos |= PROTO_TCP;
        else if (k == 3 && memcmp(p, "udp", 3) == 0) e->protos |= PROTO_UDP;
        else if (k) sb_printf(&others, "%s%.*s", others.len ? "/" : "", (int)k, p);
        p += k + 1;
    }
    if (others.len) e->others = imp_clean(c->mem, others.data, others.len);
    sb_free(&others);
    return true;
}

/* Split a line (without its comment) into fields; at most 3 are kept:
 * name, port/proto, and the rest (aliases). */
static int fields(const char *s, size_t n, size_t start[3], size_t len[3])
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < 3) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i == n) break;
        start[k] = i;
        if (k == 2) i = n;                       /* aliases: the rest */
        else while (i < n && s[i] != ' ' && s[i] != '\t') i++;
        len[k] = i - start[k];
        k++;
    }
    return k;
}

static void read_line(sv_ctx *c, int line, const char *s, size_t n)
{
    const char *hash = memchr(s, '#', n);
    size_t body = hash ? (size_t)(hash - s) : n;
    size_t start[3], len[3];
    int k = fields(s, body, start, len);
    if (k == 0) return;                          /* blank or comment */
    svc_entry e = {0};
    e.name = imp_clean(c->mem, s + start[0], len[0]);
    e.line = line;
    if (k == 1) {
        diag_report(c->diags, SEV_ERROR, DIAG_NO_CHECK, field_loc(c, line, start[0] + len[0], 1),
                    "expected PORT/PROTOCOL after the name '%s'", e.name);
        return;
    }
    e.at = field_loc(c, line, start[1], len[1]);
    if (!port_field(c, &e, s + start[1], len[1])) return;
    if (k == 3) e.aliases = imp_clean(c->mem, s + start[2], len[2]);
    if (hash) e.comment = imp_clean(c->mem, hash + 1, n - body - 1);
    if (e.comment && !e.comment[0]) e.comment = NULL;
    c->entries = arena_grow(c->mem, c->entries, sizeof *c->entries, &c->cap, c->n + 1);
    c->entries[c->n++] = e;
}

static void read_lines(sv_ctx *c)
{
    const char *s = c->src->text;
    size_t n = c->src->len;
    int line = 1;
    for (size_t i = 0; i < n; line++) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t len = end - i;
        if (len && s[i + len - 1] == '\r') len--;
        read_line(c, line, s + i, len);
        i = end + 1;
        if (diag_count(c->diags, SEV_ERROR) >= SV_MAX_ERRORS && i < n) {
            diag_report(c->diags, SEV_ERROR, DIAG_NO_CHECK, field_loc(c, line, 0, 1),
                        "too many errors in this file; stopping (limit is %d)", SV_MAX_ERRORS);
            return;
        }
    }
}

/* ---- grouping and the services ---- */

static void group_entries(sv_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const svc_entry *e = &c->entries[i];
        svc_group *g = names_get(&c->groups, e->name);
        if (!g) {
            g = arena_alloc(c->mem, sizeof *g);
            names_put(c->mem, &c->groups, e->name, g);
            c->ngroups++;
        }
        if (!g->desc && e->comment && e->protos) g->desc = e->comment;
        if (g->nlines < LINES_SHOWN) g->lines[g->nlines] = e->line;
        g->nlines++;
    }
}

static const char *lines_text(sv_ctx *c, const svc_group *g)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, g->nlines == 1 ? "line " : "lines ");
    for (int k = 0; k < g->nlines && k < LINES_SHOWN; k++)
        sb_printf(&b, "%s%d", k ? ", " : "", g->lines[k]);
    if (g->nlines > LINES_SHOWN) sb_printf(&b, " and %d more", g->nlines - LINES_SHOWN);
    const char *s = arena_strdup(c->mem, b.data ? b.data : "");
    sb_free(&b);
    return s;
}

static imp_service *service_of(sv_ctx *c, const svc_entry *e)
{
    svc_group *g = names_get(&c->groups, e->name);
    if (g->svc) return g->svc;
    g->svc = imp_service_new(c->sys, e->name, g->desc ? g->desc : e->name);
    imp_above(c->sys, g->svc, imp_fmt(c->mem, "services(5) '%s' from %s %s", e->name,
                                      c->src->name, lines_text(c, g)));
    return g->svc;
}

/* The trailing comment of a flow: its aliases, and its comment unless it
 * is the service's description already. */
static const char *flow_note(sv_ctx *c, const imp_service *svc, const svc_entry *e)
{
    const char *cm = e->comment && strcmp(e->comment, svc->desc) != 0 ? e->comment : NULL;
    if (e->aliases && cm) return imp_fmt(c->mem, "aliases: %s; %s", e->aliases, cm);
    if (e->aliases) return imp_fmt(c->mem, "aliases: %s", e->aliases);
    return cm;
}

/* " (comment)" for a "not imported" line, unless the service's
 * description says it already. */
static const char *aside(sv_ctx *c, const imp_service *svc, const svc_entry *e)
{
    if (!e->comment || strcmp(e->comment, svc->desc) == 0) return "";
    return imp_fmt(c->mem, " (%s)", e->comment);
}

static void add_entry(sv_ctx *c, const svc_entry *e)
{
    imp_service *svc = service_of(c, e);
    if (e->port == 0) {                          /* 0-N too: 0 is no port */
        diag_report(c->diags, SEV_WARNING, DIAG_NO_CHECK, e->at,
                    "port 0 is not a port a flow can use: '%s' line skipped", e->name);
        imp_comment(c->sys, svc, imp_fmt(c->mem, "not imported: line %d, port 0%s", e->line,
                                         aside(c, svc, e)));
        return;
    }
    if (e->others) {
        diag_report(c->diags, SEV_WARNING, DIAG_NO_CHECK, e->at,
                    "%s not imported: berth's flows are tcp and udp only", e->others);
        const char *range = e->hi > e->port ? imp_fmt(c->mem, "-%ld", e->hi) : "";
        imp_comment(c->sys, svc, imp_fmt(c->mem, "not imported: %ld%s/%s%s: berth's flows are "
                                         "tcp and udp only", e->port, range, e->others,
                                         aside(c, svc, e)));
    }
    if (e->protos && !imp_flow(c->sys, svc, e->protos, false, (uint16_t)e->port,
                               (uint16_t)e->hi, NULL, flow_note(c, svc, e)))
        diag_report(c->diags, SEV_WARNING, DIAG_NO_CHECK, e->at,
                    "'%s' has this port and protocol already: written once", e->name);
}

int import_services(imp_system *s, const char *file)
{
    bool is_stdin = strcmp(file, "-") == 0;
    const source *src = imp_read_source(s->mem, file, is_stdin ? "<stdin>" : file, 0);
    if (!src) {
        fprintf(stderr, "berth: cannot read '%s': %s\n", file, strerror(errno));
        return 2;
    }
    sv_ctx c = {0};
    c.sys = s;
    c.mem = s->mem;
    c.diags = s->diags;
    c.src = src;
    names_init(&c.groups);
    read_lines(&c);
    if (diag_count(s->diags, SEV_ERROR)) return 1;
    group_entries(&c);
    s->desc = "services(5) entries";
    s->role_desc = "a machine offering these services";
    imp_header(s, imp_fmt(s->mem, "Imported by berth import services: %zu entr%s (%zu name%s) "
                          "from %s. Each service names its lines; what berth cannot express is "
                          "kept as a \"not imported\" comment.", c.n, c.n == 1 ? "y" : "ies",
                          c.ngroups, c.ngroups == 1 ? "" : "s", src->name));
    for (size_t i = 0; i < c.n; i++) add_entry(&c, &c.entries[i]);
    return 0;
}
