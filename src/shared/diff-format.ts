// Where a live answer (or request) differs from the recorded one, as people read it: every
// differing range, each with its offset and the recorded and live bytes in hex and ASCII; the
// first MAX_RANGES of them, then how many more. Used by the panes and the command line alike.
import { translate, type Lang } from './i18n'
import { toHex } from './bytes'

/** A run of positions where the two differ (or only one of them has bytes). */
export interface DiffRange {
  offset: number
  length: number
}

export const MAX_RANGES = 20
/** Bytes shown of one range; the rest of it is counted. */
export const MAX_RANGE_BYTES = 32

export function diffRanges(expected: Uint8Array, actual: Uint8Array): DiffRange[] {
  const n = Math.max(expected.length, actual.length)
  const common = Math.min(expected.length, actual.length)
  const out: DiffRange[] = []
  let start = -1
  for (let i = 0; i <= n; i++) {
    const differs = i < n && (i >= common || expected[i] !== actual[i])
    if (differs && start < 0) start = i
    else if (!differs && start >= 0) {
      out.push({ offset: start, length: i - start })
      start = -1
    }
  }
  return out
}

export interface DiffFormat {
  lang: Lang
  /** Wraps the hex of differing bytes (the panes colour it). */
  mark?: (hex: string) => string
  maxRanges?: number
}

/** One line per range heading and per side; no trailing newlines. */
export function formatDiff(expected: Uint8Array, actual: Uint8Array, o: DiffFormat): string[] {
  const mark = o.mark ?? ((s: string) => s)
  const ranges = diffRanges(expected, actual)
  const shownRanges = ranges.slice(0, o.maxRanges ?? MAX_RANGES)
  const rec = translate(o.lang, 'replay.recorded')
  const live = translate(o.lang, 'replay.live')
  const width = Math.max(rec.length, live.length)
  const side = (label: string, bytes: Uint8Array, r: DiffRange): string => {
    const part = bytes.subarray(r.offset, Math.min(r.offset + r.length, r.offset + MAX_RANGE_BYTES))
    if (part.length === 0) return `  ${label.padEnd(width)} ${translate(o.lang, 'replay.nothing')}`
    const rest = Math.min(bytes.length, r.offset + r.length) - r.offset - part.length
    const more = rest > 0 ? ' ' + translate(o.lang, 'replay.rangeMore', { bytes: rest }) : ''
    return `  ${label.padEnd(width)} ${mark(toHex(part))}  |${ascii(part)}|${more}`
  }
  const lines: string[] = []
  for (const r of shownRanges) {
    lines.push(translate(o.lang, 'replay.range', { at: r.offset, hex: r.offset.toString(16), n: r.length }))
    lines.push(side(rec, expected, r), side(live, actual, r))
  }
  const left = ranges.slice(shownRanges.length)
  if (left.length) lines.push(translate(o.lang, 'replay.moreRanges', { n: left.length, bytes: left.reduce((s, r) => s + r.length, 0) }))
  return lines
}

const ascii = (b: Uint8Array): string => Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('')
