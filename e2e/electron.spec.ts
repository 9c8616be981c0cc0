// The real Electron app, where an Electron binary exists (a user's machine after a plain
// `npm install`). Here the binary cannot be downloaded, so this test skips and says why.
import { _electron as electron, expect, test } from '@playwright/test'
import { createRequire } from 'node:module'
import { join } from 'node:path'

function electronBinary(): string | undefined {
  try {
    return createRequire(__filename)('electron') as unknown as string
  } catch {
    return undefined
  }
}

const binary = electronBinary()

test('the Electron app opens a TCP pair and carries hello', async () => {
  test.skip(!binary, 'no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)')
  const app = await electron.launch({ executablePath: binary, args: [join(__dirname, '..', 'out/main/index.js'), '--no-sandbox'] })
  try {
    const page = await app.firstWindow()
    await page.getByRole('button', { name: /New TCP pair|新建 TCP 对/ }).click()
    const client = page.getByRole('region', { name: /TCP client|TCP 客户端/ })
    const server = page.getByRole('region', { name: /TCP server|TCP 服务器/ })
    await expect(client.getByRole('status')).toContainText(/connected|已连接/)
    const input = client.getByRole('textbox', { name: /Message to send|要发送的内容/ })
    await input.fill('hello')
    await input.press('Enter')
    await expect(server.getByRole('log').locator('.xterm-rows')).toContainText('hello')
  } finally {
    await app.close()
  }
})
