// Every limit that guards the app against hostile peers, files and pages, in one place: its
// default, and (in the comment) where a person changes it. The README's "Limits" section lists
// the same. Each section below belongs to one kind of attack.

/** The most bytes one send may expand to (a template with {{random:N}} × N, a file, a sequence step). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

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
