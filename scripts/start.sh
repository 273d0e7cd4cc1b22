# shellcheck shell=bash
# ./platform start: runs the portal on http://localhost:${PORT:-7007} with its data in
# ${IDP_DATA_DIR:-data/} (SQLite files), reading a Kubernetes cluster and publishing to
# the local Gitea server, until Ctrl-C. `--oidc` (or IDP_OIDC=local) also runs the local
# OpenID Connect issuer (scripts/local-oidc) and signs in through it (app-config.oidc.yaml).
source "$REPO_ROOT/scripts/lib/oidc.sh"
PORT=${PORT:-7007}
IDP_DATA_DIR=${IDP_DATA_DIR:-$REPO_ROOT/data}
started_at=$SECONDS
args=()
for arg in "$@"; do
  if [ "$arg" = --oidc ]; then IDP_OIDC=local; else args+=("$arg"); fi
done
set -- ${args[@]+"${args[@]}"}

ensure_toolchain
trap 'stop_backend; stop_oidc_if_started; stop_cluster_if_started; stop_gitea_if_started; exit 130' INT TERM
trap 'stop_backend; stop_oidc_if_started; stop_cluster_if_started; stop_gitea_if_started' EXIT
ensure_cluster
connect_cluster
ensure_gitea
build_app_if_stale
# The policy bundle, when policies/ changed; a running backend reloads it by itself.
build_policies_if_stale
[ "${IDP_OIDC:-}" != local ] || ensure_oidc

log "Starting the backend (log: .local/backend.log)"
mapfile -t backend_args < <(backend_config_args "$@"; gitea_config_args; oidc_config_args)
start_backend "$PORT" "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log" "${backend_args[@]}"
wait_for_backend "$PORT" "$REPO_ROOT/.local/backend.log"
log "Ready in $((SECONDS - started_at)) s"
if [ -n "$USING_LOCAL_OIDC" ]; then
  printf '\n  Portal:      \033[1mhttp://localhost:%s\033[0m   (sign in as guest, or with single sign-on as anyone in catalog/org.yaml)\n' "$PORT"
  printf '  OIDC:        http://localhost:%s   (password: %s; local use only)\n' "$IDP_OIDC_PORT" "${IDP_OIDC_PASSWORD:-acme-local}"
else
  printf '\n  Portal:      \033[1mhttp://localhost:%s\033[0m   (sign in as guest)\n' "$PORT"
fi
printf '  Data:        %s\n  Log:         %s\n' "$IDP_DATA_DIR" "$REPO_ROOT/.local/backend.log"
if [ -n "${CLUSTER_KUBECONFIG:-}" ]; then
  printf '  Kubernetes:  KUBECONFIG=%s\n' "$CLUSTER_KUBECONFIG"
fi
if [ -n "$USING_LOCAL_GITEA" ]; then
  printf '  Gitea:       http://localhost:%s   (admin: %s)\n' "${IDP_GITEA_PORT:-3300}" "$REPO_ROOT/.local/gitea/admin-credentials"
fi
printf '\n  Ctrl-C stops it.\n\n'
wait "$BACKEND_PID"
