// The command line, for scripts and CI (README, "The command line"):
//   net-playground replay <file> --target host:port [...]   re-send a recorded flow against a live peer
//   net-playground flows <file>                              list its flows: endpoints, bytes, duration
// Exit codes: see EXIT in cli/args.ts.
import { fail, parseArgs } from './cli/args'
import { flows, flowsUsage } from './cli/flows'
import { replay, replayUsage } from './cli/replay'

const usage = `usage: ${replayUsage}
       ${flowsUsage}`

/** Flags that take no value: `--check file.pcapng` must not read the file as the flag's value. */
const BOOLEAN_FLAGS = new Set(['check'])

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2), BOOLEAN_FLAGS)
  switch (a._[0]) {
    case 'replay':
      return replay(a, usage)
    case 'flows':
      return flows(a, usage)
    default:
      fail(usage)
  }
}

main().catch((err: unknown) => fail(`net-playground: ${(err as Error).message}`))
