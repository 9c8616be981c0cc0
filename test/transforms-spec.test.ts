// The step schema: what a pane may ask for, and the words a person sees when a key is wrong.
import { describe, expect, it } from 'vitest'
import { issueReason, transformStepSchema, transformStepsSchema } from '../src/shared/transform-spec'
import { paneConfigSchema } from '../src/shared/contract'
import { expectReason } from './why'

/** The issues of a failed parse as "path: message". */
function problems(input: unknown): string[] {
  const r = transformStepSchema.safeParse(input)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('transformStepSchema', () => {
  it('takes every algorithm of every kind', () => {
    const steps = [
      ...['sum8', 'xor8', 'crc16-modbus', 'crc16-ccitt-false', 'crc32', 'md5', 'sha256'].map((algo) => ({ kind: 'checksum', algo })),
      ...['deflate', 'gzip', 'brotli', 'lzw'].map((algo) => ({ kind: 'compress', algo })),
      { kind: 'encrypt', algo: 'aes-256-gcm', keyHex: 'ab'.repeat(32) },
      { kind: 'encrypt', algo: 'aes-128-cbc', keyHex: 'ab'.repeat(16), ivHex: '00'.repeat(16) },
      { kind: 'encrypt', algo: 'aes-256-cbc', passphrase: 'pw' }
    ]
    for (const s of steps) expect(problems(s), JSON.stringify(s)).toEqual([])
  })

  it('refuses unknown kinds and algorithms', () => {
    expect(transformStepSchema.safeParse({ kind: 'rot13' }).success).toBe(false)
    expect(transformStepSchema.safeParse({ kind: 'checksum', algo: 'crc64' }).success).toBe(false)
    expect(transformStepSchema.safeParse({ kind: 'encrypt', algo: 'des', passphrase: 'x' }).success).toBe(false)
  })

  it('an encrypt step needs exactly one of keyHex and passphrase', () => {
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm' })).toEqual(['keyHex: aes-256-gcm needs a key: give keyHex or passphrase'])
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex: 'ab'.repeat(32), passphrase: 'pw' })).toEqual([
      'passphrase: give keyHex or passphrase, not both'
    ])
    // A form sends '' for a field left blank: that counts as not given.
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex: '', passphrase: 'pw' })).toEqual([])
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex: '  ', passphrase: '' })).toEqual([
      'keyHex: aes-256-gcm needs a key: give keyHex or passphrase'
    ])
  })

  it('says how long the key must be for the cipher chosen', () => {
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm', keyHex: 'ab'.repeat(16) })).toEqual([
      'keyHex: an aes-256-gcm key is 32 bytes (64 hex digits); keyHex has 16'
    ])
    expect(problems({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex: 'ab'.repeat(32) })).toEqual([
      'keyHex: an aes-128-cbc key is 16 bytes (32 hex digits); keyHex has 32'
    ])
  })

  it('says where a key or IV stops being hex', () => {
    expect(problems({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex: 'zz' + 'ab'.repeat(15) })).toEqual([
      "keyHex: keyHex is not hex: 'z' is not a hex digit (at position 1)"
    ])
    expect(problems({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex: 'abc' })).toEqual([
      'keyHex: keyHex is not hex: an odd number of hex digits (at position 3)'
    ])
    expect(problems({ kind: 'encrypt', algo: 'aes-128-cbc', passphrase: 'pw', ivHex: '0g' })).toEqual([
      "ivHex: ivHex is not hex: 'g' is not a hex digit (at position 2)"
    ])
  })

  it('takes hex as people paste it', () => {
    const spaced = Array.from({ length: 16 }, (_, i) => i.toString(16).padStart(2, '0')).join(' ')
    expect(problems({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex: spaced, ivHex: spaced.replaceAll(' ', ':') })).toEqual([])
  })

  it('a key issue carries its reason in words of the catalog, also inside a pane config (the settings form shows it)', () => {
    const r = transformStepSchema.safeParse({ kind: 'encrypt', algo: 'aes-128-cbc', keyHex: 'zz' + 'ab'.repeat(15) })
    expectReason(
      issueReason(r.error?.issues[0]),
      { key: 'why.cipher.keyNotHex', params: { pos: 1, char: 'z' } },
      { en: "keyHex is not hex: 'z' is not a hex digit (at position 1)", zh: '密钥不是十六进制：第 1 个字符“z”不是十六进制数字' }
    )
    const c = paneConfigSchema.safeParse({
      transforms: [
        { kind: 'checksum', algo: 'crc32' },
        { kind: 'encrypt', algo: 'aes-256-cbc', passphrase: 'pw', ivHex: '0' }
      ]
    })
    expect(c.error?.issues[0]?.path).toEqual(['transforms', 1, 'ivHex'])
    expectReason(
      issueReason(c.error?.issues[0]),
      { key: 'why.cipher.ivOddHex', params: { pos: 1 } },
      { en: 'ivHex is not hex: an odd number of hex digits (at position 1)', zh: 'IV 不是十六进制：十六进制数字的个数为奇数（第 1 个字符处）' }
    )
    // Any other issue has no reason of its own.
    expect(issueReason(transformStepSchema.safeParse({ kind: 'checksum', algo: 'crc64' }).error?.issues[0])).toBeUndefined()
  })

  it('a CBC IV is 16 bytes; GCM ignores ivHex', () => {
    expect(problems({ kind: 'encrypt', algo: 'aes-256-cbc', passphrase: 'pw', ivHex: '00'.repeat(8) })).toEqual([
      'ivHex: the aes-256-cbc IV is 16 bytes (32 hex digits); ivHex has 8'
    ])
    expect(problems({ kind: 'encrypt', algo: 'aes-256-gcm', passphrase: 'pw', ivHex: 'not hex at all' })).toEqual([])
  })
})

describe('transformStepsSchema', () => {
  it('allows up to 8 steps', () => {
    const step = { kind: 'checksum', algo: 'crc32' }
    expect(transformStepsSchema.safeParse(Array(8).fill(step)).success).toBe(true)
    const r = transformStepsSchema.safeParse(Array(9).fill(step))
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual(['at most 8 transform steps'])
  })
})
