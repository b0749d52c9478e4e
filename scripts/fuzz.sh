#!/bin/sh
# Runs the libFuzzer harnesses (fuzz/fuzz_*.cpp) of a fuzzing build on their seed corpora.
#   scripts/fuzz.sh [--build DIR] [--seconds N] [--runs N] [HARNESS ...]
# DIR: the build with CIMSIM_FUZZ=ON (default build-asan, as scripts/test.sh makes it);
# N seconds per harness (default 60), or until N executions with --runs; HARNESS: names such as
# fuzz_npy (default: every harness built). Each harness's seeds are the shipped files its
# `// seeds:` line names; what the fuzzer learns is kept in DIR/fuzz/corpus/NAME and reused next
# time; a crashing input is written to DIR/fuzz/artifacts/ and the script fails.
# docs/robustness.md gives the long runs and what they found.
set -eu
cd "$(dirname "$0")/.."
build=build-asan
limit="-max_total_time=60"
names=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) limit="-max_total_time=$2"; shift 2 ;;
    --runs) limit="-runs=$2"; shift 2 ;;
    *) names="$names $1"; shift ;;
  esac
done
if [ -z "$names" ]; then
  for f in "$build"/fuzz/fuzz_*; do [ -x "$f" ] && names="$names $(basename "$f")"; done
fi
[ -n "$names" ] || { echo "fuzz: no harnesses in $build/fuzz (configure with -DCIMSIM_FUZZ=ON)" >&2; exit 1; }

for name in $names; do
  source=fuzz/$name.cpp
  [ -f "$source" ] || { echo "fuzz: no $source" >&2; exit 1; }
  seeds=$build/fuzz/seeds/$name
  corpus=$build/fuzz/corpus/$name
  artifacts=$build/fuzz/artifacts/
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$artifacts"
  for pattern in $(sed -n 's|^// seeds: ||p' "$source"); do
    for f in $pattern; do
      [ -f "$f" ] && cp "$f" "$seeds/$(echo "$f" | tr / _)"
    done
  done
  echo "fuzz: $name ($limit, seeds: $(ls "$seeds" | wc -l) files)" >&2
  # Inputs up to 64 KiB; a single input may take 60 s and 2 GiB: the shipped shape-only networks
  # draw millions of weights, which took up to 25 s a load in the instrumented build on a busy
  # 2-core machine (docs/robustness.md); a hang still stands out.
  "$build/fuzz/$name" $limit -max_len=65536 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" "$seeds"
done
