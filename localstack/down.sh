#!/usr/bin/env bash
# Stops exactly what local:up started (its recorded MiniStack process group, or the compose
# project), and nothing it found already running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
started_by="$(cat "$SPARKFN_STATE/started-by" 2>/dev/null || true)"

case "$started_by" in
  ministack)
    pid="$(cat "$SPARKFN_STATE/ministack.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q ministack; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
      echo "local:down: stopped MiniStack (pid $pid)"
    else
      echo "local:down: the MiniStack that local:up started is no longer running"
    fi
    rm -f "$SPARKFN_STATE/ministack.pid" "$SPARKFN_STATE/started-by"
    ;;
  compose)
    docker compose -f "$SPARKFN_ROOT/localstack/docker-compose.yml" down
    rm -f "$SPARKFN_STATE/started-by"
    ;;
  *)
    echo "local:down: nothing to stop (local:up did not start an emulator)"
    ;;
esac
