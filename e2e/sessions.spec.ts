// Sessions in the browser: save what was recorded, read it with tshark, open it again,
// play it back with the timeline, re-send its client side against a live server and its
// server side to a live client, and see the diffs.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { encodeRecordBlock } from '../src/main/session/blocks'
import { SessionWriter } from '../src/main/session/writer'
import type { Locator, Page } from '@playwright/test'
import { closedPort, expect, pane, screen, send, shot, test } from './fixtures'

let peer: ChildProcess | undefined
let peer2: ChildProcess | undefined
test.afterEach(() => {
  peer?.kill('SIGKILL')
  peer2?.kill('SIGKILL')
  peer = peer2 = undefined
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

/** A python3 client: connects (retrying until the app listens), sends each line and reads one answer line after the first; resolves to that answer. */
function pythonClient(port: number, lines: string[]): Promise<string> {
  const code = [
    'import json, socket, sys, time',
    'for _ in range(200):',
    '    try:',
    "        s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5); break",
    '    except OSError: time.sleep(0.05)',
    'lines = json.loads(sys.argv[2])',
    's.sendall(lines[0].encode())',
    "answer = s.makefile('rb').readline().decode().strip()",
    'for l in lines[1:]: s.sendall(l.encode())',
    'time.sleep(0.5)',
    's.close()',
    'print(answer, flush=True)'
  ].join('\n')
  const child = spawn('python3', ['-c', code, String(port), JSON.stringify(lines)], { stdio: ['ignore', 'pipe', 'inherit'] })
  peer2 = child
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  return new Promise((resolve) => child.once('exit', () => resolve(out.trim())))
}

/** Records a short talk on a new TCP pair (hello / hi, client / more) and saves it to `file`. */
async function recordTalk(app: Page, file: string): Promise<void> {
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
  // The live pair is done with: close it, the recorded panes take its place.
  await server.getByRole('button', { name: /Close pane/ }).click()
  await client.getByRole('button', { name: /Close pane/ }).click()
}

/** The tab an opened `file` shows in (its session bar, flow list, conversation and replays). */
const sessionTab = (app: Page, file: string): Locator => app.getByRole('tabpanel', { name: basename(file), exact: true })

/**
 * Shows `recorded` (one of the tab's read-only panes) by the flow list's "Show flow N" of its
 * flow, and returns that flow's row (its Export / Re-send / Stand in).
 */
async function showFlowOf(tab: Locator, recorded: Locator): Promise<Locator> {
  const rows = tab.getByRole('table', { name: 'Recorded flows' }).getByRole('row')
  for (const row of await rows.all()) {
    const show = row.getByRole('button', { name: /^Show flow \d+$/ })
    if ((await show.count()) === 0) continue
    await show.click()
    await expect(show).toHaveAttribute('aria-pressed', 'true')
    if (await recorded.isVisible()) return row
  }
  throw new Error('no flow of the list shows that pane')
}

/** Opens `file`; its tab shows; the restored live panes (not needed here) are in the live tab, stopped. */
async function openTalk(app: Page, file: string): Promise<Locator> {
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  const bar = app.getByRole('region', { name: `Session ${basename(file)}` })
  await expect(bar).toContainText('Net Playground session')
  // The workspace came back too, stopped (sessions-restore.spec.ts tests it in depth).
  await app.getByRole('tab', { name: /^Live panes/ }).click()
  await expect(pane(app, 'TCP server pane 1').getByRole('status', { name: 'Status' })).toHaveText('stopped')
  await app.getByRole('tab', { name: basename(file), exact: true }).click()
  await expect(bar).toBeVisible()
  return bar
}

test('save, read with tshark, open, play back, re-send against a live server and see the diff', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-session-')), 'talk.pcapng')
  await recordTalk(app, file)

  // Wireshark's view of it: the bytes of the first TCP stream, both ways.
  const follow = execFileSync('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8' })
  expect(follow).toContain(Buffer.from('hello\n').toString('hex'))
  expect(follow).toContain(Buffer.from('hi, client\n').toString('hex'))
  expect(follow).toContain(Buffer.from('more\n').toString('hex'))

  const bar = await openTalk(app, file)
  const tab = sessionTab(app, file)
  const recorded = pane(app, /Recorded: TCP server/)
  await showFlowOf(tab, recorded)
  await expect(screen(recorded)).toContainText('hello\\n')
  await expect(screen(recorded)).toContainText('hi, client\\n')
  await shot(app, 'session-open')

  // Back to the start: nothing shown; play at 100×: the conversation comes back.
  await bar.getByRole('slider', { name: 'Playback position' }).fill('0')
  await expect(screen(recorded)).not.toContainText('hello')
  await bar.getByRole('combobox', { name: 'Playback speed' }).selectOption('100')
  await bar.getByRole('button', { name: 'Play' }).click()
  await expect(screen(recorded)).toContainText('hi, client\\n')

  // Re-send the client side to a python echo server: its answer is not the recorded one.
  const port = await pythonEcho()
  const recordedClient = pane(app, /Recorded: TCP client/)
  const clientFlow = await showFlowOf(tab, recordedClient)
  await tab.getByRole('textbox', { name: 'Replay target port' }).fill(String(port))
  await clientFlow.getByRole('button', { name: /Re-send one side of flow/ }).click()
  const replay = pane(app, /Replay of flow/)
  // The replay (a live pane) sits under the conversation: maximized, it has the room to show it all.
  await replay.getByRole('button', { name: /^Maximize pane: / }).click()
  await expect(screen(replay)).toContainText('exchange 1: the live answer differs at byte 1 (recorded 11 B, live 6 B)')
  await expect(screen(replay)).toContainText('replay finished: 2 of 2 answers differ from the recording')
  await shot(app, 'session-replay-diff')
})

test('re-send the server side: the app listens, a live python3 client gets the recorded answers, and its requests are compared', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-session-')), 'talk.pcapng')
  await recordTalk(app, file)
  await openTalk(app, file)
  const tab = sessionTab(app, file)
  const clientFlow = await showFlowOf(tab, pane(app, /Recorded: TCP client/))

  // A speed that is not a number is said where it was typed; nothing starts.
  const free = await closedPort()
  await tab.getByRole('textbox', { name: 'Replay target port' }).fill(String(free))
  await tab.getByRole('combobox', { name: 'Replay timing' }).selectOption('scaled')
  await tab.getByRole('textbox', { name: 'Replay speed' }).fill('fast')
  await clientFlow.getByRole('button', { name: /Re-send one side of flow/ }).click()
  await expect(tab.getByRole('alert')).toContainText('The replay speed is a number from 0.01 to 100')
  await expect(pane(app, /Replay of flow/)).toHaveCount(0)

  // The server side: its second request differs from the recorded one, and the pane shows where.
  await tab.getByRole('combobox', { name: 'Replay timing' }).selectOption('answer')
  await tab.getByRole('combobox', { name: 'Replay side' }).selectOption('server')
  await clientFlow.getByRole('button', { name: /Re-send one side of flow/ }).click()
  const served = pane(app, /Replay of flow/)
  await expect(served.getByRole('status', { name: 'Status' })).toContainText(`listening on 127.0.0.1:${free}`)
  const answered = pythonClient(free, ['hello\n', 'MORE\n'])
  await expect(screen(served)).toContainText('exchange 1: the live request matches the recording (6 B)')
  await expect(screen(served)).toContainText('exchange 2: the live request differs at byte 0 (recorded 5 B, live 5 B)')
  await expect(screen(served)).toContainText('at byte 0 (0x0), 4 B differ:')
  await expect(screen(served)).toContainText('replay finished: 1 of 2 requests differ from the recording')
  expect(await answered).toBe('hi, client')
  await shot(app, 'session-replay-server-side')
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
  // Its rules are in the inspector, opened by the pane's Settings.
  await server.getByRole('button', { name: /^Settings: / }).click()
  const inspector = app.getByRole('complementary', { name: 'Inspector' })
  await inspector.getByText('Framing, transforms, auto-replies').click()
  await inspector.getByRole('button', { name: '+ Add rule' }).click()
  await inspector.getByRole('button', { name: 'Apply' }).click()
  await server.getByRole('radio', { name: 'Hex' }).click()
  await app.getByRole('button', { name: 'More', exact: true }).click()
  await app.getByRole('menuitem', { name: 'Export workspace…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Export' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Exported ${file}` })).toBeVisible()
  const ws = JSON.parse(readFileSync(file, 'utf8')) as {
    panes: { kind: string; config: { autoReplies?: unknown[] }; view?: { view: string } }[]
    layout?: unknown
  }
  expect(ws.panes.map((p) => p.kind)).toEqual(['tcp-server', 'tcp-client'])
  expect(ws.panes[0]!.config.autoReplies).toHaveLength(1)
  // Display settings and split sizes are part of it.
  expect(ws.panes[0]!.view?.view).toBe('hex')
  expect(ws.layout).toEqual({ rows: [100], cols: [[50, 50]] })
})

test('a recording left by a crash is offered at start, opens saying it was interrupted, and plays back its lines and connection list', async ({
  app,
  sessionDir
}) => {
  // What a crashed run leaves in the web host's session folder: a recording with no end
  // block (its process is gone), a server pane with one client still connected, a reset
  // client before it, and a block the reader cannot read (a note).
  const gone = spawnSync(process.execPath, ['-e', '']).pid
  const file = join(sessionDir, `recording-2026-01-02T03-04-05-678Z-${gone}-1.pcapng`)
  mkdirSync(dirname(file), { recursive: true })
  const v4 = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
  const t0 = BigInt(Date.now() - 60_000) * 1_000_000n
  const ms = 1_000_000n
  try {
    const w = SessionWriter.open(file, { flushMs: 0 })
    w.workspace({ version: 1, panes: [{ id: 'p1', kind: 'tcp-server', n: 1, host: '127.0.0.1', port: '9000', config: {}, snippets: [] }] }, t0)
    w.event({ paneId: 'p1', tNs: t0, kind: 'listening', local: v4(9000) })
    w.connOpen({ paneId: 'p1', connId: 1, local: v4(9000), remote: v4(40001), initiator: 'remote', tNs: t0 + ms })
    w.chunk({ paneId: 'p1', connId: 1, dir: 'in', tNs: t0 + 2n * ms, bytes: Buffer.from('first client\n') })
    w.event({ paneId: 'p1', tNs: t0 + 3n * ms, kind: 'error', error: { code: 'ECONNRESET', op: 'read', connId: 1, detail: 'read ECONNRESET' } })
    w.close({ paneId: 'p1', connId: 1, how: 'reset', by: 'peer', code: 'ECONNRESET', tNs: t0 + 3n * ms })
    w.connOpen({ paneId: 'p1', connId: 2, local: v4(9000), remote: v4(40002), initiator: 'remote', tNs: t0 + 4n * ms })
    w.chunk({ paneId: 'p1', connId: 2, dir: 'in', tNs: t0 + 5n * ms, bytes: Buffer.from('still here\n') })
    w.chunk({ paneId: 'p1', connId: 2, dir: 'out', tNs: t0 + 6n * ms, bytes: Buffer.from('hello, 2\n') })
    w.flush()
    appendFileSync(file, encodeRecordBlock('{"t":"event", this is not JSON'))

    // The next start of the app: Recent sessions offers it.
    await app.reload()
    const recent = app.getByRole('combobox', { name: 'Recent sessions' })
    await expect(recent.locator(`optgroup[label="Left unsaved (a crash, a closed window)"] option[value="${file}"]`)).toHaveText(
      /^recovered: .+ \(\d+(\.\d+)? ?[KM]?i?B\)$/
    )
    await recent.selectOption(file)
    const bar = app.getByRole('region', { name: `Session ${basename(file)}` })
    await expect(bar.getByRole('alert')).toContainText('The recording was interrupted: it ended without its closing block')
    await bar.getByText('1 note(s) from reading the file').click()
    await expect(bar.getByRole('list', { name: 'Notes from reading the file' })).toContainText('record(s) with unreadable content were skipped')

    // The recorded pane shows its lines, its error and its connection list, as it was (the
    // restored live pane is in the other tab, so the terminal has the room to show them all).
    const recorded = pane(app, /Recorded: TCP server 1/)
    await expect(screen(recorded)).toContainText('connection #1 opened with 127.0.0.1:40001')
    await expect(screen(recorded)).toContainText('Connection reset by the peer')
    await expect(screen(recorded)).toContainText('connection #1 closed (reset): 13 B in, 0 B out')
    // One conversation at a time: the second connection's flow shows its own bytes.
    await app.getByRole('table', { name: 'Recorded flows' }).getByRole('button', { name: 'Show flow 1' }).click()
    await expect(screen(recorded)).toContainText('still here\\n')
    await recorded.getByRole('button', { name: /^Connections \(\d+\)$/ }).click()
    const conns = recorded.getByRole('table', { name: 'Connections' })
    await expect(conns.getByRole('row')).toHaveCount(2)
    await expect(conns.getByRole('row').nth(1)).toContainText('127.0.0.1:40002')
    await expect(conns.getByRole('row').nth(1)).toContainText('11 B')
    await expect(conns.getByRole('button')).toHaveCount(0)
    await shot(app, 'session-recovered')
  } finally {
    rmSync(file, { force: true })
  }
})
