import { loadavg } from 'node:os'

/**
 * One benchmark figure, printed as a JSON line so runs can be collected and compared.
 * `ratio` compares against the reference named by `reference` in the same run (reference time ÷ ours
 * for speed: > 1 means Wangge is faster), when there is one.
 */
export interface BenchFigure {
  bench: string
  figure: string
  value: number
  unit: string
  target?: string
  reference?: string
  ratio?: number
  [extra: string]: unknown
}

export function report(figure: BenchFigure): void {
  process.stdout.write(JSON.stringify(figure) + '\n')
}

/** Wall time of `fn` in milliseconds (best of `repeat` runs, after one warm-up when repeat > 1). */
export async function timeMs(fn: () => unknown | Promise<unknown>, repeat = 1): Promise<number> {
  if (repeat > 1) await fn()
  let best = Infinity
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now()
    await fn()
    best = Math.min(best, performance.now() - t0)
  }
  return best
}

/**
 * Best wall and CPU time of `repeat` runs (after one warm-up when repeat > 1), milliseconds. The
 * machine may be shared, so CPU time and the 1-minute load average travel with every wall time.
 */
export function measure(fn: () => unknown, repeat = 1): { wall: number; cpu: number; load: number } {
  if (repeat > 1) fn()
  let wall = Infinity
  let cpu = Infinity
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    fn()
    wall = Math.min(wall, performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu = Math.min(cpu, (c.user + c.system) / 1000)
  }
  return { wall, cpu, load: Math.round(loadavg()[0] * 10) / 10 }
}
