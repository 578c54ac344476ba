#!/usr/bin/env bash
# Installs the native baselines the benchmark compares against: poppler's pdftotext and tesseract with
# German data, from Debian's packages. Needs root (or sudo); does nothing when both are present.
set -euo pipefail
if command -v pdftotext >/dev/null && command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx deu; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils tesseract-ocr tesseract-ocr-deu >/dev/null
