/** Saves a hotspot layer export: built in the page, or for the density raster fetched from the server's renderer. */
import { buildUrl } from '../api/client'
import { downloadText } from './download'
import { hotspotExportFile, hotspotFileName, withBom, type HotspotExportSource } from './hotspot-export'

/** Downloads the export of one hotspot layer. */
export async function exportHotspotLayer(src: HotspotExportSource, format: 'csv' | 'geojson', opts: { lang: 'zh' | 'en'; stamp: string }): Promise<void> {
  const file = hotspotExportFile(src, format, opts)
  if (file) return downloadText(file.filename, file.text, file.mime)
  const res = await fetch(buildUrl(`/api/analyses/${src.analysis.id}/result`, { format }))
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`)
  const text = await res.text()
  const name = hotspotFileName(src.layer, src.analysis.id, opts.stamp, format)
  if (format === 'csv') downloadText(name, withBom(text), 'text/csv')
  else downloadText(name, text, 'application/geo+json')
}
