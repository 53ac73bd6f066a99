import { InputError } from '../../../src/core/index.js'
import {
  imageLabels,
  parseKeyValues,
  readProvenance,
  releaseTags
} from '../../../src/docker/index.js'

describe('provenance', () => {
  it('reads a GitHub Actions run', () => {
    expect(
      readProvenance({
        GITHUB_SERVER_URL: 'https://github.example.org',
        GITHUB_REPOSITORY: 'lsst/stack',
        GITHUB_SHA: 'abc',
        GITHUB_RUN_ID: '12',
        GITHUB_RUN_ATTEMPT: '2',
        STACKCI_JENKINS_BUILD_URL: 'https://ci/job/x/3/'
      })
    ).toEqual({
      source: 'https://github.example.org/lsst/stack',
      revision: 'abc',
      jenkinsBuildUrl: 'https://ci/job/x/3/',
      workflowRunUrl:
        'https://github.example.org/lsst/stack/actions/runs/12/attempts/2'
    })
  })

  it('reads a Jenkins build', () => {
    expect(
      readProvenance({
        BUILD_URL: 'https://ci/job/release/docker/build-stack/9/',
        GIT_URL: 'https://github.com/lsst/stack.git',
        GIT_COMMIT: 'def'
      })
    ).toEqual({
      source: 'https://github.com/lsst/stack',
      revision: 'def',
      jenkinsBuildUrl: 'https://ci/job/release/docker/build-stack/9/'
    })
  })

  it('labels an image with OCI and stackci keys; the user wins', () => {
    const labels = imageLabels({
      provenance: { source: 's', revision: 'r', workflowRunUrl: 'w' },
      release: releaseTags({ kind: 'weekly', date: '2020-12-31' }),
      repository: 'ghcr.io/lsst/scipipe',
      created: new Date('2021-01-01T00:00:00Z'),
      extra: { 'org.opencontainers.image.title': 'LSST stack' }
    })
    expect(labels).toEqual({
      'org.opencontainers.image.created': '2021-01-01T00:00:00.000Z',
      'org.opencontainers.image.version': 'w.2021.01',
      'org.opencontainers.image.title': 'LSST stack',
      'org.opencontainers.image.source': 's',
      'org.opencontainers.image.revision': 'r',
      'stackci.github.run-url': 'w',
      'stackci.release.kind': 'weekly',
      'stackci.release.git-tag': 'w.2021.01',
      'stackci.release.eups-tag': 'w_2021_01'
    })
  })
})

describe('parseKeyValues', () => {
  it('keeps = in values', () => {
    expect(parseKeyValues(['A=1', 'B=x=y', 'C='], 'build-args')).toEqual({
      A: '1',
      B: 'x=y',
      C: ''
    })
  })
  it.each(['novalue', '=1'])('names the input for %j', (line) => {
    expect(() => parseKeyValues([line], "input 'labels'")).toThrow(InputError)
    expect(() => parseKeyValues([line], "input 'labels'")).toThrow(
      /input 'labels': .* is not KEY=VALUE/
    )
  })
})
