/* main.c: a CMake project's program using the tables berth generates for
 * the example site of policies/example-site.ports, under the prefix
 * "ports" (see CMakeLists.txt). Each lookup is checked against the policy;
 * exits 1 when one disagrees. */
#include <stdio.h>
#include <string.h>
#include "site_ports.h"

#define MAX 16

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

/* Is one of the N owners in OUT service NAME of SYSTEM (and, if given, of
 * INSTANCE)? */
static int has_owner(const ports_service *const *out, size_t n, const char *system,
                     const char *name, const char *instance)
{
    for (size_t i = 0; i < n && i < MAX; i++)
        if (strcmp(out[i]->system, system) == 0 && strcmp(out[i]->name, name) == 0 &&
            (!instance || strcmp(out[i]->instance, instance) == 0))
            return 1;
    return 0;
}

int main(void)
{
    const ports_service *owners[MAX];
    size_t n;

    /* Dante's 16000-65535 meets the Omnicast Archiver's 15000-16000, and the
     * site runs an Archiver of each Omnicast instance. */
    n = ports_port_owners(PORTS_UDP, 16000, owners, MAX);
    expect(n >= 3 && n <= MAX, "UDP 16000 has at least three owners");
    expect(has_owner(owners, n, "dante", "audio_control", NULL), "UDP 16000: dante.audio_control");
    expect(has_owner(owners, n, "omnicast", "archiver_unicast", "omnicast"),
           "UDP 16000: omnicast.archiver_unicast");
    expect(has_owner(owners, n, "omnicast", "archiver_unicast", "omnicast_b"),
           "UDP 16000: omnicast_b.archiver_unicast");

    n = ports_port_owners(PORTS_TCP, 4352, owners, MAX);
    expect(n == 1 && has_owner(owners, n, "igloo", "projector_control", NULL),
           "TCP 4352: igloo.projector_control only");

    /* The site moves the second Gateway's command port to 5101. */
    expect(PORTS_OMNICAST_GATEWAY_COMMAND_PORT == 5001, "omnicast Gateway command port 5001");
    expect(PORTS_OMNICAST_B_GATEWAY_COMMAND_PORT == 5101, "omnicast_b Gateway command port 5101");
    n = ports_port_owners(PORTS_TCP, PORTS_OMNICAST_B_GATEWAY_COMMAND_PORT, owners, MAX);
    expect(has_owner(owners, n, "omnicast", "gateway_command", "omnicast_b"),
           "TCP 5101: omnicast_b.gateway_command");

    expect(ports_port_owners(PORTS_TCP, 1, owners, MAX) == 0, "TCP 1 has no owner");

    const ports_flow *flows[64];
    n = ports_role_listens("igloo.media_server", flows, 64);
    int ndi = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (flows[i]->proto == PORTS_TCP && flows[i]->lo == 49152 && flows[i]->hi == 65535)
            ndi = 1;
    expect(n > 0 && n <= 64, "igloo.media_server listens on some flows");
    expect(ndi, "igloo.media_server listens on TCP 49152-65535");

    if (failures) {
        fprintf(stderr, "cmake_consumer: %d check%s failed\n", failures, failures == 1 ? "" : "s");
        return 1;
    }
    puts("cmake_consumer: all checks passed");
    return 0;
}
