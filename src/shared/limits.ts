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

// --- A peer's bytes against a user's regex (auto-reply rules) ---
// Regexes run on RE2 (re2js, linear time): no backtracking, so `^(a+)+$` cannot be made to
// run for seconds. These two bound the linear work of one match, so that the app keeps
// answering between two messages of a peer that sends nothing but worst cases.

/**
 * The most work one regex match may do on one message, in characters × RE2 program
 * instructions (× 2 and a little more per capture group when the reply uses $1..$9, plus
 * instructions × groups to set up). Measured on the 2-core test machine, the worst patterns
 * at this limit took up to ~110 ms for their first match, most under 50 ms. A decoded message
 * has at most as many characters as bytes, so the limit is said in bytes: `^(a+)+$`
 * (9 instructions) takes messages up to 44 444 bytes, 21 548 when the reply uses $1. A longer
 * message is not matched by that rule (the rules after it still are), and the pane says so
 * once, until the rule takes a message again. Fixed, not a setting: frame long messages into
 * shorter ones (pane settings, Framing), or match them with contains / starts with / hex,
 * which have no such limit.
 */
export const REGEX_WORK_PER_MESSAGE = 400_000

/**
 * The most instructions a user's regex may compile to (RE2 program size; `a{1000}` is about
 * 1000, `^HELLO (\w+)` 13). Compiling, and each character of each match, cost in proportion to
 * it: a pattern over it is refused where it was typed (pane settings, Auto-replies). Fixed.
 */
export const REGEX_MAX_INSTRUCTIONS = 2_000

/**
 * The most steps a hex auto-reply pattern with ?? wildcards may take on one message, in
 * message bytes × pattern bytes (such a pattern is searched position by position, about 4 ns a
 * step on the test machine, so ~40 ms at most): `02 ?? 03` takes messages up to 3.3 MB. A longer
 * message is skipped by that rule with the same pane note as a regex's. Patterns without ?? and
 * text rules (contains, starts with, exactly) use a native search and have no such limit. Fixed.
 */
export const HEX_WILDCARD_WORK_PER_MESSAGE = 10_000_000

// The screen (a flood of bytes toward the page).

/**
 * The largest batch of traffic the engine sends the screen at once, and so the largest record:
 * a bigger one (a 16 MiB send, a 20 MiB frame, a huge recorded chunk) goes in pieces of at most
 * this many bytes, drawn as one message (src/shared/record-pieces.ts). With its small header it
 * bounds every data frame to the page (IPC message or web host WebSocket frame). Not a setting:
 * a person never needs to change it (the engine's display options take another for tests).
 */
export const SCREEN_BATCH_BYTES = 256 * 1024

// ---- hostile session files (issue 10, item 5) ----

/**
 * The most flows a session.open answer lists (the first ones, in order); the rest are fetched
 * a page at a time with session.flows, whose `limit` is capped the same. Fixed.
 */
export const FLOW_PAGE = 1000

/**
 * The most text one record of a session file (a workspace, a lifecycle event) may hold: a
 * larger one is skipped with a note and the rest of the file opens. Fixed (our own writer
 * never writes a workspace this large: the app's panes fit in a few KiB).
 */
export const MAX_RECORD_JSON = 8 * 1024 * 1024

/** The deepest nesting of arrays and objects a record of a session file may have (a workspace needs 6). Fixed. */
export const MAX_RECORD_DEPTH = 64

// The web host's HTTP connections.

/**
 * A connection to the web host that is not a page's WebSocket and moves no byte for this long
 * is closed (one that sent nothing was held forever: a local process could open a thousand
 * and lock new tabs out). Not a setting.
 */
export const WEB_IDLE_MS = 10_000
