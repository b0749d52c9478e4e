#!/bin/sh
# Installs what is missing, builds and runs the whole test suite in parallel.
#   scripts/test.sh              build/: Release, every test. CI runs exactly this (.ci/run).
#   scripts/test.sh --sanitize   then also build-asan/: clang with AddressSanitizer and
#                                UndefinedBehaviorSanitizer (any finding fails the test), every
#                                test again plus a short libFuzzer run of each parser (fuzz/).
#                                Much longer (docs/robustness.md gives the times): not part of CI.
set -eu
cd "$(dirname "$0")/.."
sanitize=""
case "${1:-}" in
  "") ;;
  --sanitize) sanitize=yes ;;
  *) echo "test: unknown option $1 (--sanitize)" >&2; exit 2 ;;
esac
scripts/setup.sh ${sanitize:+--sanitize}
scripts/build.sh
(cd build && ctest --parallel "$(nproc)" --output-on-failure)
[ -n "$sanitize" ] || exit 0
scripts/build.sh --sanitize
cd build-asan
exec ctest --parallel "$(nproc)" --output-on-failure
