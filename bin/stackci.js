#!/usr/bin/env node
// The stackci CLI. The compiled library lives in lib/ (npm run build, which
// `npm install` runs through the prepare script).
import { main } from '../lib/cli/main.js'

// A closed pipe (`stackci … | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

const code = await main(process.argv.slice(2))
// Exit explicitly: open handles (keep-alive sockets, timers) must not keep a
// finished command alive.
process.exitCode = code
process.stdout.write('', () => process.exit(code))
