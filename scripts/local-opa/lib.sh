# shellcheck shell=bash disable=SC2034
# Shared settings for build.sh and opa.sh. Source it, do not run it.
# (SC2034: the variables are used by the scripts that source this file.)
#
# Every value can be overridden from the environment; see README.md.

LO_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LO_REPO="$(cd "${LO_SCRIPT_DIR}/../.." && pwd)"
LOG_TAG=local-opa
# shellcheck source=../lib/common.sh
source "${LO_REPO}/scripts/lib/common.sh"

# v1.22.3: the release the platform is written and tested against (the Go module proxy
# reachable from the project's machines lists v1.21.2 to v1.22.4). IDP_OPA_VERSION=latest
# asks the proxy for the newest v1.x it lists.
IDP_OPA_VERSION="${IDP_OPA_VERSION:-v1.22.3}"
IDP_OPA_MODULE="${IDP_OPA_MODULE:-github.com/open-policy-agent/opa}"

# The policies, and where their bundle goes: the backend reads IDP_POLICY_BUNDLE (and
# reloads it when it changes); IDP_POLICY_RULES lists the rules it contains.
IDP_POLICY_DIR="${IDP_POLICY_DIR:-${LO_REPO}/policies}"
IDP_POLICY_OUT="${IDP_POLICY_OUT:-${LO_REPO}/.local/policy}"
IDP_POLICY_BUNDLE="${IDP_POLICY_OUT}/bundle.tar.gz"
IDP_POLICY_RULES="${IDP_POLICY_OUT}/rules.json"
# The one entrypoint the backend evaluates (policies/idp/decision.rego).
IDP_POLICY_ENTRYPOINT="${IDP_POLICY_ENTRYPOINT:-idp/decision}"

export GOTOOLCHAIN=local
export CGO_ENABLED=0

lo_resolve_version() {
  if [[ "${IDP_OPA_VERSION}" == latest ]]; then
    IDP_OPA_VERSION="$(go_latest_version "${IDP_OPA_MODULE}" 'v1\.[0-9]+\.')" ||
      die "no release of ${IDP_OPA_MODULE} found on the Go module proxy"
  fi
  [[ "${IDP_OPA_VERSION}" =~ ^v1\.[0-9]+\.[0-9]+$ ]] ||
    die "IDP_OPA_VERSION must look like v1.22.3, got '${IDP_OPA_VERSION}'"
  LO_BUILD_DIR="${IDP_CACHE_DIR}/opa/${IDP_OPA_VERSION}"
  LO_BIN="${LO_BUILD_DIR}/bin"
  LO_OPA="${LO_BIN}/opa"
}

lo_have_build() { [[ -x "${LO_OPA}" ]]; }
