// The kinds of pane, defined once for the engine, the renderer, the workspace and the CLI.
// Live kinds own sockets and are saved with the workspace; a playback pane shows a recorded
// session's records and is neither saved nor recorded again.

export const liveKinds = ['tcp-server', 'tcp-client', 'udp'] as const
export type LiveKind = (typeof liveKinds)[number]

export const paneKinds = [...liveKinds, 'playback'] as const
export type PaneKind = (typeof paneKinds)[number]

export const isLiveKind = (kind: unknown): kind is LiveKind => liveKinds.includes(kind as LiveKind)
