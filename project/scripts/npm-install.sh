#!/usr/bin/env bash
# npm ci, unless node_modules was installed from this very package-lock.json already.
set -euo pipefail
cd "$(dirname "$0")/../.."
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.lock-hash ] && [ "$(cat node_modules/.lock-hash)" = "$lock_hash" ]; then
  echo "node_modules matches package-lock.json; skipping npm ci"
  exit 0
fi
npm ci --no-audit --no-fund
echo "$lock_hash" >node_modules/.lock-hash
