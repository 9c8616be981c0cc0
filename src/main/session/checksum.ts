// The Internet checksum (RFC 1071), used for IPv4 headers and TCP/UDP segments.

/**
 * Adds the bytes [start, end) of `buf` as big-endian 16-bit words to `sum` (an odd last
 * byte is padded with zero). The result is an unfolded sum; pass it to `foldChecksum`.
 */
export function sumWords(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let s = sum
  let i = start
  const last = end - 1
  // Eight bytes per round keeps the loop short; the partial sum stays far below 2^53.
  for (; i + 7 < end; i += 8) {
    s += ((buf[i]! << 8) | buf[i + 1]!) + ((buf[i + 2]! << 8) | buf[i + 3]!) + ((buf[i + 4]! << 8) | buf[i + 5]!) + ((buf[i + 6]! << 8) | buf[i + 7]!)
  }
  for (; i < last; i += 2) s += (buf[i]! << 8) | buf[i + 1]!
  if (i === last) s += buf[i]! << 8
  return s
}

/** Folds a sum from `sumWords` to 16 bits and complements it: the value to put in the header. */
export function foldChecksum(sum: number): number {
  let s = sum
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000)
  return ~s & 0xffff
}
