#!/usr/bin/env bash
# Runs every test binary of alloc-pool under valgrind's memcheck, one test
# thread at a time, failing on any memory error (invalid read/write, use of
# uninitialised memory, invalid free). Leaks are not checked: tests leak on
# purpose (a `Block` dropped without `free`, static allocators).
#
# Usage: alloc-pool/valgrind.sh            (from anywhere in the workspace)
# Env:   PROPTEST_CASES (default 8 here), VALGRIND_FLAGS (extra flags)
set -euo pipefail

if ! command -v valgrind >/dev/null 2>&1; then
    echo "alloc-pool/valgrind.sh: valgrind is not installed; skipping"
    exit 0
fi

cd "$(dirname "$0")/.."
export PROPTEST_CASES="${PROPTEST_CASES:-8}"

bins=$(cargo test -p alloc-pool --lib --tests --no-run --message-format=json 2>/dev/null |
    grep -o '"executable":"[^"]*"' | cut -d'"' -f4)
if [ -z "$bins" ]; then
    echo "alloc-pool/valgrind.sh: no test binaries were built" >&2
    exit 1
fi

status=0
for bin in $bins; do
    echo "== valgrind $(basename "$bin")"
    # shellcheck disable=SC2086
    if ! valgrind --error-exitcode=1 --leak-check=no --quiet ${VALGRIND_FLAGS:-} \
        "$bin" --test-threads=1 -q; then
        echo "alloc-pool/valgrind.sh: FAILED: $bin" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "alloc-pool/valgrind.sh: all test binaries clean under valgrind"
exit "$status"
