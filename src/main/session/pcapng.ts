// pcapng scanning: block by block, validating every length, in either byte order.
// Stops at the first damaged block and reports where (see docs/session-format.md).
// Our records come from record blocks (format version 2) or, in files of version 1, from
// custom blocks with LEGACY_PEN; packets' flow options likewise.
import { formatBytes } from '../../shared/bytes'
import type { MessageKey, Params } from '../../shared/i18n'
import type { CaptureSink, ScanResult } from './capture-sink'
import {
  BT_CUSTOM,
  BT_CUSTOM_NOCOPY,
  BT_EPB,
  BT_IDB,
  BT_OPB,
  BT_RECORD,
  BT_SHB,
  BT_SPB,
  BYTE_ORDER_MAGIC,
  IF_TSOFFSET,
  IF_TSRESOL,
  LEGACY_PEN,
  MAX_BLOCK,
  OPT_CUSTOM_BIN,
  OPT_CUSTOM_BIN_NOCOPY,
  OPT_FLOW,
  RECORD_TAG
} from './constants'
import { BREATHE, type FileWindow, type Need } from './file-window'
import { SessionFileError } from './types'

interface Iface {
  linkType: number
  snapLen: number
  /** Timestamp units -> ns. */
  toNs: (units: bigint) => bigint
}

const utf8 = new TextDecoder('utf-8')
const TAG = [...RECORD_TAG].map((c) => c.charCodeAt(0))

/** A record block of ours: its body starts with RECORD_TAG. */
function isRecord(b: Uint8Array, len: number): boolean {
  return len >= 12 + TAG.length && TAG.every((c, i) => b[8 + i] === c)
}

/** A block type as pcapng names it (language-neutral: an abbreviation, else the number). */
function blockLabel(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'SHB'
    case BT_IDB:
      return 'IDB'
    case BT_EPB:
      return 'EPB'
    case BT_SPB:
      return 'SPB'
    case BT_OPB:
      return 'PB'
    case BT_CUSTOM:
    case BT_CUSTOM_NOCOPY:
      return 'CB'
    default:
      return `0x${(type >>> 0).toString(16).padStart(8, '0')}`
  }
}

/** Walks options in [start, end): calls `fn(code, valueOffset, valueLen)`; stops at opt_endofopt or at anything that does not fit. */
function eachOption(dv: DataView, start: number, end: number, le: boolean, fn: (code: number, at: number, len: number) => void): void {
  let p = start
  while (p + 4 <= end) {
    const code = dv.getUint16(p, le)
    const len = dv.getUint16(p + 2, le)
    if (code === 0) return
    if (p + 4 + len > end) return
    fn(code, p + 4, len)
    p += 4 + ((len + 3) & ~3)
  }
}

function tsConverter(resol: number, offsetSec: bigint): (units: bigint) => bigint {
  const off = offsetSec * 1_000_000_000n
  const exp = resol & 0x7f
  if (resol & 0x80) {
    if (exp > 64) return () => off
    return (u) => ((u * 1_000_000_000n) >> BigInt(exp)) + off
  }
  if (exp <= 9) {
    const mul = 10n ** BigInt(9 - exp)
    return (u) => u * mul + off
  }
  if (exp > 30) return () => off
  const div = 10n ** BigInt(exp - 9)
  return (u) => u / div + off
}

/** Walks the blocks; yields a Need before bytes the window does not hold (see FileWindow). */
export function* scanPcapng(win: FileWindow, sink: CaptureSink): Generator<Need, ScanResult> {
  const size = win.size
  let off = 0
  let le = true
  let sectionSeen = false
  /** This section holds record blocks of ours: our per-packet option (a local-use code) is trusted. */
  let oursInSection = false
  let ifaces: Iface[] = []
  let blocks = 0
  /** Where the file stops being readable, and why (a `why.session.cut.*` key); before the first section header, the file cannot be opened. */
  const stop = (key: MessageKey, params: Params = {}, cut = false): ScanResult => {
    if (!sectionSeen) {
      throw new SessionFileError(
        'CORRUPT',
        cut ? { key: 'why.session.headerCut', params: { size: formatBytes(size) } } : { key: 'why.session.headerDamaged', params: { at: off } }
      )
    }
    return { truncated: { atOffset: off, reason: { key, params: { at: off, fileSize: size, ...params } } } }
  }

  while (off < size) {
    const remain = size - off
    if (remain < 12) return stop('why.session.cut.strayBytes', { count: remain }, true)
    if (!win.holds(off, 12)) yield { offset: off, len: 12 }
    const head = win.get(off, 12)!
    const hdv = new DataView(head.buffer, head.byteOffset, 12)
    let type = hdv.getUint32(0, le)
    if (type === BT_SHB) {
      const magic = hdv.getUint32(8, true)
      if (magic === BYTE_ORDER_MAGIC) le = true
      else if (magic === 0x4d3c2b1a) le = false
      else return stop('why.session.cut.badByteOrder')
      type = BT_SHB
    }
    const len = hdv.getUint32(4, le)
    const block = blockLabel(type)
    if (len < 12 || len % 4 !== 0) return stop('why.session.cut.badLength', { block, length: formatBytes(len) })
    if (len > MAX_BLOCK) return stop('why.session.cut.tooLarge', { block, length: formatBytes(len) })
    if (len > remain) return stop('why.session.cut.partialBlock', { block, length: formatBytes(len), present: formatBytes(remain) }, true)
    if (!win.holds(off, len)) yield { offset: off, len }
    const b = win.get(off, len)!
    const dv = new DataView(b.buffer, b.byteOffset, len)
    if (dv.getUint32(len - 4, le) !== len) return stop('why.session.cut.badTrailer', { block })

    switch (type) {
      case BT_SHB: {
        if (len < 28) return stop('why.session.cut.shortSectionHeader')
        const major = dv.getUint16(12, le)
        if (major !== 1) {
          const version = `${major}.${dv.getUint16(14, le)}`
          if (!sectionSeen) throw new SessionFileError('UNSUPPORTED', { key: 'why.session.pcapngVersion', params: { version } })
          return stop('why.session.cut.sectionVersion', { version })
        }
        sectionSeen = true
        oursInSection = false
        ifaces = []
        break
      }
      case BT_IDB: {
        if (len < 20) {
          sink.note({ key: 'note.shortIdb' })
          ifaces.push({ linkType: -1, snapLen: 0, toNs: () => 0n })
          break
        }
        let resol = 6
        let tsOffset = 0n
        eachOption(dv, 16, len - 4, le, (code, at, olen) => {
          if (code === IF_TSRESOL && olen >= 1) resol = dv.getUint8(at)
          else if (code === IF_TSOFFSET && olen >= 8) tsOffset = dv.getBigInt64(at, le)
        })
        ifaces.push({ linkType: dv.getUint16(8, le), snapLen: dv.getUint32(12, le), toNs: tsConverter(resol, tsOffset) })
        break
      }
      case BT_EPB:
      case BT_OPB: {
        if (len < 32) {
          sink.note({ key: 'note.shortPacketBlock' })
          break
        }
        const ifId = type === BT_EPB ? dv.getUint32(8, le) : dv.getUint16(8, le)
        const ts = (BigInt(dv.getUint32(12, le)) << 32n) | BigInt(dv.getUint32(16, le))
        const capLen = dv.getUint32(20, le)
        const origLen = dv.getUint32(24, le)
        const iface = ifaces[ifId]
        if (capLen > len - 32) {
          sink.countPacket(undefined)
          sink.note({ key: 'note.packetPastBlock' })
          break
        }
        if (!iface) {
          sink.countPacket(undefined)
          sink.note({ key: 'note.unknownInterface' })
          break
        }
        const tNs = iface.toNs(ts)
        sink.countPacket(tNs)
        let ours: { flow: number; kind: number } | undefined
        const optStart = 28 + ((capLen + 3) & ~3)
        if (type === BT_EPB) {
          eachOption(dv, optStart, len - 4, le, (code, at, olen) => {
            if (code === OPT_FLOW && olen === 5 && oursInSection) ours = { flow: dv.getUint32(at, le), kind: dv.getUint8(at + 4) }
            else if ((code === OPT_CUSTOM_BIN || code === OPT_CUSTOM_BIN_NOCOPY) && olen >= 9 && dv.getUint32(at, le) === LEGACY_PEN) {
              ours = { flow: dv.getUint32(at + 4, le), kind: dv.getUint8(at + 8) }
            }
          })
        }
        if (iface.linkType < 0) break
        sink.packet({ linkType: iface.linkType, tNs, data: b.subarray(28, 28 + capLen), dataOffset: off + 28, origLen, ours })
        break
      }
      case BT_SPB: {
        if (len < 16) break
        const iface = ifaces[0]
        sink.countPacket(undefined)
        if (!iface) {
          sink.note({ key: 'note.unknownInterface' })
          break
        }
        const origLen = dv.getUint32(8, le)
        let capLen = Math.min(origLen, len - 16)
        if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen)
        if (iface.linkType < 0) break
        sink.packet({ linkType: iface.linkType, tNs: undefined, data: b.subarray(12, 12 + capLen), dataOffset: off + 12, origLen })
        break
      }
      case BT_RECORD: {
        if (!isRecord(b, len)) break // another program's local-use block
        oursInSection = true
        sink.json(utf8.decode(b.subarray(8 + TAG.length, len - 4)), off)
        break
      }
      case BT_CUSTOM:
      case BT_CUSTOM_NOCOPY: {
        if (len < 16 || dv.getUint32(8, le) !== LEGACY_PEN) break
        sink.json(utf8.decode(b.subarray(12, len - 4)), off)
        break
      }
      default:
        break // name resolution, statistics, journal entries, ...: not needed
    }
    off += len
    if (++blocks % BREATHE === 0) yield { offset: off, len: 0 }
  }
  return {}
}
