// The pane's terminal: xterm.js, written to directly (never through React state). New
// entries are drawn as they arrive and acknowledged to the engine once xterm has drawn
// them; a change of view redraws the kept log. Paused, it keeps logging (and acknowledging)
// without drawing, and redraws on resume.
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react'
import { Terminal, type IMarker } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import { SearchAddon } from '@xterm/addon-search'
import '@xterm/xterm/css/xterm.css'
import type { PaneStore } from './pane-store'
import type { LogEntry } from './log'
import { pieces, redrawTail, TerminalRenderer, type RenderOptions } from './render'
import { useI18n } from '../i18n'

export interface TrafficViewHandle {
  find(query: string, backwards: boolean): boolean
  /** Resolves once everything written so far has been drawn. */
  drawn(): Promise<void>
  /** The records under the selection, or the newest record when nothing is selected. */
  selectedRecords(): Extract<LogEntry, { kind: 'traffic' }>[]
}

interface Props {
  store: PaneStore
  options: RenderOptions
  label: string
  redrawSignal: number
  paused: boolean
  ref?: Ref<TrafficViewHandle>
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

type Marked = { marker: IMarker; entry: Extract<LogEntry, { kind: 'traffic' }> }

export function TrafficView({ store, options, label, redrawSignal, paused, ref }: Props) {
  const { t: tr } = useI18n()
  const host = useRef<HTMLDivElement>(null)
  const term = useRef<Terminal | null>(null)
  const search = useRef<SearchAddon | null>(null)
  const marked = useRef<Marked[]>([])

  useEffect(() => {
    const t = new Terminal({
      convertEol: false,
      disableStdin: true,
      scrollback: 20_000,
      fontSize: 13,
      fontFamily: "'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', Menlo, Consolas, monospace",
      theme: { background: '#0f1216', foreground: '#d8dee9', cursor: '#0f1216', selectionBackground: '#2f6bc088' },
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      allowProposedApi: true
    })
    const fit = new FitAddon()
    const finder = new SearchAddon()
    t.loadAddon(fit)
    t.loadAddon(finder)
    t.open(host.current!)
    term.current = t
    search.current = finder
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
    marked.current = []
    if (paused) {
      store.setSink(undefined)
      return
    }
    const renderer = new TerminalRenderer(options)
    const draw = (entries: readonly LogEntry[], done?: () => void): void => {
      let text = ''
      for (const e of entries) {
        const piece = renderer.render(e)
        if (!piece) continue
        if (e.kind === 'traffic') {
          // Mark where each record starts (once xterm has parsed what comes before it), so
          // a selection can be mapped back to records.
          write(t, text || '\x1b[0m', () => {
            const marker = t.registerMarker(0)
            if (marker) marked.current.push({ marker, entry: e })
          })
          text = ''
        }
        text += piece
      }
      write(t, text, done)
      if (marked.current.length > 4096) marked.current = marked.current.filter((m) => !m.marker.isDisposed)
    }
    const { tail, omitted } = redrawTail(store.log.all(), REDRAW_BYTES)
    if (omitted > 0) write(t, `\x1b[90m${tr('term.redrawn', { n: omitted })}\x1b[0m\r\n`)
    draw(tail)
    store.setSink((entries, done) => draw(entries, done))
  }, [store, options, redrawSignal, paused, tr])

  useImperativeHandle(ref, () => ({
    find: (query, backwards) => {
      const f = search.current
      if (!f || !query) return false
      const opts = { decorations: { matchOverviewRuler: '#e6b450', activeMatchColorOverviewRuler: '#ff6b6b', matchBackground: '#5a4a1a', activeMatchBackground: '#8a3a1a' } }
      return backwards ? f.findPrevious(query, opts) : f.findNext(query, opts)
    },
    drawn: () => new Promise<void>((resolve) => (term.current ? term.current.write('\x1b[0m', resolve) : resolve())),
    selectedRecords: () => {
      const t = term.current
      const live = marked.current.filter((m) => !m.marker.isDisposed)
      const range = t?.hasSelection() ? t.getSelectionPosition() : undefined
      if (!range) return live.length ? [live[live.length - 1]!.entry] : []
      const picked: Marked['entry'][] = []
      for (let i = 0; i < live.length; i++) {
        const start = live[i]!.marker.line
        const end = i + 1 < live.length ? live[i + 1]!.marker.line - 1 : Infinity
        if (end >= range.start.y && start <= range.end.y) picked.push(live[i]!.entry)
      }
      return picked
    }
  }))

  return (
    <div className="traffic" role="log" aria-label={label} aria-live="off" data-testid={`traffic-${store.id}`}>
      <div className="term-host" ref={host} />
    </div>
  )
}
