import { InputError, RecordingReporter } from '../../../src/core/index.js'
import {
  checkRepository,
  describeMove,
  registryAuth,
  registryOf,
  transientRegistryError
} from '../../../src/docker/index.js'

describe('registries', () => {
  it.each([
    ['ghcr.io/lsst/scipipe', 'ghcr.io'],
    ['127.0.0.1:5000/stack', '127.0.0.1:5000'],
    ['localhost/stack', 'localhost'],
    ['lsstsqre/centos', 'docker.io'],
    ['stack', 'docker.io']
  ])('%s is on %s', (repo, registry) => {
    expect(registryOf(repo)).toBe(registry)
  })

  it.each(['ghcr.io/LSST/scipipe', 'ghcr.io/lsst/scipipe:tag', 'a//b', ''])(
    'rejects the repository %j',
    (repo) => {
      expect(() => checkRepository(repo, 'registry')).toThrow(InputError)
    }
  )

  it('masks the password and every encoding of it before returning', () => {
    const reporter = new RecordingReporter()
    const auth = registryAuth(
      'ghcr.io/lsst/scipipe',
      'bot',
      's3cr3t+/=',
      reporter
    )
    expect(auth).toMatchObject({ username: 'bot', serveraddress: 'ghcr.io' })
    reporter.info(
      `${auth?.key ?? ''} ${Buffer.from('bot:s3cr3t+/=').toString('base64')} s3cr3t+/=`
    )
    expect(reporter.text()).toBe('*** *** ***')
  })

  it('wants both or neither of username and password', () => {
    const reporter = new RecordingReporter()
    expect(registryAuth('x/y', undefined, undefined, reporter)).toBeUndefined()
    expect(() => registryAuth('x/y', undefined, 'p', reporter)).toThrow(
      /password was given without a username/
    )
    expect(() => registryAuth('x/y', 'u', undefined, reporter)).toThrow(
      /no registry password for user "u"/
    )
  })

  it.each([
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['unavailable: injected 503', true],
    ['net/http: TLS handshake timeout', true],
    ['read tcp 1.2.3.4: connection reset by peer', true],
    ['toomanyrequests: Too Many Requests', true],
    ['unauthorized: authentication required', false],
    ['denied: requested access to the resource is denied', false],
    ['manifest invalid', false],
    ['name unknown: repository name not known to registry', false]
  ])('%j is transient: %s', (message, transient) => {
    expect(transientRegistryError(message)).toBe(transient)
  })

  it.each([
    [
      {
        tag: 'w_latest',
        before: 'sha256:aaaaaaaaaaaaaaaa',
        after: 'sha256:bbbbbbbbbbbbbbbb'
      },
      'w_latest: moved aaaaaaaaaaaa → bbbbbbbbbbbb'
    ],
    [
      { tag: 'w_2021_01', after: 'sha256:bbbbbbbbbbbbbbbb' },
      'w_2021_01: new → bbbbbbbbbbbb'
    ],
    [
      { tag: 't', before: 'sha256:cc', after: 'sha256:cc' },
      't: unchanged (cc)'
    ],
    [{ tag: 't' }, 't: not written (would be new)'],
    [{ tag: 't', before: 'sha256:dd' }, 't: not written (stays at dd)']
  ])('describes the move %j', (move, text) => {
    expect(describeMove(move)).toBe(text)
  })
})
