// Text in the encodings people meet on the wire: UTF-8, 7-bit ASCII, Latin-1, Chinese GBK and
// GB18030, Japanese Shift_JIS, UTF-16. Decoding accounts for every byte: one that starts no
// valid character is shown as \xNN, never dropped and never turned into U+FFFD. The tables
// for the multi-byte encodings are read out of TextDecoder itself (ICU in Node, Chromium's
// own in the renderer), so what we show, what we send and what the platform decodes agree.
// No Node, no DOM.
import { utf8At, visibleChar, visibleText, type VisibleTextOptions } from './bytes'

export const textEncodings = ['utf-8', 'ascii', 'latin1', 'gbk', 'gb18030', 'shift_jis', 'utf-16le', 'utf-16be'] as const
export type TextEncoding = (typeof textEncodings)[number]

type MultiByte = 'gbk' | 'gb18030' | 'shift_jis'
/** TextDecoder as both Node's and the DOM's typings know it. */
type Decoder = { decode(bytes: Uint8Array): string }

const hex2 = (b: number): string => (b < 16 ? '0' : '') + b.toString(16)

/**
 * Bytes as text in `encoding`, every control character visible (as visibleText does: pictures
 * ␍␊ or escapes \r\n per options.style, others \xNN, a LF also breaks the line), every byte
 * that is not part of a valid character shown as \xNN via options.invalid (else options.mark),
 * never dropped, never U+FFFD. Latin-1's C1 controls (0x80–0x9F) are bytes that are characters, so they show as \xNN.
 * Each call stands alone: a character split across two reads shows as \xNN at both ends.
 */
export function decodeVisible(bytes: Uint8Array, encoding: TextEncoding, options: VisibleTextOptions = {}): string {
  if (encoding === 'utf-8') return visibleText(bytes, options)
  const mark = options.mark ?? ((x: string) => x)
  const latin1 = encoding === 'latin1'
  return decodeWith(
    bytes,
    encoding,
    (cp) => (latin1 && cp >= 0x80 && cp <= 0x9f ? mark(`\\x${hex2(cp)}`) : visibleChar(cp, options)),
    (b) => (options.invalid ?? mark)(`\\x${hex2(b)}`)
  )
}

/**
 * The decoder under every text view: valid text as it is, except that `show` is asked about
 * each control or format character (C0, DEL, C1, U+00AD, U+200B–U+206F, U+FEFF) and may
 * replace it (undefined keeps it); each byte that starts no valid character becomes
 * `invalid(byte)`.
 */
export function decodeWith(bytes: Uint8Array, encoding: TextEncoding, show: (cp: number) => string | undefined, invalid: (byte: number) => string): string {
  const out: string[] = []
  decodeParts(bytes, encoding, {
    text: (run) => out.push(showControls(run, show)),
    invalid: (b) => out.push(invalid(b))
  })
  return out.join('')
}

function showControls(run: string, show: (cp: number) => string | undefined): string {
  let out = ''
  let start = 0
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i)
    // Printable ASCII and almost all of the rest of Unicode need no look.
    if (c >= 0x20 && (c < 0x7f || (c > 0x9f && c < 0x200b && c !== 0xad) || (c > 0x206f && c !== 0xfeff))) continue
    const shown = show(c)
    if (shown === undefined) continue
    out += run.slice(start, i) + shown
    start = i + 1
  }
  return start === 0 ? run : out + run.slice(start)
}

/**
 * How many bytes at the end of `bytes` (at most 3) do not make a character yet: a text cut in
 * pieces keeps them for the next piece, where they may finish one.
 */
export function unfinishedTail(bytes: Uint8Array, encoding: TextEncoding): number {
  let trailing = 0
  decodeParts(bytes, encoding, {
    text: (run) => {
      if (run.length > 0) trailing = 0
    },
    invalid: () => trailing++
  })
  return Math.min(trailing, 3)
}

interface Sink {
  text(run: string): void
  invalid(byte: number): void
}

/** Runs of valid decoded text and the bytes that start no valid character, in order. */
function decodeParts(bytes: Uint8Array, encoding: TextEncoding, sink: Sink): void {
  switch (encoding) {
    case 'ascii':
      return walk(bytes, decoder('latin1'), (b, i) => (b[i]! < 0x80 ? 1 : -1), sink)
    case 'latin1':
      // TextDecoder's 'latin1' is windows-1252 (0x80 is €); ISO-8859-1 is byte = code point.
      if (bytes.length) sink.text(latin1String(bytes))
      return
    case 'utf-8':
      return fastOrWalk(bytes, 'utf-8', utf8Length, sink)
    case 'utf-16le':
    case 'utf-16be':
      return fastOrWalk(bytes, encoding, encoding === 'utf-16le' ? utf16leLength : utf16beLength, sink)
    default: {
      const table = tableFor(encoding)
      const fixed = { text: (run: string) => sink.text(table.fixAscii(run)), invalid: (b: number) => sink.invalid(b) }
      return fastOrWalk(bytes, encoding, (b, i) => table.lengthAt(b, i), fixed)
    }
  }
}

/**
 * The length of the valid character at i (> 0), or minus the number of bytes to show as
 * invalid (UTF-16 drops a whole unit, other encodings one byte and try again at the next).
 */
type LengthAt = (bytes: Uint8Array, i: number) => number

/**
 * Valid input is the common case: one non-fatal decode, and if no U+FFFD came out, every
 * byte was part of a character. Otherwise walk the bytes character by character, decoding
 * each valid run whole and naming each bad byte. A real encoded U+FFFD only costs the walk.
 */
function fastOrWalk(bytes: Uint8Array, encoding: string, lengthAt: LengthAt, sink: Sink): void {
  const dec = decoder(encoding)
  const text = dec.decode(bytes)
  if (!text.includes('\uFFFD')) {
    if (text) sink.text(text)
    return
  }
  walk(bytes, dec, lengthAt, sink)
}

function walk(bytes: Uint8Array, dec: Decoder, lengthAt: LengthAt, sink: Sink): void {
  let runStart = 0
  let i = 0
  while (i < bytes.length) {
    const len = lengthAt(bytes, i)
    if (len > 0) {
      i += len
      continue
    }
    if (i > runStart) sink.text(dec.decode(bytes.subarray(runStart, i)))
    for (let k = 0; k < -len; k++) sink.invalid(bytes[i + k]!)
    i -= len
    runStart = i
  }
  if (i > runStart) sink.text(dec.decode(bytes.subarray(runStart, i)))
}

const decoders = new Map<string, Decoder>()

/** A shared non-fatal decoder that keeps a BOM as a character (so it can be shown). */
function decoder(encoding: string): Decoder {
  let d = decoders.get(encoding)
  if (!d) {
    d = new TextDecoder(encoding, { ignoreBOM: true })
    decoders.set(encoding, d)
  }
  return d
}

function latin1String(bytes: Uint8Array): string {
  let s = ''
  // fromCharCode takes its arguments on the stack: go in slices.
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return s
}

function utf8Length(bytes: Uint8Array, i: number): number {
  if (bytes[i]! < 0x80) return 1
  const cp = utf8At(bytes, i)
  return cp < 0 ? -1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
}

function utf16Length(bytes: Uint8Array, i: number, unit: (j: number) => number): number {
  if (i + 1 >= bytes.length) return -1
  const u = unit(i)
  if (u < 0xd800 || u > 0xdfff) return 2
  if (u < 0xdc00 && i + 3 < bytes.length) {
    const v = unit(i + 2)
    if (v >= 0xdc00 && v <= 0xdfff) return 4
  }
  return -2
}

const utf16leLength: LengthAt = (b, i) => utf16Length(b, i, (j) => b[j]! | (b[j + 1]! << 8))
const utf16beLength: LengthAt = (b, i) => utf16Length(b, i, (j) => (b[j]! << 8) | b[j + 1]!)

// ---------------------------------------------------------------------------------------
// Multi-byte tables, read out of the platform's own decoder on first use.

/** GB18030 four-byte codes: b1 0x81–0xFE, b2 0x30–0x39, b3 0x81–0xFE, b4 0x30–0x39. */
function fourBytePointer(b1: number, b2: number, b3: number, b4: number): number {
  return (((b1 - 0x81) * 10 + (b2 - 0x30)) * 126 + (b3 - 0x81)) * 10 + (b4 - 0x30)
}
function fourByteCode(pointer: number): number {
  const b4 = pointer % 10
  const b3 = Math.floor(pointer / 10) % 126
  const b2 = Math.floor(pointer / 1260) % 10
  const b1 = Math.floor(pointer / 12600)
  return (0x81 + b1) * 0x1000000 + (0x30 + b2) * 0x10000 + (0x81 + b3) * 0x100 + (0x30 + b4)
}
/** Supplementary planes start at 90 30 81 30 and run on linearly to U+10FFFF. */
const SUPPLEMENTARY_BASE = fourBytePointer(0x90, 0x30, 0x81, 0x30)
/** 81 30 81 30 … 84 31 A4 39 hold the rest of the BMP, up to U+FFFF; the codes after are unused. */
const BMP_FOUR_COUNT = fourBytePointer(0x84, 0x31, 0xa4, 0x39) + 1

interface CodeTable {
  lengthAt: LengthAt
  /** Puts ASCII back where the platform's decoder moved it (see buildTable). */
  fixAscii(text: string): string
  /** Code point → its bytes packed big-endian in a number; the first code decoded wins. */
  encode(cp: number): number | undefined
}

const tables = new Map<MultiByte, CodeTable>()

function tableFor(encoding: MultiByte): CodeTable {
  let t = tables.get(encoding)
  if (!t) {
    t = buildTable(encoding)
    tables.set(encoding, t)
  }
  return t
}

const isTrail = (encoding: MultiByte, t: number): boolean => t !== 0x7f && t >= 0x40 && (encoding === 'shift_jis' ? t <= 0xfc : t <= 0xfe)
const isLead = (encoding: MultiByte, l: number): boolean =>
  encoding === 'shift_jis' ? (l >= 0x81 && l <= 0x9f) || (l >= 0xe0 && l <= 0xfc) : l >= 0x81 && l <= 0xfe

function fatalDecode(dec: Decoder, bytes: Uint8Array): string | undefined {
  try {
    return dec.decode(bytes)
  } catch {
    return undefined
  }
}

function singleCodePoint(s: string | undefined): number {
  if (s === undefined || s.length === 0) return -1
  const cp = s.codePointAt(0)!
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : -1
}

function buildTable(encoding: MultiByte): CodeTable {
  const fatal = new TextDecoder(encoding, { fatal: true, ignoreBOM: true })
  const single = new Uint8Array(256)
  const double = new Uint8Array(0x8000) // (lead - 0x80) << 8 | trail
  const encodeMap = new Map<number, number>()
  const keep = (cp: number, code: number): void => {
    if (cp >= 0 && !encodeMap.has(cp)) encodeMap.set(cp, code)
  }

  // A byte below 0x80 is ASCII in all three encodings, as the WHATWG Encoding Standard (and
  // so Chromium) has it. ICU's Shift_JIS, which Node uses, swaps 0x1A, 0x1C and 0x7F among
  // U+001A, U+001C and U+007F (an IBM habit): a network tool shows the byte that came.
  const moved = new Map<string, string>()
  const singles: number[] = []
  for (let b = 0; b < 256; b++) {
    const cp = singleCodePoint(fatalDecode(fatal, Uint8Array.of(b)))
    if (cp >= 0) {
      single[b] = 1
      singles[b] = b < 0x80 ? b : cp
      if (b < 0x80 && cp !== b) moved.set(String.fromCodePoint(cp), String.fromCharCode(b))
    }
  }
  const movedChars = moved.size
    ? new RegExp(`[${[...moved.keys()].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`, 'g')
    : undefined
  const fixAscii = (text: string): string => (movedChars ? text.replace(movedChars, (c) => moved.get(c)!) : text)
  // Which code a character is sent as when several decode to it: ASCII first; then GBK's
  // one-byte € (0x80, as Windows-936 sends it) before the two-byte codes, while GB18030 sends
  // € as A2 E3 like the standard and keeps 0x80 for decoding only.
  for (let b = 0; b < 0x80; b++) keep(singles[b] ?? -1, b)
  if (encoding !== 'gb18030') for (let b = 0x80; b < 256; b++) keep(singles[b] ?? -1, b)

  const trails: number[] = []
  for (let t = 0; t < 256; t++) if (isTrail(encoding, t)) trails.push(t)
  for (let lead = 0x80; lead < 256; lead++) {
    if (!isLead(encoding, lead) || single[lead]) continue
    // A whole row in one call: a lead byte is no character alone and the trail range holds
    // no four-byte second byte, so if the row decodes to one character per code, it aligns.
    const row = new Uint8Array(trails.length * 2)
    trails.forEach((t, k) => row.set([lead, t], k * 2))
    const text = fatalDecode(fatal, row)
    const cps = text === undefined ? [] : Array.from(text, (c) => c.codePointAt(0)!)
    trails.forEach((t, k) => {
      const cp = cps.length === trails.length ? cps[k]! : singleCodePoint(fatalDecode(fatal, Uint8Array.of(lead, t)))
      if (cp < 0) return
      double[((lead - 0x80) << 8) | t] = 1
      keep(cp, (lead << 8) | t)
    })
  }
  if (encoding === 'gb18030') for (let b = 0x80; b < 256; b++) keep(singles[b] ?? -1, b)

  // Four-byte codes, where the decoder has them: always for GB18030; for GBK in Chromium,
  // whose decoder is the GB18030 one. Sending GBK never uses them.
  const probe = (pointer: number, cp: number): boolean => singleCodePoint(fatalDecode(fatal, Uint8Array.from(codeBytes(fourByteCode(pointer))))) === cp
  const hasBmpFour = probe(0, 0x80)
  const hasSupplementary = probe(SUPPLEMENTARY_BASE, 0x10000)
  let bmpFour: Uint32Array | undefined // pointer → code point, 0 where none
  let bmpFourReverse: Map<number, number> | undefined
  const bmpFourTable = (): Uint32Array => (bmpFour ??= readBmpFour(fatal))

  const lengthAt: LengthAt = (b, i) => {
    const b0 = b[i]!
    if (single[b0]) return 1
    if (i + 1 >= b.length || b0 < 0x80) return -1
    const b1 = b[i + 1]!
    if (double[((b0 - 0x80) << 8) | b1]) return 2
    if (!(hasBmpFour || hasSupplementary) || i + 3 >= b.length || b1 < 0x30 || b1 > 0x39) return -1
    const b2 = b[i + 2]!
    const b3 = b[i + 3]!
    if (b2 < 0x81 || b2 > 0xfe || b3 < 0x30 || b3 > 0x39) return -1
    const p = fourBytePointer(b0, b1, b2, b3)
    if (p < BMP_FOUR_COUNT) return hasBmpFour && bmpFourTable()[p] ? 4 : -1
    return hasSupplementary && p >= SUPPLEMENTARY_BASE && p - SUPPLEMENTARY_BASE <= 0xfffff ? 4 : -1
  }

  const encode = (cp: number): number | undefined => {
    const code = encodeMap.get(cp)
    if (code !== undefined || encoding !== 'gb18030') return code
    if (cp >= 0x10000) return hasSupplementary ? fourByteCode(SUPPLEMENTARY_BASE + cp - 0x10000) : undefined
    if (!hasBmpFour) return undefined
    if (!bmpFourReverse) {
      bmpFourReverse = new Map()
      const table = bmpFourTable()
      for (let p = 0; p < table.length; p++) if (table[p] && !bmpFourReverse.has(table[p]!)) bmpFourReverse.set(table[p]!, p)
    }
    const p = bmpFourReverse.get(cp)
    return p === undefined ? undefined : fourByteCode(p)
  }

  return { lengthAt, fixAscii, encode }
}

/**
 * The BMP's four-byte codes, 81 30 81 30 on: one call when the decoder takes the whole range
 * in a row (as GB18030 defines it, unbroken up to U+FFFF), else code by code.
 */
function readBmpFour(fatal: Decoder): Uint32Array {
  const table = new Uint32Array(BMP_FOUR_COUNT)
  const all = new Uint8Array(BMP_FOUR_COUNT * 4)
  for (let p = 0; p < BMP_FOUR_COUNT; p++) all.set(codeBytes(fourByteCode(p)), p * 4)
  const run = fatalDecode(fatal, all)
  const cps = run === undefined ? [] : Array.from(run, (c) => c.codePointAt(0)!)
  if (cps.length === BMP_FOUR_COUNT) table.set(cps)
  else for (let p = 0; p < BMP_FOUR_COUNT; p++) table[p] = Math.max(0, singleCodePoint(fatalDecode(fatal, all.subarray(p * 4, p * 4 + 4))))
  return table
}

/** A packed code (see CodeTable.encode) as its 1, 2 or 4 bytes. */
function codeBytes(code: number): number[] {
  if (code < 0x100) return [code]
  if (code < 0x10000) return [code >> 8, code & 0xff]
  return [Math.floor(code / 0x1000000), (code >> 16) & 0xff, (code >> 8) & 0xff, code & 0xff]
}

// ---------------------------------------------------------------------------------------
// Encoding

const utf8 = new TextEncoder()

/** A high surrogate without its low half, or a low one alone: no encoding can send it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Text to bytes in `encoding`; a character the encoding cannot hold is reported with its
 * index in the string (in UTF-16 units, as the input line counts) and the character itself.
 */
export function encodeText(text: string, encoding: TextEncoding): { ok: true; bytes: Uint8Array } | { ok: false; index: number; char: string } {
  if (encoding === 'utf-8') {
    const bad = text.search(loneSurrogate)
    return bad < 0 ? { ok: true, bytes: utf8.encode(text) } : { ok: false, index: bad, char: text[bad]! }
  }
  const table = encoding === 'gbk' || encoding === 'gb18030' || encoding === 'shift_jis' ? tableFor(encoding) : undefined
  const out = new Uint8Array(text.length * 4) // the most any of these needs per UTF-16 unit
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!
    const width = cp > 0xffff ? 2 : 1
    const surrogate = cp >= 0xd800 && cp <= 0xdfff
    if (!surrogate && (encoding === 'utf-16le' || encoding === 'utf-16be')) {
      for (let k = 0; k < width; k++) {
        const u = text.charCodeAt(i + k)
        out[n++] = encoding === 'utf-16le' ? u & 0xff : u >> 8
        out[n++] = encoding === 'utf-16le' ? u >> 8 : u & 0xff
      }
      i += width - 1
      continue
    }
    const code = surrogate
      ? undefined
      : encoding === 'ascii'
        ? cp < 0x80
          ? cp
          : undefined
        : encoding === 'latin1'
          ? cp < 0x100
            ? cp
            : undefined
          : table?.encode(cp)
    if (code === undefined) return { ok: false, index: i, char: text.slice(i, i + width) }
    for (const b of codeBytes(code)) out[n++] = b
    i += width - 1
  }
  return { ok: true, bytes: out.slice(0, n) }
}
