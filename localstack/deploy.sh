#!/usr/bin/env bash
# Deploys the repository's stack (infra/) to the local endpoint: `sparkfn deploy --local`
# (cdklocal bootstrap + deploy, both no-ops when nothing changed). Extra arguments go to
# `cdklocal deploy`. The emulator stack is for development and tests: it allows the
# fault-injection tests and kills a task hung on purpose after 60 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SPARKFN_ROOT/infra"
sparkfn deploy --local -- -c allowFaultInjection=true -c executorTimeoutSeconds=60 -c driverBatchSize=10 --outputs-file cdk.out/outputs.json "$@"
