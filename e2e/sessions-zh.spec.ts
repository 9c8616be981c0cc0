// What the session reader says reaches the Chinese window in Chinese: a cut session with an
// unreadable record, opened in 简体中文, shows the interruption, the cut and the note translated.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { encodeRecordBlock } from '../src/main/session/blocks'
import { SessionWriter } from '../src/main/session/writer'
import { expect, test } from './fixtures'

test('a cut session opened in Chinese: the session bar says what the reader found, in Chinese', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-session-zh-')), 'cut.pcapng')
  const v4 = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
  const w = SessionWriter.open(file, { flushMs: 0 })
  w.connOpen({ paneId: 'p1', connId: 1, local: v4(40001), remote: v4(9000), initiator: 'local', tNs: 1_000_000n })
  w.chunk({ paneId: 'p1', connId: 1, dir: 'out', tNs: 2_000_000n, bytes: Buffer.from('hello\n') })
  w.flush()
  w.discard()
  appendFileSync(file, encodeRecordBlock('{"t":"event", this is not JSON'))
  const whole = readFileSync(file)
  writeFileSync(file, Buffer.concat([whole, encodeRecordBlock('{"t":"workspace","tNs":"3000000","workspace":{}}').subarray(0, 20)]))

  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh')
  await app.getByRole('button', { name: '打开…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: '路径' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: '打开' }).click()
  const bar = app.getByRole('region', { name: `会话 ${basename(file)}` })
  await expect(bar.getByRole('alert')).toContainText('录制被中断：文件没有结束块')
  await expect(bar.getByRole('alert')).toContainText(`文件在第 ${whole.length} 字节处提前结束（共 ${whole.length + 20} 字节）`)
  await bar.getByText('读取文件时的 1 条说明').click()
  await expect(bar.getByRole('list', { name: '读取文件时的说明' })).toHaveText('跳过了 1 条内容无法读取的记录。')
  await expect(bar).not.toContainText(/[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}/) // no English sentence
})
