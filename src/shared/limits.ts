// Every limit that guards the app against hostile peers, files and pages, in one place: its
// default, and (in the comment) where a person changes it. The README's "Limits" section lists
// the same. Each section below belongs to one kind of attack.

/** The most bytes one send may expand to (a template with {{random:N}} × N, a file, a sequence step). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

// Decompression bombs: a small compressed message that would inflate to gigabytes.
/**
 * The most one message may decompress to, by default, in MiB (deflate, gzip, brotli, LZW
 * steps of a pane's transforms). A person changes it per pane in the pane's settings
 * (Framing, transforms, auto-replies › Transforms › "Largest decompressed message, MiB"); it
 * is saved with the workspace, and a workspace saved before it existed loads with this default.
 */
export const DEFAULT_INFLATE_MIB = 4
/** The setting's range: at least 1 MiB, at most 64 MiB (the ceiling before it was a setting). */
export const MIN_INFLATE_MIB = 1
export const MAX_INFLATE_MIB = 64
/**
 * Messages of one pane waiting to be decompressed (off the main thread, one after another)
 * before its TCP connections stop reading until they are done; a UDP datagram that finds the
 * queue this full is shown undecoded, with the reason. Not a setting.
 */
export const MAX_INFLATE_QUEUE = 16

// Peers that connect and stay (half-closed or idle): a TCP server pane's connections.

/** How many connections a TCP server pane holds at once; the next ones are refused (reset) and counted. Pane settings › Connections › "Connection limit". */
export const CONN_LIMIT_DEFAULT = 256
/** The highest connection limit a pane may be given (the settings field and the workspace file refuse more). */
export const CONN_LIMIT_MAX = 100_000
/** Close a connection as soon as its peer half-closes (sends FIN). Off: a playground keeps it, the person may still answer. Pane settings › Connections › "Close when the peer half-closes". */
export const CLOSE_ON_HALF_CLOSE_DEFAULT = false
/** Close a connection with no bytes either way for this many seconds; 0: never. Pane settings › Connections › "Idle timeout (s)". */
export const IDLE_TIMEOUT_S_DEFAULT = 0
/** The longest idle timeout a pane may be given (one day). */
export const IDLE_TIMEOUT_S_MAX = 86_400
/**
 * File descriptors every server pane leaves free in the process: a connection accepted when
 * fewer are left is refused (reset) and counted, so Save, Open and a new tab of the web host
 * still work. Not a setting: raise the process's limit (ulimit -n) to hold more connections.
 */
export const DESCRIPTOR_RESERVE = 64
/** Refusals and closes of a burst are said in one pane note once the burst has been quiet this long (ms)... */
export const BURST_NOTE_QUIET_MS = 300
/** ...or, while it goes on, once this long (ms) after its first one. */
export const BURST_NOTE_MAX_WAIT_MS = 5000
