#!/usr/bin/env python3
"""bench.py: times berth on synthetic policies (make bench; issue 9).

For 1k, 10k, 100k and 1M flows (tests/perf/mkpolicy.py N --fw: 20 systems,
a site of 50 Linux hosts), each of

    berth check P
    berth gen c -o DIR P
    berth gen docs -o DIR P          (PATH without `dot`: no SVG rendering)
    berth gen fw --template nftables --site big --os linux -o DIR P
    ferm --noexec --lines F          (F: the same rules as berth's nftables
                                      output for all 50 hosts, in ferm syntax)

runs BENCH_RUNS times (default 5, 1 at 1M), each under GNU time for its peak
RSS, and the medians are printed as Markdown tables. Then the C that gen c
writes for the largest size up to 100k is compiled (timed) with
tests/perf/lookup_bench.c, which compares the generated port lookup with a
linear scan over the flow table. Other shapes at 10k flows (3 runs): endpoints
that are multicast groups or addresses, and no site. A log-log plot of time against flows goes
to docs/performance.svg (BENCH_SVG overrides; empty: none).

Environment: BENCH_RUNS (runs per command and size), BENCH_MAX (largest
size, e.g. 100000 for a quick run), BENCH_TIMEOUT (seconds per run, default
600), BENCH_BERTH_FLAGS (more options for the timed berth commands, such
as `--max-memory 0`: berth caps its address space at 4G by default, which
gen docs and gen fw exceed at 1M flows), BERTH (the binary, default
./berth), CC (default cc).
Standard library only. Work files go to build/bench/.
"""
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "build", "bench")
SIZES = [1000, 10000, 100000, 1000000]
COMMANDS = ["check", "gen c", "gen docs", "gen fw nftables", "ferm"]


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


RUNS = env_int("BENCH_RUNS", 0)          # 0: 5, and 1 at 1M
MAX = env_int("BENCH_MAX", SIZES[-1])
TIMEOUT = env_int("BENCH_TIMEOUT", 600)
BERTH = os.path.abspath(os.path.join(ROOT, os.environ.get("BERTH") or "berth"))
CC = os.environ.get("CC") or "cc"
SVG = os.environ.get("BENCH_SVG", os.path.join(ROOT, "docs", "performance.svg"))
GNU_TIME = "/usr/bin/time"
BERTH_FLAGS = os.environ.get("BENCH_BERTH_FLAGS", "").split()   # e.g. --max-memory 0


VARIANT_N = 10000
VARIANT_RUNS = RUNS or 3
VARIANTS = [("roles, site", ["--fw"]), ("roles, no site", ["--no-site"]),
            ("groups, site", ["--fw", "--endpoints", "groups"]),
            ("addrs, site", ["--fw", "--endpoints", "addrs"])]


def runs_for(n):
    if RUNS:
        return RUNS
    return 1 if n >= 1000000 else 5


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def timed(argv, stdout=subprocess.DEVNULL, env=None, before=None):
    """One run of argv under GNU time: (wall s, cpu s, peak RSS KiB, exit)."""
    if before:
        before()
    tf = os.path.join(WORK, "time.out")
    cmd = [GNU_TIME, "-o", tf, "-f", "%U %S %M"] + argv
    out = open(stdout, "w") if isinstance(stdout, str) else None   # a file per run
    t0 = time.perf_counter()
    try:
        rc = subprocess.run(cmd, stdout=out or stdout, stderr=subprocess.DEVNULL, env=env,
                            timeout=TIMEOUT).returncode
    except subprocess.TimeoutExpired:
        return None
    finally:
        if out:
            out.close()
    wall = time.perf_counter() - t0
    with open(tf) as f:
        last = f.read().strip().splitlines()[-1]
    u, s, m = last.split()
    return wall, float(u) + float(s), int(m), rc


def measure(name, argv, runs, ok_rc=(0,), **kw):
    res = []
    for i in range(runs):
        r = timed(argv, **kw)
        if r is None:
            log("  %s: timed out after %d s" % (name, TIMEOUT))
            return {"timeout": TIMEOUT}
        if r[3] not in ok_rc:
            log("  %s: exited %d: %s" % (name, r[3], " ".join(argv)))
            return {"exit": r[3], "rss_mib": r[2] / 1024.0}
        res.append(r)
    walls = [r[0] for r in res]
    return {"wall": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(r[1] for r in res),
            "rss_mib": statistics.median(r[2] for r in res) / 1024.0, "runs": runs}


def rmtree(d):
    return lambda: shutil.rmtree(d, ignore_errors=True)


# ---- ferm: berth's nftables output for every host, in ferm syntax ----

SET_RE = re.compile(r"set (\w+) \{(.*?)\n\t\}", re.S)
ELEM_RE = re.compile(r"elements = \{(.*?)\}", re.S)


def nft_value(v, sets):
    """A match value of an nft rule as a list of ferm values."""
    if v.startswith("@"):
        return sets[v[1:]]
    return [v]


def ferm_port(p):
    return p.replace("-", ":")


def nft_to_ferm(hosts):
    """hosts: [(name, nft text)]. One ferm file: a chain per host and hook,
    every accept rule of the nftables output with its sets as ferm lists
    (ferm expands them into one iptables rule each, as iptables needs)."""
    out = ["# The rules of berth's nftables output for every host, for ferm.",
           "domain ip table filter {",
           "  chain INPUT { policy DROP; mod state state INVALID DROP;",
           "    mod state state (ESTABLISHED RELATED) ACCEPT; interface lo ACCEPT;",
           "    proto icmp icmp-type (echo-request destination-unreachable time-exceeded"
           " parameter-problem) ACCEPT; }",
           "  chain OUTPUT policy ACCEPT;"]
    for host, text in hosts:
        sets = {}
        for m in SET_RE.finditer(text):
            e = ELEM_RE.search(m.group(2))
            sets[m.group(1)] = [x.strip() for x in e.group(1).split(",")] if e else []
        for hook in ("input", "output"):
            body = re.search(r"chain %s \{(.*?)\n\t\}" % hook, text, re.S)
            rules = []
            for line in (body.group(1).splitlines() if body else []):
                line = re.sub(r'\s*comment ".*"$', "", line.strip())
                if not line.endswith("counter accept"):
                    continue
                toks = line[:-len("counter accept")].split()
                if toks[:2] in (["ct", "state"], ["iif", '"lo"'], ["icmp", "type"],
                                ["icmpv6", "type"]):
                    continue
                r, i = [], 0
                while i < len(toks):
                    a, b = toks[i], toks[i + 1]
                    v = toks[i + 2] if i + 2 < len(toks) else None
                    if a == "ip" and b in ("saddr", "daddr"):
                        r.append("%s (%s)" % (b, " ".join(nft_value(v, sets))))
                        i += 3
                    elif a == "ip" and b == "protocol":
                        r.append("proto %s" % v)
                        i += 3
                    elif a in ("tcp", "udp") and b in ("dport", "sport"):
                        r.append("proto %s %s (%s)" % (a, b, " ".join(ferm_port(p) for p in nft_value(v, sets))))
                        i += 3
                    else:
                        raise SystemExit("bench: no ferm form for nft rule: %s" % line)
                rules.append("    %s ACCEPT;" % " ".join(r))
            chain = "%s_%s" % (host, hook)
            out.append("  chain %s {" % chain)
            out.extend(rules)
            out.append("  }")
            out.append("  chain %s jump %s;" % ("INPUT" if hook == "input" else "OUTPUT", chain))
    out.append("}")
    return "\n".join(out) + "\n"


# ---- output ----

def fmt_s(r):
    if not r:
        return "–"
    if "timeout" in r:
        return "> %d s (timed out)" % r["timeout"]
    if "exit" in r:
        return "failed: exit %d" % r["exit"]
    return "%.3f (%.3f–%.3f)" % (r["wall"], r["min"], r["max"])


def table(results, sizes):
    lines = ["| flows | command | runs | wall s median (min–max) | cpu s median | peak RSS MiB |",
             "|---:|---|---:|---|---:|---:|"]
    for n in sizes:
        for c in COMMANDS:
            r = results.get(str(n), {}).get(c)
            if not r:
                continue
            if "wall" not in r:
                lines.append("| %s | %s | 1 | %s | – | – |" % (f"{n:,}", c, fmt_s(r)))
            else:
                lines.append("| %s | %s | %d | %s | %.3f | %.1f |" % (
                    f"{n:,}", c, r["runs"], fmt_s(r), r["cpu"], r["rss_mib"]))
    return "\n".join(lines)


def growth_table(results, sizes):
    lines = ["| command | " + " | ".join("%s→%s" % (f"{a:,}", f"{b:,}") for a, b in zip(sizes, sizes[1:])) + " |",
             "|---|" + "---:|" * (len(sizes) - 1)]
    for c in COMMANDS:
        cells = []
        for a, b in zip(sizes, sizes[1:]):
            ra, rb = results.get(str(a), {}).get(c), results.get(str(b), {}).get(c)
            if not ra or not rb or "wall" not in ra or "wall" not in rb:
                cells.append("–")
            else:
                cells.append("×%.1f cpu (×%.1f wall)" % (rb["cpu"] / max(ra["cpu"], 1e-3),
                                                        rb["wall"] / ra["wall"]))
        lines.append("| %s | %s |" % (c, " | ".join(cells)))
    lines.append("")
    lines.append("n log n predicts ×%s for these steps; linear ×10." %
                 ", ×".join("%.1f" % (b * math.log(b) / (a * math.log(a))) for a, b in zip(sizes, sizes[1:])))
    return "\n".join(lines)


def ferm_table(results, sizes):
    lines = ["| flows | iptables rules ferm writes | berth gen fw wall s | ferm wall s | berth / ferm wall | berth / ferm cpu |",
             "|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        r = results.get(str(n), {})
        b, f = r.get("gen fw nftables"), r.get("ferm")
        if not b or not f or "wall" not in b or "wall" not in f:
            continue
        lines.append("| %s | %s | %.3f | %.3f | %.3f | %.3f |" % (
            f"{n:,}", f"{r.get('ferm_rules', 0):,}", b["wall"], f["wall"], b["wall"] / f["wall"],
            b["cpu"] / max(f["cpu"], 1e-3)))
    return "\n".join(lines)


COLORS = {"check": "#1f77b4", "gen c": "#ff7f0e", "gen docs": "#2ca02c",
          "gen fw nftables": "#d62728", "ferm": "#7f7f7f"}


def svg_plot(results, sizes, path):
    W, H, L, R, T, B = 720, 460, 70, 170, 40, 50
    def series(key):
        return {c: [(n, max(results[str(n)][c][key], 0.001)) for n in sizes
                    if c in results.get(str(n), {}) and "wall" in results[str(n)][c]] for c in COMMANDS}
    pts, walls = series("cpu"), series("wall")
    ys = [t for d in (pts, walls) for c in d for _, t in d[c]] + [0.15, 2.0]
    ylo = 10 ** math.floor(math.log10(min(ys)))
    yhi = 10 ** math.ceil(math.log10(max(ys)))
    xlo, xhi = 10 ** math.floor(math.log10(min(sizes))), 10 ** math.ceil(math.log10(max(sizes)))
    if xhi == xlo:
        xhi *= 10

    def X(n):
        return L + (W - L - R) * (math.log10(n) - math.log10(xlo)) / (math.log10(xhi) - math.log10(xlo))

    def Y(t):
        return H - B - (H - T - B) * (math.log10(t) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo))

    o = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="sans-serif" font-size="12">' % (W, H, W, H),
         '<!-- Written by tests/perf/bench.py (make bench). -->',
         '<rect width="%d" height="%d" fill="white"/>' % (W, H),
         '<text x="%d" y="22" font-size="14">berth: time against flows, log-log (solid: cpu s, thin dotted: wall s; medians)</text>' % L]
    e = int(math.log10(ylo))
    while 10 ** e <= yhi * 1.0001:
        y = Y(10 ** e)
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, y, W - R, y))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%s s</text>' % (L - 6, y + 4, ("%g" % 10 ** e)))
        e += 1
    e = int(math.log10(xlo))
    while 10 ** e <= xhi:
        x = X(10 ** e)
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, T, x, H - B))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, H - B + 18, f"{10 ** e:,}"))
        e += 1
    o.append('<text x="%d" y="%d" text-anchor="middle">flows</text>' % ((L + W - R) // 2, H - 12))
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (L, T, W - L - R, H - T - B))
    # The targets: 0.15 s at 100k, 2 s at 1M.
    for n, t, label in ((100000, 0.15, "target 0.15 s"), (1000000, 2.0, "target 2 s")):
        if xlo <= n <= xhi and ylo <= t <= yhi:
            o.append('<path d="M%.1f %.1fl-6 -6h12z" fill="none" stroke="black"/>' % (X(n), Y(t)))
            o.append('<text x="%.1f" y="%.1f" text-anchor="end" font-size="10">%s</text>' % (X(n) - 8, Y(t) - 8, label))
    ly = T + 10
    for c in COMMANDS:
        p = pts[c]
        if not p:
            continue
        dash = ' stroke-dasharray="5 4"' if c == "ferm" else ""
        o.append('<polyline fill="none" stroke="%s" stroke-width="1" stroke-dasharray="1 3" points="%s"/>' % (
            COLORS[c], " ".join("%.1f,%.1f" % (X(n), Y(t)) for n, t in walls[c])))
        o.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>' % (
            COLORS[c], dash, " ".join("%.1f,%.1f" % (X(n), Y(t)) for n, t in p)))
        for n, t in p:
            o.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (X(n), Y(t), COLORS[c]))
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>' % (
            W - R + 12, ly, W - R + 36, ly, COLORS[c], dash))
        o.append('<text x="%d" y="%d">%s</text>' % (W - R + 42, ly + 4,
                                                     "ferm (same rules)" if c == "ferm" else "berth " + c))
        ly += 20
    o.append("</svg>")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(o) + "\n")
    os.replace(path + ".tmp", path)


# ---- main ----

def main():
    sizes = [n for n in SIZES if n <= MAX]
    if not sizes:
        raise SystemExit("bench: BENCH_MAX=%d is below the smallest size, 1000" % MAX)
    os.makedirs(WORK, exist_ok=True)
    nodot = os.path.join(WORK, "nodot-bin")     # an empty directory: PATH without dot
    os.makedirs(nodot, exist_ok=True)
    env_nodot = dict(os.environ, PATH=nodot)
    have_ferm = shutil.which("ferm") is not None
    results = {}
    for n in sizes:
        runs = runs_for(n)
        r = results[str(n)] = {}
        pol = os.path.join(WORK, "p%d.ports" % n)
        log("bench: %d flows: writing %s" % (n, os.path.relpath(pol, ROOT)))
        with open(pol, "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "tests/perf/mkpolicy.py"), str(n), "--fw"],
                           stdout=f, check=True)
        d = {c: os.path.join(WORK, "%s-%d" % (c.replace(" ", "-"), n)) for c in COMMANDS}
        cmds = {
            "check": [BERTH, "check", pol],
            "gen c": [BERTH, "gen", "c", "-o", d["gen c"], pol],
            "gen docs": [BERTH, "gen", "docs", "-o", d["gen docs"], pol],
            "gen fw nftables": [BERTH, "gen", "fw", "--template", "nftables", "--site", "big",
                                "--os", "linux", "-o", d["gen fw nftables"], pol],
        }
        for c, argv in cmds.items():
            argv = argv + BERTH_FLAGS
            log("bench: %d flows: berth %s, %d run(s)" % (n, c, runs))
            r[c] = measure(c, argv, runs, before=rmtree(d[c]),
                           env=env_nodot if c == "gen docs" else None)
        fw = d["gen fw nftables"]
        if have_ferm and os.path.isdir(fw) and "wall" in r["gen fw nftables"]:
            hosts = sorted((f[:-4], open(os.path.join(fw, f)).read())
                           for f in os.listdir(fw) if f.endswith(".nft"))
            fermf = os.path.join(WORK, "p%d.ferm" % n)
            with open(fermf, "w") as f:
                f.write(nft_to_ferm(hosts))
            lines = os.path.join(WORK, "p%d.ferm.out" % n)
            log("bench: %d flows: ferm --noexec --lines, %d run(s)" % (n, runs))
            r["ferm"] = measure("ferm", ["ferm", "--noexec", "--lines", fermf], runs, stdout=lines)
            if "wall" in r["ferm"]:
                with open(lines) as f:
                    r["ferm_rules"] = sum(1 for l in f if l.startswith("-A "))
        elif not have_ferm:
            log("bench: no ferm (sh .ci/deps bench installs it): no comparison")
        with open(os.path.join(WORK, "results-partial.json"), "w") as f:
            json.dump(results, f, indent=1)     # what a long run has so far

    # Other shapes of policy at 10k flows: endpoints that are multicast
    # groups or addresses instead of roles, and the roles without a site.
    vn = min(VARIANT_N, sizes[-1])
    variants = {}
    for v, opts in VARIANTS:
        pol = os.path.join(WORK, "v%d-%s.ports" % (vn, v))
        with open(pol, "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "tests/perf/mkpolicy.py"), str(vn)] + opts,
                           stdout=f, check=True)
        r = variants[v] = {}
        dd = os.path.join(WORK, "variant-out")
        cmds = {"check": [BERTH, "check", pol], "gen c": [BERTH, "gen", "c", "-o", dd, pol],
                "gen docs": [BERTH, "gen", "docs", "-o", dd, pol]}
        if "--no-site" not in opts:
            cmds["gen fw nftables"] = [BERTH, "gen", "fw", "--template", "nftables", "--site", "big",
                                       "--os", "linux", "-o", dd, pol]
        for c, argv in cmds.items():
            log("bench: %d flows, %s: berth %s, %d run(s)" % (vn, v, c, VARIANT_RUNS))
            r[c] = measure(c, argv, VARIANT_RUNS, before=rmtree(dd),
                           env=env_nodot if c == "gen docs" else None)

    # The generated C lookup: the largest size up to 100k.
    cn = max(n for n in sizes if n <= 100000)
    cdir = os.path.join(WORK, "gen-c-%d" % cn)
    subprocess.run([BERTH, "gen", "c", "-o", cdir, os.path.join(WORK, "p%d.ports" % cn)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    src = os.path.join(cdir, "berth_policy.c")
    comp = {}
    for opt in ("-O0", "-O2"):
        log("bench: compiling the generated C of %d flows with %s %s" % (cn, CC, opt))
        comp[opt] = measure("cc " + opt, [CC, "-std=c99", opt, "-c", "-o", os.path.join(WORK, "policy%s.o" % opt), src],
                            min(3, runs_for(cn)))
    exe = os.path.join(WORK, "lookup_bench")
    subprocess.run([CC, "-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I", cdir, "-o", exe,
                    os.path.join(ROOT, "tests/perf/lookup_bench.c"), os.path.join(WORK, "policy-O2.o")], check=True)
    lk = []
    for i in range(3):
        p = subprocess.run([exe, "2000000", "2000", str(i + 1)], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("bench: lookup_bench: the generated lookup and the scan disagree\n" + p.stderr)
        f = p.stdout.split()
        lk.append(dict(zip(f[0::2], map(float, f[1::2]))))
    lookup = {"flows": cn, "lookup_ns": statistics.median(x["lookup_ns"] for x in lk),
              "scan_ns": statistics.median(x["scan_ns"] for x in lk),
              "count_ns": statistics.median(x["count_ns"] for x in lk),
              "queries": int(lk[0]["queries"]), "scan_queries": int(lk[0]["scan_queries"]),
              "mismatches": int(sum(x["mismatches"] for x in lk))}

    # Report.
    print("## berth bench: %s, %d cpus, load %s\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                                     os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg())))
    print("Runs: %s; `gen docs` with PATH=%s (no `dot`).\n" % (
        ", ".join("%s: %d" % (f"{n:,}", runs_for(n)) for n in sizes), os.path.relpath(nodot, ROOT)))
    print(table(results, sizes) + "\n")
    if len(sizes) > 1:
        print("Growth per ×10 flows (median cpu s):\n")
        print(growth_table(results, sizes) + "\n")
    if have_ferm:
        print("berth gen fw (policy → nftables for 50 hosts) against ferm --noexec --lines on the same rules:\n")
        print(ferm_table(results, sizes) + "\n")
    print("Generated C at %s flows: %s -c berth_policy.c (%d KiB): -O0 %.2f s, -O2 %.2f s (median wall; cpu %.2f, %.2f)\n" % (
        f"{cn:,}", CC, os.path.getsize(src) // 1024, comp["-O0"]["wall"], comp["-O2"]["wall"],
        comp["-O0"]["cpu"], comp["-O2"]["cpu"]))
    print("Other policy shapes at %s flows (mkpolicy.py options), %d run(s) each:\n" % (f"{vn:,}", VARIANT_RUNS))
    print("| endpoints, site | command | wall s median (min–max) | cpu s median | peak RSS MiB |")
    print("|---|---|---|---:|---:|")
    for v, _ in VARIANTS:
        for c, r in variants[v].items():
            if "wall" not in r:
                print("| %s | %s | %s | – | – |" % (v, c, fmt_s(r)))
            else:
                print("| %s | %s | %s | %.3f | %.1f |" % (v, c, fmt_s(r), r["cpu"], r["rss_mib"]))
    print()
    print("| lookup (%s flows, random tcp/udp ports) | ns/query (cpu, median of 3) |" % f"{cn:,}")
    print("|---|---:|")
    print("| berth_port_owners (generated, %s queries) | %.1f |" % (f"{lookup['queries']:,}", lookup["lookup_ns"]))
    print("| berth_port_owners, count only (max 0) | %.1f |" % lookup["count_ns"])
    print("| linear scan of berth_flows (%s queries) | %.1f |" % (f"{lookup['scan_queries']:,}", lookup["scan_ns"]))
    print("\nBoth agree on all %s checked queries (%d mismatches)." % (f"{3 * lookup['scan_queries']:,}", lookup["mismatches"]))

    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump({"results": results, "variants": variants, "compile": comp, "lookup": lookup, "sizes": sizes,
                   "load": os.getloadavg()}, f, indent=1)
    if SVG:
        svg_plot(results, sizes, SVG)
        log("bench: wrote %s" % os.path.relpath(SVG, ROOT))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--replot":    # bench.py --replot results.json
        with open(sys.argv[2]) as f:
            d = json.load(f)
        svg_plot(d["results"], d["sizes"], SVG)
    else:
        main()
