#!/usr/bin/env bash
# The issuer's own tests (issuer.test.mjs: a seed user's tokens through the real flow),
# with node's test runner, closing with the "  N passed" / "  N failed" lines that
# ./platform test counts.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
node --test --test-reporter=spec "$HERE"/*.test.mjs 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
pass=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$out")
fail=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$out")
echo
echo "  ${pass:-0} passed"
echo "  ${fail:-0} failed"
exit "$status"
