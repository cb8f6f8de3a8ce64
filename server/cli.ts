/**
 * The command line: the same services as the HTTP API, with progress bars.
 *   npm run wangge -- import cases FILE --mapping mapping.json
 *   npm run wangge -- import districts FILE --level community --parent 330199
 */
import { writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { loadConfig } from './config'
import { openDatabase } from './db/connect'
import { migrate } from './db/migrate'
import { AppError } from './shared/errors'
import { importCases } from './cases/import/service'
import type { CaseImportMapping } from './cases/import/mapping'
import { importCategories, importCategoryMappings } from './categories/import'
import { importDistricts, type Level } from './districts/import'
import { importBasemap } from './basemap/import'
import { errorsToCsv } from './imports/report'
import { readImportErrors } from './imports/record'
import { loadSampleCity } from './sample/load'
import { print, progressBar, withDb } from './cli/support'
import { layoutCommands } from './layouts/cli'
import { analysisCommands } from './analyses/cli'
import { patrolCommands } from './patrol/cli'
import { zoneCommands } from './zones/cli'

/** Each capability's commands, registered from its own folder (server/<capability>/cli.ts). */
const capabilityCommands: Array<(program: Command) => void> = [layoutCommands, analysisCommands, patrolCommands, zoneCommands]

const program = new Command('wangge').description('Wangge 网格 — GIS analytics for urban grid management')
const imp = program.command('import').description('import data files (same implementation as the HTTP API)')

imp.command('cases <file>')
  .description('cases from CSV (any delimiter, UTF-8/GBK, .gz) or GeoJSON')
  .option('--mapping <json>', 'mapping file: columns, categories, sources, statuses, crs, timezone …')
  .option('--dataset <name>', 'dataset the external ids belong to')
  .option('--crs <crs>', 'WGS84, GCJ02, BD09, CGCS2000 or EPSG:nnnn')
  .option('--timezone <tz>', 'IANA zone for times without offset')
  .option('--time-format <f>', 'auto, iso, us, zh, epoch-s, epoch-ms')
  .option('--delimiter <d>', 'CSV delimiter (default: sniffed)')
  .addOption(new Option('--encoding <e>', 'text encoding (default: detected)').choices(['utf8', 'gbk']))
  .option('--district-id <id>', 'check points against this district only', Number)
  .option('--errors <csv>', 'write rejected rows to this CSV file')
  .action(async (file: string, o) => {
    const mapping: CaseImportMapping = o.mapping ? JSON.parse(await readFile(o.mapping, 'utf8')) : {}
    for (const [k, v] of Object.entries({ dataset: o.dataset, crs: o.crs, timezone: o.timezone, timeFormat: o.timeFormat, delimiter: o.delimiter, encoding: o.encoding })) {
      if (v !== undefined) (mapping as Record<string, unknown>)[k] = v
    }
    await withDb(async (db) => {
      const bar = progressBar()
      try {
        const result = await importCases(db, file, { mapping, districtId: o.districtId ?? null, onProgress: bar.onProgress })
        bar.stop()
        if (o.errors) {
          writeFileSync(o.errors, errorsToCsv((await readImportErrors(db, result.import_id)) ?? []))
        }
        print({ ...result, errors: result.errors.slice(0, 20) })
      } finally { bar.stop() }
    })
  })

imp.command('districts <file>')
  .description('district/street/community boundaries (GeoJSON or zipped Shapefile)')
  .addOption(new Option('--level <level>', 'level of every feature').choices(['district', 'street', 'community']))
  .option('--code-field <name>').option('--name-field <name>').option('--name-en-field <name>')
  .option('--crs <crs>', 'declared CRS (e.g. GCJ02 for boundaries from Chinese web maps)')
  .option('--parent <fullCode>', 'full code of the parent unit')
  .option('--auto-code', 'number units without codes west→east, north→south')
  .option('--create-district <code:name_zh[:name_en]>', 'create the district as the union of the units')
  .action(async (file: string, o) => {
    const [code, name_zh, name_en] = o.createDistrict ? String(o.createDistrict).split(':') : []
    await withDb(async (db) => print(await importDistricts(db, file, {
      level: o.level as Level | undefined, codeField: o.codeField, nameField: o.nameField, nameEnField: o.nameEnField,
      crs: o.crs, parent: o.parent, autoCode: Boolean(o.autoCode), createDistrict: code ? { code, name_zh, name_en } : undefined,
    })))
  })

imp.command('categories <file>').description('the taxonomy CSV')
  .action(async (file: string) => withDb(async (db) => print(await importCategories(db, file))))

imp.command('category-mappings <file>').description('external category names → taxonomy codes')
  .requiredOption('--set <name>', 'mapping set (usually the dataset name)')
  .action(async (file: string, o) => withDb(async (db) => print(await importCategoryMappings(db, file, { mappingSet: o.set }))))

for (const layer of ['streets', 'water', 'pois'] as const) {
  imp.command(`${layer} <file>`).description(`base-map ${layer} (GeoJSON or zipped Shapefile)`)
    .option('--crs <crs>').option('--network <name>', 'street network name', 'default')
    .action(async (file: string, o) => withDb(async (db) => print(await importBasemap(db, layer, file, { crs: o.crs, network: o.network }))))
}

program.command('sample').description('load the bundled sample city (once)')
  .action(async () => withDb(async (db) => {
    const bar = progressBar()
    const loaded = await loadSampleCity(db, bar.onProgress)
    bar.stop()
    print({ loaded })
  }))

program.command('migrate').description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig()
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
    try { print({ applied: await migrate(db.knex) }) } finally { await db.close() }
  })

for (const register of capabilityCommands) register(program)

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AppError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`)
    if (Array.isArray(err.details)) process.stderr.write(JSON.stringify(err.details.slice(0, 20), null, 2) + '\n')
  } else process.stderr.write(`error: ${(err as Error).message}\n`)
  process.exit(1)
})
