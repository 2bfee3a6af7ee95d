/**
 * Graphviz `dot` as the cell layout engine (the tool DARTS's visualize.py draws its figures with),
 * compiled to WebAssembly by @hpcc-js/wasm-graphviz. The engine is pure computation (no I/O; the wasm
 * ships inside the package), but it loads asynchronously, so every entry point that lays out a cell
 * awaits `loadLayoutEngine()` once; after that, layouts are synchronous.
 */

interface DotEngine {
  layout(dot: string, format: 'json', engine: 'dot'): string
}

let engine: DotEngine | null = null
let loading: Promise<void> | null = null

/** Loads Graphviz once (about 0.5 s); later calls return the same promise. */
export function loadLayoutEngine(): Promise<void> {
  loading ??= import('@hpcc-js/wasm-graphviz').then(async ({ Graphviz }) => {
    engine = await Graphviz.load()
  })
  return loading
}

/** True once `loadLayoutEngine()` has resolved. */
export const layoutEngineReady = (): boolean => engine !== null

/** Graphviz's `-Tjson` output of `dot` source. Throws if the engine is not loaded (a programming error). */
export function runDot(dot: string): DotJson {
  if (!engine) throw new Error('cell layout: Graphviz is not loaded; await loadLayoutEngine() at start-up')
  return JSON.parse(engine.layout(dot, 'json', 'dot')) as DotJson
}

/** The parts of Graphviz's JSON output the layout reads (coordinates in points, y up). */
export interface DotJson {
  readonly bb: string
  readonly objects?: readonly {
    readonly name: string
    readonly pos?: string
    readonly width?: string
    readonly height?: string
  }[]
  readonly edges?: readonly {
    readonly tail: number
    readonly head: number
    readonly id?: string
    readonly pos: string
    readonly lp?: string
  }[]
}

/** A dot string literal. */
export const dotQuote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
