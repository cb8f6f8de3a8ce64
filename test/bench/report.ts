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

/** CPU time (user + system) of this process so far, ms: on the embedded database this includes the database. */
export function cpuMs(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

/** What phaseTimer measured: the whole run and each phase, wall and CPU milliseconds. */
export interface PhaseTimes {
  wallMs: number
  cpuMs: number
  phasesMs: Record<string, number>
  phasesCpuMs: Record<string, number>
}

/**
 * Times a run phase by phase from its progress events: each phase lasts from the first event
 * naming it to the next phase's (a phase met again adds up), in wall time and in this process's
 * CPU time (the machine may be shared: CPU shows the work done whatever the load). `first` names
 * what runs before the first event.
 */
export function phaseTimer(first: string): { onProgress(p: { phase: string }): void; end(): PhaseTimes } {
  const marks = [{ phase: first, wall: performance.now(), cpu: cpuMs() }]
  const tenth = (ms: number) => Math.round(ms * 10) / 10
  return {
    onProgress(p) {
      if (marks.at(-1)!.phase !== p.phase) marks.push({ phase: p.phase, wall: performance.now(), cpu: cpuMs() })
    },
    end() {
      const last = { phase: '', wall: performance.now(), cpu: cpuMs() }
      const phasesMs: Record<string, number> = {}
      const phasesCpuMs: Record<string, number> = {}
      marks.forEach((m, i) => {
        const next = marks[i + 1] ?? last
        phasesMs[m.phase] = tenth((phasesMs[m.phase] ?? 0) + next.wall - m.wall)
        phasesCpuMs[m.phase] = tenth((phasesCpuMs[m.phase] ?? 0) + next.cpu - m.cpu)
      })
      return { wallMs: last.wall - marks[0].wall, cpuMs: last.cpu - marks[0].cpu, phasesMs, phasesCpuMs }
    },
  }
}
