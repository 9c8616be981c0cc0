// Wall-clock time since the Unix epoch, monotonic within a run: nanoseconds for the
// recording, microseconds for the screen. Both come from one origin, so they agree.
const originNs = BigInt(Date.now()) * 1_000_000n
const startNs = process.hrtime.bigint()

export function nowNs(): bigint {
  return originNs + (process.hrtime.bigint() - startNs)
}

export function nowUs(): number {
  return Number(nowNs() / 1000n)
}

export const usToNs = (us: number): bigint => BigInt(Math.round(us)) * 1000n
