// A button that opens a menu of actions (Radix's dropdown menu: keyboard, focus and
// typeahead as a desktop menu has them). Items are plain data, so a pane's menu can list
// every action it has, the ones its header line shows too.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import type { ReactNode } from 'react'

export type MenuEntry =
  | { kind: 'item'; label: string; onSelect(): void; disabled?: boolean; icon?: ReactNode; hint?: string; danger?: boolean }
  | { kind: 'check'; label: string; checked: boolean; onSelect(): void; disabled?: boolean }
  | { kind: 'separator' }
  | { kind: 'label'; label: string }

interface Props {
  /** The button's accessible name. */
  label: string
  /** What the button shows (an icon, a word, both). */
  trigger: ReactNode
  entries: MenuEntry[]
  className?: string
  align?: 'start' | 'end'
}

export function Menu({ label, trigger, entries, className, align = 'end' }: Props) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <button type="button" className={className ?? 'icon'} aria-label={label} title={label}>
          {trigger}
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align={align} sideOffset={4} collisionPadding={8} aria-label={label}>
          {entries.map((e, i) =>
            e.kind === 'separator' ? (
              <DropdownMenu.Separator key={i} className="menu-sep" />
            ) : e.kind === 'label' ? (
              <DropdownMenu.Label key={i} className="menu-label">
                {e.label}
              </DropdownMenu.Label>
            ) : e.kind === 'check' ? (
              <DropdownMenu.CheckboxItem key={i} className="menu-item" checked={e.checked} disabled={e.disabled} onSelect={e.onSelect}>
                <span className="menu-icon" aria-hidden="true">
                  {e.checked ? '✓' : ''}
                </span>
                {e.label}
              </DropdownMenu.CheckboxItem>
            ) : (
              <DropdownMenu.Item key={i} className={e.danger ? 'menu-item danger' : 'menu-item'} disabled={e.disabled} onSelect={e.onSelect}>
                <span className="menu-icon" aria-hidden="true">
                  {e.icon}
                </span>
                {e.label}
                {e.hint && (
                  <span className="menu-hint" aria-hidden="true">
                    {e.hint}
                  </span>
                )}
              </DropdownMenu.Item>
            )
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}
