/**
 * The sbatch script of a grid (docs/cluster.md): one array task per manifest row, each running
 * `hdarts search --resume RUN_DIR`, which starts a fresh run, continues a checkpointed one, or exits 0
 * for a finished one, so the same command serves first start, requeue and a repeated task.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sbatchValue, shellWord } from '../../core/shell'
import { LOGS_SUBDIR, MANIFEST_TSV, type SlurmOptions } from './manifest'

/** This checkout's entry point: the nodes run the same files over the shared filesystem. */
export const HDARTS_BIN = fileURLToPath(new URL('../../../bin/hdarts.js', import.meta.url))

/** Seconds before the time limit at which Slurm warns the task (USR1) so it can checkpoint. */
export const SIGNAL_LEAD_SECONDS = 120

/** The exit code of a search that checkpointed and stopped (WORKER_EXIT.stopped). */
export const EXIT_STOPPED = 75

export interface ScriptInput {
  readonly gridDir: string
  readonly jobName: string
  readonly tasks: number
  readonly options: SlurmOptions
  /** Absolute paths of the Node binary and bin/hdarts.js (defaults: this process's and this checkout's). */
  readonly node?: string
  readonly hdarts?: string
}

/** The script's text; throws UnsafeTextError when a path holds a control character (nothing is quoted around those). */
export function sbatchScript(input: ScriptInput): string {
  const o = input.options
  const node = input.node ?? process.execPath
  const hdarts = input.hdarts ?? HDARTS_BIN
  const gridDir = shellWord(input.gridDir, 'the grid folder')
  const array = `0-${input.tasks - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`
  const directives = [
    `--job-name=${sbatchValue(input.jobName, 'the job name')}`,
    `--array=${array}`,
    '--ntasks=1',
    // Requeue after a node failure or preemption; our own requeue below needs it too.
    '--requeue',
    // B: signals the batch shell only. Without B:, Slurm signals job steps (srun), and a script without
    // srun never hears it (verified on Slurm 22.05): the shell forwards it to hdarts instead.
    `--signal=B:USR1@${SIGNAL_LEAD_SECONDS}`,
    // Append: a requeued task keeps the log of its earlier attempts in the same file.
    '--open-mode=append',
    `--output=${sbatchValue(join(input.gridDir, LOGS_SUBDIR) + '/', 'the grid folder', '%A_%a.out')}`,
    ...(o.partition ? [`--partition=${sbatchValue(o.partition, 'the partition')}`] : []),
    ...(o.gpusPerTask ? [`--gpus-per-task=${o.gpusPerTask}`] : []),
    ...(o.cpusPerTask ? [`--cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
  ]
  return `#!/bin/bash
${directives.map((d) => `#SBATCH ${d}`).join('\n')}
# Written by 'hdarts slurm submit' (docs/cluster.md). Submit with: sbatch ${shellWord(join(input.gridDir, 'job.sbatch'))}
# On another machine, override the paths: HDARTS_GRID_DIR=... HDARTS_NODE=... HDARTS_BIN=... sbatch --output=... job.sbatch
set -uo pipefail
GRID_DIR=\${HDARTS_GRID_DIR:-${gridDir}}
NODE=\${HDARTS_NODE:-${shellWord(node, 'the node path')}}
HDARTS=\${HDARTS_BIN:-${shellWord(hdarts, 'the hdarts path')}}
TASK=\${SLURM_ARRAY_TASK_ID:?not an array task}
ROW=$(awk -F'\\t' -v i="$TASK" 'NR > 1 && $1 == i { print $NF; exit }' "$GRID_DIR/${MANIFEST_TSV}")
if [ -z "$ROW" ]; then echo "hdarts-slurm: no row $TASK in $GRID_DIR/${MANIFEST_TSV}" >&2; exit 2; fi
RUN_DIR="$GRID_DIR/$ROW"
# A throwaway database on the node's local disk: SQLite must not be shared over NFS, and the run
# directory is the record ('hdarts slurm import' reads it).
export HDARTS_DB="\${TMPDIR:-/tmp}/hdarts-slurm-\${SLURM_JOB_ID}.db"
echo "hdarts-slurm: $(date -u +%FT%TZ) task $TASK (job \${SLURM_ARRAY_JOB_ID}_$TASK, restart \${SLURM_RESTART_COUNT:-0}) on $(hostname): $RUN_DIR"
"$NODE" "$HDARTS" search --resume "$RUN_DIR" &
pid=$!
# Time limit near (USR1, to this shell only): ask hdarts to checkpoint and stop (SIGTERM; Node keeps USR1 for its debugger).
trap 'echo "hdarts-slurm: USR1: time limit near, checkpointing"; kill -TERM "$pid" 2>/dev/null' USR1
# scancel/scontrol requeue send SIGTERM to every process of the job, hdarts included; forwarding a
# second one would make hdarts kill its worker instead of letting it checkpoint.
trap 'echo "hdarts-slurm: TERM: checkpointing"' TERM
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
wait "$pid"
rc=$?
rm -f "$HDARTS_DB" "$HDARTS_DB-wal" "$HDARTS_DB-shm" "$HDARTS_DB.lock"
echo "hdarts-slurm: $(date -u +%FT%TZ) hdarts exited $rc"
if [ "$rc" -eq ${EXIT_STOPPED} ]; then
  # Stopped with a checkpoint: back to the queue; the next attempt resumes. (After 'scontrol requeue'
  # from outside, this fails harmlessly: the task is already requeued.)
  if out=$(scontrol requeue "\${SLURM_ARRAY_JOB_ID}_$TASK" 2>&1); then echo "hdarts-slurm: requeued"
  else echo "hdarts-slurm: not requeued from here: $out"; fi
fi
exit "$rc"
`
}
