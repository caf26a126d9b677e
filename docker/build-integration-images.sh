#!/usr/bin/env bash
# Builds the local test images of the integrations e2e (test/e2e/integrations.test.ts) FROM scratch
# out of Debian trixie binaries, the way docker/build-victoria-metrics-image.sh does (same cache and
# lock, `apt-get download` + `dpkg-deb -x`, nothing installed on the host, libraries listed by
# trixie's own loader), with busybox for sh and wget:
#
#   obsctl-test/postgres:17            postgres + initdb (postgresql-17); /bin/postgres-entrypoint
#                                      initialises $PGDATA with POSTGRES_PASSWORD on first start
#   obsctl-test/redis:8                redis-server (redis-server, redis-tools)
#   obsctl-test/postgres-exporter:0.17 /bin/postgres_exporter (prometheus-postgres-exporter), as in
#                                      quay.io/prometheuscommunity/postgres-exporter
#   obsctl-test/redis-exporter:1.69    /redis_exporter (prometheus-redis-exporter), as in
#                                      oliver006/redis_exporter:*-alpine
#   obsctl-test/pushgateway:1.11       /bin/pushgateway (prometheus-pushgateway), /pushgateway owned
#                                      by nobody, as in prom/pushgateway
#
# Everything runs as uid 65534. Idempotent: each image is labelled org.obsctl.recipe=<sha256 of its
# .debs and this script>; an image already carrying its label is not rebuilt.
# Usage: docker/build-integration-images.sh [--force] [IMAGE...]   (IMAGE: postgres redis
#        postgres-exporter redis-exporter pushgateway; default all)
# Exit status: 0 ok, 1 error, 3 no Docker engine (Docker tests must then be reported as SKIPPED).
set -euo pipefail
shopt -s nullglob
PROG=build-integration-images
die() { echo "$PROG: error: $*" >&2; exit 1; }
SUITE=trixie
FORCE=0 WANT=()
for a in "$@"; do
  case $a in
    --force) FORCE=1 ;;
    postgres | redis | postgres-exporter | redis-exporter | pushgateway) WANT+=("$a") ;;
    *) die "unknown argument '$a'" ;;
  esac
done
[ ${#WANT[@]} -gt 0 ] || WANT=(postgres redis postgres-exporter redis-exporter pushgateway)
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

command -v docker >/dev/null 2>&1 || { echo "$PROG: no Docker engine (docker CLI not installed); Docker tests must be reported as SKIPPED" >&2; exit 3; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  { echo "$PROG: no Docker engine (the daemon does not answer); Docker tests must be reported as SKIPPED" >&2; exit 3; }
export DOCKER_BUILDKIT=0

# shellcheck source=docker/debian-cache.sh
source "$(dirname "$SELF")/debian-cache.sh"

# Libraries of the dynamically linked binaries: only from these trixie packages.
LIBS_GO=(libc6)
LIBS_REDIS=(libc6 libssl3t64 libsystemd0 libjemalloc2 liblzf1 libatomic1 libstdc++6 libgcc-s1 libcap2 zlib1g libzstd1 liblz4-1 liblzma5 libgcrypt20 libgpg-error0)
LIBS_PG=(libc6 libgssapi-krb5-2 libicu76 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libcom-err2 libldap2 libsasl2-2
  liblz4-1 liblzma5 libpam0g libaudit1 libcap-ng0 libpq5 libselinux1 libpcre2-8-0 libssl3t64 libstdc++6 libgcc-s1 libsystemd0
  libcap2 libuuid1 libxml2 libxslt1.1 libzstd1 zlib1g libgcrypt20 libgpg-error0 libcrypt1 libreadline8t64 libtinfo6 libedit2
  libbsd0 libmd0 libgnutls30t64 libp11-kit0 libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libxxhash0)
pkgs_of() {
  case $1 in
    postgres) echo postgresql-17 tzdata busybox-static "${LIBS_PG[@]}" ;;
    redis) echo redis-server redis-tools busybox-static "${LIBS_REDIS[@]}" ;;
    postgres-exporter) echo prometheus-postgres-exporter busybox-static "${LIBS_GO[@]}" ;;
    redis-exporter) echo prometheus-redis-exporter busybox-static "${LIBS_GO[@]}" ;;
    pushgateway) echo prometheus-pushgateway busybox-static "${LIBS_GO[@]}" ;;
  esac
}

deb_version() { local b=${1##*/}; b=${b#*_}; b=${b%_*}; printf '%s' "${b//%3a/:}"; }
cached_deb() {
  local best='' f
  for f in "$CACHE/debs/$1_"*"_$ARCH.deb" "$CACHE/debs/$1_"*_all.deb; do
    if [ -z "$best" ] || dpkg --compare-versions "$(deb_version "$f")" gt "$(deb_version "$best")"; then best=$f; fi
  done
  printf '%s' "$best"
}
ALL=()
mapfile -t ALL < <(for n in "${WANT[@]}"; do pkgs_of "$n"; done | tr ' ' '\n' | sort -u)
need=()
for p in "${ALL[@]}"; do [ -n "$(cached_deb "$p")" ] || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  f=("$CACHE/lists/"*"_${SUITE}_"*Packages*)
  [ ${#f[@]} -gt 0 ] || "${APT[@]}" update >"$CACHE/apt.log" 2>&1 || die "apt-get update for $SUITE failed (see $CACHE/apt.log)"
  echo "$PROG: downloading ${need[*]} (Debian $SUITE)" >&2
  tmp=$(mktemp -d "$CACHE/debs/.dl.XXXXXX")
  if ! (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1; then
    "${APT[@]}" update >>"$CACHE/apt.log" 2>&1 || true
    (cd "$tmp" && "${APT[@]}" download "${need[@]}") >>"$CACHE/apt.log" 2>&1 ||
      { rm -rf "$tmp"; die "apt-get download ${need[*]} failed (see $CACHE/apt.log)"; }
  fi
  for f in "$tmp"/*.deb; do [ -e "$CACHE/debs/${f##*/}" ] || mv "$f" "$CACHE/debs/"; done
  rm -rf "$tmp"
fi
declare -A DEB=()
for p in "${ALL[@]}"; do DEB[$p]=$(cached_deb "$p"); [ -n "${DEB[$p]}" ] || die "no cached .deb for $p"; done

extracted() {
  local dir tmp
  dir="$CACHE/x/$(basename "${DEB[$1]}" .deb)"
  if [ ! -d "$dir" ]; then
    tmp=$(mktemp -d "$CACHE/x/.tmp.XXXXXX")
    dpkg-deb -x "${DEB[$1]}" "$tmp" || die "dpkg-deb -x ${DEB[$1]} failed"
    mv "$tmp" "$dir"
  fi
  printf '%s' "$dir"
}

base_root() { # ROOT: busybox + applets, passwd/group, merged /usr, /tmp
  local r=$1 bb a
  bb=$(extracted busybox-static)/usr/bin/busybox
  mkdir -p "$r/bin" "$r/etc" "$r/usr/bin" "$r/usr/lib" "$r/usr/lib64" "$r/tmp" "$r/root" "$r/home"
  ln -s usr/lib "$r/lib"
  ln -s usr/lib64 "$r/lib64"
  chmod 1777 "$r/tmp"
  install -m 0755 "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do [ "$a" = busybox ] || [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'hosts: files dns' 'networks: files' >"$r/etc/nsswitch.conf"
}

add_binary() { # ROOT SRC DEST LIBPKG...: the binary and the libraries trixie's loader lists for it
  local r=$1 src=$2 dest=$3 libpath='' loader='' interp out line path rel p d ldso
  shift 3
  install -D -m 0755 "$src" "$r$dest"
  interp=$(LC_ALL=C readelf -l "$src" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  [ -n "$interp" ] || return 0 # static
  for p in "$@"; do for d in "$(extracted "$p")"/usr/lib/*-linux-gnu "$(extracted "$p")"/lib/*-linux-gnu; do libpath+=${libpath:+:}$d; done; done
  for c in "$(extracted libc6)/usr$interp" "$(extracted libc6)$interp"; do [ -e "$c" ] && { loader=$(realpath "$c"); break; }; done
  [ -n "$loader" ] || die "program interpreter $interp is not in libc6"
  out=$(LC_ALL=C "$loader" --library-path "$libpath" --list "$src") || die "listing the libraries of $src failed: $out"
  while read -r line; do
    case $line in
      *' => not found'*) die "$src needs ${line%% *}, which is in none of: $*" ;;
      *' => '*) path=${line#* => } path=${path% (*} ;;
      *) continue ;;
    esac
    rel=''
    for p in "$@"; do d=$(extracted "$p"); case $path in "$d"/*) rel=${path#"$d"} ;; esac; done
    [ -n "$rel" ] || die "$src: ${line%% *} resolved outside the listed packages: $path"
    case $rel in /lib/* | /lib64/*) rel=/usr$rel ;; esac
    [ -e "$r$rel" ] || install -D -m 0755 "$(realpath "$path")" "$r$rel"
  done <<<"$out"
  if [ ! -e "$r$interp" ]; then
    ldso=$(cd "$r" && find usr/lib -name "$(basename "$interp")" | head -n1)
    [ -n "$ldso" ] || die "the loader $interp was not staged"
    mkdir -p "$(dirname "$r/usr$interp")"
    ln -s "$(realpath --relative-to="$(dirname "$r/usr$interp")" "$r/$ldso")" "$r/usr$interp"
  fi
}

# --- Images: stage_X ROOT (fills the root), dockerfile_X, owned_X (paths for uid 65534) ---------
stage_postgres-exporter() { base_root "$1"; add_binary "$1" "$(extracted prometheus-postgres-exporter)/usr/bin/prometheus-postgres-exporter" /bin/postgres_exporter "${LIBS_GO[@]}"; }
df_postgres-exporter() { printf 'EXPOSE 9187\nENTRYPOINT ["/bin/postgres_exporter"]\n'; }
stage_redis-exporter() { base_root "$1"; add_binary "$1" "$(extracted prometheus-redis-exporter)/usr/bin/prometheus-redis-exporter" /redis_exporter "${LIBS_GO[@]}"; }
df_redis-exporter() { printf 'EXPOSE 9121\nENTRYPOINT ["/redis_exporter"]\n'; }
stage_pushgateway() {
  base_root "$1"
  add_binary "$1" "$(extracted prometheus-pushgateway)/usr/bin/prometheus-pushgateway" /bin/pushgateway "${LIBS_GO[@]}"
  mkdir -p "$1/pushgateway"
}
owned_pushgateway() { echo pushgateway; }
df_pushgateway() { printf 'EXPOSE 9091\nWORKDIR /pushgateway\nENTRYPOINT ["/bin/pushgateway"]\n'; }
stage_redis() {
  base_root "$1"
  add_binary "$1" "$(extracted redis-tools)/usr/bin/redis-check-rdb" /usr/bin/redis-server "${LIBS_REDIS[@]}" # redis-server is a link to it
  add_binary "$1" "$(extracted redis-tools)/usr/bin/redis-cli" /usr/bin/redis-cli "${LIBS_REDIS[@]}"
  mkdir -p "$1/data"
}
owned_redis() { echo data; }
df_redis() { printf 'EXPOSE 6379\nWORKDIR /data\nENTRYPOINT ["/usr/bin/redis-server"]\nCMD ["--protected-mode", "no", "--save", ""]\n'; }
stage_postgres() {
  local r=$1 pg b
  pg=$(extracted postgresql-17)
  base_root "$r"
  for b in postgres initdb pg_ctl; do add_binary "$r" "$pg/usr/lib/postgresql/17/bin/$b" "/usr/lib/postgresql/17/bin/$b" "${LIBS_PG[@]}"; done
  # Loadable modules (plpgsql, dict_snowball, ...) and the share files initdb reads.
  cp -a "$pg/usr/lib/postgresql/17/lib" "$r/usr/lib/postgresql/17/lib"
  mkdir -p "$r/usr/share/postgresql"
  cp -a "$pg/usr/share/postgresql/17" "$r/usr/share/postgresql/17"
  mkdir -p "$r/usr/share/zoneinfo"
  cp -a "$(extracted tzdata)/usr/share/zoneinfo/." "$r/usr/share/zoneinfo/"
  find "$r/usr" -xtype l -delete
  mkdir -p "$r/var/lib/postgresql/data" "$r/var/run/postgresql"
  cat >"$r/bin/postgres-entrypoint" <<'SH'
#!/bin/sh
# First start: initdb with POSTGRES_PASSWORD for user postgres (scram), clients from any address.
set -e
: "${PGDATA:=/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" >/tmp/pwfile
  /usr/lib/postgresql/17/bin/initdb -D "$PGDATA" -U postgres --pwfile=/tmp/pwfile --auth=scram-sha-256 --no-locale -E UTF8 >/tmp/initdb.log
  rm -f /tmp/pwfile
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
fi
exec /usr/lib/postgresql/17/bin/postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
SH
  chmod 0755 "$r/bin/postgres-entrypoint"
}
owned_postgres() { printf '%s\n' var/lib/postgresql var/run/postgresql; }
df_postgres() { printf 'ENV TZ=UTC PGDATA=/var/lib/postgresql/data\nEXPOSE 5432\nENTRYPOINT ["/bin/postgres-entrypoint"]\n'; }
tag_of() {
  case $1 in
    postgres) echo obsctl-test/postgres:17 ;;
    redis) echo obsctl-test/redis:8 ;;
    postgres-exporter) echo obsctl-test/postgres-exporter:0.17 ;;
    redis-exporter) echo obsctl-test/redis-exporter:1.69 ;;
    pushgateway) echo obsctl-test/pushgateway:1.11 ;;
  esac
}

build() { # NAME
  local n=$1 tag recipe ctx r t0 owned=() o ex=() pk=() p
  t0=$EPOCHREALTIME
  tag=$(tag_of "$n")
  recipe=$( {
    echo "image $n tag $tag arch $ARCH"
    for p in $(pkgs_of "$n"); do printf '%s\0' "${DEB[$p]}"; done | xargs -0 sha256sum | sed 's|  .*/|  |'
    cat "$SELF"
  } | sha256sum | cut -c1-64)
  if [ "$FORCE" = 0 ] && [ "$(docker image inspect --format '{{index .Config.Labels "org.obsctl.recipe"}}' "$tag" 2>/dev/null || true)" = "$recipe" ]; then
    echo "$tag  up to date"
    return 0
  fi
  ctx=$(mktemp -d "$CACHE/build/integration-$n.XXXXXX")
  r=$ctx/root
  mkdir -p "$r"
  "stage_$n" "$r"
  if declare -F "owned_$n" >/dev/null; then mapfile -t owned < <("owned_$n"); fi
  for o in "${owned[@]}"; do ex+=(--exclude="./$o"); done
  tar --numeric-owner --owner=0 --group=0 --anchored "${ex[@]}" -cf "$ctx/rootfs.tar" -C "$r" .
  [ ${#owned[@]} -eq 0 ] || tar --numeric-owner --owner=65534 --group=65534 -rf "$ctx/rootfs.tar" -C "$r" "${owned[@]/#/./}"
  rm -rf "$r"
  for p in $(pkgs_of "$n"); do pk+=("$p=$(deb_version "${DEB[$p]}")"); done
  {
    printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nUSER 65534\n'
    "df_$n"
    printf 'LABEL org.opencontainers.image.title="%s" org.opencontainers.image.description="Local obsctl test image, built FROM scratch from Debian %s packages by docker/build-integration-images.sh; not an upstream image." org.obsctl.debian-packages="%s" org.obsctl.recipe="%s"\n' "$tag" "$SUITE" "${pk[*]:0:3}" "$recipe"
  } >"$ctx/Dockerfile"
  if ! docker build --rm --force-rm -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then
    tail -n 30 "$ctx/build.log" >&2
    rm -rf "$ctx"
    die "docker build of $tag failed"
  fi
  rm -rf "$ctx"
  printf '%s  built  %s  (%.1fs)\n' "$tag" "${pk[0]}" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
}

for n in "${WANT[@]}"; do build "$n"; done
