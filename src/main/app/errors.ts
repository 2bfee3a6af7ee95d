/** Every failure of a handler as an ApiError with one line for the user (never a stack trace). */
import { GridError } from '../../core/config/grid'
import { ConfigError } from '../../core/config/search'
import { GenotypeError } from '../../core/genotype/model'
import { UnsafeJsonError } from '../../core/json'
import { UnsafeTextError } from '../../core/shell'
import { PathError } from '../../node/safePaths'
import { ApiError } from '../../shared/api'
import { ExportError } from '../export/genotype'
import { RunStateError } from '../runs/recovery'
import { RunInputError } from '../runs/runDir'
import { ManifestError } from '../slurm/manifest'
import { StoreError } from '../store/errors'

const firstLine = (s: string): string => {
  const line = s.split('\n')[0]!.trim()
  return line.length > 300 ? line.slice(0, 299) + '…' : line
}

/** Messages of the run and store modules that mean "no such run". */
const NOT_FOUND = /^(no run\b|unknown run\b|no run matches)/

export function toApiError(err: unknown, op: string): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof RunStateError || err instanceof StoreError) {
    const msg = firstLine(err.message)
    if (NOT_FOUND.test(msg)) return new ApiError('not-found', msg)
    // A store refusal (a duplicate id, an unknown status) is the caller's input; a state error is a conflict.
    return new ApiError(err instanceof RunStateError ? 'conflict' : 'bad-request', msg)
  }
  if (err instanceof GridError) return new ApiError('bad-request', `grid: ${firstLine(err.message)}`)
  if (
    err instanceof ConfigError ||
    err instanceof RunInputError ||
    err instanceof GenotypeError ||
    err instanceof ManifestError ||
    err instanceof ExportError ||
    err instanceof PathError ||
    err instanceof UnsafeTextError ||
    err instanceof UnsafeJsonError
  )
    return new ApiError('bad-request', firstLine(err.message))
  const message = err instanceof Error ? err.message : String(err)
  return new ApiError('internal', `${op} failed: ${firstLine(message) || 'internal error'}`)
}
