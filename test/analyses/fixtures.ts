/**
 * Hand-built data for the analyses tests: a square-cell layout drawn with PostGIS ST_SquareGrid
 * over a district (the layouts service builds real ones; these are plain squares, unclipped) and
 * cases inserted directly.
 */
import type { Database } from '../../server/db/connect'
import type { ResultTable } from '../../server/analyses/kind'
import { rowsOf } from '../../server/analyses/render'
import { getResult } from '../../server/analyses/repository'
import { loadSampleCity } from '../../server/sample/load'
import { openTestDatabase } from '../helpers/db'

/**
 * A layout of `side`-metre squares (EPSG `epsg`) covering district `scopeId`, every square meeting
 * it kept whole; idx row by row from the south-west. Returns the layout id.
 */
export async function insertSquareLayout(db: Database, scopeId: number, side = 100, epsg = 4549): Promise<number> {
  const { knex } = db
  const [{ id }] = await knex('layouts').insert({
    name: `squares ${side} m`, kind: 'square', scope_id: scopeId, params: JSON.stringify({ side, epsg }),
    metric_crs: `EPSG:${epsg}`, status: 'building',
  }).returning('id')
  await knex.raw(`
    INSERT INTO cells (layout_id, idx, code, community_id, geom, area_m2, centroid)
    SELECT :layout, (row_number() OVER (ORDER BY ST_YMin(g.geom), ST_XMin(g.geom)) - 1)::int,
      'SQ' || lpad((row_number() OVER (ORDER BY ST_YMin(g.geom), ST_XMin(g.geom)) - 1)::text, 6, '0'),
      NULL, ST_Multi(ST_Transform(g.geom, 4326)), ST_Area(g.geom), ST_Transform(ST_Centroid(g.geom), 4326)
    FROM districts d, ST_SquareGrid(CAST(:side AS float8), ST_Transform(d.geom, CAST(:epsg AS int))) g
    WHERE d.id = :scope AND ST_Intersects(g.geom, ST_Transform(d.geom, CAST(:epsg AS int)))`, { layout: id, side, epsg, scope: scopeId })
  await knex.raw(`UPDATE layouts SET status = 'ready', cell_count = (SELECT count(*) FROM cells WHERE layout_id = :layout) WHERE id = :layout`, { layout: id })
  return id
}

/** One case to insert; times as Date, lon/lat WGS84. */
export interface TestCase {
  lon: number
  lat: number
  category: string
  reported: Date
  due?: Date
  closed?: Date | null
  status?: 'reported' | 'dispatched' | 'handled' | 'closed' | 'rejected'
  stacked?: boolean
  source?: string
}

export async function insertCases(db: Database, cases: TestCase[], dataset = 'test'): Promise<void> {
  const { knex } = db
  const rows = cases.map((c, i) => ({
    dataset, external_id: `T${i}`, category_code: c.category, source: c.source ?? 'patrol',
    reported_at: c.reported, due_at: c.due ?? new Date(c.reported.getTime() + 24 * 3600e3), closed_at: c.closed ?? null,
    status: c.status ?? (c.closed ? 'closed' : 'dispatched'), stacked: c.stacked ?? false,
    geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [c.lon, c.lat]),
  }))
  for (let i = 0; i < rows.length; i += 500) await knex('cases').insert(rows.slice(i, i + 500))
}

/** Distance between two lon/lat points, metres (equirectangular; fine over a few km). */
export function metres(a: readonly [number, number], b: readonly [number, number]): number {
  const k = Math.PI / 180
  const dx = (a[0] - b[0]) * Math.cos(((a[1] + b[1]) / 2) * k) * 6371008.8 * k
  const dy = (a[1] - b[1]) * 6371008.8 * k
  return Math.hypot(dx, dy)
}

/** The sample city in the test database, on 100 m test squares, with each cell's centroid (lon, lat) by idx. */
export interface SampleCityOnSquares {
  db: Database
  layout: number
  centroids: Map<number, [number, number]>
}

export async function sampleCityOnSquares(): Promise<SampleCityOnSquares> {
  const db = await openTestDatabase()
  await loadSampleCity(db)
  const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
  const layout = await insertSquareLayout(db, id, 100)
  const cells = await db.knex('cells').where({ layout_id: layout }).select('idx', db.knex.raw('ST_X(centroid) AS lon'), db.knex.raw('ST_Y(centroid) AS lat'))
  const centroids = new Map<number, [number, number]>()
  for (const c of cells) centroids.set(c.idx, [c.lon, c.lat])
  return { db, layout, centroids }
}

/** The stored result table of an analysis as rows, geometry included. */
export async function resultRows(db: Database, id: number): Promise<Array<Record<string, unknown>>> {
  return rowsOf((await getResult<ResultTable>(db, id))!, true)
}
