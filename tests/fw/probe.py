#!/usr/bin/env python3
"""probe.py: proves with real packets which ports a firewall file lets through.

A syntax check cannot show what a loaded ruleset really accepts. This script
loads the file under test (nftables or iptables) into a network namespace of
its own that holds the host's address, sends TCP SYNs and UDP datagrams to it
from a second namespace, from each allowed peer and from a stranger, and
records which packets the ruleset accepted (a probe table hooked on input
after every filter adds them to dynamic sets). The result of every probe is
compared with an exact evaluator of the view's unicast in-rules
(`berth flows --format=json`). Probes: every declared port (range ends, a few
interior ports, the outer neighbours lo-1 and hi+1), each source-port range
the same way, and a seeded random sample of undeclared ports.

Nothing outside the two namespaces is touched: the veth pair is created
inside them and all addresses live only there; they are deleted in a
`finally`, on failure and on Ctrl-C too. Exit 0: no mismatch, some declared
port passed and some probe was dropped (so the test could fail); 1: test
failed; 2: usage or setup error; 77: skipped (cannot create namespaces).

    probe.py --kind nftables|iptables --rules FILE --view VIEW.json [--seed N] [--sample 1000]
"""
import argparse
import ipaddress
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

PROBE_PRIORITY = 1000     # the probe chain must run after every filter on input
WAIT_AFTER_SEND = 0.5     # seconds before the sets are read back
MAX_PROBES = 400_000      # keeps a run well under 60 s
MAX_PEERS = 16            # allowed-peer source addresses at most
MAX_SHOWN = 40            # mismatches printed in full
SRV_VETH, CLI_VETH = "vs", "vc"


# ---------------------------------------------------------------- the view

def load_view(path):
    """The host address and the view's unicast IPv4 in-rules (what is probed)."""
    with open(path, encoding="utf-8") as f:
        view = json.load(f)
    host = ipaddress.IPv4Address(view["host"]["address"])
    rules, skipped = [], 0
    for r in view["rules"]:
        if r["direction"] != "in":
            continue
        if r.get("family", "ipv4") != "ipv4" or r.get("daddrs") or r.get("multicast"):
            skipped += 1          # multicast groups and other families are not probed
            continue
        rules.append({
            "proto": r["proto"],
            "saddrs": [ipaddress.IPv4Network(a, strict=False) for a in r["saddrs"]],
            "sports": [(p["lo"], p["hi"]) for p in r["sports"]],
            "dports": [(p["lo"], p["hi"]) for p in r["dports"]],
        })
    return view["host"].get("name", "?"), host, rules, skipped


def in_ranges(port, ranges):
    return any(lo <= port <= hi for lo, hi in ranges)


def rule_matches(rule, proto, saddr, sport, dport):
    return (rule["proto"] == proto
            and (not rule["saddrs"] or any(saddr in net for net in rule["saddrs"]))
            and (not rule["sports"] or in_ranges(sport, rule["sports"]))
            and (not rule["dports"] or in_ranges(dport, rule["dports"])))


def view_allows(rules, proto, saddr, sport, dport):
    """The exact expected verdict for a packet to the host's own address."""
    saddr = ipaddress.IPv4Address(saddr)
    return any(rule_matches(r, proto, saddr, sport, dport) for r in rules)


# ---------------------------------------------------------- choosing probes

NOT_A_SOURCE = [ipaddress.IPv4Network(n) for n in
                ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3")]


def usable_source(addr, host):
    """An address a packet may come from (not the host, loopback, multicast...)."""
    return addr != host and not any(addr in n for n in NOT_A_SOURCE)


def first_addresses(net, host):
    """Candidate peers inside net: the host's own /24 first when net holds it
    (a 10.0.0.0/8 peer is simulated next door), then net's first addresses."""
    near = ipaddress.IPv4Network(f"{host}/24", strict=False)
    pool = list(near.hosts()) if host in net and net.prefixlen < 24 else []
    pool += [addr for _, addr in zip(range(256), net)]
    edges = () if net.prefixlen >= 31 else (net.network_address, net.broadcast_address)
    return [addr for addr in pool if usable_source(addr, host) and addr not in edges]


def choose_peer_sources(host, rules):
    """One address inside every distinct saddrs CIDR, most specific CIDR first,
    preferring one outside the narrower CIDRs (so 10.0.10.0/24 gets an address
    that is not the /32 peer inside it, and the narrower rule can be told apart)."""
    nets = sorted({n for r in rules for n in r["saddrs"]},
                  key=lambda n: (-n.prefixlen, int(n.network_address)))
    chosen = []
    for i, net in enumerate(nets):
        candidates = [a for a in first_addresses(net, host) if a not in chosen]
        outside = [a for a in candidates if not any(a in n for n in nets[:i])]
        if outside or candidates:
            chosen.append((outside or candidates)[0])
        if len(chosen) >= MAX_PEERS:
            print(f"note: only the first {MAX_PEERS} peer networks get a source address")
            break
    return chosen


def choose_stranger(host, rules, taken):
    """An address in no rule's saddrs: the host's /24 (.200-.254) first, then TEST-NETs."""
    all_nets = [n for r in rules for n in r["saddrs"]]
    base = int(host) & 0xFFFFFF00
    candidates = [ipaddress.IPv4Address(base + i) for i in range(254, 199, -1)]
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"):
        candidates += list(ipaddress.IPv4Network(net).hosts())
    for addr in candidates:
        if usable_source(addr, host) and addr not in taken and not any(addr in n for n in all_nets):
            return addr
    return None


def choose_fixed_sport(rules):
    """A source port outside every rule's source-port ranges."""
    all_sports = [r for rule in rules for r in rule["sports"]]
    for port in list(range(40000, 65536)) + list(range(1024, 40000)):
        if not in_ranges(port, all_sports):
            return port
    return None


def port_points(ranges, rng, interior=3):
    """Range ends, up to `interior` ports inside, and the outer neighbours."""
    points = set()
    for lo, hi in ranges:
        points |= {lo, hi, lo - 1, hi + 1}
        inside = range(lo + 1, hi)
        points |= set(rng.sample(inside, min(interior, len(inside))))
    return sorted(p for p in points if 1 <= p <= 65535)


def plan_probes(rules, sources, fixed_sport, sample, rng):
    """Every probe as (proto, source, sport, dport) -> kind, kind in
    declared / neighbour / sample / sport."""
    probes = {}

    def add(proto, sport, dport, kind):
        for src in sources:
            probes.setdefault((proto, str(src), sport, dport), kind)

    for proto in ("tcp", "udp"):
        declared = [rg for r in rules if r["proto"] == proto for rg in r["dports"]]
        for port in port_points(declared, rng):
            add(proto, fixed_sport, port, "declared" if in_ranges(port, declared) else "neighbour")
        undeclared = [p for p in range(1, 65536) if not in_ranges(p, declared)]
        for port in sorted(rng.sample(undeclared, min(sample, len(undeclared)))):
            add(proto, fixed_sport, port, "sample")
    for r in rules:                    # rules that fix the peer's source port
        if not r["sports"]:
            continue
        dports = port_points(r["dports"], rng) if r["dports"] else rng.sample(range(1, 65536), 16)
        for sport in port_points(r["sports"], rng):
            for dport in dports:
                add(r["proto"], sport, dport, "sport")
    return probes


# ------------------------------------------------------------- namespaces

def run(args, ns=None, stdin=None, timeout=20, check=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + args
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {(p.stderr or p.stdout).strip()}")
    return p


def ip_batch(ns, lines):
    run(["ip", "-n", ns, "-batch", "-"], stdin="\n".join(lines) + "\n")


def link_mac(ns, dev):
    return json.loads(run(["ip", "-n", ns, "-j", "link", "show", "dev", dev]).stdout)[0]["address"]


def create_namespaces(srv, cli):
    """Server and client namespaces joined by a veth pair created inside them."""
    p = subprocess.run(["ip", "netns", "add", srv], capture_output=True, text=True)
    if p.returncode != 0:
        return p.stderr.strip() or f"exit {p.returncode}"
    run(["ip", "netns", "add", cli])
    run(["ip", "-n", srv, "link", "add", SRV_VETH, "type", "veth", "peer", "name", CLI_VETH, "netns", cli])
    return None


def wire_addresses(srv, cli, host, sources):
    """Host /32 on the server end, every source /32 on the client end, routes
    and static neighbour entries both ways (no ARP race)."""
    ip_batch(srv, ["link set lo up", f"addr add {host}/32 dev {SRV_VETH}", f"link set {SRV_VETH} up"])
    ip_batch(cli, ["link set lo up"] + [f"addr add {s}/32 dev {CLI_VETH}" for s in sources]
             + [f"link set {CLI_VETH} up", f"route add {host}/32 dev {CLI_VETH}"])
    ip_batch(srv, [f"route add {s}/32 dev {SRV_VETH}" for s in sources])
    srv_mac, cli_mac = link_mac(srv, SRV_VETH), link_mac(cli, CLI_VETH)
    ip_batch(cli, [f"neigh replace {host} lladdr {srv_mac} dev {CLI_VETH} nud permanent"])
    ip_batch(srv, [f"neigh replace {s} lladdr {cli_mac} dev {SRV_VETH} nud permanent" for s in sources])


def delete_namespaces(*names):
    for ns in names:
        if os.path.exists(f"/run/netns/{ns}"):
            p = subprocess.run(["ip", "netns", "del", ns], capture_output=True, text=True)
            if p.returncode != 0:
                print(f"warning: could not delete namespace {ns}: {p.stderr.strip()}", file=sys.stderr)


# ------------------------------------------------------ rules and the probe table

def load_rules_under_test(kind, ns, path):
    if kind == "nftables":
        run(["nft", "-f", path], ns=ns)
    else:
        run(["iptables-restore", "--noflush", path], ns=ns)
        run(["iptables", "-I", "INPUT", "-j", "BERTH-IN"], ns=ns)


def add_probe_table(ns, host):
    """Records (saddr . sport . dport) of every SYN and datagram that got through."""
    sets = "".join(f"""
        set seen_{p} {{ type ipv4_addr . inet_service . inet_service; flags dynamic; size 1048576; }}"""
                   for p in ("tcp", "udp"))
    run(["nft", "-f", "-"], ns=ns, stdin=f"""
    table inet probe {{{sets}
        chain input {{
            type filter hook input priority {PROBE_PRIORITY}; policy accept;
            iifname "{SRV_VETH}" ip daddr {host} tcp flags & (syn | ack) == syn add @seen_tcp {{ ip saddr . tcp sport . tcp dport }}
            iifname "{SRV_VETH}" ip daddr {host} meta l4proto udp add @seen_udp {{ ip saddr . udp sport . udp dport }}
        }}
    }}""")


def late_input_chains(ns):
    """Input base chains of the file under test that would run after the probe chain."""
    out = json.loads(run(["nft", "-j", "list", "chains"], ns=ns).stdout)
    late = []
    for item in out["nftables"]:
        c = item.get("chain")
        if c and c.get("hook") == "input" and c.get("table") != "probe":
            prio = c.get("prio", 0)
            if not isinstance(prio, int) or prio >= PROBE_PRIORITY:
                late.append(f"{c['family']} {c['table']} {c['name']} (priority {prio})")
    return late


def read_seen(ns):
    seen = set()
    for proto in ("tcp", "udp"):
        out = json.loads(run(["nft", "-j", "list", "set", "inet", "probe", f"seen_{proto}"], ns=ns).stdout)
        for item in out["nftables"]:
            for elem in item.get("set", {}).get("elem", []):
                if "elem" in elem:                  # an element with timeout/expiry
                    elem = elem["elem"]["val"]
                addr, sport, dport = elem["concat"]
                seen.add((proto, addr, port_number(sport), port_number(dport)))
    return seen


def port_number(value):
    return value if isinstance(value, int) else socket.getservbyname(value)


# ------------------------------------------------------------ sending

def send_probes(cli, host, probes, udp_copies):
    """Runs this script in the client namespace; returns its send errors."""
    job = json.dumps({"dst": str(host), "udp_copies": udp_copies, "probes": sorted(probes)})
    p = run([sys.executable, os.path.abspath(__file__), "--send"], ns=cli, stdin=job, timeout=40)
    return json.loads(p.stdout)["errors"]


def sender_main():
    """Client side: one non-blocking SYN per TCP probe, datagrams for UDP."""
    job = json.load(sys.stdin)
    dst, errors, udp_socks = job["dst"], [], {}
    for proto, src, sport, dport in job["probes"]:
        try:
            if proto == "tcp":
                send_tcp_syn(src, sport, dst, dport)
            else:
                key = (src, sport)
                if key not in udp_socks:
                    udp_socks[key] = bound_socket(socket.SOCK_DGRAM, src, sport)
                for _ in range(job["udp_copies"]):
                    udp_socks[key].sendto(b"berth-probe", (dst, dport))
        except OSError as e:
            errors.append(f"{proto} {src}:{sport} -> {dport}: {e}")
    for s in udp_socks.values():
        s.close()
    json.dump({"errors": errors[:20] + ([f"... {len(errors) - 20} more"] if len(errors) > 20 else [])},
              sys.stdout)


def bound_socket(kind, src, sport):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    return s


def send_tcp_syn(src, sport, dst, dport):
    s = bound_socket(socket.SOCK_STREAM, src, sport)
    try:
        s.setblocking(False)
        rc = s.connect_ex((dst, dport))      # the SYN leaves now; closing sends nothing
        if rc not in (0, 115):                # EINPROGRESS
            raise OSError(rc, os.strerror(rc))
    finally:
        s.close()


# ------------------------------------------------------------- main

def report(passed, failed):
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def parse_args():
    ap = argparse.ArgumentParser(description="Prove a firewall file with real packets inside namespaces.")
    ap.add_argument("--kind", choices=("nftables", "iptables"))
    ap.add_argument("--rules", help="the generated file under test")
    ap.add_argument("--view", help="berth flows --site S --host H --format=json output")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--sample", type=int, default=1000, help="undeclared ports per protocol (65535: all)")
    ap.add_argument("--send", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.send and not (args.kind and args.rules and args.view):
        ap.error("--kind, --rules and --view are required")
    return args


def stop_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    args = parse_args()
    if args.send:
        return sender_main()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    print(f"seed: {seed}")
    rng = random.Random(seed)
    started = time.monotonic()
    name, host, rules, skipped = load_view(args.view)
    peers = choose_peer_sources(host, rules)
    stranger = choose_stranger(host, rules, peers)
    sources = peers + ([stranger] if stranger else [])
    fixed_sport = choose_fixed_sport(rules)
    if not sources or fixed_sport is None:
        print("error: no usable source address or source port for this view", file=sys.stderr)
        return 2
    probes = plan_probes(rules, sources, fixed_sport, max(0, args.sample), rng)
    if len(probes) > MAX_PROBES:
        print(f"error: {len(probes)} probes, more than {MAX_PROBES}; lower --sample", file=sys.stderr)
        return 2
    print(f"view: host {name} {host}, {len(rules)} unicast in-rules"
          + (f" ({skipped} multicast/other in-rules not probed)" if skipped else ""))
    print("sources: " + ", ".join([f"{p} (peer)" for p in peers] + ([f"{stranger} (stranger)"] if stranger else []))
          + f"; source port {fixed_sport}")
    missing = [t for t in ("ip", "nft") + (("iptables-restore", "iptables") if args.kind == "iptables" else ())
               if not shutil.which(t)]
    if missing:
        print(f"skipped: cannot create network namespaces (missing {', '.join(missing)})")
        return 77

    tag = f"{os.getpid()}"
    srv, cli = f"berth-probe-srv-{tag}", f"berth-probe-cli-{tag}"
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
    try:
        why = create_namespaces(srv, cli)
        if why:
            print(f"skipped: cannot create network namespaces ({why})")
            return 77
        wire_addresses(srv, cli, host, sources)
        try:
            load_rules_under_test(args.kind, srv, os.path.abspath(args.rules))
        except RuntimeError as e:
            print(f"FAIL: the rules file does not load: {e}")
            return report(0, 1)
        add_probe_table(srv, host)
        late = late_input_chains(srv)
        if late:
            print("FAIL: input chains run after the probe chain, results would lie: " + "; ".join(late))
            return report(0, 1)

        udp_copies = 2 if len(probes) < 500 else 1
        errors = send_probes(cli, host, probes, udp_copies)
        time.sleep(WAIT_AFTER_SEND)
        seen = read_seen(srv)
        # A packet lost in transit can only look like a drop: resend the
        # expected passes that did not arrive, once, before judging.
        lost = [k for k in probes if k not in seen and view_allows(rules, k[0], k[1], k[2], k[3])]
        if lost and not errors:
            errors = send_probes(cli, host, lost, 2)
            time.sleep(WAIT_AFTER_SEND)
            seen = read_seen(srv)
            print(f"note: resent {len(lost)} expected-pass probes that had not arrived")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)     # let the cleanup finish
        delete_namespaces(srv, cli)
    return judge(probes, rules, seen, errors, time.monotonic() - started)


def judge(probes, rules, seen, errors, elapsed):
    mismatches, declared_passed, dropped = [], 0, 0
    for key, kind in sorted(probes.items()):
        expected, got = view_allows(rules, *key), key in seen
        if expected != got:
            mismatches.append((key, kind, expected, got))
        declared_passed += got and kind in ("declared", "sport")
        dropped += not got
    verdict = {True: "pass", False: "drop"}
    for (proto, src, sport, dport), kind, expected, got in mismatches[:MAX_SHOWN]:
        print(f"mismatch: {proto} from {src}:{sport} to port {dport} ({kind}): "
              f"expected {verdict[expected]}, got {verdict[got]}")
    if len(mismatches) > MAX_SHOWN:
        print(f"mismatch: ... and {len(mismatches) - MAX_SHOWN} more")
    failed = len(mismatches)
    for e in errors:
        print(f"FAIL: send error: {e}")
    failed += bool(errors)
    if declared_passed == 0:
        print("FAIL: no declared port passed (nothing recorded, or the view declares no port)")
        failed += 1
    if dropped == 0:
        print("FAIL: no probe was dropped (this test could not fail)")
        failed += 1
    print(f"probe: {len(probes)} probes, {len(mismatches)} mismatches "
          f"({len(probes) - dropped} passed the firewall, {dropped} dropped; {elapsed:.1f} s)")
    return report(len(probes) - len(mismatches), failed)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
