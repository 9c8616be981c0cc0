// The engine's side of one pane: the PaneContext its runtime talks to. It owns the pane's
// display channel, message path (framing, transforms), auto-replies, jobs and the {{seq}}
// counter, and hands every raw chunk to the taps (the recorder) before anything else.
import type { EngineEvent, PaneConfig, PaneError, TrafficRecord } from '../../shared/contract'
import { composeMessage } from '../../shared/compose'
import type { TextEncoding } from '../../shared/encodings'
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { AutoReplier, type ReplyAction } from './auto-reply'
import { nowNs } from './clock'
import { DisplayChannel, type DisplayOptions } from './display'
import { fail, toPaneError } from './errors'
import { Jobs } from './jobs'
import { MAX_MESSAGE_FILE } from './file-send'
import { MessagePath, type Message } from './message-path'
import type { Outgoing, PaneContext, PaneRuntime } from './pane'
import type { TrafficTap } from './engine'

export interface HostDeps {
  emit(event: EngineEvent): void
  tap(tap: TrafficTap): void
  display: DisplayOptions
}

/** Why a template did not expand, in words (the detail under the catalog's BAD_TEMPLATE message). */
const templateReasons: Record<string, string> = {
  badVariable: 'unknown variable: use {{seq}}, {{time}}, {{unixtime}}, {{random:N}} or {{file:path}}',
  badEscape: 'unknown escape: use \\r \\n \\t \\0 \\\\ \\xNN or \\uNNNN',
  badHexChar: 'not a hex digit',
  oddHexDigits: 'an odd number of hex digits',
  badBase64Char: 'not base64',
  unencodable: 'not a character {encoding} can hold'
}

/** The deframer of a connection's writes (playback decodes them apart from its reads). */
const outKey = (connId: number): number => -1 - connId

export const defaultConfig: PaneConfig = { framing: { kind: 'raw' }, transforms: [], autoReplies: [] }

export class PaneHost implements PaneContext {
  readonly display: DisplayChannel
  readonly jobs: Jobs
  runtime!: PaneRuntime
  statsDirty = false
  private path: MessagePath
  private replier: AutoReplier
  private seq = 0
  private config: PaneConfig

  constructor(
    readonly paneId: string,
    private readonly deps: HostDeps,
    config: PaneConfig
  ) {
    this.config = config
    this.display = new DisplayChannel(paneId, deps.emit, deps.display)
    this.jobs = new Jobs(paneId, (e) => this.emit(e))
    this.path = new MessagePath(config)
    this.replier = new AutoReplier(config.autoReplies)
  }

  start(make: (ctx: PaneContext) => PaneRuntime): this {
    this.runtime = make(this)
    return this
  }

  configure(config: PaneConfig): void {
    this.config = config
    this.replier.dispose()
    this.path = new MessagePath(config)
    this.replier = new AutoReplier(config.autoReplies)
  }

  /**
   * An event about this pane. Those the pane's log shows (a connection opening or closing, an
   * error) wait behind the traffic the screen has not been sent yet, so the order holds; a
   * state change or a progress count goes at once.
   */
  emit(event: EngineEvent): void {
    if (event.type === 'pane.state' || (event.type === 'job.progress' && !event.error)) this.deps.emit(event)
    else this.display.event(event)
  }

  error(error: PaneError): void {
    this.emit({ type: 'error', paneId: this.paneId, error })
  }

  statsChanged(): void {
    this.statsDirty = true
  }

  /** A template expanded for one send: {{seq}} counts the pane's sends. */
  expand(text: string, mode: 'text' | 'hex' | 'base64', encoding: string): Uint8Array {
    let fileError = ''
    const r = composeMessage(text, mode, encoding as TextEncoding, {
      seq: ++this.seq,
      now: new Date(),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      readFile: (path) => {
        try {
          // A regular file, and not a huge one: {{file:/dev/zero}} must not hang the engine.
          const st = statSync(path)
          if (!st.isFile()) throw new Error(`${path} is not a regular file`)
          if (st.size > MAX_MESSAGE_FILE) throw new Error(`${path} is ${st.size} bytes; {{file:…}} takes up to 16 MiB (send a bigger file in File mode)`)
          return new Uint8Array(readFileSync(path))
        } catch (err) {
          fileError = err instanceof Error ? err.message : String(err)
          throw err
        }
      }
    })
    if (!r.ok) {
      // The whole character (an emoji is two UTF-16 units), and the reason in words.
      const char = r.char === undefined ? '' : ` ("${String.fromCodePoint(text.codePointAt(r.index) ?? 0xfffd)}")`
      const why = r.reason === 'fileUnreadable' ? `cannot read the file: ${fileError}` : (templateReasons[r.reason] ?? r.reason)
      fail('BAD_TEMPLATE', `${why.replace('{encoding}', encoding)} at position ${r.index + 1}${r.reason === 'fileUnreadable' ? '' : char}`)
    }
    return r.bytes
  }

  received(connId: number, bytes: Uint8Array, peer: TrafficRecord['peer'], reply: (payload: Uint8Array) => void): void {
    const tNs = nowNs()
    const tUs = Number(tNs / 1000n)
    this.deps.tap({ paneId: this.paneId, connId, dir: 'in', tNs, bytes, peer })
    const datagram = peer !== undefined
    const messages: Message[] = this.path.active ? this.path.incoming(connId, bytes, datagram) : []
    if (!this.path.active) this.push(connId, 'in', tUs, bytes, peer)
    for (const m of messages) this.push(connId, 'in', tUs, undefined, peer, m)
    if (!this.replier.active) return
    for (const payload of this.path.active ? messages.filter((m) => m.ok).map((m) => m.payload) : [bytes]) {
      this.replier.onMessage(payload, (action) => this.answer(action, payload, reply))
    }
  }

  private answer(action: ReplyAction, message: Uint8Array, reply: (payload: Uint8Array) => void): void {
    try {
      reply(action.kind === 'echo' ? message : this.expand(action.text, action.mode, action.encoding))
    } catch (err) {
      this.error(toPaneError(err, { op: 'auto-reply' }))
    }
  }

  get shapesMessages(): boolean {
    return this.path.active
  }

  encode(payload: Uint8Array, datagram = false): Outgoing {
    if (!this.path.active) return { wire: payload }
    const message = this.path.outgoing(payload, datagram)
    return { wire: message.wire, message }
  }

  sent(connId: number, out: Outgoing, peer?: TrafficRecord['peer']): void {
    const tNs = nowNs()
    const tUs = Number(tNs / 1000n)
    this.deps.tap({ paneId: this.paneId, connId, dir: 'out', tNs, bytes: out.wire, peer })
    if (out.message) this.push(connId, 'out', tUs, undefined, peer, out.message)
    else this.push(connId, 'out', tUs, out.wire, peer)
  }

  connClosed(connId: number): void {
    const rest = this.path.closeConn(connId)
    if (rest) this.push(connId, 'in', Number(nowNs() / 1000n), undefined, undefined, rest)
  }

  /**
   * Shows a recorded read or write without recording it or answering it (playback), the way
   * the recorded pane showed it: with framing or transforms, as messages. A write is
   * decoded back into its messages and each is shown as it was sent (payload, each
   * transform, the frame), when encoding it again gives the same wire bytes.
   */
  show(connId: number, dir: 'in' | 'out', tUs: number, bytes: Uint8Array, peer?: TrafficRecord['peer']): void {
    if (!this.path.active) return this.push(connId, dir, tUs, bytes, peer)
    const datagram = peer !== undefined
    if (dir === 'in') {
      for (const m of this.path.incoming(connId, bytes, datagram)) this.push(connId, 'in', tUs, undefined, peer, m)
      return
    }
    // Encoding again only to show the sent parts in order: not for a record only counted.
    for (const m of this.path.incoming(outKey(connId), bytes, datagram))
      this.push(connId, 'out', tUs, undefined, peer, this.display.paused ? m : this.asSent(m, datagram))
  }

  /** A recorded connection ended (playback): an incomplete last frame is shown, as it was. */
  showClosed(connId: number, tUs: number): void {
    this.path.closeConn(outKey(connId))
    const rest = this.path.closeConn(connId)
    if (rest) this.push(connId, 'in', tUs, undefined, undefined, rest)
  }

  private asSent(m: Message, datagram: boolean): Message {
    if (!m.ok) return m
    try {
      const again = this.path.outgoing(m.payload, datagram)
      return Buffer.compare(again.wire, m.wire) === 0 ? again : m
    } catch {
      return m
    }
  }

  /** The pane's view starts over (playback went backwards). */
  clear(): void {
    this.path = new MessagePath(this.config)
    this.display.discard()
    this.deps.emit({ type: 'pane.cleared', paneId: this.paneId })
  }

  startJob(...args: Parameters<Jobs['start']>): number {
    return this.jobs.start(...args)
  }

  private push(connId: number, dir: 'in' | 'out', tUs: number, data: Uint8Array | undefined, peer: TrafficRecord['peer'], m?: Message): void {
    if (this.display.paused) return this.display.skip(m ? m.size : (data?.byteLength ?? 0))
    const bytes = m ? m.data : data!
    const rec: TrafficRecord = { connId, dir, tUs, len: bytes.byteLength }
    if (peer) rec.peer = peer
    if (m) {
      rec.parts = m.parts
      rec.ok = m.ok
    }
    this.display.push(rec, bytes)
  }

  async close(): Promise<void> {
    this.jobs.stop()
    this.replier.dispose()
    await this.runtime.close()
    this.display.dispose()
  }
}
