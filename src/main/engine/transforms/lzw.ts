// LZW as GIF does it, minus GIF's leading min-code-size byte, so the dictionary can be
// watched growing one code at a time.
//
// Wire format (what the other side must do):
//   codes 0..255 are the bytes themselves, 256 is CLEAR, 257 is END, 258..4095 are learned;
//   bits are packed LSB-first (a code's lowest bit goes into the lowest free bit of the
//   current byte), the last byte padded with zero bits;
//   the stream starts with CLEAR and ends with END; codes start 9 bits wide;
//   widening: the compressor, about to learn code 512 (1024, 2048), first widens by one
//   bit, up to 12; the decompressor, which learns each entry one code later, widens as
//   soon as it has learned code 511 (1023, 2047), before reading the next code;
//   full dictionary: once code 4095 is learned, the next code the compressor emits is
//   followed by CLEAR (both 12 bits wide), and it starts again at 258 and 9 bits.
// The decompressor also takes a stream without the leading CLEAR, and one that keeps
// using a full dictionary without clearing (it then learns no more codes).
import { formatBytes } from '../../../shared/bytes'
import { TransformError } from './transform-error'

const CLEAR = 256
const END = 257
const FIRST = 258
const MAX_CODES = 4096
const MIN_WIDTH = 9
const MAX_WIDTH = 12
/** Largest output the decompressor will build: corrupt or hostile input cannot exhaust memory. */
export const LZW_MAX_OUTPUT = 64 * 1024 * 1024

// The compressor's dictionary, (prefix code, next byte) -> code, as a flat table indexed
// prefix * 256 + byte: 2 MiB, made once and reused (compress is synchronous), and reset
// by clearing only the slots that were used, so a small message does not pay for 2 MiB.
let table: Uint16Array | undefined
const used = new Uint32Array(MAX_CODES)

export function lzwCompress(input: Uint8Array): Uint8Array {
  const dict = (table ??= new Uint16Array(MAX_CODES * 256))
  let nUsed = 0
  const resetDict = (): void => {
    for (let i = 0; i < nUsed; i++) dict[used[i]!] = 0
    nUsed = 0
  }
  // At most one code per input byte, plus CLEAR, END and one CLEAR per filled dictionary.
  const maxCodes = input.length + 3 + Math.ceil(input.length / (MAX_CODES - FIRST))
  const out = new Uint8Array(Math.ceil((maxCodes * MAX_WIDTH) / 8) + 1)
  let pos = 0
  let acc = 0
  let bits = 0
  let width = MIN_WIDTH
  const emit = (code: number): void => {
    acc |= code << bits
    bits += width
    while (bits >= 8) {
      out[pos++] = acc & 0xff
      acc >>>= 8
      bits -= 8
    }
  }

  try {
    emit(CLEAR)
    let next = FIRST
    if (input.length > 0) {
      let prefix = input[0]!
      for (let i = 1; i < input.length; i++) {
        const byte = input[i]!
        const slot = prefix * 256 + byte
        const known = dict[slot]!
        if (known !== 0) {
          prefix = known
          continue
        }
        emit(prefix)
        if (next === MAX_CODES) {
          emit(CLEAR)
          resetDict()
          next = FIRST
          width = MIN_WIDTH
        } else {
          if (next >= 1 << width) width++
          dict[slot] = next++
          used[nUsed++] = slot
        }
        prefix = byte
      }
      emit(prefix)
    }
    emit(END)
    if (bits > 0) out[pos++] = acc & 0xff
    return out.slice(0, pos)
  } finally {
    resetDict()
  }
}

/** Throws a TransformError saying what is wrong with a corrupt or truncated stream. */
export function lzwDecompress(input: Uint8Array, maxOutput = LZW_MAX_OUTPUT): Uint8Array {
  const steps = lzwDecompressInSlices(input, maxOutput)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/** Codes decoded between two slices: about a millisecond of work. */
const SLICE_CODES = 32 * 1024

/**
 * The same decoding, yielding after every SLICE_CODES codes: whoever drives it may let the
 * event loop run between slices (a 4 MiB bomb is then ~100 slices, never one long stall).
 */
export function* lzwDecompressInSlices(input: Uint8Array, maxOutput = LZW_MAX_OUTPUT): Generator<void, Uint8Array, void> {
  // Entry c is prefix[c] followed by suffix[c]; first[c] and length[c] let a code be
  // written out back to front without walking the chain twice.
  const prefix = new Uint16Array(MAX_CODES)
  const suffix = new Uint8Array(MAX_CODES)
  const first = new Uint8Array(MAX_CODES)
  const length = new Uint16Array(MAX_CODES)
  for (let c = 0; c < 256; c++) {
    suffix[c] = c
    first[c] = c
    length[c] = 1
  }

  let out = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 3)))
  let pos = 0
  const room = (n: number): void => {
    if (pos + n <= out.length) return
    if (pos + n > maxOutput) throw new TransformError({ key: 'why.compress.tooLarge', params: { limit: formatBytes(maxOutput) } })
    const grown = new Uint8Array(Math.min(maxOutput, Math.max(pos + n, out.length * 2)))
    grown.set(out.subarray(0, pos))
    out = grown
  }

  let width = MIN_WIDTH
  let next = FIRST
  let prev = -1
  let acc = 0
  let bits = 0
  let inPos = 0
  let bitPos = 0
  for (let n = 1; ; n++) {
    if (n % SLICE_CODES === 0) yield
    while (bits < width) {
      if (inPos >= input.length) {
        throw new TransformError({ key: 'why.lzw.truncated', params: { n: input.length } })
      }
      acc |= input[inPos++]! << bits
      bits += 8
    }
    const code = acc & ((1 << width) - 1)
    acc >>>= width
    bits -= width
    const at = bitPos
    bitPos += width

    if (code === CLEAR) {
      width = MIN_WIDTH
      next = FIRST
      prev = -1
      continue
    }
    if (code === END) break
    // A code may only name what is known, or (the KwKwK case) the entry about to be learned.
    if (code > next || (code === next && (prev < 0 || next === MAX_CODES))) {
      throw new TransformError({ key: 'why.lzw.corrupt', params: { code, bit: at, next } })
    }

    const isNew = code === next
    const len = isNew ? length[prev]! + 1 : length[code]!
    room(len)
    if (isNew) {
      // The new entry is prev followed by prev's own first byte.
      writeEntry(out, pos, prev, prefix, suffix, length)
      out[pos + len - 1] = first[prev]!
    } else {
      writeEntry(out, pos, code, prefix, suffix, length)
    }
    pos += len

    if (prev >= 0 && next < MAX_CODES) {
      prefix[next] = prev
      suffix[next] = isNew ? first[prev]! : first[code]!
      first[next] = first[prev]!
      length[next] = length[prev]! + 1
      next++
      if (next === 1 << width && width < MAX_WIDTH) width++
    }
    prev = code
  }
  return out.slice(0, pos)
}

function writeEntry(out: Uint8Array, at: number, code: number, prefix: Uint16Array, suffix: Uint8Array, length: Uint16Array): void {
  let c = code
  for (let i = at + length[code]! - 1; i >= at; i--) {
    out[i] = suffix[c]!
    c = prefix[c]!
  }
}
