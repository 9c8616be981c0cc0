import { en, type MessageKey } from './en'
import { zh } from './zh'
import type { PaneError } from '../contract'

export type { MessageKey }
export type Lang = 'en' | 'zh'
export const languages: readonly Lang[] = ['en', 'zh']
const catalogs: Record<Lang, Record<MessageKey, string>> = { en, zh }

export type Params = Record<string, string | number>

/** A message of the catalog with its parameters: how the engine says a reason without choosing a language. */
export interface MessageRef {
  key: MessageKey
  params?: Params
}

export function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(en, key)
}

export function translateRef(lang: Lang, ref: MessageRef): string {
  return translate(lang, ref.key, ref.params)
}

export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const template = catalogs[lang][key] ?? en[key]
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

/** host:port with IPv6 in brackets, as people type it. */
export function formatTarget(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return port === undefined ? '' : `port ${port}`
  const h = host.includes(':') ? `[${host}]` : host
  return port === undefined ? h : `${h}:${port}`
}

/**
 * The plain-language message for an engine error, in the chosen language: what the code means,
 * then the reason (a catalog message), if any. The raw system text (`detail`) fills the code's
 * `{detail}` slot where it has one; a reason takes that slot when there is no raw text (a
 * BAD_FRAME with its reason reads "Cannot frame the message: <reason>"), else follows the sentence.
 */
export function errorMessage(lang: Lang, error: PaneError): string {
  const key = codeKey(error)
  const reason = error.reason ? translateRef(lang, error.reason) : undefined
  if (reason !== undefined && error.detail === undefined && en[key].includes('{detail}')) return codeMessage(lang, key, error, reason)
  const main = codeMessage(lang, key, error, error.detail ?? '')
  return reason !== undefined ? `${main} ${reason}` : main
}

// A code can mean different things for different operations (EACCES on listen: a privileged
// port; on send: a broadcast address): `err.CODE.op` overrides `err.CODE` where it exists.
function codeKey(error: PaneError): MessageKey {
  const specific = `err.${error.code}.${error.op ?? ''}`
  return (specific in en ? specific : `err.${error.code}`) as MessageKey
}

function codeMessage(lang: Lang, key: MessageKey, error: PaneError, detail: string): string {
  return translate(lang, key, {
    target: formatTarget(error.host, error.port),
    host: error.host ?? '',
    detail
  })
}
