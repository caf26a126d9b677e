#!/usr/bin/env bash
# Builds obsctl-test/victoria-metrics:1, a FROM-scratch stand-in for the official
# victoriametrics/victoria-metrics image (no registry is reachable here), out of Debian trixie's
# `victoria-metrics` package (single-node VictoriaMetrics, /usr/bin/victoria-metrics), the
# libraries trixie's own loader lists for it (libc6, libzstd1) and busybox (sh, wget for
# healthchecks). Same cache and conventions as docker/build-images.sh: .debs are fetched with
# `apt-get download` into $OBSCTL_IMAGES_CACHE (default /var/cache/obsctl-images) and unpacked
# with dpkg-deb -x; nothing is installed on the host.
#
#   ENTRYPOINT /usr/bin/victoria-metrics (also at /victoria-metrics-prod, as in the upstream image)
#   CMD        -storageDataPath=/storage -httpListenAddr=:8428 -retentionPeriod=1d
#              -search.latencyOffset=0s   (samples are queryable as soon as they are flushed, ~1 s)
#   USER 65534, /storage owned by 65534 (a fresh named volume inherits that), EXPOSE 8428
#   Remote write: POST /api/v1/write; health: GET /health ("OK").
#
# Idempotent: the image is labelled org.obsctl.recipe=<sha256 of the .debs, busybox and this
# script>; when the tag already carries that label nothing is built.
# Usage: docker/build-victoria-metrics-image.sh [--force]
# Output: one line: "<tag>  built|up to date  <version>". Exit status: 0 ok, 1 error, 3 no Docker
# engine (Docker tests must then be reported as SKIPPED, never passed).
set -euo pipefail
shopt -s nullglob
PROG=build-victoria-metrics-image
die() { echo "$PROG: error: $*" >&2; exit 1; }
TAG=obsctl-test/victoria-metrics:1
SUITE=trixie
LIB_PKGS=(libc6 libzstd1)
FORCE=0
case ${1:-} in
  --force) FORCE=1 ;;
  '') ;;
  *) die "usage: $0 [--force]" ;;
esac
t0=$EPOCHREALTIME
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

command -v docker >/dev/null 2>&1 || { echo "$PROG: no Docker engine (docker CLI not installed); Docker tests must be reported as SKIPPED" >&2; exit 3; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  { echo "$PROG: no Docker engine (the daemon does not answer); Docker tests must be reported as SKIPPED" >&2; exit 3; }
export DOCKER_BUILDKIT=0 # classic builder: FROM scratch + ADD of a local tar

# --- Cache (shared with build-images.sh, same lock) -------------------------------------------
# shellcheck source=docker/debian-cache.sh
source "$(dirname "$SELF")/debian-cache.sh"

cached_deb() { # PKG -> newest cached .deb (empty if none)
  local best='' f
  for f in "$CACHE/debs/$1_"*"_$ARCH.deb" "$CACHE/debs/$1_"*_all.deb; do
    if [ -z "$best" ] || dpkg --compare-versions "$(deb_version "$f")" gt "$(deb_version "$best")"; then best=$f; fi
  done
  printf '%s' "$best"
}
deb_version() { local b=${1##*/}; b=${b#*_}; b=${b%_*}; printf '%s' "${b//%3a/:}"; }

PKGS=(victoria-metrics "${LIB_PKGS[@]}")
BUSYBOX=/opt/obsctl-tools/bin/busybox # installed by .ci/install-tools.sh (trixie's busybox-static)
[ -x "$BUSYBOX" ] || { BUSYBOX=''; PKGS+=(busybox-static); }
need=()
for p in "${PKGS[@]}"; do [ -n "$(cached_deb "$p")" ] || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  f=("$CACHE/lists/"*"_${SUITE}_"*Packages*)
  [ ${#f[@]} -gt 0 ] || "${APT[@]}" update >"$CACHE/apt.log" 2>&1 || die "apt-get update for $SUITE failed (see $CACHE/apt.log)"
  echo "$PROG: downloading ${need[*]} (Debian $SUITE)" >&2
  tmp=$(mktemp -d "$CACHE/debs/.dl.XXXXXX")
  if ! (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1; then
    "${APT[@]}" update >>"$CACHE/apt.log" 2>&1 || true # stale lists name versions the mirror dropped
    (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1 ||
      { rm -rf "$tmp"; die "apt-get download ${need[*]} failed (see $CACHE/apt.log)"; }
  fi
  for f in "$tmp"/*.deb; do [ -e "$CACHE/debs/${f##*/}" ] || mv "$f" "$CACHE/debs/"; done
  rm -rf "$tmp"
fi
declare -A DEB=()
for p in "${PKGS[@]}"; do DEB[$p]=$(cached_deb "$p"); [ -n "${DEB[$p]}" ] || die "no cached .deb for $p"; done
VERSION=$(deb_version "${DEB[victoria-metrics]}")

# --- Up to date? ------------------------------------------------------------------------------
recipe=$( {
  echo "tag $TAG arch $ARCH"
  for p in "${PKGS[@]}"; do printf '%s\0' "${DEB[$p]}"; done | xargs -0 sha256sum | sed 's|  .*/|  |'
  [ -z "$BUSYBOX" ] || sha256sum <"$BUSYBOX"
  cat "$SELF"
} | sha256sum | cut -c1-64)
if [ "$FORCE" = 0 ] && [ "$(docker image inspect --format '{{index .Config.Labels "org.obsctl.recipe"}}' "$TAG" 2>/dev/null || true)" = "$recipe" ]; then
  echo "$TAG  up to date  victoria-metrics $VERSION"
  exit 0
fi

# --- Stage the root ---------------------------------------------------------------------------
extracted() { # PKG -> directory holding the unpacked .deb (unpacked once into the shared cache)
  local dir tmp
  dir="$CACHE/x/$(basename "${DEB[$1]}" .deb)"
  if [ ! -d "$dir" ]; then
    tmp=$(mktemp -d "$CACHE/x/.tmp.XXXXXX")
    dpkg-deb -x "${DEB[$1]}" "$tmp" || die "dpkg-deb -x ${DEB[$1]} failed"
    mv "$tmp" "$dir"
  fi
  printf '%s' "$dir"
}
ctx=$(mktemp -d "$CACHE/build/victoria-metrics.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
r=$ctx/root
mkdir -p "$r/bin" "$r/etc" "$r/usr/bin" "$r/usr/lib" "$r/usr/lib64" "$r/tmp" "$r/root" "$r/home" "$r/storage"
ln -s usr/lib "$r/lib"
ln -s usr/lib64 "$r/lib64"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
[ -n "$BUSYBOX" ] || BUSYBOX=$(extracted busybox-static)/usr/bin/busybox
install -m 0755 "$BUSYBOX" "$r/bin/busybox"
for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >"$r/etc/passwd"
printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$r/etc/group"
printf '%s\n' 'hosts: files dns' 'networks: files' >"$r/etc/nsswitch.conf"

src=$(extracted victoria-metrics)/usr/bin/victoria-metrics
install -m 0755 "$src" "$r/usr/bin/victoria-metrics"
ln -s usr/bin/victoria-metrics "$r/victoria-metrics-prod" # the upstream image's entrypoint path
# Libraries: listed by trixie's own loader against trixie's libc6/libzstd1 (the host's glibc may
# be older), copied to the paths they have in those packages (merged /usr).
libpath='' loader=''
for p in "${LIB_PKGS[@]}"; do
  for d in "$(extracted "$p")"/usr/lib/*-linux-gnu; do libpath+=${libpath:+:}$d; done
done
interp=$(LC_ALL=C readelf -l "$src" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] || interp=/lib64/ld-linux-x86-64.so.2
for c in "$(extracted libc6)/usr$interp" "$(extracted libc6)$interp"; do [ -e "$c" ] && { loader=$(realpath "$c"); break; }; done
[ -n "$loader" ] || die "program interpreter $interp is not in libc6"
out=$(LC_ALL=C "$loader" --library-path "$libpath" --list "$src") || die "listing the libraries of $src failed: $out"
while read -r line; do
  case $line in
    *' => not found'*) die "$src needs ${line%% *}, which is in none of ${LIB_PKGS[*]}" ;;
    *' => '*) path=${line#* => } path=${path% (*} ;;
    *) continue ;;
  esac
  rel=''
  for p in "${LIB_PKGS[@]}"; do d=$(extracted "$p"); case $path in "$d"/*) rel=${path#"$d"} ;; esac; done
  [ -n "$rel" ] || die "$src: ${line%% *} resolved outside ${LIB_PKGS[*]}: $path"
  case $rel in /lib/* | /lib64/*) rel=/usr$rel ;; esac
  [ -e "$r$rel" ] || install -D -m 0755 "$(realpath "$path")" "$r$rel"
done <<<"$out"
if [ ! -e "$r$interp" ]; then # /lib64/ld-linux-x86-64.so.2 -> ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
  ldso=$(cd "$r" && find usr/lib -name "$(basename "$interp")" | head -n1)
  [ -n "$ldso" ] || die "the loader $interp was not staged"
  ln -s "$(realpath --relative-to="$(dirname "$r/usr$interp")" "$r/$ldso")" "$r/usr$interp"
fi

# root:root everywhere except /storage (65534:65534: VictoriaMetrics runs as nobody).
tar --numeric-owner --owner=0 --group=0 --anchored --exclude=./storage -cf "$ctx/rootfs.tar" -C "$r" .
tar --numeric-owner --owner=65534 --group=65534 -rf "$ctx/rootfs.tar" -C "$r" ./storage
rm -rf "$r"
pkgs=()
for p in "${PKGS[@]}"; do pkgs+=("$p=$(deb_version "${DEB[$p]}")"); done
cat >"$ctx/Dockerfile" <<DF
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 8428
WORKDIR /storage
ENTRYPOINT ["/usr/bin/victoria-metrics"]
CMD ["-storageDataPath=/storage", "-httpListenAddr=:8428", "-retentionPeriod=1d", "-search.latencyOffset=0s"]
LABEL org.opencontainers.image.title="$TAG" \\
      org.opencontainers.image.description="Local obsctl test image, built FROM scratch from Debian $SUITE packages (victoria-metrics $VERSION) by docker/build-victoria-metrics-image.sh; not an upstream image." \\
      org.obsctl.debian-packages="${pkgs[*]}" \\
      org.obsctl.recipe="$recipe"
DF
old=$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
if ! docker build --rm --force-rm -t "$TAG" "$ctx" >"$ctx/build.log" 2>&1; then
  tail -n 30 "$ctx/build.log" >&2
  die "docker build of $TAG failed"
fi
new=$(docker image inspect --format '{{.Id}}' "$TAG")
[ -z "$old" ] || [ "$old" = "$new" ] || docker rmi "$old" >/dev/null 2>&1 || true
printf '%s  built  victoria-metrics %s  (%.1fs)\n' "$TAG" "$VERSION" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
