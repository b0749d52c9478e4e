#!/bin/sh
# Installs the Debian package with apt into a clean Debian 12 root and runs it there: what
# scripts/check_deb.sh checks without network (dependencies named, unpacked tree runs), proved
# end to end on a system that has nothing else. Needs root and a reachable Debian mirror; takes
# about 5-8 minutes (debootstrap of a minimal bookworm, then apt's install of the dependencies), so
# it is not part of the test suite.
#
#   sudo scripts/check_deb_clean.sh PACKAGE.deb [ROOT_DIR]
#     ROOT_DIR: where the clean root is made (default: a temporary folder, removed afterwards);
#               an existing root made by an earlier call is reused as it is.
set -eu
deb=$(readlink -f "$1")
[ -f "$deb" ] || { echo "check_deb_clean: no package $1" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "check_deb_clean: must run as root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
root=${2:-}
keep=yes
if [ -z "$root" ]; then root=$(mktemp -d /tmp/cimsim-clean-root.XXXXXX); keep=no; fi
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  [ "$keep" = yes ] || rm -rf "$root"
}
trap cleanup EXIT
step() { echo "check_deb_clean: $*"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; echo "check_deb_clean: FAILED: debootstrap" >&2; exit 1; }
fi
step "clean Debian 12 root: $root ($(chroot "$root" dpkg-query -W -f='.\n' | wc -l) packages)"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
name=$(basename "$deb")
chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/$name" \
  >"$root/tmp/install.log" 2>&1 || { tail -30 "$root/tmp/install.log" >&2; echo "check_deb_clean: FAILED: apt install" >&2; exit 1; }
step "apt installed $name and its dependencies ($(chroot "$root" dpkg-query -W -f='.\n' | wc -l) packages now)"
chroot "$root" sh -c 'mkdir -p /tmp/empty && cd /tmp/empty && cimsim run /usr/share/cimsim/configs/default.yaml --set workload.samples=60' \
  >"$root/tmp/run.log" 2>&1 || { cat "$root/tmp/run.log" >&2; echo "check_deb_clean: FAILED: cimsim run" >&2; exit 1; }
step "cimsim run from an empty folder: $(grep '^accuracy' "$root/tmp/run.log")"
[ -s "$root/tmp/empty/out/default/report.json" ] || { echo "check_deb_clean: FAILED: no report.json" >&2; exit 1; }
if chroot "$root" sh -c 'command -v python3' >/dev/null 2>&1; then
  chroot "$root" python3 -c "import cimsim; print('python module', cimsim.__file__)" || {
    echo "check_deb_clean: FAILED: python module" >&2; exit 1; }
fi
step OK
