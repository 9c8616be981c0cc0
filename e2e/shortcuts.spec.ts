import { expect, pane, screen, send, shot, tcpPair, test } from './fixtures'

test('the keyboard shortcuts of the README do what it says', async ({ app }) => {
  await app.locator('body').press('Control+Alt+t')
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status')).toContainText('connected')

  await send(client, 'one')
  await send(client, 'two')
  await expect(screen(server)).toContainText('two\\n')
  const input = client.getByRole('textbox', { name: 'Message to send' })
  await expect(input).toHaveValue('')
  await input.press('ArrowUp')
  await expect(input).toHaveValue('two')
  await input.press('ArrowUp')
  await expect(input).toHaveValue('one')
  await input.press('ArrowDown')
  await expect(input).toHaveValue('two')

  // Alt+H and Ctrl+L act on the pane that has the focus.
  const serverInput = server.getByRole('textbox', { name: 'Message to send' })
  await serverInput.press('Alt+h')
  await expect(server.getByRole('radio', { name: 'Hex' })).toBeChecked()
  await expect(screen(server)).toContainText('00000000  6f 6e 65 0a')
  await serverInput.press('Alt+h')
  await expect(server.getByRole('radio', { name: 'Text' })).toBeChecked()
  await expect(screen(server)).toContainText('two\\n')
  await serverInput.press('Control+l')
  await expect(screen(server)).not.toContainText('one\\n')
  await send(client, 'three')
  await expect(screen(server)).toContainText('three\\n')
  await expect(screen(server)).not.toContainText('two\\n')
  await expect(screen(client)).toContainText('two\\n') // only the focused pane was cleared

  await app.locator('body').press('Control+Alt+u')
  await expect(pane(app, /^UDP pane/)).toHaveCount(2)

  await app.locator('body').press('Control+Shift+S')
  await expect(app.getByRole('dialog', { name: /Save/ })).toBeVisible()
})

test('the shortcuts work with the focus in the traffic view too', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await send(client, 'one')
  await expect(screen(server)).toContainText('one\\n')
  const terminal = server.getByRole('log')
  /** Clicks into the server's terminal, so xterm has the focus, and presses `keys`. */
  const press = async (keys: string): Promise<void> => {
    await terminal.click()
    await expect(terminal.locator('textarea')).toBeFocused()
    await app.keyboard.press(keys)
  }

  await press('Alt+h')
  await expect(server.getByRole('radio', { name: 'Hex' })).toBeChecked()
  await expect(screen(server)).toContainText('00000000  6f 6e 65 0a')
  await press('Control+l')
  await expect(screen(server)).not.toContainText('6f 6e 65')
  await press('Control+Alt+m')
  await expect(server.getByRole('button', { name: 'Restore layout: TCP server pane 1' })).toBeVisible()
  await expect(client).toBeHidden()
  await press('Control+Alt+m')
  await expect(client).toBeVisible()
  await press('Control+Alt+u')
  await expect(pane(app, /^UDP pane/)).toHaveCount(2)
  await press('Control+Alt+t')
  await expect(pane(app, /TCP server pane/)).toHaveCount(2)
  await shot(app, 'shortcuts-from-terminal')
})
