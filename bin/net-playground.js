#!/usr/bin/env node
// The command line (see src/main/cli.ts); build first with `npm run build`.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS launcher for the built bundle
require('../out/main/cli.js')
