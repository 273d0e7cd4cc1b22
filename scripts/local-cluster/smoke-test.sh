#!/usr/bin/env bash
# End-to-end check of the local cluster: up (twice), nodes, a Deployment whose
# pods become Running, `kubectl logs`, `kubectl logs -f` showing an appended
# line, down, and no process left. Prints timings and the control plane's RSS.
#
# Usage: smoke-test.sh [--keep]   (--keep: leave the cluster running at the end)
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "${HERE}/lib.sh"
lc_resolve_versions

KEEP=0
[[ "${1:-}" == "--keep" ]] && KEEP=1
NS="idp-smoke-test"
pass=0 fail=0

t0=${SECONDS}
"${HERE}/cluster.sh" up >/dev/null
t_up=$((SECONDS - t0))
ok "up (${t_up}s)"

t0=${SECONDS}
"${HERE}/cluster.sh" up >/dev/null
t_up2=$((SECONDS - t0))
ok "second up, cluster reused (${t_up2}s)"

export KUBECONFIG="${IDP_KUBECONFIG}"
k() { "${LC_BIN}/kubectl" "$@"; }

[[ "$(k version -o json | sed -nE 's/.*"gitVersion": "([^"]*)".*/\1/p' | tail -n1)" == "${IDP_K8S_VERSION}" ]] \
  && ok "server version ${IDP_K8S_VERSION}" || bad "server version"

nodes="$(k get nodes --no-headers | awk '$2 == "Ready"' | wc -l)"
((nodes >= 1)) && ok "${nodes} Ready nodes" || bad "no Ready node"

k create namespace "${NS}" --dry-run=client -o yaml | k apply -f - >/dev/null
k -n "${NS}" create deployment web --image=nginx --replicas=2 --dry-run=client -o yaml | k apply -f - >/dev/null
if k -n "${NS}" rollout status deployment/web --timeout=60s >/dev/null; then
  ok "deployment rolled out: $(k -n "${NS}" get pods --no-headers | awk '{print $1 "=" $3}' | tr '\n' ' ')"
else
  bad "deployment did not roll out"
fi
running="$(k -n "${NS}" get pods --no-headers | awk '$3 == "Running"' | wc -l)"
((running == 2)) && ok "2 pods Running" || bad "${running} pods Running, expected 2"

pod="$(k -n "${NS}" get pods -o jsonpath='{.items[0].metadata.name}')"
if k -n "${NS}" logs "${pod}" | grep -q 'simulated container started'; then
  ok "kubectl logs ${pod}"
else
  bad "kubectl logs ${pod}"
fi

marker="smoke-test-marker-$$-${RANDOM}"
out="$(mktemp)"
k -n "${NS}" logs -f --tail=1 "${pod}" >"${out}" 2>&1 &
follower=$!
sleep 2
"${HERE}/cluster.sh" log "${marker}"
for _ in $(seq 1 20); do grep -q "${marker}" "${out}" && break; sleep 0.5; done
kill "${follower}" 2>/dev/null || true
wait "${follower}" 2>/dev/null || true
grep -q "${marker}" "${out}" && ok "kubectl logs -f shows an appended line" || bad "kubectl logs -f did not show the appended line"
rm -f "${out}"

rss="$("${HERE}/cluster.sh" status | sed -nE 's/^rss total: *//p')"
echo "control plane RSS: ${rss}"

k delete namespace "${NS}" --wait=false >/dev/null

if ((KEEP == 0)); then
  t0=${SECONDS}
  "${HERE}/cluster.sh" down >/dev/null
  ok "down ($((SECONDS - t0))s)"
  left="$(ps -eo pid=,args= | grep -F "${KWOK_WORKDIR}/clusters/${IDP_CLUSTER_NAME}/" | grep -v grep || true)"
  [[ -z "${left}" ]] && ok "no cluster process left" || bad "processes left: ${left}"
fi

echo "${pass} passed, ${fail} failed"
((fail == 0))
