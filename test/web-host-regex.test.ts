// The attack on the real app: the web host (node out/main/web.js, its own process) has
// a TCP server pane with the auto-reply rule ^(a+)+$, and a peer in this process sends it line
// after line of 5000 a's and a '!' (29 of them took a JavaScript RegExp 12 s) without pause. The
// host must answer a valid command over its WebSocket while the peer is still sending, and
// after; the attack gets no reply, a matching line after it does.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, expect, it } from 'vitest'
import type { HostProcess } from './web-host-client'
import { startHostProcess, webJs, WireClient } from './web-host-client'
import { until } from './probe'
import { answer, expectAnswersAfter, expectAnswersDuring } from './responsive'

beforeAll(() => {
  if (!existsSync(webJs)) throw new Error(`${webJs} is missing: build first (npx electron-vite build, or npm test which builds before the unit tests)`)
})

let host: HostProcess | undefined
let wire: WireClient | undefined
let peer: net.Socket | undefined
let dir = ''

afterEach(async () => {
  peer?.destroy()
  // A host frozen by a match (the old RegExp) answers neither a WebSocket close nor SIGTERM.
  wire?.ws.terminate()
  if (host) {
    const h = host
    h.child.kill('SIGTERM')
    const killer = setTimeout(() => h.child.kill('SIGKILL'), 5000)
    await h.exited
    clearTimeout(killer)
  }
  rmSync(dir, { recursive: true, force: true })
  host = wire = peer = undefined
})

it("a peer streaming ^(a+)+$ attack lines of 5000 a's at the web host: a valid command is answered while it sends and after", async () => {
  dir = mkdtempSync(join(tmpdir(), 'np-regex-host-'))
  const token = 'regex-test-token-0123456789abcdef'
  host = await startHostProcess(dir, token)
  wire = await WireClient.open(host.port, token)
  const info = (): Promise<unknown> => wire!.command({ type: 'session.info' })
  await answer('an idle web host', info)

  const rules = [{ match: { kind: 'regex', pattern: '^(a+)+$' }, reply: { kind: 'template', template: { text: 'match $1|', mode: 'text' } } }]
  expect(
    await wire.command({ type: 'pane.configure', paneId: 'srv', config: { framing: { kind: 'delimiter', delimiterHex: '0a' }, autoReplies: rules } })
  ).toMatchObject({
    ok: true
  })
  const listened = (await wire.command({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })) as { result: { local: { port: number } } }
  const socket = net.connect({ host: '127.0.0.1', port: listened.result.local.port })
  peer = socket
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail))
  const replies: Buffer[] = []
  socket.on('data', (b: Buffer) => replies.push(b))

  // The peer sends attack lines as fast as the host reads them until it is told to stop
  // (thousands of tiny lines a read cost the host's message path more than their regex does;
  // lines of 29 a's are in engine-regex-limits.test.ts).
  const chunk = Buffer.from(('a'.repeat(5000) + '!\n').repeat(200))
  let stopped = false
  const sending = (async () => {
    while (!stopped && !socket.destroyed) if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r))
  })()
  /** What the host says its pane has read of the peer so far (conn.stats). */
  const hostRead = (): number =>
    wire!.events.reduce((n, e) => (e.type === 'conn.stats' && e.paneId === 'srv' ? Math.max(n, ...e.stats.map((c) => c.bytesIn)) : n), 0)
  await until(() => hostRead() > 0, 'the host to start reading the attack', 10_000)
  const going = (): boolean => !stopped
  for (let k = 0; k < 3; k++) await expectAnswersDuring('the web host, a peer streaming ^(a+)+$ attack lines', info, going)
  // The attack was really going: the host kept reading (and matching) it after it answered.
  const read = hostRead()
  await until(() => hostRead() > read + 4 * chunk.length, 'the host to read more of the attack', 60_000)
  stopped = true
  await sending
  // Replies keep the order of the messages: the matching line's reply comes once every attack line before it was matched.
  socket.write('aaaa\n')
  await until(() => Buffer.concat(replies).includes('|'), 'the reply to the matching line', 60_000)
  console.info(`the host read ${(hostRead() / 1048576).toFixed(1)} MiB of attack lines`)
  await expectAnswersAfter('the web host, after the attack', info)
  expect(Buffer.concat(replies).toString()).toBe('match aaaa|\n')
}, 120_000)
