// Sessions written in format version 1 (custom blocks with PEN 32473) still open: flows with
// their bytes, lifecycle events, the last workspace, and whether the file was complete.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSession } from '../src/main/session/reader'
import { LegacySessionWriter } from './legacy-session'

const dir = mkdtempSync(join(tmpdir(), 'np-session-legacy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number) => ({ address, port, family: 'IPv4' as const })
const text = (s: string): Uint8Array => Buffer.from(s)

/** The block types of a little-endian pcapng file, in order. */
function blockTypes(path: string): number[] {
  const b = readFileSync(path)
  const types: number[] = []
  for (let off = 0; off < b.length; off += b.readUInt32LE(off + 4)) types.push(b.readUInt32LE(off))
  return types
}

function writeOld(path: string, ended: boolean): void {
  const w = new LegacySessionWriter()
  let t = 1_700_000_000_000_000_000n
  w.workspace({ version: 1, panes: [{ id: 'old' }] }, t++)
  w.event('srv', t++, 'listening', { local: v4('127.0.0.1', 9000) })
  w.connOpen('cli', 1, v4('127.0.0.1', 40000), v4('127.0.0.1', 9000), t++)
  w.chunk('cli', 1, 'out', t++, text('hello\n'))
  w.chunk('cli', 1, 'in', t++, text('hi there\n'))
  w.connClose('cli', 1, t++)
  w.datagram('udp', v4('127.0.0.1', 7000), v4('127.0.0.1', 7001), t++, text('ping'))
  w.event('cli2', t++, 'error', { error: { code: 'ECONNREFUSED', op: 'connect' } })
  w.workspace({ version: 1, panes: [{ id: 'cli' }, { id: 'srv' }] }, t++)
  w.save(path, t++, ended)
}

describe('a session of format version 1', () => {
  const path = join(dir, 'v1.pcapng')
  writeOld(path, true)

  it('is what version 1 wrote: custom blocks, no record blocks', () => {
    const types = blockTypes(path)
    expect(types.filter((t) => t === 0x00000bad).length).toBeGreaterThan(5)
    expect(types).not.toContain(0x80004e50)
  })

  it('opens with its flows, their bytes, the lifecycle events and the last workspace', () => {
    const s = openSession(path)
    try {
      const ix = s.index
      expect(ix.kind).toBe('session')
      expect(ix.truncated).toBeUndefined()
      expect(ix.interrupted).toBeUndefined()
      expect(ix.notes).toBeUndefined()
      expect(ix.workspace).toEqual({ version: 1, panes: [{ id: 'cli' }, { id: 'srv' }] })
      expect(ix.flows.map((f) => [f.proto, f.paneId, f.connId, f.local.port, f.remote.port])).toEqual([
        ['tcp', 'cli', 1, 40000, 9000],
        ['udp', 'udp', 0, 7000, 7001]
      ])
      const [tcp, udp] = ix.flows
      expect(tcp!.chunks.map((c) => [c.dir, Buffer.from(s.readSync(c)).toString()])).toEqual([
        ['out', 'hello\n'],
        ['in', 'hi there\n']
      ])
      expect(tcp!.closed?.how).toBe('close')
      expect(udp!.chunks.map((c) => [c.dir, Buffer.from(s.readSync(c)).toString()])).toEqual([['out', 'ping']])
      expect(ix.events.map((e) => `${String(e.json['t'])}:${e.paneId}`)).toEqual([
        'event:srv',
        'conn.open:cli',
        'conn.closed:cli',
        'bind:udp',
        'conn.open:udp',
        'event:cli2'
      ])
      expect(ix.packets).toBe(9)
    } finally {
      s.close()
    }
  })

  it('without its end block opens as interrupted', () => {
    const cut = join(dir, 'v1-cut.pcapng')
    writeOld(cut, false)
    const s = openSession(cut)
    try {
      expect(s.index.kind).toBe('session')
      expect(s.index.interrupted).toBeDefined()
      expect(s.index.flows).toHaveLength(2)
    } finally {
      s.close()
    }
  })
})
