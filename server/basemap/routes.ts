import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'

/** Base-map layers served as GeoJSON (WGS84), drawn by the map with no external tiles. */
export async function basemapRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/basemap/:layer', {
    schema: {
      tags: ['basemap'], summary: 'Streets, water or points of interest as GeoJSON',
      params: Type.Object({ layer: Type.Union([Type.Literal('streets'), Type.Literal('water'), Type.Literal('pois')]) }),
      querystring: Type.Object({
        format: Type.Optional(Type.Literal('geojson')),
        network: Type.Optional(Type.String({ description: 'street network name (streets only)' })),
      }),
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem },
    },
  }, async (req, reply) => {
    const { layer } = req.params
    const props: Record<string, string> = {
      streets: "'id', t.id, 'class', t.class, 'name_zh', t.name_zh, 'name_en', t.name_en, 'low_lying', t.low_lying, 'length_m', round(t.length_m::numeric, 1)",
      water: "'id', t.id, 'kind', t.kind, 'name_zh', t.name_zh, 'name_en', t.name_en",
      pois: "'id', t.id, 'kind', t.kind, 'name_zh', t.name_zh, 'name_en', t.name_en",
    }
    const where = layer === 'streets' && req.query.network ? 'WHERE t.network = ?' : ''
    const { rows } = await ctx.db.knex.raw<{ rows: { fc: unknown }[] }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
         'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom, 7)::json, 'properties', json_build_object(${props[layer]})
       ) ORDER BY t.id), '[]'::json)) AS fc FROM ${layer} t ${where}`,
      where ? [req.query.network!] : [])
    return reply.type('application/geo+json').send(rows[0].fc)
  })
}
