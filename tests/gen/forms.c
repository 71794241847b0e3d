/* forms.c: compiled against the C of tests/gen/forms.ports. The lookup
 * gives an even range its even ports only, `5960 up` runs to 65535 and is
 * dynamic, and the OS's ephemeral range belongs to no service; the flags
 * column says which is which. Exit 0 when it holds. */
#include <stdio.h>
#include <string.h>
#include "berth_policy.h"

static int owner_is(unsigned port, const char *name)
{
    const berth_service *o[4];
    size_t n = berth_port_owners(BERTH_UDP, port, o, 4);
    if (!name) return n == 0;
    return n == 1 && strcmp(o[0]->name, name) == 0;
}

int main(void)
{
    int failures = 0;
    struct { unsigned port; const char *owner; } want[] = {
        {5004, "media"}, {5005, "rtcp"}, {5006, "media"}, {5010, "media"}, {5011, "rtcp"},
        {5003, NULL}, {5012, NULL}, {5960, "media"}, {65535, "media"}, {40000, "media"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!owner_is(want[i].port, want[i].owner)) {
            printf("FAIL: udp %u is owned by %s\n", want[i].port,
                   want[i].owner ? want[i].owner : "nobody");
            failures++;
        }
    unsigned seen = 0;
    for (size_t i = 0; i < berth_flow_count; i++) {
        const berth_flow *f = &berth_flows[i];
        if (f->lo == 5004) seen |= (f->flags == BERTH_FLOW_EVEN) << 0;
        if (f->lo == 5005) seen |= (f->flags == BERTH_FLOW_ODD) << 1;
        if (f->lo == 5960) seen |= (f->hi == 65535 && f->flags == (BERTH_FLOW_OPEN | BERTH_FLOW_DYNAMIC)) << 2;
        if (f->proto == BERTH_UDP && (f->flags & BERTH_FLOW_EPHEMERAL))
            seen |= (f->lo == 32768 && f->hi == 60999) << 3;   /* web runs Linux */
        if (f->proto == BERTH_TCP) seen |= (f->flags == BERTH_FLOW_SRC_EPHEMERAL) << 4;
    }
    if (seen != 31) {
        printf("FAIL: flags column (seen %u of 31)\n", seen);
        failures++;
    }
    return failures != 0;
}
