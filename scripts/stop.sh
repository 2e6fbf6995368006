#!/usr/bin/env bash
# Stops the four services started by scripts/start.sh (SIGTERM, bounded wait, then SIGKILL) and
# the local infrastructure (infra/local/platform.sh stop).
set -euo pipefail
export SCRIPT_TAG=stop
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"
lock_services

stop_all_services
say "services stopped"
bash "$PLATFORM" stop 9>&-
