// Sessions in the browser: save what was recorded, read it with tshark, open it again,
// play it back with the timeline, re-send it against a live server and see the diff.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, pane, screen, send, shot, test } from './fixtures'

let peer: ChildProcess | undefined
test.afterEach(() => {
  peer?.kill('SIGKILL')
  peer = undefined
})

/** A textbook python3 echo server on a free port; resolves to the port. */
function pythonEcho(): Promise<number> {
  const code = [
    'import socket',
    's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
    "s.bind(('127.0.0.1', 0)); s.listen(1)",
    'print(s.getsockname()[1], flush=True)',
    'c, _ = s.accept()',
    'while True:',
    '    d = c.recv(1024)',
    '    if not d: break',
    '    c.sendall(d)'
  ].join('\n')
  peer = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    peer!.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())))
    peer!.once('exit', (c) => reject(new Error(`python exited ${c}`)))
  })
}

test('save, read with tshark, open, play back, re-send against a live server and see the diff', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'np-session-'))
  const file = join(dir, 'talk.pcapng')
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status').first()).toContainText('connected')
  await send(client, 'hello')
  await expect(screen(server)).toContainText('hello\\n')
  await send(server, 'hi, client')
  await expect(screen(client)).toContainText('hi, client\\n')

  await app.getByRole('button', { name: 'Save as…' }).click()
  const dialog = app.getByRole('dialog')
  await dialog.getByRole('textbox', { name: 'Path' }).fill(file)
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
  // Save again, to the same file, in one click (more traffic since).
  await send(client, 'more')
  await expect(screen(server)).toContainText('more\\n')
  await app.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()

  // Wireshark's view of it: the bytes of the first TCP stream, both ways.
  const follow = execFileSync('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8' })
  expect(follow).toContain(Buffer.from('hello\n').toString('hex'))
  expect(follow).toContain(Buffer.from('hi, client\n').toString('hex'))
  expect(follow).toContain(Buffer.from('more\n').toString('hex'))

  // The live pair is done with: close it, the recorded panes take its place.
  await server.getByRole('button', { name: /Close pane/ }).click()
  await client.getByRole('button', { name: /Close pane/ }).click()
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  const bar = app.getByRole('region', { name: 'Session talk.pcapng' })
  await expect(bar).toContainText('Net Playground session')
  const recorded = pane(app, /Recorded: TCP server/)
  await expect(screen(recorded)).toContainText('hello\\n')
  await expect(screen(recorded)).toContainText('hi, client\\n')
  // The workspace came back too, stopped (sessions-restore.spec.ts tests it in depth).
  await expect(pane(app, 'TCP server pane 1').getByRole('status', { name: 'Status' })).toHaveText('stopped')
  await shot(app, 'session-open')
  // Room for the replay: the restored live panes are not needed here.
  await pane(app, 'TCP server pane 1').getByRole('button', { name: /Close pane/ }).click()
  await pane(app, 'TCP client pane 2').getByRole('button', { name: /Close pane/ }).click()

  // Back to the start: nothing shown; play at 100×: the conversation comes back.
  await bar.getByRole('slider', { name: 'Playback position' }).fill('0')
  await expect(screen(recorded)).not.toContainText('hello')
  await bar.getByRole('combobox', { name: 'Playback speed' }).selectOption('100')
  await bar.getByRole('button', { name: 'Play' }).click()
  await expect(screen(recorded)).toContainText('hi, client\\n')

  // Re-send the client side to a python echo server: its answer is not the recorded one.
  const port = await pythonEcho()
  const recordedClient = pane(app, /Recorded: TCP client/)
  await recordedClient.getByRole('textbox', { name: 'Replay target port' }).fill(String(port))
  await recordedClient.getByRole('button', { name: /Re-send the client side of flow/ }).click()
  const replay = pane(app, /Replay of flow/)
  // The replay (a live pane) sits in its own row above the recordings: give it the room.
  await pane(app, /Recorded: TCP server/).getByRole('button', { name: /Close pane/ }).click()
  await recordedClient.getByRole('button', { name: /Close pane/ }).click()
  await expect(screen(replay)).toContainText('exchange 1: the live answer differs at byte 1 (recorded 11 B, live 6 B)')
  await expect(screen(replay)).toContainText('replay finished: 2 of 2 answers differ from the recording')
  await shot(app, 'session-replay-diff')
})

test('opening a file that is not a capture says so in the dialog', async ({ app }) => {
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill('/etc/hostname')
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  await expect(app.getByRole('dialog').getByRole('alert')).toContainText('Cannot open this session')
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill('/nonexistent/x.pcapng')
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  await expect(app.getByRole('dialog').getByRole('alert')).toContainText('No such file')
})

test('the workspace alone exports as JSON, with its panes and their rules', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-ws-')), 'workspace.json')
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  await server.getByText('Framing, transforms, auto-replies').click()
  await server.getByRole('button', { name: '+ Add rule' }).click()
  await server.getByRole('button', { name: 'Apply' }).click()
  await server.getByRole('radio', { name: 'Hex' }).click()
  await app.getByRole('button', { name: 'Export workspace…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Export' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Exported ${file}` })).toBeVisible()
  const ws = JSON.parse(readFileSync(file, 'utf8')) as { panes: { kind: string; config: { autoReplies?: unknown[] }; view?: { view: string } }[]; layout?: unknown }
  expect(ws.panes.map((p) => p.kind)).toEqual(['tcp-server', 'tcp-client'])
  expect(ws.panes[0]!.config.autoReplies).toHaveLength(1)
  // Display settings and split sizes are part of it.
  expect(ws.panes[0]!.view?.view).toBe('hex')
  expect(ws.layout).toEqual({ rows: [100], cols: [[50, 50]] })
})
