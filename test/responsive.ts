// The host keeps answering while it is attacked. A test starts an attack (a peer's catastrophic
// regex input, decompression bombs, thousands of half-closed connections, a hostile file), then
// sends a valid command and checks that its answer came back while the attack was still going
// (the attack's own work not yet done, its limit not yet reported) and again once it is over.
// Asserting the order, not a time, keeps the test true on a slow machine: a host blocked by the
// attack answers only after it. How long the answer took is printed, and `npm run bench`
// measures it beside an idle host's answer.
import { performance } from 'node:perf_hooks'
import { expect } from 'vitest'
import { bounded } from './peers'

export interface Answer {
  ms: number
  /** Whether the attack was still going when the answer came back. */
  during: boolean
}

/** Sends one valid command (`ask`) and notes how long its answer took and whether `going()` still held then. */
export async function answer(what: string, ask: () => Promise<unknown>, going: () => boolean = () => false): Promise<Answer> {
  const t0 = performance.now()
  await bounded(Promise.resolve(ask()), `${what}: the host to answer a valid command`, 10_000)
  const ms = performance.now() - t0
  const during = going()
  console.info(`responsive: ${what}: a valid command answered in ${ms.toFixed(1)} ms${during ? ', the attack still going' : ''}`)
  return { ms, during }
}

/** The host answers `ask` while `going()` still holds (the attack is not over). */
export async function expectAnswersDuring(what: string, ask: () => Promise<unknown>, going: () => boolean): Promise<Answer> {
  expect(going(), `${what}: the attack is going when the valid command is sent`).toBe(true)
  const a = await answer(`${what} (during)`, ask, going)
  expect(a.during, `${what}: the answer came back only once the attack was over`).toBe(true)
  return a
}

/** The host answers `ask` once the attack is over. */
export function expectAnswersAfter(what: string, ask: () => Promise<unknown>): Promise<Answer> {
  return answer(`${what} (after)`, ask)
}
