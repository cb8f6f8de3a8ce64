/**
 *   npm run wangge -- analyse gi-star --layout 1 --set k=8 --set fdr=true --category 0401,0402 --format geojson --out stalls.geojson
 *   npm run wangge -- analyse dbscan --set eps_m=50 --set min_pts=5 --from 2025-07-01T00:00:00+08:00
 *   npm run wangge -- analyses list | show <id> | result <id> --format csv | rerun <id>
 */
import { writeFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { print, progressBar, withDb } from '../cli/support'
import type { Database } from '../db/connect'
import { KINDS } from './registry'
import type { ResultFormat } from './render'
import { getAnalysisView, listAnalysisViews, renderResult, rerunAnalysis, runAnalysis, type AnalysisView } from './service'

const FORMATS = ['json', 'geojson', 'csv', 'grid']

/** `--set key=value` collected into an object (values stay strings; the kind's schema converts them). */
function collect(pair: string, acc: Record<string, string>): Record<string, string> {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw new Error(`--set expects key=value; got "${pair}"`)
  acc[pair.slice(0, eq)] = pair.slice(eq + 1)
  return acc
}

async function output(db: Database, view: AnalysisView, o: { format?: string; out?: string }): Promise<void> {
  if (!o.format && !o.out) return print(view)
  const { body } = await renderResult(db, view.id, (o.format ?? 'json') as ResultFormat)
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n'
  if (o.out) {
    writeFileSync(o.out, text)
    print({ ...view, written: o.out })
  } else process.stdout.write(text)
}

export function analysisCommands(program: Command): void {
  const kinds = KINDS.map((k) => k.kind)
  program.command('analyse <kind>')
    .description(`run and store an analysis: ${kinds.join(', ')}`)
    .option('--layout <id>', 'unit-cell layout id', Number)
    .option('--name <name>', 'a name to find the run by')
    .option('--set <key=value>', 'a parameter of the kind (repeatable), e.g. --set eps_m=50', collect, {})
    .option('--params <json>', 'parameters as one JSON object')
    .option('--from <iso>').option('--to <iso>')
    .option('--category <codes>', 'major or minor codes, comma-separated')
    .option('--source <channels>').option('--status <statuses>')
    .option('--community <id>', 'district, street or community id', Number)
    .option('--hours <hours>', 'e.g. 17-21').option('--weekdays <days>', 'ISO weekdays, e.g. 6,7')
    .option('--include-stacked', 'include geocoder-fallback (stacked) points')
    .option('--as-of <iso>', 'instant at which deadlines are judged')
    .addOption(new Option('--format <format>', 'print the result in this format instead of the summary').choices(FORMATS))
    .option('--out <file>', 'write the result to a file')
    .addHelpText('after', '\nParameters per kind: GET /api/analyses/kinds, or the OpenAPI page /docs.\n' +
      KINDS.map((k) => `  ${k.kind.padEnd(20)} ${Object.keys((k.params as { properties: object }).properties).join(', ')}`).join('\n'))
    .action(async (kind: string, o) => {
      const filters: Record<string, unknown> = {}
      for (const key of ['from', 'to', 'category', 'source', 'status', 'community', 'hours', 'weekdays'] as const) if (o[key] !== undefined) filters[key] = o[key]
      if (o.includeStacked) filters.include_stacked = true
      const parameters = { ...(o.params ? JSON.parse(o.params) : {}), ...o.set }
      await withDb(async (db) => {
        const bar = progressBar()
        try {
          const view = await runAnalysis(db, { kind, name: o.name, layout_id: o.layout, parameters, filters, as_of: o.asOf }, bar.onProgress)
          bar.stop()
          await output(db, view, o)
        } finally { bar.stop() }
      })
    })

  const analyses = program.command('analyses').description('stored analyses')
  analyses.command('list').option('--kind <kind>').option('--limit <n>', 'rows', Number, 50)
    .action(async (o) => withDb(async (db) => {
      const { items, total } = await listAnalysisViews(db, { kind: o.kind, limit: o.limit })
      print({ total, items: items.map(({ summary: _s, ...rest }) => rest) })
    }))
  analyses.command('show <id>').description('one analysis with its summary')
    .action(async (id: string) => withDb(async (db) => print(await getAnalysisView(db, Number(id)))))
  analyses.command('result <id>').description('the result of an analysis')
    .addOption(new Option('--format <format>').choices(FORMATS).default('json')).option('--out <file>')
    .action(async (id: string, o) => withDb(async (db) => output(db, await getAnalysisView(db, Number(id)), o)))
  analyses.command('rerun <id>').description('run a stored analysis again with the same inputs')
    .option('--as-of <iso>')
    .action(async (id: string, o) => withDb(async (db) => {
      const bar = progressBar()
      try {
        const view = await rerunAnalysis(db, Number(id), bar.onProgress, o.asOf)
        bar.stop()
        print(view)
      } finally { bar.stop() }
    }))
}
