// Every limit that guards the app against hostile peers, files and pages, in one place: its
// default, and (in the comment) where a person changes it. The README's "Limits" section lists
// the same. Each section below belongs to one kind of attack.

/** The most bytes one send may expand to (a template with {{random:N}} × N, a file, a sequence step). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024
