// A user's regex (an auto-reply rule's pattern) runs on RE2 (re2js): linear time in the
// message, so a peer's bytes cannot make it backtrack for seconds the way `^(a+)+$` does in
// JavaScript's RegExp. The JS syntax people type is translated (named groups, \u escapes,
// \cX, [^]); what needs backtracking (backreferences, lookahead) is refused with a reason
// in words of the catalog, shown where the pattern was typed. Lookbehind without captures
// is kept (RE2JS runs it in linear time). Pure: used by the engine and the settings form.
import { RE2JS } from 're2js'
import type { AutoReply } from './contract'
import type { MessageRef } from './i18n'
import { REGEX_MAX_INSTRUCTIONS, REGEX_WORK_PER_MESSAGE } from './limits'

/** Why a pattern is refused: a catalog key (with the rule's number as {n}) and RE2's own words for a syntax error. */
export interface RegexRefusal {
  key: 'rules.regexBackref' | 'rules.regexLookahead' | 'rules.regexInvalid' | 'rules.regexTooBig'
  detail?: string
  max?: number
}

export interface CompiledRegex {
  re: RE2JS
  /** The longest message (in bytes, so at most as many characters) this pattern looks at within the work budget. */
  maxBytes: number
}

export type UserRegex = ({ ok: true } & CompiledRegex) | { ok: false; why: RegexRefusal }

const flagBits: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL }

/** A piece of a pattern: an escape (a backslash and its next character), a whole character class, a counted repeat ({n}, {n,}, {n,m}) or any other character. */
type Token = { kind: 'escape' | 'class' | 'char'; at: number } | { kind: 'repeat'; at: number; count: number }

const countedRepeat = /\{(\d+)(?:,(\d*))?\}/y

function* tokens(pattern: string): Generator<Token> {
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]
    if (c === '\\') {
      yield { kind: 'escape', at: i }
      i += 2
    } else if (c === '[') {
      // "[]" and "[^]" close at once in JS; a "]" right after the opening is the class's end.
      let j = i + 1
      if (pattern[j] === '^') j++
      if (pattern[j] !== ']') while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1
      yield { kind: 'class', at: i }
      i = j + 1
    } else {
      countedRepeat.lastIndex = i
      const repeat = c === '{' ? countedRepeat.exec(pattern) : null
      if (repeat) {
        yield { kind: 'repeat', at: i, count: Math.max(Number(repeat[1]), Number(repeat[2] || 0)) }
        i += repeat[0].length
      } else {
        yield { kind: 'char', at: i }
        i++
      }
    }
  }
}

/** JS syntax that needs backtracking, found outside character classes. */
function needsBacktracking(pattern: string): RegexRefusal | undefined {
  for (const t of tokens(pattern)) {
    const next = pattern[t.at + 1] ?? ''
    if (t.kind === 'escape' && (/[1-9]/.test(next) || (next === 'k' && pattern[t.at + 2] === '<'))) return { key: 'rules.regexBackref' }
    if (t.kind === 'char' && pattern[t.at] === '(' && next === '?' && (pattern[t.at + 2] === '=' || pattern[t.at + 2] === '!'))
      return { key: 'rules.regexLookahead' }
  }
  return undefined
}

/**
 * A bound the program's size is sure to reach, from the counted repeats alone: a repeat of n
 * makes n copies of what it repeats, so repeats nested in groups multiply (((a{100}){100}){100}
 * is a million) and side by side they add. Stops counting once past `max`.
 */
function repeatBound(pattern: string, max: number): number {
  // One frame per open group: what its repeats add up to, and what its last piece weighs.
  const frames = [{ total: 0, last: 0 }]
  for (const t of tokens(pattern)) {
    const f = frames.at(-1)!
    if (t.kind === 'repeat') {
      const weight = t.count * Math.max(f.last, 1)
      f.total += weight - f.last
      f.last = weight
    } else if (t.kind === 'char' && pattern[t.at] === '(') frames.push({ total: 0, last: 0 })
    else if (t.kind === 'char' && pattern[t.at] === ')' && frames.length > 1) {
      const group = frames.pop()!
      const parent = frames.at(-1)!
      parent.total += group.total
      parent.last = group.total
    } else if (!(t.kind === 'char' && '*+?'.includes(pattern[t.at]!))) f.last = 0
    if (f.total > max) return f.total
  }
  return frames.reduce((sum, f) => sum + f.total, 0)
}

/**
 * The work of one match, in RE2 program instructions run: a boolean test runs each
 * instruction at most once per character; finding the captures as well is a second pass
 * whose threads each carry every group's position (a cost per character, and one to set up).
 */
function work(re: RE2JS, captures: boolean): { perChar: number; setUp: number } {
  const insts = Math.max(1, re.programSize())
  return captures ? { perChar: insts * (2 + re.groupCount() / 16), setUp: insts * re.groupCount() } : { perChar: insts, setUp: 0 }
}

const tooBig = (): RegexRefusal => ({ key: 'rules.regexTooBig', max: REGEX_MAX_INSTRUCTIONS })

/**
 * Compiles a rule's pattern with its flags (i, m, s; u is how RE2 reads text anyway), or says
 * why it cannot run. `captures`: whether matches will be asked for their groups ($1..$9).
 */
export function compileUserRegex(pattern: string, flags = '', captures = false): UserRegex {
  // Configure checks every rule and the replier compiles it at its first message: one compile
  // serves both (a compiled RE2 program is immutable; each match makes its own matcher).
  const key = `${captures ? 1 : 0}/${flags}/${pattern}`
  let compiled = recent.get(key)
  if (!compiled) {
    compiled = compileNow(pattern, flags, captures)
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!)
    recent.set(key, compiled)
  }
  return compiled
}

/** The last compiles, oldest first (a pane has at most a few dozen rules). */
const recent = new Map<string, UserRegex>()
const RECENT_MAX = 256

function compileNow(pattern: string, flags: string, captures: boolean): UserRegex {
  const refusal = needsBacktracking(pattern)
  if (refusal) return { ok: false, why: refusal }
  // Compiling takes time in the program's size too: a pattern sure to be too big is not compiled.
  if (repeatBound(pattern, REGEX_MAX_INSTRUCTIONS) > REGEX_MAX_INSTRUCTIONS) return { ok: false, why: tooBig() }
  let bits = RE2JS.LOOKBEHINDS
  for (const f of flags) bits |= flagBits[f] ?? 0
  let re: RE2JS
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits)
  } catch (err) {
    return { ok: false, why: { key: 'rules.regexInvalid', detail: err instanceof Error ? err.message : String(err) } }
  }
  const w = work(re, captures)
  const maxBytes = Math.floor((REGEX_WORK_PER_MESSAGE - w.setUp) / w.perChar)
  if (re.programSize() > REGEX_MAX_INSTRUCTIONS || maxBytes < 1) return { ok: false, why: tooBig() }
  return { ok: true, re, maxBytes }
}

/** Whether a rule's reply takes captures ($1..$9): only then does a match need them. */
export const wantsCaptures = (reply: { kind: string; template?: { text: string } }): boolean =>
  reply.kind === 'template' && /\$[1-9]/.test(reply.template?.text ?? '')

/** The refusal as a message for rule `n` (1-based). */
export function refusalRef(n: number, why: RegexRefusal): MessageRef {
  return { key: why.key, params: { n, ...(why.detail === undefined ? {} : { detail: why.detail }), ...(why.max === undefined ? {} : { max: why.max }) } }
}

/** The first regex rule that cannot run, as a message, or undefined. */
export function firstRegexRefusal(rules: readonly Pick<AutoReply, 'match' | 'reply'>[]): MessageRef | undefined {
  for (const [i, r] of rules.entries()) {
    if (r.match.kind !== 'regex') continue
    const c = compileUserRegex(r.match.pattern, r.match.flags ?? '', wantsCaptures(r.reply))
    if (!c.ok) return refusalRef(i + 1, c.why)
  }
  return undefined
}
