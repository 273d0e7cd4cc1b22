# shellcheck shell=bash disable=SC2034
# Shared settings for build.sh, gitea.sh and smoke-test.sh. Source it, do not run it.
# (SC2034: the variables are used by the scripts that source this file.)
#
# Every value can be overridden from the environment; see README.md.

LG_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LG_REPO="$(cd "${LG_SCRIPT_DIR}/../.." && pwd)"
LOG_TAG=local-gitea
# shellcheck source=../lib/common.sh
source "${LG_REPO}/scripts/lib/common.sh"

# v1.26.4: the newest 1.26 patch the Go module proxy reachable from the project's machines
# holds, with its whole dependency graph. v1.27.0 and v1.27.3 (tried) are there too, but
# three of their dependencies are not (gitea.dev/actions-proto-go v0.6.0, gitea.dev/sdk v1.1.0,
# gitlab.com/gitlab-org/api/client-go/v2 v2.42.0: 403 "not available"); see README.md.
# IDP_GITEA_VERSION=latest asks the proxy for the newest v1.x it lists.
IDP_GITEA_VERSION="${IDP_GITEA_VERSION:-v1.26.4}"
IDP_GITEA_MODULE="${IDP_GITEA_MODULE:-code.gitea.io/gitea}"

# Gitea listens on IDP_GITEA_HOST only; its URLs (ROOT_URL, and the Backstage integration's
# host) use the name localhost, like the portal's own http://localhost:7007.
IDP_GITEA_HOST="${IDP_GITEA_HOST:-127.0.0.1}"
IDP_GITEA_PORT="${IDP_GITEA_PORT:-3300}"
IDP_GITEA_PUBLIC_HOST="${IDP_GITEA_PUBLIC_HOST:-localhost}"
# Everything the running server owns: app.ini, SQLite database, repositories, logs, pid,
# the admin's credentials and the generated Backstage config.
IDP_GITEA_DIR="${IDP_GITEA_DIR:-${LG_REPO}/.local/gitea}"
# "admin" is one of Gitea's reserved user names.
IDP_GITEA_ADMIN="${IDP_GITEA_ADMIN:-idp-admin}"
# The organization the scaffolder publishes to: publish:gitea creates repositories with
# POST /api/v1/orgs/<owner>/repos, so the owner must be an organization.
IDP_GITEA_ORG="${IDP_GITEA_ORG:-idp}"

export GOTOOLCHAIN=local

LG_URL="http://${IDP_GITEA_PUBLIC_HOST}:${IDP_GITEA_PORT}"
LG_CONFIG="${IDP_GITEA_DIR}/custom/conf/app.ini"
LG_CREDENTIALS="${IDP_GITEA_DIR}/admin-credentials"
LG_APP_CONFIG="${IDP_GITEA_DIR}/app-config.gitea.yaml"
LG_PID_FILE="${IDP_GITEA_DIR}/gitea.pid"
LG_LOG="${IDP_GITEA_DIR}/log/gitea.log"

lg_resolve_version() {
  if [[ "${IDP_GITEA_VERSION}" == latest ]]; then
    IDP_GITEA_VERSION="$(go_latest_version "${IDP_GITEA_MODULE}" 'v1\.[0-9]+\.')" ||
      die "no release of ${IDP_GITEA_MODULE} found on the Go module proxy"
  fi
  [[ "${IDP_GITEA_VERSION}" =~ ^v1\.[0-9]+\.[0-9]+$ ]] ||
    die "IDP_GITEA_VERSION must look like v1.27.3, got '${IDP_GITEA_VERSION}'"
  LG_BUILD_DIR="${IDP_CACHE_DIR}/gitea/${IDP_GITEA_VERSION}"
  LG_BIN="${LG_BUILD_DIR}/bin"
  LG_GITEA="${LG_BIN}/gitea"
  # options/, templates/ and public/ of the release: read at run time (STATIC_ROOT_PATH),
  # because the binary is built without the `bindata` tag.
  LG_STATIC="${LG_BUILD_DIR}/static"
}

lg_have_build() { [[ -x "${LG_GITEA}" && -f "${LG_STATIC}/.complete" ]]; }
