#!/usr/bin/env python3
# mkpolicy.py: writes a synthetic policy of N flows for timing berth:
# 20 systems, N flows spread over services, single ports (70%) and ranges,
# tcp (70%) or udp, between roles; a site runs every role on 50 hosts.
# Deterministic for a given N and seed. Usage: mkpolicy.py N [SEED] > big.ports
#
# Options (the defaults give the output above, byte for byte):
#   --endpoints roles|groups|addrs  the endpoint of each flow: a role (default),
#       a multicast group (udp; one in ten a group range), or an address
#       (half single hosts, half /24 subnets of 10.128.0.0/9)
#   --no-site   leave the site out (check, gen c and gen docs need none)
#   --fw        make the site one gen fw accepts: it waives bind-conflict
#       (random ports collide by chance) and binds every system's zone to
#       10.0.0.0/16, the hosts' network, so that peers of roles no host
#       runs resolve to it (else unknown-peer, an error in gen fw)
import argparse
import random

ap = argparse.ArgumentParser(description="synthetic berth policy of N flows")
ap.add_argument("n", type=int)
ap.add_argument("seed", type=int, nargs="?", default=1)
ap.add_argument("--endpoints", choices=("roles", "groups", "addrs"), default="roles")
ap.add_argument("--no-site", dest="site", action="store_false")
ap.add_argument("--fw", action="store_true")
args = ap.parse_args()

n = args.n
rng = random.Random(args.seed)
systems = 20
per_sys = n // systems
out = []


def endpoint(b):
    if args.endpoints == "roles":
        return "r%d" % b
    if args.endpoints == "groups":
        g = rng.randrange(1 << 16)
        grp = "239.%d.%d.%d" % (b + 1, g >> 8, g & 255)
        if rng.random() < 0.1:
            return "group %s - 239.%d.%d.%d" % (grp, b + 1, g >> 8, min(255, (g & 255) + 3))
        return "group " + grp
    a = rng.randrange(1 << 16)
    if rng.random() < 0.5:
        return "10.%d.%d.%d" % (128 + b, a >> 8, (a & 255) or 1)
    return "10.%d.%d.0/24" % (128 + b, a >> 8)


for s in range(systems):
    out.append('system s%d "synthetic %d" {' % (s, s))
    out.append('    zone z "zone";')
    for r in range(10):
        out.append('    role r%d "role %d";' % (r, r))
    for k in range(0, per_sys, 10):
        out.append('    service v%d "service %d" {' % (k, k))
        for j in range(min(10, per_sys - k)):
            lo = rng.randint(1024, 60000)
            port = str(lo) if rng.random() < 0.7 else "%d-%d" % (lo, lo + rng.randint(1, 200))
            proto = "tcp" if rng.random() < 0.7 else "udp"
            a, b = rng.randrange(10), rng.randrange(10)
            if args.endpoints == "groups":
                proto = "udp"
            out.append('        %s %s r%d -> %s in z;' % (proto, port, a, endpoint(b)))
        out.append('    }')
    out.append('}')
if args.site:
    out.append('site big "synthetic site" {')
    if args.fw:
        out.append('    allow bind-conflict because "synthetic: random ports collide by chance";')
        for s in range(systems):
            out.append('    network s%d.z 10.0.0.0/16;' % s)
    for h in range(50):
        s = h % systems
        out.append('    host h%d 10.0.%d.%d { os linux; runs s%d.r%d, s%d.r%d; }'
                   % (h, h // 250, h % 250 + 1, s, h % 10, s, (h + 5) % 10))
    out.append('}')
print("\n".join(out))
