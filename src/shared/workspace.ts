// The workspace as it is written down (the browser's storage, a session file, an exported
// JSON) and read back by the renderer, playback, the headless runner and export: one schema.
// Reading is forgiving: a field that is missing or damaged takes its default, a list entry that
// is damaged is dropped, a pane that is not one we can make again is dropped, and fields this
// version does not know are kept (a newer version's fields survive a round trip). Parsing
// writes every documented field, so an exported workspace shows all of them.
import { z } from 'zod'
import { autoReplySchema, connSettingsSchema, framingSchema, templateModeSchema, textEncodingSchema, type ConnSettings } from './contract'
import { keyOmittedStepSchema, maxInflateMibSchema, transformStepSchema } from './transform-spec'
import { DEFAULT_INFLATE_MIB } from './limits'
import { liveKinds } from './pane-kinds'

export const WORKSPACE_VERSION = 1

/** How many sent inputs a pane remembers (up/down in the input). */
export const HISTORY_MAX = 50

/** A list read forgivingly: not a list → empty; each entry that does not parse is dropped. */
function listOf<T extends z.ZodType>(item: T, max = 10_000) {
  return z
    .array(z.unknown())
    .catch([])
    .transform((v): z.output<T>[] => {
      const out: z.output<T>[] = []
      for (const entry of v.slice(0, max)) {
        const r = item.safeParse(entry)
        if (r.success) out.push(r.data)
      }
      return out
    })
}

const percent = z.number().gt(0).lte(100)

/** How a pane shows its traffic. */
export const viewSettingsSchema = z.object({
  view: z.enum(['text', 'hex', 'split']).catch('text'),
  time: z.enum(['absolute', 'delta', 'off']).catch('absolute'),
  encoding: textEncodingSchema.catch('utf-8'),
  controls: z.enum(['escapes', 'pictures']).catch('escapes'),
  /** Show every step of a message (wire, unframe, checksum, ...) with its bytes. */
  steps: z.boolean().catch(false),
  filter: z
    .object({
      connId: z.union([z.literal('all'), z.number().int().positive()]).catch('all'),
      dir: z.enum(['both', 'in', 'out']).catch('both')
    })
    .catch({ connId: 'all', dir: 'both' })
})
export type ViewSettings = z.output<typeof viewSettingsSchema>
export type ViewMode = ViewSettings['view']
export type TimeMode = ViewSettings['time']
export const defaultViewSettings: ViewSettings = viewSettingsSchema.parse({})

export const lineEndings = ['none', 'lf', 'cr', 'crlf'] as const
export type LineEnding = (typeof lineEndings)[number]

/** The input's settings: how what is typed is read and what is added to it. */
export const composerSettingsSchema = z.object({
  mode: z.enum(['text', 'hex', 'base64', 'file']).catch('text'),
  encoding: textEncodingSchema.catch('utf-8'),
  lineEnding: z.enum(lineEndings).catch('lf'),
  /** UDP panes: where a send goes. */
  udpHost: z.string().max(255).catch('127.0.0.1'),
  udpPort: z.string().max(16).catch(''),
  /** File mode on UDP: bytes per datagram. */
  datagramSize: z.string().max(16).catch('1024'),
  repeat: z
    .object({ on: z.boolean().catch(false), everyMs: z.string().max(16).catch('1000'), times: z.string().max(16).catch('10') })
    .catch({ on: false, everyMs: '1000', times: '10' })
})
export type ComposerSettings = z.output<typeof composerSettingsSchema>
export const defaultComposerSettings: ComposerSettings = composerSettingsSchema.parse({})

export const snippetSchema = z.object({
  name: z.string().max(200),
  text: z.string().max(1024 * 1024),
  mode: templateModeSchema.catch('text'),
  encoding: textEncodingSchema.catch('utf-8')
})
export type Snippet = z.output<typeof snippetSchema>

/** One step of a sequence: wait delayMs, then send the snippet of that name. */
export const sequenceStepSchema = z.object({ snippet: z.string(), delayMs: z.number().int().min(0).max(600_000) })
export type SequenceStep = z.output<typeof sequenceStepSchema>

/** Named, ordered sends with delays, run by the engine as one job. */
export const sequenceSchema = z.object({ name: z.string().max(200), steps: listOf(sequenceStepSchema, 1000) })
export type Sequence = z.output<typeof sequenceSchema>

/**
 * A pane's framing, transforms and auto-replies as saved: each part read on its own, so one
 * damaged rule does not cost the others. The engine checks the whole again on pane.configure.
 * An encrypt step whose key was left out of the file (workspace-keys.ts) is kept, waiting for
 * its key: the engine refuses it until the key is given.
 */
const defaultConnSettings: ConnSettings = connSettingsSchema.parse({})
const conn = connSettingsSchema.shape

/** A server pane's connection settings as saved: each read on its own; missing (a file from before them) or damaged, its default. */
const savedConnSchema = z
  .object({
    limit: conn.limit.catch(defaultConnSettings.limit),
    closeOnHalfClose: conn.closeOnHalfClose.catch(defaultConnSettings.closeOnHalfClose),
    idleTimeoutS: conn.idleTimeoutS.catch(defaultConnSettings.idleTimeoutS)
  })
  .catch(defaultConnSettings)

export const savedConfigSchema = z
  .object({
    framing: framingSchema.catch({ kind: 'raw' }),
    transforms: listOf(z.union([transformStepSchema, keyOmittedStepSchema]), 8),
    autoReplies: listOf(autoReplySchema, 64),
    // Saved before it was a setting (or out of range): the default.
    maxInflateMiB: maxInflateMibSchema.catch(DEFAULT_INFLATE_MIB),
    connections: savedConnSchema
  })
  .catch({ framing: { kind: 'raw' }, transforms: [], autoReplies: [], maxInflateMiB: DEFAULT_INFLATE_MIB, connections: defaultConnSettings })

const portText = z.union([z.string().max(16), z.number().int().min(0).max(65535).transform(String)])

/** One live pane as saved: what a pane is made again from. */
const savedPaneShape = {
  /** The pane's id when it was saved (the browser's storage keeps it; a restored pane gets a new one). */
  id: z.string().max(64).optional().catch(undefined),
  kind: z.enum(liveKinds),
  /** Its number in "TCP server 2" (0: none yet). */
  n: z.number().int().min(0).catch(0),
  host: z.string().max(255).catch('127.0.0.1'),
  port: portText.catch('0'),
  /** A UDP pane's default destination port (a pair's other socket). */
  peerPort: portText.optional().catch(undefined),
  config: savedConfigSchema,
  snippets: listOf(snippetSchema, 1000),
  /** Sent inputs, newest first. */
  history: listOf(z.string().max(1024 * 1024), HISTORY_MAX),
  sequences: listOf(sequenceSchema, 1000),
  view: viewSettingsSchema.catch(defaultViewSettings),
  composer: composerSettingsSchema.catch(defaultComposerSettings)
}
/** Fields this version does not know are kept (a newer version's survive a round trip). */
export const savedPaneSchema = z.looseObject(savedPaneShape)
export type SavedPane = z.output<z.ZodObject<typeof savedPaneShape>>

/**
 * Split sizes by position, in percent: `rows[r]` is row r's height, `cols[r][i]` the width of
 * the i-th pane in row r. Positions (not pane ids) so a restored workspace, whose panes get new
 * ids, keeps its layout.
 */
export const layoutSchema = z.object({
  rows: z.array(percent),
  cols: z.array(z.array(percent).catch([])).catch([])
})
export type SplitLayout = z.output<typeof layoutSchema>

export const workspaceSchema = z.looseObject({
  version: z.number().int().catch(WORKSPACE_VERSION),
  panes: listOf(savedPaneSchema, 1000),
  layout: layoutSchema.optional().catch(undefined)
})
export interface Workspace {
  version: number
  panes: SavedPane[]
  layout?: SplitLayout | undefined
}

/** Any saved workspace, read forgivingly: `{ panes: [...] }`, or a bare list (an older storage format); anything else is empty. */
export function readWorkspace(v: unknown): Workspace {
  return workspaceSchema.parse(Array.isArray(v) ? { panes: v } : typeof v === 'object' && v !== null ? v : {})
}

/** The saved pane of a recorded pane id, if the workspace has it. */
export function savedPaneById(workspace: unknown, id: string): SavedPane | undefined {
  return readWorkspace(workspace).panes.find((p) => p.id === id)
}

/** Where a UDP pane sends: the input's destination, or, when its port is empty, the pair's other socket (peerPort). */
export function udpDestination(p: Pick<SavedPane, 'composer' | 'peerPort'>): { host: string; port: string } {
  return { host: p.composer.udpHost, port: p.composer.udpPort || p.peerPort || '' }
}
