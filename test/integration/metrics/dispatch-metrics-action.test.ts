import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { runActionBundle, type ActionRun } from '../../helpers/actions.js'
import { GitHubEmulator } from '../../emulators/github/server.js'
import { SquashEmulator } from '../../emulators/squash/server.js'
import { tempDir } from '../../helpers/metrics.js'

const root = process.cwd()
const examples = join(root, 'examples', 'stack')

/**
 * The bundle as a runner runs it: copied out of the repository (an action
 * checkout has no node_modules), in a workspace that installed
 * better-sqlite3 (here: a link to ours), INPUT_* and GITHUB_* as the runner
 * sets them.
 */
describe('the dispatch-metrics action bundle', () => {
  let github: GitHubEmulator
  let squash: SquashEmulator
  let bundle: string
  let workspace: string
  beforeAll(() => {
    // The action's dist/ alone, as a runner has it: the bundle and the
    // chunks it loads later, with no node_modules around.
    const actionDir = tempDir('stackci-action-')
    cpSync(join(root, 'actions', 'dispatch-metrics', 'dist'), actionDir, {
      recursive: true
    })
    bundle = join(actionDir, 'index.cjs')
  })
  beforeEach(async () => {
    github = new GitHubEmulator()
    squash = new SquashEmulator({
      users: { ci: 'squash-Secret-1' },
      metrics: ['skyprobe.astrom_rms', 'skyprobe.phot_rms']
    })
    await github.start()
    await squash.start()
    workspace = tempDir('stackci-ws-')
    symlinkSync(join(root, 'node_modules'), join(workspace, 'node_modules'))
    mkdirSync(join(workspace, 'out'))
  })
  afterEach(async () => {
    await github.stop()
    await squash.stop()
  })

  const job = (name: string, astrom: number): void => {
    writeFileSync(
      join(workspace, 'out', `${name}.verify.json`),
      JSON.stringify({
        measurements: [
          {
            metric: 'skyprobe.astrom_rms',
            identifier: `${name}a`,
            value: astrom,
            unit: 'marcsec',
            blob_refs: []
          },
          {
            metric: 'skyprobe.phot_rms',
            identifier: `${name}p`,
            value: 8.9,
            unit: 'mmag',
            blob_refs: []
          }
        ],
        blobs: [],
        meta: { dataset_name: 'field_a', instrument: 'SIM' }
      })
    )
  }

  const run = async (inputs: Record<string, string>): Promise<ActionRun> =>
    runActionBundle(
      bundle,
      {
        jobs: 'out/*.verify.json',
        definitions: examples,
        sqlite: '.stackci/metrics.sqlite',
        'squash-url': squash.url,
        'squash-user': 'ci',
        'squash-password': 'squash-Secret-1',
        'github-token': 'ghs_app_token',
        ...inputs
      },
      {
        cwd: workspace,
        env: {
          GITHUB_API_URL: github.url,
          GITHUB_REPOSITORY: 'lsst/stack',
          GITHUB_REF: 'refs/pull/5/merge',
          GITHUB_RUN_ID: '77',
          GITHUB_SERVER_URL: 'https://github.com'
        },
        event: {
          pull_request: {
            number: 5,
            head: { repo: { full_name: 'lsst/stack' } },
            base: { repo: { full_name: 'lsst/stack' } }
          }
        }
      }
    )

  it('passes: outputs, job summary, report, stores and the PR comment', async () => {
    job('a', 14.2)
    const r = await run({})
    expect(r.stdout).not.toMatch(/::error::/)
    expect(r.code).toBe(0)
    expect(r.outputs).toEqual({
      passed: 'true',
      failures: '0',
      warnings: '0',
      regressions: '0',
      jobs: '1',
      spooled: '0',
      report: join(r.dir, 'stackci-metrics-report.json'),
      'comment-url': expect.stringMatching(
        /\/lsst\/stack\/pull\/5#issuecomment-\d+$/
      ) as string,
      'slack-ts': ''
    })
    expect(r.summary).toMatch(/^### ✅ Metrics gate passed/)
    expect(r.summary).toContain(
      '| ✅ | `skyprobe.astrom_rms.minimum` | 14.20 marcsec | <= 60.0 marcsec |'
    )
    const report = JSON.parse(readFileSync(r.outputs.report ?? '', 'utf8')) as {
      jobs: { series: string }[]
      dispatch: { stores: { type: string; written: number }[] }
    }
    expect(report.jobs[0]?.series).toBe('pr/5')
    expect(report.dispatch.stores.map((s) => [s.type, s.written])).toEqual([
      ['sqlite', 2],
      ['squash', 1]
    ])
    expect(squash.jobs).toHaveLength(1)
    expect(github.comments).toHaveLength(1)
    // Secrets are registered with the runner, and appear nowhere else.
    const lines = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
    expect(r.stdout).toContain('::add-mask::squash-Secret-1')
    expect(lines.join('\n')).not.toContain('squash-Secret-1')
    expect(lines.join('\n')).not.toContain('ghs_app_token')
    expect(r.summary).not.toContain('squash-Secret-1')
  })

  it('fails the step when a fail-tagged spec fails — or only says so, with fail-on-gate: false', async () => {
    job('bad', 64.2)
    const failed = await run({})
    expect(failed.code).toBe(1)
    expect(failed.outputs).toMatchObject({
      passed: 'false',
      failures: '1',
      warnings: '2'
    })
    expect(failed.stdout).toContain(
      '::error::metrics gate failed: 1 specification(s) tagged minimum failed'
    )
    const told = await run({ 'fail-on-gate': 'false' })
    expect(told.code).toBe(0)
    expect(told.outputs.passed).toBe('false')
    // The comment was edited, not duplicated.
    expect(github.comments).toHaveLength(1)
    // The configured tags decide.
    const designOnly = await run({
      'fail-tags': 'stretch',
      'warn-tags': 'nothing'
    })
    expect(designOnly.outputs).toMatchObject({
      passed: 'false',
      failures: '1',
      warnings: '0'
    })
    const none = await run({ 'fail-tags': 'no-such-tag' })
    expect(none.code).toBe(0)
    expect(none.outputs).toMatchObject({ passed: 'true', failures: '0' })
  })

  it('spools a send the store refused, says so, and replays it on the next run', async () => {
    job('a', 14.2)
    squash.fault({
      match: 'create-job',
      kind: 'status',
      status: 503,
      times: 10
    })
    const r = await run({})
    expect(r.code).toBe(0)
    expect(r.outputs.spooled).toBe('1')
    expect(r.stdout).toMatch(
      /::warning::squash .* was not stored: .*SQuaSH answered 503 .*%0AIt is kept in .*; send it again with: stackci metrics replay/
    )
    squash.clearFaults()
    const strict = await run({ 'fail-on-spool': 'true', replay: 'true' })
    expect(strict.code).toBe(0)
    expect(strict.stdout).toContain('1 sent, 0 left')
    // Replayed once, and not sent again by the dispatch that followed.
    expect(squash.jobs).toHaveLength(1)
  })

  it('names a bad input, and a workspace without better-sqlite3', async () => {
    job('a', 14.2)
    const typo = await run({ 'dry-run': 'yes' })
    expect(typo.code).toBe(1)
    expect(typo.stdout).toContain(
      `::error::dispatch-metrics: input 'dry-run' must be true or false, got "yes"`
    )
    const bare = tempDir('stackci-bare-')
    mkdirSync(join(bare, 'out'))
    copyFileSync(
      join(workspace, 'out', 'a.verify.json'),
      join(bare, 'out', 'a.verify.json')
    )
    const r = await runActionBundle(
      bundle,
      { jobs: 'out/*.verify.json', sqlite: 'm.sqlite' },
      { cwd: bare }
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '::error::the sqlite store needs the better-sqlite3 package'
    )
    expect(r.stdout).toContain('npm install better-sqlite3@12')
  })
})
