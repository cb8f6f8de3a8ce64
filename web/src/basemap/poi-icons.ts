/**
 * POI symbols drawn on a canvas at run time and handed to MapLibre with `addImage`: no sprite
 * sheet to host, nothing fetched. Icon-only symbol layers need no glyphs. Each symbol is a
 * rounded square in the kind's colour with a simple white pictogram, so POIs never read as
 * case points (which are circles).
 */
import { BASE_COLORS } from './style'

export type PoiKind = keyof typeof BASE_COLORS.poi

/** Icon size in CSS pixels; drawn at 2× for sharp edges on high-density screens. */
export const POI_ICON_PX = 16
const RATIO = 2

/** Name of a kind's image in the style (`poi-market`, …). */
export function poiIconName(kind: PoiKind): string {
  return `poi-${kind}`
}

/** Draws one kind's icon; returns RGBA pixels for `map.addImage(name, data, { pixelRatio: 2 })`. */
export function drawPoiIcon(kind: PoiKind): ImageData {
  const s = POI_ICON_PX * RATIO
  const canvas = document.createElement('canvas')
  canvas.width = s
  canvas.height = s
  const c = canvas.getContext('2d')!
  c.scale(RATIO, RATIO)
  const n = POI_ICON_PX
  c.fillStyle = '#ffffff'
  c.beginPath()
  c.roundRect(0, 0, n, n, 4)
  c.fill()
  c.fillStyle = BASE_COLORS.poi[kind]
  c.beginPath()
  c.roundRect(1, 1, n - 2, n - 2, 3.5)
  c.fill()
  c.fillStyle = '#ffffff'
  c.strokeStyle = '#ffffff'
  c.lineWidth = 1.4
  c.lineJoin = 'round'
  c.beginPath()
  if (kind === 'metro_exit') {
    // the letter M as strokes: every metro sign in China uses a stylised M
    c.moveTo(4, 12); c.lineTo(4, 4.5); c.lineTo(8, 9); c.lineTo(12, 4.5); c.lineTo(12, 12)
    c.stroke()
  } else if (kind === 'market') {
    // a basket: body and handle
    c.moveTo(3.5, 7); c.lineTo(12.5, 7); c.lineTo(11.2, 12.5); c.lineTo(4.8, 12.5); c.closePath()
    c.fill()
    c.beginPath()
    c.arc(8, 7, 3, Math.PI, 0)
    c.stroke()
  } else if (kind === 'school') {
    // a schoolhouse: roof and walls
    c.moveTo(2.8, 7.5); c.lineTo(8, 3.2); c.lineTo(13.2, 7.5); c.closePath()
    c.fill()
    c.fillRect(4.5, 7.5, 7, 5)
  } else {
    // an office tower with window rows
    c.fillRect(5, 3, 6, 10)
    c.fillStyle = BASE_COLORS.poi[kind]
    for (let y = 4.5; y < 12; y += 2.5) {
      c.fillRect(6.2, y, 1.4, 1.2)
      c.fillRect(8.4, y, 1.4, 1.2)
    }
  }
  return c.getImageData(0, 0, s, s)
}

/**
 * Adds every POI icon to the map. Called on `load`, before the POI source gets its data, so
 * no symbol ever asks for a missing image.
 */
export function addPoiIcons(map: { hasImage(id: string): boolean; addImage(id: string, img: ImageData, opts: { pixelRatio: number }): void }): void {
  for (const kind of Object.keys(BASE_COLORS.poi) as PoiKind[]) {
    const id = poiIconName(kind)
    if (!map.hasImage(id)) map.addImage(id, drawPoiIcon(kind), { pixelRatio: RATIO })
  }
}
