#!/usr/bin/env bash
# A single-node Slurm (munged + slurmctld + slurmd as root) in $SLURM_DIR, for the Slurm tests and for
# trying `hdarts slurm` by hand. Adapted from TOOLCHAIN.md §6; it never installs anything: without
# slurm-wlm and munge it exits 3 with the reason. Stop it with stop-slurm.sh (by PID). SLURM_CRED_EXPIRE
# (default 120 s) is also how long a requeued job waits before it may start again; the tests use 10.
set -euo pipefail
SLURM_DIR=${SLURM_DIR:-/tmp/slurm-ci}
for cmd in slurmctld slurmd munged sbatch; do
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || { echo "missing $cmd (apt-get install slurm-wlm munge)"; exit 3; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (slurmd and munged run as root/munge)"; exit 3; }
mkdir -p "$SLURM_DIR"/{munge,state,spool}
# munged must traverse every parent folder; mktemp -d makes 0700 folders.
chmod 755 "$SLURM_DIR"
chown munge:munge "$SLURM_DIR/munge"
chmod 0755 "$SLURM_DIR/munge"
[ -s /etc/munge/munge.key ] || { mungekey --create --force; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
CPUS=$(nproc)
cat >"$SLURM_DIR/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SLURM_DIR/munge/munge.socket.2,cred_expire=${SLURM_CRED_EXPIRE:-120}
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/slurmctld.log
SlurmdLogFile=$SLURM_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=5
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=2048 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$SLURM_DIR/slurm.conf"
echo "export SLURM_CONF=$SLURM_CONF" >"$SLURM_DIR/env"
runuser -u munge -- /usr/sbin/munged -F --socket="$SLURM_DIR/munge/munge.socket.2" --key-file=/etc/munge/munge.key \
  --log-file="$SLURM_DIR/munge/munged.log" --pid-file="$SLURM_DIR/munge/munged.pid" \
  --seed-file="$SLURM_DIR/munge/munged.seed" >"$SLURM_DIR/munged.out" 2>&1 &
for _ in $(seq 50); do [ -S "$SLURM_DIR/munge/munge.socket.2" ] && break; sleep 0.1; done
slurmctld -D -i >"$SLURM_DIR/slurmctld.out" 2>&1 &
echo $! >"$SLURM_DIR/slurmctld.bg.pid"
slurmd -D -N localhost >"$SLURM_DIR/slurmd.out" 2>&1 &
echo $! >"$SLURM_DIR/slurmd.bg.pid"
for _ in $(seq 120); do
  sinfo -h -o %T 2>/dev/null | grep -qx idle && { echo "slurm up in $SLURM_DIR"; exit 0; }
  sleep 0.5
done
echo "slurm did not come up"
tail -5 "$SLURM_DIR"/slurmctld.out "$SLURM_DIR"/slurmd.out || true
exit 1
