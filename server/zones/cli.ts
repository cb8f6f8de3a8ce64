/**
 * Responsibility-grid commands (same services as the HTTP API):
 *   npm run wangge -- zones plan --layout 1 --k 40 [--nesting community] [--budget 30] [--seed 1] [--workload w.json]
 *   npm run wangge -- zones import-current data/sample/grids.geojson --layout 1
 *   npm run wangge -- zones list [--layout 1]
 *   npm run wangge -- zones show 3
 *   npm run wangge -- zones compare 1 3
 *   npm run wangge -- zones export 3 --format shapefile --out zones.zip   (geojson, shapefile, csv, gpkg, html)
 */
import { writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Option, type Command } from 'commander'
import { print, progressBar, withDb } from '../cli/support'
import { renderExport } from '../exports'
import type { CurrentImportOptions, WorkloadDefinition, ZoningRequest } from './schema'
import { compareZonings, createZoning, getZoning, importCurrentZoning, listZonings, zoningExportTable, zoningSummary } from './service'

const int = (v: string) => Number.parseInt(v, 10)

/** The headline of a zoning for the terminal (the full view is long). */
function headline(z: Awaited<ReturnType<typeof getZoning>>) {
  const { zones, metrics, ...rest } = z
  const { history, zones: _perZone, ...figures } = metrics as Record<string, unknown>
  void _perZone
  return { ...rest, metrics: { ...figures, history_points: (history as unknown[] | undefined)?.length }, zones: zones.map((r) => `${r.code} ${r.cells} cells, workload ${r.workload} (${Math.round(r.share * 100)} %)`) }
}

export function zoneCommands(program: Command): void {
  const zones = program.command('zones').description('responsibility grids (责任网格): balanced zoning, current grids, comparison, export')

  zones.command('plan').description('draw K balanced, contiguous zones on a layout and store them as a proposal')
    .requiredOption('--layout <id>', 'layout id', int)
    .option('--k <n>', 'number of zones', int)
    .option('--workers <n>', 'number of workers (K = workers × grids per worker)', int)
    .option('--grids-per-worker <n>', 'grids per worker', int)
    .addOption(new Option('--nesting <level>', 'keep zones inside one community or street').choices(['none', 'community', 'street']).default('none'))
    .option('--workload <json>', 'workload definition file (from, to, case_weight, category_weights, street_weight, area_weight, poi_weights)')
    .option('--request <json>', 'a full request file (as POST /api/zones); flags override it')
    .option('--no-cross-streets', 'cells on opposite sides of a barrier street are not adjacent')
    .option('--max-diameter <m>', 'largest distance across a zone, metres', Number)
    .option('--max-walk <min>', 'largest walk across a zone, minutes', Number)
    .option('--budget <s>', 'search time budget, seconds', Number)
    .option('--iterations <n>', 'stop after this many search steps (reproducible)', int)
    .option('--seed <n>', 'random seed', int)
    .option('--name <text>', 'name of the proposal')
    .action(async (o) => {
      const base: Partial<ZoningRequest> = o.request ? JSON.parse(await readFile(o.request, 'utf8')) : {}
      const workload: WorkloadDefinition | undefined = o.workload ? JSON.parse(await readFile(o.workload, 'utf8')) : base.workload
      const req: ZoningRequest = {
        ...base, layout_id: o.layout, workload, nesting: o.nesting,
        ...(o.k !== undefined && { k: o.k }), ...(o.workers !== undefined && { workers: o.workers }),
        ...(o.gridsPerWorker !== undefined && { grids_per_worker: o.gridsPerWorker }),
        ...(o.crossStreets === false && { cross_streets: false }),
        ...(o.maxDiameter !== undefined && { max_diameter_m: o.maxDiameter }), ...(o.maxWalk !== undefined && { max_walk_minutes: o.maxWalk }),
        ...(o.budget !== undefined && { time_budget_s: o.budget }), ...(o.iterations !== undefined && { max_iterations: o.iterations }),
        ...(o.seed !== undefined && { seed: o.seed }), ...(o.name !== undefined && { name: o.name }),
      }
      await withDb(async (db) => {
        const bar = progressBar()
        try {
          print(headline(await createZoning(db, req, bar.onProgress)))
        } finally { bar.stop() }
      })
    })

  zones.command('import-current <file>').description('current grids: polygons (GeoJSON / zipped Shapefile) or a CSV of cell code → grid code')
    .requiredOption('--layout <id>', 'layout whose cells the grids cover', int)
    .option('--name <text>').option('--code-field <name>').option('--name-field <name>').option('--worker-field <name>')
    .option('--cell-field <name>', 'table form: the cell-code column')
    .option('--crs <crs>', 'polygons: WGS84, GCJ02, BD09, CGCS2000 or EPSG:nnnn')
    .option('--workload <json>', 'workload definition file')
    .action(async (file: string, o) => {
      const opts: CurrentImportOptions = {
        layout_id: o.layout, name: o.name, code_field: o.codeField, name_field: o.nameField, worker_field: o.workerField,
        cell_field: o.cellField, crs: o.crs, workload: o.workload ? JSON.parse(await readFile(o.workload, 'utf8')) : undefined,
      }
      await withDb(async (db) => {
        const r = await importCurrentZoning(db, file, { ...opts, filename: file })
        print({ ...r, zoning: headline(r.zoning) })
      })
    })

  zones.command('list').description('zonings with their headline figures')
    .option('--layout <id>', 'only this layout', int)
    .addOption(new Option('--kind <kind>').choices(['current', 'proposal']))
    .action(async (o) => withDb(async (db) => print(await listZonings(db, { layout: o.layout, kind: o.kind }))))

  zones.command('show <id>').description('one zoning: parameters, workload, figures, zones')
    .option('--full', 'everything, incl. per-zone arrays and the CV-over-time history')
    .action(async (id: string, o) => withDb(async (db) => {
      const z = await getZoning(db, int(id))
      print(o.full ? z : headline(z))
    }))

  zones.command('compare <a> <b>').description('compare two zonings of one layout (current vs proposed)')
    .action(async (a: string, b: string) => withDb(async (db) => print(await compareZonings(db, int(a), int(b)))))

  zones.command('export <id>').description('write the zones as GeoJSON, zipped Shapefile, CSV (WKT) or the printable HTML summary')
    .addOption(new Option('--format <f>').choices(['geojson', 'shapefile', 'csv', 'gpkg', 'html']).default('geojson'))
    .requiredOption('--out <file>', 'output file')
    .action(async (id: string, o) => withDb(async (db) => {
      if (o.format === 'html') writeFileSync(o.out, await zoningSummary(db, int(id)))
      else writeFileSync(o.out, (await renderExport(await zoningExportTable(db, int(id)), o.format)).body)
      print({ written: o.out })
    }))
}
