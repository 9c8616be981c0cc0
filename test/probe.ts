// Test helper: drives an Engine and collects what it emits, acking display data like a
// renderer that keeps up (unless told not to).
import { Engine, type EngineOptions } from '../src/main/engine/engine'
import {
  eventSchema,
  type CommandInput,
  type EngineEvent,
  type ErrorCode,
  type PaneError,
  type Response
} from '../src/shared/contract'

type EventOfType<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>

export class Probe {
  readonly engine: Engine
  readonly events: EngineEvent[] = []
  /** Events that did not match their schema (a test should expect this to stay empty). */
  readonly schemaErrors: string[] = []
  autoAck = true

  constructor(options?: EngineOptions) {
    this.engine = new Engine(options)
    this.engine.onEvent((e) => {
      // Every event the engine emits must match its schema. Record a mismatch instead of
      // throwing: the engine swallows listener exceptions, so a throw would only hide it.
      const checked = eventSchema.safeParse(e)
      if (!checked.success) this.schemaErrors.push(`${e.type}: ${checked.error.message}`)
      this.events.push(e)
      if (this.autoAck && e.type === 'data') void this.engine.handle({ type: 'display.ack', paneId: e.paneId, bytes: e.data.byteLength })
    })
  }

  cmd(c: CommandInput): Promise<Response> {
    return this.engine.handle(c)
  }

  async ok<T = Record<string, unknown>>(c: CommandInput): Promise<T> {
    const r = await this.engine.handle(c)
    if (!r.ok) throw new Error(`command ${c.type} failed: ${JSON.stringify(r.error)}`)
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
    const seen = this.events
      .slice(mark)
      .some((e) => e.type === 'error' && e.paneId === paneId && JSON.stringify(e.error) === JSON.stringify(r.error))
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
    return this.events.filter((e) => e.type === type && (paneId === undefined || e.paneId === paneId)) as EventOfType<T>[]
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
    await this.until(
      () => (found = this.of(type, paneId).find(pred)) !== undefined,
      `${type} on ${paneId}`,
      timeoutMs
    )
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
