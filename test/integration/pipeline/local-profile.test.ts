/**
 * The main job's profile (`npm run demo` runs it): `local` on the sample
 * stack with the real dockerd and flake8, run twice from a copy of
 * examples/stackci.yml. Jenkins is skipped with a clear line, the report is
 * written, and the second run's report has two points on every line.
 */

import { copyFileSync, cpSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir
} from '../../helpers/docker.js'
import { pythonBaseImage } from '../../helpers/integration.js'

const root = process.cwd()
const services = dockerServices()
const base = pythonBaseImage()
afterAll(() => {
  removeTempDirs()
})

interface ReportJson {
  runs: number
  metrics: { metric: string; lines: { label: string; points: number }[] }[]
}

it('runs lint, image, integration, metrics and the report; twice gives two points per metric', async () => {
  const dir = tempDir('stackci-local-profile-')
  copyFileSync(join(root, 'examples', 'stackci.yml'), join(dir, 'stackci.yml'))
  // A copy, not a link: datasets whose real path leaves the project are refused (#18).
  cpSync(join(root, 'examples', 'stack'), join(dir, 'stack'), {
    recursive: true
  })
  // Even in CI, with a registry set, local pushes nothing.
  const env = {
    DOCKER_HOST: services.host,
    STACKCI_PYTHON_IMAGE: base,
    CI: 'true'
  }
  const run = async (id: string): Promise<Awaited<ReturnType<typeof runCli>>> =>
    runCli(['run', '--profile', 'local', '--run-id', id, 'stackci.yml'], {
      cwd: dir,
      env
    })

  const first = await run('local-first')
  expect(first.stderr).not.toContain('error:')
  expect(first.code).toBe(0)
  expect(first.stdout).toMatch(
    /⏭️ jenkins-build\s+skipped\s+\S+\s+no Jenkins URL configured \(set jenkins.url in stackci.yml to run it\)/
  )
  for (const step of [
    'lint',
    'stack-image',
    'integration',
    'dispatch-metrics',
    'report'
  ])
    expect(first.stdout).toMatch(new RegExp(`✅ ${step}\\s+passed`))
  expect(first.stdout).toContain('✅ passed: stackci local, run local-first')
  expect(first.stdout).toMatch(
    /✅ stack-image\s+passed\s+\S+\s+\S+ \(\+1 tags\), not pushed/
  )
  expect(first.stderr).toContain(
    'not pushing to ghcr.io/lsst-sqre/skyprobe: the local profile never pushes'
  )
  const report = join(dir, '.stackci', 'report.html')
  expect(existsSync(report)).toBe(true)

  const second = await run('local-second')
  expect(second.code).toBe(0)
  expect(second.stdout).toMatch(
    /✅ report\s+passed\s+\S+\s+\.stackci\/report\.html: 5 metrics, 2 datasets, 4 runs/
  )
  const json = await runCli(
    [
      'report',
      '--store',
      '.stackci/metrics.sqlite',
      '--definitions',
      'stack',
      '--out',
      'again.html',
      '--json'
    ],
    { cwd: dir }
  )
  expect(json.code).toBe(0)
  const parsed = JSON.parse(json.stdout) as ReportJson
  expect(parsed.runs).toBe(4)
  expect(parsed.metrics.length).toBeGreaterThanOrEqual(4)
  for (const m of parsed.metrics)
    expect(m.lines.map((l) => [l.label.split(' ')[0], l.points])).toEqual([
      ['field_a', 2],
      ['field_b', 2]
    ])
  // The run ids of both runs are in the report's data.
  const html = readFileSync(report, 'utf8')
  expect(html).toContain('skyprobe.astrom_rms')
})
