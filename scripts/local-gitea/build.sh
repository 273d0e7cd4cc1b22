#!/usr/bin/env bash
# Builds the Gitea server from its Go module, once, into
#   ${IDP_CACHE_DIR:-$HOME/.cache/idp-platform}/gitea/<version>/bin/gitea
# with cgo SQLite, plus the release's options/, templates/ and public/ folders next to it
# (static/, read at run time). An existing build is reused. See README.md.
#
# Usage: build.sh [--print-dir]   (--print-dir: print the bin folder and exit)
set -Eeuo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

lg_resolve_version

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "${LG_BIN}"
  exit 0
fi

SRC="${LG_BUILD_DIR}/src"
LOGS="${LG_BUILD_DIR}/logs"
TIMES="${LG_BUILD_DIR}/build-times.txt"
T_ALL=${SECONDS}

mkdir -p "${LG_BIN}" "${LOGS}"

# One build at a time per cache folder (e.g. two `gitea.sh up` at once).
exec 9>"${LG_BUILD_DIR}/.lock"
if ! flock -n 9; then
  log "another build holds ${LG_BUILD_DIR}/.lock; waiting"
  flock 9
fi

if lg_have_build; then
  log "gitea ${IDP_GITEA_VERSION} present in ${LG_BIN} (reused, nothing to build)"
  exit 0
fi

command -v go >/dev/null || die "go not found on PATH (put Go 1.26 on PATH, e.g. /usr/local/go/bin)"
command -v gcc >/dev/null || die "gcc not found: the cgo SQLite driver needs a C compiler (apt-get install gcc)"

# with_progress TEXT COUNT_CMD CMD... : runs CMD, printing every 30 s how long it has been
# running and what COUNT_CMD prints (e.g. how many packages are compiled so far).
with_progress() {
  local text="$1" count_cmd="$2" t0=${SECONDS} pid rc=0
  shift 2
  "$@" &
  pid=$!
  while kill -0 "${pid}" 2>/dev/null; do
    for _ in $(seq 1 30); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 1
    done
    kill -0 "${pid}" 2>/dev/null && log "${text}: $((SECONDS - t0))s$(eval "${count_cmd}")"
  done
  wait "${pid}" || rc=$?
  return "${rc}"
}

# 1. The release's source, from the Go module proxy, copied into src/ (step 5 takes the
#    static files from there too). It is built as the main module: its own replace
#    directives then apply, and from v1.27 (whose go.mod says `module gitea.dev`) it could
#    not be required under code.gitea.io/gitea anyway.
ensure_source() {
  if [[ ! -f "${SRC}/.copied" ]]; then
    t0=${SECONDS}
    log "downloading ${IDP_GITEA_MODULE}@${IDP_GITEA_VERSION} from the Go module proxy ..."
    json="$(go mod download -json "${IDP_GITEA_MODULE}@${IDP_GITEA_VERSION}" 2>&1)" ||
      die "cannot download ${IDP_GITEA_MODULE}@${IDP_GITEA_VERSION}: ${json}"
    dir="$(sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p' <<<"${json}")"
    [[ -f "${dir}/main.go" && -f "${dir}/go.sum" ]] || die "no main.go/go.sum in ${dir}"
    rm -rf "${SRC}"
    cp -R "${dir}" "${SRC}"
    chmod -R u+w "${SRC}"
    touch "${SRC}/.copied"
    echo "source $((SECONDS - t0))s $(date -u +%FT%TZ)" >>"${TIMES}"
    log "source ready in $((SECONDS - t0))s ($(sed -nE 's/^module //p' "${SRC}/go.mod" | head -n1), $(awk '$1 == "go" {print "go " $2; exit}' "${SRC}/go.mod"))"
  fi
}

# Steps 2-4: the binary.
build_binary() {
  ensure_source

  need="$(awk '$1 == "go" {print $2; exit}' "${SRC}/go.mod")"
  have="$(go env GOVERSION)"
  have="${have#go}"
  [[ "$(printf '%s\n%s\n' "${need}" "${have}" | sort -V | head -n1)" == "${need}" ]] ||
    die "Gitea ${IDP_GITEA_VERSION} needs Go >= ${need}; found ${have} (GOTOOLCHAIN=local: no toolchain download)"

  # 2. Build tags: cgo SQLite (mattn/go-sqlite3), as Gitea's releases use. Up to 1.26 the
  #    tag is `sqlite`; from 1.27 SQLite is always in (pure-Go modernc) and `sqlite_mattn`
  #    selects the cgo driver.
  if grep -q 'sqlite_mattn' "${SRC}/models/db/"*.go 2>/dev/null; then
    TAGS="sqlite_mattn sqlite_unlock_notify"
  else
    TAGS="sqlite sqlite_unlock_notify"
  fi

  # 3. Dependencies (what the build needs, for this platform and these tags). The proxy here
  #    holds only some versions of each module: name the missing ones instead of failing later.
  t0=${SECONDS}
  log "downloading dependencies (go list -deps; slow the first time) ..."
  (cd "${SRC}" && with_progress "downloading dependencies" \
    'printf "; module cache %s" "$(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1)"' \
    run_logged deps go list -e -deps -tags "${TAGS}" \
    -f '{{if .Error}}ERROR {{.Error}}{{else}}{{.ImportPath}}{{end}}' .) ||
    die "could not resolve Gitea's dependencies (see ${LOGS}/deps.log)"
  missing="$(grep -oE '[^ :]+@v[^:]+: reading [^ ]+: 403' "${LOGS}/deps.log" | cut -d: -f1 | sort -u || true)"
  if [[ -n "${missing}" ]]; then
    die "Gitea ${IDP_GITEA_VERSION} needs modules the Go module proxy does not have: $(tr '\n' ' ' <<<"${missing}")(try another IDP_GITEA_VERSION; v1.26.4 builds)"
  fi
  if grep -q '^ERROR ' "${LOGS}/deps.log"; then
    grep '^ERROR ' "${LOGS}/deps.log" | sort -u | head -n 20 >&2
    die "could not resolve Gitea's dependencies (see ${LOGS}/deps.log)"
  fi
  total="$(grep -vc '^go: ' "${LOGS}/deps.log" || true)"
  echo "dependencies $((SECONDS - t0))s $(date -u +%FT%TZ)" >>"${TIMES}"
  log "dependencies ready in $((SECONDS - t0))s (${total} packages)"

  # 4. The binary. `go build -v` names each package as it compiles it: that is the progress.
  t0=${SECONDS}
  log "building gitea (tags: ${TAGS}; CGO_ENABLED=1; a cold build takes several minutes) ..."
  ldflags="-s -w -X 'main.Version=${IDP_GITEA_VERSION#v}' -X 'main.Tags=${TAGS}'"
  (cd "${SRC}" && CGO_ENABLED=1 with_progress "building gitea" \
    'printf "; %s of ~%s packages compiled" "$(grep -c . "${LOGS}/build-gitea.log" || true)" "${total}"' \
    run_logged build-gitea go build -v -p "${IDP_BUILD_PARALLELISM:-2}" -trimpath \
    -tags "${TAGS}" -ldflags "${ldflags}" -o "${LG_BIN}/.gitea.tmp" .) || {
    rm -f "${LG_BIN}/.gitea.tmp"
    die "building gitea failed (see ${LOGS}/build-gitea.log)"
  }
  mv -f "${LG_BIN}/.gitea.tmp" "${LG_GITEA}"
  echo "gitea $((SECONDS - t0))s $(date -u +%FT%TZ)" >>"${TIMES}"
  log "gitea built in $((SECONDS - t0))s ($(du -h "${LG_GITEA}" | cut -f1))"
}

log "build folder: ${LG_BUILD_DIR}"
echo "# build started $(date -u +%FT%TZ) with $(go env GOVERSION)" >>"${TIMES}"

if [[ -x "${LG_GITEA}" ]]; then
  log "gitea ${IDP_GITEA_VERSION}: binary present, reused"
else
  build_binary
fi

# 5. What a release embeds with the `bindata` tag, read from disk instead. The module
#    has no built frontend (public/assets/js, css: made by Vite from web_src/); an empty
#    Vite manifest makes the pages link the unbuilt names instead of logging an error for
#    each asset of each page.
if [[ ! -f "${LG_STATIC}/.complete" ]]; then
  ensure_source
  rm -rf "${LG_STATIC}"
  mkdir -p "${LG_STATIC}"
  cp -R "${SRC}/options" "${SRC}/templates" "${SRC}/public" "${LG_STATIC}/"
  if [[ ! -f "${LG_STATIC}/public/assets/.vite/manifest.json" ]]; then
    mkdir -p "${LG_STATIC}/public/assets/.vite"
    echo '{}' >"${LG_STATIC}/public/assets/.vite/manifest.json"
  fi
  touch "${LG_STATIC}/.complete"
fi

"${LG_GITEA}" --version >&2 || die "the built binary does not run"
echo "total $((SECONDS - T_ALL))s $(date -u +%FT%TZ)" >>"${TIMES}"
log "done in $((SECONDS - T_ALL))s; binary ${LG_GITEA}, static files ${LG_STATIC}"
