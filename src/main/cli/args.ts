// What every command of the command line shares: reading its arguments, its exit codes, and
// saying why it stops.

/** The command line's exit codes (README: "Replay against a live peer", "Headless runner"), said in its usage. */
export const EXIT = {
  /** Done: the replay went as recorded (or ran without --check), the runner stopped cleanly. */
  ok: 0,
  /** replay --check: the live peer did not answer as recorded. run: a pane did not start, or a sequence did not run. */
  failed: 1,
  /** Bad usage, or a file that cannot be read. */
  usage: 2,
  /** replay: the live peer could not be reached (refused, timed out, unreachable), or --side server could not listen on --target. */
  unreachable: 3
} as const

export interface Args {
  _: string[]
  [flag: string]: string | boolean | string[]
}

/** `--flag value` and `--flag`; flags in `booleans` never take a value (`--check file.pcapng` keeps the file). */
export function parseArgs(argv: string[], booleans: ReadonlySet<string>): Args {
  const out: Args = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const next = argv[i + 1]
      if (!booleans.has(a.slice(2)) && next !== undefined && !next.startsWith('--')) {
        out[a.slice(2)] = next
        i++
      } else out[a.slice(2)] = true
    } else out._.push(a)
  }
  return out
}

/** host:port, [v6]:port or :port (127.0.0.1). */
export function splitTarget(t: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(t)
  if (!m) return undefined
  const port = Number(m[2])
  return port >= 0 && port <= 65535 ? { host: m[1] || '127.0.0.1', port } : undefined
}

/** Says why on stderr and exits (bad usage, unless told). */
export function fail(msg: string, code: number = EXIT.usage): never {
  console.error(msg)
  process.exit(code)
}
