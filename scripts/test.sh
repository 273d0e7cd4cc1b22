# shellcheck shell=bash
# ./platform test: every test, from type check to the browser suite. Each step runs even
# when an earlier one failed, so one run shows everything that is wrong.
E2E_PORT=${E2E_PORT:-7017}
source "$REPO_ROOT/scripts/lib/oidc.sh"
RESULTS="$REPO_ROOT/test-results"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432/postgres}

# The steps, in the order they run; `./platform test NAME...` runs only the named ones.
STEPS=(harness typecheck lint format policies unit-and-integration docker-static gitea-smoke oidc-issuer browser-e2e)
for name in "$@"; do
  if [[ " ${STEPS[*]} " != *" $name "* ]]; then
    echo "error: unknown step: $name (the steps: ${STEPS[*]})" >&2
    exit 2
  fi
done
only_steps=" $* "
wants() { [ "$only_steps" = "  " ] || [[ "$only_steps" == *" $1 "* ]]; }

# The closing count (scripts/lib/test-summary.sh). Whatever ends the run, a failed set-up
# included, it ends with `tests: N passed, M failed` and an exit status that agrees.
source "$REPO_ROOT/scripts/lib/test-summary.sh"
summary_printed=
finish() {
  stop_backend
  stop_oidc_if_started
  stop_cluster_if_started
  stop_gitea_if_started
  [ -z "$summary_printed" ] || return 0
  summary_printed=1
  echo
  echo "Screenshots: test-results/screenshots/"
  print_summary
}
on_exit() {
  local status=$?
  if [ -z "$summary_printed" ] && [ "$status" -ne 0 ]; then
    count_setup_failure "set-up (exit status $status; see the messages above)"
  fi
  finish
}
trap on_exit EXIT

ensure_toolchain
ensure_chromium
mkdir -p "$RESULTS/screenshots"

check_postgres() {
  node -e '
    const { Client } = require("pg");
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    c.connect().then(() => c.end()).catch(e => { console.error(e.message); process.exit(1); });' \
    "$BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING" ||
    die "PostgreSQL is not reachable at $BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to use another server)"
}
(cd "$REPO_ROOT" && check_postgres)

# Integration and browser tests run against the local control plane: started here when
# it is not running, and stopped at the end if this run started it.
unset IDP_CLUSTER_KUBECONFIG IDP_CLUSTER_CONTEXT IDP_CLUSTER
if wants unit-and-integration || wants browser-e2e; then
  cluster_started_at=$SECONDS
  ensure_cluster
  connect_cluster
  log "Local cluster ready in $((SECONDS - cluster_started_at)) s"
  export IDP_TEST_KUBECONFIG=$CLUSTER_KUBECONFIG
fi
# The local Gitea server, started (and stopped) the same way; tests find its Backstage
# config (integrations.gitea, with credentials) in IDP_TEST_GITEA_APP_CONFIG.
if wants gitea-smoke || wants unit-and-integration || wants browser-e2e; then
  ensure_gitea
  [ -z "$USING_LOCAL_GITEA" ] || export IDP_TEST_GITEA_APP_CONFIG=$GITEA_APP_CONFIG
fi

# step NAME COMMAND...: runs one step with its output in test-results/NAME.log, and adds
# what it reports to the closing count.
step() {
  local name=$1 started=$SECONDS status=0
  shift
  wants "$name" || return 0
  rm -f "$RESULTS/$name.log"
  log "$name"
  (cd "$REPO_ROOT" && "$@") 2>&1 | tee "$RESULTS/$name.log" || status=$?
  count_step "$name" "$RESULTS/$name.log" "$status"
  if [ -z "$step_failed" ]; then
    log "$step_count ($((SECONDS - started)) s)"
  else
    log "$step_count: FAILED ($((SECONDS - started)) s; log: test-results/$name.log)"
  fi
}

e2e() {
  build_app_if_stale || return 1
  # One data folder per port: runs on other ports (E2E_PORT) must not wipe each other's.
  local data="$REPO_ROOT/.local/e2e-data-$E2E_PORT" log_file="$RESULTS/e2e-backend-$E2E_PORT.log"
  rm -rf "$data"
  trap 'stop_backend; stop_oidc_if_started' EXIT
  # The policies of policies/, built now, as test backends have them (scripts/local-opa/
  # for-tests.patch.json): no weekly freeze, for the suite deploys to production whatever
  # day it runs; registry.invalid allowed, for a deploy whose image cannot be pulled.
  IDP_POLICY_OUT="$REPO_ROOT/.local/e2e-policy-$E2E_PORT" "$LOCAL_OPA" build-for-tests || return 1
  export IDP_POLICY_BUNDLE="$REPO_ROOT/.local/e2e-policy-$E2E_PORT/bundle.tar.gz"
  # Sign-in as named people of the seed organization (approvals need two), through
  # production's oidc provider and the local issuer; guest stays for the other tests.
  ensure_oidc
  mapfile -t args < <(backend_config_args; gitea_config_args; oidc_config_args)
  start_backend "$E2E_PORT" "$data" "$log_file" "${args[@]}"
  wait_for_backend "$E2E_PORT" "$log_file"
  local rc=0
  PORTAL_URL="http://localhost:$E2E_PORT" yarn playwright test || rc=$?
  stop_backend
  stop_oidc_if_started
  return $rc
}

# docker/ cannot be built here (no Docker engine); check it against the real build output.
docker_static() {
  build_app_if_stale && yarn workspace backend build && node scripts/check-docker.mjs
}

step harness bash scripts/lib/test-summary.test.sh
step typecheck yarn tsc
step lint yarn backstage-cli repo lint
step format yarn prettier --check .
# opa fmt, check, test (also compiled to wasm) and the bundle the backend's tests and the
# portal read (scripts/local-opa/README.md); before the backend's tests for that reason.
step policies "$LOCAL_OPA" ci
step unit-and-integration env CI=true yarn backstage-cli repo test
step docker-static docker_static
step gitea-smoke scripts/local-gitea/smoke-test.sh
step oidc-issuer scripts/local-oidc/test.sh
step browser-e2e e2e

finish
summary_status
