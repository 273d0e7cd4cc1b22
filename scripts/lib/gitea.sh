# shellcheck shell=bash
# Sourced by ./platform: the local Gitea server (scripts/local-gitea) that the scaffolder
# publishes to and the catalog reads from.
#
# Started when it is not running, and stopped again on exit if this run started it, like
# the local cluster. IDP_GITEA=none runs without it.

LOCAL_GITEA="$REPO_ROOT/scripts/local-gitea/gitea.sh"
GITEA_APP_CONFIG="$REPO_ROOT/.local/gitea/app-config.gitea.yaml"
STARTED_LOCAL_GITEA=
USING_LOCAL_GITEA=

ensure_gitea() {
  [ "${IDP_GITEA:-local}" != none ] || return 0
  if ! "$LOCAL_GITEA" status >/dev/null 2>&1; then
    log "Starting the local Gitea server (the first time builds it from Go modules: ~10 min)"
    "$LOCAL_GITEA" up >&2 || die "the local Gitea server did not start (see scripts/local-gitea/README.md)"
    STARTED_LOCAL_GITEA=1
  elif [ ! -f "$GITEA_APP_CONFIG" ]; then
    "$LOCAL_GITEA" up >&2 || die "could not write $GITEA_APP_CONFIG (see scripts/local-gitea/README.md)"
  fi
  USING_LOCAL_GITEA=1
}

# The backend's --config arguments for Gitea (integrations.gitea), when it is in use.
gitea_config_args() {
  [ -n "$USING_LOCAL_GITEA" ] && [ -f "$GITEA_APP_CONFIG" ] && printf '%s\n' --config "$GITEA_APP_CONFIG"
  return 0
}

stop_gitea_if_started() {
  [ -n "$STARTED_LOCAL_GITEA" ] || return 0
  log "Stopping the local Gitea server this run started"
  "$LOCAL_GITEA" down >/dev/null 2>&1 || true
  STARTED_LOCAL_GITEA=
}
