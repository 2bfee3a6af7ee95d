#!/usr/bin/env bash
# Stops what start-slurm.sh started, by PID only (never by name), and waits until each has exited.
set -uo pipefail
SLURM_DIR=${SLURM_DIR:-/tmp/slurm-ci}
stop() {
  local file=$1 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
stop "$SLURM_DIR/slurmd.bg.pid"
stop "$SLURM_DIR/slurmctld.bg.pid"
stop "$SLURM_DIR/munge/munged.pid"
