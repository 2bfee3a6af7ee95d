/** Exports for papers as plain-TS services (no Electron): genotype files, results tables, the reproducibility bundle. */
export { type Bundle, type BundleOptions, buildBundle } from './bundle'
export { ExportError, type ExportFile, exportGenotype, GENOTYPE_FORMATS, type GenotypeFormat, safeName } from './genotype'
export { reproduction, type Reproduction } from './reproduce'
export { buildTable, TABLE_FILES, tableRuns, tableText } from './tables'
export { writeZip, ZipError, type ZipEntry } from './zip'
