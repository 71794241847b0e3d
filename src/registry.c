/* registry.c: lookups over the compiled-in port registry (registry.h):
 * by name and by (protocol, port), the shared-listener table, and the
 * words people write for registered protocols ("Syslog", "HTTPS"). The
 * multicast tables are in registry_mcast.c. */
#include "registry.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "ast.h"

/* Research note section 5: protocols whose listeners share one port. */
static const struct {
    const char *name;
    unsigned proto, lo, hi;
} shared_ports[] = {
    {"PTP", PROTO_UDP, 319, 320},
    {"SSDP", PROTO_UDP, 1900, 1900},
    {"WS-Discovery", PROTO_UDP, 3702, 3702},
    {"mDNS", PROTO_UDP, 5353, 5353},
    {"LLMNR", PROTO_UDP, 5355, 5355},
};

const char *registry_shared_port(unsigned proto, unsigned port)
{
    for (size_t i = 0; i < sizeof shared_ports / sizeof shared_ports[0]; i++)
        if (shared_ports[i].proto == proto && port >= shared_ports[i].lo &&
            port <= shared_ports[i].hi)
            return shared_ports[i].name;
    return 0;
}

/* Compare registry name n with the len characters of w, case-insensitively:
 * the order the generator sorted by (lower-case bytes). */
static int name_cmp(const char *n, const char *w, size_t len)
{
    int c = strncasecmp(n, w, len);
    return c ? c : n[len] != '\0';
}

/* The entries named w[0..len): the first, and how many. */
static size_t by_name_len(const char *w, size_t len, const registry_port **first)
{
    size_t lo = 0, hi = registry_nports, n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(registry_ports[mid].name, w, len) < 0) lo = mid + 1;
        else hi = mid;
    }
    while (lo + n < registry_nports && name_cmp(registry_ports[lo + n].name, w, len) == 0) n++;
    *first = n ? &registry_ports[lo] : NULL;
    return n;
}

size_t registry_by_name(const char *name, const registry_port **first)
{
    return by_name_len(name, strlen(name), first);
}

const registry_port *registry_by_port(unsigned proto, unsigned port)
{
    size_t lo = 0, hi = registry_nport_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (registry_port_index[mid].port < port) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < registry_nport_index && registry_port_index[lo].port == port; lo++) {
        const registry_port *e = &registry_ports[registry_port_index[lo].entry];
        if (e->protos & proto) return e;
    }
    return NULL;
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

bool registry_port_named_like(unsigned proto, unsigned lo, unsigned hi, const char *word)
{
    size_t a = 0, b = registry_nport_index;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (registry_port_index[mid].port < lo) a = mid + 1;
        else b = mid;
    }
    for (; a < registry_nport_index && registry_port_index[a].port <= hi; a++) {
        const registry_port *e = &registry_ports[registry_port_index[a].entry];
        if ((e->protos & proto) && contains_nocase(e->name, word)) return true;
    }
    return false;
}

/* ---- the words people write for registered protocols ---- */

enum { AL_CASED = 1 };           /* an English word too: capitalised, in descriptions */

typedef struct {
    const char *word;
    const char *names;           /* registry names whose ports it has */
    registry_span extra[2];      /* ports common practice adds, with why */
    unsigned flags;
} alias;

#define TU (REG_TCP | REG_UDP)
/* Sorted by word (case-insensitive). Ports come from the registry; an
 * extra is a port the protocol's own RFC or universal practice uses that
 * the registry gives another name (syslog over TCP 514, RFC 6587). */
static const alias aliases[] = {
    {"AMQP", "amqp amqps", {{0}}, 0},
    {"BACnet", "bacnet", {{0}}, 0},
    {"BGP", "bgp", {{0}}, 0},
    {"Bonjour", "mdns", {{0}}, 0},
    {"BOOTP", "bootps bootpc", {{0}}, 0},
    {"CIFS", "microsoft-ds netbios-ssn", {{0}}, 0},
    {"DHCP", "bootps bootpc", {{0}}, 0},
    {"DHCPv6", "dhcpv6-client dhcpv6-server", {{0}}, 0},
    {"DNP3", "dnp", {{0}}, 0},
    {"DNS", "domain domain-s", {{0}}, 0},
    {"FTP", "ftp ftp-data", {{0}}, 0},
    {"FTPS", "ftps ftps-data ftp ftp-data", {{0}}, 0},
    {"HSRP", "hsrp hsrpv6", {{0}}, 0},
    {"HTTP", "http http-alt", {{0}}, 0},
    /* 8443: the alternate HTTPS port of every web server's documentation */
    {"HTTPS", "https", {{TU, 8443, 8443, NULL}}, 0},
    {"IKE", "isakmp ipsec-nat-t", {{0}}, 0},
    {"IMAP", "imap imaps", {{0}}, 0},
    {"IMAPS", "imaps", {{0}}, 0},
    {"IPP", "ipp", {{0}}, 0},
    {"IRC", "ircu ircs-u", {{0}}, 0},
    {"ISAKMP", "isakmp ipsec-nat-t", {{0}}, 0},
    {"Kerberos", "kerberos kpasswd", {{0}}, 0},
    {"L2TP", "l2f", {{0}}, 0},
    {"LDAP", "ldap ldaps msft-gc msft-gc-ssl", {{0}}, 0},
    {"LDAPS", "ldaps msft-gc-ssl", {{0}}, 0},
    {"LLMNR", "llmnr", {{0}}, 0},
    {"LPD", "printer", {{0}}, 0},
    {"mDNS", "mdns", {{0}}, 0},
    {"Modbus", "mbap mbap-s", {{0}}, 0},
    {"MQTT", "mqtt secure-mqtt", {{0}}, 0},
    {"MSSQL", "ms-sql-s ms-sql-m", {{0}}, 0},
    {"MySQL", "mysql", {{0}}, 0},
    {"NetBIOS", "netbios-ns netbios-dgm netbios-ssn", {{0}}, 0},
    {"NFS", "nfs sunrpc", {{0}}, 0},
    {"NNTP", "nntp", {{0}}, 0},
    {"NTP", "ntp", {{0}}, 0},
    {"OpenVPN", "openvpn", {{0}}, 0},
    {"POP3", "pop3 pop3s", {{0}}, 0},
    {"PostgreSQL", "postgresql", {{0}}, 0},
    {"PTP", "ptp-event ptp-general", {{0}}, 0},
    /* 1645-1646: RADIUS's first ports, still the default of many devices */
    {"RADIUS", "radius radius-acct", {{TU, 1645, 1646, NULL}}, AL_CASED},
    {"RDP", "ms-wbt-server", {{0}}, 0},
    {"RIP", "router", {{0}}, AL_CASED},
    {"RIPng", "ripng", {{0}}, 0},
    {"RIPv2", "router", {{0}}, 0},
    {"RTMP", "macromedia-fcs", {{0}}, 0},
    {"RTSP", "rtsp rtsp-alt", {{0}}, 0},
    {"SFTP", "ssh", {{0}}, 0},
    {"SIP", "sip sips", {{0}}, 0},
    {"SMB", "microsoft-ds netbios-ssn", {{0}}, 0},
    /* 465: SMTP submission over TLS (RFC 8314), registered as urd */
    {"SMTP", "smtp submission", {{REG_TCP, 465, 465, NULL}}, 0},
    {"SNMP", "snmp snmptrap", {{0}}, 0},
    {"SNTP", "ntp", {{0}}, 0},
    {"SSDP", "ssdp", {{0}}, 0},
    {"SSH", "ssh", {{0}}, 0},
    {"STUN", "stun stuns", {{0}}, AL_CASED},
    /* tcp 514: syslog over TCP as deployed before RFC 6587 */
    {"Syslog", "syslog syslog-conn syslog-tls", {{REG_TCP, 514, 514, NULL}}, 0},
    {"TACACS", "tacacs", {{0}}, 0},
    {"Telnet", "telnet", {{0}}, 0},
    {"TFTP", "tftp", {{0}}, 0},
    {"TURN", "stun stuns", {{0}}, AL_CASED},
    /* 5800-5999: VNC's HTTP viewer and one port per display above 5900 */
    {"VNC", "rfb", {{REG_TCP, 5800, 5999, NULL}}, 0},
    {"WS-Discovery", "ws-discovery", {{0}}, 0},
    {"XMPP", "xmpp-client xmpp-server", {{0}}, 0},
};

static bool all_lower(const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)w[i])) return false;
    return true;
}

static const alias *find_alias(const char *w, size_t len)
{
    size_t lo = 0, hi = sizeof aliases / sizeof aliases[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(aliases[mid].word, w, len);
        if (c == 0) return &aliases[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static void add_span(registry_protocol *p, registry_span s)
{
    s.protos &= REG_TCP | REG_UDP | REG_SCTP | REG_DCCP;
    if (s.protos && p->nspans < REGISTRY_MAX_PORTS) p->spans[p->nspans++] = s;
}

/* Every port of one registry name into p. */
static void add_name(registry_protocol *p, const char *name, size_t len)
{
    const registry_port *e;
    size_t n = by_name_len(name, len, &e);
    for (size_t i = 0; i < n; i++) add_span(p, (registry_span){e[i].protos, e[i].lo, e[i].hi, e[i].name});
}

static void from_alias(const alias *a, registry_protocol *out)
{
    *out = (registry_protocol){a->word, a->names, {{0}}, 0};
    for (const char *s = a->names; *s;) {
        size_t len = strcspn(s, " ");
        add_name(out, s, len);
        s += len + (s[len] == ' ');
    }
    for (int i = 0; i < 2; i++)
        if (a->extra[i].protos)
            add_span(out, (registry_span){a->extra[i].protos, a->extra[i].lo, a->extra[i].hi, NULL});
}

/* A registry name that cannot be an English word or an abbreviation that
 * means something else: 4 or more characters with a digit or an inner
 * hyphen, not only digits ("ptp-event", "http-alt", "pop3", "x11" no). */
static bool distinctive(const char *w, size_t len)
{
    bool digit = false, hyphen = false, letter = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        digit |= isdigit(c) != 0;
        letter |= isalpha(c) != 0;
        hyphen |= c == '-' && i > 0 && i + 1 < len;
    }
    return len >= 4 && letter && (digit || hyphen);
}

bool registry_protocol_word(const char *w, size_t len, bool in_name, registry_protocol *out)
{
    const alias *a = find_alias(w, len);
    if (a && (!(a->flags & AL_CASED) || (!in_name && !all_lower(w, len)))) {
        from_alias(a, out);
        return out->nspans > 0;
    }
    if (a || !distinctive(w, len)) return false;
    const registry_port *e;
    if (!by_name_len(w, len, &e)) return false;
    *out = (registry_protocol){e->name, e->name, {{0}}, 0};
    add_name(out, w, len);
    return true;
}

/* Words that, after a protocol's name, make the service about the protocol
 * rather than the protocol itself: "PTP logging" on 9998 is Dante's log of
 * its clock, not PTP. Sorted. */
static const char *const qualifiers[] = {
    "bridge", "gateway", "log", "logging", "logs", "monitor", "monitoring", "over",
    "proxy", "relay", "stats", "statistics", "status", "test", "testing", "tests",
    "tunnel", "tunneling", "tunnelling", "via",
};

bool registry_qualifier_word(const char *w, size_t len)
{
    for (size_t i = 0; i < sizeof qualifiers / sizeof qualifiers[0]; i++)
        if (strlen(qualifiers[i]) == len && strncasecmp(qualifiers[i], w, len) == 0) return true;
    return false;
}
