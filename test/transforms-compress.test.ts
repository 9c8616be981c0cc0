// Compression steps through the pipeline: every algorithm round-trips, and what we send
// is what zlib (and Python, when it is here) reads, and the other way round.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { applyIncoming, applyIncomingOffThread, applyOutgoing, MAX_DECOMPRESSED } from '../src/main/engine/transforms/pipeline'
import { compressAlgos, type CompressAlgo, type TransformStep } from '../src/shared/transform-spec'
import { expectReason } from './why'

const step = (algo: CompressAlgo): TransformStep => ({ kind: 'compress', algo })
const text = new TextEncoder().encode('GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n'.repeat(1700)).subarray(0, 100 * 1024)
const inputs: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  'one byte': Uint8Array.of(0x41),
  '100 KiB text': text,
  '100 KiB random': randomBytes(100 * 1024)
}
const hasPython = spawnSync('python3', ['-c', 'import zlib, gzip'], { stdio: 'ignore' }).status === 0

/** toEqual walks big arrays element by element, slowly; this says where they differ. */
function expectSame(actual: Uint8Array, expected: Uint8Array): void {
  const a = Buffer.from(actual)
  const at = a.findIndex((b, i) => b !== expected[i])
  expect({ length: a.length, firstDifference: a.length === expected.length ? at : -2 }).toEqual({ length: expected.length, firstDifference: -1 })
}

function sent(algo: CompressAlgo, payload: Uint8Array): Uint8Array {
  const out = applyOutgoing([step(algo)], payload)
  expect(out.ok).toBe(true)
  return out.bytes
}

describe('compression round trips', () => {
  for (const algo of compressAlgos) {
    it(`${algo}: empty, one byte, 100 KiB text and 100 KiB random come back unchanged`, () => {
      for (const [name, payload] of Object.entries(inputs)) {
        const out = applyOutgoing([step(algo)], payload)
        expect(out.stages.map((s) => [s.step, s.op, s.ok])).toEqual([[algo, 'compress', true]])
        const back = applyIncoming([step(algo)], out.bytes)
        expect(
          back.stages.map((s) => [s.step, s.op, s.ok]),
          name
        ).toEqual([[algo, 'decompress', true]])
        expectSame(back.bytes, payload)
      }
      expect(sent(algo, text).length).toBeLessThan(text.length / 5)
    })
  }
})

describe('what goes on the wire is the standard format', () => {
  it('gzip is read by zlib.gunzipSync, and gzipSync output is read back', () => {
    expectSame(zlib.gunzipSync(sent('gzip', text)), text)
    expect([...sent('gzip', text).subarray(0, 2)]).toEqual([0x1f, 0x8b])
    expectSame(applyIncoming([step('gzip')], zlib.gzipSync(text)).bytes, text)
  })

  it('deflate is a zlib stream (inflateSync reads it), not raw deflate', () => {
    expectSame(zlib.inflateSync(sent('deflate', text)), text)
    expect(sent('deflate', text)[0]).toBe(0x78)
    expectSame(applyIncoming([step('deflate')], zlib.deflateSync(text, { level: 9 })).bytes, text)
  })

  it('brotli is read by brotliDecompressSync, and brotliCompressSync output is read back', () => {
    expectSame(zlib.brotliDecompressSync(sent('brotli', text)), text)
    expectSame(applyIncoming([step('brotli')], zlib.brotliCompressSync(text)).bytes, text)
  })

  it.runIf(hasPython)("Python's zlib.decompress and gzip.decompress read what we send", () => {
    const msg = new TextEncoder().encode('hello from the playground '.repeat(50))
    for (const [algo, fn] of [
      ['deflate', 'zlib.decompress'],
      ['gzip', 'gzip.decompress']
    ] as const) {
      const py = `import sys, zlib, gzip; sys.stdout.buffer.write(${fn}(sys.stdin.buffer.read()))`
      expectSame(execFileSync('python3', ['-c', py], { input: sent(algo, msg) }), msg)
    }
  })
})

describe('bad compressed data', () => {
  it('is a failed decompress stage saying which format it is not', () => {
    const r = applyIncoming([step('gzip')], new TextEncoder().encode('plain text'))
    expect(r.ok).toBe(false)
    expect(r.stages).toHaveLength(1)
    expect(r.stages[0]).toMatchObject({ step: 'gzip', op: 'decompress', ok: false })
    // zlib's own words stay as they are, inside the catalog's sentence.
    expectReason(
      r.stages[0]!.reason,
      { key: 'why.compress.invalid', params: { algo: 'gzip', detail: 'incorrect header check' } },
      { en: 'not valid gzip data: incorrect header check', zh: '不是有效的 gzip 数据：incorrect header check' }
    )
    expect(applyIncoming([step('deflate')], new Uint8Array(0)).stages[0]!.reason).toEqual({
      key: 'why.compress.invalid',
      params: { algo: 'deflate', detail: 'unexpected end of file' }
    })
    expect(applyIncoming([step('brotli')], Uint8Array.of(1, 2, 3, 4, 5)).stages[0]!.reason).toMatchObject({
      key: 'why.compress.invalid',
      params: { algo: 'brotli' }
    })
    expect(applyIncoming([step('lzw')], Uint8Array.of(0xff, 0xff, 0xff)).stages[0]!.reason?.key).toMatch(/^why\.lzw\.(corrupt|truncated)$/)
  })

  it('stops at 64 MiB of output: a small bomb cannot fill memory', () => {
    const bomb = zlib.deflateSync(Buffer.alloc(MAX_DECOMPRESSED + 1))
    expect(bomb.length).toBeLessThan(100_000)
    const r = applyIncoming([step('deflate')], bomb)
    expect(r.ok).toBe(false)
    expectReason(
      r.stages[0]!.reason,
      { key: 'why.compress.tooLarge', params: { limit: '64.0 MiB' } },
      {
        en: "decompressed data would be larger than 64.0 MiB (the pane's limit: Transforms › Largest decompressed message); stopped",
        zh: '解压后的数据将超过 64.0 MiB（本窗格的上限：变换 › 解压后单条消息上限），已停止'
      }
    )
    expect(r.bytes.length).toBe(bomb.length)
  })

  it('off the main thread: the same stages, bytes and reasons as on it, with the limit given', async () => {
    const cases: [CompressAlgo, Uint8Array][] = [
      ...compressAlgos.map((algo): [CompressAlgo, Uint8Array] => [algo, sent(algo, text)]),
      ['gzip', Uint8Array.of(1, 2, 3)],
      ['deflate', zlib.deflateSync(Buffer.alloc(2 * 1024 * 1024 + 1))],
      ['brotli', zlib.brotliCompressSync(Buffer.alloc(2 * 1024 * 1024 + 1))],
      ['lzw', sent('lzw', new Uint8Array(2 * 1024 * 1024 + 1))]
    ]
    for (const [algo, data] of cases) {
      const steps = [{ kind: 'checksum', algo: 'crc32', dir: 'out' } as const, step(algo)]
      const now = applyIncoming(steps, data, 2 * 1024 * 1024)
      const off = await applyIncomingOffThread(steps, data, 2 * 1024 * 1024)
      expect(
        off.stages.map((s) => [s.step, s.op, s.ok, s.reason]),
        algo
      ).toEqual(now.stages.map((s) => [s.step, s.op, s.ok, s.reason]))
      expectSame(off.bytes, now.bytes)
    }
    expect((await applyIncomingOffThread([step('deflate')], zlib.deflateSync(Buffer.alloc(2 * 1024 * 1024 + 1)), 2 * 1024 * 1024)).stages[0]!.reason).toEqual({
      key: 'why.compress.tooLarge',
      params: { limit: '2.0 MiB' }
    })
  })
})
