import { join } from 'node:path'
import { runCli, type CliRun } from '../../helpers/cli.js'
import { tempDir } from '../../helpers/metrics.js'
import { storedRecords } from '../../helpers/sasquatch.js'
import { KafkaRestEmulator } from '../../emulators/kafka-rest/server.js'

const TOKEN = 'gt-cli.sasquatch-token-value'
const examples = join(process.cwd(), 'examples', 'stack')
const jobs = join(examples, 'jobs')
const env = {
  SASQUATCH_TOKEN: TOKEN,
  BUILD_ID: '812',
  BUILD_URL: 'https://rubin-ci.example.org/job/ci_hsc/812/',
  PRODUCT: 'ci_hsc',
  refs: 'main',
  GITHUB_ACTIONS: ''
}

describe('stackci metrics dispatch|replay --sasquatch', () => {
  let proxy: KafkaRestEmulator
  let dir: string
  let common: string[]
  beforeEach(async () => {
    proxy = new KafkaRestEmulator({ token: TOKEN })
    await proxy.start()
    dir = tempDir()
    common = [
      '--definitions',
      examples,
      '--no-sqlite',
      '--spool',
      join(dir, 'spool'),
      '--series',
      'main',
      '--sasquatch-namespace',
      'lsst.verify.drp',
      '--sasquatch-dataset',
      'HSC/RC2/Nightly'
    ]
  })
  afterEach(async () => {
    await proxy.stop()
  })

  const replayTo = async (url: string): Promise<CliRun> =>
    runCli(
      [
        'metrics',
        'replay',
        '--definitions',
        examples,
        '--no-sqlite',
        '--spool',
        join(dir, 'spool'),
        '--sasquatch',
        url,
        '--sasquatch-namespace',
        'lsst.verify.drp',
        '--sasquatch-dataset',
        'HSC/RC2/Nightly'
      ],
      { env }
    )
  const assertStored = (count: number): void => {
    const all = storedRecords(proxy)
    expect(all).toHaveLength(count)
    for (const value of all) {
      // Non-empty tags, from the sample stack's metric definitions.
      expect((value.tags as string[]).length).toBeGreaterThan(0)
      expect(value).toMatchObject({
        dataset_tag: 'HSC/RC2/Nightly',
        ci_id: '812',
        ci_url: env.BUILD_URL,
        ci_name: 'ci_hsc'
      })
    }
  }

  it('dispatches the sample stack jobs to the proxy, with the token masked', async () => {
    const r = await runCli(
      ['metrics', 'dispatch', ...common, '--sasquatch', proxy.url, jobs],
      { env }
    )
    expect(r.stderr).not.toContain(TOKEN)
    expect(r.stdout).not.toContain(TOKEN)
    expect(r.code).toBe(0)
    expect([...proxy.topics.keys()].sort()).toEqual([
      'lsst.verify.drp.astrom_rms',
      'lsst.verify.drp.matched_fraction',
      'lsst.verify.drp.n_matched',
      'lsst.verify.drp.phot_rms',
      'lsst.verify.drp.run_time'
    ])
    assertStored(5)
    expect(proxy.values('lsst.verify.drp.astrom_rms')[0]?.tags).toEqual([
      'astrometry'
    ])
    expect(proxy.received('produce')[0]?.headers.authorization).toBe(
      `Bearer ${TOKEN}`
    )
  })

  it('spools while the proxy is down; replay after: nothing lost, nothing sent twice', async () => {
    const url = proxy.url
    await proxy.stop()
    const down = await runCli(
      ['metrics', 'dispatch', ...common, '--sasquatch', url, jobs],
      { env }
    )
    expect(down.code).toBe(0)
    expect(down.stderr).toMatch(/was not stored: .*Sasquatch is unreachable/)
    expect(down.stderr).toContain(
      `stackci metrics replay --spool ${join(dir, 'spool')}`
    )
    await proxy.start()
    const replay = await replayTo(proxy.url)
    expect(replay.stdout).toMatch(/^1 sent, 0 left/)
    expect(replay.code).toBe(0)
    assertStored(5)
    // A second replay finds nothing left to send.
    const again = await replayTo(proxy.url)
    expect(again.code).toBe(0)
    assertStored(5)
    expect(`${down.stderr}${replay.stderr}${replay.stdout}`).not.toContain(
      TOKEN
    )
  })
})
