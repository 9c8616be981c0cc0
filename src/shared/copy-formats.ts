// Bytes copied out of a pane, in the form the next tool wants them: text for a chat or an
// editor, hex for a packet tool, a C array, a Python bytes literal, base64 for a config
// file. Each form reads back to exactly the same bytes (text: as far as text can). No Node, no DOM.
import { toHex, visibleChar, type ParseResult } from './bytes'
import { decodeWith, type TextEncoding } from './encodings'

export const copyFormats = ['text', 'hex', 'c', 'python', 'base64'] as const
export type CopyFormat = (typeof copyFormats)[number]

const hex2 = (b: number): string => (b < 16 ? '0' : '') + b.toString(16)

/**
 * text: decoded in `encoding` (default utf-8); tab, CR and LF stay as they are, other C0
 * controls, DEL and bytes that start no valid character become \xNN, C1 and invisible
 * format characters \uNNNN (Latin-1's C1 bytes \xNN).
 * hex: "48 65 6c".
 * c: a brace initializer, `{ 0x48, 0x65, 0x6c }`, for the person to put after their own
 * declaration; more than 12 bytes go 12 to a line, indented four spaces, braces on their own lines.
 * python: a bytes literal, b'He\x00l\'\\', that Python evaluates back to the same bytes.
 * base64: the standard alphabet, padded, on one line.
 */
export function formatBytesAs(bytes: Uint8Array, format: CopyFormat, encoding: TextEncoding = 'utf-8'): string {
  switch (format) {
    case 'text':
      return decodeWith(
        bytes,
        encoding,
        (cp) =>
          cp === 0x09 || cp === 0x0a || cp === 0x0d
            ? undefined
            : cp < 0x20 || cp === 0x7f || (encoding === 'latin1' && cp >= 0x80 && cp <= 0x9f)
              ? `\\x${hex2(cp)}`
              : visibleChar(cp),
        (b) => `\\x${hex2(b)}`
      )
    case 'hex':
      return toHex(bytes)
    case 'c':
      return cArray(bytes)
    case 'python':
      return pythonBytes(bytes)
    case 'base64':
      return toBase64(bytes)
  }
}

function cArray(bytes: Uint8Array): string {
  const items = Array.from(bytes, (b) => `0x${hex2(b)}`)
  if (items.length === 0) return '{ }'
  if (items.length <= 12) return `{ ${items.join(', ')} }`
  const lines: string[] = []
  for (let i = 0; i < items.length; i += 12) lines.push('    ' + items.slice(i, i + 12).join(', '))
  return `{\n${lines.join(',\n')}\n}`
}

/** Printable ASCII as itself except ' and \, the usual short escapes, \xNN for the rest. */
function pythonBytes(bytes: Uint8Array): string {
  const short: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x27: "\\'", 0x5c: '\\\\' }
  let s = "b'"
  for (const b of bytes) s += short[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${hex2(b)}`)
  return s + "'"
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function toBase64(bytes: Uint8Array): string {
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out.push(
      BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + (i + 1 < bytes.length ? BASE64[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? BASE64[n & 63]! : '=')
    )
  }
  return out.join('')
}

/** Both alphabets: '+' '/' and the URL-safe '-' '_'. */
const BASE64_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i
BASE64_VALUE['-'.charCodeAt(0)] = 62
BASE64_VALUE['_'.charCodeAt(0)] = 63

/**
 * Base64 as people paste it: whitespace and line breaks anywhere, standard or URL-safe
 * alphabet, padding optional. A character outside the alphabet, '=' anywhere but at the end
 * (or more of it than the last group needs), or a last group of a single character (which
 * cannot hold a whole byte) reports its index.
 */
export function parseBase64(input: string): ParseResult {
  const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3)
  let n = 0
  let acc = 0
  let count = 0 // characters in the current group of four
  let lastAt = 0 // index of the current group's last character
  let padding = 0
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) continue
    if (c === 0x3d /* = */) {
      // Padding only finishes a group of two or three characters, up to four in all.
      if (count < 2 || count + padding >= 4) return { ok: false, index: i, reason: 'badBase64Char' }
      padding++
      continue
    }
    const v = c < 128 ? BASE64_VALUE[c]! : -1
    if (v < 0 || padding > 0) return { ok: false, index: i, reason: 'badBase64Char' }
    acc = (acc << 6) | v
    lastAt = i
    if (++count === 4) {
      out[n++] = (acc >> 16) & 0xff
      out[n++] = (acc >> 8) & 0xff
      out[n++] = acc & 0xff
      acc = 0
      count = 0
    }
  }
  if (count === 1) return { ok: false, index: lastAt, reason: 'badBase64Char' }
  if (count === 2) out[n++] = (acc >> 4) & 0xff
  if (count === 3) {
    out[n++] = (acc >> 10) & 0xff
    out[n++] = (acc >> 2) & 0xff
  }
  return { ok: true, bytes: out.slice(0, n) }
}
