// Opens a session (ours) or a foreign capture (pcapng or pcap from tcpdump/Wireshark).
// The file is read once, block by block, to build the index; payload bytes stay in the
// file and are read on demand through ChunkRefs. The app opens in slices (openSessionSliced),
// so indexing a file of any size never holds the event loop for long.
import * as fs from 'node:fs'
import { formatBytes } from '../../shared/bytes'
import type { MessageRef } from '../../shared/i18n'
import { IndexBuilder } from './index-builder'
import { BT_SHB } from './constants'
import { FileWindow, type Need } from './file-window'
import { pcapMagic, scanPcap } from './pcap'
import { scanPcapng } from './pcapng'
import { Slicer } from './slices'
import { SessionFileError, type ChunkRef, type OpenSession, type SessionIndex } from './types'

export { SessionFileError } from './types'
export type { ChunkRef, Flow, OpenSession, SessionFileErrorCode, SessionIndex } from './types'

function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')
}

/** Why a file cannot be opened, from the error code stat or open gave (the path itself is the caller's to show). */
function openFailure(err: unknown): SessionFileError {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SessionFileError('NOT_FOUND', { key: 'why.session.notFound' })
  if (code === 'EACCES' || code === 'EPERM') return new SessionFileError('NOT_FOUND', { key: 'why.session.noPermission' })
  if (code === 'EISDIR') return new SessionFileError('NOT_A_CAPTURE', { key: 'why.session.folder' })
  return new SessionFileError('NOT_FOUND', { key: 'why.session.cannotOpen', params: { code: code ?? String(err) } })
}

function openFd(path: string): { fd: number; size: number } {
  let st: fs.Stats
  try {
    st = fs.statSync(path)
  } catch (err) {
    throw openFailure(err)
  }
  if (st.isDirectory()) throw new SessionFileError('NOT_A_CAPTURE', { key: 'why.session.folder' })
  if (!st.isFile()) throw new SessionFileError('NOT_A_CAPTURE', { key: 'why.session.notRegular' })
  let fd: number
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  } catch (err) {
    throw openFailure(err)
  }
  return { fd, size: fs.fstatSync(fd).size }
}

/** What a session without its end block says (the writer buffers up to 50 ms before writing). */
export const INTERRUPTED: MessageRef = { key: 'why.session.interrupted' }

/** Reads the whole file into an index; yields a Need before bytes the window does not hold. */
function* indexFile(win: FileWindow): Generator<Need, SessionIndex> {
  const size = win.size
  if (size === 0) throw new SessionFileError('NOT_A_CAPTURE', { key: 'why.session.empty' })
  if (!win.holds(0, 4)) yield { offset: 0, len: Math.min(4, size) }
  const head = win.get(0, Math.min(4, size))!
  const first = head.length === 4 ? new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) : -1
  const builder = new IndexBuilder()
  let kind: SessionIndex['kind']
  let scan
  const pcap = pcapMagic(first)
  if (first === BT_SHB) {
    kind = 'pcapng'
    scan = yield* scanPcapng(win, builder)
  } else if (pcap) {
    kind = 'pcap'
    scan = yield* scanPcap(win, pcap, builder)
  } else {
    const prefix = [0x0a, 0x0d, 0x0d, 0x0a]
    if (head.length < 4 && head.every((b, i) => b === prefix[i]))
      throw new SessionFileError('CORRUPT', { key: 'why.session.headerCut', params: { size: formatBytes(size) } })
    const compressed = head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : first === 0xfd2fb528 ? 'zstd' : first === 0x184d2204 ? 'lz4' : undefined
    if (compressed) throw new SessionFileError('UNSUPPORTED', { key: 'why.session.compressed', params: { format: compressed } })
    throw new SessionFileError('NOT_A_CAPTURE', { key: 'why.session.notCapture', params: { bytes: hexBytes(head) } })
  }
  const done = builder.finish()
  if (done.unsupportedOnly) throw new SessionFileError('UNSUPPORTED', { key: 'why.session.noReadablePackets', params: { list: done.unsupportedOnly } })
  const index: SessionIndex = {
    kind: builder.ours ? 'session' : kind,
    events: builder.events,
    flows: builder.flows,
    packets: builder.packets
  }
  if (builder.hasWorkspace) index.workspace = builder.workspace
  if (builder.firstNs !== undefined) index.firstNs = builder.firstNs
  if (builder.lastNs !== undefined) index.lastNs = builder.lastNs
  if (scan.truncated) index.truncated = scan.truncated
  else if (done.cutInChunk) index.truncated = { atOffset: size, reason: { key: 'why.session.cut.splitChunk' } }
  if (builder.ours && !builder.ended) index.interrupted = INTERRUPTED
  if (done.notes.length > 0) index.notes = done.notes
  return index
}

/** What went wrong while indexing, as the reader reports it (a bug of ours is CORRUPT with its detail). */
function indexFailure(err: unknown): SessionFileError {
  if (err instanceof SessionFileError) return err
  return new SessionFileError('CORRUPT', { key: 'why.session.internal', params: { detail: err instanceof Error ? err.message : String(err) } }, { cause: err })
}

/** Opens a session or capture and indexes it at once, blocking until done (tests and tools; the app uses openSessionSliced). */
export function openSession(path: string): OpenSession {
  const { fd, size } = openFd(path)
  const win = new FileWindow(fd, size)
  try {
    const walk = indexFile(win)
    let step = walk.next()
    // A Need is only a hint here: get() reads what the window lacks.
    while (!step.done) step = walk.next()
    return new OpenFile(fd, size, step.value)
  } catch (err) {
    fs.closeSync(fd)
    throw indexFailure(err)
  } finally {
    win.release()
  }
}

export interface SlicedOpen {
  /** Stops the reading: the promise rejects with an AbortError and the file is closed. */
  signal?: AbortSignal
  /** How far the index has read, in bytes of the file's size; called at most every PROGRESS_MS. */
  onProgress?(bytes: number, size: number): void
}

/** How often a sliced open reports its progress. */
const PROGRESS_MS = 200

/**
 * Opens and indexes a file without holding the event loop: the window is filled in the thread
 * pool and the index is built in slices of at most SLICE_MS. Memory stays as bounded as
 * openSession's; several files may be opening at once.
 */
export async function openSessionSliced(path: string, options: SlicedOpen = {}): Promise<OpenSession> {
  const { signal, onProgress } = options
  signal?.throwIfAborted()
  const { fd, size } = openFd(path)
  const win = new FileWindow(fd, size)
  const slicer = new Slicer()
  let reported = performance.now()
  try {
    const walk = indexFile(win)
    let step = walk.next()
    while (!step.done) {
      const need = step.value
      if (onProgress && performance.now() - reported >= PROGRESS_MS) {
        reported = performance.now()
        onProgress(need.offset, size)
      }
      // A read in the thread pool lets the loop run: a new slice starts after it.
      if (await win.load(need.offset, need.len)) slicer.restart()
      else await slicer.maybeYield()
      signal?.throwIfAborted()
      step = walk.next()
    }
    return new OpenFile(fd, size, step.value)
  } catch (err) {
    fs.closeSync(fd)
    if (signal?.aborted && err === signal.reason) throw err
    throw indexFailure(err)
  } finally {
    win.release()
  }
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
    if (this.fd === undefined) throw new SessionFileError('NOT_FOUND', { key: 'why.session.closed' })
    const parts = ref.parts ?? [{ offset: ref.offset, len: ref.len }]
    let total = 0
    for (const p of parts) {
      if (!Number.isInteger(p.offset) || !Number.isInteger(p.len) || p.offset < 0 || p.len < 0 || p.offset + p.len > this.size) {
        throw new SessionFileError('CORRUPT', { key: 'why.session.chunkOutside', params: { at: p.offset, size: formatBytes(p.len) } })
      }
      total += p.len
    }
    if (total > MAX_READ) throw new SessionFileError('CORRUPT', { key: 'why.session.chunkTooLarge', params: { size: formatBytes(total) } })
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
        if (n <= 0) throw new SessionFileError('CORRUPT', { key: 'why.session.shrunk' })
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
        if (n <= 0) throw new SessionFileError('CORRUPT', { key: 'why.session.shrunk' })
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
