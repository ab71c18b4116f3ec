#!/usr/bin/env bash
# Deploys the Sparkfn stack to the local endpoint with cdklocal. Idempotent: bootstrap and
# deploy are both no-ops when nothing changed. Extra arguments go to `cdklocal deploy`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if ! endpoint_healthy; then
  echo "deploy:local: nothing answers at $AWS_ENDPOINT_URL; run npm run local:up first" >&2
  exit 1
fi
cd "$SPARKFN_ROOT/infra"
cdklocal="$SPARKFN_ROOT/node_modules/.bin/cdklocal"
"$cdklocal" bootstrap --no-notices >/dev/null
# The emulator stack is for development and tests: allow the fault-injection tests there.
"$cdklocal" deploy --no-notices --require-approval never -c allowFaultInjection=true -c executorTimeoutSeconds=60 -c driverBatchSize=10 --outputs-file cdk.out/outputs.json "$@"
