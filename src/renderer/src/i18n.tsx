import { createContext, useContext, useMemo, useState, type ReactNode } from 'react'
import { errorMessage, languages, translate, type Lang, type MessageKey, type Params } from '../../shared/i18n'
import type { PaneError } from '../../shared/contract'

export interface I18n {
  lang: Lang
  setLang(lang: Lang): void
  t(key: MessageKey, params?: Params): string
  err(error: PaneError): string
}

const Ctx = createContext<I18n | null>(null)

function initialLang(): Lang {
  const saved = localStorage.getItem('np.lang')
  if (saved && (languages as string[]).includes(saved)) return saved as Lang
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang)
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (l) => {
        localStorage.setItem('np.lang', l)
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
        setLangState(l)
      },
      t: (key, params) => translate(lang, key, params),
      err: (error) => errorMessage(lang, error)
    }),
    [lang]
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useI18n(): I18n {
  const v = useContext(Ctx)
  if (!v) throw new Error('useI18n outside I18nProvider')
  return v
}
