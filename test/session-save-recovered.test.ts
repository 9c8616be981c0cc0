// A recording left by a crash, saved as a clean copy (issue 10, item 9): a real recording made
// by an engine with real sockets (TCP both ways, UDP), copied while the engine still records
// (no closing block, as a SIGKILL leaves it), then cut inside a block header, inside a packet's
// data and between blocks. tshark refuses the cuts in the middle of a block ("cut short in the
// middle of a packet"); each cut, opened and saved with session.saveOpened, is read by tshark
// without an error and opens again whole: no cut, no missing closing block, the same bytes.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint, SessionSummary } from '../src/shared/contract'
import { translateRef } from '../src/shared/i18n'
import { withSessions } from '../src/main/session/service'
import { english } from './message-refs'
import { Probe } from './probe'
import { requireTshark } from './tshark'

const dir = mkdtempSync(join(tmpdir(), 'np-save-recovered-'))
let rec: Probe
let viewer: Probe
let left = ''
afterAll(async () => {
  await rec?.dispose()
  await viewer?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** The blocks of a pcapng file as we write it (little-endian), walked without the reader. */
function blocks(file: Buffer): { start: number; type: number; len: number }[] {
  const out: { start: number; type: number; len: number }[] = []
  for (let off = 0; off + 8 <= file.length;) {
    const len = file.readUInt32LE(off + 4)
    if (off + len > file.length) break
    out.push({ start: off, type: file.readUInt32LE(off), len })
    off += len
  }
  return out
}

const tshark = (file: string): { status: number | null; stderr: string } => {
  const r = spawnSync('tshark', ['-r', file, '-q'], { encoding: 'utf8' })
  return { status: r.status, stderr: r.stderr }
}

const bytesOf = (s: SessionSummary): Record<string, number[]> =>
  Object.fromEntries(s.flows.map((f) => [`${f.paneId}#${f.connId ?? 0}:${f.id}`, [f.bytesIn, f.bytesOut]]))

beforeAll(async () => {
  requireTshark()
  rec = new Probe({ sessions: withSessions({ dir: join(dir, 'rec') }) })
  viewer = new Probe({ sessions: withSessions({ dir: join(dir, 'viewer') }) })
  const port = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })).local.port
  const c = await rec.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
  const s1 = (await rec.waitFor('conn.open', 'srv')).connId
  for (let i = 0; i < 20; i++) {
    await rec.ok({ type: 'send', paneId: 'cli', target: c.connId, payload: Buffer.alloc(3000, 0x41 + i) })
    await rec.ok({ type: 'send', paneId: 'srv', target: s1, payload: Buffer.from(`ok ${i}\n`) })
  }
  await rec.until(() => rec.tapped('srv') >= 60_000 && rec.tapped('cli') >= 20 * 5, 'the conversation at both ends')
  const ua = (await rec.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'ua', host: '127.0.0.1', port: 0 })).local.port
  await rec.ok({ type: 'udp.bind', paneId: 'ub', host: '127.0.0.1', port: 0 })
  await rec.ok({ type: 'send', paneId: 'ub', target: { host: '127.0.0.1', port: ua }, payload: Buffer.from('datagram') })
  await rec.until(() => rec.tapped('ua') >= 8, 'the datagram')
  // What a SIGKILL leaves: the recording as it stands on disk, without its closing block (the
  // writer writes whole blocks at most 50 ms after they happen).
  const path = (await rec.ok<{ path: string }>({ type: 'session.info' })).path
  await rec.until(() => blocks(readFileSync(path)).filter((b) => b.type === 6).length >= 40, 'the packets on disk')
  left = join(dir, 'left.pcapng')
  copyFileSync(path, left)
})

describe('a recording a crash left, saved as a clean copy', () => {
  it('is read by tshark without "cut short" at every kind of cut, and opens again whole', async () => {
    const bytes = readFileSync(left)
    const all = blocks(bytes)
    // A packet block with data (3,000 bytes), past the first quarter of the file.
    const packets = all.filter((b) => b.type === 6 && b.len > 1000 && b.start > bytes.length / 4)
    expect(packets.length).toBeGreaterThan(2)
    const victim = packets[1]!
    const cuts = {
      'as the crash left it': bytes.length,
      'inside a block header': victim.start + 6,
      "inside a packet's data": victim.start + 40,
      'between blocks': victim.start,
      'one byte before the end of a block': victim.start + victim.len - 1
    }
    for (const [how, at] of Object.entries(cuts)) {
      const cut = join(dir, `cut-${at}.pcapng`)
      writeFileSync(cut, bytes.subarray(0, at))
      const before = tshark(cut)
      if (at !== victim.start && at !== bytes.length) expect(before.stderr, `${how}: tshark on the cut file`).toMatch(/cut short in the middle of a packet/)
      const opened = await viewer.ok<SessionSummary>({ type: 'session.open', path: cut })
      expect(english(opened.interrupted), how).toMatch(/ended without its closing block/)
      const savedPath = join(dir, `saved-${at}.pcapng`)
      const saved = await viewer.ok<{ path: string; bytes: number; dropped: number }>({
        type: 'session.saveOpened',
        sessionId: opened.sessionId,
        path: savedPath
      })
      // Everything before the cut block is kept; the partial block is dropped.
      const whole = all.filter((b) => b.start + b.len <= at).at(-1)!
      expect(saved.dropped, how).toBe(at - (whole.start + whole.len))
      const after = tshark(savedPath)
      expect(after.stderr, `${how}: tshark on the saved copy`).not.toMatch(/cut short|appears to be damaged|corrupt/i)
      expect(after.status, `${how}: tshark's exit status on the saved copy (${after.stderr})`).toBe(0)
      const again = await viewer.ok<SessionSummary>({ type: 'session.open', path: savedPath })
      expect(again.truncated, how).toBeUndefined()
      expect(again.interrupted, how).toBeUndefined()
      expect(bytesOf(again), how).toEqual(bytesOf(opened))
      // Every flow the cut file had (both TCP ends at least; the datagram's, recorded last, may be on disk or not yet).
      expect(again.flows.length, how).toBe(opened.flows.length)
      expect(again.flows.length, how).toBeGreaterThanOrEqual(2)
    }
    expect(viewer.schemaErrors).toEqual([])
  })

  it('refuses to save a copy over the file it is made from, in en and zh', async () => {
    const opened = await viewer.ok<SessionSummary>({ type: 'session.open', path: left })
    const r = await viewer.cmd({ type: 'session.saveOpened', sessionId: opened.sessionId, path: left })
    expect(r.ok).toBe(false)
    const reason = (r as { error: { reason: Parameters<typeof english>[0] } }).error.reason
    expect(english(reason)).toBe('A copy cannot replace the file it is made from: choose another name.')
    expect(translateRef('zh', reason as never)).toBe('副本不能覆盖它所来自的文件：请换一个名称。')
    expect(readFileSync(left).length).toBeGreaterThan(0)
  })
  it('refuses a symlink to the file it is made from, and a save to the file itself when it was opened through a symlink', async () => {
    const original = readFileSync(left)
    const link = join(dir, 'link-to-left.pcapng')
    symlinkSync(left, link)
    const opened = await viewer.ok<SessionSummary>({ type: 'session.open', path: left })
    const throughLink = await viewer.ok<SessionSummary>({ type: 'session.open', path: link })
    for (const [sessionId, path] of [
      [opened.sessionId, link],
      [throughLink.sessionId, left]
    ] as const) {
      const r = await viewer.cmd({ type: 'session.saveOpened', sessionId, path })
      expect(r.ok, path).toBe(false)
      const reason = (r as { error: { reason: Parameters<typeof english>[0] } }).error.reason
      expect(english(reason)).toBe('A copy cannot replace the file it is made from: choose another name.')
      expect(translateRef('zh', reason as never)).toBe('副本不能覆盖它所来自的文件：请换一个名称。')
    }
    expect(readFileSync(left).equals(original)).toBe(true)
  })

  it('says in en and zh that the opened file was moved or deleted, and the host goes on answering', async () => {
    const gone = join(dir, 'gone.pcapng')
    copyFileSync(left, gone)
    const opened = await viewer.ok<SessionSummary>({ type: 'session.open', path: gone })
    rmSync(gone)
    const r = await viewer.cmd({ type: 'session.saveOpened', sessionId: opened.sessionId, path: join(dir, 'copy-of-gone.pcapng') })
    expect(r.ok).toBe(false)
    const error = (r as { error: { code: string; reason: Parameters<typeof english>[0] } }).error
    expect(error.code).toBe('ENOENT')
    expect(english(error.reason)).toBe(`The file this session was opened from (${gone}) was moved or deleted: open it again from where it is now.`)
    expect(translateRef('zh', error.reason as never)).toBe(`打开此会话的文件（${gone}）已被移动或删除：请从它现在的位置重新打开。`)
    expect(await viewer.ok({ type: 'session.info' })).toBeDefined()
    // What was read from it is still there: its flows page.
    expect(await viewer.ok({ type: 'session.flows', sessionId: opened.sessionId, offset: 0, limit: 10 })).toBeDefined()
  })
})
