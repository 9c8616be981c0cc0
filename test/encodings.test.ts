// Text in many encodings as a person meets it: a Chinese or Japanese server's reply shown in
// its own encoding with every stray byte named, and typed text sent in that encoding.
import { describe, expect, it } from 'vitest'
import { visibleText } from '../src/shared/bytes'
import { decodeVisible, decodeWith, encodeText, textEncodings, type TextEncoding } from '../src/shared/encodings'

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs)
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'))
const enc = (text: string, e: TextEncoding): string => {
  const r = encodeText(text, e)
  if (!r.ok) throw new Error(`cannot encode ${JSON.stringify(r.char)} at ${r.index}`)
  return Buffer.from(r.bytes).toString('hex')
}
const brackets = { mark: (s: string) => `[${s}]` }

/** A seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('decodeVisible', () => {
  it('decodes a known sample in every encoding', () => {
    expect(decodeVisible(Buffer.from('你好 ok'), 'utf-8')).toBe('你好 ok')
    expect(decodeVisible(b(0x48, 0x69, 0x21), 'ascii')).toBe('Hi!')
    expect(decodeVisible(b(0x63, 0x61, 0x66, 0xe9, 0xa0, 0xff), 'latin1')).toBe('café\u00a0ÿ')
    expect(decodeVisible(hex('c4e3 bac3 2c 41'), 'gbk')).toBe('你好,A')
    expect(decodeVisible(hex('c4e3 bac3 9439fc36'), 'gb18030')).toBe('你好😀')
    expect(decodeVisible(hex('82b1 82f1 82c9 82bf 82cd b1'), 'shift_jis')).toBe('こんにちはｱ')
    expect(decodeVisible(hex('6000 7d59 3dd8 00de'), 'utf-16le')).toBe('`好😀')
    expect(decodeVisible(hex('0060 597d d83d de00'), 'utf-16be')).toBe('`好😀')
  })

  it('shows a byte that starts no character as \\xNN, via mark, in every encoding', () => {
    // Half a GBK character at the end of a read.
    expect(decodeVisible(hex('c4e3 bac3 c4'), 'gbk', brackets)).toBe('你好[\\xc4]')
    expect(decodeVisible(hex('c4e3 bac3 c4'), 'gb18030', brackets)).toBe('你好[\\xc4]')
    // A lone 0x80 is not 7-bit ASCII.
    expect(decodeVisible(b(0x41, 0x80, 0x42), 'ascii', brackets)).toBe('A[\\x80]B')
    expect(decodeVisible(b(0xe4, 0xb8, 0x41), 'utf-8', brackets)).toBe('[\\xe4][\\xb8]A')
    // An odd byte at the end of UTF-16, and a lone surrogate's two bytes.
    expect(decodeVisible(b(0x41, 0x00, 0x42), 'utf-16le', brackets)).toBe('A[\\x42]')
    expect(decodeVisible(b(0x00, 0x41, 0x00), 'utf-16be', brackets)).toBe('A[\\x00]')
    expect(decodeVisible(b(0x3d, 0xd8, 0x41, 0x00), 'utf-16le', brackets)).toBe('[\\x3d][\\xd8]A')
    expect(decodeVisible(b(0x00, 0xde, 0x41, 0x00), 'utf-16le', brackets)).toBe('[\\x00][\\xde]A')
    // Shift_JIS: a lead byte whose trail is not one lets the next byte speak for itself.
    expect(decodeVisible(b(0x82, 0x20, 0x82, 0xb1), 'shift_jis', brackets)).toBe('[\\x82] こ')
    expect(decodeVisible(b(0xff, 0x41), 'gb18030', brackets)).toBe('[\\xff]A')
  })

  it('never drops a byte and never shows U+FFFD for bytes that were not one: every byte is accounted for', () => {
    const rnd = prng(1)
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(rnd() * 256))
    const highBytes = noise.filter((x) => x >= 0x80).length
    for (const e of textEncodings) {
      const text = decodeVisible(noise, e)
      expect(text, e).not.toContain('\uFFFD')
      // The characters shown encode back to as many bytes as they came from, and each other
      // byte was shown as one \xNN of its own.
      let invalid = 0
      const chars = decodeWith(
        noise,
        e,
        () => undefined,
        () => {
          invalid++
          return ''
        }
      )
      const back = encodeText(chars, e)
      if (!back.ok) throw new Error(`${e}: ${JSON.stringify(back.char)} does not encode back`)
      // GB18030 reads a lone 0x80 as € (as browsers do) but writes € as A2 E3: one byte each
      // here (this noise has no A2 E3 in it).
      const euros = e === 'gb18030' ? (chars.match(/€/g)?.length ?? 0) : 0
      if (euros) expect(Buffer.from(noise).includes(Buffer.of(0xa2, 0xe3))).toBe(false)
      expect(back.bytes.byteLength - euros + invalid, e).toBe(noise.byteLength)
      expect(decodeVisible(noise, e, { invalid: (x) => `[${x}]` }).match(/\[\\x[0-9a-f]{2}\]/g)?.length ?? 0, e).toBe(invalid)
      if (e === 'ascii') expect(invalid).toBe(highBytes)
      if (e === 'latin1') expect(invalid).toBe(0)
      if (e.startsWith('utf-16')) {
        // Noise is full of lone surrogates: each takes its two bytes to \xNN \xNN.
        expect(invalid % 2).toBe(0)
        expect(invalid).toBeGreaterThan(0)
      }
    }
  })

  it('shows a real encoded U+FFFD as the character it is', () => {
    expect(decodeVisible(hex('41 efbfbd ff'), 'utf-8', brackets)).toBe('A\uFFFD[\\xff]')
    expect(decodeVisible(hex('4100 fdff 42'), 'utf-16le', brackets)).toBe('A\uFFFD[\\x42]')
    expect(decodeVisible(hex('41 8431a437 ff'), 'gb18030', brackets)).toBe('A\uFFFD[\\xff]')
  })

  it('makes control characters visible as visibleText does, in every encoding', () => {
    const ascii = b(0x61, 0x09, 0x62, 0x0d, 0x0a, 0x00, 0x1b, 0x7f, 0x01)
    for (const e of ['ascii', 'latin1', 'gbk', 'gb18030', 'shift_jis'] as const) {
      expect(decodeVisible(ascii, e), e).toBe(visibleText(ascii))
      expect(decodeVisible(ascii, e, { style: 'escapes' }), e).toBe(visibleText(ascii, { style: 'escapes' }))
    }
    expect(decodeVisible(ascii, 'gbk')).toBe('a␉b␍␊\n␀␛␡\\x01')
    expect(decodeVisible(hex('c4e3 0d0a bac3'), 'gbk', { style: 'escapes', ...brackets })).toBe('你[\\r][\\n]\n好')
    for (const e of ['utf-16le', 'utf-16be'] as const) {
      const r = encodeText('a\tb\r\n\0\x1b\x7f\x01', e)
      expect(r.ok && decodeVisible(r.bytes, e), e).toBe(visibleText(ascii))
    }
  })

  it('names C1 controls and invisible format characters instead of hiding them', () => {
    // GB18030 81 30 81 30 is U+0080; a BOM and a zero-width space in UTF-16.
    expect(decodeVisible(hex('8130 8130'), 'gb18030', brackets)).toBe('[\\u0080]')
    expect(decodeVisible(hex('fffe 4100 0b20 4200'), 'utf-16le', brackets)).toBe('[\\ufeff]A[\\u200b]B')
    expect(decodeVisible(hex('feff 0041'), 'utf-16be', brackets)).toBe('[\\ufeff]A')
    // In Latin-1 a C1 control is a byte: shown as the byte.
    expect(decodeVisible(b(0x41, 0x85, 0x9f, 0xa0), 'latin1', brackets)).toBe('A[\\x85][\\x9f]\u00a0')
  })

  it('marks only the bad byte inside a large valid buffer', () => {
    const r = encodeText('网络编程'.repeat(5000), 'gbk')
    if (!r.ok) throw new Error('encode')
    const bytes = r.bytes.slice()
    bytes[20001] = 0x20 // 网 (cd f8) at 20000 loses its trail to a space
    expect(decodeVisible(bytes, 'gbk', brackets)).toBe('网络编程'.repeat(2500) + '[\\xcd] 络编程' + '网络编程'.repeat(2499))
  })

  it('agrees with decoding one character at a time with a fatal TextDecoder', () => {
    // The reference is the plain algorithm: at each byte try 1, 2, 3, 4 bytes with a fatal
    // decoder; a byte that starts none of them is \xNN. decodeWith must agree on noisy text.
    const reference = (bytes: Uint8Array, e: string): string => {
      const fatal = new TextDecoder(e, { fatal: true, ignoreBOM: true })
      let out = ''
      for (let i = 0; i < bytes.length;) {
        let done = false
        for (const n of [1, 2, 3, 4]) {
          if (i + n > bytes.length) break
          let s: string | undefined
          try {
            s = fatal.decode(bytes.subarray(i, i + n))
          } catch {
            s = undefined
          }
          if (s !== undefined && [...s].length === 1) {
            // Except that a byte below 0x80 is always ASCII (ICU's Shift_JIS moves three).
            out += n === 1 && bytes[i]! < 0x80 ? String.fromCharCode(bytes[i]!) : s
            i += n
            done = true
            break
          }
        }
        if (!done) out += `[${bytes[i]!.toString(16).padStart(2, '0')}]`
        if (!done) i++
      }
      return out
    }
    const rnd = prng(7)
    const samples = {
      'utf-8': '网络编程こんにちは€😀ｱ abc\r\n',
      gbk: '网络编程€ abc\r\n',
      gb18030: '网络编程こんにちは€😀ｱ abc\r\n',
      shift_jis: 'こんにちはｱ abc\r\n'
    }
    for (const e of ['utf-8', 'gbk', 'gb18030', 'shift_jis'] as const) {
      const good = hex(enc(samples[e], e))
      const parts: number[] = []
      for (let k = 0; k < 400; k++) {
        if (rnd() < 0.5) parts.push(...good.subarray(Math.floor(rnd() * good.length)))
        else parts.push(...Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 256)))
        // Four-byte GB18030 shapes, valid and not.
        if (rnd() < 0.1)
          parts.push(0x81 + Math.floor(rnd() * 0x7e), 0x30 + Math.floor(rnd() * 10), 0x81 + Math.floor(rnd() * 0x7e), 0x30 + Math.floor(rnd() * 10))
      }
      const bytes = Uint8Array.from(parts)
      const ours = decodeWith(
        bytes,
        e,
        () => undefined,
        (x) => `[${x.toString(16).padStart(2, '0')}]`
      )
      expect(ours, e).toBe(reference(bytes, e))
    }
  })

  it('decodes 256 KiB of valid GBK quickly', () => {
    const r = encodeText('网络编程，你好 hello world\r\n'.repeat(12000), 'gbk')
    if (!r.ok) throw new Error('encode')
    const bytes = r.bytes.subarray(0, 256 * 1024)
    decodeVisible(bytes.subarray(0, 1024), 'gbk') // first use builds nothing, but warm the JIT
    const t0 = performance.now()
    const text = decodeVisible(bytes, 'gbk')
    const ms = performance.now() - t0
    console.log(`decodeVisible 256 KiB GBK: ${ms.toFixed(1)} ms`)
    expect(text.startsWith('网络编程，你好 hello world␍␊\n')).toBe(true)
    expect(ms).toBeLessThan(250) // typically under 10 ms; generous for a loaded CI machine
  })
})

describe('encodeText', () => {
  it('encodes the known samples', () => {
    expect(enc('你好', 'gbk')).toBe('c4e3bac3')
    expect(enc('你好', 'gb18030')).toBe('c4e3bac3')
    expect(enc('こんにちは', 'shift_jis')).toBe('82b182f182c982bf82cd')
    expect(enc('ｱ', 'shift_jis')).toBe('b1')
    expect(enc('€', 'gbk')).toBe('80') // Windows-936 sends € as one byte
    expect(enc('€', 'gb18030')).toBe('a2e3') // GB18030 as the standard has it
    expect(enc('😀', 'gb18030')).toBe('9439fc36') // U+1F600 = 0x90308130 + 0xF600
    expect(enc('\u0080', 'gb18030')).toBe('81308130')
    expect(enc('\uffff', 'gb18030')).toBe('8431a439')
    expect(enc('\u{10ffff}', 'gb18030')).toBe('e3329a35')
    expect(enc('Aé', 'latin1')).toBe('41e9')
    expect(enc('A\x7f', 'ascii')).toBe('417f')
    expect(enc('A😀', 'utf-16le')).toBe('41003dd800de')
    expect(enc('A😀', 'utf-16be')).toBe('0041d83dde00')
    expect(enc('中😀', 'utf-8')).toBe('e4b8adf09f9880')
    expect(enc('', 'gbk')).toBe('')
  })

  it('reports the character an encoding cannot hold, with its index', () => {
    expect(encodeText('ab😀', 'shift_jis')).toEqual({ ok: false, index: 2, char: '😀' })
    expect(encodeText('你好😀', 'gbk')).toEqual({ ok: false, index: 2, char: '😀' })
    expect(encodeText('café', 'ascii')).toEqual({ ok: false, index: 3, char: 'é' })
    expect(encodeText('5 €', 'latin1')).toEqual({ ok: false, index: 2, char: '€' })
    expect(encodeText('한국어', 'shift_jis')).toEqual({ ok: false, index: 0, char: '한' })
    // A lone surrogate is no character at all, in any encoding.
    for (const e of textEncodings) expect(encodeText('a\ud800b', e), e).toEqual({ ok: false, index: 1, char: '\ud800' })
    expect(encodeText('ab\udc00', 'utf-8')).toEqual({ ok: false, index: 2, char: '\udc00' })
  })

  it('round-trips CJK text through decodeVisible', () => {
    const samples: [string, TextEncoding[]][] = [
      ['你好，世界！网络编程 TCP/IP 协议', ['utf-8', 'gbk', 'gb18030', 'utf-16le', 'utf-16be']],
      ['繁體中文與簡體中文', ['utf-8', 'gbk', 'gb18030', 'utf-16le', 'utf-16be']],
      ['こんにちは、世界。ネットワーク ｶﾀｶﾅ', ['utf-8', 'shift_jis', 'gb18030', 'utf-16le', 'utf-16be']],
      ['emoji 😀🎉 and 𠀀', ['utf-8', 'gb18030', 'utf-16le', 'utf-16be']]
    ]
    for (const [text, encodings] of samples) {
      for (const e of encodings) {
        const r = encodeText(text, e)
        expect(r.ok, `${text} in ${e}`).toBe(true)
        if (r.ok) expect(decodeVisible(r.bytes, e), e).toBe(text)
      }
    }
  })

  it('sends every character its decoder knows back as bytes that decode to it', () => {
    // Each table's characters, decoded in one go, then encoded and decoded again.
    const range = (a: number, z: number): number[] => Array.from({ length: z - a + 1 }, (_, k) => a + k).filter((x) => x !== 0x7f)
    const every = (e: TextEncoding, leads: number[], trails: number[]): string => {
      const codes: number[] = []
      for (const l of leads) for (const t of trails) codes.push(l, t)
      return new TextDecoder(e).decode(Uint8Array.from(codes)).replace(/\uFFFD/g, '')
    }
    const tables: [string, TextEncoding][] = [
      [every('gbk', range(0x81, 0xfe), range(0x40, 0xfe)), 'gbk'],
      [every('gb18030', range(0x81, 0xfe), range(0x40, 0xfe)), 'gb18030'],
      [every('shift_jis', [...range(0x81, 0x9f), ...range(0xe0, 0xfc)], range(0x40, 0xfc)), 'shift_jis']
    ]
    for (const [text, e] of tables) {
      expect(text.length, e).toBeGreaterThan(7000)
      const r = encodeText(text, e)
      expect(r.ok, e).toBe(true)
      if (r.ok) expect(new TextDecoder(e).decode(r.bytes) === text, e).toBe(true)
    }
  })

  it('sends all of Unicode in GB18030, but the private-use characters no code decodes to', () => {
    let all = ''
    for (let cp = 0; cp <= 0x10ffff; cp++) if ((cp < 0xd800 || cp > 0xdfff) && (cp < 0xe000 || cp > 0xf8ff)) all += String.fromCodePoint(cp)
    const r = encodeText(all, 'gb18030')
    expect(r.ok).toBe(true)
    if (r.ok) expect(new TextDecoder('gb18030').decode(r.bytes) === all).toBe(true)
    // GB18030-2022 (and the WHATWG index) moved A3 A0 from U+E5E5 to U+3000, and 18 more
    // codes from private use to their real characters: those PUA points are left with no code.
    const lost: number[] = []
    for (let cp = 0xe000; cp <= 0xf8ff; cp++) if (!encodeText(String.fromCharCode(cp), 'gb18030').ok) lost.push(cp)
    expect(lost.length).toBeLessThanOrEqual(19)
    expect(encodeText('a\ue5e5', 'gb18030')).toEqual({ ok: false, index: 1, char: '\ue5e5' })
  })

  it('keeps bytes below 0x80 as ASCII both ways, whatever the platform decoder does', () => {
    // ICU's Shift_JIS (Node's) reads 0x7F as U+001A; Chromium's and the standard's read 0x7F.
    for (const e of ['gbk', 'gb18030', 'shift_jis'] as const) {
      const ascii = Uint8Array.from({ length: 128 }, (_, k) => k)
      expect(decodeVisible(ascii, e), e).toBe(visibleText(ascii))
      const r = encodeText(String.fromCharCode(...ascii), e)
      expect(r.ok && [...r.bytes], e).toEqual([...ascii])
    }
  })
})
