/**
 * The relays of a running bridge, built from its configuration: a Slack
 * dispatcher (a lane per channel, paced at BRIDGE_SLACK_INTERVAL) and a
 * GitHub dispatcher (a lane per repository, within a shared budget), each
 * on its backend. Clients come from the configuration unless given.
 */

import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { createOctokit, createSlackClient } from './clients.js'
import type { BridgeConfig } from './config.js'
import type { DeliveryStore } from './delivery-store.js'
import { Dispatcher } from './dispatcher.js'
import { GithubAppTokens } from './github-app.js'
import { GithubRelay } from './github-relay.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import type { Routing } from './routing.js'
import { ChannelDirectory, MentionResolver } from './slack-directory.js'
import { SlackRelay } from './slack-relay.js'
import { TokenBucket } from './token-bucket.js'

export interface RelayDeps {
  config: BridgeConfig
  routing: Routing
  deliveries: DeliveryStore
  metrics: BridgeMetrics
  log: Log
  now: () => number
  /** Registers secrets the relays derive (installation tokens, JWTs). */
  mask?: (secret: string) => void
  clients?: { slack?: WebClient; octokit?: Octokit }
}

export function createDispatchers(d: RelayDeps): Dispatcher[] {
  const { config, deliveries, now } = d
  const common = {
    deliveries,
    metrics: d.metrics,
    maxAttempts: config.maxAttempts,
    now
  }
  const out: Dispatcher[] = []
  if (config.slack !== undefined) {
    const log = d.log.child({ component: 'slack' })
    const client = d.clients?.slack ?? createSlackClient(config.slack, log)
    const perMinute = config.slack.updatesPerMinute
    const backend = new SlackRelay({
      client,
      deliveries,
      channels: new ChannelDirectory(client, now),
      mentions: new MentionResolver(client, d.routing.mentions, log),
      updates: new TokenBucket(perMinute, Math.min(10, perMinute), now),
      log,
      now
    })
    out.push(
      new Dispatcher({
        ...common,
        backend,
        log,
        spacingMs: config.slack.intervalMs
      })
    )
  }
  if (config.github !== undefined) {
    const log = d.log.child({ component: 'github' })
    const perMinute = config.github.perMinute
    const app = config.github.app
    const tokens =
      app === undefined
        ? undefined
        : new GithubAppTokens({
            ...app,
            apiUrl: config.github.apiUrl,
            now,
            ...(d.mask === undefined ? {} : { mask: d.mask })
          })
    const backend = new GithubRelay({
      octokit: d.clients?.octokit ?? createOctokit(config.github, log, tokens),
      ...(tokens === undefined ? {} : { tokens }),
      deliveries,
      budget: new TokenBucket(perMinute, Math.min(20, perMinute), now),
      unstable: d.routing.github.unstable,
      now
    })
    out.push(new Dispatcher({ ...common, backend, log, spacingMs: 0 }))
  }
  return out
}
