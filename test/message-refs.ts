// What the session reader says is catalog messages (MessageRef): these helpers check that a
// message is one of the catalog, in both languages, with every parameter its texts use, and
// give its English text to tests that look for words.
import { translateRef, type MessageRef } from '../src/shared/i18n'
import { en } from '../src/shared/i18n/en'
import { zh } from '../src/shared/i18n/zh'
import type { SessionIndex } from '../src/main/session/reader'

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)

/** Throws unless `ref` is a catalog message with its parameters: a key of both catalogs (a Chinese text of its own), each placeholder given. */
export function checkRef(ref: unknown): MessageRef {
  const r = ref as MessageRef
  if (!r || typeof r !== 'object' || typeof r.key !== 'string') throw new Error(`not a message reference: ${JSON.stringify(ref)}`)
  const enText = (en as Record<string, string>)[r.key]
  const zhText = (zh as Record<string, string>)[r.key]
  if (enText === undefined || zhText === undefined) throw new Error(`${r.key} is not a key of both catalogs`)
  if (zhText === enText || !/[\u4e00-\u9fff]/.test(zhText)) throw new Error(`${r.key} has no Chinese text`)
  for (const p of r.params === undefined ? [] : Object.values(r.params)) {
    if (typeof p !== 'string' && typeof p !== 'number') throw new Error(`${r.key}: a parameter is neither text nor a number: ${JSON.stringify(r.params)}`)
  }
  for (const name of new Set([...placeholders(enText), ...placeholders(zhText)])) {
    if (r.params?.[name] === undefined) throw new Error(`${r.key} needs the parameter {${name}}: ${JSON.stringify(r.params)}`)
  }
  return r
}

/** Every message of an index (truncated, interrupted, notes), each checked. */
export function indexRefs(ix: SessionIndex): MessageRef[] {
  const refs = [ix.truncated?.reason, ix.interrupted, ...(ix.notes ?? [])].filter((r) => r !== undefined)
  return refs.map(checkRef)
}

/** The English text of a message (checked), or undefined. */
export function english(ref: unknown): string | undefined {
  return ref === undefined ? undefined : translateRef('en', checkRef(ref))
}
