// Auto-reply regexes in the settings form: a pattern RE2 cannot run in linear time
// (backreference, lookahead) says why under the field, in English and in Chinese, and Apply
// refuses it; the catastrophic `^(a+)+$` is accepted and answers a matching message, while the
// attack line before it gets no reply and the pane stays responsive.
import { expect, inspect, screen, send, shot, tcpPair, test } from './fixtures'

test('a regex rule that needs backtracking is refused where it was typed (en, zh); ^(a+)+$ runs', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const s = await inspect(server)
  await s.getByText('Framing, transforms, auto-replies').click()
  await s.getByRole('button', { name: '+ Add rule' }).click()
  await s.getByRole('combobox', { name: 'Rule 1 matches' }).selectOption('regex')
  const pattern = s.getByRole('textbox', { name: 'Rule 1 pattern' })
  await pattern.fill('^(a+)\\1$')
  const backref = 'Rule 1: backreferences (\\1, \\k<name>) are not supported: they need a backtracking matcher, and a peer could freeze the app with one.'
  await expect(s.getByRole('alert')).toHaveText(backref)
  await expect(pattern).toHaveAttribute('aria-invalid', 'true')
  await shot(app, 'regex-refused')
  // Apply does not send it: the problem is said again beside the button, nothing is applied.
  await s.getByRole('button', { name: 'Apply' }).click()
  await expect(s.getByRole('alert')).toHaveText([backref, backref])
  await expect(s.getByRole('status').filter({ hasText: 'Applied' })).toHaveCount(0)

  // In Chinese, a lookahead.
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh')
  const zh = app.getByRole('complementary', { name: '检查器' })
  await zh.getByRole('textbox', { name: '规则 1 模式' }).fill('^(?=a)(a+)+$')
  await expect(zh.getByRole('alert').first()).toHaveText('规则 1：不支持先行断言（(?=…)、(?!…)）：它需要回溯匹配，对端可借此让应用卡死。')
  await app.getByRole('combobox', { name: '语言' }).selectOption('en')

  // The classic catastrophic pattern itself is fine: RE2 runs it in linear time.
  await pattern.fill('^(a+)+$')
  await expect(pattern).not.toHaveAttribute('aria-invalid')
  // Only the refused Apply's message is left, until the next Apply.
  await expect(s.getByRole('alert')).toHaveCount(1)
  await s.getByRole('combobox', { name: 'Rule 1 reply' }).selectOption('template')
  await s.getByRole('textbox', { name: 'Rule 1 reply text' }).fill('matched $1')
  await s.getByRole('button', { name: 'Apply' }).click()
  await expect(s.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()

  await client.getByRole('combobox', { name: 'Line ending' }).selectOption('none')
  await send(client, 'a'.repeat(29) + '!')
  await expect(screen(server)).toContainText('a'.repeat(29) + '!')
  await send(client, 'aaaa')
  await expect(screen(client)).toContainText('matched aaaa')
  // Only the matching message was answered.
  await expect.poll(async () => ((await screen(client).textContent()) ?? '').match(/matched/g)?.length).toBe(1)
})
