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
