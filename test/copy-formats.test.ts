// Copying bytes out of a pane: each format must read back, in the tool it is for, as the
// same bytes — Python's own parser included.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { copyFormats, formatBytesAs, parseBase64 } from '../src/shared/copy-formats'

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs)
const all256 = Uint8Array.from({ length: 256 }, (_, k) => k)
const python = '/usr/bin/python3'

describe('formatBytesAs', () => {
  it('has the five formats', () => {
    expect(copyFormats).toEqual(['text', 'hex', 'c', 'python', 'base64'])
  })

  it('text: decoded, real tab/CR/LF kept, other controls and bad bytes as \\xNN', () => {
    expect(formatBytesAs(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'text')).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(formatBytesAs(b(0x61, 0x09, 0x00, 0x1b, 0x7f, 0x62), 'text')).toBe('a\t\\x00\\x1b\\x7fb')
    expect(formatBytesAs(b(0xe4, 0xbd, 0xa0, 0xff, 0x41), 'text')).toBe('你\\xffA')
    expect(formatBytesAs(b(0xc4, 0xe3, 0xba, 0xc3, 0xc4), 'text', 'gbk')).toBe('你好\\xc4')
    expect(formatBytesAs(b(0x82, 0xb1, 0x0a), 'text', 'shift_jis')).toBe('こ\n')
    // C1 and invisible format characters are named as the pane shows them.
    expect(formatBytesAs(b(0xef, 0xbb, 0xbf, 0x41, 0xc2, 0x85), 'text')).toBe('\\ufeffA\\u0085')
    expect(formatBytesAs(b(0x63, 0x61, 0x66, 0xe9, 0x85), 'text', 'latin1')).toBe('café\\x85')
    expect(formatBytesAs(b(0x41, 0x00, 0x42), 'text', 'utf-16le')).toBe('A\\x42')
    expect(formatBytesAs(b(), 'text')).toBe('')
  })

  it('hex: two digits a byte, space-separated', () => {
    expect(formatBytesAs(Buffer.from('Hel'), 'hex')).toBe('48 65 6c')
    expect(formatBytesAs(b(0, 255), 'hex')).toBe('00 ff')
    expect(formatBytesAs(b(), 'hex')).toBe('')
  })

  it('c: a brace initializer, 12 bytes a line when longer', () => {
    expect(formatBytesAs(Buffer.from('Hel'), 'c')).toBe('{ 0x48, 0x65, 0x6c }')
    expect(formatBytesAs(b(), 'c')).toBe('{ }')
    expect(formatBytesAs(all256.subarray(0, 12), 'c')).toBe(`{ ${Array.from({ length: 12 }, (_, k) => `0x${k.toString(16).padStart(2, '0')}`).join(', ')} }`)
    const long = formatBytesAs(all256.subarray(0, 25), 'c')
    expect(long.split('\n')).toEqual([
      '{',
      '    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,',
      '    0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,',
      '    0x18',
      '}'
    ])
  })

  it('c: compiles back to the same bytes where a C compiler is at hand', () => {
    const cc = ['/usr/bin/cc', '/usr/bin/gcc', '/usr/bin/clang'].find((p) => existsSync(p))
    if (!cc) return
    const dir = mkdtempSync(join(tmpdir(), 'np-c-'))
    const src = `#include <stdio.h>\nstatic const unsigned char data[] = ${formatBytesAs(all256, 'c')};\nint main(void) { for (unsigned i = 0; i < sizeof data; i++) printf("%02x", data[i]); return 0; }\n`
    try {
      execFileSync(cc, ['-x', 'c', '-o', join(dir, 'a.out'), '-'], { input: src })
      expect(execFileSync(join(dir, 'a.out')).toString()).toBe(Buffer.from(all256).toString('hex'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('python: a bytes literal with quotes, backslashes and controls escaped', () => {
    expect(formatBytesAs(Buffer.from("He\0l'\\"), 'python')).toBe("b'He\\x00l\\'\\\\'")
    expect(formatBytesAs(Buffer.from('a\tb\r\nc"'), 'python')).toBe("b'a\\tb\\r\\nc\"'")
    expect(formatBytesAs(b(0x7f, 0x80, 0xff), 'python')).toBe("b'\\x7f\\x80\\xff'")
    expect(formatBytesAs(b(), 'python')).toBe("b''")
  })

  it.skipIf(!existsSync(python))('python: evaluates back to the same bytes in the real python3', () => {
    const cases = [
      Buffer.from('it\'s a "quote"'),
      Buffer.from('back\\slash\\\\ and \\x41 typed out'),
      Buffer.from('\t\r\n\x0b\x0c\0'),
      Buffer.from("'''\"\"\"'"),
      Buffer.from('\\'),
      Buffer.from('你好 ok', 'utf8'),
      all256,
      Uint8Array.from(all256).reverse()
    ]
    const program = `import sys\nfor line in sys.stdin.read().split('\\n'):\n    print(eval(line).hex())`
    const input = cases.map((c) => formatBytesAs(c, 'python')).join('\n')
    const out = execFileSync(python, ['-c', program], { input }).toString().trim().split('\n')
    expect(out).toEqual(cases.map((c) => Buffer.from(c).toString('hex')))
  })

  it('base64: standard alphabet with padding', () => {
    // RFC 4648's test vectors.
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy']
    ]
    for (const [plain, encoded] of vectors) expect(formatBytesAs(Buffer.from(plain), 'base64')).toBe(encoded)
    expect(formatBytesAs(all256, 'base64')).toBe(Buffer.from(all256).toString('base64'))
    expect(formatBytesAs(b(0xfb, 0xff), 'base64')).toBe('+/8=')
  })
})

describe('parseBase64', () => {
  const ok = (s: string): number[] => {
    const r = parseBase64(s)
    if (!r.ok) throw new Error(`failed at ${r.index}`)
    return [...r.bytes]
  }

  it('reads back what formatBytesAs writes, at every length', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = all256.subarray(200, 200 + n)
      expect(ok(formatBytesAs(bytes, 'base64'))).toEqual([...bytes])
    }
    expect(ok(Buffer.from(all256).toString('base64'))).toEqual([...all256])
  })

  it('ignores whitespace, takes the URL-safe alphabet and missing padding', () => {
    expect(ok('Zm9v\nYmFy')).toEqual([...Buffer.from('foobar')])
    expect(ok('  Zm 9v\r\n Yg == \t')).toEqual([...Buffer.from('foob')])
    expect(ok('-_8')).toEqual([0xfb, 0xff])
    expect(ok('+/8=')).toEqual([0xfb, 0xff])
    expect(ok('Zm9vYg')).toEqual([...Buffer.from('foob')])
    expect(ok('Zm9vYmE')).toEqual([...Buffer.from('fooba')])
    expect(ok('')).toEqual([])
  })

  it('reports the index of a bad character', () => {
    expect(parseBase64('Zm9v!mFy')).toEqual({ ok: false, index: 4, reason: 'badBase64Char' })
    expect(parseBase64('Zm9v YmF.')).toEqual({ ok: false, index: 8, reason: 'badBase64Char' })
    expect(parseBase64('Zm9vé')).toEqual({ ok: false, index: 4, reason: 'badBase64Char' })
    // '=' only ends a group of two or three, and only as much as it needs.
    expect(parseBase64('Zm=9v')).toEqual({ ok: false, index: 3, reason: 'badBase64Char' })
    expect(parseBase64('=Zm9')).toEqual({ ok: false, index: 0, reason: 'badBase64Char' })
    expect(parseBase64('Zm9vY===')).toEqual({ ok: false, index: 5, reason: 'badBase64Char' })
    expect(parseBase64('Zg===')).toEqual({ ok: false, index: 4, reason: 'badBase64Char' })
    // A lone last character cannot hold a byte.
    expect(parseBase64('Zm9vY')).toEqual({ ok: false, index: 4, reason: 'badBase64Char' })
  })
})
