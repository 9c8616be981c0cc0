import type { MessageKey, Params } from '../../../shared/i18n'

export interface FieldError {
  key: MessageKey
  params: Params
}

export function parsePort(text: string, min: 0 | 1): { port: number } | { error: FieldError } {
  const t = text.trim()
  const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN
  if (!Number.isInteger(n) || n < min || n > 65535) return { error: { key: 'input.badPort', params: { min } } }
  return { port: n }
}

export function checkHost(text: string): FieldError | undefined {
  return text.trim() === '' || /\s/.test(text.trim()) ? { key: 'input.badHost', params: {} } : undefined
}
