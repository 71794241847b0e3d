#!/usr/bin/env bash
# bombs.sh: small inputs that once made berth crash, run for minutes or fill
# gigabytes, each run under a limit of time, memory and C stack (issue 9).
# BERTH names the binary (default ./berth). Ends with "N passed, N failed,
# N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
BERTH=${BERTH:-./berth}

# bomb NAME SECONDS MIB WANT-RC CMD...: CMD exits WANT-RC within SECONDS
# using at most MIB of address space and a 1 MiB stack.
bomb() {
  local name=$1 secs=$2 mib=$3 want=$4; shift 4
  local rc
  (ulimit -v $((mib * 1024)) -s 1024; timeout "$secs" "$@" >"$tmp/out" 2>&1); rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "bomb $name: exit $rc, want $want ($*)"; tail -3 "$tmp/out"; fi
}

# An import chain of 4000 files (LOAD_MAX_FILES is 4096): the loader walks
# imports on a worklist; recursion overflowed the stack near 2000.
mkdir -p "$tmp/chain"
awk -v dir="$tmp/chain" 'BEGIN { for (i = 0; i < 4000; i++)
  printf "import \"f%d.ports\";\nsystem s%d { role r; }\n", i + 1, i > dir "/f" i ".ports"
  print "system s4000 { role r; }" > dir "/f4000.ports" }'
bomb import-chain 10 400 0 "$BERTH" check "$tmp/chain/f0.ports"
# The same chain closed into a cycle: one error, its path as notes.
printf 'import "f0.ports";\n' >>"$tmp/chain/f4000.ports"
bomb import-cycle 10 400 1 "$BERTH" check "$tmp/chain/f0.ports"
check grep -c 'import cycle' "$tmp/out"

summary
