// A button that opens a menu of actions (Radix's dropdown menu: keyboard, focus and
// typeahead as a desktop menu has them). Items are plain data, so a pane's menu can list
// every action it has, the ones its header line shows too.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import type { ReactNode } from 'react'

export type MenuEntry =
  | { kind: 'item'; label: string; onSelect(): void; disabled?: boolean; icon?: ReactNode; hint?: string; danger?: boolean }
  /** One choice of several (text / hex / split): a radio group of the menu. */
  | { kind: 'radio'; label: string; value: string; choices: { value: string; label: string }[]; onChoose(value: string): void }
  | { kind: 'separator' }

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
            ) : e.kind === 'radio' ? (
              <DropdownMenu.RadioGroup key={i} value={e.value} onValueChange={e.onChoose} aria-label={e.label}>
                {e.choices.map((c) => (
                  <DropdownMenu.RadioItem key={c.value} value={c.value} className="menu-item">
                    <span className="menu-icon" aria-hidden="true">
                      {c.value === e.value ? '●' : ''}
                    </span>
                    {c.label}
                  </DropdownMenu.RadioItem>
                ))}
              </DropdownMenu.RadioGroup>
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
