/** Default locations: the platform's app-data folder, overridable by environment variables. */
import { homedir, platform } from 'node:os'
import { join } from 'node:path'

export function appDataDir(): string {
  if (process.env.HDARTS_HOME) return process.env.HDARTS_HOME
  const home = homedir()
  if (platform() === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'hdarts-studio')
  if (platform() === 'darwin') return join(home, 'Library', 'Application Support', 'hdarts-studio')
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'hdarts-studio')
}

export const defaultRunsDir = (): string => process.env.HDARTS_RUNS_DIR ?? join(appDataDir(), 'runs')
