#!/usr/bin/env bash
# Shared by scripts/start.sh, scripts/stop.sh and scripts/test.sh (sourced, not run).
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="$REPO_ROOT/infra/local/.state"
SERVICE_LOGS="$STATE_DIR/logs"
SERVICE_RUN="$STATE_DIR/services"
PLATFORM="$REPO_ROOT/infra/local/platform.sh"

# organisations first: the other services fetch its JWKS to verify tokens
SERVICES=(organisations referrals notifications analytics)
declare -A SERVICE_PORTS=([referrals]=3001 [organisations]=3002 [notifications]=3003 [analytics]=3004)

say() { printf '[%s] %s\n' "${SCRIPT_TAG:-sp}" "$*"; }
fail() {
  printf '[%s] ERROR: %s\n' "${SCRIPT_TAG:-sp}" "$*" >&2
  exit 1
}

# Installs when node_modules is missing or older than package-lock.json (npm writes
# node_modules/.package-lock.json on every install, so its age is the install's age).
ensure_node_modules() {
  command -v node >/dev/null 2>&1 || fail "Node.js 20+ is required"
  command -v npm >/dev/null 2>&1 || fail "npm is required"
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$REPO_ROOT/package-lock.json" -nt "$marker" ]; then
    # `npm install` honours package-lock.json like `npm ci` would, but `npm ci` refuses this lock:
    # the registry we can reach does not serve the macOS/Windows builds of msgpackr-extract (an
    # optional native helper of BullMQ), so the lock cannot list them and npm ci calls it stale.
    say "installing npm dependencies (npm install, locked versions)"
    (cd "$REPO_ROOT" && npm install --no-audit --no-fund)
  else
    say "npm dependencies up to date"
  fi
}

lock_services() {
  # one start/stop at a time per checkout: two interleaved runs would stop each other's
  # half-started services and lose track of them
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/services.lock"
  if ! flock -n 9; then
    say "another scripts/start.sh or scripts/stop.sh is running; waiting for it (up to 5 minutes)"
    flock -w 300 9 || fail "gave up waiting for the other start/stop to finish"
  fi
}

service_pid() {
  # pid of our running service $1 (checked against its command line, so a reused pid is ignored)
  local f="$SERVICE_RUN/$1.pid" pid
  [ -s "$f" ] || return 0
  pid="$(tr -dc '0-9' <"$f")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dist/services/$1/src/main.js"; then
    echo "$pid"
  fi
}

stop_service() {
  # SIGTERM (graceful shutdown drains in-flight work), bounded wait, then SIGKILL
  local name="$1" limit="${SP_SERVICE_STOP_TIMEOUT:-25}" pid start
  pid="$(service_pid "$name")"
  if [ -z "$pid" ]; then
    rm -f "$SERVICE_RUN/$name.pid"
    return 0
  fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      say "$name did not stop within ${limit}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$SERVICE_RUN/$name.pid"
}

stop_all_services() {
  # in parallel: each one drains on its own, no ordering is needed to stop
  local name
  for name in "${SERVICES[@]}"; do
    stop_service "$name" &
  done
  wait
}
