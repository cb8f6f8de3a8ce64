/**
 * Getis-Ord Gi* hot and cold spots on the cells of a layout: the confidence bin −3 … +3 of each
 * cell (99 / 95 / 90 % cold … hot, as ArcGIS's Gi_Bin) on ColorBrewer RdBu, a diverging scheme
 * that stays readable under the common colour-vision deficiencies (red–blue, not red–green).
 * Cells without significance are left nearly clear so the streets under them stay visible.
 */
import type { RGBA } from '../colors/ramps'
import type { GiRow } from '../api/analyses'
import { cellColors } from './cells-layer'

export const GI_LAYER_ID = 'hotspot-gi'

/** Bins from hottest to coldest (legend order). */
export const GI_BINS = [3, 2, 1, 0, -1, -2, -3] as const

/** Confidence of |bin| 1, 2, 3. */
export const GI_CONFIDENCE: Record<1 | 2 | 3, number> = { 1: 0.9, 2: 0.95, 3: 0.99 }

/** Fill of each bin: RdBu 7-class, the neutral class as a faint grey wash. */
export const GI_COLORS: Record<string, RGBA> = {
  '3': [178, 24, 43, 215],
  '2': [239, 138, 98, 200],
  '1': [253, 219, 199, 190],
  '0': [190, 190, 190, 26],
  '-1': [209, 229, 240, 190],
  '-2': [103, 169, 207, 200],
  '-3': [33, 102, 172, 215],
}

/** Colour of a bin (values outside −3 … +3 are clamped). */
export function giColor(bin: number): RGBA {
  const b = Math.max(-3, Math.min(3, Math.round(bin)))
  return GI_COLORS[String(b)]
}

/** Per-cell RGBA bytes for a Gi* result over `cells` cells (cells missing from the result stay clear). */
export function giCellColors(cells: number, rows: readonly Pick<GiRow, 'cell' | 'bin'>[]): Uint8Array {
  const bin = new Int8Array(cells).fill(127)
  for (const r of rows) if (r.cell >= 0 && r.cell < cells) bin[r.cell] = r.bin
  return cellColors(cells, (i) => (bin[i] === 127 ? null : giColor(bin[i])))
}

/** Cells per bin, for the legend counts. */
export function giBinCounts(rows: readonly Pick<GiRow, 'bin'>[]): Map<number, number> {
  const m = new Map<number, number>()
  for (const r of rows) m.set(r.bin, (m.get(r.bin) ?? 0) + 1)
  return m
}
