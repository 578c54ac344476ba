#!/usr/bin/env bash
# Starts the local AWS emulator unless one is already answering, and writes .local/emulator.env with the
# endpoint, region and credentials for any shell or script to source.
#  - AWS_ENDPOINT_URL set and healthy (e.g. LocalStack from docker-compose.yml): that one is used.
#  - otherwise ministack from a virtual environment inside the repo, on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .local
REGION="${AWS_REGION:-eu-central-1}"

healthy() { curl -fsS -m 2 "$1/_localstack/health" >/dev/null 2>&1; }

write_env() {
  cat > .local/emulator.env <<ENV
AWS_ENDPOINT_URL=$1
AWS_REGION=$REGION
AWS_DEFAULT_REGION=$REGION
AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test
ENV
  echo "emulator at $1 (settings in .local/emulator.env)"
}

if [ -n "${AWS_ENDPOINT_URL:-}" ] && healthy "$AWS_ENDPOINT_URL"; then
  write_env "$AWS_ENDPOINT_URL"
  exit 0
fi
if [ -f .local/emulator.pid ] && kill -0 "$(cat .local/emulator.pid)" 2>/dev/null && [ -f .local/emulator.env ]; then
  endpoint=$(sed -n 's/^AWS_ENDPOINT_URL=//p' .local/emulator.env)
  if healthy "$endpoint"; then
    echo "emulator already running at $endpoint"
    exit 0
  fi
fi

if [ ! -x .venv/bin/ministack ] || ! cmp -s scripts/emulator-requirements.txt .venv/requirements.txt; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/emulator-requirements.txt
  cp scripts/emulator-requirements.txt .venv/requirements.txt
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:$port"
# A session of its own, so that local-down.sh can stop the emulator together with its Lambda workers.
GATEWAY_PORT=$port BIND_HOST=127.0.0.1 MINISTACK_REGION="$REGION" setsid nohup .venv/bin/ministack > .local/emulator.log 2>&1 &
echo $! > .local/emulator.pid
for _ in $(seq 1 120); do
  if healthy "$endpoint"; then
    write_env "$endpoint"
    exit 0
  fi
  if ! kill -0 "$(cat .local/emulator.pid)" 2>/dev/null; then
    echo "the emulator exited; its log:" >&2
    tail -20 .local/emulator.log >&2
    exit 1
  fi
  sleep 0.5
done
echo "the emulator did not become healthy within 60 s; see .local/emulator.log" >&2
exit 1
