/* sockets.c: listening sockets and group memberships, read from /proc/net
 * or from saved ss / netstat text. Takes raw text; gives a socket_table
 * whose entries carry the source line they came from. Formats and their
 * pitfalls (dual-stack wildcards, SO_REUSEPORT rows, connected UDP,
 * device-bound sockets) are in shared/research/sockets-imports-ci-formats.md. */
#include "sockets.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ast.h"
#include "load.h"

enum { MAX_TOKENS = 16 };

typedef struct {
    const char *s;
    size_t len;
    int col;                     /* 1-based */
} token;

/* Whitespace-separated tokens of one line; returns how many (at most MAX_TOKENS). */
static int split(const char *line, size_t len, token *t)
{
    int n = 0;
    size_t i = 0;
    while (i < len && n < MAX_TOKENS) {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
        if (i == len) break;
        size_t start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') i++;
        t[n++] = (token){line + start, i - start, (int)start + 1};
    }
    return n;
}

static bool tok_is(const token *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

/* Tokens point into the source's text: their offsets are their span. */
static loc token_loc(const source *src, const token *t)
{
    size_t start = (size_t)(t->s - src->text);
    return loc_span(src, start, start + t->len - 1);
}

static void add_listener(arena *a, socket_table *t, const listener *l)
{
    t->v = arena_grow(a, t->v, sizeof *t->v, &t->cap, t->n + 1);
    t->v[t->n++] = *l;
}

const char *sockets_addr_text(char buf[48], uint8_t family, const uint8_t addr[16])
{
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, 48)) strcpy(buf, "?");
    return buf;
}

static bool is_loopback(uint8_t family, const uint8_t *a)
{
    static const uint8_t v6_loop[16] = {[15] = 1};
    static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
    if (family == 4) return a[0] == 127;
    return memcmp(a, v6_loop, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

/* ---- saved text: ss and netstat ---- */

/* "0.0.0.0:80", "[::]:80", "*:80", "0.0.0.0%lo:80", "[fe80::1%16]:1900",
 * "[fe80::1]%veth0:9092": split at the last ':' and strip the device. */
static bool parse_endpoint(arena *a, const token *t, listener *l)
{
    const char *s = t->s, *colon = NULL;
    for (size_t i = 0; i < t->len; i++)
        if (s[i] == ':') colon = s + i;
    if (!colon || colon == s || colon + 1 == s + t->len) return false;
    char host[64];
    size_t hn = (size_t)(colon - s);
    if (hn >= sizeof host) return false;
    memcpy(host, s, hn);
    host[hn] = '\0';
    char *port_end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &port_end, 10);
    if (port_end != s + t->len || port == 0 || port > 65535 || errno) return false;
    l->port = (uint16_t)port;
    l->addr_text = arena_strndup(a, host, hn);
    char *dev = NULL;
    if (host[0] == '[') {
        char *close = strchr(host, ']');
        if (!close) return false;
        if (close[1] == '%') dev = close + 2;
        else if (close[1]) return false;
        *close = '\0';
        memmove(host, host + 1, strlen(host + 1) + 1);
        char *zone = strchr(host, '%');
        if (zone) *zone = '\0';
    } else {
        dev = strchr(host, '%');
        if (dev) *dev++ = '\0';
    }
    memset(l->addr, 0, sizeof l->addr);
    if (strcmp(host, "*") == 0) {
        l->family = 6;                       /* ss: the dual-stack IPv6 wildcard */
    } else if (inet_pton(AF_INET, host, l->addr) == 1) {
        l->family = 4;
    } else if (inet_pton(AF_INET6, host, l->addr) == 1) {
        l->family = 6;
    } else {
        return false;
    }
    l->loopback = is_loopback(l->family, l->addr) || (dev && strcmp(dev, "lo") == 0);
    return true;
}

/* users:(("sshd",pid=42,fd=3),("sshd",pid=50,fd=3)): "sshd, pid 42; sshd, pid 50".
 * The name is printed unescaped by ss, so it ends at the last '",pid='
 * before the pid rather than at the first quote. */
static const char *ss_process(arena *a, const char *s, size_t len)
{
    char out[512];
    size_t n = 0;
    const char *end = s + len;
    const char *p = s;
    while (p < end) {
        const char *open = strstr(p, "(\"");
        if (!open || open >= end) break;
        const char *pid = strstr(open, "\",pid=");
        if (!pid || pid >= end) break;
        int w = snprintf(out + n, sizeof out - n, "%s%.*s, pid %ld", n ? "; " : "",
                         (int)(pid - open - 2), open + 2, strtol(pid + 6, NULL, 10));
        if (w < 0 || (size_t)w >= sizeof out - n) break;
        n += (size_t)w;
        p = pid + 6;
    }
    return n ? arena_strndup(a, out, n) : NULL;
}

typedef enum { LINE_SKIP, LINE_ROW, LINE_BAD } line_kind;

/* One ss row: [Netid] State Recv-Q Send-Q Local Peer [Process]. */
static line_kind ss_row(arena *a, const char *line, size_t len, token *t, int n, listener *l)
{
    int k = 0;
    if (tok_is(&t[0], "tcp")) l->proto = PROTO_TCP, k = 1;
    else if (tok_is(&t[0], "udp")) l->proto = PROTO_UDP, k = 1;
    if (n < k + 5) return LINE_BAD;
    const token *state = &t[k];
    if (!k) {
        /* One protocol selected: no Netid column; the state tells which. */
        if (tok_is(state, "LISTEN")) l->proto = PROTO_TCP;
        else if (tok_is(state, "UNCONN")) l->proto = PROTO_UDP;
        else return LINE_BAD;
    }
    /* Connected UDP (ESTAB) receives from its peer only: not a listener. */
    if (!tok_is(state, "LISTEN") && !tok_is(state, "UNCONN")) return LINE_SKIP;
    if (!parse_endpoint(a, &t[k + 3], l)) return LINE_BAD;
    l->where = token_loc(l->where.src, &t[k + 3]);
    if (n > k + 5) {
        size_t off = (size_t)(t[k + 5].col - 1);
        l->process = ss_process(a, line + off, len - off);
    }
    return LINE_ROW;
}

/* One netstat -ano row: TCP Local Foreign State PID, or UDP Local Foreign PID. */
static line_kind netstat_row(arena *a, token *t, int n, listener *l, const char **why)
{
    static const char *const tcp_states[] = {"ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT",
        "SYN_SENT", "SYN_RECEIVED", "FIN_WAIT_1", "FIN_WAIT_2", "LAST_ACK", "CLOSING",
        "CLOSED", "BOUND", "DELETE_TCB"};
    bool tcp = tok_is(&t[0], "TCP");
    l->proto = tcp ? PROTO_TCP : PROTO_UDP;
    if (n != (tcp ? 5 : 4)) return LINE_BAD;
    if (tcp && !tok_is(&t[3], "LISTENING")) {
        for (size_t i = 0; i < sizeof tcp_states / sizeof *tcp_states; i++)
            if (tok_is(&t[3], tcp_states[i])) return LINE_SKIP;
        *why = "unknown TCP state: berth reads netstat's English states (LISTENING, "
               "ESTABLISHED, ...); run netstat with an English display language";
        return LINE_BAD;
    }
    if (!parse_endpoint(a, &t[1], l)) return LINE_BAD;
    l->where = token_loc(l->where.src, &t[1]);
    const token *pid = &t[n - 1];
    char buf[32];
    snprintf(buf, sizeof buf, "pid %.*s", (int)(pid->len < 20 ? pid->len : 20), pid->s);
    l->process = arena_strdup(a, buf);
    return LINE_ROW;
}

/* netstat -anob puts "[name.exe]" under a row: the name of its process. */
static void name_previous(arena *a, socket_table *t, size_t first_of_line, const token *tk)
{
    if (t->n == 0 || t->n <= first_of_line) return;
    listener *l = &t->v[t->n - 1];
    char buf[300];
    snprintf(buf, sizeof buf, "%.*s, %s", (int)(tk->len - 2 < 200 ? tk->len - 2 : 200),
             tk->s + 1, l->process ? l->process : "pid unknown");
    l->process = arena_strdup(a, buf);
}

/* PowerShell 5.1 redirection writes UTF-16LE with a BOM: keep the ASCII. */
static const char *ascii_of_utf16(arena *a, const char *text, size_t *len)
{
    size_t n = (*len - 2) / 2, k = 0;
    char *out = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char lo = (unsigned char)text[2 + 2 * i], hi = (unsigned char)text[3 + 2 * i];
        out[k++] = hi == 0 && lo < 0x80 ? (char)lo : '?';
    }
    out[k] = '\0';
    *len = k;
    return out;
}

bool sockets_parse_saved(arena *a, diag_sink *d, const source *src, socket_table *t)
{
    if (src->len >= 2 && (unsigned char)src->text[0] == 0xff &&
        (unsigned char)src->text[1] == 0xfe) {
        size_t len = src->len;
        const char *text = ascii_of_utf16(a, src->text, &len);
        src = source_new(a, src->name, src->real, src->dir, text, len, src->index);
    }
    bool seen_row = false, ok = true;
    size_t first_of_line = 0;
    for (int ln = 1; ln <= src->nlines; ln++) {
        size_t len;
        const char *line = source_line(src, ln, &len);
        if (ln == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) line += 3, len -= 3;
        token tk[MAX_TOKENS];
        int n = split(line, len, tk);
        if (n == 0) continue;
        if (n == 1 && tk[0].s[0] == '[' && tk[0].s[tk[0].len - 1] == ']') {
            name_previous(a, t, first_of_line, &tk[0]);
            continue;
        }
        listener l = {0};
        l.where = token_loc(src, &tk[0]);
        const char *why = NULL;
        bool windows = tok_is(&tk[0], "TCP") || tok_is(&tk[0], "UDP");
        line_kind k = windows ? netstat_row(a, tk, n, &l, &why) : ss_row(a, line, len, tk, n, &l);
        /* Headers ("Netid State ...", "Active Connections", "Proto Local
         * Address ...") come before the first row, in any language. */
        if (k == LINE_BAD && !seen_row && !windows && !tok_is(&tk[0], "tcp") &&
            !tok_is(&tk[0], "udp") && !tok_is(&tk[0], "LISTEN") && !tok_is(&tk[0], "UNCONN"))
            continue;
        if (k == LINE_BAD && why) {
            diag_report(d, SEV_ERROR, CK_SOCKET_INPUT, token_loc(src, &tk[3]), "%s", why);
            ok = false;
            continue;
        }
        if (k == LINE_BAD) {
            diag_report(d, SEV_ERROR, CK_SOCKET_INPUT, token_loc(src, &tk[0]),
                        "expected a row of `ss -lntuH` (tcp|udp STATE RECV-Q SEND-Q LOCAL:PORT "
                        "PEER [PROCESS], numeric: -n) or `netstat -ano` (TCP|UDP LOCAL FOREIGN [STATE] PID)");
            ok = false;
            continue;
        }
        seen_row = true;
        first_of_line = t->n;
        if (k == LINE_ROW) add_listener(a, t, &l);
    }
    return ok;
}

/* ---- this machine: /proc/net ---- */

/* A /proc table read whole into a source, so findings can quote its lines. */
static const source *read_table(arena *a, const char *path, int index, bool optional,
                                bool *ok)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!optional) {
            fprintf(stderr, "berth: cannot read '%s': %s\n", path, strerror(errno));
            *ok = false;
        }
        return NULL;
    }
    size_t len;
    char *text = load_read_stream(a, f, &len);
    fclose(f);
    if (!text) {
        fprintf(stderr, "berth: cannot read '%s': %s\n", path, strerror(errno));
        *ok = false;
        return NULL;
    }
    return source_new(a, path, path, "/", text, len, index);
}

/* Hex words as the kernel prints them: each 32-bit word of the address in
 * host order, so storing the parsed value back gives network order. */
static bool hex_words(const char *s, size_t len, uint8_t *out)
{
    if (len != 8 && len != 32) return false;
    for (size_t w = 0; w < len / 8; w++) {
        char buf[9];
        memcpy(buf, s + 8 * w, 8);
        buf[8] = '\0';
        char *end;
        uint32_t v = (uint32_t)strtoul(buf, &end, 16);
        if (*end) return false;
        memcpy(out + 4 * w, &v, 4);
    }
    return true;
}

static void read_sockets(arena *a, const source *src, uint8_t proto, uint8_t family,
                         socket_table *t)
{
    for (int ln = 2; ln <= src->nlines; ln++) {
        size_t len;
        const char *line = source_line(src, ln, &len);
        token tk[MAX_TOKENS];
        int n = split(line, len, tk);
        if (n < 10) continue;
        /* TCP: 0A is LISTEN. UDP: 07 is unconnected; a connected socket
         * (01) receives from its peer only. */
        if (!tok_is(&tk[3], proto == PROTO_TCP ? "0A" : "07")) continue;
        const char *colon = memchr(tk[1].s, ':', tk[1].len);
        if (!colon) continue;
        listener l = {0};
        l.proto = proto;
        l.family = family;
        if (!hex_words(tk[1].s, (size_t)(colon - tk[1].s), l.addr)) continue;
        l.port = (uint16_t)strtoul(colon + 1, NULL, 16);
        if (l.port == 0) continue;
        char buf[48], text[52];
        sockets_addr_text(buf, family, l.addr);
        snprintf(text, sizeof text, family == 4 ? "%s" : "[%s]", buf);
        l.addr_text = arena_strdup(a, text);
        l.loopback = is_loopback(family, l.addr);
        /* The inode (field 10) names the process later. */
        l.process = arena_strndup(a, tk[9].s, tk[9].len);
        l.where = token_loc(src, &tk[1]);
        add_listener(a, t, &l);
    }
}

typedef struct {
    unsigned long inode;
    long pid;
} inode_pid;

static int inode_cmp(const void *pa, const void *pb)
{
    const inode_pid *a = pa, *b = pb;
    if (a->inode != b->inode) return a->inode < b->inode ? -1 : 1;
    return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Every process's socket inodes, from /proc/PID/fd links "socket:[N]". */
static inode_pid *socket_owners(size_t *count)
{
    inode_pid *v = NULL;
    size_t n = 0, cap = 0;
    DIR *proc = opendir("/proc");
    struct dirent *e;
    while (proc && (e = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/fd", pid);
        DIR *fds = opendir(path);
        struct dirent *f;
        while (fds && (f = readdir(fds)) != NULL) {
            char link[96], target[64];
            snprintf(link, sizeof link, "/proc/%ld/fd/%.20s", pid, f->d_name);
            ssize_t k = readlink(link, target, sizeof target - 1);
            if (k <= 0) continue;
            target[k] = '\0';
            unsigned long inode;
            if (sscanf(target, "socket:[%lu]", &inode) != 1) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                v = xrealloc_array(v, cap, sizeof *v);
            }
            v[n++] = (inode_pid){inode, pid};
        }
        if (fds) closedir(fds);
    }
    if (proc) closedir(proc);
    if (n > 1) qsort(v, n, sizeof *v, inode_cmp);
    *count = n;
    return v;
}

/* Replace each listener's inode by "comm, pid N" where /proc tells. */
static void name_processes(arena *a, socket_table *t)
{
    size_t n;
    inode_pid *owners = socket_owners(&n);
    for (size_t i = 0; i < t->n; i++) {
        listener *l = &t->v[i];
        inode_pid key = {strtoul(l->process, NULL, 10), 0};
        l->process = NULL;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (inode_cmp(&owners[mid], &key) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == n || owners[lo].inode != key.inode || key.inode == 0) continue;
        char path[64], comm[64] = "?";
        snprintf(path, sizeof path, "/proc/%ld/comm", owners[lo].pid);
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(comm, sizeof comm, f)) comm[strcspn(comm, "\n")] = '\0';
            fclose(f);
        }
        char buf[128];
        snprintf(buf, sizeof buf, "%s, pid %ld", comm, owners[lo].pid);
        l->process = arena_strdup(a, buf);
    }
    free(owners);
}

static void add_group(arena *a, socket_table *t, const membership *m)
{
    t->groups = arena_grow(a, t->groups, sizeof *t->groups, &t->groups_cap, t->ngroups + 1);
    t->groups[t->ngroups++] = *m;
}

/* /proc/net/igmp: a device line ("3\tveth0 : 2 V3"), then its groups on
 * tab-indented lines, each in host-order hex. */
static void read_igmp(arena *a, const source *src, socket_table *t)
{
    const char *device = NULL;
    for (int ln = 2; ln <= src->nlines; ln++) {
        size_t len;
        const char *line = source_line(src, ln, &len);
        token tk[MAX_TOKENS];
        int n = split(line, len, tk);
        if (n == 0) continue;
        if (line[0] != '\t' && line[0] != ' ') {
            if (n >= 2) device = arena_strndup(a, tk[1].s, tk[1].len);
            continue;
        }
        membership m = {4, {0}, device, token_loc(src, &tk[0])};
        if (device && hex_words(tk[0].s, tk[0].len, m.addr)) add_group(a, t, &m);
    }
}

/* /proc/net/igmp6: "IDX DEVICE GROUP USERS FLAGS TIMER", the group in
 * network-order hex (not word-swapped as in tcp6). */
static void read_igmp6(arena *a, const source *src, socket_table *t)
{
    for (int ln = 1; ln <= src->nlines; ln++) {
        size_t len;
        const char *line = source_line(src, ln, &len);
        token tk[MAX_TOKENS];
        if (split(line, len, tk) < 3 || tk[2].len != 32) continue;
        membership m = {6, {0}, arena_strndup(a, tk[1].s, tk[1].len), token_loc(src, &tk[2])};
        bool ok = true;
        for (int i = 0; i < 16 && ok; i++) {
            char hex[3] = {tk[2].s[2 * i], tk[2].s[2 * i + 1], 0};
            char *end;
            m.addr[i] = (uint8_t)strtoul(hex, &end, 16);
            ok = *end == '\0';
        }
        if (ok) add_group(a, t, &m);
    }
}

static const char *path_in(arena *a, const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = arena_alloc(a, n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

bool sockets_read_proc(arena *a, const char *dir, int first_index, socket_table *t)
{
    static const struct {
        const char *name;
        uint8_t proto, family;
    } tables[] = {{"tcp", PROTO_TCP, 4}, {"tcp6", PROTO_TCP, 6},
                  {"udp", PROTO_UDP, 4}, {"udp6", PROTO_UDP, 6}};
    bool ok = true;
    int index = first_index;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        /* tcp6 and udp6 are absent when IPv6 is disabled. */
        const source *src = read_table(a, path_in(a, dir, tables[i].name), index++,
                                       tables[i].family == 6, &ok);
        if (src) read_sockets(a, src, tables[i].proto, tables[i].family, t);
    }
    if (!ok) return false;
    name_processes(a, t);
    const source *igmp = read_table(a, path_in(a, dir, "igmp"), index++, true, &ok);
    const source *igmp6 = read_table(a, path_in(a, dir, "igmp6"), index++, true, &ok);
    if (igmp) read_igmp(a, igmp, t);
    if (igmp6) read_igmp6(a, igmp6, t);
    t->have_groups = igmp != NULL;
    return ok;
}
