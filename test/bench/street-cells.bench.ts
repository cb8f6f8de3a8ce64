/**
 * Street-following unit cells for the sample city (望格区: 25 km², 1,955 street segments, one
 * river, 14 communities), target 10,000 m². Measures the whole layout as POST /api/layouts builds
 * it (blocks in PostGIS, merges and cuts, then the shared pipeline: codes, H3 cover, neighbours,
 * store), the street phase alone, and the pure core on the same blocks; reports the area
 * statistics (share of cells within ±30% of the target) and how the cells came about.
 * Target: the whole layout in < 10 s.
 *
 *   npx tsx test/bench/street-cells.bench.ts            (embedded PGlite; DATABASE_URL for PostgreSQL)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { importBasemap } from '../../server/basemap/import'
import { openDatabase } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importDistricts } from '../../server/districts/import'
import { prepareUnits } from '../../server/layouts/pipeline'
import type { LayoutStats } from '../../server/layouts/schema'
import { createLayout, layoutCrs, resolveScope } from '../../server/layouts/service'
import { streetCells } from '../../server/layouts/street/core/cells'
import { readBlocks } from '../../server/layouts/street/build'
import { sampleDir, seedTaxonomy } from '../../server/sample/load'
import { measure, report } from './report'

const BENCH = 'street-cells'
const TARGET_S = 10
const TARGET_M2 = 10_000
const load = () => Math.round(loadavg()[0] * 10) / 10

const dir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'wangge-bench-street-'))
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: dir ?? '' })
try {
  await migrate(db.knex)
  await db.knex.raw('TRUNCATE cells, layouts, streets, water, districts RESTART IDENTITY CASCADE')
  await seedTaxonomy(db)
  await importDistricts(db, resolve(sampleDir, 'districts.geojson'))
  for (const layer of ['streets', 'water'] as const) await importBasemap(db, layer, resolve(sampleDir, `${layer}.geojson`), { network: 'sample' })

  // warm-up (JIT, PostGIS caches), then the measured run
  await createLayout(db, { kind: 'street', scope: '330199', network: 'sample' })
  const t0 = performance.now()
  const layout = await createLayout(db, { kind: 'street', scope: '330199', network: 'sample' })
  const totalS = (performance.now() - t0) / 1000
  const stats = layout.stats as LayoutStats
  report({
    bench: BENCH, figure: 'sample_city_layout', value: Math.round(totalS * 100) / 100, unit: 's', target: `< ${TARGET_S} s`,
    cells: stats.area.count, phases_ms: stats.timings_ms, database: db.kind, load: load(),
  })
  report({ bench: BENCH, figure: 'street_phase', value: stats.timings_ms.build, unit: 'ms', database: db.kind, load: load() })

  // the pure core on the same blocks
  const { scope } = await resolveScope(db, '330199')
  const crs = layoutCrs(scope.bbox)
  const blocks = await db.knex.transaction(async (trx) => {
    const [{ area }] = (await trx.raw('SELECT ST_Area(ST_Transform(geom, :srid::int)) AS area FROM districts WHERE id = :id', { srid: crs.epsg, id: scope.id })).rows
    await prepareUnits(trx, { ...scope, areaM2: area }, crs.epsg, () => {})
    return (await readBlocks(trx, 'sample', crs.epsg)).blocks
  })
  let counts: ReturnType<typeof streetCells>['counts'] | undefined
  const core = measure(() => { counts = streetCells(blocks, { target: TARGET_M2 }).counts }, 3)
  report({ bench: BENCH, figure: 'core', value: Math.round(core.wall), unit: 'ms', cpu_ms: Math.round(core.cpu), blocks: blocks.length, ...counts, load: core.load })

  const { rows } = await db.knex.raw(`SELECT attrs->>'origin' AS origin, count(*)::int AS n FROM cells WHERE layout_id = ? GROUP BY 1 ORDER BY 1`, [layout.id])
  report({
    bench: BENCH, figure: 'share_within_30pct', value: Math.round((stats.area.share_within_30pct ?? NaN) * 10_000) / 10_000, unit: 'share',
    target_m2: TARGET_M2, min_m2: Math.round(stats.area.min_m2), median_m2: Math.round(stats.area.median_m2), max_m2: Math.round(stats.area.max_m2),
    coverage: stats.coverage, origins: Object.fromEntries((rows as Array<{ origin: string; n: number }>).map((r) => [r.origin, r.n])),
  })
} finally {
  await db.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
}
