// A pane's transform steps applied to one message, every stage kept so the person can
// see what each step did to the bytes. Outgoing runs the steps in list order; incoming
// undoes them in reverse. A step marked out-only or in-only is skipped the other way.
// Nothing here throws: a failure is a stage with ok: false.
//
// On the wire (besides what checksums.ts, lzw.ts and cipher.ts say):
//   checksum  appended after the payload, in the byte order checksums.ts gives
//   deflate   a zlib stream (RFC 1950: 2-byte header, Adler-32 trailer), as Python's
//             zlib.compress and Node's zlib.deflateSync make, not raw deflate
//   gzip      RFC 1952, as gzip.compress / zlib.gzipSync
//   brotli    RFC 7932, as brotli.compress / zlib.brotliCompressSync
import { promisify } from 'node:util'
import {
  brotliCompressSync,
  brotliDecompress,
  brotliDecompressSync,
  constants,
  deflateSync,
  gunzip,
  gunzipSync,
  gzipSync,
  inflate,
  inflateSync,
  type ZlibOptions
} from 'node:zlib'
import { formatBytes, toHex } from '../../../shared/bytes'
import { MAX_INFLATE_MIB } from '../../../shared/limits'
import type { MessageRef } from '../../../shared/i18n'
import { checksum, checksumLength } from './checksums'
import { decrypt, encrypt } from './cipher'
import { lzwCompress, lzwDecompress, lzwDecompressInSlices } from './lzw'
import { reasonOf, TransformError } from './transform-error'
import { issueReason, stepApplies, transformStepSchema, type ChecksumAlgo, type CompressAlgo, type TransformStep } from '../../../shared/transform-spec'

export interface Stage {
  /** The algorithm, e.g. 'crc32', 'gzip', 'aes-256-gcm'. */
  step: string
  op: 'append' | 'verify' | 'compress' | 'decompress' | 'encrypt' | 'decrypt'
  ok: boolean
  /** The bytes after this stage (a stage that failed and stopped the pipeline: its input). */
  bytes: Uint8Array
  /** What the check found (checksum ok / mismatch, with the bytes) or why the stage failed, in words of the catalog. */
  reason?: MessageRef
}

export interface PipelineResult {
  ok: boolean
  /** The final output; when a stage stopped the pipeline, that stage's input. */
  bytes: Uint8Array
  stages: Stage[]
}

/** Largest output any decompression may produce, whatever a pane's setting (limits.ts): a small "zip bomb" must not fill memory. */
export const MAX_DECOMPRESSED = MAX_INFLATE_MIB * 1024 * 1024

/** Steps in list order: a checksum is appended, compress compresses, encrypt encrypts. */
export function applyOutgoing(steps: TransformStep[], payload: Uint8Array): PipelineResult {
  return runNow(run(steps, payload, 'out', MAX_DECOMPRESSED))
}

/**
 * Steps in reverse order, each undone: decrypt, decompress, and a checksum verified and
 * stripped. A checksum mismatch marks the stage and the result not ok but goes on with
 * the stripped payload, so the person still sees what arrived. Any other failure stops.
 * A decompression stops past `maxOutput` bytes (the pane's setting) and says so.
 */
export function applyIncoming(steps: TransformStep[], wire: Uint8Array, maxOutput = MAX_DECOMPRESSED): PipelineResult {
  return runNow(run(reversed(steps), wire, 'in', maxOutput))
}

/**
 * applyIncoming with deflate, gzip and brotli inflated off the main thread (Node's async zlib,
 * on the libuv thread pool), so a bomb costs the event loop nothing but the copy of its output.
 * LZW (our own JS) still runs here, bounded by `maxOutput` (about 20 ms at 4 MiB).
 */
export async function applyIncomingOffThread(steps: TransformStep[], wire: Uint8Array, maxOutput = MAX_DECOMPRESSED): Promise<PipelineResult> {
  const pipeline = run(reversed(steps), wire, 'in', maxOutput)
  let next = pipeline.next()
  while (!next.done) {
    const inflated = await decompressOffThread(next.value).then(
      (bytes) => ({ bytes }),
      (err: unknown) => ({ err })
    )
    next = 'bytes' in inflated ? pipeline.next(inflated.bytes) : pipeline.throw(inflated.err)
  }
  return next.value
}

const reversed = (steps: TransformStep[]): TransformStep[] => (Array.isArray(steps) ? [...steps].reverse() : steps)

/** A decompression the pipeline asks its driver for (the answer: the bytes, or the error thrown into it). */
interface Inflate {
  algo: CompressAlgo
  data: Uint8Array
  maxOutput: number
}
type Pipeline = Generator<Inflate, PipelineResult, Uint8Array>

/** Drives a pipeline on this thread: each decompression done at once. */
function runNow(pipeline: Pipeline): PipelineResult {
  let next = pipeline.next()
  while (!next.done) {
    let bytes: Uint8Array
    try {
      bytes = decompressNow(next.value)
    } catch (err) {
      next = pipeline.throw(err)
      continue
    }
    next = pipeline.next(bytes)
  }
  return next.value
}

interface Outcome {
  stage: Stage
  /** Later stages would only work on garbage. */
  stop: boolean
}

/** The steps over the input; each decompression is yielded to the driver, which does it now or off the main thread. */
function* run(steps: TransformStep[], input: Uint8Array, dir: 'out' | 'in', maxOutput: number): Pipeline {
  const stages: Stage[] = []
  if (!Array.isArray(steps)) return { ok: false, bytes: input, stages }
  let bytes = input
  let ok = true
  for (const step of steps) {
    if (typeof step === 'object' && step !== null && !stepApplies(step, dir)) continue
    const { stage, stop } = yield* runStep(step, bytes, dir, maxOutput)
    stages.push(stage)
    if (stop) return { ok: false, bytes, stages }
    ok &&= stage.ok
    bytes = stage.bytes
  }
  return { ok, bytes, stages }
}

const checked = new WeakSet<object>()

function* runStep(step: TransformStep, input: Uint8Array, dir: 'out' | 'in', maxOutput: number): Generator<Inflate, Outcome, Uint8Array> {
  const seen = (typeof step === 'object' && step !== null ? step : {}) as { kind?: unknown; algo?: unknown }
  const name = typeof seen.algo === 'string' ? seen.algo : typeof seen.kind === 'string' ? seen.kind : 'step'
  const op = opOf(seen.kind, dir)
  // Steps should arrive validated; one that did not (a script, an old session file) must
  // still fail as a stage with a reason, not as an exception or undefined bytes.
  // A pane's steps are the same objects for every message: check each one once.
  const valid = checked.has(step) ? { success: true as const } : transformStepSchema.safeParse(step)
  if (valid.success) checked.add(step)
  else {
    const issue = valid.error.issues[0]
    // The key settings' own reason (transform-spec.ts); else zod's words, raw, in the catalog's sentence.
    const own = issueReason(issue)
    if (own) return failed(name, op, input, own)
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return failed(name, op, input, { key: 'why.transform.invalidStep', params: { problem: `${where}${issue?.message ?? 'unknown problem'}` } })
  }
  try {
    switch (step.kind) {
      case 'checksum':
        return dir === 'out' ? done(name, op, appendChecksum(step.algo, input)) : verifyChecksum(step.algo, input)
      case 'compress':
        return done(name, op, dir === 'out' ? compress(step.algo, input) : yield { algo: step.algo, data: input, maxOutput })
      case 'encrypt':
        return done(name, op, dir === 'out' ? encrypt(step, input) : decrypt(step, input))
      default:
        return failed(name, op, input, { key: 'why.transform.invalidStep', params: { problem: `kind: ${String((step as { kind?: unknown }).kind)}` } })
    }
  } catch (err) {
    return failed(name, op, input, reasonOf(err))
  }
}

function opOf(kind: unknown, dir: 'out' | 'in'): Stage['op'] {
  if (kind === 'compress') return dir === 'out' ? 'compress' : 'decompress'
  if (kind === 'encrypt') return dir === 'out' ? 'encrypt' : 'decrypt'
  return dir === 'out' ? 'append' : 'verify'
}

function done(step: string, op: Stage['op'], bytes: Uint8Array): Outcome {
  return { stage: { step, op, ok: true, bytes }, stop: false }
}

function failed(step: string, op: Stage['op'], input: Uint8Array, reason: MessageRef): Outcome {
  return { stage: { step, op, ok: false, bytes: input, reason }, stop: true }
}

function appendChecksum(algo: ChecksumAlgo, payload: Uint8Array): Uint8Array {
  const sum = checksum(algo, payload)
  const out = new Uint8Array(payload.length + sum.length)
  out.set(payload)
  out.set(sum, payload.length)
  return out
}

function verifyChecksum(algo: ChecksumAlgo, data: Uint8Array): Outcome {
  const len = checksumLength(algo)
  if (data.length < len) {
    return failed(algo, 'verify', data, { key: 'why.checksum.tooShort', params: { algo, n: data.length, len } })
  }
  const payload = data.slice(0, data.length - len)
  const got = data.subarray(data.length - len)
  const computed = checksum(algo, payload)
  const same = computed.every((b, i) => b === got[i])
  const reason: MessageRef = same
    ? { key: 'why.checksum.ok', params: { sum: toHex(computed) } }
    : { key: 'why.checksum.mismatch', params: { got: toHex(got), computed: toHex(computed) } }
  return { stage: { step: algo, op: 'verify', ok: same, bytes: payload, reason }, stop: false }
}

function compress(algo: CompressAlgo, data: Uint8Array): Uint8Array {
  switch (algo) {
    case 'deflate':
      return own(deflateSync(data))
    case 'gzip':
      return own(gzipSync(data))
    case 'brotli':
      // Quality 11 (the default) is for files compressed once; a live message wants speed.
      return own(
        brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: data.length }
        })
      )
    case 'lzw':
      return lzwCompress(data)
  }
}

function decompressNow({ algo, data, maxOutput }: Inflate): Uint8Array {
  const limit = { maxOutputLength: maxOutput }
  try {
    switch (algo) {
      case 'deflate':
        return own(inflateSync(data, limit))
      case 'gzip':
        return own(gunzipSync(data, limit))
      case 'brotli':
        return own(brotliDecompressSync(data, limit))
      case 'lzw':
        return lzwDecompress(data, maxOutput)
    }
  } catch (err) {
    throw decompressError(algo, err, maxOutput)
  }
}

const offThread: Record<Exclude<CompressAlgo, 'lzw'>, (data: Uint8Array, options: ZlibOptions) => Promise<Buffer>> = {
  deflate: promisify(inflate),
  gzip: promisify(gunzip),
  brotli: promisify(brotliDecompress)
}

async function decompressOffThread(inflate: Inflate): Promise<Uint8Array> {
  const { algo, data, maxOutput } = inflate
  try {
    if (algo === 'lzw') {
      // Hand-written JS, so not on zlib's thread pool: in slices, the event loop running between them.
      const steps = lzwDecompressInSlices(data, maxOutput)
      for (let r = steps.next(); ; r = steps.next()) {
        if (r.done) return r.value
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    // 64 KiB pieces: a quarter of the round trips to the thread pool of zlib's 16 KiB default.
    return own(await offThread[algo](data, { maxOutputLength: maxOutput, chunkSize: 64 * 1024 }))
  } catch (err) {
    throw decompressError(algo, err, maxOutput)
  }
}

/** What a failed decompression says: past the limit (with the limit), else the algorithm's own words. */
function decompressError(algo: CompressAlgo, err: unknown, maxOutput: number): unknown {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ERR_BUFFER_TOO_LARGE') return new TransformError({ key: 'why.compress.tooLarge', params: { limit: formatBytes(maxOutput) } })
  if (algo === 'lzw' || err instanceof TransformError) return err
  // zlib's own words (e.g. "incorrect header check") stay as they are, inside the catalog's sentence.
  return new TransformError({ key: 'why.compress.invalid', params: { algo, detail: e instanceof Error ? e.message : String(err) } })
}

/**
 * zlib may hand back a view into a larger buffer; a view carries its whole ArrayBuffer
 * through structured clone, so results get memory of their own.
 */
function own(b: Uint8Array): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return new Uint8Array(b.buffer, 0, b.byteLength)
  return new Uint8Array(b)
}
