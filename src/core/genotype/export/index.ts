/** Genotype export for papers: DARTS .py text, cell figures as SVG, TikZ and PDF (see docs/export.md). */
export {
  cellFigure,
  COLUMN_PT,
  type Figure,
  type FigureCells,
  type FigureOptions,
  FigureTooLargeError,
  type FigureStyle,
  FIGURE_STYLES,
  type FigureWidth,
  FONT_STACKS,
} from './figure'
export { PY_HEADER, toDartsPy } from './python'
export { figureToSvg } from './svg'
export { figureToTikz } from './tikz'
