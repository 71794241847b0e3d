#!/usr/bin/env bash
# diff.sh: berth diff end to end. Goldens (tests/diff/NAME.expected, the
# exact table and exit 1) for edits that change the network: Dante's range
# narrowed in a copy of policies/, and one-edit variants of shop.ports;
# edits that do not (fmt, reordered services, descriptions, comments) give
# no output and exit 0; --git against a repository made here; JSON parsed;
# usage errors exit 2. Prints "N passed, N failed, N skipped"; a step that
# cannot run says "skipped: REASON". `diff.sh -g` (or UPDATE=1) rewrites the goldens.
# BERTH=build/asan/berth DIFF_QUICK=1 is the sanitizer pass: the large
# policy has 2,000 flows instead of 20,000 and no time limit to speak of.
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
case $BERTH in /*) ;; *) BERTH=$PWD/$BERTH ;; esac    # the --git tests run elsewhere
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
. tests/lib.sh
G=$PWD/tests/diff

# golden NAME RC ARGS...: `berth diff ARGS` prints exactly NAME.expected,
# nothing on stderr, and exits RC.
golden() {
  local name=$1 want=$2; shift 2
  local out rc
  out=$("$BERTH" diff "$@" 2>"$tmp/err"); rc=$?
  [ -n "$REGEN" ] && printf '%s\n' "$out" >"$G/$name.expected"
  if [ "$rc" = "$want" ] && [ "$out" = "$(cat "$G/$name.expected")" ] && [ ! -s "$tmp/err" ]; then ok; else
    bad "golden $name: berth diff $* (exit $rc, want $want)"
    diff <(printf '%s\n' "$out") "$G/$name.expected" | head -20
    head -5 "$tmp/err"
  fi
}

# same NAME ARGS...: nothing changes on the network: no output, exit 0.
same() {
  local name=$1; shift
  local out rc
  out=$("$BERTH" diff "$@" 2>&1); rc=$?
  if [ "$rc" = 0 ] && [ -z "$out" ]; then ok; else
    bad "$name: berth diff $* should be empty (exit $rc)"; printf '%s\n' "$out" | head -10
  fi
}

# fails NAME MESSAGE ARGS...: exit 2 with MESSAGE on stderr, nothing on stdout.
fails() {
  local name=$1 msg=$2; shift 2
  local rc
  "$BERTH" diff "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$msg" "$tmp/err"; then ok; else
    bad "$name: berth diff $* (exit $rc, want 2 and '$msg')"; head -5 "$tmp/err"
  fi
}

# variant NAME SED-ARGS...: $tmp/NAME/shop.ports, shop.ports with one edit
# (which must change the file).
variant() {
  local name=$1; shift
  mkdir -p "$tmp/$name"
  sed "$@" "$G/shop.ports" >"$tmp/$name/shop.ports"
  cmp -s "$G/shop.ports" "$tmp/$name/shop.ports" && bad "variant $name changes nothing"
}

# ---- 1. Dante's 16000-65535 narrowed to 16000-60000 in a copy of policies/ ----
cp -r policies "$tmp/old"
cp -r policies "$tmp/new"
sed -i 's/16000-65535 device -> device/16000-60000 device -> device/' "$tmp/new/dante.ports"
check test "$(grep -c 16000-60000 "$tmp/new/dante.ports")" = 1
# The Igloo table's Dante row is the same software (igloo.dante is
# dante.audio_control): it shrinks with it, or media1 keeps the ports open.
sed -i 's/16000-65535 dante.device -> media_server/16000-60000 dante.device -> media_server/' "$tmp/new/igloo.ports"
check test "$(grep -c 16000-60000 "$tmp/new/igloo.ports")" = 1
golden dante 1 "$tmp/old" "$tmp/new"
# Each host of the example site that runs Dante, both directions: closes udp 60001-65535.
for h in media1 omni1 rec1; do
  for d in in out; do
    check grep -Eq "^example +$h +$d +closes udp 60001-65535 +dante\.audio_control" "$G/dante.expected"
  done
done
check test "$(grep -c 'closes udp 60001-65535' "$G/dante.expected")" = 6
check test "$(grep -vc 'closes udp 60001-65535' "$G/dante.expected")" = 1    # the header
# Files instead of directories: the imports come from each file's directory.
golden dante 1 "$tmp/old/example-site.ports" "$tmp/new/example-site.ports"
# Repeatable byte for byte.
"$BERTH" diff "$tmp/old" "$tmp/new" >"$tmp/d1" 2>&1
"$BERTH" diff "$tmp/old" "$tmp/new" >"$tmp/d2" 2>&1
check cmp "$tmp/d1" "$tmp/d2"
# The other way round, the range opens again.
out=$("$BERTH" diff "$tmp/new" "$tmp/old"); rc=$?
check test "$rc" = 1
check test "$(grep -c ' opens udp 60001-65535 ' <<<"$out")" = 6

# ---- 2. Edits that change nothing on the network ----
same identical policies policies
same identical-files policies/example-site.ports policies/example-site.ports
# berth fmt of a file whose layout was mangled: before and after fmt, the same network.
cp -r policies "$tmp/fmt"
sed -i 's/^    /\t /; s/ -> /   ->  /; s/;$/ ;/; s/^}/\n\n}/' "$tmp/fmt/igloo.ports"
check sh -c "! cmp -s policies/igloo.ports '$tmp/fmt/igloo.ports'"
same mangled policies "$tmp/fmt"
check "$BERTH" fmt "$tmp/fmt/igloo.ports"
check "$BERTH" fmt --check "$tmp/fmt/igloo.ports"
same fmt policies "$tmp/fmt"
# Two services swapped.
cp -r policies "$tmp/reorder"
"$PY" - "$tmp/reorder/dante.ports" <<'PYEOF'
import sys
p = sys.argv[1]; s = open(p).read()
a = '    service audio "Dante Audio." {\n        udp 4321 device -> device in dante_net;\n    }\n'
b = '    service aes67_audio "AES67 Audio." {\n        udp 5004 device -> device in dante_net;\n    }\n'
assert a + b in s
open(p, "w").write(s.replace(a + b, b + a))
PYEOF
check sh -c "! cmp -s policies/dante.ports '$tmp/reorder/dante.ports'"
same reorder policies "$tmp/reorder"
# Descriptions and comments edited.
cp -r policies "$tmp/desc"
sed -i 's/"Dante Audio\."/"Dante audio streams."/; s/^# Dante audio:/# Dante audio (edited):/; s/"Dante audio networking"/"Dante"/' "$tmp/desc/dante.ports"
sed -i 's/"Igloo room with Dante audio and Omnicast video on one subnet"/"The example room"/; s/# DNS, updates and remote access/# edited/' "$tmp/desc/example-site.ports"
check sh -c "! cmp -s policies/dante.ports '$tmp/desc/dante.ports'"
same description policies "$tmp/desc"
# Roles and hosts in another order.
variant shop-reordered -e '/^    role camera/d' -e 's/^    role server .*/    role camera "Camera";\n&/' \
  -e '/^    host srv /d' -e 's/^    host cam1 .*/&\n    host srv 10.1.0.1 { os linux; runs shop.server; }/'
same shop-reordered tests/diff/shop.ports "$tmp/shop-reordered/shop.ports"

# ---- 3. Edits that do: one golden each ----
variant add-host -e 's/^    host till1 .*/&\n    host till2 10.1.0.12 { os linux; runs shop.till; }/'
golden shop-add-host 1 tests/diff/shop.ports "$tmp/add-host/shop.ports"
variant add-service -e 's/^    service video/    service admin "Remote administration." {\n        tcp 22 till -> server in lan;\n    }\n&/'
golden shop-add-service 1 tests/diff/shop.ports "$tmp/add-service/shop.ports"
# A flow moves to another service: the same ports, another owner.
variant flow-move -e 's/tcp 8443 till/SALES/; s/udp 7000-7010 till/tcp 8443 till/; s/SALES/udp 7000-7010 till/'
golden shop-flow-move 1 tests/diff/shop.ports "$tmp/flow-move/shop.ports"
# A role moves to another host: it closes on one, opens on the other.
variant role-move -e 's/{ os linux; runs shop.till; }/{ os linux; }/; s/runs shop.camera;/runs shop.camera, shop.till;/'
golden shop-role-move 1 tests/diff/shop.ports "$tmp/role-move/shop.ports"
variant address -e 's/host srv 10.1.0.1 /host srv 10.1.0.2 /'
golden shop-address 1 tests/diff/shop.ports "$tmp/address/shop.ports"
variant narrow -e 's/udp 7000-7010/udp 7000-7005/'
golden shop-narrow 1 tests/diff/shop.ports "$tmp/narrow/shop.ports"
golden shop-narrow 1 - "$tmp/narrow/shop.ports" <tests/diff/shop.ports    # standard input as one side
variant group -e 's/group 239.1.1.1/group 239.1.1.2/'
golden shop-group 1 tests/diff/shop.ports "$tmp/group/shop.ports"
variant peers -e 's/tcp 8443 till -> server/tcp 8443 any -> server/'
golden shop-peers 1 tests/diff/shop.ports "$tmp/peers/shop.ports"
variant site-added -e '$a\
\
site branch "A branch" {\
    network shop.lan 10.2.0.0/24;\
    host srv2 10.2.0.1 { runs shop.server, shop.till; }\
}'
golden shop-site-added 1 tests/diff/shop.ports "$tmp/site-added/shop.ports"
golden shop-site-removed 1 "$tmp/site-added/shop.ports" tests/diff/shop.ports
# Directory against directory: a file more on one side.
mkdir -p "$tmp/dir-a" "$tmp/dir-b"
cp tests/diff/shop.ports "$tmp/dir-a/"
cp tests/diff/shop.ports "$tmp/dir-b/"
printf 'system extra "Extra" { role r "R"; service s "S" { tcp 9 r -> r; } }\nsite main2 "M2" { host x 10.9.0.1 { runs extra.r; } }\n' >"$tmp/dir-b/extra.ports"
touch "$tmp/dir-b/notes.txt"
golden dir 1 "$tmp/dir-a" "$tmp/dir-b"
same dir-same "$tmp/dir-a" "$tmp/dir-a"

# ---- 4. JSON: the same changes, one object each ----
check_json() {  # check_json TEXT-ARGS...: JSON parses, matches the table's rows
  "$BERTH" diff "$@" >"$tmp/t.txt" 2>/dev/null
  "$BERTH" diff --format=json "$@" >"$tmp/t.json" 2>/dev/null; local rc=$?
  if "$PY" - "$tmp/t.json" "$tmp/t.txt" "$rc" <<'PYEOF'; then ok; else bad "json: berth diff $*"; fi
import json, sys
d = json.load(open(sys.argv[1]))
rows = open(sys.argv[2]).read().splitlines()[1:]
assert isinstance(d, list) and len(d) == len(rows), (len(d), len(rows))
assert int(sys.argv[3]) == (1 if d else 0)
keys = {"site", "host", "direction", "change", "protocol", "group", "lo", "hi", "old", "new"}
for o, row in zip(d, rows):
    assert set(o) == keys, o
    assert row.split()[0] == o["site"] and row.split()[1] == (o["host"] or "-"), (row, o)
    assert o["change"] in ("site-added", "site-removed", "host-added", "host-removed",
                           "changes-address", "opens", "closes", "changes-owner", "changes-peers")
    if o["lo"] is not None:
        assert 1 <= o["lo"] <= o["hi"] <= 65535 and o["protocol"] in ("tcp", "udp")
        assert o["direction"] in ("in", "out") and row.split()[2] == o["direction"]
        assert " %s %s%s" % (o["protocol"], o["lo"], "" if o["lo"] == o["hi"] else "-%d" % o["hi"]) in row
    assert all(isinstance(s, str) for s in o["old"] + o["new"])
PYEOF
}
check_json "$tmp/old" "$tmp/new"
check_json tests/diff/shop.ports "$tmp/add-host/shop.ports"
check_json tests/diff/shop.ports "$tmp/flow-move/shop.ports"
check_json tests/diff/shop.ports "$tmp/site-added/shop.ports"
check_json tests/diff/shop.ports "$tmp/group/shop.ports"
check_json policies policies
check test "$("$BERTH" diff --format=json policies policies)" = "[]"
check "$PY" -c 'import json,sys; d=json.load(sys.stdin)
assert [(o["host"], o["direction"], o["change"], o["protocol"], o["lo"], o["hi"], o["old"], o["new"]) for o in d][:1] == \
  [("media1", "in", "closes", "udp", 60001, 65535, ["dante.audio_control"], [])], d' \
  < <("$BERTH" diff --format=json "$tmp/old" "$tmp/new")

# ---- 5. --git REV: the work tree against a revision, imports from it too ----
if command -v git >/dev/null; then
  repo=$tmp/repo
  mkdir -p "$repo"
  cp -r policies "$repo/policies"
  g() { git -C "$repo" -c user.name=berth -c user.email=berth@example.invalid "$@"; }
  g init -q && g add . && g commit -qm policies
  (cd "$repo" && same git-clean --git HEAD "$repo/policies")
  fails git-other-tree "outside the work tree" --git HEAD "$repo/policies"   # from berth's own tree
  sed -i 's/16000-65535 device -> device/16000-60000 device -> device/' "$repo/policies/dante.ports"
  sed -i 's/16000-65535 dante.device -> media_server/16000-60000 dante.device -> media_server/' "$repo/policies/igloo.ports"
  (cd "$repo" && golden dante 1 --git HEAD policies)
  (cd "$repo" && golden dante 1 --git HEAD policies/example-site.ports)    # dante.ports imported from HEAD
  (cd "$repo/policies" && golden dante 1 --git HEAD)                      # default: the current directory
  (cd "$repo/policies" && golden dante 1 --git HEAD .)
  (cd "$repo" && golden dante 1 --git HEAD "$repo/policies")
  g stash -q
  (cd "$repo" && same git-stashed --git HEAD policies)
  g stash pop -q
  # A commit later, HEAD~1 is the old side and HEAD the same as the work tree.
  g commit -qam narrow
  (cd "$repo" && same git-committed --git HEAD policies)
  (cd "$repo" && golden dante 1 --git HEAD~1 policies)
  # A file only in the work tree, and one deleted from it.
  cp tests/diff/shop.ports "$repo/policies/shop.ports"
  (cd "$repo" && "$BERTH" diff --git HEAD policies/shop.ports >"$tmp/g.out" 2>&1); rc=$?
  check test "$rc" = 1
  check grep -Eq '^main +- +- +site added$' "$tmp/g.out"
  g add policies/shop.ports && g commit -qm shop
  rm "$repo/policies/shop.ports"
  (cd "$repo" && "$BERTH" diff --git HEAD policies >"$tmp/g.out" 2>&1); rc=$?
  check test "$rc" = 1
  check grep -Eq '^main +- +- +site removed$' "$tmp/g.out"
  (cd "$repo" && fails git-bad-rev "'no-such-rev' is not a revision" --git no-such-rev policies)
  (cd "$repo" && fails git-no-path "is neither in the work tree nor in HEAD" --git HEAD nowhere)
  (cd "$tmp" && fails git-no-repo "not in a git work tree" --git HEAD)
  (cd "$repo" && fails git-option-rev "--git needs a revision" --git -x)
  (cd "$repo" && fails git-stdin "not standard input" --git HEAD -)
else
  skipped "--git: no git"
fi

# ---- 6. Errors: exit 2, nothing on stdout ----
fails no-args "diff needs OLD and NEW"
fails one-arg "diff needs OLD and NEW" policies
fails three-args "diff needs OLD and NEW" policies policies policies
fails file-and-dir "two files or two directories" policies policies/dante.ports
fails unknown-option "unknown option '--frob'" --frob policies policies
fails bad-format "unknown format 'xml'" --format=xml policies policies
fails git-no-value "--git needs a value" --git
fails missing "cannot open 'no-such.ports'" no-such.ports policies/dante.ports
fails two-stdin "standard input can be only one side" - -
printf 'system broken {\n' >"$tmp/broken.ports"
fails broken-new "1 error in the new policy" tests/diff/shop.ports "$tmp/broken.ports"
fails broken-old "in the old policy" "$tmp/broken.ports" tests/diff/shop.ports
check grep -q "broken.ports:2:1: error: " "$tmp/err"
mkdir -p "$tmp/unreadable" && printf 'x' >"$tmp/unreadable/a.ports" && chmod 000 "$tmp/unreadable/a.ports"
if [ "$(id -u)" != 0 ]; then fails unreadable "cannot read" "$tmp/unreadable/a.ports" tests/diff/shop.ports
else skipped "unreadable file: root reads everything"; fi
chmod 644 "$tmp/unreadable/a.ports"

# ---- 7. Nothing quadratic: 20,000 flows on 50 hosts, one port moved ----
if [ -n "${DIFF_QUICK:-}" ]; then NFLOWS=2000 LIMIT=60; else NFLOWS=20000 LIMIT=10; fi
"$PY" tests/perf/mkpolicy.py "$NFLOWS" >"$tmp/big.ports"
"$PY" - "$tmp/big.ports" "$tmp/big2.ports" <<'PYEOF'
import re, sys
s = open(sys.argv[1]).read()
nets = "".join("    network s%d.z 10.0.0.0/16;\n" % i for i in range(20))   # peers get addresses
s = s.replace('site big "synthetic site" {\n', 'site big "synthetic site" {\n' + nets)
open(sys.argv[1], "w").write(s)
m = re.search(r"\n        udp (\d+) r\d -> r0 in z;", s)   # s0.r0 runs on h0, h20, h40
open(sys.argv[2], "w").write(s[:m.start(1)] + str(int(m.group(1)) % 65535 + 1) + s[m.end(1):])
PYEOF
timeout "$LIMIT" "$BERTH" diff "$tmp/big.ports" "$tmp/big2.ports" >"$tmp/big.out" 2>&1; rc=$?
check test "$rc" = 1
check grep -q ' opens udp ' "$tmp/big.out"
check timeout "$LIMIT" "$BERTH" diff "$tmp/big.ports" "$tmp/big.ports"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
