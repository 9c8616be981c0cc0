// Decompression bombs (issue 10, item 3): a peer sends deflate messages of 65 KB that would
// inflate to 64 MiB each. The pane stops each at its limit (a setting, 4 MiB by default) and says
// so in both languages; it inflates off the main thread, so the host keeps answering; records
// and auto-replies keep their order; a message under the limit still decodes byte for byte.
import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { CommandInput, Endpoint, PaneConfigInput } from '../src/shared/contract'
import { DEFAULT_INFLATE_MIB, MAX_INFLATE_QUEUE } from '../src/shared/limits'
import { Probe, RawClient, RawUdp, type Shown, useProbe } from './probe'
import { holdThreadPool } from './hold-pool'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'
import { expectReason } from './why'

let probe!: Probe
const cleanups: (() => unknown)[] = []
useProbe((p) => (probe = p), { statsIntervalMs: 20 }, cleanups)

const MiB = 1024 * 1024
const lengthFraming = { kind: 'length', bytes: 4, endian: 'be', includesHeader: false } as const
/** 64 MiB of zeros, deflated: about 65 KB. */
const bomb = deflateSync(Buffer.alloc(64 * MiB), { level: 9 })
const framed = (payload: Buffer): Buffer => {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(payload.byteLength)
  return Buffer.concat([head, payload])
}
/** The bytes after the last transform undone (the payload the pane shows); a raw read's own bytes. */
const payloadOf = (s: Shown): Buffer => s.parts.at(-1)?.bytes ?? s.data
const inflateStage = (s: Shown): Shown['parts'][number] => s.parts.find((p) => p.part.op === 'decompress')!

async function serverWith(paneId: string, config: PaneConfigInput): Promise<RawClient> {
  await probe.ok({ type: 'pane.configure', paneId, config } as CommandInput)
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId, host: '127.0.0.1', port: 0 })
  const client = await RawClient.connect(local.port)
  cleanups.push(() => client.close())
  return client
}

/** A valid command that touches the engine (another pane's settings). */
const ask = (): Promise<unknown> => probe.ok({ type: 'pane.configure', paneId: 'bystander', config: {} })

describe('decompression bombs', () => {
  it('30 bombs of 65 KB → 64 MiB: each stops at the 4 MiB limit, said in en and zh; order, auto-replies and the host all hold', async () => {
    expect(bomb.byteLength).toBeLessThan(70_000)
    const client = await serverWith('srv', {
      framing: lengthFraming,
      transforms: [{ kind: 'compress', algo: 'deflate' }],
      autoReplies: [{ match: { kind: 'startsWith', text: 'small' }, reply: { kind: 'echo' } }]
    })
    // Between the bombs, small valid messages: they must come out in order, each after the bomb before it.
    const small = (i: number): Buffer => Buffer.from(`small ${i}`)
    const wire = Buffer.concat(Array.from({ length: 30 }, (_, i) => [framed(deflateSync(small(i))), framed(bomb)]).flat())
    // The last byte is held back: the 30th bomb cannot be done before the peer lets it go.
    void client.write(wire.subarray(0, wire.byteLength - 1))
    const bombsShown = (): number => probe.records('srv').filter((r) => !r.rec.ok).length
    await probe.until(() => bombsShown() >= 1, 'the first bomb stopped at its limit', 20_000)
    await expectAnswersDuring('30 deflate bombs', ask, () => bombsShown() < 30)
    await client.write(wire.subarray(wire.byteLength - 1))
    const records = await probe.untilRecords('srv', 60, 'in', 30_000)
    await expectAnswersAfter('30 deflate bombs', ask)

    expect(records.map((r) => (r.rec.ok ? payloadOf(r).toString() : 'bomb'))).toEqual(Array.from({ length: 30 }, (_, i) => [`small ${i}`, 'bomb']).flat())
    for (const r of records.filter((r) => !r.rec.ok)) {
      const stage = inflateStage(r)
      expect(stage.part).toMatchObject({ label: 'deflate', ok: false })
      // Nothing of the 4 MiB is kept: the stage shows what it was given, the 65 KB that arrived.
      expect(stage.bytes.equals(bomb)).toBe(true)
      expectReason(
        stage.part.reason,
        { key: 'why.compress.tooLarge', params: { limit: '4.0 MiB' } },
        {
          en: "decompressed data would be larger than 4.0 MiB (the pane's limit: Transforms › Largest decompressed message); stopped",
          zh: '解压后的数据将超过 4.0 MiB（本窗格的上限：变换 › 解压后单条消息上限），已停止'
        }
      )
    }
    // The recorder got every byte the peer sent, and the auto-replies went out in order.
    expect(probe.tapped('srv')).toBe(wire.byteLength)
    /** The echoes whole so far, each inflated. */
    const echoed = (): string[] => {
      const got = client.received()
      const said: string[] = []
      for (let at = 0; at + 4 <= got.byteLength && at + 4 + got.readUInt32BE(at) <= got.byteLength; at += 4 + got.readUInt32BE(at)) {
        said.push(inflateSync(got.subarray(at + 4, at + 4 + got.readUInt32BE(at))).toString())
      }
      return said
    }
    await probe.until(() => echoed().length >= 30, 'the 30 echoes', 10_000)
    const said = echoed()
    expect(said).toEqual(Array.from({ length: 30 }, (_, i) => `small ${i}`))
    // The connection is still open and a message after the flood decodes.
    await client.write(framed(deflateSync(Buffer.from('after'))))
    expect(payloadOf((await probe.untilRecords('srv', 61))[60]!).toString()).toBe('after')
    expect(probe.of('conn.closed', 'srv')).toEqual([])
  }, 60_000)

  it('the limit is the pane setting: 5 MiB passes at 8 MiB byte for byte and stops at 4 MiB (the default)', async () => {
    expect(DEFAULT_INFLATE_MIB).toBe(4)
    // 5 MiB that does not repeat in a way deflate collapses to nothing.
    const payload = Buffer.alloc(5 * MiB)
    for (let i = 0; i < payload.byteLength; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i)
    const message = framed(deflateSync(payload))
    const config = { framing: lengthFraming, transforms: [{ kind: 'compress', algo: 'deflate' }] } satisfies PaneConfigInput
    const client = await serverWith('srv', { ...config, maxInflateMiB: 8 })
    await client.write(message)
    const [passed] = await probe.untilRecords('srv', 1, 'in', 10_000)
    expect(passed!.rec.ok).toBe(true)
    expect(payloadOf(passed!).equals(payload)).toBe(true)

    await probe.ok({ type: 'pane.configure', paneId: 'srv', config })
    await client.write(message)
    const stopped = (await probe.untilRecords('srv', 2, 'in', 10_000))[1]!
    expect(stopped.rec.ok).toBe(false)
    expect(inflateStage(stopped).part.reason).toEqual({ key: 'why.compress.tooLarge', params: { limit: '4.0 MiB' } })

    await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { ...config, maxInflateMiB: 1 } })
    await client.write(framed(deflateSync(Buffer.alloc(MiB + 1))))
    expect(inflateStage((await probe.untilRecords('srv', 3, 'in', 10_000))[2]!).part.reason).toEqual({
      key: 'why.compress.tooLarge',
      params: { limit: '1.0 MiB' }
    })
  }, 30_000)

  it('a limit outside 1..64 MiB is refused by the pane settings', async () => {
    for (const maxInflateMiB of [0, 65, 1.5]) {
      const r = await probe.cmd({ type: 'pane.configure', paneId: 'srv', config: { maxInflateMiB } } as CommandInput)
      expect(r.ok, String(maxInflateMiB)).toBe(false)
    }
  })

  it('a server that closes on half-close answers the last message first: its reply waited for the inflate, the FIN waits for the reply', async () => {
    const client = await serverWith('srv', {
      framing: lengthFraming,
      transforms: [{ kind: 'compress', algo: 'deflate' }],
      autoReplies: [{ match: { kind: 'any' }, reply: { kind: 'echo' } }],
      connections: { limit: 256, closeOnHalfClose: true, idleTimeoutS: 0 }
    })
    const ended = new Promise<void>((resolve) => client.socket.once('end', () => resolve()))
    // The request and the FIN in one go, as `printf … | nc -N` sends them.
    client.socket.end(framed(deflateSync(Buffer.from('last words'))))
    await ended
    const got = client.received()
    expect(got.byteLength, 'the reply came before the FIN').toBeGreaterThan(4)
    expect(inflateSync(got.subarray(4)).toString()).toBe('last words')
  })

  it('a UDP flood past the queue: the datagrams that find it full are shown as they came and counted in one note (en, zh), the queue stays bounded', async () => {
    const letGo = holdThreadPool()
    try {
      await probe.ok({ type: 'pane.configure', paneId: 'udp', config: { framing: { kind: 'raw' }, transforms: [{ kind: 'compress', algo: 'deflate' }] } })
      const { local } = await probe.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'udp', host: '127.0.0.1', port: 0 })
      const peer = await RawUdp.bind()
      cleanups.push(() => peer.close())
      const datagram = deflateSync(Buffer.from('hello over udp'))
      const sent = 40
      for (let i = 0; i < sent; i++) await peer.send(datagram, local.port)
      // Those past the queue's bound show at once, undecoded (the wire bytes, no steps).
      await probe.until(() => probe.records('udp').length >= sent - MAX_INFLATE_QUEUE, 'the datagrams past the queue on screen')
      const raw = probe.records('udp')
      expect(raw.every((r) => r.parts.length === 0 && r.data.equals(datagram))).toBe(true)
    } finally {
      await letGo()
    }
    const records = await probe.untilRecords('udp', 40)
    const decoded = records.filter((r) => r.parts.length > 0)
    expect(decoded.length).toBe(MAX_INFLATE_QUEUE)
    expect(decoded.every((r) => payloadOf(r).toString() === 'hello over udp')).toBe(true)
    await probe.until(() => probe.of('pane.note', 'udp').some((n) => n.message.key === 'log.udpUndecoded'), 'the note')
    const notes = probe.of('pane.note', 'udp').filter((n) => n.message.key === 'log.udpUndecoded')
    expect(notes.length).toBe(1)
    expectReason(
      notes[0]!.message,
      { key: 'log.udpUndecoded', params: { count: 40 - MAX_INFLATE_QUEUE, queue: MAX_INFLATE_QUEUE } },
      {
        en: `${40 - MAX_INFLATE_QUEUE} datagram(s) shown as they came, not decompressed: 16 messages were already waiting to be decompressed (a flood).`,
        zh: `${40 - MAX_INFLATE_QUEUE} 个数据报按原样显示，未解压：已有 16 条消息在等待解压（数据洪泛）。`
      }
    )
  })

  it('new settings wait for the reads still queued behind a decompression: a half frame among them is said, not lost', async () => {
    const client = await serverWith('srv', { framing: lengthFraming, transforms: [{ kind: 'compress', algo: 'deflate' }] })
    const letGo = holdThreadPool()
    const half = framed(deflateSync(Buffer.from('two'))).subarray(0, 5)
    try {
      await client.write(framed(deflateSync(Buffer.from('one'))))
      await probe.until(() => probe.tapped('srv') > 0, 'the first read recorded')
      // A second read, queued behind the first one's inflate: half of the next frame.
      const before = probe.tapped('srv')
      await client.write(half)
      await probe.until(() => probe.tapped('srv') > before, 'the second read recorded')
      await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { framing: { kind: 'raw' }, transforms: [] } })
    } finally {
      await letGo()
    }
    await client.write('raw now')
    const records = await probe.untilRecords('srv', 2)
    expect(records.map((r) => payloadOf(r).toString())).toEqual(['one', 'raw now'])
    // The half frame read under the old framing is dropped by the change, and the log says so.
    const notes = probe.of('pane.note', 'srv').filter((n) => n.message.key === 'log.framingChanged')
    expect(notes.map((n) => n.message.params)).toEqual([{ id: 1, bytes: half.byteLength }])
  })

  it('a pane closed while its messages are being decompressed shows nothing more', async () => {
    const client = await serverWith('gone', { framing: lengthFraming, transforms: [{ kind: 'compress', algo: 'deflate' }] })
    const letGo = holdThreadPool()
    let mark = 0
    try {
      await client.write(framed(deflateSync(Buffer.from('late'))))
      await probe.until(() => probe.tapped('gone') > 0, 'the read recorded')
      await probe.ok({ type: 'pane.close', paneId: 'gone' })
      mark = probe.events.length
    } finally {
      await letGo()
    }
    await expectAnswersAfter('a closed pane', ask)
    expect(probe.events.slice(mark).filter((e) => 'paneId' in e && e.paneId === 'gone')).toEqual([])
  })
})
