// `net-playground flows <file>` lists a session's or a capture's flows, one a line: endpoints,
// protocol, bytes each way, duration (and, for a session, the pane that recorded it); a
// `replay --flow N` that names no flow prints the same table; a missing file exits 2. A capture
// of more flows than session.open lists (1,000) is listed whole, a page at a time.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { bounded, Peers } from './peers'
import { writeManyUdpFlows } from './many-flows.mjs'
import { LINKTYPE_ETHERNET, writeTcpdumpPcap } from './tcpdump-pcap'

const binJs = resolve(__dirname, '../bin/net-playground.js')
const dir = mkdtempSync(join(tmpdir(), 'np-cli-flows-'))
const peers = new Peers()
afterEach(() => peers.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const session = join(dir, 'two-flows.pcapng')
const capture = join(dir, 'tcpdump.pcap')
const T0 = 1_750_000_000_000_000_000n
const MS = 1_000_000n

beforeAll(() => {
  if (!existsSync(resolve(__dirname, '../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: build first (npm run build)')
  const w = SessionWriter.open(session)
  w.workspace({ panes: [] }, T0)
  // A client pane's connection: 14 bytes out, 23 back, open for 6 ms.
  w.connOpen({ paneId: 'client', connId: 1, local: v4('127.0.0.1', 40100), remote: v4('127.0.0.1', 7000), initiator: 'local', tNs: T0 })
  ;['one\n', 'two\n', 'three\n'].forEach((q, i) => {
    w.chunk({ paneId: 'client', connId: 1, dir: 'out', tNs: T0 + BigInt(2 * i + 1) * MS, bytes: Buffer.from(q) })
    w.chunk({ paneId: 'client', connId: 1, dir: 'in', tNs: T0 + BigInt(2 * i + 2) * MS, bytes: Buffer.from(`ok ${q}`) })
  })
  w.close({ paneId: 'client', connId: 1, how: 'close', tNs: T0 + 6n * MS })
  // A UDP pane's datagrams: 5 bytes out, 2 KiB back, 1.5 s apart.
  w.chunk({ paneId: 'udp', connId: 0, dir: 'out', tNs: T0, bytes: Buffer.from('ping\n'), peer: v4('127.0.0.1', 9999) })
  w.chunk({ paneId: 'udp', connId: 0, dir: 'in', tNs: T0 + 1500n * MS, bytes: Buffer.alloc(2048, 0x61), peer: v4('127.0.0.1', 9999) })
  w.close()

  writeTcpdumpPcap(capture, LINKTYPE_ETHERNET, [
    {
      proto: 'tcp',
      client: { address: '10.0.0.1', port: 51000 },
      server: { address: '10.0.0.2', port: 80 },
      seen: [
        { from: 'client', tNs: T0 + 10n * MS, bytes: Buffer.from('GET / HTTP/1.0\r\n\r\n') },
        { from: 'server', tNs: T0 + 20n * MS, bytes: Buffer.from('HTTP/1.0 200 OK\r\n\r\n') }
      ],
      openNs: T0,
      closeNs: T0 + 30n * MS
    }
  ])
})

async function run(args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const peer = peers.spawn(process.execPath, [binJs, ...args])
  const code = await bounded(peer.exited, `net-playground ${args.join(' ')}`, 15_000)
  return { code, stdout: peer.stdout(), stderr: peer.stderr() }
}

describe('net-playground flows', () => {
  it("lists a session's flows: endpoints, protocol, bytes each way, duration, the recording pane", async () => {
    const r = await run(['flows', session])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`2 flows in ${session} (→: from the first endpoint to the second, ←: back)`)
    expect(lines[1]).toMatch(/^ {2}flow {2}proto {2}endpoints +→ bytes {2}← bytes {2}duration {2}recorded by$/)
    expect(lines[2]).toMatch(/^ {2}0 +TCP +127\.0\.0\.1:40100 → 127\.0\.0\.1:7000 +14 B +23 B +6\.0 ms +pane client, connection 1$/)
    expect(lines[3]).toMatch(/^ {2}1 +UDP +\S+ → 127\.0\.0\.1:9999 +5 B +2\.0 KiB +1\.50 s +pane udp$/)
    expect(lines).toHaveLength(4)
    expect(r.stderr).toBe('')
  })

  it("lists a tcpdump capture's flows with the client first, and no pane column", async () => {
    const r = await run(['flows', capture])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`1 flow in ${capture} (→: from the first endpoint to the second, ←: back)`)
    expect(lines[1]).not.toContain('recorded by')
    expect(lines[2]).toMatch(/^ {2}0 +TCP +10\.0\.0\.1:51000 → 10\.0\.0\.2:80 +18 B +19 B +30\.\d ms$/)
  })

  it('lists every flow of a capture of 2,500, past the first page the engine answers with, in aligned columns', async () => {
    const many = join(dir, 'many.pcap')
    writeManyUdpFlows(many, 2500)
    const r = await run(['flows', many])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`2500 flows in ${many} (→: from the first endpoint to the second, ←: back)`)
    expect(lines).toHaveLength(2 + 2500)
    expect(lines.slice(2).map((l) => Number(l.trim().split(/ +/)[0]))).toEqual([...Array(2500).keys()])
    // Flow 2499 comes from 10.0.9.195:1024; its row lines up with the first page's.
    expect(lines.at(-1)).toMatch(/^ {2}2499 +UDP +10\.0\.9\.195:1024 → 192\.0\.2\.1:9 +4 B +0 B +0 µs$/)
    expect(lines.at(-1)!.indexOf('UDP')).toBe(lines[2]!.indexOf('UDP'))
  })

  it('a replay --flow that names no flow prints the table and exits 2; so does a missing file, or no file', async () => {
    const r = await run(['replay', session, '--flow', '7', '--target', '127.0.0.1:9'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`no flow 7 in ${session}; pick one with --flow N:`)
    expect(r.stderr).toMatch(/ {2}0 +TCP +127\.0\.0\.1:40100 → 127\.0\.0\.1:7000 +14 B +23 B +6\.0 ms/)
    const bad = await run(['replay', session, '--flow', '--target', '127.0.0.1:9'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--flow is a flow's number")

    const missing = await run(['flows', join(dir, 'nope.pcapng')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`No such file: ${join(dir, 'nope.pcapng')}`)
    const none = await run(['flows'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('net-playground flows <file>')
  })
})
