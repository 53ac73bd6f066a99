/**
 * The example workflows in examples/workflows/ are valid GitHub workflows
 * (GitHub's own parser, reusable workflows followed) and use our actions
 * only with inputs they declare, every required one given.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { load } from 'js-yaml'
import {
  checkUses,
  formatProblem,
  repoResolver,
  validateWorkflow
} from '../../helpers/workflows.js'

const root = process.cwd()
const dir = join(root, 'examples', 'workflows')
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
const rel = (f: string): string => join('examples', 'workflows', f)
const text = (f: string): string => readFileSync(join(dir, f), 'utf8')
const provider = (path: string): string | undefined => {
  // ./.github/workflows/X in a caller is examples/workflows/X here.
  const local = join(dir, basename(path))
  return path.startsWith('.github/workflows/') && existsSync(local)
    ? readFileSync(local, 'utf8')
    : undefined
}
const resolver = repoResolver(root, dir)

interface Job {
  uses?: string
  permissions?: Record<string, string>
  steps?: { uses?: string; with?: Record<string, unknown> }[]
  with?: Record<string, unknown>
  secrets?: unknown
}
interface Workflow {
  on: Record<string, Record<string, unknown> | null>
  concurrency?: { group: string; 'cancel-in-progress': boolean | string }
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}
const workflow = (f: string): Workflow => load(text(f)) as Workflow

describe('examples/workflows', () => {
  it('holds the four flows and the reusable workflow', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'pr-check.yml',
        'daily.yml',
        'weekly.yml',
        'stable.yml',
        'stackci-pipeline.yml'
      ])
    )
  })

  it.each(files)(
    '%s is a valid workflow for GitHub (@actions/workflow-parser)',
    async (f) => {
      const problems = await validateWorkflow(rel(f), text(f), provider)
      expect(problems.map(formatProblem)).toEqual([])
    }
  )

  it.each(files)(
    '%s gives our actions and the reusable workflow only declared inputs, and every required one',
    (f) => {
      expect(checkUses(rel(f), text(f), resolver).map(formatProblem)).toEqual(
        []
      )
    }
  )

  it.each(files)(
    '%s says what it does in a comment header, and grants no permission at the top',
    (f) => {
      expect(text(f)).toMatch(new RegExp(`^# ${f.replace('.', '\\.')} — `))
      const w = workflow(f)
      const top = 'workflow_call' in w.on ? {} : w.permissions
      expect(top).toEqual({})
      for (const [id, job] of Object.entries(w.jobs)) {
        // Each job asks for what it uses: write only on checks, statuses,
        // pull requests, and contents (the git store's and the dashboard's
        // branches).
        expect([id, job.permissions]).toEqual([id, expect.any(Object)])
        const grants = Object.entries(job.permissions ?? {})
        expect(
          grants.filter(
            ([scope, level]) =>
              level !== 'read' &&
              level !== 'none' &&
              !(
                level === 'write' &&
                ['checks', 'statuses', 'pull-requests', 'contents'].includes(
                  scope
                )
              )
          )
        ).toEqual([])
      }
    }
  )

  it('the reusable workflow takes profile, version and date and the secrets, and is used', () => {
    const reusable = workflow('stackci-pipeline.yml').on.workflow_call as {
      inputs: Record<string, { required?: boolean }>
      secrets: Record<string, unknown>
    }
    expect(reusable.inputs.profile?.required).toBe(true)
    expect(Object.keys(reusable.inputs)).toEqual(
      expect.arrayContaining(['profile', 'version', 'date'])
    )
    expect(Object.keys(reusable.secrets)).toEqual(
      expect.arrayContaining([
        'JENKINS_USER',
        'JENKINS_TOKEN',
        'SLACK_BOT_TOKEN',
        'REGISTRY_USERNAME',
        'REGISTRY_PASSWORD'
      ])
    )
    const callers = files.filter((f) =>
      Object.values(workflow(f).jobs).some(
        (j) => j.uses === './.github/workflows/stackci-pipeline.yml'
      )
    )
    expect(callers).toEqual(['daily.yml', 'stable.yml', 'weekly.yml'])
  })

  it('pr-check runs on pull requests to main, cancels a superseded run, and shows both styles', () => {
    const w = workflow('pr-check.yml')
    expect(w.on.pull_request).toEqual({ branches: ['main'] })
    expect(w.concurrency?.group).toContain('github.event.pull_request.number')
    expect(w.concurrency?.['cancel-in-progress']).toBe(
      "${{ github.event_name == 'pull_request' }}"
    )
    const uses = Object.values(w.jobs).flatMap((j) =>
      (j.steps ?? []).map((s) => s.uses ?? '')
    )
    expect(uses).toEqual(
      expect.arrayContaining([
        'lsst/stackci@v1',
        'lsst/stackci/actions/lint@v1',
        'lsst/stackci/actions/verify@v1'
      ])
    )
    const pipeline = Object.values(w.jobs).find((j) =>
      (j.steps ?? []).some((s) => s.uses === 'lsst/stackci@v1')
    )
    expect(pipeline?.permissions).toEqual({
      contents: 'write',
      checks: 'write',
      'pull-requests': 'write'
    })
  })

  it.each(files)(
    '%s keeps no history in actions/cache and installs no native module (the git store)',
    (f) => {
      expect(text(f)).not.toMatch(/actions\/cache|better-sqlite3/)
      for (const job of Object.values(workflow(f).jobs)) {
        const stackci = (job.steps ?? []).filter(
          (s) => s.uses === 'lsst/stackci@v1'
        )
        for (const step of stackci)
          expect(
            (step as { env?: Record<string, string> }).env?.GITHUB_TOKEN
          ).toBe('${{ github.token }}')
      }
    }
  )

  it.each([
    ['daily.yml', 'daily', '0 0 * * 0-3,5,6'],
    ['weekly.yml', 'weekly', '0 0 * * 4']
  ])(
    '%s runs on schedule (Pacific time, as LSST) and by hand, one at a time, never cancelled',
    (f, profile, cron) => {
      const w = workflow(f)
      expect(w.on.schedule).toEqual([{ cron, timezone: 'America/Los_Angeles' }])
      expect(w.on.workflow_dispatch).toHaveProperty('inputs.date')
      expect(w.concurrency).toEqual({
        group: `stackci-release-${profile}`,
        'cancel-in-progress': false
      })
      expect(w.jobs.release?.with?.profile).toBe(profile)
    }
  )

  it('stable asks for a version, checks it, and never cancels a release', () => {
    const w = workflow('stable.yml')
    expect(w.on.workflow_dispatch).toEqual({
      inputs: {
        version: expect.objectContaining({ required: true }) as unknown
      }
    })
    expect(w.concurrency).toEqual({
      group: 'stackci-release-stable',
      'cancel-in-progress': false
    })
    expect(w.jobs.release?.with).toMatchObject({
      profile: 'stable',
      version: '${{ inputs.version }}'
    })
  })
})
