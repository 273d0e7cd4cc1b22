# shellcheck shell=bash
# ./platform start: runs the portal on http://localhost:${PORT:-7007} with its data in
# ${IDP_DATA_DIR:-data/} (SQLite files), until Ctrl-C.
PORT=${PORT:-7007}
IDP_DATA_DIR=${IDP_DATA_DIR:-$REPO_ROOT/data}
started_at=$SECONDS

ensure_toolchain
build_app_if_stale

log "Starting the backend (log: .local/backend.log)"
trap 'stop_backend; exit 130' INT TERM
trap 'stop_backend' EXIT
start_backend "$PORT" "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log" "$@"
wait_for_backend "$PORT" "$REPO_ROOT/.local/backend.log"
log "Ready in $((SECONDS - started_at)) s"
printf '\n  Portal:  \033[1mhttp://localhost:%s\033[0m   (sign in as guest)\n  Data:    %s\n  Log:     %s\n\n  Ctrl-C stops it.\n\n' \
  "$PORT" "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log"
wait "$BACKEND_PID"
