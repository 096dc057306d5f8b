#!/usr/bin/env bash
# Debian's Chromium for the browser test (driven by playwright-core; no browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "ok  chromium already installed ($(dpkg-query -W -f='${Version}' chromium 2>/dev/null))"
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
echo "ok  chromium $(dpkg-query -W -f='${Version}' chromium) installed"
