/**
 * Loading bar, error messages and map notices. Every pending request registers here so the
 * user always sees that something is happening and what.
 */
import { ApiError } from '../api/client'
import { t, type MessageKey } from '../i18n'
import { h, setChildren } from './dom'

/** Turns any failure into one readable sentence in the current language. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t('error.network')
    const head = err.code ? t('error.problem', { title: err.title, code: err.code }) : t('error.http', { status: String(err.status), title: err.title })
    return err.detail ? `${head} — ${err.detail}` : head
  }
  return (err as Error)?.message ?? String(err)
}

/** The status widgets of the map area. */
export class StatusUi {
  private readonly pending = new Map<number, MessageKey | (() => string)>()
  private seq = 0
  private readonly bar: HTMLElement
  private readonly label: HTMLElement
  private readonly errors: HTMLElement
  private readonly notice: HTMLElement

  constructor(root: HTMLElement) {
    this.bar = h('div', { class: 'progress', role: 'progressbar', 'aria-hidden': 'true' }, h('div', { class: 'progress-bar' }))
    this.label = h('div', { class: 'progress-label', role: 'status', 'aria-live': 'polite' })
    this.errors = h('div', { class: 'errors', role: 'alert' })
    this.notice = h('div', { class: 'map-notice', role: 'status', 'aria-live': 'polite', hidden: true })
    root.append(this.bar, this.label, this.errors, this.notice)
    this.render()
  }

  /** Marks a task as running; returns the function that ends it. The label may be dynamic. */
  begin(label: MessageKey | (() => string)): { done: () => void; update: () => void } {
    const id = ++this.seq
    this.pending.set(id, label)
    this.render()
    return {
      done: () => {
        this.pending.delete(id)
        this.render()
      },
      update: () => this.render(),
    }
  }

  /** Shows an error with an optional retry action; the same message is not stacked twice. */
  error(context: MessageKey, err: unknown, retry?: () => void): void {
    const text = `${t(context)} ${describeError(err)}`
    for (const el of this.errors.children) if ((el as HTMLElement).dataset.text === text) return
    const item = h('div', { class: 'error', 'data-text': text }, h('span', { class: 'error-text' }, text))
    if (retry) {
      item.append(h('button', { type: 'button', class: 'btn btn-small', onclick: () => { item.remove(); retry() } }, t('error.retry')))
    }
    item.append(h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': t('error.dismiss'), onclick: () => item.remove() }, '×'))
    this.errors.append(item)
  }

  /** Removes all error messages (after a successful reload). */
  clearErrors(): void {
    setChildren(this.errors)
  }

  /** Shows (or with null hides) the notice over the map: empty states and caps. */
  setNotice(lines: string[] | null): void {
    if (!lines || lines.length === 0) {
      this.notice.hidden = true
      setChildren(this.notice)
      return
    }
    this.notice.hidden = false
    setChildren(this.notice, ...lines.map((l) => h('p', {}, l)))
  }

  private render(): void {
    const busy = this.pending.size > 0
    this.bar.classList.toggle('active', busy)
    this.bar.parentElement?.setAttribute('aria-busy', String(busy))
    const last = [...this.pending.values()].pop()
    this.label.textContent = last === undefined ? '' : typeof last === 'function' ? last() : t(last)
    this.label.hidden = !busy
  }
}
