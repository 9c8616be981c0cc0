/** Electron IPC channel names (the web host carries the same messages over one WebSocket). */
export const ipcChannels = { command: 'np:command', ack: 'np:ack', event: 'np:event' } as const
