// Wireshark's view of a session: tshark lists exactly its packets (our records are in blocks
// it skips) with the lifecycle events as packet comments, reads it without malformed packets,
// warnings or checksum errors, and Follow TCP Stream gives back exactly the bytes sent each way.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { requireTshark } from './tshark'

beforeAll(requireTshark)

const dir = mkdtempSync(join(tmpdir(), 'np-session-tshark-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const v6 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv6' })
// Text payloads on unassigned high ports, so no protocol dissector has an opinion about them.
const text = (n: number, seed: string): Uint8Array => {
  const out = Buffer.alloc(n)
  for (let i = 0; i < n; i++) out[i] = 0x61 + ((i * 7 + seed.charCodeAt(i % seed.length)) % 26)
  return out
}

function tshark(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^Running as user "root".*\n/m, '') }
}

/** The Enhanced Packet Blocks in a (little-endian) pcapng file, counted by walking its blocks. */
function packetBlocks(file: string): number {
  const b = readFileSync(file)
  let n = 0
  for (let off = 0; off < b.length; off += b.readUInt32LE(off + 4)) if (b.readUInt32LE(off) === 6) n++
  return n
}

/** The packet comment field: frame.comment (Wireshark 3.6 and later), pkt_comment before. */
const commentField = (): string => (/\tframe\.comment\t/.test(tshark(['-G', 'fields']).stdout) ? 'frame.comment' : 'pkt_comment')

/** `-z follow,tcp,raw,N`: the hex lines of node 0 (no indent) and of node 1 (indented with a tab). */
function follow(file: string, stream: number): { node0: string; node1: string; a: Buffer; b: Buffer } {
  const out = execFileSync('tshark', ['-r', file, '-q', '-z', `follow,tcp,raw,${stream}`], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const lines = out.split('\n')
  const node0 = lines.find((l) => l.startsWith('Node 0: '))!.slice(8)
  const node1 = lines.find((l) => l.startsWith('Node 1: '))!.slice(8)
  const a: string[] = []
  const b: string[] = []
  let inBody = false
  for (const l of lines) {
    if (l.startsWith('Node 1: ')) {
      inBody = true
      continue
    }
    if (!inBody || l.startsWith('====') || l === '') continue
    if (l.startsWith('\t')) b.push(l.slice(1))
    else a.push(l)
  }
  return { node0, node1, a: Buffer.from(a.join(''), 'hex'), b: Buffer.from(b.join(''), 'hex') }
}

describe('tshark reads a session', () => {
  const file = join(dir, 'session.pcapng')
  const sentA = { out: [] as Uint8Array[], in: [] as Uint8Array[] }
  const sentB = { out: [] as Uint8Array[], in: [] as Uint8Array[] }

  beforeAll(() => {
    const w = SessionWriter.open(file)
    let t = 1_732_000_000_000_000_000n
    const A = { paneId: 'cli', connId: 1 }
    const B = { paneId: 'srv', connId: 4 }
    w.connOpen({ ...A, local: v4('127.0.0.1', 47611), remote: v4('127.0.0.1', 47610), initiator: 'local', tNs: (t += 1000n) })
    w.connOpen({ ...B, local: v6('::1', 47620), remote: v6('::1', 47621), initiator: 'remote', tNs: (t += 1000n) })
    const a = (d: 'in' | 'out', bytes: Uint8Array): void => {
      sentA[d].push(bytes)
      w.chunk({ ...A, dir: d, tNs: (t += 1000n), bytes })
    }
    const b = (d: 'in' | 'out', bytes: Uint8Array): void => {
      sentB[d].push(bytes)
      w.chunk({ ...B, dir: d, tNs: (t += 1000n), bytes })
    }
    a('out', text(30, 'hello'))
    a('in', text(200 * 1024, 'big'))
    b('in', text(100, 'req'))
    a('out', text(3, 'x'))
    b('out', text(150_000, 'answer'))
    w.halfClose({ ...A, by: 'local', tNs: (t += 1000n) })
    a('in', text(17, 'tail'))
    b('in', text(1, 'z'))
    w.close({ ...A, how: 'close', tNs: (t += 1000n) })
    w.close({ ...B, how: 'reset', tNs: (t += 1000n) })
    w.bind({ paneId: 'u', local: v4('127.0.0.1', 47630), tNs: (t += 1000n) })
    w.chunk({ paneId: 'u', connId: 0, dir: 'out', tNs: (t += 1000n), bytes: text(40, 'dgram'), peer: v4('127.0.0.1', 47631) })
    w.chunk({ paneId: 'u', connId: 0, dir: 'in', tNs: (t += 1000n), bytes: text(41, 'reply'), peer: v6('::1', 47632) })
    w.event({ paneId: 'u', tNs: (t += 1000n), kind: 'closed' })
    w.workspace({ panes: 2 }, (t += 1000n))
    w.close()
  })

  it('lists every packet with exit code 0 and no malformed packets', () => {
    const r = tshark(['-r', file])
    expect(r.status).toBe(0)
    expect(r.stderr.trim()).toBe('')
    expect(r.stdout).not.toMatch(/malformed/i)
    expect(r.stdout).toMatch(/47611 → 47610 \[SYN\]/)
    expect(r.stdout).toMatch(/\[RST, ACK\]/)
  })

  it('lists exactly the packets written: one row per packet block, none for our records, no warnings', () => {
    const r = tshark(['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols'])
    expect(r.status).toBe(0)
    expect(r.stderr.trim()).toBe('')
    const rows = r.stdout.trim().split('\n')
    expect(rows).toHaveLength(packetBlocks(file))
    for (const row of rows) expect(row).toMatch(/^\d+\traw:ipv?6?:(tcp|udp)/)
    expect(tshark(['-r', file]).stdout).not.toMatch(/PCAPNG|Custom Block/)
  })

  it('shows each lifecycle event as the comment of its packet', () => {
    const r = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'tcp.flags', '-e', 'udp.length', '-e', commentField()])
    expect(r.stderr.trim()).toBe('')
    const commented = r.stdout
      .trim()
      .split('\n')
      .filter((row) => !row.endsWith('|'))
    expect(commented).toEqual([
      '0x0002||Net Playground: pane cli connection #1 opened (client) 127.0.0.1:47611 → 127.0.0.1:47610',
      '0x0002||Net Playground: pane srv connection #4 accepted (server) [::1]:47620 ← [::1]:47621',
      '0x0011||Net Playground: pane cli connection #1 half-closed by the pane (it sent FIN)',
      '0x0010||Net Playground: pane cli connection #1 closed',
      '0x0014||Net Playground: pane srv connection #4 reset',
      '|48|Net Playground: pane u UDP 127.0.0.1:47630 → 127.0.0.1:47631: first datagram to this peer',
      '|49|Net Playground: pane u UDP 127.0.0.1:47630 ← [::1]:47632: first datagram from this peer'
    ])
  })

  it('has no expert errors with IP/TCP/UDP checksum validation on', () => {
    const r = tshark(['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-q', '-z', 'expert'])
    expect(r.status).toBe(0)
    expect(r.stdout).not.toMatch(/^Errors/m)
    expect(r.stdout).not.toMatch(/malformed|checksum|bad/i)
    const fields = tshark([
      '-r',
      file,
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'udp.check_checksum:TRUE',
      '-T',
      'fields',
      '-e',
      'ip.checksum.status',
      '-e',
      'tcp.checksum.status',
      '-e',
      'udp.checksum.status',
      '-Y',
      'tcp || udp'
    ])
    const statuses = fields.stdout.split(/\s+/).filter(Boolean)
    expect(statuses.length).toBeGreaterThan(20)
    expect(new Set(statuses)).toEqual(new Set(['1'])) // 1 = Good
  })

  it('gives the exact bytes of each direction with follow,tcp,raw (IPv4 and IPv6)', () => {
    const s0 = follow(file, 0)
    expect(s0.node0).toBe('127.0.0.1:47611') // the client pane's side
    expect(s0.a.equals(Buffer.concat(sentA.out))).toBe(true)
    expect(s0.b.equals(Buffer.concat(sentA.in))).toBe(true)
    const s1 = follow(file, 1)
    expect(s1.node0).toBe('[::1]:47621') // the remote client of the server pane
    expect(s1.a.equals(Buffer.concat(sentB.in))).toBe(true)
    expect(s1.b.equals(Buffer.concat(sentB.out))).toBe(true)
  })

  it('shows the timestamps with nanosecond precision and the UDP datagrams', () => {
    const r = tshark(['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'udp.length', '-Y', 'udp'])
    expect(r.stdout.trim().split('\n')).toEqual(['1732000000.000014000\t48', '1732000000.000015000\t49'])
  })
})

describe('tshark reads a connection recorded by both of its panes', () => {
  it('shows one stream whose follow output has every byte once', () => {
    const file = join(dir, 'mirror.pcapng')
    const w = SessionWriter.open(file)
    let t = 1_000_000_000_000n
    const C = v4('127.0.0.1', 47701)
    const S = v6('::ffff:127.0.0.1', 47702)
    w.connOpen({ paneId: 'cli', connId: 1, local: C, remote: v4('127.0.0.1', 47702), initiator: 'local', tNs: (t += 10n) })
    w.connOpen({ paneId: 'srv', connId: 1, local: S, remote: v6('::ffff:127.0.0.1', 47701), initiator: 'remote', tNs: (t += 10n) })
    const req = text(5000, 'request')
    const res = text(90_000, 'response')
    // The client writes in three pieces; the server reads in two; the answer the other way round.
    w.chunk({ paneId: 'cli', connId: 1, dir: 'out', tNs: (t += 10n), bytes: req.subarray(0, 1000) })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'out', tNs: (t += 10n), bytes: req.subarray(1000, 3000) })
    w.chunk({ paneId: 'srv', connId: 1, dir: 'in', tNs: (t += 10n), bytes: req.subarray(0, 2500) })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'out', tNs: (t += 10n), bytes: req.subarray(3000) })
    w.chunk({ paneId: 'srv', connId: 1, dir: 'in', tNs: (t += 10n), bytes: req.subarray(2500) })
    w.chunk({ paneId: 'srv', connId: 1, dir: 'out', tNs: (t += 10n), bytes: res })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'in', tNs: (t += 10n), bytes: res.subarray(0, 65536) })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'in', tNs: (t += 10n), bytes: res.subarray(65536) })
    w.close({ paneId: 'srv', connId: 1, how: 'close', tNs: (t += 10n) })
    w.close({ paneId: 'cli', connId: 1, how: 'close', tNs: (t += 10n) })
    w.close()
    const s0 = follow(file, 0)
    expect(s0.node0).toBe('127.0.0.1:47701')
    expect(s0.a.equals(Buffer.from(req))).toBe(true)
    expect(s0.b.equals(Buffer.from(res))).toBe(true)
    const r = tshark(['-r', file, '-o', 'tcp.check_checksum:TRUE', '-q', '-z', 'expert'])
    expect(r.stdout).not.toMatch(/^Errors/m)
    expect(tshark(['-r', file, '-q', '-z', 'conv,tcp']).stdout.match(/47701/g)?.length).toBe(1)
  })
})
