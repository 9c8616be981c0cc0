// Every limit that guards the app against hostile peers, files and pages, in one place: its
// default, and (in the comment) where a person changes it. The README's "Limits" section lists
// the same. Each section below belongs to one kind of attack.

/** The most bytes one send may expand to (a template with {{random:N}} × N, a file, a sequence step). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

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
