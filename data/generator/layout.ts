/**
 * The hand-drawn plan of 望格区 (Wangge District) in design space (metres, x east, y north,
 * box [0, 5700]²; see frame.ts). Places are given on the 75 m lattice as (i, j) = (x, y) / 75.
 * The seed only adds detail (jitter, missing local links, names, cases, tracks); the plan itself
 * is fixed so that every seed yields a valid, nested district.
 */
import type { Pt } from './geom'

/** Lattice spacing, metres: one lane block in the old quarter. */
export const LATTICE = 75
/** Highest lattice index on each axis (5700 m / 75 m). */
export const LATTICE_MAX = 76

/** District outline, counter-clockwise, design metres (no coordinate is a multiple of 75, so no vertex sits on a lattice line). */
export const OUTLINE: readonly Pt[] = [
  [339, 546], [1465, 298], [2292, 378], [2912, 176], [3842, 254], [4669, 453], [5392, 639],
  [5568, 1465], [5340, 2292], [5537, 3119], [5464, 3945], [5185, 4772], [4565, 5340],
  [3635, 5495], [2809, 5340], [2085, 5568], [1259, 5392], [639, 4878], [298, 4049],
  [484, 3222], [228, 2395], [378, 1465],
]

/** The district and its parent city. */
export const DISTRICT = { code: '330199', parent_code: '330100', name_zh: '望格区', name_en: 'Wangge District' } as const

/** Lattice columns (i) and rows (j) of arterial roads (主干路), ~1 km apart. */
export const ARTERIAL_COLS = [12, 26, 40, 54, 66]
/** Lattice rows (j) of arterial roads. */
export const ARTERIAL_ROWS = [14, 44, 58]
/** Secondary roads (次干路) halfway between arterials. */
export const SECONDARY_COLS = [19, 33, 47, 60]
/** Lattice rows (j) of secondary roads. */
export const SECONDARY_ROWS = [7, 21, 36, 51, 67]
/** The river's centre row and its two embankment roads (滨河路). */
export const RIVER_ROW = 28
/** Lattice rows (j) of the south and north embankment roads, one lattice step from the river's centre. */
export const BANK_ROWS = [27, 29]
/** Arterial columns that cross the river on a bridge (exactly two). */
export const BRIDGE_COLS = [26, 54]
/** Old quarter (老城区) of lanes (胡同/巷弄), lattice box [i0, i1] × [j0, j1]. */
export const OLD_QUARTER = { i0: 26, i1: 40, j0: 29, j1: 44 } as const

/** Subdistricts (街道), code unique within the district. */
export const STREETS = [
  { code: '001', name_zh: '古城街道', name_en: 'Gucheng Subdistrict' },
  { code: '002', name_zh: '东湖街道', name_en: 'Donghu Subdistrict' },
  { code: '003', name_zh: '南江街道', name_en: 'Nanjiang Subdistrict' },
] as const

/** Communities (社区), code unique within the district, parent = subdistrict code. */
export const COMMUNITIES = [
  { code: '001', parent_code: '001', name_zh: '河坊社区', name_en: 'Hefang Community' },
  { code: '002', parent_code: '001', name_zh: '鼓楼社区', name_en: 'Gulou Community' },
  { code: '003', parent_code: '001', name_zh: '西河社区', name_en: 'Xihe Community' },
  { code: '004', parent_code: '001', name_zh: '梅花社区', name_en: 'Meihua Community' },
  { code: '005', parent_code: '001', name_zh: '文昌社区', name_en: 'Wenchang Community' },
  { code: '006', parent_code: '001', name_zh: '北山社区', name_en: 'Beishan Community' },
  { code: '007', parent_code: '002', name_zh: '东湖社区', name_en: 'Donghu Community' },
  { code: '008', parent_code: '002', name_zh: '望江社区', name_en: 'Wangjiang Community' },
  { code: '009', parent_code: '002', name_zh: '新华社区', name_en: 'Xinhua Community' },
  { code: '010', parent_code: '002', name_zh: '北园社区', name_en: 'Beiyuan Community' },
  { code: '011', parent_code: '003', name_zh: '江南社区', name_en: 'Jiangnan Community' },
  { code: '012', parent_code: '003', name_zh: '南星社区', name_en: 'Nanxing Community' },
  { code: '013', parent_code: '003', name_zh: '龙山社区', name_en: 'Longshan Community' },
  { code: '014', parent_code: '003', name_zh: '滨江社区', name_en: 'Binjiang Community' },
] as const

/**
 * Index into COMMUNITIES of the community holding a design point. Boundaries run along the
 * arterials, the river and, inside the old quarter, secondary row 36.
 */
export function communityAt(x: number, y: number): number {
  const i = x / LATTICE
  const j = y / LATTICE
  const band = i < 26 ? 0 : i < 40 ? 1 : i < 54 ? 2 : 3
  if (j < RIVER_ROW) return 10 + band
  if (j < 44) return [2, j < 36 ? 0 : 1, 6, 7][band]
  if (j < 58) return [3, 4, 6, 8][band]
  return [5, 4, 9, 9][band]
}

/** Rough share of a grid's area, km²: communities are cut into about area / this many grids. */
export const GRID_TARGET_KM2 = 0.6

/** A place on the lattice: (i, j) plus an offset in metres, so it sits beside the road. */
export interface LatticePlace {
  i: number
  j: number
  dx: number
  dy: number
}

/** Points of interest. */
export const POIS: readonly (LatticePlace & { id: string; kind: 'market' | 'metro_exit' | 'school' | 'office'; name_zh: string; name_en: string })[] = [
  { id: 'market-1', kind: 'market', name_zh: '河坊菜市场', name_en: 'Hefang Market', i: 31, j: 32, dx: 22, dy: 18 },
  { id: 'market-2', kind: 'market', name_zh: '望江农贸市场', name_en: 'Wangjiang Farmers Market', i: 61, j: 38, dx: 25, dy: -20 },
  { id: 'market-3', kind: 'market', name_zh: '南星菜市场', name_en: 'Nanxing Market', i: 34, j: 17, dx: -20, dy: 24 },
  { id: 'market-4', kind: 'market', name_zh: '北山综合市场', name_en: 'Beishan Market', i: 18, j: 63, dx: 24, dy: 22 },
  { id: 'metro-1a', kind: 'metro_exit', name_zh: '地铁西河站A口', name_en: 'Xihe Station Exit A', i: 18, j: 44, dx: 12, dy: 26 },
  { id: 'metro-1b', kind: 'metro_exit', name_zh: '地铁西河站B口', name_en: 'Xihe Station Exit B', i: 18, j: 44, dx: -14, dy: -26 },
  { id: 'metro-2a', kind: 'metro_exit', name_zh: '地铁鼓楼站A口', name_en: 'Gulou Station Exit A', i: 33, j: 44, dx: 16, dy: 26 },
  { id: 'metro-2b', kind: 'metro_exit', name_zh: '地铁鼓楼站B口', name_en: 'Gulou Station Exit B', i: 33, j: 44, dx: -12, dy: -26 },
  { id: 'metro-3a', kind: 'metro_exit', name_zh: '地铁东湖站A口', name_en: 'Donghu Station Exit A', i: 50, j: 44, dx: 14, dy: 26 },
  { id: 'metro-3b', kind: 'metro_exit', name_zh: '地铁东湖站B口', name_en: 'Donghu Station Exit B', i: 50, j: 44, dx: -16, dy: -26 },
  { id: 'school-1', kind: 'school', name_zh: '古城小学', name_en: 'Gucheng Primary School', i: 29, j: 39, dx: 30, dy: 30 },
  { id: 'school-2', kind: 'school', name_zh: '文昌中学', name_en: 'Wenchang Middle School', i: 31, j: 50, dx: 40, dy: 35 },
  { id: 'school-3', kind: 'school', name_zh: '西河小学', name_en: 'Xihe Primary School', i: 8, j: 34, dx: 35, dy: 40 },
  { id: 'school-4', kind: 'school', name_zh: '梅花中学', name_en: 'Meihua Middle School', i: 20, j: 52, dx: 40, dy: -35 },
  { id: 'school-5', kind: 'school', name_zh: '东湖小学', name_en: 'Donghu Primary School', i: 46, j: 34, dx: 35, dy: 35 },
  { id: 'school-6', kind: 'school', name_zh: '新华中学', name_en: 'Xinhua Middle School', i: 62, j: 50, dx: -35, dy: 40 },
  { id: 'school-7', kind: 'school', name_zh: '南星小学', name_en: 'Nanxing Primary School', i: 30, j: 10, dx: 35, dy: 35 },
  { id: 'school-8', kind: 'school', name_zh: '滨江实验学校', name_en: 'Binjiang Experimental School', i: 60, j: 18, dx: -40, dy: 35 },
  { id: 'office-001', kind: 'office', name_zh: '古城街道办事处', name_en: 'Gucheng Subdistrict Office', i: 34, j: 41, dx: 20, dy: -22 },
  { id: 'office-002', kind: 'office', name_zh: '东湖街道办事处', name_en: 'Donghu Subdistrict Office', i: 48, j: 46, dx: 22, dy: 20 },
  { id: 'office-003', kind: 'office', name_zh: '南江街道办事处', name_en: 'Nanjiang Subdistrict Office', i: 44, j: 20, dx: -22, dy: 20 },
  { id: 'centre', kind: 'office', name_zh: '望格区城市管理指挥中心', name_en: 'Wangge Urban Management Command Centre', i: 45, j: 52, dx: 25, dy: -25 },
]

/** The POI a geocoder falls back to when it cannot place an address (the district centre). */
export const FALLBACK_POI = 'centre'

/** Street-stall hotspots: every market and the busiest exit of each metro station. */
export const STALL_SITES: readonly { poi: string; radius_m: number; cases: number }[] = [
  { poi: 'market-1', radius_m: 150, cases: 1500 },
  { poi: 'market-2', radius_m: 150, cases: 1200 },
  { poi: 'market-3', radius_m: 150, cases: 1100 },
  { poi: 'market-4', radius_m: 150, cases: 900 },
  { poi: 'metro-1a', radius_m: 120, cases: 500 },
  { poi: 'metro-2a', radius_m: 120, cases: 800 },
  { poi: 'metro-3b', radius_m: 120, cases: 650 },
]

/** Persistent illegal-advert (非法小广告) spots on residential lanes. */
export const ADVERT_SITES: readonly (LatticePlace & { radius_m: number; cases: number })[] = [
  { i: 29, j: 41, dx: 0, dy: 0, radius_m: 100, cases: 900 },
  { i: 36, j: 31, dx: 0, dy: 0, radius_m: 100, cases: 800 },
  { i: 38, j: 39, dx: 0, dy: 0, radius_m: 100, cases: 700 },
  { i: 50, j: 11, dx: 0, dy: 0, radius_m: 120, cases: 600 },
  { i: 22, j: 66, dx: 0, dy: 0, radius_m: 120, cases: 500 },
]

/** Low-lying street areas, lattice boxes [i0, i1] × [j0, j1]; each is one drain hotspot. */
export const LOW_LYING: readonly { i0: number; i1: number; j0: number; j1: number; name: string; cases: number }[] = [
  { i0: 44, i1: 50, j0: 25, j1: 27, name: 'south embankment', cases: 1100 },
  { i0: 57, i1: 62, j0: 46, j1: 50, name: 'Xinhua hollow', cases: 800 },
  { i0: 11, i1: 13, j0: 49, j1: 53, name: 'arterial underpass', cases: 500 },
]

/** The three planted space-time patterns for emerging hot spot analysis. */
export const TREND_SITES = {
  /** 城中村 under redevelopment: material piles grow month by month. */
  intensifying: { i: 15, j: 20, dx: 0, dy: 0, radius_m: 200, category: '0107' },
  /** a mall opened in November: shared bikes pile up at its doors. */
  new: { i: 63, j: 54, dx: 0, dy: 0, radius_m: 150, category: '0405' },
  /** a night-snack street cleared by a spring campaign. */
  diminishing: { i: 14, j: 38, dx: 0, dy: 0, radius_m: 180, category: '0406' },
} as const

/** Design position of a lattice place, metres (before the street jitter). */
export function placeXY(p: LatticePlace): Pt {
  return [p.i * LATTICE + p.dx, p.j * LATTICE + p.dy]
}
