# shellcheck shell=bash
# ./platform test: every test, from type check to the browser suite. Each step runs even
# when an earlier one failed, so one run shows everything that is wrong.
E2E_PORT=${E2E_PORT:-7017}
RESULTS="$REPO_ROOT/test-results"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432/postgres}

only_steps=" $* "
wants() { [ "$only_steps" = "  " ] || [[ "$only_steps" == *" $1 "* ]]; }

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
trap 'stop_backend; stop_cluster_if_started; stop_gitea_if_started' EXIT
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

failed_steps=()
passed=0 failed=0

# step NAME COMMAND...: runs one step with its output in test-results/NAME.log, and adds
# the tests it reports to the closing count. `./platform test NAME...` runs only those.
step() {
  local name=$1 started=$SECONDS
  shift
  wants "$name" || return 0
  rm -f "$RESULTS/$name.log"
  log "$name"
  if (cd "$REPO_ROOT" && "$@") 2>&1 | tee "$RESULTS/$name.log"; then
    log "$name: ok ($((SECONDS - started)) s)"
  else
    failed_steps+=("$name")
    log "$name: FAILED ($((SECONDS - started)) s; log: test-results/$name.log)"
  fi
  count_tests "$RESULTS/$name.log"
}

count_tests() {
  local file=$1 pass fail
  [ -f "$file" ] || return 0
  # jest: "Tests:  1 failed, 9 passed, 10 total"; playwright: "  3 passed (20.1s)", "  1 failed"
  local text
  text=$(sed 's/\x1b\[[0-9;]*m//g' "$file")
  pass=$(grep -Eo '(Tests: .*|^ +)[0-9]+ passed' <<<"$text" | tail -1 | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
  fail=$(grep -Eo '(Tests: .*|^ +)[0-9]+ failed' <<<"$text" | tail -1 | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + pass)) failed=$((failed + fail))
}

e2e() {
  build_app_if_stale || return 1
  # One data folder per port: runs on other ports (E2E_PORT) must not wipe each other's.
  local data="$REPO_ROOT/.local/e2e-data-$E2E_PORT" log_file="$RESULTS/e2e-backend-$E2E_PORT.log"
  rm -rf "$data"
  trap 'stop_backend' EXIT
  mapfile -t args < <(backend_config_args; gitea_config_args)
  start_backend "$E2E_PORT" "$data" "$log_file" "${args[@]}"
  wait_for_backend "$E2E_PORT" "$log_file"
  local rc=0
  PORTAL_URL="http://localhost:$E2E_PORT" yarn playwright test || rc=$?
  stop_backend
  return $rc
}

# docker/ cannot be built here (no Docker engine); check it against the real build output.
docker_static() {
  build_app_if_stale && yarn workspace backend build && node scripts/check-docker.mjs
}

step typecheck yarn tsc
step lint yarn backstage-cli repo lint
step format yarn prettier --check .
step unit-and-integration env CI=true yarn backstage-cli repo test
step docker-static docker_static
step gitea-smoke scripts/local-gitea/smoke-test.sh
step browser-e2e e2e

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  log "Failed steps: ${failed_steps[*]}"
fi
echo "Screenshots: test-results/screenshots/"
echo "tests: $passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ]
