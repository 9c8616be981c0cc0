// The command line, for scripts and CI (README: "Replay against a live peer", "Headless runner"):
//   net-playground replay <file> --target host:port [...]   re-send a recorded flow against a live peer
//   net-playground flows <file>                              list its flows: endpoints, bytes, duration
//   net-playground run <workspace.json|session.pcapng> [...] start a workspace's panes without a window
// Exit codes: EXIT in cli/args.ts, said in the usage below.
import { EXIT, fail, parseArgs } from './cli/args'
import { flows, flowsUsage } from './cli/flows'
import { replay, replayUsage } from './cli/replay'
import { run, runFlags, runUsage } from './cli/run'

const usage = `usage: ${replayUsage}
       ${flowsUsage}
       ${runUsage}
exit codes: ${EXIT.ok} done (replay: as recorded, or finished without --check; run: stopped cleanly)
            ${EXIT.failed} replay --check: the live peer did not answer (or ask) as recorded;
              run: a pane did not start, a sequence did not run, or the recording could not be written
            ${EXIT.usage} bad usage, or a file that cannot be read
            ${EXIT.unreachable} replay: the live peer could not be reached (refused, timed out, unreachable),
              or --side server could not listen on --target (port in use)`

/** Flags that take no value: `--check file.pcapng` must not read the file as the flag's value. */
const BOOLEAN_FLAGS = new Set(['check', 'help', ...runFlags])

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2), BOOLEAN_FLAGS)
  if (a['help'] || a._[0] === 'help') {
    console.log(usage)
    process.exit(EXIT.ok)
  }
  switch (a._[0]) {
    case 'replay':
      return replay(a, usage)
    case 'flows':
      return flows(a, usage)
    case 'run':
      return run(a, usage)
    default:
      fail(usage)
  }
}

main().catch((err: unknown) => fail(`net-playground: ${(err as Error).message}`))
