// A record of a session file is JSON text; before JSON.parse sees it, its size and nesting
// are checked cheaply (one scan of the brackets outside strings), because parsing a 16 MiB
// `[[[[…` takes gigabytes and can overflow the stack. What is refused is skipped with a note.
import { MAX_RECORD_DEPTH, MAX_RECORD_JSON } from '../../shared/limits'

export type RecordRefusal = { why: 'size'; chars: number } | { why: 'depth' }

/** The deepest nesting of [ and { in `text`, outside strings, stopping as soon as it passes `max`. */
export function nestingPasses(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** Why a record's text is not parsed (too large, nested too deep), or undefined when it may be. */
export function refuseRecord(text: string): RecordRefusal | undefined {
  if (text.length > MAX_RECORD_JSON) return { why: 'size', chars: text.length }
  if (nestingPasses(text, MAX_RECORD_DEPTH)) return { why: 'depth' }
  return undefined
}
