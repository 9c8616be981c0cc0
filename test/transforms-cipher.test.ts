// AES as the encryption step does it: round trips with a key and with a passphrase, the
// wire layouts checked against published vectors and other tools, and wrong keys or cut
// data refused in plain words.
import { execFileSync, spawnSync } from 'node:child_process'
import { createDecipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseHex, toHex } from '../src/shared/bytes'
import { decrypt, deriveKey, encrypt, PBKDF2_ITERATIONS, PBKDF2_SALT } from '../src/main/engine/transforms/cipher'
import { cipherAlgos, type EncryptSettings } from '../src/shared/transform-spec'
import { expectReason, thrownReason } from './why'

const hex = (s: string): Uint8Array => {
  const r = parseHex(s)
  if (!r.ok) throw new Error(`bad hex in test: ${s}`)
  return r.bytes
}
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const KEY16 = '2b7e151628aed2a6abf7158809cf4f3c'
const KEY32 = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4'
const IV = '000102030405060708090a0b0c0d0e0f'
const keyFor = (algo: EncryptSettings['algo']): string => (algo === 'aes-128-cbc' ? KEY16 : KEY32)
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0
const hasPyCrypto = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0
const hasPython = spawnSync('python3', ['-c', 'import hashlib'], { stdio: 'ignore' }).status === 0

// NIST SP 800-38A, F.2.1 (CBC-AES128.Encrypt) and F.2.5 (CBC-AES256.Encrypt).
const NIST_PLAIN = '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710'
const NIST_CBC128 = '7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7'
const NIST_CBC256 = 'f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b'

describe('AES round trips', () => {
  const payloads = [new Uint8Array(0), enc('x'), enc('exactly 16 bytes'), enc('你好, network '.repeat(500))]
  for (const algo of cipherAlgos) {
    it(`${algo} with keyHex, with a passphrase, and (CBC) with a fixed IV`, () => {
      const settings: EncryptSettings[] = [
        { algo, keyHex: keyFor(algo) },
        { algo, passphrase: 'correct horse' },
        ...(algo === 'aes-256-gcm'
          ? []
          : [
              { algo, keyHex: keyFor(algo), ivHex: IV },
              { algo, passphrase: 'pw', ivHex: IV }
            ])
      ]
      for (const s of settings) {
        for (const p of payloads) {
          const wire = encrypt(s, p)
          expect(toHex(decrypt(s, wire))).toBe(toHex(p))
          const padded = (Math.floor(p.length / 16) + 1) * 16
          const expected = algo === 'aes-256-gcm' ? 12 + p.length + 16 : s.ivHex ? padded : 16 + padded
          expect(wire.length).toBe(expected)
        }
      }
    })
  }

  it('a random IV makes the same message look different every time; a fixed IV does not', () => {
    for (const algo of cipherAlgos) {
      const s = { algo, keyHex: keyFor(algo) }
      expect(toHex(encrypt(s, enc('same')))).not.toBe(toHex(encrypt(s, enc('same'))))
    }
    const fixed = { algo: 'aes-128-cbc' as const, keyHex: KEY16, ivHex: IV }
    expect(toHex(encrypt(fixed, enc('same')))).toBe(toHex(encrypt(fixed, enc('same'))))
  })
})

describe('known answers: the layout is what the other side expects', () => {
  it('AES-128-CBC with a fixed IV gives the NIST SP 800-38A F.2.1 ciphertext, then one block of padding', () => {
    const wire = encrypt({ algo: 'aes-128-cbc', keyHex: KEY16, ivHex: IV }, hex(NIST_PLAIN))
    expect(wire.length).toBe(80)
    expect(toHex(wire.subarray(0, 64))).toBe(toHex(hex(NIST_CBC128)))
    // The padding block is 16 bytes of 0x10, encrypted chained to the last ciphertext block.
    const d = createDecipheriv('aes-128-cbc', hex(KEY16), wire.subarray(48, 64)).setAutoPadding(false)
    expect(toHex(Buffer.concat([d.update(wire.subarray(64)), d.final()]))).toBe(toHex(new Uint8Array(16).fill(16)))
  })

  it('AES-256-CBC with a fixed IV gives the NIST F.2.5 ciphertext', () => {
    const wire = encrypt({ algo: 'aes-256-cbc', keyHex: KEY32, ivHex: IV }, hex(NIST_PLAIN))
    expect(toHex(wire.subarray(0, 64))).toBe(toHex(hex(NIST_CBC256)))
  })

  it('AES-256-CBC with a random IV puts the IV first: NIST F.2.5 decrypts with it', () => {
    const wire = new Uint8Array([...hex(IV), ...encrypt({ algo: 'aes-256-cbc', keyHex: KEY32, ivHex: IV }, hex(NIST_PLAIN))])
    expect(toHex(decrypt({ algo: 'aes-256-cbc', keyHex: KEY32 }, wire))).toBe(toHex(hex(NIST_PLAIN)))
  })

  it('AES-256-GCM reads IV || ciphertext || tag: the GCM spec test case 14', () => {
    const wire = hex('000000000000000000000000 cea7403d4d606b6e074ec5d3baf39d18 d0d1c8a799996bf0265b98b5d48ab919')
    expect(toHex(decrypt({ algo: 'aes-256-gcm', keyHex: '00'.repeat(32) }, wire))).toBe(toHex(new Uint8Array(16)))
  })

  it('a passphrase becomes PBKDF2-HMAC-SHA256, 100,000 rounds, salt "net-playground"', () => {
    expect([PBKDF2_ITERATIONS, PBKDF2_SALT]).toEqual([100_000, 'net-playground'])
    // As Python computes it: hashlib.pbkdf2_hmac('sha256', b'correct horse', b'net-playground', 100000, 32)
    expect(toHex(deriveKey('correct horse', 32), '')).toBe('bbf1a8f9e08fef01dd878a9fbff93e3e5c65bc524eb6edc9620ceb7753a1bb37')
    expect(toHex(deriveKey('correct horse', 16), '')).toBe('bbf1a8f9e08fef01dd878a9fbff93e3e')
  })

  it('a derived key is computed once per passphrase and length, not per message', () => {
    const first = deriveKey('flood', 32)
    const started = Date.now()
    for (let i = 0; i < 200; i++) expect(deriveKey('flood', 32)).toBe(first)
    expect(Date.now() - started).toBeLessThan(200)
    expect(deriveKey('flood', 16)).not.toBe(first)
  })

  it.runIf(hasOpenssl)('openssl enc -aes-128-cbc -K .. -iv .. -nosalt makes and reads the fixed-IV layout', () => {
    const msg = enc('Hello, openssl! This is longer than one block.')
    const s = { algo: 'aes-128-cbc' as const, keyHex: KEY16, ivHex: IV }
    const theirs = execFileSync('openssl', ['enc', '-aes-128-cbc', '-K', KEY16, '-iv', IV, '-nosalt'], { input: msg })
    expect(toHex(encrypt(s, msg))).toBe(toHex(theirs))
    const back = execFileSync('openssl', ['enc', '-d', '-aes-128-cbc', '-K', KEY16, '-iv', IV, '-nosalt'], { input: encrypt(s, msg) })
    expect(toHex(back)).toBe(toHex(msg))
  })

  it.runIf(hasPython)("Python's hashlib derives the same key from a passphrase", () => {
    const py = "import hashlib; print(hashlib.pbkdf2_hmac('sha256', 'pässwörd'.encode(), b'net-playground', 100000, 16).hex())"
    expect(execFileSync('python3', ['-c', py]).toString().trim()).toBe(toHex(deriveKey('pässwörd', 16), ''))
  })

  it.runIf(hasPyCrypto)("Python's cryptography AESGCM opens what we send (iv = first 12, tag = last 16)", () => {
    const msg = enc('secret message for python')
    const wire = encrypt({ algo: 'aes-256-gcm', keyHex: KEY32 }, msg)
    const py = [
      'import sys',
      'from cryptography.hazmat.primitives.ciphers.aead import AESGCM',
      'w = sys.stdin.buffer.read()',
      `sys.stdout.buffer.write(AESGCM(bytes.fromhex('${KEY32}')).decrypt(w[:12], w[12:], None))`
    ].join('\n')
    expect(toHex(execFileSync('python3', ['-c', py], { input: wire }))).toBe(toHex(msg))
  })
})

describe('decrypt failures say what went wrong, in words of the catalog', () => {
  const authFailed = { en: 'authentication failed: wrong key or the data was changed', zh: '认证失败：密钥错误，或数据已被改动' }
  const badPadding = { en: 'bad padding: wrong key or IV', zh: '填充错误：密钥或 IV 不对' }

  it('GCM with the wrong key or a changed byte: authentication failed', () => {
    const wire = encrypt({ algo: 'aes-256-gcm', passphrase: 'right' }, enc('hello'))
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-256-gcm', passphrase: 'wrong' }, wire)),
      { key: 'why.cipher.authFailed' },
      authFailed
    )
    const changed = wire.slice()
    changed[14]! ^= 1
    expect(thrownReason(() => decrypt({ algo: 'aes-256-gcm', passphrase: 'right' }, changed))).toEqual({ key: 'why.cipher.authFailed' })
  })

  it('CBC with the wrong key: bad padding', () => {
    const wire = encrypt({ algo: 'aes-128-cbc', keyHex: KEY16, ivHex: IV }, enc('hello'))
    // Fixed key, IV and text: this wrong key is known not to hit valid padding by chance.
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-128-cbc', keyHex: '00'.repeat(16), ivHex: IV }, wire)),
      { key: 'why.cipher.badPadding' },
      badPadding
    )
  })

  it('AES-256-CBC with the wrong key: bad padding', () => {
    const wire = encrypt({ algo: 'aes-256-cbc', keyHex: KEY32, ivHex: IV }, enc('hello'))
    // Fixed key, IV and text: this wrong key is known not to hit valid padding by chance.
    expect(thrownReason(() => decrypt({ algo: 'aes-256-cbc', keyHex: '00'.repeat(32), ivHex: IV }, wire))).toEqual({ key: 'why.cipher.badPadding' })
    // The same key works, so it is the key that failed.
    expect(dec(decrypt({ algo: 'aes-256-cbc', keyHex: KEY32, ivHex: IV }, wire))).toBe('hello')
  })

  it('AES-256-CBC with the wrong passphrase: bad padding (the IV travels with the data)', () => {
    const wire = encrypt({ algo: 'aes-256-cbc', passphrase: 'right' }, enc('hello, world'))
    expect(thrownReason(() => decrypt({ algo: 'aes-256-cbc', passphrase: 'wrong' }, wire))).toEqual({ key: 'why.cipher.badPadding' })
  })

  it('AES-256-GCM with a wrong hex key: authentication failed, and the right key still opens it', () => {
    const wire = encrypt({ algo: 'aes-256-gcm', keyHex: KEY32 }, enc('hello'))
    expect(thrownReason(() => decrypt({ algo: 'aes-256-gcm', keyHex: '22'.repeat(32) }, wire))).toEqual({ key: 'why.cipher.authFailed' })
    expect(dec(decrypt({ algo: 'aes-256-gcm', keyHex: KEY32 }, wire))).toBe('hello')
  })

  it('data too short for the layout', () => {
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-256-gcm', keyHex: KEY32 }, new Uint8Array(27))),
      { key: 'why.cipher.shortForIvAndTag', params: { n: 27, algo: 'aes-256-gcm', min: 28 } },
      {
        en: 'too short to hold the IV and tag: 27 bytes, aes-256-gcm needs at least 28',
        zh: '数据太短，放不下 IV 和认证标签：只有 27 字节，aes-256-gcm 至少需要 28 字节'
      }
    )
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-256-cbc', keyHex: KEY32 }, new Uint8Array(16))),
      { key: 'why.cipher.shortForIvAndBlock', params: { n: 16, algo: 'aes-256-cbc', min: 32 } },
      {
        en: 'too short to hold the IV and one block: 16 bytes, aes-256-cbc needs at least 32',
        zh: '数据太短，放不下 IV 和一个分组：只有 16 字节，aes-256-cbc 至少需要 32 字节'
      }
    )
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-128-cbc', keyHex: KEY16, ivHex: IV }, new Uint8Array(0))),
      { key: 'why.cipher.shortForBlock', params: { n: 0, algo: 'aes-128-cbc', block: 16 } },
      {
        en: 'too short: 0 bytes, aes-128-cbc ciphertext is at least one 16-byte block',
        zh: '数据太短：只有 0 字节，aes-128-cbc 密文至少是一个 16 字节的分组'
      }
    )
    expectReason(
      thrownReason(() => decrypt({ algo: 'aes-128-cbc', keyHex: KEY16 }, new Uint8Array(40))),
      { key: 'why.cipher.partialBlock', params: { n: 24, block: 16 } },
      {
        en: '24 bytes of ciphertext is not a whole number of 16-byte blocks: data was cut or added to',
        zh: '24 字节的密文不是 16 字节分组的整数倍：数据被截断或多出了内容'
      }
    )
  })

  it('settings that skipped validation fail with the schema’s reasons', () => {
    expectReason(
      thrownReason(() => encrypt({ algo: 'aes-256-gcm', keyHex: KEY16 }, enc('x'))),
      { key: 'why.cipher.keyLength', params: { algo: 'aes-256-gcm', len: 32, digits: 64, n: 16 } },
      {
        en: 'an aes-256-gcm key is 32 bytes (64 hex digits); keyHex has 16',
        zh: 'aes-256-gcm 的密钥是 32 字节（64 个十六进制数字）；填写的密钥有 16 字节'
      }
    )
    expectReason(
      thrownReason(() => encrypt({ algo: 'aes-128-cbc' }, enc('x'))),
      { key: 'why.cipher.noKey', params: { algo: 'aes-128-cbc' } },
      { en: 'aes-128-cbc needs a key: give keyHex or passphrase', zh: 'aes-128-cbc 需要密钥：请填写十六进制密钥或口令' }
    )
    // The thrown Error's message is the English sentence, for logs.
    expect(() => encrypt({ algo: 'aes-128-cbc' }, enc('x'))).toThrow('aes-128-cbc needs a key: give keyHex or passphrase')
  })
})
