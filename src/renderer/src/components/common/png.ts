/**
 * PNG figures, rasterized in the renderer from the app's own SVG export: the browser (Chromium in both
 * Electron and browser mode) already draws SVG exactly, so main needs no raster library. The SVG is
 * loaded as an image from a blob: URL (allowed by the CSP's img-src, and same-origin, so the canvas is
 * not tainted), drawn on a canvas at the target resolution and encoded with canvas.toBlob.
 */

/** Print resolution of the PNG export. */
export const PNG_DPI = 300

const INCH: Record<string, number> = { in: 1, pt: 1 / 72, pc: 1 / 6, px: 1 / 96, mm: 1 / 25.4, cm: 1 / 2.54, '': 1 / 96 }

/** An SVG length (`239.76pt`, `120mm`, `400`) in inches; null when it is missing or relative. */
export function svgLengthInches(value: string | null): number | null {
  const m = /^\s*([\d.]+(?:e[+-]?\d+)?)\s*(in|pt|pc|px|mm|cm)?\s*$/i.exec(value ?? '')
  if (!m) return null
  const n = Number(m[1])
  return Number.isFinite(n) && n > 0 ? n * INCH[(m[2] ?? '').toLowerCase()]! : null
}

/** Pixel size of an SVG document at `dpi`: from width/height, else the viewBox taken as CSS pixels. */
export function pngSize(svg: string, dpi = PNG_DPI): { width: number; height: number } {
  const open = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? ''
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(open)?.[1] ?? null
  const box = (attr('viewBox') ?? '')
    .trim()
    .split(/[\s,]+/)
    .map(Number)
  const w = svgLengthInches(attr('width')) ?? (box.length === 4 && box[2]! > 0 ? box[2]! / 96 : 4)
  const h = svgLengthInches(attr('height')) ?? (box.length === 4 && box[3]! > 0 ? box[3]! / 96 : 3)
  // Browsers cap canvases (Chromium at 16384 px a side); a cell figure is far below that.
  const cap = (x: number) => Math.max(1, Math.min(16_000, Math.round(x * dpi)))
  return { width: cap(w), height: cap(h) }
}

/** The SVG as PNG bytes at `dpi`, on a white background (figures go on paper and slides). */
export async function svgToPng(svg: string, dpi = PNG_DPI): Promise<Uint8Array<ArrayBuffer>> {
  const { width, height } = pngSize(svg, dpi)
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }))
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('this window cannot draw on a canvas')
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, width, height)
    ctx.drawImage(img, 0, 0, width, height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error('the browser could not encode the PNG')
    return new Uint8Array(await blob.arrayBuffer())
  } finally {
    URL.revokeObjectURL(url)
  }
}
