/* main.c: a program that uses the C tables berth generates from
 * policies/example-site.ports (with its imports igloo, dante and omnicast).
 * Each lookup is checked against the policy; exits 1 on the first mismatch.
 * Built by tests/consumer/Makefile and tests/cmake-consumer/CMakeLists.txt. */
#include <stdio.h>
#include <string.h>
#include "policy.h"

#define MAX 16

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

/* Does one of the N owners in OUT belong to SYSTEM (and, if given, NAME)? */
static int has_owner(const berth_service *const *out, size_t n, const char *system,
                     const char *name)
{
    for (size_t i = 0; i < n && i < MAX; i++)
        if (strcmp(out[i]->system, system) == 0 && (!name || strcmp(out[i]->name, name) == 0))
            return 1;
    return 0;
}

int main(void)
{
    const berth_service *owners[MAX];
    size_t n;

    /* Dante's 16000-65535 and the Omnicast Archiver's 15000-16000 meet at 16000. */
    n = berth_port_owners(BERTH_UDP, 16000, owners, MAX);
    expect(n >= 2, "UDP 16000 has at least two owners");
    expect(has_owner(owners, n, "dante", "audio_control"), "UDP 16000: dante.audio_control");
    expect(has_owner(owners, n, "omnicast", "archiver_unicast"),
           "UDP 16000: omnicast.archiver_unicast");

    n = berth_port_owners(BERTH_TCP, 4352, owners, MAX);
    expect(n == 1 && has_owner(owners, n, "igloo", "projector_control"),
           "TCP 4352: igloo.projector_control only");
    expect(n >= 1 && owners[0]->description && owners[0]->description[0] != '\0',
           "TCP 4352: the service has its description");

    /* Fewer slots than owners: the count is still the full count. */
    const berth_service *one[1];
    expect(berth_port_owners(BERTH_UDP, 16000, one, 1) >= 2, "UDP 16000 with max 1: full count");
    expect(berth_port_owners(BERTH_UDP, 16000, NULL, 0) >= 2, "UDP 16000 with max 0: full count");

    expect(berth_port_owners(BERTH_TCP, 1, owners, MAX) == 0, "TCP 1 has no owner");
    expect(berth_port_owners(BERTH_UDP, 4352, owners, MAX) == 0, "UDP 4352 has no owner");

    const berth_flow *flows[64];
    n = berth_role_listens("igloo.media_server", flows, 64);
    int ndi = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (flows[i]->proto == BERTH_TCP && flows[i]->lo == 49152 && flows[i]->hi == 65535)
            ndi = 1;
    expect(n > 0 && n <= 64, "igloo.media_server listens on some flows");
    expect(ndi, "igloo.media_server listens on TCP 49152-65535");
    expect(berth_role_listens("igloo.no_such_role", flows, 64) == 0, "an unknown role listens on nothing");

    expect(BERTH_OMNICAST_GATEWAY_COMMAND_PORT == 5001, "BERTH_OMNICAST_GATEWAY_COMMAND_PORT is 5001");

    if (failures) {
        fprintf(stderr, "consumer: %d check%s failed\n", failures, failures == 1 ? "" : "s");
        return 1;
    }
    puts("consumer: all checks passed");
    return 0;
}
