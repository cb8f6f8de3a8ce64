/** The hover tooltip element; content comes from `tooltip-content.ts`. */
import { h, setChildren } from './dom'
import type { TooltipContent } from './tooltip-content'

/** Offset from the pointer, px, so the tooltip never sits under the cursor. */
const OFFSET = 14

export class TooltipUi {
  readonly el: HTMLElement

  constructor(parent: HTMLElement) {
    this.el = h('div', { class: 'tooltip', role: 'tooltip', hidden: true })
    parent.append(this.el)
  }

  /** Shows `content` near (x, y) in the parent's pixel space; null hides it. */
  show(content: TooltipContent | null, x = 0, y = 0): void {
    if (!content) {
      this.el.hidden = true
      return
    }
    const title = h('div', { class: 'tooltip-title' }, content.swatch ? h('span', { class: 'swatch', style: `background:${content.swatch}` }) : null, content.title)
    const rows = h('dl', { class: 'tooltip-rows' })
    for (const [k, v] of content.rows) rows.append(h('dt', {}, k), h('dd', {}, v))
    setChildren(this.el, title, rows, content.note ? h('div', { class: 'tooltip-note' }, content.note) : null)
    this.el.hidden = false
    const parent = this.el.parentElement!
    const pw = parent.clientWidth
    const ph = parent.clientHeight
    const w = this.el.offsetWidth
    const hh = this.el.offsetHeight
    // flip to the other side of the pointer near the right/bottom edges
    const left = x + OFFSET + w > pw ? x - OFFSET - w : x + OFFSET
    const top = y + OFFSET + hh > ph ? y - OFFSET - hh : y + OFFSET
    this.el.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, top)}px)`
  }
}
