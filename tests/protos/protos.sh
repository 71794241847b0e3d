#!/usr/bin/env bash
# protos.sh: IP protocols without ports (icmp and its types, icmpv6, igmp,
# esp, ah, gre, vrrp, proto N) through every output of berth: check (text,
# JSON, SARIF), flows, flows --host, gen c (and a C consumer of its
# protocol lookup), gen docs, each firewall template, diff, explain and
# audit. Goldens are tests/protos/NAME.expected: standard output, "exit N",
# then standard error (UPDATE=1 or -g rewrites them). The firewall tools'
# own checks of these files run in tests/fw/fw.sh. Prints "N passed, N failed, N skipped".
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
. tests/lib.sh
D=tests/protos
P=$D/protos.ports

# golden NAME CMD...: CMD's standard output, its exit status, then its
# standard error (apart, so their interleaving does not matter).
golden() {
  local name=$1; shift
  local got
  got=$("$@" 2>"$tmp/stderr"; echo "exit $?"; cat "$tmp/stderr")
  if [ -n "$REGEN" ]; then printf '%s\n' "$got" >"$D/$name.expected"; fi
  if [ "$got" = "$(cat "$D/$name.expected" 2>/dev/null)" ]; then ok; else
    bad "golden $name: $*"; diff <(printf '%s\n' "$got") "$D/$name.expected" | head -20; fi
}

# files DIR: every file under DIR with its name, in a stable order.
files() { (cd "$1" && find . -type f | sort | while read -r f; do echo "==> $f"; cat "$f"; done); }

# 1. check, flows, the host view.
golden check "$BERTH" check $P
golden check-json "$BERTH" check --format=json $P
golden check-sarif "$BERTH" check --format=sarif $P
golden flows "$BERTH" flows $P
golden flows-r1 "$BERTH" flows --site lab --host r1 $P
golden flows-p1-json "$BERTH" flows --site lab --host p1 --format=json $P

# 2. gen c and gen docs; the C compiles and answers protocol questions.
"$BERTH" gen c -o "$tmp/c" $P 2>/dev/null
golden gen-c files "$tmp/c"
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/c" -o "$tmp/c/t" $D/protos.c "$tmp/c/berth_policy.c"
check "$tmp/c/t"
check g++ -std=c++11 -Wall -Wextra -Werror -x c++ -c -o "$tmp/c/x.o" "$tmp/c/berth_policy.c"
"$BERTH" gen docs -o "$tmp/docs" --site lab $P 2>/dev/null

rm -f "$tmp/docs"/*.svg "$tmp/docs"/*/*.svg "$tmp/docs"/*.dot
golden gen-docs files "$tmp/docs"

# 3. Every firewall template, for the Linux router and the Windows panel.
# fw TEMPLATE HOST: the one file gen fw writes for HOST.
fw() { "$BERTH" gen fw --template "$1" --site lab --host "$2" -o "$tmp/fw.out" $P && cat "$tmp/fw.out"; }
for t in nftables iptables ufw; do golden "fw-$t-r1" fw $t r1; done
"$BERTH" gen fw --template firewalld --site lab --host r1 -o "$tmp/fwd" $P 2>/dev/null
golden fw-firewalld-r1 files "$tmp/fwd"
golden fw-windows-p1 fw windows p1

# 4. diff: a type added, a protocol swapped, ICMPv6 widened to every type.
sed -e 's/icmp type 8 panel/icmp type 8, 13 panel/' -e 's/^        ah router/        gre router/' \
    -e 's/icmpv6 type 128, 129/icmpv6/' $P >"$tmp/new.ports"
golden diff "$BERTH" diff $P "$tmp/new.ports"
golden diff-json "$BERTH" diff --format=json $P "$tmp/new.ports"

# 5. explain by name, number and ICMP type; usage errors.
golden explain-icmp-8 "$BERTH" explain icmp 8 $P
golden explain-icmp-13 "$BERTH" explain icmp 13 --site lab --host r1 $P
golden explain-vrrp "$BERTH" explain vrrp --site lab $P
golden explain-253-json "$BERTH" explain 253 --format=json $P
golden explain-unknown "$BERTH" explain ftp 21 $P

# 6. audit: protocols without ports are raw sockets, never "not listening".
printf 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port\ntcp   LISTEN 0      128    0.0.0.0:22         0.0.0.0:*\n' >"$tmp/ss.txt"
golden audit-r1 "$BERTH" audit --site lab --host r1 --sockets "$tmp/ss.txt" $P

summary
