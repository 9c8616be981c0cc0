// Keys in sessions (src/shared/workspace-keys.ts): a saved session leaves AES keys and
// passphrases out unless the person chose to include them. What is left is every other setting
// and a mark on each step saying which key it wants; the forgiving reader keeps such a step,
// the engine refuses it until the key is given, and playback shows the wire bytes, marked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { paneConfigSchema, type Endpoint, type PaneConfigInput, type SessionSummary } from '../src/shared/contract'
import { translateRef } from '../src/shared/i18n'
import { issueReason } from '../src/shared/transform-spec'
import { readWorkspace } from '../src/shared/workspace'
import { keyCount, keyWanted, withoutKeys } from '../src/shared/workspace-keys'
import { openSession } from '../src/main/session/reader'
import { withSessions } from '../src/main/session/service'
import { Probe } from './probe'

const tmp = mkdtempSync(join(tmpdir(), 'np-keys-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const PASSPHRASE = 'correct horse battery staple'
const KEY_HEX = '00112233445566778899aabbccddeeff'
const gcm = { kind: 'encrypt', algo: 'aes-256-gcm', passphrase: PASSPHRASE } as const
const cbc = { kind: 'encrypt', algo: 'aes-128-cbc', keyHex: KEY_HEX, ivHex: '0f'.repeat(16), dir: 'out' } as const

const pane = (id: string, kind: 'tcp-server' | 'tcp-client', transforms: unknown[]) => ({
  id,
  kind,
  n: Number(id.slice(1)),
  host: '127.0.0.1',
  port: '9000',
  config: { framing: { kind: 'raw' }, transforms, autoReplies: [] },
  snippets: [{ name: 'hi', text: 'hello', mode: 'text', encoding: 'utf-8' }],
  later: 'a field of a newer version'
})
const workspace = {
  version: 1,
  panes: [pane('p1', 'tcp-server', [{ kind: 'checksum', algo: 'crc32' }, gcm]), pane('p2', 'tcp-client', [cbc, { kind: 'compress', algo: 'gzip' }])],
  layout: { rows: [100], cols: [[50, 50]] }
}

describe('withoutKeys', () => {
  it('blanks every key and passphrase, marks each step with the field it was in, and keeps everything else', () => {
    const before = JSON.stringify(workspace)
    const out = withoutKeys(workspace)
    expect(JSON.stringify(workspace)).toBe(before)
    expect(JSON.stringify(out)).not.toContain(PASSPHRASE)
    expect(JSON.stringify(out)).not.toContain(KEY_HEX)
    expect(out).toEqual({
      ...workspace,
      panes: [
        {
          ...workspace.panes[0],
          config: {
            ...workspace.panes[0]!.config,
            transforms: [
              { kind: 'checksum', algo: 'crc32' },
              { kind: 'encrypt', algo: 'aes-256-gcm', keyOmitted: 'passphrase' }
            ]
          }
        },
        {
          ...workspace.panes[1],
          config: {
            ...workspace.panes[1]!.config,
            // A fixed CBC IV is no secret: it stays, as does the direction.
            transforms: [
              { kind: 'encrypt', algo: 'aes-128-cbc', ivHex: '0f'.repeat(16), dir: 'out', keyOmitted: 'keyHex' },
              { kind: 'compress', algo: 'gzip' }
            ]
          }
        }
      ]
    })
    // Once more changes nothing; the older storage format (a bare list) is stripped too.
    expect(withoutKeys(out)).toEqual(out)
    expect(withoutKeys(workspace.panes)).toEqual(out.panes)
  })

  it('counts the keys there are to ask about, and leaves alone what is not a workspace', () => {
    expect(keyCount(workspace)).toBe(2)
    expect(keyCount(withoutKeys(workspace))).toBe(0)
    expect(keyCount({ panes: [pane('p3', 'tcp-server', [{ kind: 'encrypt', algo: 'aes-256-gcm', passphrase: '' }])] })).toBe(0)
    for (const odd of [undefined, null, 7, 'x', { panes: 'no' }, { panes: [null, { config: 1 }, { config: { transforms: 'x' } }] }]) {
      expect(withoutKeys(odd)).toEqual(odd)
      expect(keyCount(odd)).toBe(0)
    }
  })
})

describe('a step whose key was left out', () => {
  const restored = readWorkspace(JSON.parse(JSON.stringify(withoutKeys(workspace))))

  it('survives the forgiving reader, marked, with everything else', () => {
    expect(restored.panes.map((p) => p.config.transforms)).toEqual([
      [
        { kind: 'checksum', algo: 'crc32' },
        { kind: 'encrypt', algo: 'aes-256-gcm', keyOmitted: 'passphrase' }
      ],
      [
        { kind: 'encrypt', algo: 'aes-128-cbc', ivHex: '0f'.repeat(16), dir: 'out', keyOmitted: 'keyHex' },
        { kind: 'compress', algo: 'gzip' }
      ]
    ])
    expect(restored.panes.map((p) => p.snippets.length)).toEqual([1, 1])
    expect(keyWanted(restored.panes[0]!.config)).toEqual({ n: 2, algo: 'aes-256-gcm', field: 'passphrase' })
    expect(keyWanted(restored.panes[1]!.config)).toEqual({ n: 1, algo: 'aes-128-cbc', field: 'keyHex' })
    // An encrypt step that never had a key (and no mark) is still not a step.
    expect(readWorkspace({ panes: [pane('p4', 'tcp-server', [{ kind: 'encrypt', algo: 'aes-256-gcm' }])] }).panes[0]!.config.transforms).toEqual([])
  })

  it('is refused by the engine until its key is given, with a message that says the key was left out', async () => {
    const p = new Probe()
    try {
      const config = restored.panes[0]!.config as PaneConfigInput
      const refused = await p.cmd({ type: 'pane.configure', paneId: 'a', config })
      expect(refused.ok || refused.error.code).toBe('BAD_COMMAND')
      expect(!refused.ok && refused.error.detail).toBe('config.transforms.1.passphrase: aes-256-gcm: the key was left out of the saved session')
      const reason = issueReason(paneConfigSchema.safeParse(config).error?.issues[0])
      expect(reason && translateRef('zh', reason)).toBe('aes-256-gcm：保存会话时没有包含密钥')
      // Given its key, it configures and starts as before.
      const withKey = { ...config, transforms: config.transforms!.map((s) => (s.kind === 'encrypt' ? { ...s, passphrase: PASSPHRASE } : s)) }
      expect(keyWanted(withKey)).toBeUndefined()
      await p.ok({ type: 'pane.configure', paneId: 'a', config: withKey })
      await p.ok({ type: 'tcpServer.listen', paneId: 'a', host: '127.0.0.1', port: 0 })
    } finally {
      await p.dispose()
    }
  })
})

describe('a session saved with and without its keys', () => {
  const config = { transforms: [gcm] }
  const without = join(tmp, 'without.pcapng')
  const withKeys = join(tmp, 'with.pcapng')
  const lastWorkspace = (path: string): ReturnType<typeof readWorkspace> => {
    const f = openSession(path)
    try {
      return readWorkspace(f.index.workspace)
    } finally {
      f.close()
    }
  }

  it('holds no key anywhere unless asked to (the recording neither); playback shows the wire bytes, marked', async () => {
    const rec = new Probe({ sessions: withSessions({ dir: join(tmp, 'rec') }) })
    const viewer = new Probe({ sessions: withSessions({ dir: join(tmp, 'viewer'), record: false }) })
    try {
      for (const id of ['p1', 'p2']) await rec.ok({ type: 'pane.configure', paneId: id, config })
      const port = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'p1', host: '127.0.0.1', port: 0 })).local.port
      const c = await rec.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'p2', host: '127.0.0.1', port })
      await rec.ok({ type: 'send', paneId: 'p2', target: c.connId, payload: Buffer.from('attack at dawn') })
      const [shown] = await rec.untilRecords('p1', 1)
      expect(shown!.parts.at(-1)!.bytes.toString()).toBe('attack at dawn')
      const wire = shown!.parts[0]!.bytes

      // A client that sends the workspace with its keys: the recording still gets none.
      const full = { version: 1, panes: [pane('p1', 'tcp-server', [gcm]), pane('p2', 'tcp-client', [gcm])] }
      await rec.ok({ type: 'session.workspace', workspace: full })
      await rec.ok({ type: 'session.save', path: without })
      const recording = (await rec.ok<{ path: string }>({ type: 'session.info' })).path
      for (const file of [without, recording]) expect(readFileSync(file).includes(PASSPHRASE), file).toBe(false)
      const back = lastWorkspace(without)
      const omitted = { kind: 'encrypt', algo: 'aes-256-gcm', keyOmitted: 'passphrase' }
      expect(back.panes.map((p) => p.config.transforms)).toEqual([[omitted], [omitted]])

      // Asked to include them, the copy has them; the recording still does not.
      await rec.ok({ type: 'session.save', path: withKeys, workspace: full })
      expect(readFileSync(withKeys).includes(PASSPHRASE)).toBe(true)
      expect(readFileSync(recording).includes(PASSPHRASE)).toBe(false)
      expect(lastWorkspace(withKeys).panes[0]!.config.transforms).toEqual([gcm])
      // Export workspace likewise.
      await rec.ok({ type: 'session.exportWorkspace', path: join(tmp, 'ws.json') })
      expect(readFileSync(join(tmp, 'ws.json'), 'utf8')).not.toContain(PASSPHRASE)
      await rec.ok({ type: 'session.exportWorkspace', path: join(tmp, 'ws-keys.json'), workspace: full })
      expect(readFileSync(join(tmp, 'ws-keys.json'), 'utf8')).toContain(PASSPHRASE)

      // Played back without the key: the recorded server's message is its wire bytes, marked as failed and why.
      const s = await viewer.ok<SessionSummary>({ type: 'session.open', path: without })
      const flow = s.flows.find((f) => f.paneId === 'p1')!
      await viewer.ok({ type: 'playback.start', sessionId: s.sessionId, panes: [{ paneId: 'v1', flowIds: [flow.id], recordedPane: 'p1' }] })
      await viewer.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(BigInt(s.endNs) - BigInt(s.startNs)) })
      const [played] = await viewer.untilRecords('v1', 1)
      expect(played!.rec.ok).toBe(false)
      expect(played!.parts.map((x) => [x.part.op, x.part.ok])).toEqual([
        ['wire', true],
        ['decrypt', false]
      ])
      expect(played!.parts[1]!.part.reason).toEqual({ key: 'why.cipher.keyOmitted', params: { algo: 'aes-256-gcm' } })
      expect(Buffer.from(played!.data.subarray(0, played!.parts[0]!.part.len))).toEqual(wire)
      expect(played!.data.includes(Buffer.from('attack at dawn'))).toBe(false)
    } finally {
      await rec.dispose()
      await viewer.dispose()
    }
  })
})
