/** Visual constants shared by the deck.gl layers and the base map (one place to restyle). */
import type { RGBA } from '../colors/ramps'

/**
 * Font stack for every label. Noto Sans CJK ships with Debian (fonts-noto-cjk) and most Linux
 * desktops; the rest are the system CJK fonts of Windows and macOS. Nothing is fetched.
 */
export const FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans GB", sans-serif'

/**
 * Text rendering: CJK needs `characterSet: 'auto'` (the atlas grows with the labels in use)
 * and SDF so labels get a halo that keeps them legible over roads and hexagons.
 */
export const TEXT_FONT_SETTINGS = { sdf: true, fontSize: 48, buffer: 6, radius: 12, cutoff: 0.25 } as const

/** Halo behind label text (the base map's land colour). */
export const HALO: RGBA = [250, 249, 246, 235]

/** Label colours by role. */
export const LABEL = {
  community: [70, 78, 92, 255] as RGBA,
  street: [88, 92, 98, 255] as RGBA,
  water: [54, 104, 150, 255] as RGBA,
  poi: [96, 96, 100, 255] as RGBA,
}

/** Highlight of the hovered object (Okabe–Ito blue, translucent). */
export const HOVER: RGBA = [0, 114, 178, 70]
