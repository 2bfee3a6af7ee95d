// Every `--set` key has one line of help for the launch form, and the help names no key that does not exist.
import { describe, expect, it } from 'vitest'
import { settingKeys } from '../../../src/core/config/search'
import { SETTING_HELP } from '../../../src/core/config/settingHelp'

describe('SETTING_HELP', () => {
  it('has one non-empty line for every setting key', () => {
    const missing = settingKeys().filter((k) => !SETTING_HELP[k]?.trim())
    expect(missing).toEqual([])
    for (const k of settingKeys()) expect(SETTING_HELP[k], k).not.toContain('\n')
  })

  it('has no help for keys that are not settings', () => {
    const keys = new Set(settingKeys())
    expect(Object.keys(SETTING_HELP).filter((k) => !keys.has(k))).toEqual([])
  })
})
