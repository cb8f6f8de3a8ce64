/** Renders legend sections (from `legend-model.ts`) as HTML. */
import { h, setChildren } from './dom'
import { patternCss, type LegendItem, type LegendSection } from './legend-model'

function swatch(item: LegendItem): HTMLElement {
  return h('span', { class: `lg-swatch lg-${item.shape}`, style: item.shape === 'line' || item.shape === 'dash' ? `border-color:${item.color}` : item.shape === 'ring' ? `border-color:${item.color}` : `background:${item.pattern ? patternCss(item.pattern) : item.color}`, 'aria-hidden': 'true' })
}

/** Fills `el` with the legend. */
export function renderLegend(el: HTMLElement, sections: readonly LegendSection[]): void {
  setChildren(
    el,
    ...sections.map((s) =>
      h(
        'section',
        { class: 'lg-section' },
        h('h3', { class: 'lg-title' }, s.title),
        s.unit ? h('p', { class: 'lg-unit' }, s.unit) : null,
        h('ul', { class: `lg-items${s.items.every((i) => i.shape === 'hex') ? ' lg-ramp' : ''}` }, ...s.items.map((i) => h('li', {}, swatch(i), h('span', { class: 'lg-label' }, i.label)))),
      ),
    ),
  )
}
