# Sourced by the localstack/ scripts: runs the repository's `sparkfn` command (from source) with
# the emulator's state in this repository's .localstack/ folder (and MiniStack's virtualenv in
# .localstack/venv, shared by all state folders). The emulator logic lives in driver/local/.
SPARKFN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARKFN_LOCAL_STATE="${SPARKFN_LOCAL_STATE:-$SPARKFN_ROOT/.localstack}"
export SPARKFN_MINISTACK_VENV="${SPARKFN_MINISTACK_VENV:-$SPARKFN_ROOT/.localstack/venv}"

sparkfn() {
  node "$SPARKFN_ROOT/driver/bin/sparkfn.mjs" "$@"
}

# The environment that points AWS tools at the local endpoint (driver/local/env.ts; values
# already set win): `source localstack/env.sh && local_env`.
local_env() {
  eval "$(sparkfn local env)"
}
