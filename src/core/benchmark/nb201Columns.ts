/**
 * The NAS-Bench-201 benchmark columns this project knows: which training run and split each accuracy
 * comes from, and the metric keys a search records them under. One catalogue for the table builder,
 * the lookup, the store, the CLI and the renderer, so a label and its protocol never drift apart.
 * Protocol facts: Dong & Yang 2020 (NAS-Bench-201) §3, NATS-Bench `get_more_info`; BENCHMARKS.md §1.
 */

export const NB201_TABLE_EPOCHS = 200
export const NB201_CELL_COUNT = 15625

export interface Nb201Column {
  /** Stable id, `<run>.<split>`; also the metric key suffix. */
  readonly id: string
  readonly dataset: 'CIFAR-10' | 'CIFAR-100' | 'ImageNet16-120'
  readonly split: 'valid' | 'test'
  /** The benchmark's training run the number is scored on (`cifar10-valid` trains on the train half only). */
  readonly run: 'cifar10-valid' | 'cifar10' | 'cifar100' | 'ImageNet16-120'
  /** What the split means, for docs and --help. */
  readonly meaning: string
}

export const NB201_COLUMNS: readonly Nb201Column[] = [
  {
    id: 'cifar10-valid.valid',
    dataset: 'CIFAR-10',
    split: 'valid',
    run: 'cifar10-valid',
    meaning: 'trained on the CIFAR-10 train half, scored on the held-out valid half (the "CIFAR-10 valid" papers quote)',
  },
  {
    id: 'cifar10.test',
    dataset: 'CIFAR-10',
    split: 'test',
    run: 'cifar10',
    meaning: 'trained on train + valid (50k images), scored on the CIFAR-10 test set',
  },
  {
    id: 'cifar100.valid',
    dataset: 'CIFAR-100',
    split: 'valid',
    run: 'cifar100',
    meaning: 'trained on the CIFAR-100 train set, scored on one half of its test set',
  },
  {
    id: 'cifar100.test',
    dataset: 'CIFAR-100',
    split: 'test',
    run: 'cifar100',
    meaning: 'trained on the CIFAR-100 train set, scored on the other half of its test set',
  },
  {
    id: 'ImageNet16-120.valid',
    dataset: 'ImageNet16-120',
    split: 'valid',
    run: 'ImageNet16-120',
    meaning: 'trained on the ImageNet16-120 train set, scored on one half of its test set',
  },
  {
    id: 'ImageNet16-120.test',
    dataset: 'ImageNet16-120',
    split: 'test',
    run: 'ImageNet16-120',
    meaning: 'trained on the ImageNet16-120 train set, scored on the other half of its test set',
  },
]

export const NB201_COLUMN_IDS: readonly string[] = NB201_COLUMNS.map((c) => c.id)

export function nb201Column(id: string): Nb201Column | undefined {
  return NB201_COLUMNS.find((c) => c.id === id)
}

/** The column a search charts first: CIFAR-10 test, the number NB201 papers report. */
export const NB201_HEADLINE_COLUMN = 'cifar10.test'

/** "NB201 CIFAR-10 test accuracy (200 epochs, mean of seeds)" */
export function nb201ColumnLabel(c: Nb201Column): string {
  return `NB201 ${c.dataset} ${c.split} accuracy (${NB201_TABLE_EPOCHS} epochs, mean of seeds)`
}

/**
 * The honest label of a searched cell's benchmark number: where it was searched and what the table
 * measured are two different datasets unless the search ran on the benchmark's own data.
 */
export function nb201ScoreLabel(c: Nb201Column, searchDataset: string | null): string {
  const what = `NB201 ${c.dataset} ${c.split} accuracy (${NB201_TABLE_EPOCHS} epochs)`
  return searchDataset ? `cell searched on ${datasetName(searchDataset)}, ${what}` : what
}

const DATASET_NAMES: Readonly<Record<string, string>> = {
  'fashion-mnist': 'Fashion-MNIST',
  mnist: 'MNIST',
  cifar10: 'CIFAR-10',
  cifar100: 'CIFAR-100',
  folder: 'an image folder',
}
const datasetName = (id: string): string => DATASET_NAMES[id] ?? id

/**
 * Metric keys of the benchmark lookups a search records (step = epoch), defined once here:
 * `nb201.<column>` the derived cell's accuracy, `nb201.<column>.pct` its percentile among the
 * 15,625 cells, `nb201.<column>.best` / `.allSkip` the oracle-best and all-skip references (constant
 * per run, so a chart draws them as lines), `nb201.final.<column>` (step 0) the final cell's accuracy.
 */
export const nb201Key = {
  acc: (col: string) => `nb201.${col}`,
  pct: (col: string) => `nb201.${col}.pct`,
  best: (col: string) => `nb201.${col}.best`,
  allSkip: (col: string) => `nb201.${col}.allSkip`,
  final: (col: string) => `nb201.final.${col}`,
  finalPct: (col: string) => `nb201.final.${col}.pct`,
} as const

export const isNb201MetricKey = (key: string): boolean => key.startsWith('nb201.')
