/* cross.c: compiled against the C of tests/gen/cross.ports; a role of
 * another system is listed under that system's name. Exit 0 when it holds. */
#include <stdio.h>
#include <string.h>
#include "berth_policy.h"

int main(void)
{
    const berth_flow *f[8];
    int failures = 0;
    size_t n = berth_role_listens("igloo.tablet", f, 8);
    if (n != 1 || f[0]->lo != 8700 || strcmp(f[0]->endpoint, "igloo.tablet") != 0) {
        printf("FAIL: igloo.tablet listens on UDP 8700 (%zu flows)\n", n);
        failures++;
    }
    if (berth_role_listens("dante.tablet", f, 8) != 0) {
        printf("FAIL: dante.tablet does not exist\n");
        failures++;
    }
    n = berth_role_listens("dante.device", f, 8);
    if (n != 1 || strcmp(f[0]->source, "igloo.tablet") != 0) {
        printf("FAIL: dante.device listens on TCP 8900 from igloo.tablet\n");
        failures++;
    }
    for (size_t i = 0; i < berth_flow_count; i++)
        if (berth_flows[i].lo == 8800 && strcmp(berth_flows[i].endpoint, "zone igloo.lan") != 0) {
            printf("FAIL: TCP 8800 goes to zone igloo.lan, not %s\n", berth_flows[i].endpoint);
            failures++;
        }
    return failures != 0;
}
