#!/usr/bin/env bash
# Debian's Chromium for the browser test (driven by playwright-core; no browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "ok  chromium already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "installing chromium from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
