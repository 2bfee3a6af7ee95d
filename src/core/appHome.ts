/**
 * The app's data folder, as a pure function of the environment so every process (CLI, worker, app)
 * agrees: `$HDARTS_HOME`, else the platform's app-data folder + `hdarts-studio`.
 */
export function appHome(env: Readonly<Record<string, string | undefined>>, platform: string, home: string): string {
  if (env.HDARTS_HOME) return env.HDARTS_HOME
  const sep = platform === 'win32' ? '\\' : '/'
  const base =
    platform === 'win32'
      ? env.APPDATA || [home, 'AppData', 'Roaming'].join(sep)
      : platform === 'darwin'
        ? [home, 'Library', 'Application Support'].join(sep)
        : env.XDG_DATA_HOME || [home, '.local', 'share'].join(sep)
  return `${base}${sep}hdarts-studio`
}
