# shellcheck shell=bash
# Sourced by ./platform: which Kubernetes cluster the portal reads, and its set-up.
#
# By default the local cluster (scripts/local-cluster: a real control plane with kwok
# nodes) is started, given the seed catalog's workloads, and stopped again on exit if
# this run started it. IDP_CLUSTER_KUBECONFIG (and optionally IDP_CLUSTER_CONTEXT) points
# the platform at any other cluster instead; IDP_CLUSTER=none runs without one.

LOCAL_CLUSTER="$REPO_ROOT/scripts/local-cluster/cluster.sh"
KUBE_APP_CONFIG="$REPO_ROOT/.local/kube/app-config.kubernetes.yaml"
STARTED_LOCAL_CLUSTER=

cluster_tools() { (cd "$REPO_ROOT" && yarn workspace @internal/cluster-tools cli "$@"); }

# Sets CLUSTER_KUBECONFIG and CLUSTER_CONTEXT, starting the local cluster if needed.
ensure_cluster() {
  CLUSTER_CONTEXT=${IDP_CLUSTER_CONTEXT:-}
  if [ "${IDP_CLUSTER:-local}" = none ]; then
    CLUSTER_KUBECONFIG=
    return
  fi
  if [ -n "${IDP_CLUSTER_KUBECONFIG:-}" ]; then
    CLUSTER_KUBECONFIG=$IDP_CLUSTER_KUBECONFIG
    [ -f "$CLUSTER_KUBECONFIG" ] || die "IDP_CLUSTER_KUBECONFIG: no file at $CLUSTER_KUBECONFIG"
    log "Using the cluster of $CLUSTER_KUBECONFIG${CLUSTER_CONTEXT:+ (context $CLUSTER_CONTEXT)}"
  else
    CLUSTER_KUBECONFIG="$REPO_ROOT/.local/kube/kubeconfig"
    if ! "$LOCAL_CLUSTER" status >/dev/null 2>&1; then
      log "Starting the local Kubernetes cluster (the first time builds it from Go modules: ~12 min)"
      "$LOCAL_CLUSTER" up >&2 || die "the local cluster did not start (see scripts/local-cluster/README.md)"
      STARTED_LOCAL_CLUSTER=1
    fi
  fi
  export CLUSTER_KUBECONFIG CLUSTER_CONTEXT
}

# Gives the portal read-only access to the cluster and the environments orchestrator its
# least-privilege ServiceAccount there and, for the local cluster (or with
# IDP_SEED_WORKLOADS=1), runs the seed catalog's services in it.
connect_cluster() {
  rm -f "$KUBE_APP_CONFIG"
  [ -n "$CLUSTER_KUBECONFIG" ] || return 0
  local context_args=()
  [ -n "$CLUSTER_CONTEXT" ] && context_args=(--context "$CLUSTER_CONTEXT")
  cluster_tools connect --kubeconfig "$CLUSTER_KUBECONFIG" "${context_args[@]}" \
    --name "${IDP_CLUSTER_NAME_IN_PORTAL:-local}" --out "$KUBE_APP_CONFIG" >&2 ||
    die "could not set up the portal's and the orchestrator's access to the cluster"
  if [ -z "${IDP_CLUSTER_KUBECONFIG:-}" ] || [ "${IDP_SEED_WORKLOADS:-0}" = 1 ]; then
    cluster_tools seed --kubeconfig "$CLUSTER_KUBECONFIG" "${context_args[@]}" \
      --catalog "$REPO_ROOT/catalog" >&2 || die "could not apply the seed workloads"
  fi
}

# The backend's --config arguments: app-config.yaml unless the caller names config files,
# then the caller's, then the generated cluster access.
backend_config_args() {
  local arg has_config=
  for arg in "$@"; do [ "$arg" = --config ] && has_config=1; done
  [ -n "$has_config" ] || printf '%s\n' --config "$REPO_ROOT/app-config.yaml"
  [ $# -eq 0 ] || printf '%s\n' "$@"
  [ -f "$KUBE_APP_CONFIG" ] && printf '%s\n' --config "$KUBE_APP_CONFIG"
  return 0
}

stop_cluster_if_started() {
  [ -n "$STARTED_LOCAL_CLUSTER" ] || return 0
  log "Stopping the local cluster this run started"
  "$LOCAL_CLUSTER" down >/dev/null 2>&1 || true
  STARTED_LOCAL_CLUSTER=
}
