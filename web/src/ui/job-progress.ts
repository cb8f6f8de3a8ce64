/**
 * The progress line of a form that starts a server job (create a layout, a patrol plan, a zoning):
 * a bar (indeterminate until the job reports a fraction), the phase, a cancel button while it
 * runs, and the form's error below it.
 */
import { t } from '../i18n'
import { h } from './dom'

/** A running job as the views track it: the fraction done (null: unknown yet) and its phase. */
export interface JobState {
  fraction: number | null
  phase: string
}

export class JobProgress {
  /** the status line (bar, phase, cancel) */
  readonly el = h('div', { class: 'job-progress', hidden: true, role: 'status', 'aria-live': 'polite' })
  /** the form's error message */
  readonly error = h('p', { class: 'form-error', role: 'alert', hidden: true })
  private readonly bar = h('progress', { max: 1, class: 'job-bar' })
  private readonly text = h('span', { class: 'muted' })
  private readonly cancel = h('button', { type: 'button', class: 'btn btn-small btn-ghost', hidden: true })

  constructor(onCancel: () => void) {
    this.cancel.textContent = t('planner.cancel')
    this.cancel.addEventListener('click', onCancel)
    this.el.append(this.bar, this.text, this.cancel)
  }

  /** Shows the running job (or hides the line when none runs) and the last error. */
  update(job: JobState | null, error: string | null): void {
    this.el.hidden = !job
    this.cancel.hidden = !job
    if (job) {
      if (job.fraction === null) this.bar.removeAttribute('value')
      else this.bar.value = job.fraction
      this.text.textContent = t('planner.progress', { phase: job.phase, pct: job.fraction === null ? '…' : `${Math.round(job.fraction * 100)}%` })
    }
    this.error.hidden = !error
    this.error.textContent = error ?? ''
  }
}
