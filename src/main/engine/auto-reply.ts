// Auto-replies: rules checked in order against each message a pane receives; the first that
// matches answers (echo, or a template with $1..$9 from a regex and {{variables}}), after
// an optional delay, once or every time. A regex runs on RE2 (shared/user-regex.ts): linear
// in the message, and never on more of it than REGEX_WORK_PER_MESSAGE allows for its pattern.
import type { PaneConfig, Template } from '../../shared/contract'
import { parseTextIn } from '../../shared/compose'
import type { MessageRef } from '../../shared/i18n'
import { HEX_WILDCARD_WORK_PER_MESSAGE } from '../../shared/limits'
import { compileUserRegex, wantsCaptures, type CompiledRegex } from '../../shared/user-regex'

type Rule = PaneConfig['autoReplies'][number]

/** What a matching rule asks the pane to send: the message itself, or a template to expand. */
export type ReplyAction = { kind: 'echo' } | { kind: 'template'; template: Template }

const utf8 = new TextDecoder('utf-8')

/** A hex pattern with ?? wildcards: "02 ?? 03" → bytes and a mask. */
function hexPattern(p: string): { bytes: number[]; wild: boolean[] } | undefined {
  const tokens = p
    .replace(/0x/gi, '')
    .split(/[\s,:-]+/)
    .filter(Boolean)
    .flatMap((t) => t.match(/.{1,2}/g) ?? [])
  const bytes: number[] = []
  const wild: boolean[] = []
  for (const t of tokens) {
    if (t === '??') {
      bytes.push(0)
      wild.push(true)
    } else if (/^[0-9a-fA-F]{2}$/.test(t)) {
      bytes.push(parseInt(t, 16))
      wild.push(false)
    } else return undefined
  }
  return bytes.length ? { bytes, wild } : undefined
}

/**
 * Where `needle` first occurs in `hay` (-1: nowhere). Without wildcards it is Buffer's native
 * search (linear in practice, where a naive one takes message × needle steps: a 4 KiB text rule
 * against 1 MiB of a peer's 'a's took 20 s); with them, the naive one, which the caller bounds.
 */
function indexOf(hay: Uint8Array, needle: ArrayLike<number>, wild?: boolean[]): number {
  if (!wild?.includes(true)) return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Uint8Array.from(needle))
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (!wild[j] && hay[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/** A rule's regex compiled once: the pattern, or undefined when it cannot run (the settings said why). */
type Compiled = CompiledRegex | undefined

/** The outcome of one rule on one message: its captures, no match, or a message too long for its pattern. */
type Outcome = string[] | undefined | { tooLong: number }

/** The captures of a match ([] when the rule has none), undefined when it does not match. */
function matchRule(rule: Rule, message: Uint8Array, regex: Compiled): Outcome {
  const m = rule.match
  switch (m.kind) {
    case 'any':
      return []
    case 'exact':
    case 'contains':
    case 'startsWith': {
      const parsed = parseTextIn(m.text, m.encoding ?? 'utf-8')
      if (!parsed.ok) return undefined
      const want = parsed.bytes
      if (m.kind === 'exact') return want.length === message.length && indexOf(message, want) === 0 ? [] : undefined
      if (m.kind === 'startsWith') return want.length <= message.length && indexOf(message.subarray(0, want.length), want) === 0 ? [] : undefined
      return indexOf(message, want) >= 0 ? [] : undefined
    }
    case 'regex': {
      if (!regex) return undefined
      // Decoded, a message has at most as many characters (UTF-16 units) as it has bytes.
      if (message.byteLength > regex.maxBytes) return { tooLong: regex.maxBytes }
      const text = utf8.decode(message)
      if (!regex.re.test(text)) return undefined
      if (!wantsCaptures(rule.reply)) return []
      const found = regex.re.exec(text)
      return found ? found.slice(1).map((c: unknown) => (typeof c === 'string' ? c : '')) : undefined
    }
    case 'hex': {
      const p = hexPattern(m.pattern)
      if (!p) return undefined
      // A pattern with ?? is searched step by step: at most the work one regex match may do, in bytes × pattern bytes.
      const maxBytes = Math.floor(HEX_WILDCARD_WORK_PER_MESSAGE / p.bytes.length)
      if (p.wild.includes(true) && message.byteLength > maxBytes) return { tooLong: maxBytes }
      return indexOf(message, p.bytes, p.wild) >= 0 ? [] : undefined
    }
  }
}

/**
 * A regex capture comes from the peer: it goes into the reply as the text it is, never read
 * as a {{variable}} (a peer must not make the pane read {{file:..}}) or a \escape. In text
 * mode \ { } become \u escapes; hex and base64 have no escapes, so a brace there is kept
 * apart from its neighbour (it is no hex digit anyway, and the reply fails to build).
 */
function asLiteral(capture: string, reply: Rule['reply']): string {
  if (reply.kind === 'template' && reply.template.mode === 'text') return capture.replace(/[\\{}]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
  return capture.replace(/[{}]/g, '$& ')
}

export class AutoReplier {
  private readonly fired = new Set<number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Each regex rule's compiled pattern, made at its first message (a playback pane, which gets none, never compiles one). */
  private readonly regexes = new Map<number, Compiled>()
  /** Rules that skipped a message too long for their pattern and have said so (until they take one again). */
  private readonly told = new Set<number>()

  constructor(private readonly rules: readonly Rule[]) {}

  private regex(i: number, rule: Rule): Compiled {
    if (rule.match.kind !== 'regex') return undefined
    if (!this.regexes.has(i)) {
      const c = compileUserRegex(rule.match.pattern, rule.match.flags, wantsCaptures(rule.reply))
      this.regexes.set(i, c.ok ? c : undefined)
    }
    return this.regexes.get(i)
  }

  get active(): boolean {
    return this.rules.some((r) => r.enabled)
  }

  /**
   * Finds the first matching rule and calls `answer` (after its delay) with what to send. A
   * regex or hex-with-?? rule that skips a message too long for it calls `note` (once until it takes one again).
   */
  onMessage(message: Uint8Array, connId: number, answer: (action: ReplyAction) => void, note: (message: MessageRef) => void): void {
    for (const [i, rule] of this.rules.entries()) {
      if (!rule.enabled || (rule.once && this.fired.has(i))) continue
      const captures = matchRule(rule, message, this.regex(i, rule))
      if (captures && !Array.isArray(captures)) {
        if (!this.told.has(i)) note({ key: 'log.ruleTooLong', params: { n: i + 1, bytes: message.byteLength, id: connId, max: captures.tooLong } })
        this.told.add(i)
        continue
      }
      this.told.delete(i)
      if (!captures) continue
      if (rule.once) this.fired.add(i)
      const action: ReplyAction =
        rule.reply.kind === 'echo'
          ? { kind: 'echo' }
          : {
              kind: 'template',
              template: {
                ...rule.reply.template,
                text: rule.reply.template.text.replace(/\$([1-9])/g, (_, n: string) => asLiteral(captures[Number(n) - 1] ?? '', rule.reply))
              }
            }
      if (rule.delayMs > 0) {
        const t = setTimeout(() => {
          this.timers.delete(t)
          answer(action)
        }, rule.delayMs)
        this.timers.add(t)
      } else answer(action)
      return
    }
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
