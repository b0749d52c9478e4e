#!/bin/sh
# Installs what cimsim needs from Debian's packages, only what is missing.
#   scripts/setup.sh            build and test dependencies (slurm-wlm and munge: the sweep test
#                               starts a private single-node Slurm cluster; python3-dev and
#                               pybind11: the Python module)
#   scripts/setup.sh --extras   also what the Python scripts use (training, plots, sweeps) and the
#                               Python module's optional parts (pandas, tqdm, PyTorch and ONNX)
# Works as root (apt-get) or as a user with sudo.
set -eu

packages="build-essential cmake pkg-config libsystemc-dev libeigen3-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev catch2 libonnx-dev libprotobuf-dev protobuf-compiler
  libsqlite3-dev python3 python3-dev python3-numpy python3-yaml pybind11-dev python3-pybind11
  slurm-wlm munge"
if [ "${1:-}" = "--extras" ]; then
  packages="$packages python3-torch python3-sklearn python3-matplotlib python3-onnx python3-pandas python3-tqdm"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "setup: these packages are missing and neither root nor sudo is available:$missing" >&2
  exit 1
fi
echo "setup: installing$missing" >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
