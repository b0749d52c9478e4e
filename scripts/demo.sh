#!/bin/sh
# From a fresh clone: install what is missing, build, and run the default configuration.
# The full report lands in out/default/ (report.json, layers.csv, resolved.yaml).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
exec build/cimsim run configs/default.yaml "$@"
