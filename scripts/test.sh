#!/bin/sh
# Installs what is missing, then builds and runs the whole test suite twice, each in parallel:
#   build/       Release, every test;
#   build-asan/  clang with AddressSanitizer and UndefinedBehaviorSanitizer (any finding fails the
#                test), every test again plus a short libFuzzer run of each parser (fuzz/).
# CI runs exactly this.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --parallel "$(nproc)" --output-on-failure)
scripts/build.sh --sanitize
cd build-asan
exec ctest --parallel "$(nproc)" --output-on-failure
