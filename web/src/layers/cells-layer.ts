/**
 * Unit cells (单元网格) of a layout as deck.gl binary data. A layout can hold 100,000 cells; the
 * GeoJSON is read once into flat typed arrays (positions, ring starts, earcut triangles, the cell
 * of every vertex), so panning never touches JavaScript objects and a new colouring only writes
 * one Uint8Array of vertex colours. Polygons with holes and multi-part cells are triangulated
 * here (deck.gl's binary mode takes pre-computed indices and would otherwise ignore holes).
 */
import earcut from 'earcut'
import { PathLayer, SolidPolygonLayer } from '@deck.gl/layers'
import { ClipExtension, FillStyleExtension } from '@deck.gl/extensions'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { RGBA } from '../colors/ramps'

/** Cell properties kept beside the geometry (one entry per cell, idx order). */
export interface CellMeta {
  code: string[]
  community: Array<string | null>
  communityId: Array<number | null>
  /** m² */
  area: Float64Array
}

/** A layout's cells as flat arrays. Cell `i` is the feature whose `idx` is `i` (else its position). */
export interface CellGeometry {
  /** number of cells */
  cells: number
  /** number of polygon parts (a MultiPolygon cell has several) */
  parts: number
  /** lon, lat of every ring vertex, WGS84 degrees; rings closed as in GeoJSON */
  positions: Float64Array
  /** first vertex of each part, plus the total at the end (length parts + 1) */
  partStarts: Uint32Array
  /** cell of each part */
  partCell: Uint32Array
  /** first vertex of each ring, plus the total at the end (outlines) */
  ringStarts: Uint32Array
  /** triangles as vertex indices into `positions` (earcut, holes respected) */
  indices: Uint32Array
  /** cell of each vertex, to expand per-cell colours to the per-vertex attribute */
  vertexCell: Uint32Array
  /** [minLon, minLat, maxLon, maxLat] per cell */
  bbox: Float64Array
  meta: CellMeta
}

type CellFeature = Feature<Polygon | MultiPolygon | null, { idx?: number; code?: string; community?: string | null; community_id?: number | null; area_m2?: number } | null>

/** Reads cell features (GeoJSON, WGS84) into a `CellGeometry`. Features without geometry keep their slot but draw nothing. */
export function buildCellGeometry(features: readonly CellFeature[]): CellGeometry {
  const n = features.length
  let vertices = 0
  let parts = 0
  let rings = 0
  for (const f of features) {
    const g = f.geometry
    if (!g) continue
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const p of polys) {
      parts++
      for (const r of p) {
        rings++
        vertices += r.length
      }
    }
  }
  const positions = new Float64Array(vertices * 2)
  const partStarts = new Uint32Array(parts + 1)
  const partCell = new Uint32Array(parts)
  const ringStarts = new Uint32Array(rings + 1)
  const vertexCell = new Uint32Array(vertices)
  const bbox = new Float64Array(n * 4)
  const meta: CellMeta = { code: new Array(n), community: new Array(n), communityId: new Array(n), area: new Float64Array(n) }
  const triangles: number[] = []
  let v = 0
  let pi = 0
  let ri = 0
  for (let k = 0; k < n; k++) {
    const f = features[k]
    const props = f.properties ?? {}
    const cell = Number.isInteger(props.idx) && props.idx! >= 0 && props.idx! < n ? props.idx! : k
    meta.code[cell] = props.code ?? String(cell)
    meta.community[cell] = props.community ?? null
    meta.communityId[cell] = props.community_id ?? null
    meta.area[cell] = props.area_m2 ?? NaN
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
    const g = f.geometry
    const polys = !g ? [] : g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const p of polys) {
      const start = v
      partStarts[pi] = start
      partCell[pi++] = cell
      const holes: number[] = []
      for (let r = 0; r < p.length; r++) {
        if (r > 0) holes.push(v - start)
        ringStarts[ri++] = v
        for (const [x, y] of p[r]) {
          positions[2 * v] = x
          positions[2 * v + 1] = y
          vertexCell[v++] = cell
          if (x < x0) x0 = x
          if (x > x1) x1 = x
          if (y < y0) y0 = y
          if (y > y1) y1 = y
        }
      }
      const tri = earcut(positions.subarray(2 * start, 2 * v), holes, 2)
      for (const t of tri) triangles.push(t + start)
    }
    bbox.set([x0, y0, x1, y1], cell * 4)
  }
  partStarts[parts] = v
  ringStarts[rings] = v
  return { cells: n, parts, positions, partStarts, partCell, ringStarts, indices: Uint32Array.from(triangles), vertexCell, bbox, meta }
}

/**
 * Per-vertex RGBA from per-cell RGBA (4 bytes per cell), the form deck.gl's binary colour
 * attribute takes.
 */
export function vertexColors(geom: CellGeometry, cellRgba: Uint8Array): Uint8Array {
  if (cellRgba.length !== geom.cells * 4) throw new Error(`Unexpected colour count: ${cellRgba.length / 4} colours for ${geom.cells} cells`)
  const out = new Uint8Array(geom.vertexCell.length * 4)
  const vc = geom.vertexCell
  for (let i = 0; i < vc.length; i++) {
    const c = vc[i] * 4
    out[4 * i] = cellRgba[c]
    out[4 * i + 1] = cellRgba[c + 1]
    out[4 * i + 2] = cellRgba[c + 2]
    out[4 * i + 3] = cellRgba[c + 3]
  }
  return out
}

/** Per-cell RGBA bytes from a colour function (null = transparent). */
export function cellColors(cells: number, colorOf: (cell: number) => RGBA | null): Uint8Array {
  const out = new Uint8Array(cells * 4)
  for (let i = 0; i < cells; i++) {
    const c = colorOf(i)
    if (c) out.set(c, i * 4)
  }
  return out
}

/** The deck.gl binary table of the fill: parts as polygons, positions, triangles, vertex colours. */
export interface CellFillData {
  length: number
  startIndices: Uint32Array
  attributes: {
    getPolygon: { value: Float64Array; size: 2 }
    indices: Uint32Array
    getFillColor: { value: Uint8Array; size: 4; normalized: true }
  }
}

/** Builds the binary fill table (keep the result while the colours stay the same: a new object re-uploads the buffers). */
export function cellFillData(geom: CellGeometry, cellRgba: Uint8Array): CellFillData {
  return {
    length: geom.parts,
    startIndices: geom.partStarts.subarray(0, geom.parts),
    attributes: {
      getPolygon: { value: geom.positions, size: 2 },
      indices: geom.indices,
      getFillColor: { value: vertexColors(geom, cellRgba), size: 4, normalized: true },
    },
  }
}

/** The binary table of the outlines: one path per ring. */
export function cellOutlineData(geom: CellGeometry) {
  const rings = geom.ringStarts.length - 1
  return { length: rings, startIndices: geom.ringStarts.subarray(0, rings), attributes: { getPath: { value: geom.positions, size: 2 } } }
}

export interface CellsLayerInput {
  /** layer id prefix; `<id>` is the fill, `<id>-outline` the outline */
  id: string
  geometry: CellGeometry
  fill: CellFillData
  /** outline colour; null draws none */
  line: RGBA | null
  /** outline width, px */
  lineWidth?: number
  visible: boolean
  pickable?: boolean
  /** [west, south, east, north] WGS84: draw only inside (the swipe comparison) */
  clip?: [number, number, number, number] | null
  /** outline table from `cellOutlineData` (shared between layers of the same layout) */
  outline?: ReturnType<typeof cellOutlineData>
  /**
   * procedural hatches (deck.gl FillStyleExtension, sizes in screen pixels): the mapping and the
   * hatch name of each part (a name not in the mapping draws the fill alone); the fill table then
   * carries `getFillPatternBackgroundColor`
   */
  hatches?: { mapping: Record<string, unknown>; partHatch: readonly string[] }
}

const clipExtension = new ClipExtension()
const hatchExtension = new FillStyleExtension({ proceduralPattern: true })

/** Fill and outline layers of a layout's cells. Picking answers the part; `cellOfPick` turns it into the cell. */
export function cellsLayers(input: CellsLayerInput): [SolidPolygonLayer, PathLayer] {
  const clip = input.clip ? { extensions: [clipExtension], clipBounds: input.clip } : {}
  const partHatch = input.hatches?.partHatch
  const hatch = input.hatches
    ? {
        extensions: [...(input.clip ? [clipExtension] : []), hatchExtension],
        fillPatternMapping: input.hatches.mapping,
        fillPatternSizeUnits: 'pixels',
        fillPatternMask: true,
        getFillPattern: (_: unknown, { index }: { index: number }) => partHatch![index],
        updateTriggers: { getFillPattern: partHatch },
      }
    : {}
  const fill = new SolidPolygonLayer({
    id: input.id,
    data: input.fill as never,
    visible: input.visible,
    pickable: input.pickable ?? true,
    autoHighlight: true,
    highlightColor: [0, 114, 178, 110],
    _normalize: false,
    positionFormat: 'XY',
    filled: true,
    extruded: false,
    ...clip,
    ...hatch,
  } as never)
  const outline = new PathLayer({
    id: `${input.id}-outline`,
    data: (input.outline ?? cellOutlineData(input.geometry)) as never,
    visible: input.visible && input.line !== null,
    pickable: false,
    _pathType: 'open',
    positionFormat: 'XY',
    getColor: input.line ?? [0, 0, 0, 0],
    widthUnits: 'pixels',
    getWidth: input.lineWidth ?? 0.6,
    ...clip,
  })
  return [fill, outline]
}

/** Outlines are drawn only when a typical cell spans at least this many screen pixels: below it they are noise (and most of the frame's cost). */
export const OUTLINE_MIN_PX = 8

/** Mean side of the cells in screen pixels at `zoom` (web mercator, 512 px tiles) at latitude `lat`. */
export function cellSidePx(geom: CellGeometry, zoom: number, lat: number): number {
  let sum = 0
  let n = 0
  for (let i = 0; i < geom.cells; i++) {
    const a = geom.meta.area[i]
    if (Number.isFinite(a) && a > 0) {
      sum += a
      n++
    }
  }
  if (!n) return Infinity
  const metresPerPx = (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom)
  return Math.sqrt(sum / n) / metresPerPx
}

/** The cell of a picked part index, or null. */
export function cellOfPick(geom: CellGeometry | null, index: number): number | null {
  if (!geom || !Number.isInteger(index) || index < 0 || index >= geom.parts) return null
  return geom.partCell[index]
}

/** Bounds of one cell, [minLon, minLat, maxLon, maxLat]. */
export function cellBounds(geom: CellGeometry, cell: number): [number, number, number, number] {
  const b = geom.bbox
  return [b[cell * 4], b[cell * 4 + 1], b[cell * 4 + 2], b[cell * 4 + 3]]
}

/**
 * The outline of one cell as GeoJSON coordinates: its polygons (one per part), each a list of
 * closed rings of [lon, lat] (WGS84 degrees), outer ring first as read.
 */
export function cellPolygons(geom: CellGeometry, cell: number): number[][][][] {
  const out: number[][][][] = []
  const rs = geom.ringStarts
  let r = 0
  for (let p = 0; p < geom.parts; p++) {
    const a = geom.partStarts[p]
    const b = geom.partStarts[p + 1]
    // rings are stored in part order: skip to the first ring of this part
    while (r < rs.length - 1 && rs[r] < a) r++
    if (geom.partCell[p] !== cell) continue
    const poly: number[][][] = []
    for (let k = r; k < rs.length - 1 && rs[k] < b; k++) {
      const ring: number[][] = []
      for (let v = rs[k]; v < rs[k + 1]; v++) ring.push([geom.positions[2 * v], geom.positions[2 * v + 1]])
      poly.push(ring)
    }
    out.push(poly)
  }
  return out
}
