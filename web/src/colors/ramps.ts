/**
 * Colour ramps. Sequential ramps are perceptually uniform and colour-blind safe (viridis,
 * cividis); the diverging ramp is ColorBrewer RdBu, read cold (blue) → hot (red); categories
 * use the Okabe–Ito palette, designed to stay distinct under all common colour-vision deficiencies.
 * Colours are `[r, g, b]` or `[r, g, b, a]` with channels 0–255, the form deck.gl accessors take.
 */

export type RGB = [number, number, number]
export type RGBA = [number, number, number, number]

/** Viridis sampled at t = 0, 0.1, …, 1 (matplotlib's table). */
const VIRIDIS_STOPS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725']

/** ColorBrewer RdBu (11 classes) reversed so index 0 is cold blue and the last is hot red. */
const RDBU_COLD_HOT = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f']

/**
 * Okabe–Ito without black (black reads as "no data" on a light base map), then two darker
 * Tol colours for the rare city with more than seven major categories.
 */
export const CATEGORICAL: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#882255', '#44AA99']

/** Neutral grey for "unknown category" and other no-information marks. */
export const NEUTRAL: RGB = [136, 136, 136]

/** `#rrggbb` → `[r, g, b]`. */
export function hexToRgb(hex: string): RGB {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) throw new Error(`Unexpected colour value: ${JSON.stringify(hex)}; expected #rrggbb`)
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)]
}

/** `[r, g, b]` → `#rrggbb`. */
export function rgbToHex(c: readonly number[]): string {
  return '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')
}

/** `[r, g, b]` (+ alpha 0–1) → CSS `rgba()` string, for canvas and SVG. */
export function rgbaCss(c: readonly number[], alpha = c.length > 3 ? c[3] / 255 : 1): string {
  return `rgba(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])}, ${+alpha.toFixed(3)})`
}

function clamp01(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0
}

/** Piecewise-linear interpolation between equally spaced stops in sRGB. */
function fromStops(stops: readonly string[]): (t: number) => RGB {
  const rgb = stops.map(hexToRgb)
  return (t: number) => {
    const x = clamp01(t) * (rgb.length - 1)
    const i = Math.min(rgb.length - 2, Math.floor(x))
    const f = x - i
    const a = rgb[i]
    const b = rgb[i + 1]
    return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)]
  }
}

/** Viridis at t ∈ [0, 1] (dark purple → yellow). */
export const viridis: (t: number) => RGB = fromStops(VIRIDIS_STOPS)

/** Inferno sampled at t = 0, 0.1, …, 1 (matplotlib's table): perceptually uniform, reads as heat. */
const INFERNO_STOPS = ['#000004', '#160b39', '#420a68', '#6a176e', '#932667', '#bc3754', '#dd513a', '#f37819', '#fca50a', '#f6d746', '#fcffa4']

/** Inferno at t ∈ [0, 1] (black → pale yellow). */
export const inferno: (t: number) => RGB = fromStops(INFERNO_STOPS)

/** Diverging cold → hot at t ∈ [0, 1]; 0.5 is the light neutral middle. */
export const rdBuColdHot: (t: number) => RGB = fromStops(RDBU_COLD_HOT)

/**
 * Cividis at t ∈ [0, 1] (dark blue → yellow), optimised for deuteranomaly; the polynomial fit
 * of Nuñez et al. (2018) as used by d3-scale-chromatic.
 */
export function cividis(t: number): RGB {
  t = clamp01(t)
  const ch = (v: number) => Math.max(0, Math.min(255, Math.round(v)))
  return [
    ch(-4.54 - t * (35.34 - t * (2381.73 - t * (6402.7 - t * (7024.72 - t * 2710.57))))),
    ch(32.49 + t * (170.73 + t * (52.82 - t * (131.46 - t * (176.58 - t * 67.37))))),
    ch(81.24 + t * (442.36 - t * (2482.43 - t * (6167.24 - t * (6614.94 - t * 2475.67))))),
  ]
}

/** `n` colours evenly sampled from a ramp, ends included (n ≥ 1; n = 1 gives the ramp's middle). */
export function sampleRamp(ramp: (t: number) => RGB, n: number): RGB[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Unexpected class count: ${n}; expected an integer ≥ 1`)
  if (n === 1) return [ramp(0.5)]
  return Array.from({ length: n }, (_, i) => ramp(i / (n - 1)))
}

/** WCAG relative luminance of an sRGB colour, 0 (black) … 1 (white). */
export function relativeLuminance(c: readonly number[]): number {
  const lin = (v: number) => {
    const s = v / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/** Black or white, whichever reads better on `bg` (for labels drawn over a ramp colour). */
export function contrastText(bg: readonly number[]): RGB {
  return relativeLuminance(bg) > 0.35 ? [20, 20, 20] : [255, 255, 255]
}

/** The categorical colour for the i-th category (cycles past the palette's end). */
export function categoricalColor(i: number): RGB {
  return hexToRgb(CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length])
}
