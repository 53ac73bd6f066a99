/**
 * `stackci bridge serve` runs the jenkins-bridge service; `stackci bridge
 * check` validates its configuration and routing file without starting it
 * (for ExecStartPre= and CI). Both read the environment like the service;
 * flags override the matching variables. `stackci bridge send` posts a
 * signed event from a pipeline.
 */

import type { Command } from 'commander'
import {
  describeConfig,
  loadSecretFiles,
  readBridgeConfig,
  readRoutingConfig,
  compileRouting,
  eventFromEnv,
  runBridge,
  sendEvent,
  type SendFlags
} from '../bridge/index.js'
import { InputError } from '../core/errors.js'
import { urlUserinfoSecrets } from '../core/secrets.js'
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
      // A route's GitHub part says whether the bridge can act on it.
      const github = config.github === undefined ? ' (GitHub off)' : ' + GitHub'
      const routes = routing.routes.map(
        (r) =>
          `  ${r.name}: ${r.channels.join(', ') || '(no channel)'}${r.github === false ? '' : github}`
      )
      await ctx.write(
        `${Object.entries(summary)
          .map(
            ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`
          )
          .join('\n')}\n${routes.join('\n')}\n`
      )
    })
  bridge
    .command('send')
    .description(
      'post a signed build event to the bridge from a Jenkins build (job, number, URL, commit and branch from its variables)'
    )
    .requiredOption(
      '--url <url>',
      'the bridge endpoint, e.g. https://bridge.example.org/jenkins (BRIDGE_URL)',
      process.env.BRIDGE_URL
    )
    .requiredOption(
      '--phase <phase>',
      'QUEUED, STARTED, STAGE, COMPLETED or FINALIZED'
    )
    .option(
      '--result <result>',
      'SUCCESS, UNSTABLE, FAILURE, NOT_BUILT or ABORTED (currentBuild.currentResult)'
    )
    .option('--stage <name>', 'the stage, for STAGE (default: STAGE_NAME)')
    .option('--job <name>', 'full job name (default: JOB_NAME)')
    .option('--number <n>', 'build number (default: BUILD_NUMBER)')
    .option('--build-url <url>', 'build URL (default: BUILD_URL)')
    .option('--sha <sha>', 'the commit built (default: GIT_COMMIT)')
    .option('--repo <owner/repo>', 'the GitHub repository')
    .option('--branch <name>', 'the branch (default: BRANCH_NAME)')
    .action(async (f: SendFlags & { url?: string }) => {
      if (f.url === undefined)
        throw new InputError('bridge send: --url (or BRIDGE_URL) is required')
      for (const secret of urlUserinfoSecrets(f.url)) ctx.reporter.mask(secret)
      const token = new URL(f.url).searchParams.get('token')
      if (token !== null) ctx.reporter.mask(token)
      const secret = process.env.BRIDGE_SECRET
      if (secret === undefined || secret === '')
        ctx.reporter.warning(
          'BRIDGE_SECRET is not set: sending unsigned (the bridge needs a ?token= in --url then)'
        )
      else ctx.reporter.mask(secret)
      const answer = await sendEvent({
        url: f.url,
        event: eventFromEnv(f, process.env),
        ...(secret === undefined || secret === '' ? {} : { secret })
      })
      await ctx.write(`${JSON.stringify(answer)}\n`)
    })
}
