import { generateKeyPairSync } from 'node:crypto'
import { ConfigError } from '../../../src/core/errors.js'
import {
  loadSecretFiles,
  readBridgeConfig
} from '../../../src/bridge/config.js'
import { thrown } from '../../helpers/thrown.js'

const MINIMAL = {
  BRIDGE_ROUTES: 'routes.yml',
  BRIDGE_SECRET: 'an-hmac-secret-of-32-characters!',
  SLACK_BOT_TOKEN: 'xoxb-1-2-3'
}

describe('readBridgeConfig', () => {
  it('gives sane defaults from a minimal environment', () => {
    expect(readBridgeConfig(MINIMAL)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dbPath: 'jenkins-bridge.db',
      routesFile: 'routes.yml',
      sync: 'full',
      maxBodyBytes: 1024 * 1024,
      maxConnections: 256,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 30_000,
      drainTimeoutMs: 10_000,
      retentionMs: 30 * 86_400_000,
      maxAttempts: 10,
      log: { level: 'info', format: 'json' },
      auth: { secret: MINIMAL.BRIDGE_SECRET },
      slack: {
        token: 'xoxb-1-2-3',
        apiUrl: 'https://slack.com/api/',
        intervalMs: 1000,
        updatesPerMinute: 50
      },
      secrets: [MINIMAL.BRIDGE_SECRET, 'xoxb-1-2-3']
    })
  })

  it('is pure: the same environment, the same config; process.env is not read', () => {
    process.env.BRIDGE_PORT = '9999'
    expect(readBridgeConfig(MINIMAL).port).toBe(8080)
  })

  it('reads every relay and its options', () => {
    const c = readBridgeConfig({
      ...MINIMAL,
      BRIDGE_URL_TOKEN: 'a-url-token-of-24-chars!',
      SLACK_API_URL: 'http://127.0.0.1:1234/api',
      BRIDGE_SLACK_INTERVAL: '1500ms',
      GITHUB_TOKEN: 'ghs_x',
      GITHUB_API_URL: 'https://ghe.example.org/api/v3/',
      BRIDGE_GITHUB_MODE: 'both',
      JENKINS_URL: 'https://ci.example.org/jenkins',
      JENKINS_USER: 'bot',
      JENKINS_TOKEN: 'jenkins-token',
      BRIDGE_MAX_BODY: '512k',
      BRIDGE_SYNC: 'normal',
      BRIDGE_LOG_FORMAT: 'text'
    })
    expect(c.slack).toEqual({
      token: 'xoxb-1-2-3',
      apiUrl: 'http://127.0.0.1:1234/api/',
      intervalMs: 1500,
      updatesPerMinute: 50
    })
    expect(c.github).toEqual({
      token: 'ghs_x',
      apiUrl: 'https://ghe.example.org/api/v3',
      mode: 'both',
      perMinute: 80
    })
    // Credentials given: re-fetching is on unless turned off.
    expect(c.jenkins).toEqual({
      url: 'https://ci.example.org/jenkins/',
      user: 'bot',
      token: 'jenkins-token',
      refetch: true,
      logLines: 40
    })
    expect([c.maxBodyBytes, c.sync, c.log.format]).toEqual([
      512 * 1024,
      'normal',
      'text'
    ])
    expect(c.secrets).toEqual(
      expect.arrayContaining([
        'a-url-token-of-24-chars!',
        'ghs_x',
        'jenkins-token'
      ])
    )
  })

  it('reports every problem at once, each naming the variable and the fix', () => {
    const error = thrown(() =>
      readBridgeConfig({
        BRIDGE_PORT: '70000',
        BRIDGE_SECRET: 'short',
        BRIDGE_DRAIN_TIMEOUT: 'soon',
        BRIDGE_MAX_BODY: 'huge',
        BRIDGE_REFETCH: 'maybe',
        SLACK_BOT_TOKEN: 'not-a-token',
        SLACK_API_URL: 'ftp://slack',
        GITHUB_API_URL: 'https://user:pw@api.github.com',
        JENKINS_USER: 'bot'
      })
    )
    expect(error).toBeInstanceOf(ConfigError)
    const e = error as ConfigError
    expect(e.message).toBe('jenkins-bridge configuration has 11 problems')
    expect(e.problems.map((p) => `${p.message} → ${p.hint ?? ''}`)).toEqual([
      'BRIDGE_ROUTES is not set → set BRIDGE_ROUTES to the path of your routes.yml (see jenkins-bridge/routes.example.yml)',
      'BRIDGE_SECRET is too short (at least 16 characters) → generate one with: openssl rand -hex 32',
      'BRIDGE_PORT must be an integer from 0 to 65535, got "70000" → set BRIDGE_PORT=8080',
      'BRIDGE_MAX_BODY must be a size like 1m or 512k, got "huge" → set BRIDGE_MAX_BODY=1m',
      'BRIDGE_DRAIN_TIMEOUT must be a duration like 10s, 5m or 30d, got "soon" → set BRIDGE_DRAIN_TIMEOUT=10s',
      'SLACK_API_URL must be an http(s) URL, got "ftp://slack" → set SLACK_API_URL=https://…',
      'SLACK_BOT_TOKEN does not look like a Slack token (xoxb-…) → use the Bot User OAuth Token of your Slack app',
      'GITHUB_API_URL must not carry credentials → put them in the token variables instead',
      'JENKINS_TOKEN is not set but its partner is → set both JENKINS_USER and JENKINS_TOKEN (an API token), or neither',
      'BRIDGE_REFETCH must be true or false, got "maybe" → set BRIDGE_REFETCH=false',
      'JENKINS_URL is not set → set JENKINS_URL to your Jenkins root URL (the bridge only fetches builds under it)'
    ])
    // The secret's value is not repeated in the error.
    expect(e.describe()).not.toContain('short"')
  })

  it('wants somewhere to relay to and some way to authenticate', () => {
    const e = thrown(() =>
      readBridgeConfig({ BRIDGE_ROUTES: 'r.yml' })
    ) as ConfigError
    expect(e.problems.map((p) => p.message)).toEqual([
      'BRIDGE_SECRET is not set (nor BRIDGE_URL_TOKEN)',
      'SLACK_BOT_TOKEN is not set (nor GITHUB_TOKEN, nor a GitHub App): there is nothing to relay to'
    ])
  })
})

describe('a GitHub App', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

  it('is read whole, with check runs by default', () => {
    const c = readBridgeConfig({
      ...MINIMAL,
      GITHUB_APP_ID: '12',
      GITHUB_APP_INSTALLATION_ID: '34',
      GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n')
    })
    expect(c.github).toEqual({
      app: { appId: '12', installationId: '34', privateKey: pem },
      apiUrl: 'https://api.github.com',
      mode: 'checks',
      perMinute: 80
    })
    expect(c.secrets).toContain(pem)
  })

  it('reports a partial or broken App, and an App next to a token', () => {
    const e = thrown(() =>
      readBridgeConfig({
        ...MINIMAL,
        GITHUB_TOKEN: 'ghp_x',
        GITHUB_APP_ID: 'twelve',
        GITHUB_APP_PRIVATE_KEY: 'not a key'
      })
    ) as ConfigError
    expect(e.problems.map((p) => p.message)).toEqual([
      'GITHUB_APP_INSTALLATION_ID is not set, but other GITHUB_APP_* variables are',
      'GITHUB_APP_ID must be a number, got "twelve"',
      'GITHUB_APP_PRIVATE_KEY is not a PEM private key'
    ])
    const both = thrown(() =>
      readBridgeConfig({
        ...MINIMAL,
        GITHUB_TOKEN: 'ghp_x',
        GITHUB_APP_ID: '1',
        GITHUB_APP_INSTALLATION_ID: '2',
        GITHUB_APP_PRIVATE_KEY: pem
      })
    ) as ConfigError
    expect(both.problems.map((p) => p.message)).toEqual([
      'GITHUB_TOKEN is set, and so is a GitHub App (GITHUB_APP_*)'
    ])
  })
})

describe('loadSecretFiles', () => {
  it('fills secrets from *_FILE variables, without overriding a set value', () => {
    const files: Record<string, string> = {
      '/run/creds/secret': 'from-file-secret-123456\n',
      '/run/creds/slack': 'xoxb-file'
    }
    const env = loadSecretFiles(
      {
        BRIDGE_SECRET_FILE: '/run/creds/secret',
        SLACK_BOT_TOKEN: 'xoxb-env',
        SLACK_BOT_TOKEN_FILE: '/run/creds/slack'
      },
      (f) => files[f] ?? ''
    )
    expect(env.BRIDGE_SECRET).toBe('from-file-secret-123456')
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-env')
  })

  it('reports every unreadable file', () => {
    const e = thrown(() =>
      loadSecretFiles(
        { GITHUB_TOKEN_FILE: '/nope/a', JENKINS_TOKEN_FILE: '/nope/b' },
        (f) => {
          throw new Error(`ENOENT: ${f}`)
        }
      )
    ) as ConfigError
    expect(e.problems.map((p) => p.message)).toEqual([
      'cannot read GITHUB_TOKEN_FILE: ENOENT: /nope/a',
      'cannot read JENKINS_TOKEN_FILE: ENOENT: /nope/b'
    ])
  })
})
