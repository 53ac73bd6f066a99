import { generateKeyPairSync } from 'node:crypto'
import {
  notification,
  post,
  sha,
  startBridge,
  waitFor,
  type Harness
} from '../../helpers/bridge.js'

const ROUTES = `
version: 1
routes:
  - jobs: 'nightly/*'
    github: { repo: lsst/stack, context: 'jenkins/nightly' }
`

/**
 * Check runs as a GitHub App: the bridge signs a JWT with the app's key,
 * mints installation tokens itself and renews them before they expire (an
 * hour on GitHub, seconds here).
 */
describe('the bridge as a GitHub App', () => {
  let h: Harness
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048
  })
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  beforeAll(async () => {
    h = await startBridge({
      routes: ROUTES,
      github: {
        apps: {
          '4242': {
            publicKeyPem: publicKey
              .export({ type: 'spki', format: 'pem' })
              .toString(),
            installations: [77]
          }
        },
        installationTokenTtl: 4
      },
      env: {
        SLACK_BOT_TOKEN: '',
        GITHUB_TOKEN: '',
        GITHUB_APP_ID: '4242',
        GITHUB_APP_INSTALLATION_ID: '77',
        // As it often arrives through an env file: one line, escaped breaks.
        GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
        JENKINS_URL: '',
        JENKINS_USER: '',
        JENKINS_TOKEN: ''
      }
    })
  })
  afterAll(async () => {
    await h.stop()
  })

  async function nightly(n: number, result: string): Promise<void> {
    for (const [phase, status] of [['STARTED'], ['COMPLETED', result]]) {
      await post(
        `${h.url}/jenkins`,
        notification(
          'nightly/lsst_distrib',
          n,
          phase ?? '',
          status === undefined ? {} : { status }
        )
      )
    }
  }

  it('publishes check runs (no commit statuses) with tokens it mints and renews', async () => {
    await nightly(1, 'FAILURE')
    const first = await waitFor('the first check run', () =>
      h.github.checkRuns.find(
        (c) =>
          c.external_id === 'nightly/lsst_distrib#1' && c.status === 'completed'
      )
    )
    expect([first.name, first.head_sha, first.conclusion]).toEqual([
      'jenkins/nightly',
      sha('nightly/lsst_distrib#1'),
      'failure'
    ])
    expect(h.github.statuses).toEqual([]) // checks mode is the App's default
    expect(h.github.received('installation-token')).toHaveLength(1)
    // Past three quarters of the token's life, the next call renews it.
    await new Promise((r) => setTimeout(r, 3200))
    await nightly(2, 'SUCCESS')
    await waitFor('the second check run', () =>
      h.github.checkRuns.find(
        (c) =>
          c.external_id === 'nightly/lsst_distrib#2' &&
          c.conclusion === 'success'
      )
    )
    const minted = h.github.received('installation-token')
    expect(minted).toHaveLength(2)
    expect(minted.every((r) => r.status === 201)).toBe(true)
    const used = new Set(
      h.github.received('create-check-run').map((r) => r.headers.authorization)
    )
    expect(used).toEqual(
      new Set(['token ghs_minted0001', 'token ghs_minted0002'])
    )
    // No call ever failed on an expired token, and the key is in no log line.
    expect(h.github.requests.filter((r) => r.status === 401)).toEqual([])
    const logs = h.log.lines.join('\n')
    for (const line of pem.split('\n').filter((l) => l.length > 20))
      expect(logs).not.toContain(line)
  })
})
