#!/usr/bin/env bash
# Makes sure a LocalStack-compatible endpoint answers on $AWS_ENDPOINT_URL
# (default http://127.0.0.1:4566), in this order:
#   1. an endpoint already answering there is used as it is (and never stopped by down.sh);
#   2. with a working Docker and LOCALSTACK_AUTH_TOKEN, LocalStack starts with docker compose;
#   3. otherwise MiniStack (PyPI `ministack`, pinned) is installed into .localstack/venv and
#      started in the background; its PID goes to .localstack/ministack.pid for down.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$SPARKFN_STATE"

wait_healthy() {
  local seconds="$1" pid="${2:-}"
  for _ in $(seq 1 $((seconds * 4))); do
    endpoint_healthy && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "local:up: the emulator exited during start-up; last lines of its log:" >&2
      tail -n 20 "$SPARKFN_STATE/ministack.log" >&2 || true
      return 1
    fi
    sleep 0.25
  done
  echo "local:up: no healthy endpoint at $AWS_ENDPOINT_URL after ${seconds}s" >&2
  return 1
}

if endpoint_healthy; then
  echo "local:up: using the endpoint already running at $AWS_ENDPOINT_URL"
  exit 0
fi

# Only a loopback endpoint is ours to start.
hostport="${AWS_ENDPOINT_URL#*://}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=80
case "$host" in
  127.0.0.1|localhost) ;;
  *) echo "local:up: nothing answers at $AWS_ENDPOINT_URL and it is not a local address; start that endpoint yourself or unset AWS_ENDPOINT_URL" >&2; exit 1 ;;
esac

if [ -n "${LOCALSTACK_AUTH_TOKEN:-}" ] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "local:up: starting LocalStack with docker compose"
  docker compose -f "$SPARKFN_ROOT/localstack/docker-compose.yml" up -d
  echo compose > "$SPARKFN_STATE/started-by"
  wait_healthy 120
  exit 0
fi

venv="$SPARKFN_VENV"
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('ministack') != '$MINISTACK_VERSION')" 2>/dev/null; then
  echo "local:up: installing MiniStack $MINISTACK_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "ministack==$MINISTACK_VERSION"
fi

echo "local:up: starting MiniStack on 127.0.0.1:$port"
# setsid: the emulator leads its own process group, so down.sh can stop it together with
# the Lambda worker processes it spawns, and nothing else.
BIND_HOST=127.0.0.1 GATEWAY_PORT="$port" LOG_LEVEL="${MINISTACK_LOG_LEVEL:-WARNING}" \
  setsid "$venv/bin/python" -m ministack > "$SPARKFN_STATE/ministack.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$SPARKFN_STATE/ministack.pid"
echo ministack > "$SPARKFN_STATE/started-by"
wait_healthy 60 "$pid"
echo "local:up: MiniStack is up (pid $pid); stop it with npm run local:down"
