// Asked before an opened session's workspace replaces open panes that are running or hold
// traffic not saved since: replace them, keep them and add the restored panes, keep them and
// only look at the recording (in its tab), or cancel.
import { useI18n } from '../i18n'
import { ChoiceDialog } from './ChoiceDialog'

export interface AtStake {
  /** Live panes open now. */
  open: number
  running: number
  unsaved: number
  /** Panes the file's workspace brings back. */
  restorable: number
  name: string
}

interface Props {
  stake: AtStake
  onChoose(choice: 'replace' | 'keep' | 'view' | 'cancel'): void
}

export function ReplaceDialog({ stake, onChoose }: Props) {
  const { t } = useI18n()
  return (
    <ChoiceDialog
      id="replace"
      title={t('session.replace.title', { name: stake.name })}
      text={
        <>
          {t('session.replace.text', { restorable: stake.restorable, open: stake.open })}
          {stake.running > 0 && <> {t('session.replace.running', { n: stake.running })}</>}
          {stake.unsaved > 0 && <> {t('session.replace.unsaved', { n: stake.unsaved })}</>}
        </>
      }
      // Leaving what is open as it is is the safe answer: Enter opens the recording in its tab only.
      choices={[
        { value: 'view', label: t('session.replace.view'), safe: true },
        { value: 'keep', label: t('session.replace.keep') },
        { value: 'replace', label: t('session.replace.replace'), primary: true }
      ]}
      onChoose={onChoose}
    />
  )
}
