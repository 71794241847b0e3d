/* index.c: compiled against the C of any generated policy (run.sh: the
 * bundled policies, tests/gen/forms.ports, many services). Asks
 * berth_port_owners() for every port of TCP and UDP and compares it with
 * the owners found by reading berth_flows: each service whose flow holds
 * the port (an even or odd range only its own ports; no flow of the OS's
 * ephemeral range), each once, in the order of berth_services, and the
 * full count whatever MAX is. Exit 0 when every port agrees. */
#include <stdio.h>
#include <stdlib.h>
#include "berth_policy.h"

static int holds(const berth_flow *f, int proto, unsigned port)
{
    if (f->proto != proto || !f->lo || port < f->lo || port > f->hi) return 0;
    if (f->flags & BERTH_FLOW_EPHEMERAL) return 0;
    if (f->flags & (BERTH_FLOW_EVEN | BERTH_FLOW_ODD)) return (port - f->lo) % 2 == 0;
    return 1;
}

int main(void)
{
    /* per service: found among the owners of the port in the flow table */
    unsigned char *own = calloc(berth_service_count + 1, 1);
    const berth_service **got = malloc((berth_service_count + 1) * sizeof *got);
    size_t bad = 0, checked = 0;
    if (!own || !got) return 2;
    for (int t = 0; t < 2; t++) {
        int proto = t ? BERTH_UDP : BERTH_TCP;
        for (unsigned port = 0; port <= 65535; port++) {
            size_t want = 0;
            for (size_t s = 0; s < berth_service_count; s++) own[s] = 0;
            for (size_t i = 0; i < berth_flow_count; i++)
                if (holds(&berth_flows[i], proto, port) && !own[berth_flows[i].service]++) want++;
            size_t n = berth_port_owners(proto, port, got, berth_service_count + 1);
            int ok = n == want && berth_port_owners(proto, port, NULL, 0) == want;
            for (size_t k = 0; ok && k < n; k++) {
                size_t s = (size_t)(got[k] - berth_services);
                ok = s < berth_service_count && own[s] && (k == 0 || got[k - 1] < got[k]);
            }
            if (!ok && bad++ < 5)
                printf("FAIL: %s %u: %zu owners, the flow table gives %zu\n", t ? "udp" : "tcp",
                       port, n, want);
            checked++;
        }
    }
    bad += berth_port_owners(0, 80, got, 1) != 0 || berth_port_owners(BERTH_TCP, 65536, got, 1) != 0;
    if (bad) printf("FAIL: %zu of %zu ports disagree\n", bad, checked);
    free(own);
    free(got);
    return bad != 0;
}
