# shellcheck shell=bash
# ./platform start: runs the portal on http://localhost:${PORT:-7007} with its data in
# ${IDP_DATA_DIR:-data/} (SQLite files), reading a Kubernetes cluster, until Ctrl-C.
PORT=${PORT:-7007}
IDP_DATA_DIR=${IDP_DATA_DIR:-$REPO_ROOT/data}
started_at=$SECONDS

ensure_toolchain
trap 'stop_backend; stop_cluster_if_started; exit 130' INT TERM
trap 'stop_backend; stop_cluster_if_started' EXIT
ensure_cluster
connect_cluster
build_app_if_stale

log "Starting the backend (log: .local/backend.log)"
mapfile -t backend_args < <(backend_config_args "$@")
start_backend "$PORT" "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log" "${backend_args[@]}"
wait_for_backend "$PORT" "$REPO_ROOT/.local/backend.log"
log "Ready in $((SECONDS - started_at)) s"
printf '\n  Portal:      \033[1mhttp://localhost:%s\033[0m   (sign in as guest)\n' "$PORT"
printf '  Data:        %s\n  Log:         %s\n' "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log"
if [ -n "${CLUSTER_KUBECONFIG:-}" ]; then
  printf '  Kubernetes:  KUBECONFIG=%s\n' "$CLUSTER_KUBECONFIG"
fi
printf '\n  Ctrl-C stops it.\n\n'
wait "$BACKEND_PID"
