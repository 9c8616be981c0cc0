// Every reason the message path can give, walked one by one: each way framing and each
// transform can fail, and what a checksum finds. Each must be a catalog message (a key both
// catalogs have, with its parameters) that reads whole in English and in Chinese, so no
// English sentence reaches a Chinese reader.
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { applyIncoming, applyOutgoing, MAX_DECOMPRESSED } from '../src/main/engine/transforms/pipeline'
import { encrypt } from '../src/main/engine/transforms/cipher'
import { lzwCompress, lzwDecompress } from '../src/main/engine/transforms/lzw'
import { MessagePath } from '../src/main/engine/message-path'
import { Deframer, frame, framingSpecError, type FramingSpec } from '../src/shared/framing'
import { paneConfigSchema, type PaneConfig, type PaneConfigInput, type PaneError } from '../src/shared/contract'
import { errorMessage, type MessageKey } from '../src/shared/i18n'
import { en } from '../src/shared/i18n/en'
import { zh } from '../src/shared/i18n/zh'
import type { TransformStep } from '../src/shared/transform-spec'
import { expectCatalogReason, thrownReason } from './why'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const KEY16 = '2b7e151628aed2a6abf7158809cf4f3c'
const KEY32 = '11'.repeat(32)
const IV = '000102030405060708090a0b0c0d0e0f'

/** The reason of the stage that failed (or, for a checksum, of the verify stage). */
const stageReason = (r: { stages: { ok: boolean; reason?: unknown }[] }): unknown => (r.stages.find((s) => !s.ok) ?? r.stages.at(-1))?.reason
const inReason = (steps: TransformStep[], wire: Uint8Array): unknown => stageReason(applyIncoming(steps, wire))
const outReason = (step: unknown): unknown => stageReason(applyOutgoing([step as TransformStep], enc('x')))
const frameReason = (spec: FramingSpec, payload: Uint8Array): unknown => {
  const r = frame(spec, payload)
  return r.ok ? undefined : r.reason
}
const pushReason = (spec: FramingSpec, ...reads: Uint8Array[]): unknown => {
  const d = new Deframer(spec)
  for (const read of reads) {
    const r = d.push(read)
    if (r.error) return r.error
  }
  return undefined
}
const config = (input: PaneConfigInput): PaneConfig => paneConfigSchema.parse(input)
/** What a pane's message path refuses to send: the PaneError (BAD_FRAME, BAD_TEMPLATE) it throws. */
const sendError = (c: PaneConfig, payload: Uint8Array): PaneError | undefined => {
  try {
    new MessagePath(c).outgoing(payload)
  } catch (err) {
    return (err as { paneError?: PaneError }).paneError
  }
  return undefined
}
const gcm = (keyHex: string): TransformStep => ({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex })
const cbc = (keyHex: string, ivHex?: string): TransformStep => ({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex, ...(ivHex ? { ivHex } : {}) })
const crc32: TransformStep = { kind: 'checksum', algo: 'crc32' }
const lengthSpec = (bytes: 1 | 2 | 4, more: Partial<Extract<FramingSpec, { kind: 'length' }>> = {}): FramingSpec => ({
  kind: 'length',
  bytes,
  endian: 'be',
  includesHeader: false,
  ...more
})

const cases: { what: string; key: MessageKey; reason: () => unknown }[] = [
  // Framing what is sent
  {
    what: 'frame: a payload longer than the fixed length',
    key: 'why.frame.fixedOverflow',
    reason: () => frameReason({ kind: 'fixed', length: 4 }, enc('hello'))
  },
  {
    what: 'frame: a payload too long for a 2-byte length header',
    key: 'why.frame.headerOverflow',
    reason: () => frameReason(lengthSpec(2), new Uint8Array(65536))
  },
  { what: 'frame: a delimiter that is not hex', key: 'why.frame.badDelimiter', reason: () => frameReason({ kind: 'delimiter', delimiterHex: 'zz' }, enc('x')) },
  { what: 'frame: a fixed length of 0', key: 'why.frame.badFixedLength', reason: () => framingSpecError({ kind: 'fixed', length: 0 }) },
  { what: 'frame: a 3-byte length header', key: 'why.frame.badHeaderSize', reason: () => framingSpecError(lengthSpec(3 as 1)) },
  { what: 'frame: a largest length of 0', key: 'why.frame.badMaxLength', reason: () => framingSpecError(lengthSpec(4, { maxLength: 0 })) },
  // Deframing what arrives
  {
    what: 'deframe: a length header beyond the limit',
    key: 'why.frame.lengthOverLimit',
    reason: () => pushReason(lengthSpec(2, { maxLength: 10 }), Uint8Array.of(0, 11))
  },
  {
    what: 'deframe: a length header smaller than the header it includes',
    key: 'why.frame.headerTooSmall',
    reason: () => pushReason(lengthSpec(2, { includesHeader: true }), Uint8Array.of(0, 1))
  },
  {
    what: 'deframe: no delimiter in more than 16 MiB',
    key: 'why.frame.noDelimiter',
    reason: () => pushReason({ kind: 'delimiter', delimiterHex: '0a' }, new Uint8Array(16 * 1024 * 1024 + 1).fill(0x41))
  },
  {
    what: 'message path: an incomplete frame at the end of the connection',
    key: 'why.frame.incomplete',
    reason: () => {
      const path = new MessagePath(config({ framing: { kind: 'fixed', length: 4 } }))
      path.incoming(1, enc('ab'))
      return path.closeConn(1)?.parts[0]?.reason
    }
  },
  {
    what: 'message path: a send longer than the fixed length (BAD_FRAME)',
    key: 'why.frame.fixedOverflow',
    reason: () => sendError(config({ framing: { kind: 'fixed', length: 2 } }), enc('abc'))?.reason
  },
  {
    what: 'message path: a transform that fails on send (BAD_TEMPLATE)',
    key: 'why.cipher.keyLength',
    reason: () => sendError({ ...config({}), transforms: [cbc('abcd')] }, enc('x'))?.reason
  },
  {
    what: 'message path: transforms that are not a list',
    key: 'why.transform.failed',
    reason: () => sendError({ ...config({}), transforms: 'gzip' as unknown as TransformStep[] }, enc('x'))?.reason
  },
  // Checksums
  { what: 'checksum: ok', key: 'why.checksum.ok', reason: () => inReason([crc32], Uint8Array.of(...enc('123456789'), 0xcb, 0xf4, 0x39, 0x26)) },
  { what: 'checksum: a mismatch', key: 'why.checksum.mismatch', reason: () => inReason([crc32], Uint8Array.of(...enc('123456789'), 0, 0, 0, 0)) },
  {
    what: 'checksum: data shorter than the checksum',
    key: 'why.checksum.tooShort',
    reason: () => inReason([{ kind: 'checksum', algo: 'sha256' }], enc('short'))
  },
  // Compression
  { what: 'gzip: not gzip data', key: 'why.compress.invalid', reason: () => inReason([{ kind: 'compress', algo: 'gzip' }], enc('plain text')) },
  { what: 'deflate: nothing at all', key: 'why.compress.invalid', reason: () => inReason([{ kind: 'compress', algo: 'deflate' }], new Uint8Array(0)) },
  { what: 'brotli: garbage', key: 'why.compress.invalid', reason: () => inReason([{ kind: 'compress', algo: 'brotli' }], Uint8Array.of(1, 2, 3, 4, 5)) },
  {
    what: 'deflate: a zip bomb past the output limit',
    key: 'why.compress.tooLarge',
    reason: () => inReason([{ kind: 'compress', algo: 'deflate' }], Uint8Array.from(deflateSync(Buffer.alloc(MAX_DECOMPRESSED + 1))))
  },
  { what: 'lzw: truncated data', key: 'why.lzw.truncated', reason: () => inReason([{ kind: 'compress', algo: 'lzw' }], new Uint8Array(0)) },
  // CLEAR, then code 300 (not learned yet), then END, at 9 bits LSB-first.
  { what: 'lzw: a code not in the dictionary', key: 'why.lzw.corrupt', reason: () => inReason([{ kind: 'compress', algo: 'lzw' }], hex('00590604')) },
  {
    what: 'lzw: output past its limit',
    key: 'why.compress.tooLarge',
    reason: () => thrownReason(() => lzwDecompress(lzwCompress(new Uint8Array(100_000)), 1000))
  },
  // Ciphers
  {
    what: 'aes-256-gcm: the wrong key',
    key: 'why.cipher.authFailed',
    reason: () => inReason([gcm('22'.repeat(32))], encrypt(gcm(KEY32) as never, enc('secret')))
  },
  // Fixed key, IV and text: this wrong key is known not to hit valid padding by chance.
  {
    what: 'aes-128-cbc: the wrong key',
    key: 'why.cipher.badPadding',
    reason: () => inReason([cbc('00'.repeat(16), IV)], encrypt(cbc(KEY16, IV) as never, enc('hello')))
  },
  { what: 'aes-256-gcm: too short for the IV and tag', key: 'why.cipher.shortForIvAndTag', reason: () => inReason([gcm(KEY32)], new Uint8Array(27)) },
  { what: 'aes-128-cbc: too short for the IV and a block', key: 'why.cipher.shortForIvAndBlock', reason: () => inReason([cbc(KEY16)], new Uint8Array(16)) },
  { what: 'aes-128-cbc with a fixed IV: shorter than a block', key: 'why.cipher.shortForBlock', reason: () => inReason([cbc(KEY16, IV)], new Uint8Array(0)) },
  { what: 'aes-128-cbc: not a whole number of blocks', key: 'why.cipher.partialBlock', reason: () => inReason([cbc(KEY16)], new Uint8Array(40)) },
  // Key settings that skipped validation: the schema's reason on the stage, and the cipher's own.
  { what: 'key: none given', key: 'why.cipher.noKey', reason: () => outReason({ kind: 'encrypt', algo: 'aes-256-gcm' }) },
  {
    what: 'key: left out of the saved session (a restored pane, a recorded one played back)',
    key: 'why.cipher.keyOmitted',
    reason: () => outReason({ kind: 'encrypt', algo: 'aes-256-gcm', keyOmitted: 'passphrase' })
  },
  {
    what: 'key: hex and passphrase both',
    key: 'why.cipher.keyAndPassphrase',
    reason: () => outReason({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex: KEY32, passphrase: 'pw' })
  },
  { what: 'key: not a hex digit', key: 'why.cipher.keyNotHex', reason: () => outReason(cbc('zz' + 'ab'.repeat(15))) },
  { what: 'key: an odd number of hex digits', key: 'why.cipher.keyOddHex', reason: () => outReason(cbc('abc')) },
  { what: 'key: the wrong length', key: 'why.cipher.keyLength', reason: () => outReason(gcm(KEY16)) },
  { what: 'IV: not a hex digit', key: 'why.cipher.ivNotHex', reason: () => outReason(cbc(KEY16, '0g')) },
  { what: 'IV: an odd number of hex digits', key: 'why.cipher.ivOddHex', reason: () => outReason(cbc(KEY16, '0')) },
  { what: 'IV: the wrong length', key: 'why.cipher.ivLength', reason: () => outReason(cbc(KEY16, '00'.repeat(8))) },
  {
    what: 'key: the wrong length, given to the cipher itself',
    key: 'why.cipher.keyLength',
    reason: () => thrownReason(() => encrypt({ algo: 'aes-128-cbc', keyHex: 'ab' }, enc('x')))
  },
  // Steps that are not steps, and input a step cannot take
  { what: 'a step of an unknown algorithm', key: 'why.transform.invalidStep', reason: () => outReason({ kind: 'compress', algo: 'zip' }) },
  {
    what: 'a step given no bytes at all',
    key: 'why.transform.error',
    reason: () => stageReason(applyOutgoing([{ kind: 'compress', algo: 'lzw' }], undefined as unknown as Uint8Array))
  }
]

/** The reasons of the message path (framing, checksums, compression, ciphers, transform steps). */
const pathPrefixes = ['why.frame.', 'why.checksum.', 'why.compress.', 'why.lzw.', 'why.cipher.', 'why.transform.']
const whyKeys = Object.keys(en).filter((k) => pathPrefixes.some((p) => k.startsWith(p)))
const paramsIn = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()

describe('every reason of the message path is a catalog message', () => {
  it.each(cases)('$what: $key', (c) => {
    const reason = c.reason()
    expectCatalogReason(reason, c.what)
    expect(reason.key).toBe(c.key)
  })

  it('the walk meets every message-path reason of the catalog (each case checks it gets its key), so none is left untested', () => {
    const met = new Set<string>(cases.map((c) => c.key))
    expect(whyKeys.filter((k) => !met.has(k))).toEqual([])
  })

  it('each why.* sentence takes the same parameters in English and Chinese', () => {
    expect(whyKeys.length).toBeGreaterThan(30)
    for (const k of whyKeys) expect(paramsIn(zh[k as keyof typeof zh]), k).toEqual(paramsIn(en[k as keyof typeof en]))
  })

  it('a refused send reads whole in both languages, its reason in the sentence of its code', () => {
    const err = sendError(config({ framing: lengthSpec(1) }), new Uint8Array(300))
    expect(err).toEqual({ code: 'BAD_FRAME', reason: { key: 'why.frame.headerOverflow', params: { n: 300, size: 1, max: 255 } } })
    const error = err!
    expect(errorMessage('en', error)).toBe('Cannot frame the message: 300 bytes are too many for a 1-byte length header (at most 255)')
    expect(errorMessage('zh', error)).toBe('无法分帧：300 字节超出了 1 字节长度头所能表示的范围（最多 255）')
  })
})
