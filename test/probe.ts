// Test helper: drives an Engine and collects what it emits, acking display data like a
// renderer that keeps up (unless told not to).
import { Engine, type EngineOptions } from '../src/main/engine/engine'
import { eventSchema, type CommandInput, type EngineEvent, type Response } from '../src/shared/contract'

export class Probe {
  readonly engine: Engine
  readonly events: EngineEvent[] = []
  autoAck = true

  constructor(options?: EngineOptions) {
    this.engine = new Engine(options)
    this.engine.onEvent((e) => {
      // Every event the engine emits must match its schema.
      eventSchema.parse(e)
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

  of<T extends EngineEvent['type']>(type: T, paneId?: string): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type && (paneId === undefined || e.paneId === paneId)) as Extract<
      EngineEvent,
      { type: T }
    >[]
  }

  async until(pred: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
    const start = Date.now()
    while (!pred()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  dispose(): Promise<void> {
    return this.engine.dispose()
  }
}
