import { RecordingReporter } from '../../../src/core/reporter.js'
import { rejection } from '../../helpers/thrown.js'
import { JenkinsError } from '../../../src/core/errors.js'
import { JenkinsClient } from '../../../src/jenkins/client.js'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import {
  PASSWORD,
  TOKEN,
  USER,
  clientFor,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'

let jenkins: JenkinsEmulator
let reporter: RecordingReporter

beforeEach(async () => {
  jenkins = await startJenkins()
  reporter = new RecordingReporter()
})

afterEach(async () => {
  expectNoSecrets(reporter.text())
  await jenkins.stop()
})

/** The error a call fails with (as an Error: our client throws nothing else). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await rejection(promise)
  if (!(error instanceof Error))
    throw new Error(`not an Error: ${String(error)}`)
  return error
}

describe('trigger', () => {
  it('reaches jobs in nested folders, names with spaces and unicode included', async () => {
    jenkins.addJob('release/weekly/weekly-release', {
      quietPeriodMs: 3_600_000
    })
    jenkins.addJob('Folder 1/Réseau ✓')
    const client = clientFor(jenkins, reporter)
    const a = await client.trigger('release/weekly/weekly-release')
    const b = await client.trigger('Folder 1 » Réseau ✓')
    const c = await client.trigger(
      `${jenkins.baseUrl}/job/release/job/weekly/job/weekly-release/`
    )
    jenkins.addJob('odd, [name]')
    await client.trigger('odd, [name]')
    const posts = jenkins.requestsTo('trigger', 'POST').map((r) => r.path)
    expect(posts).toEqual([
      '/job/release/job/weekly/job/weekly-release/build',
      '/job/Folder%201/job/R%C3%A9seau%20%E2%9C%93/build',
      '/job/release/job/weekly/job/weekly-release/build',
      '/job/odd%2C%20%5Bname%5D/build'
    ])
    expect(a.queueUrl).toBe(`${jenkins.baseUrl}/queue/item/${a.queueId}/`)
    expect(b.queueId).not.toBe(a.queueId)
    // The same job, still in its quiet period: Jenkins hands back the same item.
    expect(c.queueId).toBe(a.queueId)
  })

  it('sends parameters as a UTF-8 form body, exactly as given', async () => {
    const names = ['SPACES', 'UNICODE', 'AMP', 'EQ', 'EMPTY']
    jenkins.addJob('stack-os-matrix', {
      parameters: names.map((name) => ({ name, default: 'default' }))
    })
    const client = clientFor(jenkins, reporter)
    const values: [string, string][] = [
      ['SPACES', '  two  spaces + plus  '],
      ['UNICODE', 'Ωmega café 🚀 日本'],
      ['AMP', 'a&b&&c'],
      ['EQ', 'x=y==z'],
      ['EMPTY', '']
    ]
    const { queueId } = await client.trigger('stack-os-matrix', values)
    const post = jenkins.requestsTo('trigger', 'POST')[0]!
    expect(post.path).toBe('/job/stack-os-matrix/buildWithParameters')
    expect([...post.query.keys()]).toEqual([])
    expect(String(post.headers['content-type'])).toContain('charset=UTF-8')
    expect(jenkins.model.items.get(queueId)?.params).toEqual(values)
  })

  it('uses the defaults of a parameterized job triggered without parameters', async () => {
    jenkins.addJob('defaults', {
      parameters: [{ name: 'REF', default: 'main' }]
    })
    const { queueId } = await clientFor(jenkins, reporter).trigger('defaults')
    expect(
      jenkins.requestsTo('trigger').map((r) => [r.path, r.status])
    ).toEqual([
      ['/job/defaults/build', 400],
      ['/job/defaults/buildWithParameters', 201]
    ])
    expect(jenkins.model.items.get(queueId)?.params).toEqual([['REF', 'main']])
  })

  it('follows a 303 to the queued twin of an identical request', async () => {
    jenkins.addJob('twin', {
      parameters: [{ name: 'SHA' }],
      quietPeriodMs: 3_600_000
    })
    const client = clientFor(jenkins, reporter)
    const first = await client.trigger('twin', [['SHA', 'abc']])
    const second = await client.trigger('twin', [['SHA', 'abc']])
    const other = await client.trigger('twin', [['SHA', 'def']])
    expect(first.coalesced).toBe(false)
    expect(second).toEqual({ ...first, coalesced: true })
    expect(other.queueId).not.toBe(first.queueId)
    expect(jenkins.requestsTo('trigger').map((r) => r.status)).toEqual([
      201, 303, 201
    ])
  })

  it('fails at once on a disabled job (409)', async () => {
    jenkins.addJob('off', { disabled: true })
    const error = await failure(clientFor(jenkins, reporter).trigger('off'))
    expect(error).toBeInstanceOf(JenkinsError)
    expect(error.message).toBe(
      "job 'off' is disabled in Jenkins (409: not buildable)"
    )
    expect(jenkins.requests).toHaveLength(1)
  })

  it('fails at once on a missing job (404), naming its URL', async () => {
    jenkins.addJob('team/app')
    const error = await failure(
      clientFor(jenkins, reporter).trigger('team/typo')
    )
    expect(error.message).toBe(
      `job 'team/typo' not found: ${jenkins.baseUrl}/job/team/job/typo/ (404)`
    )
    expect(jenkins.requests).toHaveLength(1)
  })

  it('fails at once on a bad token (401) without printing it', async () => {
    jenkins.addJob('app')
    const bad = `${TOKEN}x`
    const client = clientFor(jenkins, reporter, { token: bad })
    const error = await failure(client.trigger('app'))
    expect(error.message).toMatch(
      /^Jenkins rejected the credentials of user 'ci-bot' \(401 Unauthorized\) for POST http:\/\/127\.0\.0\.1:\d+\/job\/app\/build$/
    )
    expect(error).toBeInstanceOf(JenkinsError)
    expect(error instanceof JenkinsError ? error.hint : '').toContain(
      'API token'
    )
    expect(jenkins.requests).toHaveLength(1)
    expect(reporter.masker.apply(`${error.message} ${bad}`)).not.toContain(
      TOKEN
    )
  })

  it('names the missing permission on a 403', async () => {
    jenkins.security.users.viewer = { token: TOKEN, permissions: ['read'] }
    jenkins.addJob('app')
    const error = await failure(
      clientFor(jenkins, reporter, { user: 'viewer' }).trigger('app')
    )
    expect(error.message).toContain('viewer lacks hudson.model.Item.Build')
    expect(jenkins.requests).toHaveLength(1)
  })

  it('says when parameters go to a job that takes none (400, and 500 on older Jenkins)', async () => {
    jenkins.addJob('plain')
    const client = clientFor(jenkins, reporter)
    const modern = await failure(client.trigger('plain', [['A', '1']]))
    expect(modern.message).toBe(
      "job 'plain' takes no parameters, but A was given (400)"
    )
    const old = await startJenkins({ legacyNotParameterized500: true })
    try {
      old.addJob('plain')
      const legacy = await failure(
        clientFor(old, reporter).trigger('plain', [
          ['A', '1'],
          ['B', '2']
        ])
      )
      expect(legacy.message).toBe(
        "job 'plain' takes no parameters, but A, B were given (500)"
      )
      expect(old.requests).toHaveLength(1)
    } finally {
      await old.stop()
    }
  })
})

describe('crumbs', () => {
  it('never asks for a crumb with an API token', async () => {
    jenkins.addJob('app')
    await clientFor(jenkins, reporter).trigger('app')
    expect(jenkins.requestsTo('crumb')).toHaveLength(0)
  })

  it('fetches a session-bound crumb when a password login is refused, then retries once', async () => {
    jenkins.addJob('app')
    const client = clientFor(jenkins, reporter, { token: PASSWORD })
    await client.trigger('app')
    await client.trigger('app')
    expect(
      jenkins.requests.map((r) => `${r.method} ${r.route} ${r.status}`)
    ).toEqual([
      'POST trigger 403',
      'GET crumb 200',
      'POST trigger 201',
      'POST trigger 201'
    ])
    const last = jenkins.requests[3]!
    expect(last.headers['jenkins-crumb']).toMatch(/^[0-9a-f]{64}$/)
    expect(String(last.headers.cookie)).toContain(jenkins.security.cookieName)
    expectNoSecrets(reporter.text())
  })

  it('binds a crumb to the session that issued it, unless told not to', async () => {
    const password = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
    const post = async (
      emulator: JenkinsEmulator,
      headers: Record<string, string>
    ): Promise<number> =>
      (
        await fetch(`${emulator.baseUrl}/job/app/build`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Authorization: password, ...headers }
        })
      ).status
    const crumbOf = async (
      emulator: JenkinsEmulator
    ): Promise<{ crumb: string; cookie: string }> => {
      const res = await fetch(`${emulator.baseUrl}/crumbIssuer/api/json`, {
        headers: { Authorization: password }
      })
      const body = (await res.json()) as { crumb: string }
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
      return { crumb: body.crumb, cookie }
    }
    jenkins.addJob('app')
    const { crumb, cookie } = await crumbOf(jenkins)
    expect(await post(jenkins, {})).toBe(403)
    expect(await post(jenkins, { 'Jenkins-Crumb': crumb })).toBe(403)
    expect(
      await post(jenkins, { 'Jenkins-Crumb': crumb, Cookie: cookie })
    ).toBe(201)
    const unbound = await startJenkins({ excludeSessionId: true })
    try {
      unbound.addJob('app')
      const issued = await crumbOf(unbound)
      expect(await post(unbound, { 'Jenkins-Crumb': issued.crumb })).toBe(201)
    } finally {
      await unbound.stop()
    }
  })

  it('works when CSRF protection is off (no crumb issuer)', async () => {
    const open = await startJenkins({ csrf: false })
    try {
      open.addJob('app')
      const client = new JenkinsClient({
        url: open.baseUrl,
        user: USER,
        token: PASSWORD,
        crumb: 'always',
        clock: open.clock,
        reporter
      })
      await client.trigger('app')
      expect(open.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
        'crumb 404',
        'trigger 201'
      ])
    } finally {
      await open.stop()
    }
  })
})

describe('base URL', () => {
  it('takes credentials from the URL and keeps them out of messages', async () => {
    const prefixed = await startJenkins({ prefix: '/jenkins' })
    try {
      prefixed.addJob('app')
      const url = prefixed.baseUrl.replace('://', `://${USER}:${TOKEN}@`)
      const client = new JenkinsClient({ url, reporter, clock: prefixed.clock })
      expect(client.baseUrl).toBe(prefixed.baseUrl)
      const t = await client.trigger('app')
      expect(t.queueUrl).toBe(`${prefixed.baseUrl}/queue/item/${t.queueId}/`)
      const error = await failure(client.trigger('missing'))
      expect(error.message).toContain(`${prefixed.baseUrl}/job/missing/`)
      expectNoSecrets(error.message)
    } finally {
      await prefixed.stop()
    }
  })
})

describe('console and stop', () => {
  it('reads the console with opaque offsets: X-Text-Size counts hidden notes', async () => {
    jenkins.addJob('app', {
      script: { durationMs: 60_000, log: [{ at: 1000, text: 'hello\n' }] }
    })
    const client = clientFor(jenkins, reporter)
    const { queueId } = await client.trigger('app', [], { delaySeconds: 0 })
    const item = await client.queueItem(queueId)
    expect(item?.executable?.number).toBe(1)
    await jenkins.clock.sleep(2000)
    const first = await client.progressiveText('app', 1, 0)
    const text = Buffer.from(first.bytes).toString('utf8')
    expect(text).toBe(`Started by user ${USER}\nhello\n`)
    expect(first.more).toBe(true)
    expect(first.next).toBeGreaterThan(first.bytes.length)
    const again = await client.progressiveText('app', 1, first.next)
    expect(again.bytes).toHaveLength(0)
    expect(again.next).toBe(first.next)
  })

  it('stops a build; term and kill fall back to stop on freestyle jobs', async () => {
    jenkins.addJob('pipe', { script: { durationMs: 600_000 } })
    jenkins.addJob('free', {
      kind: 'freestyle',
      concurrent: true,
      script: { durationMs: 600_000 }
    })
    const client = clientFor(jenkins, reporter)
    await client.trigger('pipe', [], { delaySeconds: 0 })
    await client.trigger('free', [], { delaySeconds: 0 })
    expect(await client.stop('pipe', 1, 'kill')).toBe('kill')
    expect(await client.stop('free', 1, 'term')).toBe('stop')
    expect(
      jenkins.requestsTo('stop').map((r) => `${r.path} ${r.status}`)
    ).toEqual([
      '/job/pipe/1/kill 302',
      '/job/free/1/term 404',
      '/job/free/1/stop 302'
    ])
    const build = await client.build('free', 1)
    expect(build).toMatchObject({ building: false, result: 'ABORTED' })
    const log = jenkins.consoleText('pipe', 1).toString()
    expect(log).toMatch(/Hard kill!\nAborted by ci-bot\nFinished: ABORTED\n$/)
  })
})
