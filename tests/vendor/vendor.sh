#!/usr/bin/env bash
# vendor.sh: real vendor port tables, checked as published. Each table of
# tests/vendor (and the site deploying them on shared hosts) is checked
# alone with `berth check --format=gcc` and `--format=json`, and what berth
# finds, with its exit status, must equal the goldens NAME.expected (gcc)
# and NAME.json.expected (UPDATE=1 or -g rewrites them; a golden not yet
# written is a skip that says so). Also: each table cites its source and
# retrieval date, every service carries the comment that quotes its rows,
# and the JSON summary agrees with the gcc findings.
# Prints "N passed, N failed, N skipped".
set -u
shopt -s nullglob
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
BERTH=${BERTH:-./berth}
REGEN=; { [ "${UPDATE:-}" = 1 ] || [ "${1:-}" = -g ]; } && REGEN=1
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
. tests/lib.sh
D=tests/vendor
vcheck() { "$BERTH" check --root . --color=never "$@"; }
if [ ! -x "$BERTH" ]; then bad "no berth binary at $BERTH (make berth, or make test for the ASan build)"; summary; exit; fi

# golden NAME EXPECTED-FILE OUTPUT: compare (or, regenerating, write).
golden() {
  local name=$1 exp=$2 got=$3
  if [ -n "$REGEN" ]; then printf '%s\n' "$got" >"$exp"; fi
  if [ ! -f "$exp" ]; then skipped "no golden $exp yet (tests/run.sh -g vendor writes it)"; return; fi
  if [ "$got" = "$(cat "$exp")" ]; then ok; else
    bad "golden $exp ($name)"; diff <(printf '%s\n' "$got") "$exp" | head -20; fi
}

for f in $D/*.ports; do
  name=${f%.ports}
  # 1. What berth finds, in gcc format (findings and notes on stderr).
  got=$(vcheck --format=gcc "$f" 2>&1 >/dev/null; echo "exit $?")
  golden "$f gcc" "$name.expected" "$got"
  # 2. The same run as JSON (stdout only; the text goes to stderr).
  json=$(vcheck --format=json "$f" 2>/dev/null); rc=$?
  golden "$f json" "$name.json.expected" "$json"$'\n'"exit $rc"
  # 3. The JSON summary counts what the gcc run printed.
  if [ -n "$json" ] && "$PY" -c 'import json, re, sys
d = json.loads(sys.argv[1]); s = d["summary"]
g = sys.argv[2].splitlines()
for sev in ("error", "warning"):
    n = sum(1 for l in g if re.search(r": %s: .*\[[a-z-]+\]$" % sev, l))
    assert n == s[sev + "s"], (sev, n, s)
assert len(d["findings"]) == s["errors"] + s["warnings"] + s["notes"] + s.get("infos", 0)' "$json" "$got"; then ok; else
    bad "$f: JSON summary and gcc findings disagree (or no JSON)"; fi
done

# 4. Provenance: every table names its document, where it was read and when.
for f in $D/*.ports; do
  [ "$(basename "$f")" = site.ports ] && continue
  if grep -q '^# Source' "$f" && grep -q 'https\?://' "$f" && grep -q 'retrieved 2026-12-02' "$f"; then ok; else
    bad "$f: no '# Source' comment with a URL and 'retrieved 2026-12-02'"; fi
  # Every service follows a comment (the row as published).
  missing=$(awk '/^[ \t]*service / { if (prev !~ /^[ \t]*#/) print FILENAME ":" FNR ": " $0 }
                 { if ($0 !~ /^[ \t]*$/) prev = $0 }' "$f")
  if [ -z "$missing" ]; then ok; else bad "service without its row quoted above it:"; printf '%s\n' "$missing"; fi
done

# 5. The README lists every table of the directory.
for f in $D/*.ports; do
  if grep -q "$(basename "$f")" $D/README.md; then ok; else bad "$D/README.md does not describe $(basename "$f")"; fi
done

summary
