#!/usr/bin/env bash
# Bootstraps and deploys the stack into the local emulator (ministack or LocalStack) through
# AWS_ENDPOINT_URL, and writes the stack outputs to cdk.outputs.json at the repository root.
# The configuration is the one users deploy, Textract reading the scans (through the project's Textract
# stand-in, which local-up.sh starts); LOCAL_OCR=tesseract or none deploys another, and LOCAL_STACK and
# LOCAL_OUTPUTS name a second stack beside the first and its outputs file.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .local/emulator.env ] || bash scripts/local-up.sh
set -a; . .local/emulator.env; set +a
account=000000000000
ocr=${LOCAL_OCR:-textract}
stack=${LOCAL_STACK:-ZielvereinbarungenPipeline}
outputs=${LOCAL_OUTPUTS:-cdk.outputs.json}
# Locally, functions run on this machine's architecture.
arch=$([ "$(uname -m)" = "aarch64" ] && echo arm64 || echo x86_64)
# Retries come after 90 s instead of 30 min, and a message is parked after its second failure, so that
# tests see the dead-letter queue at work; a batch of scans is read well within 90 s.
context=(-c stackName="$stack" -c architecture="$arch" -c ocr="$ocr" -c retainData=false -c functionTimeoutSeconds=90 -c visibilityTimeoutSeconds=90 -c maxReceiveCount=2)
# Textract's jobs are read by the stand-in; a job whose notice is lost is looked after within a minute.
[ "$ocr" = textract ] && context+=(-c textractEndpoint="$TEXTRACT_ENDPOINT_FOR_FUNCTIONS" -c ocrPatienceSeconds=30)
npx cdk bootstrap "aws://$account/$AWS_REGION" "${context[@]}" --quiet >.local/bootstrap.log 2>&1 || { cat .local/bootstrap.log >&2; exit 1; }
npx cdk deploy "$stack" "${context[@]}" --require-approval never --outputs-file ".local/$stack.outputs.json" >".local/deploy-$stack.log" 2>&1 || { tail -40 ".local/deploy-$stack.log" >&2; exit 1; }
STACK=$stack OUTPUTS=$outputs node -e '
  const outputs = require(`./.local/${process.env.STACK}.outputs.json`)[process.env.STACK];
  require("fs").writeFileSync(process.env.OUTPUTS, JSON.stringify(outputs, null, 2) + "\n");
  console.log(`deployed ${process.env.STACK}; outputs in ${process.env.OUTPUTS}:`, JSON.stringify(outputs));
'
