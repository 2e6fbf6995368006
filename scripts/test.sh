#!/usr/bin/env bash
# Every check and every test, in order, stopping at the first failure (README: `npm test`; CI runs
# this through .ci/run). Starts the real infrastructure first; leaves it running for the next run
# unless SP_STOP_INFRA_AFTER_TESTS=1 or CI=true.
set -euo pipefail
export SCRIPT_TAG=test
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

t0=$SECONDS
if [ "${SP_STOP_INFRA_AFTER_TESTS:-0}" = 1 ] || [ "${CI:-}" = true ]; then
  trap 'say "stopping infrastructure"; bash "$PLATFORM" stop || true' EXIT
fi

SUMMARY=()
step() {
  # step <name> <command...>
  local name="$1" start=$SECONDS rc=0
  shift
  say "▶ $name: $*"
  "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    SUMMARY+=("$name FAILED ($((SECONDS - start))s)")
    say "✗ $name failed (exit $rc)"
    say "summary: FAILED at '$name' after $((SECONDS - t0))s — ${SUMMARY[*]}"
    exit "$rc"
  fi
  SUMMARY+=("$name ok ($((SECONDS - start))s)")
}

step "dependencies" ensure_node_modules
step "infrastructure" bash "$PLATFORM" start
# The module-boundary lint rule reads the Nx project graph; without one it checks nothing.
step "project graph" env NX_DAEMON=false npx nx show projects --json
step "lint" npx eslint .
step "format" npx prettier --check .
step "typecheck" npx tsc -p tsconfig.json --noEmit
step "asyncapi" npm run --silent asyncapi:check
step "unit tests" npx jest --selectProjects unit
step "build" npm run --silent build
step "integration tests" npx jest --selectProjects integration --runInBand

say "summary: all ${#SUMMARY[@]} steps passed in $((SECONDS - t0))s — $(IFS='|'; joined="${SUMMARY[*]}"; echo "${joined//|/, }")"
