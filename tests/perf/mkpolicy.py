#!/usr/bin/env python3
# mkpolicy.py: writes a synthetic policy of N flows for timing berth:
# 20 systems, N flows spread over services, single ports (70%) and ranges,
# tcp (70%) or udp, between roles; a site runs every role on 50 hosts.
# Deterministic for a given N and seed. Usage: mkpolicy.py N > big.ports
import random
import sys

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
systems = 20
per_sys = n // systems
out = []
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
            out.append('        %s %s r%d -> r%d in z;' % (proto, port, a, b))
        out.append('    }')
    out.append('}')
out.append('site big "synthetic site" {')
for h in range(50):
    s = h % systems
    out.append('    host h%d 10.0.%d.%d { os linux; runs s%d.r%d, s%d.r%d; }'
               % (h, h // 250, h % 250 + 1, s, h % 10, s, (h + 5) % 10))
out.append('}')
print("\n".join(out))
