/**
 * The dispatch-metrics action's `git` input: the history pushed to a data
 * branch of a real repository (git http-backend on 127.0.0.1, Basic auth as
 * GitHub takes a token), with the token from the action's `github-token`
 * input, no native module in the workspace, and no token in any log.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runActionBundle } from '../../helpers/actions.js'
import { runCli } from '../../helpers/cli.js'
import { GitHttpServer, gitFiles } from '../../helpers/git-server.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'

const TOKEN = 'ghs_ActionT0kenThatMustNeverBeLogged123456'
const root = process.cwd()

describe('the dispatch-metrics action with a git store', () => {
  let server: GitHttpServer
  beforeAll(async () => {
    server = await new GitHttpServer(TOKEN).start()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('pushes every measurement to the branch named in the git input, read back by export', async () => {
    const actionDir = tempDir('stackci-action-')
    cpSync(join(root, 'actions', 'dispatch-metrics', 'dist'), actionDir, {
      recursive: true
    })
    // A workspace without node_modules: the git store needs no native module.
    const workspace = tempDir('stackci-ws-')
    mkdirSync(join(workspace, 'out'))
    writeFileSync(
      join(workspace, 'out', 'a.verify.json'),
      JSON.stringify({
        measurements: [
          {
            metric: 'skyprobe.astrom_rms',
            identifier: 'a1',
            value: 14.2,
            unit: 'marcsec',
            blob_refs: []
          }
        ],
        blobs: [],
        meta: {
          dataset_name: 'field_a',
          instrument: 'SIM',
          packages: {},
          date_created: new Date(T0 + DAY).toISOString()
        }
      })
    )
    const bare = server.createBare('stack.git')
    const url = server.url('stack.git')
    const r = await runActionBundle(
      join(actionDir, 'index.cjs'),
      {
        jobs: 'out/*.verify.json',
        git: `${url}#history`,
        series: 'main',
        'github-token': TOKEN,
        comment: 'false'
      },
      { cwd: workspace }
    )
    expect([r.code, r.stdout]).toEqual([0, r.stdout])
    expect(r.outputs).toMatchObject({ passed: 'true', jobs: '1', spooled: '0' })
    expect(gitFiles(bare, 'history')).toHaveLength(1)
    const logged = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    expect(logged + r.stderr + r.summary).not.toContain(TOKEN)
    const exported = await runCli(
      ['metrics', 'export', '--git', `${url}#history`],
      {
        cwd: workspace,
        env: { GITHUB_TOKEN: TOKEN }
      }
    )
    expect(exported.code).toBe(0)
    expect(JSON.parse(exported.stdout.trim())).toMatchObject({
      metric: 'skyprobe.astrom_rms',
      value: 14.2,
      dataset: 'field_a',
      series: 'main'
    })
  })
})
