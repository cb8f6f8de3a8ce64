import { parse as csvParse } from 'csv-parse/sync'
import type { Database } from '../db/connect'
import { ImportReport } from '../imports/report'
import { finishImport, type SimpleImportResult } from '../imports/record'
import { openTextFile } from '../imports/text-file'
import { AppError } from '../shared/errors'
import { sniffDelimiter } from '../cases/import/parse'

const TAXONOMY_COLUMNS = ['major_code', 'major_zh', 'major_en', 'minor_code', 'minor_zh', 'minor_en', 'kind', 'deadline_hours']
const KINDS: Record<string, string> = { event: 'event', '事件': 'event', component: 'component', '部件': 'component' }

async function readCsvRecords(path: string, label: string, expected: string): Promise<{ header: string[]; rows: string[][] }> {
  const file = await openTextFile(path, { label, expected })
  const chunks: string[] = []
  for await (const c of file.stream()) chunks.push(String(c))
  const records = csvParse(chunks.join(''), { delimiter: sniffDelimiter(file.sample), skip_empty_lines: true, relax_column_count: true }) as string[][]
  if (!records.length) throw new AppError('WG_EMPTY_FILE', `${label} is empty: expected ${expected}`, 422)
  return { header: records[0].map((h) => h.trim()), rows: records.slice(1) }
}

/**
 * Imports (or updates) the two-level taxonomy from CSV with columns
 * major_code,major_zh,major_en,minor_code,minor_zh,minor_en,kind,deadline_hours.
 * The taxonomy is data: cities edit it by importing their own file.
 */
export async function importCategories(db: Database, path: string, filename = path): Promise<SimpleImportResult> {
  const expected = `a CSV with columns ${TAXONOMY_COLUMNS.join(',')}`
  const { header, rows } = await readCsvRecords(path, filename, expected)
  const col = Object.fromEntries(TAXONOMY_COLUMNS.map((c) => [c, header.indexOf(c)]))
  const missing = TAXONOMY_COLUMNS.filter((c) => col[c] < 0 && c !== 'major_en' && c !== 'minor_en')
  if (missing.length) throw new AppError('WG_WRONG_COLUMNS', `${filename} lacks columns ${missing.join(', ')}: expected ${expected}`, 422)
  const report = new ImportReport()
  const majors = new Map<string, { code: string; major_code: string; level: string; name_zh: string; name_en: string | null }>()
  const minors: Record<string, unknown>[] = []
  rows.forEach((r, k) => {
    const row = k + 1
    const get = (c: string) => (col[c] >= 0 ? (r[col[c]] ?? '').trim() : '')
    const major = get('major_code')
    const minor = get('minor_code')
    const kind = KINDS[get('kind')]
    const hours = Number(get('deadline_hours'))
    if (!/^\d{2}$/.test(major)) return report.reject(row, 'major_code', major, 'WG_BAD_CODE', 'major_code must be 2 digits')
    if (!/^\d{4}$/.test(minor) || !minor.startsWith(major)) {
      return report.reject(row, 'minor_code', minor, 'WG_BAD_CODE', `minor_code must be 4 digits starting with its major code ${major}`)
    }
    if (!get('major_zh') || !get('minor_zh')) return report.reject(row, 'minor_zh', '', 'WG_MISSING_NAME', 'Chinese names are required')
    if (!kind) return report.reject(row, 'kind', get('kind'), 'WG_BAD_KIND', 'kind must be event (事件) or component (部件)')
    if (!(hours > 0)) return report.reject(row, 'deadline_hours', get('deadline_hours'), 'WG_BAD_DEADLINE', 'deadline_hours must be a positive number')
    majors.set(major, { code: major, major_code: major, level: 'major', name_zh: get('major_zh'), name_en: get('major_en') || null })
    minors.push({ code: minor, major_code: major, level: 'minor', name_zh: get('minor_zh'), name_en: get('minor_en') || null, kind, deadline_hours: hours })
  })
  const [{ id }] = await db.knex('imports').insert({ kind: 'categories', filename }).returning('id')
  await db.knex.transaction(async (trx) => {
    for (const rowsOfLevel of [[...majors.values()], minors]) {
      if (!rowsOfLevel.length) continue
      await trx('categories').insert(rowsOfLevel).onConflict('code').merge()
    }
  })
  return finishImport(db, id, report, { rows: rows.length, majors: majors.size, minors: minors.length, rejected: report.rejectedRows })
}

/**
 * Imports external category names → taxonomy codes, from CSV (external_name,category_code
 * [,mapping_set]) or JSON ({"name": "0401", …}). Unknown target codes are rejected per row.
 */
export async function importCategoryMappings(db: Database, path: string, opts: { mappingSet: string; filename?: string }): Promise<SimpleImportResult> {
  const filename = opts.filename ?? path
  const file = await openTextFile(path, { label: filename, expected: 'a CSV external_name,category_code or a JSON object' })
  let pairs: { row: number; set: string; name: string; code: string }[]
  if (file.sample.trimStart().startsWith('{')) {
    const chunks: string[] = []
    for await (const c of file.stream()) chunks.push(String(c))
    const obj = JSON.parse(chunks.join('')) as Record<string, unknown>
    const map = (obj.categories && typeof obj.categories === 'object' ? obj.categories : obj) as Record<string, string>
    pairs = Object.entries(map).map(([name, code], i) => ({ row: i + 1, set: opts.mappingSet, name, code: String(code) }))
  } else {
    const { header, rows } = await readCsvRecords(path, filename, 'a CSV with columns external_name,category_code')
    const iName = header.indexOf('external_name')
    const iCode = header.indexOf('category_code')
    const iSet = header.indexOf('mapping_set')
    if (iName < 0 || iCode < 0) throw new AppError('WG_WRONG_COLUMNS', `${filename} needs columns external_name and category_code`, 422)
    pairs = rows.map((r, k) => ({ row: k + 1, set: (iSet >= 0 && r[iSet]?.trim()) || opts.mappingSet, name: (r[iName] ?? '').trim(), code: (r[iCode] ?? '').trim() }))
  }
  const codes = new Set((await db.knex('categories').where({ level: 'minor' }).select('code')).map((c: { code: string }) => c.code))
  const report = new ImportReport()
  const good = pairs.filter((p) => {
    if (!p.name) { report.reject(p.row, 'external_name', '', 'WG_MISSING_NAME', 'external_name is empty'); return false }
    if (!codes.has(p.code)) { report.reject(p.row, 'category_code', p.code, 'WG_UNKNOWN_CATEGORY', `${p.code} is not a minor category code of the taxonomy`); return false }
    return true
  })
  const [{ id }] = await db.knex('imports').insert({ kind: 'category-mappings', filename, dataset: opts.mappingSet }).returning('id')
  if (good.length) {
    await db.knex('category_mappings')
      .insert(good.map((p) => ({ mapping_set: p.set, external_name: p.name, category_code: p.code })))
      .onConflict(['mapping_set', 'external_name']).merge()
  }
  return finishImport(db, id, report, { rows: pairs.length, mapped: good.length, rejected: report.rejectedRows })
}
