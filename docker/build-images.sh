#!/usr/bin/env bash
# Build obsctl's local test images FROM scratch out of real Debian binaries.
#
#   obsctl-test/prometheus:<major.minor>    prometheus + promtool   (Debian unstable: 3.5, the pin)
#   obsctl-test/alertmanager:<major.minor>  alertmanager + amtool   (Debian trixie: 0.28, the pin)
#   obsctl-test/node-exporter:<major>       node_exporter           (Debian trixie: 1)
#   obsctl-test/dcgm-fixture:1              busybox httpd serving recorded dcgm-exporter output
#
# Each image comes from the Debian suite that has the version the default pin names: prometheus
# from unstable, the others from trixie. `--suite trixie prometheus` builds trixie's 2.53 instead
# (obsctl-test/prometheus:2.53), for a test that deliberately runs an older user-pinned version.
#
# No image registry is reachable here, so nothing is pulled: each package is fetched with
# `apt-get download` (cached under $OBSCTL_IMAGES_CACHE, default /var/cache/obsctl-images),
# unpacked with `dpkg-deb -x` (never installed), and the binary is copied into an empty root
# together with the libraries the dynamic loader lists for it (ldd; taken from trixie's own libc6
# and libtinfo6 packages, not from this host). Every image also gets busybox-static at /bin/busybox
# with its applets (sh, wget, grep, ...) linked in /bin, like the busybox-based official images.
#
# Each image carries the label org.obsctl.recipe=<sha256 of its recipe inputs: the .deb files,
# the staging code, the Dockerfile, the fixture>. When an image with that label already exists the
# build is skipped, so a run with everything up to date takes about a second.
#
# Usage: docker/build-images.sh [--refresh] [--force] [--suite SUITE] [IMAGE...]
#   IMAGE      prometheus | alertmanager | node-exporter | dcgm-fixture (default: all)
#   --suite    build every named IMAGE from this Debian suite instead of its default one
#   --refresh  re-read the package lists and fetch newer .debs (otherwise cached .debs are used)
#   --force    rebuild even when an image with the same recipe exists
# Environment:
#   DCGM_FIXTURE         the recorded exporter output (file, or a directory holding
#                        t4-dcgm-exporter.prom); default: <repo>/../shared/fixtures/dcgm/
#   OBSCTL_IMAGES_CACHE  cache directory for package lists, .debs and build contexts
# Output: one line per image on stdout: "<image:tag>  built|up to date|retagged  <details>".
# Exit status: 0 ok, 1 error, 3 no Docker engine (callers must report Docker tests as SKIPPED).
set -euo pipefail
shopt -s nullglob

PROG=build-images
log() { echo "$PROG: $*" >&2; }
die() { echo "$PROG: error: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=${OBSCTL_DEBIAN_SUITE:-}
RECIPE_FORMAT=1
LABEL_RECIPE=org.obsctl.recipe
ALL_IMAGES=(prometheus alertmanager node-exporter dcgm-fixture)
default_suite() { case $1 in prometheus) echo unstable ;; *) echo trixie ;; esac; }
# Libraries for dynamically linked binaries come from these packages of the same suite only.
LIB_PKGS=(libc6 libtinfo6)

REFRESH=0 FORCE=0 WANT=() ARGS=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --refresh) REFRESH=1 ;;
    --force) FORCE=1 ;;
    --suite) SUITE=${2:?--suite needs a Debian suite}; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    prometheus | alertmanager | node-exporter | dcgm-fixture) WANT+=("$1") ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[ ${#WANT[@]} -gt 0 ] || WANT=("${ALL_IMAGES[@]}")
# Without --suite: build the images of one suite here and hand the others to a second run (after
# this one, which holds the cache lock) with --suite.
OTHER=()
if [ -z "$SUITE" ]; then
  SUITE=$(default_suite "${WANT[0]}")
  mine=()
  for n in "${WANT[@]}"; do if [ "$(default_suite "$n")" = "$SUITE" ]; then mine+=("$n"); else OTHER+=("$n"); fi; done
  WANT=("${mine[@]}")
fi

# --- Docker engine ----------------------------------------------------------------------------
ENGINE_SCRIPT=$(cd "$HERE/../.." 2>/dev/null && pwd)/shared/env/docker-engine.sh
no_engine() {
  echo "$PROG: Docker engine not available: $*" >&2
  [ -f "$ENGINE_SCRIPT" ] && echo "$PROG: start one with: bash $ENGINE_SCRIPT" >&2
  echo "$PROG: no images built; Docker tests must be reported as SKIPPED, not passed." >&2
  exit 3
}
command -v docker >/dev/null 2>&1 || no_engine "the docker CLI is not installed"
docker_err=$(docker version --format '{{.Server.Version}}' 2>&1 >/dev/null) ||
  no_engine "the daemon does not answer (${docker_err//$'\n'/ })"
export DOCKER_BUILDKIT=0 # classic builder: FROM scratch + ADD of a local tar, no buildx needed

# --- Cache, lock, apt -------------------------------------------------------------------------
# shellcheck source=docker/debian-cache.sh
source "$HERE/debian-cache.sh"

LISTS_FRESH=0
apt_update() {
  log "reading Debian $SUITE package lists"
  "${APT[@]}" update >"$CACHE/apt.log" 2>&1 || die "apt-get update for $SUITE failed (see $CACHE/apt.log)"
  LISTS_FRESH=1
}
lists_present() { local f=("$CACHE/lists/"*"_${SUITE}_"*Packages*); [ ${#f[@]} -gt 0 ]; }

deb_field() { # FILE FIELD(1 package, 2 version): from apt's file name NAME_VERSION_ARCH.deb
  local b=${1##*/} parts
  IFS=_ read -r -a parts <<<"${b%.deb}"
  b=${parts[$(($2 - 1))]}
  printf '%s' "${b//%3a/:}"
}

cached_deb() { # PKG -> newest cached .deb of PKG (empty if none)
  local best='' f
  for f in "$CACHE/debs/$1_"*"_$ARCH.deb" "$CACHE/debs/$1_"*_all.deb; do
    if [ -z "$best" ] || dpkg --compare-versions "$(deb_field "$f" 2)" gt "$(deb_field "$best" 2)"; then best=$f; fi
  done
  printf '%s' "$best"
}

fetch_debs() { # PKG... : make sure a .deb of each is cached (all of them again with --refresh)
  local need=() p tmp f name
  for p in "$@"; do
    if [ "$REFRESH" = 1 ] || [ -z "$(cached_deb "$p")" ]; then need+=("$p"); fi
  done
  [ ${#need[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "apt-get not found: cannot fetch ${need[*]}"
  if [ "$REFRESH" = 1 ] || ! lists_present; then apt_update; fi
  tmp=$(mktemp -d "$CACHE/debs/.dl.XXXXXX")
  log "downloading ${need[*]} (Debian $SUITE)"
  if ! (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1; then
    # A stale list names versions the mirror has dropped: re-read the lists once and retry.
    [ "$LISTS_FRESH" = 1 ] || apt_update
    (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1 ||
      { rm -rf "$tmp"; die "apt-get download ${need[*]} failed (see $CACHE/apt.log)"; }
  fi
  for f in "$tmp"/*.deb; do
    name=$(deb_field "$f" 1)
    if [ ! -e "$CACHE/debs/${f##*/}" ]; then
      rm -f "$CACHE/debs/${name}_"*.deb # an older version of the same package
      mv "$f" "$CACHE/debs/"
    fi
  done
  rm -rf "$tmp"
}

# Index of the .debs this run uses (filled once by index_debs; read by everything below).
declare -A DEB=() VER=() SHA=()
index_debs() { # PKG...
  local p
  for p in "$@"; do
    DEB[$p]=$(cached_deb "$p")
    [ -n "${DEB[$p]}" ] || die "no cached .deb for $p"
    VER[$p]=$(deb_field "${DEB[$p]}" 2)
  done
  while read -r sum f; do
    SHA[$(deb_field "$f" 1)]=$sum
  done < <(for p in "$@"; do printf '%s\0' "${DEB[$p]}"; done | xargs -0 sha256sum)
}

extracted() { # PKG -> directory holding the unpacked cached .deb (unpacked once, then reused)
  local deb dir tmp
  deb=${DEB[$1]:-}
  [ -n "$deb" ] || die "$1 is not among the indexed .debs"
  dir="$CACHE/x/$(basename "$deb" .deb)"
  if [ ! -d "$dir" ]; then
    tmp=$(mktemp -d "$CACHE/x/.tmp.XXXXXX")
    dpkg-deb -x "$deb" "$tmp" || die "dpkg-deb -x $deb failed"
    mv "$tmp" "$dir"
  fi
  printf '%s' "$dir"
}

pkg_version() { printf '%s' "${VER[$1]}"; }
upstream_version() { local v=${1#*:}; printf '%s' "${v%%[+~-]*}"; } # 1:2.53.3+ds1-2 -> 2.53.3

# --- Staging helpers (their source is part of every recipe hash) -----------------------------
OWNED=() # paths (relative to the root) that the image owns as uid/gid 65534

add_base() { # ROOT: busybox + applets, merged-/usr lib links, passwd/group, nsswitch, /tmp
  local r=$1 bb a
  bb=$(extracted busybox-static)/usr/bin/busybox
  mkdir -p "$r/bin" "$r/etc" "$r/usr/lib" "$r/usr/lib64" "$r/tmp" "$r/root" "$r/home"
  ln -s usr/lib "$r/lib"
  ln -s usr/lib64 "$r/lib64"
  chmod 1777 "$r/tmp"
  chmod 0700 "$r/root"
  install -m 0755 "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do
    case $a in busybox | bash) continue ;; esac # /bin/bash is only ever the real GNU bash
    ln -s busybox "$r/bin/$a"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'hosts: files dns' 'networks: files' >"$r/etc/nsswitch.conf"
}

add_binary() { # ROOT SRC DEST: copy a binary and, when it is dynamic, the libraries ldd lists
  local r=$1 src=$2 dest=$3 out interp loader libpath='' p d line so path rel
  install -D -m 0755 "$src" "$r$dest"
  out=$(LC_ALL=C ldd "$src" 2>&1) || true
  case $out in *'not a dynamic executable'* | *'statically linked'*) return 0 ;; esac
  # ldd run against trixie's own loader and libraries (this host's glibc may be older).
  # The interpreter line: "/lib64/ld-linux-x86-64.so.2 (0x...)" (other lines may be warnings).
  interp=$(awk '$1 ~ /^\// && ($2 ~ /^\(0x/ || $2 == "=>") { print $1; exit }' <<<"$out")
  [ -n "$interp" ] || die "ldd found no program interpreter in $src: $out"
  for p in "${LIB_PKGS[@]}"; do
    d=$(extracted "$p")
    for path in "$d"/usr/lib/*-linux-gnu "$d"/lib/*-linux-gnu; do libpath+=${libpath:+:}$path; done
    for path in "$d/usr$interp" "$d$interp"; do [ -e "$path" ] && [ -z "${loader:-}" ] && loader=$(realpath "$path"); done
  done
  [ -n "${loader:-}" ] || die "program interpreter $interp of $src is not in ${LIB_PKGS[*]}"
  out=$(LC_ALL=C "$loader" --library-path "$libpath" --list "$src") || die "ldd of $src failed: $out"
  while read -r line; do
    case $line in
      linux-vdso.so.* | linux-gate.so.*) continue ;;
      *' => not found'*) die "$src needs ${line%% *}, which is in none of ${LIB_PKGS[*]}" ;;
      *' => '*) so=${line%% =>*} path=${line#* => } path=${path% (*} ;;
      *) continue ;;
    esac
    rel=''
    for p in "${LIB_PKGS[@]}"; do
      d=$(extracted "$p")
      case $path in "$d"/*) rel=${path#"$d"} ;; esac
    done
    [ -n "$rel" ] || die "$src: $so resolved outside ${LIB_PKGS[*]}: $path"
    case $rel in /lib/* | /lib64/*) rel=/usr$rel ;; esac # the root is merged-/usr
    [ -e "$r$rel" ] || install -D -m 0755 "$(realpath "$path")" "$r$rel"
    if [ "$so" = "$interp" ] && [ ! -e "$r$interp" ]; then # /lib64/ld-linux-x86-64.so.2
      mkdir -p "$(dirname "$r/usr$interp")"
      ln -s "$(realpath --relative-to="$(dirname "$r/usr$interp")" "$r$rel")" "$r/usr$interp"
    fi
  done <<<"$out"
}

copy_tree() { # SRC DEST: copy a directory, dropping symlinks that would dangle in the image
  mkdir -p "$(dirname "$2")"
  cp -a "$1" "$2"
  find "$2" -xtype l -delete
}

own() { OWNED+=("$@"); } # ROOT-relative paths to hand to uid/gid 65534

make_rootfs_tar() { # ROOT TAR: root:root everywhere except the OWNED paths (65534:65534)
  local r=$1 t=$2 ex=() o
  for o in "${OWNED[@]}"; do ex+=(--exclude="./$o"); done
  tar --numeric-owner --owner=0 --group=0 --anchored "${ex[@]}" -cf "$t" -C "$r" .
  [ ${#OWNED[@]} -eq 0 ] ||
    tar --numeric-owner --owner=65534 --group=65534 -rf "$t" -C "$r" "${OWNED[@]/#/./}"
}

# --- Images -----------------------------------------------------------------------------------
# Each image: pkgs_X (the .debs it is made of), tag_X, stage_X ROOT, dockerfile_X (without the
# recipe label), desc_X (what it is, for the description label and the report line).

pkgs_prometheus() { echo prometheus promtool busybox-static "${LIB_PKGS[@]}"; }
tag_prometheus() { local v; v=$(upstream_version "$(pkg_version prometheus)"); echo "obsctl-test/prometheus:${v%.*}"; }
desc_prometheus() { echo "prometheus $(pkg_version prometheus)"; }
stage_prometheus() {
  local r=$1 p
  p=$(extracted prometheus)
  add_base "$r"
  add_binary "$r" "$p/usr/bin/prometheus" /bin/prometheus
  add_binary "$r" "$(extracted promtool)/usr/bin/promtool" /bin/promtool
  # Debian's build reads its web templates and static files from /usr/share/prometheus/web
  # (the React UI is not packaged: / shows Debian's "no UI" page; the API is complete).
  copy_tree "$p/usr/share/prometheus/web" "$r/usr/share/prometheus/web"
  # Same layout as prom/prometheus: console dirs under /usr/share/prometheus, linked from /etc.
  mkdir -p "$r/usr/share/prometheus/consoles" "$r/usr/share/prometheus/console_libraries" "$r/etc/prometheus" "$r/prometheus"
  ln -s /usr/share/prometheus/consoles "$r/etc/prometheus/consoles"
  ln -s /usr/share/prometheus/console_libraries "$r/etc/prometheus/console_libraries"
  cat >"$r/etc/prometheus/prometheus.yml" <<'YML'
# Default configuration of the obsctl test image (same as upstream's example); obsctl mounts its own.
global:
  scrape_interval: 15s
  evaluation_interval: 15s
alerting:
  alertmanagers:
    - static_configs:
        - targets: []
rule_files: []
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
YML
  own prometheus etc/prometheus
}
dockerfile_prometheus() {
  cat <<'DF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.console.libraries=/usr/share/prometheus/console_libraries", "--web.console.templates=/usr/share/prometheus/consoles"]
DF
}

pkgs_alertmanager() { echo prometheus-alertmanager busybox-static "${LIB_PKGS[@]}"; }
tag_alertmanager() { local v; v=$(upstream_version "$(pkg_version prometheus-alertmanager)"); echo "obsctl-test/alertmanager:${v%.*}"; }
desc_alertmanager() { echo "alertmanager $(pkg_version prometheus-alertmanager)"; }
stage_alertmanager() {
  local r=$1 p
  p=$(extracted prometheus-alertmanager)
  add_base "$r"
  add_binary "$r" "$p/usr/bin/prometheus-alertmanager" /bin/alertmanager
  add_binary "$r" "$p/usr/bin/amtool" /bin/amtool
  # Debian's build looks for its UI (or the "no UI" page) under /usr/share/prometheus/alertmanager.
  copy_tree "$p/usr/share/prometheus/alertmanager" "$r/usr/share/prometheus/alertmanager"
  mkdir -p "$r/etc/alertmanager" "$r/alertmanager"
  cat >"$r/etc/alertmanager/alertmanager.yml" <<'YML'
# Default configuration of the obsctl test image (same as upstream's image); obsctl mounts its own.
route:
  group_by: ['alertname']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
  receiver: 'web.hook'
receivers:
  - name: 'web.hook'
    webhook_configs:
      - url: 'http://127.0.0.1:5001/'
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: ['alertname', 'dev', 'instance']
YML
  own alertmanager etc/alertmanager
}
dockerfile_alertmanager() {
  cat <<'DF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 9093
VOLUME ["/alertmanager"]
WORKDIR /alertmanager
ENTRYPOINT ["/bin/alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
DF
}

pkgs_node-exporter() { echo prometheus-node-exporter busybox-static "${LIB_PKGS[@]}"; }
tag_node-exporter() { local v; v=$(upstream_version "$(pkg_version prometheus-node-exporter)"); echo "obsctl-test/node-exporter:${v%%.*}"; }
desc_node-exporter() { echo "node_exporter $(pkg_version prometheus-node-exporter)"; }
stage_node-exporter() {
  local r=$1
  add_base "$r"
  add_binary "$r" "$(extracted prometheus-node-exporter)/usr/bin/prometheus-node-exporter" /bin/node_exporter
}
dockerfile_node-exporter() {
  cat <<'DF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 9100
ENTRYPOINT ["/bin/node_exporter"]
DF
}

DCGM_FIXTURE=${DCGM_FIXTURE:-$HERE/../../shared/fixtures/dcgm}
[ -d "$DCGM_FIXTURE" ] && DCGM_FIXTURE=$DCGM_FIXTURE/t4-dcgm-exporter.prom
pkgs_dcgm-fixture() { echo busybox-static bash "${LIB_PKGS[@]}"; }
tag_dcgm-fixture() { echo "obsctl-test/dcgm-fixture:1"; }
desc_dcgm-fixture() { echo "busybox httpd $(pkg_version busybox-static) serving ${DCGM_FIXTURE##*/}, bash $(pkg_version bash)"; }
stage_dcgm-fixture() {
  local r=$1
  add_base "$r"
  # Real GNU bash: the healthcheck obsctl renders for dcgm-exporter uses bash's /dev/tcp.
  add_binary "$r" "$(extracted bash)/usr/bin/bash" /bin/bash
  mkdir -p "$r/www"
  install -m 0644 "$DCGM_FIXTURE" "$r/www/metrics"
  printf 'OK' >"$r/www/health"
  cat >"$r/bin/dcgm-fixture" <<'SH'
#!/bin/sh
# Stands in for dcgm-exporter: serves recorded output at /metrics and 200 at /health.
# Accepts dcgm-exporter's listen address (-a/--address ADDR or DCGM_EXPORTER_LISTEN, ":9400")
# and ignores its other arguments (counters file, interval, ...).
addr=${DCGM_EXPORTER_LISTEN:-:9400}
while [ $# -gt 0 ]; do
  case $1 in
    -a | --address) addr=$2; shift ;;
    -a=* | --address=*) addr=${1#*=} ;;
  esac
  shift
done
case $addr in :*) addr=${addr#:} ;; esac
# httpd stays in the foreground (-f) as our child; as PID 1 it would ignore SIGTERM, so the
# shell forwards it and `docker stop` is immediate.
/bin/busybox httpd -f -p "$addr" -h /www &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM INT
wait $pid
trap - TERM INT
wait $pid
SH
  chmod 0755 "$r/bin/dcgm-fixture"
}
dockerfile_dcgm-fixture() {
  cat <<'DF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65534
EXPOSE 9400
ENTRYPOINT ["/bin/dcgm-fixture"]
DF
}

# --- Recipe hash, build -----------------------------------------------------------------------
recipe() { # NAME: every input of the image, as text (its sha256 is the recipe label)
  local n=$1 p deb
  echo "format $RECIPE_FORMAT suite $SUITE arch $ARCH tag $(tag_"$n")"
  for p in $(pkgs_"$n"); do echo "deb ${DEB[$p]##*/} ${SHA[$p]}"; done
  [ "$n" != dcgm-fixture ] || echo "fixture $(sha256sum <"$DCGM_FIXTURE" | cut -d' ' -f1)"
  declare -f add_base add_binary copy_tree own make_rootfs_tar "stage_$n"
  echo "LIB_PKGS ${LIB_PKGS[*]}"
  dockerfile_"$n"
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
label_of() { docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

build_one() { # NAME
  local n=$1 tag hash dir t0 old new id desc pkgs=() p
  t0=$EPOCHREALTIME
  [ "$n" != dcgm-fixture ] || [ -f "$DCGM_FIXTURE" ] ||
    die "DCGM fixture not found: $DCGM_FIXTURE (set DCGM_FIXTURE to the recorded dcgm-exporter output)"
  tag=$(tag_"$n") desc=$(desc_"$n")
  hash=$(recipe "$n" | sha256sum | cut -c1-64)
  old=$(label_of "$tag" "$LABEL_RECIPE")
  if [ "$FORCE" = 0 ] && [ "$old" = "$hash" ]; then
    printf '%-34s up to date   %s  recipe %.12s\n' "$tag" "$desc" "$hash"
    return 0
  fi
  id=$(docker images -q --no-trunc --filter "label=$LABEL_RECIPE=$hash" | head -n1)
  if [ "$FORCE" = 0 ] && [ -n "$id" ]; then
    docker tag "$id" "$tag"
    printf '%-34s retagged     %s  recipe %.12s\n' "$tag" "$desc" "$hash"
    return 0
  fi
  log "building $tag ($desc)"
  old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  dir="$CACHE/build/$n"
  rm -rf "$dir"
  mkdir -p "$dir/root"
  OWNED=()
  "stage_$n" "$dir/root"
  make_rootfs_tar "$dir/root" "$dir/rootfs.tar"
  rm -rf "$dir/root"
  for p in $(pkgs_"$n"); do pkgs+=("$p=$(pkg_version "$p")"); done
  {
    dockerfile_"$n"
    printf 'LABEL org.opencontainers.image.title="%s" \\\n' "$tag"
    printf '      org.opencontainers.image.description="Local obsctl test image, built FROM scratch from Debian %s packages (%s) by docker/build-images.sh; not an upstream image." \\\n' "$SUITE" "$desc"
    printf '      org.obsctl.debian-packages="%s" \\\n' "${pkgs[*]}"
    printf '      %s="%s"\n' "$LABEL_RECIPE" "$hash"
  } >"$dir/Dockerfile"
  if ! docker build --rm --force-rm -t "$tag" "$dir" >"$dir/build.log" 2>&1; then
    tail -n 30 "$dir/build.log" >&2
    die "docker build of $tag failed (log: $dir/build.log)"
  fi
  new=$(docker image inspect --format '{{.Id}}' "$tag")
  [ -z "$old" ] || [ "$old" = "$new" ] || docker rmi "$old" >/dev/null 2>&1 || true
  rm -rf "$dir"
  printf '%-34s built        %s  recipe %.12s  (%.1fs)\n' "$tag" "$desc" "$hash" "$(elapsed "$t0")"
}

all_pkgs=()
mapfile -t all_pkgs < <(for n in "${WANT[@]}"; do pkgs_"$n"; done | tr ' ' '\n' | sort -u)
fetch_debs "${all_pkgs[@]}"
index_debs "${all_pkgs[@]}"
for n in "${WANT[@]}"; do build_one "$n"; done

# Drop unpacked trees of .debs that are no longer cached.
for d in "$CACHE/x/"*/; do
  d=${d%/}
  [ -e "$CACHE/debs/${d##*/}.deb" ] || rm -rf "$d"
done

if [ ${#OTHER[@]} -gt 0 ]; then
  exec 9>&- # release the cache lock for the second run
  flags=()
  for a in "${ARGS[@]}"; do case $a in --refresh | --force) flags+=("$a") ;; esac; done
  "${BASH_SOURCE[0]}" "${flags[@]}" --suite "$(default_suite "${OTHER[0]}")" "${OTHER[@]}"
fi
