#!/usr/bin/env python3
# mutate.py: a small seeded mutation fuzzer for berth. Takes the bundled
# policies and test inputs as seeds, mutates them (byte flips, splices,
# deletions, repeated chunks, token swaps, hostile bytes) and runs the
# sanitizer build of `berth check`, `berth fmt` and `berth explain` (over the
# flow table, and on the hosts of the first site named in the input) on each
# from stdin. Any exit other than 0/1 (explain: 2 for a site that did not
# survive the mutation), any sanitizer report or a run over 10 s is a
# failure; the input is saved under tests/fuzz/crash-N.ports. Usage:
#   mutate.py BERTH N SEED   -> prints "N passed, N failed"
import glob
import os
import random
import re
import subprocess
import sys

berth, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
seeds = []
for pattern in ("policies/*.ports", "tests/bad/*.ports", "tests/seeds/*.ports", "tests/fmt/*.ports"):
    for path in sorted(glob.glob(pattern)):
        with open(path, "rb") as f:
            seeds.append(f.read())
tokens = [b"{", b"}", b";", b"(", b")", b"->", b"<->", b"..", b"$", b"\"", b"/*", b"#", b"\x00",
          b"65536", b"0", b"4294967296", b"99999999999999999999", b"224.0.0.1", b"1.2.3.4/33",
          b"system", b"site", b"host", b"allow", b"because", b"group", b"pool", b"count",
          b"tcp+udp", b"from", b"local", b"in", b"optional", b"import", b"\xff\xfe", b"\n"]


def mutate(data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(data))
        if op == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            data[pos:pos] = rng.choice(tokens)
        elif op == 2 and data:
            end = min(len(data), pos + rng.randint(1, 40))
            del data[pos:end]
        elif op == 3 and data:
            a = rng.randrange(len(data))
            chunk = data[a:a + rng.randint(1, 60)]
            data[pos:pos] = chunk * rng.randint(1, 50)
        elif op == 4:
            other = rng.choice(seeds)
            a = rng.randint(0, len(other))
            data[pos:pos] = other[a:a + rng.randint(1, 200)]
        else:
            data[pos:pos] = b"(" * rng.randint(1, 100) + b"1" + b"+1" * rng.randint(0, 300)
    return bytes(data)


env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
passed = failed = 0
for i in range(count):
    data = mutate(rng.choice(seeds))
    bad = None
    runs = [["check", "--color=never", "-"], ["fmt", "-"], ["explain", "udp", "1-65535", "-"]]
    site = re.search(rb"\bsite\s+([A-Za-z_][A-Za-z0-9_]*)", data)
    if site:
        runs.append(["explain", "tcp", "1-65535", "--site", site.group(1).decode(), "-"])
    for args in runs:
        try:
            r = subprocess.run([berth] + args, input=data, capture_output=True, timeout=10, env=env)
            gone = r.returncode == 2 and args[0] == "explain" and b"berth: no site" in r.stderr
            if (r.returncode not in (0, 1) and not gone) or b"Sanitizer" in r.stderr or \
                    b"runtime error" in r.stderr:
                bad = "%s exit %d: %s" % (args[0], r.returncode, r.stderr[-400:].decode("utf-8", "replace"))
        except subprocess.TimeoutExpired:
            bad = "%s timed out" % args[0]
        if bad:
            break
    if bad:
        failed += 1
        path = "tests/fuzz/crash-%d-%d.ports" % (seed, i)
        with open(path, "wb") as f:
            f.write(data)
        print("FAIL: %s (input saved as %s)" % (bad, path))
    else:
        passed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
