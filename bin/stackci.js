#!/usr/bin/env node
// The stackci CLI. The compiled library lives in lib/ (npm run build, which
// `npm install` runs through the prepare script).
import Module, { createRequire } from 'node:module'

/**
 * dockerode loads ssh2 (for ssh:// hosts) and gRPC (for BuildKit sessions)
 * when it loads, and stackci uses neither: connectDocker takes unix and tcp
 * hosts only, and images build with the classic builder. They are stubbed
 * here as in the action bundles (scripts/package.mjs), which takes about
 * half a second off every command that talks to Docker (`npm run bench --
 * startup`, the stackci CLI rows). Using one throws.
 */
function skipUnusedTransports() {
  const fail = () => {
    throw new Error(
      'ssh:// Docker hosts and BuildKit sessions are not supported by stackci'
    )
  }
  const member = new Proxy(fail, {
    get: () => member,
    apply: fail,
    construct: fail
  })
  const stub = new Proxy(
    {},
    { get: (_t, key) => (key === '__esModule' ? undefined : member) }
  )
  const require = createRequire(import.meta.url)
  const dockerode = createRequire(require.resolve('dockerode'))
  const modem = createRequire(dockerode.resolve('docker-modem'))
  for (const file of [
    dockerode.resolve('@grpc/grpc-js'),
    dockerode.resolve('@grpc/proto-loader'),
    modem.resolve('ssh2')
  ]) {
    const module = new Module(file)
    module.filename = file
    module.exports = stub
    module.loaded = true
    require.cache[file] = module
  }
}

skipUnusedTransports()
const { main } = await import('../lib/cli/main.js')

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
