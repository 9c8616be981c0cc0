// Byte helpers as a person meets them: typing escaped text or pasted hex into the send
// box, and reading received bytes as a hexdump or as text with the invisible made visible.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hexdumpLines, parseHex, visibleText, type ParseResult } from '../src/shared/bytes'
import { parseTextIn } from '../src/shared/compose'
import { textEncodings } from '../src/shared/encodings'
import { languages, translate } from '../src/shared/i18n'

const ok = (r: ReturnType<typeof parseHex>): number[] => {
  if (!r.ok) throw new Error(`parse failed at ${r.index}: ${r.reason}`)
  return [...r.bytes]
}

describe('parseTextIn (the input line and auto-replies, text mode)', () => {
  const u8 = (s: string): number[] => ok(parseTextIn(s, 'utf-8') as ParseResult)

  it('turns each simple escape into its byte: \\r \\n \\t \\0 \\e \\\\', () => {
    expect(u8('GET / HTTP/1.0\\r\\n\\r\\n')).toEqual([...Buffer.from('GET / HTTP/1.0\r\n\r\n')])
    expect(u8('\\r')).toEqual([13])
    expect(u8('\\n')).toEqual([10])
    expect(u8('\\t')).toEqual([9])
    expect(u8('\\0')).toEqual([0])
    expect(u8('\\e')).toEqual([27])
    expect(u8('\\\\')).toEqual([0x5c])
    expect(u8('a\\tb\\0c\\\\d\\e[0m')).toEqual([0x61, 9, 0x62, 0, 0x63, 0x5c, 0x64, 27, 0x5b, 0x30, 0x6d])
    // An escaped backslash does not start another escape.
    expect(u8('\\\\n')).toEqual([0x5c, 0x6e])
  })

  it('takes \\xNN as that one byte, any value, in any encoding', () => {
    expect(u8('\\x00\\x7f\\x80\\xFF\\xab')).toEqual([0x00, 0x7f, 0x80, 0xff, 0xab])
    for (const e of textEncodings) expect(ok(parseTextIn('\\xff\\x00', e) as ParseResult), e).toEqual([0xff, 0x00])
  })

  it('takes \\uNNNN as that character in the send encoding, surrogate pairs joined', () => {
    expect(u8('\\u00e9')).toEqual([0xc3, 0xa9])
    expect(u8('\\u4e2d\\u6587')).toEqual([...Buffer.from('中文')])
    expect(u8('\\ud83d\\ude00')).toEqual([0xf0, 0x9f, 0x98, 0x80])
    expect(u8('a\\ud83d\\ude00b')).toEqual([0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62])
    // In GBK, \u4e2d is the GBK bytes of 中, and typed text joins it in the same run.
    expect(ok(parseTextIn('\\u4e2d文', 'gbk') as ParseResult)).toEqual([0xd6, 0xd0, 0xce, 0xc4])
    expect(ok(parseTextIn('\\u00e9', 'latin1') as ParseResult)).toEqual([0xe9])
    expect(ok(parseTextIn('\\u4e2d', 'utf-16be') as ParseResult)).toEqual([0x4e, 0x2d])
  })

  it('encodes everything else in the send encoding, CJK and emoji included', () => {
    expect(u8('你好, world')).toEqual([...Buffer.from('你好, world', 'utf8')])
    expect(u8('ok 👍')).toEqual([...Buffer.from('ok 👍', 'utf8')])
    expect(u8('')).toEqual([])
    expect(ok(parseTextIn('你好\\r\\n', 'gbk') as ParseResult)).toEqual([0xc4, 0xe3, 0xba, 0xc3, 13, 10])
  })

  it('reports a bad escape at the column where it starts', () => {
    expect(parseTextIn('abc\\q', 'utf-8')).toEqual({ ok: false, index: 3, reason: 'badEscape' })
    expect(parseTextIn('\\x4', 'utf-8')).toEqual({ ok: false, index: 0, reason: 'badEscape' })
    expect(parseTextIn('ab\\xZZ', 'utf-8')).toEqual({ ok: false, index: 2, reason: 'badEscape' })
    expect(parseTextIn('\\n\\u12', 'utf-8')).toEqual({ ok: false, index: 2, reason: 'badEscape' })
    expect(parseTextIn('trailing\\', 'utf-8')).toEqual({ ok: false, index: 8, reason: 'badEscape' })
    // The index counts UTF-16 units of what was typed, so a CJK prefix counts one each.
    expect(parseTextIn('中文\\?', 'gbk')).toEqual({ ok: false, index: 2, reason: 'badEscape' })
  })

  it('the bad-escape message names every escape the parser takes, in each language', () => {
    const escapes = ['\\r', '\\n', '\\t', '\\0', '\\e', '\\\\', '\\xNN', '\\uNNNN']
    for (const e of escapes) expect(parseTextIn(e.replace('NNNN', '0041').replace('NN', '41'), 'utf-8').ok, e).toBe(true)
    for (const lang of languages) {
      const named = translate(lang, 'parse.badEscape').split(/[\s，：、]+/)
      expect(
        escapes.filter((e) => !named.includes(e)),
        lang
      ).toEqual([])
    }
  })

  it('reports a character the encoding cannot hold at its column, typed or escaped', () => {
    expect(parseTextIn('ab中', 'latin1')).toMatchObject({ ok: false, index: 2, reason: 'unencodable', char: '中' })
    expect(parseTextIn('x\\r\\u4e2d', 'ascii')).toMatchObject({ ok: false, index: 3, reason: 'unencodable' })
    // A lone surrogate is no character at all.
    expect(parseTextIn('ok\\ud83d!', 'utf-8')).toMatchObject({ ok: false, index: 2, reason: 'unencodable' })
  })
})

describe('parseHex', () => {
  const hello = [0x48, 0x65, 0x6c, 0x6c, 0x6f]

  it('accepts hex as people paste it', () => {
    expect(ok(parseHex('48 65 6c 6c 6f'))).toEqual(hello)
    expect(ok(parseHex('48656C6C6F'))).toEqual(hello)
    expect(ok(parseHex('0x48,0x65,0x6c,0x6c,0x6f'))).toEqual(hello)
    expect(ok(parseHex('0x48, 0x65, 0X6C, 0x6c, 0x6f'))).toEqual(hello)
    expect(ok(parseHex('48:65:6c:6c:6f'))).toEqual(hello)
    expect(ok(parseHex('48-65-6c-6c-6f'))).toEqual(hello)
    expect(ok(parseHex('  48\t65\n6c 6c  6f  '))).toEqual(hello)
    expect(ok(parseHex('00 ff'))).toEqual([0, 255])
    expect(ok(parseHex(''))).toEqual([])
  })

  it('reports the index of a character that is not hex', () => {
    expect(parseHex('48 6g')).toEqual({ ok: false, index: 4, reason: 'badHexChar' })
    expect(parseHex('zz')).toEqual({ ok: false, index: 0, reason: 'badHexChar' })
    expect(parseHex('48 65 中')).toEqual({ ok: false, index: 6, reason: 'badHexChar' })
  })

  it('reports the index of a lone digit', () => {
    expect(parseHex('48 6 6c')).toEqual({ ok: false, index: 3, reason: 'oddHexDigits' })
    expect(parseHex('486')).toEqual({ ok: false, index: 2, reason: 'oddHexDigits' })
    expect(parseHex('0x4,0x65')).toEqual({ ok: false, index: 2, reason: 'oddHexDigits' })
  })
})

describe('hexdumpLines', () => {
  // 20 bytes: printable text, a newline, NUL, DEL, high bytes, ESC.
  const input = Uint8Array.from(Buffer.from('Hello, world!\n\x00\x01\x7f\x80\xff\x1b', 'latin1'))

  it('has 20 bytes to dump', () => {
    expect(input.byteLength).toBe(20)
  })

  it('matches `hexdump -C` line for line', () => {
    const literal = [
      '00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|',
      '00000010  7f 80 ff 1b                                       |....|'
    ]
    expect(hexdumpLines(input)).toEqual(literal)
    if (existsSync('/usr/bin/hexdump')) {
      const real = execFileSync('/usr/bin/hexdump', ['-C'], { input }).toString('latin1').split('\n')
      // hexdump ends with the total length on its own line; we print only the rows.
      expect(real.slice(-2)).toEqual(['00000014', ''])
      expect(hexdumpLines(input)).toEqual(real.slice(0, -2))
    }
  })

  it('continues the offset column from a start offset', () => {
    expect(hexdumpLines(Uint8Array.of(0x41), 0x100)).toEqual(['00000100  41                                                |A|'])
    expect(hexdumpLines(new Uint8Array(0))).toEqual([])
  })
})

describe('visibleText', () => {
  const vt = (...b: number[]): string => visibleText(Uint8Array.from(b))

  it('shows control characters as pictures, and a line feed also breaks the line', () => {
    expect(visibleText(Buffer.from('a\r\nb\tc\0d\x1be\x7f'))).toBe('a␍␊\nb␉c␀d␛e␡')
  })

  it('shows other control bytes as \\xNN', () => {
    expect(vt(0x01, 0x41, 0x07, 0x1f)).toBe('\\x01A\\x07\\x1f')
  })

  it('decodes valid UTF-8, CJK included', () => {
    expect(visibleText(Buffer.from('你好 wörld 👍'))).toBe('你好 wörld 👍')
  })

  it('shows invalid UTF-8 as \\xNN and never drops a byte', () => {
    expect(vt(0xff)).toBe('\\xff')
    expect(vt(0x41, 0x80, 0x42)).toBe('A\\x80B')
    // Overlong encodings and surrogates are invalid.
    expect(vt(0xc0, 0x80)).toBe('\\xc0\\x80')
    expect(vt(0xed, 0xa0, 0x80)).toBe('\\xed\\xa0\\x80')
    // A sequence cut short at the end of the chunk, and one broken in the middle.
    expect(vt(0x41, 0xe4, 0xb8)).toBe('A\\xe4\\xb8')
    expect(vt(0xe4, 0x41, 0x42)).toBe('\\xe4AB')
    // Every invalid byte is accounted for.
    const noise = Uint8Array.from([0xf8, 0xfe, 0xc1, 0xf5, 0x90, 0xa0])
    expect(visibleText(noise)).toBe('\\xf8\\xfe\\xc1\\xf5\\x90\\xa0')
  })

  it('names invisible characters instead of hiding them: BOM, C1 controls, zero-width, bidi', () => {
    expect(vt(0x41, 0xef, 0xbb, 0xbf, 0x42)).toBe('A\\ufeffB')
    expect(vt(0xc2, 0x85)).toBe('\\u0085')
    expect(vt(0xe2, 0x80, 0x8b)).toBe('\\u200b')
    expect(vt(0xe2, 0x80, 0xae)).toBe('\\u202e')
    expect(vt(0xe4, 0xbd, 0xa0)).toBe('你')
  })
})
