/** State of one genotype pane (A or B): its text, where the text came from and which named genotype is chosen. */
import type { LibraryGenotype } from '../../../../shared/api'
import { libraryKey, librarySource, type PaneSource } from '../../shape/cells'

export interface PaneState {
  readonly text: string
  readonly source: PaneSource['kind']
  /** Shown under the textarea: the file name, run · epoch or library entry. */
  readonly label: string
  /** Chosen named genotype when the text holds several. */
  readonly name: string | null
  /** Set while the pane follows a run. */
  readonly runId: string | null
  /** Epoch of the run's genotype; null = final. */
  readonly epoch: number | null
  readonly libraryKey: string | null
}

export const emptyPane: PaneState = {
  text: '',
  source: 'text',
  label: '',
  name: null,
  runId: null,
  epoch: null,
  libraryKey: null,
}

export const runPane = (runId: string, epoch: number | null = null): PaneState => ({
  ...emptyPane,
  source: 'run',
  runId,
  epoch,
})

/** A pane showing a published genotype of the library (`genotypes.library`), as its select does. */
export const libraryPane = (g: LibraryGenotype): PaneState => {
  const src = librarySource(g)
  return { ...emptyPane, text: src.text, source: 'library', label: src.label, libraryKey: libraryKey(g), name: g.name }
}

/** `?lib=NAME` (pane A) and `&libB=NAME` (pane B): a library entry by name, or by `file:NAME`. */
export const findLibrary = (list: readonly LibraryGenotype[], want: string | null): LibraryGenotype | undefined =>
  want ? (list.find((g) => libraryKey(g) === want) ?? list.find((g) => g.name === want)) : undefined
