#!/usr/bin/env bash
# Build obsctl-test/prometheus:3.5-otlp: Prometheus 3.5.3 WITH the OTLP receiver, compiled here
# from Debian's own source of its 3.5.3 package, because Debian's binary has it compiled out
# (Debian #1080354: the OpenTelemetry collector libraries were not packaged when it was built) and
# no upstream binary or image is reachable from this machine.
#
#   source   prometheus_3.5.3+ds1.orig.tar.xz from Debian unstable (`apt-get source
#            --download-only`; it is the full upstream tree, storage/remote/otlptranslator included),
#            checked against the sha256 pinned below
#   libs     the Debian unstable golang-*-dev packages in docker/prometheus-otlp/build-deps.txt
#            (golang-opentelemetry-collector-dev, golang-github-prometheus-otlptranslator-dev, ...)
#            and Debian's Go 1.27, unpacked with dpkg-deb -x into a private tree (never installed)
#   build    GOPATH mode (like Debian's dh-golang), offline (GOPROXY=off), CGO off (static),
#            `nice -n 19`, GOMAXPROCS=2; docker/prometheus-otlp/debian-deps.patch drops what
#            has no Debian package (cloud service discoveries, azuread auth, delta-to-cumulative)
#   image    FROM scratch: /bin/prometheus + busybox (wget for the healthcheck), like
#            obsctl-test/prometheus:3.5 from docker/build-images.sh, tagged obsctl-test/prometheus:3.5-otlp
#
# The binary is cached under $OBSCTL_IMAGES_CACHE/unstable/prometheus-otlp/<key>, key = sha256 of
# the source, the patch, the exact .deb files and the build flags; the image carries the same key
# as org.obsctl.recipe. A second run with everything cached takes seconds; the first compiles
# about 600 Go packages (see docs/otlp.md for the time it takes).
#
# Usage: docker/build-prometheus-otlp.sh [--refresh] [--force] [--cached-only]
#   --refresh      re-read the Debian package lists and fetch the current .debs (a new key: rebuild)
#   --force        rebuild the binary and the image even when cached
#   --cached-only  build the image only from an already compiled binary: exit 4 (nothing
#                  downloaded or compiled) when the .debs or the binary are not cached
# Output: one line "<image:tag>  built|up to date  <details>" on stdout.
# Exit status: 0 ok, 1 error, 3 no Docker engine (callers must report Docker tests as SKIPPED),
# 4 not cached (--cached-only).
set -euo pipefail
shopt -s nullglob

PROG=build-prometheus-otlp
log() { echo "$PROG: $*" >&2; }
die() { echo "$PROG: error: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=unstable
TAG=obsctl-test/prometheus:3.5-otlp
LABEL_RECIPE=org.obsctl.recipe
ORIG=prometheus_3.5.3+ds1.orig.tar.xz
ORIG_SHA256=271a91b47e6ff9e507bf94e8c9eb76005ff24afd07a713bd1345a4b98e3add1c
VERSION=3.5.3
PATCH=$HERE/prometheus-otlp/debian-deps.patch
mapfile -t DEPS < <(grep -v '^#' "$HERE/prometheus-otlp/build-deps.txt" | grep .)
DEPS+=(busybox-static)

REFRESH=0 FORCE=0 CACHED_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --refresh) REFRESH=1 ;;
    --force) FORCE=1 ;;
    --cached-only) CACHED_ONLY=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "$PROG: Docker engine not available; no image built; Docker tests must be reported as SKIPPED, not passed." >&2
  exit 3
}
export DOCKER_BUILDKIT=0 # classic builder: FROM scratch + ADD of a local tar

# shellcheck source=docker/debian-cache.sh
source "$HERE/debian-cache.sh" # CACHE (= <cache>/unstable), ARCH, APT; holds the cache lock
WORK=$CACHE/prometheus-otlp
mkdir -p "$WORK/debs" "$WORK/src" "$WORK/bin"

# --- Inputs: source tarball and .debs -----------------------------------------------------------
not_cached() { echo "$PROG: not cached: $*; run docker/build-prometheus-otlp.sh without --cached-only to compile it" >&2; exit 4; }
if [ ! -f "$WORK/src/$ORIG" ]; then
  [ "$CACHED_ONLY" = 0 ] || not_cached "$ORIG"
  log "downloading $ORIG (Debian $SUITE source package prometheus)"
  mkdir -p "$WORK/src-lists/partial" "$WORK/src-apt/archives/partial"
  sed 's/^Types: deb$/Types: deb-src/' "$CACHE/$SUITE.sources" >"$WORK/src.sources"
  SRC_APT=(apt-get -q -o Dir::Etc::SourceList="$WORK/src.sources" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$WORK/src-lists" -o Dir::Cache="$WORK/src-apt")
  [ "$(id -u)" = 0 ] && SRC_APT+=(-o APT::Sandbox::User=root)
  "${SRC_APT[@]}" update >"$WORK/src-apt.log" 2>&1 || die "apt-get update (deb-src) failed (see $WORK/src-apt.log)"
  tmp=$(mktemp -d "$WORK/src/.dl.XXXXXX")
  # The .dsc and debian.tar.xz of this version are missing from the mirror (404) while the orig
  # tarball is there, so apt's exit status is ignored; the pinned checksum decides.
  (cd "$tmp" && "${SRC_APT[@]}" source --download-only "prometheus=${VERSION}+ds1-6") >>"$WORK/src-apt.log" 2>&1 || true
  [ -f "$tmp/$ORIG" ] || { rm -rf "$tmp"; die "could not download $ORIG (see $WORK/src-apt.log)"; }
  mv "$tmp/$ORIG" "$WORK/src/$ORIG"
  rm -rf "$tmp"
fi
echo "$ORIG_SHA256  $WORK/src/$ORIG" | sha256sum -c --quiet - >/dev/null 2>&1 ||
  die "$WORK/src/$ORIG does not have the pinned sha256 $ORIG_SHA256 (delete it to download again)"

cached_deb() { local f=("$WORK/debs/$1_"*.deb); [ ${#f[@]} -eq 1 ] && printf '%s' "${f[0]}"; }
need=()
for p in "${DEPS[@]}"; do
  if [ "$REFRESH" = 1 ] || [ -z "$(cached_deb "$p")" ]; then need+=("$p"); fi
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$CACHED_ONLY" = 0 ] || not_cached "${#need[@]} of the .debs"
  lists=("$CACHE/lists/"*"_${SUITE}_"*Packages*)
  if [ "$REFRESH" = 1 ] || [ ${#lists[@]} -eq 0 ]; then
    log "reading Debian $SUITE package lists"
    "${APT[@]}" update >"$CACHE/apt.log" 2>&1 || die "apt-get update for $SUITE failed (see $CACHE/apt.log)"
  fi
  log "downloading ${#need[@]} .debs (Debian $SUITE: Go 1.27 and the golang-*-dev libraries)"
  tmp=$(mktemp -d "$WORK/debs/.dl.XXXXXX")
  (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1 ||
    { rm -rf "$tmp"; die "apt-get download failed (see $CACHE/apt.log)"; }
  for f in "$tmp"/*.deb; do
    name=${f##*/} name=${name%%_*}
    rm -f "$WORK/debs/${name}_"*.deb
    mv "$f" "$WORK/debs/"
  done
  rm -rf "$tmp"
fi
DEBS=()
for p in "${DEPS[@]}"; do f=$(cached_deb "$p") || die "no cached .deb for $p"; DEBS+=("$f"); done
exec 9>&- # the shared package cache is no longer touched: let other image builds run

# --- Binary -------------------------------------------------------------------------------------
LDFLAGS="-s -w -buildid= -X github.com/prometheus/common/version.Version=$VERSION
  -X github.com/prometheus/common/version.Revision=debian-${VERSION}+ds1-otlp
  -X github.com/prometheus/common/version.Branch=debian-source
  -X github.com/prometheus/common/version.BuildUser=obsctl-build-prometheus-otlp
  -X github.com/prometheus/common/version.BuildDate=20250101-00:00:00"
build_binary() { # SRCDIR GOTREE OUT
  local src=$1 tree=$2 out=$3 go=$2/usr/lib/go-1.27/bin/go
  (
    cd "$src"
    export GOROOT=$tree/usr/lib/go-1.27 GOPATH=$WORK/tmp/gopath:$tree/usr/share/gocode
    export GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local GOTELEMETRY=off CGO_ENABLED=0
    export GOCACHE=$WORK/gocache GOMAXPROCS=2 # kept: a rebuild after --refresh recompiles only what changed
    nice -n 19 "$go" build -p 2 -trimpath -tags netgo,osusergo -ldflags "$LDFLAGS" -o "$out" ./cmd/prometheus
  )
}
KEY=$(
  {
    echo "orig $ORIG_SHA256"
    sha256sum <"$PATCH"
    for f in "${DEBS[@]}"; do echo "deb ${f##*/}"; done
    echo "ldflags $LDFLAGS"
    declare -f build_binary
  } | sha256sum | cut -c1-64
)
BIN=$WORK/bin/$KEY/prometheus
if [ "$FORCE" = 1 ] || [ ! -x "$BIN" ]; then
  [ "$CACHED_ONLY" = 0 ] || not_cached "the compiled binary (key ${KEY:0:12})"
  t0=$EPOCHREALTIME
  rm -rf "$WORK/tmp"
  mkdir -p "$WORK/tmp/tree" "$WORK/tmp/gopath/src/github.com/prometheus"
  log "unpacking ${#DEBS[@]} .debs and $ORIG"
  for f in "${DEBS[@]}"; do dpkg-deb -x "$f" "$WORK/tmp/tree" || die "dpkg-deb -x $f failed"; done
  tar -xJf "$WORK/src/$ORIG" -C "$WORK/tmp"
  mv "$WORK/tmp/prometheus-$VERSION" "$WORK/tmp/gopath/src/github.com/prometheus/prometheus"
  patch -s -p1 -d "$WORK/tmp/gopath/src/github.com/prometheus/prometheus" <"$PATCH" || die "debian-deps.patch does not apply"
  log "compiling Prometheus $VERSION with the OTLP receiver (Go 1.27, GOPATH mode, offline; nice -n 19, GOMAXPROCS=2)"
  build_binary "$WORK/tmp/gopath/src/github.com/prometheus/prometheus" "$WORK/tmp/tree" "$WORK/tmp/prometheus" >"$WORK/build.log" 2>&1 ||
    { tail -n 30 "$WORK/build.log" >&2; die "go build failed (log: $WORK/build.log)"; }
  help=$("$WORK/tmp/prometheus" --help 2>&1) || true
  [[ $help == *web.enable-otlp-receiver* ]] || die "the built binary has no --web.enable-otlp-receiver"
  mkdir -p "$WORK/bin/$KEY.tmp" && mv "$WORK/tmp/prometheus" "$WORK/bin/$KEY.tmp/prometheus"
  rm -rf "$WORK/bin/$KEY" && mv "$WORK/bin/$KEY.tmp" "$WORK/bin/$KEY"
  rm -rf "$WORK/tmp"
  log "compiled in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s (wall clock, including unpacking)"
fi
for d in "$WORK/bin/"*/; do [ "$d" = "$WORK/bin/$KEY/" ] || rm -rf "$d"; done # older keys

# --- Image --------------------------------------------------------------------------------------
dockerfile() {
  cat <<'DF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
DF
}
stage() { # ROOT: busybox + applets, passwd/group, /bin/prometheus, a default config
  local r=$1 bb=$2 a
  mkdir -p "$r/bin" "$r/etc/prometheus" "$r/prometheus" "$r/tmp"
  chmod 1777 "$r/tmp"
  install -m 0755 "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'hosts: files dns' >"$r/etc/nsswitch.conf"
  install -m 0755 "$BIN" "$r/bin/prometheus"
  printf '%s\n' '# Default configuration of the obsctl test image; obsctl mounts its own.' 'scrape_configs:' \
    '  - job_name: prometheus' '    static_configs:' '      - targets: ["localhost:9090"]' >"$r/etc/prometheus/prometheus.yml"
}
RECIPE=$({ echo "key $KEY busybox ${DEBS[-1]##*/}"; declare -f stage; dockerfile; } | sha256sum | cut -c1-64)
if [ "$FORCE" = 0 ] && [ "$(docker image inspect --format "{{index .Config.Labels \"$LABEL_RECIPE\"}}" "$TAG" 2>/dev/null)" = "$RECIPE" ]; then
  printf '%-34s up to date   prometheus %s (Debian source, OTLP receiver on)  recipe %.12s\n' "$TAG" "$VERSION" "$RECIPE"
  exit 0
fi
dir=$WORK/image
rm -rf "$dir" && mkdir -p "$dir/root" "$dir/bb"
dpkg-deb -x "${DEBS[-1]}" "$dir/bb"
stage "$dir/root" "$dir/bb/usr/bin/busybox"
tar --numeric-owner --owner=0 --group=0 --exclude=./prometheus --exclude=./etc/prometheus -cf "$dir/rootfs.tar" -C "$dir/root" .
tar --numeric-owner --owner=65534 --group=65534 -rf "$dir/rootfs.tar" -C "$dir/root" ./prometheus ./etc/prometheus
{
  dockerfile
  printf 'LABEL org.opencontainers.image.title="%s" \\\n' "$TAG"
  printf '      org.opencontainers.image.description="Local obsctl test image: Prometheus %s compiled by docker/build-prometheus-otlp.sh from Debian unstable source (%s) and Debian golang-*-dev libraries, with the OTLP receiver that Debian'"'"'s binary lacks; not an upstream image." \\\n' "$VERSION" "$ORIG"
  printf '      %s="%s"\n' "$LABEL_RECIPE" "$RECIPE"
} >"$dir/Dockerfile"
old=$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
docker build --rm --force-rm -t "$TAG" "$dir" >"$WORK/image-build.log" 2>&1 ||
  { tail -n 30 "$WORK/image-build.log" >&2; die "docker build of $TAG failed (log: $WORK/image-build.log)"; }
new=$(docker image inspect --format '{{.Id}}' "$TAG")
[ -z "$old" ] || [ "$old" = "$new" ] || docker rmi "$old" >/dev/null 2>&1 || true
rm -rf "$dir"
printf '%-34s built        prometheus %s (Debian source, OTLP receiver on)  recipe %.12s\n' "$TAG" "$VERSION" "$RECIPE"
