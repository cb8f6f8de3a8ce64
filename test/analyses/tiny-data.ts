/**
 * Cases planted in the tiny test district (test/helpers/tiny-city.ts) with known answers:
 * - HOT: a spot where stalls come back every Monday for 20 weeks (80 cases within ~60 m);
 * - BURST: 30 stall reports in one afternoon at another place;
 * - STACKED: 60 cases on one geocoder-fallback point, flagged stacked;
 * - P: 7 video-reported cases on one point whose handling statistics are worked out by hand;
 * - background adverts spread over the district (seeded).
 */
import { seededRandom } from '../../server/shared/random'
import { TINY } from '../helpers/tiny-city'
import type { TestCase } from './fixtures'

export const HOT: [number, number] = [120.155, 30.265]
export const BURST: [number, number] = [120.166, 30.2625]
export const STACKED: [number, number] = [120.162, 30.268]
export const P: [number, number] = [120.1525, 30.2615]
export const AS_OF = '2026-01-01T00:00:00+08:00'

const DEG_PER_M_LAT = 1 / 111_195
const DEG_PER_M_LON = 1 / (111_195 * Math.cos((30.265 * Math.PI) / 180))
const H = 3600e3

function around(rand: () => number, c: [number, number], r: number): [number, number] {
  const a = rand() * 2 * Math.PI
  const d = Math.sqrt(rand()) * r
  return [c[0] + Math.cos(a) * d * DEG_PER_M_LON, c[1] + Math.sin(a) * d * DEG_PER_M_LAT]
}

export function tinyCases(): TestCase[] {
  const rand = seededRandom(7)
  const out: TestCase[] = []
  // HOT: Mondays from 3 March 2025, four reports each at 17:00–20:00 local time
  for (let w = 0; w < 20; w++) {
    for (let k = 0; k < 4; k++) {
      const reported = new Date(Date.parse('2025-03-03T17:00:00+08:00') + w * 7 * 24 * H + k * 0.75 * H)
      const [lon, lat] = around(rand, HOT, 60)
      out.push({ lon, lat, category: '0401', reported, closed: new Date(reported.getTime() + 2 * H) })
    }
  }
  // BURST: one afternoon
  for (let k = 0; k < 30; k++) {
    const reported = new Date(Date.parse('2025-05-10T14:00:00+08:00') + k * 5 * 60e3)
    const [lon, lat] = around(rand, BURST, 20)
    out.push({ lon, lat, category: '0401', reported, closed: new Date(reported.getTime() + 30 * H) })
  }
  // STACKED: the fallback point
  for (let k = 0; k < 60; k++) {
    out.push({ lon: STACKED[0], lat: STACKED[1], category: '0401', reported: new Date(Date.parse('2025-01-05T09:00:00+08:00') + k * 3 * 24 * H), stacked: true })
  }
  // P: hand-worked statistics (see the cell-stats test)
  const t = Date.parse('2025-06-01T10:00:00+08:00')
  const at = (h: number) => new Date(t + h * H)
  const p = (category: string, rest: Partial<TestCase>): TestCase => ({ lon: P[0], lat: P[1], category, reported: at(0), due: at(24), source: 'video', ...rest })
  out.push(
    p('0401', { closed: at(2) }),
    p('0401', { closed: at(5) }),
    p('0401', { closed: at(30) }),
    p('0401', { status: 'dispatched' }),
    p('0201', { status: 'dispatched', due: new Date('2026-02-01T00:00:00+08:00') }),
    p('0201', { status: 'rejected', closed: at(1) }),
    p('0201', { closed: at(3) }),
  )
  // background adverts over the district, through 2025
  for (let k = 0; k < 220; k++) {
    const lon = TINY.west + 0.0005 + rand() * (TINY.east - TINY.west - 0.001)
    const lat = TINY.south + 0.0005 + rand() * (TINY.north - TINY.south - 0.001)
    const reported = new Date(Date.parse('2025-01-01T00:00:00+08:00') + Math.floor(rand() * 360 * 24) * H)
    out.push({ lon, lat, category: '0201', reported, closed: new Date(reported.getTime() + 10 * H) })
  }
  return out
}
