# shellcheck shell=bash
# Sourced by ./platform: the policy tooling (scripts/local-opa): the opa binary, built
# from its Go module once, and the wasm bundle of policies/ the backend evaluates.
#
# Other code finds the binary with `opa_path` here, or `scripts/local-opa/opa.sh path`.
# IDP_POLICIES=none leaves the bundle alone (the backend then checks nothing until one
# exists, and says so in its log).

LOCAL_OPA="$REPO_ROOT/scripts/local-opa/opa.sh"
POLICY_BUNDLE="$REPO_ROOT/.local/policy/bundle.tar.gz"

# The opa binary's path; builds it the first time (about 4 minutes on 2 cores).
opa_path() { "$LOCAL_OPA" path; }

# Builds .local/policy/bundle.tar.gz when policies/ changed since the last build. A
# failure keeps the previous bundle (the backend goes on with it) and is reported, so a
# rule being edited does not keep the portal from starting.
build_policies_if_stale() {
  [ "${IDP_POLICIES:-local}" != none ] || return 0
  "$LOCAL_OPA" build-if-stale >&2 && return 0
  log "warning: policies/ did not build (above); the backend keeps the bundle it has${POLICY_BUNDLE:+ ($POLICY_BUNDLE)}, if any. Fix it and run ./platform opa build"
}
