/**
 * `stackci bridge serve` runs the jenkins-bridge service; `stackci bridge
 * check` validates its configuration and routing file without starting it
 * (for ExecStartPre= and CI). Both read the environment like the service;
 * flags override the matching variables.
 */

import type { Command } from 'commander'
import {
  describeConfig,
  loadSecretFiles,
  readBridgeConfig,
  readRoutingConfig,
  compileRouting,
  runBridge
} from '../bridge/index.js'
import type { CliContext } from './context.js'

interface BridgeFlags {
  port?: string
  host?: string
  db?: string
  routes?: string
}

function withFlags(
  env: NodeJS.ProcessEnv,
  f: BridgeFlags
): Record<string, string | undefined> {
  return {
    ...env,
    ...(f.port === undefined ? {} : { BRIDGE_PORT: f.port }),
    ...(f.host === undefined ? {} : { BRIDGE_HOST: f.host }),
    ...(f.db === undefined ? {} : { BRIDGE_DB: f.db }),
    ...(f.routes === undefined ? {} : { BRIDGE_ROUTES: f.routes })
  }
}

function flags(cmd: Command): Command {
  return cmd
    .option('--port <n>', 'port to listen on (BRIDGE_PORT, default 8080)')
    .option(
      '--host <address>',
      'address to listen on (BRIDGE_HOST, default 0.0.0.0)'
    )
    .option('--db <file>', 'the SQLite store (BRIDGE_DB)')
    .option('--routes <file>', 'the routing file (BRIDGE_ROUTES)')
}

export function registerBridgeCommands(
  program: Command,
  ctx: CliContext
): void {
  const bridge = program
    .command('bridge')
    .description(
      'the jenkins-bridge service: Jenkins build events in, Slack and GitHub out'
    )
  flags(bridge.command('serve'))
    .description(
      'run the service until SIGTERM/SIGINT (configured by environment variables: see docs/bridge.md)'
    )
    .action(async (f: BridgeFlags) => {
      await runBridge({
        env: withFlags(process.env, f),
        signals: process,
        exit: (code) => process.exit(code),
        stream: ctx.io.stderr
      })
    })
  flags(bridge.command('check'))
    .description(
      'validate the configuration and the routing file, and say what the bridge would do'
    )
    .action(async (f: BridgeFlags) => {
      const config = readBridgeConfig(
        loadSecretFiles(withFlags(process.env, f))
      )
      const routing = compileRouting(await readRoutingConfig(config.routesFile))
      const summary = describeConfig(config, routing.routes.length)
      const routes = routing.routes.map(
        (r) =>
          `  ${r.name}: ${r.channels.join(', ') || '(no channel)'}${r.github === false ? '' : ' + GitHub'}`
      )
      await ctx.write(
        `${Object.entries(summary)
          .map(
            ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`
          )
          .join('\n')}\n${routes.join('\n')}\n`
      )
    })
}
