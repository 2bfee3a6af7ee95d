/** The app's backend for the typed API (src/shared/api.ts), shared by the Electron shell and `hdarts serve`. */
export { AppService, type AppServiceOptions } from './service'
export { toApiError } from './errors'
export { summariesOf, summaryOf, toSummary } from './summary'
