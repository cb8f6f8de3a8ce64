/**
 * Exports of a stored plan: GPX per worker (stops as waypoints, the walk as a track), GeoJSON
 * (routes, stops, uncovered cells), and a printable route sheet in Chinese (HTML with print CSS,
 * an inline SVG map of the route over the streets, the stop list and times).
 */
import type { Database } from '../db/connect'
import { AppError } from '../shared/errors'
import type { PlanView, RouteView } from './plan-service'

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Routes of one worker (all their shifts), or of every worker when `worker` is undefined. */
function routesOf(plan: PlanView, worker?: string): RouteView[] {
  if (worker === undefined) return plan.routes
  const routes = plan.routes.filter((r) => r.worker === worker)
  if (!routes.length) throw new AppError('WG_NOT_FOUND', `plan ${plan.id} has no route for worker ${worker}; workers: ${[...new Set(plan.routes.map((r) => r.worker))].join(', ')}`, 404)
  return routes
}

/** Epoch ms of a minute of the plan day (Asia/Shanghai). */
const at = (day: string, minuteOfDay: number): string =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + Math.round(minuteOfDay * 60_000)).toISOString()

/**
 * GPX 1.1 of one worker's routes (or all): a waypoint per stop named by its cell code with the
 * planned arrival time, and a track per shift along the streets.
 */
export function planGpx(plan: PlanView, worker?: string): string {
  const routes = routesOf(plan, worker)
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="Wangge 网格" xmlns="http://www.topografix.com/GPX/1/1">',
    `<metadata><name>${esc(`巡查路线 ${plan.day}${worker ? ` ${worker}` : ''}`)}</name><time>${at(plan.day, 0)}</time></metadata>`,
  ]
  for (const r of routes) {
    r.stops.forEach((s, k) => {
      out.push(`<wpt lat="${s.lat.toFixed(7)}" lon="${s.lon.toFixed(7)}"><time>${at(plan.day, r.shift_start + s.arrival + s.wait)}</time>` +
        `<name>${esc(`${k + 1} ${s.cell}`)}</name><desc>${esc(`${r.worker} 到达 ${s.arrive_at}，停留 ${Math.round(s.dwell)} 分钟，离开 ${s.leave_at}`)}</desc></wpt>`)
    })
  }
  for (const r of routes) {
    out.push(`<trk><name>${esc(`${r.worker}${r.name_zh ? ` ${r.name_zh}` : ''} ${r.shift}`)}</name><trkseg>`)
    for (const [lon, lat] of r.geometry.coordinates) out.push(`<trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"/>`)
    out.push('</trkseg></trk>')
  }
  out.push('</gpx>')
  return out.join('\n') + '\n'
}

/** The plan as a GeoJSON FeatureCollection: one LineString per route, one Point per stop, uncovered cells. */
export async function planGeoJson(db: Database, plan: PlanView, worker?: string) {
  const routes = routesOf(plan, worker)
  const features: unknown[] = []
  for (const r of routes) {
    features.push({
      type: 'Feature', geometry: r.geometry,
      properties: { kind: 'route', worker: r.worker, name_zh: r.name_zh, shift: r.shift, length_m: r.length_m, duration_min: r.duration_min, stops: r.stops.length, dwell_value: r.dwell_value },
    })
    r.stops.forEach((s, k) => features.push({
      type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { kind: 'stop', worker: r.worker, shift: r.shift, order: k + 1, cell: s.cell, arrive_at: s.arrive_at, leave_at: s.leave_at, dwell_min: s.dwell, wait_min: s.wait },
    }))
  }
  if (worker === undefined && plan.uncovered.length) {
    const { rows } = await db.knex.raw<{ rows: Array<{ code: string; g: string }> }>(
      'SELECT code, ST_AsGeoJSON(centroid, 7) AS g FROM cells WHERE layout_id = :layout AND code = ANY (CAST(:codes AS text[]))',
      { layout: plan.layout, codes: plan.uncovered.map((u) => u.cell) })
    const where = new Map(rows.map((r) => [r.code, JSON.parse(r.g)]))
    for (const u of plan.uncovered) {
      features.push({ type: 'Feature', geometry: where.get(u.cell) ?? null, properties: { kind: 'uncovered', cell: u.cell, reason: u.reason, reason_zh: u.reason_zh } })
    }
  }
  return { type: 'FeatureCollection' as const, properties: { plan: plan.id, day: plan.day, objective: plan.objective }, features }
}

const SVG_W = 680
const SVG_H = 460
const ROUTE_COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd']

/** Streets inside a lon/lat box, for the map of the route sheet. */
async function streetsIn(db: Database, network: string, box: [number, number, number, number]): Promise<number[][][]> {
  const { rows } = await db.knex.raw<{ rows: { g: string }[] }>(
    `SELECT ST_AsGeoJSON(geom, 6) AS g FROM streets
     WHERE network = :network AND geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)`,
    { network, x0: box[0], y0: box[1], x1: box[2], y1: box[3] })
  return rows.map((r) => JSON.parse(r.g).coordinates as number[][])
}

/** Inline SVG: streets in grey, each shift's route in colour, stops numbered. North up, equal scale. */
function routeSvg(routes: RouteView[], streets: number[][][], box: [number, number, number, number]): string {
  const [x0, y0, x1, y1] = box
  const kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180) // metres per degree of lon vs lat
  const scale = Math.min((SVG_W - 20) / ((x1 - x0) * kx || 1e-9), (SVG_H - 20) / ((y1 - y0) || 1e-9))
  const px = ([lon, lat]: number[]) => `${(10 + (lon - x0) * kx * scale).toFixed(1)},${(SVG_H - 10 - (lat - y0) * scale).toFixed(1)}`
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SVG_W} ${SVG_H}" class="map" role="img" aria-label="路线图">`,
    '<rect width="100%" height="100%" fill="#fafafa"/>']
  for (const s of streets) parts.push(`<polyline points="${s.map(px).join(' ')}" fill="none" stroke="#c8c8c8" stroke-width="1.5"/>`)
  routes.forEach((r, k) => {
    const colour = ROUTE_COLOURS[k % ROUTE_COLOURS.length]
    parts.push(`<polyline points="${r.geometry.coordinates.map(px).join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-opacity="0.8" stroke-linejoin="round"/>`)
    const start = r.geometry.coordinates[0]
    if (start) parts.push(`<rect x="${Number(px(start).split(',')[0]) - 6}" y="${Number(px(start).split(',')[1]) - 6}" width="12" height="12" fill="#333"><title>出发/返回</title></rect>`)
    r.stops.forEach((s, i) => {
      const [cx, cy] = px([s.lon, s.lat]).split(',')
      const dwell = s.dwell > 0
      parts.push(`<circle cx="${cx}" cy="${cy}" r="${dwell ? 7 : 4}" fill="${dwell ? colour : '#fff'}" stroke="${colour}" stroke-width="1.5"><title>${esc(`${i + 1} ${s.cell} ${s.arrive_at}`)}</title></circle>`)
      if (dwell) parts.push(`<text x="${cx}" y="${Number(cy) + 3}" font-size="8" text-anchor="middle" fill="#fff">${i + 1}</text>`)
    })
  })
  parts.push('</svg>')
  return parts.join('\n')
}

const CSS = `
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 16px 0 4px; }
.meta { color: #555; font-size: 13px; margin-bottom: 8px; }
.map { width: 100%; max-width: ${SVG_W}px; border: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin-top: 8px; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; } th { background: #f0f0f0; }
td.num { text-align: right; } tr.dwell td { font-weight: bold; }
.sign { margin-top: 16px; font-size: 13px; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; } .sheet { page-break-after: always; } .sheet:last-child { page-break-after: auto; } .map { max-width: 100%; } }
`

/** The printable route sheet (Chinese): one page per worker with the map, the stops and times. */
export async function planHtml(db: Database, plan: PlanView, worker?: string): Promise<string> {
  const routes = routesOf(plan, worker)
  const workers = [...new Set(routes.map((r) => r.worker))]
  const sheets: string[] = []
  for (const code of workers) {
    const mine = routes.filter((r) => r.worker === code)
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
    for (const r of mine) {
      for (const [x, y] of r.geometry.coordinates) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y)
      }
    }
    const pad = Math.max(x1 - x0, y1 - y0) * 0.05 + 0.0005
    const box: [number, number, number, number] = [x0 - pad, y0 - pad, x1 + pad, y1 + pad]
    const streets = Number.isFinite(x0) ? await streetsIn(db, plan.network, box) : []
    const rows: string[] = []
    for (const r of mine) {
      rows.push(`<tr><th colspan="6">班次 ${esc(r.shift)} · 步行 ${(r.length_m / 1000).toFixed(2)} 公里 · 用时 ${Math.round(r.duration_min)} 分钟 · 停靠 ${r.stops.length} 处</th></tr>`)
      r.stops.forEach((s, k) => rows.push(
        `<tr${s.dwell > 0 ? ' class="dwell"' : ''}><td class="num">${k + 1}</td><td>${esc(s.cell)}</td><td>${s.arrive_at}</td>` +
        `<td class="num">${s.dwell > 0 ? Math.round(s.dwell) : '—'}</td><td>${s.leave_at}</td><td>${s.dwell > 0 ? '重点停留巡查' : '途经巡查'}${s.wait > 0.5 ? `（等候 ${Math.round(s.wait)} 分钟）` : ''}</td></tr>`))
    }
    const name = mine[0].name_zh ? `${mine[0].name_zh}（${code}）` : code
    const km = mine.reduce((s, r) => s + r.length_m, 0) / 1000
    sheets.push(`<section class="sheet">
<h1>巡查路线单 · ${esc(plan.day)}</h1>
<div class="meta">巡查员：${esc(name)} ｜ 班次：${mine.map((r) => esc(r.shift)).join('，')} ｜ 总里程 ${km.toFixed(2)} 公里 ｜ 单元网格 ${mine.reduce((s, r) => s + r.stops.length, 0)} 个（其中重点停留 ${mine.reduce((s, r) => s + r.stops.filter((x) => x.dwell > 0).length, 0)} 个） ｜ 计划编号 ${plan.id}</div>
${routeSvg(mine, streets, box)}
<table><thead><tr><th>序号</th><th>单元网格</th><th>到达</th><th>停留（分钟）</th><th>离开</th><th>说明</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<div class="sign">图例：■ 出发/返回点&emsp;● 重点停留&emsp;○ 途经。巡查员签字：＿＿＿＿＿＿&emsp;&emsp;完成时间：＿＿＿＿＿＿</div>
</section>`)
  }
  const uncovered = worker === undefined && plan.uncovered.length
    ? `<section class="sheet"><h2>未覆盖的单元网格（${plan.uncovered.length} 个）</h2><table><thead><tr><th>单元网格</th><th>原因</th></tr></thead><tbody>
${plan.uncovered.map((u) => `<tr><td>${esc(u.cell)}</td><td>${esc(u.reason_zh)}</td></tr>`).join('\n')}</tbody></table></section>`
    : ''
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>巡查路线单 ${esc(plan.day)}</title><style>${CSS}</style></head>
<body>
${sheets.join('\n')}
${uncovered}
</body></html>
`
}
