#!/bin/bash
# tests/integration.sh: berth as a build-time generator in other projects.
# Copies berth, policies/, cmake/ and the two consumer projects into a
# temporary tree laid out like the repository (so the projects' defaults
# apply), then:
#   A  tests/consumer (make): build, rebuild nothing, touch an imported
#      policy, edit it, break it;
#   B  tests/cmake-consumer (CMake, Unix Makefiles and, if installed,
#      Ninja): the same.
# Touching a policy must rerun berth and recompile nothing (berth rewrites
# only changed files); changing what it generates must rebuild the program.
# Every assertion counts; the last line is "N passed, N failed, N skipped"; exit 0
# only when none failed.
#   tests/integration.sh            uses ./berth (build it first)
#   BERTH=/path/to/berth tests/integration.sh
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
berth=${BERTH:-$root/berth}
pass=0
fail=0
skip=0
last_log=

ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
skipped() { skip=$((skip + 1)); printf 'skipped: %s\n' "$1"; }
bad() {
    fail=$((fail + 1))
    printf 'FAIL %s\n' "$1"
    if [ -n "$last_log" ] && [ -s "$last_log" ]; then
        tail -n 15 "$last_log" | sed 's/^/     | /'
    fi
}
# check DESCRIPTION CONDITION: CONDITION is shell code whose status is the
# assertion; $rc holds the status of the last run.
check() {
    if eval "$2"; then ok "$1"; else bad "$1"; fi
}
# run LOG COMMAND...: run with output to LOG (shown when a check fails).
rc=0
run() {
    last_log=$1
    shift
    "$@" >"$last_log" 2>&1
    rc=$?
}
mtime() { stat -c %y "$1" 2>/dev/null || echo missing; }
# Equal timestamps would hide a rebuild: wait before touching a file.
tick() { sleep 1.1; }
finish() {
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
    exit
}

if [ ! -x "$berth" ]; then
    bad "berth is built ($berth)"
    finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-integration.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
logs=$tmp/logs
mkdir -p "$tmp/tests" "$logs"
# A private copy of berth: rebuilding ./berth during the run changes nothing.
cp -p "$berth" "$tmp/berth"
cp -pR "$root/policies" "$root/cmake" "$tmp/"
for d in consumer cmake-consumer; do
    mkdir -p "$tmp/tests/$d"
    # Sources only, not a build someone left in the repository.
    cp -p "$root/tests/$d"/*.c "$root/tests/$d"/*.cpp "$tmp/tests/$d/"
done
cp -p "$root/tests/consumer/Makefile" "$tmp/tests/consumer/"
cp -p "$root/tests/cmake-consumer/CMakeLists.txt" "$tmp/tests/cmake-consumer/"

dante=$tmp/policies/dante.ports
pristine=$tmp/dante.ports.orig
cp -p "$dante" "$pristine"

# A new Dante service: changes what berth generates, for the systems'
# defaults and for the example site (which runs dante.device) alike.
edit_dante() {
    sed -i '0,/^}$/s//    service integration_probe "Added by tests\/integration.sh." {\
        udp 7400 device -> device in dante_net;\
    }\
}/' "$dante"
}
break_dante() { printf 'system broken {\n' >>"$dante"; }
restore_dante() { cp "$pristine" "$dante"; touch "$dante"; }

# ---- A: make ----
echo "== A: make (tests/consumer)"
cdir=$tmp/tests/consumer
M=(make -C "$cdir" --no-print-directory)
# snapshot: the mtimes of the generated files and the programs.
snap_a() { for f in gen/policy.h gen/policy.c consumer cxx_consumer; do mtime "$cdir/$f"; done; }

run "$logs/a-build" "${M[@]}" -j4
check "make: first build (-j4) succeeds" '[ $rc -eq 0 ]'
run "$logs/a-run" "$cdir/consumer"
check "make: ./consumer passes its lookups" '[ $rc -eq 0 ]'
run "$logs/a-run-cxx" "$cdir/cxx_consumer"
check "make: the header compiles and links as C++11 (./cxx_consumer passes)" '[ $rc -eq 0 ]'
check "make: berth's depfile names the imported dante.ports" \
    'grep -q "dante\.ports" "$cdir/gen/policy.d"'

before=$(snap_a)
run "$logs/a-q" "${M[@]}" -q
check "make: up to date after the build (make -q)" '[ $rc -eq 0 ]'
run "$logs/a-again" "${M[@]}"
check "make: a second make rebuilds nothing" \
    '[ $rc -eq 0 ] && [ "$(snap_a)" = "$before" ] && grep -q "Nothing to be done" "$logs/a-again"'

tick
touch "$dante"
run "$logs/a-touch" "${M[@]}"
check "make: touching imported dante.ports reruns berth" \
    '[ $rc -eq 0 ] && grep -q " gen c " "$logs/a-touch"'
check "make: ... which leaves the unchanged outputs and programs alone" \
    '[ "$(snap_a)" = "$before" ]'
run "$logs/a-touch-q" "${M[@]}" -q
check "make: up to date after the touch (make -q)" '[ $rc -eq 0 ]'

tick
edit_dante
run "$logs/a-edit" "${M[@]}"
check "make: editing dante.ports regenerates and rebuilds" '[ $rc -eq 0 ]'
check "make: ... the generated source has the new service" \
    'grep -q "\"integration_probe\"" "$cdir/gen/policy.c"'
check "make: ... ./consumer and ./cxx_consumer were relinked" \
    '[ "$(mtime "$cdir/consumer")" != "$(sed -n 3p <<<"$before")" ] &&
     [ "$(mtime "$cdir/cxx_consumer")" != "$(sed -n 4p <<<"$before")" ]'
run "$logs/a-edit-run" "$cdir/consumer"
check "make: ... and ./consumer still passes" '[ $rc -eq 0 ]'
before=$(snap_a)
run "$logs/a-edit-q" "${M[@]}" -q
check "make: up to date after the edit (make -q)" '[ $rc -eq 0 ]'
run "$logs/a-edit-again" "${M[@]}"
check "make: a second make rebuilds nothing" '[ $rc -eq 0 ] && [ "$(snap_a)" = "$before" ]'

tick
break_dante
run "$logs/a-broken" "${M[@]}"
check "make: a policy error fails the build, with berth's diagnostic" \
    '[ $rc -ne 0 ] && grep -q "error:.*\[syntax\]" "$logs/a-broken"'
check "make: ... and changes no output" '[ "$(snap_a)" = "$before" ]'
tick
restore_dante
run "$logs/a-restored" "${M[@]}" check
check "make: the restored policy builds and passes (make check)" '[ $rc -eq 0 ]'

rm -f "$cdir/gen/policy.c"
run "$logs/a-deleted" "${M[@]}"
check "make: a deleted generated file is generated again" \
    '[ $rc -eq 0 ] && [ -f "$cdir/gen/policy.c" ]'

# ---- B: CMake ----
gens=("Unix Makefiles")
if command -v ninja >/dev/null 2>&1; then gens+=(Ninja); else skipped "ninja is not installed: the CMake Ninja generator is not tested"; fi
if ! command -v cmake >/dev/null 2>&1; then
    last_log=
    bad "cmake is installed"
    gens=()
fi
for gen in "${gens[@]}"; do
    tag=${gen%% *}
    echo "== B: CMake, $gen (tests/cmake-consumer)"
    restore_dante
    b=$tmp/build-$tag
    out=$b/gen
    snap_b() {
        for f in "$out/site_ports.h" "$out/site_ports.c" "$b/cmake_consumer" "$b/cmake_cxx_consumer"; do
            mtime "$f"
        done
    }
    # LOG shows no berth, compiler or linker run.
    quiet() { ! grep -Eq "berth: generating|Building|Linking" "$1"; }

    run "$logs/b-$tag-configure" cmake -S "$tmp/tests/cmake-consumer" -B "$b" -G "$gen"
    check "cmake $tag: configure succeeds" '[ $rc -eq 0 ]'
    run "$logs/b-$tag-build" cmake --build "$b" -j 4
    check "cmake $tag: first build (-j4) succeeds" '[ $rc -eq 0 ]'
    run "$logs/b-$tag-run" "$b/cmake_consumer"
    check "cmake $tag: cmake_consumer passes its lookups" '[ $rc -eq 0 ]'
    run "$logs/b-$tag-run-cxx" "$b/cmake_cxx_consumer"
    check "cmake $tag: cmake_cxx_consumer passes (C++11)" '[ $rc -eq 0 ]'

    before=$(snap_b)
    run "$logs/b-$tag-again" cmake --build "$b"
    check "cmake $tag: a second build rebuilds nothing" \
        '[ $rc -eq 0 ] && quiet "$last_log" && [ "$(snap_b)" = "$before" ]'

    tick
    touch "$dante"
    run "$logs/b-$tag-touch" cmake --build "$b"
    check "cmake $tag: touching imported dante.ports reruns berth" \
        '[ $rc -eq 0 ] && grep -q "berth: generating" "$last_log"'
    check "cmake $tag: ... which leaves the unchanged outputs and programs alone" \
        '[ "$(snap_b)" = "$before" ] && ! grep -Eq "Building|Linking" "$last_log"'
    run "$logs/b-$tag-touch-again" cmake --build "$b"
    check "cmake $tag: a build after the touch does nothing" \
        '[ $rc -eq 0 ] && quiet "$last_log" && [ "$(snap_b)" = "$before" ]'

    tick
    edit_dante
    run "$logs/b-$tag-edit" cmake --build "$b"
    check "cmake $tag: editing dante.ports regenerates and rebuilds" \
        '[ $rc -eq 0 ] && grep -q "\"integration_probe\"" "$out/site_ports.c"'
    check "cmake $tag: ... both programs were relinked" \
        '[ "$(mtime "$b/cmake_consumer")" != "$(sed -n 3p <<<"$before")" ] &&
         [ "$(mtime "$b/cmake_cxx_consumer")" != "$(sed -n 4p <<<"$before")" ]'
    run "$logs/b-$tag-edit-run" "$b/cmake_consumer"
    check "cmake $tag: ... and cmake_consumer still passes" '[ $rc -eq 0 ]'
    before=$(snap_b)
    run "$logs/b-$tag-edit-again" cmake --build "$b"
    check "cmake $tag: a build after the edit does nothing" \
        '[ $rc -eq 0 ] && quiet "$last_log" && [ "$(snap_b)" = "$before" ]'

    tick
    break_dante
    run "$logs/b-$tag-broken" cmake --build "$b"
    check "cmake $tag: a policy error fails the build, with berth's diagnostic" \
        '[ $rc -ne 0 ] && grep -q "error:.*\[syntax\]" "$last_log"'
    tick
    restore_dante
    run "$logs/b-$tag-restored" cmake --build "$b"
    check "cmake $tag: the restored policy builds" '[ $rc -eq 0 ]'
    run "$logs/b-$tag-restored-run" "$b/cmake_consumer"
    check "cmake $tag: ... and cmake_consumer passes" '[ $rc -eq 0 ]'
done

last_log=
finish
