import { join } from 'node:path'
import { InputError } from '../../../src/core/index.js'
import {
  ciEnvironment,
  isoUtc,
  jobId,
  parseDateCreated,
  parsePackages,
  prepareJob,
  provenanceOf,
  seriesOf
} from '../../../src/metrics/index.js'
import {
  loadDefinitions,
  parseJob,
  type Job
} from '../../../src/verify/index.js'
import { thrown } from '../../helpers/thrown.js'

const examples = join(process.cwd(), 'examples', 'stack')

const job = (meta: Record<string, unknown> = {}): Job =>
  parseJob(
    JSON.stringify({
      measurements: [
        {
          metric: 'skyprobe.astrom_rms',
          identifier: 'a1',
          value: 0.0123,
          unit: 'arcsec',
          blob_refs: []
        },
        {
          metric: 'skyprobe.phot_rms',
          identifier: 'p1',
          value: null,
          unit: 'mmag',
          blob_refs: []
        }
      ],
      blobs: [{ identifier: 'b', name: 'x', data: {} }],
      meta
    }),
    'job.verify.json'
  )

const JENKINS = {
  BUILD_ID: '1234',
  BUILD_URL: 'https://ci.example.org/job/validate_drp/1234/',
  PRODUCT: 'validate_drp',
  dataset: 'validation_data_cfht',
  label: 'centos-7',
  refs: 'tickets/DM-1 main'
}
const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_RUN_ID: '99',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_REPOSITORY: 'lsst/stack',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_SHA: 'e1db7418a77db0f1e2d3c4b5a69788796a5b4c3d',
  GITHUB_REF: 'refs/pull/12/merge',
  GITHUB_WORKFLOW: 'pr-check'
}

describe('dispatch_verify-compatible environment metadata', () => {
  it('writes the jenkins env as dispatch_verify does, with its defaults', () => {
    expect(
      ciEnvironment('jenkins', JENKINS, '2026-01-01T00:00:00+00:00')
    ).toEqual({
      env_name: 'jenkins',
      ci_id: '1234',
      ci_name: 'validate_drp',
      ci_dataset: 'validation_data_cfht',
      ci_label: 'centos-7',
      ci_refs: 'tickets/DM-1 main',
      ci_url: 'https://ci.example.org/job/validate_drp/1234/',
      status: 0,
      date: '2026-01-01T00:00:00+00:00'
    })
    expect(ciEnvironment('jenkins', {}, 'd')).toMatchObject({
      ci_id: 'unknown',
      ci_name: 'unknown',
      ci_url: 'https://example.com'
    })
  })

  it('writes the GitHub run: id, attempt, URL, sha, ref', () => {
    expect(ciEnvironment('github', GITHUB, 'd')).toMatchObject({
      env_name: 'github',
      ci_id: '99',
      ci_url: 'https://github.com/lsst/stack/actions/runs/99/attempts/2',
      git_sha: GITHUB.GITHUB_SHA,
      ci_refs: 'refs/pull/12/merge',
      ci_name: 'pr-check'
    })
  })

  it('derives the history series from the release tag, then the ref', () => {
    expect(seriesOf('w_2026_48', GITHUB)).toBe('weekly')
    expect(seriesOf('d_2026_11_27', {})).toBe('daily')
    expect(seriesOf('v29_0_rc1', {})).toBe('release')
    expect(seriesOf(undefined, GITHUB)).toBe('pr/12')
    expect(seriesOf(undefined, { GITHUB_REF: 'refs/heads/main' })).toBe('main')
    expect(seriesOf(undefined, { BRANCH_NAME: 'tickets/DM-1' })).toBe(
      'tickets/DM-1'
    )
    expect(seriesOf(undefined, {})).toBe('local')
  })

  it('reads --date-created only in UTC, as dispatch_verify', () => {
    expect(parseDateCreated('2021-06-30T22:28:25Z', 'x')).toBe(
      Date.UTC(2021, 5, 30, 22, 28, 25)
    )
    expect(parseDateCreated('2021-06-30T22:28:25+00:00', 'x')).toBe(
      Date.UTC(2021, 5, 30, 22, 28, 25)
    )
    expect(
      thrown(() =>
        parseDateCreated('2021-06-30T22:28:25+02:00', '--date-created')
      )
    ).toBeInstanceOf(InputError)
    expect(
      thrown(() => parseDateCreated('yesterday', '--date-created'))
    ).toBeInstanceOf(InputError)
    expect(isoUtc(Date.UTC(2021, 5, 30, 22, 28, 25))).toBe(
      '2021-06-30T22:28:25+00:00'
    )
  })

  it('takes provenance from explicit values, then job metadata, then the environment', () => {
    const meta = {
      instrument: 'HSC',
      filter_name: 'HSC-I',
      dataset_name: 'rc2',
      version_tag: 'w_2026_01'
    }
    expect(
      provenanceOf(meta, {
        ...JENKINS,
        ...GITHUB,
        STACKCI_IMAGE_DIGEST: 'sha256:abc'
      })
    ).toEqual({
      imageDigest: 'sha256:abc',
      jenkinsBuildUrl: JENKINS.BUILD_URL,
      workflowRunUrl:
        'https://github.com/lsst/stack/actions/runs/99/attempts/2',
      gitSha: GITHUB.GITHUB_SHA,
      releaseTag: 'w_2026_01',
      dataset: 'rc2',
      instrument: 'HSC',
      filter: 'HSC-I'
    })
    expect(
      provenanceOf(meta, {}, { dataset: 'given', filter: 'r' })
    ).toMatchObject({
      dataset: 'given',
      filter: 'r'
    })
  })
})

describe('preparing a job', () => {
  it('normalises values into metric units, keeps NaN, and always sends meta.packages', async () => {
    const defs = await loadDefinitions(examples)
    const d = prepareJob(job(), 'job.verify.json', defs, {
      env: {},
      envChoice: 'none',
      now: () => 5
    })
    expect(d.job.measurements[0]).toMatchObject({
      value: 12.299999999999999,
      unit: 'marcsec'
    })
    expect(d.job.measurements[1]?.value).toBeNaN()
    expect(d.job.meta.packages).toEqual({})
    expect(d.job.meta.env).toBeUndefined()
    expect(d.createdAt).toBe(5)
    expect(d.series).toBe('local')
  })

  it('gives the same id to the same job, whatever the environment, and another to another job', () => {
    const a = prepareJob(job(), 'a', undefined, { env: JENKINS })
    const b = prepareJob(job(), 'b', undefined, { env: GITHUB, series: 'main' })
    expect(a.id).toBe(b.id)
    expect(a.id).toBe(jobId(job()))
    expect(a.id).toMatch(/^[0-9a-f]{32}$/)
    expect(prepareJob(job({ x: 1 }), 'c', undefined, { env: {} }).id).not.toBe(
      a.id
    )
  })

  it('records the CI env and the provenance in meta, and merges packages', () => {
    const d = prepareJob(
      job({ packages: { afw: { git_sha: '1' } } }),
      'j',
      undefined,
      {
        env: { ...JENKINS, STACKCI_IMAGE_DIGEST: 'sha256:beef' },
        dateCreated: Date.UTC(2026, 0, 2),
        packages: { meas_base: { git_sha: '2' } },
        provenance: { releaseTag: 'w_2026_01' },
        ignoreBlobs: true
      }
    )
    expect(d.job.meta.env).toMatchObject({
      env_name: 'jenkins',
      ci_id: '1234',
      date: '2026-01-02T00:00:00+00:00'
    })
    expect(d.job.meta.packages).toEqual({
      afw: { git_sha: '1' },
      meas_base: { git_sha: '2' }
    })
    expect(d.job.meta).toMatchObject({
      image_digest: 'sha256:beef',
      jenkins_build_url: JENKINS.BUILD_URL,
      version_tag: 'w_2026_01',
      dataset: 'validation_data_cfht',
      stackci_job_id: d.id,
      stackci_series: 'weekly'
    })
    expect(d.job.blobs).toEqual([])
    expect(d.createdAt).toBe(Date.UTC(2026, 0, 2))
  })

  it("uses the job's own date before now", () => {
    const d = prepareJob(
      job({ env: { env_name: 'jenkins', date: '2025-05-05T05:05:05+00:00' } }),
      'j',
      undefined,
      {
        env: {},
        envChoice: 'none',
        now: () => 1
      }
    )
    expect(d.createdAt).toBe(Date.UTC(2025, 4, 5, 5, 5, 5))
  })

  it('reads packages from JSON or an lsstsw manifest, with line numbers on errors', () => {
    expect(parsePackages('{"afw": {"git_sha": "1"}}', 'p.json')).toEqual({
      afw: { git_sha: '1' }
    })
    expect(
      parsePackages(
        '# comment\nBUILD=b1234\nafw 0123abc 22.0.0+1 base,utils\n',
        'manifest.txt'
      )
    ).toEqual({
      afw: {
        name: 'afw',
        git_sha: '0123abc',
        eups_version: '22.0.0+1',
        git_url: null,
        git_branch: null
      }
    })
    const error = thrown(() =>
      parsePackages('afw\n', 'manifest.txt')
    ) as InputError
    expect(error.where).toMatchObject({ file: 'manifest.txt', line: 1 })
  })
})
