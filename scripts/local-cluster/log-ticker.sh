#!/usr/bin/env bash
# Appends one CRI-format log line (`<RFC3339Nano> stdout F <text>`) every
# INTERVAL seconds to FILE, the file that kwok's ClusterLogs serves as the log
# of every simulated pod, so that `kubectl logs -f` shows new lines.
# Started and stopped by cluster.sh; exits by itself when CLUSTER_DIR is gone.
#
# Usage: log-ticker.sh FILE INTERVAL CLUSTER_DIR
set -u
file="$1" interval="$2" cluster_dir="$3"
n=0
# Structured access-log lines, like the services of the seed catalog would write.
methods=(GET GET GET POST GET)
paths=(/healthz /api/v1/items /api/v1/items/42 /api/v1/orders /metrics)
statuses=(200 200 200 201 200)
while [[ -d "${cluster_dir}" ]]; do
  sleep "${interval}"
  [[ -d "${cluster_dir}" ]] || break
  n=$((n + 1))
  i=$((n % ${#paths[@]}))
  printf '%s stdout F {"level":"info","msg":"request served","method":"%s","path":"%s","status":%d,"duration_ms":%d,"seq":%d}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "${methods[$i]}" "${paths[$i]}" "${statuses[$i]}" $((RANDOM % 40 + 2)) "${n}" >>"${file}"
done
