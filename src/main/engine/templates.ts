// A pane's templates expanded at each send: variables ({{seq}} counts the pane's sends),
// escapes, the encoding. A template that does not expand fails with BAD_TEMPLATE and its
// reason in words of the catalog (the same words the input line uses where it was typed).
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import type { MessageRef, Template } from '../../shared/contract'
import { composeMessage } from '../../shared/compose'
import { formatBytes } from '../../shared/bytes'
import { isMessageKey } from '../../shared/i18n'
import { failWith } from './errors'
import { MAX_MESSAGE_BYTES } from '../../shared/limits'

/** Why a {{file:…}} could not be read. */
class FileProblem extends Error {
  constructor(readonly why: (pos: number) => MessageRef) {
    super('file problem')
  }
}

function readTemplateFile(path: string): Uint8Array {
  let size: number
  try {
    // A regular file, and not a huge one: {{file:/dev/zero}} must not hang the engine.
    const st = statSync(path)
    if (!st.isFile()) throw new FileProblem((pos) => ({ key: 'parse.fileNotRegular', params: { path, pos } }))
    size = st.size
  } catch (err) {
    if (err instanceof FileProblem) throw err
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new FileProblem((pos) => ({ key: 'parse.fileUnreadable', params: { path, pos, code } }))
  }
  if (size > MAX_MESSAGE_BYTES) {
    throw new FileProblem((pos) => ({ key: 'parse.fileTooLarge', params: { path, pos, size: formatBytes(size), max: formatBytes(MAX_MESSAGE_BYTES) } }))
  }
  try {
    return new Uint8Array(readFileSync(path))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new FileProblem((pos) => ({ key: 'parse.fileUnreadable', params: { path, pos, code } }))
  }
}

export class Templates {
  private seq = 0

  /** The bytes of one send of `t`. */
  expand(t: Template): Uint8Array {
    let problem: FileProblem | undefined
    const r = composeMessage(t.text, t.mode, t.encoding, {
      seq: ++this.seq,
      now: new Date(),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      readFile: (path) => {
        try {
          return readTemplateFile(path)
        } catch (err) {
          problem = err instanceof FileProblem ? err : undefined
          throw err
        }
      }
    })
    if (r.ok) return r.bytes
    const pos = r.index + 1
    const key = `parse.${r.reason}`
    const reason: MessageRef = problem
      ? problem.why(pos)
      : isMessageKey(key)
        ? { key, params: { pos, char: r.char ?? '' } }
        : { key: 'parse.badVariable', params: { pos } }
    return failWith('BAD_TEMPLATE', reason)
  }
}
