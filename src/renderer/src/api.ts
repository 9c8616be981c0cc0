// The renderer's only door to the engine. Electron's preload provides window.api; in a
// browser the web host's WebSocket client provides the same object.
import type { NetApi } from '../../shared/contract'
import { createWebApi, type WebApi } from './web-api'

export const webApi: WebApi | undefined = window.api ? undefined : createWebApi(window.location)
export const api: NetApi = window.api ?? webApi!
