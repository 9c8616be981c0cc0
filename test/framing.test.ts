// Framing as TCP makes it necessary: messages arrive split at any byte and several to a
// read, and every mode must put them back together the same whatever the reads were.
import { describe, expect, it } from 'vitest'
import { Deframer, frame, framingSpecError, unframe, type FramingSpec } from '../src/shared/framing'
import { translateRef, type MessageRef } from '../src/shared/i18n'
import { expectReason } from './why'

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs)
const s = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'))
const str = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1')
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]))

const framed = (spec: FramingSpec, payload: Uint8Array): Uint8Array => {
  const r = frame(spec, payload)
  if (!r.ok) throw new Error(translateRef('en', r.reason))
  return r.bytes
}

/** Feeds `wire` in the given reads and returns the frames, checking nothing went wrong. */
function feed(spec: FramingSpec, reads: Uint8Array[]): { frames: Uint8Array[]; d: Deframer } {
  const d = new Deframer(spec)
  const frames: Uint8Array[] = []
  for (const r of reads) {
    const out = d.push(r)
    expect(out.error).toBeUndefined()
    frames.push(...out.frames)
  }
  return { frames, d }
}

/** The wire split at every offset into two reads, and at every pair of offsets into three. */
function* splits(wire: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 0; i <= wire.length; i++) {
    yield [wire.subarray(0, i), wire.subarray(i)]
    for (let j = i; j <= wire.length; j++) yield [wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)]
  }
}

const specs: FramingSpec[] = [
  { kind: 'delimiter', delimiterHex: '0a' },
  { kind: 'delimiter', delimiterHex: '0d0a' },
  { kind: 'delimiter', delimiterHex: '2d2d2d' },
  { kind: 'fixed', length: 5 },
  ...([1, 2, 4] as const).flatMap((bytes) =>
    (['be', 'le'] as const).flatMap((endian) => [true, false].map((includesHeader) => ({ kind: 'length' as const, bytes, endian, includesHeader })))
  )
]

describe('Deframer', () => {
  it('raw: each read is a message as it came', () => {
    const { frames, d } = feed({ kind: 'raw' }, [s('ab'), s(''), s('c')])
    expect(frames.map(str)).toEqual(['ab', 'c'])
    expect(d.pending).toBe(0)
    expect(d.flush()).toBeUndefined()
  })

  for (const spec of specs) {
    it(`${JSON.stringify(spec)}: the same messages however the reads split them`, () => {
      const payloads = spec.kind === 'fixed' ? [s('hello'), s('world'), s('12345')] : [s('hi'), s(''), s('a\r-b'), s('third one')]
      const wires = payloads.map((p) => framed(spec, p))
      const wire = concat(wires)
      for (const reads of splits(wire)) {
        const { frames, d } = feed(spec, reads)
        expect(frames.map(str)).toEqual(wires.map(str))
        expect(frames.map((f) => str(unframe(spec, f)))).toEqual(payloads.map(str))
        expect(d.pending).toBe(0)
      }
    })
  }

  it('returns many messages from one read, in order', () => {
    const spec: FramingSpec = { kind: 'length', bytes: 2, endian: 'be', includesHeader: false }
    const payloads = Array.from({ length: 500 }, (_, k) => s(`message ${k}`))
    const { frames } = feed(spec, [concat(payloads.map((p) => framed(spec, p)))])
    expect(frames.map((f) => str(unframe(spec, f)))).toEqual(payloads.map(str))
    const lines = feed({ kind: 'delimiter', delimiterHex: '0a' }, [s('a\nb\n\nc\nd')])
    expect(lines.frames.map(str)).toEqual(['a\n', 'b\n', '\n', 'c\n'])
    expect(lines.d.pending).toBe(1)
  })

  it('finds a delimiter split across two reads', () => {
    const spec: FramingSpec = { kind: 'delimiter', delimiterHex: '0d0a' }
    const d = new Deframer(spec)
    expect(d.push(s('GET / HTTP/1.1\r')).frames).toEqual([])
    expect(d.pending).toBe(15)
    expect(d.push(s('\nHost')).frames.map(str)).toEqual(['GET / HTTP/1.1\r\n'])
    expect(d.pending).toBe(4)
    // A delimiter in three pieces, and a near miss that must not match.
    const long: FramingSpec = { kind: 'delimiter', delimiterHex: '2d2d2d' }
    const e = new Deframer(long)
    expect(e.push(s('a--b-')).frames).toEqual([])
    expect(e.push(s('-')).frames).toEqual([])
    expect(e.push(s('-c')).frames.map(str)).toEqual(['a--b---'])
    expect(str(e.flush()!)).toBe('c')
  })

  it('reads length headers in both byte orders, with and without the header counted', () => {
    const cases: [FramingSpec, Uint8Array, string][] = [
      [{ kind: 'length', bytes: 1, endian: 'be', includesHeader: false }, b(3, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 1, endian: 'le', includesHeader: true }, b(4, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 2, endian: 'be', includesHeader: false }, b(0, 3, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 2, endian: 'le', includesHeader: false }, b(3, 0, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 2, endian: 'be', includesHeader: true }, b(0, 5, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 4, endian: 'be', includesHeader: false }, b(0, 0, 0, 3, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 4, endian: 'le', includesHeader: false }, b(3, 0, 0, 0, 0x61, 0x62, 0x63), 'abc'],
      [{ kind: 'length', bytes: 4, endian: 'le', includesHeader: true }, b(7, 0, 0, 0, 0x61, 0x62, 0x63), 'abc']
    ]
    for (const [spec, wire, payload] of cases) {
      expect(str(framed(spec, s(payload))), JSON.stringify(spec)).toBe(str(wire))
      const { frames } = feed(spec, [wire, b(0xee)])
      expect(frames.map(str)).toEqual([str(wire)])
      expect(str(unframe(spec, frames[0]!))).toBe(payload)
    }
    // Big lengths: 300 bytes needs both header bytes in the right order.
    const spec: FramingSpec = { kind: 'length', bytes: 2, endian: 'le', includesHeader: false }
    const wire = framed(spec, new Uint8Array(300).fill(7))
    expect([...wire.subarray(0, 2)]).toEqual([0x2c, 0x01])
    expect(feed(spec, [wire]).frames[0]!.length).toBe(302)
  })

  it('rejects a length beyond maxLength, hands back what it held, and recovers on the next read', () => {
    const spec: FramingSpec = { kind: 'length', bytes: 4, endian: 'be', includesHeader: false, maxLength: 1000 }
    const d = new Deframer(spec)
    const good = framed(spec, s('ok'))
    const r1 = d.push(concat([good, b(0xff, 0xff, 0xff, 0xff, 1, 2, 3)]))
    expect(r1.frames.map(str)).toEqual([str(good)])
    expectReason(
      r1.error,
      { key: 'why.frame.lengthOverLimit', params: { value: 4294967295, limit: 1000 } },
      { en: 'length header 4294967295 is beyond the 1000-byte limit', zh: '长度头的值 4294967295 超过了 1000 字节的上限' }
    )
    expect([...r1.discarded!]).toEqual([0xff, 0xff, 0xff, 0xff, 1, 2, 3])
    expect(d.pending).toBe(0)
    const r2 = d.push(concat([good, good.subarray(0, 3)]))
    expect(r2.error).toBeUndefined()
    expect(r2.frames.map(str)).toEqual([str(good)])
    expect(d.pending).toBe(3)
    // The default limit is 16 MiB.
    const dflt = new Deframer({ kind: 'length', bytes: 4, endian: 'be', includesHeader: false })
    expect(dflt.push(b(0x01, 0x00, 0x00, 0x00)).error).toBeUndefined()
    expect(dflt.push(b(0x01, 0x00, 0x00, 0x01)).error).toBeUndefined() // still waiting for the first
    const big = new Deframer({ kind: 'length', bytes: 4, endian: 'be', includesHeader: false })
    expect(big.push(b(0x01, 0x00, 0x00, 0x01)).error).toEqual({ key: 'why.frame.lengthOverLimit', params: { value: 16777217, limit: 16777216 } })
  })

  it('rejects a length smaller than the header it includes', () => {
    const spec: FramingSpec = { kind: 'length', bytes: 2, endian: 'be', includesHeader: true }
    const d = new Deframer(spec)
    const r = d.push(b(0, 1, 0x41))
    expect(r.frames).toEqual([])
    expectReason(
      r.error,
      { key: 'why.frame.headerTooSmall', params: { value: 1, size: 2 } },
      { en: 'length header 1 is smaller than the 2-byte header it includes', zh: '长度头的值 1 比它所包含的 2 字节长度头本身还小' }
    )
    expect([...r.discarded!]).toEqual([0, 1, 0x41])
    // Exactly the header: an empty message.
    expect(d.push(b(0, 2, 0, 3, 0x42)).frames.map((f) => [...f])).toEqual([
      [0, 2],
      [0, 3, 0x42]
    ])
  })

  it('gives up on a delimited message past 16 MiB without its delimiter', () => {
    const d = new Deframer({ kind: 'delimiter', delimiterHex: '0a' })
    const chunk = new Uint8Array(1024 * 1024).fill(0x41)
    let error: MessageRef | undefined
    let discarded = 0
    for (let k = 0; k < 17 && !error; k++) {
      const r = d.push(chunk)
      error = r.error
      discarded = r.discarded?.length ?? 0
    }
    expectReason(
      error,
      { key: 'why.frame.noDelimiter', params: { n: 17 * 1024 * 1024, limit: 16 * 1024 * 1024 } },
      { en: 'no delimiter in 17825792 bytes (the limit is 16777216)', zh: '17825792 字节中没有分隔符（上限为 16777216）' }
    )
    expect(discarded).toBe(17 * 1024 * 1024)
    expect(d.push(s('x\n')).frames.map(str)).toEqual(['x\n'])
  })

  it('flush returns the incomplete rest once', () => {
    const spec: FramingSpec = { kind: 'fixed', length: 4 }
    const d = new Deframer(spec)
    expect(d.push(s('abcdef')).frames.map(str)).toEqual(['abcd'])
    expect(d.pending).toBe(2)
    expect(str(d.flush()!)).toBe('ef')
    expect(d.flush()).toBeUndefined()
    expect(d.pending).toBe(0)
    // unframe of an incomplete delimited frame leaves it whole.
    expect(str(unframe({ kind: 'delimiter', delimiterHex: '0d0a' }, s('abc\r')))).toBe('abc\r')
  })

  it('frames are copies the deframer does not overwrite', () => {
    const d = new Deframer({ kind: 'fixed', length: 2 })
    const first = d.push(s('ab')).frames[0]!
    d.push(s('cd'))
    d.push(s('e'))
    expect(str(first)).toBe('ab')
  })

  it('keeps up with a firehose of one-byte reads in linear time', () => {
    // 10,000 one-byte reads: 2,000 messages of a 1-byte header and 4 bytes of payload; and
    // one 4 MiB message in 64-byte reads, which repeated concatenation would make quadratic.
    const spec: FramingSpec = { kind: 'length', bytes: 1, endian: 'be', includesHeader: false }
    const wire = concat(Array.from({ length: 2000 }, (_, k) => framed(spec, b(k & 0xff, 1, 2, 3))))
    expect(wire.length).toBe(10_000)
    const d = new Deframer(spec)
    let count = 0
    for (let i = 0; i < wire.length; i++) count += d.push(wire.subarray(i, i + 1)).frames.length
    expect(count).toBe(2000)

    const big: FramingSpec = { kind: 'length', bytes: 4, endian: 'be', includesHeader: false }
    const bigWire = framed(big, new Uint8Array(4 * 1024 * 1024).fill(9))
    const e = new Deframer(big)
    const frames: Uint8Array[] = []
    for (let i = 0; i < bigWire.length; i += 64) frames.push(...e.push(bigWire.subarray(i, i + 64)).frames)
    expect(frames.map((f) => f.length)).toEqual([bigWire.length])

    const lines = new Deframer({ kind: 'delimiter', delimiterHex: '0d0a' })
    const text = s('line\r\n'.repeat(20_000))
    let lineCount = 0
    for (let i = 0; i < text.length; i++) lineCount += lines.push(text.subarray(i, i + 1)).frames.length
    expect(lineCount).toBe(20_000)
  })

  it('rejects a spec that cannot frame', () => {
    expectReason(
      framingSpecError({ kind: 'delimiter', delimiterHex: '' }),
      { key: 'why.frame.badDelimiter' },
      { en: 'the delimiter must be 1 to 16 bytes in hex, e.g. 0a or 0d0a', zh: '分隔符必须是 1 到 16 个字节的十六进制，例如 0a 或 0d0a' }
    )
    expect(framingSpecError({ kind: 'delimiter', delimiterHex: 'zz' })).toBeDefined()
    expect(framingSpecError({ kind: 'delimiter', delimiterHex: '00'.repeat(17) })).toBeDefined()
    expectReason(
      framingSpecError({ kind: 'fixed', length: 0 }),
      { key: 'why.frame.badFixedLength', params: { max: 1048576 } },
      { en: 'the fixed length must be 1 to 1048576 bytes', zh: '固定长度必须在 1 到 1048576 字节之间' }
    )
    expect(framingSpecError({ kind: 'fixed', length: 1024 * 1024 + 1 })).toBeDefined()
    expect(framingSpecError({ kind: 'fixed', length: 1024 * 1024 })).toBeUndefined()
    expect(() => new Deframer({ kind: 'fixed', length: 0 })).toThrow(RangeError)
    expect(frame({ kind: 'fixed', length: 0 }, b())).toEqual({ ok: false, reason: { key: 'why.frame.badFixedLength', params: { max: 1048576 } } })
  })
})

describe('frame', () => {
  it('adds the delimiter', () => {
    expect(str(framed({ kind: 'delimiter', delimiterHex: '0d0a' }, s('hi')))).toBe('hi\r\n')
    expect(str(framed({ kind: 'raw' }, s('hi')))).toBe('hi')
  })

  it('pads a fixed length with zero bytes and fails when the payload is too long', () => {
    expect([...framed({ kind: 'fixed', length: 5 }, s('ab'))]).toEqual([0x61, 0x62, 0, 0, 0])
    expect([...framed({ kind: 'fixed', length: 2 }, s('ab'))]).toEqual([0x61, 0x62])
    const r = frame({ kind: 'fixed', length: 2 }, s('abc'))
    expect(r.ok).toBe(false)
    if (!r.ok)
      expectReason(
        r.reason,
        { key: 'why.frame.fixedOverflow', params: { n: 3, length: 2 } },
        { en: '3 bytes do not fit a fixed length of 2', zh: '3 字节放不进 2 字节的固定长度' }
      )
  })

  it('fails when the length header cannot count the payload', () => {
    expect(frame({ kind: 'length', bytes: 1, endian: 'be', includesHeader: false }, new Uint8Array(255)).ok).toBe(true)
    const over = frame({ kind: 'length', bytes: 1, endian: 'be', includesHeader: false }, new Uint8Array(256))
    expect(over.ok).toBe(false)
    if (!over.ok)
      expectReason(
        over.reason,
        { key: 'why.frame.headerOverflow', params: { n: 256, size: 1, max: 255 } },
        { en: '256 bytes are too many for a 1-byte length header (at most 255)', zh: '256 字节超出了 1 字节长度头所能表示的范围（最多 255）' }
      )
    expect(frame({ kind: 'length', bytes: 1, endian: 'be', includesHeader: true }, new Uint8Array(254)).ok).toBe(true)
    expect(frame({ kind: 'length', bytes: 1, endian: 'be', includesHeader: true }, new Uint8Array(255)).ok).toBe(false)
    expect(frame({ kind: 'length', bytes: 2, endian: 'le', includesHeader: false }, new Uint8Array(65536)).ok).toBe(false)
    expect(frame({ kind: 'length', bytes: 4, endian: 'le', includesHeader: false, maxLength: 10 }, new Uint8Array(11)).ok).toBe(false)
    expect(frame({ kind: 'length', bytes: 4, endian: 'le', includesHeader: false, maxLength: 10 }, new Uint8Array(10)).ok).toBe(true)
  })
})
