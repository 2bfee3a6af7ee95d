/**
 * `hdarts serve`: the app's backend over HTTP + WebSocket for the renderer in a browser (docs/api.md).
 * Opens the database, runs the queue (RunService with child-process workers) and serves the API and the
 * built UI until SIGINT/SIGTERM, which checkpoint running workers and put their runs back in the queue.
 */
import { join, resolve } from 'node:path'
import { type Command, intOption } from '../command'
import { DB_OPTION, dbPath, openDb } from '../db'
import { CliError } from '../errors'
import { defaultRunsDir } from '../paths'
import { ensureUiBuilt, UiBuildError } from '../uiBuild'

/** The package root: the built UI (out/renderer) and the genotype library (resources/genotypes) live there. */
const ROOT = join(import.meta.dirname, '../../..')

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app in a browser: the typed API over HTTP + WebSocket, the UI, and the run queue.',
  usage: 'hdarts serve [--host 127.0.0.1] [--port N] [--db FILE] [--runs-dir DIR] [--cpu-slots N] [--token T] [--json]',
  description:
    'Prints one line, "HDARTS Studio: http://HOST:PORT/?token=TOKEN" (with --json one JSON line: url, port, token, db, runsDir),\n' +
    'then serves until SIGINT or SIGTERM. Every request needs the token (see docs/api.md). Queued runs are\n' +
    'launched on free slots; on shutdown running workers save a checkpoint and their runs go back to the queue,\n' +
    'so the next serve (or the app) continues them. Only one service may run the queue of a database.\n' +
    'Where the UI is not built yet (a fresh clone), it is built first, once, as npm start does (a few\n' +
    'seconds, progress on stderr; a failed build exits 1 with its first error line).',
  positionals: [0, 0],
  options: {
    host: { type: 'string', value: 'HOST', help: 'interface to listen on', default: '127.0.0.1' },
    port: { type: 'string', value: 'N', help: 'port (0: any free port)', default: '0' },
    db: DB_OPTION,
    'runs-dir': {
      type: 'string',
      value: 'DIR',
      help: 'where new run directories go',
      default: '$HDARTS_RUNS_DIR or the app-data folder',
    },
    'cpu-slots': { type: 'string', value: 'N', help: 'concurrent CPU workers', default: 'the number of CPU cores' },
    token: {
      type: 'string',
      value: 'T',
      help: 'the access token (for scripts and tests)',
      default: '24 random bytes, base64url',
    },
    json: { type: 'boolean', help: 'print the address as one JSON line' },
  },
  examples: ['hdarts serve', 'hdarts serve --port 8080 --cpu-slots 2'],
  async run(values) {
    const port = intOption(values, 'port', 0, 0)
    if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`)
    const cpuSlots = values['cpu-slots'] === undefined ? undefined : intOption(values, 'cpu-slots', 1)
    const token = values.token as string | undefined
    if (token !== undefined && !/^[A-Za-z0-9_~.-]{8,256}$/.test(token))
      throw new CliError('--token must be 8–256 characters of A–Z a–z 0–9 _ ~ . -')
    const host = (values.host as string | undefined) ?? '127.0.0.1'
    const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
    const db = dbPath(values)
    // A fresh clone has no UI bundle: build it once, as `npm start` does (stdout keeps its one line).
    try {
      await ensureUiBuilt({ root: ROOT, log: (line) => process.stderr.write(`hdarts serve: ${line}\n`) })
    } catch (err) {
      if (err instanceof UiBuildError) throw new CliError(err.message, 1)
      throw err
    }
    // Loaded here, not at the top: every other command starts without the server, ws and the services.
    const [{ AppService }, { ChildProcessLauncher }, { ServiceLockError }, { RunService }, { startServer }] = await Promise.all([
      import('../../main/app/index'),
      import('../../main/runs/launcher'),
      import('../../main/runs/lock'),
      import('../../main/runs/service'),
      import('../../server/index'),
    ])
    const store = await openDb(values)
    const service = new RunService({ store, launcher: new ChildProcessLauncher(), runsDir, ...(cpuSlots ? { cpuSlots } : {}) })
    service.on('warning', (err) => process.stderr.write(`hdarts: warning: ${err.message}\n`))
    try {
      service.start()
    } catch (err) {
      store.close()
      if (err instanceof ServiceLockError) throw new CliError(err.message, 1)
      throw err
    }
    const app = new AppService({
      store,
      service,
      runsDir,
      dbPath: db,
      mode: 'browser',
      libraryDir: join(ROOT, 'resources/genotypes'),
    })
    let server
    try {
      server = await startServer({ app, host, port, token, staticDir: join(ROOT, 'out/renderer') })
    } catch (err) {
      await service.shutdown({ stopWorkers: true })
      store.close()
      throw new CliError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 1)
    }
    const running = server
    return new Promise<number>((done) => {
      let signals = 0
      const onSignal = (sig: NodeJS.Signals) => {
        signals += 1
        // A second signal while workers are checkpointing: kill them (they resume from their last epoch).
        if (signals > 1) return service.killWorkers()
        process.stderr.write(`hdarts serve: ${sig}: stopping workers (they save a checkpoint), then exiting\n`)
        void (async () => {
          app.dispose()
          await running.close()
          await service.shutdown({ stopWorkers: true, requeue: true })
          store.close()
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          done(0)
        })()
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      // Only now the line: a supervisor may signal as soon as it reads it, and must find the handlers.
      process.stdout.write(
        values.json
          ? JSON.stringify({ url: server.url, port: server.port, token: server.token, db, runsDir }) + '\n'
          : `HDARTS Studio: ${server.url}\n`,
      )
    })
  },
}
