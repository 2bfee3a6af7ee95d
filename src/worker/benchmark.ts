/**
 * Benchmark lookups during an NB201-space search: every derived cell the searcher emits is scored
 * against the NAS-Bench-201 table, added at the event level so the search loop stays untouched.
 * DARTS-space searches get no table and no benchmark events.
 */
import { nb201BenchmarkEvent } from '../core/benchmark/nb201Events'
import { loadNb201Table } from '../core/benchmark/nb201Load'
import { type Nb201Table, Nb201TableError } from '../core/benchmark/nb201Table'
import type { SearchConfig } from '../core/config/search'
import type { RunEventBody } from '../core/events'
import { nodeNb201Io } from '../node/nb201Io'

export interface BenchmarkScorer {
  /** Emits `body`, then its benchmark event when `body` is an epoch's NB201 genotype. */
  readonly emit: (body: RunEventBody) => void
  /** Emits the final cell's benchmark event (call just before 'finished'). */
  readonly final: (epoch: number, genotypeText: string) => void
}

/**
 * A scorer around `emit` for an NB201 search, or a pass-through. A missing or damaged table never stops
 * the search: the run goes on without benchmark numbers, and the log says why.
 */
export async function benchmarkScorer(
  config: SearchConfig,
  emit: (body: RunEventBody) => void,
  log: (line: string) => void,
): Promise<BenchmarkScorer> {
  const pass: BenchmarkScorer = { emit, final: () => {} }
  if (config.space !== 'nb201') return pass
  let table: Nb201Table
  try {
    table = await loadNb201Table(nodeNb201Io())
  } catch (err) {
    if (!(err instanceof Nb201TableError)) throw err
    log(`no NAS-Bench-201 benchmark numbers for this run: ${err.message}`)
    return pass
  }
  log(
    `NAS-Bench-201 lookups from the ${table.source.kind} table ${table.source.file} (sha256 ${table.source.sha256.slice(0, 12)}…)`,
  )
  const searchDataset = config.dataset
  const score = (epoch: number, genotypeText: string, final: boolean) => {
    const e = nb201BenchmarkEvent(table, { epoch, genotypeText, final, searchDataset })
    if (e) emit(e)
  }
  return {
    emit: (body) => {
      emit(body)
      if (body.type === 'genotype') score(body.epoch, body.text, false)
    },
    final: (epoch, text) => score(epoch, text, true),
  }
}
