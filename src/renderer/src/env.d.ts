/// <reference types="vite/client" />
import type { NetApi } from '../../shared/contract'

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in the web host, where web-api.ts makes it. */
    api?: NetApi
  }
}
