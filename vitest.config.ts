import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // 2-core machines: two forks keep CLI subprocess tests from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
  },
})
