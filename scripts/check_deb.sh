#!/bin/sh
# Builds the Debian package of a build (CPack) and checks it as a clean Debian 12 would see it,
# without network and without touching this system's dpkg database:
#   1. every shared library a packaged binary needs either ships in the package or belongs to a
#      Debian package the .deb depends on (so apt brings it on a clean system);
#   2. unpacked into a scratch root (dpkg-deb -x), `cimsim run` of the packaged default config
#      works from an empty folder, finding the packaged presets and library by itself;
#   3. the packaged Python module imports and runs from the scratch root.
#
#   scripts/check_deb.sh [BUILD_DIR] [OUT_DIR]  (default: build; the .deb is kept in OUT_DIR if given)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
cpack=${CPACK_COMMAND:-cpack}
CHECK=check_deb
. "$src/scripts/check_common.sh"

(cd "$build" && "$cpack" -G DEB -B "$work/package") >"$log" 2>&1 || fail "cpack -G DEB"
deb=$(find "$work/package" -maxdepth 1 -name '*.deb' | head -1)
[ -n "$deb" ] || fail "cpack made no .deb"
[ -n "${2:-}" ] && cp "$deb" "$2/"
depends=$(dpkg-deb -f "$deb" Depends)
step "$(basename "$deb"): Depends: $depends"

root=$work/root
dpkg-deb -x "$deb" "$root"

# 1. Shared libraries each binary names (DT_NEEDED; what those need in turn their own packages
#    bring): from the package itself, or from a package in Depends.
needs=$work/needs
: >"$needs"
for f in $(find "$root" -type f \( -name 'cimsim' -o -name '*.so*' \)); do
  ldd "$f" >"$log" 2>&1 || continue
  if grep -q "not found" "$log"; then
    fail "$f: a library is not found"
  fi
  for name in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    awk -v n="$name" '$1 == n && $2 == "=>" { print $3 }' "$log" >>"$needs"
  done
done
for lib in $(sort -u "$needs"); do
  case $lib in "$root"/*) continue ;; esac
  owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true)
  [ -n "$owner" ] || fail "$lib belongs to no Debian package"
  package=${owner%%:*}
  # The package, or a name it provides (libspdlog1.10 provides libspdlog1.10-fmt9).
  names="$package $(dpkg-query -W -f='${Provides}' "$package" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//')"
  found=""
  for name in $names; do
    echo "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/[ (].*//; s/:.*//' | grep -qx "$name" && found=$name
  done
  [ -n "$found" ] || fail "$lib comes from $package, which the package does not depend on"
done
step "every library the packaged binaries load is packaged or in Depends ($(sort -u "$needs" | wc -l) libraries)"

# 2. The packaged command from an empty folder.
mkdir "$work/clean"
(cd "$work/clean" && env -u LD_LIBRARY_PATH -u CIMSIM_PRESET_PATH "$root/usr/bin/cimsim" run \
  "$root/usr/share/cimsim/configs/default.yaml" --set workload.samples=60) >"$log" 2>&1 || fail "packaged cimsim run"
[ -s "$work/clean/out/default/report.json" ] || fail "no report.json"
accuracy=$(grep '^accuracy' "$log") || fail "no console summary"
"$root/usr/bin/cimsim" --version >"$log" 2>&1 || fail "cimsim --version"
step "packaged cimsim ran its default config in an empty folder: $accuracy"

# 3. The packaged Python module.
pydir=$(find "$root" -type d -name dist-packages | head -1)
if [ -n "$pydir" ]; then
  (cd "$work/clean" && env -u LD_LIBRARY_PATH PYTHONPATH="$pydir" /usr/bin/python3 -c "
import cimsim, sys
assert cimsim.__file__.startswith('$root'), cimsim.__file__
r = cimsim.run('$root/usr/share/cimsim/configs/default.yaml', {'workload.samples': 60}, progress=False)
print('python module: accuracy', r.accuracy)
") >"$log" 2>&1 || fail "packaged Python module"
  step "$(cat "$log")"
fi
step OK
