# shellcheck shell=bash
# Sourced by ./platform: builds the frontend when its sources changed and runs the backend,
# which serves the built app, so the whole portal is on one address.

# Rebuild the app when anything it is built from is newer than the last build.
build_app_if_stale() {
  local index="$REPO_ROOT/packages/app/dist/index.html"
  if [ -f "$index" ] && [ -z "$(find "$REPO_ROOT/packages/app/src" "$REPO_ROOT/packages/app/public" \
    "$REPO_ROOT"/plugins/*/src "$REPO_ROOT/yarn.lock" "$REPO_ROOT/packages/app/package.json" \
    -newer "$index" -print -quit 2>/dev/null)" ]; then
    return
  fi
  log "Building the portal frontend"
  local started=$SECONDS
  (cd "$REPO_ROOT" && yarn workspace app build) >"$REPO_ROOT/.local/app-build.log" 2>&1 ||
    { tail -40 "$REPO_ROOT/.local/app-build.log" >&2; die "frontend build failed (log: .local/app-build.log)"; }
  log "Frontend built in $((SECONDS - started)) s"
}

# Starts the backend in the background with the given port and data folder; sets
# BACKEND_PID. Extra arguments are passed to the backend (e.g. --config files).
start_backend() {
  local port=$1 data_dir=$2 log_file=$3
  shift 3
  mkdir -p "$data_dir" "$(dirname "$log_file")"
  local url="http://localhost:$port"
  # Node runs the backend's TypeScript directly through Backstage's transform, as
  # `backstage-cli package start` does, without its file watcher and wrapper processes
  # (about 280 MB less). NODE_ENV=development enables guest sign-in.
  (
    cd "$REPO_ROOT/packages/backend" &&
      NODE_ENV=development IDP_DATA_DIR="$data_dir" \
        APP_CONFIG_app_baseUrl="$url" APP_CONFIG_backend_baseUrl="$url" \
        APP_CONFIG_backend_listen_port="$port" \
        exec node --enable-source-maps \
        --require "$REPO_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
        src/index "$@"
  ) >"$log_file" 2>&1 &
  BACKEND_PID=$!
  export BACKEND_PID
}

backend_ready() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://localhost:$1/.backstage/health/v1/readiness"
}

# While waiting for the backend: stop waiting when it has exited.
backend_still_running() {
  pid_alive "$BACKEND_PID" && return
  tail -40 "$BACKEND_LOG" >&2
  die "the backend stopped while starting (log: $BACKEND_LOG)"
}

# Waits until the backend answers its readiness check; fails with the log's tail if the
# process dies or it takes longer than the timeout.
wait_for_backend() {
  local port=$1 timeout=${3:-300}
  BACKEND_LOG=$2
  WAIT_GUARD=backend_still_running wait_until "$timeout" backend_ready "$port" || {
    tail -40 "$BACKEND_LOG" >&2
    die "the backend was not ready after ${timeout} s (log: $BACKEND_LOG)"
  }
}

# Stops the backend and everything it started. Runs from EXIT/INT traps under `set -e`,
# so nothing here may fail.
stop_backend() {
  [ -n "${BACKEND_PID:-}" ] || return 0
  pkill -TERM -P "$BACKEND_PID" 2>/dev/null || true
  kill -TERM "$BACKEND_PID" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$BACKEND_PID" 2>/dev/null || true
  BACKEND_PID=
}
