// The textbook's checksums, each returned as the bytes that go on the wire, in the byte
// order the protocol that made it famous uses. The CRCs are table-driven, written out
// here rather than taken from zlib so a person can read how they work.
import { createHash } from 'node:crypto'
import type { ChecksumAlgo } from '../../../shared/transform-spec'

/** Sum of all bytes mod 256: one byte. Misses reordered bytes. */
export function sum8(data: Uint8Array): Uint8Array {
  let s = 0
  for (let i = 0; i < data.length; i++) s = (s + data[i]!) & 0xff
  return Uint8Array.of(s)
}

/** XOR of all bytes (the "LRC" of many serial protocols): one byte. Misses a bit flipped twice. */
export function xor8(data: Uint8Array): Uint8Array {
  let x = 0
  for (let i = 0; i < data.length; i++) x ^= data[i]!
  return Uint8Array.of(x)
}

// Reflected CRCs shift right and use the bit-reversed polynomial: 0x8005 -> 0xA001,
// 0x04C11DB7 -> 0xEDB88320. The not-reflected CCITT shifts left with 0x1021 as is.
const MODBUS_TABLE = reflectedTable(0xa001)
const CRC32_TABLE = reflectedTable(0xedb88320)
const CCITT_TABLE = (() => {
  const t = new Uint16Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n << 8
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff
    t[n] = c
  }
  return t
})()

function reflectedTable(poly: number): Uint32Array {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1
    t[n] = c >>> 0
  }
  return t
}

/** CRC-16/MODBUS: poly 0x8005 reflected, init 0xFFFF. Low byte first, as Modbus RTU appends it. */
export function crc16Modbus(data: Uint8Array): Uint8Array {
  let c = 0xffff
  for (let i = 0; i < data.length; i++) c = (c >>> 8) ^ MODBUS_TABLE[(c ^ data[i]!) & 0xff]!
  return Uint8Array.of(c & 0xff, c >>> 8)
}

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final XOR. Big-endian. */
export function crc16CcittFalse(data: Uint8Array): Uint8Array {
  let c = 0xffff
  for (let i = 0; i < data.length; i++) c = ((c << 8) & 0xffff) ^ CCITT_TABLE[((c >>> 8) ^ data[i]!) & 0xff]!
  return Uint8Array.of(c >>> 8, c & 0xff)
}

/** CRC-32 as zlib, Ethernet and PNG compute it (IEEE, reflected, init and final XOR 0xFFFFFFFF). Big-endian. */
export function crc32(data: Uint8Array): Uint8Array {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = (c >>> 8) ^ CRC32_TABLE[(c ^ data[i]!) & 0xff]!
  c = (c ^ 0xffffffff) >>> 0
  return Uint8Array.of(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff)
}

export function md5(data: Uint8Array): Uint8Array {
  return digest('md5', data)
}

export function sha256(data: Uint8Array): Uint8Array {
  return digest('sha256', data)
}

function digest(name: string, data: Uint8Array): Uint8Array {
  // A Buffer from digest() may sit in Node's shared pool; give back bytes of its own.
  return Uint8Array.from(createHash(name).update(data).digest())
}

const functions: Record<ChecksumAlgo, (data: Uint8Array) => Uint8Array> = {
  sum8,
  xor8,
  'crc16-modbus': crc16Modbus,
  'crc16-ccitt-false': crc16CcittFalse,
  crc32,
  md5,
  sha256
}

const lengths: Record<ChecksumAlgo, number> = {
  sum8: 1,
  xor8: 1,
  'crc16-modbus': 2,
  'crc16-ccitt-false': 2,
  crc32: 4,
  md5: 16,
  sha256: 32
}

export function checksum(algo: ChecksumAlgo, data: Uint8Array): Uint8Array {
  return functions[algo](data)
}

/** How many bytes the checksum takes on the wire. */
export function checksumLength(algo: ChecksumAlgo): number {
  return lengths[algo]
}
