/** Results tables for papers (see docs/export.md). */
export { formatTable, TABLE_FORMATS, type TableFormat, toCsv, toLatex, toMarkdown } from './format'
export { deviceUnit, type ResultRow, type ResultsTable, resultsTable, type Stat, type TableRun } from './results'
