// Every limit that guards the app against hostile peers, files and pages, in one place: its
// default, and (in the comment) where a person changes it. The README's "Limits" section lists
// the same. Each section below belongs to one kind of attack.

/** The most bytes one send may expand to (a template with {{random:N}} × N, a file, a sequence step). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

// The screen (a flood of bytes toward the page).

/**
 * The largest batch of traffic the engine sends the screen at once, and so the largest record:
 * a bigger one (a 16 MiB send, a 20 MiB frame, a huge recorded chunk) goes in pieces of at most
 * this many bytes, drawn as one message (src/shared/record-pieces.ts). With its small header it
 * bounds every data frame to the page (IPC message or web host WebSocket frame). Not a setting:
 * a person never needs to change it (the engine's display options take another for tests).
 */
export const SCREEN_BATCH_BYTES = 256 * 1024
