#!/usr/bin/env bash
# End-to-end check of the local Gitea, as the portal uses it: up (twice), create a
# repository in the organization through the REST API, push a commit with git over
# HTTP, read the file back (raw, contents API, Backstage's own URL reader), clone it,
# delete the repository. Authenticates like Backstage: admin user name + API token.
# Stops the server at the end only if this run started it.
#
# Usage: smoke-test.sh [--keep]   (--keep: leave a server this run started running)
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${HERE}/lib.sh"
lg_resolve_version

KEEP=0
[[ "${1:-}" == "--keep" ]] && KEEP=1
pass=0 fail=0

was_running=0
"${HERE}/gitea.sh" status >/dev/null 2>&1 && was_running=1
WORK="$(mktemp -d)"

t0=${SECONDS}
"${HERE}/gitea.sh" up >/dev/null 2>"${WORK}/up.log" || {
  cat "${WORK}/up.log"
  echo "FAILED: gitea.sh up"
  exit 1
}
ok "up ($((SECONDS - t0))s$( ((was_running)) && echo ', was already running'))"
t0=${SECONDS}
"${HERE}/gitea.sh" up >/dev/null 2>"${WORK}/up.log" && ok "second up, server reused ($((SECONDS - t0))s)" ||
  bad "second up: $(tail -n 5 "${WORK}/up.log")"

eval "$("${HERE}/gitea.sh" env)"
REPO="smoke-$(date +%s)-${RANDOM}"
cleanup() {
  rm -rf "${WORK}"
  curl -sS -o /dev/null -X DELETE -u "${GITEA_USERNAME}:${GITEA_TOKEN}" \
    "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}" 2>/dev/null || true
}
trap cleanup EXIT

# status CURL_ARGS... : the HTTP status code of a request
status() { curl -sS -o /dev/null -w '%{http_code}' --max-time 30 "$@" || true; }
AUTH=(-u "${GITEA_USERNAME}:${GITEA_TOKEN}")

code="$(status "${GITEA_URL}/api/v1/version")"
[[ "${code}" == 200 ]] && ok "GET /api/v1/version: $(curl -fsS "${GITEA_URL}/api/v1/version")" || bad "GET /api/v1/version: HTTP ${code}"

code="$(status -X POST -H 'Content-Type: application/json' --data "{\"name\":\"${REPO}\"}" \
  "${GITEA_URL}/api/v1/orgs/${GITEA_ORG}/repos")"
[[ "${code}" == 401 ]] && ok "anonymous repository creation refused (401)" || bad "anonymous repository creation: HTTP ${code}, expected 401"

code="$(status "${GITEA_URL}/user/sign_up")"
sign_up="$(curl -sS --max-time 10 "${GITEA_URL}/user/sign_up" || true)"
grep -qi 'registration is disabled\|sign_up_disabled\|Registration is disabled' <<<"${sign_up}" &&
  ok "self-registration disabled" || bad "sign-up page does not say registration is disabled (HTTP ${code})"

# publish:gitea creates repositories like this (POST /orgs/<owner>/repos).
code="$(status "${AUTH[@]}" -X POST -H 'Content-Type: application/json' \
  --data "{\"name\":\"${REPO}\",\"description\":\"smoke test\",\"private\":false}" \
  "${GITEA_URL}/api/v1/orgs/${GITEA_ORG}/repos")"
[[ "${code}" == 201 ]] && ok "created ${GITEA_ORG}/${REPO} through the API" || bad "create repository: HTTP ${code}"

mkdir -p "${WORK}/src"
cat >"${WORK}/src/catalog-info.yaml" <<EOF
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${REPO}
  description: pushed by scripts/local-gitea/smoke-test.sh
spec:
  type: service
  lifecycle: experimental
  owner: group:default/platform-team
EOF
# The token goes in a header, not in the remote URL (which git may print or store).
basic="$(printf '%s:%s' "${GITEA_USERNAME}" "${GITEA_TOKEN}" | base64 | tr -d '\n')"
git_http() { git -c credential.helper= -c "http.extraHeader=Authorization: Basic ${basic}" "$@"; }
if (cd "${WORK}/src" && git init -q -b main && git add catalog-info.yaml &&
  git -c user.name=smoke -c user.email=smoke@localhost commit -q -m "Add catalog-info.yaml" &&
  git_http push -q "${GITEA_URL}/${GITEA_ORG}/${REPO}.git" main) >"${WORK}/push.log" 2>&1; then
  ok "git push over HTTP"
else
  bad "git push over HTTP: $(tail -n 5 "${WORK}/push.log")"
fi
sha="$(git -C "${WORK}/src" rev-parse HEAD 2>/dev/null || true)"

# Gitea finishes a repository's first push in the background (under a second here): until
# then its branch pages answer 303/404. publish:gitea waits for this page, unauthenticated,
# for up to 20 s; so does this test.
t0=${SECONDS} code=""
while ((SECONDS - t0 < 20)); do
  code="$(status "${GITEA_URL}/${GITEA_ORG}/${REPO}/src/branch/main")"
  [[ "${code}" == 200 ]] && break
  sleep 0.25
done
[[ "${code}" == 200 ]] && ok "web page /src/branch/main answers 200 after the push (publish:gitea's readiness check; $((SECONDS - t0))s)" ||
  bad "/src/branch/main: HTTP ${code} 20 s after the push"

raw="$(curl -fsS --max-time 30 "${GITEA_URL}/${GITEA_ORG}/${REPO}/raw/branch/main/catalog-info.yaml" || true)"
[[ "${raw}" == "$(cat "${WORK}/src/catalog-info.yaml")" ]] && ok "raw file read back (/raw/branch/main/...)" || bad "raw file differs: ${raw:0:200}"

# What Backstage's GiteaUrlReader calls, in the same order.
remote_sha="$(curl -fsS "${AUTH[@]}" "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}/git/commits/main" |
  grep -oE '"sha":"[0-9a-f]{40}"' | head -n1 | cut -d'"' -f4 || true)"
[[ -n "${sha}" && "${remote_sha}" == "${sha}" ]] && ok "latest commit ${sha:0:12} (/git/commits/main)" || bad "latest commit: '${remote_sha}', pushed '${sha}'"
content="$(curl -fsS "${AUTH[@]}" "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}/contents/catalog-info.yaml?ref=main" |
  sed -nE 's/.*"content":"([^"]*)".*/\1/p' | sed 's/\\n//g' | base64 -d 2>/dev/null || true)"
[[ "${content}" == "$(cat "${WORK}/src/catalog-info.yaml")" ]] && ok "contents API returns the file (base64)" || bad "contents API: ${content:0:200}"
if curl -fsS "${AUTH[@]}" "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}/archive/main.tar.gz" -o "${WORK}/archive.tgz" &&
  tar -tzf "${WORK}/archive.tgz" | grep -q 'catalog-info.yaml$'; then
  ok "archive (/archive/main.tar.gz) holds the file"
else
  bad "archive"
fi
if git clone -q "${GITEA_URL}/${GITEA_ORG}/${REPO}.git" "${WORK}/clone" 2>"${WORK}/clone.log" &&
  cmp -s "${WORK}/clone/catalog-info.yaml" "${WORK}/src/catalog-info.yaml"; then
  ok "anonymous git clone over HTTP"
else
  bad "git clone: $(tail -n 5 "${WORK}/clone.log")"
fi

# The catalog's view: Backstage's URL reader with the generated config (needs the
# workspace's node_modules, i.e. after ./platform has installed them).
if command -v node >/dev/null && [[ -d "${LG_REPO}/node_modules/@backstage/backend-defaults" ]]; then
  out="$(cd "${LG_REPO}" && node scripts/local-gitea/read-with-backstage.cjs "${LG_APP_CONFIG}" \
    "${GITEA_URL}/${GITEA_ORG}/${REPO}/src/branch/main/catalog-info.yaml" "${WORK}/src/catalog-info.yaml" 2>&1)" || true
  while IFS= read -r line; do
    case "${line}" in
      ok:*) ok "${line#ok: }" ;;
      FAILED:*) bad "${line#FAILED: }" ;;
    esac
  done <<<"${out}"
  grep -q '^ok: Backstage readUrl' <<<"${out}" || grep -q '^FAILED' <<<"${out}" || bad "Backstage URL reader: ${out:0:300}"
else
  echo "skipped: Backstage URL reader (no node or no node_modules; run ./platform test)"
fi

code="$(status "${AUTH[@]}" -X DELETE "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}")"
[[ "${code}" == 204 ]] && ok "deleted ${GITEA_ORG}/${REPO}" || bad "delete repository: HTTP ${code}"
code="$(status "${AUTH[@]}" "${GITEA_URL}/api/v1/repos/${GITEA_ORG}/${REPO}")"
[[ "${code}" == 404 ]] && ok "repository gone (404)" || bad "repository still there: HTTP ${code}"

"${HERE}/gitea.sh" status | sed -n 's/^process: *//p' | sed 's/^/server: /'

if ((was_running == 0 && KEEP == 0)); then
  t0=${SECONDS}
  "${HERE}/gitea.sh" down >/dev/null 2>&1 && ok "down ($((SECONDS - t0))s)" || bad "down"
  ! "${HERE}/gitea.sh" status >/dev/null 2>&1 && ok "no server left" || bad "server still running after down"
fi

# The two lines ./platform test counts.
echo "  ${pass} passed"
echo "  ${fail} failed"
((fail == 0))
