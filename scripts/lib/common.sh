# shellcheck shell=bash
# The helpers every script under scripts/ shares: messages, failing, waiting, running a
# logged command, processes and Go module versions. Source it, do not run it.
#
# Messages go to stderr. By default they look like ./platform's (`==> text`,
# `error: text`); a script that sets LOG_TAG (scripts/local-cluster, scripts/local-gitea)
# gets `[tag HH:MM:SS] text` and `[tag] ERROR: text` instead.

IDP_CACHE_DIR="${IDP_CACHE_DIR:-${HOME}/.cache/idp-platform}"

log() {
  if [[ -n "${LOG_TAG:-}" ]]; then
    printf '[%s %s] %s\n' "${LOG_TAG}" "$(date +%H:%M:%S)" "$*" >&2
  else
    printf '\033[1;34m==>\033[0m %s\n' "$*" >&2
  fi
}

die() {
  if [[ -n "${LOG_TAG:-}" ]]; then
    printf '[%s] ERROR: %s\n' "${LOG_TAG}" "$*" >&2
  else
    printf '\033[1;31merror:\033[0m %s\n' "$*" >&2
  fi
  exit 1
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# wait_until SECONDS CMD... : runs CMD, quietly, every WAIT_INTERVAL seconds (default 1)
# until it succeeds; fails once SECONDS have passed. Before each sleep it runs WAIT_GUARD
# if that is set (`WAIT_GUARD=fn wait_until ...`): a function that dies when waiting is
# pointless, for example because the server being waited for exited.
wait_until() {
  local limit="$1" t0=${SECONDS}
  shift
  until "$@" >/dev/null 2>&1; do
    [[ -z "${WAIT_GUARD:-}" ]] || "${WAIT_GUARD}"
    ((SECONDS - t0 < limit)) || return 1
    sleep "${WAIT_INTERVAL:-1}"
  done
}

# wait_for SECONDS DESCRIPTION CMD... : wait_until, dying with DESCRIPTION on timeout and
# pointing at WAIT_LOGS (a folder or file) when that is set.
wait_for() {
  local limit="$1" what="$2"
  shift 2
  wait_until "${limit}" "$@" ||
    die "timed out after ${limit}s waiting for ${what}${WAIT_LOGS:+ (logs: ${WAIT_LOGS})}"
}

# run_logged LOGNAME CMD... : runs CMD with its output in ${LOGS}/LOGNAME.log, and prints
# the log's tail when it fails.
run_logged() {
  local log="${LOGS}/$1.log"
  shift
  if ! "$@" >"${log}" 2>&1; then
    tail -n 40 "${log}" >&2
    log "command failed: $* (full log: ${log})"
    return 1
  fi
}

# go_latest_version MODULE PATTERN : the newest version of MODULE on the Go module proxy
# that matches ^PATTERN[0-9]+$ (PATTERN is an extended regular expression, e.g. 'v1\.36\.'),
# or nothing and failure when there is none.
go_latest_version() {
  command -v go >/dev/null || die "go not found on PATH (Go 1.26 is needed)"
  local v
  v="$(go list -m -versions "$1" 2>/dev/null | tr ' ' '\n' | grep -E "^$2[0-9]+\$" | sort -V | tail -n1)" || true
  [[ -n "${v}" ]] && echo "${v}"
}

# ok TEXT, bad TEXT : one passed or failed check of a smoke test, counted in `pass` and
# `fail` (the smoke test sets both to 0 before its first check).
ok() {
  pass=$((pass + 1))
  echo "ok: $*"
}
bad() {
  fail=$((fail + 1))
  echo "FAILED: $*"
}
