// The IPC adapter: one engine per document, commands in over ipcMain.handle and display
// acknowledgements over ipcMain.on (sender checked both ways), events out over
// webContents.send. The engine follows the document: a reload, a navigation to a new
// document or a crashed renderer ends the old engine (its sockets close, its recording is
// kept if unsaved) and the new document gets a fresh one, as the web host does per WebSocket.
// Written against small interfaces so a test can drive it with a stand-in for Electron.
import { ipcChannels } from '../shared/channels'
import type { EngineEvent, Response } from '../shared/contract'
import { Engine } from './engine/engine'
import { withSessions } from './session/service'

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void
}
export interface IpcEventLike {
  sender: { id: number }
  senderFrame?: { url: string } | null
}
export interface WebContentsLike {
  id: number
  send(channel: string, payload: EngineEvent): void
  isDestroyed(): boolean
  on(event: 'did-navigate', listener: () => void): void
  on(event: 'render-process-gone', listener: () => void): void
}

const untrusted: Response = { ok: false, error: { code: 'BAD_COMMAND', detail: 'command from an untrusted sender' } }

interface Attached {
  engine: Engine
  /** Stops the engine's events from reaching the window. */
  mute(): void
}

export class IpcAdapter {
  private readonly attached = new Map<number, Attached>()

  constructor(
    ipcMain: IpcMainLike,
    private readonly isTrustedUrl: (url: string) => boolean,
    private readonly sessionDir?: string
  ) {
    ipcMain.handle(ipcChannels.command, (event, command) => {
      const engine = this.trusted(event)
      return engine ? engine.handle(command) : untrusted
    })
    ipcMain.on(ipcChannels.ack, (event, ack) => this.trusted(event)?.ack(ack))
  }

  private trusted(event: IpcEventLike): Engine | undefined {
    if (!event.senderFrame || !this.isTrustedUrl(event.senderFrame.url)) return undefined
    return this.attached.get(event.sender.id)?.engine
  }

  /** The engine a window's document talks to now (tests look at it). */
  engineOf(contentsId: number): Engine | undefined {
    return this.attached.get(contentsId)?.engine
  }

  /** Gives a window its engine, renewed with each new document; returns the function to call when the window closes. */
  attach(contents: WebContentsLike): () => Promise<void> {
    const start = (): void => {
      const engine = new Engine({ sessions: withSessions({ dir: this.sessionDir }) })
      const mute = engine.onEvent((event) => {
        if (!contents.isDestroyed()) contents.send(ipcChannels.event, event)
      })
      this.attached.set(contents.id, { engine, mute })
    }
    const end = async (): Promise<void> => {
      const old = this.attached.get(contents.id)
      this.attached.delete(contents.id)
      if (!old) return
      // Nothing of the old document's panes may reach the new one (it reuses their ids).
      old.mute()
      await old.engine.dispose()
    }
    let documents = 0
    const renew = (): void => {
      const ending = end()
      start()
      void ending
    }
    contents.on('did-navigate', () => {
      // The first document is the one the engine was made for.
      if (documents++ > 0) renew()
    })
    contents.on('render-process-gone', renew)
    start()
    return end
  }
}
