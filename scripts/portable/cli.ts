// Entry of the portable CLI bundle (scripts/build-portable.mjs): the worker is the bundled worker.mjs beside
// this file, run by plain Node, instead of src/worker/main.ts through tsx.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

process.env.HDARTS_WORKER_ENTRY ||= join(dirname(fileURLToPath(import.meta.url)), 'worker.mjs')
const { main } = await import('../../src/cli/main')
process.exitCode = await main(process.argv.slice(2))
