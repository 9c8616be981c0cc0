import type { MessageKey, Params } from '../../../shared/i18n'
import { lineEndingBytes, parseEscapedText, parseHex, concatBytes, type LineEnding } from '../../../shared/bytes'

export interface FieldError {
  key: MessageKey
  params: Params
}

export function parsePort(text: string, min: 0 | 1): { port: number } | { error: FieldError } {
  const t = text.trim()
  const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN
  if (!Number.isInteger(n) || n < min || n > 65535) return { error: { key: 'input.badPort', params: { min } } }
  return { port: n }
}

export function checkHost(text: string): FieldError | undefined {
  return text.trim() === '' || /\s/.test(text.trim()) ? { key: 'input.badHost', params: {} } : undefined
}

export type InputMode = 'text' | 'hex'

/** What the input line will send, or where it is wrong (index into the typed text). */
export function composeBytes(text: string, mode: InputMode, ending: LineEnding): { bytes: Uint8Array } | { error: FieldError; index: number } {
  const r = mode === 'hex' ? parseHex(text) : parseEscapedText(text)
  if (!r.ok) {
    return { error: { key: `parse.${r.reason}`, params: { pos: r.index + 1, char: text[r.index] ?? '' } }, index: r.index }
  }
  return { bytes: mode === 'text' ? concatBytes([r.bytes, lineEndingBytes[ending]]) : r.bytes }
}
