import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JenkinsBuildsEmulator } from '../../emulators/jenkins-builds/server.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import {
  JENKINS_TOKEN,
  JENKINS_USER,
  SECRET,
  URL_TOKEN,
  notification,
  post,
  waitFor
} from '../../helpers/bridge.js'
import {
  freePort,
  spawnBridge,
  waitHealthy,
  type BridgeProcess
} from '../../helpers/bridge-process.js'

const ROUTES = `version: 1
routes:
  - jobs: 'team/*'
    channel: '#builds'
`

/** The process's resident memory, in MB (from /proc). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

/** A raw connection; resolves once it is open. */
async function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      resolve(s)
    })
    s.on('error', reject)
  })
}

/** What a raw connection received, and whether the server closed it. */
function watch(s: Socket): { text: string; closed: boolean } {
  const seen = { text: '', closed: false }
  s.on('data', (d: Buffer) => (seen.text += d.toString('latin1')))
  s.on('close', () => (seen.closed = true))
  s.on('error', () => (seen.closed = true))
  return seen
}

/**
 * Finding 4 and 5, against the bridge as a process: no body is read before
 * a credential is seen, refused bodies are not read past the limit, timeouts
 * hold as configured, a Jenkins that never answers blocks no other build,
 * and SIGTERM ends within the drain deadline.
 */
describe('the bridge under attack and faults', () => {
  let slack: SlackEmulator
  let jenkins: JenkinsBuildsEmulator
  let bridge: BridgeProcess | undefined
  let base = ''
  const sockets: Socket[] = []
  beforeAll(async () => {
    slack = new SlackEmulator({ channels: [{ name: 'builds' }] })
    jenkins = new JenkinsBuildsEmulator({ [JENKINS_USER]: JENKINS_TOKEN })
    await Promise.all([slack.start(), jenkins.start()])
    const dir = mkdtempSync(join(tmpdir(), 'stackci-hardening-'))
    writeFileSync(join(dir, 'routes.yml'), ROUTES)
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    bridge = spawnBridge({
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(port),
      BRIDGE_DB: join(dir, 'bridge.db'),
      BRIDGE_ROUTES: join(dir, 'routes.yml'),
      BRIDGE_SECRET: SECRET,
      BRIDGE_URL_TOKEN: URL_TOKEN,
      BRIDGE_HEADERS_TIMEOUT: '1s',
      BRIDGE_DRAIN_TIMEOUT: '2s',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: `${slack.url}/api/`,
      BRIDGE_SLACK_INTERVAL: '100ms',
      JENKINS_URL: `${jenkins.url}/`,
      JENKINS_USER,
      JENKINS_TOKEN
    })
    await waitHealthy(`${base}/healthz`, bridge)
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    bridge?.child.kill('SIGKILL')
    await Promise.all([slack.stop(), jenkins.stop()])
  })

  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy()
  })

  it('holds 150 unauthenticated 1 MB posts without reading them into memory', async () => {
    const pid = bridge?.child.pid ?? 0
    const before = rssMb(pid)
    const port = Number(new URL(base).port)
    const body = Buffer.alloc(1024 * 1024 - 1, 'x')
    const seen: { text: string; closed: boolean }[] = []
    for (let i = 0; i < 150; i++) {
      const s = await open(port)
      sockets.push(s)
      seen.push(watch(s))
      // Half carry nothing, half a well-formed signature that is wrong: the
      // body must be read to tell, within a budget of bytes held at once.
      const forged =
        i % 2 === 0
          ? ''
          : `X-Stackci-Timestamp: ${Math.floor(Date.now() / 1000)}\r\nX-Stackci-Signature-256: sha256=${'0'.repeat(64)}\r\n`
      s.write(
        `POST /jenkins HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 1}\r\n${forged}\r\n`
      )
      // One byte short: the request stalls, as a slow attacker's would.
      s.write(body)
    }
    await waitFor('every unauthenticated post to be answered', () =>
      seen.every((x, i) => i % 2 === 1 || x.text.startsWith('HTTP/1.1 401'))
    )
    await new Promise((r) => setTimeout(r, 500))
    const growth = rssMb(pid) - before
    expect(growth).toBeLessThan(30)
    // Past the budget, the signed-looking ones are asked to come back later.
    expect(seen.filter((x) => x.text.startsWith('HTTP/1.1 503'))).not.toEqual(
      []
    )
  })

  it('answers a 50 MB post to a wrong path without reading it', async () => {
    const s = await open(Number(new URL(base).port))
    sockets.push(s)
    const seen = watch(s)
    const total = 50 * 1024 * 1024
    s.write(
      `POST /nope HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`
    )
    const chunk = Buffer.alloc(64 * 1024, 'y')
    let written = 0
    while (written < total && !seen.closed) {
      const more = s.write(chunk)
      written += chunk.length
      if (!more)
        await Promise.race([
          new Promise((r) => s.once('drain', r)),
          waitFor('the connection to close', () => seen.closed, 10_000)
        ])
    }
    expect(seen.text).toMatch(/^HTTP\/1\.1 404/)
    expect(seen.closed).toBe(true)
    // The server stopped reading at the limit: the rest never left the client.
    expect(written).toBeLessThan(total / 2)
  })

  it('closes a connection whose headers do not arrive within BRIDGE_HEADERS_TIMEOUT', async () => {
    const s = await open(Number(new URL(base).port))
    sockets.push(s)
    const seen = watch(s)
    s.write('POST /jenkins HTTP/1.1\r\nHost: bridge\r\n')
    // node:http checked this every 30 s: a 10 s timeout held sockets 34 s.
    await waitFor('the server to close it', () => seen.closed, 8000)
    expect(seen.text === '' || seen.text.startsWith('HTTP/1.1 408')).toBe(true)
  })

  it('applies an unrelated event while Jenkins does not answer, and drains within its deadline', async () => {
    const url = `${base}/jenkins`
    const jenkinsUrl = `${jenkins.url}/`
    jenkins.addBuild({ job: 'team/hung', number: 1, result: 'SUCCESS' })
    // Jenkins accepts the connection and never answers.
    jenkins.fault({ match: 'build-json', kind: 'delay', delayMs: 30_000 })
    expect(
      (
        await post(
          url,
          notification('team/hung', 1, 'COMPLETED', {
            jenkinsUrl,
            status: 'SUCCESS'
          })
        )
      ).status
    ).toBe(202)
    await waitFor('the re-fetch to hang', () =>
      jenkins.requests.some((r) => r.path.includes('/hung/') && r.status === 0)
    )
    expect(
      (await post(url, notification('team/other', 2, 'QUEUED', { jenkinsUrl })))
        .status
    ).toBe(202)
    const parent = await waitFor('the unrelated build’s message', () =>
      slack.channelMessages('builds').find((m) => m.text.includes('team/other'))
    )
    expect(parent.text).toMatch(/^⏳ team\/other #2 — Queued|team\/other #2/)
    // Still hanging: the unrelated event did not wait for it.
    expect(
      jenkins.requests.some((r) => r.path.includes('/hung/') && r.status === 0)
    ).toBe(true)
    const b = bridge as BridgeProcess
    const started = Date.now()
    b.child.kill('SIGTERM')
    const exit = await b.exited
    const took = Date.now() - started
    bridge = undefined
    expect(exit.code).toBe(0)
    // BRIDGE_DRAIN_TIMEOUT=2s; with a hung re-fetch it took 46 s.
    expect(took).toBeLessThan(4000)
    expect(b.stderr()).toContain('"left_events":1')
  })
})
