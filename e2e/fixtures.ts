// Starts the built web host (out/main/web.js) once per worker and opens each test's page
// on it. Every test gets a fresh page, so a fresh engine behind its own WebSocket.
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'

const root = join(__dirname, '..')

export const test = base.extend<{ app: Page }, { hostUrl: string; sessionDir: string }>({
  // Each worker's web host keeps its recordings in a folder of its own, so what one run (or
  // this machine) left behind never shows under another's Recent sessions.
  sessionDir: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as an object pattern
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'np-e2e-sessions-'))
      await use(dir)
      rmSync(dir, { recursive: true, force: true })
    },
    { scope: 'worker' }
  ],
  hostUrl: [
    async ({ sessionDir }, use) => {
      const host = await startHost(sessionDir)
      await use(host.url)
      await host.stop()
    },
    { scope: 'worker' }
  ],
  app: async ({ page, hostUrl }, use) => {
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`)
    })
    await page.addInitScript(() => localStorage.setItem('np.lang', 'en'))
    await page.goto(hostUrl)
    await use(page)
    expect(problems, 'the page logged errors').toEqual([])
  }
})

export { expect }

/** The built web host, started with its recordings in `sessionDir`; `stop` waits until it has exited. */
export async function startHost(sessionDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const entry = join(root, 'out/main/web.js')
  if (!existsSync(entry)) throw new Error('out/main/web.js is missing: run `npm run build` first')
  const token = randomBytes(16).toString('hex')
  const child: ChildProcess = spawn(process.execPath, [entry, '--port', '0', '--session-dir', sessionDir], {
    env: { ...process.env, NP_WEB_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise((r) => child.once('exit', r))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('web host did not start in 10 s')), 10_000)
    let out = ''
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /(http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}`)))
  })
  return {
    url,
    // The host keeps (or removes) each tab's recording as it stops: let it finish.
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

export const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(__dirname, 'screenshots', `${name}.png`) })

export const pane = (page: Page, name: RegExp | string): Locator => page.getByRole('region', { name })

/** Picks `item` in the pane's menu (More actions). */
export async function paneMenu(p: Locator, item: string | RegExp): Promise<void> {
  await p.getByRole('button', { name: /^More actions: / }).click()
  await p
    .page()
    .getByRole('menuitem', { name: item, exact: typeof item === 'string' })
    .click()
}

/** The inspector, showing the settings of `p` (opened from the pane's menu). */
export async function inspect(p: Locator): Promise<Locator> {
  await paneMenu(p, 'Settings')
  const inspector = p.page().getByRole('complementary', { name: 'Inspector' })
  await expect(inspector.getByRole('heading', { name: `Settings of ${await p.getAttribute('aria-label')}` })).toBeVisible()
  return inspector
}

/** The pane's connection list, opened from its header's Connections button if it is not open yet. */
export async function connections(p: Locator): Promise<Locator> {
  const table = p.getByRole('table', { name: 'Connections' })
  if (!(await table.isVisible())) await p.getByRole('button', { name: /^Connections \(\d+\)$/ }).click()
  return table
}

/** The text the pane's terminal shows on screen (xterm's rows, as rendered). */
export const screen = (p: Locator): Locator => p.getByRole('log').locator('.xterm-rows')

/** Searches a pane's traffic view (its whole scrollback, not only the rows on screen). */
export async function find(p: Locator, query: string, hex: boolean, dir: 'next' | 'previous' = 'next'): Promise<void> {
  const box = p.getByRole('textbox', { name: 'Search' })
  // The search lies over the terminal once the header's Search button opens it.
  if (!(await box.isVisible())) await p.getByRole('button', { name: 'Search', exact: true }).click()
  await box.fill(query)
  await p.getByRole('checkbox', { name: 'Hex' }).setChecked(hex)
  await p.getByRole('button', { name: dir === 'next' ? 'Find next' : 'Find previous' }).click()
}

/** What the pane's search found ("1 of 2", "Not found"). */
export const results = (p: Locator): Locator => p.getByRole('status', { name: 'Search results' })

export async function send(p: Locator, text: string): Promise<void> {
  const input = p.getByRole('textbox', { name: /Message to send|要发送的内容/ })
  await input.fill(text)
  await input.press('Enter')
}

/**
 * Drags the mouse over the characters `text` shows on the first row of the pane's terminal
 * that holds `text` (after `after`, if given): from the left edge of its first character to
 * the right edge of its last, as a person selects.
 */
export async function dragOver(app: Page, p: Locator, text: string, after = ''): Promise<void> {
  const rows = screen(p).locator(':scope > div')
  const row = rows.filter({ hasText: after + text }).first()
  const box = await row.evaluate(
    (el, [needle, before]) => {
      const all = (el.textContent ?? '').replaceAll('\u00a0', ' ')
      const start = all.indexOf(before + needle) + before.length
      // The rectangle of the character at index i of the row's text.
      const rectAt = (i: number): DOMRect => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
        let seen = 0
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = n.textContent?.length ?? 0
          if (i < seen + len) {
            const r = document.createRange()
            r.setStart(n, i - seen)
            r.setEnd(n, i - seen + 1)
            return r.getBoundingClientRect()
          }
          seen += len
        }
        throw new Error(`no character ${i} in the row`)
      }
      const a = rectAt(start)
      const b = rectAt(start + needle.length - 1)
      return { x1: a.left, x2: b.right, y: a.top + a.height / 2 }
    },
    [text, after] as const
  )
  await app.mouse.move(box.x1 + 1, box.y)
  await app.mouse.down()
  await app.mouse.move((box.x1 + box.x2) / 2, box.y, { steps: 3 })
  await app.mouse.move(box.x2 - 1, box.y, { steps: 3 })
  await app.mouse.up()
}

/** Clicks New TCP pair and waits until the client is connected. */
export async function tcpPair(app: Page): Promise<{ server: Locator; client: Locator }> {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status').first()).toContainText('connected')
  return { server, client }
}

/**
 * Holds the page's display acknowledgements back (the page's WebSocket is routed), as a
 * screen that stopped drawing would: the engine's backlog fills and what does not fit is
 * skipped, however fast this machine draws. `release` lets the held ones and all later ones
 * through. Reloads the page, so call it before the test opens panes.
 */
export async function holdAcks(page: Page): Promise<{ held: () => number; release: () => void }> {
  let holding = true
  const held: (string | Buffer)[] = []
  let forward: (m: string | Buffer) => void = () => {}
  await page.routeWebSocket(/\/api\?/, (ws) => {
    const server = ws.connectToServer()
    forward = (m) => server.send(m)
    ws.onMessage((m) => {
      if (holding && typeof m !== 'string' && isAck(m)) held.push(m)
      else server.send(m)
    })
  })
  await page.reload()
  return {
    held: () => held.length,
    release: () => {
      holding = false
      for (const m of held.splice(0)) forward(m)
    }
  }
}

/** A web host frame ([u32 header length][JSON header]...) that is a display acknowledgement. */
function isAck(frame: Buffer): boolean {
  if (frame.byteLength < 4) return false
  const len = frame.readUInt32LE(0)
  try {
    return (JSON.parse(frame.subarray(4, 4 + len).toString('utf8')) as { kind?: unknown }).kind === 'ack'
  } catch {
    return false
  }
}

/** A port of 127.0.0.1 nothing listens on right now. */
export async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}
