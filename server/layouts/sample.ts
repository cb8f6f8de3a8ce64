/**
 * The layouts the sample city starts with, so the map and the analyses have cells on first
 * start: 10,000 m² squares (the national practice) and H3 res 10 (≈ 15,000 m²) of 望格区.
 */
import type { Database } from '../db/connect'
import { createLayout, type LayoutView } from './service'

/** Full code of the sample district (data/sample/districts.geojson). */
export const SAMPLE_DISTRICT_CODE = '330199'

export async function createSampleLayouts(db: Database): Promise<LayoutView[]> {
  const existing = await db.knex('layouts as l').join('districts as d', 'd.id', 'l.scope_id')
    .where('d.full_code', SAMPLE_DISTRICT_CODE).count<{ n: number }[]>({ n: '*' })
  if (Number(existing[0].n) > 0) return []
  return [
    await createLayout(db, { kind: 'square', scope: SAMPLE_DISTRICT_CODE, name: '方格 10000 m²（默认）', note: 'created with the sample city' }),
    await createLayout(db, { kind: 'h3', scope: SAMPLE_DISTRICT_CODE, resolution: 10, name: 'H3 res 10', note: 'created with the sample city' }),
  ]
}
