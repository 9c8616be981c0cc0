// Asked on Save, Save as and Export workspace when some encrypt step has a key or passphrase:
// leave the keys out of the file (the default: it can be mailed, the restored pane asks for
// them) or include them. Escape cancels.
import { useI18n } from '../i18n'
import { ChoiceDialog } from './ChoiceDialog'

export type KeysChoice = 'leaveOut' | 'include' | 'cancel'

interface Props {
  /** How many encrypt steps have a key. */
  n: number
  onChoose(choice: KeysChoice): void
}

export function KeysDialog({ n, onChoose }: Props) {
  const { t } = useI18n()
  return (
    <ChoiceDialog
      id="keys"
      title={t('keys.ask.title')}
      text={t('keys.ask.text', { n })}
      choices={[
        { value: 'include', label: t('keys.ask.include') },
        { value: 'leaveOut', label: t('keys.ask.leaveOut'), primary: true, safe: true }
      ]}
      onChoose={onChoose}
    />
  )
}
