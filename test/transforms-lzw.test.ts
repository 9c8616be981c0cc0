// LZW, GIF-style: the classic example code by code, dictionary resets on long input, and
// corrupt input refused with a clear message instead of a hang or a huge allocation.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { lzwCompress, lzwDecompress } from '../src/main/engine/transforms/lzw'
import { applyIncomingOffThread } from '../src/main/engine/transforms/pipeline'
import { TransformError } from '../src/main/engine/transforms/transform-error'
import { expectReason, thrownReason } from './why'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

/** toEqual walks big arrays element by element, slowly; this says where they differ. */
function expectSame(actual: Uint8Array | number[], expected: Uint8Array): void {
  const a = Buffer.from(actual)
  const at = a.findIndex((b, i) => b !== expected[i])
  expect({ length: a.length, firstDifference: a.length === expected.length ? at : -2 }).toEqual({ length: expected.length, firstDifference: -1 })
}

/** Packs codes LSB-first at the given widths, as the wire format says. */
function pack(codes: Array<[code: number, width: number]>): Uint8Array {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const [code, width] of codes) {
    acc |= code << bits
    bits += width
    while (bits >= 8) {
      out.push(acc & 0xff)
      acc >>>= 8
      bits -= 8
    }
  }
  if (bits > 0) out.push(acc & 0xff)
  return Uint8Array.from(out)
}

/**
 * A second, deliberately plain decoder written from the wire-format comment (strings in
 * a Map, no tables), so the format is checked by something other than its own code.
 * Returns the codes read and the bytes they spell.
 */
function referenceDecode(data: Uint8Array): { codes: number[]; clears: number; bytes: number[] } {
  let bitPos = 0
  const read = (width: number): number => {
    let v = 0
    for (let i = 0; i < width; i++, bitPos++) {
      const byte = data[bitPos >> 3]
      if (byte === undefined) throw new Error('ran out of bits')
      v |= ((byte >> (bitPos & 7)) & 1) << i
    }
    return v
  }
  const codes: number[] = []
  const bytes: number[] = []
  let dict = new Map<number, number[]>()
  let width = 9
  let prev: number[] | undefined
  let clears = 0
  for (;;) {
    const code = read(width)
    codes.push(code)
    if (code === 256) {
      clears++
      dict = new Map()
      width = 9
      prev = undefined
      continue
    }
    if (code === 257) break
    const entry = code < 256 ? [code] : (dict.get(code) ?? (prev ? [...prev, prev[0]!] : undefined))
    if (!entry) throw new Error(`unknown code ${code}`)
    bytes.push(...entry)
    if (prev) {
      const next = 258 + dict.size
      if (next < 4096) {
        dict.set(next, [...prev, entry[0]!])
        if (next + 1 === 1 << width && width < 12) width++
      }
    }
    prev = entry
  }
  return { codes, clears, bytes }
}

describe('LZW compress', () => {
  it('codes TOBEORNOTTOBEORTOBEORNOT as the textbook does, with CLEAR first and END last', () => {
    const packed = lzwCompress(enc('TOBEORNOTTOBEORTOBEORNOT'))
    const t = [...'TOBEORNOT'].map((c) => c.charCodeAt(0))
    // The textbook's 256, 258, 260, 265, 259, 261, 263 move up by two: 256 and 257 are CLEAR and END.
    const expected = [256, ...t, 258, 260, 262, 267, 261, 263, 265, 257]
    expect(referenceDecode(packed).codes).toEqual(expected)
    expect([...packed]).toEqual([...pack(expected.map((c) => [c, 9]))])
    expect(packed.length).toBe(Math.ceil((18 * 9) / 8))
    expect(new TextDecoder().decode(lzwDecompress(packed))).toBe('TOBEORNOTTOBEORTOBEORNOT')
  })

  it('round-trips the empty message, one byte, text and random bytes', () => {
    const text = enc('It was the best of times, it was the worst of times. '.repeat(2000))
    for (const input of [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(255), text, randomBytes(100 * 1024)]) {
      const packed = lzwCompress(input)
      expectSame(lzwDecompress(packed), input)
      expectSame(referenceDecode(packed).bytes, input)
    }
    expect([...lzwCompress(new Uint8Array(0))]).toEqual([
      ...pack([
        [256, 9],
        [257, 9]
      ])
    ])
    expect(lzwCompress(text).length).toBeLessThan(text.length / 4)
  })

  it('widens codes from 9 to 12 bits and clears the full dictionary, many times over', () => {
    const input = randomBytes(200 * 1024)
    const packed = lzwCompress(input)
    const ref = referenceDecode(packed)
    // Random bytes learn one code per byte, so 3838 codes fill the dictionary about every 3.8 KB.
    expect(ref.clears).toBeGreaterThan(40)
    expectSame(ref.bytes, input)
    expectSame(lzwDecompress(packed), input)
    // Repetitive input fills it with long entries: the KwKwK case over and over.
    const zeros = new Uint8Array(5_000_000)
    const z = lzwCompress(zeros)
    expect(z.length).toBeLessThan(20_000)
    expectSame(lzwDecompress(z), zeros)
  })

  it('reads a stream without the leading CLEAR and ignores bytes after END', () => {
    const codes: Array<[number, number]> = [
      [72, 9],
      [105, 9],
      [257, 9]
    ]
    expect(new TextDecoder().decode(lzwDecompress(Uint8Array.from([...pack(codes), 0xde, 0xad])))).toBe('Hi')
  })

  it('keeps no state between calls', () => {
    const a = lzwCompress(enc('abababababab'))
    lzwCompress(randomBytes(50_000))
    expect(lzwCompress(enc('abababababab'))).toEqual(a)
  })
})

describe('LZW corrupt input', () => {
  it('says the data is truncated when END never comes', () => {
    expectReason(
      thrownReason(() => lzwDecompress(new Uint8Array(0))),
      { key: 'why.lzw.truncated', params: { n: 0 } },
      { en: 'LZW data is truncated: it ends after 0 bytes without the end code', zh: 'LZW 数据不完整：在 0 字节处结束，却没有结束码' }
    )
    const packed = lzwCompress(enc('hello hello hello hello'))
    const cut = packed.subarray(0, packed.length - 2)
    expect(thrownReason(() => lzwDecompress(cut))).toEqual({ key: 'why.lzw.truncated', params: { n: cut.length } })
  })

  it('names a code that is not in the dictionary', () => {
    expectReason(
      thrownReason(() =>
        lzwDecompress(
          pack([
            [256, 9],
            [300, 9],
            [257, 9]
          ])
        )
      ),
      { key: 'why.lzw.corrupt', params: { code: 300, bit: 9, next: 258 } },
      {
        en: 'LZW data is corrupt: code 300 at bit 9 is not in the dictionary (next code is 258)',
        zh: 'LZW 数据已损坏：第 9 位处的码 300 不在字典中（下一个码应为 258）'
      }
    )
    // Right after CLEAR there is no previous entry, so even the next code is unknown.
    expect(
      thrownReason(() =>
        lzwDecompress(
          pack([
            [256, 9],
            [258, 9],
            [257, 9]
          ])
        )
      )
    ).toEqual({ key: 'why.lzw.corrupt', params: { code: 258, bit: 9, next: 258 } })
  })

  it('stops at the output limit instead of allocating without end', () => {
    const packed = lzwCompress(new Uint8Array(1_000_000))
    expectReason(
      thrownReason(() => lzwDecompress(packed, 100_000)),
      { key: 'why.compress.tooLarge', params: { limit: '97.7 KiB' } },
      {
        en: "decompressed data would be larger than 97.7 KiB (the pane's limit: Transforms › Largest decompressed message); stopped",
        zh: '解压后的数据将超过 97.7 KiB（本窗格的上限：变换 › 解压后单条消息上限），已停止'
      }
    )
  })

  it('either decodes or throws a TransformError on random garbage, quickly', () => {
    const started = Date.now()
    for (let i = 0; i < 300; i++) {
      const junk = randomBytes(1 + (i % 200))
      try {
        lzwDecompress(junk)
      } catch (err) {
        expect(err).toBeInstanceOf(TransformError)
        expect((err as TransformError).reason.key).toMatch(/^why\.lzw\.(corrupt|truncated)$/)
      }
    }
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it("a peer's message decoded for the screen gives the event loop turns while it decodes (issue 10, item 3)", async () => {
    // 4 MiB that compresses well: ~hundreds of thousands of codes, many slices.
    const plain = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7) % 251)
    const wire = lzwCompress(plain)
    let turns = 0
    const counting = setInterval(() => turns++, 0)
    let turnsWhenDone = -1
    const decoded = applyIncomingOffThread([{ kind: 'compress', algo: 'lzw' }], wire, 4 * 1024 * 1024).then((r) => {
      turnsWhenDone = turns
      return r
    })
    const r = await decoded
    clearInterval(counting)
    expect(r.ok).toBe(true)
    expectSame(r.bytes, plain)
    // Done in one go (the old way), no timer could have run before it finished.
    expect(turnsWhenDone).toBeGreaterThan(1)
  })
})
