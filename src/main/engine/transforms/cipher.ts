// AES for the encryption step, laid out on the wire so that a dozen lines of Python or
// Node on the other side can undo it.
//
// Key: keyHex as given (16 bytes for AES-128, 32 for AES-256), or derived from the
// passphrase: PBKDF2-HMAC-SHA256 of its UTF-8 bytes, salt = the UTF-8 bytes of
// "net-playground", 100,000 iterations, 16 or 32 bytes out. The same passphrase always
// gives the same key, so two panes (or a script) that share it can talk.
//
// Wire layouts:
//   aes-256-gcm  12-byte random IV || ciphertext || 16-byte tag (no associated data;
//                ciphertext is as long as the plaintext; ivHex is ignored, because
//                reusing a GCM IV under one key gives the key away)
//   aes-*-cbc    PKCS#7 padding (1..16 bytes, always present), then
//                with ivHex:    ciphertext only, encrypted with that fixed IV
//                without ivHex: 16-byte random IV || ciphertext
// Not the layout of `openssl enc` with a passphrase (that writes "Salted__" and derives
// key and IV together); `openssl enc -aes-128-cbc -K <hex> -iv <hex>` matches the fixed-IV form.
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto'
import { concatBytes } from '../../../shared/bytes'
import { cipherKeyLength, readKeyMaterial, type EncryptSettings } from '../../../shared/transform-spec'
import { TransformError } from './transform-error'

export const PBKDF2_ITERATIONS = 100_000
export const PBKDF2_SALT = 'net-playground'
const GCM_IV = 12
const GCM_TAG = 16
const BLOCK = 16

// PBKDF2 at 100,000 iterations takes tens of milliseconds on purpose; a flood of messages
// must not pay that per message. A few recent passphrases are kept, oldest dropped first.
const derived = new Map<string, Uint8Array>()
const DERIVED_MAX = 16

export function deriveKey(passphrase: string, length: 16 | 32): Uint8Array {
  const id = `${length}:${passphrase}`
  const hit = derived.get(id)
  if (hit) {
    derived.delete(id)
    derived.set(id, hit)
    return hit
  }
  const key = Uint8Array.from(pbkdf2Sync(passphrase, PBKDF2_SALT, PBKDF2_ITERATIONS, length, 'sha256'))
  derived.set(id, key)
  if (derived.size > DERIVED_MAX) derived.delete(derived.keys().next().value!)
  return key
}

function material(s: EncryptSettings): { key: Uint8Array; iv: Uint8Array | undefined } {
  const m = readKeyMaterial(s)
  if (!m.ok) throw new TransformError(m.reason)
  const key = m.key.kind === 'hex' ? m.key.bytes : deriveKey(m.key.text, cipherKeyLength(s.algo))
  return { key, iv: m.iv }
}

/** Throws a TransformError saying why when the key settings are wrong. */
export function encrypt(s: EncryptSettings, plain: Uint8Array): Uint8Array {
  const { key, iv: fixedIv } = material(s)
  if (s.algo === 'aes-256-gcm') {
    const iv = randomBytes(GCM_IV)
    const c = createCipheriv('aes-256-gcm', key, iv)
    const body = [c.update(plain), c.final()]
    return concatBytes([iv, ...body, c.getAuthTag()])
  }
  const iv = fixedIv ?? randomBytes(BLOCK)
  const c = createCipheriv(s.algo, key, iv)
  const body = [c.update(plain), c.final()]
  return concatBytes(fixedIv ? body : [iv, ...body])
}

/** Throws a TransformError saying why the data does not decrypt. */
export function decrypt(s: EncryptSettings, wire: Uint8Array): Uint8Array {
  const { key, iv: fixedIv } = material(s)
  const n = wire.length
  if (s.algo === 'aes-256-gcm') {
    if (n < GCM_IV + GCM_TAG) {
      throw new TransformError({ key: 'why.cipher.shortForIvAndTag', params: { n, algo: s.algo, min: GCM_IV + GCM_TAG } })
    }
    const d = createDecipheriv('aes-256-gcm', key, wire.subarray(0, GCM_IV))
    d.setAuthTag(wire.subarray(n - GCM_TAG))
    const body = d.update(wire.subarray(GCM_IV, n - GCM_TAG))
    try {
      return concatBytes([body, d.final()])
    } catch {
      throw new TransformError({ key: 'why.cipher.authFailed' })
    }
  }
  const ivLen = fixedIv ? 0 : BLOCK
  if (n < ivLen + BLOCK) {
    throw new TransformError(
      fixedIv
        ? { key: 'why.cipher.shortForBlock', params: { n, algo: s.algo, block: BLOCK } }
        : { key: 'why.cipher.shortForIvAndBlock', params: { n, algo: s.algo, min: ivLen + BLOCK } }
    )
  }
  if ((n - ivLen) % BLOCK !== 0) {
    throw new TransformError({ key: 'why.cipher.partialBlock', params: { n: n - ivLen, block: BLOCK } })
  }
  const d = createDecipheriv(s.algo, key, fixedIv ?? wire.subarray(0, BLOCK))
  const body = d.update(wire.subarray(ivLen))
  try {
    return concatBytes([body, d.final()])
  } catch {
    // CBC has no authentication: a wrong key shows only as padding that does not check,
    // and about 1 time in 256 the padding checks anyway and garbage comes out.
    throw new TransformError({ key: 'why.cipher.badPadding' })
  }
}
