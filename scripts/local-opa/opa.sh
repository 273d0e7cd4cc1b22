#!/usr/bin/env bash
# The policy tooling: the opa binary (built by build.sh when missing) run on policies/.
#
# Usage: opa.sh COMMAND [ARGS...]
#   path                 print the opa binary's path (building it first if needed)
#   version              opa version
#   build                the wasm bundle and its rules manifest, into .local/policy/
#   build-if-stale       the same, unless policies/ (or opa) did not change since the last
#   build-for-tests      the same bundle with for-tests.patch.json applied to data.json (the
#                        weekly freeze off, registry.invalid allowed): test backends
#   (build and build-if-stale apply the JSON Patch in the file IDP_POLICY_PATCH names, if
#   set: IDP_POLICY_PATCH=scripts/local-opa/for-benchmarks.patch.json ./platform start)
#   test [ARGS...]       opa test -v policies/ (ARGS replace -v, e.g. --run max_ttl -v)
#   fmt [--write]        list the files opa fmt would change (exit 1 if any); --write fixes them
#   check                opa check --strict policies/
#   inspect              the bundle's rules and annotations (opa inspect -a)
#   ci                   fmt, check, test, test compiled to wasm, build, the bundle in
#                        @open-policy-agent/opa-wasm against opa: ./platform test's
#                        `policies` step, closing with "  N passed" / "  N failed"
#   exec ARGS...         the opa binary with ARGS, e.g. exec eval -d policies/ 'data.idp'
# See README.md.
set -Eeuo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

lo_resolve_version

ensure_opa() {
  lo_have_build || "${LO_SCRIPT_DIR}/build.sh" >&2 || die "could not build opa ${IDP_OPA_VERSION}"
}

opa() { "${LO_OPA}" "$@"; }

# The files a bundle is built from, NUL-separated, relative to policies/: the Rego and
# data.json files but the tests.
bundle_sources() { find . -type f \( -name '*.rego' ! -name '*_test.rego' -o -name 'data.json' \) -print0; }

# A digest of what the bundle is made of: every file under policies/ (names and
# contents), the opa version and the builtins the evaluator offers. It is the bundle's
# revision, and tells build-if-stale whether to build.
source_revision() {
  {
    echo "opa ${IDP_OPA_VERSION}"
    [[ -z "${WASM_CAPABILITIES}" ]] || sha256sum "${WASM_CAPABILITIES}" | cut -d' ' -f1
    (cd "${IDP_POLICY_DIR}" && bundle_sources | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# The builtins of the evaluator the backend embeds: @open-policy-agent/opa-wasm runs a
# wasm bundle in Node and offers only the builtins its capabilities.json names (no
# time.*, for example). The bundle is built with this opa's capabilities restricted to
# those, so a rule calling another builtin fails the build instead of the evaluation.
WASM_CAPABILITIES="${IDP_OPA_WASM_CAPABILITIES-${LO_REPO}/node_modules/@open-policy-agent/opa-wasm/capabilities.json}"
[[ -z "${WASM_CAPABILITIES}" || -f "${WASM_CAPABILITIES}" ]] || WASM_CAPABILITIES=

# The capabilities file to build with (printed), or nothing when opa-wasm is not installed.
bundle_capabilities() {
  if [[ -z "${WASM_CAPABILITIES}" ]]; then
    log "no @open-policy-agent/opa-wasm capabilities (yarn install brings them): builtins not limited to the embedded evaluator's"
    return 0
  fi
  local out="${IDP_POLICY_OUT}/capabilities.json"
  printf '{"current":%s,"wasm":%s}' "$(opa capabilities --current)" "$(cat "${WASM_CAPABILITIES}")" |
    opa eval --stdin-input --format raw \
      'json.marshal(object.union(input.current, {"builtins": [b | some b in input.current.builtins; b.name in {n.name | some n in input.wasm.builtins}]}))' \
      >"${out}.tmp" || die "could not derive the capabilities from ${WASM_CAPABILITIES}"
  mv -f "${out}.tmp" "${out}"
  echo "${out}"
}

# The rules: one entry per rule annotation (METADATA with custom.id), checked
# to name each rule once with a title and a severity of deny or warn.
RULES_QUERY='
entries := [{"rule": a.annotations.custom.id, "title": a.annotations.title,
             "description": object.get(a.annotations, "description", ""),
             "severity": a.annotations.custom.severity} |
  some a in input.annotations
  a.annotations.custom.id
]
problems contains sprintf("%s: two METADATA blocks name it", [r]) if {
  some i, j
  entries[i].rule == entries[j].rule
  i < j
  r := entries[i].rule
}
problems contains sprintf("%s: custom.severity must be deny or warn", [e.rule]) if {
  some e in entries
  not e.severity in {"deny", "warn"}
}
problems contains sprintf("%s: no title", [e.rule]) if {
  some e in entries
  not is_string(e.title)
}
problems contains "no rule has a METADATA block with custom.id" if count(entries) == 0
result := {"problems": sort(problems), "rules": sort([[e.rule, e] | some e in entries])}
'

build_bundle() {
  local revision capabilities caps=() t0=${SECONDS}
  local stage="${IDP_POLICY_OUT}/.stage" query="${IDP_POLICY_OUT}/.rules-query.rego" inspected rules problems
  mkdir -p "${IDP_POLICY_OUT}"
  revision="$(source_revision)"
  capabilities="$(bundle_capabilities)"
  [[ -z "${capabilities}" ]] || caps=(--capabilities "${capabilities}")

  # 1. The bundle's sources: policies/ without the tests.
  rm -rf "${stage}"
  mkdir -p "${stage}"
  (cd "${IDP_POLICY_DIR}" && bundle_sources | xargs -0 -I{} cp --parents {} "${stage}/")

  # 2. Their rules, from the annotations, into the manifest (metadata.rules): the bundle
  #    carries the rules of its own revision.
  printf 'package q\n%s' "${RULES_QUERY}" >"${query}"
  inspected="$(opa inspect --annotations --format json "${stage}")" || die "opa inspect failed on ${IDP_POLICY_DIR}"
  rules="$(printf '%s' "${inspected}" | opa eval --stdin-input --format raw --data "${query}" "json.marshal(data.q.result)")" ||
    die "could not read the rules' annotations"
  problems="$(printf '%s' "${rules}" | opa eval --stdin-input --format raw 'concat("\n", input.problems)')"
  [[ -z "${problems}" ]] || die "the rules' METADATA is not right: ${problems}"
  printf '%s' "${rules}" | opa eval --stdin-input --format raw \
    "json.marshal({\"revision\": \"${revision}\", \"roots\": [\"\"], \"metadata\": {\"opaVersion\": \"${IDP_OPA_VERSION#v}\", \"rules\": [p[1] | some p in input.rules]}})" \
    >"${stage}/.manifest"

  # 3. The wasm bundle.
  (cd "${stage}" && opa build --bundle --target wasm --entrypoint "${IDP_POLICY_ENTRYPOINT}" \
    ${caps[@]+"${caps[@]}"} --output "${IDP_POLICY_BUNDLE}.tmp" .) ||
    { rm -f "${IDP_POLICY_BUNDLE}.tmp"; die "opa build failed: the bundle ${IDP_POLICY_BUNDLE} is unchanged"; }
  printf '%s\n' "${inspected}" >"${IDP_POLICY_RULES}.tmp"

  # The bundle last, each file replaced whole: a backend watching it never reads half a file.
  mv -f "${IDP_POLICY_RULES}.tmp" "${IDP_POLICY_RULES}"
  mv -f "${IDP_POLICY_BUNDLE}.tmp" "${IDP_POLICY_BUNDLE}"
  echo "${revision}" >"${IDP_POLICY_OUT}/.revision"
  local n
  n="$(printf '%s' "${rules}" | opa eval --stdin-input --format raw 'count(input.rules)')"
  log "bundle ${IDP_POLICY_BUNDLE#"${LO_REPO}"/} (revision ${revision}, ${n} rules, $(du -h "${IDP_POLICY_BUNDLE}" | cut -f1)) in $((SECONDS - t0))s; rules: ${IDP_POLICY_RULES#"${LO_REPO}"/}"
}

# The bundle for test backends (the backend's jest tests, the browser suite's backend):
# policies/ as they are, data.json changed by the JSON Patch (RFC 6902) in
# for-tests.patch.json, and nothing else:
# - freeze.weekly emptied: a production deploy or promotion is not refused because the
#   tests run on a Friday evening (the freeze is tested by its Rego tests with set clocks);
# - registry.invalid allowed: the local cluster fails the pull of an image from a .invalid
#   host (scripts/local-cluster/kwok-stages.yaml), which is how tests get a failed deploy.
# A copy of IDP_POLICY_DIR is built, never the folder itself; its revision is its own.
FOR_TESTS_PATCH="${LO_SCRIPT_DIR}/for-tests.patch.json"
# with_patched_policies PATCH COMMAND...: COMMAND with IDP_POLICY_DIR a copy of policies/
# whose data.json has the JSON Patch (RFC 6902) in the file PATCH applied.
with_patched_policies() {
  local patch="$1" copy status=0
  shift
  [[ -f "${patch}" ]] || die "no policy data patch at ${patch}"
  copy="$(mktemp -d)"
  cp -R "${IDP_POLICY_DIR}/." "${copy}/"
  opa eval --input "${IDP_POLICY_DIR}/data.json" --data "${patch}" --format raw \
    'json.marshal(json.patch(input, data.patch))' >"${copy}/data.json" ||
    { rm -rf "${copy}"; die "could not apply ${patch} to ${IDP_POLICY_DIR}/data.json"; }
  (IDP_POLICY_DIR="${copy}" "$@") || status=$?
  rm -rf "${copy}"
  return "${status}"
}

build_for_tests() { with_patched_policies "${FOR_TESTS_PATCH}" build_bundle; }

build_if_stale() {
  if [[ -f "${IDP_POLICY_BUNDLE}" && -f "${IDP_POLICY_RULES}" &&
    "$(cat "${IDP_POLICY_OUT}/.revision" 2>/dev/null)" == "$(source_revision)" ]]; then
    log "bundle up to date (revision $(cat "${IDP_POLICY_OUT}/.revision")): ${IDP_POLICY_BUNDLE#"${LO_REPO}"/}"
  else
    build_bundle
  fi
}

# build and build-if-stale: with IDP_POLICY_PATCH set, of policies/ with that patch applied
# to data.json (for-benchmarks.patch.json, say); its revision is its own, so the next build
# without it builds again.
patched() {
  local patch="${IDP_POLICY_PATCH:-}"
  if [[ -n "${patch}" ]]; then
    # relative to the working directory, or else to the repository
    [[ -f "${patch}" || "${patch}" == /* ]] || patch="${LO_REPO}/${patch}"
    log "policies' data patched by ${patch#"${LO_REPO}"/}"
    with_patched_policies "${patch}" "$@"
  else
    "$@"
  fi
}

# ci: each check prints its own count lines, which ./platform test adds up.
counted() {
  local what="$1" status=0
  shift
  "$@" || status=$?
  if ((status == 0)); then echo "  1 passed (${what})"; else echo "  1 failed (${what})"; fi
  return "${status}"
}

# opa test's closing "PASS: 80/81" and "FAIL: 1/81" as count lines.
counted_tests() {
  local what="$1" out status=0
  shift
  out="$(mktemp)"
  opa test "$@" "${IDP_POLICY_DIR}" 2>&1 | tee "${out}" || status=$?
  local pass fail
  pass="$(sed -nE 's/^PASS: ([0-9]+)\/[0-9]+$/\1/p' "${out}" | tail -n1)"
  fail="$(sed -nE 's/^(FAIL|ERROR): ([0-9]+)\/[0-9]+$/\2/p' "${out}" | awk '{s += $1} END {print s + 0}')"
  rm -f "${out}"
  # failed without a count (a parse error): one failure
  if ((status != 0)) && [[ "${fail}" == 0 ]]; then fail=1; fi
  echo "  ${pass:-0} passed (${what})"
  echo "  ${fail} failed (${what})"
  return "${status}"
}

fmt_list() {
  local files
  files="$(opa fmt --list "${IDP_POLICY_DIR}")" || return 1
  if [[ -n "${files}" ]]; then
    echo "${files}"
    echo "these files are not formatted: run ./platform opa fmt --write" >&2
    return 1
  fi
}

# The built bundle in the evaluator the backend embeds, against opa on the same examples.
check_opa_wasm() {
  if ! command -v node >/dev/null || [[ ! -d "${LO_REPO}/node_modules/@open-policy-agent/opa-wasm" ]]; then
    echo "  1 failed (opa-wasm agrees with opa: node or @open-policy-agent/opa-wasm is missing; yarn install)"
    return 1
  fi
  local dir
  dir="$(mktemp -d)"
  tar --no-same-owner -xzf "${IDP_POLICY_BUNDLE}" -C "${dir}" || { rm -rf "${dir}"; echo "  1 failed (opa-wasm: no bundle)"; return 1; }
  opa eval --data "${IDP_POLICY_DIR}" --format raw \
    'json.marshal({name: {"input": inp, "decision": d} | some name, inp in data.idp.testing.examples; d := data.idp.decision with input as inp})' \
    >"${dir}/examples.json" || { rm -rf "${dir}"; echo "  1 failed (opa-wasm: the examples do not evaluate)"; return 1; }
  local status=0
  node "${LO_SCRIPT_DIR}/check-opa-wasm.cjs" "${dir}" "${dir}/examples.json" || status=$?
  rm -rf "${dir}"
  return "${status}"
}

cmd="${1:-help}"
shift || true
case "${cmd}" in
  path) ensure_opa && echo "${LO_OPA}" ;;
  version) ensure_opa && opa version ;;
  build) ensure_opa && patched build_bundle ;;
  build-for-tests) ensure_opa && build_for_tests ;;
  build-if-stale) ensure_opa && patched build_if_stale ;;
  test)
    ensure_opa
    (($# > 0)) || set -- -v
    opa test "$@" "${IDP_POLICY_DIR}"
    ;;
  fmt)
    ensure_opa
    if [[ "${1:-}" == --write ]]; then opa fmt --write "${IDP_POLICY_DIR}"; else fmt_list; fi
    ;;
  check) ensure_opa && opa check --strict "${IDP_POLICY_DIR}" ;;
  inspect)
    ensure_opa
    [[ -f "${IDP_POLICY_BUNDLE}" ]] || build_bundle
    opa inspect --annotations "$@" "${IDP_POLICY_BUNDLE}"
    ;;
  ci)
    ensure_opa
    rc=0
    counted "opa fmt --list" fmt_list || rc=1
    counted "opa check --strict" opa check --strict "${IDP_POLICY_DIR}" || rc=1
    counted_tests "opa test" -v || rc=1
    # The same tests compiled to wasm and run by opa's wasm engine: what the backend
    # evaluates is the planner's output, not the interpreter's.
    counted_tests "opa test, compiled to wasm" --target wasm || rc=1
    # in a subshell: a failed build dies, and the count still gets its line
    counted "opa build -t wasm" eval '(build_bundle)' || rc=1
    check_opa_wasm || rc=1
    exit "${rc}"
    ;;
  exec) ensure_opa && exec "${LO_OPA}" "$@" ;;
  *)
    sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'
    [[ "${cmd}" == help ]] || exit 2
    ;;
esac
