#!/bin/sh
# A private single-node Slurm cluster on this machine, for testing sweeps against the real
# scheduler: its own munge daemon and key, slurmctld and slurmd with a config written here, on
# free ports, everything (state, spool, logs) inside DIR; munge's socket and key go in a folder
# of their own under /tmp that the munge user can reach (DIR's parents need not be), named in
# DIR/munge.path. Nothing under /etc is changed.
#
#   scripts/slurm/local-cluster.sh start DIR   start it; then: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm/local-cluster.sh stop DIR    stop the daemons it started (by their pid files)
#
# Needs root and Debian's slurm-wlm and munge (scripts/setup.sh installs them). Exit status: 0
# running, 3 cannot run here (the reason on stderr), 1 it was tried and failed (logs in DIR/log).
set -eu

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

cannot() { echo "local-cluster: cannot run Slurm here: $*" >&2; exit 3; }
failed() {
  echo "local-cluster: $*" >&2
  for f in "$dir"/log/*.log "$(cat "$dir/munge.path" 2>/dev/null)"/munged.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# Stops the daemons whose pid files are given: SIGTERM to all at once, then SIGKILL to any still
# there after 10 s.
stop_pid_files() {
  pids=""
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    rm -f "$f"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && pids="$pids $pid"
  done
  i=0
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
  done
}

if [ "$action" = stop ]; then
  munge_dir=$(cat "$dir/munge.path" 2>/dev/null || true)
  stop_pid_files "$dir/slurmd.pid" "$dir/slurmctld.pid" ${munge_dir:+"$munge_dir/munged.pid"}
  case "$munge_dir" in /tmp/cimsim-munge-*) rm -rf "$munge_dir" ;; esac
  rm -f "$dir/munge.path"
  exit 0
fi
[ "$action" = start ] || usage

[ "$(id -u)" -eq 0 ] || cannot "the daemons need root (running as $(id -un))"
for b in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd sbatch squeue sinfo scontrol; do
  command -v "$b" >/dev/null 2>&1 || cannot "$b is not installed (scripts/setup.sh installs slurm-wlm and munge)"
done
id munge >/dev/null 2>&1 || cannot "there is no munge user (the munge package creates it)"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$dir/state" "$dir/spool" "$dir/log"

# munge: a key of our own and a daemon on a socket of our own, run as the munge user as its
# package intends. munged wants its folder owned by that user and every folder above it
# reachable by everyone.
[ ! -f "$dir/munge.path" ] || failed "$dir holds a cluster already (stop it first)"
munge_dir=$(mktemp -d /tmp/cimsim-munge-XXXXXX)
echo "$munge_dir" > "$dir/munge.path"
chown munge:munge "$munge_dir"
chmod 755 "$munge_dir"
key="$munge_dir/munge.key"
dd if=/dev/urandom of="$key" bs=1024 count=1 2>/dev/null
chown munge:munge "$key"
chmod 400 "$key"
socket="$munge_dir/munge.sock"
su -s /bin/sh munge -c "/usr/sbin/munged --socket='$socket' --key-file='$key' --pid-file='$munge_dir/munged.pid' \
  --log-file='$munge_dir/munged.log' --seed-file='$munge_dir/munged.seed'" || failed "munged did not start"
munge -S "$socket" -n | unmunge -S "$socket" >/dev/null 2>&1 || failed "munge credentials do not round-trip"

# Two free TCP ports, so that this cluster never meets another one on the machine.
ports=$(/usr/bin/python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- $ports

cat > "$dir/slurm.conf" <<CONF
ClusterName=cimsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF" || failed "slurmctld did not start"
/usr/sbin/slurmd -f "$SLURM_CONF" || failed "slurmd did not start"

# The node comes up idle within seconds; give it 20.
i=0
until sinfo -h -o %t 2>/dev/null | grep -qx idle; do
  i=$((i + 1))
  [ $i -le 100 ] || failed "the node did not become idle within 20 s (sinfo: $(sinfo -h -o %t 2>&1))"
  sleep 0.2
done
echo "export SLURM_CONF=$SLURM_CONF"
