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
 * with the reason (a catalog message) where the message has room for one, or after it. Without
 * a reason, the raw detail fills that room.
 */
export function errorMessage(lang: Lang, error: PaneError): string {
  // A code can mean different things for different operations (EACCES on listen: a privileged
  // port; on send: a broadcast address): `err.CODE.op` overrides `err.CODE` where it exists.
  const specific = `err.${error.code}.${error.op ?? ''}`
  const key = (specific in en ? specific : `err.${error.code}`) as MessageKey
  const why = error.reason ? translateRef(lang, error.reason) : (error.detail ?? '')
  const text = translate(lang, key, { target: formatTarget(error.host, error.port), host: error.host ?? '', detail: why })
  return error.reason && !(catalogs[lang][key] ?? en[key]).includes('{detail}') ? `${text} ${why}` : text
}
