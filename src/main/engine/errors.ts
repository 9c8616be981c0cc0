// Turning whatever went wrong into a PaneError: a code the catalog explains in plain words.
import { errorCodes, type ErrorCode, type MessageRef, type PaneError } from '../../shared/contract'

const known = new Set<string>(errorCodes)

/** A failure the engine raises itself (bad state, bad input): carries its PaneError. */
export class EngineError extends Error {
  constructor(readonly paneError: PaneError) {
    super(paneError.detail ?? paneError.reason?.key ?? paneError.code)
  }
}

export function fail(code: ErrorCode, detail?: string, extra: Partial<PaneError> = {}): never {
  throw new EngineError({ code, ...(detail === undefined ? {} : { detail }), ...extra })
}

/** Fails with a reason in words of the catalog (and no English detail). */
export function failWith(code: ErrorCode, reason: MessageRef, extra: Partial<PaneError> = {}): never {
  throw new EngineError({ code, reason, ...extra })
}

export interface ErrorContext {
  op?: string
  host?: string
  port?: number
  connId?: number
}

export function toPaneError(err: unknown, ctx: ErrorContext = {}): PaneError {
  if (err instanceof EngineError) return { ...ctx, ...err.paneError }
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }
  const raw = typeof e?.code === 'string' ? e.code : undefined
  const code: ErrorCode = raw && known.has(raw) ? (raw as ErrorCode) : raw === 'ERR_SOCKET_DGRAM_NOT_RUNNING' ? 'NOT_RUNNING' : 'UNKNOWN'
  const detail = e instanceof Error ? e.message : String(err)
  return {
    code,
    op: ctx.op ?? e?.syscall,
    host: ctx.host ?? e?.hostname ?? e?.address,
    port: ctx.port ?? e?.port,
    ...(ctx.connId !== undefined ? { connId: ctx.connId } : {}),
    detail
  }
}
