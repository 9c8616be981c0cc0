// Log entries as terminal text (ANSI colours, CRLF line ends). Pure: tested in Node.
// Payload control characters are made visible (␍␊, \xNN), so received bytes can never
// drive the terminal with escape sequences.
import { formatBytes, hexdumpLines, visibleText } from '../../../shared/bytes'
import { errorMessage, formatTarget, translate, type Lang, type MessageKey } from '../../../shared/i18n'
import type { Endpoint } from '../../../shared/contract'
import type { LogEntry } from './log'

export type ViewMode = 'text' | 'hex'

export interface RenderOptions {
  view: ViewMode
  timestamps: boolean
  lang: Lang
}

const C = {
  dim: '\x1b[90m',
  in: '\x1b[32m',
  out: '\x1b[36m',
  info: '\x1b[33m',
  warn: '\x1b[35m',
  error: '\x1b[31m',
  reset: '\x1b[0m'
}

export function formatTime(tUs: number): string {
  const d = new Date(Math.floor(tUs / 1000))
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(Math.floor(tUs % 1_000_000), 6)}`
}

export const showEndpoint = (e: Endpoint): string => formatTarget(e.address, e.port)

function stamp(tUs: number, o: RenderOptions): string {
  return o.timestamps ? `${C.dim}${formatTime(tUs)}${C.reset} ` : ''
}

const indent = (lines: string[]): string => lines.map((l) => `  ${l}\r\n`).join('')

export function renderEntry(entry: LogEntry, o: RenderOptions): string {
  switch (entry.kind) {
    case 'traffic': {
      const { rec, bytes } = entry
      const colour = rec.dir === 'in' ? C.in : C.out
      const arrow = rec.dir === 'in' ? '◀' : '▶'
      const peer = rec.peer ? ' ' + translate(o.lang, rec.dir === 'in' ? 'term.from' : 'term.to', { peer: showEndpoint(rec.peer) }) : ''
      const conn = rec.connId > 0 ? ` #${rec.connId}` : ''
      const head = `${stamp(rec.tUs, o)}${colour}${arrow} ${translate(o.lang, rec.dir === 'in' ? 'term.in' : 'term.out')}${conn}${peer} · ${formatBytes(rec.len)}${C.reset}\r\n`
      if (bytes.byteLength === 0) return head
      // Escapes are dimmed; a run of them shares one colour switch (binary data is mostly escapes).
      const text = visibleText(bytes, { style: 'escapes', mark: (x) => `${C.dim}${x}${colour}` }).replaceAll(`${colour}${C.dim}`, '')
      const body = o.view === 'hex' ? hexdumpLines(bytes) : text.replace(/\n$/, '').split('\n')
      return head + colour + indent(body) + C.reset
    }
    case 'note': {
      const colour = entry.level === 'warn' ? C.warn : C.info
      const params = { ...entry.params }
      if (entry.key === 'term.open' && entry.endpoints) {
        // "opened with <peer> (local <us>)": the same words on both sides of a pair.
        params['remote'] = showEndpoint(entry.endpoints[0]!)
        params['local'] = showEndpoint(entry.endpoints[1]!)
      }
      if (entry.key === 'term.closed') {
        params['how'] = translate(o.lang, `term.how.${String(params['how'])}` as MessageKey)
        params['in'] = formatBytes(Number(params['in']))
        params['out'] = formatBytes(Number(params['out']))
      }
      if (entry.key === 'term.skipped') params['bytes'] = formatBytes(Number(params['bytes']))
      return `${stamp(entry.tUs, o)}${colour}● ${translate(o.lang, entry.key, params)}${C.reset}\r\n`
    }
    case 'error': {
      const detail = entry.error.detail ? `\r\n  ${C.dim}${entry.error.code}: ${entry.error.detail}${C.reset}` : ''
      return `${stamp(entry.tUs, o)}${C.error}✖ ${errorMessage(o.lang, entry.error)}${C.reset}${detail}\r\n`
    }
  }
}

export function renderEntries(entries: readonly LogEntry[], o: RenderOptions): string {
  let s = ''
  for (const e of entries) s += renderEntry(e, o)
  return s
}

/**
 * The entries worth redrawing after a view switch: the newest ones, up to about `maxBytes`
 * of payload (the terminal's scrollback could not hold more). Returns how many were left out.
 */
export function redrawTail(entries: readonly LogEntry[], maxBytes: number): { tail: readonly LogEntry[]; omitted: number } {
  let bytes = 0
  let i = entries.length
  while (i > 0) {
    const e = entries[i - 1]!
    const size = e.kind === 'traffic' ? e.bytes.byteLength : 0
    if (bytes + size > maxBytes && i < entries.length) break
    bytes += size
    i--
  }
  return { tail: entries.slice(i), omitted: i }
}

/** Terminal text in pieces small enough that xterm.js can yield to the page between them. */
export function* pieces(text: string, size = 32 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size)
}
