// Auto-replies on a TCP server pane and a UDP pane, checked on the wire of a plain
// node:net / node:dgram peer: echo, text and hex matches, regex captures, delay, once,
// rule order, disabled rules, and replies that go through framing and transforms.
import { crc32 as zlibCrc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { AutoReply, CommandInput, Endpoint, PaneConfigInput } from '../src/shared/contract'
import { Probe, RawClient, RawUdp, sleep, useProbe } from './probe'

let probe!: Probe
const cleanups: (() => unknown)[] = []
useProbe((p) => (probe = p), { statsIntervalMs: 20 }, cleanups)

const text = (t: string, extra: Partial<AutoReply['reply']> = {}): AutoReply['reply'] => ({
  kind: 'template',
  template: { text: t, mode: 'text' },
  ...extra
})

function configure(paneId: string, config: PaneConfigInput): Promise<unknown> {
  return probe.ok({ type: 'pane.configure', paneId, config } as CommandInput)
}

/** A server pane with these rules (and framing) and a plain client connected to it. */
async function server(autoReplies: AutoReply[], more: PaneConfigInput = {}): Promise<RawClient> {
  await configure('srv', { autoReplies, ...more })
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const client = await RawClient.connect(local.port)
  cleanups.push(() => client.close())
  await probe.waitFor('conn.open', 'srv')
  return client
}

/**
 * Writes one message and waits until the pane has read it (so two messages are two reads);
 * returns what the client has received by the time `expect` bytes more have arrived.
 */
async function ask(client: RawClient, message: string | Buffer, expectBytes: number): Promise<Buffer> {
  const before = client.received().byteLength
  const read = probe.tapped('srv')
  await client.write(message)
  await probe.until(() => probe.tapped('srv') >= read + Buffer.byteLength(message), 'the server pane to read the message')
  const all = await client.untilReceived(before + expectBytes)
  return all.subarray(before)
}

describe('on a TCP server pane', () => {
  it('echo sends every message back as it came', async () => {
    const client = await server([{ match: { kind: 'any' }, reply: { kind: 'echo' } }])
    expect((await ask(client, 'ping', 4)).toString()).toBe('ping')
    expect((await ask(client, Buffer.from([0, 1, 0xff]), 3)).toString('hex')).toBe('0001ff')
    // The pane shows the reply as a send of its own.
    await probe.until(() => probe.bytes('srv', 'out').toString('hex') === '70696e670001ff', 'the echoes shown')
  })

  it('exact, contains and startsWith match text; a message none matches gets no reply', async () => {
    const client = await server([
      { match: { kind: 'exact', text: 'HELLO' }, reply: text('exact|') },
      { match: { kind: 'startsWith', text: 'GET ' }, reply: text('starts|') },
      { match: { kind: 'contains', text: 'needle' }, reply: text('contains|') },
      { match: { kind: 'exact', text: 'mark' }, reply: text('marked|') }
    ])
    expect((await ask(client, 'HELLO', 6)).toString()).toBe('exact|')
    expect((await ask(client, 'GET /index.html', 7)).toString()).toBe('starts|')
    expect((await ask(client, 'hay needle hay', 9)).toString()).toBe('contains|')
    // 'HELLO!' is not exactly HELLO, 'xGET ' does not start with it: no reply. A marker after
    // them proves it: replies go out in order, so a reply to either would come first.
    expect((await ask(client, 'HELLO!', 0)).byteLength).toBe(0)
    expect((await ask(client, 'xGET ', 0)).byteLength).toBe(0)
    expect((await ask(client, 'mark', 7)).toString()).toBe('marked|')
  })

  it("text matches in the rule's encoding (GBK, UTF-16LE) and the reply goes out in its own (GBK)", async () => {
    const client = await server([
      { match: { kind: 'exact', text: '你好', encoding: 'gbk' }, reply: { kind: 'template', template: { text: '再见', mode: 'text', encoding: 'gbk' } } },
      { match: { kind: 'startsWith', text: 'AB', encoding: 'utf-16le' }, reply: text('utf16|') },
      { match: { kind: 'exact', text: 'mark' }, reply: text('marked|') }
    ])
    // 你好 in GBK is c4 e3 ba c3; 再见 in GBK is d4 d9 bc fb.
    expect((await ask(client, Buffer.from('c4e3bac3', 'hex'), 4)).toString('hex')).toBe('d4d9bcfb')
    expect((await ask(client, Buffer.from('4100420043 00'.replace(/ /g, ''), 'hex'), 6)).toString()).toBe('utf16|')
    // The UTF-8 bytes of 你好 are not the GBK ones: no reply, and the marker comes next.
    expect((await ask(client, '你好', 0)).byteLength).toBe(0)
    expect((await ask(client, 'mark', 7)).toString()).toBe('marked|')
  })

  it('regex captures fill $1 in the template, {{seq}} counts the replies', async () => {
    const client = await server([{ match: { kind: 'regex', pattern: '^HELLO (\\w+)', flags: 'i' }, reply: text('$1 ok {{seq}}\\n') }])
    expect((await ask(client, 'HELLO bob', 9)).toString()).toBe('bob ok 1\n')
    expect((await ask(client, 'hello amy and more', 9)).toString()).toBe('amy ok 2\n')
  })

  it('a capture is sent as the text it is: a peer cannot make the pane read a file or an escape', async () => {
    const client = await server([
      { match: { kind: 'regex', pattern: '^ECHO (.*)$', flags: 's' }, reply: text('[$1]') },
      { match: { kind: 'exact', text: 'mark' }, reply: text('marked') }
    ])
    for (const evil of ['{{file:/etc/hostname}}', '\\x41\\n', '{{seq}}', 'a}}{{b', '{{{unixtime}}}']) {
      expect((await ask(client, `ECHO ${evil}`, evil.length + 2)).toString()).toBe(`[${evil}]`)
    }
    expect((await ask(client, 'mark', 6)).toString()).toBe('marked')
    expect(probe.of('error', 'srv')).toEqual([])
  })

  it('a hex pattern with ?? wildcards matches bytes anywhere in the message', async () => {
    const client = await server([
      { match: { kind: 'hex', pattern: '02 ?? 03' }, reply: { kind: 'template', template: { text: '06', mode: 'hex' } } },
      { match: { kind: 'exact', text: 'mark' }, reply: text('marked') }
    ])
    expect((await ask(client, Buffer.from([0x02, 0x41, 0x03]), 1)).toString('hex')).toBe('06')
    expect((await ask(client, Buffer.from([0xff, 0x02, 0x00, 0x03, 0xff]), 1)).toString('hex')).toBe('06')
    expect((await ask(client, Buffer.from([0x02, 0x41, 0x42, 0x03]), 0)).byteLength).toBe(0)
    expect((await ask(client, 'mark', 6)).toString()).toBe('marked')
  })

  it('delayMs: the reply still arrives', async () => {
    const client = await server([{ match: { kind: 'any' }, reply: text('later'), delayMs: 150 }])
    expect((await ask(client, 'now', 5)).toString()).toBe('later')
  })

  it('once: the first message gets the reply, the second none', async () => {
    const client = await server([
      { match: { kind: 'exact', text: 'ping' }, reply: text('pong'), once: true },
      { match: { kind: 'exact', text: 'mark' }, reply: text('marked') }
    ])
    expect((await ask(client, 'ping', 4)).toString()).toBe('pong')
    expect((await ask(client, 'ping', 0)).byteLength).toBe(0)
    expect((await ask(client, 'mark', 6)).toString()).toBe('marked')
    await sleep(100) // a bounded quiet wait: still no second pong
    expect(client.received().toString()).toBe('pongmarked')
  })

  it('rules are checked in order: the first that matches answers', async () => {
    const client = await server([
      { match: { kind: 'contains', text: 'a' }, reply: text('first|') },
      { match: { kind: 'contains', text: 'ab' }, reply: text('second|') },
      { match: { kind: 'any' }, reply: text('third|') }
    ])
    expect((await ask(client, 'ab', 6)).toString()).toBe('first|')
    expect((await ask(client, 'xyz', 6)).toString()).toBe('third|')
    await sleep(50)
    expect(client.received().toString()).toBe('first|third|')
  })

  it('a disabled rule is skipped', async () => {
    const client = await server([
      { enabled: false, match: { kind: 'any' }, reply: text('disabled|') },
      { match: { kind: 'any' }, reply: text('enabled|') }
    ])
    expect((await ask(client, 'x', 8)).toString()).toBe('enabled|')
    await sleep(50)
    expect(client.received().toString()).toBe('enabled|')
  })

  it('with framing and transforms, each message is matched on its payload and the reply goes out framed and transformed', async () => {
    const frame = (p: Buffer): Buffer => {
      const sum = Buffer.alloc(4)
      sum.writeUInt32BE(zlibCrc32(p))
      const body = Buffer.concat([p, sum])
      return Buffer.concat([Buffer.from([body.byteLength >> 8, body.byteLength & 0xff]), body])
    }
    const client = await server([{ match: { kind: 'regex', pattern: '^hi (\\w+)$' }, reply: text('bye $1') }], {
      framing: { kind: 'length', bytes: 2, endian: 'be', includesHeader: false },
      transforms: [{ kind: 'checksum', algo: 'crc32' }]
    })
    // Two messages in one write: two replies, each framed, each with its CRC.
    const want = Buffer.concat([frame(Buffer.from('bye ann')), frame(Buffer.from('bye bo'))])
    const got = await ask(client, Buffer.concat([frame(Buffer.from('hi ann')), frame(Buffer.from('hi bo'))]), want.byteLength)
    expect(got.toString('hex')).toBe(want.toString('hex'))
    // A message whose CRC does not check is shown as failed and gets no reply.
    const bad = frame(Buffer.from('hi cy'))
    bad[bad.byteLength - 1]! ^= 0xff
    expect((await ask(client, bad, 0)).byteLength).toBe(0)
    await probe.until(() => probe.records('srv').some((r) => r.rec.ok === false), 'the failed message shown')
    const di = frame(Buffer.from('bye di'))
    expect((await ask(client, frame(Buffer.from('hi di')), di.byteLength)).toString('hex')).toBe(di.toString('hex'))
  })

  it('a reply that cannot be built (a missing file) is an error on the pane; the next message is answered', async () => {
    const client = await server([
      { match: { kind: 'exact', text: 'file' }, reply: text('{{file:/nonexistent/np-auto-reply}}') },
      { match: { kind: 'any' }, reply: text('ok') }
    ])
    expect((await ask(client, 'file', 0)).byteLength).toBe(0)
    const err = await probe.waitFor('error', 'srv')
    expect(err.error).toMatchObject({ code: 'BAD_TEMPLATE', op: 'auto-reply' })
    expect(err.error.reason).toEqual({ key: 'parse.fileUnreadable', params: { path: '/nonexistent/np-auto-reply', pos: 1, code: 'ENOENT' } })
    expect((await ask(client, 'next', 2)).toString()).toBe('ok')
  })
})

describe('on a UDP pane', () => {
  async function udp(autoReplies: AutoReply[], more: PaneConfigInput = {}): Promise<{ peer: RawUdp; port: number }> {
    await configure('u', { autoReplies, ...more })
    const { local } = await probe.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })
    const peer = await RawUdp.bind()
    cleanups.push(() => peer.close())
    return { peer, port: local.port }
  }

  it('echo answers each datagram to its sender, one datagram each', async () => {
    const { peer, port } = await udp([{ match: { kind: 'any' }, reply: { kind: 'echo' } }])
    await peer.send('one', port)
    await peer.untilDatagrams(1)
    await peer.send('two!', port)
    expect((await peer.untilDatagrams(2)).map(String)).toEqual(['one', 'two!'])
    expect(peer.datagrams.every((d) => d.port === port)).toBe(true)
  })

  it('regex, once, order and delay on datagrams; transforms apply to the reply', async () => {
    const { peer, port } = await udp(
      [
        { match: { kind: 'startsWith', text: 'hello' }, reply: text('first hello'), once: true },
        { match: { kind: 'regex', pattern: '^(hello|hi) (\\w+)' }, reply: text('$1 to you, $2'), delayMs: 50 },
        { match: { kind: 'any' }, reply: text('?') }
      ],
      { transforms: [{ kind: 'checksum', algo: 'crc32' }] }
    )
    const withCrc = (s: string): Buffer => {
      const sum = Buffer.alloc(4)
      sum.writeUInt32BE(zlibCrc32(s))
      return Buffer.concat([Buffer.from(s), sum])
    }
    const sent: string[] = ['hello sam', 'hello sam', 'hi jo', 'what']
    for (const [i, s] of sent.entries()) {
      await peer.send(withCrc(s), port)
      await peer.untilDatagrams(i + 1)
    }
    expect(peer.datagrams.map((d) => d.data.toString('hex'))).toEqual(
      ['first hello', 'hello to you, sam', 'hi to you, jo', '?'].map((s) => withCrc(s).toString('hex'))
    )
  })
})
