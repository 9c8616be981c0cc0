// The checksums against their published check values (the CRC catalogue's "123456789"),
// each in the byte order it goes on the wire.
import * as zlib from 'node:zlib'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toHex } from '../src/shared/bytes'
import { checksum, checksumLength, crc16CcittFalse, crc16Modbus, crc32, md5, sha256, sum8, xor8 } from '../src/main/engine/transforms/checksums'
import { checksumAlgos } from '../src/shared/transform-spec'

const check = new TextEncoder().encode('123456789')

describe('check values for "123456789"', () => {
  it('sum8 is 0xDD and xor8 is 0x31, one byte each', () => {
    expect(toHex(sum8(check))).toBe('dd')
    expect(toHex(xor8(check))).toBe('31')
  })

  it('CRC-16/MODBUS is 0x4B37, low byte first as Modbus RTU appends it', () => {
    expect(toHex(crc16Modbus(check))).toBe('37 4b')
  })

  it('CRC-16/CCITT-FALSE is 0x29B1, big-endian', () => {
    expect(toHex(crc16CcittFalse(check))).toBe('29 b1')
  })

  it('CRC-32 is 0xCBF43926, big-endian', () => {
    expect(toHex(crc32(check))).toBe('cb f4 39 26')
  })

  it('MD5 and SHA-256 are the familiar digests', () => {
    expect(toHex(md5(check), '')).toBe('25f9e794323b453885f5181f1b624d0b')
    expect(toHex(sha256(check), '')).toBe('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225')
  })
})

describe('checksums on real and edge data', () => {
  it('a Modbus RTU request ends in the CRC its frame carries (01 03 00 00 00 0a c5 cd)', () => {
    expect(toHex(crc16Modbus(Uint8Array.of(0x01, 0x03, 0x00, 0x00, 0x00, 0x0a)))).toBe('c5 cd')
  })

  it('sum8 wraps at 256 and xor8 cancels pairs', () => {
    expect([...sum8(Uint8Array.of(0xff, 0x02))]).toEqual([0x01])
    expect([...xor8(Uint8Array.of(0x5a, 0x5a, 0x07))]).toEqual([0x07])
  })

  it('the empty message has the init values as checksum', () => {
    const empty = new Uint8Array(0)
    expect(toHex(sum8(empty))).toBe('00')
    expect(toHex(crc16Modbus(empty))).toBe('ff ff')
    expect(toHex(crc16CcittFalse(empty))).toBe('ff ff')
    expect(toHex(crc32(empty))).toBe('00 00 00 00')
  })

  it('CRC-32 agrees with zlib on random data of many lengths', () => {
    const zcrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32
    for (const n of [1, 3, 64, 1000, 65537]) {
      const data = randomBytes(n)
      const want = zcrc ? zcrc(data) : zlib.gzipSync(data).readUInt32LE(zlib.gzipSync(data).length - 8)
      expect(toHex(crc32(data), '')).toBe(want.toString(16).padStart(8, '0'))
    }
  })

  it('checksum() dispatches by name and checksumLength() matches what it returns', () => {
    const lengths: Record<string, number> = {}
    for (const algo of checksumAlgos) {
      const sum = checksum(algo, check)
      expect(sum.length).toBe(checksumLength(algo))
      lengths[algo] = sum.length
    }
    expect(lengths).toEqual({ sum8: 1, xor8: 1, 'crc16-modbus': 2, 'crc16-ccitt-false': 2, crc32: 4, md5: 16, sha256: 32 })
    expect(toHex(checksum('crc32', check))).toBe('cb f4 39 26')
  })

  it('returns plain bytes with memory of their own', () => {
    for (const algo of checksumAlgos) {
      const sum = checksum(algo, check)
      expect(sum.constructor).toBe(Uint8Array)
      expect(sum.byteLength).toBe(sum.buffer.byteLength)
    }
  })
})
