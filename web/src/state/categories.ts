/**
 * The category table grouped for the UI: majors (colour, legend, filter tree) over minors
 * (4-digit codes the API filters on). A major is its 2-digit code, the first two digits of its
 * minors' codes; some majors (园林绿化, 其他) hold both events and components.
 */
import type { Category } from '../api/types'
import type { Lang } from '../i18n'
import { categoricalColor, type RGB } from '../colors/ramps'

/** A major category with its minors and its map colour. */
export interface MajorGroup {
  /** the 2-digit major code */
  key: string
  /** kinds of its minors (events, components or both) */
  kinds: Array<Category['kind']>
  major_code: string
  name_zh: string
  name_en: string
  color: RGB
  minors: Category[]
}

/** Lookups over the category table. */
export interface CategoryIndex {
  /** by major code */
  majors: MajorGroup[]
  byCode: Map<string, Category>
  majorOfCode: Map<string, MajorGroup>
}

/** Key of the major a category belongs to. */
export function majorKey(c: Pick<Category, 'major_code'>): string {
  return c.major_code
}

/** Groups and colours the table; colours follow the majors' order so they are stable across sessions. */
export function indexCategories(items: readonly Category[]): CategoryIndex {
  const groups = new Map<string, MajorGroup>()
  const sorted = [...items].sort((a, b) => a.code.localeCompare(b.code))
  for (const c of sorted) {
    const key = majorKey(c)
    let g = groups.get(key)
    if (!g) {
      g = { key, kinds: [], major_code: c.major_code, name_zh: c.major_zh, name_en: c.major_en, color: [0, 0, 0], minors: [] }
      groups.set(key, g)
    }
    g.minors.push(c)
    if (!g.kinds.includes(c.kind)) g.kinds.push(c.kind)
  }
  const majors = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key))
  majors.forEach((g, i) => (g.color = categoricalColor(i)))
  const byCode = new Map(items.map((c) => [c.code, c]))
  const majorOfCode = new Map<string, MajorGroup>()
  for (const g of majors) for (const c of g.minors) majorOfCode.set(c.code, g)
  return { majors, byCode, majorOfCode }
}

/** Name of a category or major in a language. */
export function localName(x: { name_zh: string; name_en: string }, lang: Lang): string {
  return lang === 'zh' ? x.name_zh : x.name_en || x.name_zh
}

/**
 * Short human description of a set of minor codes: whole majors are named by the major,
 * the rest by their minor names; at most `max` names, then "… and n more" via `andMore`.
 */
export function describeCategories(
  codes: readonly string[],
  index: CategoryIndex,
  lang: Lang,
  andMore: (list: string, n: number) => string,
  max = 3,
): string {
  const chosen = new Set(codes)
  const names: string[] = []
  const covered = new Set<string>()
  for (const g of index.majors) {
    if (g.minors.length > 1 && g.minors.every((c) => chosen.has(c.code))) {
      names.push(localName(g, lang))
      for (const c of g.minors) covered.add(c.code)
    }
  }
  for (const code of [...chosen].sort()) {
    if (covered.has(code)) continue
    const c = index.byCode.get(code)
    names.push(c ? localName(c, lang) : code)
  }
  const sep = lang === 'zh' ? '、' : ', '
  if (names.length <= max) return names.join(sep)
  return andMore(names.slice(0, max).join(sep), names.length)
}
