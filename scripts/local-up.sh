#!/usr/bin/env bash
# Starts the local AWS emulator unless one is already answering, and the project's Textract stand-in
# beside it (no emulator has Textract), and writes .local/emulator.env with the endpoints, region and
# credentials for any shell or script to source.
#  - AWS_ENDPOINT_URL set and healthy (e.g. LocalStack from docker-compose.yml): that one is used.
#  - otherwise ministack from a virtual environment inside the repo, on a free port.
# The stand-in listens on a free port; AWS_ENDPOINT_URL_TEXTRACT points the AWS SDK at it, and
# TEXTRACT_ENDPOINT_FOR_FUNCTIONS is where the deployed functions reach it (local-deploy.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .local
REGION="${AWS_REGION:-eu-central-1}"

healthy() { curl -fsS -m 2 "$1/_localstack/health" >/dev/null 2>&1; }
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
setting() { if [ -f .local/emulator.env ]; then sed -n "s/^$1=//p" .local/emulator.env; fi; }

# Waits for a process started here to answer at a URL; shows its log if it exits or never answers.
await_health() { # pid-file url log name
  for _ in $(seq 1 120); do
    if curl -fsS -m 2 "$2" >/dev/null 2>&1; then return 0; fi
    if ! running "$1"; then
      echo "the $4 exited; its log:" >&2
      tail -20 "$3" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "the $4 did not answer within 60 s; see $3" >&2
  return 1
}

external=false
if [ -n "${AWS_ENDPOINT_URL:-}" ] && healthy "$AWS_ENDPOINT_URL"; then
  endpoint=$AWS_ENDPOINT_URL
  external=true
elif running .local/emulator.pid && healthy "$(setting AWS_ENDPOINT_URL)"; then
  endpoint=$(setting AWS_ENDPOINT_URL)
  echo "emulator already running at $endpoint"
else
  if [ ! -x .venv/bin/ministack ] || ! cmp -s scripts/emulator-requirements.txt .venv/requirements.txt; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/emulator-requirements.txt
    cp scripts/emulator-requirements.txt .venv/requirements.txt
  fi
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  # ministack unpacks each Lambda worker's code into a temporary directory (about 250 MB with the OCR
  # data) and leaves it there when it stops; a directory of its own lets local-down.sh remove them all.
  # It lies outside the repository, whose package.json ("type": "module") would make Node read the
  # functions' CommonJS bundles as ES modules.
  emulator_tmp=$(mktemp -d "${TMPDIR:-/tmp}/zielvereinbarungen-emulator-XXXXXX")
  echo "$emulator_tmp" > .local/emulator-tmpdir
  # A session of its own, so that local-down.sh can stop the emulator together with its Lambda workers.
  TMPDIR="$emulator_tmp" GATEWAY_PORT=$port BIND_HOST=127.0.0.1 MINISTACK_REGION="$REGION" \
    setsid nohup .venv/bin/ministack > .local/emulator.log 2>&1 &
  echo $! > .local/emulator.pid
  for _ in $(seq 1 120); do
    healthy "$endpoint" && break
    if ! running .local/emulator.pid; then
      echo "the emulator exited; its log:" >&2
      tail -20 .local/emulator.log >&2
      exit 1
    fi
    sleep 0.5
  done
  healthy "$endpoint" || { echo "the emulator did not become healthy within 60 s; see .local/emulator.log" >&2; exit 1; }
fi

# The Textract stand-in, for the emulator at $endpoint. Functions that ministack runs are processes on
# this machine; LocalStack's run in containers, which reach the host as host.docker.internal (see
# docker-compose.yml), so there it listens on every interface.
stand_in=$(setting AWS_ENDPOINT_URL_TEXTRACT)
if ! { running .local/textract-stand-in.pid && [ "$(setting AWS_ENDPOINT_URL)" = "$endpoint" ] && curl -fsS -m 2 "$stand_in/_stand-in/health" >/dev/null 2>&1; }; then
  [ -f .local/textract-stand-in.pid ] && kill -- "-$(cat .local/textract-stand-in.pid)" 2>/dev/null || true
  port=$(free_port)
  host=$([ "$external" = true ] && echo 0.0.0.0 || echo 127.0.0.1)
  AWS_ENDPOINT_URL=$endpoint AWS_REGION=$REGION AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test TEXTRACT_STAND_IN_PORT=$port TEXTRACT_STAND_IN_HOST=$host \
    setsid nohup node_modules/.bin/tsx scripts/textract-stand-in/main.ts > .local/textract-stand-in.log 2>&1 &
  echo $! > .local/textract-stand-in.pid
  stand_in="http://127.0.0.1:$port"
  await_health .local/textract-stand-in.pid "$stand_in/_stand-in/health" .local/textract-stand-in.log "Textract stand-in"
fi
for_functions=$([ "$external" = true ] && echo "${stand_in/127.0.0.1/host.docker.internal}" || echo "$stand_in")

cat > .local/emulator.env <<ENV
AWS_ENDPOINT_URL=$endpoint
AWS_ENDPOINT_URL_TEXTRACT=$stand_in
TEXTRACT_ENDPOINT_FOR_FUNCTIONS=$for_functions
AWS_REGION=$REGION
AWS_DEFAULT_REGION=$REGION
AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test
ENV
echo "emulator at $endpoint, Textract stand-in at $stand_in (settings in .local/emulator.env)"
