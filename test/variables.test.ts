// Variables in the send box and in auto-replies: each one's bytes, the literal text around
// them read by the mode's own parser, and every mistake pointed at where it was typed.
import { describe, expect, it } from 'vitest'
import { parseHex } from '../src/shared/bytes'
import { literalParser } from '../src/shared/compose'
import { parseBase64 } from '../src/shared/copy-formats'
import { expandTemplate, localIsoTime, splitTemplate, type VariableContext } from '../src/shared/variables'

const now = new Date(2026, 10, 26, 15, 40, 54, 123) // local time
const ctx: VariableContext = {
  seq: 42,
  now,
  randomBytes: (n) => Uint8Array.from({ length: n }, (_, k) => (k * 7 + 1) & 0xff),
  readFile: (path) => {
    if (path === '/tmp/hello.bin') return Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
    throw new Error(`ENOENT: ${path}`)
  }
}
/** Text mode as the input line reads it: escapes, UTF-8. */
const escapedText = literalParser('text', 'utf-8')
const text = (s: string, c: VariableContext = ctx): string => {
  const r = expandTemplate(s, escapedText, c)
  if (!r.ok) throw new Error(`${r.reason} at ${r.index}`)
  return Buffer.from(r.bytes).toString('latin1')
}
const bytes = (s: string, literal = parseHex, c: VariableContext = ctx): number[] => {
  const r = expandTemplate(s, literal, c)
  if (!r.ok) throw new Error(`${r.reason} at ${r.index}`)
  return [...r.bytes]
}

describe('splitTemplate', () => {
  it('splits literal text and variables, each with its index', () => {
    expect(splitTemplate('id={{seq}} at {{time}}')).toEqual({
      ok: true,
      parts: [
        { kind: 'lit', text: 'id=', index: 0 },
        { kind: 'var', name: 'seq', index: 3 },
        { kind: 'lit', text: ' at ', index: 10 },
        { kind: 'var', name: 'time', index: 14 }
      ]
    })
    expect(splitTemplate('{{random:16}}{{file:/etc/hosts}}{{unixtime}}')).toEqual({
      ok: true,
      parts: [
        { kind: 'var', name: 'random', arg: '16', index: 0 },
        { kind: 'var', name: 'file', arg: '/etc/hosts', index: 13 },
        { kind: 'var', name: 'unixtime', index: 32 }
      ]
    })
    expect(splitTemplate('')).toEqual({ ok: true, parts: [] })
    expect(splitTemplate('plain')).toEqual({ ok: true, parts: [{ kind: 'lit', text: 'plain', index: 0 }] })
  })

  it('allows spaces inside the braces', () => {
    expect(splitTemplate('{{ seq }}{{ random : 4 }}')).toEqual({
      ok: true,
      parts: [
        { kind: 'var', name: 'seq', index: 0 },
        { kind: 'var', name: 'random', arg: '4', index: 9 }
      ]
    })
  })

  it('reads a lone {{ as literal text', () => {
    expect(splitTemplate('a {{ b')).toEqual({ ok: true, parts: [{ kind: 'lit', text: 'a {{ b', index: 0 }] })
    expect(splitTemplate('{{seq}} and {{')).toEqual({
      ok: true,
      parts: [
        { kind: 'var', name: 'seq', index: 0 },
        { kind: 'lit', text: ' and {{', index: 7 }
      ]
    })
    expect(splitTemplate('}} {')).toEqual({ ok: true, parts: [{ kind: 'lit', text: '}} {', index: 0 }] })
  })

  it('opens a variable at the last two of a run of braces, for JSON', () => {
    expect(splitTemplate('{"n":{{{seq}}}}')).toEqual({
      ok: true,
      parts: [
        { kind: 'lit', text: '{"n":{', index: 0 },
        { kind: 'var', name: 'seq', index: 6 },
        { kind: 'lit', text: '}}', index: 13 }
      ]
    })
  })

  it('reports an unknown name or a bad argument at its {{', () => {
    const bad = (s: string, index: number): void => expect(splitTemplate(s), s).toEqual({ ok: false, index, reason: 'badVariable' })
    bad('x {{sequence}}', 2)
    bad('{{}}', 0)
    bad('ab{{SEQ}}', 2)
    bad('{{seq:1}}', 0)
    bad('{{time:utc}}', 0)
    bad('{{random}}', 0)
    bad('{{random:}}', 0)
    bad('{{random:0}}', 0)
    bad('{{random:65537}}', 0)
    bad('{{random:-1}}', 0)
    bad('{{random:1.5}}', 0)
    bad('{{random:0x10}}', 0)
    bad('{{file}}', 0)
    bad('{{file:}}', 0)
    bad('{{file:  }}', 0)
    bad('{{seq}} ok {{nope}}', 11)
    // The index counts UTF-16 units of what was typed.
    bad('你好{{x}}', 2)
  })

  it('takes the bounds of random', () => {
    expect(splitTemplate('{{random:1}}').ok).toBe(true)
    expect(splitTemplate('{{random:65536}}').ok).toBe(true)
  })
})

describe('expandTemplate', () => {
  it('seq is the decimal send number', () => {
    expect(text('#{{seq}}\\r\\n')).toBe('#42\r\n')
    expect(text('{{seq}}', { ...ctx, seq: 0 })).toBe('0')
  })

  it('time is local ISO-8601 with milliseconds', () => {
    expect(text('{{time}}')).toBe('2026-11-26T15:40:54.123')
    expect(localIsoTime(new Date(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006')
  })

  it('unixtime is whole seconds', () => {
    expect(text('{{unixtime}}')).toBe(String(Math.floor(now.getTime() / 1000)))
    expect(text('{{unixtime}}', { ...ctx, now: new Date(1_700_000_000_999) })).toBe('1700000000')
  })

  it('random is N bytes from the context', () => {
    expect(bytes('ff {{random:4}} 00')).toEqual([0xff, 1, 8, 15, 22, 0x00])
    expect(bytes('{{random:65536}}').length).toBe(65536)
  })

  it("file is the file's bytes", () => {
    expect(bytes('01{{file:/tmp/hello.bin}}02')).toEqual([0x01, 0xde, 0xad, 0xbe, 0xef, 0x02])
  })

  it('reports a file it cannot read, at the variable', () => {
    const { readFile: _, ...noFiles } = ctx
    expect(expandTemplate('ab{{file:/tmp/hello.bin}}', parseHex, noFiles)).toEqual({ ok: false, index: 2, reason: 'fileUnavailable' })
    expect(expandTemplate('ab{{file:/nope}}', parseHex, ctx)).toEqual({ ok: false, index: 2, reason: 'fileUnreadable' })
  })

  it("reads literal parts with the caller's parser: text, hex, base64", () => {
    expect(text('a\\x00{{seq}}\\t')).toBe('a\x0042\t')
    expect(bytes('48 65 {{seq}} 6c', parseHex)).toEqual([0x48, 0x65, 0x34, 0x32, 0x6c])
    expect(bytes('SGk={{seq}}', parseBase64)).toEqual([0x48, 0x69, 0x34, 0x32])
    // A variable's bytes are never re-read: {{seq}} in hex mode sends ASCII '4' '2', not 0x42.
    expect(bytes('{{seq}}', parseHex)).toEqual([0x34, 0x32])
  })

  it('reports a literal part’s error at its index in the whole text', () => {
    expect(expandTemplate('{{seq}} 48 6', parseHex, ctx)).toEqual({ ok: false, index: 11, reason: 'oddHexDigits' })
    expect(expandTemplate('{{seq}}{{time}} zz', parseHex, ctx)).toEqual({ ok: false, index: 16, reason: 'badHexChar' })
    expect(expandTemplate('ok {{seq}} \\q', escapedText, ctx)).toEqual({ ok: false, index: 11, reason: 'badEscape' })
    expect(expandTemplate('SGk= {{seq}} S!', parseBase64, ctx)).toEqual({ ok: false, index: 14, reason: 'badBase64Char' })
    // A bad variable wins over later literal errors, and says so.
    expect(expandTemplate('zz {{bad}}', parseHex, ctx)).toEqual({ ok: false, index: 3, reason: 'badVariable' })
  })

  it('passes text without variables straight to the parser', () => {
    expect(text('')).toBe('')
    expect(text('plain \\r\\n')).toBe('plain \r\n')
  })
})
