// Hostile session files opened through the engine (issue 10, item 5): a capture of 20,000
// flows is answered with the first 1,000 and the count, the rest reached a page at a time; a
// workspace record of 32 MiB nested 16M deep, one nested 100 deep and a deep lifecycle record
// are skipped with a note in en and zh while the rest of the file opens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Endpoint, SessionSummary } from '../src/shared/contract'
import { translateRef } from '../src/shared/i18n'
import { FLOW_PAGE } from '../src/shared/limits'
import { encodeRecordBlock } from '../src/main/session/blocks'
import { withSessions } from '../src/main/session/service'
import { SessionWriter } from '../src/main/session/writer'
import { english } from './message-refs'
import { writeManyUdpFlows } from './many-flows.mjs'
import { Probe } from './probe'

const dir = mkdtempSync(join(tmpdir(), 'np-hostile-files-'))
const probes: Probe[] = []
afterAll(async () => {
  for (const p of probes) await p.dispose()
  rmSync(dir, { recursive: true, force: true })
})
const viewer = (): Probe => {
  const p = new Probe({ sessions: withSessions({ dir: join(dir, 'sessions') }) })
  probes.push(p)
  return p
}
const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })

describe('a capture of 20,000 UDP flows', () => {
  it('opens with the first 1,000 flows and the count; session.flows gives any page, up to the last flow', async () => {
    const path = join(dir, 'flows.pcap')
    writeManyUdpFlows(path, 20_000)
    const p = viewer()
    const s = await p.ok<SessionSummary>({ type: 'session.open', path })
    expect(s.flowCount).toBe(20_000)
    expect(s.flows.length).toBe(FLOW_PAGE)
    expect(s.flows.map((f) => f.id)).toEqual([...Array(FLOW_PAGE).keys()])
    const last = await p.ok<{ flows: SessionSummary['flows']; total: number }>({ type: 'session.flows', sessionId: s.sessionId, offset: 19_990, limit: 50 })
    expect(last.total).toBe(20_000)
    expect(last.flows.map((f) => f.id)).toEqual([...Array(10).keys()].map((i) => 19_990 + i))
    // Flow k comes from 10.(k>>16).(k>>8).(k&255):1024 and carries 4 bytes.
    expect(last.flows.at(-1)).toMatchObject({ proto: 'udp', local: v4('10.0.78.31', 1024), remote: v4('192.0.2.1', 9), bytesOut: 4, chunks: 1 })
    const past = await p.ok<{ flows: unknown[]; total: number }>({ type: 'session.flows', sessionId: s.sessionId, offset: 20_000, limit: 10 })
    expect(past.flows).toEqual([])
    // A page larger than FLOW_PAGE is refused by the contract.
    const big = await p.cmd({ type: 'session.flows', sessionId: s.sessionId, offset: 0, limit: FLOW_PAGE + 1 })
    expect(big.ok).toBe(false)
    expect(p.schemaErrors).toEqual([])
  })
})

/** A session of ours with a hostile record block put between its workspace and its connection. */
function sessionWith(name: string, hostile: string[]): string {
  const clean = join(dir, `${name}-clean.pcapng`)
  const w = SessionWriter.open(clean, { flushMs: 0 })
  const t = 1_750_000_000_000_000_000n
  w.workspace({ panes: [{ id: 'a', kind: 'tcp-client' }], keep: 'me' }, t)
  w.connOpen({ paneId: 'a', connId: 1, local: v4('127.0.0.1', 40000), remote: v4('127.0.0.1', 7000), initiator: 'local', tNs: t + 1n })
  w.chunk({ paneId: 'a', connId: 1, dir: 'out', tNs: t + 2n, bytes: Buffer.from('after the hostile block') })
  w.close({ paneId: 'a', connId: 1, how: 'close', tNs: t + 3n })
  w.close()
  // Insert the hostile blocks just before the first packet block: everything after them must still open.
  const bytes = readFileSync(clean)
  let off = 0
  while (bytes.readUInt32LE(off) !== 6) off += bytes.readUInt32LE(off + 4)
  const path = join(dir, `${name}.pcapng`)
  writeFileSync(path, Buffer.concat([bytes.subarray(0, off), ...hostile.map((j) => Buffer.from(encodeRecordBlock(j))), bytes.subarray(off)]))
  return path
}

const notesOf = (s: SessionSummary): string[] => (s.notes ?? []).map((n) => english(n)!)
const zhNotes = (s: SessionSummary): string[] => (s.notes ?? []).map((n) => translateRef('zh', n))

describe('a session with hostile records', () => {
  it('skips a 32 MiB workspace nested 16M deep with a note; the workspace before it and the flows after it open', async () => {
    const deep = 16 * 1024 * 1024
    const path = sessionWith('bomb', [`{"t":"workspace","tNs":"1750000000000000005","workspace":${'['.repeat(deep)}${']'.repeat(deep)}}`])
    const s = await viewer().ok<SessionSummary>({ type: 'session.open', path })
    expect(notesOf(s)).toEqual([
      expect.stringMatching(/^A workspace in the file is 32(\.0)? MiB, more than the 8(\.0)? MiB a workspace may be: it was skipped/)
    ])
    expect(zhNotes(s)).toEqual([expect.stringMatching(/^文件中有一个工作区大小为 32(\.0)? MiB，超过了工作区允许的 8(\.0)? MiB/)])
    expect(s.workspace).toMatchObject({ keep: 'me' })
    expect(s.flows).toMatchObject([{ paneId: 'a', bytesOut: 'after the hostile block'.length }])
  })

  it('skips a small workspace nested 100 deep, and counts a lifecycle record nested 100 deep', async () => {
    const nest = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
    const path = sessionWith('deep', [
      `{"t":"workspace","tNs":"1750000000000000005","workspace":${nest(100)}}`,
      `{"t":"event","paneId":"a","tNs":"1750000000000000006","kind":"x","x":${nest(100)}}`,
      // A string full of brackets is no nesting: this workspace is read.
      `{"t":"workspace","tNs":"1750000000000000007","workspace":{"keep":"me too","s":"${'['.repeat(200)}\\"{{{{"}}`
    ])
    const s = await viewer().ok<SessionSummary>({ type: 'session.open', path })
    expect(notesOf(s)).toEqual([
      'A workspace in the file is nested deeper than 64 levels: it was skipped, and the one saved before it (if any) is used.',
      '1 record(s) larger than 8.0 MiB or nested deeper than 64 levels were skipped.'
    ])
    expect(zhNotes(s)).toEqual([
      '文件中有一个工作区的嵌套超过 64 层：已跳过，使用它之前保存的那个（如有）。',
      '跳过了 1 条大于 8.0 MiB 或嵌套超过 64 层的记录。'
    ])
    expect(s.workspace).toMatchObject({ keep: 'me too' })
    expect(s.flows).toMatchObject([{ paneId: 'a', bytesOut: 'after the hostile block'.length }])
  })
})

describe('records the app itself would write too large or too deep', () => {
  it('are written as a note of what was lost, so the file opens with the workspace before them', async () => {
    const path = join(dir, 'written.pcapng')
    const w = SessionWriter.open(path, { flushMs: 0 })
    const t = 1_750_000_000_000_000_000n
    w.workspace({ keep: 'this one' }, t)
    w.workspace({ big: 'x'.repeat(9 * 1024 * 1024) }, t + 1n)
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = { a: deep }
    w.workspace(deep, t + 2n)
    w.close()
    const s = await viewer().ok<SessionSummary>({ type: 'session.open', path })
    expect(s.workspace).toEqual({ keep: 'this one' })
    expect(notesOf(s)).toEqual([expect.stringMatching(/^A workspace could not be saved in the session/)])
    expect(zhNotes(s)).toEqual([expect.stringMatching(/^有一个工作区没能保存到会话中/)])
  })
})

describe('a session naming 5,000 panes', () => {
  it('lists the first 1,000 recorded panes in its summary', async () => {
    const path = join(dir, 'panes.pcapng')
    const w = SessionWriter.open(path, { flushMs: 0 })
    for (let i = 0; i < 5000; i++) w.event({ paneId: `p${i}`, tNs: 1_750_000_000_000_000_000n + BigInt(i), kind: 'closed' })
    w.close()
    const p = viewer()
    const s = await p.ok<SessionSummary>({ type: 'session.open', path })
    expect(s.panes.length).toBe(FLOW_PAGE)
    expect(s.panes[0]).toEqual({ paneId: 'p0', events: 1 })
    expect(p.schemaErrors).toEqual([])
  })
})
