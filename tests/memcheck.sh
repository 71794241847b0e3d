#!/usr/bin/env bash
# memcheck.sh (make memcheck): the unit tests and the golden suites of
# tests/run.sh (bad, seeds, checks) with berth under valgrind's memcheck.
# A memory error or a definite leak fails the run: valgrind exits 99, and
# in the goldens its report would also change the compared output.
# Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite)
command -v valgrind >/dev/null || { skipped "valgrind is not installed"; summary; exit; }
for t in build/unit/test_*; do
  [ -x "$t" ] || continue
  if out=$("${VG[@]}" "$t" 2>&1); then ok; else bad "$t under memcheck"; printf '%s\n' "$out" | tail -30; fi
done
wrap=$tmp/berth
printf '#!/bin/sh\nexec %s "%s/berth" "$@"\n' "${VG[*]}" "$PWD" >"$wrap"
chmod +x "$wrap"
out=$(BERTH_BINS="$wrap" tests/run.sh bad seeds checks 2>&1)
line=$(tail -1 <<<"$out")
case $line in
  *" passed, 0 failed"*) ok ;;
  *) bad "golden suites under memcheck: $line"; grep '^FAIL' <<<"$out" | head -20 ;;
esac
echo "golden suites under memcheck: $line"
summary
