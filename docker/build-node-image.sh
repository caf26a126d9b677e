#!/usr/bin/env bash
# Builds obsctl-test/node:22, a FROM-scratch stand-in for the official node:22-alpine image (no
# registry is reachable here): the Node 22 binary the project installs from the npm registry
# (node_modules/node), the host libraries ldd lists, and busybox for a shell. It runs the
# simulated GPU exporter (templates/dcgm-sim) in the Docker end-to-end suite, exactly as
# node:22-alpine runs it for users of `obsctl up --simulate-gpu`.
# Idempotent: skipped when an image with the same recipe label exists.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
NODE="$REPO/node_modules/node/bin/node"
TAG=obsctl-test/node:22
[ -x "$NODE" ] || { echo "build-node-image: $NODE missing: run npm ci first" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-node-image: no Docker engine" >&2; exit 3; }
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || { echo "build-node-image: busybox-static missing (apt-get install busybox-static)" >&2; exit 1; }

recipe=$( (sha256sum "$NODE" "$BUSYBOX" "$0" | cut -d' ' -f1) | sha256sum | cut -c1-16)
if [ "$(docker image inspect --format '{{index .Config.Labels "org.obsctl.recipe"}}' "$TAG" 2>/dev/null || true)" = "$recipe" ]; then
  echo "$TAG  up to date  node $("$NODE" --version)"
  exit 0
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
root="$ctx/root"
mkdir -p "$root/bin" "$root/usr/local/bin" "$root/tmp" "$root/etc"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in sh wget cat ls env; do ln -s busybox "$root/bin/$applet"; done
cp "$NODE" "$root/usr/local/bin/node"
# The dynamic loader and every library node links against, at the paths ldd reports.
for lib in $(ldd "$NODE" | grep -oE '/[^ ]+\.so[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY root/ /
ENV PATH=/usr/local/bin:/bin
LABEL org.obsctl.recipe="$recipe" org.opencontainers.image.description="obsctl local test image: Node $("$NODE" --version) from the npm registry's node package, FROM scratch"
CMD ["node"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$TAG" "$ctx" >/dev/null 2>&1 || DOCKER_BUILDKIT=0 docker build -t "$TAG" "$ctx"
echo "$TAG  built  node $("$NODE" --version)"
