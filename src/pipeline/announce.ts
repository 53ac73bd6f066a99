/**
 * Telling people about a run, as it goes: a Slack message per run (posted
 * at the start, updated in place at the end) with a thread reply per step,
 * and a GitHub check run named after the run on the commit under test.
 * Telling is best effort: a failure to tell is a warning, never a failed
 * pipeline. Both carry the run id.
 */

import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { errorMessage } from '../core/errors.js'
import { readGitHubEvent } from '../core/github-event.js'
import { once } from '../core/once.js'
import { workflowRunUrl } from '../metrics/environment.js'
import { makeOctokit, makeSlackClient } from '../core/clients.js'
import { pullRequestOf } from '../metrics/settings.js'
import {
  pipelineSlackMessage,
  pipelineStepReply,
  type PipelineRunView,
  type PipelineStepView
} from '../notify/pipeline-slack.js'
import type { RunState } from './state.js'

interface CheckTarget {
  /** Made (and the SDK loaded) on first use. */
  octokit: () => Promise<Octokit>
  owner: string
  repo: string
  sha: string
  id?: number
}

/** The commit a check run belongs to: the PR head, else GITHUB_SHA. */
function commitUnderTest(env: RunState['env']): string | undefined {
  const sha = readGitHubEvent(env).pull_request?.head?.sha ?? env.GITHUB_SHA
  return sha === undefined || sha === '' ? undefined : sha
}

/** The name of the check run: the profile and the run id. */
export function checkName(profile: string, runId: string): string {
  return `stackci ${profile} · ${runId}`
}

export class RunAnnouncer {
  readonly #run: RunState
  readonly #view: PipelineRunView
  #slack?: { client: () => Promise<WebClient>; channel: string; ts?: string }
  #check?: CheckTarget

  constructor(run: RunState, steps: readonly string[]) {
    this.#run = run
    const runUrl = workflowRunUrl(run.env)
    const sha = commitUnderTest(run.env)
    this.#view = {
      runId: run.runId,
      profile: run.profile.name,
      ...(runUrl === undefined ? {} : { runUrl }),
      ...subjectOf(run, sha),
      steps: steps.map((step) => ({ step, status: 'not run', detail: '' }))
    }
    const env = run.clientEnv
    const notify = run.profile.section.notify !== false
    const slack = run.config.slack
    if (slack !== undefined && notify) {
      const tokenVar = slack['token-env'] ?? 'SLACK_BOT_TOKEN'
      const token = run.env[tokenVar]
      if (token === undefined || token === '') {
        run.reporter.warning(
          `slack.channel is ${slack.channel} but ${tokenVar} is not set: no Slack messages for this run`
        )
      } else {
        this.#slack = {
          client: once(async () => makeSlackClient(token, env, run.reporter)),
          channel: slack.channel
        }
      }
    }
    const github = run.config.github
    const token = env.GITHUB_TOKEN
    const repository = run.env.GITHUB_REPOSITORY
    if (
      notify &&
      github?.checks !== false &&
      token !== undefined &&
      token !== '' &&
      repository !== undefined &&
      repository.includes('/') &&
      sha !== undefined
    ) {
      const [owner = '', repo = ''] = repository.split('/')
      this.#check = {
        octokit: once(async () => makeOctokit(token, env, run.reporter)),
        owner,
        repo,
        sha
      }
    }
  }

  /** Posts the run's Slack message and opens its check run. */
  async start(): Promise<void> {
    const slack = this.#slack
    if (slack !== undefined) {
      await this.#tell('Slack', async () => {
        const r = await (
          await slack.client()
        ).chat.postMessage({
          channel: slack.channel,
          ...pipelineSlackMessage(this.#view)
        })
        if (r.ts === undefined) throw new Error('Slack answered without a ts')
        slack.ts = r.ts
        // chat.update and thread replies want the channel's id, not its name.
        slack.channel = r.channel ?? slack.channel
        this.#run.slackThread = { channel: slack.channel, ts: r.ts }
        this.#run.reporter.info(
          `Slack: run ${this.#run.runId} in ${slack.channel}, thread ${r.ts}`
        )
      })
    }
    const check = this.#check
    if (check !== undefined) {
      await this.#tell('GitHub check run', async () => {
        const r = await (
          await check.octokit()
        ).rest.checks.create({
          owner: check.owner,
          repo: check.repo,
          name: checkName(this.#run.profile.name, this.#run.runId),
          head_sha: check.sha,
          external_id: this.#run.runId,
          status: 'in_progress',
          ...(this.#view.runUrl === undefined
            ? {}
            : { details_url: this.#view.runUrl })
        })
        check.id = r.data.id
      })
    }
  }

  /** A step started: the parent message shows it running. */
  stepStarted(step: string): void {
    const view = this.#view.steps.find((s) => s.step === step)
    if (view !== undefined) view.status = 'running'
  }

  /** A step ended: a reply in the thread. */
  async stepDone(done: PipelineStepView): Promise<void> {
    const i = this.#view.steps.findIndex((s) => s.step === done.step)
    if (i !== -1) this.#view.steps[i] = done
    await this.#inThread(async (client, channel, ts) =>
      client.chat.postMessage({
        channel,
        thread_ts: ts,
        ...pipelineStepReply(this.#run.runId, done)
      })
    )
  }

  /** The run ended: the message updated in place, the check completed. */
  async finish(passed: boolean, table: string): Promise<void> {
    this.#view.passed = passed
    await this.#inThread(async (client, channel, ts) =>
      client.chat.update({ channel, ts, ...pipelineSlackMessage(this.#view) })
    )
    const check = this.#check
    if (check?.id !== undefined) {
      const id = check.id
      await this.#tell('GitHub check run', async () => {
        await (
          await check.octokit()
        ).rest.checks.update({
          owner: check.owner,
          repo: check.repo,
          check_run_id: id,
          status: 'completed',
          conclusion: passed ? 'success' : 'failure',
          output: {
            title: `stackci ${this.#run.profile.name} ${passed ? 'passed' : 'failed'} (run ${this.#run.runId})`,
            summary: `\`\`\`\n${table.slice(0, 60_000)}\n\`\`\``
          }
        })
      })
    }
  }

  /** A call about the run's Slack message, once it has been posted. */
  async #inThread(
    call: (client: WebClient, channel: string, ts: string) => Promise<unknown>
  ): Promise<void> {
    const slack = this.#slack
    const ts = slack?.ts
    if (slack === undefined || ts === undefined) return
    await this.#tell('Slack', async () => {
      await call(await slack.client(), slack.channel, ts)
    })
  }

  async #tell(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (error) {
      this.#run.reporter.warning(
        `${what}: could not tell about run ${this.#run.runId}: ${errorMessage(error)}`
      )
    }
  }
}

function subjectOf(
  run: RunState,
  sha: string | undefined
): { subject?: string } {
  const repo = run.env.GITHUB_REPOSITORY
  const pr = pullRequestOf(run.env)
  const parts = [
    repo === undefined
      ? undefined
      : `${repo}${sha === undefined ? '' : `@${sha.slice(0, 7)}`}`,
    pr === undefined ? undefined : `PR #${pr}`,
    run.options.version === undefined
      ? undefined
      : `version ${run.options.version}`
  ].filter((p): p is string => p !== undefined)
  return parts.length === 0 ? {} : { subject: parts.join(' · ') }
}
