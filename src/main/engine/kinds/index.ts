// Every kind of pane the engine knows. A new kind is one file in this folder and one line here.
import { playbackKind } from './playback'
import { tcpClientKind } from './tcp-client'
import { tcpServerKind } from './tcp-server'
import { udpKind } from './udp'

export const kinds = [tcpServerKind, tcpClientKind, udpKind, playbackKind] as const

type KindDef = (typeof kinds)[number]

/** Each kind's runtime, by kind: what `engine.open(paneId, kind)` gives. */
export type KindRuntimes = { [D in KindDef as D['kind']]: ReturnType<D['create']> }

/** The command types the kinds answer themselves (listen, connect, bind...). */
export type KindCommandType = KindDef extends infer D ? (D extends { commands: infer C } ? keyof C : never) : never
