#!/usr/bin/env node
// `npm start`: build, then open the desktop app; where Electron's binary is missing (it cannot be
// downloaded offline), say so in one line and start browser mode (`hdarts serve`) instead.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const port = process.env.HDARTS_PORT ?? '4317'

/** The Electron executable if its binary is installed (node_modules/electron/path.txt names it), else null. */
function electronBinary() {
  const pkg = join(root, 'node_modules/electron')
  const pathTxt = join(pkg, 'path.txt')
  if (!existsSync(pathTxt)) return null
  const exe = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

// The same build step as `hdarts serve`'s first serve (src/cli/uiBuild.ts), here every time so that
// the app shows the current source.
register()
const { buildUi } = await import('../src/cli/uiBuild.ts')
try {
  const seconds = await buildUi({ root, log: (line) => console.log(`npm start: ${line}`) })
  console.log(`npm start: built in ${seconds.toFixed(1)} s`)
} catch (err) {
  console.error(`npm start: ${err.message}`)
  process.exit(1)
}

const exe = electronBinary()
const child = exe
  ? spawn(exe, [root], { cwd: root, stdio: 'inherit' })
  : (console.log("Electron's binary is not installed here, so HDARTS Studio starts in browser mode; open the URL below."),
    spawn(process.execPath, [join(root, 'bin/hdarts.js'), 'serve', '--port', port], { cwd: root, stdio: 'inherit' }))
// Ctrl-C reaches the child through the terminal's process group; wait for it to shut down cleanly.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
