import type { Database } from '../../server/db/connect'
import { chooseMetricCrs, projector } from '../../server/shared/coords'

/**
 * Inserts a square-cell layout over the first top-level district (cells clipped to it, kept when
 * their centre lies inside), the way the layouts service stores one; returns the layout id.
 * Stands in for the layouts service in patrol tests.
 */
export async function insertSquareLayout(db: Database, sizeM: number, name = `square ${sizeM} m`): Promise<number> {
  const { knex } = db
  const d = await knex('districts').where({ level: 'district' }).orderBy('id').first('id', knex.raw('ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1'))
  const proj = projector(chooseMetricCrs([d.x0, d.y0, d.x1, d.y1]).epsg)
  const [ax, ay] = proj.forwardPoint(d.x0, d.y0)
  const [bx, by] = proj.forwardPoint(d.x1, d.y1)
  const squares: string[] = []
  for (let x = Math.floor(ax / sizeM) * sizeM; x < bx; x += sizeM) {
    for (let y = Math.floor(ay / sizeM) * sizeM; y < by; y += sizeM) {
      const ring = [[x, y], [x + sizeM, y], [x + sizeM, y + sizeM], [x, y + sizeM], [x, y]].map(([px, py]) => proj.inversePoint(px, py))
      squares.push(JSON.stringify({ type: 'Polygon', coordinates: [ring] }))
    }
  }
  const [{ id }] = await knex('layouts').insert({ name, kind: 'square', scope_id: d.id, status: 'ready', params: JSON.stringify({ size_m: sizeM }) }).returning('id')
  await knex.raw(
    `INSERT INTO cells (layout_id, idx, code, community_id, geom, area_m2, centroid)
     SELECT :layout, (row_number() OVER (ORDER BY ST_Y(s.c) DESC, ST_X(s.c)) - 1)::int,
            'C' || lpad((row_number() OVER (ORDER BY ST_Y(s.c) DESC, ST_X(s.c)))::text, 5, '0'),
            (SELECT k.id FROM districts k WHERE k.level = 'community' AND ST_Intersects(k.geom, s.c) ORDER BY k.id LIMIT 1),
            s.g, ST_Area(s.g::geography), s.c
     FROM (SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(sq.g, d.geom), 3)) AS g, ST_PointOnSurface(ST_Intersection(sq.g, d.geom)) AS c
           FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(unnest(CAST(:squares AS text[]))), 4326) AS g) sq
           JOIN districts d ON d.id = :district AND ST_Intersects(d.geom, ST_Centroid(sq.g))) s
     WHERE NOT ST_IsEmpty(s.g)`,
    { layout: id, squares, district: d.id })
  const [{ n }] = await knex('cells').where({ layout_id: id }).count({ n: '*' })
  await knex('layouts').where({ id }).update({ cell_count: Number(n) })
  return id
}
