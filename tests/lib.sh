# lib.sh: what every test suite script shares, sourced after its `cd`:
# the pass/fail/skip counters, ok/bad/skipped/check, a temporary directory
# removed on exit, and summary, the last line every suite prints
# ("N passed, N failed, N skipped"; tests/run.sh folds it into its own).
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
skipped() { skip=$((skip + 1)); printf 'skipped: %s\n' "$*"; }
check() { if "$@" >/dev/null 2>&1; then ok; else bad "$*"; fi; }   # passes when CMD succeeds
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# summary: the counts; the status is 0 when nothing failed.
summary() {
  printf '%d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
  [ "$fail" -eq 0 ]
}
