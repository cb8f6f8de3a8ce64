/**
 * Label placement on the CPU: greedy, highest priority first, in web-mercator world pixels at
 * the current zoom. World pixels are pan-invariant and the map never rotates, so one placement
 * per half-zoom step holds for every camera at that zoom. (deck.gl's GPU CollisionFilterExtension
 * is unreliable in interleaved MapLibre mode and with pixel offsets, and untestable in node.)
 */

/** What placement needs to know about a label. */
export interface PlaceableLabel {
  /** anchor, [lon, lat] WGS84 degrees */
  position: [number, number]
  /** degrees counter-clockwise from east */
  angle: number
  /** text size, px */
  size: number
  /** higher is placed first */
  priority: number
  /** hidden below this zoom */
  minZoom: number
  /** vertical offset of the text from the anchor, px (POI names sit under their symbol) */
  offsetY?: number
}

/** Empty space kept around every label, px. */
export const LABEL_PADDING_PX = 6

/** Width of one character in ems: CJK glyphs are square, Latin ones about half as wide. */
function textWidthEm(text: string): number {
  let w = 0
  for (const ch of text) w += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(ch) ? 1 : 0.56
  return w
}

/** Web-mercator world pixel of lon/lat at `zoom` (512 px world at zoom 0, as MapLibre). */
export function worldPixel(lon: number, lat: number, zoom: number): [number, number] {
  const world = 512 * 2 ** zoom
  const s = Math.sin((Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180)
  return [((lon + 180) / 360) * world, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world]
}

/**
 * The labels that fit at `zoom` without overlapping, in priority order (ties keep input order).
 * @param textOf  the text drawn for a label (its width decides its footprint)
 */
export function placeLabels<T extends PlaceableLabel>(labels: readonly T[], zoom: number, textOf: (l: T) => string): T[] {
  const order = labels
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => zoom >= l.minZoom)
    .sort((a, b) => b.l.priority - a.l.priority || a.i - b.i)
  const CELL = 128
  const grid = new Map<number, Array<[number, number, number, number]>>()
  const key = (cx: number, cy: number) => cx * 1_000_003 + cy
  const out: T[] = []
  for (const { l } of order) {
    const text = textOf(l)
    if (!text) continue
    const [x, y0] = worldPixel(l.position[0], l.position[1], zoom)
    const y = y0 + (l.offsetY ?? 0)
    const w = textWidthEm(text) * l.size + 2 * LABEL_PADDING_PX
    const h = l.size * 1.25 + 2 * LABEL_PADDING_PX
    const a = (l.angle * Math.PI) / 180
    const hw = (Math.abs(w * Math.cos(a)) + Math.abs(h * Math.sin(a))) / 2
    const hh = (Math.abs(w * Math.sin(a)) + Math.abs(h * Math.cos(a))) / 2
    const box: [number, number, number, number] = [x - hw, y - hh, x + hw, y + hh]
    const cx0 = Math.floor(box[0] / CELL)
    const cx1 = Math.floor(box[2] / CELL)
    const cy0 = Math.floor(box[1] / CELL)
    const cy1 = Math.floor(box[3] / CELL)
    let hit = false
    for (let cx = cx0; cx <= cx1 && !hit; cx++) {
      for (let cy = cy0; cy <= cy1 && !hit; cy++) {
        for (const b of grid.get(key(cx, cy)) ?? []) {
          if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) {
            hit = true
            break
          }
        }
      }
    }
    if (hit) continue
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const k = key(cx, cy)
        const cell = grid.get(k)
        if (cell) cell.push(box)
        else grid.set(k, [box])
      }
    }
    out.push(l)
  }
  return out
}
