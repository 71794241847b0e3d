/* owners.c: compiled against the C of a generated policy of many services
 * (run.sh: service sN of system big listens on TCP N % 60000 + 1). Every
 * service is among the owners of its port, and every owner of a port is a
 * service of that port. Exit 0 when every lookup holds. */
#include <stdio.h>
#include <stdlib.h>
#include "berth_policy.h"

static unsigned port_of(const berth_service *s) { return (unsigned)(atol(s->name + 1) % 60000 + 1); }

int main(void)
{
    const berth_service *o[8];
    size_t bad = 0;
    for (size_t i = 0; i < berth_service_count; i++) {
        unsigned port = port_of(&berth_services[i]);
        size_t n = berth_port_owners(BERTH_TCP, port, o, 8), found = 0;
        for (size_t k = 0; k < n && k < 8; k++) {
            found |= o[k] == &berth_services[i];
            bad += port_of(o[k]) != port;
        }
        bad += !found;
    }
    for (size_t i = 0; i < berth_flow_count; i++)
        bad += port_of(&berth_services[berth_flows[i].service]) != berth_flows[i].lo;
    if (bad) printf("FAIL: %zu wrong owners among %zu services\n", bad, berth_service_count);
    return bad != 0 || berth_service_count != 70000;
}
