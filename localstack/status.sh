#!/usr/bin/env bash
# Says whether an endpoint answers at $AWS_ENDPOINT_URL and who started it. Exit 0 when up.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
started_by="$(cat "$SPARKFN_STATE/started-by" 2>/dev/null || echo "not local:up")"
if endpoint_healthy; then
  echo "local:status: up at $AWS_ENDPOINT_URL (started by: $started_by)"
else
  echo "local:status: nothing answers at $AWS_ENDPOINT_URL"
  exit 1
fi
