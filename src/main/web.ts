// `npm run web`: the same UI in a browser, through the web host.
//   node out/main/web.js [--host 127.0.0.1] [--port 0] [--session-dir DIR] [--max-tabs 32]
// The token comes from NP_WEB_TOKEN, or is made up and printed: a command-line argument would
// show in every local user's process list (ps), and the token is what lets a page drive sockets.
import { join } from 'node:path'
import { startWebHost } from './web-host'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

async function main(): Promise<void> {
  const portArg = arg('port') ?? process.env['NP_WEB_PORT']
  const port = portArg === undefined ? 0 : Number(portArg)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, not "${portArg}"`)
    process.exit(2)
  }
  const maxTabsArg = arg('max-tabs') ?? process.env['NP_MAX_TABS']
  const maxTabs = maxTabsArg === undefined ? undefined : Number(maxTabsArg)
  if (maxTabs !== undefined && (!Number.isInteger(maxTabs) || maxTabs < 1 || maxTabs > 10_000)) {
    console.error(`--max-tabs must be a whole number from 1 to 10000, not "${maxTabsArg}"`)
    process.exit(2)
  }
  if (arg('token') !== undefined) {
    console.error(
      "--token would show in every local user's process list: set NP_WEB_TOKEN in the environment instead (or leave it out: one is made up and printed)"
    )
    process.exit(2)
  }
  const host = await startWebHost({
    rootDir: join(__dirname, '../renderer'),
    host: arg('host') ?? '127.0.0.1',
    port,
    token: process.env['NP_WEB_TOKEN'],
    sessionDir: arg('session-dir') ?? process.env['NP_SESSION_DIR'],
    ...(maxTabs === undefined ? {} : { maxClients: maxTabs })
  })
  console.log(`Net Playground web host: ${host.url}`)
  console.log('Open that address in a browser. The token in it is what lets the page drive sockets; keep it to yourself.')
  const stop = (): void => {
    void host.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

process.on('uncaughtException', (err) => console.error('net-playground: uncaught', err))
main().catch((err: unknown) => {
  console.error(`Net Playground web host could not start: ${(err as Error).message}`)
  process.exit(1)
})
