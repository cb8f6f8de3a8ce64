import { AppError } from '../../shared/errors'

/** Case fields an import can fill, and the names users give them. */
export const CASE_FIELDS = ['id', 'reported_at', 'dispatched_at', 'due_at', 'closed_at', 'status', 'category', 'source', 'address', 'lon', 'lat'] as const
export type CaseField = (typeof CASE_FIELDS)[number]

/** Header names recognised without a mapping (compared case-insensitively, spaces/underscores ignored). */
const HEADER_ALIASES: Record<CaseField, string[]> = {
  id: ['id', 'case_id', 'caseid', 'external_id', 'case_enquiry_id', '案件编号', '编号', '案卷号', '任务号'],
  reported_at: ['reported_at', 'time', 'report_time', 'open_dt', 'created_at', '上报时间', '发现时间', '立案时间', '时间'],
  dispatched_at: ['dispatched_at', 'dispatch_time', '派遣时间'],
  due_at: ['due_at', 'deadline', 'target_dt', '处置时限', '截止时间', '应结案时间'],
  closed_at: ['closed_at', 'close_time', 'closed_dt', '结案时间'],
  status: ['status', 'case_status', '状态', '案件状态'],
  category: ['category', 'category_code', 'type', '类别', '小类', '案件类别', '问题类型'],
  source: ['source', 'channel', '来源', '案件来源'],
  address: ['address', 'location', 'location_street_name', '地址', '位置'],
  lon: ['lon', 'lng', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
}

const normalise = (name: string) => name.trim().toLowerCase().replace(/[\s_]/g, '')

/** How a file's columns and values map onto cases. Everything is optional except what the file lacks. */
export interface CaseImportMapping {
  /** scope of external ids; re-importing into the same dataset changes nothing (default 'default') */
  dataset?: string
  /** declared coordinate system: WGS84 (default), GCJ02, BD09, CGCS2000 or EPSG:nnnn (projected x/y) */
  crs?: string
  /** IANA zone for times without an offset (default Asia/Shanghai) */
  timezone?: string
  /** time format: auto (default), iso, us, zh, epoch-s, epoch-ms */
  timeFormat?: string
  /** CSV delimiter (default: sniffed among , ; tab |) */
  delimiter?: string
  /** text encoding (default: UTF-8 if the file decodes as UTF-8, else GBK) */
  encoding?: 'utf8' | 'gbk'
  /** file column for each case field (default: recognised header names) */
  columns?: Partial<Record<CaseField, string>>
  /** external category name → taxonomy code (4-digit); merged over the stored mapping set */
  categories?: Record<string, string>
  /** stored mapping set to use (category_mappings.mapping_set; default: the dataset name) */
  categoryMappingSet?: string
  /** external source name → channel (patrol, 12345, 12319, video, resident, app, other) */
  sources?: Record<string, string>
  /** external status → status (reported, dispatched, handled, closed, rejected) */
  statuses?: Record<string, string>
  /** channel for rows without a source column (default 'other') */
  defaultSource?: string
  /** a coordinate shared by at least this many cases of the dataset is flagged as stacked (default 50) */
  stackedMin?: number
  /** other columns to keep in cases.attrs (default: all unmapped columns) */
  keepColumns?: string[] | boolean
}

export const CHANNELS = ['patrol', '12345', '12319', 'video', 'resident', 'app', 'other'] as const
export const STATUSES = ['reported', 'dispatched', 'handled', 'closed', 'rejected'] as const

/** Built-in names for channels and statuses, Chinese and English, so common exports need no mapping. */
export const CHANNEL_ALIASES: Record<string, string> = {
  patrol: 'patrol', '巡查': 'patrol', '巡查上报': 'patrol', '监督员上报': 'patrol', '网格员上报': 'patrol',
  '12345': '12345', '12345热线': '12345', '市民热线': '12345', hotline: '12345',
  '12319': '12319', '12319热线': '12319', '城建热线': '12319',
  video: 'video', '视频': 'video', '视频监控': 'video', '智能识别': 'video',
  resident: 'resident', '群众': 'resident', '群众举报': 'resident', '市民': 'resident',
  app: 'app', 'APP': 'app', '随手拍': 'app', '小程序': 'app',
  other: 'other', '其他': 'other',
}
export const STATUS_ALIASES: Record<string, string> = {
  reported: 'reported', '已上报': 'reported', '待受理': 'reported', '已受理': 'reported', '立案': 'reported',
  dispatched: 'dispatched', '已派遣': 'dispatched', '处置中': 'dispatched', open: 'dispatched',
  handled: 'handled', '已处置': 'handled', '待核查': 'handled',
  closed: 'closed', '已结案': 'closed', '结案': 'closed',
  rejected: 'rejected', '已作废': 'rejected', '不予立案': 'rejected', '作废': 'rejected',
}

/** The file column chosen for each field, after applying the mapping and header aliases. */
export type ResolvedColumns = Partial<Record<CaseField, number>>

/**
 * Resolves fields to header positions. A file without an id, a time, coordinates or a category
 * is not a case file: it is refused before any row is read, naming what was expected.
 */
export function resolveColumns(header: string[], mapping: CaseImportMapping): ResolvedColumns {
  const byName = new Map(header.map((h, i) => [normalise(h), i]))
  const out: ResolvedColumns = {}
  const missingMapped: string[] = []
  for (const field of CASE_FIELDS) {
    const explicit = mapping.columns?.[field]
    if (explicit !== undefined) {
      const i = byName.get(normalise(explicit))
      if (i === undefined) missingMapped.push(`${field} → "${explicit}"`)
      else out[field] = i
      continue
    }
    for (const alias of HEADER_ALIASES[field]) {
      const i = byName.get(normalise(alias))
      if (i !== undefined) { out[field] = i; break }
    }
  }
  const required: CaseField[] = ['id', 'reported_at', 'category', 'lon', 'lat']
  const missing = required.filter((f) => out[f] === undefined && !mapping.columns?.[f])
  if (missingMapped.length || missing.length) {
    const parts = []
    if (missingMapped.length) parts.push(`mapped columns not in the file: ${missingMapped.join(', ')}`)
    if (missing.length) parts.push(`no column found for ${missing.join(', ')}`)
    throw new AppError('WG_WRONG_COLUMNS',
      `The file's columns do not match a case file (${parts.join('; ')}). ` +
      `Found columns: ${header.slice(0, 30).join(', ')}. Expected at least an id, a report time, a category and lon/lat (or x/y); ` +
      `name them in a mapping file ("columns": {"id": "…", "reported_at": "…", …}) or with CLI flags.`,
      422, { found: header, missing, missingMapped })
  }
  return out
}
