// The IPC adapter: one engine per window, commands in over ipcMain.handle (sender checked),
// events out over webContents.send. Written against small interfaces so a test can drive
// it with a stand-in for Electron.
import { ipcChannels } from '../shared/channels'
import type { EngineEvent, Response } from '../shared/contract'
import { Engine } from './engine/engine'
import { withSessions } from './session/service'

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
}
export interface IpcEventLike {
  sender: { id: number }
  senderFrame?: { url: string } | null
}
export interface WebContentsLike {
  id: number
  send(channel: string, payload: EngineEvent): void
  isDestroyed(): boolean
}

const untrusted: Response = { ok: false, error: { code: 'BAD_COMMAND', detail: 'command from an untrusted sender' } }

export class IpcAdapter {
  private readonly engines = new Map<number, Engine>()

  constructor(
    ipcMain: IpcMainLike,
    private readonly isTrustedUrl: (url: string) => boolean,
    private readonly sessionDir?: string
  ) {
    ipcMain.handle(ipcChannels.command, (event, command) => {
      const engine = this.engines.get(event.sender.id)
      if (!engine || !event.senderFrame || !this.isTrustedUrl(event.senderFrame.url)) return untrusted
      return engine.handle(command)
    })
  }

  /** Gives a window its engine; returns the function to call when the window closes. */
  attach(contents: WebContentsLike): () => Promise<void> {
    const engine = new Engine({ sessions: withSessions({ dir: this.sessionDir }) })
    engine.onEvent((event) => {
      if (!contents.isDestroyed()) contents.send(ipcChannels.event, event)
    })
    this.engines.set(contents.id, engine)
    return async () => {
      this.engines.delete(contents.id)
      await engine.dispose()
    }
  }
}
