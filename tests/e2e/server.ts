/** The `hdarts serve` the browser tests drive: a real server, database and workers, in a temp folder. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const STATE_FILE = join(import.meta.dirname, '../../test-results/e2e-server.json')

export interface ServerState {
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly pid: number
  readonly root: string
}

export const serverState = (): ServerState => JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ServerState

/** Settings that make a quick preset finish in seconds: 4 steps an epoch on 8×8 images, 2 cells of C=2. */
export const TINY = ['limitPerHalf=64', 'epochs=3', 'C=2', 'imageSize=8', 'batchSize=16']
