// What a pane's log says, and in which order: an error of a command waits behind the traffic
// the screen still has to draw (it never overtakes it), and changing the framing while a
// frame is half received says what it dropped.
import { expect, it } from 'vitest'
import { Probe, RawClient, useProbe } from './probe'

let probe!: Probe
// A screen that draws nothing until told: the first batch stays in flight, the rest waits.
useProbe((p) => (probe = p), { display: { highWater: 1024, flushBytes: 1024 }, statsIntervalMs: 20 })

async function serverWithClient(): Promise<RawClient> {
  const { local } = await probe.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const client = await RawClient.connect(local.port)
  await probe.waitFor('conn.open', 'srv')
  return client
}

it("a failing command's error comes after the traffic queued before it, not ahead of it", async () => {
  probe.autoAck = false
  const client = await serverWithClient()
  // A first read goes to the screen and is not acknowledged; what comes after it waits.
  await client.write(Buffer.alloc(2048, 0x61))
  await probe.waitFor('data', 'srv')
  await client.write(Buffer.alloc(62 * 1024, 0x62))
  await probe.until(() => probe.tapped('srv') === 64 * 1024, 'the server to read 64 KiB')
  // One batch (1 KiB: the first read's first piece) in flight, the rest waiting.
  expect(probe.bytes('srv').byteLength).toBe(1024)
  // Now a command fails on the pane.
  await probe.fails({ type: 'conn.reset', paneId: 'srv', connId: 99 }, 'NO_CONNECTION').catch((e: Error) => {
    // probe.fails also wants the error event at once; here it must not be there yet.
    expect(e.message).toMatch(/no matching error event/)
  })
  expect(probe.of('error', 'srv')).toEqual([])
  // The screen catches up: all the data, then the error.
  probe.autoAck = true
  probe.engine.ack({ paneId: 'srv', bytes: probe.bytes('srv').byteLength })
  await probe.waitFor('error', 'srv')
  const order = probe.events.filter((e) => 'paneId' in e && e.paneId === 'srv' && (e.type === 'data' || e.type === 'error')).map((e) => e.type)
  expect(order.at(-1)).toBe('error')
  expect(probe.bytes('srv').byteLength).toBe(64 * 1024)
  client.close()
})

it('changing the framing while a frame is half received says on the pane how many bytes of it were dropped', async () => {
  await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false } } })
  const client = await serverWithClient()
  // A header announcing 10 bytes, then only 4 of them.
  await client.write(Buffer.from([0, 10, 1, 2, 3, 4]))
  await probe.until(() => probe.tapped('srv') === 6, 'the server to read the half frame')
  await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { framing: { kind: 'delimiter', delimiterHex: '0a' } } })
  const note = await probe.waitFor('pane.note', 'srv')
  expect(note).toMatchObject({ level: 'warn', message: { key: 'log.framingChanged', params: { id: 1, bytes: 6 } } })
  // The new framing reads what comes next.
  await client.write('hello\n')
  await probe.untilRecords('srv', 1)
  client.close()
})
