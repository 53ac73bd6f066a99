/**
 * The pure parts of the git store and of export: `URL#BRANCH`, the
 * actions/checkout header, where a job's file goes, the git store's
 * settings (Actions' repository by default), and the exported records in
 * JSON lines and CSV.
 */
import {
  decodeJobFile,
  encodeJobFile,
  exportText,
  gitAuthHeader,
  jobPath,
  monthMayHold,
  parseGitTarget,
  resolveMetricsSettings,
  seriesOfPath,
  storedJobOf
} from '../../../src/metrics/index.js'
import type { ConfigError } from '../../../src/core/index.js'
import type { StoreHistory } from '../../../src/metrics/index.js'
import { thrown } from '../../helpers/thrown.js'
import { dispatchJob } from '../../helpers/metrics.js'

describe('the git store', () => {
  it('reads URL#BRANCH, the branch defaulting', () => {
    expect(parseGitTarget('https://h/o/r.git#data', 'x')).toEqual({
      url: 'https://h/o/r.git',
      branch: 'data'
    })
    expect(parseGitTarget('git://127.0.0.1:9/r', 'stackci-metrics')).toEqual({
      url: 'git://127.0.0.1:9/r',
      branch: 'stackci-metrics'
    })
  })

  it("sends the token as actions/checkout's extraheader", () => {
    expect(gitAuthHeader('t0k')).toBe(
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:t0k').toString('base64')}`
    )
  })

  it('files a job under its series and month, and round-trips it (NaN as null)', () => {
    const d = dispatchJob(
      'abc',
      { 'pkg.a': 1.5, 'pkg.b': NaN },
      {
        time: Date.UTC(2026, 10, 27, 6),
        series: 'pr/12'
      }
    )
    const path = jobPath(d)
    expect(path).toBe('series/pr%2F12/2026/11/20261127T060000000Z-abc.json')
    expect(seriesOfPath(path)).toBe('pr/12')
    expect(monthMayHold(path, Date.UTC(2026, 11, 1))).toBe(false)
    expect(monthMayHold(path, Date.UTC(2026, 10, 30))).toBe(true)
    const file = decodeJobFile(encodeJobFile(d), path)
    expect(file.value).toEqual([1.5, null])
    expect(storedJobOf(file)).toMatchObject({ jobId: 'abc', series: 'pr/12' })
    expect(
      (thrown(() => decodeJobFile('{"format":"x/9"}', 'f.json')) as Error)
        .message
    ).toBe('f.json has an unknown format (x/9)')
  })

  it('defaults to the workflow repository on Actions, and says what is missing elsewhere', () => {
    const settings = resolveMetricsSettings(
      { stores: { git: {} } },
      {},
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'lsst/stack',
        GITHUB_TOKEN: 'secret'
      },
      '/w'
    )
    expect(settings.stores.git).toEqual({
      url: 'https://github.com/lsst/stack.git',
      branch: 'stackci-metrics',
      token: 'secret',
      cacheDir: '/w/.stackci/git'
    })
    // Off Actions a store that relies on that default is simply not there
    // (the same file runs on a laptop); on Actions its absence is an error.
    expect(
      resolveMetricsSettings({ stores: { git: {} } }, {}, {}, '/w').stores.git
    ).toBeUndefined()
    const error = thrown(() =>
      resolveMetricsSettings(
        { stores: { git: {} } },
        {},
        { GITHUB_ACTIONS: 'true' },
        '/w'
      )
    ) as ConfigError
    expect(error.problems.map((p) => p.message)).toEqual([
      'the git store has no repository URL'
    ])
  })
})

describe('metrics export', () => {
  const history: StoreHistory = {
    path: 'test',
    jobs: [
      {
        jobId: 'j1',
        createdAt: Date.UTC(2026, 0, 2),
        series: 'main',
        dataset: 'HSC, "RC2"',
        instrument: 'HSC',
        filter: 'r',
        releaseTag: 'w_2026_01',
        gitSha: 'abc',
        meta: { env: { ci_id: '4412' } }
      }
    ],
    measurements: [
      { job: 0, metric: 'pkg.a', identifier: 'i', value: 1.25, unit: 'mmag' },
      { job: 0, metric: 'pkg.b', identifier: '', value: null, unit: '' }
    ]
  }

  it('prints JSON lines with the provenance', () => {
    const lines = [...exportText(history, 'jsonl')].join('').trim().split('\n')
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        time: '2026-01-02T00:00:00.000Z',
        jobId: 'j1',
        runId: '4412',
        series: 'main',
        metric: 'pkg.a',
        identifier: 'i',
        value: 1.25,
        unit: 'mmag',
        dataset: 'HSC, "RC2"',
        instrument: 'HSC',
        filter: 'r',
        releaseTag: 'w_2026_01',
        imageDigest: null,
        gitSha: 'abc',
        jenkinsBuildUrl: null,
        workflowRunUrl: null
      },
      expect.objectContaining({ metric: 'pkg.b', value: null })
    ])
  })

  it('prints CSV with a header, quoting as RFC 4180', () => {
    const text = [...exportText(history, 'csv', 1)].join('')
    expect(text.split('\n')).toEqual([
      'time,jobId,runId,series,metric,identifier,value,unit,dataset,instrument,filter,releaseTag,imageDigest,gitSha,jenkinsBuildUrl,workflowRunUrl',
      '2026-01-02T00:00:00.000Z,j1,4412,main,pkg.a,i,1.25,mmag,"HSC, ""RC2""",HSC,r,w_2026_01,,abc,,',
      '2026-01-02T00:00:00.000Z,j1,4412,main,pkg.b,,,,"HSC, ""RC2""",HSC,r,w_2026_01,,abc,,',
      ''
    ])
  })
})
