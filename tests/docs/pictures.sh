#!/usr/bin/env bash
# pictures.sh: the pictures of `berth gen docs` for the bundled example
# site. The flow diagram has one box per subnet with each host in the box of
# its address, one edge per (source, destination) pair labelled with service
# names, one font and no overlapping labels; every host has a port map that
# is well-formed XML, with a lane per service it binds, its ephemeral range
# shaded, and the findings' bands labelled with their check ids. Prints
# "N passed, N failed, N skipped"; a step that cannot run here says
# "skipped: REASON". (The Archiver's map checked without waivers is a unit
# test: gen refuses a policy with errors.)
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
D=$tmp/docs
"$BERTH" gen docs -o "$D" --site example policies/*.ports 2>/dev/null || bad "gen docs failed"
hosts=$(sed -n '/^## Hosts/,/^## /s/^| `\([^`]*\)` .*/\1/p' "$D/site-example.md")
check test "$(wc -l <<<"$hosts")" = 6

# 1. Every SVG is well-formed XML, and generating again gives the same bytes.
for f in "$D"/flows.svg "$D"/site-example/*.svg; do
  if xmllint --noout "$f" 2>"$tmp/lint"; then ok; else bad "xmllint ${f#"$D"/}: $(head -3 "$tmp/lint")"; fi
done
"$BERTH" gen docs -o "$tmp/again" --site example policies/*.ports 2>/dev/null
check diff -r "$D" "$tmp/again"

# 2. The diagram (flows.dot): one box per subnet the site binds, each host in
#    the most specific box holding its address, no edge twice, labels that
#    are service names (no ports), one fontname.
if [ -e "$D/flows.dot" ]; then
  out=$("$PY" - "$D/flows.dot" "$D/site-example.md" policies/*.ports <<'PYEOF' 2>&1
import ipaddress, re, sys
dot = open(sys.argv[1]).read()
page = open(sys.argv[2]).read()
services = set()
for f in sys.argv[3:]:
    services |= set(re.findall(r"^\s*service (\w+)", open(f).read(), re.M))
errors = []
def need(cond, msg):
    if not cond: errors.append(msg)
nets = set(re.findall(r"^\| `[^`]*` \| [^|]* \| ([0-9./]+) \|$", page, re.M))
hosts = dict(re.findall(r"^\| `([^`]*)` \| ([0-9.]+) \|", page, re.M))
clusters = re.findall(r'subgraph cluster_\d+ \{\n.*\n    label="([^"\\]*)\\l.*?";\n((?:    n\d+ \[.*\n)*)  \}', dot)
need(sorted(c[0] for c in clusters) == sorted(nets), "boxes %s, subnets %s" % ([c[0] for c in clusters], sorted(nets)))
placed = {}
for subnet, body in clusters:
    for name, addr in re.findall(r'label="([^"\\]+)\\n([0-9.]+)"', body):
        placed[name] = subnet
for name, addr in hosts.items():
    a = ipaddress.ip_address(addr)
    holding = [n for n in nets if a in ipaddress.ip_network(n)]
    best = max(holding, key=lambda n: ipaddress.ip_network(n).prefixlen) if holding else None
    need(placed.get(name) == best, "host %s %s drawn in %s, its subnet is %s" % (name, addr, placed.get(name), best))
edges = re.findall(r"^  (n\d+) -> (n\d+) \[label=\"([^\"]*)\"(.*)\];$", dot, re.M)
need(len(edges) == dot.count(" -> "), "an edge the pattern missed")
pairs = [(s, d) for s, d, _, _ in edges]
need(len(pairs) == len(set(pairs)), "an edge drawn twice")
both = {(s, d) for s, d, _, rest in edges if "dir=both" in rest}
need(not any((d, s) in set(pairs) for s, d in both), "a two-headed edge drawn again backwards")
for s, d, label, _ in edges:
    for line in label.split("\\n"):
        m = re.fullmatch(r"(\w+)\.(\w+)", line)
        need(m and m.group(2) in services or re.fullmatch(r"\+\d+ more", line),
             "edge %s -> %s: label line %r is not a service name" % (s, d, line))
fonts = set(re.findall(r'fontname="([^"]*)"', dot))
need(len(fonts) == 1, "fontnames %s" % fonts)
print("\n".join(errors) or "ok")
PYEOF
)
  if [ "$out" = ok ]; then ok; else bad "flows.dot: $out"; fi
else
  bad "no flows.dot"
fi

# 3. The rendered diagram: one font family, and no two labels overlap (boxes
#    estimated from each text's length and size, as an average glyph).
overlaps='
import re, sys, xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
width = float(root.get("viewBox").split()[2])
boxes, fonts, errors = [], set(), []
def walk(e, size, family):
    size = float(e.get("font-size", size)); family = e.get("font-family", family)
    if e.tag == NS + "text":
        fonts.add(family)
        w = len(e.text or "") * size * 0.5
        x, y = float(e.get("x")), float(e.get("y"))
        a = e.get("text-anchor", "start")
        x0 = x - w / 2 if a == "middle" else x - w if a == "end" else x
        boxes.append((x0, y - 0.75 * size, x0 + w, y + 0.2 * size, e.text))
    for c in e: walk(c, size, family)
walk(root, 14, None)
if len(fonts) != 1: errors.append("font families %s" % fonts)
for i, p in enumerate(boxes):
    if root.get("width") and not root.get("width").endswith("pt") and (p[0] < 0 or p[2] > width + 1):
        errors.append("%r leaves the picture" % p[4])
    for q in boxes[i + 1:]:
        if p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]:
            errors.append("%r overlaps %r" % (p[4], q[4]))
print("\n".join(errors) or "ok")
'
for f in "$D"/flows.svg "$D"/site-example/*.svg; do
  out=$("$PY" -c "$overlaps" "$f" 2>&1)
  if [ "$out" = ok ]; then ok; else bad "${f#"$D"/}: $(head -5 <<<"$out")"; fi
done
[ -e "$D/flows.svg" ] || skipped "no flows.svg: dot is not installed"

# 4. Port maps: one per host, linked from its section of the site page; a
#    lane per (protocol, service) the host binds: what the page says it
#    listens on, and what the host view says it sends from fixed ports.
for h in $hosts; do
  svg=$D/site-example/$h-ports.svg
  if [ -s "$svg" ]; then ok; else bad "no port map for $h"; continue; fi
  check grep -qF "![The ports $h binds](site-example/$h-ports.svg)" "$D/site-example.md"
  "$BERTH" flows --site example --host "$h" --format=json policies/*.ports >"$tmp/$h.json" 2>/dev/null
  out=$("$PY" - "$h" "$svg" "$D/site-example.md" "$tmp/$h.json" <<'PYEOF' 2>&1
import json, re, sys
h, svg, page, view = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read(), json.load(open(sys.argv[4]))
want = set()
for r in view["rules"]:
    if r["direction"] == "out" and r["sports"]:
        want |= {"%s %s" % (r["proto"], s) for s in r["services"]}
section = page.split("### `%s` (" % h)[1].split("\n### ")[0]
# An alias on a host running its target is the target's lane: one listener.
for protos, svc, same in re.findall(r"^\| (TCP|UDP|TCP & UDP) \| [^|]* \| `([^`]*)`(?: \(same software as `([^`]*)`\))?", section, re.M):
    want |= {"%s %s" % (p.lower(), same or svc) for p in protos.split(" & ")}
got = re.findall(r'<g class="lane (?:tcp|udp)">\n<text[^>]*>([^<]*)</text>', svg)
errors = []
if len(got) != len(set(got)): errors.append("a lane twice")
if set(got) != want: errors.append("lanes missing %s, extra %s" % (sorted(want - set(got)), sorted(set(got) - want)))
if got != sorted(got, key=lambda l: (l.split()[0] != "tcp", l.split()[1])): errors.append("lanes out of order")
eph = re.search(r"^\| `%s` \| [^|]* \| [^|]* \| (\d+)-(\d+) \|" % h, page, re.M)
shade = re.search(r'class="ephemeral"[^>]*><title>ephemeral range (\d+)-(\d+)', svg)
if bool(eph) != bool(shade) or (eph and eph.groups() != shade.groups()):
    errors.append("ephemeral shading %s, host table %s" % (shade and shade.groups(), eph and eph.groups()))
print("\n".join(errors) or "ok")
PYEOF
)
  if [ "$out" = ok ]; then ok; else bad "$h port map: $out"; fi
done

# 5. Findings on the maps: the Archiver's host (Dante meets the Archiver)
#    has its bind-conflict bands, waived at this site and labelled so, in
#    the finding's red; media1 has the NDI/Dante cross-protocol band.
omni1=$D/site-example/omni1-ports.svg
check test "$(grep -c '<g class="overlap bind-conflict waived">' "$omni1")" = 3
check grep -qF '>bind-conflict (waived)</text>' "$omni1"
check grep -qF '>dante.audio_control and omnicast.archiver_unicast: udp 16000</text>' "$omni1"
check grep -qF '<g class="overlap ephemeral-range waived">' "$omni1"
check grep -qF '>igloo.ndi (tcp) and dante.audio_control (udp): 49152-65535</text>' "$D/site-example/media1-ports.svg"
# One band per finding of the three bind checks on the findings page.
n_maps=$(cat "$D"/site-example/*-ports.svg | grep -c '<g class="overlap ')
n_findings=$(grep -cE '^\| [a-z]* \| `(bind-conflict|cross-protocol|ephemeral-range)`' "$D/findings.md")
if [ "$n_maps" = "$n_findings" ] && [ "$n_maps" -gt 0 ]; then ok; else
  bad "$n_maps bands on the port maps, $n_findings findings"; fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
