// Test helper: drives an Engine and collects what it emits, acking display data like a
// renderer that keeps up (unless told not to).
import dgram from 'node:dgram'
import { afterEach, beforeEach, expect } from 'vitest'
import { bounded } from './peers'
import net from 'node:net'
import { Engine, type EngineOptions, type TrafficTap } from '../src/main/engine/engine'
import {
  eventSchema,
  resultSchemas,
  type CommandInput,
  type EngineEvent,
  type ErrorCode,
  type MessagePart,
  type PaneError,
  type Response,
  type TrafficRecord
} from '../src/shared/contract'

/** One record as the screen gets it: its bytes, and each part's own bytes. */
export interface Shown {
  rec: TrafficRecord
  data: Buffer
  parts: { part: MessagePart; bytes: Buffer }[]
}

type EventOfType<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>

export class Probe {
  readonly engine: Engine
  readonly events: EngineEvent[] = []
  /** Events that did not match their schema (a test should expect this to stay empty). */
  readonly schemaErrors: string[] = []
  /** Every raw chunk the engine handed to its recorder taps. */
  readonly taps: TrafficTap[] = []
  autoAck = true

  constructor(options?: EngineOptions) {
    this.engine = new Engine(options)
    this.engine.onEvent((e) => {
      // Every event the engine emits must match its schema. Record a mismatch instead of
      // throwing: the engine swallows listener exceptions, so a throw would only hide it.
      const checked = eventSchema.safeParse(e)
      if (!checked.success) this.schemaErrors.push(`${e.type}: ${checked.error.message}`)
      this.events.push(e)
      if (this.autoAck && e.type === 'data') void this.engine.ack({ paneId: e.paneId, bytes: e.data.byteLength })
    })
    this.engine.onTraffic((t) => this.taps.push(t))
  }

  /** Raw bytes a pane read (or wrote) so far, as the recorder saw them. */
  tapped(paneId: string, dir: 'in' | 'out' = 'in'): number {
    return this.taps.filter((t) => t.paneId === paneId && t.dir === dir).reduce((n, t) => n + t.bytes.byteLength, 0)
  }

  /**
   * The records a pane showed (one direction), each with its bytes split into its parts. A
   * record that came in pieces (larger than the screen's batch) is one record here, as the
   * screen draws it; only a whole one is listed (its last piece has come).
   */
  records(paneId: string, dir: 'in' | 'out' = 'in'): Shown[] {
    const whole: { rec: TrafficRecord; chunks: Buffer[]; got: number }[] = []
    for (const e of this.of('data', paneId)) {
      let off = 0
      for (const rec of e.records) {
        const data = Buffer.from(e.data.subarray(off, off + rec.len))
        off += rec.len
        if (rec.dir !== dir) continue
        const last = whole.at(-1)
        if (rec.piece && rec.piece.at > 0 && last?.rec.piece && last.got === rec.piece.at) {
          last.chunks.push(data)
          last.got += data.byteLength
        } else whole.push({ rec, chunks: [data], got: data.byteLength })
      }
    }
    const out: Shown[] = []
    for (const { rec, chunks, got } of whole) {
      if (rec.piece && got < rec.piece.of) continue
      const data = Buffer.concat(chunks)
      const parts: Shown['parts'] = []
      let at = 0
      for (const part of rec.parts ?? []) {
        parts.push({ part, bytes: data.subarray(at, at + part.len) })
        at += part.len
      }
      out.push({ rec, data, parts })
    }
    return out
  }

  /** Waits until a pane has shown at least `n` records in one direction; returns them all. */
  async untilRecords(paneId: string, n: number, dir: 'in' | 'out' = 'in', timeoutMs = 5000): Promise<Shown[]> {
    await this.until(() => this.records(paneId, dir).length >= n, `${n} ${dir} records on ${paneId}`, timeoutMs)
    return this.records(paneId, dir)
  }

  /** Runs a command; a success whose result does not match its schema is a schema error. */
  async cmd(c: CommandInput): Promise<Response> {
    const r = await this.engine.handle(c)
    if (r.ok) {
      const checked = resultSchemas[c.type].safeParse(r.result)
      if (!checked.success) this.schemaErrors.push(`${c.type} result: ${checked.error.message}`)
    }
    return r
  }

  async ok<T = Record<string, unknown>>(c: CommandInput): Promise<T> {
    const r = await this.cmd(c)
    if (!r.ok) throw new Error(`command ${c.type} failed: ${JSON.stringify(r.error)}`)
    const checked = resultSchemas[c.type].safeParse(r.result)
    if (!checked.success) throw new Error(`command ${c.type}: its result does not match the contract: ${checked.error.message}`)
    return r.result as T
  }

  /**
   * Runs a command that must fail: the response is { ok: false } with `code`, and the same
   * error arrived as an `error` event on the pane that caused it. Returns the error.
   */
  async fails(c: CommandInput, code: ErrorCode | readonly ErrorCode[]): Promise<PaneError> {
    const codes: readonly ErrorCode[] = typeof code === 'string' ? [code] : code
    const mark = this.events.length
    const r = await this.engine.handle(c)
    if (r.ok) throw new Error(`command ${c.type} succeeded, expected ${codes.join('|')}: ${JSON.stringify(r.result)}`)
    if (!codes.includes(r.error.code)) throw new Error(`command ${c.type}: expected ${codes.join('|')}, got ${JSON.stringify(r.error)}`)
    const paneId = (c as { paneId?: unknown }).paneId
    const seen = this.events.slice(mark).some((e) => e.type === 'error' && e.paneId === paneId && JSON.stringify(e.error) === JSON.stringify(r.error))
    if (!seen) throw new Error(`command ${c.type}: no matching error event on pane ${String(paneId)}`)
    return r.error
  }

  /** All bytes received (dir) by a pane so far, concatenated. */
  bytes(paneId: string, dir: 'in' | 'out' = 'in', connId?: number): Buffer {
    const parts: Buffer[] = []
    for (const e of this.events) {
      if (e.type !== 'data' || e.paneId !== paneId) continue
      let off = 0
      for (const r of e.records) {
        if (r.dir === dir && (connId === undefined || r.connId === connId)) parts.push(Buffer.from(e.data.subarray(off, off + r.len)))
        off += r.len
      }
    }
    return Buffer.concat(parts)
  }

  /** What a pane shows as text for one direction (and connection). */
  text(paneId: string, dir: 'in' | 'out' = 'in', connId?: number): string {
    return this.bytes(paneId, dir, connId).toString('utf8')
  }

  of<T extends EngineEvent['type']>(type: T, paneId?: string): EventOfType<T>[] {
    return this.events.filter((e) => e.type === type && (paneId === undefined || ('paneId' in e && e.paneId === paneId))) as EventOfType<T>[]
  }

  async until(pred: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
    const start = Date.now()
    while (!pred()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  /** Waits for the first event of `type` on `paneId` that matches `pred`, and returns it. */
  async waitFor<T extends EngineEvent['type']>(
    type: T,
    paneId: string,
    pred: (e: EventOfType<T>) => boolean = () => true,
    timeoutMs = 5000
  ): Promise<EventOfType<T>> {
    let found: EventOfType<T> | undefined
    await this.until(() => (found = this.of(type, paneId).find(pred)) !== undefined, `${type} on ${paneId}`, timeoutMs)
    return found!
  }

  /** Waits until a pane has received at least `n` bytes (in). */
  async untilBytes(paneId: string, n: number, connId?: number, timeoutMs = 5000): Promise<Buffer> {
    await this.until(() => this.bytes(paneId, 'in', connId).byteLength >= n, `${n} bytes on ${paneId}`, timeoutMs)
    return this.bytes(paneId, 'in', connId)
  }

  dispose(): Promise<void> {
    return this.engine.dispose()
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Waits (bounded) until `pred` holds. */
export async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** A plain node:net server on 127.0.0.1 that keeps every byte it reads, per connection. */
export class RawServer {
  readonly sockets: net.Socket[] = []
  private readonly chunks = new Map<net.Socket, Buffer[]>()

  private constructor(
    private readonly server: net.Server,
    readonly port: number
  ) {}

  /** `onSocket` runs for each accepted socket before it is read (to pause it, say). */
  static async listen(onSocket?: (s: net.Socket) => void): Promise<RawServer> {
    const server = net.createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve())
    })
    const raw = new RawServer(server, (server.address() as net.AddressInfo).port)
    server.on('connection', (s) => {
      s.on('error', () => {})
      raw.sockets.push(s)
      raw.chunks.set(s, [])
      s.on('data', (c: Buffer) => raw.chunks.get(s)!.push(c))
      onSocket?.(s)
    })
    return raw
  }

  /** Everything read so far (from the first connection, or the one given). */
  received(socket = this.sockets[0]): Buffer {
    return socket ? Buffer.concat(this.chunks.get(socket) ?? []) : Buffer.alloc(0)
  }

  async untilReceived(n: number, what = `${n} bytes at the raw server`, timeoutMs = 5000): Promise<Buffer> {
    await until(() => this.received().byteLength >= n, what, timeoutMs)
    return this.received()
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** A plain node:net client on 127.0.0.1 that keeps every byte it reads. */
export class RawClient {
  private readonly chunks: Buffer[] = []

  private constructor(readonly socket: net.Socket) {
    socket.on('error', () => {})
    socket.on('data', (c: Buffer) => this.chunks.push(c))
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.once('connect', () => resolve())
    })
    socket.setNoDelay(true)
    return new RawClient(socket)
  }

  write(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())))
  }

  received(): Buffer {
    return Buffer.concat(this.chunks)
  }

  async untilReceived(n: number, what = `${n} bytes at the raw client`, timeoutMs = 5000): Promise<Buffer> {
    await until(() => this.received().byteLength >= n, what, timeoutMs)
    return this.received()
  }

  close(): void {
    this.socket.destroy()
  }
}

/** A plain node:dgram socket on 127.0.0.1 that keeps every datagram it gets. */
export class RawUdp {
  readonly datagrams: { data: Buffer; port: number }[] = []

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number
  ) {
    socket.on('message', (data, rinfo) => this.datagrams.push({ data, port: rinfo.port }))
  }

  static async bind(): Promise<RawUdp> {
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()))
    return new RawUdp(socket, socket.address().port)
  }

  send(bytes: Uint8Array | string, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  }

  async untilDatagrams(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    await until(() => this.datagrams.length >= n, `${n} datagrams at the raw UDP socket`, timeoutMs)
    return this.datagrams.map((d) => d.data)
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}

/**
 * A fresh Probe for each test of the file, handed to `set`; after each test it is disposed
 * (bounded), then `cleanups` run, and every event and result it saw must have matched the
 * contract.
 */
export function useProbe(set: (probe: Probe) => void, options?: EngineOptions, cleanups: (() => unknown)[] = []): void {
  let current: Probe
  beforeEach(() => set((current = new Probe(options))))
  afterEach(async () => {
    await bounded(current.dispose(), 'engine dispose')
    for (const c of cleanups.splice(0)) await c()
    expect(current.schemaErrors).toEqual([])
  })
}
