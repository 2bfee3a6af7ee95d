/**
 * Saves bytes or text as a file from the page: a Blob, an object URL and a clicked `<a download>`.
 * Works the same in Electron (its will-download default saves to Downloads) and in a browser against
 * `hdarts serve`; no IPC or filesystem access is needed, so the sandboxed renderer stays sandboxed.
 */

/** base64 (as the export.* operations send binary files) → bytes. */
export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function downloadFile(filename: string, mime: string, data: Uint8Array<ArrayBuffer> | string): void {
  const url = URL.createObjectURL(new Blob([data], { type: mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoking at once can cancel the download in some browsers; a minute is plenty for the save to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
