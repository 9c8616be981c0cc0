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
import { estimateRows, mainPart, pieces, redrawTail, TerminalRenderer, type RenderOptions } from './render'
import { bodyLines, selectedOffsets, takeSelected } from './byte-map'
import { useI18n } from '../i18n'
import { shortcutOf } from '../shortcuts'

/** Where a search landed: the match shown (0-based) of how many; undefined when none. */
export type FindResult = { index: number; count: number } | undefined

export interface TrafficViewHandle {
  /** Text as drawn on the screen, next or previous match, scrolled to and highlighted. */
  find(query: string, backwards: boolean): FindResult
  /** Bytes in the records on screen (hex or split view), the match selected in the dump. */
  findBytes(bytes: Uint8Array, backwards: boolean): FindResult
  /** Resolves once everything written so far has been drawn. */
  drawn(): Promise<void>
  /** Takes the search's highlights (and a found byte selection) away. */
  clearHighlights(): void
  /** What Copy takes: see {@link Selected}; undefined when nothing is selected or the selection touches no record. */
  selectedBytes(): Selected | undefined
}

/**
 * The payload bytes the selection covers, in order (`exact`); or, when it covers none (only
 * headers and notes), the whole payloads of the `records` it touches.
 */
export interface Selected {
  bytes: Uint8Array
  records: number
  exact: boolean
}

interface Props {
  store: PaneStore
  options: RenderOptions
  label: string
  redrawSignal: number
  paused: boolean
  ref?: Ref<TrafficViewHandle>
}

/**
 * Rows the terminal keeps. A 1 MiB payload in hex is 65,536 rows; this holds it with room for
 * the records around it. xterm keeps 12 bytes per cell of every row: measured in Chromium
 * (e2e/views.spec.ts), 1 MiB drawn in hex in a 150-column pane took 135 MiB of renderer memory,
 * so a full scrollback costs up to ~170 MiB per pane, and this bound is what caps it.
 */
export const SCROLLBACK = 80_000

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

/** A record drawn, where it starts; `headed`: it starts with its header line (a piece going on with its record does not). */
type Marked = { marker: IMarker; entry: Extract<LogEntry, { kind: 'traffic' }>; headed: boolean }

/** Where `needle` first occurs in `bytes` at or after `from`, or -1. */
function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  const last = bytes.byteLength - needle.byteLength
  for (let i = bytes.indexOf(needle[0]!, from); i >= 0 && i <= last; i = bytes.indexOf(needle[0]!, i + 1)) {
    let j = 1
    while (j < needle.byteLength && bytes[i + j] === needle[j]) j++
    if (j === needle.byteLength) return i
  }
  return -1
}

/**
 * The cell where byte `off` of a record is drawn in its hex dump, the record starting on row
 * `m.marker.line` (with its header, or a piece going on with its record, whose dump's offsets
 * go on too): found by the dump line's offset column, so wrapped rows and the text lines of
 * the split view are stepped over.
 */
function dumpCell(t: Terminal, m: Marked, off: number): { row: number; col: number } | undefined {
  const at = mainPart(m.entry.rec, m.entry.bytes).offset + off
  const prefix = `${(at - (at % 16)).toString(16).padStart(8, '0')}  `
  const buf = t.buffer.active
  for (let row = m.marker.line + (m.headed ? 1 : 0) + Math.floor(off / 16); row < buf.length; row++) {
    const line = buf.getLine(row)
    if (line && !line.isWrapped && line.translateToString(false, 0, 12) === `  ${prefix}`) {
      const i = at % 16
      const col = 12 + i * 3 + (i >= 8 ? 1 : 0)
      return { row: row + Math.floor(col / t.cols), col: col % t.cols }
    }
  }
  return undefined
}

type Range = { start: { x: number; y: number }; end: { x: number; y: number } }

/**
 * Rows first..last as logical lines (a row and the rows it wraps into, so the last line is
 * read whole), each with the code units of its text that the selection (end exclusive) covers.
 */
function selectedLines(t: Terminal, first: number, last: number, range: Range): { text: string; sel?: { from: number; to: number } }[] {
  const buf = t.buffer.active
  const cell = buf.getNullCell()
  const before = (x: number, y: number, p: Range['start']): boolean => y < p.y || (y === p.y && x < p.x)
  const lines: { text: string; sel?: { from: number; to: number } }[] = []
  for (let row = first; row < buf.length; row++) {
    const line = buf.getLine(row)
    // Past `last`, only the rows the last line wraps into.
    if (!line || (row > last && !line.isWrapped)) break
    if (!line.isWrapped || lines.length === 0) lines.push({ text: '' })
    const cur = lines[lines.length - 1]!
    let from = cur.text.length
    for (let x = 0; x < t.cols; x++) {
      if (!line.getCell(x, cell)) continue
      // The right half of a wide character stands for the character drawn in the left half.
      if (cell.getWidth() !== 0) {
        from = cur.text.length
        cur.text += cell.getChars()
      }
      if (!before(x, row, range.start) && before(x, row, range.end)) cur.sel = { from: Math.min(cur.sel?.from ?? from, from), to: cur.text.length }
    }
  }
  return lines
}

/**
 * The ANSI colours render.ts writes with, where xterm's defaults fall short of WCAG AA (4.5:1)
 * on the terminal's #0f1216: dim (bright black, 2.57:1 before), red (errors, and the background
 * an invalid byte is drawn on: 3.19:1), magenta (warnings: 2.85:1), blue (3.17:1). Each is now
 * at least 5.4:1 on the background (see e2e/a11y.spec.ts).
 */
const palette = {
  red: '#f05454',
  blue: '#729fcf',
  magenta: '#ad7fa8',
  brightBlack: '#848a94',
  brightRed: '#ff7a7a',
  brightBlue: '#9ec2ea',
  brightMagenta: '#d08cc8'
}

export function TrafficView({ store, options, label, redrawSignal, paused, ref }: Props) {
  const { t: tr } = useI18n()
  const host = useRef<HTMLDivElement>(null)
  const term = useRef<Terminal | null>(null)
  const search = useRef<SearchAddon | null>(null)
  const marked = useRef<Marked[]>([])
  const lastResults = useRef<{ resultIndex: number; resultCount: number }>({ resultIndex: -1, resultCount: 0 })
  const byteCursor = useRef<{ key: string; at: number }>({ key: '', at: -1 })

  useEffect(() => {
    const t = new Terminal({
      convertEol: false,
      disableStdin: true,
      scrollback: SCROLLBACK,
      fontSize: 13,
      fontFamily: "'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', Menlo, Consolas, monospace",
      theme: { background: '#0f1216', foreground: '#d8dee9', cursor: '#0f1216', selectionBackground: '#2f6bc088', ...palette },
      // Text on a search match or the selection is lightened or darkened as far as AA needs.
      minimumContrastRatio: 4.5,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      allowProposedApi: true
    })
    const fit = new FitAddon()
    const finder = new SearchAddon({ highlightLimit: 1000 })
    finder.onDidChangeResults((r) => (lastResults.current = r))
    t.loadAddon(fit)
    t.loadAddon(finder)
    // The view is read-only: the app's shortcuts pass xterm by (it would stop them) to the pane and the window.
    t.attachCustomKeyEventHandler((e) => shortcutOf(e) === undefined)
    t.open(host.current!)
    term.current = t
    search.current = finder
    const refit = (): void => {
      // A terminal in a hidden tab keeps its size (a fit to nothing would make it one row).
      if (!host.current || host.current.clientHeight === 0 || host.current.clientWidth === 0) return
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
    if (paused) {
      // What is on screen stays; new entries are only logged (and acknowledged) until resume.
      store.setSink(undefined)
      return
    }
    // Reset through the write queue (RIS), not t.reset(): writes of an earlier draw that xterm
    // has queued but not parsed yet would otherwise land after the reset (a cleared pane
    // showed its old lines again).
    t.write('\x1bc')
    marked.current = []
    byteCursor.current = { key: '', at: -1 }
    const renderer = new TerminalRenderer(options)
    const draw = (entries: readonly LogEntry[], done?: () => void): void => {
      let text = ''
      for (const e of entries) {
        const piece = renderer.render(e)
        if (!piece) continue
        if (e.kind === 'traffic') {
          // Mark where each record starts (once xterm has parsed what comes before it), so
          // a selection can be mapped back to records.
          const headed = renderer.headed
          write(t, text || '\x1b[0m', () => {
            const marker = t.registerMarker(0)
            if (marker) marked.current.push({ marker, entry: e, headed })
          })
          text = ''
        }
        text += piece
      }
      write(t, text, done)
      if (marked.current.length > 4096) marked.current = marked.current.filter((m) => !m.marker.isDisposed)
    }
    // Redraw what the scrollback can hold (leaving a little room for the note above it).
    const { tail, omitted } = redrawTail(store.log.all(), SCROLLBACK - 100, (e) => (renderer.shows(e) ? estimateRows(e, options, t.cols) : 0))
    if (omitted > 0) write(t, `\x1b[90m${tr('term.redrawn', { n: omitted })}\x1b[0m\r\n`)
    draw(tail)
    store.setSink((entries, done) => draw(entries, done))
  }, [store, options, redrawSignal, paused, tr])

  useImperativeHandle(ref, () => ({
    find: (query, backwards) => {
      const f = search.current
      if (!f || !query) return undefined
      const opts = {
        decorations: { matchOverviewRuler: '#e6b450', activeMatchColorOverviewRuler: '#ff6b6b', matchBackground: '#5a4a1a', activeMatchBackground: '#8a3a1a' }
      }
      const found = backwards ? f.findPrevious(query, opts) : f.findNext(query, opts)
      const r = lastResults.current
      return found ? { index: r.resultIndex, count: r.resultCount } : undefined
    },
    findBytes: (needle, backwards) => {
      const t = term.current
      if (!t || needle.byteLength === 0) return undefined
      search.current?.clearDecorations()
      const live = marked.current.filter((m) => !m.marker.isDisposed)
      // Every match in the records still on screen, in order (within a record).
      const hits: { m: Marked; off: number }[] = []
      for (const m of live) {
        const bytes = mainPart(m.entry.rec, m.entry.bytes).bytes
        for (let off = indexOfBytes(bytes, needle, 0); off >= 0 && hits.length < 100_000; off = indexOfBytes(bytes, needle, off + 1)) hits.push({ m, off })
      }
      if (hits.length === 0) return undefined
      const key = Array.from(needle).join(',')
      const cur = byteCursor.current
      const at = cur.key !== key ? (backwards ? hits.length - 1 : 0) : (cur.at + (backwards ? hits.length - 1 : 1)) % hits.length
      byteCursor.current = { key, at }
      const hit = hits[at]!
      const start = dumpCell(t, hit.m, hit.off)
      const end = dumpCell(t, hit.m, hit.off + needle.byteLength - 1)
      if (start && end) {
        t.scrollToLine(Math.max(0, start.row - 2))
        t.select(start.col, start.row, (end.row - start.row) * t.cols + end.col + 2 - start.col)
      }
      return { index: at, count: hits.length }
    },
    clearHighlights: () => {
      search.current?.clearDecorations()
      term.current?.clearSelection()
      byteCursor.current = { key: '', at: -1 }
    },
    drawn: () => new Promise<void>((resolve) => (term.current ? term.current.write('\x1b[0m', resolve) : resolve())),
    selectedBytes: () => {
      const t = term.current
      const range = t?.hasSelection() ? t.getSelectionPosition() : undefined
      if (!t || !range) return undefined
      const live = marked.current.filter((m) => !m.marker.isDisposed)
      const payload = (m: Marked): Uint8Array => mainPart(m.entry.rec, m.entry.bytes).bytes
      const touched: { bytes: Uint8Array; offsets: number[] | undefined }[] = []
      for (let i = 0; i < live.length; i++) {
        const first = live[i]!.marker.line
        const last = i + 1 < live.length ? live[i + 1]!.marker.line - 1 : Infinity
        if (last < range.start.y || first > range.end.y) continue
        // The header line first, then the body as render.ts draws it (lines after it, steps
        // and notes, hold none of the payload), read up to the selection's end. A body not
        // drawn as laid out (drawn under other options while paused) counts whole.
        const bytes = payload(live[i]!)
        const layout = bodyLines(bytes, options, mainPart(live[i]!.entry.rec, live[i]!.entry.bytes).offset)
        const skip = live[i]!.headed ? 1 : 0
        const body = selectedLines(t, first, Math.min(last, range.end.y), range).slice(skip, skip + layout.length)
        const laidOut = body.every((l, k) => l.text === layout[k]!.text)
        touched.push({
          bytes,
          offsets: laidOut
            ? selectedOffsets(
                layout,
                body.map((l) => l.sel)
              )
            : undefined
        })
      }
      return touched.length === 0 ? undefined : { ...takeSelected(touched), records: touched.length }
    }
  }))

  return (
    <div className="traffic" role="log" aria-label={label} aria-live="off" data-testid={`traffic-${store.id}`}>
      <div className="term-host" ref={host} />
    </div>
  )
}
