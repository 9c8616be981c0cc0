// The pane's terminal: xterm.js, written to directly (never through React state). New
// entries are drawn as they arrive and acknowledged to the engine once xterm has drawn
// them; switching text/hex or timestamps redraws the whole kept log.
import { useEffect, useRef } from 'react'
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import '@xterm/xterm/css/xterm.css'
import type { PaneStore } from './pane-store'
import { pieces, redrawTail, renderEntries, type RenderOptions } from './render'
import { useI18n } from '../i18n'

interface Props {
  store: PaneStore
  options: RenderOptions
  label: string
  clearSignal: number
}

/** Payload bytes redrawn on a view switch: about what the scrollback can hold in hex. */
const REDRAW_BYTES = 256 * 1024

/** Writes in pieces so a big batch never blocks the page; `done` runs once all is drawn. */
function write(t: Terminal, text: string, done?: () => void): void {
  let last: string | undefined
  for (const piece of pieces(text)) {
    if (last !== undefined) t.write(last)
    last = piece
  }
  if (last !== undefined) t.write(last, done)
  else done?.()
}

export function TrafficView({ store, options, label, clearSignal }: Props) {
  const { t: tr } = useI18n()
  const host = useRef<HTMLDivElement>(null)
  const term = useRef<Terminal | null>(null)

  useEffect(() => {
    const t = new Terminal({
      convertEol: false,
      disableStdin: true,
      scrollback: 20_000,
      fontSize: 13,
      fontFamily: "'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', Menlo, Consolas, monospace",
      theme: { background: '#0f1216', foreground: '#d8dee9', cursor: '#0f1216' },
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none'
    })
    const fit = new FitAddon()
    t.loadAddon(fit)
    t.open(host.current!)
    term.current = t
    const refit = (): void => {
      try {
        fit.fit()
      } catch {
        /* not laid out yet */
      }
    }
    refit()
    const ro = new ResizeObserver(refit)
    ro.observe(host.current!)
    return () => {
      ro.disconnect()
      store.setSink(undefined)
      t.dispose()
      term.current = null
    }
  }, [store])

  useEffect(() => {
    const t = term.current
    if (!t) return
    t.reset()
    const { tail, omitted } = redrawTail(store.log.all(), REDRAW_BYTES)
    if (omitted > 0) write(t, `\x1b[90m${tr('term.redrawn', { n: omitted })}\x1b[0m\r\n`)
    if (tail.length) write(t, renderEntries(tail, options))
    store.setSink((entries, done) => write(t, renderEntries(entries, options), done))
  }, [store, options, clearSignal, tr])

  return <div className="traffic" ref={host} role="log" aria-label={label} aria-live="off" data-testid={`traffic-${store.id}`} />
}
