#!/usr/bin/env bash
# Bootstraps and deploys the stack into the local emulator (ministack or LocalStack) through
# AWS_ENDPOINT_URL, and writes the stack outputs to cdk.outputs.json at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .local/emulator.env ] || bash scripts/local-up.sh
set -a; . .local/emulator.env; set +a
account=000000000000
# Locally, functions run on this machine's architecture and read scans with tesseract.js.
arch=$([ "$(uname -m)" = "aarch64" ] && echo arm64 || echo x86_64)
# Retries come after 90 s instead of 30 min, and a message is parked after its second failure, so that
# tests see the dead-letter queue at work; tesseract.js reads a batch of scans well within 90 s.
context=(-c architecture="$arch" -c ocr=tesseract -c retainData=false -c functionTimeoutSeconds=90 -c visibilityTimeoutSeconds=90 -c maxReceiveCount=2)
npx cdk bootstrap "aws://$account/$AWS_REGION" "${context[@]}" --quiet >.local/bootstrap.log 2>&1 || { cat .local/bootstrap.log >&2; exit 1; }
npx cdk deploy ZielvereinbarungenPipeline "${context[@]}" --require-approval never --outputs-file .local/stack-outputs.json >.local/deploy.log 2>&1 || { tail -40 .local/deploy.log >&2; exit 1; }
node -e '
  const outputs = require("./.local/stack-outputs.json").ZielvereinbarungenPipeline;
  require("fs").writeFileSync("cdk.outputs.json", JSON.stringify(outputs, null, 2) + "\n");
  console.log("deployed; outputs in cdk.outputs.json:", JSON.stringify(outputs));
'
