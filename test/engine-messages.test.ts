// Framing and transforms on real loopback sockets: what a pane puts on the wire (read by a
// plain node:net / node:dgram peer), and how a pane shows what a plain peer wrote, as
// message records with their parts (wire, unframe, each undone step).
import { crc32 as zlibCrc32, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { CommandInput, Endpoint, PaneConfigInput } from '../src/shared/contract'

import { errorMessage } from '../src/shared/i18n'
import { Probe, RawClient, RawServer, RawUdp, type Shown, useProbe } from './probe'
import { expectReason } from './why'

type Framing = NonNullable<PaneConfigInput['framing']>

const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const hello = { text: 'hello', mode: 'text' } as const
/** CRC-32 of `data`, big-endian, as zlib computes it. */
const crcBE = (data: Buffer): Buffer => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(zlibCrc32(data))
  return out
}

let probe!: Probe
const cleanups: (() => unknown)[] = []
useProbe((p) => (probe = p), { statsIntervalMs: 20 }, cleanups)

async function rawServer(...args: Parameters<typeof RawServer.listen>): Promise<RawServer> {
  const s = await RawServer.listen(...args)
  cleanups.push(() => s.close())
  return s
}

async function rawClient(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port)
  cleanups.push(() => c.close())
  return c
}

async function rawUdp(): Promise<RawUdp> {
  const u = await RawUdp.bind()
  cleanups.push(() => u.close())
  return u
}

function configure(paneId: string, config: PaneConfigInput): Promise<unknown> {
  return probe.ok({ type: 'pane.configure', paneId, config } as CommandInput)
}

async function listen(paneId: string): Promise<number> {
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId, host: '127.0.0.1', port: 0 })
  return local.port
}

async function connect(paneId: string, port: number): Promise<number> {
  const { connId } = await probe.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId, host: '127.0.0.1', port })
  return connId
}

/** Writes each piece separately and waits until the pane has read it, so each is its own read. */
async function writeApart(client: RawClient, paneId: string, pieces: Buffer[]): Promise<void> {
  for (const p of pieces) {
    const want = probe.tapped(paneId) + p.byteLength
    await client.write(p)
    await probe.until(() => probe.tapped(paneId) >= want, `${paneId} to read ${p.byteLength} bytes`)
  }
}

const summary = (s: Shown): unknown[] => s.parts.map((p) => [p.part.op, p.part.label, p.part.ok])
const payloadOf = (s: Shown): Buffer => s.parts.at(-1)!.bytes

interface FramingCase {
  name: string
  framing: Framing
  label: string
  /** The wire bytes of a payload, written out by hand. */
  wire: (payload: Buffer) => Buffer
  /** What the receiver shows as the payload of that frame. */
  payload: (payload: Buffer) => Buffer
}

const u16be = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff])
const u32le = (n: number): Buffer => {
  const out = Buffer.alloc(4)
  out.writeUInt32LE(n)
  return out
}
const pad8 = (p: Buffer): Buffer => Buffer.concat([p, Buffer.alloc(8 - p.byteLength)])

const framings: FramingCase[] = [
  {
    name: 'length 2 bytes BE without header',
    framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false },
    label: 'length 2B BE',
    wire: (p) => Buffer.concat([u16be(p.byteLength), p]),
    payload: (p) => p
  },
  {
    name: 'length 4 bytes LE including the header',
    framing: { kind: 'length', bytes: 4, endian: 'le', includesHeader: true },
    label: 'length 4B LE incl. header',
    wire: (p) => Buffer.concat([u32le(p.byteLength + 4), p]),
    payload: (p) => p
  },
  {
    name: 'delimiter 0d0a',
    framing: { kind: 'delimiter', delimiterHex: '0d0a' },
    label: 'delimiter 0d0a',
    wire: (p) => Buffer.concat([p, b('\r\n')]),
    payload: (p) => p
  },
  {
    name: 'fixed 8',
    framing: { kind: 'fixed', length: 8 },
    label: 'fixed 8',
    wire: pad8,
    payload: pad8
  }
]

describe('framing on a TCP pair', () => {
  it.each(framings)('$name: a client pane send of a template puts the framed bytes on the wire', async (c) => {
    const raw = await rawServer()
    await configure('cli', { framing: c.framing }) // before the pane starts
    const connId = await connect('cli', raw.port)
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: hello })
    const want = c.wire(b('hello'))
    expect((await raw.untilReceived(want.byteLength)).toString('hex')).toBe(want.toString('hex'))
    // The pane shows the send as payload, then the frame that went out.
    const [out] = await probe.untilRecords('cli', 1, 'out')
    expect(summary(out!)).toEqual([
      ['payload', 'payload', true],
      ['frame', c.label, true]
    ])
    expect(out!.parts[0]!.bytes.toString()).toBe('hello')
    expect(out!.parts[1]!.bytes.toString('hex')).toBe(want.toString('hex'))
  })

  it.each(framings)('$name: a server pane cuts two frames in one write and one frame in three writes into messages', async (c) => {
    await configure('srv', { framing: c.framing })
    const port = await listen('srv')
    const client = await rawClient(port)
    const [one, two, three] = [b('one'), b('two'), b('three!')]
    await writeApart(client, 'srv', [Buffer.concat([c.wire(one), c.wire(two)])])
    const split = c.wire(three)
    // Cut after the first byte (inside a length header) and before the last (inside a delimiter).
    await writeApart(client, 'srv', [split.subarray(0, 1), split.subarray(1, split.byteLength - 1), split.subarray(split.byteLength - 1)])
    const shown = await probe.untilRecords('srv', 3)
    expect(shown).toHaveLength(3)
    for (const [i, p] of [one, two, three].entries()) {
      const s = shown[i]!
      expect(s.rec.ok).toBe(true)
      expect(summary(s)).toEqual([
        ['wire', 'wire', true],
        ['unframe', c.label, true]
      ])
      expect(s.parts[0]!.bytes.toString('hex')).toBe(c.wire(p).toString('hex'))
      expect(payloadOf(s).toString('hex')).toBe(c.payload(p).toString('hex'))
      // The record's bytes are its parts' bytes, in order.
      expect(s.rec.len).toBe(s.parts.reduce((n, x) => n + x.part.len, 0))
    }
    // Nothing is left over, and nothing more shows.
    expect(probe.records('srv')).toHaveLength(3)
  })

  it('pane.configure while running: the next send is framed, the next read is cut', async () => {
    const raw = await rawServer()
    const connId = await connect('cli', raw.port)
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text: 'raw|', mode: 'text' } })
    await raw.untilReceived(4)
    raw.sockets[0]!.write('before')
    await probe.untilRecords('cli', 1)

    await configure('cli', { framing: { kind: 'delimiter', delimiterHex: '0a' } })
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text: 'framed', mode: 'text' } })
    expect((await raw.untilReceived(11)).toString()).toBe('raw|framed\n')
    raw.sockets[0]!.write('a\nb\n')
    const shown = await probe.untilRecords('cli', 3)
    // The read before the change is shown as it came; those after it as messages.
    expect(shown[0]!.rec.parts).toBeUndefined()
    expect(shown[0]!.data.toString()).toBe('before')
    expect(shown.slice(1).map(summary)).toEqual([
      [
        ['wire', 'wire', true],
        ['unframe', 'delimiter 0a', true]
      ],
      [
        ['wire', 'wire', true],
        ['unframe', 'delimiter 0a', true]
      ]
    ])
    expect(shown.slice(1).map((s) => payloadOf(s).toString())).toEqual(['a', 'b'])
  })

  it('a frame too long for a fixed length is refused with BAD_FRAME and nothing goes out', async () => {
    const raw = await rawServer()
    await configure('cli', { framing: { kind: 'fixed', length: 4 } })
    const connId = await connect('cli', raw.port)
    const err = await probe.fails({ type: 'send', paneId: 'cli', target: connId, payload: hello }, 'BAD_FRAME')
    expectReason(
      err.reason,
      { key: 'why.frame.fixedOverflow', params: { n: 5, length: 4 } },
      { en: '5 bytes do not fit a fixed length of 4', zh: '5 字节放不进 4 字节的固定长度' }
    )
    expect(errorMessage('en', err)).toBe('Cannot frame the message: 5 bytes do not fit a fixed length of 4')
    expect(errorMessage('zh', err)).toBe('无法分帧：5 字节放不进 4 字节的固定长度')
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text: 'ok', mode: 'text' } })
    expect((await raw.untilReceived(4)).toString('hex')).toBe(b('ok\0\0').toString('hex'))
  })

  it('UDP panes: datagrams are never framed, but transforms apply both ways', async () => {
    const peer = await rawUdp()
    await configure('u', { framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false }, transforms: [{ kind: 'checksum', algo: 'crc32' }] })
    const { local } = await probe.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    await probe.ok({ type: 'send', paneId: 'u', target: { host: '127.0.0.1', port: peer.port }, payload: hello })
    const [dgram] = await peer.untilDatagrams(1)
    expect(dgram!.toString('hex')).toBe(Buffer.concat([b('hello'), crcBE(b('hello'))]).toString('hex'))
    const [out] = await probe.untilRecords('u', 1, 'out')
    expect(summary(out!)).toEqual([
      ['payload', 'payload', true],
      ['append', 'crc32', true]
    ])

    await peer.send(Buffer.concat([b('hi'), crcBE(b('hi'))]), local.port)
    const [got] = await probe.untilRecords('u', 1)
    expect(got!.rec.ok).toBe(true)
    expect(got!.rec.peer?.port).toBe(peer.port)
    expect(summary(got!)).toEqual([
      ['wire', 'wire', true],
      ['verify', 'crc32', true]
    ])
    expect(payloadOf(got!).toString()).toBe('hi')
  })
})

describe('transforms', () => {
  const crc = { transforms: [{ kind: 'checksum', algo: 'crc32' }] } satisfies PaneConfigInput

  it('crc32: the wire is the payload then its CRC-32, big-endian, as zlib computes it', async () => {
    const raw = await rawServer()
    await configure('cli', crc)
    const connId = await connect('cli', raw.port)
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: hello })
    const wire = await raw.untilReceived(9)
    expect(wire.toString('hex')).toBe('68656c6c6f' + (zlibCrc32('hello') >>> 0).toString(16).padStart(8, '0'))
    expect(wire.subarray(5).toString('hex')).toBe('3610a686')
  })

  it('crc32: the receiver verifies and strips it; a wrong CRC shows as a mismatch with the payload kept', async () => {
    await configure('srv', crc)
    const port = await listen('srv')
    const client = await rawClient(port)
    await writeApart(client, 'srv', [Buffer.concat([b('hello'), crcBE(b('hello'))])])
    const [good] = await probe.untilRecords('srv', 1)
    expect(good!.rec.ok).toBe(true)
    expect(summary(good!)).toEqual([
      ['wire', 'wire', true],
      ['verify', 'crc32', true]
    ])
    expectReason(
      good!.parts[1]!.part.reason,
      { key: 'why.checksum.ok', params: { sum: '36 10 a6 86' } },
      { en: 'checksum ok: 36 10 a6 86', zh: '校验和正确：36 10 a6 86' }
    )
    expect(payloadOf(good!).toString()).toBe('hello')

    await writeApart(client, 'srv', [Buffer.concat([b('hello'), Buffer.from([0xde, 0xad, 0xbe, 0xef])])])
    const bad = (await probe.untilRecords('srv', 2))[1]!
    expect(bad.rec.ok).toBe(false)
    const failed = bad.parts.find((p) => !p.part.ok)!
    expect(failed.part).toMatchObject({ op: 'verify', label: 'crc32', ok: false })
    expect(failed.part.reason).toEqual({ key: 'why.checksum.mismatch', params: { got: 'de ad be ef', computed: '36 10 a6 86' } })
    expect(payloadOf(bad).toString()).toBe('hello')
  })

  const sealed = (passphrase: string): PaneConfigInput => ({
    transforms: [
      { kind: 'compress', algo: 'gzip' },
      { kind: 'encrypt', algo: 'aes-256-gcm', passphrase }
    ]
  })

  it('gzip then aes-256-gcm with a passphrase: two panes talk both ways; the wire is neither plain nor the same twice', async () => {
    const raw = await rawServer() // to see a send's wire bytes as a peer would
    await configure('srv', sealed('open sesame'))
    await configure('cli', sealed('open sesame'))
    const port = await listen('srv')
    const connId = await connect('cli', port)
    const text = 'hello hello hello hello hello hello'
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text, mode: 'text' } })
    const [got] = await probe.untilRecords('srv', 1)
    expect(got!.rec.ok).toBe(true)
    expect(summary(got!)).toEqual([
      ['wire', 'wire', true],
      ['decrypt', 'aes-256-gcm', true],
      ['decompress', 'gzip', true]
    ])
    expect(payloadOf(got!).toString()).toBe(text)
    expect(got!.parts[0]!.bytes.includes(b('hello'))).toBe(false)
    const [out] = await probe.untilRecords('cli', 1, 'out')
    expect(summary(out!).map((s) => (s as unknown[])[0])).toEqual(['payload', 'compress', 'encrypt'])

    const sid = probe.of('conn.open', 'srv')[0]!.connId
    await probe.ok({ type: 'send', paneId: 'srv', target: sid, payload: { text: 'back at you', mode: 'text' } })
    const [back] = await probe.untilRecords('cli', 1)
    expect(back!.rec.ok).toBe(true)
    expect(payloadOf(back!).toString()).toBe('back at you')

    // The same payload twice is two different wires (a fresh IV each time).
    await configure('peek', sealed('open sesame'))
    const peek = await connect('peek', raw.port)
    const n = 12 + gzipSync('hello').byteLength + 16 // IV, the gzip of 'hello' encrypted, tag
    await probe.ok({ type: 'send', paneId: 'peek', target: peek, payload: hello })
    await probe.ok({ type: 'send', paneId: 'peek', target: peek, payload: hello })
    const both = await raw.untilReceived(2 * n)
    expect(both.byteLength).toBe(2 * n)
    expect(both.subarray(0, n).equals(both.subarray(n))).toBe(false)
  })

  it('a wrong passphrase on the receiver: the record is not ok, and says why in plain words', async () => {
    await configure('srv', sealed('the wrong one'))
    await configure('cli', sealed('open sesame'))
    const port = await listen('srv')
    const connId = await connect('cli', port)
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: hello })
    const [got] = await probe.untilRecords('srv', 1)
    expect(got!.rec.ok).toBe(false)
    const failed = got!.parts.find((p) => !p.part.ok)!
    expect(failed.part).toMatchObject({ op: 'decrypt', label: 'aes-256-gcm', ok: false })
    expectReason(
      failed.part.reason,
      { key: 'why.cipher.authFailed' },
      { en: 'authentication failed: wrong key or the data was changed', zh: '认证失败：密钥错误，或数据已被改动' }
    )
    // What arrived is still shown: the wire bytes, as they came.
    expect(got!.parts[0]!.part.op).toBe('wire')
    expect(got!.parts[0]!.bytes.byteLength).toBe(12 + gzipSync('hello').byteLength + 16) // IV, the gzip of 'hello' encrypted, tag
  })

  it('framing and transforms together: each frame is unframed, then each step undone; a send is transformed, then framed', async () => {
    const config: PaneConfigInput = {
      framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false },
      transforms: [
        { kind: 'checksum', algo: 'crc32' },
        { kind: 'compress', algo: 'gzip' }
      ]
    }
    // Receiving: a plain client writes two such frames in one write.
    await configure('srv', config)
    const port = await listen('srv')
    const client = await rawClient(port)
    const frameOf = (p: Buffer): Buffer => {
      const body = gzipSync(Buffer.concat([p, crcBE(p)]))
      return Buffer.concat([u16be(body.byteLength), body])
    }
    await writeApart(client, 'srv', [Buffer.concat([frameOf(b('first')), frameOf(b('second'))])])
    const shown = await probe.untilRecords('srv', 2)
    for (const [i, p] of ['first', 'second'].entries()) {
      expect(shown[i]!.rec.ok).toBe(true)
      expect(summary(shown[i]!)).toEqual([
        ['wire', 'wire', true],
        ['unframe', 'length 2B BE', true],
        ['decompress', 'gzip', true],
        ['verify', 'crc32', true]
      ])
      expect(payloadOf(shown[i]!).toString()).toBe(p)
    }

    // Sending: a plain server reads a length header, gunzips, and checks the CRC.
    const raw = await rawServer()
    await configure('cli', config)
    const connId = await connect('cli', raw.port)
    await probe.ok({ type: 'send', paneId: 'cli', target: connId, payload: hello })
    const head = await raw.untilReceived(2)
    const wire = await raw.untilReceived(2 + head.readUInt16BE(0))
    expect(wire.byteLength).toBe(2 + head.readUInt16BE(0))
    const inner = gunzipSync(wire.subarray(2))
    expect(inner.toString('hex')).toBe(Buffer.concat([b('hello'), crcBE(b('hello'))]).toString('hex'))
  })
})
