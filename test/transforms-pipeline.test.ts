// The pipeline as a pane uses it: steps out in order, undone in reverse, every stage
// shown, a bad checksum reported but the payload still delivered, a failed decrypt stopping.
import { describe, expect, it } from 'vitest'
import { toHex } from '../src/shared/bytes'
import { applyIncoming, applyOutgoing, type PipelineResult } from '../src/main/engine/transforms/pipeline'
import type { TransformStep } from '../src/shared/transform-spec'
import { expectReason } from './why'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const ops = (r: PipelineResult): string[][] => r.stages.map((s) => [s.step, s.op, String(s.ok)])
const KEY32 = '11'.repeat(32)

describe('a pipeline out and back in', () => {
  it('[gzip, crc32, aes-256-gcm] gives the payload back, three stages each way, in mirror order', () => {
    const steps: TransformStep[] = [
      { kind: 'compress', algo: 'gzip' },
      { kind: 'checksum', algo: 'crc32' },
      { kind: 'encrypt', algo: 'aes-256-gcm', keyHex: KEY32 }
    ]
    const payload = enc('hello, hello, hello, hello, world\n')
    const out = applyOutgoing(steps, payload)
    expect(out.ok).toBe(true)
    expect(ops(out)).toEqual([
      ['gzip', 'compress', 'true'],
      ['crc32', 'append', 'true'],
      ['aes-256-gcm', 'encrypt', 'true']
    ])
    // Each stage's bytes are the next one's input; the last is the result.
    const [gz, sum, aes] = out.stages.map((s) => s.bytes)
    expect(toHex(sum!.subarray(0, gz!.length))).toBe(toHex(gz!))
    expect(sum!.length).toBe(gz!.length + 4)
    expect(aes!.length).toBe(12 + sum!.length + 16)
    expect(out.bytes).toBe(aes)

    const back = applyIncoming(steps, out.bytes)
    expect(back.ok).toBe(true)
    expect(ops(back)).toEqual([
      ['aes-256-gcm', 'decrypt', 'true'],
      ['crc32', 'verify', 'true'],
      ['gzip', 'decompress', 'true']
    ])
    expect(back.stages[1]!.reason).toMatchObject({ key: 'why.checksum.ok', params: { sum: expect.stringMatching(/^([0-9a-f]{2} ){3}[0-9a-f]{2}$/) } })
    expect(toHex(back.stages[1]!.bytes)).toBe(toHex(gz!))
    expect(dec(back.bytes)).toBe(dec(payload))
  })

  it('a checksum step appends the published value and verifies it', () => {
    const out = applyOutgoing([{ kind: 'checksum', algo: 'crc32' }], enc('123456789'))
    expect(toHex(out.bytes)).toBe('31 32 33 34 35 36 37 38 39 cb f4 39 26')
    const back = applyIncoming([{ kind: 'checksum', algo: 'crc32' }], out.bytes)
    expect(back.stages[0]!.ok).toBe(true)
    expectReason(
      back.stages[0]!.reason,
      { key: 'why.checksum.ok', params: { sum: 'cb f4 39 26' } },
      { en: 'checksum ok: cb f4 39 26', zh: '校验和正确：cb f4 39 26' }
    )
    expect(dec(back.bytes)).toBe('123456789')
  })

  it('a passphrase shared by two panes is all they need', () => {
    const a: TransformStep[] = [
      { kind: 'compress', algo: 'lzw' },
      { kind: 'encrypt', algo: 'aes-128-cbc', passphrase: 'lab 7' }
    ]
    const b: TransformStep[] = [
      { kind: 'compress', algo: 'lzw' },
      { kind: 'encrypt', algo: 'aes-128-cbc', passphrase: 'lab 7' }
    ]
    expect(dec(applyIncoming(b, applyOutgoing(a, enc('TOBEORNOTTOBEORTOBEORNOT')).bytes).bytes)).toBe('TOBEORNOTTOBEORTOBEORNOT')
  })

  it('no steps: the bytes pass through untouched', () => {
    const p = enc('as is')
    expect(applyOutgoing([], p)).toEqual({ ok: true, bytes: p, stages: [] })
    expect(applyIncoming([], p)).toEqual({ ok: true, bytes: p, stages: [] })
  })

  it('every stage holds plain bytes with memory of their own (a view would drag its pool along)', () => {
    const steps: TransformStep[] = [
      { kind: 'compress', algo: 'deflate' },
      { kind: 'checksum', algo: 'sha256' },
      { kind: 'compress', algo: 'brotli' }
    ]
    const out = applyOutgoing(steps, enc('small'))
    const back = applyIncoming(steps, out.bytes)
    for (const s of [...out.stages, ...back.stages]) {
      expect(s.bytes.constructor).toBe(Uint8Array)
      expect([s.step, s.bytes.byteOffset, s.bytes.byteLength]).toEqual([s.step, 0, s.bytes.buffer.byteLength])
    }
  })
})

describe('when something is wrong', () => {
  it('a flipped byte is a checksum mismatch, yet the payload is still delivered', () => {
    const steps: TransformStep[] = [{ kind: 'checksum', algo: 'crc32' }]
    const wire = applyOutgoing(steps, enc('123456789')).bytes.slice()
    wire[0] = 0x30
    const back = applyIncoming(steps, wire)
    expect(back.ok).toBe(false)
    expect(back.stages).toHaveLength(1)
    expect(back.stages[0]).toMatchObject({ step: 'crc32', op: 'verify', ok: false })
    expect(back.stages[0]!.reason).toMatchObject({
      key: 'why.checksum.mismatch',
      params: { got: 'cb f4 39 26', computed: expect.stringMatching(/^[0-9a-f ]{11}$/) }
    })
    expect(dec(back.bytes)).toBe('023456789')
  })

  it('after a mismatch the later stages still run', () => {
    const steps: TransformStep[] = [
      { kind: 'compress', algo: 'gzip' },
      { kind: 'checksum', algo: 'crc16-modbus' }
    ]
    const wire = applyOutgoing(steps, enc('payload')).bytes.slice()
    wire[wire.length - 1]! ^= 0xff
    const back = applyIncoming(steps, wire)
    expect(ops(back)).toEqual([
      ['crc16-modbus', 'verify', 'false'],
      ['gzip', 'decompress', 'true']
    ])
    expect(back.ok).toBe(false)
    expect(dec(back.bytes)).toBe('payload')
  })

  it('data shorter than its checksum is a failed verify that stops', () => {
    const back = applyIncoming(
      [
        { kind: 'compress', algo: 'gzip' },
        { kind: 'checksum', algo: 'sha256' }
      ],
      enc('short')
    )
    expect(ops(back)).toEqual([['sha256', 'verify', 'false']])
    expectReason(
      back.stages[0]!.reason,
      { key: 'why.checksum.tooShort', params: { algo: 'sha256', n: 5, len: 32 } },
      {
        en: 'too short for its sha256 checksum: 5 bytes, the checksum alone is 32',
        zh: '数据太短，放不下 sha256 校验和：只有 5 字节，而校验和本身就有 32 字节'
      }
    )
    expect(dec(back.bytes)).toBe('short')
  })

  it('the wrong key stops at decrypt with the reason, and later stages do not run', () => {
    const steps = (keyHex: string): TransformStep[] => [
      { kind: 'checksum', algo: 'crc32' },
      { kind: 'encrypt', algo: 'aes-256-gcm', keyHex }
    ]
    const wire = applyOutgoing(steps(KEY32), enc('secret')).bytes
    const back = applyIncoming(steps('22'.repeat(32)), wire)
    expect(back.ok).toBe(false)
    expect(back.stages).toHaveLength(1)
    expect(back.stages[0]).toMatchObject({
      step: 'aes-256-gcm',
      op: 'decrypt',
      ok: false,
      reason: { key: 'why.cipher.authFailed' }
    })
    expect(back.bytes).toBe(wire)
    expect(back.stages[0]!.bytes).toBe(wire)
  })

  it('a bad key on the way out is a failed encrypt stage, not an exception', () => {
    const out = applyOutgoing(
      [
        { kind: 'checksum', algo: 'xor8' },
        { kind: 'encrypt', algo: 'aes-256-cbc', keyHex: 'abcd' }
      ],
      enc('x')
    )
    expect(ops(out)).toEqual([
      ['xor8', 'append', 'true'],
      ['aes-256-cbc', 'encrypt', 'false']
    ])
    // The schema's own reason, not zod's English around it.
    expectReason(
      out.stages[1]!.reason,
      { key: 'why.cipher.keyLength', params: { algo: 'aes-256-cbc', len: 32, digits: 64, n: 2 } },
      {
        en: 'an aes-256-cbc key is 32 bytes (64 hex digits); keyHex has 2',
        zh: 'aes-256-cbc 的密钥是 32 字节（64 个十六进制数字）；填写的密钥有 2 字节'
      }
    )
    expect(toHex(out.bytes)).toBe('78 78')
  })

  it('never throws, even for steps that skipped validation', () => {
    const junk = [{ kind: 'rot13' }, { kind: 'checksum', algo: 'crc64' }, { kind: 'compress', algo: 'zip' }, { kind: 'encrypt' }, null, 'gzip']
    for (const step of junk) {
      for (const run of [applyOutgoing, applyIncoming]) {
        const r = run([step as unknown as TransformStep], enc('data'))
        expect(r.ok).toBe(false)
        expect(r.stages).toHaveLength(1)
        expect(r.stages[0]!.reason?.key).toMatch(/^why\./)
        expect(dec(r.bytes)).toBe('data')
      }
    }
    expect(applyOutgoing([{ kind: 'compress', algo: 'zip' } as unknown as TransformStep], enc('d')).stages[0]).toMatchObject({
      step: 'zip',
      op: 'compress',
      reason: { key: 'why.transform.invalidStep', params: { problem: 'algo: Invalid option: expected one of "deflate"|"gzip"|"brotli"|"lzw"' } }
    })
    expect(applyIncoming('nonsense' as unknown as TransformStep[], enc('d'))).toMatchObject({ ok: false, stages: [] })
  })
})

describe('a step working one way only', () => {
  it('a CRC-32 marked "in": outgoing goes without it; incoming is verified and stripped', () => {
    const steps: TransformStep[] = [{ kind: 'checksum', algo: 'crc32', dir: 'in' }]
    const out = applyOutgoing(steps, enc('123456789'))
    expect(out.stages).toEqual([])
    expect(dec(out.bytes)).toBe('123456789')
    const wire = new Uint8Array([...enc('123456789'), 0xcb, 0xf4, 0x39, 0x26])
    const back = applyIncoming(steps, wire)
    expect(ops(back)).toEqual([['crc32', 'verify', 'true']])
    expect(dec(back.bytes)).toBe('123456789')
    const bad = applyIncoming(steps, enc('123456789\0\0\0\0'))
    expect(bad.ok).toBe(false)
    expectReason(
      bad.stages[0]!.reason,
      { key: 'why.checksum.mismatch', params: { got: '00 00 00 00', computed: 'cb f4 39 26' } },
      { en: 'checksum mismatch: got 00 00 00 00, computed cb f4 39 26', zh: '校验和不符：收到 00 00 00 00，算得 cb f4 39 26' }
    )
  })

  it('a CRC-32 marked "out" is appended to sends and not looked for on receipt', () => {
    const steps: TransformStep[] = [{ kind: 'checksum', algo: 'crc32', dir: 'out' }]
    expect(toHex(applyOutgoing(steps, enc('123456789')).bytes.subarray(9))).toBe('cb f4 39 26')
    const back = applyIncoming(steps, enc('plain'))
    expect(back).toMatchObject({ ok: true, stages: [] })
    expect(dec(back.bytes)).toBe('plain')
  })

  it('"both" (the default) and mixed: [gzip out, crc16-modbus both] — out gzips then appends, in only verifies', () => {
    const steps: TransformStep[] = [
      { kind: 'compress', algo: 'gzip', dir: 'out' },
      { kind: 'checksum', algo: 'crc16-modbus', dir: 'both' }
    ]
    const out = applyOutgoing(steps, enc('hello'))
    expect(ops(out)).toEqual([
      ['gzip', 'compress', 'true'],
      ['crc16-modbus', 'append', 'true']
    ])
    const back = applyIncoming(steps, applyOutgoing([{ kind: 'checksum', algo: 'crc16-modbus' }], enc('plain')).bytes)
    expect(ops(back)).toEqual([['crc16-modbus', 'verify', 'true']])
    expect(dec(back.bytes)).toBe('plain')
  })

  it('an unknown direction is refused by the schema, as a failed stage', () => {
    const r = applyOutgoing([{ kind: 'checksum', algo: 'crc32', dir: 'sideways' } as unknown as TransformStep], enc('x'))
    expect(r.ok).toBe(false)
    expect(r.stages[0]!.reason).toMatchObject({ key: 'why.transform.invalidStep', params: { problem: expect.stringContaining('dir') } })
  })
})
