// Why a transform step failed, as a message of the catalog: the cipher, LZW and the pipeline
// throw this, and the stage that failed carries its reason for the screen to put in words.
import { translateRef, type MessageRef } from '../../../shared/i18n'

export class TransformError extends Error {
  /** The message is the English sentence, for logs and stack traces; the screen uses `reason`. */
  constructor(readonly reason: MessageRef) {
    super(translateRef('en', reason))
    this.name = 'TransformError'
  }
}

/** The reason of anything a step threw: a TransformError's own, else the raw text in a catalog sentence. */
export function reasonOf(err: unknown): MessageRef {
  if (err instanceof TransformError) return err.reason
  return { key: 'why.transform.error', params: { detail: err instanceof Error ? err.message : String(err) } }
}
