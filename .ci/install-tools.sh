#!/usr/bin/env bash
# Installs the validators obsctl's tests run for real: promtool and amtool from Debian trixie
# (Prometheus 2.53, Alertmanager 0.28: the newest packaged, closest to the pinned images;
# bookworm's amtool 0.25 rejects webhook url_file) and node-exporter (tests capture its real
# output), and busybox (a shell for the local Node test image). Extracted with dpkg -x into $TOOLS_DIR/bin; only chromium and tmux (for obsctl watch's tests) are installed with apt, system-wide.
# Idempotent; downloads are cached in $CACHE.
set -euo pipefail
TOOLS_DIR=${TOOLS_DIR:-/opt/obsctl-tools}
CACHE=${OBSCTL_DEB_CACHE:-/var/cache/obsctl-images}
mkdir -p "$TOOLS_DIR/bin" "$CACHE/debs" "$CACHE/lists/partial"

# obsctl watch's tests drive Debian's chromium (the page, headless) and tmux (the terminal view):
# installed from the host's own Debian sources when missing.
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

want() { [ -x "$TOOLS_DIR/bin/$1" ] && "$TOOLS_DIR/bin/$1" --version >/dev/null 2>&1; }
if want promtool && want amtool && want prometheus-node-exporter && want prometheus && want prometheus-alertmanager && [ -x "$TOOLS_DIR/bin/busybox" ] && [ -f /usr/share/prometheus/alertmanager/default.tmpl ]; then
  echo "install-tools: promtool, amtool, node-exporter present in $TOOLS_DIR/bin"
  exit 0
fi

cat >"$CACHE/trixie.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
A=(-o Dir::Etc::SourceList="$CACHE/trixie.sources" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$CACHE/lists" -o Dir::Cache::archives="$CACHE/apt")
if ! ls "$CACHE"/lists/*trixie*Packages* >/dev/null 2>&1; then
  apt-get "${A[@]}" update >"$CACHE/tools-apt.log" 2>&1 || { echo "install-tools: cannot read Debian trixie package lists (see $CACHE/tools-apt.log)"; exit 1; }
fi
fetch() { # package -> path of its .deb in the cache
  local deb
  deb=$(ls "$CACHE"/debs/"$1"_*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$CACHE/debs" && apt-get "${A[@]}" download "$1" >>"$CACHE/tools-apt.log" 2>&1) || { echo "install-tools: download of $1 failed"; exit 1; }
    deb=$(ls "$CACHE"/debs/"$1"_*.deb | head -n1)
  fi
  echo "$deb"
}
x=$(mktemp -d)
for pkg in promtool prometheus prometheus-alertmanager prometheus-node-exporter busybox-static; do dpkg -x "$(fetch $pkg)" "$x/$pkg"; done
install -m 0755 "$x/promtool/usr/bin/promtool" "$TOOLS_DIR/bin/promtool"
install -m 0755 "$x/prometheus-alertmanager/usr/bin/amtool" "$TOOLS_DIR/bin/amtool"
# The servers too: tests capture their real /metrics to check every metric name dashboards use.
install -m 0755 "$x/prometheus/usr/bin/prometheus" "$TOOLS_DIR/bin/prometheus"
install -m 0755 "$x/prometheus-alertmanager/usr/bin/prometheus-alertmanager" "$TOOLS_DIR/bin/prometheus-alertmanager"
# Debian's Alertmanager reads its default notification templates from this fixed path.
mkdir -p /usr/share/prometheus && cp -r "$x/prometheus-alertmanager/usr/share/prometheus/alertmanager" /usr/share/prometheus/
install -m 0755 "$x/prometheus-node-exporter/usr/bin/prometheus-node-exporter" "$TOOLS_DIR/bin/prometheus-node-exporter"
install -m 0755 "$x/busybox-static/usr/bin/busybox" "$TOOLS_DIR/bin/busybox"   # shell for the local Node test image
rm -rf "$x"
for t in promtool amtool prometheus prometheus-alertmanager prometheus-node-exporter; do echo "install-tools: $("$TOOLS_DIR/bin/$t" --version 2>&1 | head -n1)"; done
