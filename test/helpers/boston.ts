/**
 * The Boston 311 data of 2015 from WANGGE_REAL_DATA, as the real-data tests load it: the
 * neighbourhoods as communities of one district (code 990001) and, when asked, the cases through
 * the project's own mapping (data/mappings/boston-311.json).
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CaseImportMapping } from '../../server/cases/import/mapping'
import { importCases } from '../../server/cases/import/service'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { projectRoot, realDataDir } from './paths'

export const BOSTON_DISTRICT_CODE = '990001'
/** Boston in winter (EST); calendar days shift by an hour in summer, which weeks and months do not notice */
export const BOSTON_UTC_OFFSET = -300
/** UTM zone 19N, metres */
export const BOSTON_EPSG = 32619

/** Folder of the Boston files; only call inside a suite skipped when realDataDir is unset. */
export function bostonDir(): string {
  if (!realDataDir) throw new Error('WANGGE_REAL_DATA is not set')
  return resolve(realDataDir, 'boston-311-2015')
}

/** Imports the neighbourhoods and, unless `cases: false`, the 121,145 cases. */
export async function importBoston(db: Database, o: { cases?: boolean } = {}): Promise<void> {
  await importDistricts(db, join(bostonDir(), 'neighborhoods.geojson'), {
    level: 'community', nameField: 'Name', autoCode: true, createDistrict: { code: BOSTON_DISTRICT_CODE, name_zh: '波士顿', name_en: 'Boston' },
  })
  if (o.cases === false) return
  const mapping = JSON.parse(readFileSync(resolve(projectRoot, 'data/mappings/boston-311.json'), 'utf8')) as CaseImportMapping
  await importCases(db, join(bostonDir(), 'cases.csv.gz'), { mapping })
}
