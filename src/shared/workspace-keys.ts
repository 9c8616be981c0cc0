// Keys in a written-down workspace. A session file is something people mail, so the AES keys and
// passphrases of its encrypt steps are left out unless the person chose to include them: each
// such step keeps everything else and says which field its key was in (`keyOmitted`), so the
// restored pane asks for it instead of failing as if it had never had one.
//
// Works on the workspace as it travels (the renderer's document, or whatever a command brought),
// changing nothing but those fields: fields this version does not know stay as they were.
import { keyFields, type CipherAlgo, type KeyField } from './transform-spec'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Which key field an encrypt step fills (as readKeyMaterial reads them: blank is absent), or undefined. */
function keyFieldOf(step: Json): KeyField | undefined {
  if (typeof step['passphrase'] === 'string' && step['passphrase'] !== '') return 'passphrase'
  if (typeof step['keyHex'] === 'string' && step['keyHex'].trim() !== '') return 'keyHex'
  return undefined
}

function encryptSteps(pane: unknown): Json[] {
  const transforms = isObject(pane) && isObject(pane['config']) ? pane['config']['transforms'] : undefined
  return Array.isArray(transforms) ? transforms.filter((s): s is Json => isObject(s) && s['kind'] === 'encrypt') : []
}

/** The panes of a workspace, or of the older storage format (a bare list). */
function panesOf(workspace: unknown): unknown[] | undefined {
  if (Array.isArray(workspace)) return workspace
  return isObject(workspace) && Array.isArray(workspace['panes']) ? workspace['panes'] : undefined
}

function stepWithoutKey(step: unknown): unknown {
  if (!isObject(step) || step['kind'] !== 'encrypt') return step
  const { keyHex: _k, passphrase: _p, ...rest } = step
  const field = keyFieldOf(step)
  return field ? { ...rest, keyOmitted: field } : rest
}

function paneWithoutKeys(pane: unknown): unknown {
  if (!isObject(pane) || !isObject(pane['config']) || !Array.isArray(pane['config']['transforms'])) return pane
  return { ...pane, config: { ...pane['config'], transforms: pane['config']['transforms'].map(stepWithoutKey) } }
}

/**
 * The workspace without any key: every encrypt step's keyHex and passphrase removed, and a step
 * that had one marked `keyOmitted` with the field it was in. Everything else is as it was.
 */
export function withoutKeys<T>(workspace: T): T {
  const panes = panesOf(workspace)
  if (!panes) return workspace
  const stripped = panes.map(paneWithoutKeys)
  return (Array.isArray(workspace) ? stripped : { ...(workspace as Json), panes: stripped }) as T
}

/** How many encrypt steps of the workspace have a key or passphrase (0: there is nothing to ask about on Save). */
export function keyCount(workspace: unknown): number {
  return (panesOf(workspace) ?? []).reduce<number>((n, p) => n + encryptSteps(p).filter((s) => keyFieldOf(s) !== undefined).length, 0)
}

/** An encrypt step whose key was left out of a saved session and has not been given since. */
export function wantsKey(step: unknown): boolean {
  return isObject(step) && step['kind'] === 'encrypt' && (keyFields as readonly unknown[]).includes(step['keyOmitted']) && keyFieldOf(step) === undefined
}

/** The first step of a pane's transforms still waiting for its left-out key (n counts from 1), or undefined. */
export function keyWanted(config: { transforms?: readonly unknown[] | undefined }): { n: number; algo: CipherAlgo; field: KeyField } | undefined {
  const i = (config.transforms ?? []).findIndex(wantsKey)
  if (i < 0) return undefined
  const s = config.transforms![i] as { algo: CipherAlgo; keyOmitted: KeyField }
  return { n: i + 1, algo: s.algo, field: s.keyOmitted }
}
