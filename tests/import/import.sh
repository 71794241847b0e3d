#!/usr/bin/env bash
# import.sh: berth import, end to end. Golden outputs and diagnostics for
# hand-written firewalld files (good and bad) and services(5) samples; the
# command line; -o that writes atomically and never on failure; the real
# corpus: every firewalld service of /usr/lib/firewalld/services imported,
# checked, regenerated with the firewalld template and compared
# (roundtrip.py, exceptions in firewalld-exceptions.txt); /etc/services and
# Wireshark's IANA list imported clean and repeatably; mutated XML never
# crashes it. Prints "N passed, N failed, N skipped"; a step that cannot run
# here says "skipped: REASON". -g (or UPDATE=1) rewrites the goldens.
# BERTH=build/asan/berth IMPORT_QUICK=1 is the sanitizer pass (fewer mutants,
# no firewall-offline-cmd).
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
QUICK=${IMPORT_QUICK:-}
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
D=tests/import
FWDIR=/usr/lib/firewalld/services

# golden OUT ERR RC ARGS...: berth ARGS prints exactly OUT (- : nothing) on
# stdout and ERR on stderr, and exits RC.
golden() {
  local out=$1 err=$2 want=$3; shift 3
  "$BERTH" "$@" >"$tmp/g.out" 2>"$tmp/g.err"; local rc=$?
  if [ -n "$REGEN" ]; then
    [ "$out" = - ] || cp "$tmp/g.out" "$out"
    cp "$tmp/g.err" "$err"
  fi
  local out_ok=1
  if [ "$out" = - ]; then [ -s "$tmp/g.out" ] && out_ok=; else cmp -s "$tmp/g.out" "$out" || out_ok=; fi
  if [ "$rc" = "$want" ] && [ -n "$out_ok" ] && cmp -s "$tmp/g.err" "$err"; then ok; else
    bad "berth $* (exit $rc, want $want)"
    [ "$out" = - ] || diff "$tmp/g.out" "$out" | head -10
    diff "$tmp/g.err" "$err" | head -10
  fi
}

# 1. Goldens: the good firewalld files as one system, each bad one alone.
golden $D/fw/good.ports $D/fw/good.err 0 import firewalld $D/fw/good/*.xml
for f in $D/fw/bad/*.xml; do golden - "${f%.xml}.err" 1 import firewalld "$f"; done
golden $D/services/sample.ports $D/services/sample.err 0 import services $D/services/sample.services
for f in $D/services/bad-*.services; do golden - "${f%.services}.err" 1 import services "$f"; done
# What import writes is formatted and checks without errors.
for f in $D/fw/good.ports $D/services/sample.ports; do
  check "$BERTH" fmt --check "$f"
  check "$BERTH" check "$f"
done
# Bytes no text editor would leave are errors too, with a place.
printf '<service>\n  <short>a\0b</short>\n</service>\n' >"$tmp/nul.xml"
"$BERTH" import firewalld "$tmp/nul.xml" >"$tmp/o" 2>"$tmp/e"; rc=$?
check test "$rc" = 1
check grep -q "nul.xml:2:11: error: character U+0000 is not allowed in XML" "$tmp/e"
for depth in 64 65; do
  "$PY" -c "import sys; n=int(sys.argv[1]); print('<service>' + '<a>' * (n - 1) + '</a>' * (n - 1) + '</service>')" "$depth" >"$tmp/deep.xml"
  "$BERTH" import firewalld "$tmp/deep.xml" >/dev/null 2>"$tmp/e"; rc=$?
  if [ "$depth" = 64 ]; then check test "$rc" = 0; else
    check test "$rc" = 1; check grep -q 'elements nested too deep (limit is 64)' "$tmp/e"; fi
done

# 2. The command line.
usage() { "$BERTH" "$@" >/dev/null 2>&1; if [ $? = 2 ]; then ok; else bad "want exit 2: berth $*"; fi; }
usage import
usage import frobnicate
usage import firewalld
usage import firewalld --name 1x $D/fw/good/web.xml
usage import firewalld --name any $D/fw/good/web.xml
usage import firewalld --name my-name $D/fw/good/web.xml
usage import firewalld --frob $D/fw/good/web.xml
usage import firewalld $D/fw/good/web.xml -o
usage import firewalld $D/services/sample.services
usage import firewalld $D/fw/good/no-such-file.xml
usage import services a b
usage import services $tmp/no-such-file
out=$("$BERTH" import firewalld --name=web_only $D/fw/good/web.xml 2>/dev/null)
check grep -q '^system web_only "' <<<"$out"
out=$("$BERTH" import services --name mine - <$D/services/sample.services 2>/dev/null); rc=$?
check test "$rc" = 0
check grep -q '^system mine "' <<<"$out"
check grep -q "^    # services(5) 'tcpmux' from <stdin> line 3$" <<<"$out"
check grep -q 'berth import' <("$BERTH" --help)
# A file named twice (even spelt differently) is one service, with a warning.
out=$("$BERTH" import firewalld $D/fw/good/web.xml ./$D/fw/good/web.xml 2>"$tmp/e")
check test "$(grep -c '^    service ' <<<"$out")" = 1
check grep -qx "berth: warning: './$D/fw/good/web.xml' given twice: imported once" "$tmp/e"

# 3. -o writes what stdout shows, atomically; on failure no file appears and
#    an old one stays as it was.
"$BERTH" import firewalld -o "$tmp/o1.ports" $D/fw/good/*.xml 2>/dev/null
check cmp "$tmp/o1.ports" $D/fw/good.ports
"$BERTH" import services --output="$tmp/o2.ports" $D/services/sample.services 2>/dev/null
check cmp "$tmp/o2.ports" $D/services/sample.ports
"$BERTH" import firewalld --output "$tmp/none.ports" $D/fw/good/web.xml $D/fw/bad/port-70000.xml >/dev/null 2>&1
check test $? = 1
check test ! -e "$tmp/none.ports"
echo "keep me" >"$tmp/old.ports"
"$BERTH" import services -o "$tmp/old.ports" $D/services/bad-port.services >/dev/null 2>&1
check test $? = 1
check grep -qx "keep me" "$tmp/old.ports"
check test -z "$(ls -A "$tmp" | grep '\.tmp')"             # no temporary file left

# 4. The firewalld corpus: import, check, regenerate, compare.
roundtrip() {
  local rt=$tmp/rt xml=("$FWDIR"/*.xml)
  mkdir -p "$rt"
  "$BERTH" import firewalld -o "$rt/firewalld.ports" "${xml[@]}" 2>"$rt/import.err"
  check test $? = 0
  check test "$(grep -c '^    service ' "$rt/firewalld.ports")" = "${#xml[@]}"
  "$BERTH" import firewalld "${xml[@]}" 2>/dev/null | cmp -s - "$rt/firewalld.ports" && ok || bad "firewalld import not repeatable"
  check "$BERTH" fmt --check "$rt/firewalld.ports"
  printf 'import "firewalld.ports";\n\nsite lab "firewalld round trip" {\n    host h 192.0.2.10, 2001:db8::10 { runs firewalld.server; }\n}\n' >"$rt/site.ports"
  "$BERTH" check "$rt/site.ports" 2>"$rt/check.err"
  check test $? = 0
  printf 'corpus: %d services imported, %d warnings; check: %s\n' "${#xml[@]}" \
    "$(grep -c ': warning: ' "$rt/import.err")" \
    "$(grep -o '\[[a-z-]*\]$' "$rt/check.err" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
  if "$BERTH" gen fw --template firewalld --site lab --host h -o "$rt/gen" "$rt/site.ports" 2>"$rt/gen.err"; then ok; else
    bad "gen fw of the imported corpus"; head -5 "$rt/gen.err"; return; fi
  if "$PY" $D/roundtrip.py "$FWDIR" "$rt/firewalld.ports" "$rt/gen" $D/firewalld-exceptions.txt >"$rt/rt.out"; then ok; else bad "round trip"; fi
  cat "$rt/rt.out"
  if [ -n "$QUICK" ]; then return; fi
  # firewalld itself loads what came back.
  if command -v firewall-offline-cmd >/dev/null && [ "$(id -u)" = 0 ] && [ -r /etc/firewalld/firewalld.conf ]; then
    mkdir -p "$rt/cfg" && cp -r "$rt/gen/services" "$rt/gen/zones" /etc/firewalld/firewalld.conf "$rt/cfg/"
    out=$(firewall-offline-cmd --system-config "$rt/cfg" --check-config 2>&1)
    if [ $? = 0 ] && ! grep -qE 'WARNING|ERROR' <<<"$out"; then ok; else bad "firewall-offline-cmd --check-config: $out"; fi
  else
    skipped "firewall-offline-cmd on the regenerated corpus: not installed or not root"
  fi
}
if [ -d "$FWDIR" ] && [ -n "$(ls "$FWDIR"/*.xml 2>/dev/null)" ]; then roundtrip
else skipped "firewalld round trip: no $FWDIR (Debian package firewalld)"; fi

# 5. services(5) files of this machine: clean, formatted, repeatable, fast.
services_corpus() {
  local f=$1 out=$tmp/svc.ports start end
  start=$(date +%s%N)
  timeout 10 "$BERTH" import services -o "$out" "$f" 2>"$tmp/svc.err"
  check test $? = 0
  end=$(date +%s%N)
  check "$BERTH" fmt --check "$out"
  check timeout 10 "$BERTH" check "$out"
  "$BERTH" import services "$f" 2>/dev/null | cmp -s - "$out" && ok || bad "import services $f not repeatable"
  printf '%s: %s entries, %d services, %d warnings, %d ms\n' "$f" \
    "$(sed -n 's/^# Imported by berth import services: \([0-9]*\) entr.*/\1/p' "$out")" \
    "$(grep -c '^    service ' "$out")" "$(grep -c ': warning: ' "$tmp/svc.err")" $(((end - start) / 1000000))
}
for f in /etc/services /usr/share/wireshark/services; do
  if [ -r "$f" ]; then services_corpus "$f"; else skipped "import services $f: not on this machine"; fi
done

# 6. Mutated firewalld files: exit 0 or 1 with a message, never a crash or a
#    sanitizer report (seeded, so a failure repeats).
mutants() {
  local n=$1 seeds=("$FWDIR"/ssh.xml "$FWDIR"/mdns.xml "$FWDIR"/samba.xml $D/fw/good/unsupported.xml)
  mkdir -p "$tmp/mut"
  cp $D/fw/good/*.xml "$tmp/mut/" 2>/dev/null
  "$PY" - "$n" "$tmp/mut" "${seeds[@]}" <<'PY'
import random, sys
n, out, seeds = int(sys.argv[1]), sys.argv[2], [s for s in sys.argv[3:]]
rng = random.Random(20261202)
texts = []
for s in seeds:
    try:
        texts.append(open(s, "rb").read())
    except OSError:
        pass
tokens = [b"<", b">", b"/>", b"</", b"&", b"&#0;", b"&#x110000;", b"<!--", b"-->", b"<![CDATA[",
          b"]]>", b'"', b"'", b"=", b"\0", b"\xff", b"\xc3", b"<!DOCTYPE x>", b"<?pi?>",
          b'port="70000"', b'port="1-"', b'<include service="mut-0"/>', b"\r", b"\n"]
for i in range(n):
    t = bytearray(rng.choice(texts))
    for _ in range(rng.randint(1, 4)):
        p = rng.randrange(len(t) + 1)
        op = rng.random()
        if op < 0.4:
            t[p:p] = rng.choice(tokens)
        elif op < 0.7:
            del t[p:p + rng.randint(1, 8)]
        else:
            t[p:p + 1] = bytes([rng.randrange(256)])
    open("%s/mut-%d.xml" % (out, i), "wb").write(bytes(t))
PY
  local crashed=0 f rc
  for f in "$tmp"/mut/mut-*.xml; do
    "$BERTH" import firewalld "$f" >/dev/null 2>"$tmp/mut.err"; rc=$?
    if { [ "$rc" != 0 ] && [ "$rc" != 1 ]; } || grep -q 'Sanitizer\|runtime error' "$tmp/mut.err"; then
      crashed=$((crashed + 1)); [ "$crashed" = 1 ] && { echo "mutant $f: exit $rc"; head -5 "$tmp/mut.err"; }
    elif [ "$rc" = 1 ] && ! grep -q ': error: ' "$tmp/mut.err"; then
      crashed=$((crashed + 1)); echo "mutant $f: exit 1 without an error message"
    fi
  done
  # services(5) lines, mutated the same way.
  "$PY" - "$n" "$tmp/mut" $D/services/sample.services <<'PY'
import random, sys
n, out = int(sys.argv[1]), sys.argv[2]
lines = open(sys.argv[3], "rb").read().split(b"\n")
rng = random.Random(20261203)
for i in range(n // 3):
    ls = list(lines)
    for _ in range(rng.randint(1, 6)):
        j = rng.randrange(len(ls))
        l = bytearray(ls[j])
        p = rng.randrange(len(l) + 1)
        l[p:p] = rng.choice([b"/", b"-", b"#", b"\t", b"\0", b"\xff", b"99999", b"0", b"/sctp", b"\r"])
        ls[j] = bytes(l)
    open("%s/svc-%d.services" % (out, i), "wb").write(b"\n".join(ls))
PY
  for f in "$tmp"/mut/svc-*.services; do
    "$BERTH" import services "$f" >"$tmp/mut.out" 2>"$tmp/mut.err"; rc=$?
    if { [ "$rc" != 0 ] && [ "$rc" != 1 ]; } || grep -q 'Sanitizer\|runtime error' "$tmp/mut.err"; then
      crashed=$((crashed + 1)); echo "mutant $f: exit $rc"
    elif [ "$rc" = 0 ] && ! "$BERTH" fmt --check "$tmp/mut.out" >/dev/null 2>&1; then
      crashed=$((crashed + 1)); echo "mutant $f: the import is not formatted"
    fi
  done
  if [ "$crashed" = 0 ]; then ok; else bad "$crashed mutated files crashed berth import or failed silently"; fi
}
if [ -d "$FWDIR" ]; then mutants "$([ -n "$QUICK" ] && echo 60 || echo 300)"
else skipped "mutated firewalld files: no $FWDIR"; fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
