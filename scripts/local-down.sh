#!/usr/bin/env bash
# Stops the ministack started by local-up.sh (an external emulator such as LocalStack is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .local/emulator.pid ]; then
  pid=$(cat .local/emulator.pid)
  if kill -0 "$pid" 2>/dev/null; then
    # The emulator leads its own process group: stop it with the Lambda workers it started.
    kill -- "-$pid" 2>/dev/null || kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 -- "-$pid" 2>/dev/null || true
    echo "emulator stopped"
  fi
  rm -f .local/emulator.pid .local/emulator.env
else
  echo "no emulator started by this repository is running"
fi
