// Everything the session reader says — why a file cannot be opened, where it was cut, that it
// was interrupted, what it skipped — is a catalog message (MessageRef) of both catalogs. Each
// one is driven here by a real file, and every `why.session.*` and `note.*` key of the catalog
// must be among them; through the engine they reach the contract as MessageRefs too.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeRecordBlock } from '../src/main/session/blocks'
import { packetLen, TCP_ACK, TCP_PSH, TCP_SYN, writePacket, type PacketSpec } from '../src/main/session/packets'
import { openSession, SessionFileError, type ChunkRef } from '../src/main/session/reader'
import { withSessions } from '../src/main/session/service'
import { SessionWriter } from '../src/main/session/writer'
import { errorMessage } from '../src/shared/i18n'
import { en } from '../src/shared/i18n/en'
import type { SessionSummary } from '../src/shared/contract'
import { checkRef, indexRefs } from './message-refs'
import { Probe } from './probe'

const dir = mkdtempSync(join(tmpdir(), 'np-session-messages-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Keys the tests below cannot produce with a file: an internal error is a bug of the reader; root may read any file. */
const notDriven = new Set(['why.session.internal', ...(process.getuid?.() === 0 ? ['why.session.noPermission'] : [])])
/** Every key the reader gave. */
const said = new Set<string>()

let n = 0
function fileWith(bytes: Uint8Array): string {
  const p = join(dir, `f${n++}.bin`)
  writeFileSync(p, bytes)
  return p
}

/** Opens the file; every message it gives (or the error's) is checked and collected. */
function open(path: string): void {
  try {
    const s = openSession(path)
    for (const r of indexRefs(s.index)) said.add(r.key)
    s.close()
  } catch (err) {
    if (!(err instanceof SessionFileError)) throw err
    said.add(checkRef(err.reason).key)
  }
}

/** A read that fails: its message is checked and collected. */
function failRead(read: () => unknown): void {
  try {
    read()
  } catch (err) {
    if (!(err instanceof SessionFileError)) throw err
    said.add(checkRef(err.reason).key)
    return
  }
  throw new Error('the read did not fail')
}

const v4 = (address: string, port: number) => ({ address, port, family: 'IPv4' as const })
const ip4 = (a: string): Uint8Array => Uint8Array.from(a.split('.').map(Number))

function block(type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc(-body.length & 3)])
  const b = Buffer.alloc(12 + padded.length)
  b.writeUInt32LE(type, 0)
  b.writeUInt32LE(b.length, 4)
  padded.copy(b, 8)
  b.writeUInt32LE(b.length, b.length - 4)
  return b
}
const shb = (major = 1): Buffer => block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, major, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
const idb = (linkType: number): Buffer => block(1, Buffer.from([linkType & 0xff, linkType >> 8, 0, 0, 0, 0, 0, 0]))
function epb(ifId: number, data: Uint8Array, capLen = data.length): Buffer {
  const head = Buffer.alloc(20)
  head.writeUInt32LE(ifId, 0)
  head.writeUInt32LE(capLen, 12)
  head.writeUInt32LE(data.length, 16)
  return block(6, Buffer.concat([head, data]))
}
function pcap(linkType: number, records: { data: Uint8Array; orig?: number }[]): Buffer {
  const head = Buffer.from('d4c3b2a1020004000000000000000000ffff000000000000', 'hex')
  head.writeUInt32LE(linkType, 20)
  const recs = records.map(({ data, orig }) => {
    const h = Buffer.alloc(16)
    h.writeUInt32LE(1, 0)
    h.writeUInt32LE(data.length, 8)
    h.writeUInt32LE(orig ?? data.length, 12)
    return Buffer.concat([h, data])
  })
  return Buffer.concat([head, ...recs])
}
function packet(spec: Partial<PacketSpec> & Pick<PacketSpec, 'proto'>, payload: string): Buffer {
  const full: PacketSpec = { v: 4, src: ip4('10.0.0.1'), dst: ip4('10.0.0.2'), sport: 1000, dport: 2000, ...spec }
  const bytes = Buffer.from(payload)
  const out = Buffer.alloc(packetLen(full, bytes.length))
  writePacket(out, 0, full, bytes, 0, bytes.length)
  return out
}

/** Our own session: a TCP connection with a chunk split over three packets, written block by block. */
function session(): { file: Buffer; starts: number[] } {
  const path = join(dir, `session${n++}.pcapng`)
  const w = SessionWriter.open(path, { flushMs: 0 })
  w.workspace({ version: 1, panes: [] }, 1n)
  w.connOpen({ paneId: 'a', connId: 1, local: v4('127.0.0.1', 40000), remote: v4('127.0.0.1', 9000), initiator: 'local', tNs: 2n })
  w.chunk({ paneId: 'a', connId: 1, dir: 'out', tNs: 3n, bytes: new Uint8Array(140_000).fill(7) })
  w.close({ paneId: 'a', connId: 1, how: 'close', tNs: 4n })
  w.close()
  const file = readFileSync(path)
  const starts: number[] = []
  for (let off = 0; off < file.length; off += file.readUInt32LE(off + 4)) starts.push(off)
  return { file, starts }
}

describe('every message of the session reader', () => {
  it('files that cannot be opened', () => {
    open(join(dir, 'missing.pcapng'))
    const folder = join(dir, 'folder')
    mkdirSync(folder)
    open(folder)
    open('/dev/null')
    const loop = join(dir, 'loop')
    symlinkSync(loop, loop) // stat gives ELOOP: "cannot be opened (ELOOP)"
    open(loop)
    if (!notDriven.has('why.session.noPermission')) {
      const locked = fileWith(shb())
      chmodSync(locked, 0)
      open(locked)
    }
    open(fileWith(new Uint8Array(0)))
    open(fileWith(Buffer.from('0a0d', 'hex')))
    open(fileWith(shb().subarray(0, 20))) // the section header cut
    const badShb = shb()
    badShb.writeUInt32LE(13, 4)
    open(fileWith(badShb))
    open(fileWith(Buffer.from('1f8b0800000000000003', 'hex')))
    open(fileWith(Buffer.from('{"panes":[]}')))
    open(fileWith(Buffer.concat([shb(2), idb(101)])))
    open(fileWith(pcap(127, [{ data: Buffer.from('radiotap') }])))
    const v3 = pcap(101, [])
    v3.writeUInt16LE(3, 4)
    open(fileWith(v3))
    open(fileWith(pcap(101, []).subarray(0, 10)))
  })

  it('reads that fail', () => {
    const { file } = session()
    const path = fileWith(file)
    const s = openSession(path)
    const chunk = s.index.flows[0]!.chunks[0]!
    failRead(() => s.readSync({ ...chunk, parts: undefined, offset: file.length - 2, len: 10 }))
    const whole: ChunkRef = { dir: 'out', tNs: 0n, len: file.length, offset: 0 }
    failRead(() => s.readSync({ ...whole, parts: Array.from({ length: Math.ceil(2 ** 30 / file.length) + 1 }, () => ({ offset: 0, len: file.length })) }))
    truncateSync(path, 0)
    failRead(() => s.readSync(chunk))
    s.close()
    failRead(() => s.readSync(chunk))
  })

  it('sessions cut, damaged or with records this version cannot use', () => {
    const { file, starts } = session()
    const at = (i: number): number => starts.at(i)!
    open(fileWith(Buffer.concat([file, Buffer.alloc(5)]))) // stray bytes
    open(fileWith(file.subarray(0, file.length - 6))) // the end record cut
    // The length of the third block: impossible, over 64 MiB, past the end of the file.
    for (const len of [13, 0x04000004, file.length]) {
      const b = Buffer.from(file)
      b.writeUInt32LE(len, at(3) + 4)
      open(fileWith(b))
    }
    const trailer = Buffer.from(file)
    trailer.writeUInt32LE(4, at(4) - 4)
    open(fileWith(trailer))
    const oddShb = shb()
    oddShb.writeUInt32LE(0x12345678, 8)
    open(fileWith(Buffer.concat([file, oddShb]))) // unknown byte-order mark
    open(fileWith(Buffer.concat([file, block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0, 0, 0, 0]))]))) // too short
    open(fileWith(Buffer.concat([file, shb(2)]))) // a section of version 2
    // Cut between the parts of the split chunk: interrupted, cut in a chunk, its last chunk short.
    const parts = starts.filter((s) => file.readUInt32LE(s) === 6 && file.readUInt32LE(s + 4) > 60_000)
    open(fileWith(file.subarray(0, parts[1])))
    // Records this version cannot use.
    const record = (json: string): Buffer => Buffer.from(encodeRecordBlock(json))
    open(
      fileWith(
        Buffer.concat([
          file,
          record('{"t":"session","version":99}'),
          record('{"t":"workspace","tNs":"5","tooLarge":123456789}'),
          record('{"t":"conn.open","tNs":"5"}'),
          record('{"t":"event", this is not JSON')
        ])
      )
    )
    // Records too large or nested too deep to parse (src/shared/limits.ts).
    const nest = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`
    open(
      fileWith(
        Buffer.concat([
          file,
          record(`{"t":"workspace","tNs":"5","workspace":"${'x'.repeat(9 * 1024 * 1024)}"}`),
          record(`{"t":"workspace","tNs":"5","workspace":${nest(65)}}`),
          record(`{"t":"event","tNs":"5","x":${nest(65)}}`)
        ])
      )
    )
    // A recorded packet that is not IP any more.
    const broken = Buffer.from(file)
    broken[parts[0]! + 28] = 0
    open(fileWith(broken))
  })

  it('foreign captures with what a capture can have', () => {
    const syn = packet({ proto: 'tcp', seq: 100, flags: TCP_SYN }, '')
    const data = (seq: number, text: string): Buffer => packet({ proto: 'tcp', seq, ack: 1, flags: TCP_PSH | TCP_ACK }, text)
    const fragment = packet({ proto: 'udp' }, 'first piece')
    fragment.writeUInt16BE(0x2000, 6) // more fragments
    const esp = Buffer.alloc(48)
    esp[0] = 0x60
    esp.writeUInt16BE(8, 4)
    esp[6] = 50
    const malformed = packet({ proto: 'udp' }, 'x')
    malformed[0] = 0x44 // a header length of 16 bytes
    const cut = packet({ proto: 'udp' }, 'a datagram the snapshot length cut')
    open(
      fileWith(
        pcap(101, [
          { data: syn },
          { data: data(101, 'abc') },
          { data: data(101, 'abc') }, // again
          { data: data(110, 'zz') }, // after a hole
          { data: data(101 + 2 ** 30 + 100, 'far') },
          { data: fragment },
          { data: esp },
          { data: malformed },
          { data: cut.subarray(0, 30), orig: cut.length }
        ])
      )
    )
    const udp = packet({ proto: 'udp' }, 'fine')
    const one = pcap(101, [{ data: udp }])
    open(fileWith(Buffer.concat([one, Buffer.alloc(5)]))) // a record header cut
    open(fileWith(one.subarray(0, one.length - 2))) // a record cut
    const huge = Buffer.from(one)
    huge.writeUInt32LE(0xffffffff, 24 + 8)
    open(fileWith(huge))
    const short = block(6, Buffer.alloc(16))
    const past = epb(0, udp, udp.length + 100)
    open(
      fileWith(Buffer.concat([shb(), idb(101), block(1, Buffer.alloc(4)), idb(127), short, past, epb(9, udp), epb(2, Buffer.from('radiotap')), epb(0, udp)]))
    )
  })

  it('covers every reader message of the catalog', () => {
    const all = Object.keys(en).filter((k) => k.startsWith('why.session.') || k.startsWith('note.'))
    const missing = all.filter((k) => !said.has(k) && !notDriven.has(k))
    expect(missing).toEqual([])
    expect([...said].filter((k) => !all.includes(k))).toEqual([])
  })
})

describe('through the engine', () => {
  it('a file that cannot be opened is a PaneError with the path as detail and the reason as a message, in either language', async () => {
    const p = new Probe({ sessions: withSessions({ record: false }) })
    try {
      const text = fileWith(Buffer.from('hello, this is text\n'))
      const r = await p.cmd({ type: 'session.open', path: text })
      if (r.ok) throw new Error('a text file opened')
      const e = r.error
      expect(e.code).toBe('BAD_SESSION')
      expect(e.detail).toBe(text)
      expect(checkRef(e.reason).key).toBe('why.session.notCapture')
      expect(errorMessage('en', e)).toBe(
        `Cannot open this session: ${text} This is not a session or capture file: it begins with the bytes 68 65 6c 6c, while a pcapng file begins with 0a 0d 0d 0a and a pcap file with a1 b2 c3 d4 (or its variants).`
      )
      expect(errorMessage('zh', e)).toMatch(/^无法打开这个会话：.*这不是会话或抓包文件：它以字节 68 65 6c 6c 开头/)
      const missing = await p.cmd({ type: 'session.open', path: join(dir, 'nope.pcapng') })
      expect(missing.ok ? undefined : [missing.error.code, checkRef(missing.error.reason).key]).toEqual(['ENOENT', 'why.session.notFound'])
    } finally {
      await p.dispose()
    }
  })

  it('a session file that shrinks while open: exporting a flow fails with the reason', async () => {
    const p = new Probe({ sessions: withSessions({ record: false }) })
    try {
      const path = fileWith(session().file)
      const s = await p.ok<SessionSummary>({ type: 'session.open', path })
      truncateSync(path, 100)
      const r = await p.cmd({ type: 'session.export', sessionId: s.sessionId, flowId: s.flows[0]!.id, dir: join(dir, 'export') })
      expect(r.ok ? undefined : [r.error.code, r.error.op, r.error.detail, checkRef(r.error.reason).key]).toEqual([
        'BAD_SESSION',
        'export',
        path,
        'why.session.shrunk'
      ])
    } finally {
      await p.dispose()
    }
  })

  it('a cut session: the summary (checked against the contract) says so in messages', async () => {
    const p = new Probe({ sessions: withSessions({ record: false }) })
    try {
      const { file, starts } = session()
      const s = await p.ok<SessionSummary>({ type: 'session.open', path: fileWith(file.subarray(0, starts.at(-1)! + 14)) })
      expect(checkRef(s.interrupted).key).toBe('why.session.interrupted')
      expect(checkRef(s.truncated).key).toBe('why.session.cut.partialBlock')
      expect(s.truncated!.params).toMatchObject({ at: starts.at(-1), fileSize: starts.at(-1)! + 14, block: '0x80004e50', present: '14 B' })
    } finally {
      await p.dispose()
    }
  })
})
