import type { Feature, Geometry } from 'geojson'
import type { Database } from '../db/connect'
import { readSql } from '../db/sql-files'
import { parseDeclaredCrs } from '../imports/crs'
import { geometryToWgs84, prop, readFeatureFile } from '../imports/geojson'
import { ImportReport } from '../imports/report'
import { AppError } from '../shared/errors'
import { recordImportDone, recordImportFailed, type SimpleImportResult } from '../imports/record'

const UPSERT = readSql(import.meta.url, './queries/upsert-district.sql')
const NESTING = readSql(import.meta.url, './queries/nesting-violations.sql')

export type Level = 'district' | 'street' | 'community'
const LEVELS: Level[] = ['district', 'street', 'community']
const LEVEL_ALIASES: Record<string, Level> = {
  district: 'district', '区': 'district', '县': 'district', street: 'street', '街道': 'street', '镇': 'street', town: 'street',
  community: 'community', '社区': 'community', '村': 'community', neighborhood: 'community', neighbourhood: 'community',
}
/** share of a unit's area allowed outside its parent before the boundaries are said not to nest */
const NESTING_TOLERANCE = 0.01

export interface DistrictImportOptions {
  filename?: string
  /** level of every feature when the file has no `level` property */
  level?: Level
  /** property holding the unit's own code (default `code`, then `adcode`) */
  codeField?: string
  nameField?: string
  nameEnField?: string
  /** declared CRS of the file (Dongcheng's boundary is GCJ-02) */
  crs?: string
  /** full code of the parent of every top-level feature in the file (6 digits: a district; 9: a street) */
  parent?: string
  /** number units without codes 001, 002 … west→east then north→south */
  autoCode?: boolean
  /** create this district as the union of the file's units when it does not exist */
  createDistrict?: { code: string; name_zh: string; name_en?: string }
}

interface Unit { row: number; level: Level; code: string; parentCode: string; name_zh: string; name_en: string | null; geom: Geometry; fullCode?: string }

function centroid(g: Geometry): [number, number] {
  let sx = 0, sy = 0, n = 0
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') { sx += (c as number[])[0]; sy += (c as number[])[1]; n++ } else (c as unknown[]).forEach(walk)
  }
  if ('coordinates' in g) walk(g.coordinates)
  return [sx / n, sy / n]
}

/**
 * Imports districts, streets and communities from GeoJSON or a zipped Shapefile. Units are
 * upserted by full code; the whole file is one transaction, refused if the boundaries do not nest.
 */
export async function importDistricts(db: Database, path: string, opts: DistrictImportOptions = {}): Promise<SimpleImportResult> {
  const filename = opts.filename ?? path
  const expected = 'GeoJSON or a zipped Shapefile of district/street/community polygons'
  const fc = await readFeatureFile(path, filename, expected)
  const crs = parseDeclaredCrs(opts.crs)
  const report = new ImportReport()
  const units: Unit[] = []
  fc.features.forEach((f: Feature, k) => {
    const row = k + 1
    const levelText = prop(f, 'level')
    const level = opts.level ?? LEVEL_ALIASES[levelText.toLowerCase()] ?? LEVEL_ALIASES[levelText]
    if (!level) return report.reject(row, 'level', levelText, 'WG_BAD_LEVEL', 'level must be district, street or community (or pass --level)')
    const g = f.geometry
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
      return report.reject(row, 'geometry', g?.type ?? 'null', 'WG_BAD_GEOMETRY', 'a boundary must be a Polygon or MultiPolygon')
    }
    let code = prop(f, opts.codeField) || prop(f, 'code') || prop(f, 'adcode')
    if (level === 'district' && /^\d{6}$/.test(code) === false && code) {
      return report.reject(row, opts.codeField ?? 'code', code, 'WG_BAD_CODE', 'a district code is 6 digits (GB/T 2260)')
    }
    if (level !== 'district' && code && !/^\d{3}$/.test(code)) {
      if (/^\d{9,12}$/.test(code)) code = code.slice(-3)
      else return report.reject(row, opts.codeField ?? 'code', code, 'WG_BAD_CODE', `a ${level} code is 3 digits`)
    }
    if (!code && !opts.autoCode) return report.reject(row, opts.codeField ?? 'code', '', 'WG_MISSING_CODE', 'the unit has no code; give codes or use autoCode')
    const name_zh = prop(f, opts.nameField) || prop(f, 'name_zh') || prop(f, 'name') || prop(f, 'Name')
    if (!name_zh) return report.reject(row, opts.nameField ?? 'name_zh', '', 'WG_MISSING_NAME', 'the unit has no name')
    units.push({
      row, level, code, parentCode: prop(f, 'parent_code'), name_zh,
      name_en: prop(f, opts.nameEnField) || prop(f, 'name_en') || null, geom: geometryToWgs84(g, crs),
    })
  })
  if (opts.autoCode) {
    for (const level of LEVELS) {
      const todo = units.filter((u) => u.level === level && !u.code)
      todo.map((u) => ({ u, c: centroid(u.geom) }))
        .sort((a, b) => (Math.abs(b.c[1] - a.c[1]) > 1e-9 ? b.c[1] - a.c[1] : a.c[0] - b.c[0]))
        .forEach(({ u }, i) => { u.code = String(i + 1).padStart(3, '0') })
    }
  }
  if (report.rejectedRows) {
    throw new AppError('WG_BAD_DISTRICTS', `${filename}: ${report.rejectedRows} features are not usable boundaries; nothing was imported`, 422, report.errors)
  }
  const [{ id: importId }] = await db.knex('imports').insert({ kind: 'districts', filename, options: JSON.stringify(opts) }).returning('id')
  const counts: Record<string, number> = { rows: units.length, district: 0, street: 0, community: 0 }
  await db.knex.transaction(async (trx) => {
    const fileDistrict = units.find((u) => u.level === 'district')
    if (opts.createDistrict && !fileDistrict) {
      const d = opts.createDistrict
      const exists = await trx('districts').where({ full_code: d.code }).first()
      if (!exists) {
        await trx.raw(
          `INSERT INTO districts (level, code, full_code, name_zh, name_en, geom, area_m2, source_crs)
           SELECT 'district', ?, ?, ?, ?, g, ST_Area(g::geography), ?
           FROM (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(j), 4326)))), 3)) AS g
                 FROM unnest(?::text[]) AS j) u`,
          [d.code, d.code, d.name_zh, d.name_en ?? null, crs.label, units.map((u) => JSON.stringify(u.geom))])
        counts.district++
      }
    }
    const parentFullCode = (u: Unit): string | null => {
      if (u.level === 'district') return null
      if (u.level === 'street') return fileDistrict?.code ?? opts.parent ?? opts.createDistrict?.code ?? null
      const street = units.find((s) => s.level === 'street' && s.code === u.parentCode)
      if (street) return street.fullCode!
      return opts.parent ?? (fileDistrict ? null : opts.createDistrict?.code ?? null)
    }
    for (const level of LEVELS) {
      for (const u of units.filter((x) => x.level === level)) {
        const parent = parentFullCode(u)
        if (level !== 'district' && !parent) {
          throw new AppError('WG_NO_PARENT', `Row ${u.row}: ${level} ${u.code} ${u.name_zh} has no parent; give parent_code or --parent`, 422)
        }
        const parentRow = parent ? await trx('districts').where({ full_code: parent }).first('id', 'level') : null
        if (parent && !parentRow) throw new AppError('WG_NO_PARENT', `Row ${u.row}: parent ${parent} of ${u.name_zh} does not exist; import it first`, 422)
        // a community directly under a district takes street code 000 (not subdivided)
        u.fullCode = level === 'district' ? u.code
          : level === 'community' && parentRow.level === 'district' ? `${parent}000${u.code}` : `${parent}${u.code}`
        await trx.raw(UPSERT, [level, u.code, u.fullCode, parentRow?.id ?? null, u.name_zh, u.name_en, crs.label, JSON.stringify(u.geom)])
        counts[level]++
      }
    }
    const bad = (await trx.raw<{ rows: { full_code: string; name_zh: string; parent: string; outside_share: number }[] }>(NESTING, [NESTING_TOLERANCE])).rows
    if (bad.length) {
      throw new AppError('WG_NOT_NESTED',
        `Boundaries do not nest: ${bad.slice(0, 5).map((b) => `${b.name_zh} (${b.full_code}) has ${(b.outside_share * 100).toFixed(1)}% outside ${b.parent}`).join('; ')}. ` +
        'Nothing was imported; check the coordinate system and the parent codes.', 422, bad)
    }
  }).catch(async (err) => {
    await recordImportFailed(db, importId, err)
    throw err
  })
  await recordImportDone(db, importId, report, counts)
  return { import_id: importId, counts, errors: [], warnings: report.warnings }
}
