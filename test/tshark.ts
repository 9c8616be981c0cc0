// tshark is a required test dependency (.ci/run installs it): a test that needs it fails
// with this message when it is missing, instead of skipping and passing without checking.
import { spawnSync } from 'node:child_process'

export function requireTshark(): void {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(
      `tshark is required by this test and could not run (${r.error?.message ?? r.stderr.trim() ?? `exit ${r.status}`}): install it (Debian: apt-get install tshark; .ci/run does).`
    )
  }
}
