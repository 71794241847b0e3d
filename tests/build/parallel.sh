#!/usr/bin/env bash
# parallel.sh: the build under `make -j` and the test driver's own options.
# In a copy of the tracked files (never the real tree), `make -j16 berth
# build/asan/berth` from clean, BUILD_RUNS times (default 2, ~25 s each on
# two cores; BUILD_RUNS=1 for a quick look): each build
# succeeds, runs bison and flex once, and leaves a build/parser.c without
# NUL bytes; a second make has nothing to do. Then tests/run.sh: SUITE runs
# that suite alone and ends with its summary, --list names the suites, an
# unknown name exits 2, and -g restores an edited golden. Prints "N passed,
# N failed, N skipped"; a step that cannot run here says "skipped: REASON".
set -u
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C NO_COLOR=1
unset MAKEFLAGS MFLAGS MAKELEVEL   # under `make test`: the builds here are our own
. tests/lib.sh
RUNS=${BUILD_RUNS:-2}
SRC=$tmp/src

# copy_tree DIR: the files git tracks or would track, as they are now
# (uncommitted edits included); no build/, no ./berth.
copy_tree() {
  mkdir -p "$1" &&
    git ls-files -z --cached --others --exclude-standard | xargs -0 ls -d 2>/dev/null |
    tar -cf - -T - | tar -xf - -C "$1"
}
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  skipped "not a git checkout: nothing to copy"
  echo "$pass passed, $fail failed, $skip skipped"; exit 0
fi
copy_tree "$SRC" || { bad "copying the tree"; echo "$pass passed, $fail failed, $skip skipped"; exit 1; }

# 1. Clean parallel builds. The recipes echo their commands, so the make
#    output counts the generator runs.
for i in $(seq 1 "$RUNS"); do
  rm -rf "$SRC/build" "$SRC/berth"
  if make -C "$SRC" --no-print-directory -j16 berth build/asan/berth >"$tmp/make.$i" 2>&1; then ok; else
    bad "make -j16 run $i failed"; tail -20 "$tmp/make.$i"; continue; fi
  n=$(grep -c '^bison ' "$tmp/make.$i"); [ "$n" = 1 ] && ok || bad "run $i: bison ran $n times"
  n=$(grep -c '^flex ' "$tmp/make.$i"); [ "$n" = 1 ] && ok || bad "run $i: flex ran $n times"
  if [ "$(tr -d '\000' <"$SRC/build/parser.c" | wc -c)" = "$(wc -c <"$SRC/build/parser.c")" ]; then ok; else
    bad "run $i: build/parser.c has NUL bytes"; fi
done
# Up to date means nothing to do; a grammar edit rebuilds the parser's users.
out=$(make -C "$SRC" --no-print-directory -j16 berth build/asan/berth 2>&1)
check grep -q "Nothing to be done\|is up to date" <<<"$out"
check test -z "$(grep -E '^(bison|flex|cc|gcc) ' <<<"$out")"
sleep 1; touch "$SRC/grammar/parser.y"
out=$(make -C "$SRC" --no-print-directory -j16 berth 2>&1); rc=$?
check test "$rc" = 0
check test "$(grep -c '^bison ' <<<"$out")" = 1
for o in parser lexer parse fmt; do check grep -q -- "-o build/$o.o" <<<"$out"; done
check test -z "$(grep -- '-o build/check.o' <<<"$out")"

# 2. tests/run.sh's options, in the copy that was just built.
out=$("$SRC/tests/run.sh" bad 2>&1); rc=$?
check test "$rc" = 0
check grep -qE '^[0-9]+ passed, 0 failed, [0-9]+ skipped$' <<<"$(tail -1 <<<"$out")"
nbad=$(ls tests/bad/*.ports | wc -l)
check test "$(tail -1 <<<"$out" | cut -d' ' -f1)" = $((2 * nbad))
list=$("$SRC/tests/run.sh" --list 2>&1); rc=$?
check test "$rc" = 0
for s in unit bad seeds fmt gen audit import diff explain build; do check grep -qx "$s" <<<"$list"; done
"$SRC/tests/run.sh" no-such-suite >"$tmp/unknown" 2>&1; rc=$?
check test "$rc" = 2
check grep -q 'no-such-suite' "$tmp/unknown"
# -g: an edited golden fails the suite, then comes back byte for byte.
for g in tests/bad/002-missing-semicolon.err tests/checks/seeds.err; do
  echo "edited" >>"$SRC/$g"
done
"$SRC/tests/run.sh" seeds >/dev/null 2>&1; check test $? = 1
out=$("$SRC/tests/run.sh" -g bad 2>&1); rc=$?
check test "$rc" = 0
check cmp "$SRC/tests/bad/002-missing-semicolon.err" tests/bad/002-missing-semicolon.err
check test -n "$(tail -c 100 "$SRC/tests/checks/seeds.err" | grep edited)"   # bad only: seeds left alone
UPDATE=1 "$SRC/tests/run.sh" seeds >/dev/null 2>&1; check test $? = 0
check cmp "$SRC/tests/checks/seeds.err" tests/checks/seeds.err
# Regenerating every golden of the plain suites changes nothing in the repository.
"$SRC/tests/run.sh" -g bad seeds checks fmt >/dev/null 2>&1; check test $? = 0
check diff -r tests/bad "$SRC/tests/bad"
check diff -r tests/fmt "$SRC/tests/fmt"
check diff -r tests/checks "$SRC/tests/checks"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
