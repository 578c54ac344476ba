#!/usr/bin/env bash
# Stops the ministack and the Textract stand-in started by local-up.sh (an external emulator such as
# LocalStack is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

# Stops a process started by local-up.sh with everything it started (it leads its own process group).
stop() { # pid-file name
  [ -f "$1" ] || return 1
  local pid
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 -- "-$pid" 2>/dev/null || true
    echo "$2 stopped"
  fi
  rm -f "$1"
}

stopped=false
stop .local/textract-stand-in.pid "Textract stand-in" && stopped=true
stop .local/emulator.pid emulator && stopped=true
# The Lambda workers' unpacked code, which the emulator leaves behind (see local-up.sh).
if [ -f .local/emulator-tmpdir ]; then
  # Lambda workers the emulator left running (when it was killed without this script) run from there.
  pkill -f "$(cat .local/emulator-tmpdir)/" 2>/dev/null || true
  rm -rf "$(cat .local/emulator-tmpdir)"
  rm -f .local/emulator-tmpdir
fi
rm -f .local/emulator.env
[ "$stopped" = true ] || echo "no emulator started by this repository is running"
