/** Default locations: the platform's app-data folder, overridable by environment variables. */
import { homedir, platform } from 'node:os'
import { join } from 'node:path'
import { appHome } from '../core/appHome'

export const appDataDir = (): string => appHome(process.env, platform(), homedir())

export const defaultRunsDir = (): string => process.env.HDARTS_RUNS_DIR ?? join(appDataDir(), 'runs')
