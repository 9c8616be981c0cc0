// Variables in what the input line and auto-replies send, filled in at each send:
// {{seq}} {{time}} {{unixtime}} {{random:N}} {{file:/path}}. Only the literal text between
// them goes through the mode's own parser (text, hex or base64), so a variable's bytes are
// never re-read as hex or escapes. No Node, no DOM: files come in through the context.
import { MAX_MESSAGE_BYTES } from './limits'
import { concatBytes, type ParseResult } from './bytes'

export type VariableName = 'seq' | 'time' | 'unixtime' | 'random' | 'file'

export type TemplatePart = { kind: 'lit'; text: string; index: number } | { kind: 'var'; name: VariableName; arg?: string; index: number }

const NO_ARG = new Set(['seq', 'time', 'unixtime'])

/**
 * A template as literal text and variables, each with its index in `text`. An unknown name
 * or a bad argument is an error at its '{{'; a '{{' with no '}}' after it is literal text.
 * In a run of braces the variable opens at the last two, so JSON like {"n":{{seq}}} works
 * and so does {{{seq}}} (a literal '{', the variable, a literal '}').
 */
export function splitTemplate(text: string): { ok: true; parts: TemplatePart[] } | { ok: false; index: number; reason: 'badVariable' } {
  const parts: TemplatePart[] = []
  let litStart = 0
  const literalUpTo = (end: number): void => {
    if (end > litStart) parts.push({ kind: 'lit', text: text.slice(litStart, end), index: litStart })
  }
  let i = text.indexOf('{{')
  while (i >= 0) {
    while (text[i + 2] === '{') i++
    const close = text.indexOf('}}', i + 2)
    if (close < 0) break
    const inner = text.slice(i + 2, close).trim()
    const colon = inner.indexOf(':')
    const name = (colon < 0 ? inner : inner.slice(0, colon)).trim()
    const arg = colon < 0 ? undefined : inner.slice(colon + 1).trim()
    let part: TemplatePart | undefined
    if (NO_ARG.has(name) && arg === undefined) part = { kind: 'var', name: name as VariableName, index: i }
    else if (name === 'random' && arg !== undefined && /^\d{1,5}$/.test(arg) && Number(arg) >= 1 && Number(arg) <= 65536)
      part = { kind: 'var', name: 'random', arg, index: i }
    else if (name === 'file' && arg) part = { kind: 'var', name: 'file', arg, index: i }
    if (!part) return { ok: false, index: i, reason: 'badVariable' }
    literalUpTo(i)
    parts.push(part)
    litStart = close + 2
    i = text.indexOf('{{', litStart)
  }
  literalUpTo(text.length)
  return { ok: true, parts }
}

export interface VariableContext {
  /** This send's number, counted by whoever sends. */
  seq: number
  now: Date
  randomBytes(n: number): Uint8Array
  /** Absent where files cannot be read (the renderer, a test). */
  readFile?(path: string): Uint8Array
}

const ascii = new TextEncoder()
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local time, ISO-8601 with milliseconds and no zone: 2026-11-26T15:40:54.123. */
export function localIsoTime(d: Date): string {
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  )
}

/**
 * Expands a template: literal parts go through `literal` (the caller's text/hex/base64 parser
 * and encoding), variables become bytes: seq decimal ASCII, time local ISO-8601 with ms,
 * unixtime decimal seconds, random N random bytes, file the file's bytes. Every error index
 * is into the whole `text`. Reasons: badVariable, a literal parser's own reason,
 * fileUnavailable (no readFile here), fileUnreadable (readFile threw), tooLarge (the bytes so
 * far pass MAX_MESSAGE_BYTES; reported where the part that passed it starts).
 */

export function expandTemplate(
  text: string,
  literal: (s: string) => ParseResult,
  ctx: VariableContext
): { ok: true; bytes: Uint8Array } | { ok: false; index: number; reason: string } {
  const split = splitTemplate(text)
  if (!split.ok) return split
  const out: Uint8Array[] = []
  let total = 0
  for (const part of split.parts) {
    if (out.length > 0) {
      total += out[out.length - 1]!.byteLength
      if (total > MAX_MESSAGE_BYTES) return { ok: false, index: part.index, reason: 'tooLarge' }
    }
    if (part.kind === 'lit') {
      const r = literal(part.text)
      if (!r.ok) return { ok: false, index: part.index + r.index, reason: r.reason }
      out.push(r.bytes)
      continue
    }
    switch (part.name) {
      case 'seq':
        out.push(ascii.encode(String(ctx.seq)))
        break
      case 'time':
        out.push(ascii.encode(localIsoTime(ctx.now)))
        break
      case 'unixtime':
        out.push(ascii.encode(String(Math.floor(ctx.now.getTime() / 1000))))
        break
      case 'random':
        out.push(ctx.randomBytes(Number(part.arg)))
        break
      case 'file': {
        if (!ctx.readFile) return { ok: false, index: part.index, reason: 'fileUnavailable' }
        try {
          out.push(ctx.readFile(part.arg!))
        } catch {
          return { ok: false, index: part.index, reason: 'fileUnreadable' }
        }
        break
      }
    }
  }
  total += out.length > 0 ? out[out.length - 1]!.byteLength : 0
  if (total > MAX_MESSAGE_BYTES) return { ok: false, index: split.parts[split.parts.length - 1]!.index, reason: 'tooLarge' }
  return { ok: true, bytes: concatBytes(out) }
}
