/* sockets.h: what a machine really listens on, for berth audit. Takes this
 * machine's /proc/net tables, or text saved from `ss -lntu[p]H` or Windows
 * `netstat -ano`; gives the listening TCP and UDP sockets and the multicast
 * groups joined, each with the line it was read from, so findings point at
 * their evidence. */
#ifndef BERTH_SOCKETS_H
#define BERTH_SOCKETS_H
#include <stdbool.h>
#include <stdint.h>
#include "diag.h"

typedef struct {
    uint8_t proto;               /* PROTO_TCP or PROTO_UDP */
    uint8_t family;              /* 4 or 6 */
    uint8_t addr[16];            /* network order; IPv4 in the first 4 bytes */
    uint16_t port;
    bool loopback;               /* reachable only from this machine */
    const char *addr_text;       /* as the input showed it: "0.0.0.0", "[::]", "*" */
    const char *process;         /* "sshd, pid 42", or NULL when not known */
    loc where;
} listener;

typedef struct {
    uint8_t family;
    uint8_t addr[16];
    const char *device;
    loc where;
} membership;

typedef struct {
    listener *v;
    size_t n, cap;
    membership *groups;
    size_t ngroups, groups_cap;
    bool have_groups;            /* memberships were read (from /proc only) */
} socket_table;

/* Saved `ss -lntuH`/`ss -lntupH` or `netstat -ano` text, told apart per line
 * (UTF-16 from PowerShell redirection is accepted). False when a line is
 * neither: reported as a socket-input error. */
bool sockets_parse_saved(arena *a, diag_sink *d, const source *src, socket_table *t);
/* The tables tcp, tcp6, udp, udp6, igmp and igmp6 of dir: /proc/net (this
 * process's network namespace), /proc/PID/net (a container's) or saved
 * copies; process names where /proc/PID/fd can be read. Sources get load
 * indexes from first_index on. False (printed) when tcp or udp is unreadable. */
bool sockets_read_proc(arena *a, const char *dir, int first_index, socket_table *t);
/* "0.0.0.0", "::1", "239.1.2.3": the address as text. */
const char *sockets_addr_text(char buf[48], uint8_t family, const uint8_t addr[16]);

#endif
