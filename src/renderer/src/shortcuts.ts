// The keyboard shortcuts (README, "Keyboard"), in one place: the pane acts on its own, the
// window on the rest, and the traffic view lets every one of them through (xterm would take
// the keys and stop them otherwise).

export type Shortcut = 'toggleHex' | 'clear' | 'find' | 'maximize' | 'tcpPair' | 'udpPair' | 'save' | 'saveAs' | 'open'

/** The shortcut a key event is, if any. */
export function shortcutOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'shiftKey'>): Shortcut | undefined {
  const key = e.key.toLowerCase()
  if (e.ctrlKey && e.altKey) {
    if (key === 'm') return 'maximize'
    if (key === 't') return 'tcpPair'
    if (key === 'u') return 'udpPair'
  }
  if (e.ctrlKey && !e.altKey) {
    if (key === 's') return e.shiftKey ? 'saveAs' : 'save'
    if (key === 'o') return 'open'
    if (key === 'f' && !e.shiftKey) return 'find'
  }
  if (e.ctrlKey && key === 'l') return 'clear'
  if (e.altKey && key === 'h') return 'toggleHex'
  return undefined
}
