#!/usr/bin/env bash
# Installs the real tools obsctl's tests run, into $TOOLS_DIR/bin, from Debian packages extracted
# with dpkg -x (nothing else on the system changes, except chromium and tmux below):
#
#   promtool, prometheus      3.5.x  Debian unstable  (the pinned image is Prometheus 3.5)
#   amtool                    0.33.x Debian unstable  (newer than the pin: proves an upgrade is safe;
#                                                      amtool-0.28 sits beside it, matching the pin)
#   prometheus-alertmanager   0.28.x Debian trixie    (the version the default pin names)
#   prometheus-node-exporter, busybox (trixie), docker-registry (unstable: the local registry the
#   `images lock` e2e test pushes to, so images get real digests)
#
# $TOOLS_DIR is shared by everyone on a machine and used while this runs: every package version is
# unpacked into its own $TOOLS_DIR/versions/<package>_<version>/ and bin/<tool> is then switched to
# it with a symlink renamed into place (rename(2) is atomic): a reader sees the old tool or the new
# one, never a missing or half-written file. Idempotent; .debs are cached in $CACHE.
set -euo pipefail
TOOLS_DIR=${TOOLS_DIR:-/opt/obsctl-tools}
CACHE=${OBSCTL_DEB_CACHE:-/var/cache/obsctl-images}
mkdir -p "$TOOLS_DIR/bin" "$TOOLS_DIR/versions" "$CACHE"
LOG="$CACHE/tools-apt.log"

# obsctl watch's tests drive Debian's chromium (its page, headless) and tmux (its terminal view):
# installed system-wide with apt from the host's own Debian sources when missing.
missing=()
command -v tmux >/dev/null || missing+=(tmux)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || { echo "install-tools: ${missing[*]} missing; install them (Debian: apt-get install ${missing[*]})"; exit 1; }
  echo "install-tools: installing ${missing[*]} (Debian)"
  { apt-get -o DPkg::Lock::Timeout=600 update &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" fonts-dejavu-core; } >"$CACHE/tools-apt-watch.log" 2>&1 ||
    { echo "install-tools: apt-get install ${missing[*]} failed (see $CACHE/tools-apt-watch.log)"; exit 1; }
fi

# tool name in bin/ -> suite:package:path inside the package
TOOLS=(
  "promtool=unstable:promtool:usr/bin/promtool"
  "prometheus=unstable:prometheus:usr/bin/prometheus"
  "amtool=unstable:prometheus-alertmanager:usr/bin/amtool"
  "amtool-0.28=trixie:prometheus-alertmanager:usr/bin/amtool"
  "prometheus-alertmanager=trixie:prometheus-alertmanager:usr/bin/prometheus-alertmanager"
  "prometheus-node-exporter=trixie:prometheus-node-exporter:usr/bin/prometheus-node-exporter"
  "busybox=trixie:busybox-static:usr/bin/busybox"
  "docker-registry=unstable:docker-registry:usr/bin/docker-registry"
)
# What a tool's --version must say for the installed one to count as current.
declare -A WANT_VERSION=([promtool]='version 3\.5\.' [prometheus]='version 3\.5\.' [amtool]='version 0\.33\.' [amtool-0.28]='version 0\.28\.' [prometheus-alertmanager]='version 0\.28\.')

current() { # TOOL: installed, runs, and is the wanted version
  local t=$1 v
  [ -x "$TOOLS_DIR/bin/$t" ] || return 1
  case $t in busybox) return 0 ;; docker-registry) "$TOOLS_DIR/bin/$t" --version >/dev/null 2>&1; return ;; esac
  v=$("$TOOLS_DIR/bin/$t" --version 2>&1 | head -n1) || return 1
  [ -z "${WANT_VERSION[$t]:-}" ] || grep -Eq "${WANT_VERSION[$t]}" <<<"$v"
}
all_current=1
for spec in "${TOOLS[@]}"; do current "${spec%%=*}" || all_current=0; done
if [ "$all_current" = 1 ] && [ -f /usr/share/prometheus/alertmanager/default.tmpl ]; then
  echo "install-tools: all tools current in $TOOLS_DIR/bin"
  for t in promtool prometheus amtool amtool-0.28 prometheus-alertmanager; do echo "install-tools: $t: $("$TOOLS_DIR/bin/$t" --version 2>&1 | head -n1)"; done
  exit 0
fi

apt_for() { # SUITE -> sets A (apt options) with a per-suite sources file, lists and .deb dirs
  local s=$1 dir
  # trixie keeps the paths it always had (docker/build-images.sh shares them); other suites get
  # their own, so neither suite's `apt-get update` drops the other's lists.
  if [ "$s" = trixie ]; then dir=$CACHE; else dir=$CACHE/$s; fi
  mkdir -p "$dir/debs" "$dir/lists/partial" "$dir/apt/archives/partial"
  cat >"$dir/$s.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $s
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  A=(-o Dir::Etc::SourceList="$dir/$s.sources" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/apt")
  [ "$(id -u)" = 0 ] && A+=(-o APT::Sandbox::User=root)
  DEBS=$dir/debs
  if ! ls "$dir"/lists/*_"$s"_*Packages* >/dev/null 2>&1; then
    apt-get "${A[@]}" update >>"$LOG" 2>&1 || { echo "install-tools: cannot read Debian $s package lists (see $LOG)"; exit 1; }
  fi
}

fetch() { # SUITE PACKAGE -> path of the candidate .deb of PACKAGE in SUITE (downloaded once)
  local s=$1 p=$2 ver deb
  apt_for "$s"
  ver=$(apt-cache "${A[@]}" policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [ -n "$ver" ] && [ "$ver" != '(none)' ] || { echo "install-tools: $p not found in Debian $s" >&2; exit 1; }
  deb=$(ls "$DEBS/${p}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$DEBS" && apt-get "${A[@]}" download "$p=$ver" >>"$LOG" 2>&1) || { echo "install-tools: download of $p $ver ($s) failed (see $LOG)" >&2; exit 1; }
    deb=$(ls "$DEBS/${p}_${ver//:/%3a}_"*.deb | head -n1)
  fi
  echo "$deb"
}

unpacked() { # .deb -> $TOOLS_DIR/versions/<name of the .deb>, unpacked once (into a temp dir, renamed)
  local deb=$1 dir tmp
  dir="$TOOLS_DIR/versions/$(basename "$deb" .deb)"
  if [ ! -d "$dir" ]; then
    tmp=$(mktemp -d "$TOOLS_DIR/versions/.tmp.XXXXXX")
    dpkg -x "$deb" "$tmp"
    chmod 0755 "$tmp"
    mv -T "$tmp" "$dir"
  fi
  echo "$dir"
}

switch() { # TOOL TARGET: bin/TOOL -> TARGET, atomically
  local link="$TOOLS_DIR/bin/$1" rel
  rel=$(realpath --relative-to="$TOOLS_DIR/bin" "$2")
  [ "$(readlink "$link" 2>/dev/null || true)" = "$rel" ] && return 0
  ln -sfn "$rel" "$link.new.$$"
  mv -Tf "$link.new.$$" "$link"
}

for spec in "${TOOLS[@]}"; do
  tool=${spec%%=*} rest=${spec#*=}
  suite=${rest%%:*} rest=${rest#*:}
  pkg=${rest%%:*} path=${rest#*:}
  dir=$(unpacked "$(fetch "$suite" "$pkg")")
  [ -x "$dir/$path" ] || { echo "install-tools: $path missing in $pkg ($suite)" >&2; exit 1; }
  switch "$tool" "$dir/$path"
done

# Debian's Alertmanager reads its default notification templates from this fixed path; they come
# from the same package (trixie 0.28) as the server in bin/. Copied beside, then renamed into place.
am=$(unpacked "$(fetch trixie prometheus-alertmanager)")
mkdir -p /usr/share/prometheus
if ! cmp -s "$am/usr/share/prometheus/alertmanager/default.tmpl" /usr/share/prometheus/alertmanager/default.tmpl 2>/dev/null; then
  rm -rf /usr/share/prometheus/.alertmanager.new
  cp -r "$am/usr/share/prometheus/alertmanager" /usr/share/prometheus/.alertmanager.new
  rm -rf /usr/share/prometheus/.alertmanager.old
  [ ! -e /usr/share/prometheus/alertmanager ] || mv -T /usr/share/prometheus/alertmanager /usr/share/prometheus/.alertmanager.old
  mv -T /usr/share/prometheus/.alertmanager.new /usr/share/prometheus/alertmanager
  rm -rf /usr/share/prometheus/.alertmanager.old
fi

for t in promtool prometheus amtool amtool-0.28 prometheus-alertmanager prometheus-node-exporter; do echo "install-tools: $t: $("$TOOLS_DIR/bin/$t" --version 2>&1 | head -n1)"; done
echo "install-tools: docker-registry: $("$TOOLS_DIR/bin/docker-registry" --version 2>&1 | head -n1)"
