import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { I18nProvider } from './i18n'
import './styles/base.css'
import './styles/window.css'
import './styles/pane.css'
import './styles/menus.css'
import './styles/inspector.css'
import './styles/session.css'
import './styles/dialogs.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>
)
