// Opens a session (ours) or a foreign capture (pcapng or pcap from tcpdump/Wireshark).
// The file is read once, block by block, to build the index; payload bytes stay in the
// file and are read on demand through ChunkRefs.
import * as fs from 'node:fs'
import { IndexBuilder } from './index-builder'
import { BT_SHB } from './constants'
import { FileWindow } from './file-window'
import { pcapMagic, scanPcap } from './pcap'
import { scanPcapng } from './pcapng'
import { SessionFileError, type ChunkRef, type OpenSession, type SessionIndex } from './types'

export { SessionFileError } from './types'
export type { ChunkRef, Flow, OpenSession, SessionFileErrorCode, SessionIndex } from './types'

function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')
}

function openFd(path: string): { fd: number; size: number } {
  let st: fs.Stats
  try {
    st = fs.statSync(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SessionFileError('NOT_FOUND', `There is no file at ${path}.`)
    if (code === 'EACCES' || code === 'EPERM') throw new SessionFileError('NOT_FOUND', `The file ${path} cannot be opened: permission denied.`)
    throw new SessionFileError('NOT_FOUND', `The file ${path} cannot be opened (${code ?? String(err)}).`)
  }
  if (st.isDirectory()) throw new SessionFileError('NOT_A_CAPTURE', `${path} is a folder, not a session or capture file.`)
  if (!st.isFile())
    throw new SessionFileError('NOT_A_CAPTURE', `${path} is not a regular file (a device or a pipe), so it cannot be a session or capture file.`)
  let fd: number
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new SessionFileError('NOT_FOUND', `There is no file at ${path}.`)
    if (code === 'EISDIR') throw new SessionFileError('NOT_A_CAPTURE', `${path} is a folder, not a session or capture file.`)
    throw new SessionFileError(
      'NOT_FOUND',
      `The file ${path} cannot be opened (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err))}).`
    )
  }
  return { fd, size: fs.fstatSync(fd).size }
}

/** What a session without its end block says (the writer buffers up to 50 ms before writing). */
export const INTERRUPTED = 'The recording ended without its closing block: the app stopped before saving, so the last up to 50 ms may be missing.'

function buildIndex(win: FileWindow): SessionIndex {
  const size = win.size
  if (size === 0) throw new SessionFileError('NOT_A_CAPTURE', 'The file is empty: it is not a session or capture file.')
  const head = win.get(0, Math.min(4, size))!
  const first = head.length === 4 ? new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) : -1
  const builder = new IndexBuilder()
  let kind: SessionIndex['kind']
  let scan
  const pcap = pcapMagic(first)
  if (first === BT_SHB) {
    kind = 'pcapng'
    scan = scanPcapng(win, builder)
  } else if (pcap) {
    kind = 'pcap'
    scan = scanPcap(win, pcap, builder)
  } else {
    const prefix = [0x0a, 0x0d, 0x0d, 0x0a]
    if (head.length < 4 && head.every((b, i) => b === prefix[i]))
      throw new SessionFileError('CORRUPT', `The file has only ${size} bytes: it was cut before its header was complete.`)
    if (head[0] === 0x1f && head[1] === 0x8b)
      throw new SessionFileError('UNSUPPORTED', 'This file is compressed (gzip). Decompress it first (gunzip), then open the .pcapng or .pcap inside.')
    if (first === 0xfd2fb528) throw new SessionFileError('UNSUPPORTED', 'This file is compressed (zstd). Decompress it first, then open the capture inside.')
    if (first === 0x184d2204) throw new SessionFileError('UNSUPPORTED', 'This file is compressed (lz4). Decompress it first, then open the capture inside.')
    throw new SessionFileError(
      'NOT_A_CAPTURE',
      `This is not a session or capture file: it begins with the bytes ${hexBytes(head)}, while a pcapng file begins with 0a 0d 0d 0a and a pcap file with a1 b2 c3 d4 (or its variants).`
    )
  }
  const done = builder.finish()
  if (done.unsupportedOnly) {
    throw new SessionFileError(
      'UNSUPPORTED',
      `This capture has no packets the playground can read: ${done.unsupportedOnly}. Supported: Ethernet (with VLAN tags), raw IP, Linux cooked (SLL, SLL2) and BSD loopback.`
    )
  }
  const index: SessionIndex = {
    kind: builder.ours ? 'session' : kind,
    events: builder.events,
    flows: builder.flows,
    packets: builder.packets
  }
  if (builder.hasWorkspace) index.workspace = builder.workspace
  if (builder.firstNs !== undefined) index.firstNs = builder.firstNs
  if (builder.lastNs !== undefined) index.lastNs = builder.lastNs
  if (scan.truncated) {
    const t = scan.truncated
    index.truncated = { atOffset: t.atOffset, reason: `The file stops early at byte ${t.atOffset} of ${size}: ${t.reason}.` }
  } else if (done.cutInChunk) {
    index.truncated = {
      atOffset: size,
      reason: `The file ends in the middle of a chunk that was split over several packets (the recording was interrupted); the part that was written is here.`
    }
  }
  if (builder.ours && !builder.ended) index.interrupted = INTERRUPTED
  if (done.notes.length > 0) index.notes = done.notes
  return index
}

/** Opens a session or capture and indexes it (synchronously; payload bytes are read later, on demand). */
export function openSession(path: string): OpenSession {
  const { fd, size } = openFd(path)
  let index: SessionIndex
  const win = new FileWindow(fd, size)
  try {
    index = buildIndex(win)
  } catch (err) {
    fs.closeSync(fd)
    if (err instanceof SessionFileError) throw err
    throw new SessionFileError('CORRUPT', `The file could not be read (internal error: ${err instanceof Error ? err.message : String(err)}).`, { cause: err })
  } finally {
    win.release()
  }
  return new OpenFile(fd, size, index)
}

/** Largest chunk read() returns in one piece. */
const MAX_READ = 1024 * 1024 * 1024

class OpenFile implements OpenSession {
  private fd: number | undefined

  constructor(
    fd: number,
    private readonly size: number,
    readonly index: SessionIndex
  ) {
    this.fd = fd
  }

  private places(ref: ChunkRef): { offset: number; len: number }[] {
    if (this.fd === undefined) throw new SessionFileError('NOT_FOUND', 'The session file was closed.')
    const parts = ref.parts ?? [{ offset: ref.offset, len: ref.len }]
    let total = 0
    for (const p of parts) {
      if (!Number.isInteger(p.offset) || !Number.isInteger(p.len) || p.offset < 0 || p.len < 0 || p.offset + p.len > this.size) {
        throw new SessionFileError('CORRUPT', `A chunk points outside the file (byte ${p.offset}, ${p.len} bytes).`)
      }
      total += p.len
    }
    if (total > MAX_READ) throw new SessionFileError('CORRUPT', `A chunk is too large to read at once (${total} bytes).`)
    return parts
  }

  readSync(ref: ChunkRef): Uint8Array {
    const parts = this.places(ref)
    const out = new Uint8Array(parts.reduce((s, p) => s + p.len, 0))
    let at = 0
    for (const p of parts) {
      let got = 0
      while (got < p.len) {
        const n = fs.readSync(this.fd!, out, at + got, p.len - got, p.offset + got)
        if (n <= 0) throw new SessionFileError('CORRUPT', 'The session file became shorter while it was open.')
        got += n
      }
      at += p.len
    }
    return out
  }

  async read(ref: ChunkRef): Promise<Uint8Array> {
    const parts = this.places(ref)
    const fd = this.fd!
    const out = new Uint8Array(parts.reduce((s, p) => s + p.len, 0))
    let at = 0
    for (const p of parts) {
      let got = 0
      while (got < p.len) {
        const n = await new Promise<number>((resolve, reject) =>
          fs.read(fd, out, at + got, p.len - got, p.offset + got, (err, bytes) => (err ? reject(err) : resolve(bytes)))
        )
        if (n <= 0) throw new SessionFileError('CORRUPT', 'The session file became shorter while it was open.')
        got += n
      }
      at += p.len
    }
    return out
  }

  close(): void {
    if (this.fd === undefined) return
    const fd = this.fd
    this.fd = undefined
    fs.closeSync(fd)
  }
}
