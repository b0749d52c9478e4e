#!/bin/sh
# Installs what is missing, builds (Release) and runs the whole test suite in parallel.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
exec ctest --parallel "$(nproc)" --output-on-failure
