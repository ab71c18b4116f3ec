#!/usr/bin/env bash
# Runs a command with the environment of the local endpoint: `bash localstack/with-env.sh CMD...`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
local_env
exec "$@"
