// Classic pcap scanning (tcpdump's format): microsecond or nanosecond timestamps, either
// byte order, and the "modified" (Kuznetzov) variant with its longer record headers.
import { formatBytes } from '../../shared/bytes'
import type { CaptureSink, ScanResult } from './capture-sink'
import { MAX_BLOCK } from './constants'
import { BREATHE, type FileWindow, type Need } from './file-window'
import { SessionFileError } from './types'

export interface PcapMagic {
  le: boolean
  nanos: boolean
  recordHeader: number
}

/** The pcap variant for the file's first four bytes (read little-endian), or null. */
export function pcapMagic(m: number): PcapMagic | null {
  switch (m >>> 0) {
    case 0xa1b2c3d4:
      return { le: true, nanos: false, recordHeader: 16 }
    case 0xd4c3b2a1:
      return { le: false, nanos: false, recordHeader: 16 }
    case 0xa1b23c4d:
      return { le: true, nanos: true, recordHeader: 16 }
    case 0x4d3cb2a1:
      return { le: false, nanos: true, recordHeader: 16 }
    case 0xa1b2cd34:
      return { le: true, nanos: false, recordHeader: 24 }
    case 0x34cdb2a1:
      return { le: false, nanos: false, recordHeader: 24 }
    default:
      return null
  }
}

/** Walks the records; yields a Need before bytes the window does not hold (see FileWindow). */
export function* scanPcap(win: FileWindow, magic: PcapMagic, sink: CaptureSink): Generator<Need, ScanResult> {
  const size = win.size
  if (!win.holds(0, 24)) yield { offset: 0, len: 24 }
  const head = win.get(0, 24)
  if (!head) throw new SessionFileError('CORRUPT', { key: 'why.session.pcapHeaderCut', params: { size: formatBytes(size) } })
  const hdv = new DataView(head.buffer, head.byteOffset, 24)
  const le = magic.le
  const major = hdv.getUint16(4, le)
  if (major !== 2) throw new SessionFileError('UNSUPPORTED', { key: 'why.session.pcapVersion', params: { version: `${major}.${hdv.getUint16(6, le)}` } })
  const linkType = hdv.getUint32(20, le) & 0xffff
  const mul = magic.nanos ? 1n : 1000n
  const rh = magic.recordHeader
  let off = 24
  let records = 0
  while (off < size) {
    const remain = size - off
    const at = { at: off, fileSize: size }
    if (remain < rh) return { truncated: { atOffset: off, reason: { key: 'why.session.cut.pcapRecordHeader', params: { ...at, count: remain } } } }
    if (!win.holds(off, rh)) yield { offset: off, len: rh }
    const r = win.get(off, rh)!
    const dv = new DataView(r.buffer, r.byteOffset, rh)
    const sec = dv.getUint32(0, le)
    const frac = dv.getUint32(4, le)
    const incl = dv.getUint32(8, le)
    const orig = dv.getUint32(12, le)
    if (incl > MAX_BLOCK) return { truncated: { atOffset: off, reason: { key: 'why.session.cut.pcapTooLarge', params: { ...at, length: formatBytes(incl) } } } }
    if (rh + incl > remain) {
      const reason = { key: 'why.session.cut.pcapPartial', params: { ...at, length: formatBytes(incl), present: formatBytes(remain - rh) } } as const
      return { truncated: { atOffset: off, reason } }
    }
    const tNs = BigInt(sec) * 1_000_000_000n + BigInt(frac) * mul
    sink.countPacket(tNs)
    if (!win.holds(off + rh, incl)) yield { offset: off + rh, len: incl }
    const data = win.get(off + rh, incl)!
    sink.packet({ linkType, tNs, data, dataOffset: off + rh, origLen: orig })
    off += rh + incl
    if (++records % BREATHE === 0) yield { offset: off, len: 0 }
  }
  return {}
}
