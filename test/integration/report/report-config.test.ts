/**
 * `stackci report` inside a project: with no flags it does what the
 * pipeline's report step does (stackci.yml's store, definitions, gate tags,
 * report.out and report.title); flags override; `--json` carries the
 * warned count each dataset table shows.
 */

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import { tempDir } from '../../helpers/metrics.js'
import {
  EXAMPLES,
  badRun,
  dispatchInto,
  goodRun,
  writeRunJobs
} from '../../helpers/report.js'

interface Summary {
  out: string
  runs: number
  datasets: { label: string; passed: number; failed: number; warned: number }[]
}

const dir = tempDir('stackci-report-config-')

beforeAll(async () => {
  const store = join(dir, 'history.sqlite')
  await dispatchInto(store, writeRunJobs(dir, 1, goodRun()))
  await dispatchInto(store, writeRunJobs(dir, 2, badRun()))
  writeFileSync(
    join(dir, 'stackci.yml'),
    [
      'version: 1',
      `verify: { definitions: ${JSON.stringify(EXAMPLES)} }`,
      'metrics:',
      '  stores: { sqlite: { path: history.sqlite } }',
      '  gate: { fail: [minimum], warn: [design] }',
      'report: { out: site/metrics.html, title: Skyprobe trends }',
      ''
    ].join('\n')
  )
})

it("takes report.out, report.title and the store from stackci.yml, and --json has each dataset's warned count", async () => {
  const r = await runCli(['report', '--json'], { cwd: dir })
  expect([r.code, r.stderr]).toEqual([0, r.stderr])
  const summary = JSON.parse(r.stdout) as Summary
  expect(summary.out).toBe(join(dir, 'site', 'metrics.html'))
  expect(summary.runs).toBe(4)
  expect(r.stderr).toContain(join(dir, 'history.sqlite'))
  expect(
    summary.datasets.map((d) => [d.label, d.failed, d.warned, d.passed])
  ).toEqual([
    ['field_a · SIM', 0, 1, 7],
    ['field_b · SIM · HSC-R', 1, 2, 4]
  ])
  const html = readFileSync(join(dir, 'site', 'metrics.html'), 'utf8')
  expect(html).toContain('<title>Skyprobe trends</title>')
  // The same counts as the page's dataset tables.
  expect(html).toContain('0 failed · 1 warned · 7 passed')
  expect(html).toContain('1 failed · 2 warned · 4 passed')
})

it('flags override the file', async () => {
  const r = await runCli(
    ['report', '--out', 'other.html', '--title', 'By flag'],
    { cwd: dir }
  )
  expect([r.code, r.stderr]).toEqual([0, r.stderr])
  expect(r.stdout).toBe(`${join(dir, 'other.html')}\n`)
  expect(readFileSync(join(dir, 'other.html'), 'utf8')).toContain(
    '<title>By flag</title>'
  )
})
