import { expect, pane, screen, send, shot, test } from './fixtures'

test('switching to 简体中文 translates the window and the pane, and traffic still flows', async ({ app }) => {
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh')
  await expect(app.getByRole('button', { name: '新建 TCP 对' })).toBeVisible()
  await app.getByRole('button', { name: '新建 TCP 对' }).click()
  const server = pane(app, /TCP 服务器 窗格/)
  const client = pane(app, /TCP 客户端 窗格/)
  await expect(server.getByRole('status')).toContainText('正在监听 127.0.0.1:')
  await expect(client.getByRole('status')).toContainText('已连接')
  await send(client, '你好')
  await expect(screen(server)).toContainText('◀ 收 #1 · 7 B')
  await expect(screen(server)).toContainText('你好\\n')
  await expect(app.getByRole('combobox', { name: '语言' })).toHaveValue('zh')
  // The newer parts speak Chinese too: message settings, view bar, input options.
  // The server's settings are in the inspector beside the workspace.
  await server.getByRole('button', { name: /^设置：/ }).click()
  const inspector = app.getByRole('complementary', { name: '检查器' })
  await inspector.getByText('分帧、变换、自动回复').click()
  await expect(inspector.getByRole('combobox', { name: '分帧方式' })).toBeVisible()
  await expect(inspector.getByRole('button', { name: '+ 校验和' })).toBeVisible()
  await expect(inspector.getByRole('combobox', { name: '显示编码' })).toBeVisible()
  await expect(client.getByRole('combobox', { name: '发送编码' })).toBeVisible()
  await expect(app.getByRole('button', { name: '另存为…' })).toBeVisible()
  await shot(app, 'chinese')
})
