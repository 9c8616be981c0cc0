// The one contract between the engine (main) and the renderer. Every command, every event
// and every command's result has a runtime schema here; the TypeScript types are derived
// from the schemas. Main validates each command; the tests check each event and result.
// Payloads are always binary (Uint8Array), never arrays, base64 or hex strings.
import { z } from 'zod'
import { maxInflateMibSchema, transformStepsSchema, wholeNumberIn } from './transform-spec'
import { DEFAULT_INFLATE_MIB } from './limits'
import { textEncodings } from './encodings'
import { isMessageKey, type MessageKey } from './i18n'
import { CLOSE_ON_HALF_CLOSE_DEFAULT, CONN_LIMIT_DEFAULT, CONN_LIMIT_MAX, FLOW_PAGE, IDLE_TIMEOUT_S_DEFAULT, IDLE_TIMEOUT_S_MAX } from './limits'

export const paneIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'pane id: 1-64 letters, digits, - or _')
export const hostSchema = z.string().trim().min(1, 'host is empty').max(255)
export const portSchema = z.number().int().min(0).max(65535)
export const remotePortSchema = z.number().int().min(1).max(65535)
export const connIdSchema = z.number().int().min(1)
export const bytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes (Uint8Array)')

export const endpointSchema = z.object({
  address: z.string(),
  port: z.number().int(),
  family: z.enum(['IPv4', 'IPv6'])
})
export type Endpoint = z.infer<typeof endpointSchema>

export const framingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('raw') }),
  z.object({ kind: z.literal('delimiter'), delimiterHex: z.string().regex(/^([0-9a-fA-F]{2}){1,16}$/, 'delimiter: 1 to 16 bytes in hex, e.g. 0a or 0d0a') }),
  z.object({
    kind: z.literal('fixed'),
    length: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024)
  }),
  z.object({
    kind: z.literal('length'),
    bytes: z.union([z.literal(1), z.literal(2), z.literal(4)]),
    endian: z.enum(['be', 'le']),
    includesHeader: z.boolean(),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .optional()
  })
])

/** How the input line (or a rule's reply) is read: text with escapes, hex, or base64. */
export const templateModeSchema = z.enum(['text', 'hex', 'base64'])
export const textEncodingSchema = z.enum(textEncodings)

/** Bytes with {{variables}} expanded by the engine at each send. */
export const templateSchema = z.object({
  text: z.string().max(1024 * 1024),
  mode: templateModeSchema,
  encoding: textEncodingSchema.default('utf-8')
})

/** Regex flags of a match rule: i, m, s, u, each at most once. */
export const regexFlagsSchema = z
  .string()
  .regex(/^[imsu]*$/, 'regex flags: i, m, s, u')
  .refine((f) => new Set(f).size === f.length, 'regex flags: each at most once')
export const flagsOk = (f: string): boolean => regexFlagsSchema.safeParse(f).success

export const autoReplySchema = z.object({
  enabled: z.boolean().default(true),
  match: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('any') }),
    // The text (with escapes) is turned into bytes in `encoding` before it is looked for.
    z.object({ kind: z.enum(['exact', 'contains', 'startsWith']), text: z.string().min(1).max(4096), encoding: textEncodingSchema.default('utf-8') }),
    z.object({ kind: z.literal('regex'), pattern: z.string().min(1).max(4096), flags: regexFlagsSchema.default('') }),
    z.object({ kind: z.literal('hex'), pattern: z.string().min(1).max(4096) })
  ]),
  /** echo: send the message back; template: $1..$9 are the regex captures, {{vars}} too. */
  reply: z.discriminatedUnion('kind', [z.object({ kind: z.literal('echo') }), z.object({ kind: z.literal('template'), template: templateSchema })]),
  delayMs: z.number().int().min(0).max(600_000).default(0),
  once: z.boolean().default(false)
})
export type AutoReply = z.input<typeof autoReplySchema>

/** What a TCP server pane does with the connections it accepts (limits.ts has the defaults; other kinds ignore it). */
export const connSettingsSchema = z.object({
  /** How many it holds at once; the next ones are refused and counted. */
  limit: wholeNumberIn(1, CONN_LIMIT_MAX, 'conns.limit').default(CONN_LIMIT_DEFAULT),
  /** Close one as soon as its peer half-closes. */
  closeOnHalfClose: z.boolean().default(CLOSE_ON_HALF_CLOSE_DEFAULT),
  /** Close one idle (no bytes either way) this many seconds; 0: never. */
  idleTimeoutS: wholeNumberIn(0, IDLE_TIMEOUT_S_MAX, 'conns.idleTimeout').default(IDLE_TIMEOUT_S_DEFAULT)
})
export type ConnSettings = z.output<typeof connSettingsSchema>

export const paneConfigSchema = z.object({
  framing: framingSchema.default({ kind: 'raw' }),
  transforms: transformStepsSchema.default([]),
  autoReplies: z.array(autoReplySchema).max(64).default([]),
  /** The most one received message may decompress to, in MiB: past it the step stops and says so. */
  maxInflateMiB: maxInflateMibSchema.default(DEFAULT_INFLATE_MIB),
  connections: connSettingsSchema.default(connSettingsSchema.parse({}))
})
export type PaneConfigInput = z.input<typeof paneConfigSchema>
export type PaneConfig = z.output<typeof paneConfigSchema>
/** No framing, no transforms, no auto-replies: bytes pass as they are; the default connection limits. */
export const defaultPaneConfig: PaneConfig = paneConfigSchema.parse({})

const filePathSchema = z.string().trim().min(1, 'path is empty').max(4096)
const repeatSchema = z.object({ everyMs: z.number().int().min(1).max(3_600_000), times: z.number().int().min(0).max(10_000_000) })
export type Template = z.output<typeof templateSchema>

/** Where a send goes: one connection, every connection, or (a UDP pane) a host and port. */
export const sendTargetSchema = z.union([z.literal('all'), connIdSchema, z.object({ host: hostSchema, port: remotePortSchema })])
export type SendTarget = z.output<typeof sendTargetSchema>

export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tcpServer.listen'), paneId: paneIdSchema, host: hostSchema, port: portSchema }),
  z.object({
    type: z.literal('tcpClient.connect'),
    paneId: paneIdSchema,
    host: hostSchema,
    port: remotePortSchema,
    timeoutMs: z.number().int().min(100).max(120_000).default(5000)
  }),
  z.object({ type: z.literal('udp.bind'), paneId: paneIdSchema, host: hostSchema, port: portSchema }),
  // A send: to one connection of a TCP pane or to all of them (a client pane has at most
  // one), or, from a UDP pane, to a host and port. The payload is bytes as they are, or a
  // template the engine expands at each send (variables, escapes, encoding). With `repeat`,
  // the engine sends again every everyMs, `times` times in all (0: until send.stop),
  // reporting job.progress.
  z.object({
    type: z.literal('send'),
    paneId: paneIdSchema,
    target: sendTargetSchema,
    payload: z.union([bytesSchema, templateSchema], { error: 'bytes (Uint8Array) or a template { text, mode, encoding }' }),
    repeat: repeatSchema.optional()
  }),
  // A file (progress as job.progress). TCP: streamed raw with backpressure, or, when the pane
  // has framing or transforms, read whole (up to 16 MiB) and sent as one message through
  // them. UDP: datagrams of `datagramSize` bytes each (each through the transforms), paced
  // so the socket buffer is not overrun.
  z.object({
    type: z.literal('send.file'),
    paneId: paneIdSchema,
    target: sendTargetSchema,
    path: filePathSchema,
    datagramSize: z.number().int().min(1).max(65507, 'a UDP datagram holds at most 65507 bytes').default(1024)
  }),
  // A sequence: each step waits delayMs, then sends its template to the target, run as a
  // job (job.progress counts steps; send.stop stops it).
  z.object({
    type: z.literal('send.sequence'),
    paneId: paneIdSchema,
    target: sendTargetSchema,
    steps: z
      .array(z.object({ template: templateSchema, delayMs: z.number().int().min(0).max(600_000) }))
      .min(1)
      .max(1000)
  }),
  z.object({ type: z.literal('send.stop'), paneId: paneIdSchema, jobId: z.number().int().optional() }),
  // Framing, transforms and auto-replies of a pane; may come before the pane starts.
  z.object({ type: z.literal('pane.configure'), paneId: paneIdSchema, config: paneConfigSchema }),
  // Sessions: the recording (always on), saving it, opening a saved one or a capture.
  z.object({ type: z.literal('session.info') }),
  // The workspace the recording carries: written into it without keys (workspace-keys.ts).
  z.object({ type: z.literal('session.workspace'), workspace: z.unknown() }),
  // `workspace`: the one to write into this copy, keys included, when the person chose to
  // include them (the recording never holds keys); without it the copy has the recording's.
  z.object({ type: z.literal('session.save'), path: filePathSchema, workspace: z.unknown().optional() }),
  z.object({ type: z.literal('session.open'), path: filePathSchema }),
  z.object({ type: z.literal('session.recent') }),
  z.object({ type: z.literal('session.close'), sessionId: z.number().int() }),
  z.object({ type: z.literal('session.export'), sessionId: z.number().int(), flowId: z.number().int(), dir: filePathSchema }),
  // A page of an opened file's flows, in order (session.open lists the first FLOW_PAGE): from
  // `offset`, at most `limit`.
  z.object({
    type: z.literal('session.flows'),
    sessionId: z.number().int(),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(FLOW_PAGE)
  }),
  // An opened file saved as a clean copy at `path`: its whole blocks only (a recording a crash
  // cut in the middle of a block loses the partial one), and our session gets its closing
  // block, so Wireshark and tshark read the copy without an error.
  z.object({ type: z.literal('session.saveOpened'), sessionId: z.number().int(), path: filePathSchema }),
  // The workspace alone (panes, settings, snippets, rules) as JSON, for version control;
  // `workspace` as for session.save: given when the person chose to include the keys.
  z.object({ type: z.literal('session.exportWorkspace'), path: filePathSchema, workspace: z.unknown().optional() }),
  // Playback on screen: the flows of an opened session shown in read-only panes.
  z.object({
    type: z.literal('playback.start'),
    sessionId: z.number().int(),
    // recordedPane: the recorded pane (our sessions) whose own events (listening, errors) this
    // pane shows, even when it had no connection; without it, those of its flows' panes.
    panes: z.array(z.object({ paneId: paneIdSchema, flowIds: z.array(z.number().int()).max(10_000), recordedPane: paneIdSchema.optional() })).max(64)
  }),
  z.object({
    type: z.literal('playback.control'),
    sessionId: z.number().int(),
    action: z.enum(['play', 'pause', 'seek', 'speed']),
    /** seek: nanoseconds since the session's first record, as a decimal string (bigint). */
    offsetNs: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
    /** 0 = instant; 0.25 … 100. */
    speed: z.number().min(0).max(100).optional()
  }),
  // Replay against a live peer (TCP or UDP): re-send one side. side client: connect to the
  // live server at host:port and send the recorded client's bytes. side server: listen on
  // host:port (0 = a free port) and play the recorded server's bytes to the live client.
  // timing answer: each after the peer's previous answer (client) or matching request
  // (server) arrived; original: at the recorded times; scaled: recorded times / speed.
  z
    .object({
      type: z.literal('replay.resend'),
      sessionId: z.number().int(),
      flowId: z.number().int(),
      paneId: paneIdSchema,
      side: z.enum(['client', 'server']).default('client'),
      host: hostSchema,
      port: portSchema,
      timing: z.enum(['original', 'scaled', 'answer']).default('answer'),
      speed: z.number().min(0.01).max(100).default(1)
    })
    .refine((c) => c.side === 'server' || c.port >= 1, { message: "the live server's port is 1 to 65535", path: ['port'] }),
  // Stand in for the server: side server with timing answer, for every client that comes.
  z.object({
    type: z.literal('replay.standin'),
    sessionId: z.number().int(),
    flowId: z.number().int(),
    paneId: paneIdSchema,
    host: hostSchema,
    port: portSchema
  }),
  z.object({ type: z.literal('conn.end'), paneId: paneIdSchema, connId: connIdSchema }),
  z.object({ type: z.literal('conn.close'), paneId: paneIdSchema, connId: connIdSchema }),
  z.object({ type: z.literal('conn.reset'), paneId: paneIdSchema, connId: connIdSchema }),
  // Stops a pane, whatever its kind: a server stops listening and closes its connections, a
  // client closes its connection, a UDP socket is closed. The pane keeps its settings and
  // may start again.
  z.object({ type: z.literal('pane.stop'), paneId: paneIdSchema }),
  z.object({ type: z.literal('pane.close'), paneId: paneIdSchema })
])
export type CommandInput = z.input<typeof commandSchema>
export type Command = z.output<typeof commandSchema>
export type CommandType = Command['type']
export const commandTypes: readonly CommandType[] = commandSchema.options.map((o) => o.shape.type.value)
/** Each command by its type. */
export type CommandMap = { [T in CommandType]: Extract<Command, { type: T }> }
export type CommandInputOf<T extends CommandType> = Extract<CommandInput, { type: T }>

/** The renderer's acknowledgement of display bytes it has drawn (flow control): one-way, no answer. */
export const displayAckSchema = z.object({ paneId: paneIdSchema, bytes: z.number().int().min(0) })
export type DisplayAck = z.infer<typeof displayAckSchema>

/** Every failure the engine reports. Each has a message in the catalog (en, zh). */
export const errorCodes = [
  'ECONNREFUSED',
  'EADDRINUSE',
  'EACCES',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EAI_AGAIN',
  'EMSGSIZE',
  'EINVAL',
  'ENOENT',
  'EISDIR',
  'ENOSPC',
  'EROFS',
  'EIO',
  'BAD_COMMAND',
  'BAD_TEMPLATE',
  'BAD_FRAME',
  'BAD_SESSION',
  'NOT_RUNNING',
  'ALREADY_RUNNING',
  'NO_CONNECTION',
  'WRONG_PANE_KIND',
  'UNKNOWN'
] as const
export const errorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof errorCodeSchema>

/** A catalog message and its parameters: a reason in words, in whatever language the reader uses. */
export const messageRefSchema = z.object({
  key: z.custom<MessageKey>(isMessageKey, 'a message key of the catalog'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
})
export type { MessageRef } from './i18n'

export const paneErrorSchema = z.object({
  code: errorCodeSchema,
  /** What the engine was doing: listen, connect, bind, send, read, ... */
  op: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().optional(),
  connId: z.number().int().optional(),
  /** Why, in words of the catalog (a template's bad character, a file that is not a session...). */
  reason: messageRefSchema.optional(),
  /** The raw system message or validation issue, shown under the plain-language one. */
  detail: z.string().optional()
})
export type PaneError = z.infer<typeof paneErrorSchema>

export const recordingStateSchema = z.enum(['on', 'off', 'failed'])
export type RecordingState = z.infer<typeof recordingStateSchema>

/** What opening a session file tells the renderer (timestamps as decimal strings of ns). */
/** One flow of an opened file, as session.open and session.flows list it. */
export const flowSummarySchema = z.object({
  id: z.number().int(),
  proto: z.enum(['tcp', 'udp']),
  paneId: z.string().optional(),
  connId: z.number().int().optional(),
  local: endpointSchema,
  remote: endpointSchema,
  chunks: z.number().int(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  /** When the flow began (opened, or its first chunk) and last did something (ns, decimal strings): its duration. */
  firstNs: z.string(),
  lastNs: z.string()
})

export const sessionSummarySchema = z.object({
  sessionId: z.number().int(),
  kind: z.enum(['session', 'pcapng', 'pcap']),
  path: z.string(),
  workspace: z.unknown().optional(),
  /** The first FLOW_PAGE flows, in order; session.flows gives the others. */
  flows: z.array(flowSummarySchema).max(FLOW_PAGE),
  /** How many flows the file has in all. */
  flowCount: z.number().int(),
  /**
   * The recorded panes (our sessions; none for a capture), in the order they first appear:
   * each with the number of its lifecycle records. A pane that never had a connection (a
   * refused connect, a server nobody reached) is here though it has no flow. The first FLOW_PAGE.
   */
  panes: z.array(z.object({ paneId: z.string(), events: z.number().int() })).max(FLOW_PAGE),
  startNs: z.string(),
  endNs: z.string(),
  /** The file was cut (the app was killed mid-write): where, and what was lost, as a catalog message. (Lazy: messageRefSchema is defined below.) */
  truncated: z.lazy(() => messageRefSchema).optional(),
  /** A session without its end-of-session block (the app stopped before closing or saving it), as a catalog message. */
  interrupted: z.lazy(() => messageRefSchema).optional(),
  /** What the reader skipped or found odd (missing TCP bytes, fragments, unreadable blocks...), as catalog messages. */
  notes: z.array(z.lazy(() => messageRefSchema)).optional()
})
export type SessionSummary = z.infer<typeof sessionSummarySchema>
export type FlowSummary = z.infer<typeof flowSummarySchema>

const nothing = z.object({})
const jobStarted = z.object({ jobId: z.number().int(), total: z.number() })

/** What each command answers when it succeeds (tests check every answer against these). */
export const resultSchemas = {
  'tcpServer.listen': z.object({ local: endpointSchema }),
  'tcpClient.connect': z.object({ connId: z.number().int(), local: endpointSchema, remote: endpointSchema }),
  'udp.bind': z.object({ local: endpointSchema }),
  /** bytes: on the wire (after transforms and framing) per connection; connections: how many took it (UDP: 1). */
  send: z.object({ bytes: z.number(), connections: z.number().int(), jobId: z.number().int().optional() }),
  'send.file': jobStarted,
  'send.sequence': z.object({ jobId: z.number().int(), steps: z.number().int() }),
  'send.stop': z.object({ stopped: z.number().int() }),
  'pane.configure': nothing,
  /**
   * The running recording: on (at `path`, `bytes` so far), off (it could not start: `problem`
   * says why) or failed (it stopped: `problem` says why; what came before is at `path`). `dir`:
   * the session folder (where Save as suggests).
   */
  'session.info': z.object({
    recording: recordingStateSchema,
    path: z.string().optional(),
    dir: z.string().optional(),
    bytes: z.number(),
    problem: paneErrorSchema.optional()
  }),
  'session.workspace': nothing,
  /** `incomplete`: the recording had stopped (a write failed); the file holds what came before, without its closing block. */
  'session.save': z.object({ path: z.string(), bytes: z.number(), incomplete: paneErrorSchema.optional() }),
  'session.open': sessionSummarySchema,
  /** `recovered`: recordings an earlier run left behind when it crashed (see README, Sessions). */
  'session.recent': z.object({
    paths: z.array(z.string()),
    recovered: z.array(z.object({ path: z.string(), lastWriteMs: z.number(), bytes: z.number() }))
  }),
  'session.close': nothing,
  'session.export': z.object({ files: z.array(z.string()) }),
  'session.flows': z.object({ flows: z.array(flowSummarySchema), total: z.number().int() }),
  /** `dropped`: the bytes of a partial block left out at the end (0 when the file ended whole). */
  'session.saveOpened': z.object({ path: z.string(), bytes: z.number(), dropped: z.number() }),
  'session.exportWorkspace': z.object({ path: z.string() }),
  'playback.start': z.object({ startNs: z.string(), endNs: z.string() }),
  'playback.control': nothing,
  /** connId: side client over TCP; local: where the pane bound or listens (UDP, side server). */
  'replay.resend': z.object({ connId: z.number().int().optional(), local: endpointSchema.optional() }),
  'replay.standin': z.object({ local: endpointSchema }),
  'conn.end': nothing,
  'conn.close': nothing,
  'conn.reset': nothing,
  'pane.stop': nothing,
  'pane.close': nothing
} satisfies { [T in CommandType]: z.ZodType }
export type ResultMap = { [T in CommandType]: z.infer<(typeof resultSchemas)[T]> }

export type Response<T extends CommandType = CommandType> = { ok: true; result: ResultMap[T] } | { ok: false; error: PaneError }

export const paneStateSchema = z.enum(['idle', 'connecting', 'connected', 'listening', 'bound'])
export type PaneState = z.infer<typeof paneStateSchema>

export const messagePartSchema = z.object({
  /** 'wire', 'payload', or the step: 'crc32', 'gzip', 'aes-256-gcm', 'frame', ... */
  label: z.string(),
  op: z.enum(['wire', 'payload', 'frame', 'unframe', 'append', 'verify', 'compress', 'decompress', 'encrypt', 'decrypt']),
  ok: z.boolean(),
  len: z.number().int().min(0),
  /** What the step found (checksum ok, with the bytes) or why it failed, in words of the catalog. */
  reason: messageRefSchema.optional()
})
export type MessagePart = z.infer<typeof messagePartSchema>

/** One read or one write, in order. `len` bytes of the event's `data`, in record order. */
export const trafficRecordSchema = z.object({
  connId: z.number().int(),
  dir: z.enum(['in', 'out']),
  /** Microseconds since the Unix epoch. */
  tUs: z.number(),
  len: z.number().int().min(0),
  /** UDP: the datagram's sender (in) or destination (out). */
  peer: endpointSchema.optional(),
  /**
   * With framing or transforms on, a record is a message shown in parts, top to bottom
   * (incoming: wire, then each undoing step, then payload; outgoing: payload, each step,
   * wire). The record's bytes are the parts' bytes in that order; `len` is their sum.
   */
  parts: z.array(messagePartSchema).optional(),
  /** False when a step failed (checksum mismatch, wrong key, bad frame). */
  ok: z.boolean().optional(),
  /**
   * A record larger than the screen's batch (SCREEN_BATCH_BYTES) comes in pieces, one after the
   * other: this one holds bytes [at, at + len) of a record `of` bytes long. `parts`, `ok`, `tUs`
   * are the whole record's; the screen shows the pieces as one message (src/shared/record-pieces.ts).
   */
  piece: z.object({ at: z.number().int().min(0), of: z.number().int().min(0) }).optional()
})
export type TrafficRecord = z.infer<typeof trafficRecordSchema>

export const connStatsSchema = z.object({
  connId: z.number().int(),
  bytesIn: z.number(),
  bytesOut: z.number()
})

export const eventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('pane.state'),
    paneId: z.string(),
    state: paneStateSchema,
    local: endpointSchema.optional(),
    remote: endpointSchema.optional(),
    /** When it happened, given by playback (a recorded state); live states are shown at arrival. */
    tUs: z.number().optional()
  }),
  z.object({
    type: z.literal('conn.open'),
    paneId: z.string(),
    connId: z.number().int(),
    local: endpointSchema,
    remote: endpointSchema,
    /** Who connected: this pane (a client) or the peer (accepted by a server). */
    initiator: z.enum(['local', 'remote']),
    tUs: z.number()
  }),
  z.object({
    type: z.literal('conn.halfClosed'),
    paneId: z.string(),
    connId: z.number().int(),
    by: z.enum(['peer', 'local']),
    tUs: z.number()
  }),
  z.object({
    type: z.literal('conn.closed'),
    paneId: z.string(),
    connId: z.number().int(),
    how: z.enum(['close', 'reset', 'error']),
    /** A reset or error: which side aborted (a reset by the peer: it sent RST; local: this pane did). */
    by: z.enum(['local', 'peer']).optional(),
    /** Bytes read, and bytes the socket accepted for sending (a refused write is not counted). */
    bytesIn: z.number(),
    bytesOut: z.number(),
    tUs: z.number()
  }),
  z.object({ type: z.literal('conn.stats'), paneId: z.string(), stats: z.array(connStatsSchema) }),
  z.object({
    type: z.literal('data'),
    paneId: z.string(),
    records: z.array(trafficRecordSchema),
    data: bytesSchema
  }),
  // The display fell behind: this many bytes (in this many records) were not sent to the
  // screen. The socket kept flowing and the recording has them all.
  z.object({ type: z.literal('display.skipped'), paneId: z.string(), bytes: z.number(), records: z.number() }),
  /** `tUs`: when it happened, given by playback (a recorded error); live errors are shown at arrival. */
  z.object({ type: z.literal('error'), paneId: z.string(), error: paneErrorSchema, tUs: z.number().optional() }),
  z.object({
    type: z.literal('playback.position'),
    sessionId: z.number().int(),
    /** ns since the session's first record, as a decimal string. */
    offsetNs: z.string(),
    playing: z.boolean(),
    speed: z.number()
  }),
  // Something the pane's log should say that is neither traffic nor an error: framing
  // reconfigured mid-frame, a limit reached... in words of the catalog.
  z.object({
    type: z.literal('pane.note'),
    paneId: z.string(),
    level: z.enum(['info', 'warn']),
    message: messageRefSchema,
    tUs: z.number()
  }),
  // The running recording stopped (a write failed: the disk is full...) or could not start.
  z.object({ type: z.literal('session.recording'), recording: recordingStateSchema, problem: paneErrorSchema.optional() }),
  // A file being opened (session.open): how far the reading of its index has come, `bytes` of
  // `total` (the file's size), every ~200 ms while it lasts (none for a file that opens
  // faster). Its sessionId is the one the open will answer with; session.close with it stops
  // the opening (the open then fails with NOT_RUNNING).
  z.object({ type: z.literal('session.opening'), sessionId: z.number().int(), path: z.string(), bytes: z.number(), total: z.number() }),
  // A pane's view must start over (playback seeked backwards).
  z.object({ type: z.literal('pane.cleared'), paneId: z.string() }),
  // Replay: how the live answer (side client) or the live request (side server) compares
  // with the recorded one, exchange by exchange; over UDP, datagram by datagram.
  z.object({
    type: z.literal('replay.diff'),
    paneId: z.string(),
    exchange: z.number().int(),
    /** UDP: which datagram of the exchange (1-based). */
    datagram: z.number().int().optional(),
    /** What was compared; absent: the answer. */
    compared: z.enum(['answer', 'request']).optional(),
    same: z.boolean(),
    expectedLen: z.number().int(),
    actualLen: z.number().int(),
    /** First differing offset, or -1. */
    firstDiff: z.number().int(),
    expected: bytesSchema,
    actual: bytesSchema.optional()
  }),
  // differing counts the exchanges that differ, and those never reached when the peer closed
  // early (closedEarly: after how many exchanges, and whether it closed or reset).
  z.object({
    type: z.literal('replay.done'),
    paneId: z.string(),
    exchanges: z.number().int(),
    differing: z.number().int(),
    compared: z.enum(['answer', 'request']).optional(),
    closedEarly: z.object({ after: z.number().int(), how: z.enum(['close', 'reset', 'error']) }).optional(),
    error: paneErrorSchema.optional()
  }),
  // A repeat, a file send or a sequence: how far it got (sends, bytes, steps). `total` is
  // unknown (0) for endless repeats.
  z.object({
    type: z.literal('job.progress'),
    paneId: z.string(),
    jobId: z.number().int(),
    kind: z.enum(['repeat', 'file', 'sequence']),
    done: z.number(),
    total: z.number(),
    finished: z.boolean(),
    error: paneErrorSchema.optional()
  })
])
export type EngineEvent = z.infer<typeof eventSchema>
/** An event about one pane. */
export type PaneEvent = Extract<EngineEvent, { paneId: string }>

/** What the renderer gets as `window.api`, from the preload or from the web host client. */
export interface NetApi {
  command<T extends CommandType>(cmd: CommandInputOf<T>): Promise<Response<T>>
  /** One-way: the screen drew this many display bytes of a pane (flow control). */
  ack(ack: DisplayAck): void
  onEvent(listener: (event: EngineEvent) => void): () => void
}
