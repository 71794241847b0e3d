/* protos.c: a consumer of the C that berth gen c writes for
 * tests/protos/protos.ports: which services admit an IP protocol without
 * ports, and an ICMP type of it. Exits 0 when every answer holds. */
#include <stdio.h>
#include <string.h>
#include "berth_policy.h"

static int fails;

/* owners(PROTO, TYPE) names exactly the services in WANT ("a b"), in order. */
static void expect(int proto, int type, const char *want)
{
    const berth_service *out[8];
    size_t n = berth_protocol_owners(proto, type, out, 8);
    char got[256] = "";
    for (size_t i = 0; i < n && i < 8; i++) {
        if (i) strcat(got, " ");
        strcat(got, out[i]->name);
    }
    if (strcmp(got, want) != 0) {
        printf("protocol %d type %d: got '%s', want '%s'\n", proto, type, got, want);
        fails++;
    }
}

int main(void)
{
    expect(BERTH_ICMP, 8, "diagnostics ping");   /* every type, then type 8 */
    expect(BERTH_ICMP, 13, "diagnostics");
    expect(BERTH_ICMP, -1, "diagnostics");
    expect(BERTH_ICMPV6, 128, "v6");
    expect(BERTH_ICMPV6, 1, "");
    expect(112, -1, "redundancy");
    expect(50, -1, "tunnel");
    expect(253, -1, "custom");
    expect(6, -1, "");                            /* tcp has ports: port_owners */
    /* The flow table carries the protocol number; ICMP types beside it. */
    size_t icmp = 0, typed = 0;
    for (size_t i = 0; i < berth_flow_count; i++) {
        icmp += berth_flows[i].proto == BERTH_ICMP;
        typed += berth_flow_icmp_types[i] >= 0;
    }
    if (icmp != 4 || typed != 5) {
        printf("icmp flows %zu (want 4), typed flows %zu (want 5)\n", icmp, typed);
        fails++;
    }
    const berth_service *ssh[2];
    if (berth_port_owners(BERTH_TCP, 22, ssh, 2) != 1 || strcmp(ssh[0]->name, "ssh") != 0) {
        printf("tcp 22: the port lookup changed\n");
        fails++;
    }
    return fails != 0;
}
