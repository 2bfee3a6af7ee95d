/**
 * One genotype as a downloadable file (`.py`, `.json`, NB201 text, SVG, PDF, TikZ): the app's
 * `export.genotype` and the bundle's per-run files. Same writers as `hdarts genotype convert`, with
 * errors as ExportError (one line) instead of the CLI's exit codes, so both the app and the CLI can use it.
 */
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
import { toJson } from '../../core/genotype/json'
import { loadLayoutEngine } from '../../core/genotype/layout'
import type { DartsGenotype, NamedGenotype } from '../../core/genotype/model'
import { parseGenotypes, selectGenotype } from '../../core/genotype/parse/index'
import { toNb201String } from '../../core/genotype/serialize'
import type { FontFamily } from '../../core/genotype/export/geometry'
import { loadPdfFont } from '../../cli/render/font'
import { figureToPdf } from './pdf'

export const GENOTYPE_FORMATS = ['py', 'json', 'nb201', 'svg', 'pdf', 'tikz'] as const
export type GenotypeFormat = (typeof GENOTYPE_FORMATS)[number]

/** Bad input for an export (the app answers 400, the CLI exits 2). */
export class ExportError extends Error {
  override name = 'ExportError'
}

export interface ExportFile {
  readonly filename: string
  readonly mime: string
  readonly data: Uint8Array | string
  /** E.g. the PDF font fell back to Helvetica. */
  readonly warnings: readonly string[]
}

const EXT: Record<GenotypeFormat, [ext: string, mime: string]> = {
  py: ['py', 'text/x-python'],
  json: ['json', 'application/json'],
  nb201: ['txt', 'text/plain'],
  svg: ['svg', 'image/svg+xml'],
  pdf: ['pdf', 'application/pdf'],
  tikz: ['tex', 'application/x-tex'],
}

/** A filename part from user text: letters, digits, `._-` only, so no path or shell surprises. */
export const safeName = (s: string, fallback = 'genotype'): string =>
  s
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 80) || fallback

function darts(g: NamedGenotype, what: string): DartsGenotype {
  if (g.genotype.kind !== 'darts')
    throw new ExportError(`${g.name}: ${what} is for DARTS-space genotypes; this is a NAS-Bench-201 cell`)
  return g.genotype
}

/** The PDF fonts are read once per process: each is ~750 KB and never changes while the app runs. */
const fonts = new Map<FontFamily, ReturnType<typeof loadPdfFont>>()
const pdfFont = (family: FontFamily) => fonts.get(family) ?? fonts.set(family, loadPdfFont(process.env, family)).get(family)!

export interface GenotypeExportOptions {
  /** Which genotype of a multi-genotype text; required for figures when there are several. */
  readonly name?: string
  readonly cells?: FigureCells
  readonly width?: FigureWidth
  readonly style?: FigureStyle
}

const FIGURES: readonly GenotypeFormat[] = ['svg', 'pdf', 'tikz']

/** Parses `text` (any spelling the core reads) and writes one file; GenotypeError for unparsable text. */
export async function exportGenotype(
  text: string,
  format: GenotypeFormat,
  opts: GenotypeExportOptions = {},
): Promise<ExportFile> {
  if (FIGURES.includes(format)) await loadLayoutEngine()
  const all = parseGenotypes(text)
  const list = opts.name !== undefined ? [selectGenotype(all, opts.name)] : all
  const [ext, mime] = EXT[format]
  const base = safeName(list.length === 1 ? list[0]!.name : 'genotypes')
  const file = (data: Uint8Array | string, warnings: readonly string[] = []): ExportFile => ({
    filename: `${base}.${ext}`,
    mime,
    data,
    warnings,
  })
  if (format === 'json') return file(toJson(list))
  if (format === 'py')
    return file(toDartsPy(list.map((g) => ({ name: g.name, aliases: g.aliases, genotype: darts(g, 'a genotypes.py') }))))
  if (format === 'nb201') {
    const lines = list.map((g) => {
      if (g.genotype.kind !== 'nb201') throw new ExportError(`${g.name}: a DARTS-space genotype has no NAS-Bench-201 string`)
      return list.length === 1 ? toNb201String(g.genotype) : `${g.name} = '${toNb201String(g.genotype)}'`
    })
    return file(lines.join('\n') + '\n')
  }
  if (list.length !== 1)
    throw new ExportError(
      `a ${format} figure shows one genotype; the text has ${list.length} (pick one by name: ${list.map((g) => g.name).join(', ')})`,
    )
  const g = list[0]!
  let fig: Figure
  try {
    fig = cellFigure(darts(g, `a ${format} cell figure`), {
      cells: opts.cells ?? 'both',
      width: opts.width ?? 'single',
      style: opts.style ?? 'app',
      name: g.name,
    })
  } catch (err) {
    if (err instanceof FigureTooLargeError) throw new ExportError(err.message)
    throw err
  }
  if (format === 'svg') return file(figureToSvg(fig))
  if (format === 'tikz') return file(figureToTikz(fig))
  const f = pdfFont(fig.font)
  const pdf = await figureToPdf(fig, f.bytes ? { font: f.bytes } : {})
  return file(pdf.bytes, f.warning ? [f.warning] : [])
}
