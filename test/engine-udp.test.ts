// UDP panes over real loopback sockets: bind, datagrams both ways with the sender's
// address, boundaries kept, IPv6, and the ways a send is refused.
import { expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'

import { Probe, useProbe } from './probe'

const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)

let probe!: Probe
useProbe((p) => (probe = p), { statsIntervalMs: 20 })

async function bind(paneId: string, host = '127.0.0.1', port = 0): Promise<Endpoint> {
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId, host, port })
  return local
}

/** The 'in' records of a UDP pane, with their bytes. */
function datagrams(paneId: string): { peer: Endpoint | undefined; bytes: Buffer }[] {
  const out: { peer: Endpoint | undefined; bytes: Buffer }[] = []
  for (const e of probe.of('data', paneId)) {
    let off = 0
    for (const r of e.records) {
      if (r.dir === 'in') out.push({ peer: r.peer, bytes: Buffer.from(e.data.subarray(off, off + r.len)) })
      off += r.len
    }
  }
  return out
}

it('binds on port 0 and shows the free port it got', async () => {
  const local = await bind('u')
  expect(local).toMatchObject({ address: '127.0.0.1', family: 'IPv4' })
  expect(local.port).toBeGreaterThan(0)
  expect(await probe.waitFor('pane.state', 'u', (e) => e.state === 'bound')).toMatchObject({ local })
})

it('two panes exchange datagrams; each record carries the sender address', async () => {
  const a = await bind('a')
  const b = await bind('b')
  expect(await probe.ok({ type: 'send', paneId: 'a', target: { host: '127.0.0.1', port: b.port }, payload: u8('ping') })).toEqual({ bytes: 4, connections: 1 })
  await probe.until(() => datagrams('b').length === 1, 'datagram at b')
  expect(datagrams('b')[0]).toEqual({ peer: { address: '127.0.0.1', port: a.port, family: 'IPv4' }, bytes: Buffer.from('ping') })

  // Answer the sender, by name this time.
  await probe.ok({ type: 'send', paneId: 'b', target: { host: 'localhost', port: a.port }, payload: u8('pong') })
  await probe.until(() => datagrams('a').length === 1, 'datagram at a')
  expect(datagrams('a')[0]).toEqual({ peer: { address: '127.0.0.1', port: b.port, family: 'IPv4' }, bytes: Buffer.from('pong') })

  // The sender's pane shows what it sent and where to.
  const sent = probe.of('data', 'a').flatMap((e) => e.records.filter((r) => r.dir === 'out'))
  expect(sent).toHaveLength(1)
  expect(sent[0]).toMatchObject({ connId: 0, len: 4, peer: { address: '127.0.0.1', port: b.port } })
  await probe.waitFor('conn.stats', 'a', (e) => e.stats.some((s) => s.connId === 0 && s.bytesIn === 4 && s.bytesOut === 4))
})

it('keeps datagram boundaries: three sends of different sizes are three records of those sizes', async () => {
  await bind('a')
  const b = await bind('b')
  const sizes = [1, 1000, 65507]
  const payloads = sizes.map((n, i) => Uint8Array.from({ length: n }, (_, j) => (j * 7 + i) & 0xff))
  for (const data of payloads) await probe.ok({ type: 'send', paneId: 'a', target: { host: '127.0.0.1', port: b.port }, payload: data })
  await probe.until(() => datagrams('b').length === 3, 'three datagrams')
  const got = datagrams('b')
  expect(got.map((d) => d.bytes.byteLength)).toEqual(sizes)
  got.forEach((d, i) => expect(Buffer.compare(d.bytes, Buffer.from(payloads[i]!))).toBe(0))
})

it('works over IPv6 (::1)', async () => {
  const a = await bind('a6', '::1')
  const b = await bind('b6', '::1')
  expect(a).toMatchObject({ address: '::1', family: 'IPv6' })
  await probe.ok({ type: 'send', paneId: 'a6', target: { host: '::1', port: b.port }, payload: u8('hello v6') })
  await probe.until(() => datagrams('b6').length === 1, 'datagram at b6')
  expect(datagrams('b6')[0]).toEqual({ peer: { address: '::1', port: a.port, family: 'IPv6' }, bytes: Buffer.from('hello v6') })
})

it('send before bind is NOT_RUNNING, also on a pane whose bind failed', async () => {
  await probe.fails({ type: 'send', paneId: 'u', target: { host: '127.0.0.1', port: 9 }, payload: u8('x') }, 'NOT_RUNNING')
  const taken = await bind('first')
  const err = await probe.fails({ type: 'udp.bind', paneId: 'second', host: '127.0.0.1', port: taken.port }, 'EADDRINUSE')
  expect(err).toMatchObject({ op: 'bind', host: '127.0.0.1', port: taken.port })
  await probe.fails({ type: 'send', paneId: 'second', target: { host: '127.0.0.1', port: taken.port }, payload: u8('x') }, 'NOT_RUNNING')
  // Binding twice on one pane is refused.
  await probe.fails({ type: 'udp.bind', paneId: 'first', host: '127.0.0.1', port: 0 }, 'ALREADY_RUNNING')
})

it('a 70000-byte datagram is rejected by validation with a clear detail', async () => {
  const b = await bind('b')
  const err = await probe.fails({ type: 'send', paneId: 'b', target: { host: '127.0.0.1', port: b.port }, payload: new Uint8Array(70000) }, 'EMSGSIZE')
  expect(err.reason).toEqual({ key: 'why.datagramTooLarge', params: { bytes: 70000, max: 65507 } })
  expect(probe.of('data')).toEqual([])
})

it('pane.close unbinds: the pane goes idle and the port is free again', async () => {
  const local = await bind('u')
  await probe.ok({ type: 'pane.close', paneId: 'u' })
  await probe.waitFor('pane.state', 'u', (e) => e.state === 'idle')
  expect((await bind('again', '127.0.0.1', local.port)).port).toBe(local.port)
})
