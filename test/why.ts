// Test helper: the reasons the message path gives (framing, checksums, compression, ciphers)
// are catalog messages with parameters; these put one in words in both languages and check
// that both catalogs can say it whole.
import { expect } from 'vitest'
import { messageRefSchema } from '../src/shared/contract'
import { translateRef, type MessageRef } from '../src/shared/i18n'
import { zh } from '../src/shared/i18n/zh'

/** What a failing call threw, as the `reason` the error carries; fails the test if it did not throw. */
export function thrownReason(fn: () => unknown): MessageRef | undefined {
  try {
    fn()
  } catch (err) {
    return (err as { reason?: MessageRef } | undefined)?.reason
  }
  throw new Error('expected the call to throw')
}

/** A reason as an English and a Chinese reader see it. */
export function inWords(ref: MessageRef): { en: string; zh: string } {
  return { en: translateRef('en', ref), zh: translateRef('zh', ref) }
}

/** Asserts a reason's key and parameters, and the sentence it makes in each language. */
export function expectReason(x: unknown, ref: MessageRef, words: { en: string; zh: string }): void {
  expect(x).toEqual(ref)
  expect(inWords(ref)).toEqual(words)
}

/**
 * Asserts that `x` is a reason of the catalog: a MessageRef the contract takes, whose key both
 * catalogs have, with no `{param}` left unfilled in either language, the Chinese in Chinese.
 */
export function expectCatalogReason(x: unknown, what: string): asserts x is MessageRef {
  expect(messageRefSchema.safeParse(x).success, `${what}: ${JSON.stringify(x)} is a MessageRef of the catalog`).toBe(true)
  const ref = x as MessageRef
  expect(Object.hasOwn(zh, ref.key), `${what}: zh.ts has ${ref.key}`).toBe(true)
  const words = inWords(ref)
  expect(words.en, `${what}: every parameter filled in English`).not.toMatch(/\{\w+\}/)
  expect(words.zh, `${what}: every parameter filled in Chinese`).not.toMatch(/\{\w+\}/)
  expect(words.zh, `${what}: the Chinese is Chinese`).toMatch(/[\u4e00-\u9fff]/)
}
