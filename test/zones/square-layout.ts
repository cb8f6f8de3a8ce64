/**
 * Test layouts written straight into `layouts` and `cells`: square cells of `side` metres over a
 * district, clipped to it, each cell in the community holding its centroid, rook neighbours from
 * shared edges. Built by PostGIS (ST_SquareGrid in the district's Gauss-Krüger zone).
 */
import type { Database } from '../../server/db/connect'
import { chooseMetricCrs } from '../../server/shared/coords'

export interface SquareLayoutOptions {
  /** district (level 'district') to cover; default the first one */
  districtId?: number
  /** cell side, metres; default 100 */
  side?: number
  name?: string
}

/** Creates a ready layout of square cells and returns its id and cell count. */
export async function buildSquareLayout(db: Database, opts: SquareLayoutOptions = {}): Promise<{ id: number; cells: number }> {
  const { knex } = db
  const side = opts.side ?? 100
  const district = opts.districtId
    ? await knex('districts').where({ id: opts.districtId }).first('id')
    : await knex('districts').where({ level: 'district' }).orderBy('id').first('id')
  const [bbox] = (await knex.raw('SELECT ST_XMin(geom) w, ST_YMin(geom) s, ST_XMax(geom) e, ST_YMax(geom) n FROM districts WHERE id = ?', [district.id])).rows
  const epsg = chooseMetricCrs([bbox.w, bbox.s, bbox.e, bbox.n]).epsg
  const [{ id }] = await knex('layouts').insert({
    name: opts.name ?? `test squares ${side} m`, kind: 'square', scope_id: district.id, params: JSON.stringify({ side }),
    metric_crs: `EPSG:${epsg}`, status: 'ready',
  }).returning('id')
  await knex.raw(`
    WITH p AS (SELECT CAST(:side AS float8) AS side),
    d AS (SELECT ST_Transform(geom, CAST(:epsg AS int)) AS g FROM districts WHERE id = :district),
    sq AS (SELECT (ST_SquareGrid(p.side, d.g)).geom AS g FROM d, p),
    clipped AS (
      SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(sq.g, d.g), 3)) AS g FROM sq, d WHERE ST_Intersects(sq.g, d.g)
    ),
    kept AS (SELECT g, ST_PointOnSurface(g) AS c FROM clipped, p WHERE ST_Area(g) > p.side * p.side * 0.1),
    numbered AS (
      SELECT row_number() OVER (ORDER BY round(ST_Y(c) / p.side) DESC, ST_X(c)) - 1 AS idx, g, c FROM kept, p
    )
    INSERT INTO cells (layout_id, idx, code, community_id, geom, area_m2, centroid)
    SELECT :layout, n.idx, 'T' || lpad(n.idx::text, 6, '0'),
           (SELECT m.id FROM districts m WHERE m.level = 'community' AND ST_Covers(m.geom, ST_Transform(n.c, 4326)) ORDER BY m.id LIMIT 1),
           ST_Transform(n.g, 4326), ST_Area(n.g), ST_Transform(n.c, 4326)
    FROM numbered n`, { epsg, district: district.id, side, layout: id })
  await knex.raw(`
    UPDATE cells c SET neighbours = nb.list
    FROM (
      SELECT a.idx, array_agg(b.idx ORDER BY b.idx) AS list
      FROM cells a JOIN cells b ON b.layout_id = a.layout_id AND b.idx <> a.idx AND ST_Intersects(a.geom, b.geom)
        AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)::geography) > 0.5
      WHERE a.layout_id = :layout GROUP BY a.idx
    ) nb
    WHERE c.layout_id = :layout AND c.idx = nb.idx`, { layout: id })
  const [{ n }] = await knex('cells').where({ layout_id: id }).count({ n: '*' })
  await knex('layouts').where({ id }).update({ cell_count: Number(n) })
  return { id, cells: Number(n) }
}
