// Every control has an accessible name, in both languages: people with screen readers and
// the tests themselves find controls by role and name.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

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
    await app.evaluate(() => document.body.append(Object.assign(document.createElement("button"), { className: "probe" })))
    expect(await unnamedControls(app)).toHaveLength(1)
  })
}
