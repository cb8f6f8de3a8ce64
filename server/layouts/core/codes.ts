/**
 * Ordering and DB11 codes of unit cells (pure; no DB).
 *
 * Beijing DB11 practice: a unit cell's code is the 6-digit district code, the 3-digit street
 * code, the 3-digit community code and a 3-digit sequence numbered west→east, then north→south
 * within the community. Cells are put in rows of a fixed height (the nominal cell side, aligned
 * to the grid's origin for square cells) so that a slightly lower centroid does not jump a cell
 * to the next row.
 */
import { AppError } from '../../shared/errors'

/** A community cannot hold more cells than three digits number. */
export const MAX_CELLS_PER_COMMUNITY = 999

/** Columns describing the cells to order, all the same length. */
export interface CodeInput {
  /** unit (layout_units.unit_id) of each cell */
  unit: Int32Array
  /** centroid x, metres (metric CRS, east) */
  cx: Float64Array
  /** centroid y, metres (metric CRS, north) */
  cy: Float64Array
  /** preset code per cell, or null for a DB11 code */
  preset: Array<string | null>
}

/** What each unit contributes to a DB11 code. */
export interface UnitCode {
  streetCode: string
  communityCode: string
  nameZh: string
}

/**
 * Orders cells and gives them codes.
 * @param input        one entry per cell
 * @param units        unit id → its street and community codes
 * @param districtCode 6 digits
 * @param rowHeight    metres, > 0
 * @param rowOriginY   metres: a row boundary passes through this y
 * @returns order: cell positions in idx order (order[idx] = input position); codes in idx order
 * @throws AppError WG_LAYOUT_TOO_MANY_CELLS when a community would need more than 999 codes;
 *   WG_LAYOUT_DUPLICATE_CODE when two preset codes are equal
 */
export function assignCodes(
  input: CodeInput, units: Map<number, UnitCode>, districtCode: string, rowHeight: number, rowOriginY = 0,
): { order: Int32Array; codes: string[] } {
  const n = input.unit.length
  if (!(rowHeight > 0)) throw new RangeError(`Unexpected rowHeight value: ${rowHeight}.`)
  if (!/^\d{6}$/.test(districtCode)) throw new RangeError(`Unexpected district code: "${districtCode}" (6 digits expected).`)
  const row = new Float64Array(n)
  for (let i = 0; i < n; i++) row[i] = Math.floor((rowOriginY - input.cy[i]) / rowHeight) // grows southwards
  const order = Int32Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => input.unit[a] - input.unit[b] || row[a] - row[b] || input.cx[a] - input.cx[b] || input.cy[b] - input.cy[a])
  const codes: string[] = new Array(n)
  const seen = new Set<string>()
  let seq = 0
  for (let k = 0; k < n; k++) {
    const i = order[k]
    if (k === 0 || input.unit[order[k - 1]] !== input.unit[i]) seq = 0
    seq++
    const preset = input.preset[i]
    let code: string
    if (preset) code = preset
    else {
      const u = units.get(input.unit[i])
      if (!u) throw new RangeError(`cell ${i} lies in unknown unit ${input.unit[i]}`)
      if (seq > MAX_CELLS_PER_COMMUNITY) {
        const count = countUnit(input.unit, input.unit[i])
        throw new AppError('WG_LAYOUT_TOO_MANY_CELLS',
          `Community ${u.nameZh} (${districtCode}${u.streetCode}${u.communityCode}) would hold ${count} cells, more than the ${MAX_CELLS_PER_COMMUNITY} a 3-digit sequence can number; use a larger target area`, 422,
          { community: `${districtCode}${u.streetCode}${u.communityCode}`, cells: count })
      }
      code = `${districtCode}${u.streetCode}${u.communityCode}${String(seq).padStart(3, '0')}`
    }
    if (seen.has(code)) throw new AppError('WG_LAYOUT_DUPLICATE_CODE', `Two cells share the code ${code}; each cell needs its own`, 422)
    seen.add(code)
    codes[k] = code
  }
  return { order, codes }
}

function countUnit(unit: Int32Array, u: number): number {
  let c = 0
  for (let i = 0; i < unit.length; i++) if (unit[i] === u) c++
  return c
}
