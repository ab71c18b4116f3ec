#!/usr/bin/env bash
# `sparkfn local up` (driver/local/commands.ts) with the repository's state folder: uses an
# endpoint already answering at $AWS_ENDPOINT_URL, else starts LocalStack (Docker and
# LOCALSTACK_AUTH_TOKEN) or MiniStack (.localstack/venv; pid and log in .localstack/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
sparkfn local up
