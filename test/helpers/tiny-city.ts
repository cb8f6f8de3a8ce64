import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { gzipSync } from 'node:zlib'

/**
 * A 2 km × 1 km test district at lon 120.15–120.17, lat 30.26–30.27 (WGS84), one street and two
 * communities (west and east halves), written as the import format expects.
 */
export const TINY = { west: 120.15, east: 120.17, south: 30.26, north: 30.27, mid: 120.16 }

const rect = (w: number, s: number, e: number, n: number) => ({
  type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]],
})

export function tinyDistrictGeoJson(): string {
  const { west, east, south, north, mid } = TINY
  const f = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry })
  return JSON.stringify({
    type: 'FeatureCollection',
    features: [
      f({ level: 'district', code: '330198', name_zh: '测试区', name_en: 'Test District' }, rect(west, south, east, north)),
      f({ level: 'street', code: '001', parent_code: '330198', name_zh: '测试街道' }, rect(west, south, east, north)),
      f({ level: 'community', code: '001', parent_code: '001', name_zh: '西社区' }, rect(west, south, mid, north)),
      f({ level: 'community', code: '002', parent_code: '001', name_zh: '东社区' }, rect(mid, south, east, north)),
    ],
  })
}

/** Writes `content` to a fresh temp file; `encoding: 'gbk'` encodes it as GBK, `gzip` compresses. */
export function tempFile(name: string, content: string | Buffer, opts: { encoding?: 'gbk'; gzip?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wangge-fixture-'))
  const path = join(dir, name)
  let bytes = typeof content === 'string' ? (opts.encoding === 'gbk' ? iconv.encode(content, 'gbk') : Buffer.from(content, 'utf8')) : content
  if (opts.gzip) bytes = gzipSync(bytes)
  writeFileSync(path, bytes)
  return path
}
