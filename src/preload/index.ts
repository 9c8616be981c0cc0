// The preload exposes exactly one object, window.api, built from the contract. It never
// exposes ipcRenderer and never passes the IPC event through.
import { contextBridge, ipcRenderer } from 'electron'
import { ipcChannels } from '../shared/channels'
import type { EngineEvent, NetApi } from '../shared/contract'

const api: NetApi = {
  command: (cmd) => ipcRenderer.invoke(ipcChannels.command, cmd),
  onEvent: (listener) => {
    const handler = (_event: unknown, payload: EngineEvent): void => listener(payload)
    ipcRenderer.on(ipcChannels.event, handler)
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, handler)
    }
  }
}

contextBridge.exposeInMainWorld('api', api)
