// What one step of a pane's transform pipeline is, and how its settings are checked.
// Only zod, the shared byte helpers and the message catalog: the contract and the renderer may import this
// file, so it must not pull in node:crypto or node:zlib.
import { z } from 'zod'
import { parseHex } from './bytes'
import { isMessageKey, translateRef, type MessageKey, type MessageRef } from './i18n'
import { MAX_INFLATE_MIB, MIN_INFLATE_MIB } from './limits'

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
  /** The key was left out of a saved workspace (workspace-keys.ts): which field it was, so the pane asks for it. */
  keyOmitted?: KeyField | undefined
}

/** Where an encrypt step's key is given: in hex, or as a passphrase. */
export const keyFields = ['keyHex', 'passphrase'] as const
export type KeyField = (typeof keyFields)[number]

export type KeyMaterial =
  | { ok: true; key: { kind: 'hex'; bytes: Uint8Array } | { kind: 'passphrase'; text: string }; iv?: Uint8Array }
  | { ok: false; field: 'keyHex' | 'passphrase' | 'ivHex'; reason: MessageRef }

/**
 * The one reading of an encrypt step's key settings, shared by the schema and the cipher
 * so a step that skipped validation fails the same way. An empty field counts as absent
 * (a form sends '' for a field left blank). Hex may be pasted as parseHex takes it
 * ("00 11 22", "0x00,0x11", "00:11").
 */
export function readKeyMaterial(s: EncryptSettings): KeyMaterial {
  const hasHex = s.keyHex !== undefined && s.keyHex.trim() !== ''
  const hasPass = s.passphrase !== undefined && s.passphrase !== ''
  if (hasHex && hasPass) return { ok: false, field: 'passphrase', reason: { key: 'why.cipher.keyAndPassphrase' } }
  // A key left out of a saved session is wanted, not forgotten: say so, at the field it was in.
  if (!hasHex && !hasPass && s.keyOmitted !== undefined)
    return { ok: false, field: s.keyOmitted, reason: { key: 'why.cipher.keyOmitted', params: { algo: s.algo } } }
  if (!hasHex && !hasPass) return { ok: false, field: 'keyHex', reason: { key: 'why.cipher.noKey', params: { algo: s.algo } } }
  let iv: Uint8Array | undefined
  // GCM makes a fresh IV for every message, so a fixed ivHex means nothing to it.
  if (s.algo !== 'aes-256-gcm' && s.ivHex !== undefined && s.ivHex.trim() !== '') {
    const r = hexField('ivHex', s.ivHex, 16, s.algo)
    if (!r.ok) return r
    iv = r.bytes
  }
  if (!hasHex) return { ok: true, key: { kind: 'passphrase', text: s.passphrase! }, ...(iv ? { iv } : {}) }
  const k = hexField('keyHex', s.keyHex!, cipherKeyLength(s.algo), s.algo)
  if (!k.ok) return k
  return { ok: true, key: { kind: 'hex', bytes: k.bytes }, ...(iv ? { iv } : {}) }
}

const hexReasons = {
  keyHex: { badHexChar: 'why.cipher.keyNotHex', oddHexDigits: 'why.cipher.keyOddHex', length: 'why.cipher.keyLength' },
  ivHex: { badHexChar: 'why.cipher.ivNotHex', oddHexDigits: 'why.cipher.ivOddHex', length: 'why.cipher.ivLength' }
} as const

function hexField(
  field: 'keyHex' | 'ivHex',
  text: string,
  length: number,
  algo: CipherAlgo
): { ok: true; bytes: Uint8Array } | { ok: false; field: 'keyHex' | 'ivHex'; reason: MessageRef } {
  const r = parseHex(text)
  if (!r.ok) {
    const pos = r.index + 1
    const reason: MessageRef =
      r.reason === 'oddHexDigits'
        ? { key: hexReasons[field].oddHexDigits, params: { pos } }
        : { key: hexReasons[field].badHexChar, params: { pos, char: text[r.index] ?? '' } }
    return { ok: false, field, reason }
  }
  if (r.bytes.length !== length) {
    return { ok: false, field, reason: { key: hexReasons[field].length, params: { algo, len: length, digits: length * 2, n: r.bytes.length } } }
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

const encryptShape = {
  kind: z.literal('encrypt'),
  dir: dirSchema,
  algo: z.enum(cipherAlgos),
  keyHex: z.string().max(1000).optional(),
  passphrase: z.string().max(1000).optional(),
  ivHex: z.string().max(1000).optional(),
  keyOmitted: z.enum(keyFields).optional()
}

const encryptStepSchema = z.object(encryptShape).superRefine((step, ctx) => {
  const r = readKeyMaterial(step)
  // The issue's message is the English sentence (a rejected command's detail); `params.reason`
  // is the same in words of the catalog, for a form or a stage to show in the reader's language.
  if (!r.ok) ctx.addIssue({ code: 'custom', message: translateRef('en', r.reason), path: [r.field], params: { reason: r.reason } })
})

/** The catalog reason a key-settings issue of the schema carries, or undefined for any other issue. */
export function issueReason(issue: z.core.$ZodIssue | undefined): MessageRef | undefined {
  return issue?.code === 'custom' ? (issue.params as { reason?: MessageRef } | undefined)?.reason : undefined
}

/** The catalog key of the label of the field a custom issue is about (wholeNumberIn), if it says. */
export function issueField(issue: z.core.$ZodIssue | undefined): MessageKey | undefined {
  const field = issue?.code === 'custom' ? (issue.params as { field?: unknown } | undefined)?.field : undefined
  return isMessageKey(field) ? field : undefined
}

export const transformStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checksum'), algo: z.enum(checksumAlgos), dir: dirSchema }),
  z.object({ kind: z.literal('compress'), algo: z.enum(compressAlgos), dir: dirSchema }),
  encryptStepSchema
])
export type TransformStep = z.infer<typeof transformStepSchema>
export const transformStepsSchema = z.array(transformStepSchema).max(8, 'at most 8 transform steps')

/**
 * An encrypt step whose key was left out of a saved workspace, waiting for it: the forgiving
 * reader of a workspace keeps it (with transformStepSchema, which refuses it, it would be
 * dropped), while the engine refuses to configure a pane with it until the key is given.
 */
export const keyOmittedStepSchema = z.object({ ...encryptShape, keyOmitted: z.enum(keyFields) })

/**
 * A whole number from `min` to `max` for a settings field; out of range it says so in the
 * catalog's words; `field` is the catalog key of the field's label (where the form says to look).
 */
export function wholeNumberIn(min: number, max: number, field: string): z.ZodNumber {
  return z.number().refine((n) => Number.isInteger(n) && n >= min && n <= max, {
    params: { reason: { key: 'settings.wholeNumber', params: { min, max } }, field }
  }) as unknown as z.ZodNumber
}

/** The most one message of a pane may decompress to, in MiB (limits.ts: its default and range). */
export const maxInflateMibSchema = wholeNumberIn(MIN_INFLATE_MIB, MAX_INFLATE_MIB, 'transforms.maxInflate')

/** Whether a pane's incoming messages are decompressed (the steps undone on receipt include one). */
export function decompressesIncoming(steps: readonly TransformStep[]): boolean {
  return steps.some((s) => s.kind === 'compress' && stepApplies(s, 'in'))
}
