import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from '../db/connect'
import { importCategories } from '../categories/import'
import { importDistricts } from '../districts/import'
import { importBasemap } from '../basemap/import'
import { importCases } from '../cases/import/service'
import type { ProgressFn } from '../jobs/jobs'
import { createSampleLayouts } from '../layouts/sample'
import { loadSamplePatrol } from '../patrol/sample'
import { importSampleGrids } from '../zones/service'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const taxonomyFile = resolve(root, 'data/taxonomy/categories.csv')
export const sampleDir = resolve(root, 'data/sample')

/** Seeds the taxonomy when the categories table is empty (a fresh database). */
export async function seedTaxonomy(db: Database): Promise<boolean> {
  const [{ n }] = await db.knex('categories').count<{ n: number }[]>({ n: '*' })
  if (Number(n) > 0) return false
  await importCategories(db, taxonomyFile, 'data/taxonomy/categories.csv')
  return true
}

export async function isSampleLoaded(db: Database): Promise<boolean> {
  return Boolean(await db.knex('app_state').where({ key: 'sample_loaded' }).first())
}

/**
 * Loads the bundled sample city (望格区) once: boundaries, base map, one year of cases, patrol
 * workers, grids and June's tracks. Every
 * step is its own import, so a failure leaves what was complete and the next start resumes.
 */
export async function loadSampleCity(db: Database, onProgress?: ProgressFn): Promise<boolean> {
  if (await isSampleLoaded(db)) return false
  await seedTaxonomy(db)
  const file = (name: string) => resolve(sampleDir, name)
  onProgress?.({ phase: 'districts' })
  await importDistricts(db, file('districts.geojson'), { filename: 'data/sample/districts.geojson' })
  for (const layer of ['streets', 'water', 'pois'] as const) {
    const path = file(`${layer}.geojson`)
    if (!existsSync(path)) continue
    onProgress?.({ phase: layer })
    await importBasemap(db, layer, path, { filename: `data/sample/${layer}.geojson`, network: 'sample' })
  }
  onProgress?.({ phase: 'cases' })
  const result = await importCases(db, file('cases.csv.gz'), {
    filename: 'data/sample/cases.csv.gz', mapping: { dataset: 'sample', timezone: 'Asia/Shanghai' }, onProgress,
  })
  const patrol = await loadSamplePatrol(db, sampleDir, 'sample', onProgress)
  // default unit-cell layouts: 10,000 m² squares and H3 res 10
  onProgress?.({ phase: 'layouts' })
  await createSampleLayouts(db)
  // the current responsibility grids, as the current zoning of the default layout (when there is one)
  onProgress?.({ phase: 'grids' })
  await importSampleGrids(db, file('grids.geojson'))
  await db.knex('app_state').insert({ key: 'sample_loaded', value: JSON.stringify({ cases: result.counts, patrol }) })
    .onConflict('key').merge()
  return true
}
