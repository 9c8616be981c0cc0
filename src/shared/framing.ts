// Message framing: how a byte stream is cut into messages. TCP delivers reads, not messages;
// a message may arrive in pieces or several in one read, and each protocol says where one
// ends: a delimiter, a fixed size or a length header. The Deframer keeps what it has been
// given in one growing buffer with a read offset, so a firehose of tiny reads costs linear
// time, never a concatenation of everything per read. No Node, no DOM.
import { parseHex } from './bytes'
import { translateRef, type MessageRef } from './i18n'

export type FramingSpec =
  | { kind: 'raw' }
  | { kind: 'delimiter'; delimiterHex: string } // e.g. '0a', '0d0a', any 1–16 bytes
  | { kind: 'fixed'; length: number } // 1 … 1 MiB
  | { kind: 'length'; bytes: 1 | 2 | 4; endian: 'be' | 'le'; includesHeader: boolean; maxLength?: number /* default 16 MiB */ }

/** The default bound on a length-prefixed payload, and on a delimited message still waiting for its delimiter. */
export const defaultMaxLength = 16 * 1024 * 1024
/** The largest fixed length. */
const MAX_FIXED = 1024 * 1024

/** Why a spec cannot frame anything, or undefined when it can. The contract's schema checks the same. */
export function framingSpecError(spec: FramingSpec): MessageRef | undefined {
  switch (spec.kind) {
    case 'raw':
      return undefined
    case 'delimiter':
      return /^([0-9a-fA-F]{2}){1,16}$/.test(spec.delimiterHex) ? undefined : { key: 'why.frame.badDelimiter' }
    case 'fixed':
      return Number.isInteger(spec.length) && spec.length >= 1 && spec.length <= MAX_FIXED
        ? undefined
        : { key: 'why.frame.badFixedLength', params: { max: MAX_FIXED } }
    case 'length':
      if (![1, 2, 4].includes(spec.bytes)) return { key: 'why.frame.badHeaderSize' }
      return spec.maxLength === undefined || (Number.isInteger(spec.maxLength) && spec.maxLength >= 1) ? undefined : { key: 'why.frame.badMaxLength' }
  }
}

function delimiterOf(spec: { delimiterHex: string }): Uint8Array {
  const r = parseHex(spec.delimiterHex)
  if (!r.ok || r.bytes.length === 0) throw new RangeError(`bad delimiter "${spec.delimiterHex}"`)
  return r.bytes
}

export class Deframer {
  private buf = new Uint8Array(0)
  /** Bytes not yet returned are buf[start, end). */
  private start = 0
  private end = 0
  /** Delimiter mode: where the next search begins, so no byte is searched twice. */
  private searchFrom = 0
  private readonly delimiter: Uint8Array | undefined
  private readonly maxLength: number

  /** Throws RangeError on a spec framingSpecError rejects. */
  constructor(private readonly spec: FramingSpec) {
    const bad = framingSpecError(spec)
    if (bad) throw new RangeError(translateRef('en', bad))
    this.delimiter = spec.kind === 'delimiter' ? delimiterOf(spec) : undefined
    this.maxLength = spec.kind === 'length' ? (spec.maxLength ?? defaultMaxLength) : defaultMaxLength
  }

  /**
   * Feeds one read; returns every message now complete, each as on the wire (header or
   * delimiter included), in order. A length header beyond maxLength (or smaller than the
   * header when includesHeader), or a delimited message past 16 MiB with no delimiter yet, is
   * an error: the buffered bytes are returned in `discarded` and framing restarts with the next read.
   */
  push(chunk: Uint8Array): { frames: Uint8Array[]; error?: MessageRef; discarded?: Uint8Array } {
    if (this.spec.kind === 'raw') return { frames: chunk.byteLength ? [chunk] : [] }
    this.append(chunk)
    const frames: Uint8Array[] = []
    for (;;) {
      const r = this.next()
      if (r === undefined) break
      if (typeof r === 'object') {
        const discarded = this.take(this.end - this.start)
        this.reset()
        return { frames, error: r, discarded }
      }
      frames.push(this.take(r))
    }
    return { frames }
  }

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.end - this.start
  }

  /** At end of stream: whatever was left, as an incomplete frame. */
  flush(): Uint8Array | undefined {
    const rest = this.pending ? this.take(this.pending) : undefined
    this.reset()
    return rest
  }

  /** The length of the next complete frame, undefined if it is not all here yet, or an error. */
  private next(): number | MessageRef | undefined {
    const have = this.end - this.start
    const spec = this.spec
    switch (spec.kind) {
      case 'raw':
        return undefined
      case 'fixed':
        return have >= spec.length ? spec.length : undefined
      case 'delimiter': {
        const at = this.findDelimiter()
        if (at >= 0) return at + this.delimiter!.length - this.start
        return have > this.maxLength ? { key: 'why.frame.noDelimiter', params: { n: have, limit: this.maxLength } } : undefined
      }
      case 'length': {
        if (have < spec.bytes) return undefined
        const value = this.readHeader(spec.bytes, spec.endian)
        if (spec.includesHeader && value < spec.bytes) return { key: 'why.frame.headerTooSmall', params: { value, size: spec.bytes } }
        const payload = spec.includesHeader ? value - spec.bytes : value
        if (payload > this.maxLength) return { key: 'why.frame.lengthOverLimit', params: { value, limit: this.maxLength } }
        return have >= spec.bytes + payload ? spec.bytes + payload : undefined
      }
    }
  }

  private readHeader(size: 1 | 2 | 4, endian: 'be' | 'le'): number {
    let v = 0
    for (let k = 0; k < size; k++) v = v * 256 + this.buf[this.start + (endian === 'be' ? k : size - 1 - k)]!
    return v
  }

  /** Index in buf of the next delimiter at or after start, or -1; a delimiter split across reads counts. */
  private findDelimiter(): number {
    const d = this.delimiter!
    const buf = this.buf
    const first = d[0]!
    const last = this.end - d.length
    let i = Math.max(this.start, this.searchFrom)
    for (; i <= last; i++) {
      if (buf[i] !== first) continue
      let k = 1
      while (k < d.length && buf[i + k] === d[k]) k++
      if (k === d.length) {
        this.searchFrom = i + d.length
        return i
      }
    }
    // The last d.length - 1 bytes may begin a delimiter the next read completes.
    this.searchFrom = Math.max(this.start, i)
    return -1
  }

  private append(chunk: Uint8Array): void {
    if (this.start === this.end) this.reset()
    if (this.end + chunk.byteLength > this.buf.length) {
      const live = this.end - this.start
      const need = live + chunk.byteLength
      // Slide down only when that frees at least as much as it copies, else grow: either way
      // each byte is moved O(1) times on average.
      if (need <= this.buf.length && this.start >= live) {
        this.buf.copyWithin(0, this.start, this.end)
      } else {
        const grown = new Uint8Array(Math.max(need, this.buf.length * 2, 4096))
        grown.set(this.buf.subarray(this.start, this.end))
        this.buf = grown
      }
      this.searchFrom = Math.max(0, this.searchFrom - this.start)
      this.start = 0
      this.end = live
    }
    this.buf.set(chunk, this.end)
    this.end += chunk.byteLength
  }

  /** The next n bytes as a frame of their own (a copy: the buffer is reused). */
  private take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n)
    this.start += n
    return out
  }

  private reset(): void {
    this.start = this.end = this.searchFrom = 0
    // After one big message, do not hold its buffer for the life of the connection.
    if (this.buf.length > 1024 * 1024) this.buf = new Uint8Array(0)
  }
}

/** The payload inside one frame (header or delimiter removed); a view into `frame`. */
export function unframe(spec: FramingSpec, frame: Uint8Array): Uint8Array {
  switch (spec.kind) {
    case 'raw':
    case 'fixed':
      return frame
    case 'delimiter': {
      const d = delimiterOf(spec)
      const n = frame.length - d.length
      // An incomplete last frame (from flush) has no delimiter to remove.
      return n >= 0 && d.every((b, k) => frame[n + k] === b) ? frame.subarray(0, n) : frame
    }
    case 'length':
      return frame.subarray(Math.min(spec.bytes, frame.length))
  }
}

/**
 * Wraps a payload for sending: adds the length header or the delimiter; fixed length pads
 * with zero bytes or fails if too long. A payload is also too long for a length header that
 * cannot count it or beyond maxLength. A delimiter inside the payload is sent as it is.
 */
export function frame(spec: FramingSpec, payload: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; reason: MessageRef } {
  const bad = framingSpecError(spec)
  if (bad) return { ok: false, reason: bad }
  switch (spec.kind) {
    case 'raw':
      return { ok: true, bytes: payload }
    case 'delimiter': {
      const d = delimiterOf(spec)
      const out = new Uint8Array(payload.length + d.length)
      out.set(payload)
      out.set(d, payload.length)
      return { ok: true, bytes: out }
    }
    case 'fixed': {
      if (payload.length > spec.length) return { ok: false, reason: { key: 'why.frame.fixedOverflow', params: { n: payload.length, length: spec.length } } }
      const out = new Uint8Array(spec.length)
      out.set(payload)
      return { ok: true, bytes: out }
    }
    case 'length': {
      const value = payload.length + (spec.includesHeader ? spec.bytes : 0)
      const max = Math.min(256 ** spec.bytes - 1, (spec.maxLength ?? defaultMaxLength) + (spec.includesHeader ? spec.bytes : 0))
      if (value > max) {
        const most = max - (spec.includesHeader ? spec.bytes : 0)
        return { ok: false, reason: { key: 'why.frame.headerOverflow', params: { n: payload.length, size: spec.bytes, max: most } } }
      }
      const out = new Uint8Array(spec.bytes + payload.length)
      for (let k = 0; k < spec.bytes; k++) {
        const byte = Math.floor(value / 256 ** k) % 256 // k-th byte from the low end
        out[spec.endian === 'le' ? k : spec.bytes - 1 - k] = byte
      }
      out.set(payload, spec.bytes)
      return { ok: true, bytes: out }
    }
  }
}
