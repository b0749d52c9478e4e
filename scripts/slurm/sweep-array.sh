#!/bin/sh
# Runs a sweep on a Slurm cluster: a job array whose task i runs shard i/N of the points
# (`cimsim sweep run SWEEP --shard i/N`) into a store of its own, and a merge job that starts when
# the array has ended and merges the shards into one store (`cimsim sweep merge`).
#
#   scripts/slurm/sweep-array.sh [options] SWEEP
#     --tasks N          array tasks, one shard each (default 4)
#     --store FILE       the merged store (default out/sweeps/NAME.db)
#     --cpus-per-task N  CPUs per task; a task runs that many points at once (default 1)
#     --cimsim PATH      the cimsim executable the tasks run (default: build/cimsim of this checkout)
#     --sbatch "OPTS"    more sbatch options for both jobs (partition, time limit, account ...)
#     --wait SECONDS     wait at most SECONDS for the merge job; exit 0 when it completed
#     --no-submit        only write the two batch scripts and say how to run them
#
# Everything else lives beside the store, in FILE.slurm/: array.sh and merge.sh (the batch
# scripts), shard-I.db (each task's store), logs/. The file paths must be the same on every node
# (a shared file system), as they are for any Slurm job.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tasks=4
store=""
cpus=1
cimsim="$here/../../build/cimsim"
sbatch_opts=""
wait_s=""
submit=1

die() { echo "sweep-array: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=${2:?--tasks needs a value}; shift 2 ;;
    --store) store=${2:?--store needs a value}; shift 2 ;;
    --cpus-per-task) cpus=${2:?--cpus-per-task needs a value}; shift 2 ;;
    --cimsim) cimsim=${2:?--cimsim needs a value}; shift 2 ;;
    --sbatch) sbatch_opts=${2?--sbatch needs a value}; shift 2 ;;
    --wait) wait_s=${2:?--wait needs a value}; shift 2 ;;
    --no-submit) submit=0; shift ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || die "usage: $0 [--tasks N] [--store FILE] [--cpus-per-task N] [--cimsim PATH] [--sbatch OPTS] [--wait S] [--no-submit] SWEEP"
case "$tasks" in '' | *[!0-9]* | 0) die "--tasks expects a positive integer, got '$tasks'" ;; esac
case "$cpus" in '' | *[!0-9]* | 0) die "--cpus-per-task expects a positive integer, got '$cpus'" ;; esac

abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
[ -x "$cimsim" ] || die "no cimsim executable at $cimsim (build it, or give --cimsim)"
cimsim=$(abs "$cimsim")
[ -f "$1" ] || die "no sweep file $1"
sweep=$(abs "$1")
[ -n "$store" ] || store="out/sweeps/$(basename "$sweep" .yaml).db"
mkdir -p "$(dirname "$store")"
store=$(abs "$store")
work="$store.slurm"

# A bad sweep file fails here, before anything is queued.
"$cimsim" sweep check "$sweep" >/dev/null

# Single quotes for the batch scripts: paths with spaces stay whole.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

mkdir -p "$work/logs"
cat > "$work/array.sh" <<SCRIPT
#!/bin/sh
#SBATCH --job-name=cimsim-sweep
#SBATCH --array=0-$((tasks - 1))
#SBATCH --cpus-per-task=$cpus
#SBATCH --output=$work/logs/task-%A_%a.out
# Task i runs shard i/$tasks of $sweep.
set -eu
i=\${SLURM_ARRAY_TASK_ID:?this script is a task of a Slurm job array}
exec $(q "$cimsim") sweep run $(q "$sweep") --store $(q "$work")/shard-\$i.db --shard \$i/$tasks --jobs \${SLURM_CPUS_PER_TASK:-$cpus}
SCRIPT
cat > "$work/merge.sh" <<SCRIPT
#!/bin/sh
#SBATCH --job-name=cimsim-sweep-merge
#SBATCH --output=$work/logs/merge-%j.out
# Merges the shards' stores into $store.
set -eu
exec $(q "$cimsim") sweep merge $(q "$store") $(q "$work")/shard-*.db
SCRIPT

if [ $submit -eq 0 ]; then
  echo "wrote $work/array.sh and $work/merge.sh; submit them with"
  echo "  array=\$(sbatch --parsable $work/array.sh)"
  echo "  sbatch --dependency=afterany:\$array $work/merge.sh"
  exit 0
fi

# shellcheck disable=SC2086  # the extra options are meant to split into words
array=$(sbatch --parsable $sbatch_opts "$work/array.sh")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable $sbatch_opts --dependency="afterany:$array" "$work/merge.sh")
merge=${merge%%;*}
echo "submitted job array $array ($tasks tasks) and merge job $merge; the results go to $store"
[ -n "$wait_s" ] || exit 0

# Bounded wait: the merge job leaves the queue once it has run (or could not).
deadline=$(( $(date +%s) + wait_s ))
while [ -n "$(squeue -h -j "$merge" 2>/dev/null)" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "sweep-array: the merge job $merge has not finished after $wait_s s" >&2
    exit 1
  fi
  sleep 0.5
done
state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
cat "$work"/logs/merge-"$merge".out 2>/dev/null || true
[ "$state" = COMPLETED ] || { echo "sweep-array: merge job $merge ended $state" >&2; exit 1; }
