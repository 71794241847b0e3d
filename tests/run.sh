#!/usr/bin/env bash
# run.sh: runs berth's test suites and ends with "N passed, N failed, N skipped".
#   tests/run.sh                 every suite, in the order of --list
#   tests/run.sh SUITE...        only those suites (tests/run.sh bad gen)
#   tests/run.sh --list          the suites' names
#   tests/run.sh -g [SUITE...]   regenerate the goldens instead of comparing
#                                them (UPDATE=1 does the same, and so does
#                                UPDATE=1 make test); `git status` then shows
#                                which changed. Only ./berth writes goldens:
#                                the ASan passes compare against what it wrote.
# Suites: cmocka unit tests (plain and under ASan/UBSan), golden diagnostics
# of tests/bad and tests/seeds, real vendor tables (tests/vendor), the
# bundled policies, fmt idempotence and meaning preservation, gen and its
# pictures (tests/docs/pictures.sh),
# firewall rules (tests/fw), import (tests/import), diff (tests/diff),
# explain (tests/explain), IP protocols (tests/protos) and the parallel
# build (tests/build). An unknown
# suite is a usage error (exit 2). Run from anywhere; it works in the
# repository root.
set -u
shopt -s nullglob
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C NO_COLOR=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
check() { if "$@" >/dev/null 2>&1; then ok; else bad "$*"; fi; }   # passes when CMD succeeds
# add_summary NAME OUTPUT: fold a sub-suite's "N passed, N failed" into ours.
add_summary() {
  local line f s
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' <<<"$2" | tail -1)
  if [ -z "$line" ]; then bad "$1 printed no summary"; printf '%s\n' "$2" | tail -20; return; fi
  pass=$((pass + ${line%% passed*})); f=${line#*passed, }; f=${f%%, *}; fail=$((fail + ${f%% failed}))
  case $line in *skipped) s=${line##*failed, }; skip=$((skip + ${s%% skipped})) ;; esac
  grep -E '^(FAIL|skipped:)' <<<"$2" | head -20
}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
# -g (or UPDATE=1): goldens are rewritten. UPDATE is not passed on, so that
# the ASan passes of the sub-suites compare instead of writing.
REGEN=; [ "${UPDATE:-}" = 1 ] && REGEN=1
unset UPDATE
GFLAG=()   # what a sub-suite that has goldens gets: -g when regenerating
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# The binaries the golden suites run (make memcheck: berth under valgrind).
BINS=${BERTH_BINS:-./berth build/asan/berth}


# 2. Golden diagnostics: tests/bad/NAME.ports gives exactly NAME.err and exit 1.
golden() {  # golden BIN EXPECTED-FILE EXPECTED-RC CMD... (-g: ./berth writes it)
  local bin=$1 exp=$2 want=$3; shift 3
  local out rc
  out=$("$bin" "$@" 2>&1); rc=$?
  [ -n "$REGEN" ] && [ "$bin" = ./berth ] && printf '%s\n' "$out" >"$exp"
  if [ "$rc" = "$want" ] && [ "$out" = "$(cat "$exp")" ]; then ok; else
    bad "$bin $* (exit $rc, want $want)"
    diff <(printf '%s\n' "$out") "$exp" | head -20
  fi
}

# out_golden BIN EXPECTED-FILE CMD...: stdout alone is the golden (-g: ./berth writes it).
out_golden() {
  local bin=$1 exp=$2; shift 2
  local out
  out=$("$bin" "$@" 2>/dev/null)
  [ -n "$REGEN" ] && [ "$bin" = ./berth ] && printf '%s\n' "$out" >"$exp"
  if [ "$out" = "$(cat "$exp")" ]; then ok; else
    bad "$bin $* differs from $exp"
    diff <(printf '%s\n' "$out") "$exp" | head -20
  fi
}

suite_unit() {
# 1. Unit tests; cmocka reports each test as a TAP line.
for t in build/unit/test_* build/asan/unit/test_*; do
  [ -x "$t" ] || continue
  out=$(CMOCKA_MESSAGE_OUTPUT=tap "$t" 2>&1); rc=$?
  n_ok=$(grep -c '^ok ' <<<"$out"); n_bad=$(grep -c '^not ok ' <<<"$out")
  pass=$((pass + n_ok)); fail=$((fail + n_bad))
  if [ "$n_bad" -gt 0 ] || [ "$rc" -ne 0 ] || [ "$n_ok" -eq 0 ]; then
    [ "$n_bad" -gt 0 ] || fail=$((fail + 1))
    printf 'FAIL: %s (exit %d)\n%s\n' "$t" "$rc" "$(grep -v '^ok ' <<<"$out" | head -40)"
  fi
done
}

suite_bad() {
# 2. Golden diagnostics: tests/bad/NAME.ports gives exactly NAME.err and exit 1.
for bin in $BINS; do
  for f in tests/bad/*.ports; do
    golden "$bin" "${f%.ports}.err" 1 check --color=never "$f"
  done
done
}

suite_seeds() {
# 2a. The vendors' documents of tests/seeds, as transcribed: tests/checks/seeds.err.
for bin in $BINS; do
  golden "$bin" tests/checks/seeds.err 1 check --color=never tests/seeds/*
done
}

suite_vendor() {
# 2c. Real vendor port tables as published and a site deploying them on
#     shared hosts (tests/vendor/vendor.sh): what check finds, against goldens.
add_summary tests/vendor/vendor.sh "$(tests/vendor/vendor.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/vendor/vendor.sh under ASan" "$(BERTH=build/asan/berth tests/vendor/vendor.sh 2>&1)"
}

suite_checks() {
# 2b. The example site without its waivers gives tests/checks/example-site-nowaivers.err;
#     with them, the bundled policies check clean.
for bin in $BINS; do
  golden "$bin" tests/checks/example-site-nowaivers.err 1 check --color=never --root . tests/checks/example-site-nowaivers.ports
  # The seed's Dante 16000-65536: the range error, then every conflict of 16000-65535.
  golden "$bin" tests/checks/example-site-seed65536.err 1 check --color=never --root . tests/checks/example-site-seed65536.ports
  check "$bin" check --color=never policies/*.ports
  # An alias and its target: one listener, drift named on both sides; and
  # --format=gcc prints every note as FILE:LINE:COL: note: (a note with no
  # place takes the finding's), a waived finding's notes before its reason.
  golden "$bin" tests/checks/alias.err 1 check --color=never tests/checks/alias.ports
  golden "$bin" tests/checks/alias.gcc 1 check --format=gcc tests/checks/alias.ports
  # The checks over IPv6 addresses, networks and groups, as text and as JSON.
  golden "$bin" tests/checks/ipv6.err 1 check --color=never tests/checks/ipv6.ports
  out_golden "$bin" tests/checks/ipv6.json check --format=json tests/checks/ipv6.ports
  # More than eight parties on one port range of a host, or three instances
  # keeping one default where they meet: one finding naming them; pairs as
  # before below that.
  golden "$bin" tests/checks/crowd.err 1 check --color=never -Wno-unknown-peer -Wno-inconsistent-redeclaration \
    -Wno-unbound-zone -Wno-host-outside-networks tests/checks/crowd.ports
  golden "$bin" tests/checks/crowd-waived.err 0 check --color=never tests/checks/crowd-waived.ports
  # --max-findings 2 in every format: two of each check, then "N more".
  golden "$bin" tests/checks/cap.err 1 check --color=never --max-findings 2 tests/checks/cap.ports
  golden "$bin" tests/checks/cap.gcc 1 check --format=gcc --max-findings 2 tests/checks/cap.ports
  out_golden "$bin" tests/checks/cap.github check --format=github --max-findings 2 tests/checks/cap.ports
  out_golden "$bin" tests/checks/cap.json check --format=json --max-findings 2 tests/checks/cap.ports
  # SARIF: its invocation notifications and the results kept (the rules
  # table is the same in every log).
  out=$("$bin" check --format=sarif --max-findings 2 tests/checks/cap.ports 2>/dev/null |
        "$PY" tests/checks/sarif_part.py)
  [ -n "$REGEN" ] && [ "$bin" = ./berth ] && printf '%s\n' "$out" >tests/checks/cap.sarif
  if [ "$out" = "$(cat tests/checks/cap.sarif)" ]; then ok; else
    bad "$bin: the SARIF of tests/checks/cap.ports differs from tests/checks/cap.sarif"
    diff <(printf '%s\n' "$out") tests/checks/cap.sarif | head -20
  fi
done
# --max-findings 0 prints them all; without it, the cap is 1000 per check.
check grep -q '^6 errors, 0 warnings, 1 waived$' <(./berth check --max-findings 2 tests/checks/cap.ports 2>&1)
check test "$(./berth check --max-findings 0 --format=gcc tests/checks/cap.ports 2>&1 | grep -c 'error:')" = 6
check test "$(./berth check --max-findings 0 --format=gcc tests/checks/cap.ports 2>&1 | grep -c 'not shown')" = 0
awk 'BEGIN { print "system s { role r;"; for (i = 1; i <= 1001; i++) printf "service v%d { tcp %d r -> r; }\n", i, i
  print "} site x { instance s2 of s {} host h 10.0.0.1 { runs s.r, s2.r; } }" }' >"$tmp/cap1001.ports"
./berth check --format=gcc "$tmp/cap1001.ports" >"$tmp/cap1001.out" 2>&1
check test "$(grep -c 'error: bind conflict' "$tmp/cap1001.out")" = 1000
check grep -qx 'berth: note: 1 more bind-conflict finding not shown (--max-findings)' "$tmp/cap1001.out"
# The registry checks (tests/checks/registry): each file's findings, exit
# status from its "# exit: N" line; ports-only.ports must stay clean.
for bin in $BINS; do
  for f in tests/checks/registry/*.ports; do
    golden "$bin" "${f%.ports}.err" "$(sed -n 's/^# exit: //p' "$f")" check --color=never "$f"
  done
done
check test -z "$(tr -d "\n" <tests/checks/registry/ports-only.err)"
# The no-waiver copy of the bundled site must stay the site minus its allows.
strip_site() { grep -v '^ *allow ' "$1" | sed 's#^import "\(.*\)";#import "../../policies/\1";#'; }
if diff <(strip_site policies/example-site.ports) <(grep -v '^ *allow ' tests/checks/example-site-nowaivers.ports) >/dev/null; then ok
else bad "tests/checks/example-site-nowaivers.ports no longer matches policies/example-site.ports"; fi
# ... and its seed variant the same site with the seed's Dante range.
# (igloo.ports imports dante.ports, so the seed variant has its igloo-seed65536.ports.)
if diff <(sed 1,2d tests/checks/example-site-seed65536.ports |
          sed -e 's#^import "igloo-seed65536.ports";.*#import "../../policies/igloo.ports";#' \
              -e 's#^import "dante-seed65536.ports";.*#import "../../policies/dante.ports";#') \
        <(sed 1d tests/checks/example-site-nowaivers.ports) >/dev/null &&
   diff <(sed 1d tests/checks/igloo-seed65536.ports | sed 's#^import "dante-seed65536.ports";#import "dante.ports";#') policies/igloo.ports >/dev/null &&
   diff <(sed 1d tests/checks/dante-seed65536.ports | sed 's/16000-65536 device/16000-65535 device/') policies/dante.ports >/dev/null; then ok
else bad "tests/checks/example-site-seed65536.ports, igloo-seed65536.ports or dante-seed65536.ports no longer match their originals"; fi
# The acceptance of issue 8 item 12: the error and the conflicts of the clamped range.
check grep -q "port 65536 is out of range 1-65535; did you mean 65535?" tests/checks/example-site-seed65536.err
check grep -q "dante.audio_control and omnicast.archiver_to_gateway both bind udp 28000-29000" tests/checks/example-site-seed65536.err
}

suite_cli() {
# 3. The interface contract of SPEC.md.
check ./berth --help
check ./berth --version
# --version names the compiled-in port registry and its package version;
# its generator fails, naming the package or the line, on a missing or
# malformed services file (the build stops rather than ship a short table).
check grep -q '^port registry: libwireshark-data [^ ]* ([0-9]* entries)$' <(./berth --version)
out=$(sh src/registry_ports.sh "$tmp/no-such-services" 1 2>&1 >/dev/null); rc=$?
check test "$rc" = 1
check grep -q "cannot read $tmp/no-such-services: install Debian's libwireshark-data" <<<"$out"
{ printf 'ok\t1/tcp\n'; printf 'bad 2/tcpx\n'; } >"$tmp/bad-services"
out=$(sh src/registry_ports.sh "$tmp/bad-services" 1 2>&1 >/dev/null); rc=$?
check test "$rc" = 1
check grep -q "^$tmp/bad-services:2: unknown protocol tcpx: bad 2/tcpx\$" <<<"$out"
./berth check no-such-file.ports >/dev/null 2>&1; check test $? = 2
./berth frobnicate >/dev/null 2>&1; check test $? = 2
# An option the command does not read is a usage error, never ignored.
for c in "check --template nftables" "check --name x" "fmt --site example" "fmt --format=json" \
         "fmt -Werror" "flows --os linux" "gen docs --name x -o $tmp/o" "gen fw --template nftables --site example --prefix p -o $tmp/o" \
         "explain tcp 80 --summary" "check --depfile d"; do
  ./berth $c policies/dante.ports >/dev/null 2>"$tmp/e"; rc=$?
  if [ "$rc" = 2 ] && grep -q 'is not an option of' "$tmp/e"; then ok; else bad "berth $c: exit $rc"; fi
done
check ./berth check -Werror -Wno-redundant-flow --summary policies/dante.ports
# --max-findings takes a count (0: no cap), belongs to check and audit only.
for v in x -1 1e3 10000000000 ""; do
  ./berth check --max-findings "$v" policies/dante.ports >/dev/null 2>"$tmp/e"; rc=$?
  if [ "$rc" = 2 ] && grep -q "max-findings" "$tmp/e"; then ok; else bad "--max-findings '$v': exit $rc"; fi
done
check ./berth check --max-findings=0 policies/dante.ports
./berth gen c --max-findings 5 -o "$tmp/mf" policies/dante.ports >/dev/null 2>"$tmp/e"; rc=$?
check test "$rc" = 2
check grep -q "'--max-findings' is not an option of 'berth gen c'" "$tmp/e"
check grep -q -- '--max-findings N' <(./berth help audit)
out=$(printf '}}}\n' | ./berth check - 2>&1); rc=$?
check test "$rc" = 1
check grep -q '^<stdin>:1:1: error: ' <<<"$out"
}

suite_sarif() {
# 3b. Machine formats: SARIF validates against the bundled SARIF 2.1.0
#     schema; JSON parses and its summary matches the text summary.
sarif_case() {  # sarif_case NAME ARGS...: validate the SARIF of one check run
  local name=$1; shift
  ./berth check --format=sarif --output "$tmp/$name.sarif" "$@" 2>/dev/null
  if "$PY" tests/sarif/validate.py "$tmp/$name.sarif"; then ok; else bad "SARIF invalid: $name"; fi
}
sarif_case bundled policies/*.ports
sarif_case unwaived --no-waivers policies/*.ports
sarif_case seeds tests/seeds/igloo-seed.ports tests/seeds/omnicast-seed.ports
sarif_case ipv6 tests/checks/ipv6.ports
# Past --max-findings: an invocation with a notification per check.
sarif_case cap --max-findings 2 tests/checks/cap.ports
check grep -q '"toolExecutionNotifications"' "$tmp/cap.sarif"
sarif_case crowd tests/checks/crowd.ports
./berth check --format=json --no-waivers policies/*.ports >"$tmp/f.json" 2>"$tmp/f.txt"
check "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["summary"]
t=open(sys.argv[2]).read().splitlines()[-1]
assert t.startswith("%d errors, %d warnings" % (s["errors"], s["warnings"])), t
assert len(d["findings"]) == s["errors"] + s["warnings"] + s["notes"]
assert all(f["id"] and f["line"] > 0 for f in d["findings"])' "$tmp/f.json" "$tmp/f.txt"
out=$(./berth check --format=json policies/*.ports 2>/dev/null); check test -n "$out"
./berth check -Werror --no-waivers policies/*.ports >/dev/null 2>&1; check test $? = 1
./berth check -Wbogus policies/*.ports >/dev/null 2>&1; check test $? = 2
# --list-checks lists every check id once, bind-conflict among them.
ids=$(./berth --list-checks | awk '{print $1}')
check test "$(wc -l <<<"$ids")" = "$(sort -u <<<"$ids" | wc -l)"
check grep -qx bind-conflict <<<"$ids"
# Colour: always gives escapes, never and NO_COLOR none, even when forced on a tty-less run.
check grep -q $'\033\[' <(./berth check --color=always tests/seeds/igloo-seed.ports 2>&1)
check test -z "$(./berth check --color=never tests/seeds/igloo-seed.ports 2>&1 | grep $'\033')"
check test -z "$(NO_COLOR=1 ./berth check tests/seeds/igloo-seed.ports 2>&1 | grep $'\033')"
# --output: the machine format goes to the file, the text still to stderr.
./berth check --format=json --output "$tmp/o.json" tests/seeds/igloo-seed.ports >"$tmp/o.out" 2>"$tmp/o.err"
check test ! -s "$tmp/o.out"
check grep -q 'error: port 65536' "$tmp/o.err"
check "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["findings"]' "$tmp/o.json"
# -Wno-<id> drops that check's findings; -W<id> keeps it on.
out=$(./berth check --color=never --no-waivers -Wno-bind-conflict policies/*.ports 2>&1)
check test -z "$(grep '\[bind-conflict\]' <<<"$out")"
check grep -q '\[cross-protocol\]' <<<"$out"
./berth check --output "$tmp/x.txt" policies/*.ports >/dev/null 2>&1; check test $? = 2
# Text that cannot forge: a reason with a newline, in a file whose directory
# name holds a newline and "::", gives one line per finding and note in text
# and gcc, one workflow command per finding with --format github (stderr
# included, as an Actions log shows both), and valid JSON for a Latin-1 name.
forge="$tmp/forge/d"$'\n'"::error file=n::name,x"
mkdir -p "$forge"
printf '%s\n' 'system a { role r; service s { udp 16000 r -> r; } }' \
  'system b { role r; service s { udp 16000 r -> r; } }' \
  'site x { host h1 10.0.0.1 { runs a.r, b.r; }' \
  '  allow bind-conflict on h1 because "ok\nfile:1:1: error: forged\n::error file=x::forged"; }' >"$forge/p.ports"
out=$(./berth check --format=gcc "$forge/p.ports" 2>&1)
check test "$(wc -l <<<"$out")" = 2
check test -z "$(grep -E '^(file:1:1|::)' <<<"$out")"
out=$(./berth check "$forge/p.ports" 2>&1)
check test -z "$(grep -E '^(file:1:1|::)' <<<"$out")"
check grep -q 'note: waived: ok\\nfile:1:1: error: forged\\n::error file=x::forged$' <<<"$out"
out=$(./berth check --format=github "$forge/p.ports" 2>&1)
check test "$(grep -c '^::' <<<"$out")" = 1
check grep -q '^::notice file=.*d%0A%3A%3Aerror file=n%3A%3Aname%2Cx/p.ports,line=2,' <<<"$out"
head -3 "$forge/p.ports" >"$tmp/forge/caf"$'\xe9'".ports"
./berth check --format=json "$tmp/forge/caf"$'\xe9'".ports" >"$tmp/forge.json" 2>/dev/null
check "$PY" -c 'import json,sys; f=json.load(open(sys.argv[1], encoding="utf-8"))["findings"]
assert f and all(x["file"].endswith("caf\ufffd.ports") for x in f), f' "$tmp/forge.json"
}

suite_docs() {
# The documentation: docs/checks.md has a section per check id, whose
# examples do what the page says; the man pages pass mandoc's lint.
check "$PY" tests/docs/checks_doc.py
lint=$(cd docs && mandoc -T lint -W all berth.1 berth.5 2>&1 | grep -v "outdated mandoc.db")  # the system database, not our pages
if [ -z "$lint" ]; then ok; else bad "mandoc -T lint: $lint"; fi
}

suite_fmt() {
# 4. fmt: the bundled policies are formatted; fmt is idempotent and keeps
#    the flow table of every input that parses.
check ./berth fmt --check policies/*.ports
# fmt in place: --check names the file and exits 1; fmt rewrites it keeping
# its mode; then --check is quiet.
cp tests/fmt/messy.ports "$tmp/messy.ports"; chmod 640 "$tmp/messy.ports"
out=$(./berth fmt --check "$tmp/messy.ports"); rc=$?
check test "$rc" = 1
check test "$out" = "$tmp/messy.ports"
check ./berth fmt "$tmp/messy.ports"
check cmp "$tmp/messy.ports" tests/fmt/messy.expected
check test "$(stat -c %a "$tmp/messy.ports")" = 640
check ./berth fmt --check "$tmp/messy.ports"
# docs/language.md's examples: the same text as tests/fmt/language-examples.ports, clean.
check ./berth check tests/fmt/language-examples.ports
check ./berth fmt --check tests/fmt/language-examples.ports
check diff <(sed -n '/^## Examples, one per construct/,$p' docs/language.md | sed -n '/^```$/,/^```$/p' | sed '1d;$d') <(tail -n +2 tests/fmt/language-examples.ports)
# A byte order mark is accepted by check; fmt and check name what they cannot
# read (a directory: "Is a directory"); standard input is read once.
check ./berth check tests/fmt/bom.ports
mkdir "$tmp/dir.ports"
for cmd in check fmt; do
  out=$(./berth $cmd "$tmp/dir.ports" 2>&1); rc=$?
  check test "$rc" = 2
  check grep -q "^berth: cannot read '$tmp/dir.ports': Is a directory\$" <<<"$out"
done
out=$(./berth fmt "$tmp/no-such.ports" 2>&1); rc=$?
check test "$rc" = 2
check grep -q "^berth: cannot read '$tmp/no-such.ports': No such file or directory\$" <<<"$out"
for cmd in check fmt; do
  out=$(./berth $cmd - - </dev/null 2>&1); rc=$?
  check test "$rc" = 2
  check grep -q "standard input given twice" <<<"$out"
done
for f in tests/fmt/*.ports; do
  [ -f "${f%.ports}.expected" ] || continue
  golden ./berth "${f%.ports}.expected" 0 fmt - <"$f"
done
for f in policies/*.ports tests/seeds/*.ports tests/bad/*.ports tests/fmt/*.ports; do
  [ -f "$f" ] || continue
  ./berth fmt - <"$f" >"$tmp/once" 2>/dev/null || continue   # syntax errors: nothing to format
  if ./berth fmt - <"$tmp/once" >"$tmp/twice" 2>/dev/null && cmp -s "$tmp/once" "$tmp/twice"; then ok; else bad "fmt not idempotent: $f"; fi
  copy="$(dirname "$f")/.fmt-test-$$.ports"
  cp "$tmp/once" "$copy"
  ./berth flows "$f" >"$tmp/before" 2>/dev/null; rc1=$?
  ./berth flows "$copy" >"$tmp/after" 2>/dev/null; rc2=$?
  rm -f "$copy"
  if [ "$rc1" = "$rc2" ] && cmp -s "$tmp/before" "$tmp/after"; then ok; else bad "fmt changed the flow table: $f"; fi
done
}

suite_gen() {
# 5. gen: generated/ is what the compiler produces now; gen is byte for
#    byte repeatable; the C compiles as C99 and C++ and its lookups hold.
#    How every output is written (tests/gen/writes.sh), plain and under ASan.
add_summary tests/gen/writes.sh "$(tests/gen/writes.sh 2>&1)"
add_summary "tests/gen/writes.sh under ASan" "$(BERTH=build/asan/berth tests/gen/writes.sh 2>&1)"
./berth gen c -o "$tmp/gen/c" --name berth_policy policies/*.ports 2>/dev/null
./berth gen docs -o "$tmp/gen/docs" --site example policies/*.ports 2>/dev/null
# (generated/fw is checked by tests/fw/fw.sh)
# IPv6 (tests/fw/ipv6.ports) in gen c, gen docs and flows: goldens in
# tests/gen/ipv6/; the header compiles and its _ADDR6 bytes are inet_pton's.
V6=tests/fw/ipv6.ports
./berth gen c -o "$tmp/v6/c" "$V6" 2>/dev/null
./berth gen docs -o "$tmp/v6/docs" --site studio6 "$V6" 2>/dev/null
rm -f "$tmp/v6/docs/flows.svg"                  # dot's own output, not berth's
for h in desk box2; do
  ./berth flows --site studio6 --host "$h" "$V6" >"$tmp/v6/flows-$h.txt" 2>/dev/null
  ./berth flows --site studio6 --host "$h" --format=json "$V6" >"$tmp/v6/flows-$h.json" 2>/dev/null
done
./berth flows "$V6" >"$tmp/v6/flows.txt" 2>/dev/null
if [ -n "$REGEN" ]; then rm -rf tests/gen/ipv6 && cp -r "$tmp/v6" tests/gen/ipv6; fi
if diff -r tests/gen/ipv6 "$tmp/v6" >/dev/null; then ok; else bad "tests/gen/ipv6 differs"; diff -r tests/gen/ipv6 "$tmp/v6" | head -20; fi
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/v6/c" -o "$tmp/v6t" tests/gen/ipv6.c "$tmp/v6/c/berth_policy.c"
check "$tmp/v6t"
check g++ -std=c++11 -Wall -Wextra -Werror -x c++ -c -o "$tmp/v6pp.o" "$tmp/v6/c/berth_policy.c"
for f in flows-desk flows-box2; do check "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/v6/$f.json"; done
if diff -r --exclude=fw generated "$tmp/gen" >/dev/null; then ok; else bad "generated/ is stale: run make generated"; diff -r --exclude=fw generated "$tmp/gen" | head -10; fi
./berth gen c -o "$tmp/gen2" --name berth_policy --depfile "$tmp/gen2.d" policies/example-site.ports 2>/dev/null
# The depfile names both outputs, then every policy read, imports included.
check grep -q "^$tmp/gen2/berth_policy.h $tmp/gen2/berth_policy.c: policies/example-site.ports" "$tmp/gen2.d"
for f in igloo dante omnicast; do check grep -q "^policies/$f.ports:\$" "$tmp/gen2.d"; done
./berth gen c -o "$tmp/gen2" --name berth_policy policies/*.ports 2>/dev/null
check cmp "$tmp/gen/c/berth_policy.c" "$tmp/gen2/berth_policy.c"
check cmp "$tmp/gen/c/berth_policy.h" "$tmp/gen2/berth_policy.h"
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -c -o "$tmp/p.o" "$tmp/gen/c/berth_policy.c"
check g++ -std=c++11 -Wall -Wextra -Werror -x c++ -c -o "$tmp/pp.o" "$tmp/gen/c/berth_policy.c"
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/gen/c" -o "$tmp/lookups" tests/gen/lookups.c "$tmp/gen/c/berth_policy.c"
check "$tmp/lookups"
# Every port of TCP and UDP: the direct port index of berth_port_owners
# agrees with the flow table (tests/gen/index.c), here and for the forms
# and IPv6 policies below.
index_check() {  # index_check DIR NAME: DIR/berth_policy.c against tests/gen/index.c
  check cc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I"$1" -o "$tmp/index-$2" tests/gen/index.c "$1/berth_policy.c"
  check "$tmp/index-$2"
}
index_check "$tmp/gen/c" bundled
index_check "$tmp/v6/c" ipv6
./berth gen c -o "$tmp/hostile" --name hostile --prefix hostile tests/gen/hostile.ports 2>/dev/null
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -trigraphs -I"$tmp/hostile" -o "$tmp/hostile/t" tests/gen/hostile.c "$tmp/hostile/hostile.c"
check "$tmp/hostile/t"
check g++ -std=c++11 -Wall -Wextra -Werror -x c++ -c -o "$tmp/hostile/x.o" "$tmp/hostile/hostile.c"
# A role or zone of another system keeps that system's name (igloo.tablet in dante).
./berth gen c -o "$tmp/cross" tests/gen/cross.ports 2>/dev/null
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/cross" -o "$tmp/cross/t" tests/gen/cross.c "$tmp/cross/berth_policy.c"
check "$tmp/cross/t"
# Even and odd ranges own only their ports; the flags column tells the forms apart.
./berth gen c -o "$tmp/forms" tests/gen/forms.ports 2>/dev/null
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/forms" -o "$tmp/forms/t" tests/gen/forms.c "$tmp/forms/berth_policy.c"
check "$tmp/forms/t"
index_check "$tmp/forms" forms
# Parameters, pools and groups whose macro names collide still give a header
# that compiles with every name defined once.
./berth gen c -o "$tmp/clash" tests/gen/clash.ports 2>/dev/null
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -c -o "$tmp/clash/x.o" "$tmp/clash/berth_policy.c"
check test "$(grep -c '^#define' "$tmp/clash/berth_policy.h")" = "$(grep '^#define' "$tmp/clash/berth_policy.h" | awk '{print $2}' | sort -u | wc -l)"
check grep -qx '#define BERTH_API_VERSION 2' "$tmp/clash/berth_policy.h"
check grep -qx '#define BERTH_API_VERSION_2 7' "$tmp/clash/berth_policy.h"
check grep -q '^#define BERTH_POLICY_HASH "fnv1a64:' "$tmp/clash/berth_policy.h"
check grep -qx '#define BERTH_POLICY_HASH_2 8' "$tmp/clash/berth_policy.h"
# Generating again leaves the files alone (same mtime): dependents do not rebuild.
before=$(stat -c %Y "$tmp/hostile/hostile.h"); sleep 1
./berth gen c -o "$tmp/hostile" --name hostile --prefix hostile tests/gen/hostile.ports 2>/dev/null
check test "$before" = "$(stat -c %Y "$tmp/hostile/hostile.h")"
# A policy with errors writes nothing.
./berth gen c -o "$tmp/none" tests/bad/030-port-zero.ports >/dev/null 2>&1; check test $? = 1
check test ! -e "$tmp/none"
# The flow diagram renders, and the SVG shows every host of the example site.
check dot -Tsvg -o "$tmp/flows.svg" generated/docs/flows.dot
for h in media1 omni1 omni2 tablet1 projector1; do check grep -q ">$h" "$tmp/flows.svg"; done
# Without dot, a flows.svg of ours from an earlier run goes; a user's stays.
./berth gen docs -o "$tmp/svg" --site example policies/*.ports 2>/dev/null
check test -e "$tmp/svg/flows.svg"
PATH=/nonexistent ./berth gen docs -o "$tmp/svg" --site example policies/*.ports 2>/dev/null
check test ! -e "$tmp/svg/flows.svg"
echo "not ours" >"$tmp/svg/flows.svg"
PATH=/nonexistent ./berth gen docs -o "$tmp/svg" --site example policies/*.ports 2>/dev/null
check grep -q "not ours" "$tmp/svg/flows.svg"
# dot stopped by its CPU limit (a stand-in that gets SIGXCPU at once):
# flows.svg is the note saying so, and the run still succeeds.
mkdir -p "$tmp/slowdot" && printf '#!/bin/sh\nkill -XCPU $$\n' >"$tmp/slowdot/dot" && chmod +x "$tmp/slowdot/dot"
PATH="$tmp/slowdot:$PATH" ./berth gen docs -o "$tmp/slow" --site example policies/*.ports 2>"$tmp/slow.err"
check test $? = 0
check grep -q 'not drawn: Graphviz needed more than 5 s' "$tmp/slow/flows.svg"
check grep -q 'dot needed more than 5 s of CPU' "$tmp/slow.err"
# Hostile descriptions leave every Markdown table row with its columns.
./berth gen docs -o "$tmp/hostile-docs" tests/gen/hostile.ports 2>/dev/null
check "$PY" - "$tmp/hostile-docs/evil.md" <<'PYEOF'
import re, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("|")]
cells = lambda l: len(re.findall(r"(?<!\\)\|", l))
assert rows and all(cells(r) == cells(rows[0]) for r in rows), rows
assert "<script>" not in open(sys.argv[1], encoding="utf-8").read()
PYEOF
# Paths in the banner cannot end the comment or the line: a policy under
# x*/ (the path holds "*/"), a directory with newlines, "??/" and "/*".
hostile_dir="x*/y"$'\n'"#error injected"$'\n'"z??/w/*"
mkdir -p "$tmp/banner/$hostile_dir"
cp policies/igloo.ports "$tmp/banner/$hostile_dir/p.ports"
cp policies/dante.ports "$tmp/banner/$hostile_dir/dante.ports"   # p.ports imports it
(cd "$tmp/banner" && "$OLDPWD/berth" gen c -o out --name forge "$hostile_dir/p.ports" 2>/dev/null)
check grep -qF 'x*\/y\n#error injected\nz?\?/w/\*\/p.ports' "$tmp/banner/out/forge.c"
check cc -std=c99 -Wall -Werror -Wextra -Wpedantic -trigraphs -c -o "$tmp/banner/forge.o" "$tmp/banner/out/forge.c"
check test "$(head -1 "$tmp/banner/out/forge.h" | grep -o '\*/' | wc -l)" = 1
# --name is a C identifier (it names the header guard and the files).
for n in 'a*/b' 'x y' '1x' 'a-b' '' 'a/b'; do
  ./berth gen c -o "$tmp/badname" --name "$n" policies/igloo.ports >/dev/null 2>&1; check test $? = 2
done
check test ! -e "$tmp/badname"
./berth gen c -o "$tmp/site" --site example --name berth_policy policies/*.ports 2>/dev/null
check cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$tmp/site" -o "$tmp/site-lookups" tests/gen/lookups.c "$tmp/site/berth_policy.c"
check "$tmp/site-lookups"
}

suite_pictures() {
# The pictures (tests/docs/pictures.sh): the flow diagram's boxes, edges,
# labels and font; a port map per host with its lanes, ephemeral range and
# findings; every SVG well-formed.
add_summary tests/docs/pictures.sh "$(tests/docs/pictures.sh 2>&1)"
add_summary "tests/docs/pictures.sh under ASan" "$(BERTH=build/asan/berth tests/docs/pictures.sh 2>&1)"
}

suite_perf() {
# 5a. Nothing quadratic: 20,000 flows through check and both generators,
#     each under 10 s (linear code takes well under one; a pairwise loop
#     over flows takes minutes).
"$PY" tests/perf/mkpolicy.py 20000 | sed '/^site big/,$d' >"$tmp/big.ports"
check timeout 10 ./berth check "$tmp/big.ports"
check timeout 10 ./berth gen c -o "$tmp/big-c" "$tmp/big.ports"
check timeout 10 ./berth gen docs -o "$tmp/big-docs" "$tmp/big.ports"
# Small inputs that once crashed berth or ran away, each under limits.
add_summary tests/perf/bombs.sh "$(tests/perf/bombs.sh 2>&1)"
# Every allocation failure ends in exit 2 with a message (the ASan build
# fails its Nth allocation on request).
add_summary tests/perf/alloc.sh "$(tests/perf/alloc.sh 2>&1)"
# 70,000 services: the service indexes of the generated C outgrow unsigned
# short; every owner the compiled lookups find is right (tests/gen/owners.c).
awk 'BEGIN { print "system big { role r; role q;"
  for (i = 0; i < 70000; i++) printf "service s%d { tcp %d %s; }\n", i, i % 60000 + 1, i < 60000 ? "r -> r" : "q -> q"
  print "}" }' >"$tmp/many.ports"
check timeout 10 ./berth gen c -o "$tmp/many" "$tmp/many.ports"
check cc -std=c99 -O0 -Wall -Wextra -Wpedantic -Werror -I"$tmp/many" -o "$tmp/many/t" tests/gen/owners.c "$tmp/many/berth_policy.c"
check "$tmp/many/t"
}

suite_fuzz() {
# 5b. No input crashes it: a fixed, seeded run of the mutation fuzzer over
#     the sanitizer build (tests/fuzz/mutate.py runs longer by hand).
add_summary "the fuzzer" "$("$PY" tests/fuzz/mutate.py build/asan/berth 200 1 2>&1)"
# 5c. libFuzzer for FUZZ_SECONDS (60 by default) over tests/fuzz/harness.c,
#     from a copy of the kept corpus: no crash, leak, timeout or fmt change.
local secs=${FUZZ_SECONDS:-60}
if ! make --no-print-directory build/fuzz/berth-fuzz >"$tmp/fuzz-build.log" 2>&1; then
  bad "the libFuzzer harness does not build"; tail -20 "$tmp/fuzz-build.log"; return
fi
mkdir -p "$tmp/corpus" "$tmp/artifacts"
if build/fuzz/berth-fuzz -close_fd_mask=3 -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$tmp/artifacts/" -max_total_time="$secs" -print_final_stats=1 \
     "$tmp/corpus" tests/fuzz/corpus policies >"$tmp/fuzz.log" 2>&1; then ok
else
  bad "libFuzzer found a failure in $secs s; its input:"
  ls "$tmp/artifacts"; grep -E 'ERROR|SUMMARY|abort|exited' "$tmp/fuzz.log" | head -20
  mkdir -p build/fuzz && cp "$tmp"/artifacts/* build/fuzz/ 2>/dev/null
fi
}

suite_integration() {
# 6. berth as a build step (tests/integration.sh: make and CMake consumers,
#    rebuilds on policy edits, quiet otherwise)).
add_summary tests/integration.sh "$(tests/integration.sh 2>&1)"
}

suite_install() {
# `make install` into a staging directory puts every file where it belongs.
make --no-print-directory install DESTDIR="$tmp/dest" PREFIX=/opt/berth >/dev/null 2>&1
for f in bin/berth lib/cmake/berth/BerthGenerate.cmake share/man/man1/berth.1 share/man/man5/berth.5 \
         share/bash-completion/completions/berth share/zsh/vendor-completions/_berth \
         share/fish/vendor_completions.d/berth.fish; do
  check test -e "$tmp/dest/opt/berth/$f"
done
}

suite_completion() {
# Shell completion (tests/completion/bash.sh): bash without a terminal and
# through bash-completion's loader, zsh in a pseudo-terminal, fish.
add_summary tests/completion/bash.sh "$(tests/completion/bash.sh 2>&1)"
}

suite_fw() {
# 7. Firewall rules (tests/fw/fw.sh): each target's own tool, packets in
#    network namespaces, hostile text, the template sandbox.
add_summary tests/fw/fw.sh "$(tests/fw/fw.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/fw/fw.sh under ASan" "$(BERTH=build/asan/berth FW_QUICK=1 tests/fw/fw.sh 2>&1)"
}

suite_ci() {
# The conventions of CLI users and CI systems (tests/ci/ci.sh).
add_summary tests/ci/ci.sh "$(tests/ci/ci.sh 2>&1)"
}

suite_audit() {
# berth audit (tests/audit/audit.sh): saved socket tables against goldens, live listeners.
add_summary tests/audit/audit.sh "$(tests/audit/audit.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/audit/audit.sh under ASan" "$(BERTH=build/asan/berth tests/audit/audit.sh 2>&1)"
}

suite_explain() {
# 7b. berth explain (tests/explain/explain.sh): goldens, the README's runs,
#     usage errors, and explain checked against flows --host rule by rule.
add_summary tests/explain/explain.sh "$(tests/explain/explain.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/explain/explain.sh under ASan" "$(BERTH=build/asan/berth EXPLAIN_QUICK=1 tests/explain/explain.sh 2>&1)"
}

suite_import() {
# 8. berth import (tests/import/import.sh): goldens, the firewalld corpus
#    imported and regenerated through the firewalld template, services(5).
add_summary tests/import/import.sh "$(tests/import/import.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/import/import.sh under ASan" "$(BERTH=build/asan/berth IMPORT_QUICK=1 tests/import/import.sh 2>&1)"
}

suite_diff() {
# 9. berth diff (tests/diff/diff.sh): goldens of what changes on the
#    network, empty diffs for fmt, reordering and descriptions, --git.
add_summary tests/diff/diff.sh "$(tests/diff/diff.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/diff/diff.sh under ASan" "$(BERTH=build/asan/berth DIFF_QUICK=1 tests/diff/diff.sh 2>&1)"
}

suite_protos() {
# 9b. IP protocols without ports (tests/protos/protos.sh): icmp and its
#     types, igmp, esp, vrrp, proto N through every output, as goldens.
add_summary tests/protos/protos.sh "$(tests/protos/protos.sh "${GFLAG[@]}" 2>&1)"
add_summary "tests/protos/protos.sh under ASan" "$(BERTH=build/asan/berth tests/protos/protos.sh 2>&1)"
}

suite_build() {
# 10. The build under make -j16 from clean, in a copy of the tree
#     (tests/build/parallel.sh), and this script's own options.
add_summary tests/build/parallel.sh "$(tests/build/parallel.sh 2>&1)"
}

# Each suite is a function (bodies left at column 0: some hold heredocs and
# multi-line Python).
SUITES="unit bad seeds vendor checks cli sarif docs fmt gen pictures perf fuzz integration install completion fw ci audit explain import diff protos build"

# The command line: -g, --list, then suite names; none means all of them.
want=()
for a in "$@"; do
  case $a in
    -g) REGEN=1 ;;
    --list) tr ' ' '\n' <<<"$SUITES"; exit 0 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $a (tests/run.sh --help)" >&2; exit 2 ;;
    *) if [[ " $SUITES " = *" $a "* ]]; then want+=("$a"); else
         echo "run.sh: no suite '$a' (tests/run.sh --list names them)" >&2; exit 2; fi ;;
  esac
done
[ ${#want[@]} -gt 0 ] || read -ra want <<<"$SUITES"
[ -n "$REGEN" ] && GFLAG=(-g)
for s in "${want[@]}"; do "suite_$s"; done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
