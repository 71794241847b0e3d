#!/usr/bin/env bash
# ci.sh: the conventions CLI users and CI systems rely on. Help for every
# command; --opt VALUE and --opt=VALUE alike; --format=gitlab against the
# fields GitLab documents; absolute SARIF rule links (--help-base);
# --summary; waived findings and notes in --format=gcc; the pre-commit
# manifest and the README's CI examples; make NO_INSTALL=1; and a suite
# step that cannot run reporting "skipped:". Prints "N passed, N failed,
# N skipped". Run from anywhere.
set -u
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
P=$(ls policies/*.ports)
NOW=tests/checks/example-site-nowaivers.ports

# 1. help: `berth help [COMMAND]` and `berth COMMAND --help`, exit 0.
for c in check fmt flows gen audit explain import diff help; do
  out=$("$BERTH" help $c 2>&1); rc=$?
  if [ $rc = 0 ] && grep -q "^usage: berth $c" <<<"$out"; then ok; else bad "berth help $c (exit $rc)"; fi
done
for args in "check --help" "fmt -h" "gen fw --help" "audit --help" "import firewalld --help" "flows --help x.ports"; do
  out=$("$BERTH" $args 2>&1); rc=$?
  if [ $rc = 0 ] && grep -q "^usage: berth ${args%% *}" <<<"$out"; then ok; else bad "berth $args (exit $rc)"; fi
done
out=$("$BERTH" help check); if ! grep -q 'gen fw options' <<<"$out" && grep -q -- '--format=' <<<"$out"; then ok; else
  bad "help check shows other commands' options"; fi
"$BERTH" help nosuch >/dev/null 2>&1; [ $? = 2 ] && ok || bad "help nosuch: not exit 2"
"$BERTH" --help | grep -q 'berth audit' && ok || bad "--help lacks audit"

# 2. --opt VALUE and --opt=VALUE give the same.
same() {  # same "ARGS A" "ARGS B": stdout, stderr and status equal
  a=$(eval "\"$BERTH\" $1" 2>&1; echo "rc=$?"); b=$(eval "\"$BERTH\" $2" 2>&1; echo "rc=$?")
  if [ "$a" = "$b" ]; then ok; else bad "'$1' and '$2' differ"; diff <(echo "$a") <(echo "$b") | head -5; fi
}
same "check --format json $P" "check --format=json $P"
same "check --format gitlab --no-waivers $P" "check --format=gitlab --no-waivers $P"
same "check --color never --root . $NOW" "check --color=never --root=. $NOW"
same "flows --site example --host rec1 --format json $P" "flows --site=example --host=rec1 --format=json $P"
same "check --format sarif --help-base https://x.example/c.md $P" "check --format=sarif --help-base=https://x.example/c.md $P"
same "check -- $P" "check $P"
mkdir -p "$tmp/old" "$tmp/new" && cp $P "$tmp/old" && cp $P "$tmp/new"
sed -i 's/16000-65535/16000-60000/' "$tmp/new/dante.ports"
same "diff --format json $tmp/old $tmp/new" "diff --format=json $tmp/old $tmp/new"
same "explain udp 16000 --site example --host omni1 --from 10.0.10.11 --format json $P" "explain udp 16000 --site=example --host=omni1 --from=10.0.10.11 --format=json $P"
"$BERTH" gen c --name=x -o "$tmp/c1" $P 2>/dev/null && "$BERTH" gen c --name x -o "$tmp/c2" $P 2>/dev/null &&
  cmp -s "$tmp/c1/x.c" "$tmp/c2/x.c" && ok || bad "gen c --name=x and --name x differ"
"$BERTH" check --format 2>/dev/null; [ $? = 2 ] && ok || bad "--format without a value: not exit 2"
out=$("$BERTH" check --format yaml $P 2>&1); [ $? = 2 ] && grep -q "unknown format 'yaml'" <<<"$out" && ok ||
  bad "--format yaml: $out"

# 3. GitLab Code Quality: the documented fields, unique fingerprints, no BOM.
"$BERTH" check --format=gitlab --output "$tmp/gl.json" --root . $NOW 2>/dev/null
"$BERTH" check --format=gitlab --root . $P >"$tmp/gl-waived.json" 2>/dev/null
cat >"$tmp/gl.py" <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
assert not raw.startswith(b"\xef\xbb\xbf"), "byte-order mark"
issues = json.loads(raw)
assert isinstance(issues, list) and issues, "not a non-empty array"
prints = set()
for i in issues:
    for k, t in (("description", str), ("check_name", str), ("fingerprint", str), ("severity", str)):
        assert isinstance(i.get(k), t) and i[k], "%s missing in %r" % (k, i)
    assert i["severity"] in ("info", "minor", "major", "critical", "blocker"), i["severity"]
    loc = i["location"]
    assert isinstance(loc["path"], str) and loc["path"] and not loc["path"].startswith("/"), loc
    assert isinstance(loc["lines"]["begin"], int) and loc["lines"]["begin"] >= 1, loc
    assert i["fingerprint"] not in prints, "repeated fingerprint"
    prints.add(i["fingerprint"])
want = sys.argv[2]
assert any(i["severity"] == want for i in issues), "no %s issue" % want
if want == "info":
    assert all("(waived: " in i["description"] for i in issues if i["check_name"] == "bind-conflict")
print(len(issues))
EOF
n=$("$PY" "$tmp/gl.py" "$tmp/gl.json" major) && [ "$n" -gt 20 ] && ok || bad "gitlab format (no waivers): $n"
"$PY" "$tmp/gl.py" "$tmp/gl-waived.json" info >/dev/null && ok || bad "gitlab format: waived findings"
a=$("$BERTH" check --format=gitlab --root . $NOW 2>/dev/null); b=$("$BERTH" check --format=gitlab --root . $NOW 2>/dev/null)
[ "$a" = "$b" ] && ok || bad "gitlab fingerprints differ between runs"

# 4. SARIF rule links are absolute: the default and --help-base.
"$BERTH" check --format=sarif $P 2>/dev/null | grep -o '"helpUri": "[^"]*"' >"$tmp/uris"
if [ -s "$tmp/uris" ] && ! grep -v '"helpUri": "file:///usr/local/share/doc/berth/checks.md#[a-z-]*"' "$tmp/uris" | grep -q .; then ok; else
  bad "default helpUri not absolute: $(head -2 "$tmp/uris")"; fi
"$BERTH" check --format=sarif --help-base https://example.org/berth/checks.md $P 2>/dev/null >"$tmp/h.sarif"
grep -q '"helpUri": "https://example.org/berth/checks.md#bind-conflict"' "$tmp/h.sarif" && ok || bad "--help-base not used"
"$PY" tests/sarif/validate.py "$tmp/h.sarif" && ok || bad "SARIF with --help-base invalid"
"$BERTH" check --format=sarif --help-base docs/checks.md $P >/dev/null 2>&1; [ $? = 2 ] && ok || bad "relative --help-base accepted"

# 5. --summary: one line per (check, host), complete counts.
out=$("$BERTH" check --summary --root . $NOW 2>&1); rc=$?
full=$("$BERTH" check --format=gcc --root . $NOW 2>&1 | grep -c -E ': (error|warning): ')
sum=$(grep -E '^[a-z-]+( on host [a-z0-9_]+)?: ' <<<"$out" | grep -o -E '[0-9]+ (errors?|warnings?)' | awk '{s+=$1} END {print s+0}')
if [ $rc = 1 ] && [ "$sum" = "$full" ] && grep -q '^bind-conflict on host omni1: 3 errors; e.g. ' <<<"$out"; then ok; else
  bad "--summary (exit $rc, $sum of $full findings): $out"; fi
n=$(grep -c '' <<<"$out"); [ "$n" -lt "$full" ] && ok || bad "--summary is not shorter ($n lines for $full findings)"

# 6. gcc format: notes as gcc prints them, waived findings with their reason.
out=$("$BERTH" check --format=gcc $P 2>&1)
grep -q -E '^policies/[a-z-]+\.ports:[0-9]+:[0-9]+: note: waived: ' <<<"$out" && ok || bad "gcc: no waiver reasons"
out=$("$BERTH" check --format=gcc --root . $NOW 2>&1)
grep -q -E '^policies/[a-z]+\.ports:[0-9]+:[0-9]+: note: .* here$' <<<"$out" && ok || bad "gcc: no notes"

# 7. Text output says an identical note once.
out=$("$BERTH" check --root . $NOW 2>&1)
n=$(grep -c 'note: dante.audio_control listens on udp 16000-65535 here' <<<"$out")
[ "$n" = 1 ] && ok || bad "identical note printed $n times"

# 8. pre-commit manifest and the README's CI examples.
if command -v pre-commit >/dev/null; then
  pre-commit validate-manifest .pre-commit-hooks.yaml >/dev/null 2>&1 && ok || bad "pre-commit validate-manifest"
else skipped "pre-commit is not installed"; fi
"$PY" - <<'EOF' && ok || bad "README CI examples"
import re, yaml
text = open("README.md", encoding="utf-8").read()
sec = text.split("## In CI and before each commit", 1)[1].split("\n## ", 1)[0]
docs = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", sec, re.S)]
assert len(docs) == 3, len(docs)
gh, gl, pc = docs
steps = gh["jobs"]["policies"]["steps"]
assert any("--format=github" in s.get("run", "") for s in steps)
assert any("--format=sarif" in s.get("run", "") for s in steps)
assert gl["berth"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
assert any("--format=gitlab" in l for l in gl["berth"]["script"])
assert [h["id"] for h in pc["repos"][0]["hooks"]] == ["berth-check", "berth-fmt"]
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
assert [h["id"] for h in hooks] == ["berth-check", "berth-fmt"]
EOF

# 9. make NO_INSTALL=1: a missing tool is named, nothing installed, no
#    stamp written. PATH keeps every tool but flex.
mkdir -p "$tmp/bin" "$tmp/proj/.ci"
for f in /usr/bin/* /bin/*; do [ -e "$tmp/bin/${f##*/}" ] || ln -s "$f" "$tmp/bin/" 2>/dev/null; done
rm -f "$tmp/bin/flex"
cp Makefile "$tmp/proj/" && cp .ci/deps "$tmp/proj/.ci/"
out=$(cd "$tmp/proj" && PATH="$tmp/bin" make --no-print-directory build/.deps NO_INSTALL=1 2>&1); rc=$?
if [ $rc != 0 ] && grep -q 'missing (NO_INSTALL=1, so not installed): flex' <<<"$out" && [ ! -e "$tmp/proj/build/.deps" ]; then ok; else
  bad "NO_INSTALL=1 without flex (exit $rc): $out"; fi
out=$(cd "$tmp/proj" && make --no-print-directory build/.deps NO_INSTALL=1 2>&1); rc=$?
[ $rc = 0 ] && [ -e "$tmp/proj/build/.deps" ] && ok || bad "NO_INSTALL=1 with every tool (exit $rc): $out"
# A machine without dpkg-query (the tools came another way) still builds.
rm -f "$tmp/bin/dpkg-query"; ln -s /usr/bin/flex "$tmp/bin/flex"; rm -rf "$tmp/proj/build"
out=$(cd "$tmp/proj" && PATH="$tmp/bin" make --no-print-directory build/.deps NO_INSTALL=1 2>&1); rc=$?
[ $rc = 0 ] && ok || bad "no dpkg-query (exit $rc): $out"

# 10. A step that cannot run says "skipped: REASON" and is counted apart:
#     the live audit as an unprivileged user.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  cp -r tests/audit "$tmp/audit" && mkdir -p "$tmp/t/tests" && cp -r "$tmp/audit" "$tmp/t/tests/audit" &&
    cp -r tests/sarif tests/lib.sh "$tmp/t/tests/" && cp "$BERTH" "$tmp/t/berth" && chmod -R a+rwX "$tmp"
  out=$(cd "$tmp/t" && setpriv --reuid=65534 --regid=65534 --clear-groups tests/audit/audit.sh 2>&1)
  if grep -q '^skipped: live audit: needs root' <<<"$out" &&
     grep -q -E '^[0-9]+ passed, 0 failed, 1 skipped$' <<<"$out"; then ok; else
    bad "unprivileged audit.sh did not report its skipped step: $(tail -3 <<<"$out")"; fi
else
  skipped "skip reporting: needs root and setpriv to run a suite unprivileged"
fi

summary
