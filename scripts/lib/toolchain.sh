# shellcheck shell=bash
# Sourced by ./platform. Brings the toolchain the platform needs onto PATH, installing
# what is missing and reusing what is there: Node.js 22 (with headers for native
# addons), Yarn (the release committed in .yarn/releases), the workspace dependencies
# and, for tests, Chromium. Nothing here needs anything installed by hand.

# Needs scripts/lib/common.sh (log, die, IDP_CACHE_DIR), which ./platform sources first.

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export REPO_ROOT IDP_CACHE_DIR

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

# Node 22 or 24 as Backstage 1.52 requires. A suitable Node on PATH is used as it is;
# otherwise the official Node 22 build comes from the npm registry's `node` package
# into the cache folder, headers included, so native addons build from source.
ensure_node() {
  local major prefix
  major=$(node_major node || true)
  if [ "$major" = 22 ] || [ "$major" = 24 ]; then
    prefix=$(cd "$(dirname "$(command -v node)")/.." && pwd)
    # Native addons build against the headers of the Node that runs them; node-gyp
    # cannot download them here, so a Node without local headers is not enough.
    if [ -f "$prefix/include/node/node.h" ]; then
      export npm_config_nodedir="$prefix"
      log "Node.js $(node --version) ($(command -v node))"
      return
    fi
  fi
  local dir="$IDP_CACHE_DIR/node22"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    command -v npm >/dev/null || as_root_install nodejs npm
    log "Installing Node.js 22 into $dir (once)"
    npm install --prefix "$dir" --no-save --loglevel=error node@22 >/dev/null ||
      die "could not install Node.js 22 from the npm registry"
  fi
  export PATH="$dir/node_modules/node/bin:$PATH"
  local headers
  headers=$(ls -d "$dir"/node_modules/node/node_modules/node-*/include/node 2>/dev/null | head -1)
  [ -n "$headers" ] || die "Node.js 22 in $dir has no headers; delete that folder and run again"
  export npm_config_nodedir="${headers%/include/node}"
  log "Node.js $(node --version) ($dir)"
}

as_root_install() {
  command -v apt-get >/dev/null || die "please install: $* (no apt-get on this machine)"
  log "Installing $* with apt-get"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    die "apt-get could not install: $*"
}

# Yarn 4 runs from the release committed in .yarn/releases: no corepack download.
# Packages come from the registry npm is configured with.
ensure_yarn() {
  local release
  release=$(sed -n 's/^yarnPath: *//p' "$REPO_ROOT/.yarnrc.yml")
  mkdir -p "$REPO_ROOT/.local/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$REPO_ROOT/$release" >"$REPO_ROOT/.local/bin/yarn"
  chmod +x "$REPO_ROOT/.local/bin/yarn"
  export PATH="$REPO_ROOT/.local/bin:$PATH"
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ] && command -v npm >/dev/null; then
    YARN_NPM_REGISTRY_SERVER=$(npm config get registry 2>/dev/null | sed 's:/*$::')
    export YARN_NPM_REGISTRY_SERVER
  fi
  export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_PROGRESS_BARS=false
}

ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.yarn-state.yml"
  if [ -f "$stamp" ] && [ -z "$(find "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" \
    "$REPO_ROOT"/packages/*/package.json "$REPO_ROOT"/plugins/*/package.json \
    -newer "$stamp" 2>/dev/null)" ]; then
    return
  fi
  # keytar (an optional dependency of Backstage's CLI) builds against libsecret.
  if command -v apt-get >/dev/null && ! pkg-config --exists libsecret-1 2>/dev/null; then
    as_root_install libsecret-1-dev pkg-config
  fi
  log "Installing dependencies (yarn install; the first time takes a few minutes)"
  (cd "$REPO_ROOT" && yarn install ${CI:+--immutable}) || die "yarn install failed"
}

ensure_chromium() {
  CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium || true)}
  if [ -z "$CHROMIUM_PATH" ]; then
    as_root_install chromium
    CHROMIUM_PATH=$(command -v chromium) || die "chromium not found after install"
  fi
  export CHROMIUM_PATH
}

ensure_toolchain() {
  ensure_node
  ensure_yarn
  ensure_dependencies
}
