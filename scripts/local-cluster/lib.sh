# shellcheck shell=bash
# Shared settings for build.sh and cluster.sh. Source it, do not run it.
#
# Every value can be overridden from the environment; see README.md.

LC_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LC_REPO="$(cd "${LC_SCRIPT_DIR}/../.." && pwd)"
LOG_TAG=local-cluster
# shellcheck source=../lib/common.sh
source "${LC_REPO}/scripts/lib/common.sh"

# Versions. The defaults are the newest patch releases that the Go module
# proxy reachable from the project's machines holds (checked with
# `go list -m -versions MODULE`). Set IDP_K8S_VERSION=latest (or
# IDP_ETCD_VERSION=latest) to ask the proxy for the newest v1.36.x / v3.6.x.
IDP_K8S_VERSION="${IDP_K8S_VERSION:-v1.36.3}"
IDP_ETCD_VERSION="${IDP_ETCD_VERSION:-v3.6.16}"
IDP_KWOK_VERSION="${IDP_KWOK_VERSION:-v0.8.0}"

IDP_KUBECONFIG="${IDP_KUBECONFIG:-${LC_REPO}/.local/kube/kubeconfig}"
IDP_CLUSTER_NAME="${IDP_CLUSTER_NAME:-idp}"
IDP_NODES="${IDP_NODES:-2}"
# kwokctl's working folder (clusters, certificates, logs, pids).
KWOK_WORKDIR="${KWOK_WORKDIR:-${LC_REPO}/.local/kwok}"
export KWOK_WORKDIR

export GOTOOLCHAIN=local
export CGO_ENABLED=0

# lc_latest MODULE PREFIX -> newest version of MODULE on the proxy that starts with PREFIX
lc_latest() {
  go_latest_version "$1" "$2" || die "no version $2* of $1 found on the Go module proxy"
}

lc_resolve_versions() {
  if [[ "${IDP_K8S_VERSION}" == latest ]]; then
    IDP_K8S_VERSION="$(lc_latest k8s.io/kubernetes 'v1\.36\.')"
  fi
  if [[ "${IDP_ETCD_VERSION}" == latest ]]; then
    IDP_ETCD_VERSION="$(lc_latest go.etcd.io/etcd/server/v3 'v3\.6\.')"
  fi
  [[ "${IDP_K8S_VERSION}" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] \
    || die "IDP_K8S_VERSION must look like v1.36.3, got '${IDP_K8S_VERSION}'"
  # staging modules (k8s.io/api, ...) are tagged v0.MINOR.PATCH for Kubernetes v1.MINOR.PATCH
  IDP_STAGING_VERSION="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
  LC_BUILD_DIR="${IDP_CACHE_DIR}/k8s/${IDP_K8S_VERSION}-etcd${IDP_ETCD_VERSION#v}-kwok${IDP_KWOK_VERSION#v}"
  LC_BIN="${LC_BUILD_DIR}/bin"
}

LC_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl)

lc_have_all_binaries() {
  local b
  for b in "${LC_BINARIES[@]}"; do
    [[ -x "${LC_BIN}/${b}" ]] || return 1
  done
}
