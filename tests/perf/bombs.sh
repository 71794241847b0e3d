#!/usr/bin/env bash
# bombs.sh: small inputs that once made berth crash, run for minutes or fill
# gigabytes, each run under a limit of time, memory and C stack (issue 9).
# BERTH names the binary (default ./berth). Ends with "N passed, N failed,
# N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
BERTH=${BERTH:-./berth}

# bomb NAME CPU-SECONDS MIB WANT-RC CMD...: CMD exits WANT-RC using at most
# CPU-SECONDS of cpu time (user + sys, so a loaded machine does not make it
# fail), at most MIB of address space and a 1 MiB stack. BOMB_WALL seconds
# of wall time (default 60) only guard against a hang. BOMBS_VERBOSE=1
# prints every bomb's cpu time.
BOMB_WALL=${BOMB_WALL:-60}
bomb() {
  local name=$1 cpu=$2 mib=$3 want=$4; shift 4
  local rc used
  (ulimit -v $((mib * 1024)) -s 1024; timeout "$BOMB_WALL" "$@" >"$tmp/out" 2>&1; rc=$?
   times >"$tmp/times"; exit $rc); rc=$?
  # The second line of `times`: the children's user and sys, as 0m1.234s.
  used=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
    printf "%.2f", t }' "$tmp/times")
  [ "${BOMBS_VERBOSE:-}" = 1 ] && printf 'bomb %s: exit %s, %s s cpu\n' "$name" "$rc" "$used"
  if [ "$rc" != "$want" ]; then
    bad "bomb $name: exit $rc, want $want ($*)"; tail -3 "$tmp/out"
  elif awk -v u="$used" -v c="$cpu" 'BEGIN { exit !(u > c) }'; then
    bad "bomb $name: $used s cpu, limit $cpu s ($*)"
  else ok; fi
}

# An import chain of 4000 files (LOAD_MAX_FILES is 4096): the loader walks
# imports on a worklist; recursion overflowed the stack near 2000.
mkdir -p "$tmp/chain"
awk -v dir="$tmp/chain" 'BEGIN { for (i = 0; i < 4000; i++)
  printf "import \"f%d.ports\";\nsystem s%d { role r; }\n", i + 1, i > dir "/f" i ".ports"
  print "system s4000 { role r; }" > dir "/f4000.ports" }'
bomb import-chain 1 200 0 "$BERTH" check "$tmp/chain/f0.ports"
# The same chain closed into a cycle: one error, its path as notes.
printf 'import "f0.ports";\n' >>"$tmp/chain/f4000.ports"
bomb import-cycle 1 200 1 "$BERTH" check "$tmp/chain/f0.ports"
check grep -c 'import cycle' "$tmp/out"

# 8000 flows naming unknown roles in a system of 8000 roles: "did you mean"
# compared every pair (21.6 s); now a bounded, length-filtered candidate set.
awk 'BEGIN { print "system s { role r0;"; for (i = 0; i < 8000; i++) print "role q" i ";"
  print "service v {"; for (i = 0; i < 8000; i++) print "tcp " i % 60000 + 1 " zz" i " -> r0;"
  print "} }" }' >"$tmp/unknown.ports"
bomb unknown-roles 1 200 1 "$BERTH" check "$tmp/unknown.ports"
# 60,000 flows on one line, each with an error: every diagnostic rescanned
# the line for its end (306 s for a 1.3 MB line); now the line table says.
awk 'BEGIN { printf "system s { role a; role b; service v { "
  for (i = 0; i < 60000; i++) printf "tcp %d a -> c; ", i % 60000 + 1; print "} }" }' >"$tmp/line.ports"
bomb long-line 1 200 1 "$BERTH" check "$tmp/line.ports"
# 16,000 waivers against 12,000 findings: each finding scanned every waiver.
awk 'BEGIN { print "system s { role a;"
  for (i = 0; i < 6000; i++) printf "service v%d { tcp %d a -> a; tcp %d a -> a; }\n", i, i + 1, i + 1
  print "}"; for (i = 0; i < 16000; i++) printf "allow redundant-flow s.v%d because \"x\";\n", i % 6000 }' >"$tmp/waivers.ports"
bomb waivers 1 200 0 "$BERTH" check "$tmp/waivers.ports"
# 8000 multicast groups in one service: gen c tried NAME_2, NAME_3, ... from
# 2 for each (4.9 s); now each name's search resumes where it stopped.
awk 'BEGIN { print "system s { role a; service v {"
  for (i = 0; i < 8000; i++) printf "udp 5004 a -> group 239.1.%d.%d;\n", int(i / 250), i % 250 + 1
  print "} }" }' >"$tmp/groups.ports"
bomb groups-gen-c 1 200 0 "$BERTH" gen c -o "$tmp/groups" "$tmp/groups.ports"

# ---- issue 9, design change 1: emitters read the frozen model ----
# 20,000 flows of one system to multicast groups, and to addresses and
# subnets: gen docs re-evaluated every port item and scanned the
# instance's rows for each endpoint's value (quadratic: 12-77 s and up to
# 6.4 GB once, 1.8 s on 20k here before the frozen view).
awk 'BEGIN { print "system s { role a; service v {"
  for (i = 0; i < 20000; i++)
    printf "udp %d a -> group 239.%d.%d.%d;\n", 30000 + i, int(i / 62500) + 1, int(i / 250) % 250, i % 250 + 1
  print "} }" }' >"$tmp/mgroups.ports"
awk 'BEGIN { print "system s { role a; service v {"
  for (i = 0; i < 20000; i++)
    if (i % 2) printf "tcp %d a -> 10.1.%d.%d;\n", 30000 + i, int(i / 250) % 250, i % 250 + 1
    else printf "tcp %d a -> 10.%d.%d.0/24;\n", 30000 + i, 100 + int(i / 500), int(i / 2) % 250
  print "} }" }' >"$tmp/maddrs.ports"
for p in mgroups maddrs; do
  bomb "$p-gen-docs" 1 200 0 "$BERTH" gen docs -o "$tmp/$p-docs" "$tmp/$p.ports"
  bomb "$p-gen-c" 1 200 0 "$BERTH" gen c -o "$tmp/$p-c" "$tmp/$p.ports"
done
# The groups, all sent by one role, are one node; the 20,000 addresses
# are past the diagram's bound: a note in flows.svg's place, the same
# every run, whether or not dot is installed.
check grep -q '239.1.0.1' "$tmp/mgroups-docs/flows.dot"
check grep -q 'not drawn: 20001 nodes' "$tmp/maddrs-docs/flows.svg"
PATH=/nonexistent "$BERTH" gen docs -o "$tmp/maddrs-docs2" "$tmp/maddrs.ports" 2>/dev/null
check cmp "$tmp/maddrs-docs/flows.svg" "$tmp/maddrs-docs2/flows.svg"
# ---- end of the frozen-model block ----

# ---- issue 9, bounded work: the remaining algorithmic bombs ----
# Each under 1 s cpu and 200 MiB; figures before the fix in the comments.

# One host with 40,000 `runs` lines: the host's list was copied per
# statement (10,000 took 1.9 GiB, 40,000 ran out of memory) and each run
# was compared with every earlier one for repeats.
awk 'BEGIN { print "system s {"; for (i = 0; i < 40000; i++) printf "role r%d;\n", i
  print "}"; print "site x { host h 10.0.0.1 {"; for (i = 0; i < 40000; i++) printf "runs s.r%d;\n", i
  print "} }" }' >"$tmp/runs.ports"
bomb runs-lines 1 200 0 "$BERTH" check "$tmp/runs.ports"

# 60,000 flows of one system to one multicast group on distinct ports, and
# the same to one group range of 65,536 groups: the collision sweep over
# groups paired every two rows before looking at instances and ports (9.4
# and 7.5 s cpu); it now sweeps the dimension, groups or ports, in which
# fewer pairs overlap (0.4 s).
awk 'BEGIN { print "system s { role a; service v {"
  for (i = 0; i < 60000; i++) printf "udp %d a -> group 239.1.1.1;\n", i + 1; print "} }" }' >"$tmp/mc-ports.ports"
bomb mcast-one-group 1 200 0 "$BERTH" check "$tmp/mc-ports.ports"
awk 'BEGIN { print "system s { role a; service v {"
  for (i = 0; i < 60000; i++) printf "udp %d a -> group 239.2.0.0-239.2.255.255;\n", i + 1; print "} }" }' >"$tmp/mc-range.ports"
bomb mcast-group-range 1 200 0 "$BERTH" check "$tmp/mc-range.ports"

# 2000 instances of one system and 2000 hosts on one network, each
# instance setting its own port: instance-defaults scanned every host and
# network per instance pair (cubic: 23.6 s cpu); now each instance's hosts
# and networks are indexed once and only instances keeping one value pair
# (0.12 s).
awk 'BEGIN { print "system s { zone z; role r; param p = 5000; service v { tcp $p r -> r in z; } }"
  print "site x { network s.z 10.0.0.0/16;"
  for (i = 0; i < 2000; i++) printf "instance i%d of s { set p = %d; }\nnetwork i%d.z 10.0.0.0/16;\nhost h%d 10.0.%d.%d { runs i%d.r; }\n", i, 10000 + i, i, i, int(i / 250), i % 250 + 1, i
  print "}" }' >"$tmp/instances.ports"
bomb instances-one-network 1 200 0 "$BERTH" check "$tmp/instances.ports"

# redundant-flow: six flows of 32,768 disjoint ports each, one per pair of
# roles: the union of kept ranges was a sorted array scanned and moved per
# insertion (1.85 s cpu); now union-find over the group's slots (0.54 s).
awk 'BEGIN { print "system s { role a; role b; role c; service v {"
  for (k = 0; k < 6; k++) { printf "tcp 1"; for (i = 1; i < 32768; i++) printf ", %d", 2 * i + 1
    printf " %s -> %s;\n", substr("aabbcc", k + 1, 1), substr("bcacab", k + 1, 1) }
  print "} }" }' >"$tmp/redundant.ports"
bomb redundant-disjoint 1 200 0 "$BERTH" check "$tmp/redundant.ports"

# A 3.4 KB flow of 2 protocols x 100 ports x 100 sources x 100 endpoints x 2
# directions: it expanded to 4,000,000 rows (9.5 s cpu, 1 GiB); and a
# 2.5 KB system of a 60,000-row flow in 70 instances, past the policy's
# 4,000,000 rows (5.5 s, 1 GiB, then cut off). Both limits are now errors
# at the flow before anything expands (docs/checks.md, limit).
awk 'BEGIN { printf "system s {"; for (i = 0; i < 100; i++) printf " role a%d; role b%d;", i, i
  printf "\nservice v { tcp+udp 1"; for (i = 2; i <= 100; i++) printf ", %d", i
  printf " a0"; for (i = 1; i < 100; i++) printf ", a%d", i
  printf " <-> b0"; for (i = 1; i < 100; i++) printf ", b%d", i; print "; } }" }' >"$tmp/flow-rows.ports"
bomb flow-rows 1 200 1 "$BERTH" check "$tmp/flow-rows.ports"
check grep -q 'this flow expands to 4000000 rows, more than the limit of 65536 per flow' "$tmp/out"
awk 'BEGIN { printf "system s {"; for (i = 0; i < 20; i++) printf " role a%d; role b%d;", i, i
  printf "\nservice v { tcp 1"; for (i = 2; i <= 150; i++) printf ", %d", i
  printf " a0"; for (i = 1; i < 20; i++) printf ", a%d", i
  printf " -> b0"; for (i = 1; i < 20; i++) printf ", b%d", i; print "; } }"
  print "site x {"; for (i = 0; i < 70; i++) printf "instance i%d of s;\n", i; print "}" }' >"$tmp/policy-rows.ports"
bomb policy-rows 1 200 1 "$BERTH" check "$tmp/policy-rows.ports"
check grep -q 'the policy expands to more than 4000000 flow rows' "$tmp/out"

# ---- bounded findings (issue 9: grouped per (check, host, port range), capped
# per check by --max-findings); each under 1 s of CPU and
# 200 MiB ----
# 3000 roles of one system on one host, each bound by its own service on
# tcp 80: 4,498,500 pairwise bind conflicts (48.7 s cpu, 2.8 GiB, 783 MB of
# text); now one finding naming the first eight and "2992 more".
awk 'BEGIN { print "system s { role c;"; for (i = 0; i < 3000; i++) print "role r" i ";"
  for (i = 0; i < 3000; i++) printf "service v%d { tcp 80 c -> r%d; }\n", i, i
  printf "} site x { host h 10.0.0.1 { runs "
  for (i = 0; i < 3000; i++) printf "%ss.r%d", i ? ", " : "", i; print "; } }" }' >"$tmp/bind80.ports"
bomb bind-crowd 1 200 1 "$BERTH" check "$tmp/bind80.ports"
check grep -q "^1 error, 0 warnings$" "$tmp/out"
check grep -q "3000 services bind tcp 80: .* and 2992 more \[bind-conflict\]" "$tmp/out"
# 1000 instances of one system on one host keeping a default port: 499,500
# instance-defaults and as many bind conflicts (9.3 s, 543 MiB); now one
# each. And the same instances each on its own host in one network, which
# meeting_place checked pair by pair (12.6 s, 289 MiB): one finding.
awk 'BEGIN { print "system s { role r; param p = 8000; service v { tcp $p r -> r; } }"
  print "site x {"; for (i = 1; i < 1000; i++) printf "instance i%d of s {}\n", i
  printf "host h 10.0.0.1 { runs s.r"; for (i = 1; i < 1000; i++) printf ", i%d.r", i; print "; } }" }' >"$tmp/defaults.ports"
bomb instance-defaults-host 1 200 1 "$BERTH" check "$tmp/defaults.ports"
check grep -q "^2 errors, 0 warnings$" "$tmp/out"
check grep -q "1000 instances of s meet on host 'h' and all keep the default p = 8000" "$tmp/out"
awk 'BEGIN { print "system s { zone lan; role r; param p = 8000; service v { tcp $p r -> r in lan; } }"
  print "site x { network s.lan 10.0.0.0/16;"; for (i = 1; i < 1000; i++) printf "instance i%d of s {}\n", i
  print "host h0 10.0.0.1 { runs s.r; }"
  for (i = 1; i < 1000; i++) printf "host h%d 10.0.%d.%d { runs i%d.r; }\n", i, int(i / 200) + 1, i % 200 + 1, i
  print "}" }' >"$tmp/defaults-net.ports"
bomb instance-defaults-network 1 200 1 "$BERTH" check -Wno-unbound-zone "$tmp/defaults-net.ports"
check grep -q "^1 error, 0 warnings$" "$tmp/out"
# --max-findings bounds what prints of findings that are not one crowd:
# 5000 services of two instances on one host, one pair per port.
awk 'BEGIN { print "system s { role r;"; for (i = 1; i <= 5000; i++) printf "service v%d { tcp %d r -> r; }\n", i, i
  print "} site x { instance s2 of s {} host h 10.0.0.1 { runs s.r, s2.r; } }" }' >"$tmp/pairs.ports"
bomb max-findings 1 200 1 "$BERTH" check --format=gcc "$tmp/pairs.ports"
check test "$(grep -c 'error: bind conflict' "$tmp/out")" = 1000
check grep -qx "berth: note: 4000 more bind-conflict findings not shown (--max-findings)" "$tmp/out"
# ---- end of the bounded-findings block ----
# ---- issue 9, design change 3: gen docs' listen tables and system pages indexed ----
# 500 hosts of one site, each running its own role, and 20,000 flows to
# those roles: each host's listen table walked every flow of every
# instance (hosts x flows); now (host, flow) pairs are indexed once.
# 10,000 systems each deployed by its own host: elaboration asked, per
# instance, whether a site deploys its system by walking every instance,
# and each system page looked up its defaults the same way. 1 s of CPU,
# 200 MiB each.
awk 'BEGIN { print "system s { role a;"; for (i = 0; i < 500; i++) print "role r" i ";"
  print "service v {"; for (i = 0; i < 20000; i++) printf "tcp %d a -> r%d;\n", 1000 + i, i % 500
  print "} }"; print "site x {"
  for (i = 0; i < 500; i++) printf "host h%d 10.1.%d.%d { runs s.r%d; }\n", i, int(i / 250), i % 250 + 1, i
  print "}" }' >"$tmp/listen.ports"
bomb listen-gen-docs 1 200 0 "$BERTH" gen docs -o "$tmp/listen-docs" "$tmp/listen.ports"
check grep -qF '| TCP | 20999 | `s.v` |' "$tmp/listen-docs/site-x.md"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "system s%d { role a; service v { tcp 80 a -> a; } }\n", i
  print "site x {"
  for (i = 0; i < 10000; i++) printf "host h%d 10.1.%d.%d { runs s%d.a; }\n", i, int(i / 250), i % 250 + 1, i
  print "}" }' >"$tmp/systems.ports"
bomb systems-check 1 200 0 "$BERTH" check "$tmp/systems.ports"
# ---- end of the listen-index block ----

# ---- issue 9: bindings per class of hosts ----
# 10,000 flows into a role run by 400 hosts: the bind checks gathered,
# sorted and merged one binding per flow per host, 4,000,000 of them, for
# zero findings (9.0 + 2.8 s cpu, 652 MiB); hosts with one runs list now
# share their class's bindings, merged once. With a second system on
# every host binding one of those ports: 400 findings, one per host, as
# before.
for c in 0 1; do
  awk -v c=$c 'BEGIN { print "system s { role c; role r; service v {"
    for (i = 0; i < 10000; i++) printf "tcp %d c -> r;\n", 20000 + i
    print "} }"; if (c) print "system t { role q; service w { tcp 29999 q -> q; } }"; print "site x {"
    for (i = 0; i < 400; i++) printf "host h%d 10.0.%d.%d { runs s.r%s; }\n", i, int(i / 200), i % 200 + 1, c ? ", t.q" : ""
    print "}" }' >"$tmp/role-hosts$c.ports"
done
bomb role-400-hosts 1 200 0 "$BERTH" check "$tmp/role-hosts0.ports"
check test ! -s "$tmp/out"
bomb role-400-hosts-conflict 1 200 1 "$BERTH" check "$tmp/role-hosts1.ports"
check grep -q "^400 errors, 0 warnings$" "$tmp/out"
check grep -q "bind conflict on host 'h399': s.v and t.w both bind tcp 29999" "$tmp/out"
# ---- end of the bindings-per-class block ----

summary
