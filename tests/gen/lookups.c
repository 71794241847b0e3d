/* lookups.c: compiled against the C that berth generates for the bundled
 * policies; asserts real lookups. Exit 0 when every one holds. */
#include <stdio.h>
#include <string.h>
#include "berth_policy.h"

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

static int owns(const berth_service **v, size_t n, const char *system, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i]->system, system) == 0 && strcmp(v[i]->name, name) == 0) return 1;
    return 0;
}

int main(void)
{
    const berth_service *o[16];
    size_t n = berth_port_owners(BERTH_UDP, 16000, o, 16);
    expect(n >= 2, "UDP 16000 has Dante and Omnicast owners");
    expect(owns(o, n, "dante", "audio_control"), "UDP 16000: Dante");
    expect(owns(o, n, "omnicast", "archiver_unicast"), "UDP 16000: Omnicast Archiver");
    expect(berth_port_owners(BERTH_UDP, 16000, o, 1) == n, "the count does not stop at max");
    n = berth_port_owners(BERTH_TCP, 4352, o, 16);
    expect(n == 1 && owns(o, n, "igloo", "projector_control"), "TCP 4352: projector control");
    expect(berth_port_owners(BERTH_TCP, 1, o, 16) == 0, "TCP 1 is unused");
    const berth_flow *f[64];
    n = berth_role_listens("igloo.media_server", f, 64);
    int ndi = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        ndi |= f[i]->proto == BERTH_TCP && f[i]->lo == 49152 && f[i]->hi == 65535;
    expect(ndi, "media server listens on TCP 49152-65535");
    expect(berth_role_listens("igloo.nobody", f, 64) == 0, "unknown role listens on nothing");
    expect(BERTH_OMNICAST_GATEWAY_COMMAND_PORT == 5001, "gateway command port constant");
    for (size_t i = 1; i < berth_flow_count; i++)
        expect(berth_flows[i - 1].proto < berth_flows[i].proto ||
               (berth_flows[i - 1].proto == berth_flows[i].proto &&
                berth_flows[i - 1].lo <= berth_flows[i].lo), "flows sorted");
    return failures != 0;
}
