// A peer against a user's regex: the classic catastrophic patterns (`^(a+)+$`, `(a|aa)+$`,
// `(x+x+)+y`) fed the inputs that make a backtracking matcher run for seconds per message,
// from a real TCP client on 127.0.0.1, while the host must keep answering a valid command;
// messages too long for a rule's regex are skipped with a note on the pane (en + zh); and the
// JS syntax RE2 cannot run in linear time is refused where the rule was typed (en + zh).
import { describe, expect, it } from 'vitest'
import type { AutoReply, CommandInput, Endpoint, PaneConfigInput } from '../src/shared/contract'
import { errorMessage, translateRef } from '../src/shared/i18n'
import { HEX_WILDCARD_WORK_PER_MESSAGE, REGEX_MAX_INSTRUCTIONS } from '../src/shared/limits'
import { compileUserRegex } from '../src/shared/user-regex'
import { Probe, RawClient, useProbe } from './probe'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'

let probe!: Probe
const cleanups: (() => unknown)[] = []
useProbe((p) => (probe = p), { statsIntervalMs: 20 }, cleanups)

const text = (t: string): AutoReply['reply'] => ({ kind: 'template', template: { text: t, mode: 'text' } })
const lines: PaneConfigInput['framing'] = { kind: 'delimiter', delimiterHex: '0a' }

/** A server pane (one message a line) with these rules, and a plain TCP client connected to it. */
async function server(autoReplies: AutoReply[], framing = lines): Promise<RawClient> {
  await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { framing, autoReplies } } as CommandInput)
  const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const client = await RawClient.connect(local.port)
  cleanups.push(() => client.close())
  await probe.waitFor('conn.open', 'srv')
  return client
}

/** Writes a message and waits until the pane has read it; returns what came back (each reply framed too) once `expectBytes` more arrived. */
async function ask(client: RawClient, message: string, expectBytes: number): Promise<string> {
  const before = client.received().byteLength
  const read = probe.tapped('srv')
  await client.write(message)
  await probe.until(() => probe.tapped('srv') >= read + Buffer.byteLength(message), 'the server pane to read the message', 20_000)
  return (await client.untilReceived(before + expectBytes)).subarray(before).toString()
}

/** A valid command (answered with "no session" here: an answer is what counts). */
const infoCommand = (): Promise<unknown> => probe.cmd({ type: 'session.info' })

describe("a peer's input against catastrophic patterns", () => {
  // Each: the pattern, an input it matches, and the attack (no match, after the longest
  // backtracking a JS RegExp can do on it: 2^n paths for n repeated characters).
  const cases = [
    { pattern: '^(a+)+$', matches: 'aaaa', attack: (n: number) => 'a'.repeat(n) + '!' },
    { pattern: '(a|aa)+$', matches: 'baaaa', attack: (n: number) => 'a'.repeat(n) + '!' },
    { pattern: '(x+x+)+y', matches: 'xxxy', attack: (n: number) => 'x'.repeat(n) }
  ]
  for (const { pattern, matches, attack } of cases) {
    for (const n of [29, 5000]) {
      it(`${pattern}: a peer sending ${n} repeats without the end keeps no one waiting; a matching message still gets its reply`, async () => {
        const client = await server([
          { match: { kind: 'regex', pattern }, reply: text('match|') },
          { match: { kind: 'exact', text: 'mark' }, reply: text('marked|') }
        ])
        // 1 MiB (short lines) or 4 MiB (long ones) of attack lines in one go: the pane reads
        // them 64 KiB at a time, each line one message matched against the rule.
        const line = attack(n) + '\n'
        const total = Math.ceil(((n < 100 ? 1 : 4) * 1024 * 1024) / line.length) * line.length
        const sent = client.write(line.repeat(total / line.length))
        const going = (): boolean => probe.tapped('srv') < total
        await probe.until(() => probe.tapped('srv') > 0, 'the pane to start reading the attack', 10_000)
        await expectAnswersDuring(`${pattern} × ${n}`, infoCommand, going)
        await sent
        await probe.until(() => !going(), 'the pane to read the whole attack', 30_000)
        await expectAnswersAfter(`${pattern} × ${n}`, infoCommand)
        // Replies go out in order: had an attack line been answered, its reply would come first.
        expect(await ask(client, `${matches}\n`, 7)).toBe('match|\n')
        expect(await ask(client, 'mark\n', 8)).toBe('marked|\n')
        expect(probe.of('pane.note', 'srv')).toEqual([])
        expect(probe.of('error', 'srv')).toEqual([])
      }, 60_000)
    }
  }

  it('captures of a linear-time match fill the reply: named groups, \\u escapes, flags i, m, s, lookbehind', async () => {
    // One message up to each NUL, so that a message can hold line breaks.
    const client = await server(
      [
        { match: { kind: 'regex', pattern: '^HELLO (?<name>\\w+)', flags: 'i' }, reply: text('hi $1|') },
        { match: { kind: 'regex', pattern: '^\\u0041(\\d+)$' }, reply: text('A=$1|') },
        { match: { kind: 'regex', pattern: '^two$', flags: 'm' }, reply: text('m|') },
        { match: { kind: 'regex', pattern: 'x.y', flags: 's' }, reply: text('s|') },
        { match: { kind: 'regex', pattern: '(?<=k)(v+)' }, reply: text('kv $1|') }
      ],
      { kind: 'delimiter', delimiterHex: '00' }
    )
    expect(await ask(client, 'hello bob\0', 8)).toBe('hi bob|\0')
    expect(await ask(client, 'A42\0', 6)).toBe('A=42|\0')
    expect(await ask(client, 'one\ntwo\nthree\0', 3)).toBe('m|\0')
    expect(await ask(client, 'x\ny\0', 3)).toBe('s|\0')
    expect(await ask(client, 'kvvv\0', 8)).toBe('kv vvv|\0')
  })
})

describe('a message too long for a rule', () => {
  it('is skipped by that rule with one note on the pane (en, zh) until the rule takes a message again; later rules still answer', async () => {
    const rule = compileUserRegex('^(a+)+$')
    if (!rule.ok) throw new Error('the pattern compiles')
    const max = rule.maxBytes
    const client = await server([
      { match: { kind: 'regex', pattern: '^(a+)+$' }, reply: text('regex|') },
      { match: { kind: 'startsWith', text: 'aaa' }, reply: text('later|') }
    ])
    // Three lines one byte over the limit: the second rule answers each, one note says why the first did not.
    const long = 'a'.repeat(max + 1) + '\n'
    expect(await ask(client, long.repeat(3), 3 * 7)).toBe('later|\n'.repeat(3))
    // Exactly at the limit the rule takes it.
    expect(await ask(client, 'a'.repeat(max) + '\n', 7)).toBe('regex|\n')
    // Too long again: a second note.
    expect(await ask(client, long, 7)).toBe('later|\n')
    const notes = probe.of('pane.note', 'srv')
    expect(notes.map((n) => n.message)).toEqual([
      { key: 'log.ruleTooLong', params: { n: 1, bytes: max + 1, id: 1, max } },
      { key: 'log.ruleTooLong', params: { n: 1, bytes: max + 1, id: 1, max } }
    ])
    expect(notes[0]!.level).toBe('warn')
    const en = translateRef('en', notes[0]!.message)
    const zh = translateRef('zh', notes[0]!.message)
    expect(en).toBe(
      `Auto-reply rule 1 skipped a message of ${max + 1} B from connection #1: its pattern looks at messages up to ${max} B (a longer pattern takes shorter messages). The rules after it were still tried.`
    )
    expect(zh).toBe(
      `自动回复规则 1 跳过了来自连接 #1 的一条 ${max + 1} B 的消息：它的模式只检查不超过 ${max} B 的消息（模式越长，可检查的消息越短）。其后的规则仍会检查。`
    )
  })

  it('a 16 MiB message is skipped at once: the host answers while it arrives and after', async () => {
    await probe.ok({
      type: 'pane.configure',
      paneId: 'srv',
      config: {
        framing: { kind: 'length', bytes: 4, endian: 'be', includesHeader: false, maxLength: 32 * 1024 * 1024 },
        autoReplies: [{ match: { kind: 'regex', pattern: '(a|aa)+$' }, reply: text('$1') }]
      }
    })
    const { local } = await probe.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    const client = await RawClient.connect(local.port)
    cleanups.push(() => client.close())
    const size = 16 * 1024 * 1024
    const header = Buffer.alloc(4)
    header.writeUInt32BE(size)
    const sent = client.write(Buffer.concat([header, Buffer.alloc(size, 'a')]))
    const going = (): boolean => probe.of('pane.note', 'srv').length === 0
    await probe.until(() => probe.tapped('srv') > 0, 'the pane to start reading', 10_000)
    await expectAnswersDuring('a 16 MiB message for (a|aa)+$', infoCommand, going)
    await sent
    const note = await probe.waitFor('pane.note', 'srv', () => true, 30_000)
    await expectAnswersAfter('a 16 MiB message for (a|aa)+$', infoCommand)
    expect(note.message).toMatchObject({ key: 'log.ruleTooLong', params: { n: 1, bytes: size, id: 1 } })
    expect(client.received().byteLength).toBe(0)
  }, 60_000)
})

describe("text and hex rules against a peer's bytes", () => {
  const framed = (payload: Buffer): Buffer => {
    const header = Buffer.alloc(4)
    header.writeUInt32BE(payload.length)
    return Buffer.concat([header, payload])
  }
  const byLength: PaneConfigInput['framing'] = { kind: 'length', bytes: 4, endian: 'be', includesHeader: false, maxLength: 8 * 1024 * 1024 }

  it('contains with a 4 KiB text against 1 MiB messages of what nearly matches it: the host answers during and after, a real match is answered', async () => {
    const needle = 'a'.repeat(4095) + 'b'
    const client = await server([{ match: { kind: 'contains', text: needle }, reply: text('found|') }], byLength)
    // A step-by-step search took 20 s a message here; eight of them.
    const attack = framed(Buffer.alloc(1024 * 1024, 'a'))
    const total = 8 * attack.length
    const sent = client.write(Buffer.concat(Array.from({ length: 8 }, () => attack)))
    const going = (): boolean => probe.tapped('srv') < total
    await probe.until(() => probe.tapped('srv') > 0, 'the pane to start reading the attack', 10_000)
    await expectAnswersDuring('contains a 4 KiB text, 1 MiB messages', infoCommand, going)
    await sent
    await probe.until(() => !going(), 'the pane to read the whole attack', 30_000)
    await expectAnswersAfter('contains a 4 KiB text, 1 MiB messages', infoCommand)
    const hit = framed(Buffer.from('x'.repeat(1000) + needle + 'y'))
    await client.write(hit)
    const reply = await client.untilReceived(4 + 6)
    expect(reply.subarray(4).toString()).toBe('found|')
    expect(probe.of('pane.note', 'srv')).toEqual([])
  }, 60_000)

  it('a hex pattern with ?? skips a message longer than its step budget, with the note (en, zh); a short one matches', async () => {
    const client = await server([{ match: { kind: 'hex', pattern: '61 ?? 62' }, reply: { kind: 'template', template: { text: '06', mode: 'hex' } } }], byLength)
    const max = Math.floor(HEX_WILDCARD_WORK_PER_MESSAGE / 3)
    await client.write(framed(Buffer.alloc(max + 1, 'a')))
    const note = await probe.waitFor('pane.note', 'srv', () => true, 20_000)
    expect(note.message).toEqual({ key: 'log.ruleTooLong', params: { n: 1, bytes: max + 1, id: 1, max } })
    expect(translateRef('en', note.message)).toContain(`skipped a message of ${max + 1} B from connection #1: its pattern looks at messages up to ${max} B`)
    expect(translateRef('zh', note.message)).toContain(`跳过了来自连接 #1 的一条 ${max + 1} B 的消息：它的模式只检查不超过 ${max} B 的消息`)
    await client.write(framed(Buffer.from('xxaZbxx')))
    const reply = await client.untilReceived(4 + 1)
    expect(reply.subarray(4).toString('hex')).toBe('06')
  }, 60_000)
})

describe('a pattern RE2 cannot run in linear time is refused where it was typed', () => {
  const refused: { pattern: string; name?: string; key: string; en: string; zh: string }[] = [
    {
      pattern: '^(a+)\\1$',
      key: 'rules.regexBackref',
      en: 'Rule 2: backreferences (\\1, \\k<name>) are not supported: they need a backtracking matcher, and a peer could freeze the app with one.',
      zh: '规则 2：不支持反向引用（\\1、\\k<name>）：它需要回溯匹配，对端可借此让应用卡死。'
    },
    {
      pattern: '(?<q>["\'])x\\k<q>',
      key: 'rules.regexBackref',
      en: 'Rule 2: backreferences (\\1, \\k<name>) are not supported: they need a backtracking matcher, and a peer could freeze the app with one.',
      zh: '规则 2：不支持反向引用（\\1、\\k<name>）：它需要回溯匹配，对端可借此让应用卡死。'
    },
    {
      pattern: '^(?=a)(a+)+$',
      key: 'rules.regexLookahead',
      en: 'Rule 2: lookahead ((?=…), (?!…)) is not supported: it needs a backtracking matcher, and a peer could freeze the app with one.',
      zh: '规则 2：不支持先行断言（(?=…)、(?!…)）：它需要回溯匹配，对端可借此让应用卡死。'
    },
    {
      pattern: 'a{1000}'.repeat(3),
      key: 'rules.regexTooBig',
      en: `Rule 2: the regular expression is too big (more than ${REGEX_MAX_INSTRUCTIONS} steps, or too many groups for a reply with $1…$9): matching it would keep the app busy.`,
      zh: `规则 2：正则表达式太大（超过 ${REGEX_MAX_INSTRUCTIONS} 步，或用 $1…$9 回复时分组太多）：匹配它会让应用长时间忙碌。`
    },
    {
      // Repeats nested in groups multiply: a million copies of "a" (RE2 itself would only say "invalid repeat count").
      pattern: '((a{100}){100}){100}',
      key: 'rules.regexTooBig',
      en: `Rule 2: the regular expression is too big (more than ${REGEX_MAX_INSTRUCTIONS} steps, or too many groups for a reply with $1…$9): matching it would keep the app busy.`,
      zh: `规则 2：正则表达式太大（超过 ${REGEX_MAX_INSTRUCTIONS} 步，或用 $1…$9 回复时分组太多）：匹配它会让应用长时间忙碌。`
    },
    {
      // 66 chains of 1,000 copies each, side by side: their counts add up to only 1,980, their program to 66,000 instructions.
      pattern: '(?:(?:a{10}){10}){10}'.repeat(66),
      name: '(?:(?:a{10}){10}){10} 66 times',
      key: 'rules.regexTooBig',
      en: `Rule 2: the regular expression is too big (more than ${REGEX_MAX_INSTRUCTIONS} steps, or too many groups for a reply with $1…$9): matching it would keep the app busy.`,
      zh: `规则 2：正则表达式太大（超过 ${REGEX_MAX_INSTRUCTIONS} 步，或用 $1…$9 回复时分组太多）：匹配它会让应用长时间忙碌。`
    },
    {
      pattern: '(unclosed',
      key: 'rules.regexInvalid',
      en: 'Rule 2: the regular expression is not valid (error parsing regexp: missing closing ): `(unclosed`).',
      zh: '规则 2：正则表达式无效（error parsing regexp: missing closing ): `(unclosed`）。'
    }
  ]
  for (const r of refused) {
    it(`${r.name ?? r.pattern}: pane.configure fails with ${r.key} (en, zh) and the pane keeps the rules it had`, async () => {
      const client = await server([{ match: { kind: 'exact', text: 'ping' }, reply: text('pong|') }])
      const err = await probe.fails(
        {
          type: 'pane.configure',
          paneId: 'srv',
          config: {
            framing: lines,
            autoReplies: [
              { match: { kind: 'any' }, reply: text('any|') },
              { match: { kind: 'regex', pattern: r.pattern }, reply: text('$1') }
            ]
          }
        },
        'BAD_COMMAND'
      )
      expect(err.reason?.key).toBe(r.key)
      expect(translateRef('en', err.reason!)).toBe(r.en)
      expect(translateRef('zh', err.reason!)).toBe(r.zh)
      expect(errorMessage('en', err)).toBe(`Rejected: ${r.en}`)
      // The refused settings did not replace the ones the pane had.
      expect(await ask(client, 'ping\n', 6)).toBe('pong|\n')
    })
  }

  it('the same checks run in the settings form (shared code): a supported pattern compiles, a refused one says why', () => {
    expect(compileUserRegex('^HELLO (?<name>\\w+)$', 'i', true).ok).toBe(true)
    // A backslash-escaped paren or a class holding "(?=" is no lookahead.
    expect(compileUserRegex('\\(?=x').ok).toBe(true)
    expect(compileUserRegex('[(?=]').ok).toBe(true)
    expect(compileUserRegex('\\\\1').ok).toBe(true)
    // Small counted repeats, nested or not, still run.
    for (const [pattern, message] of [
      ['(ab){3}', 'ababab'],
      ['^(?:\\d{1,3}\\.){3}\\d{1,3}$', '127.0.0.1'],
      ['((a{10}){10}){10}', 'a'.repeat(1000)]
    ] as const) {
      const c = compileUserRegex(pattern)
      expect(c.ok, pattern).toBe(true)
      if (c.ok) expect(c.re.test(message), pattern).toBe(true)
    }
  })
})
