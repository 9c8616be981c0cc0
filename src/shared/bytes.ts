// Byte helpers shared by engine, renderer, CLI and tests. No Node, no DOM.

export type ParseResult = { ok: true; bytes: Uint8Array } | { ok: false; index: number; reason: ParseErrorReason }
export type ParseErrorReason = 'badHexChar' | 'oddHexDigits' | 'badEscape' | 'badBase64Char'

/**
 * Hex as people paste it: "48 65 6c", "48656c", "0x48,0x65", "48:65". Separators are
 * spaces, commas, colons, dashes and an optional 0x per byte. A bad character or an odd
 * number of digits reports its index in the input.
 */
export function parseHex(input: string): ParseResult {
  const out: number[] = []
  let pending = -1
  let pendingAt = 0
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (c === '0' && (input[i + 1] === 'x' || input[i + 1] === 'X') && pending < 0) {
      i++
      continue
    }
    const v = hexValue(c)
    if (v >= 0) {
      if (pending < 0) {
        pending = v
        pendingAt = i
      } else {
        out.push((pending << 4) | v)
        pending = -1
      }
    } else if (/[\s,:;-]/.test(c)) {
      if (pending >= 0) return { ok: false, index: pendingAt, reason: 'oddHexDigits' }
    } else {
      return { ok: false, index: i, reason: 'badHexChar' }
    }
  }
  if (pending >= 0) return { ok: false, index: pendingAt, reason: 'oddHexDigits' }
  return { ok: true, bytes: Uint8Array.from(out) }
}

function hexValue(c: string): number {
  const n = c.charCodeAt(0)
  if (n >= 48 && n <= 57) return n - 48
  if (n >= 65 && n <= 70) return n - 55
  if (n >= 97 && n <= 102) return n - 87
  return -1
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function toHex(bytes: Uint8Array, sep = ' '): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += (i ? sep : '') + HEX[bytes[i]!]
  return s
}

/** One line of `hexdump -C`: offset, 16 bytes in two groups of 8, ASCII column. */
export function hexdumpLines(bytes: Uint8Array, startOffset = 0): string[] {
  const lines: string[] = []
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16)
    let hex = ''
    let ascii = ''
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' '
      const b = row[i]
      hex += b === undefined ? '   ' : HEX[b] + ' '
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'
    }
    lines.push(`${(startOffset + off).toString(16).padStart(8, '0')}  ${hex} |${ascii}|`)
  }
  return lines
}

const CONTROL_PICTURES: Record<number, string> = { 0x0d: '␍', 0x0a: '␊', 0x09: '␉', 0x00: '␀', 0x1b: '␛', 0x7f: '␡' }
const CONTROL_ESCAPES: Record<number, string> = { 0x0d: '\\r', 0x0a: '\\n', 0x09: '\\t', 0x00: '\\0' }

export interface VisibleTextOptions {
  /** Control characters as pictures (␍␊) or as escapes (\r\n); others are always \xNN. */
  style?: 'pictures' | 'escapes'
  /** Wraps each made-visible character, e.g. to dim it with an ANSI colour. */
  mark?: (s: string) => string
  /** Wraps each \xNN that stands for an invalid byte (default: `mark`), so it can look different. */
  invalid?: (s: string) => string
}

/**
 * Bytes as UTF-8 text with every control character made visible (␍␊␉ or \r\n\t, else
 * \xNN) and invalid sequences shown as \xNN, never dropped. A line feed also breaks the line.
 */
export function visibleText(bytes: Uint8Array, options: VisibleTextOptions = {}): string {
  const names = options.style === 'escapes' ? CONTROL_ESCAPES : CONTROL_PICTURES
  const mark = options.mark ?? ((x: string) => x)
  const bad = options.invalid ?? mark
  const out: string[] = []
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b >= 0x20 && b < 0x7f) {
      let j = i + 1
      while (j < bytes.length && bytes[j]! >= 0x20 && bytes[j]! < 0x7f) j++
      out.push(ascii.decode(bytes.subarray(i, j)))
      i = j
    } else if (b < 0x80) {
      out.push(mark(names[b] ?? `\\x${HEX[b]}`))
      if (b === 0x0a) out.push('\n')
      i++
    } else {
      const cp = utf8At(bytes, i)
      if (cp < 0) {
        out.push(bad(`\\x${HEX[b]}`))
        i++
      } else {
        // C1 controls and invisible format characters (BOM, zero-width, bidi) are named, not hidden.
        out.push(invisible(cp) ? mark(`\\u${cp.toString(16).padStart(4, '0')}`) : String.fromCodePoint(cp))
        i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
      }
    }
  }
  return out.join('')
}

const ascii = new TextDecoder('latin1')

/**
 * How visibleText shows one decoded character that cannot be shown as itself: a C0 control
 * or DEL as a picture or escape (a line feed also breaks the line), a C1 control or an
 * invisible format character as \uNNNN; undefined for a character shown as itself. Decoders
 * of other encodings use it so every encoding makes the same characters visible.
 */
export function visibleChar(cp: number, options: VisibleTextOptions = {}): string | undefined {
  const mark = options.mark ?? ((x: string) => x)
  if (cp < 0x20 || cp === 0x7f) {
    const names = options.style === 'escapes' ? CONTROL_ESCAPES : CONTROL_PICTURES
    return mark(names[cp] ?? `\\x${HEX[cp]}`) + (cp === 0x0a ? '\n' : '')
  }
  return invisible(cp) ? mark(`\\u${cp.toString(16).padStart(4, '0')}`) : undefined
}

function invisible(cp: number): boolean {
  return (
    (cp >= 0x80 && cp <= 0x9f) ||
    cp === 0xad ||
    cp === 0xfeff ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x2069)
  )
}

/** The code point of a well-formed UTF-8 sequence starting at i (no overlongs, no surrogates), or -1. */
export function utf8At(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const v = bytes[i + k]
    return v !== undefined && v >= lo && v <= hi ? v & 0x3f : -1
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1)
    return c1 < 0 ? -1 : ((b0 & 0x1f) << 6) | c1
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf)
    const c2 = c1 < 0 ? -1 : cont(2)
    return c2 < 0 ? -1 : ((b0 & 0x0f) << 12) | (c1 << 6) | c2
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf)
    const c2 = c1 < 0 ? -1 : cont(2)
    const c3 = c2 < 0 ? -1 : cont(3)
    return c3 < 0 ? -1 : ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
  }
  return -1
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.byteLength
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.byteLength
  }
  return out
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}
