#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's base image (node:<tag>) where no image registry is
# reachable: a Debian bookworm minbase root filesystem from the machine's own Debian mirror, with
# this machine's Node and npm laid out like the official image, imported into podman under the
# exact name the Dockerfile's FROM uses. Does nothing when that image already exists (or was pulled).
#
#   test/container/make-base-image.sh        # needs root, podman, debootstrap
#
# See README "Docker" → "Building without a registry".
set -euo pipefail
cd "$(dirname "$0")/../.."

from=$(sed -n 's/^FROM[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' Dockerfile | head -1)
case "$from" in
  */*) image="$from" ;;
  *) image="docker.io/library/$from" ;;
esac
if podman image exists "$image"; then
  echo "base image $image exists"
  exit 0
fi

node_version="v${from#*node:}"
node_version="${node_version%%-*}"
if [ "$(node --version)" != "$node_version" ]; then
  echo "warning: this machine's node is $(node --version), the Dockerfile pins $node_version" >&2
fi

mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d "${TMPDIR:-/tmp}/node-base.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm from $mirror into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null

npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
install -D -m 0755 "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd -g 1000 node
chroot "$root" useradd -u 1000 -g node -m -s /bin/bash node
# npm inside the build reaches the same registry as this machine.
if [ -f /etc/npmrc ]; then install -D -m 0644 /etc/npmrc "$root/usr/local/etc/npmrc"; fi
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "base image $image imported"
