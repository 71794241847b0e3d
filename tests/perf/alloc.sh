#!/usr/bin/env bash
# alloc.sh: every allocation failure ends in exit 2 with a message, never a
# crash, a hang or a silent pass. The sanitizer build fails its Nth
# allocation when BERTH_FAIL_ALLOC=N (src/xalloc.c); each command below runs
# with N = 1, 2, ... until it gets through all its allocations and exits as
# it does without the injection. Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
BERTH=${BERTH:-build/asan/berth}
export ASAN_OPTIONS=detect_leaks=0
P=(policies/dante.ports policies/example-site.ports policies/igloo.ports policies/omnicast.ports)

# injected NAME CMD...: every injected failure is exit 2 with "out of memory".
injected() {
  local name=$1; shift
  local want n rc runs=0 failures=0
  "$@" >/dev/null 2>&1; want=$?
  for ((n = 1; n <= 5000; n++)); do
    BERTH_FAIL_ALLOC=$n "$@" >/dev/null 2>"$tmp/err"; rc=$?
    if ! grep -q '^berth: out of memory' "$tmp/err"; then
      if [ "$rc" = "$want" ]; then break; fi
      failures=$((failures + 1)); bad "$name: allocation $n failed: exit $rc, want 2 with a message"
      tail -3 "$tmp/err"; break
    fi
    runs=$((runs + 1))
    if [ "$rc" != 2 ]; then failures=$((failures + 1)); bad "$name: allocation $n: exit $rc after out of memory"; break; fi
  done
  [ "$failures" = 0 ] && [ "$runs" -gt 0 ] && ok
  echo "$name: $runs allocations, each failed once: exit 2"
}

injected check "$BERTH" check "${P[@]}"
injected check-json "$BERTH" check --format=json "${P[@]}"
injected flows "$BERTH" flows "${P[@]}"
injected fmt "$BERTH" fmt --check "${P[@]}"
injected gen-c "$BERTH" gen c -o "$tmp/c" "${P[@]}"
injected gen-docs env PATH=/nonexistent "$BERTH" gen docs -o "$tmp/docs" --site example "${P[@]}"
injected gen-fw "$BERTH" gen fw --template nftables --site example --host rec1 -o "$tmp/fw.nft" "${P[@]}"
injected explain "$BERTH" explain udp 16000 --site example "${P[@]}"
head -60 /etc/services >"$tmp/services"
injected import "$BERTH" import services "$tmp/services"
# --max-memory: a cap too small for the run is exit 2 with the cap named.
./berth check --max-memory 1M "${P[@]}" >/dev/null 2>"$tmp/err"; rc=$?
check test "$rc" = 2
check grep -q 'the cap is --max-memory 1M' "$tmp/err"
./berth check --max-memory 0 "${P[@]}" >/dev/null 2>&1; check test $? = 0
./berth check --max-memory 12X "${P[@]}" >/dev/null 2>&1; check test $? = 2
summary
