/** Saves generated content as a file through a temporary object URL. */

/** Triggers a download of `blob` as `filename`. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  // revoke after the click has been handled; revoking synchronously cancels the download in some browsers
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Downloads text with a MIME type (UTF-8). */
export function downloadText(filename: string, text: string, mime: string): void {
  downloadBlob(filename, new Blob([text], { type: `${mime};charset=utf-8` }))
}

/** A file-name-safe stamp of the current window, e.g. `2025-03-03_2025-03-10`. */
export function fileStamp(from: string | null, to: string | null): string {
  return from && to ? `${from}_${to}` : 'all'
}
