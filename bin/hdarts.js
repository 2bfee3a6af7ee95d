#!/usr/bin/env node
// Entry point of the `hdarts` command. The CLI is TypeScript; tsx compiles it on the fly, so a fresh
// clone needs no build step before `npx hdarts`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
