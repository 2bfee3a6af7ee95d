import { rmSync } from 'node:fs'
import { serverState } from './server'

/** Stops the server (SIGTERM: workers checkpoint, the store closes) and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const { pid, root } = serverState()
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      break
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 3 })
}
