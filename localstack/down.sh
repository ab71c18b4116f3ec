#!/usr/bin/env bash
# `sparkfn local down` with the repository's state folder: stops exactly what up.sh started
# (its recorded MiniStack process group, or the compose project), nothing it found running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
sparkfn local down
