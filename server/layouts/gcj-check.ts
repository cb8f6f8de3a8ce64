/**
 * Catches a boundary drawn in GCJ-02 (Amap/Tencent web maps) but declared as WGS84: such a
 * boundary sits a few hundred metres off (north-east in Beijing) from where the cases are. Cases
 * near the boundary are counted inside it as declared and inside it moved by the local GCJ-02
 * offset; when clearly more fall inside the moved one, the boundary is most likely GCJ-02.
 */
import type { Database } from '../db/connect'
import { toWgs84 } from '../shared/coords'

/** cases sampled near the boundary (enough for a stable share, bounded for speed) */
const SAMPLE = 50_000
/** fewer nearby cases than this say nothing */
const MIN_CASES = 50
/** the moved boundary must hold this many more cases, relatively and absolutely, to warn */
const MIN_GAIN_RATIO = 1.02
const MIN_GAIN = 20

/**
 * @returns a warning naming the counts and what to do, or null when there is no sign of GCJ-02
 */
export async function detectGcjOffset(db: Database, districtId: number): Promise<string | null> {
  const c = (await db.knex.raw(
    'SELECT name_zh, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM districts WHERE id = ?', [districtId])).rows[0] as
    { name_zh: string; lon: number; lat: number } | undefined
  if (!c) return null
  const [wlon, wlat] = toWgs84(c.lon, c.lat, 'GCJ02')
  const dx = wlon - c.lon
  const dy = wlat - c.lat
  if (dx === 0 && dy === 0) return null // outside China GCJ-02 equals WGS84
  const r = (await db.knex.raw(
    `WITH s AS (SELECT geom, ST_Translate(geom, :dx::float8, :dy::float8) AS moved FROM districts WHERE id = :id),
          near AS (SELECT k.geom FROM cases k, s WHERE k.geom && ST_Expand(s.geom, 0.02) AND NOT k.stacked LIMIT ${SAMPLE})
     SELECT count(*)::int AS total,
            count(*) FILTER (WHERE ST_Intersects(s.geom, near.geom))::int AS declared,
            count(*) FILTER (WHERE ST_Intersects(s.moved, near.geom))::int AS moved
     FROM near, s`, { dx, dy, id: districtId })).rows[0] as { total: number; declared: number; moved: number }
  if (r.total < MIN_CASES || r.moved < r.declared * MIN_GAIN_RATIO || r.moved - r.declared < MIN_GAIN) return null
  const m = (d: number, perDeg: number) => Math.round(d * perDeg)
  return `${c.name_zh}'s boundary looks like GCJ-02 (Amap/Tencent) declared as WGS84: of ${r.total} nearby cases ${r.declared} fall inside it, ` +
    `${r.moved} inside it moved by the GCJ-02 offset (${m(dx, 111_320 * Math.cos(c.lat * Math.PI / 180))} m east, ${m(dy, 110_574)} m north). ` +
    'Re-import the boundary with --crs GCJ02 (options {"crs": "GCJ02"}).'
}
