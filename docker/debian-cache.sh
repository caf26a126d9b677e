# Sourced by docker/build-*.sh: the shared cache of Debian packages, its lock, and apt pointed at
# one suite without touching the host's sources. Expects PROG and SUITE set and die() defined;
# sets CACHE, ARCH and the APT command array, and holds the cache lock (fd 9) until exit.
if [ -z "${OBSCTL_IMAGES_CACHE:-}" ]; then
  OBSCTL_IMAGES_CACHE=/var/cache/obsctl-images
  mkdir -p "$OBSCTL_IMAGES_CACHE" 2>/dev/null && [ -w "$OBSCTL_IMAGES_CACHE" ] ||
    OBSCTL_IMAGES_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/obsctl-images
fi
CACHE=$OBSCTL_IMAGES_CACHE
mkdir -p "$CACHE/debs" "$CACHE/x" "$CACHE/build" "$CACHE/lists/partial" "$CACHE/apt/archives/partial" ||
  die "cannot create the cache directory $CACHE (set OBSCTL_IMAGES_CACHE)"
CACHE=$(cd "$CACHE" && pwd -P)
exec 9>"$CACHE/.lock"
flock -n 9 || { echo "$PROG: waiting for another image build to finish" >&2; flock 9; }
# trixie keeps the top-level layout; another suite (unstable) gets its own lists, .debs and
# unpacked trees under $CACHE/$SUITE, so neither suite's update or cleanup touches the other's.
if [ "$SUITE" != trixie ]; then
  CACHE=$CACHE/$SUITE
  mkdir -p "$CACHE/debs" "$CACHE/x" "$CACHE/build" "$CACHE/lists/partial" "$CACHE/apt/archives/partial"
fi

ARCH=$(dpkg --print-architecture 2>/dev/null) || die "dpkg not found: this script needs a Debian-based host"
APT=(apt-get -q
  -o Dir::Etc::SourceList="$CACHE/$SUITE.sources" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$CACHE/lists" -o Dir::Cache="$CACHE/apt" -o APT::Architecture="$ARCH")
[ "$(id -u)" = 0 ] && APT+=(-o APT::Sandbox::User=root)
cat >"$CACHE/$SUITE.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
