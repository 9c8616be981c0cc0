// The preload exposes exactly one object, window.api, built from the contract. It never
// exposes ipcRenderer and never passes the IPC event through.
import { contextBridge, ipcRenderer } from 'electron'
import { ipcChannels } from '../shared/channels'
import type { CommandInputOf, CommandType, DisplayAck, EngineEvent, NetApi, Response } from '../shared/contract'

/** A command's answer: main answers every command with the Response of its type (src/main/ipc.ts). */
function invoke<T extends CommandType>(cmd: CommandInputOf<T>): Promise<Response<T>> {
  const answer: Promise<unknown> = ipcRenderer.invoke(ipcChannels.command, cmd)
  return answer as Promise<Response<T>>
}

const api: NetApi = {
  command: invoke,
  ack: (ack: DisplayAck) => ipcRenderer.send(ipcChannels.ack, ack),
  onEvent: (listener) => {
    const handler = (_event: unknown, payload: EngineEvent): void => listener(payload)
    ipcRenderer.on(ipcChannels.event, handler)
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, handler)
    }
  }
}

contextBridge.exposeInMainWorld('api', api)
