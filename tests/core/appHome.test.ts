import { describe, expect, it } from 'vitest'
import { appHome } from '../../src/core/appHome'

describe('appHome', () => {
  it('honours HDARTS_HOME, then the platform folder', () => {
    expect(appHome({ HDARTS_HOME: '/h' }, 'linux', '/home/u')).toBe('/h')
    expect(appHome({}, 'linux', '/home/u')).toBe('/home/u/.local/share/hdarts-studio')
    expect(appHome({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/hdarts-studio')
    expect(appHome({ XDG_DATA_HOME: '' }, 'linux', '/home/u')).toBe('/home/u/.local/share/hdarts-studio')
    expect(appHome({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/hdarts-studio')
    expect(appHome({ APPDATA: 'C:\\R' }, 'win32', 'C:\\Users\\u')).toBe('C:\\R\\hdarts-studio')
  })
})
