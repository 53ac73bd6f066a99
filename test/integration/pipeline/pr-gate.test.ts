/**
 * Regression gating that stops a regressing PR, on a real git repository
 * with real flake8: main's history recorded by ten main runs, then a PR
 * branched from main. A PR whose astrometric RMS doubles fails the gate on
 * its first run (one breach), naming the metric, the band and main's
 * commit at the merge base; a PR that adds one flake8 finding fails the
 * lint ratchet with the code named.
 */

import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { runPipeline } from '../../../src/pipeline/run.js'
import { removeTempDirs, tempDir } from '../../helpers/docker.js'
import { gitIn } from '../../helpers/git.js'
import { flake8Path } from '../../helpers/lint.js'

const stack = resolve('examples', 'stack')
const flake8 = flake8Path()
afterAll(() => {
  removeTempDirs()
})

const git = gitIn

/** The sample job, its astrometry times `factor`, dated `day` of December. */
function writeJob(dir: string, factor: number, day: number): void {
  const job = JSON.parse(
    readFileSync(join(stack, 'jobs', 'field_a.verify.json'), 'utf8')
  ) as {
    measurements: { metric: string; value: number }[]
    meta: Record<string, unknown>
  }
  for (const m of job.measurements)
    if (m.metric === 'skyprobe.astrom_rms') m.value *= factor
  job.meta.date_created = `2026-11-${String(day).padStart(2, '0')}T06:00:00Z`
  writeFileSync(join(dir, 'field_a.verify.json'), JSON.stringify(job))
}

function repository(): { dir: string; file: string } {
  const dir = tempDir('stackci-pr-gate-')
  const file = join(dir, 'stackci.yml')
  writeFileSync(
    file,
    `version: 1
lint:
  linters: ['flake8: ${flake8}']
  paths: [python]
  only-changed: true
  base-ref: main
verify:
  definitions: ${stack}
  jobs: 'field_a.verify.json'
metrics:
  stores: { sqlite: { path: metrics.sqlite } }
  gate: { fail: [minimum], warn: [design], regressions: warn }
  baseline: { series: main, consecutive: 3 }
profiles:
  main:
    steps: [lint, dispatch-metrics]
    series: main
    kind: sha
  pr:
    steps: [lint, dispatch-metrics]
    series: pr/7
    regressions: fail
`
  )
  execFileSync('mkdir', ['-p', join(dir, 'python')])
  writeFileSync(join(dir, 'python', 'probe.py'), 'x = 1\n')
  writeFileSync(join(dir, '.gitignore'), '.stackci/\nmetrics.sqlite\n')
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'main')
  return { dir, file }
}

async function run(
  file: string,
  profile: string,
  id: string
): Promise<{ passed: boolean; detail: string; log: string }> {
  const reporter = new RecordingReporter()
  const result = await runPipeline(
    loadStackciConfig(readFileSync(file, 'utf8'), file),
    reporter,
    { profile, runId: id, env: { PATH: process.env.PATH ?? '' } }
  )
  const step = result.steps.find((s) => s.step === 'dispatch-metrics')
  return {
    passed: result.passed,
    detail: step?.detail ?? '',
    log: reporter.text()
  }
}

/** Ten main runs with a little noise: main's history. */
async function mainHistory(file: string): Promise<void> {
  const dir = dirname(file)
  for (let i = 0; i < 10; i++) {
    writeJob(dir, 1 + ((i % 5) - 2) * 0.01, i + 1)
    const r = await run(file, 'main', `main-${i}`)
    expect(r.passed).toBe(true)
  }
}

it('fails a PR whose metric doubles on its first run, naming metric, band and the merge base', async () => {
  const { dir, file } = repository()
  await mainHistory(file)
  const base = git(dir, 'rev-parse', '--short=7', 'HEAD')
  git(dir, 'checkout', '-qb', 'tickets/DM-1')
  writeJob(dir, 2, 20)
  const pr = await run(file, 'pr', 'pr-7-1')
  expect(pr.passed).toBe(false)
  expect(pr.detail).toMatch(/1 regression\b/)
  expect(pr.log).toMatch(
    new RegExp(
      `skyprobe\\.astrom_rms on field_a[^:]*: 17\\.\\d+ \\S+ outside main's band [\\d.]+–[\\d.]+ \\S+ \\(median 8\\.9\\d*, 10 points\\) at ${base}`
    )
  )
  expect(pr.log).toContain(`comparing with main at the merge base ${base}`)
})

it('fails a PR that adds one flake8 finding, naming the code; counts may go down', async () => {
  const { dir, file } = repository()
  await mainHistory(file)
  git(dir, 'checkout', '-qb', 'tickets/DM-2')
  writeFileSync(join(dir, 'python', 'probe.py'), 'x = 1\nimport os\n')
  git(dir, 'commit', '-qam', 'unused import')
  writeJob(dir, 1, 20)
  const pr = await run(file, 'pr', 'pr-7-2')
  expect(pr.passed).toBe(false)
  expect(pr.detail).toMatch(
    /lint ratchet: lint\.flake8_violations 2 > 0 on main at [0-9a-f]{7} \(new on the changed lines: (E402 ×1, F401 ×1|F401 ×1, E402 ×1)\)/
  )
})
