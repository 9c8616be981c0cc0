// Which bytes of a record a terminal selection covers. A record's body is laid out again the
// way render.ts draws it (text lines, hex dump lines, or both), each line with the byte
// ranges its characters stand for; the terminal tells which characters of each line are
// selected. Pure: tested in Node. Only Copy uses it, so nothing is kept per drawn record.
import { concatBytes, hexdumpLines } from '../../../shared/bytes'
import { decodeVisible, type TextEncoding } from '../../../shared/encodings'
import type { RenderOptions } from './render'

/** Code units [from, to) of a line stand for bytes [start, end) of the record's payload. */
export interface Span {
  from: number
  to: number
  start: number
  end: number
}

/** One body line as drawn (without colours), and what its characters stand for. */
export interface MappedLine {
  text: string
  spans: Span[]
}

const INDENT = '  '

/**
 * The body lines of a record whose payload is `bytes`, as render.ts draws them under its
 * header: text lines (each character or escape its bytes), hex dump lines (each pair of
 * digits its byte; the offset and ASCII columns nothing; offsets from `offset`), or text then
 * hex (split).
 */
export function bodyLines(bytes: Uint8Array, o: Pick<RenderOptions, 'view' | 'encoding' | 'controls'>, offset = 0): MappedLine[] {
  if (bytes.byteLength === 0) return []
  const hex = o.view === 'text' ? [] : hexLines(bytes, offset)
  return o.view === 'hex' ? hex : [...textLines(bytes, o.encoding, o.controls), ...hex]
}

/** `offset`: where the dump's offsets start (a piece of a larger record goes on from its place). */
function hexLines(bytes: Uint8Array, offset: number): MappedLine[] {
  return hexdumpLines(bytes, offset).map((line, row) => {
    const spans: Span[] = []
    for (let i = 0; i < 16 && row * 16 + i < bytes.byteLength; i++) {
      const from = INDENT.length + 10 + i * 3 + (i >= 8 ? 1 : 0)
      spans.push({ from, to: from + 2, start: row * 16 + i, end: row * 16 + i + 1 })
    }
    return { text: INDENT + line, spans }
  })
}

function textLines(bytes: Uint8Array, encoding: TextEncoding, controls: 'escapes' | 'pictures'): MappedLine[] {
  const lines: MappedLine[] = []
  let cur: MappedLine = { text: INDENT, spans: [] }
  for (const u of textUnits(bytes, encoding, controls)) {
    const breaks = u.text.endsWith('\n')
    const shown = breaks ? u.text.slice(0, -1) : u.text
    cur.spans.push({ from: cur.text.length, to: cur.text.length + shown.length, start: u.start, end: u.end })
    cur.text += shown
    if (breaks) {
      lines.push(cur)
      cur = { text: INDENT, spans: [] }
    }
  }
  // As render.ts does: a payload that ends in a line feed starts no empty line.
  if (cur.spans.length > 0) lines.push(cur)
  return lines
}

/**
 * The payload cut into what the text view shows as one piece: a character (its bytes in the
 * encoding), an escape or picture of a control character, or a \xNN of a byte that starts no
 * valid character (UTF-16: of a unit). Each piece is shown as decodeVisible shows it alone,
 * which is how it shows in the whole (test/byte-map.test.ts checks they agree).
 */
export function textUnits(bytes: Uint8Array, encoding: TextEncoding, controls: 'escapes' | 'pictures'): { text: string; start: number; end: number }[] {
  const units: { text: string; start: number; end: number }[] = []
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be'
  let i = 0
  while (i < bytes.byteLength) {
    const b = bytes[i]!
    // Printable ASCII is itself in every encoding here but UTF-16.
    if (!utf16 && b >= 0x20 && b < 0x7f) {
      units.push({ text: String.fromCharCode(b), start: i, end: i + 1 })
      i++
      continue
    }
    // The shortest run from i that decodes with no invalid byte is one character.
    let len = 0
    let text = ''
    for (let k = utf16 ? 2 : 1; k <= 4 && i + k <= bytes.byteLength; k += utf16 ? 2 : 1) {
      let bad = false
      const invalid = (x: string): string => {
        bad = true
        return x
      }
      const shown = decodeVisible(bytes.subarray(i, i + k), encoding, { style: controls, invalid })
      if (!bad) {
        len = k
        text = shown
        break
      }
    }
    if (len === 0) {
      // Invalid: one byte (UTF-16: one unit, or the odd byte at the end), as \xNN each.
      len = utf16 ? Math.min(2, bytes.byteLength - i) : 1
      text = decodeVisible(bytes.subarray(i, i + len), encoding, { style: controls })
    }
    units.push({ text, start: i, end: i + len })
    i += len
  }
  return units
}

/**
 * The byte offsets (ascending, each once) of the spans that lie wholly inside the selected
 * code units of their line. `selected[k]` is the selected range [from, to) of line k, or
 * undefined. A byte shown twice (split view) counts once; a half-selected hex pair or escape
 * counts not at all.
 */
export function selectedOffsets(lines: readonly MappedLine[], selected: readonly ({ from: number; to: number } | undefined)[]): number[] {
  const picked = new Set<number>()
  lines.forEach((line, k) => {
    const sel = selected[k]
    if (!sel) return
    for (const s of line.spans) if (s.from >= sel.from && s.to <= sel.to && s.to > s.from) for (let b = s.start; b < s.end; b++) picked.add(b)
  })
  return [...picked].sort((a, b) => a - b)
}

/**
 * What Copy takes from the records a selection touches, each with the offsets selected in it
 * (undefined: its body could not be mapped, so it counts whole): the selected bytes in order
 * (`exact`), or, when the selection holds none (headers only), every record's whole payload.
 */
export function takeSelected(records: readonly { bytes: Uint8Array; offsets: readonly number[] | undefined }[]): { bytes: Uint8Array; exact: boolean } {
  const exact = records.some((r) => r.offsets && r.offsets.length > 0)
  const parts = records.map((r) => (exact && r.offsets ? Uint8Array.from(r.offsets, (off) => r.bytes[off]!) : r.bytes))
  return { bytes: concatBytes(parts), exact }
}
