#!/usr/bin/env python3
"""roundtrip.py: does a firewalld service survive berth import and berth gen fw?

usage: roundtrip.py SERVICES-DIR IMPORTED.ports GEN-DIR EXCEPTIONS.txt

For every SERVICES-DIR/*.xml, the original's ports, source ports and IPv4
and IPv6 destinations (includes expanded, each included file with its own
destination) are compared with the union of the regenerated GEN-DIR/services
files that came from it (their <short> is "berth SYSTEM.IDENT"; IDENT maps
back to the file through the "# firewalld service 'NAME'" comment above each
service of IMPORTED.ports). Ports compare as sets of numbers per (kind,
protocol, destination): the host view merges adjacent ranges.

A service that cannot round-trip (a protocol berth lacks, or a difference) is an exception "NAME: reason; reason". The
exceptions found must be exactly the lines of EXCEPTIONS.txt ('#' comments
and blank lines aside). Prints a summary; exit 0 when everything matches.
"""
import glob
import ipaddress
import os
import re
import socket
import sys
import xml.etree.ElementTree as ET


def ports(text):
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


def ipv4(text):
    return text if "/" in text else text + "/32"


def number(proto):
    """An IP protocol as firewalld takes it: a name from /etc/protocols or a number."""
    return int(proto) if proto.isdigit() else socket.getprotobyname(proto)


def ipv6(text):
    """RFC 5952 text with the prefix length, as berth writes it."""
    return ipaddress.ip_network(text, strict=False).with_prefixlen


def original(directory, name, stack=()):
    """(facts, reasons): facts are (kind, proto, lo, hi, dest) tuples."""
    root = ET.parse(os.path.join(directory, name + ".xml")).getroot()
    dest = root.find("destination")
    d4 = dest.get("ipv4") if dest is not None else None
    d6 = dest.get("ipv6") if dest is not None else None
    facts, reasons = set(), set()
    dests = ([ipv4(d4)] if d4 else []) + ([ipv6(d6)] if d6 else []) or [None]
    for el in root:
        proto = el.get("protocol")
        if el.tag == "port" and proto not in ("tcp", "udp") and not el.get("port"):
            n = number(proto)                     # a protocol without ports
            for d in dests:
                facts.add(("protocol", str(n), n, n, d))
        elif el.tag in ("port", "source-port"):
            if proto not in ("tcp", "udp") or not el.get("port"):
                reasons.add("protocol %s%s: berth's flows are tcp and udp"
                            % (proto, "" if el.get("port") else " (no port)"))
            else:
                lo, hi = ports(el.get("port"))
                for d in dests:
                    facts.add((el.tag, proto, lo, hi, d))
        elif el.tag == "protocol":
            n = number(el.get("value"))
            for d in dests:
                facts.add(("protocol", str(n), n, n, d))
        elif el.tag == "include" and el.get("service") not in stack + (name,):
            f, r = original(directory, el.get("service"), stack + (name,))
            facts |= f
            reasons |= r
    return facts, reasons


def regenerated(gen_dir, ident_to_name):
    facts = {}
    for path in sorted(glob.glob(os.path.join(gen_dir, "services", "*.xml"))):
        root = ET.parse(path).getroot()
        ident = root.findtext("short").split(".", 1)[1]
        name = ident_to_name[ident.lower()]
        dest = root.find("destination")
        d = None
        if dest is not None:
            d = ipv4(dest.get("ipv4")) if dest.get("ipv4") else ipv6(dest.get("ipv6"))
        for el in root:
            if el.tag in ("port", "source-port"):
                lo, hi = ports(el.get("port"))
                facts.setdefault(name, set()).add((el.tag, el.get("protocol"), lo, hi, d))
            elif el.tag == "protocol":
                n = number(el.get("value"))
                facts.setdefault(name, set()).add(("protocol", str(n), n, n, d))
    return facts


def normal(facts):
    """Every port number per (kind, protocol, destination)."""
    out = {}
    for kind, proto, lo, hi, dest in facts:
        out.setdefault((kind, proto, dest or ""), set()).update(range(lo, hi + 1))
    return out


def show(n):
    """A set of numbers as ranges, for a message."""
    runs, nums = [], sorted(n)
    for x in nums:
        if runs and x == runs[-1][1] + 1:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    return ",".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in runs)


def difference(orig, regen):
    a, b = normal(orig), normal(regen)
    out = []
    for key in sorted(set(a) | set(b)):
        lost, extra = a.get(key, set()) - b.get(key, set()), b.get(key, set()) - a.get(key, set())
        what = "%s %s%s" % (key[0], key[1], " to " + key[2] if key[2] else "")
        if lost:
            out.append("lost %s %s" % (what, show(lost)))
        if extra:
            out.append("extra %s %s" % (what, show(extra)))
    return out


def main():
    services_dir, imported, gen_dir, expected_file = sys.argv[1:5]
    ident_to_name, origin = {}, None
    for line in open(imported, encoding="utf-8"):
        m = re.match(r"\s*# firewalld service '([^']+)'", line)
        if m:
            origin = m.group(1)
        m = re.match(r"\s*service (\w+) ", line)
        if m and origin:
            ident_to_name[m.group(1).lower()] = origin
            origin = None
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(services_dir, "*.xml")))
    regen = regenerated(gen_dir, ident_to_name)
    exceptions, exact = [], 0
    for name in names:
        orig, reasons = original(services_dir, name)
        problems = sorted(reasons) + difference(orig, regen.get(name, set()))
        if problems:
            exceptions.append("%s: %s" % (name, "; ".join(problems)))
        else:
            exact += 1
    expected = [l.rstrip("\n") for l in open(expected_file, encoding="utf-8")
                if l.strip() and not l.startswith("#")]
    print("%d services, %d imported, %d round-trip exactly, %d exceptions"
          % (len(names), len(ident_to_name), exact, len(exceptions)))
    ok = len(ident_to_name) == len(names)
    if not ok:
        print("imported %d services, not %d" % (len(ident_to_name), len(names)))
    for line in sorted(set(exceptions) - set(expected)):
        print("unexpected exception: " + line)
        ok = False
    for line in sorted(set(expected) - set(exceptions)):
        print("expected exception missing: " + line)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
