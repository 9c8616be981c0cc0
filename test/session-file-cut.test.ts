// A recording cut short: a killed process leaves whole blocks and maybe one partial block.
// Every cut must open with everything before the last complete block and say it was cut.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { openSession, SessionFileError, type SessionIndex } from '../src/main/session/reader'
import { checkRef, english, indexRefs } from './message-refs'

const dir = mkdtempSync(join(tmpdir(), 'np-session-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const fill = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b)

/** A session whose chunks say who they are: chunk k of a flow is filled with byte k. */
function writeSample(path: string): void {
  const w = SessionWriter.open(path, { flushMs: 0 })
  let t = 1_000_000_000n
  w.workspace({ v: 1 }, t++)
  w.connOpen({ paneId: 'a', connId: 1, local: v4('10.0.0.1', 40000), remote: v4('10.0.0.2', 80), initiator: 'local', tNs: t++ })
  let k = 0
  for (const n of [10, 3000, 70_000, 5, 140_000, 1]) w.chunk({ paneId: 'a', connId: 1, dir: k % 2 ? 'in' : 'out', tNs: t++, bytes: fill(n, k++) })
  w.bind({ paneId: 'u', local: v4('10.0.0.1', 5353), tNs: t++ })
  for (let i = 0; i < 4; i++) w.chunk({ paneId: 'u', connId: 0, dir: 'out', tNs: t++, bytes: fill(100 + i, i), peer: v4('10.0.0.9', 53) })
  w.halfClose({ paneId: 'a', connId: 1, by: 'peer', tNs: t++ })
  w.close({ paneId: 'a', connId: 1, how: 'close', tNs: t++ })
  w.event({ paneId: 'a', tNs: t++, kind: 'closed' })
  w.workspace({ v: 2 }, t++)
  w.close()
}

/** Block boundaries and the number of packet blocks before each, walked independently of the reader. */
function blocks(file: Uint8Array): { starts: number[]; packetsBefore: number[] } {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const starts: number[] = []
  const packetsBefore: number[] = []
  let off = 0
  let packets = 0
  while (off < file.length) {
    starts.push(off)
    packetsBefore.push(packets)
    if (dv.getUint32(off, true) === 6) packets++
    off += dv.getUint32(off + 4, true)
  }
  starts.push(off)
  packetsBefore.push(packets)
  return { starts, packetsBefore }
}

/** Every chunk must be whole and say who it is (chunk k of a flow is all byte k); a cut split chunk may be a prefix. */
function checkChunks(path: string, ix: SessionIndex, read: (c: SessionIndex['flows'][number]['chunks'][number]) => Uint8Array): void {
  for (const f of ix.flows) {
    f.chunks.forEach((c, k) => {
      const bytes = read(c)
      expect(bytes.length).toBe(c.len)
      for (const b of bytes) if (b !== k) throw new Error(`${path}: flow ${f.id} chunk ${k} has byte ${b}`)
    })
  }
}

describe('a session cut at any byte', () => {
  const full = join(dir, 'full.pcapng')
  writeSample(full)
  const bytes = readFileSync(full)
  const { starts, packetsBefore } = blocks(bytes)
  const cut = join(dir, 'cut.pcapng')

  function openCut(at: number): SessionIndex | SessionFileError {
    writeFileSync(cut, bytes.subarray(0, at))
    try {
      const s = openSession(cut)
      checkChunks(`cut at ${at}`, s.index, (c) => s.readSync(c))
      s.close()
      indexRefs(s.index)
      return s.index
    } catch (err) {
      if (err instanceof SessionFileError) {
        checkRef(err.reason)
        return err
      }
      throw err
    }
  }

  function expectCut(at: number): void {
    const r = openCut(at)
    const shbEnd = starts[1]!
    if (at === 0) {
      expect(r).toBeInstanceOf(SessionFileError)
      expect((r as SessionFileError).code).toBe('NOT_A_CAPTURE')
      return
    }
    if (at < shbEnd) {
      expect(r, `cut at ${at}`).toBeInstanceOf(SessionFileError)
      expect((r as SessionFileError).code).toBe('CORRUPT')
      return
    }
    expect(r, `cut at ${at}`).not.toBeInstanceOf(SessionFileError)
    const ix = r as SessionIndex
    // The last complete block before the cut.
    let i = 0
    while (starts[i + 1] !== undefined && starts[i + 1]! <= at) i++
    expect(ix.packets, `cut at ${at}`).toBe(packetsBefore[i])
    if (starts[i] !== at) {
      expect(ix.truncated, `cut at ${at}`).toBeDefined()
      expect(ix.truncated!.atOffset).toBe(starts[i])
      expect(english(ix.truncated!.reason)).toMatch(/^The file stops early at byte \d+ of \d+: .*(cut off|stray bytes).*everything before (it|them) is here\.$/)
    } else if (ix.truncated) {
      // A clean boundary is only "cut" in the middle of a chunk split over packets.
      expect(english(ix.truncated.reason)).toMatch(/middle of a chunk/)
    }
    if (at >= starts.at(-4)!) expect(ix.kind).toBe('session')
  }

  it('opens at every byte of the last blocks, at every block boundary and around it', () => {
    const last = starts.length - 1
    for (let at = starts[last - 6]!; at <= bytes.length; at++) expectCut(at)
    for (const b of starts) for (const d of [-5, -4, -1, 0, 1, 4, 8, 12]) if (b + d >= 0 && b + d <= bytes.length) expectCut(b + d)
  })

  it('opens at every byte of the headers and at 400 random places', () => {
    for (let at = 0; at < starts[4]!; at++) expectCut(at)
    for (let i = 0; i < 400; i++) expectCut(Math.floor(Math.random() * bytes.length))
  })

  it('keeps the first workspace and the parts of a split chunk written before the cut', () => {
    // Cut inside the second part of the 140 000-byte chunk (3 packets).
    const bigStart = starts.findIndex((s, i) => i > 0 && bytes.readUInt32LE(s) === 6 && bytes.readUInt32LE(s + 4) > 60_000 && s > starts[10]!)
    const ix = openCut(starts[bigStart + 2]! + 100) as SessionIndex
    expect(ix.workspace).toEqual({ v: 1 })
    const chunks = ix.flows[0]!.chunks
    expect(chunks.length).toBe(5)
    expect(chunks[4]!.len).toBe(65495 * 2)
    expect(ix.notes?.map(english).join(' ')).toMatch(/last chunk of a connection was cut/)
  })
})

describe('a writer process killed with SIGKILL', () => {
  it('leaves a file that opens with every chunk it wrote intact', async () => {
    const path = join(dir, 'killed.pcapng')
    const script = join(dir, 'child.ts')
    const writerPath = resolve(__dirname, '../src/main/session/writer.ts')
    writeFileSync(
      script,
      `import { SessionWriter } from ${JSON.stringify(writerPath)}
const w = SessionWriter.open(${JSON.stringify(path)}, { flushMs: 2, flushBytes: 1024 * 1024 })
const ep = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
w.connOpen({ paneId: 'p', connId: 1, local: ep(1111), remote: ep(2222), initiator: 'local', tNs: 1n })
let k = 0
const tick = () => {
  for (let i = 0; i < 50; i++, k++) w.chunk({ paneId: 'p', connId: 1, dir: k % 2 ? 'in' : 'out', tNs: BigInt(k + 2), bytes: new Uint8Array(1 + ((k * 7919) % 90000)).fill(k & 255) })
  w.workspace({ k }, BigInt(k + 2))
  setImmediate(tick)
}
tick()
`
    )
    const jiti = resolve(__dirname, '../node_modules/jiti/lib/jiti-cli.mjs')
    const child = spawn(process.execPath, [jiti, script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)))
    const deadline = Date.now() + 15_000
    for (;;) {
      await new Promise((r) => setTimeout(r, 20))
      let size = 0
      try {
        size = statSync(path).size
      } catch {
        // not created yet
      }
      if (size > 30 * 1024 * 1024) break
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the writer child did not get going: ${stderr}`)
    }
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    const s = openSession(path)
    const ix = s.index
    expect(ix.kind).toBe('session')
    const chunks = ix.flows[0]!.chunks
    expect(chunks.length).toBeGreaterThan(100)
    chunks.forEach((c, k) => {
      expect(c.tNs).toBe(BigInt(k + 2))
      const want = 1 + ((k * 7919) % 90000)
      // Only the very last chunk may be short: split over two packets, killed between them.
      if (k === chunks.length - 1 && c.len < want) expect(ix.truncated).toBeDefined()
      else expect(c.len).toBe(want)
      const b = s.readSync(c)
      if (!b.every((x) => x === (k & 255))) throw new Error(`chunk ${k} damaged`)
    })
    expect(ix.workspace).toBeDefined()
    // Killed: no end-of-session block, whether or not the file ends at a block boundary.
    expect(english(ix.interrupted)).toMatch(/ended without its closing block/)
    console.info(
      `killed writer: ${statSync(path).size} bytes, ${chunks.length} chunks, ${ix.truncated ? `cut: ${english(ix.truncated.reason)}` : 'ended at a block boundary'}`
    )
    s.close()
  })
})
