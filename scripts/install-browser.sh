#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/support/browser.ts drives it with playwright-core).
# Debian's package rather than `npx playwright install`, because the machines this runs on reach only the
# Debian, npm and PyPI mirrors. Needs root (or sudo); does nothing when /usr/bin/chromium is present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
# The package lists are refreshed only when the install fails without them: they are often current
# already, and an update costs a round trip to every configured mirror.
if ! install 2>/dev/null; then
  $SUDO apt-get update -qq
  install
fi
