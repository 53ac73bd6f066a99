import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { errorMessage, InputError } from '../../../src/core/errors.js'
import {
  confineDatasets,
  integrationInputsFromConfig,
  integrationInputsFromFlags
} from '../../../src/integration/index.js'
import { rejection, thrown } from '../../helpers/thrown.js'

const config = loadStackciConfig(
  [
    'version: 1',
    'integration:',
    '  datasets: { field_a: data/a, field_b: /abs/b }',
    "  command: [skyprobe, measure, '{dataset_dir}']",
    '  timeout: 5m',
    '  memory: 256m',
    '  cpus: 1.5',
    '  env: { A: one }',
    '  parallel: 2',
    '  results-dir: out',
    ''
  ].join('\n'),
  '/project/stackci.yml'
)

describe('integration inputs from stackci.yml and flags', () => {
  it('the pipeline reads the file: paths from its directory, the profile’s datasets only', () => {
    const inputs = integrationInputsFromConfig(
      config,
      { datasets: ['field_b'] },
      { image: 'stack@sha256:1', pull: false }
    )
    expect(inputs).toMatchObject({
      image: 'stack@sha256:1',
      pull: false,
      datasets: [{ name: 'field_b', path: '/abs/b' }],
      command: ['skyprobe', 'measure', '{dataset_dir}'],
      timeout: 300_000,
      memory: 256 * 2 ** 20,
      cpus: 1.5,
      env: { A: 'one' },
      parallel: 2,
      'results-dir': '/project/out',
      'allow-outside-workspace': false
    })
  })

  it('a standalone command takes the file’s values, and flags override them', () => {
    const fromFile = integrationInputsFromFlags({ image: 'img' }, config)
    expect(fromFile.datasets).toEqual([
      { name: 'field_a', path: '/project/data/a' },
      { name: 'field_b', path: '/abs/b' }
    ])
    expect(fromFile.command).toEqual(['skyprobe', 'measure', '{dataset_dir}'])
    const flagged = integrationInputsFromFlags(
      {
        image: 'img',
        dataset: ['x=/data/x'],
        command: ['true'],
        timeout: '2s',
        allowOutsideWorkspace: true
      },
      config
    )
    expect(flagged).toMatchObject({
      datasets: [{ name: 'x', path: '/data/x' }],
      command: ['true'],
      timeout: 2000,
      memory: 256 * 2 ** 20,
      'allow-outside-workspace': true
    })
  })

  it('names the key as its source calls it', () => {
    expect(
      errorMessage(
        thrown(() =>
          integrationInputsFromFlags({ image: 'i', parallel: '0' }, config)
        )
      )
    ).toBe('--parallel must be ≥ 1, got 0')
    const bad = loadStackciConfig(
      'version: 1\nintegration:\n  datasets: { a: . }\n  memory: lots\n',
      '/p/stackci.yml'
    )
    expect(
      errorMessage(
        thrown(() =>
          integrationInputsFromConfig(bad, {}, { image: 'i', pull: true })
        )
      )
    ).toMatch(/^\/p\/stackci\.yml: integration\.memory must be a size/)
  })
})

describe('datasets confined to the workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'stackci-confine-'))
  const workspace = join(root, 'ws')
  const outside = join(root, 'outside')
  mkdirSync(join(workspace, 'data', 'a'), { recursive: true })
  mkdirSync(outside)
  symlinkSync(outside, join(workspace, 'data', 'escape'))
  symlinkSync(join(workspace, 'data', 'a'), join(workspace, 'data', 'alias'))
  afterAll(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('keeps what lies inside, links resolved to their real path', async () => {
    expect(
      await confineDatasets(
        [
          { name: 'a', path: join(workspace, 'data', 'a') },
          { name: 'alias', path: join(workspace, 'data', 'alias') }
        ],
        workspace
      )
    ).toEqual([
      { name: 'a', path: join(workspace, 'data', 'a') },
      { name: 'alias', path: join(workspace, 'data', 'a') }
    ])
  })

  it('refuses a link leaving it and ../.., naming each dataset and path', async () => {
    const one = await rejection(
      confineDatasets(
        [{ name: 'escape', path: join(workspace, 'data', 'escape') }],
        workspace
      )
    )
    expect(one).toBeInstanceOf(InputError)
    expect(errorMessage(one)).toContain(
      `dataset escape: ${join(workspace, 'data', 'escape')} (really ${outside}) is outside the workspace ${workspace}`
    )
    expect(errorMessage(one)).toContain('allow-outside-workspace')
    const two = await rejection(
      confineDatasets(
        [
          { name: 'escape', path: join(workspace, 'data', 'escape') },
          { name: 'up', path: join(workspace, '..', '..') }
        ],
        workspace
      )
    )
    expect(errorMessage(two)).toMatch(
      /^2 datasets are outside the workspace [\s\S]*dataset escape: [\s\S]*dataset up: /
    )
  })
})
