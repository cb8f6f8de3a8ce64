/**
 * Reads the seed taxonomy of case classes (data/taxonomy/categories.csv), the one source of
 * category names and handling deadlines for the generator.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Path of the taxonomy CSV. */
export const TAXONOMY_PATH = fileURLToPath(new URL('../taxonomy/categories.csv', import.meta.url))

const HEADER = 'major_code,major_zh,major_en,minor_code,minor_zh,minor_en,kind,deadline_hours'

/** One minor case class (小类). */
export interface Category {
  major_code: string
  major_zh: string
  major_en: string
  minor_code: string
  minor_zh: string
  minor_en: string
  kind: 'event' | 'component'
  /** time allowed from report to handling, hours */
  deadline_hours: number
}

/**
 * Parses the taxonomy CSV text (UTF-8, no quoted fields).
 * @throws Error naming the line when the header, a code or a deadline is malformed
 */
export function parseTaxonomy(text: string): Category[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0)
  if (lines[0] !== HEADER) throw new Error(`Unexpected taxonomy header "${lines[0]}": expected "${HEADER}".`)
  return lines.slice(1).map((line, k) => {
    const f = line.split(',')
    if (f.length !== 8) throw new Error(`Taxonomy line ${k + 2}: expected 8 fields, got ${f.length}.`)
    const [major_code, major_zh, major_en, minor_code, minor_zh, minor_en, kind, deadline] = f
    const deadline_hours = Number(deadline)
    if (!/^\d{2}$/.test(major_code) || !/^\d{4}$/.test(minor_code) || !minor_code.startsWith(major_code)) {
      throw new Error(`Taxonomy line ${k + 2}: codes ${major_code}/${minor_code} must be 2 and 4 digits, minor starting with major.`)
    }
    if (kind !== 'event' && kind !== 'component') throw new Error(`Taxonomy line ${k + 2}: kind "${kind}" must be event or component.`)
    if (!(deadline_hours > 0)) throw new Error(`Taxonomy line ${k + 2}: deadline_hours "${deadline}" must be a positive number.`)
    return { major_code, major_zh, major_en, minor_code, minor_zh, minor_en, kind, deadline_hours }
  })
}

/** The committed taxonomy, keyed by minor code. */
export function loadTaxonomy(path = TAXONOMY_PATH): Map<string, Category> {
  return new Map(parseTaxonomy(readFileSync(path, 'utf8')).map((c) => [c.minor_code, c]))
}
