// Log entries as terminal text (ANSI colours, CRLF line ends). Pure: tested in Node.
// Payload control characters are made visible (\r\n or ␍␊, \xNN), so received bytes can
// never drive the terminal with escape sequences.
import { concatBytes, formatBytes, hexdumpLines } from '../../../shared/bytes'
import { decodeVisible, unfinishedTail } from '../../../shared/encodings'
import { mainSpan, pieceRange } from '../../../shared/record-pieces'
import { formatDiff } from '../../../shared/diff-format'
import { errorMessage, formatTarget, translate, translateRef, type Lang, type MessageKey } from '../../../shared/i18n'
import type { Endpoint, MessagePart, TrafficRecord } from '../../../shared/contract'
import type { LogEntry } from './log'
import { defaultViewSettings, type ViewSettings } from '../../../shared/workspace'

/** How a pane shows its traffic (its saved view settings), in a language. */
export interface RenderOptions extends ViewSettings {
  lang: Lang
}

export const defaultRenderOptions: ViewSettings = defaultViewSettings

const C = {
  dim: '\x1b[90m',
  in: '\x1b[32m',
  out: '\x1b[36m',
  info: '\x1b[33m',
  warn: '\x1b[35m',
  error: '\x1b[31m',
  /** An invalid byte: red on the direction's colour, unlike the dim escapes of control characters. */
  invalid: '\x1b[1;31;7m',
  reset: '\x1b[0m'
}

/**
 * Drops the switch back to `colour` and to dim again between two dim escapes that nothing else
 * separates, so a run of escapes is one dim stretch. Only there: after an invalid byte (whose
 * reset ends in the same colour) the next escape must switch to dim itself.
 */
function joinDimRuns(text: string, colour: string): string {
  const parts = text.split(colour + C.dim)
  const out = [parts[0]!]
  for (let i = 1; i < parts.length; i++) {
    // Every part but the first starts dim; the one before is dim at its end if its last switch is.
    const prev = parts[i - 1]!
    const last = prev.lastIndexOf('\x1b[')
    const dim = last < 0 ? i > 1 : prev.startsWith(C.dim, last)
    out.push(dim ? parts[i]! : colour + C.dim + parts[i]!)
  }
  return out.join('')
}

/** The most bytes of one message step shown (as hex dump rows); the rest is counted. */
export const STEP_BYTES = 64 * 1024

export function formatTime(tUs: number): string {
  const d = new Date(Math.floor(tUs / 1000))
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(Math.floor(tUs % 1_000_000), 6)}`
}

export const showEndpoint = (e: Endpoint): string => formatTarget(e.address, e.port)

const indent = (lines: string[]): string => lines.map((l) => `  ${l}\r\n`).join('')

/** Text as indented terminal lines; `joins`: the first goes on with an open line; `open`: the last is left open. */
function lines(text: string, joins: boolean, open: boolean): string {
  const rows = text.replace(/\n$/, '').split('\n')
  const s = rows.map((l, i) => (i === 0 && joins ? l : `  ${l}`)).join('\r\n')
  return open ? s : s + '\r\n'
}

/**
 * The part of a message record a person reads: the payload (incoming: last; outgoing: first).
 * Of a record's piece, what of it the piece holds (maybe nothing), `offset` bytes into it, and
 * whether the piece holds its end.
 */
export function mainPart(rec: TrafficRecord, bytes: Uint8Array): { bytes: Uint8Array; part?: MessagePart; offset: number; ends: boolean } {
  const { at, end } = pieceRange(rec, bytes)
  const main = mainSpan(rec)
  const lo = Math.min(Math.max(main.start, at), end)
  const hi = Math.max(Math.min(main.end, end), lo)
  return {
    bytes: bytes.subarray(lo - at, hi - at),
    ...(main.index === undefined ? {} : { part: rec.parts![main.index] }),
    offset: Math.max(0, lo - main.start),
    ends: main.end <= end
  }
}

/** A record drawn so far in pieces: the next piece continues it. */
interface OpenRecord {
  connId: number
  dir: TrafficRecord['dir']
  next: number
  /** The text view left the last line open (the piece ended mid-line). */
  lineOpen: boolean
  /** Bytes at the piece's end that start a character the next piece finishes (text view). */
  carry: Uint8Array
}

/** A stateful renderer: delta timestamps need the previous record shown; a record in pieces, the piece before. */
export class TerminalRenderer {
  private prevTUs: number | undefined
  private open: OpenRecord | undefined
  /** Whether the record drawn last began with its header line (a piece going on with its record does not). */
  headed = false

  constructor(readonly o: RenderOptions) {}

  /** Whether this record is the next piece of the one being drawn. */
  private continues(rec: TrafficRecord): boolean {
    const open = this.open
    return open !== undefined && rec.piece !== undefined && rec.piece.at === open.next && rec.connId === open.connId && rec.dir === open.dir
  }

  shows(entry: LogEntry): boolean {
    const f = this.o.filter
    if (entry.kind !== 'traffic') return f.connId === 'all' || !('params' in entry) || entry.params['id'] === undefined || entry.params['id'] === f.connId
    return (f.connId === 'all' || entry.rec.connId === f.connId) && (f.dir === 'both' || entry.rec.dir === f.dir)
  }

  render(entry: LogEntry): string {
    if (!this.shows(entry)) return ''
    this.headed = entry.kind === 'traffic' && !this.continues(entry.rec)
    if (entry.kind === 'traffic' && !this.headed) return this.traffic(entry.rec, entry.bytes, this.open)
    // Anything else ends a record left open (its last line, if open, too).
    const close = this.open?.lineOpen ? '\r\n' : ''
    this.open = undefined
    return close + this.entry(entry)
  }

  private entry(entry: LogEntry): string {
    switch (entry.kind) {
      case 'traffic':
        return this.traffic(entry.rec, entry.bytes, undefined)
      case 'note': {
        const o = this.o
        const colour = entry.level === 'warn' ? C.warn : C.info
        const params = { ...entry.params }
        if (entry.key === 'term.open' && entry.endpoints) {
          params['remote'] = showEndpoint(entry.endpoints[0]!)
          params['local'] = showEndpoint(entry.endpoints[1]!)
        }
        if (entry.key === 'term.closed') {
          params['how'] = translate(o.lang, `term.how.${String(params['how'])}` as MessageKey)
          params['in'] = formatBytes(Number(params['in']))
          params['out'] = formatBytes(Number(params['out']))
        }
        if (entry.key === 'term.skipped') params['bytes'] = formatBytes(Number(params['bytes']))
        if (params['datagram'] !== undefined) params['n'] = translate(o.lang, 'replay.exchangeDatagram', { n: params['n'] ?? '', d: params['datagram'] })
        return `${this.stamp(entry.tUs)}${colour}● ${translate(o.lang, entry.key, params)}${C.reset}\r\n`
      }
      case 'diff':
        return this.diff(entry.expected, entry.actual)
      case 'error': {
        const detail = entry.error.detail ? `\r\n  ${C.dim}${entry.error.code}: ${entry.error.detail}${C.reset}` : ''
        return `${this.stamp(entry.tUs)}${C.error}✖ ${errorMessage(this.o.lang, entry.error)}${C.reset}${detail}\r\n`
      }
    }
  }

  private stamp(tUs: number): string {
    if (this.o.time === 'off') return ''
    if (this.o.time === 'absolute') return `${C.dim}${formatTime(tUs)}${C.reset} `
    const delta = this.prevTUs === undefined ? 0 : tUs - this.prevTUs
    this.prevTUs = tUs
    return `${C.dim}+${(delta / 1e6).toFixed(6)}${C.reset} `
  }

  /**
   * A record, or a piece of one: the header line (unless `open`, the piece before, drew it),
   * then what the piece holds of the payload and, in the Steps view, of each step.
   */
  private traffic(rec: TrafficRecord, bytes: Uint8Array, open: OpenRecord | undefined): string {
    const o = this.o
    const colour = rec.dir === 'in' ? C.in : C.out
    const main = mainPart(rec, bytes)
    let s = ''
    if (!open) {
      const arrow = rec.dir === 'in' ? '◀' : '▶'
      const peer = rec.peer ? ' ' + translate(o.lang, rec.dir === 'in' ? 'term.from' : 'term.to', { peer: showEndpoint(rec.peer) }) : ''
      const conn = rec.connId > 0 ? ` #${rec.connId}` : ''
      const size = main.part ? main.part.len : (rec.piece?.of ?? rec.len)
      const what = rec.parts ? translate(o.lang, 'term.message', { size: formatBytes(size) }) : formatBytes(size)
      const why = rec.parts?.find((p) => !p.ok)?.reason
      const failed = rec.ok === false ? ` ${C.error}✗ ${why ? translateRef(o.lang, why) : ''}${colour}` : ''
      s += `${this.stamp(rec.tUs)}${colour}${arrow} ${translate(o.lang, rec.dir === 'in' ? 'term.in' : 'term.out')}${conn}${peer} · ${what}${failed}${C.reset}\r\n`
    }
    const range = pieceRange(rec, bytes)
    const steps = o.steps && rec.parts ? this.steps(rec, bytes) : ''
    // A line of text may go on in the next piece when nothing else is drawn after it here.
    const more = !main.ends && steps === ''
    const next: OpenRecord = { connId: rec.connId, dir: rec.dir, next: range.end, lineOpen: false, carry: new Uint8Array(0) }
    const text = open?.carry.byteLength ? concatBytes([open.carry, main.bytes]) : main.bytes
    if (text.byteLength > 0) s += colour + this.body(text, colour, main.offset, open?.lineOpen ?? false, more ? next : undefined) + C.reset
    else if (open?.lineOpen && !more) s += '\r\n'
    else if (open?.lineOpen) next.lineOpen = true
    s += steps
    this.open = range.end < range.of ? next : undefined
    return s
  }

  /**
   * The payload's bytes as text, hex or both; hex offsets from `offset`. In the text view, a
   * piece continuing an open line (`joins`) starts without indent, and one with more to come
   * (`more`) leaves its last line open and keeps back a character it cut in half.
   */
  private body(bytes: Uint8Array, colour: string, offset = 0, joins = false, more?: OpenRecord): string {
    const o = this.o
    const hex = (): string => indent(hexdumpLines(bytes, offset))
    if (o.view === 'hex') return hex()
    let shown = bytes
    if (more && o.view === 'text') {
      const cut = unfinishedTail(bytes, o.encoding)
      more.carry = bytes.slice(bytes.byteLength - cut)
      shown = bytes.subarray(0, bytes.byteLength - cut)
    }
    // Escapes of control characters are dimmed, invalid bytes stand out in inverse red; a run of
    // either shares one colour switch (binary data is mostly escapes).
    const visible = decodeVisible(shown, o.encoding, {
      style: o.controls,
      mark: (x) => `${C.dim}${x}${colour}`,
      invalid: (x) => `${C.invalid}${x}${C.reset}${colour}`
    })
    const text = joinDimRuns(visible.replaceAll(`${C.reset}${colour}${C.invalid}`, ''), colour)
    if (o.view === 'split') return lines(text, false, false) + C.dim + hex() + colour
    const open = more !== undefined && !text.endsWith('\n')
    if (more) more.lineOpen = open
    return lines(text, joins, open)
  }

  /** Every range where the live bytes differ from the recorded ones, the differing bytes in red. */
  private diff(expected: Uint8Array, actual: Uint8Array): string {
    return indent(formatDiff(expected, actual, { lang: this.o.lang, mark: (hex) => `${C.error}${hex}${C.reset}` }))
  }

  /** Each step of a message: its line, where the piece holds the step's start; its first STEP_BYTES as hex dump rows, as far as the piece holds them. */
  private steps(rec: TrafficRecord, bytes: Uint8Array): string {
    const { at, end } = pieceRange(rec, bytes)
    let s = ''
    let start = 0
    for (const p of rec.parts!) {
      const stop = start + p.len
      // An empty step belongs to the piece that ends where it is (or to the first).
      const owns = p.len === 0 ? (start > at && start <= end) || (start === 0 && at === 0) : start >= at && start < end
      // Each stage whole, as hex dump rows (the terminal scrolls); a huge one up to STEP_BYTES.
      const lo = Math.max(start, at)
      const hi = Math.min(start + Math.min(p.len, STEP_BYTES), end)
      const more = p.len > STEP_BYTES && stop > at && stop <= end
      if (owns) {
        const mark = p.ok ? `${C.in}✓` : `${C.error}✗`
        s += `  ${C.dim}↳ ${p.label} (${p.op}) ${mark}${C.dim} ${formatBytes(p.len)}${p.reason ? ` — ${translateRef(this.o.lang, p.reason)}` : ''}${C.reset}\r\n`
      }
      if (owns || hi > lo || more) {
        s += C.dim + (hi > lo ? hexdumpLines(bytes.subarray(lo - at, hi - at), lo - start) : []).map((l) => `    ${l}\r\n`).join('')
        if (more) s += `    ${translate(this.o.lang, 'term.moreBytes', { n: p.len - STEP_BYTES })}\r\n`
        s += C.reset
      }
      start = stop
    }
    return s
  }
}

/**
 * About how many terminal rows an entry takes in a view `cols` wide: hex rows exactly, text
 * as one character per byte (escaped binary takes more, so xterm may trim the oldest of it).
 */
export function estimateRows(entry: LogEntry, o: Pick<RenderOptions, 'view' | 'steps'>, cols: number): number {
  if (entry.kind === 'diff') return 12
  if (entry.kind !== 'traffic') return 2
  const main = mainPart(entry.rec, entry.bytes).bytes
  const n = main.byteLength
  const hexRows = Math.ceil(n / 16) * Math.ceil(80 / Math.max(cols, 1))
  let textRows = 0
  if (o.view !== 'hex') {
    let lf = 0
    for (let i = main.indexOf(10); i >= 0; i = main.indexOf(10, i + 1)) lf++
    textRows = lf + Math.ceil((n + 2) / Math.max(cols, 1))
  }
  let rows = 1 + (o.view === 'hex' ? hexRows : o.view === 'split' ? hexRows + textRows : textRows)
  if (o.steps && entry.rec.parts && !entry.rec.piece?.at)
    for (const p of entry.rec.parts) rows += 2 + Math.ceil(Math.min(p.len, STEP_BYTES) / 16) * Math.ceil(82 / Math.max(cols, 1))
  return rows
}

/**
 * The entries worth redrawing after a view switch: the newest ones that fit `maxRows` rows of
 * scrollback (by `rowsOf`; the newest always goes). Returns how many were left out.
 */
export function redrawTail(entries: readonly LogEntry[], maxRows: number, rowsOf: (e: LogEntry) => number): { tail: readonly LogEntry[]; omitted: number } {
  let rows = 0
  let i = entries.length
  while (i > 0) {
    const r = rowsOf(entries[i - 1]!)
    if (rows + r > maxRows && i < entries.length) break
    rows += r
    i--
  }
  return { tail: entries.slice(i), omitted: i }
}

/** Terminal text in pieces small enough that xterm.js can yield to the page between them. */
export function* pieces(text: string, size = 32 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size)
}
