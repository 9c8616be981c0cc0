// How many file descriptors the process has left, so that a flood of connections cannot take
// the last ones Save, Open and a new tab of the web host need. Linux tells through /proc (the
// soft RLIMIT_NOFILE in /proc/self/limits, the open ones in /proc/self/fd); elsewhere it is
// unknown and no reserve is kept. Counting the open ones reads a directory as long as they are
// many (10 to 40 ms for 10,000 here), so it is done at most every NEAR_RECOUNT_MS when few are
// left and every FAR_RECOUNT_MS otherwise; in between, each descriptor taken is added.
import { readFileSync, readdirSync } from 'node:fs'

const NEAR_RECOUNT_MS = 200
const FAR_RECOUNT_MS = 2000
/** Fewer left than this: count often. */
const NEAR = 1024

let countedAt = -Infinity
let left: number | undefined
let takenSince = 0

/** The soft limit on open files, from /proc/self/limits (undefined: not Linux, or unlimited). */
function softLimit(): number | undefined {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
  return m ? Number(m[1]) : undefined
}

function recount(): void {
  countedAt = performance.now()
  takenSince = 0
  try {
    const max = softLimit()
    // The directory read holds one descriptor of its own while it lists them.
    left = max === undefined ? undefined : max - (readdirSync('/proc/self/fd').length - 1)
  } catch (err) {
    // Out of descriptors to even look: none left. No /proc: unknown.
    left = (err as NodeJS.ErrnoException).code === 'EMFILE' || (err as NodeJS.ErrnoException).code === 'ENFILE' ? 0 : undefined
  }
}

/** Descriptors the process may still open (undefined: unknown here). Closes since the last count are not seen until the next one: it errs low. */
export function descriptorsLeft(): number | undefined {
  const since = performance.now() - countedAt
  const near = left !== undefined && left - takenSince < NEAR
  if (since >= FAR_RECOUNT_MS || (near && since >= NEAR_RECOUNT_MS)) recount()
  return left === undefined ? undefined : left - takenSince
}

/** One more descriptor is held (a connection was accepted). */
export function tookDescriptor(): void {
  takenSince++
}
