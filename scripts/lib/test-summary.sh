# shellcheck shell=bash
# The closing count of ./platform test, from each step's log and exit status. Sourced by
# scripts/test.sh and by its own test (test-summary.test.sh); needs nothing else.
#
# The count tells the truth: a step that failed counts at least one failure, so the
# closing line `tests: N passed, M failed[, K skipped]` fails (M > 0) exactly when the
# run does. A step without tests of its own (type check, lint, format, the Docker check)
# is one test, passed or failed.

tests_passed=0 tests_failed=0 tests_skipped=0 tests_flaky=0
failed_steps=() skipping_steps=() flaky_steps=()
step_count= step_failed=

# _count LINES WORD: the number before WORD ("3 passed") in LINES, summed; 0 when none.
_count() {
  local n sum=0
  for n in $(grep -Eo "[0-9]+ $2" <<<"$1" | grep -Eo '^[0-9]+'); do
    sum=$((sum + n))
  done
  echo "$sum"
}

# count_step NAME LOG STATUS: adds what one step's log reports, given its exit status,
# and sets step_count (e.g. "lint: 1 passed, 0 failed") and step_failed (1 or empty).
# Understands jest's summary ("Tests:  1 failed, 2 skipped, 1 todo, 9 passed, 13 total",
# plus one failure for each "Test suite failed to run"), Playwright's list reporter
# ("  1 failed", "  1 flaky", "  2 skipped", "  3 did not run", "  7 passed (1.3m)") and the
# smoke tests, which print the same "  N passed" and "  N failed" lines.
count_step() {
  local name=$1 file=$2 status=$3 text jest lines
  local pass=0 fail=0 skip=0 flaky=0 counted=
  text=$(sed 's/\x1b\[[0-9;]*m//g' "$file" 2>/dev/null || true)

  jest=$(grep -E '^Tests: ' <<<"$text" | tail -1 || true)
  if [ -n "$jest" ]; then
    counted=1
    pass=$(_count "$jest" passed)
    fail=$(_count "$jest" failed)
    skip=$(($(_count "$jest" skipped) + $(_count "$jest" todo)))
  fi
  # Suites that failed to run have no tests in that line; jest may list them again after
  # "Summary of all failing tests", so only the first listing counts.
  local broken
  broken=$(sed '/Summary of all failing tests/q' <<<"$text" | grep -c '● Test suite failed to run' || true)
  [ "$broken" -eq 0 ] || { counted=1 fail=$((fail + broken)); }

  lines=$(grep -E '^  [0-9]+ (passed|failed|flaky|skipped|did not run|interrupted)( \(.*\))?$' <<<"$text" || true)
  if [ -n "$lines" ]; then
    counted=1
    pass=$((pass + $(_count "$lines" passed)))
    fail=$((fail + $(_count "$lines" failed) + $(_count "$lines" interrupted)))
    skip=$((skip + $(_count "$lines" skipped) + $(_count "$lines" 'did not run')))
    flaky=$((flaky + $(_count "$lines" flaky)))
  fi

  if [ -z "$counted" ]; then
    # A check without tests of its own: one test.
    if [ "$status" -eq 0 ]; then pass=1; else fail=1; fi
  elif [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
    # Failed outside any test (a hook, the backend not starting, a crash): still a failure.
    fail=1
  fi

  # A flaky test passed on its retry: counted as passed, and named on its own line.
  tests_passed=$((tests_passed + pass + flaky))
  tests_failed=$((tests_failed + fail))
  tests_skipped=$((tests_skipped + skip))
  tests_flaky=$((tests_flaky + flaky))
  [ "$fail" -eq 0 ] || failed_steps+=("$name")
  [ "$skip" -eq 0 ] || skipping_steps+=("$name ($skip)")
  [ "$flaky" -eq 0 ] || flaky_steps+=("$name ($flaky)")
  step_count="$name: $pass passed, $fail failed"
  [ "$skip" -eq 0 ] || step_count+=", $skip skipped"
  [ "$flaky" -eq 0 ] || step_count+=", $flaky flaky"
  step_failed=
  [ "$fail" -eq 0 ] || step_failed=1
}

# count_setup_failure WHAT: the run stopped before or between steps (a missing server,
# a toolchain that did not install): one failure.
count_setup_failure() {
  tests_failed=$((tests_failed + 1))
  failed_steps+=("$1")
}

# print_summary: the closing lines; the very last is the one CI reads:
# `tests: N passed, M failed` optionally followed by `, K skipped`.
print_summary() {
  [ ${#failed_steps[@]} -eq 0 ] || echo "Failed: ${failed_steps[*]}"
  [ ${#skipping_steps[@]} -eq 0 ] || echo "Skipped tests in: ${skipping_steps[*]}"
  [ "$tests_flaky" -eq 0 ] ||
    echo "flaky: $tests_flaky (failed, then passed on a retry) in: ${flaky_steps[*]}"
  if [ "$tests_skipped" -gt 0 ]; then
    echo "tests: $tests_passed passed, $tests_failed failed, $tests_skipped skipped"
  else
    echo "tests: $tests_passed passed, $tests_failed failed"
  fi
}

# summary_status: the run's exit status, which agrees with the closing line.
summary_status() { [ "$tests_failed" -eq 0 ]; }
