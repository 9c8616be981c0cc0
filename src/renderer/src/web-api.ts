// window.api for the web host: the same contract over one WebSocket, binary frames only.
import type { CommandType, EngineEvent, NetApi, Response } from '../../shared/contract'
import { decodeFrame, encodeFrame } from '../../shared/wire'

export interface WebApi extends NetApi {
  onConnectionChange(listener: (open: boolean) => void): void
}

export function createWebApi(location: Location): WebApi {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`)
  ws.binaryType = 'arraybuffer'
  const listeners = new Set<(e: EngineEvent) => void>()
  const connectionListeners = new Set<(open: boolean) => void>()
  const pending = new Map<number, (r: Response) => void>()
  const queue: Uint8Array[] = []
  let nextId = 1

  ws.addEventListener('open', () => {
    for (const frame of queue.splice(0)) ws.send(frame)
    connectionListeners.forEach((l) => l(true))
  })
  ws.addEventListener('close', () => {
    connectionListeners.forEach((l) => l(false))
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'UNKNOWN', reason: { key: 'why.hostLost' } } })
    pending.clear()
  })
  ws.addEventListener('message', (ev: MessageEvent<ArrayBuffer>) => {
    const msg = decodeFrame(new Uint8Array(ev.data))
    if (msg.kind === 'event') listeners.forEach((l) => l(msg.body as EngineEvent))
    else if (msg.kind === 'response') {
      pending.get(msg.id)?.(msg.body as Response)
      pending.delete(msg.id)
    }
  })

  return {
    command<T extends CommandType>(cmd: { type: T }): Promise<Response<T>> {
      const id = nextId++
      const frame = encodeFrame({ kind: 'command', id, body: cmd })
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Response) => void)
        if (ws.readyState === WebSocket.OPEN) ws.send(frame)
        else if (ws.readyState === WebSocket.CONNECTING) queue.push(frame)
        else resolve({ ok: false, error: { code: 'UNKNOWN', reason: { key: 'why.hostLost' } } } as Response<T>)
      })
    },
    ack(ack) {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeFrame({ kind: 'ack', body: { ...ack } }))
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener)
    }
  } as WebApi
}
