/**
 * `hdarts slurm status`: each array task's Slurm state (squeue for live tasks; sacct for ended ones, or
 * `scontrol show job` where accounting is off) beside its run directory's progress from events.jsonl.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { EVENTS_FILE } from '../../core/run/runFile'
import { readRunEvents } from '../runs/runDir'
import { readManifest, readSubmitRecord } from './manifest'

export interface TaskState {
  readonly state: string
  readonly reason: string | null
  readonly exitCode: string | null
  readonly restarts: number | null
}

export interface RunProgress {
  readonly epochsDone: number
  readonly epochsTotal: number | null
  readonly finished: boolean
  readonly failed: string | null
  /** How many times the run resumed (requeues that continued from a checkpoint, or restarts). */
  readonly resumes: number
  readonly lastEvent: string | null
  readonly valAcc: number | null
}

export interface TaskStatus extends RunProgress {
  readonly index: number
  readonly runId: string
  readonly preset: string
  readonly seed: number
  readonly runDir: string
  /** Null when Slurm no longer knows the task (or the grid was never submitted). */
  readonly slurm: TaskState | null
}

export interface GridStatus {
  readonly gridDir: string
  readonly name: string
  readonly jobId: string | null
  /** Where the Slurm states came from. */
  readonly source: 'squeue+sacct' | 'squeue+scontrol' | 'none'
  readonly tasks: readonly TaskStatus[]
}

export function runProgress(runDir: string): RunProgress {
  const events = readRunEvents(join(runDir, EVENTS_FILE))
  let epochsTotal: number | null = null
  const epochs = new Set<number>()
  let resumes = 0
  let finished = false
  let failed: string | null = null
  let valAcc: number | null = null
  for (const e of events) {
    if (e.type === 'started') epochsTotal = e.epochs
    else if (e.type === 'resumed') resumes++
    else if (e.type === 'epoch') {
      epochs.add(e.epoch)
      valAcc = e.valAcc
    } else if (e.type === 'finished') {
      finished = true
      valAcc = 'valAcc' in e ? e.valAcc : null
    } else if (e.type === 'failed') failed = e.message
  }
  return { epochsDone: epochs.size, epochsTotal, finished, failed, resumes, lastEvent: events.at(-1)?.type ?? null, valAcc }
}

const run = (cmd: string, args: string[]): string | null => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
  } catch {
    return null
  }
}

/** Task index → state, from squeue (live tasks, expanded with -r). */
function fromSqueue(jobId: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>()
  for (const line of (run('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T|%r']) ?? '').split('\n')) {
    const [task, state, reason] = line.trim().split('|')
    if (task && /^\d+$/.test(task) && state)
      out.set(Number(task), { state, reason: reason && reason !== 'None' ? reason : null, exitCode: null, restarts: null })
  }
  return out
}

function fromSacct(jobId: string): Map<number, TaskState> | null {
  const text = run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,ExitCode'])
  if (text === null) return null // accounting disabled (sacct exits 1) or absent
  const out = new Map<number, TaskState>()
  for (const line of text.split('\n')) {
    const [id, state, exitCode] = line.trim().split('|')
    const m = id?.match(/_(\d+)$/)
    if (m && state)
      out.set(Number(m[1]), { state: state.split(' ')[0]!, reason: null, exitCode: exitCode ?? null, restarts: null })
  }
  return out
}

function fromScontrol(jobId: string): Map<number, TaskState> {
  const out = new Map<number, TaskState>()
  for (const line of (run('scontrol', ['-o', 'show', 'job', jobId]) ?? '').split('\n')) {
    const field = (k: string) => line.match(new RegExp(`(?:^|\\s)${k}=(\\S+)`))?.[1] ?? null
    const task = field('ArrayTaskId')
    const state = field('JobState')
    if (task && /^\d+$/.test(task) && state)
      out.set(Number(task), {
        state,
        reason: field('Reason') === 'None' ? null : field('Reason'),
        exitCode: field('ExitCode'),
        restarts: Number(field('Restarts') ?? 0),
      })
  }
  return out
}

export function gridStatus(gridDir: string, opts: { jobId?: string } = {}): GridStatus {
  const m = readManifest(gridDir)
  const jobId = opts.jobId ?? readSubmitRecord(gridDir)?.jobId ?? null
  let states = new Map<number, TaskState>()
  let source: GridStatus['source'] = 'none'
  if (jobId) {
    const ended = fromSacct(jobId)
    source = ended ? 'squeue+sacct' : 'squeue+scontrol'
    states = new Map([...(ended ?? fromScontrol(jobId)), ...fromSqueue(jobId)])
  }
  const tasks = m.rows.map((r) => ({
    index: r.index,
    runId: r.runId,
    preset: r.preset,
    seed: r.seed,
    runDir: join(gridDir, r.runDir),
    slurm: states.get(r.index) ?? null,
    ...runProgress(join(gridDir, r.runDir)),
  }))
  return { gridDir, name: m.name, jobId, source, tasks }
}
