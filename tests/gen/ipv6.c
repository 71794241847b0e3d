/* ipv6.c: the header gen c writes for tests/fw/ipv6.ports compiles, and
 * each IPv6 address macro's _ADDR6 bytes are what inet_pton gives for its
 * text (and each IPv4 one's _ADDR number is what inet_pton gives). */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "berth_policy.h"

static int check6(const char *text, const unsigned char want[16])
{
    unsigned char got[16];
    if (inet_pton(AF_INET6, text, got) != 1 || memcmp(got, want, 16) != 0) {
        fprintf(stderr, "%s: _ADDR6 differs from inet_pton\n", text);
        return 1;
    }
    return 0;
}

int main(void)
{
    static const unsigned char mdns[16] = BERTH_STUDIO_DISCOVERY_GROUP_ADDR6;
    static const unsigned char first[16] = BERTH_STUDIO_MEDIA_GROUP_FIRST_ADDR6;
    static const unsigned char last[16] = BERTH_STUDIO_MEDIA_GROUP_LAST_ADDR6;
    struct in_addr v4;
    int bad = check6(BERTH_STUDIO_DISCOVERY_GROUP, mdns) + check6(BERTH_STUDIO_MEDIA_GROUP_FIRST, first) +
              check6(BERTH_STUDIO_MEDIA_GROUP_LAST, last);
    if (inet_pton(AF_INET, BERTH_STUDIO_DISCOVERY_GROUP_2, &v4) != 1 ||
        ntohl(v4.s_addr) != BERTH_STUDIO_DISCOVERY_GROUP_2_ADDR) {
        fprintf(stderr, "224.0.0.251: _ADDR differs\n");
        bad++;
    }
    return bad != 0;
}
