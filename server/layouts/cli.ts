/**
 * npm run wangge -- grid create --kind square --scope 330198 [--target-area 10000]
 * npm run wangge -- grid create --kind h3 --scope 330198 --resolution 11 --containment center --no-clip
 * npm run wangge -- grid list | show ID | export ID --format shapefile --out cells.zip (geojson, csv, shapefile, gpkg) | compare A B | delete ID
 */
import { writeFileSync } from 'node:fs'
import { Option, type Command } from 'commander'
import { print, progressBar, withDb } from '../cli/support'
import { EXPORT_FORMATS, renderExport, type ExportFormat } from '../exports'
import type { LayoutRequest } from './schema'
import { compareLayouts, createLayout, deleteLayout, getLayout, layoutExportTable, listLayouts } from './service'

const num = (v: string) => Number(v)

export function layoutCommands(program: Command): void {
  const grid = program.command('grid').description('unit-cell layouts (单元网格): draw, list, export, compare')

  grid.command('create').description('draw a new layout (never overwrites one)')
    .addOption(new Option('--kind <kind>', 'cell kind').choices(['square', 'h3', 'street']).default('square'))
    .requiredOption('--scope <idOrCode>', 'district/street/community id or full code')
    .option('--name <name>').option('--note <text>', 'author note')
    .option('--crs <epsg>', 'metric CRS EPSG code (default: chosen from the scope)', num)
    .option('--target-area <m2>', 'square/street: nominal cell area, m²', num)
    .option('--sliver-ratio <r>', 'square/street: merge pieces below this share of the target', num)
    .option('--origin <x,y>', 'square: grid origin in the metric CRS, metres')
    .option('--resolution <res>', 'h3: resolution 9–12', num)
    .addOption(new Option('--containment <mode>', 'h3: which cells').choices(['center', 'overlap']))
    .option('--no-clip', 'h3: keep whole hexagons')
    .option('--network <name>', 'street: street network')
    .option('--cover-resolution <res>', 'H3 resolution of each cell\'s cover (default 11)', num)
    .action(async (o) => {
      const scope = /^\d+$/.test(o.scope) && o.scope.length < 6 ? Number(o.scope) : String(o.scope)
      const common = { scope, name: o.name, note: o.note, crs: o.crs, cover_resolution: o.coverResolution }
      const req = (o.kind === 'h3'
        ? { kind: 'h3', ...common, resolution: o.resolution, containment: o.containment, clip: o.clip }
        : o.kind === 'street'
          ? { kind: 'street', ...common, target_area_m2: o.targetArea, sliver_ratio: o.sliverRatio, network: o.network }
          : { kind: 'square', ...common, target_area_m2: o.targetArea, sliver_ratio: o.sliverRatio, origin: o.origin ? String(o.origin).split(',').map(Number) : undefined }) as LayoutRequest
      for (const k of Object.keys(req) as Array<keyof LayoutRequest>) if (req[k] === undefined) delete req[k]
      await withDb(async (db) => {
        const bar = progressBar()
        try { print(await createLayout(db, req, bar.onProgress)) } finally { bar.stop() }
      })
    })

  grid.command('list').description('layouts, newest first').option('--scope <id>', 'only of this scope id', num)
    .action(async (o) => withDb(async (db) => {
      const layouts = await listLayouts(db, { scope: o.scope })
      print(layouts.map(({ stats, ...l }) => ({ ...l, warnings: (stats as { warnings?: string[] }).warnings })))
    }))

  grid.command('show <id>').description('one layout with its statistics')
    .action(async (id: string) => withDb(async (db) => print(await getLayout(db, Number(id)))))

  grid.command('export <id>').description('write the cells to a file')
    .addOption(new Option('--format <f>', 'file format').choices(EXPORT_FORMATS).default('geojson'))
    .requiredOption('--out <file>', 'output file')
    .action(async (id: string, o) => withDb(async (db) => {
      const out = await renderExport(await layoutExportTable(db, Number(id)), o.format as ExportFormat)
      writeFileSync(o.out, out.body)
      print({ file: o.out, format: o.format })
    }))

  grid.command('compare <a> <b>').description('cell counts, areas and cases per cell of two layouts')
    .action(async (a: string, b: string) => withDb(async (db) => print(await compareLayouts(db, Number(a), Number(b)))))

  grid.command('delete <id>').description('delete a layout and its cells')
    .action(async (id: string) => withDb(async (db) => { await deleteLayout(db, Number(id)); print({ deleted: Number(id) }) }))
}
