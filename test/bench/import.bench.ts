/**
 * Case import speed on the real Boston 311 file (121k rows), on the embedded database and, when
 * DATABASE_URL is set, on real PostGIS (COPY). Targets: ≥ 10,000 rows/s embedded, ≥ 50,000 rows/s
 * on real PostGIS. Needs WANGGE_REAL_DATA.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importCases } from '../../server/cases/import/service'
import { importDistricts } from '../../server/districts/import'
import { seedTaxonomy } from '../../server/sample/load'
import type { CaseImportMapping } from '../../server/cases/import/mapping'
import { projectRoot, realDataDir } from '../helpers/paths'
import { report } from './report'
import { readFileSync } from 'node:fs'

if (!realDataDir) {
  process.stderr.write('import.bench: WANGGE_REAL_DATA is not set; skipped\n')
  process.exit(0)
}
const boston = resolve(realDataDir, 'boston-311-2015')
const mapping = JSON.parse(readFileSync(resolve(projectRoot, 'data/mappings/boston-311.json'), 'utf8')) as CaseImportMapping

async function run(db: Database, label: string, target: number): Promise<void> {
  await migrate(db.knex)
  await db.knex.raw('TRUNCATE cases, imports, districts RESTART IDENTITY CASCADE')
  await seedTaxonomy(db)
  await importDistricts(db, join(boston, 'neighborhoods.geojson'), {
    level: 'community', nameField: 'Name', autoCode: true, createDistrict: { code: '990001', name_zh: '波士顿', name_en: 'Boston' },
  })
  const t0 = performance.now()
  const r = await importCases(db, join(boston, 'cases.csv.gz'), { mapping })
  const s = (performance.now() - t0) / 1000
  report({ bench: 'import', figure: `boston-311 rows/s (${label})`, value: Math.round(r.counts.rows / s), unit: 'rows/s', target: `>= ${target}`, rows: r.counts.rows, inserted: r.counts.inserted, rejected: r.counts.rejected, seconds: s })
  const t1 = performance.now()
  const again = await importCases(db, join(boston, 'cases.csv.gz'), { mapping })
  const s2 = (performance.now() - t1) / 1000
  report({ bench: 'import', figure: `boston-311 re-import rows/s (${label})`, value: Math.round(again.counts.rows / s2), unit: 'rows/s', unchanged: again.counts.unchanged, seconds: s2 })
}

const dir = mkdtempSync(join(tmpdir(), 'wangge-bench-'))
const embedded = await openDatabase({ dataDir: dir })
try { await run(embedded, 'embedded', 10_000) } finally { await embedded.close(); rmSync(dir, { recursive: true, force: true }) }
if (process.env.DATABASE_URL) {
  const pg = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: dir })
  try { await run(pg, 'postgis', 50_000) } finally { await pg.close() }
} else {
  process.stderr.write('import.bench: DATABASE_URL is not set; the real-PostGIS figure is skipped\n')
}
