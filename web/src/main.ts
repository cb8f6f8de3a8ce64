/** Entry point: styles, then the application shell on #app. */
import './styles.css'
import { App } from './app'
import { setLang, t } from './i18n'
import { parseUrlState } from './state/url-state'

const root = document.getElementById('app')
if (!root) throw new Error('index.html must contain <div id="app">')
try {
  new App(root)
} catch (err) {
  // Without WebGL MapLibre cannot start; say so plainly instead of leaving a blank page.
  setLang(parseUrlState(location.search, location.hash).lang)
  const message = (err as Error)?.message ?? String(err)
  const box = document.createElement('div')
  box.className = 'fatal'
  box.setAttribute('role', 'alert')
  const title = document.createElement('h1')
  title.textContent = t('error.title')
  const text = document.createElement('p')
  text.textContent = /webgl/i.test(message) ? t('error.webgl') : message
  box.append(title, text)
  root.replaceChildren(box)
  console.error(err)
}
