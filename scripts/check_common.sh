# Shared by the packaging checks (check_install.sh, check_deb.sh), sourced with CHECK set to the
# check's name: a scratch folder removed however the check ends, a log of the running step, and how
# a step reports or fails (the end of the log goes to stderr).
work=$(mktemp -d "${TMPDIR:-/tmp}/cimsim-$CHECK.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
log=$work/log
fail() {
  echo "$CHECK: FAILED: $*" >&2
  [ -f "$log" ] && tail -40 "$log" >&2
  exit 1
}
step() { echo "$CHECK: $*"; }
