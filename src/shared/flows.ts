// A recorded flow's connection as a playback pane numbers it: the recorded connection's id
// when the recording had one (a pane's own sessions), else the flow's (a capture's).
import type { SessionSummary } from './contract'

export const playbackConnId = (f: Pick<SessionSummary['flows'][number], 'id' | 'connId'>): number => f.connId ?? f.id
