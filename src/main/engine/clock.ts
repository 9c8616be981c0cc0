// Wall-clock microseconds since the Unix epoch, monotonic within a run.
const originUs = Date.now() * 1000
const startNs = process.hrtime.bigint()

export function nowUs(): number {
  return originUs + Number((process.hrtime.bigint() - startNs) / 1000n)
}
