// Every control has an accessible name, in both languages: people with screen readers and
// the tests themselves find controls by role and name.
import type { Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { expect, shot, test } from './fixtures'

const interactive = new Set(['button', 'textbox', 'combobox', 'checkbox', 'radio', 'spinbutton', 'link', 'slider', 'tab', 'menuitem'])

async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: { ignored: boolean; role?: { value: string }; name?: { value: string }; backendDOMNodeId?: number }[]
  }
  return nodes
    .filter((n) => !n.ignored && interactive.has(n.role?.value ?? '') && !(n.name?.value ?? '').trim())
    .map((n) => `${n.role?.value} (node ${n.backendDOMNodeId})`)
}

for (const lang of ['en', 'zh'] as const) {
  test(`every control has an accessible name (${lang})`, async ({ app }) => {
    if (lang === 'zh') await app.getByRole('combobox', { name: 'Language' }).selectOption('zh')
    await app.getByRole('button', { name: lang === 'en' ? 'New TCP pair' : '新建 TCP 对' }).click()
    await app.getByRole('button', { name: lang === 'en' ? 'New UDP pair' : '新建 UDP 对' }).click()
    await expect(app.getByRole('status').first()).toContainText(/127\.0\.0\.1/)
    await expect(app.getByRole('region')).toHaveCount(4)
    expect(await unnamedControls(app)).toEqual([])
    // The check itself can see a nameless control.
    await app.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { className: 'probe' })))
    expect(await unnamedControls(app)).toHaveLength(1)
  })
}

test('every control has an accessible name with the settings, snippets and a dialog open', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = app.getByRole('region', { name: /TCP server pane/ })
  // The server's settings and snippets are drawn in the inspector beside the workspace.
  await server.getByRole('button', { name: /^Settings: / }).click()
  const inspector = app.getByRole('complementary', { name: 'Inspector' })
  await inspector.getByText('Framing, transforms, auto-replies').click()
  await inspector.getByRole('combobox', { name: 'Framing' }).selectOption('length')
  await inspector.getByRole('button', { name: '+ Encryption' }).click()
  await inspector.getByRole('button', { name: '+ Add rule' }).click()
  await inspector.getByRole('combobox', { name: 'Rule 1 reply' }).selectOption('template')
  await inspector.getByText(/Snippets \(0\)/).click()
  const repeat = server.getByRole('button', { name: 'Repeat' })
  await repeat.click()
  await expect(repeat).toHaveAttribute('aria-pressed', 'true')
  await shot(app, 'settings')
  expect(await unnamedControls(app)).toEqual([])
  await app.getByRole('button', { name: 'Save as…' }).click()
  await expect(app.getByRole('dialog')).toBeVisible()
  expect(await unnamedControls(app)).toEqual([])
})

// The dark theme's text against its background: WCAG AA (4.5:1, 3:1 for large text), as axe
// measures it, in both languages, with traffic, the inspector, a menu and a popover open.
for (const lang of ['en', 'zh'] as const) {
  test(`text meets WCAG AA contrast (${lang})`, async ({ app }) => {
    if (lang === 'zh') await app.getByRole('combobox', { name: 'Language' }).selectOption('zh')
    await app.getByRole('button', { name: lang === 'en' ? 'New TCP pair' : '新建 TCP 对' }).click()
    const client = app.getByRole('region').nth(1)
    await expect(client.getByRole('status').first()).toContainText(/127\.0\.0\.1/)
    const input = client.getByRole('textbox', { name: lang === 'en' ? 'Message to send' : '要发送的内容' })
    await input.fill('hello\\x00\\xff')
    await input.press('Enter')
    await expect(app.getByRole('region').first().getByRole('log')).toContainText('hello')
    await app.getByRole('button', { name: lang === 'en' ? 'Inspector' : '检查器' }).click()
    await client.click()
    const check = async (): Promise<string[]> => {
      const r = await new AxeBuilder({ page: app }).withRules(['color-contrast']).analyze()
      return r.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`))
    }
    expect(await check()).toEqual([])
    await client.getByRole('button', { name: lang === 'en' ? /^More actions/ : /^更多操作/ }).click()
    expect(await check()).toEqual([])
    await app.keyboard.press('Escape')
    await client.getByRole('button', { name: lang === 'en' ? 'Connections (1)' : '连接（1）' }).click()
    expect(await check()).toEqual([])
    await shot(app, `contrast-${lang}`)
  })
}
