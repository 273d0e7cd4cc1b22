# shellcheck shell=bash
# Sourced by ./platform: the local OpenID Connect issuer (scripts/local-oidc), so that the
# portal signs in anyone of the seed organization through production's oidc provider.
# Used by `./platform start --oidc` (or IDP_OIDC=local) and by the browser tests.

IDP_OIDC_PORT=${IDP_OIDC_PORT:-7100}
OIDC_STATE_DIR="$REPO_ROOT/.local/oidc"
OIDC_APP_CONFIG="$REPO_ROOT/app-config.oidc.yaml"
STARTED_OIDC_PID= USING_LOCAL_OIDC=

oidc_ready() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://localhost:$IDP_OIDC_PORT/.well-known/openid-configuration"
}

oidc_still_running() {
  pid_alive "$STARTED_OIDC_PID" && return
  tail -20 "$OIDC_STATE_DIR/issuer.log" >&2
  die "the local OpenID Connect issuer stopped while starting (log: .local/oidc/issuer.log)"
}

# Starts the issuer unless one already answers on IDP_OIDC_PORT, then exports what the
# backend's oidc provider reads (app-config.production.yaml) for app-config.oidc.yaml.
ensure_oidc() {
  mkdir -p "$OIDC_STATE_DIR"
  if ! oidc_ready; then
    log "Starting the local OpenID Connect issuer on port $IDP_OIDC_PORT (log: .local/oidc/issuer.log)"
    IDP_OIDC_PORT=$IDP_OIDC_PORT IDP_OIDC_STATE_DIR=$OIDC_STATE_DIR \
      node "$REPO_ROOT/scripts/local-oidc/server.mjs" >>"$OIDC_STATE_DIR/issuer.log" 2>&1 &
    STARTED_OIDC_PID=$!
    WAIT_GUARD=oidc_still_running wait_until 30 oidc_ready ||
      die "the local OpenID Connect issuer was not ready after 30 s (log: .local/oidc/issuer.log)"
  fi
  local state="$OIDC_STATE_DIR/state.json"
  [ -f "$state" ] || die "$state is missing: the issuer on port $IDP_OIDC_PORT keeps its state elsewhere (set IDP_OIDC_PORT to a free port)"
  export AUTH_OIDC_METADATA_URL="http://localhost:$IDP_OIDC_PORT/.well-known/openid-configuration"
  export AUTH_OIDC_CLIENT_ID=idp-portal
  AUTH_OIDC_CLIENT_SECRET=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).clientSecret' "$state")
  AUTH_SESSION_SECRET=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).sessionSecret' "$state")
  export AUTH_OIDC_CLIENT_SECRET AUTH_SESSION_SECRET
  USING_LOCAL_OIDC=1
}

# The backend's --config arguments for OIDC sign-in, when the local issuer is in use.
oidc_config_args() {
  [ -z "$USING_LOCAL_OIDC" ] || printf '%s\n' --config "$OIDC_APP_CONFIG"
  return 0
}

# Runs from EXIT/INT traps under `set -e`, so nothing here may fail.
stop_oidc_if_started() {
  [ -n "$STARTED_OIDC_PID" ] || return 0
  kill -TERM "$STARTED_OIDC_PID" 2>/dev/null || true
  STARTED_OIDC_PID=
}
