/**
 * What the git store fetches, on a real bare repository with the real git
 * CLI: a fresh cache (a fresh runner) takes only the branch's tip, as
 * actions/checkout does, reads and writes from it; and when another process
 * is fetching into the same new cache (git's `shallow.lock` held), a read
 * fetches the whole branch instead of failing.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentReporter } from '../../../src/core/index.js'
import { GitRepo, GitStore } from '../../../src/metrics/index.js'
import { gitLog } from '../../helpers/git-server.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'

const BRANCH = 'stackci-metrics'

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8' })
  expect([r.status, r.stderr]).toEqual([0, r.stderr])
  return r.stdout.trim()
}

/** The bare repository a store keeps under its cache directory. */
function cacheRepo(cacheDir: string): string {
  const name = readdirSync(cacheDir).find((f) => f.endsWith('.git'))
  return join(cacheDir, name ?? '')
}

describe("the git store's fetches", () => {
  it('a fresh cache takes only the tip and writes from it; a held shallow lock means a whole fetch', async () => {
    const dir = tempDir()
    const bare = join(dir, 'history.git')
    spawnSync('git', ['init', '--quiet', '--bare', bare])
    const store = (cache: string): GitStore =>
      new GitStore({
        url: bare,
        branch: BRANCH,
        cacheDir: join(dir, cache),
        reporter: silentReporter
      })
    const jobs = [0, 1, 2].map((i) =>
      dispatchJob(
        `j${i}`,
        { 'pkg.a': i, 'pkg.b': 10 + i },
        { time: T0 + i * DAY }
      )
    )
    await store('writer').write(jobs[0] as (typeof jobs)[number])
    await store('writer').write(jobs[1] as (typeof jobs)[number])
    expect(gitLog(bare, BRANCH)).toHaveLength(2)

    const fresh = await store('fresh').readHistory()
    expect(fresh.jobs.map((j) => j.jobId)).toEqual(['j0', 'j1'])
    expect(fresh.measurements.map((m) => m.value)).toEqual([0, 10, 1, 11])
    const cache = cacheRepo(join(dir, 'fresh'))
    expect(git(cache, 'rev-parse', '--is-shallow-repository')).toBe('true')
    expect(readFileSync(join(cache, 'shallow'), 'utf8').trim()).toBe(
      git(bare, 'rev-parse', BRANCH)
    )
    await store('fresh').write(jobs[2] as (typeof jobs)[number])
    expect(gitLog(bare, BRANCH)).toHaveLength(3)
    git(bare, 'fsck', '--no-progress')

    // Another process is fetching the tip into this new cache.
    await GitRepo.open(
      join(dir, 'locked'),
      { url: bare, branch: BRANCH },
      silentReporter
    )
    const locked = cacheRepo(join(dir, 'locked'))
    writeFileSync(join(locked, 'shallow.lock'), '')
    const whole = await store('locked').readHistory()
    expect(whole.jobs.map((j) => j.jobId)).toEqual(['j0', 'j1', 'j2'])
    expect(git(locked, 'rev-parse', '--is-shallow-repository')).toBe('false')
    expect(
      (await store('writer').readHistory()).measurements.map((m) => m.value)
    ).toEqual([0, 10, 1, 11, 2, 12])
  })
})
