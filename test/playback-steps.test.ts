// The steps a playback plays, built in slices by merging runs already in order: the same
// order as one stable sort of everything (time, then openings before chunks before endings
// within a µs, then file order), also when a capture's clock goes back within a flow; and the
// lookups a seek makes without reading chunks (upTo, tailStart, closesAt).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSession, type OpenSession } from '../src/main/session/reader'
import { Steps, type Step } from '../src/main/session/playback-steps'
import { LINKTYPE_ETHERNET, writeTcpdumpPcap, type Conversation } from './tcpdump-pcap'

const dir = mkdtempSync(join(tmpdir(), 'np-playback-steps-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T = 1_700_000_000_000_000_000n

/** Conversation n: 30 chunks 1 µs apart; `late`: every 7th chunk stamped 5 µs earlier (the clock went back). */
function conversation(n: number, late: boolean): Conversation {
  return {
    proto: 'tcp',
    client: { address: '10.0.0.1', port: 4000 + n },
    server: { address: '10.0.0.2', port: 80 },
    seen: Array.from({ length: 30 }, (_, i) => ({
      from: i % 2 ? ('server' as const) : ('client' as const),
      tNs: T + BigInt(n * 333 + i * 1000 - (late && i % 7 === 3 ? 5000 : 0)),
      bytes: Buffer.from(`conversation ${n}, chunk ${i}`)
    })),
    openNs: T + BigInt(n),
    closeNs: T + 40_000n
  }
}

/** What the old one-call stable sort gave: by µs, then class, then the order the items were listed in. */
function sortedOnce(file: OpenSession, views: { paneId: string; flowIds: number[] }[]): string[] {
  const items: { us: bigint; cls: number; seq: number; key: string }[] = []
  for (const v of views)
    for (const id of v.flowIds) {
      const f = file.index.flows[id]!
      for (const c of f.chunks) items.push({ us: c.tNs / 1000n, cls: 1, seq: items.length, key: `${v.paneId} chunk ${c.offset}` })
      if (f.opened !== undefined) items.push({ us: f.opened / 1000n, cls: 0, seq: items.length, key: `${v.paneId} open ${f.id}` })
      for (const h of f.halfClosed ?? []) items.push({ us: h.tNs / 1000n, cls: 2, seq: items.length, key: `${v.paneId} half ${f.id}` })
      if (f.closed) items.push({ us: f.closed.tNs / 1000n, cls: 2, seq: items.length, key: `${v.paneId} closed ${f.id}` })
    }
  return items.sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : a.cls - b.cls || a.seq - b.seq)).map((i) => i.key)
}

const keyOf = (s: Step): string => `${s.paneId} ${s.ref ? `chunk ${s.ref.offset}` : `${s.life!.t} ${(s.life as { flow: { id: number } }).flow.id}`}`

describe('playback steps', () => {
  it('come in the order of one stable sort, a flow whose clock went back included', async () => {
    const path = join(dir, 'capture.pcap')
    writeTcpdumpPcap(path, LINKTYPE_ETHERNET, [conversation(1, false), conversation(2, true), conversation(3, false)])
    const file = openSession(path)
    try {
      const [a, b, c] = file.index.flows.map((f) => f.id)
      const views = [
        { paneId: 'one-and-three', flowIds: [a!, c!] },
        { paneId: 'two', flowIds: [b!] }
      ]
      const steps = await Steps.build(file.index, views)
      expect(steps.list.map(keyOf)).toEqual(sortedOnce(file, views))
      for (let i = 1; i < steps.list.length; i++) expect(steps.list[i]!.offsetNs >= steps.list[i - 1]!.offsetNs).toBe(true)

      // A seek's lookups: steps up to a moment, the newest chunks a room holds, a flow's close.
      const end = steps.list.length
      expect(steps.upTo(-1n)).toBe(0)
      expect(steps.upTo(steps.list.at(-1)!.offsetNs)).toBe(end)
      const mine = steps.list.map((s, i) => ({ s, i })).filter(({ s }) => s.paneId === 'two' && s.ref)
      const room = mine.slice(-3).reduce((n, { s }) => n + s.ref!.len, 0)
      expect(steps.tailStart('two', 0, end, room)).toBe(mine.at(-3)!.i)
      expect(steps.tailStart('two', 0, end, 0)).toBe(mine.at(-1)!.i)
      expect(steps.tailStart('nobody', 0, end, room)).toBe(end)
      expect(steps.list[steps.closesAt(b!)]!.life?.t).toBe('closed')
    } finally {
      file.close()
    }
  })
})
