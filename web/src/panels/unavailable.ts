/**
 * Panel for a view whose server capability does not exist yet: says what the view will do and
 * what it waits for, and shows nothing made up in the meantime.
 */
import { t, type MessageKey } from '../i18n'
import { h } from '../ui/dom'

/** The panel for `view`, explaining what it needs. */
export function unavailablePanel(titleKey: MessageKey, bodyKey: MessageKey): HTMLElement {
  return h(
    'div',
    { class: 'panel-body' },
    h(
      'section',
      { class: 'panel-section unavailable', 'aria-live': 'polite' },
      h('h2', { class: 'section-title' }, t(titleKey)),
      h('p', { class: 'badge badge-muted' }, t('unavailable.title')),
      h('p', {}, t(bodyKey)),
      h('p', { class: 'note' }, t('unavailable.note')),
    ),
  )
}
