// What the input line (or an auto-reply) sends: a template read as text with escapes in an
// encoding, as hex, or as base64, with {{variables}} expanded. The renderer runs it with a
// stand-in context to mark mistakes where they were typed; the engine runs it at each send.
import { concatBytes, parseHex, type ParseResult } from './bytes'
import { parseBase64 } from './copy-formats'
import { encodeText, type TextEncoding } from './encodings'
import { expandTemplate, type VariableContext } from './variables'

export type TemplateMode = 'text' | 'hex' | 'base64'

export type ComposeResult = { ok: true; bytes: Uint8Array } | { ok: false; index: number; reason: string; char?: string }

const simpleEscapes: Record<string, number> = { r: 13, n: 10, t: 9, '0': 0, '\\': 92, e: 27 }

/**
 * Text with escapes (\r \n \t \0 \\ \e \xNN \uNNNN) in an encoding: runs of characters are
 * encoded in `encoding`, \xNN is that byte whatever the encoding. A broken escape or a
 * character the encoding cannot hold reports its index.
 */
export function parseTextIn(input: string, encoding: TextEncoding): ParseResult | { ok: false; index: number; reason: 'unencodable'; char: string } {
  const parts: Uint8Array[] = []
  let run = ''
  let runStart = 0
  const flush = (): { ok: false; index: number; reason: 'unencodable'; char: string } | undefined => {
    if (!run) return undefined
    const r = encodeText(run, encoding)
    if (!r.ok) return { ok: false, index: runStart + r.index, reason: 'unencodable', char: r.char }
    parts.push(r.bytes)
    run = ''
    return undefined
  }
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!
    if (ch !== '\\') {
      if (!run) runStart = i
      run += ch
      continue
    }
    const next = input[i + 1]
    if (next !== undefined && next in simpleEscapes) {
      const bad = flush()
      if (bad) return bad
      parts.push(Uint8Array.of(simpleEscapes[next]!))
      i++
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(input.slice(i + 2, i + 4))) {
      const bad = flush()
      if (bad) return bad
      parts.push(Uint8Array.of(parseInt(input.slice(i + 2, i + 4), 16)))
      i += 3
    } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(input.slice(i + 2, i + 6))) {
      if (!run) runStart = i
      run += String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16))
      i += 5
    } else {
      return { ok: false, index: i, reason: 'badEscape' }
    }
  }
  const bad = flush()
  if (bad) return bad
  return { ok: true, bytes: concatBytes(parts) }
}

export function literalParser(mode: TemplateMode, encoding: TextEncoding): (s: string) => ParseResult {
  if (mode === 'hex') return parseHex
  if (mode === 'base64') return parseBase64
  return (s) => parseTextIn(s, encoding) as ParseResult
}

export function composeMessage(text: string, mode: TemplateMode, encoding: TextEncoding, ctx: VariableContext): ComposeResult {
  const r = expandTemplate(text, literalParser(mode, encoding), ctx)
  if (r.ok) return r
  const cp = text.codePointAt(r.index)
  return { ok: false, index: r.index, reason: r.reason, char: cp === undefined ? undefined : String.fromCodePoint(cp) }
}

/** A context for checking a template without sending it: variables yield placeholder bytes. */
export const checkingContext: VariableContext = {
  seq: 1,
  now: new Date(0),
  randomBytes: (n) => new Uint8Array(n),
  readFile: () => new Uint8Array(0)
}
