// Recordings are the user's alone (issue 10, item 7): the session folder is made 0700 (one a
// user made wider is narrowed), the running recording is a new 0600 file that never follows
// a link planted in its place, and a folder that is a link or belongs to another user is not
// written into: recording is off, and the app says why. Real folders, real modes, a real engine.
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { ResultMap } from '../src/shared/contract'
import { errorMessage } from '../src/shared/i18n'
import { withSessions } from '../src/main/session/service'
import { SessionWriter } from '../src/main/session/writer'
import { bounded } from './peers'
import { Probe } from './probe'

const tmp = mkdtempSync(join(tmpdir(), 'np-private-'))
const probes: Probe[] = []
afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => bounded(p.dispose(), 'engine dispose')))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function info(dir: string): Promise<ResultMap['session.info']> {
  const p = new Probe({ sessions: withSessions({ dir }), statsIntervalMs: 20 })
  probes.push(p)
  return p.ok<ResultMap['session.info']>({ type: 'session.info' })
}

const mode = (path: string): number => statSync(path).mode & 0o777

describe('the session folder and the running recording', () => {
  it('a new folder is 0700 and the recording in it 0600', async () => {
    const dir = join(tmp, 'new', 'sessions')
    const i = await info(dir)
    expect(i.recording).toBe('on')
    expect(mode(dir)).toBe(0o700)
    expect(mode(i.path!)).toBe(0o600)
  })

  it('a folder of the user that others could read is narrowed to 0700', async () => {
    const dir = join(tmp, 'wide')
    mkdirSync(dir, { mode: 0o755 })
    const i = await info(dir)
    expect(i.recording).toBe('on')
    expect(mode(dir)).toBe(0o700)
  })

  it('a folder that is a link, or belongs to another user, is not written into: recording is off and says why', async () => {
    const target = join(tmp, 'elsewhere')
    mkdirSync(target)
    const link = join(tmp, 'link')
    symlinkSync(target, link)
    const viaLink = await info(link)
    expect(viaLink.recording).toBe('off')
    expect(errorMessage('en', viaLink.problem!)).toContain(`Recording is off: the session folder ${link} cannot be written.`)
    expect(errorMessage('zh', viaLink.problem!)).toContain(link)

    const theirs = join(tmp, 'theirs')
    mkdirSync(theirs, { mode: 0o777 })
    chownSync(theirs, 65534, 65534)
    const other = await info(theirs)
    expect(other.recording).toBe('off')
    expect(errorMessage('en', other.problem!)).toContain(`the session folder ${theirs} cannot be written`)
    // Nothing was written in either.
    expect(readdirSync(target)).toEqual([])
    expect(readdirSync(theirs)).toEqual([])
  })

  it('the recording never follows a link planted at its name, nor replaces a file there', () => {
    const victim = join(tmp, 'victim.txt')
    writeFileSync(victim, 'keep me')
    const planted = join(tmp, 'recording-planted.pcapng')
    symlinkSync(victim, planted)
    expect(() => SessionWriter.open(planted, { private: true })).toThrow(/EEXIST/)
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
  })

  it('the default folder is one per user', async () => {
    const p = new Probe({ sessions: withSessions({}), statsIntervalMs: 20 })
    probes.push(p)
    const i = await p.ok<ResultMap['session.info']>({ type: 'session.info' })
    expect(i.dir).toBe(join(tmpdir(), `net-playground-${process.getuid!()}`))
    expect(mode(i.dir!)).toBe(0o700)
  })
})
