import { en } from './en'
import { zh, type MessageKey } from './zh'

export type { MessageKey } from './zh'

/** Interface languages; zh is the default and the language of the data's own names. */
export type Lang = 'zh' | 'en'

/** All languages, default first. */
export const LANGS: readonly Lang[] = ['zh', 'en']

const TABLES: Record<Lang, Record<MessageKey, string>> = { zh, en }

let current: Lang = 'zh'
const listeners = new Set<(lang: Lang) => void>()

/** The interface language in force. */
export function getLang(): Lang {
  return current
}

/** Switches the interface language and tells every subscriber (they re-render their text). */
export function setLang(lang: Lang): void {
  if (lang === current) return
  current = lang
  for (const fn of listeners) fn(lang)
}

/** Calls `fn` after each language switch; returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** True when `key` names a message (used for open-ended keys such as `source.<code>`). */
export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key)
}

/**
 * The message for `key` in `lang` (default: the current language), with `{name}` placeholders
 * replaced from `params`. Numbers are formatted for the language (thousands separators).
 * A placeholder without a value stays visible as `{name}` so the omission shows in review.
 */
export function t(key: MessageKey, params?: Record<string, string | number>, lang: Lang = current): string {
  const template = TABLES[lang][key]
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name]
    if (v === undefined) return whole
    return typeof v === 'number' ? formatNumber(v, lang) : v
  })
}

/** A message for an open-ended key family (e.g. `status.<value>`), or `fallback` when absent. */
export function tOr(key: string, fallback: string, lang: Lang = current): string {
  return hasKey(key) ? TABLES[lang][key] : fallback
}

/** Integer or decimal with the language's grouping; at most 2 decimals. */
export function formatNumber(n: number, lang: Lang = current): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 2 })
}

/** A ratio in [0, 1] as a percentage with one decimal (e.g. 0.8734 → "87.3%"). */
export function formatPercent(ratio: number, lang: Lang = current): string {
  return (ratio * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + '%'
}

/** The keys of one language table (for completeness checks). */
export function messageKeys(lang: Lang): string[] {
  return Object.keys(TABLES[lang])
}
