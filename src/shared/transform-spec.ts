// What one step of a pane's transform pipeline is, and how its settings are checked.
// Only zod and the shared byte helpers: the contract and the renderer may import this
// file, so it must not pull in node:crypto or node:zlib.
import { z } from 'zod'
import { parseHex } from './bytes'

export const checksumAlgos = ['sum8', 'xor8', 'crc16-modbus', 'crc16-ccitt-false', 'crc32', 'md5', 'sha256'] as const
export const compressAlgos = ['deflate', 'gzip', 'brotli', 'lzw'] as const
export const cipherAlgos = ['aes-256-gcm', 'aes-128-cbc', 'aes-256-cbc'] as const
export type ChecksumAlgo = (typeof checksumAlgos)[number]
export type CompressAlgo = (typeof compressAlgos)[number]
export type CipherAlgo = (typeof cipherAlgos)[number]

/** Bytes of key each cipher takes: AES-128 16, AES-256 32. */
export function cipherKeyLength(algo: CipherAlgo): 16 | 32 {
  return algo === 'aes-128-cbc' ? 16 : 32
}

export interface EncryptSettings {
  algo: CipherAlgo
  keyHex?: string | undefined
  passphrase?: string | undefined
  ivHex?: string | undefined
}

export type KeyMaterial =
  | { ok: true; key: { kind: 'hex'; bytes: Uint8Array } | { kind: 'passphrase'; text: string }; iv?: Uint8Array }
  | { ok: false; field: 'keyHex' | 'passphrase' | 'ivHex'; message: string }

/**
 * The one reading of an encrypt step's key settings, shared by the schema and the cipher
 * so a step that skipped validation fails the same way. An empty field counts as absent
 * (a form sends '' for a field left blank). Hex may be pasted as parseHex takes it
 * ("00 11 22", "0x00,0x11", "00:11").
 */
export function readKeyMaterial(s: EncryptSettings): KeyMaterial {
  const hasHex = s.keyHex !== undefined && s.keyHex.trim() !== ''
  const hasPass = s.passphrase !== undefined && s.passphrase !== ''
  if (hasHex && hasPass) return { ok: false, field: 'passphrase', message: 'give keyHex or passphrase, not both' }
  if (!hasHex && !hasPass) return { ok: false, field: 'keyHex', message: `${s.algo} needs a key: give keyHex or passphrase` }
  let iv: Uint8Array | undefined
  // GCM makes a fresh IV for every message, so a fixed ivHex means nothing to it.
  if (s.algo !== 'aes-256-gcm' && s.ivHex !== undefined && s.ivHex.trim() !== '') {
    const r = hexField('ivHex', s.ivHex, 16, `the ${s.algo} IV`)
    if (!r.ok) return r
    iv = r.bytes
  }
  if (!hasHex) return { ok: true, key: { kind: 'passphrase', text: s.passphrase! }, ...(iv ? { iv } : {}) }
  const k = hexField('keyHex', s.keyHex!, cipherKeyLength(s.algo), `an ${s.algo} key`)
  if (!k.ok) return k
  return { ok: true, key: { kind: 'hex', bytes: k.bytes }, ...(iv ? { iv } : {}) }
}

function hexField(
  field: 'keyHex' | 'ivHex',
  text: string,
  length: number,
  what: string
): { ok: true; bytes: Uint8Array } | { ok: false; field: 'keyHex' | 'ivHex'; message: string } {
  const r = parseHex(text)
  if (!r.ok) {
    const why = r.reason === 'oddHexDigits' ? 'an odd number of hex digits' : `'${text[r.index]}' is not a hex digit`
    return { ok: false, field, message: `${field} is not hex: ${why} (at position ${r.index + 1})` }
  }
  if (r.bytes.length !== length) {
    return { ok: false, field, message: `${what} is ${length} bytes (${length * 2} hex digits); ${field} has ${r.bytes.length}` }
  }
  return { ok: true, bytes: r.bytes }
}

/**
 * Which way a step works: both (default: applied to sends, undone on receipt), out only
 * (e.g. append a CRC to what is sent) or in only (e.g. verify and strip a CRC on what
 * arrives, and send without one).
 */
export const stepDirs = ['both', 'out', 'in'] as const
export type StepDir = (typeof stepDirs)[number]
const dirSchema = z.enum(stepDirs).optional()

/** Whether a step takes part in one direction (only a step marked for the other way is left out). */
export function stepApplies(step: { dir?: StepDir | undefined }, dir: 'out' | 'in'): boolean {
  return step.dir !== (dir === 'out' ? 'in' : 'out')
}

const encryptStepSchema = z
  .object({
    kind: z.literal('encrypt'),
    dir: dirSchema,
    algo: z.enum(cipherAlgos),
    keyHex: z.string().max(1000).optional(),
    passphrase: z.string().max(1000).optional(),
    ivHex: z.string().max(1000).optional()
  })
  .superRefine((step, ctx) => {
    const r = readKeyMaterial(step)
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message, path: [r.field] })
  })

export const transformStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checksum'), algo: z.enum(checksumAlgos), dir: dirSchema }),
  z.object({ kind: z.literal('compress'), algo: z.enum(compressAlgos), dir: dirSchema }),
  encryptStepSchema
])
export type TransformStep = z.infer<typeof transformStepSchema>
export const transformStepsSchema = z.array(transformStepSchema).max(8, 'at most 8 transform steps')
