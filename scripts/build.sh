#!/bin/sh
# Configures and builds cimsim.
#   scripts/build.sh              Release build in build/
#   scripts/build.sh --sanitize   clang build in build-asan/: AddressSanitizer and
#                                 UndefinedBehaviorSanitizer on everything, the test suite and the
#                                 libFuzzer harnesses of fuzz/ (their short runs are tests there)
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_COMPILER=clang++-14 -DCIMSIM_FUZZ=ON \
    -DCIMSIM_BUILD_BENCH=OFF >/dev/null
  exec cmake --build build-asan --parallel "$(nproc)"
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)"
