#!/usr/bin/env bash
# fw.sh: berth gen fw, end to end. Every bundled template's output for the
# example site passes its own tool's check (nft -c, iptables-restore --test,
# firewall-offline-cmd --check-config, xmllint, ufw's profile loader); the
# loaded nftables and iptables rules let through exactly the view's ports
# (probe.py, in network namespaces it creates); hostile descriptions stay
# inert; runaway or escaping templates stop with one line and write nothing.
# Prints "N passed, N failed, N skipped"; a step that cannot run here says
# "skipped: REASON". Run from anywhere.
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
REGEN=; [ "${1:-}" = -g ] && REGEN=1     # rewrite the goldens of tests/fw/ipv6
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3   # Debian's, with the ufw module
. tests/lib.sh
POLICIES=$(ls policies/*.ports)
LINUX="nftables iptables firewalld ufw"

# gen_all OUT POLICY... : every template, as `make generated` runs them.
gen_all() {
  local out=$1; shift
  for t in $LINUX; do
    "$BERTH" gen fw --template "$t" --site "$SITE" --os linux -o "$out/$t" "$@" 2>>"$tmp/gen.err" ||
      bad "gen fw --template $t ($*)"
  done
  "$BERTH" gen fw --template windows --site "$SITE" --os windows -o "$out/windows" "$@" 2>>"$tmp/gen.err" ||
    bad "gen fw --template windows ($*)"
}

# Namespaces keep every check away from this machine's own ruleset.
if unshare -n true 2>/dev/null; then NS=1; else NS=; fi

nft_check() { for f in "$1"/nftables/*.nft; do check unshare -n nft -c -f "$f"; done; }
# iptables: --test, then a real load twice (--noflush reloads are idempotent).
ipt_check() {
  for f in "$1"/iptables/*.rules; do
    check unshare -n iptables-restore --test "$f"
    local n
    n=$(unshare -n sh -c "iptables-restore --noflush '$f' && iptables-restore --noflush '$f' && iptables -S BERTH-IN | grep -c ^-A" 2>/dev/null)
    if [ -n "$n" ] && [ "$n" = "$(grep -c '^-A BERTH-IN ' "$f")" ]; then ok; else bad "iptables reload not idempotent: $f ($n rules)"; fi
  done
}
# firewalld: each host's services and zone in a scratch configuration, no WARNING or ERROR.
fwd_check() {
  for d in "$1"/firewalld/*/; do
    local cfg=$tmp/fwd-$RANDOM out
    mkdir -p "$cfg" && cp -r "$d"services "$d"zones "$cfg"/ && cp /etc/firewalld/firewalld.conf "$cfg"/
    out=$(firewall-offline-cmd --system-config "$cfg" --check-config 2>&1)
    if [ $? = 0 ] && ! grep -qE 'WARNING|ERROR' <<<"$out"; then ok; else bad "firewalld --check-config $d: $out"; fi
    for x in "$d"services/*.xml "$d"zones/*.xml; do check xmllint --noout "$x"; done
  done
}
# ufw: its own profile loader must accept every profile of every file.
ufw_check() {
  for f in "$1"/ufw/*.ufw; do
    local dir=$tmp/ufw-$RANDOM
    mkdir -p "$dir" && cp "$f" "$dir/berth"
    check "$PY" - "$dir" "$(grep -c '^\[' "$f")" <<'PY'
import gettext, sys
gettext.install("ufw")                  # ufw's messages call _()
import ufw.applications as a
profiles = a.get_profiles(sys.argv[1])
assert len(profiles) == int(sys.argv[2]), (len(profiles), sys.argv[2])
for name, p in profiles.items():
    a.verify_profile(name, p)
PY
  done
}

tools_check() {
  if [ -n "$NS" ] && command -v nft >/dev/null; then nft_check "$1"; else skipped "nft -c on $1: no nft or no network namespaces"; fi
  if [ -n "$NS" ] && command -v iptables-restore >/dev/null; then ipt_check "$1"; else skipped "iptables-restore --test on $1: no iptables or no network namespaces"; fi
  if command -v firewall-offline-cmd >/dev/null && [ "$(id -u)" = 0 ]; then fwd_check "$1"; else skipped "firewall-offline-cmd on $1: not installed or not root"; fi
  if "$PY" -c 'import ufw.applications' 2>/dev/null; then ufw_check "$1"; else skipped "ufw profiles of $1: ufw is not installed"; fi
}

# 1. The example site: generated/fw/ is what berth writes now, and every
#    file passes its tool.
SITE=example
gen_all "$tmp/example" $POLICIES
if diff -r generated/fw "$tmp/example" >/dev/null; then ok; else bad "generated/fw is stale: run make generated"; diff -r generated/fw "$tmp/example" | head; fi
tools_check "$tmp/example"
check test -s "$tmp/example/windows/media1.ps1"
check test ! -e "$tmp/example/nftables/media1.nft"       # a Windows host gets no nftables file

# 1b. The options: -D log=1 and -D output=drop pass the same tools; a
#     -D fragment=1 file loads inside an operator's own table.
if [ -n "$NS" ] && command -v nft >/dev/null; then
  opts="-D log=1 -D output=drop"
  "$BERTH" gen fw --template nftables --site example --host rec1 $opts -o "$tmp/opt/rec1.nft" $POLICIES 2>/dev/null
  check unshare -n nft -c -f "$tmp/opt/rec1.nft"
  check grep -q 'policy drop;' <(grep -A1 'chain output' "$tmp/opt/rec1.nft")
  check grep -q 'log prefix "berth rec1' "$tmp/opt/rec1.nft"
  "$BERTH" gen fw --template nftables --site example --host rec1 -D fragment=1 -o "$tmp/opt/frag.nft" $POLICIES 2>/dev/null
  check test -z "$(grep -v '^#' "$tmp/opt/frag.nft" | grep -E '^table|hook')"
  printf 'table inet filter {\n  include "frag.nft"\n  chain input { type filter hook input priority filter; policy drop;\n    jump berth_input\n  }\n}\n' >"$tmp/opt/main.nft"
  check unshare -n nft -c -I "$tmp/opt" -f "$tmp/opt/main.nft"
  "$BERTH" gen fw --template iptables --site example --host rec1 $opts -o "$tmp/opt/rec1.rules" $POLICIES 2>/dev/null
  check unshare -n iptables-restore --test "$tmp/opt/rec1.rules"
  check grep -q -- '-j LOG' "$tmp/opt/rec1.rules"
else
  skipped "the -D option variants: no nft or no network namespaces"
fi

# 2. Packets: load a host's rules in a namespace and probe them (seed printed).
probe() {  # probe KIND HOST FILE [POLICY...] (the example site's, or SITE's from POLICY)
  local kind=$1 host=$2 file=$3 site=example; shift 3
  [ $# -gt 0 ] && site=$SITE || set -- $POLICIES
  "$BERTH" flows --site "$site" --host "$host" --format=json "$@" >"$tmp/$host.json" 2>/dev/null
  set -- "$kind" "$host" "$file"
  local out rc
  out=$("$PY" tests/fw/probe.py --kind "$1" --rules "$3" --view "$tmp/$2.json" --sample 1000 2>&1); rc=$?
  if [ "$rc" = 77 ]; then skipped "packet probe of $1 on $2: $(grep skipped <<<"$out")"; return; fi
  if [ "$rc" = 0 ]; then ok; else bad "packet probe of $1 on $2"; printf '%s\n' "$out" | grep -E 'seed|mismatch|probe:' | head -20; fi
  grep -E '^(seed|probe):' <<<"$out" | sed "s/^/  $1 $2 /"
}
# (FW_QUICK: the sanitizer pass, whose files are the same, leaves this to the plain one.)
for h in tablet1 rec1; do
  [ -n "${FW_QUICK:-}" ] && break
  probe nftables "$h" "$tmp/example/nftables/$h.nft"
  probe iptables "$h" "$tmp/example/iptables/$h.rules"
done

# 2b. IP protocols without ports (tests/protos/protos.ports: ICMP types,
#     IGMP, ESP, AH, GRE, VRRP, proto 253): every host's files pass the tools.
SITE=lab
gen_all "$tmp/protos" tests/protos/protos.ports
tools_check "$tmp/protos"
check grep -q 'icmp type 8' "$tmp/protos/nftables/r1.nft"
check grep -q -- '-p icmp -m icmp --icmp-type 8' "$tmp/protos/iptables/r1.rules"
check grep -q '<protocol value="50"/>' "$tmp/protos/firewalld/r1/services/berth-net-tunnel.xml"

# 2c. The port forms of issue 8: every tool accepts them, an even range lists
#     its even ports, `5960 up` runs to 65535, ephemeral is each host's own.
SITE=forms
gen_all "$tmp/forms" tests/fw/forms.ports
tools_check "$tmp/forms"
check grep -q 'elements = { 5004, 5006, 5008,' "$tmp/forms/nftables/srv.nft"
check grep -q 'elements = { 5005, 5007, 5009,' "$tmp/forms/nftables/srv.nft"   # RTCP out
check grep -q '5960-65535' "$tmp/forms/nftables/srv.nft"
check grep -q 'tcp sport 49152-65535 tcp dport 443' "$tmp/forms/nftables/srv.nft"
check grep -q 'tcp dport 49152-65535' "$tmp/forms/nftables/srv.nft"     # to the Windows client
if [ -z "${FW_QUICK:-}" ]; then probe nftables srv "$tmp/forms/nftables/srv.nft" tests/fw/forms.ports; fi

# 3. Hostile descriptions: the same tools accept the files; the text neither
#    runs nor breaks a rule. PowerShell reads back the description exactly,
#    but for '|', which Windows rule fields cannot hold (berth.esc.winrule).
SITE=lab
gen_all "$tmp/hostile" tests/fw/hostile.ports
tools_check "$tmp/hostile"
desc=$("$BERTH" flows --site lab --host win --format=json tests/fw/hostile.ports 2>/dev/null |
       "$PY" -c 'import json,sys; s=json.load(sys.stdin)["services"][0]; print((s["name"] + ": " + s["description"]).replace("|", "/"), end="")')
# Each rule's Description starts with "SERVICE: DESCRIPTION" and a newline.
"$PY" tests/fw/psquote.py --literals "$tmp/hostile/windows/win.ps1" >"$tmp/literals.json"
check "$PY" -c 'import json,sys
lits = [json.loads(l) for l in open(sys.argv[1])]
assert sum(l.startswith(sys.argv[2] + "\n") for l in lits) >= 2, lits' "$tmp/literals.json" "$desc"
check test "$(grep -c '^New-NetFirewallRule' "$tmp/hostile/windows/win.ps1")" -gt 0
# No comment may carry a double quote into nft, nor run past 128 bytes.
check "$PY" - "$tmp/hostile/nftables/srv.nft" <<'PY'
import re, sys
for c in re.findall(rb'comment "([^"\n]*)"', open(sys.argv[1], "rb").read()):
    assert len(c) <= 128, c
PY
check "$PY" tests/fw/psquote.py --selftest

# 3b. IPv6 (tests/fw/ipv6.ports: dual-stack and IPv6-only hosts, IPv6
#     networks and groups): every template's output is its golden in
#     tests/fw/ipv6/ and passes its tool; iptables -D family=ipv6 gives
#     ip6tables-restore files that ip6tables-restore --test accepts.
SITE=studio6
gen_all "$tmp/ipv6" tests/fw/ipv6.ports
"$BERTH" gen fw --template iptables -D family=ipv6 --site studio6 --os linux -o "$tmp/ipv6/ip6tables" \
  tests/fw/ipv6.ports 2>>"$tmp/gen.err" || bad "gen fw --template iptables -D family=ipv6"
if [ -n "$REGEN" ] && [ "$BERTH" = ./berth ]; then rm -rf tests/fw/ipv6 && cp -r "$tmp/ipv6" tests/fw/ipv6; fi
if diff -r tests/fw/ipv6 "$tmp/ipv6" >/dev/null; then ok; else bad "tests/fw/ipv6 differs"; diff -r tests/fw/ipv6 "$tmp/ipv6" | head -20; fi
tools_check "$tmp/ipv6"
if [ -n "$NS" ] && command -v ip6tables-restore >/dev/null; then
  for f in "$tmp"/ipv6/ip6tables/*.rules6; do check unshare -n ip6tables-restore --test "$f"; done
else
  skipped "ip6tables-restore --test: no ip6tables or no network namespaces"
fi
check grep -q 'ip6 saddr fd00:20::5/128 tcp dport 22' "$tmp/ipv6/nftables/desk.nft"
# ICMP and ICMPv6 each in its own family: the dual-stack desk sends ICMP
# to box2's IPv4 address and ICMPv6 to both boxes' IPv6 ones; the IPv6-only
# box1 accepts ICMPv6 and ESP, never ICMP; ip6tables takes ICMPv6.
check grep -q 'ip6 saddr 2001:db8:0:10::10/128 icmpv6 type 128' "$tmp/ipv6/nftables/box1.nft"
check grep -q 'ip6 saddr 2001:db8:0:10::10/128 meta l4proto 50' "$tmp/ipv6/nftables/box1.nft"
check test -z "$(grep 'icmp type' "$tmp/ipv6/nftables/box1.nft" | grep -v 'comment "ICMP"')"
check grep -q 'ip daddr 10.20.0.22/32 icmp type 8' "$tmp/ipv6/nftables/desk.nft"
check test -z "$(grep 'ip6 .* icmp type\|ip daddr .* icmpv6' "$tmp/ipv6/nftables/desk.nft")"
check grep -q -- '-p ipv6-icmp -m icmp6 --icmpv6-type 128 -m comment --comment "studio.diagnostics"' \
  "$tmp/ipv6/ip6tables/box1.rules6"
check test -z "$(grep -- 'icmpv6\|ipv6-icmp' "$tmp/ipv6/iptables/desk.rules")"
check grep -q '<destination ipv6="ff02::fb/128"/>' "$tmp/ipv6/firewalld/desk/services/berth-studio-discovery-2.xml"
check test "$(grep -c '^-A' "$tmp/ipv6/iptables/box1.rules")" -lt "$(grep -c '^-A' "$tmp/ipv6/ip6tables/box1.rules6")"

# 4. The sandbox: each template in tests/fw/sandbox stops with the one line of
#    its .err, exit 1, and leaves an existing output file as it was.
for t in tests/fw/sandbox/*.lua; do
  printf 'old rules\n' >"$tmp/keep"
  out=$("$BERTH" gen fw --template "$t" --site example --host tablet1 -o "$tmp/keep" $POLICIES 2>&1); rc=$?
  if [ "$rc" = 1 ] && [ "$out" = "$(cat "${t%.lua}.err")" ] && [ "$(cat "$tmp/keep")" = "old rules" ]; then ok
  else bad "sandbox $t (exit $rc): $out"; fi
done
check test ! -e /tmp/berth-sandbox-pwned

# 5. Templates from the documentation: the listing in docs/templates.md and a
#    user's own template written only from that page.
sed -n '/^## A complete template/,/^## /p' docs/templates.md | sed -n '/^```lua$/,/^```$/p' | sed '1d;$d' >"$tmp/doc.lua"
check test -s "$tmp/doc.lua"
"$BERTH" gen fw --template "$tmp/doc.lua" --site example --host tablet1 -o "$tmp/doc.out" $POLICIES 2>/dev/null
check diff tests/fw/docs-template.expected "$tmp/doc.out"
"$BERTH" gen fw --template tests/fw/user-template.lua --site example --host media1 -o "$tmp/user.out" $POLICIES 2>/dev/null
check diff tests/fw/user-template.expected "$tmp/user.out"

# 5b. An alias and its target on one host: one rule set, no duplicate rule
#     (the alias's own extra port joins it); the alias's 9999 stays.
for h in media1 dsp1; do
  "$BERTH" gen fw --template nftables --site lab --host $h -o "$tmp/alias-$h.nft" tests/fw/alias.ports 2>/dev/null
  check diff tests/fw/alias-$h.expected "$tmp/alias-$h.nft"
done
check test "$(grep -c 'dport .* accept comment' tests/fw/alias-media1.expected)" = 3

# 6. Usage: a missing site or host, an unknown template, a bad -D.
"$BERTH" gen fw --template nftables -o "$tmp/x" $POLICIES >/dev/null 2>&1; check test $? = 2
"$BERTH" gen fw --template nftables --site example --host nobody -o "$tmp/x" $POLICIES >/dev/null 2>&1; check test $? = 2
"$BERTH" gen fw --template nosuch --site example -o "$tmp/x" $POLICIES >/dev/null 2>&1; check test $? = 2
"$BERTH" gen fw --template nftables --site example -D unknown_peer=all -o "$tmp/x" $POLICIES >/dev/null 2>&1; check test $? = 2
# A peer that resolves to nothing is an error naming the flow, unless -D unknown_peer=any.
grep -v 'igloo.outside' policies/example-site.ports >"$tmp/nooutside.ports"
for f in igloo dante omnicast; do cp "policies/$f.ports" "$tmp/"; done
out=$("$BERTH" gen fw --template nftables --site example --host media1 -o "$tmp/m.nft" "$tmp/nooutside.ports" 2>&1); rc=$?
check test "$rc" = 1
check grep -q "error: role 'internet' of igloo.dns_web has no address in site 'example'.*\[unknown-peer\]" <<<"$out"
check test ! -e "$tmp/m.nft"
check "$BERTH" gen fw --template nftables --site example --host media1 -D unknown_peer=any -o "$tmp/m.nft" "$tmp/nooutside.ports"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
