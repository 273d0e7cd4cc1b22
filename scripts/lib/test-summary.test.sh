#!/usr/bin/env bash
# Tests the closing count of ./platform test (test-summary.sh) on made-up step logs, and
# that an unknown step name is refused. Cheap: no step is run. `./platform test harness`
# runs it; so does `bash scripts/lib/test-summary.test.sh`.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pass=0 fail=0

# check WHAT EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then
    pass=$((pass + 1))
    echo "ok: $1"
  else
    fail=$((fail + 1))
    printf 'FAILED: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
  fi
}

# summary_of STATUS:LOG... : the closing line and exit status after counting the steps,
# each given as its exit status and a log (text, or "-" for an empty log).
summary_of() (
  # shellcheck source=scripts/lib/test-summary.sh
  source "$HERE/test-summary.sh"
  local i=0 spec
  for spec in "$@"; do
    i=$((i + 1))
    if [ "${spec#*:}" = - ]; then : >"$logs/$i.log"; else printf '%b\n' "${spec#*:}" >"$logs/$i.log"; fi
    count_step "step$i" "$logs/$i.log" "${spec%%:*}" >/dev/null
  done
  print_summary | tail -1
  summary_status && echo "exit 0" || echo "exit 1"
)

summary() { summary_of "$@" | paste -sd ' ' -; }

check 'a passing check without tests counts as one passed test' \
  'tests: 1 passed, 0 failed exit 0' "$(summary '0:-')"
check 'a failed type check, lint, format or Docker check counts as one failure' \
  'tests: 0 passed, 1 failed exit 1' "$(summary '1:Found 3 errors in 2 files.')"
check 'four checks, one failed' \
  'tests: 3 passed, 1 failed exit 1' "$(summary '0:-' '1:-' '0:-' '0:-')"

jest_failed='FAIL a.test.ts\nTest Suites: 1 failed, 4 passed, 5 total
Tests:       1 failed, 2 skipped, 1 todo, 9 passed, 13 total\nTime: 3 s'
check 'jest: failed, skipped and todo tests are counted' \
  'tests: 9 passed, 1 failed, 3 skipped exit 1' "$(summary "1:$jest_failed")"

jest_broken='FAIL b.test.ts\n  ● Test suite failed to run\n\n    IDP_TEST_KUBECONFIG is not set
Summary of all failing tests\nFAIL b.test.ts\n  ● Test suite failed to run
Test Suites: 1 failed, 2 passed, 3 total\nTests:       5 passed, 5 total'
check 'jest: a suite that failed to run is a failure, counted once' \
  'tests: 5 passed, 1 failed exit 1' "$(summary "1:$jest_broken")"

check 'jest: all tests passed but jest failed (a hook, a leak): one failure' \
  'tests: 4 passed, 1 failed exit 1' "$(summary '1:Tests:       4 passed, 4 total')"
check 'jest: colours do not hide the counts' \
  'tests: 7 passed, 0 failed exit 0' \
  "$(summary '0:\033[1mTests:       \033[22m\033[1m\033[32m7 passed\033[39m\033[22m, 7 total')"

playwright_flaky='  ✓  1 a.test.ts:3:1 › a (2.0s)\n  1 flaky\n    [chromium] › b.test.ts:9:1 › b
  2 skipped\n  1 did not run\n  \033[32m5 passed\033[39m (1.3m)'
check 'playwright: a flaky test passed on its retry, skipped and not run are reported' \
  'tests: 6 passed, 0 failed, 3 skipped exit 0' "$(summary "0:$playwright_flaky")"
check 'playwright: flaky tests are named on their own line' \
  'flaky: 1 (failed, then passed on a retry) in: step1 (1)' \
  "$(source "$HERE/test-summary.sh" && printf '%b\n' "$playwright_flaky" >"$logs/f.log" &&
    count_step step1 "$logs/f.log" 0 >/dev/null && print_summary | grep '^flaky')"
check 'playwright: failed tests' \
  'tests: 6 passed, 1 failed exit 1' \
  "$(summary '1:  1 failed\n    [chromium] › a.test.ts:3:1 › x\n  6 passed (1.0m)')"
check 'smoke test lines' \
  'tests: 17 passed, 0 failed exit 0' "$(summary '0:ok: up\n  17 passed\n  0 failed')"
check 'a step that stopped before its summary is a failure' \
  'tests: 0 passed, 1 failed exit 1' "$(summary '1:Running 7 tests using 1 worker')"
check 'every step adds up, the exit status agrees with the closing line' \
  'tests: 29 passed, 2 failed, 6 skipped exit 1' \
  "$(summary '0:-' '1:-' "1:$jest_failed" '0:  17 passed\n  0 failed' '0:  3 skipped\n  2 passed (9s)')"

check 'a run that stopped before its steps (setup) fails' \
  'tests: 0 passed, 1 failed exit 1' \
  "$(source "$HERE/test-summary.sh" && count_setup_failure setup &&
    { print_summary | tail -1; summary_status && echo "exit 0" || echo "exit 1"; } | paste -sd ' ' -)"

rc=0
out=$("$REPO_ROOT/platform" test no-such-step 2>&1) || rc=$?
check 'an unknown step name exits 2' 2 "$rc"
check 'an unknown step name lists the steps' 1 \
  "$(grep -c 'unknown step: no-such-step.*typecheck.*browser-e2e' <<<"$out" || true)"

# The two lines ./platform test counts, as the smoke tests print them.
echo "  ${pass} passed"
echo "  ${fail} failed"
((fail == 0))
