#!/usr/bin/env bash
# `sparkfn local status` with the repository's state folder. Exit 0 when an endpoint answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
sparkfn local status
