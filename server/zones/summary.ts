/**
 * The printable summary of a zoning for the planning meeting (规划会议): one self-contained HTML
 * page in Chinese with print CSS (A4), no scripts and no external files, so it prints or mails as is.
 * Contents: key figures, the comparison with the current grids, an SVG map of the zones, a bar
 * chart of zone workloads against the mean, and the per-zone table.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson'
import type { ZonePolygonRow } from './repository'
import type { ZoningComparison, ZoningView } from './service'

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
const pct = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(d)}%`)
const num = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d))

/** Qualitative colours (ColorBrewer Set3, print-friendly), cycled over zones. */
const PALETTE = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#d9d9d9', '#bc80bd', '#ccebc5', '#ffed6f']
const MAP_W = 680
const MAP_H = 480
const BAR_W = 680

function rings(g: unknown): Position[][] {
  const geom = g as Polygon | MultiPolygon | null
  if (!geom) return []
  return geom.type === 'Polygon' ? geom.coordinates : geom.type === 'MultiPolygon' ? geom.coordinates.flat() : []
}

/** SVG map: lon/lat scaled by cos(latitude) so shapes keep their proportions at city scale. */
function mapSvg(polygons: ZonePolygonRow[]): string {
  const all = polygons.flatMap((p) => rings(p.geometry).flat())
  if (!all.length) return ''
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of all) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y) }
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180)
  const scale = Math.min(MAP_W / ((e - w) * k || 1), MAP_H / (n - s || 1))
  const px = (p: Position) => `${((p[0] - w) * k * scale).toFixed(1)},${((n - p[1]) * scale).toFixed(1)}`
  const height = Math.ceil((n - s) * scale)
  const shapes = polygons.map((p, i) => {
    const d = rings(p.geometry).map((r) => `M${r.map(px).join('L')}Z`).join('')
    return `<path d="${d}" fill="${PALETTE[i % PALETTE.length]}" stroke="#333" stroke-width="0.8" fill-rule="evenodd"><title>${esc(p.code)} ${esc(p.name_zh)}</title></path>`
  })
  const labels = polygons.map((p) => {
    const pts = rings(p.geometry)[0] ?? []
    if (!pts.length) return ''
    let cx = 0, cy = 0
    for (const q of pts) { cx += q[0]; cy += q[1] }
    const [x, y] = px([cx / pts.length, cy / pts.length]).split(',')
    return `<text x="${x}" y="${y}" text-anchor="middle" dominant-baseline="middle">${esc(p.code.slice(-2))}</text>`
  })
  return `<svg class="map" viewBox="0 0 ${MAP_W} ${height}" width="${MAP_W}" height="${height}" role="img" aria-label="网格分布图">${shapes.join('')}<g class="labels">${labels.join('')}</g></svg>`
}

/** Horizontal bars of zone workloads, sorted, with the mean and ±10 % marks. */
function barsSvg(rows: { code: string; workload: number }[]): string {
  if (!rows.length) return ''
  const sorted = [...rows].sort((a, b) => b.workload - a.workload)
  const max = sorted[0].workload || 1
  const mean = rows.reduce((a, r) => a + r.workload, 0) / rows.length
  const ROW = 13
  const LEFT = 120
  const scale = (BAR_W - LEFT - 60) / max
  const h = sorted.length * ROW + 20
  const bars = sorted.map((r, i) => {
    const y = i * ROW + 4
    return `<text x="${LEFT - 6}" y="${y + 9}" text-anchor="end">${esc(r.code)}</text><rect x="${LEFT}" y="${y}" width="${(r.workload * scale).toFixed(1)}" height="${ROW - 3}" fill="#80b1d3"/><text x="${(LEFT + r.workload * scale + 4).toFixed(1)}" y="${y + 9}">${r.workload.toFixed(1)}</text>`
  })
  const mark = (v: number, cls: string) => `<line class="${cls}" x1="${(LEFT + v * scale).toFixed(1)}" x2="${(LEFT + v * scale).toFixed(1)}" y1="0" y2="${h - 14}"/>`
  return `<svg class="bars" viewBox="0 0 ${BAR_W} ${h}" width="${BAR_W}" height="${h}" role="img" aria-label="各网格工作量">${bars.join('')}${mark(mean, 'mean')}${mark(mean * 0.9, 'band')}${mark(mean * 1.1, 'band')}<text x="${(LEFT + mean * scale).toFixed(1)}" y="${h - 2}" text-anchor="middle">均值 ${mean.toFixed(1)}</text></svg>`
}

const NESTING: Record<string, string> = { none: '不限', community: '不跨社区', street: '不跨街道' }

/** Renders the summary page. `comparison` is current (a) vs this zoning (b), when a current zoning exists. */
export function summaryHtml(z: ZoningView, polygons: ZonePolygonRow[], comparison: ZoningComparison | null, layoutName: string): string {
  const m = z.metrics as Record<string, unknown> & { zones: unknown; warnings?: { message: string }[] }
  const wl = z.workload as { definition?: Record<string, unknown>; window?: { cases: number; first: string | null; last: string | null }; total?: number }
  const p = z.params as Record<string, unknown>
  const day = (s: string | null | undefined) => (s ? s.slice(0, 10) : '—')
  const def = wl.definition ?? {}
  const workloadText = [
    `案件 × 权重（默认每件 ${esc(def.case_weight ?? 1)}${def.category_weights ? `；分类权重 ${esc(Object.entries(def.category_weights as Record<string, number>).map(([c, w]) => `${c}:${w}`).join('，'))}` : ''}）`,
    def.street_weight ? `道路 每公里 ${esc(def.street_weight)}` : '',
    def.area_weight ? `面积 每公顷 ${esc(def.area_weight)}` : '',
    def.poi_weights ? `设施 ${esc(Object.entries(def.poi_weights as Record<string, number>).map(([k, w]) => `${k}:${w}`).join('，'))}` : '',
  ].filter(Boolean).join('；')
  const figures: [string, string][] = [
    ['网格数量', String(z.k)],
    ['工作量变异系数 (CV)', pct(m.cv as number)],
    ['最大/最小工作量', num(m.max_over_min as number, 3)],
    ['全部网格连通', m.contiguous ? '是' : `否（${(m.noncontiguous_zones as number[]).length} 个不连通）`],
    [`平均紧凑度（${m.compactness_measure === 'polsby-popper' ? 'Polsby-Popper' : '惯性矩'}）`, num(m.mean_compactness as number, 3)],
    ['调整的单元网格数', m.cells_moved === null || m.cells_moved === undefined ? '—' : `${m.cells_moved} / ${m.cells_compared}`],
    ['被拆分的问题聚集区', m.clusters_split === null || m.clusters_split === undefined ? '—' : `${m.clusters_split} / ${m.clusters}`],
  ]
  const cmp = comparison
    ? `<h2>现状与方案对比</h2>
<table class="figures"><thead><tr><th></th><th>现状：${esc(comparison.a.name)}</th><th>方案：${esc(comparison.b.name)}</th></tr></thead><tbody>
<tr><td>网格数量</td><td>${comparison.a.k}</td><td>${comparison.b.k}</td></tr>
<tr><td>工作量变异系数 (CV)</td><td>${pct(comparison.a.cv)}</td><td>${pct(comparison.b.cv)}</td></tr>
<tr><td>最大/最小工作量</td><td>${num(comparison.a.max_over_min, 3)}</td><td>${num(comparison.b.max_over_min, 3)}</td></tr>
<tr><td>连通网格</td><td>${comparison.a.contiguous_zones} / ${comparison.a.k}</td><td>${comparison.b.contiguous_zones} / ${comparison.b.k}</td></tr>
<tr><td>平均紧凑度</td><td>${num(comparison.a.mean_compactness, 3)}</td><td>${num(comparison.b.mean_compactness, 3)}</td></tr>
<tr><td>被拆分的问题聚集区</td><td>${comparison.a.clusters_split ?? '—'} / ${comparison.clusters}</td><td>${comparison.b.clusters_split ?? '—'} / ${comparison.clusters}</td></tr>
</tbody></table>
<p>调整单元网格 ${comparison.cells_moved} 个（共 ${comparison.cells_compared} 个）。两者均按方案的工作量口径计算。</p>`
    : ''
  const rows = z.zones.map((r) => `<tr><td>${esc(r.code)}</td><td>${esc(r.name_zh)}</td><td>${esc(r.community_name)}</td><td>${esc(r.worker_id ?? '')}</td><td class="n">${r.cells}</td><td class="n">${num(r.workload, 1)}</td><td class="n">${pct(r.share, 0)}</td><td class="n">${num(r.compactness, 2)}</td><td class="n">${r.diameter_m}</td><td>${r.contiguous ? '是' : '<b>否</b>'}</td></tr>`)
  const warnings = (m.warnings ?? []).map((w) => `<li>${esc(w.message)}</li>`).join('')
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>责任网格方案 ${esc(z.name)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;font-size:11pt;color:#222;margin:1.5em auto;max-width:720px}
h1{font-size:18pt;margin:0 0 .2em}h2{font-size:13pt;margin:1.2em 0 .4em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;font-size:9.5pt}th,td{border:1px solid #bbb;padding:2px 5px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#eee}
.meta{color:#555;font-size:9.5pt}.figures td:first-child{width:40%}
svg text{font-size:9px;fill:#222}.map .labels text{font-size:10px;font-weight:bold}
.bars line.mean{stroke:#d62728;stroke-width:1.2}.bars line.band{stroke:#d62728;stroke-dasharray:3 3;stroke-width:.8}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}tr{break-inside:avoid}thead{display:table-header-group}}
</style></head><body>
<h1>责任网格方案：${esc(z.name)}</h1>
<p class="meta">单元网格图层：${esc(layoutName)}（编号 ${z.layout_id}） · 方案编号 ${z.id} · ${z.kind === 'current' ? '现状' : '优化方案'} · 生成于 ${day(z.created_at)}</p>
<p class="meta">约束：${esc(NESTING[String(p.nesting ?? 'none')] ?? p.nesting)}${p.max_diameter_m ? `；网格最大直径 ${Math.round(p.max_diameter_m as number)} 米` : ''}${p.cross_streets === false ? '；不跨主要道路' : ''}${Array.isArray(p.fixed) && p.fixed.length ? `；固定单元 ${p.fixed.length} 个` : ''}${p.seed !== undefined ? `；随机种子 ${esc(p.seed)}` : ''}</p>
<p class="meta">工作量口径：${workloadText}；案件时段 ${day(wl.window?.first)} 至 ${day(wl.window?.last)}，共 ${wl.window?.cases ?? 0} 件；总工作量 ${num(wl.total, 1)}。</p>
<h2>主要指标</h2>
<table class="figures"><tbody>${figures.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</tbody></table>
${warnings ? `<h2>提示</h2><ul>${warnings}</ul>` : ''}
${cmp}
<h2>网格分布图</h2>
${mapSvg(polygons)}
<h2>各网格工作量</h2>
${barsSvg(z.zones.map((r) => ({ code: r.code, workload: r.workload })))}
<h2>网格明细</h2>
<table><thead><tr><th>编码</th><th>名称</th><th>社区</th><th>网格员</th><th>单元数</th><th>工作量</th><th>相对均值</th><th>紧凑度</th><th>直径(米)</th><th>连通</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</body></html>`
}
