import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { runActionBundle } from '../helpers/actions.js'
import { verifyMetricsDir } from '../helpers/shared.js'

interface ActionYaml {
  inputs?: Record<
    string,
    { required?: boolean; default?: string; description?: string }
  >
  outputs?: Record<string, { description?: string }>
  runs: { using: string; main: string; post?: string }
}

const root = process.cwd()
const actions = readdirSync(join(root, 'actions')).filter((n) =>
  existsSync(join(root, 'actions', n, 'action.yml'))
)
const readAction = (path: string): ActionYaml =>
  load(readFileSync(path, 'utf8')) as ActionYaml

describe('action bundles', () => {
  it('are current: rebuilding them changes nothing (else run npm run package)', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'scripts', 'package.mjs'), '--check'],
      { encoding: 'utf8' }
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it.each(actions)(
    '%s: runs on node24 from its own bundle; every boolean input it reads has a default',
    (name) => {
      const dir = join(root, 'actions', name)
      const action = readAction(join(dir, 'action.yml'))
      expect(action.runs.using).toBe('node24')
      const entries = [action.runs.main, action.runs.post].filter(
        (e) => e !== undefined
      )
      expect(entries.filter((e) => !existsSync(join(dir, e)))).toEqual([])
      const inputs = action.inputs ?? {}
      expect(
        Object.entries(inputs).filter(([, spec]) => !spec.description)
      ).toEqual([])
      // Booleans are read strictly (a typo is an error), so an empty value
      // must never reach the reader: each needs a true/false default.
      const sources = ['main.ts', 'post.ts']
        .filter((f) => existsSync(join(dir, f)))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n')
      const booleans = [...sources.matchAll(/\.boolean\(\s*'([^']+)'/g)].map(
        (m) => m[1] ?? ''
      )
      expect(booleans.map((b) => [b, inputs[b]?.default])).toEqual(
        booleans.map((b) => [
          b,
          expect.stringMatching(/^(true|false)$/) as unknown
        ])
      )
    }
  )

  it('the root action and actions/pipeline take the same inputs', () => {
    const rootAction = readAction(join(root, 'action.yml'))
    const pipeline = readAction(join(root, 'actions', 'pipeline', 'action.yml'))
    expect(rootAction.inputs).toEqual(pipeline.inputs)
    expect(rootAction.outputs).toEqual(pipeline.outputs)
    expect(existsSync(join(root, rootAction.runs.main))).toBe(true)
  })
})

describe('the verify action, run as the runner runs it', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'stackci-ws-'))
  const hsc = {
    instrument: 'HSC',
    filter_name: 'HSC-R',
    dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
    dataset_name: 'validation_data_hsc'
  }
  const job = (value: number): string =>
    JSON.stringify({
      measurements: [
        {
          metric: 'validate_drp.PA1',
          value,
          unit: 'mmag',
          identifier: 'x',
          blob_refs: []
        }
      ],
      meta: hsc
    })
  writeFileSync(join(workspace, 'good.verify.json'), job(4))
  writeFileSync(join(workspace, 'bad.verify.json'), job(6.1))

  it('passes, with its five outputs and a summary', async () => {
    const r = await runActionBundle(
      join(root, 'actions', 'verify', 'dist', 'index.cjs'),
      {
        definitions: verifyMetricsDir(),
        jobs: 'good*.verify.json',
        tags: 'design'
      },
      { cwd: workspace }
    )
    expect(r.code).toBe(0)
    expect(r.outputs).toEqual({
      passed: '3',
      failed: '0',
      'no-value': '0',
      jobs: '1',
      report: join(r.dir, 'stackci-verify-report.json')
    })
    expect(r.summary).toContain(
      '✅ Verification: 3 passed, 0 failed, 0 without a value (1 job)'
    )
    const report = JSON.parse(readFileSync(r.outputs.report ?? '', 'utf8')) as {
      jobs: { results: unknown[] }[]
    }
    expect(report.jobs[0]?.results).toHaveLength(3)
  })

  it('fails the step when a specification fails, listing it in the summary', async () => {
    const r = await runActionBundle(
      join(root, 'actions', 'verify', 'dist', 'index.cjs'),
      {
        definitions: verifyMetricsDir(),
        jobs: '*.verify.json',
        tags: 'design'
      },
      { cwd: workspace }
    )
    expect(r.code).toBe(1)
    // 6.1 mmag fails design_gri and hsc_design_r (≤ 5), passes design_uzy (≤ 7.5).
    expect(r.outputs.failed).toBe('2')
    expect(r.outputs.passed).toBe('4')
    expect(r.stdout).toContain('::error::2 specification(s) failed')
    expect(r.summary).toContain(
      '| ❌ | validate_drp.PA1.hsc_design_r | 6.10 mmag | <= 5.0 mmag |'
    )
  })

  it('rejects a bad boolean input by name, and a missing input', async () => {
    const bundle = join(root, 'actions', 'verify', 'dist', 'index.cjs')
    const typo = await runActionBundle(
      bundle,
      { definitions: 'x', jobs: '*.json', strict: 'ture' },
      { cwd: workspace }
    )
    expect(typo.code).toBe(1)
    expect(typo.stdout).toContain(
      `::error::verify: input 'strict' must be true or false, got "ture"`
    )
    const missing = await runActionBundle(
      bundle,
      { jobs: '*.json' },
      { cwd: workspace }
    )
    expect(missing.stdout).toContain(
      `::error::verify: input 'definitions' is required and was not supplied`
    )
  })
})

describe('the root action, run as the runner runs it', () => {
  it('runs the quick profile of examples/stackci.yml', async () => {
    const r = await runActionBundle(
      join(root, 'actions', 'pipeline', 'dist', 'index.cjs'),
      {
        config: join('examples', 'stackci.yml'),
        profile: 'quick',
        'run-id': 'smoke-1'
      }
    )
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({
      passed: 'true',
      'run-id': 'smoke-1',
      image: '',
      report: ''
    })
    expect(
      (JSON.parse(r.outputs.steps ?? '[]') as { step: string }[]).map(
        (s) => s.step
      )
    ).toEqual(['lint', 'verify'])
    expect(r.stdout).toContain('::group::verify')
    expect(r.summary).toContain('✅ Verification: 9 passed')
  })
})
