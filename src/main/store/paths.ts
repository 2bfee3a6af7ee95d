import { appHome } from '../../core/appHome'

export const DB_FILE = 'hdarts.db'

/** `$HDARTS_DB`, else `<app home>/hdarts.db` (the CLI's `--db` overrides both). Pure, like appHome. */
export function defaultDbPath(env: Readonly<Record<string, string | undefined>>, platform: string, home: string): string {
  if (env.HDARTS_DB) return env.HDARTS_DB
  return `${appHome(env, platform, home)}${platform === 'win32' ? '\\' : '/'}${DB_FILE}`
}
