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
while [[ -d "${cluster_dir}" ]]; do
  sleep "${interval}"
  [[ -d "${cluster_dir}" ]] || break
  n=$((n + 1))
  printf '%s stdout F [kwok] simulated container heartbeat %d\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "${n}" >>"${file}"
done
