/* registry.c: lookups over the compiled-in registries (registry.h). */
#include "registry.h"
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
