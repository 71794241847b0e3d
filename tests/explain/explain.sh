#!/usr/bin/env bash
# explain.sh: berth explain, end to end. Goldens (output and exit status;
# UPDATE=1 or -g rewrites them) for the example site and tests/explain/explain.ports;
# options before, between and after the positional arguments; JSON that
# parses and says the same; usage errors with exit 2; a policy with errors
# explained by nothing; and, unless EXPLAIN_QUICK=1, a sweep that checks
# explain against `flows --host` rule by rule on every host of the example
# site. Prints "N passed, N failed, N skipped".
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
D=tests/explain
SITE=(policies/dante.ports policies/example-site.ports policies/igloo.ports policies/omnicast.ports)
SHOP=$D/explain.ports

# golden NAME ARGS...: `berth explain ARGS` gives $D/NAME.expected, whose
# last line is the exit status.
golden() {
  local name=$1; shift
  local got
  got=$("$BERTH" explain "$@" 2>&1; echo "exit $?")
  if [ -n "$REGEN" ]; then printf '%s\n' "$got" >"$D/$name.expected"; fi
  if [ "$got" = "$(cat "$D/$name.expected" 2>/dev/null)" ]; then ok; else
    bad "golden $name: explain $*"; diff <(printf '%s\n' "$got") "$D/$name.expected" | head -20; fi
}

# 1. Goldens. The issue's case: the Dante and Omnicast Archiver flows on
#    omni1 and their bind conflict, waived.
golden omni1-udp-16000 udp 16000 --site example --host omni1 "${SITE[@]}"
golden site-udp-16000 udp 16000 --site example "${SITE[@]}"
golden table-udp-16000 udp 16000 "${SITE[@]}"
golden nothing-media1 udp 1234 --site example --host media1 "${SITE[@]}"
golden nothing-table tcp 1 "${SITE[@]}"
golden from-addr udp 16000 --site example --host omni1 --from 10.0.10.99 "${SITE[@]}"
golden from-role udp 16000 --site example --host omni1 --from dante.device "${SITE[@]}"
golden from-nothing udp 16000 --site example --host omni1 --from igloo.media_server "${SITE[@]}"
golden params-media1-tcp-6000 tcp 6000 --site example --host media1 "${SITE[@]}"
golden source-ports-media1 udp 8500 --site example --host media1 "${SITE[@]}"
golden range-omni1 udp 47000-48000 --site example --host omni1 "${SITE[@]}"
golden unwaived-omni1 udp 16000 --site example --host omni1 --root . tests/checks/example-site-nowaivers.ports
golden json-omni1 udp 16000 --site example --host omni1 --format=json "${SITE[@]}"
# A port made of parameters, a flow over two lines, a local flow, `<->`, an
# instance that sets a parameter, a fixed source port.
golden shop-table-tcp-7010 tcp 7010 "$SHOP"
golden shop-site-tcp-7020 tcp 7020 --site lab "$SHOP"
golden shop-site-udp-7015 udp 7015 --site lab "$SHOP"

# The README's tour shows these runs as they are.
readme_block() {  # the lines after "$ ./berth explain ARGS policies/*.ports" in README.md
  awk -v cmd="\$ ./berth explain $1 policies/*.ports" '$0 == cmd { on = 1; next } on && /^(```|\$ )/ { exit } on' README.md
}
for args in "udp 16000 --site example --host omni1" "tcp 5101 --site example --host omni2" \
            "udp 1234 --site example --host media1"; do
  want=$(readme_block "$args")
  # shellcheck disable=SC2086
  if [ -n "$want" ] && [ "$want" = "$("$BERTH" explain $args "${SITE[@]}" 2>&1)" ]; then ok
  else bad "README.md: berth explain $args is not what berth prints"; fi
done

# 2. Options go before, between or after PROTO PORT and the files.
want=$(cat $D/omni1-udp-16000.expected)
for order in "--site example --host omni1 udp 16000 ${SITE[*]}" \
             "udp --site example 16000 --host omni1 ${SITE[*]}" \
             "udp 16000 ${SITE[*]} --site=example --host=omni1"; do
  # shellcheck disable=SC2086
  got=$("$BERTH" explain $order 2>&1; echo "exit $?")
  if [ "$got" = "$want" ]; then ok; else bad "argument order: explain $order"; fi
done

# 3. JSON parses, and says what the text says.
"$BERTH" explain udp 16000 --site example --host omni1 --format=json "${SITE[@]}" >"$tmp/a.json"
if "$PY" - "$tmp/a.json" <<'PYEOF'; then ok; else bad "JSON of explain udp 16000 on omni1"; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert d["admitted"] and d["query"] == {"proto": "udp", "lo": 16000, "hi": 16000,
                                        "site": "example", "host": "omni1", "from": None}
svc = {(f["service"], f["direction"], f["line"]) for f in d["flows"]}
assert svc == {("dante.audio_control", "in", 16), ("dante.audio_control", "out", 16),
               ("omnicast.archiver_unicast", "in", 63)}, svc
[f] = d["findings"]
assert f["id"] == "bind-conflict" and f["line"] == 63 and "omni1" in f["message"] and f["waived"]
PYEOF
out=$("$BERTH" explain udp 1234 --site example --host media1 --format=json "${SITE[@]}"); rc=$?
if [ $rc = 1 ] && "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert not d["admitted"] and d["flows"] == []' "$out"
then ok; else bad "JSON when nothing admits (exit $rc)"; fi

# 4. Usage errors: exit 2 and one line naming the problem.
usage() {
  local want=$1; shift
  out=$("$BERTH" "$@" 2>&1); rc=$?
  if [ $rc = 2 ] && grep -q -- "$want" <<<"$out"; then ok; else bad "usage: $* (exit $rc: $out)"; fi
}
usage "explain needs PROTO PORT FILE" explain
usage "explain needs PROTO PORT FILE" explain udp
usage "explain: no policy files given" explain udp 16000
usage "unknown protocol 'sctp'" explain sctp 8 "$SHOP"   # icmp is one now (tests/protos)
usage "unknown protocol '$SHOP'" explain "$SHOP" udp 16000
for p in 0 65536 10-5 5- -5x 1-2-3 ''; do usage "not a port\|unknown option" explain udp "$p" "$SHOP"; done
usage "--host needs --site" explain udp 7015 --host srv "$SHOP"
usage "--from needs --site" explain udp 7015 --from 192.0.2.10 "$SHOP"
usage "no site 'nope'" explain udp 7015 --site nope "$SHOP"
usage "no host 'nope' in site 'lab'" explain udp 7015 --site lab --host nope "$SHOP"
usage "no role 'nope'" explain udp 7015 --site lab --from nope "$SHOP"
usage "no role 'other.peer'" explain udp 7015 --site lab --from other.peer "$SHOP"
usage "neither an address (IPv4 or IPv6) nor a role" explain udp 7015 --site lab --from 192.0.2 "$SHOP"
usage "neither an address (IPv4 or IPv6) nor a role" explain udp 7015 --site lab --from 192.0.2.256 "$SHOP"
usage "explain writes text, or JSON" explain udp 7015 --format=sarif "$SHOP"
usage "--output is not for it" explain udp 7015 --format=json --output x.json "$SHOP"
usage "--from belongs to explain" check --from x "$SHOP"
usage "--from belongs to explain" flows --from x "$SHOP"

# 5. A policy with errors is explained by nothing: exit 1, its error shown.
printf 'system x { role r; service s { tcp 70000 r -> r; } }\n' >"$tmp/bad.ports"
out=$("$BERTH" explain tcp 80 "$tmp/bad.ports" 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'nothing explained' <<<"$out" && grep -q 'port-range' <<<"$out"; then ok
else bad "policy with errors explained (exit $rc)"; fi

# 6. explain agrees with `flows --host`: on every host of the example site,
#    the first port of every rule is explained by a line of that rule (same
#    direction and peers), and every line explain gives belongs to a rule
#    holding the port. (EXPLAIN_QUICK=1: the sanitizer pass, whose answers
#    are the same, leaves this to the plain one.)
if [ -z "${EXPLAIN_QUICK:-}" ]; then
  for h in media1 omni1 omni2 tablet1 projector1 rec1; do
    "$BERTH" flows --site example --host $h --format=json "${SITE[@]}" >"$tmp/$h.json" 2>/dev/null
  done
  if BERTH=$BERTH "$PY" - "$tmp" "${SITE[@]}" <<'PYEOF'; then ok; else bad "explain disagrees with flows --host"; fi
import json, os, subprocess, sys
tmp, site = sys.argv[1], sys.argv[2:]
berth, bad = os.environ["BERTH"], 0
for h in ["media1", "omni1", "omni2", "tablet1", "projector1", "rec1"]:
    rules = json.load(open(os.path.join(tmp, h + ".json")))["rules"]
    def holds(r, port):
        ranges = r["dports"] + r["sports"]
        return any(p["lo"] <= port <= p["hi"] for p in ranges)
    asked = sorted({(r["proto"], (r["dports"] or r["sports"])[0]["lo"]) for r in rules
                    if r["dports"] or r["sports"]})
    for proto, port in asked:
        run = subprocess.run([berth, "explain", proto, str(port), "--site", "example",
                              "--host", h, "--format=json"] + site, capture_output=True, text=True)
        flows = json.loads(run.stdout)["flows"]
        key = lambda x: (x["direction"], x["proto"], x["saddrs"], x["daddrs"])
        for r in rules:
            if r["proto"] == proto and holds(r, port) and not any(
                    key(f) == key(r) and f["service"] in r["services"] for f in flows):
                print(f"{h} {proto} {port}: rule of {r['services']} not explained"); bad += 1
        for f in flows:
            if not any(key(f) == key(r) and holds(r, port) and f["service"] in r["services"]
                       for r in rules):
                print(f"{h} {proto} {port}: {f['service']} {f['direction']} is in no rule"); bad += 1
sys.exit(1 if bad else 0)
PYEOF
fi

summary
