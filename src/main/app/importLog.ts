/**
 * `runs.importLog`: `hdarts import darts-log` for the app. The renderer sends the log's text (read with
 * File.text() or pasted); the same main-layer importer writes and indexes the run (src/main/import).
 */
import { type ApiParsedRequest, ApiError } from '../../shared/api'
import { importDartsLog, type ImportedLog } from '../import/dartsLog'
import { DartsLogError, parseDartsLog } from '../import/parseDartsLog'
import type { Store } from '../store'

/** Parses first, so a bad log is refused with the parser's line (`log.txt:48: …`) before anything is written. */
export function importLogOp(store: Store, runsDir: string, req: ApiParsedRequest<'runs.importLog'>): ImportedLog {
  const source = req.fileName ?? '<pasted>'
  let log
  try {
    log = parseDartsLog(req.text)
  } catch (err) {
    if (err instanceof DartsLogError) throw new ApiError('bad-request', `${source}:${err.line}: ${err.message}`)
    throw err
  }
  return importDartsLog(store, log, { runsDir, source, ...(req.name ? { name: req.name } : {}) })
}
