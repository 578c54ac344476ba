#!/usr/bin/env bash
# The AWS CLI from PyPI in a virtual environment of its own (.venv-awscli), for the upload bench's
# comparison with `aws s3 sync`: the CLI pins its own botocore, which would clash with the emulator's boto3.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.46.3
if [ ! -x .venv-awscli/bin/aws ] || ! .venv-awscli/bin/aws --version 2>&1 | grep -q "aws-cli/$version "; then
  python3 -m venv .venv-awscli
  .venv-awscli/bin/pip install --quiet --disable-pip-version-check "awscli==$version"
fi
.venv-awscli/bin/aws --version
