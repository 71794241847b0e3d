#!/usr/bin/env bash
# audit.sh: berth audit, end to end. Saved `ss -lntupH` and `netstat -ano`
# texts give exactly their golden findings (UPDATE=1 or -g rewrites the goldens);
# bad socket texts stop with one located error and exit 2; and, inside a
# network namespace this script creates, real listeners (declared,
# undeclared, loopback-only) and group memberships are found through
# /proc/net and through a live `ss -lntupH`, with exit 1 while something
# undeclared listens and 0 once nothing does. Prints "N passed, N failed,
# N skipped"; a step that cannot run here says "skipped: REASON".
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
D=tests/audit
POLICY=$D/audit.ports
audit() { "$BERTH" audit --site lab --host srv "$@" "$POLICY"; }

# 1. Goldens: each saved socket text, its findings and exit status.
for f in $D/*.txt; do
  name=${f%.txt}
  got=$(audit --sockets "$f" 2>&1; echo "exit $?")
  if [ -n "$REGEN" ]; then printf '%s\n' "$got" >"$name.expected"; fi
  if [ "$got" = "$(cat "$name.expected" 2>/dev/null)" ]; then ok; else
    bad "golden $f"; diff <(printf '%s\n' "$got") "$name.expected" | head -20; fi
done

# Saved /proc/net tables (inodes zeroed, so no live process is named).
got=$(audit --proc-net $D/procnet 2>&1; echo "exit $?")
if [ -n "$REGEN" ]; then printf '%s\n' "$got" >$D/procnet.expected; fi
if [ "$got" = "$(cat $D/procnet.expected)" ]; then ok; else
  bad "golden --proc-net $D/procnet"; diff <(printf '%s\n' "$got") $D/procnet.expected | head -20; fi

# 2. netstat saved by PowerShell 5.1 redirection is UTF-16LE with a BOM:
#    the same findings as the UTF-8 text.
"$PY" -c 'import sys; d=open(sys.argv[1],encoding="utf-8").read(); open(sys.argv[2],"wb").write(d.encode("utf-16"))' \
  $D/netstat-ano.txt "$tmp/netstat-ano.txt"
a=$(audit --sockets $D/netstat-ano.txt 2>&1 | sed "s#$D/netstat-ano.txt#F#")
b=$(audit --sockets "$tmp/netstat-ano.txt" 2>&1 | sed "s#$tmp/netstat-ano.txt#F#")
if [ "$a" = "$b" ]; then ok; else bad "UTF-16 netstat differs"; diff <(echo "$a") <(echo "$b") | head; fi

# 3. Machine formats: SARIF validates (info is level "none"), gcc shows
#    info as note, and --sockets - reads standard input.
audit --sockets $D/ss-forms.txt --format=sarif >"$tmp/a.sarif" 2>/dev/null
if "$PY" tests/sarif/validate.py "$tmp/a.sarif"; then ok; else bad "audit SARIF invalid"; fi
if grep -q '"level": "none"' "$tmp/a.sarif"; then ok; else bad "SARIF: info is not level none"; fi
n=$(audit --sockets $D/ss-forms.txt --format=gcc 2>&1 | grep -c 'note: .*\[loopback-listener\]')
if [ "$n" = 3 ]; then ok; else bad "gcc format: $n loopback notes, expected 3"; fi
a=$(audit --sockets - <$D/ss-forms.txt 2>&1 | sed 's/^<stdin>/F/')
b=$(audit --sockets $D/ss-forms.txt 2>&1 | sed "s#^$D/ss-forms.txt#F#")
if [ "$a" = "$b" ]; then ok; else bad "--sockets - differs from the file"; fi

# 3b. --max-findings caps each audit check too: one of the three
#     undeclared listeners prints, then "2 more ...", in text and SARIF;
#     the exit status still counts them.
out=$(audit --sockets $D/ss-forms.txt --max-findings 1 2>&1); rc=$?
n=$(grep -c 'error: .*\[undeclared-listener\]' <<<"$out")
if [ "$rc" = 1 ] && [ "$n" = 1 ] && grep -qx 'berth: note: 2 more undeclared-listener findings not shown (--max-findings)' <<<"$out" &&
   grep -q '^3 errors, ' <<<"$out"; then ok; else bad "audit --max-findings 1: exit $rc, $n shown"; fi
audit --sockets $D/ss-forms.txt --max-findings 1 --format=sarif >"$tmp/cap.sarif" 2>/dev/null
if "$PY" tests/sarif/validate.py "$tmp/cap.sarif" &&
   grep -q '"2 more undeclared-listener findings not shown (--max-findings)"' "$tmp/cap.sarif"; then ok
else bad "audit --max-findings SARIF"; fi

# 4. Usage errors: exit 2 and one line naming the problem.
usage() {
  local want=$1; shift
  out=$("$BERTH" "$@" 2>&1); rc=$?
  if [ $rc = 2 ] && grep -q -- "$want" <<<"$out"; then ok; else bad "usage: $* (exit $rc: $out)"; fi
}
usage "needs --site SITE and --host HOST" audit --site lab "$POLICY"
usage "no host 'nope'" audit --site lab --host nope "$POLICY"
usage "no site 'nope'" audit --site nope --host srv "$POLICY"
usage "cannot read 'missing.txt'" audit --site lab --host srv --sockets missing.txt "$POLICY"
usage "belong to audit" check --sockets x "$POLICY"
usage "give one" audit --site lab --host srv --sockets x --proc-net /proc/net "$POLICY"
usage "cannot read '/nonexistent/tcp'" audit --site lab --host srv --proc-net /nonexistent "$POLICY"
usage "both the --sockets text and a policy" audit --site lab --host srv --sockets - -

# 5. A policy with errors is not audited: exit 1, its error shown.
printf 'system x { role r; service s { tcp 70000 r -> r; } }\nsite lab { host srv 192.0.2.1 { runs x.r; } }\n' >"$tmp/bad.ports"
out=$("$BERTH" audit --site lab --host srv --sockets $D/ss-forms.txt "$tmp/bad.ports" 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'nothing audited' <<<"$out" && grep -q 'port-range' <<<"$out"; then ok; else
  bad "policy with errors audited (exit $rc)"; fi

# 6. Waivers apply to audit findings like to check's.
sed 's/^    host cli /    allow undeclared-listener on srv because "the bastion sshd";\n&/' "$POLICY" >"$tmp/w.ports"
out=$("$BERTH" audit --site lab --host srv --sockets $D/netstat-ano.txt "$tmp/w.ports" 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'waived: the bastion sshd' <<<"$out"; then ok; else bad "waiver (exit $rc)"; fi

# 7. The ephemeral range (Linux: 32768-60999): a declared listener there is
#    a warning a waiver can name by service; an undeclared one an error
#    that says so.
sed 's/^    service stats /    service media "RTP" { udp 40000-40100 client -> server in lan; }\n&/' \
  "$POLICY" >"$tmp/e.ports"
printf '%s\n' 'udp UNCONN 0 0 0.0.0.0:40000 0.0.0.0:*' 'tcp LISTEN 0 5 0.0.0.0:45000 0.0.0.0:*' >"$tmp/e.txt"
out=$("$BERTH" audit --site lab --host srv --sockets "$tmp/e.txt" --format=gcc "$tmp/e.ports" 2>&1)
if grep -q "warning: udp 40000 listens on 0.0.0.0, inside host 'srv''s Linux ephemeral range 32768-60999.*\[ephemeral-range\]" <<<"$out" &&
   grep -q 'error: tcp 45000 .*\[undeclared-listener\]' <<<"$out"; then ok; else bad "ephemeral: $out"; fi
out=$("$BERTH" audit --site lab --host srv --sockets "$tmp/e.txt" "$tmp/e.ports" 2>&1)
if grep -q "note: the port is inside the host's Linux ephemeral range 32768-60999" <<<"$out"; then ok; else
  bad "ephemeral note on the undeclared listener: $out"; fi
printf 'allow ephemeral-range shop.media because "RTP ports are reserved";\n' >>"$tmp/e.ports"
out=$("$BERTH" audit --site lab --host srv --sockets "$tmp/e.txt" "$tmp/e.ports" 2>&1)
if grep -q 'waived: RTP ports are reserved' <<<"$out" && ! grep -q 'warning:' <<<"$out"; then ok; else
  bad "ephemeral waiver: $out"; fi

# 8. Live: real sockets in a namespace of our own (loopback and a veth
#    pair whose ends both stay inside; nothing is sent).
live() {
  ip link set lo up && ip link add v0 type veth peer name v1 && ip addr add 192.0.2.10/24 dev v0 &&
    ip link set v0 up && ip link set v1 up && ip route add 224.0.0.0/4 dev v0 || return 3
  start() {
    rm -f "$tmp/ready"; "$PY" $D/listeners.py "$tmp/ready" "$@" & pid=$!
    for _ in $(seq 100); do [ -f "$tmp/ready" ] && return 0; sleep 0.05; done; return 1
  }
  start tcp:0.0.0.0:8080 'tcp:[::]:9100' udp:0.0.0.0:5004 tcp:0.0.0.0:2222 udp:0.0.0.0:6000 \
    tcp:127.0.0.1:6379 join:239.1.2.3:192.0.2.10 join:239.9.9.9:192.0.2.10 || return 3
  audit --format=gcc >"$tmp/proc.out" 2>&1; echo $? >"$tmp/proc.rc"
  ss -lntupH >"$tmp/live-ss.txt"
  audit --sockets "$tmp/live-ss.txt" --format=gcc >"$tmp/ss.out" 2>&1; echo $? >"$tmp/ss.rc"
  kill $pid; wait $pid 2>/dev/null
  start tcp:0.0.0.0:8080 'tcp:[::]:9100' udp:0.0.0.0:5004 udp:0.0.0.0:7000 udp:0.0.0.0:9875 \
    tcp:127.0.0.1:6379 join:239.1.2.3:192.0.2.10 || return 3
  audit --format=gcc >"$tmp/clean.out" 2>&1; echo $? >"$tmp/clean.rc"
  kill $pid; wait $pid 2>/dev/null
  return 0
}
# expect FILE COUNT PATTERN: exactly COUNT lines of FILE match PATTERN.
expect() {
  local n; n=$(grep -c -E "$3" "$1")
  if [ "$n" = "$2" ]; then ok; else bad "$1: $n lines match '$3', expected $2"; sed 's/^/  /' "$1" | head -20; fi
}
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
  skipped "live audit: needs root for a network namespace (unshare -n)"
elif ! command -v ss >/dev/null || ! command -v ip >/dev/null; then
  skipped "live audit: ss and ip (iproute2) are not installed"
else
  export -f live audit; export tmp D PY BERTH POLICY
  timeout 60 unshare -n bash -c live; rc=$?
  if [ $rc = 3 ]; then skipped "live audit: the namespace could not be set up"; else
    [ "$(cat "$tmp/proc.rc")" = 1 ] && ok || bad "live /proc audit exit $(cat "$tmp/proc.rc"), expected 1"
    expect "$tmp/proc.out" 2 'error: .*\[undeclared-listener\]'
    expect "$tmp/proc.out" 1 'error: tcp 2222 listens on 0\.0\.0\.0 \(by python3, pid [0-9]+\)'
    expect "$tmp/proc.out" 1 'error: udp 6000 listens on 0\.0\.0\.0 \(by python3, pid [0-9]+\)'
    expect "$tmp/proc.out" 1 'note: tcp 6379 listens on 127\.0\.0\.1 .*only.*\[loopback-listener\]'
    expect "$tmp/proc.out" 2 '\[not-listening\]'
    expect "$tmp/proc.out" 1 'udp 7000 for shop\.stats.*\[not-listening\]'
    expect "$tmp/proc.out" 1 'udp 9875 for shop\.announce.*\[not-listening\]'
    expect "$tmp/proc.out" 1 'warning: host .srv. joined group 239\.9\.9\.9 on v0.*\[undeclared-group\]'
    expect "$tmp/proc.out" 0 '\[group-not-joined\]|\[socket-input\]'
    # The live ss text gives the same socket findings (it has no groups).
    strip() { grep -v -E 'group|^[0-9]+ (error|warning)' "$1" | sed -E 's/^[^ ]+ //' | sort; }
    if [ "$(strip "$tmp/proc.out")" = "$(strip "$tmp/ss.out")" ] && [ "$(cat "$tmp/ss.rc")" = 1 ]; then ok; else
      bad "live ss findings differ from /proc's"; diff <(strip "$tmp/proc.out") <(strip "$tmp/ss.out") | head; fi
    [ "$(cat "$tmp/clean.rc")" = 0 ] && ok || bad "all declared: exit $(cat "$tmp/clean.rc"), expected 0"
    expect "$tmp/clean.out" 0 'error:|warning:|\[not-listening\]|\[group-not-joined\]'
    expect "$tmp/clean.out" 1 '\[loopback-listener\]'
  fi
fi

summary
