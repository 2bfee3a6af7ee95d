/** Downloads a drawn cell as a standalone SVG file: theme variables resolved, fonts and styles inlined. */

const INLINE_CSS =
  'text{font-family:"DejaVu Sans",Verdana,"Bitstream Vera Sans",sans-serif}' +
  '.cell-edge-label{font-size:10px;text-anchor:middle;dominant-baseline:central;paint-order:stroke;stroke:#fff;stroke-width:3px}' +
  '.cell-node-label{font-size:12px;text-anchor:middle;dominant-baseline:central}'

export function exportSvg(svg: SVGSVGElement | null, fileName: string): void {
  if (!svg) return
  const clone = svg.cloneNode(true) as SVGSVGElement
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style')
  style.textContent = INLINE_CSS
  clone.insertBefore(style, clone.firstChild)
  const rootStyle = getComputedStyle(document.documentElement)
  const text = new XMLSerializer()
    .serializeToString(clone)
    .replace(/var\((--[\w-]+)\)/g, (m, name: string) => rootStyle.getPropertyValue(name).trim() || m)
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName.replace(/[^\w.-]+/g, '_')
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
