/**
 * The life of a case after it is reported (上报 → 立案/派遣 → 处置 → 核查结案), and what an
 * export taken at the end of 2025 shows of it.
 */
import { EXPORT_AT, HOUR, MINUTE } from './time'
import { logNormal, type Random } from './rand'

/** Status values of the export. */
export type CaseStatus = 'reported' | 'dispatched' | 'handled' | 'closed' | 'rejected'

/** Share of reports rejected at intake (不予立案: duplicates, out of scope). */
const REJECT_SHARE = 0.03
/** Share handled after the deadline; short deadlines are missed more often. */
const LATE_SHARE_SHORT = 0.2
const LATE_SHARE_LONG = 0.1
/** The command centre dispatches non-urgent night reports at the start of the day shift. */
const DAY_SHIFT_START_H = 8
const NIGHT_FROM_H = 22
const NIGHT_TO_H = 7

/** Times (epoch ms, null when absent) and status of one case as exported. */
export interface Handling {
  dispatched: number | null
  due: number
  closed: number | null
  status: CaseStatus
  /** handled after due (whether or not closed by the export) */
  late: boolean
}

/**
 * Simulates dispatch, handling and closure of a case.
 * @param reported      report time, epoch ms
 * @param deadlineHours the category's deadline_hours
 * @param patrolFound   true when a patrol worker reported it (立案 is then almost immediate)
 */
export function handleCase(rand: Random, reported: number, deadlineHours: number, patrolFound: boolean): Handling {
  const due = reported + deadlineHours * HOUR
  if (rand() < REJECT_SHARE) {
    const decided = reported + logNormal(rand, 40 * MINUTE, 0.8)
    return decided < EXPORT_AT
      ? { dispatched: null, due, closed: decided, status: 'rejected', late: false }
      : { dispatched: null, due, closed: null, status: 'reported', late: false }
  }
  const hourOfDay = new Date(reported + 8 * HOUR).getUTCHours()
  let dispatched: number
  if (deadlineHours > 4 && (hourOfDay >= NIGHT_FROM_H || hourOfDay < NIGHT_TO_H)) {
    const dayStart = reported - ((reported + 8 * HOUR) % (24 * HOUR))
    const morning = dayStart + (hourOfDay >= NIGHT_FROM_H ? 24 : 0) * HOUR + DAY_SHIFT_START_H * HOUR
    dispatched = morning + logNormal(rand, 12 * MINUTE, 0.7)
  } else {
    dispatched = reported + Math.min(12 * HOUR, logNormal(rand, (patrolFound ? 8 : 25) * MINUTE, 0.9))
  }
  const lateShare = deadlineHours <= 4 ? LATE_SHARE_SHORT : LATE_SHARE_LONG
  const verify = logNormal(rand, 45 * MINUTE, 0.8)
  let closed: number
  if (rand() < lateShare) {
    closed = Math.max(due, dispatched) + logNormal(rand, Math.max(1, deadlineHours * 0.4) * HOUR, 0.9)
  } else {
    // closed (结案) within the deadline, most well before it
    const room = Math.max(10 * MINUTE, due - dispatched - MINUTE)
    closed = dispatched + room * (0.1 + 0.85 * rand() ** 1.4)
  }
  const handled = Math.max(dispatched + (closed - dispatched) / 2, closed - verify)
  const lateActual = closed > due
  if (dispatched >= EXPORT_AT) return { dispatched: null, due, closed: null, status: 'reported', late: lateActual }
  if (handled >= EXPORT_AT) return { dispatched, due, closed: null, status: 'dispatched', late: lateActual }
  if (closed >= EXPORT_AT) return { dispatched, due, closed: null, status: 'handled', late: lateActual }
  return { dispatched, due, closed, status: 'closed', late: lateActual }
}
