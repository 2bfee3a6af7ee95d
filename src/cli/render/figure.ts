/**
 * Genotype → file bytes for `genotype convert --to py|svg|tikz|pdf|png` (the figure formats need one DARTS
 * genotype, and the layout engine loaded: `await loadLayoutEngine()`).
 */
import type { DartsGenotype, NamedGenotype } from '../../core/genotype/model'
import {
  cellFigure,
  type Figure,
  type FigureCells,
  type FigureStyle,
  FigureTooLargeError,
  type FigureWidth,
  figureToSvg,
  figureToTikz,
  toDartsPy,
} from '../../core/genotype/export/index'
import { CliError } from '../errors'
import { svgToPng } from './chromium'
import { figureToPdf } from '../../main/export/pdf'
import { loadPdfFont } from './font'

export const FIGURE_FORMATS = ['svg', 'pdf', 'png', 'tikz'] as const
export type FigureFormat = (typeof FIGURE_FORMATS)[number]
export const BINARY_FORMATS: readonly string[] = ['pdf', 'png']

function dartsOnly(
  list: readonly NamedGenotype[],
  what: string,
): { name: string; aliases: readonly string[]; genotype: DartsGenotype }[] {
  return list.map((g) => {
    if (g.genotype.kind !== 'darts')
      throw new CliError(`${g.name}: ${what} is for DARTS-space genotypes; this is a NAS-Bench-201 cell`)
    return { name: g.name, aliases: g.aliases, genotype: g.genotype }
  })
}

/** `--to py`: every genotype of the input as a genotypes.py module. */
export const pyModule = (list: readonly NamedGenotype[]): string => toDartsPy(dartsOnly(list, 'a genotypes.py'))

export interface RenderedFigure {
  readonly data: Uint8Array | string
  readonly warnings: readonly string[]
}

export async function renderFigure(
  list: readonly NamedGenotype[],
  to: FigureFormat,
  opts: { cells: FigureCells; width: FigureWidth; style?: FigureStyle },
): Promise<RenderedFigure> {
  if (list.length !== 1)
    throw new CliError(
      `a ${to} figure shows one genotype; the input has ${list.length} (pick one with --name: ${list.map((g) => g.name).join(', ')})`,
    )
  const [g] = dartsOnly(list, `a ${to} cell figure`)
  let fig: Figure
  try {
    fig = cellFigure(g!.genotype, { ...opts, name: g!.name })
  } catch (err) {
    if (err instanceof FigureTooLargeError) throw new CliError(err.message)
    throw err
  }
  if (to === 'svg') return { data: figureToSvg(fig), warnings: [] }
  if (to === 'tikz') return { data: figureToTikz(fig), warnings: [] }
  if (to === 'png') return { data: svgToPng(figureToSvg(fig), fig.width, fig.height), warnings: [] }
  const font = loadPdfFont(process.env, fig.font)
  const pdf = await figureToPdf(fig, font.bytes ? { font: font.bytes } : {})
  return { data: pdf.bytes, warnings: font.warning ? [font.warning] : [] }
}
