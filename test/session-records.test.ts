// Where a session keeps its own data (format version 2): record blocks of a local-use type
// with our tag, and a local-use option on each packet that is trusted only next to them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSession } from '../src/main/session/reader'
import { SessionWriter } from '../src/main/session/writer'

const dir = mkdtempSync(join(tmpdir(), 'np-session-records-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number) => ({ address, port, family: 'IPv4' as const })
const RECORD = 0x80004e50

interface Block {
  type: number
  bytes: Buffer
}

function blocksOf(file: Buffer): Block[] {
  const out: Block[] = []
  for (let off = 0; off < file.length; off += file.readUInt32LE(off + 4))
    out.push({ type: file.readUInt32LE(off), bytes: file.subarray(off, off + file.readUInt32LE(off + 4)) })
  return out
}

const recordJson = (b: Block): Record<string, unknown> => JSON.parse(b.bytes.subarray(16, b.bytes.length - 4).toString()) as Record<string, unknown>

function sample(): Buffer {
  const path = join(dir, 'sample.pcapng')
  const w = SessionWriter.open(path)
  let t = 1_700_000_000_000_000_000n
  w.workspace({ version: 1, panes: [] }, t++)
  w.connOpen({ paneId: 'a', connId: 1, local: v4('127.0.0.1', 40000), remote: v4('127.0.0.1', 9000), initiator: 'local', tNs: t++ })
  w.chunk({ paneId: 'a', connId: 1, dir: 'out', tNs: t++, bytes: Buffer.from('hello') })
  w.close({ paneId: 'a', connId: 1, how: 'close', tNs: t++ })
  w.close()
  return readFileSync(path)
}

describe('record blocks', () => {
  const file = sample()
  const blocks = blocksOf(file)

  it('hold every record: session (version 2) first, end last; packets are the only other blocks', () => {
    expect(new Set(blocks.map((b) => b.type))).toEqual(new Set([0x0a0d0d0a, 1, 6, RECORD]))
    const records = blocks.filter((b) => b.type === RECORD)
    for (const r of records) expect(r.bytes.subarray(8, 16).toString()).toBe('NetPlay:')
    expect(recordJson(records[0]!)).toMatchObject({ t: 'session', version: 2 })
    expect(recordJson(records.at(-1)!)).toMatchObject({ t: 'end', how: 'closed' })
    expect(blocks.at(-1)!.type).toBe(RECORD)
  })

  it('of another program (the same local-use type without our tag) are skipped', () => {
    const path = join(dir, 'foreign-record.pcapng')
    const other = Buffer.from(blocks.map((b) => b.bytes).find((b) => b.readUInt32LE(0) === RECORD && b.includes('"conn.open"'))!)
    other.write('Other:xx', 8)
    writeFileSync(path, Buffer.concat([file, other]))
    const s = openSession(path)
    try {
      expect(s.index.kind).toBe('session')
      expect(s.index.flows).toHaveLength(1)
      expect(s.index.notes).toBeUndefined()
      // Skipped, not read as a record: the file still counts as ending with its end block.
      expect(s.index.interrupted).toBeUndefined()
    } finally {
      s.close()
    }
  })

  it('are what makes the per-packet option count: without them the packets are a plain capture', () => {
    const path = join(dir, 'no-records.pcapng')
    writeFileSync(path, Buffer.concat(blocks.filter((b) => b.type !== RECORD).map((b) => b.bytes)))
    const s = openSession(path)
    try {
      expect(s.index.kind).toBe('pcapng')
      expect(s.index.flows).toHaveLength(1)
      expect(s.index.flows[0]!.paneId).toBeUndefined()
      expect(s.index.flows[0]!.chunks.map((c) => Buffer.from(s.readSync(c)).toString())).toEqual(['hello'])
    } finally {
      s.close()
    }
  })
})
