/**
 * Kernel density figures: a million seeded city points on a 500 × 500 raster over the 10 km city
 * (20 m cells), with the default (Silverman) bandwidth and with a wider given one, whose stamps
 * cover more cells. Target: a couple of seconds.
 * Run: npx tsx test/bench/kde.bench.ts
 */
import { kernelDensity } from '../../server/hotspots/core/kde'
import { BENCH_SEED, cityPoints } from './points'
import { measure, report } from './report'

const BENCH = 'kde'


function main(): void {
  const n = 1_000_000
  const { x, y } = cityPoints(n, BENCH_SEED)
  const extent = { minX: 0, minY: 0, maxX: 10_000, maxY: 10_000 }
  for (const bandwidth of [undefined, 400]) {
    let used = 0
    const t = measure(() => {
      const r = kernelDensity(x, y, { extent, cellSize: 20, bandwidth })
      used = r.bandwidth
    }, 3)
    report({
      bench: BENCH,
      figure: `quartic KDE 1M city points, 500 × 500 raster, ${bandwidth === undefined ? 'Silverman' : 'given'} bandwidth`,
      value: Math.round(t.wall),
      cpu_ms: Math.round(t.cpu),
      load: t.load,
      unit: 'ms',
      // the target is for the default radius; the work grows with the square of the radius
      ...(bandwidth === undefined ? { target: '< 3000 ms' } : { note: 'work grows with bandwidth²' }),
      bandwidth: +used.toFixed(1),
      cellsPerStamp: Math.round((Math.PI * used * used) / 400),
      seed: BENCH_SEED,
    })
  }
}

main()
