// Damaged and hostile files: a clear SessionFileError or an index that says where it was
// cut, never a hang, a crash or a huge allocation. Then 10 000+ mutated files. Whatever the
// reader says is a message of both catalogs (test/message-refs.ts).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { openSession, SessionFileError, type SessionIndex } from '../src/main/session/reader'
import { checkRef, english, indexRefs } from './message-refs'

const dir = mkdtempSync(join(tmpdir(), 'np-session-corrupt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const v6 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv6' })
const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)

function sample(): Buffer {
  const path = join(dir, 'sample.pcapng')
  const w = SessionWriter.open(path)
  let t = 1_700_000_000_000_000_000n
  w.workspace({ panes: ['a'] }, t++)
  w.connOpen({ paneId: 'a', connId: 1, local: v4('127.0.0.1', 40000), remote: v4('127.0.0.1', 9000), initiator: 'local', tNs: t++ })
  w.connOpen({ paneId: 'b', connId: 2, local: v6('::1', 9001), remote: v6('::1', 40001), initiator: 'remote', tNs: t++ })
  w.chunk({ paneId: 'a', connId: 1, dir: 'out', tNs: t++, bytes: u8('hello') })
  w.chunk({ paneId: 'b', connId: 2, dir: 'in', tNs: t++, bytes: u8('GET /') })
  w.chunk({ paneId: 'a', connId: 1, dir: 'in', tNs: t++, bytes: new Uint8Array(300).fill(7) })
  w.halfClose({ paneId: 'a', connId: 1, by: 'peer', tNs: t++ })
  w.close({ paneId: 'b', connId: 2, how: 'reset', tNs: t++ })
  w.bind({ paneId: 'u', local: v4('0.0.0.0', 5000), tNs: t++ })
  w.chunk({ paneId: 'u', connId: 0, dir: 'in', tNs: t++, bytes: u8('dgram'), peer: v4('10.1.1.1', 6000) })
  w.event({ paneId: 'u', tNs: t++, kind: 'error', code: 'EMSGSIZE' })
  w.close()
  return readFileSync(path)
}

/** A little pcap (Ethernet, one TCP segment and one UDP datagram), built by hand. */
function pcapSample(): Buffer {
  const rec = (pkt: Buffer, sec: number): Buffer => {
    const h = Buffer.alloc(16)
    h.writeUInt32LE(sec, 0)
    h.writeUInt32LE(5, 4)
    h.writeUInt32LE(pkt.length, 8)
    h.writeUInt32LE(pkt.length, 12)
    return Buffer.concat([h, pkt])
  }
  const eth = Buffer.from('0000000000010000000000020800', 'hex')
  const ip = (proto: number, l4: Buffer): Buffer => {
    const h = Buffer.from('450000000000400040000000c0000201c0000202', 'hex')
    h.writeUInt16BE(20 + l4.length, 2)
    h[9] = proto
    return Buffer.concat([h, l4])
  }
  const tcp = Buffer.concat([Buffer.from('04d2005000000064000000005018ffff00000000', 'hex'), Buffer.from('hi there')])
  const udp = Buffer.concat([Buffer.from('1f401f41000c0000', 'hex'), Buffer.from('ping')])
  const head = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')
  return Buffer.concat([head, rec(Buffer.concat([eth, ip(6, tcp)]), 1), rec(Buffer.concat([eth, ip(17, udp)]), 2)])
}

let n = 0
function fileWith(bytes: Uint8Array): string {
  const p = join(dir, `f${n++}.bin`)
  writeFileSync(p, bytes)
  return p
}

function openErr(path: string): SessionFileError {
  try {
    openSession(path).close()
  } catch (err) {
    expect(err).toBeInstanceOf(SessionFileError)
    checkRef((err as SessionFileError).reason)
    return err as SessionFileError
  }
  throw new Error(`${path} opened`)
}

function openIx(bytes: Uint8Array): SessionIndex {
  const s = openSession(fileWith(bytes))
  s.close()
  indexRefs(s.index)
  return s.index
}

describe('files that are not sessions', () => {
  it('a missing path, a folder, a device, a pipe, an empty file', () => {
    expect(openErr(join(dir, 'nope.pcapng')).code).toBe('NOT_FOUND')
    expect(openErr(join(dir, 'nope', 'deeper.pcapng')).code).toBe('NOT_FOUND')
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const e = openErr(folder)
    expect(e.code).toBe('NOT_A_CAPTURE')
    expect(e.message).toMatch(/folder/)
    expect(openErr('/dev/null').code).toBe('NOT_A_CAPTURE')
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    expect(openErr(fifo).code).toBe('NOT_A_CAPTURE') // and does not block waiting for a writer
    const empty = openErr(fileWith(new Uint8Array(0)))
    expect(empty.code).toBe('NOT_A_CAPTURE')
    expect(empty.message).toMatch(/empty/)
  })

  it('wrong magic, a compressed capture, too short to tell', () => {
    const e = openErr(fileWith(u8('{"panes":[]}')))
    expect(e.code).toBe('NOT_A_CAPTURE')
    expect(e.message).toMatch(/7b 22 70 61/)
    expect(openErr(fileWith(Buffer.from('1f8b0800000000000003', 'hex'))).code).toBe('UNSUPPORTED')
    expect(openErr(fileWith(Buffer.from('0a0d', 'hex'))).code).toBe('CORRUPT')
    expect(openErr(fileWith(Buffer.from('ab', 'hex'))).code).toBe('NOT_A_CAPTURE')
  })
})

describe('damaged pcapng', () => {
  const good = sample()
  const shbLen = good.readUInt32LE(4)
  const idbLen = good.readUInt32LE(shbLen + 4)
  const third = shbLen + idbLen

  it('the sample opens cleanly', () => {
    const ix = openIx(good)
    expect(ix.kind).toBe('session')
    expect(ix.truncated).toBeUndefined()
    expect(ix.flows.length).toBe(3)
  })

  it('a huge, a zero or an odd section header length is CORRUPT', () => {
    for (const len of [0xfffffff0, 0, 13, 8, 0x7fffffff]) {
      const b = Buffer.from(good)
      b.writeUInt32LE(len, 4)
      const e = openErr(fileWith(b))
      expect(e.code).toBe('CORRUPT')
      expect(e.message).toMatch(/damaged before its first complete section header/)
    }
  })

  it('an unknown byte-order magic or pcapng version', () => {
    const b = Buffer.from(good)
    b.writeUInt32LE(0x12345678, 8)
    expect(openErr(fileWith(b)).code).toBe('CORRUPT')
    const c = Buffer.from(good)
    c.writeUInt16LE(2, 12)
    expect(openErr(fileWith(c)).code).toBe('UNSUPPORTED')
  })

  it('bad lengths after the header stop the index there, with the reason', () => {
    const cases: [number, RegExp][] = [
      [0, /impossible length \(0 B\)/],
      [4, /impossible length \(4 B\)/],
      [8, /impossible length \(8 B\)/], // a length that would point back into its own header
      [14, /impossible length/],
      [0xffffffff, /impossible length/],
      [0x04000004, /more than the 64 MiB/],
      [good.length, /cut off/] // past the end of the file
    ]
    for (const [len, reason] of cases) {
      const b = Buffer.from(good)
      b.writeUInt32LE(len, third + 4)
      const ix = openIx(b)
      expect(ix.truncated?.atOffset).toBe(third)
      expect(english(ix.truncated?.reason)).toMatch(reason)
      expect(ix.packets).toBe(0)
    }
  })

  it('a trailing length that does not match', () => {
    const b = Buffer.from(good)
    const len = b.readUInt32LE(third + 4)
    b.writeUInt32LE(len + 4, third + len - 4)
    const ix = openIx(b)
    expect(ix.truncated?.atOffset).toBe(third)
    expect(english(ix.truncated?.reason)).toMatch(/does not end where its length says/)
  })

  it('flipped bytes inside packets and JSON still open', () => {
    for (let i = third; i < good.length; i += 37) {
      const b = Buffer.from(good)
      b[i] = b[i]! ^ 0xff
      const s = openSession(fileWith(b))
      for (const f of s.index.flows) for (const c of f.chunks) s.readSync(c)
      s.close()
    }
  })

  it('unknown block types are skipped; a big-endian section reads the same', () => {
    const unknown = Buffer.alloc(20)
    unknown.writeUInt32LE(0x12345, 0)
    unknown.writeUInt32LE(20, 4)
    unknown.writeUInt32LE(20, 16)
    const b = Buffer.concat([good.subarray(0, third), unknown, good.subarray(third)])
    const ix = openIx(b)
    expect(ix.flows.length).toBe(3)
    expect(ix.truncated).toBeUndefined()
  })
})

describe('damaged pcap', () => {
  const good = pcapSample()

  it('the sample opens with its two flows', () => {
    const ix = openIx(good)
    expect(ix.kind).toBe('pcap')
    expect(ix.flows.map((f) => f.proto)).toEqual(['tcp', 'udp'])
  })

  it('a huge record length, a cut record, a cut header, a bad version', () => {
    const b = Buffer.from(good)
    b.writeUInt32LE(0xffffffff, 24 + 8)
    const ix = openIx(b)
    expect(ix.truncated?.atOffset).toBe(24)
    expect(english(ix.truncated?.reason)).toMatch(/64 MiB/)
    expect(ix.packets).toBe(0)
    const cut = openIx(good.subarray(0, good.length - 3))
    expect(cut.packets).toBe(1)
    expect(english(cut.truncated?.reason)).toMatch(/cut off/)
    expect(openIx(good.subarray(0, 24)).packets).toBe(0)
    expect(openErr(fileWith(good.subarray(0, 10))).code).toBe('CORRUPT')
    const v = Buffer.from(good)
    v.writeUInt16LE(3, 4)
    expect(openErr(fileWith(v)).code).toBe('UNSUPPORTED')
  })

  it('a capture of only unsupported link types is UNSUPPORTED', () => {
    const b = Buffer.from(good)
    b.writeUInt32LE(127, 20) // 802.11 radiotap
    const e = openErr(fileWith(b))
    expect(e.code).toBe('UNSUPPORTED')
    expect(e.message).toMatch(/unsupported link types \(link type: packets\): 127: 2\./)
  })
})

describe('fuzz', () => {
  it('10 000+ mutated files each open or throw SessionFileError, quickly', () => {
    const bases = [sample(), pcapSample()]
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const extremes = [0, 1, 4, 8, 12, 16, 28, 32, 0xfffffffc, 0xffffffff, 0x7fffffff, 0x80000000, 0x04000000, 0x04000004, 0x0a0d0d0a, 0x1a2b3c4d, 0x4d3c2b1a]
    const path = join(dir, 'fuzz.bin')
    const started = performance.now()
    let opened = 0
    let failed = 0
    const codes = new Map<string, number>()
    /** Every message the reader gave (each checked against both catalogs). */
    const said = new Set<string>()
    const N = 10_500
    for (let i = 0; i < N; i++) {
      const base = bases[i % 2]!
      let b = Buffer.from(base)
      const rounds = 1 + rnd(4)
      for (let r = 0; r < rounds; r++) {
        switch (rnd(5)) {
          case 0: // flip bytes
            for (let k = 1 + rnd(8); k > 0; k--) {
              const at = rnd(b.length)
              b[at] = b[at]! ^ (1 << rnd(8))
            }
            break
          case 1: {
            // an extreme value where a length (or any aligned word) is
            const at = rnd(b.length >> 2) << 2
            if (at + 4 <= b.length) b.writeUInt32LE(extremes[rnd(extremes.length)]!, at)
            break
          }
          case 2: // cut
            b = b.subarray(0, rnd(b.length + 1))
            break
          case 3: {
            // splice a piece of the file somewhere else
            const from = rnd(b.length + 1)
            const len = rnd(Math.min(600, b.length - from + 1))
            const to = rnd(b.length + 1)
            b = Buffer.concat([b.subarray(0, to), b.subarray(from, from + len), b.subarray(to)])
            break
          }
          default: {
            // remove a piece
            const from = rnd(b.length + 1)
            b = Buffer.concat([b.subarray(0, from), b.subarray(from + rnd(64))])
          }
        }
      }
      writeFileSync(path, b)
      try {
        const s = openSession(path)
        for (const f of s.index.flows) for (const c of f.chunks) if (s.readSync(c).length !== c.len) throw new Error('short read')
        s.close()
        for (const r of indexRefs(s.index)) said.add(r.key)
        opened++
      } catch (err) {
        if (!(err instanceof SessionFileError)) throw err
        expect(err.cause, `internal error on mutation ${i}: ${err.message}`).toBeUndefined()
        said.add(checkRef(err.reason).key)
        codes.set(err.code, (codes.get(err.code) ?? 0) + 1)
        failed++
      }
    }
    const ms = performance.now() - started
    console.info(
      `fuzz: ${N} files in ${ms.toFixed(0)} ms; opened ${opened}, refused ${failed} (${[...codes].map(([c, k]) => `${c} ${k}`).join(', ')}); ${said.size} different messages`
    )
    expect(opened + failed).toBe(N)
    expect(opened).toBeGreaterThan(N / 4)
    expect(ms).toBeLessThan(30_000)
  }, 60_000)
})
