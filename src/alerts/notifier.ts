/**
 * Delivering an alert's announcements: the Slack message on firing and
 * the resolution in its thread; the GitHub issue opened (or reopened: one
 * per alert key, found again by the marker in its body) on firing, and
 * commented on and closed on resolve. The text comes from `notify`.
 */

import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { HttpError, errorMessage } from '../core/errors.js'
import { postSlackAlert } from '../metrics/publish.js'
import {
  alertFiringSlack,
  alertIssue,
  alertIssueMarker,
  alertResolvedComment,
  alertResolvedSlack,
  type AlertNotice
} from '../notify/index.js'
import type { AlertRule } from './rules.js'
import type { AlertState } from './state.js'

export interface Delivery {
  slack?: { channel: string; ts: string }
  issue?: number
}

/** Sends announcements; what it returns is recorded with the alert. */
export interface AlertNotifier {
  firing(
    notice: AlertNotice,
    rule: AlertRule,
    prev: AlertState
  ): Promise<Delivery>
  resolved(
    notice: AlertNotice,
    rule: AlertRule,
    prev: AlertState,
    at: number
  ): Promise<Delivery>
}

export interface NotifierClients {
  slack?: WebClient
  github?: { octokit: Octokit; repository: string }
}

function split(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/')
  return { owner, repo }
}

function githubError(
  what: string,
  repository: string,
  error: unknown
): HttpError {
  const status = (error as { status?: unknown }).status
  return new HttpError(
    `GitHub refused to ${what} in ${repository}: ${errorMessage(error)}`,
    {
      cause: error,
      ...(status === 401 || status === 403
        ? { hint: 'the token needs issues: write on the repository' }
        : status === 404
          ? {
              hint: `check alerts.github.repository (${repository}) and that the token can see it`
            }
          : {})
    }
  )
}

/** The issue of an alert key: the one recorded, else found by its marker. */
async function findIssue(
  octokit: Octokit,
  repository: string,
  key: string,
  label: string
): Promise<number | undefined> {
  const marker = alertIssueMarker(key)
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...split(repository),
    state: 'all',
    labels: label,
    per_page: 100
  })
  return issues.find(
    (i) => i.pull_request === undefined && (i.body ?? '').includes(marker)
  )?.number
}

/** The notifier over real Slack and GitHub clients. */
export function clientNotifier(clients: NotifierClients): AlertNotifier {
  return {
    async firing(notice, rule, prev) {
      const out: Delivery = {}
      const { slack, github } = clients
      if (slack !== undefined && rule.routes.slack !== undefined)
        out.slack = await postSlackAlert(
          slack,
          rule.routes.slack,
          alertFiringSlack(notice)
        )
      if (github !== undefined && rule.routes.githubIssue) {
        const { octokit, repository } = github
        const issue = alertIssue(notice, rule.routes.labels)
        try {
          const known =
            prev.issue ??
            (await findIssue(
              octokit,
              repository,
              notice.key,
              rule.routes.labels[0] ?? 'stackci-alert'
            ))
          if (known === undefined) {
            const r = await octokit.rest.issues.create({
              ...split(repository),
              ...issue
            })
            out.issue = r.data.number
          } else {
            await octokit.rest.issues.update({
              ...split(repository),
              issue_number: known,
              ...issue,
              state: 'open'
            })
            out.issue = known
          }
        } catch (error) {
          throw githubError('open the alert issue', repository, error)
        }
      }
      return out
    },
    async resolved(notice, rule, prev, at) {
      const { slack, github } = clients
      if (slack !== undefined && prev.slack !== undefined)
        await postSlackAlert(
          slack,
          prev.slack.channel,
          alertResolvedSlack(notice, at),
          prev.slack.ts
        )
      if (
        github !== undefined &&
        rule.routes.githubIssue &&
        prev.issue !== undefined
      ) {
        const { octokit, repository } = github
        try {
          await octokit.rest.issues.createComment({
            ...split(repository),
            issue_number: prev.issue,
            body: alertResolvedComment(notice, at)
          })
          await octokit.rest.issues.update({
            ...split(repository),
            issue_number: prev.issue,
            state: 'closed',
            state_reason: 'completed'
          })
        } catch (error) {
          throw githubError('close the alert issue', repository, error)
        }
      }
      return {}
    }
  }
}
